/* SPDX-License-Identifier: MIT */
/*
 * Where a run is, for a report made when a program crashes or hangs.
 *
 * Loaded programs run in uksim's own process, on the fibers of the
 * simulated threads. When one faults (SIGSEGV, abort ...) or loops for
 * ever, uksim's signal handler must name it, and may use nothing but
 * plain reads: no locks, no allocation. So the runtime notes, per host
 * thread, the run the engine is running (one store before and after the
 * engine's run), and each scenario thread notes its fiber when it starts;
 * the running thread is then the one whose fiber is the engine's current
 * fiber. Nothing is added to a fiber switch.
 */
#include "rt_int.h"

#include <string.h>

/* One run at a time per host thread (explorer workers each have theirs).
 * initial-exec: the signal handler reads it without a call into the
 * dynamic linker. */
static __thread struct sim_rt *running __attribute__((tls_model("initial-exec")));

void rt_where_enter(struct sim_rt *rt)
{
	__atomic_store_n(&running, rt, __ATOMIC_RELEASE);
}

void rt_where_leave(void)
{
	__atomic_store_n(&running, NULL, __ATOMIC_RELEASE);
}

static bool same_text(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

bool sim_runtime_where(struct sim_run_where *out)
{
	const struct sim_rt *rt = __atomic_load_n(&running, __ATOMIC_ACQUIRE);
	*out = (struct sim_run_where){0};
	if (!rt || !rt->sm || !rt->sm->e)
		return false;
	const struct sim_engine *e = rt->sm->e;
	out->run = rt;
	out->scenario = rt->s->name;
	out->steps = e->steps;
	const struct sim_fiber *f = e->cur_fiber;
	out->on_cpu = f && f != &e->main_fiber && e->cur < e->ncpus;
	if (out->on_cpu) {
		out->cpu = e->cur;
		out->time_ns = e->cpu[e->cur].clock;
	} else {
		/* The engine's own loop (events, scheduling): the latest clock. */
		for (unsigned i = 0; i < e->ncpus; i++)
			if (e->cpu[i].clock > out->time_ns)
				out->time_ns = e->cpu[i].clock;
		return true;
	}
	out->fiber = f->name;
	out->stack_lo = f->stack_lo;
	out->stack_size = f->stack_size;
	/* A dead thread's fiber may have been reused: of the scenario threads
	 * on this fiber, the one started last is the one running. Only the
	 * trampoline's fibers are scenario threads (a kill thread or a CPU's
	 * boot thread is not). */
	if (!same_text(f->name, RT_TRAMPOLINE_NAME))
		return true;
	const struct rt_thread *best = NULL;
	for (size_t i = 0; i < rt->nthr; i++) {
		const struct rt_thread *c = &rt->thr[i];
		if (c->fiber == f && (!best || c->start_no > best->start_no))
			best = c;
	}
	if (best) {
		out->process = rt->s->processes[best->proc].name;
		out->thread = best->ut->name;
		out->program = best->prog ? best->prog->name : best->ut->program;
	}
	return true;
}
