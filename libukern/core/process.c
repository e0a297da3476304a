/* SPDX-License-Identifier: MIT */
/*
 * process.c: a process is an address space plus a handle table. When its
 * last thread dies it is torn down (handles closed, space freed); the object
 * itself lives on while handles elsewhere (or dead threads) reference it.
 */
#include "core/kern.h"

int process_create(struct uk_kernel *k, unsigned max_prio, const char *name, struct process **out)
{
	struct process *p = kalloc(k, sizeof(*p));
	int rc;

	if (!p)
		return UK_ENOMEM;
	kobj_init(k, &p->o, KOBJ_PROCESS);
	p->max_prio = max_prio;
	p->name = name;
	if ((rc = vm_space_init(k, &p->vs)) < 0) {
		kobj_discard(k, &p->o, sizeof(*p));
		return rc;
	}
	rc = cap_install_at(k, p, 0, &p->o, UK_RIGHTS_ALL);
	if (rc < 0)
		uk_arch_fatal(k->a, "process: fresh handle table has no slot 0");
	*out = p;
	return 0;
}

static void process_teardown(struct uk_kernel *k, struct process *p)
{
	if (p->torn_down)
		return;
	p->torn_down = true;
	kobj_get(&p->o); /* closing its own handle must not free it under us */
	cap_close_all(k, p);
	vm_space_destroy(k, &p->vs);
	p->o.refs--; /* drop that guard without recursing into process_free */
	if (p->o.refs == 0)
		uk_arch_fatal(k->a, "process: torn down with no reference left");
}

void process_thread_gone(struct uk_kernel *k, struct process *p)
{
	if (p->live_threads == 0)
		uk_arch_fatal(k->a, "process: thread count underflow");
	if (--p->live_threads == 0)
		process_teardown(k, p);
}

void process_free(struct uk_kernel *k, struct process *p)
{
	if (!p->torn_down) {
		p->o.refs = 1; /* keep it alive through teardown */
		process_teardown(k, p);
		p->o.refs = 0;
	}
	kfree(k, p, sizeof(*p));
}

struct process *process_of_tid(struct uk_kernel *k, uint64_t tid)
{
	struct list *l;

	list_for_each(l, &k->threads) {
		struct uk_thread *t = container_of(l, struct uk_thread, all_link);
		if (t->o.id == tid && t->proc && !t->proc->torn_down)
			return t->proc;
	}
	return NULL;
}
