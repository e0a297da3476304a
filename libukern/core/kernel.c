/* SPDX-License-Identifier: MIT */
/*
 * kernel.c: the kernel instance: creation and boot, the per-CPU idle entry,
 * the kernel lock, the interrupt entry, and host-side inspection.
 *
 * The instance lives in the first RAM region large enough, at its bottom,
 * reached through the direct map; the frame allocator manages the rest.
 */
#include "core/kern.h"
#include "lib/string.h"
#include <ukern/xfer.h>

void uk_kernel_config_default(struct uk_kernel_config *cfg)
{
	uk_memset(cfg, 0, sizeof(*cfg));
	cfg->sched = NULL;
	cfg->timeslice_ns = 1000000;
	cfg->priority_inheritance = true;
	cfg->pi_max_depth = 8;
	cfg->nopreempt_max_ns = 1000000;
	cfg->ipc_handoff = true;
}

/* ---- the kernel lock ---- */

/* One atomic to take the lock when it is free and one to release it: the
 * fetch-add that draws a ticket also reads the ticket being served. */
void kernel_lock(struct uk_kernel *k)
{
	uint64_t me = uk_arch_cpu_id(k->a) + 1u;
	uint64_t old;
	uint32_t ticket;

	if (k->lock_cpu == me)
		uk_arch_fatal(k->a, "kernel: kernel lock taken twice by one CPU");
	old = uk_arch_atomic_fetch_add(k->a, &k->lock_word, 1ull << 32);
	ticket = (uint32_t)(old >> 32);
	if ((uint32_t)old != ticket) {
		while ((uint32_t)uk_arch_atomic_load(k->a, &k->lock_word) != ticket) {
			vm_tlb_service(k); /* the holder may be waiting for our TLB flush */
			uk_arch_spin_pause(k->a);
		}
	}
	k->lock_cpu = me;
}

void kernel_unlock(struct uk_kernel *k)
{
	/* Only the holder moves the low half. Past 0xffffffff it wraps to 0
	 * and the carry into the high half is taken back. */
	uint64_t add = (uint32_t)k->lock_word == UINT32_MAX ? 1ull - (1ull << 32) : 1ull;

	UK_CHECK(k, k->lock_cpu == uk_arch_cpu_id(k->a) + 1u, "kernel: unlocking a lock we do not hold");
	k->lock_cpu = 0;
	uk_arch_atomic_fetch_add(k->a, &k->lock_word, add);
}

struct cpu *this_cpu(struct uk_kernel *k)
{
	return &k->cpus[uk_arch_cpu_id(k->a)];
}

uint64_t kernel_new_id(struct uk_kernel *k)
{
	return k->next_id++;
}

struct uk_arch *uk_kernel_arch(struct uk_kernel *k)
{
	return k->a;
}

/* ---- creation and boot ---- */

static int config_check(const struct uk_kernel_config *c)
{
	const struct uk_sched_ops *o = c->sched;

	if (c->pi_max_depth == 0 || c->pi_max_depth > 1024 || c->nopreempt_max_ns == 0)
		return UK_EINVAL;
	if (o && (!o->cpu_init || !o->enqueue || !o->dequeue || !o->pick_next || !o->top_prio ||
		  !o->should_preempt || !o->select_cpu || !o->slice_ns))
		return UK_EINVAL;
	if (c->xfer && !uk_xfer_ops_valid(c->xfer))
		return UK_EINVAL;
	return 0;
}

/* Find room for the instance: the bottom of the first region that holds it. */
static struct uk_kernel *kernel_place(struct uk_arch *a, unsigned ncpus, uk_paddr_t *base,
				      uint64_t *pages)
{
	uint64_t size = sizeof(struct uk_kernel) + (uint64_t)ncpus * sizeof(struct cpu);
	uint64_t need = (size + UK_PAGE_SIZE - 1) >> UK_PAGE_SHIFT;
	uk_paddr_t rb;
	uint64_t rs;

	for (unsigned i = 0; uk_arch_mem_region(a, i, &rb, &rs); i++) {
		if (rs >= need << UK_PAGE_SHIFT) {
			*base = rb;
			*pages = need;
			/* Cleared here, a frame at a time, so that a platform
			 * that knows a frame is clear skips it. */
			for (uint64_t f = 0; f < need; f++)
				uk_arch_frame_zero(a, rb + (f << UK_PAGE_SHIFT));
			return uk_arch_phys_ptr(a, rb, need << UK_PAGE_SHIFT);
		}
	}
	return NULL;
}

static int kernel_init_cpus(struct uk_kernel *k)
{
	for (unsigned i = 0; i < k->ncpus; i++) {
		struct cpu *c = &k->cpus[i];
		struct uk_thread *idle = &c->idle;
		int rc;

		c->id = i;
		c->slice_deadline = UINT64_MAX;
		idle->is_idle = true;
		idle->state = TS_RUNNING;
		idle->o.type = KOBJ_THREAD;
		idle->o.refs = 1;
		idle->o.id = kernel_new_id(k);
		idle->name = "idle";
		idle->cpu = i;
		idle->sn.affinity = bit64(i);
		idle->sn.queued_cpu = UK_CPU_NONE;
		idle->sn.tid = idle->o.id;
		idle->fault_program = UK_NO_PROGRAM;
		idle->user.k = k;
		idle->user.t = idle;
		if ((rc = k->sched->cpu_init(k, i, &c->sched_state)) < 0)
			return rc;
	}
	return 0;
}

int uk_kernel_create(struct uk_arch *a, const struct uk_kernel_config *cfg, struct uk_kernel **out)
{
	struct uk_kernel_config c;
	struct uk_kernel *k;
	uk_paddr_t base;
	uint64_t pages;
	unsigned ncpus = uk_arch_cpu_count(a);
	int rc;

	if (cfg)
		c = *cfg;
	else
		uk_kernel_config_default(&c);
	if ((rc = config_check(&c)) < 0 || ncpus == 0 || ncpus > UK_MAX_CPUS)
		return UK_EINVAL;
	if (!(k = kernel_place(a, ncpus, &base, &pages)))
		return UK_ENOMEM;
	k->a = a;
	k->cfg = c;
	if (c.sched)
		k->sched_ops = *c.sched;
	else
		uk_sched_fixed_ops(&k->sched_ops);
	k->sched = &k->sched_ops;
	k->cfg.sched = k->sched;
	uk_xfer_builtins_init(k->xfer_builtin);
	uk_irq_builtins_init(&k->irq_builtin);
	if (c.xfer && c.xfer->id == 0)
		(void)uk_kernel_xfer_register(k, c.xfer); /* ids are free: it cannot fail */
	k->ncpus = ncpus;
	k->all_cpus = ncpus == 64 ? ~0ull : bit64(ncpus) - 1;
	k->next_id = 1;
	k->pm.last_wake_pin = UINT32_MAX;
	list_init(&k->threads);
	frame_init(k, base, pages);
	if ((rc = vm_space_init(k, &k->empty_vs)) < 0)
		return rc;
	if ((rc = kernel_init_cpus(k)) < 0)
		return rc;
	uk_arch_set_interrupt_handler(a, kernel_interrupt, k);
	*out = k;
	return 0;
}

_Noreturn void uk_kernel_cpu_main(struct uk_kernel *k)
{
	struct cpu *c;

	(void)uk_arch_irq_save(k->a);
	kernel_lock(k);
	c = this_cpu(k);
	c->idle.ctx = uk_arch_boot_thread(k->a);
	c->current = &c->idle;
	c->started = true;
	k->cpus_running = true;
	vm_activate(k, c, &k->empty_vs);
	sched_idle_loop(k, c);
	uk_arch_fatal(k->a, "kernel: idle loop returned");
}

int uk_kernel_register_program(struct uk_kernel *k, const char *name, uk_user_entry_fn fn)
{
	if (!fn)
		return UK_EINVAL;
	if (k->nprograms >= MAX_PROGRAMS)
		return UK_ENOMEM;
	k->programs[k->nprograms].name = name;
	k->programs[k->nprograms].fn = fn;
	return (int)k->nprograms++;
}

static int spawn_nopreempt_cap(struct uk_kernel *k, struct process *p)
{
	struct nopreempt_cap *np = kalloc(k, sizeof(*np));
	int rc;

	if (!np)
		return UK_ENOMEM;
	kobj_init(k, &np->o, KOBJ_NOPREEMPT);
	rc = cap_install_at(k, p, 2, &np->o, UK_RIGHTS_ALL);
	kobj_put(k, &np->o);
	return rc < 0 ? rc : 0;
}

int uk_kernel_spawn(struct uk_kernel *k, const struct uk_spawn *s, uint64_t *tid)
{
	struct process *p;
	struct uk_thread *t;
	int rc;

	if (s->program >= k->nprograms || s->max_prio > UK_PRIO_MAX || s->prio > s->max_prio ||
	    (s->flags & ~UK_SPAWN_NOPREEMPT))
		return UK_EINVAL;
	if ((rc = process_create(k, s->max_prio, s->name, &p)) < 0)
		return rc;
	rc = thread_create(k, p, s->program, s->arg, s->prio, s->affinity, &t);
	if (rc < 0) {
		/* No thread will ever die to tear it down: close its own handle
		 * (slot 0), so the put below frees the process, its address
		 * space and its PCID. */
		cap_close_all(k, p);
	} else {
		if (s->name)
			t->name = s->name;
		cap_install_at(k, p, 1, &t->o, UK_RIGHTS_ALL);
		kobj_put(k, &t->o);
		if (s->flags & UK_SPAWN_NOPREEMPT)
			rc = spawn_nopreempt_cap(k, p);
		if (rc == 0) {
			rc = thread_start(k, t, UK_CPU_NONE);
			*tid = t->o.id;
			uk_arch_trace(k->a, UK_TRACE_CORE_SPAWN, t->o.id, p->o.id, s->prio);
		}
	}
	kobj_put(k, &p->o);
	return rc;
}

/* ---- interrupts ---- */

static void interrupt_dispatch(struct uk_kernel *k, struct cpu *c, unsigned vector)
{
	if (vector == UK_VEC_TIMER) {
		sched_tick(k, c);
	} else if (vector == UK_VEC_RESCHED) {
		c->need_resched = true;
	} else if (vector == UK_VEC_HOST) {
		pm_host_interrupt(k);
	} else if (irq_interrupt(k, vector)) {
		k->stats.device_irqs++; /* an IRQ line's: raised on its pin */
	} else if (vector >= UK_VEC_FIRST_DEVICE && vector <= UK_VEC_LAST_DEVICE && k->device_irq) {
		k->stats.device_irqs++;
		k->device_irq(k->device_irq_ctx, k, vector);
	} else {
		k->stats.spurious_irqs++;
	}
}

/* The interrupt entry registered with arch.h. Interrupts are only enabled
 * while a thread runs user code or the idle loop halts, so the interrupted
 * thread is never inside the kernel and may be preempted or killed here. */
void kernel_interrupt(void *ctx, unsigned vector)
{
	struct uk_kernel *k = ctx;
	struct cpu *c;
	struct uk_thread *t;

	uk_arch_charge(k->a, UK_COST_IRQ_ENTRY, 1);
	if (vector == UK_VEC_TLB) {
		vm_tlb_service(k);
		uk_arch_eoi(k->a);
		return;
	}
	kernel_lock(k);
	c = this_cpu(k);
	interrupt_dispatch(k, c, vector);
	uk_arch_eoi(k->a);
	t = c->current;
	if (t && !t->is_idle) {
		if (t->in_kernel)
			uk_arch_fatal(k->a, "kernel: interrupt taken inside the kernel");
		thread_user_return(k, t);
		sched_preempt_point(k);
		thread_user_return(k, t);
	}
	kernel_unlock(k);
}

void uk_kernel_set_device_irq_handler(struct uk_kernel *k, uk_device_irq_fn fn, void *ctx)
{
	k->device_irq = fn;
	k->device_irq_ctx = ctx;
}

void uk_kernel_set_syscall_extension(struct uk_kernel *k, uk_syscall_ext_fn fn, void *ctx)
{
	k->syscall_ext = fn;
	k->syscall_ext_ctx = ctx;
}

void uk_kernel_set_platform(struct uk_kernel *k, void *p)
{
	k->platform = p;
}

void *uk_user_kernel_platform(struct uk_user *u)
{
	return u->k->platform;
}

void uk_user_set_platform(struct uk_user *u, void *p)
{
	u->t->platform = p;
}

void *uk_user_platform(struct uk_user *u)
{
	return u->t->platform;
}

/* ---- host-side inspection (machine stopped; no lock) ---- */

void uk_kernel_get_stats(struct uk_kernel *k, struct uk_kernel_stats *out)
{
	*out = k->stats;
	out->kobjs_live = k->kalloc.kobjs;
	out->kalloc_pages = k->kalloc.pages;
}

static struct uk_thread *thread_by_id(struct uk_kernel *k, uint64_t tid)
{
	struct list *l;
	list_for_each(l, &k->threads) {
		struct uk_thread *t = container_of(l, struct uk_thread, all_link);
		if (t->o.id == tid)
			return t;
	}
	return NULL;
}

int uk_kernel_thread_info(struct uk_kernel *k, uint64_t tid, struct uk_thread_info *out)
{
	struct uk_thread *t = thread_by_id(k, tid);
	if (!t)
		return UK_ENOENT;
	thread_info(t, out);
	return 0;
}

unsigned uk_kernel_describe_blocked(struct uk_kernel *k, uk_blocked_fn fn, void *ctx)
{
	unsigned n = 0;
	struct list *l;

	list_for_each(l, &k->threads) {
		struct uk_thread *t = container_of(l, struct uk_thread, all_link);
		struct uk_thread_info info;
		if (t->state != TS_BLOCKED)
			continue;
		thread_info(t, &info);
		if (fn)
			fn(ctx, &info);
		n++;
	}
	return n;
}

static unsigned count_threads(struct uk_kernel *k, bool runnable_only)
{
	unsigned n = 0;
	struct list *l;

	list_for_each(l, &k->threads) {
		struct uk_thread *t = container_of(l, struct uk_thread, all_link);
		if (runnable_only ? (t->state == TS_READY || t->state == TS_RUNNING)
				  : (t->state != TS_DEAD))
			n++;
	}
	return n;
}

unsigned uk_kernel_runnable_count(struct uk_kernel *k)
{
	return count_threads(k, true);
}

unsigned uk_kernel_live_count(struct uk_kernel *k)
{
	return count_threads(k, false);
}
