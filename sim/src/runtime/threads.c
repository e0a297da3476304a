/* SPDX-License-Identifier: MIT */
/*
 * Every scenario thread starts in rt_thread_main. The first thread of a
 * process sets the process up from the inside, since only a thread can make
 * kernel objects in its process: the named mutexes its programs share, the
 * process's other threads (with their priorities and affinities), and, if
 * the timeline kills the process, the thread that carries the kill out.
 * Then each thread runs its program.
 */
#include "rt_int.h"

#include <string.h>

static const char *thread_mutex_name(const struct sim_prog_ctx *c)
{
	const char *name = sim_prog_str(c, "mutex", NULL);
	if (name)
		return name;
	const char *p = c->ut->program;
	if (!strcmp(p, "mutex-holder") || !strcmp(p, "mutex-waiter"))
		return "m";
	return NULL;
}

static void make_mutexes(struct uk_user *u, struct sim_rt *rt, struct rt_proc *rp)
{
	const struct uks_process *up = &rt->s->processes[rp->index];
	for (size_t j = 0; j < up->nthreads; j++) {
		const char *name = thread_mutex_name(&rt->thr[rp->first_thread + j]);
		if (!name || sim_prog_mutex(&rt->thr[rp->first_thread], name))
			continue;
		if (rp->nmutex == RT_MAX_MUTEXES)
			return;
		long h = uk_sys_mutex_create(u);
		if (h <= 0)
			return;
		rp->mutex[rp->nmutex].name = name;
		rp->mutex[rp->nmutex].h = (uint32_t)h;
		rp->nmutex++;
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
		struct sim_prog_ctx *c = &rt->thr[rp->first_thread + j];
		long h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, (unsigned)rt->tramp_prog,
					      (uint64_t)(uintptr_t)c, c->ut->prio,
					      affinity_of(rt, c->ut));
		if (h <= 0)
			continue;
		rp->thread_h[j] = (uint32_t)h;
		uk_sys_thread_start(u, (uint32_t)h);
	}
	if (rp->kill_action >= 0) {
		long h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, (unsigned)rt->reaper_prog,
					      (uint64_t)(uintptr_t)rp, 255, 0);
		if (h > 0)
			uk_sys_thread_start(u, (uint32_t)h);
	}
}

void rt_thread_main(struct uk_user *u, uint64_t arg)
{
	struct sim_prog_ctx *c = (struct sim_prog_ctx *)(uintptr_t)arg;
	struct sim_rt *rt = c->rt;
	struct rt_proc *rp = &rt->proc[c->proc];
	c->tid = (uint64_t)uk_sys_thread_id(u);
	if (c->thread == 0) {
		make_mutexes(u, rt, rp);
		start_siblings(u, rt, rp);
	}
	c->prog->fn(u, c);
	rp->exits++;
}

/* The kill fault: sleep until the (placed) time of the process's first
 * `kill`, then kill every other thread of the process and end. Its sinks
 * are then detached with the process, which counts as their NAK. */
void rt_reaper_main(struct uk_user *u, uint64_t arg)
{
	struct rt_proc *rp = (struct rt_proc *)(uintptr_t)arg;
	struct sim_rt *rt = rp->rt;
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
