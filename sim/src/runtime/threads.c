/* SPDX-License-Identifier: MIT */
/*
 * Every scenario thread starts in rt_thread_main. The first thread of a
 * process sets the process up from the inside, since only a thread can make
 * kernel objects in its process: the named mutexes its programs share, the
 * process's other threads (with their priorities and affinities), and, if
 * the timeline kills the process, the thread that carries the kill out.
 * Then each thread writes its argument block (args.c) into its slot of the
 * process's argument area and runs its program, which gets nothing but its
 * user handle.
 */
#include "rt_int.h"

#include <string.h>

#include <ukern/progargs.h>

/* A trampoline's argument is an index and check bits, never a pointer: a
 * program can start the trampoline itself (thread_create naming its
 * program number, or set_fault_handler) with any value, and such a start
 * is refused before anything is looked up. The check bits make a guessed
 * or garbage argument fail; each thread can be started once. */
static uint32_t check_bits(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)((x ^ (x >> 31)) >> 32) | 1u;
}

uint64_t rt_thread_arg(const struct rt_thread *c)
{
	return (uint64_t)c->tag << 32 | (uint64_t)(c - c->rt->thr);
}

uint64_t rt_reaper_arg(const struct rt_proc *rp)
{
	return (uint64_t)rp->reaper_tag << 32 | (uint64_t)rp->index;
}

void rt_threads_tag(struct sim_rt *rt)
{
	for (size_t i = 0; i < rt->nthr; i++)
		rt->thr[i].tag = check_bits(i);
	for (size_t p = 0; p < rt->s->nprocesses; p++)
		rt->proc[p].reaper_tag = check_bits(0x100000000ull + p);
}

static struct rt_thread *claim_thread(struct sim_rt *rt, uint64_t arg)
{
	uint64_t i = arg & 0xffffffffu;
	if (!rt || i >= rt->nthr)
		return NULL;
	struct rt_thread *c = &rt->thr[i];
	if (c->started || c->tag != (uint32_t)(arg >> 32))
		return NULL;
	c->started = true;
	return c;
}

static void make_mutexes(struct uk_user *u, struct rt_proc *rp)
{
	for (unsigned i = 0; i < rp->nmutex; i++) {
		long h = uk_sys_mutex_create(u);
		rp->mutex[i].h = h > 0 ? (uint32_t)h : 0;
	}
}

static uint64_t affinity_of(const struct sim_rt *rt, const struct uks_thread *t)
{
	unsigned n = rt->s->machine.cpus;
	uint64_t all = n >= 64 ? ~0ull : (1ull << n) - 1;
	uint64_t a = t->affinity & all;
	return a ? a : all;
}

static void start_siblings(struct uk_user *u, struct sim_rt *rt, struct rt_proc *rp)
{
	const struct uks_process *up = &rt->s->processes[rp->index];
	for (size_t j = 1; j < up->nthreads; j++) {
		struct rt_thread *c = &rt->thr[rp->first_thread + j];
		long h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, (unsigned)rt->tramp_prog,
					      rt_thread_arg(c), c->ut->prio,
					      affinity_of(rt, c->ut));
		if (h <= 0)
			continue;
		rp->thread_h[j] = (uint32_t)h;
		uk_sys_thread_start(u, (uint32_t)h);
	}
	if (rp->kill_action >= 0) {
		long h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, (unsigned)rt->reaper_prog,
					      rt_reaper_arg(rp), 255, 0);
		if (h > 0)
			uk_sys_thread_start(u, (uint32_t)h);
	}
}

/* Map the thread's slot of the argument area (demand-zero) and write its
 * block there, with the process's mutex handles filled in. */
static void write_block(struct uk_user *u, struct rt_thread *c)
{
	const struct rt_proc *rp = &c->rt->proc[c->proc];
	struct uk_progargs_hdr h;
	memcpy(&h, c->block, sizeof(h));
	for (uint32_t i = 0; i < h.nmutexes; i++) {
		struct uk_progarg_mutex m;
		size_t off = h.mutexes_off + i * sizeof(m);
		memcpy(&m, c->block + off, sizeof(m));
		m.handle = rp->mutex[i].h;
		memcpy(c->block + off, &m, sizeof(m));
	}
	uk_vaddr_t va = UK_PROGARGS_SLOT(c->thread);
	uint64_t len = ((uint64_t)c->block_size + UK_PAGE_SIZE - 1) & ~(uint64_t)(UK_PAGE_SIZE - 1);
	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, va, len, UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY);
	uk_user_write(u, va, c->block, c->block_size);
}

void rt_thread_main(struct uk_user *u, uint64_t arg)
{
	struct sim_rt *rt = uk_user_kernel_platform(u);
	struct rt_thread *c = claim_thread(rt, arg);
	if (!c)
		return; /* a start the runtime did not ask for: nothing to run */
	struct rt_proc *rp = &rt->proc[c->proc];
	uk_user_set_platform(u, c);
	c->fiber = rt->sm->e->cur_fiber; /* the fiber this trampoline runs on */
	c->start_no = ++rt->starts;
	c->tid = (uint64_t)uk_sys_thread_id(u);
	if (c->thread == 0) {
		make_mutexes(u, rp);
		start_siblings(u, rt, rp);
	}
	write_block(u, c);
	c->prog->fn(u);
	rp->exits++;
}

/* The kill fault: sleep until the (placed) time of the process's first
 * `kill`, then kill every other thread of the process and end. Its sinks
 * are then detached with the process, which counts as their NAK. */
void rt_reaper_main(struct uk_user *u, uint64_t arg)
{
	struct sim_rt *rt = uk_user_kernel_platform(u);
	uint64_t p = arg & 0xffffffffu;
	if (!rt || p >= rt->s->nprocesses)
		return;
	struct rt_proc *rp = &rt->proc[p];
	if (rp->kill_action < 0 || rp->reaper_started || rp->reaper_tag != (uint32_t)(arg >> 32))
		return; /* not the kill thread the runtime started */
	rp->reaper_started = true;
	uint64_t when = UINT64_MAX;
	for (size_t i = 0; i < rt->s->nactions; i++) {
		const struct uks_action *a = &rt->s->actions[i];
		if (a->kind == UKS_ACT_KILL && a->target == rp->index && rt->act[i].when < when)
			when = rt->act[i].when;
	}
	uk_sys_sleep_until(u, when);
	for (size_t i = 0; i < rt->s->nactions; i++) {
		const struct uks_action *a = &rt->s->actions[i];
		if (a->kind == UKS_ACT_KILL && a->target == rp->index && rt->act[i].when == when) {
			rt->act[i].fired = true;
			rt->actions_fired++;
		}
	}
	const struct uks_process *up = &rt->s->processes[rp->index];
	for (size_t j = 1; j < up->nthreads; j++)
		if (rp->thread_h[j])
			uk_sys_thread_kill(u, rp->thread_h[j]);
	uk_sys_thread_kill(u, UK_HANDLE_THREAD_INITIAL);
}
