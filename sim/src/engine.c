/* SPDX-License-Identifier: MIT */
/*
 * The simulation engine (see sim/engine.h for the model).
 *
 * Control moves between fibers directly: the CPU that reaches a decision
 * point picks the next CPU and switches straight to its fiber, so a change of
 * CPU costs one fiber switch. The host thread's own stack (the main fiber)
 * only starts the run and receives control back when the run ends.
 */
#include <sim/engine.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_STEP_BOUND 100000000ull
#define DEFAULT_STACK_SIZE (256u * 1024u)
#define DLOG_INITIAL 4096

const char *sim_result_name(enum sim_result r)
{
	switch (r) {
	case SIM_RUNNING: return "running";
	case SIM_DONE: return "done";
	case SIM_DEADLOCK: return "deadlock";
	case SIM_LIVELOCK: return "livelock";
	case SIM_STOPPED: return "stopped";
	case SIM_ERROR: return "error";
	}
	return "?";
}

/* ------------------------------------------------------------------------ */
/* Choosers                                                                 */
/* ------------------------------------------------------------------------ */

static unsigned time_choose(void *state, struct sim_engine *e, const struct sim_choice *c)
{
	(void)state;
	(void)e;
	return c->dflt;
}

/* Uniform among CPU candidates and values; an interrupt is deferred one time
 * in four, so interrupts land at varied points without starving. */
static unsigned random_choose(void *state, struct sim_engine *e, const struct sim_choice *c)
{
	(void)state;
	if (c->kind == SIM_CHOICE_IRQ)
		return sim_rng_below(&e->rng, 4) == 0;
	return (unsigned)sim_rng_below(&e->rng, c->n);
}

const struct sim_chooser_ops sim_chooser_time = {
	.name = "time",
	.choose = time_choose,
};

const struct sim_chooser_ops sim_chooser_random = {
	.name = "random",
	.choose = random_choose,
};

const struct sim_chooser_ops *sim_chooser_find(const char *name)
{
	if (!strcmp(name, "time"))
		return &sim_chooser_time;
	if (!strcmp(name, "random"))
		return &sim_chooser_random;
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* Creation                                                                 */
/* ------------------------------------------------------------------------ */

struct sim_engine *sim_engine_create(const struct sim_engine_config *cfg, char *err, size_t errlen)
{
	if (cfg->cpus < 1 || cfg->cpus > SIM_MAX_CPUS) {
		snprintf(err, errlen, "cpus must be between 1 and %d (got %u)", SIM_MAX_CPUS, cfg->cpus);
		return NULL;
	}
	struct sim_engine *e = calloc(1, sizeof(*e) + cfg->cpus * sizeof(e->cpu[0]));
	if (!e) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (hw_evq_init(&e->evq, 64) != 0) { /* grows when needed */
		free(e);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	e->ncpus = cfg->cpus;
	e->seed = cfg->seed;
	sim_rng_seed(&e->rng, cfg->seed);
	e->chooser = cfg->chooser ? cfg->chooser : &sim_chooser_time;
	e->chooser_state = cfg->chooser_state;
	e->race_window = e->chooser == &sim_chooser_time ? 0 : cfg->race_window_ns;
	e->step_bound = cfg->step_bound ? cfg->step_bound : DEFAULT_STEP_BOUND;
	e->stop_time = cfg->stop_time_ns ? cfg->stop_time_ns : UINT64_MAX - 1;
	e->record_decisions = cfg->record_decisions;
	sim_trace_init(&e->trace, cfg->trace_limit);
	e->trace.hashing = !cfg->no_trace_hash;
	sim_stack_pool_init(&e->own_stacks, cfg->stack_size ? cfg->stack_size : DEFAULT_STACK_SIZE);
	e->stacks = cfg->stack_pool ? cfg->stack_pool : &e->own_stacks;
	for (unsigned i = 0; i < e->ncpus; i++)
		e->cpu[i].irq_enabled = true;
	e->result = SIM_RUNNING;
	return e;
}

void sim_engine_destroy(struct sim_engine *e)
{
	if (!e)
		return;
	hw_evq_fini(&e->evq);
	sim_trace_fini(&e->trace);
	sim_stack_pool_fini(&e->own_stacks);
	free(e->dlog);
	free(e);
}

void sim_engine_set_client(struct sim_engine *e, const struct sim_client_ops *ops, void *ctx)
{
	e->client = ops;
	e->client_ctx = ctx;
}

static void fiber_returned(struct sim_fiber *f)
{
	/* A simulated thread's entry must never return: that is a bug in
	 * whoever created it. The engine is not reachable from the fiber, so
	 * the fiber carries it in `arg` only for engine-made fibers; others
	 * abort (see sim_engine_fiber_init). */
	(void)f;
	fputs("uksim: internal error: a fiber's entry function returned\n", stderr);
	abort();
}

int sim_engine_fiber_init(struct sim_engine *e, struct sim_fiber *f, sim_fiber_fn fn, void *arg,
			  const char *name)
{
	return sim_fiber_init(f, e->stacks, fn, arg, fiber_returned, name);
}

void sim_engine_fiber_fini(struct sim_engine *e, struct sim_fiber *f)
{
	sim_fiber_fini(f, e->stacks);
}

void sim_cpu_start(struct sim_engine *e, unsigned cpu, struct sim_fiber *f)
{
	e->cpu[cpu].fiber = f;
	e->cpu[cpu].clock = 0;
	e->cpu[cpu].halted = false;
	if (f)
		e->runnable |= 1ull << cpu;
	else
		e->runnable &= ~(1ull << cpu);
}

/* ------------------------------------------------------------------------ */
/* Scheduling of CPUs                                                       */
/* ------------------------------------------------------------------------ */

static inline void cpu_update_ready(struct sim_cpu *c)
{
	c->irq_ready = c->irq_pending && c->irq_enabled;
}

/* How far the current CPU may run before another CPU becomes a candidate
 * (the fast path runs while clock < horizon). */
static void compute_horizon(struct sim_engine *e)
{
	uint64_t h = e->stop_time + 1;
	bool ties_stay = e->chooser == &sim_chooser_time;
	for (uint64_t m = e->runnable & ~(1ull << e->cur); m; m &= m - 1) {
		const struct sim_cpu *d = &e->cpu[__builtin_ctzll(m)];
		uint64_t lim;
		if (ties_stay)
			lim = d->clock + 1;
		else
			lim = d->clock > e->race_window ? d->clock - e->race_window : 0;
		if (lim < h)
			h = lim;
	}
	e->horizon = h;
}

static void dlog_append(struct sim_engine *e, const struct sim_choice *c, unsigned choice)
{
	if (e->dlog_len == e->dlog_cap) {
		size_t cap = e->dlog_cap ? e->dlog_cap * 2 : DLOG_INITIAL;
		struct sim_decision *d = realloc(e->dlog, cap * sizeof(*d));
		if (!d)
			sim_engine_stop(e, SIM_ERROR, "out of memory for the decision log");
		e->dlog = d;
		e->dlog_cap = cap;
	}
	struct sim_decision *d = &e->dlog[e->dlog_len++];
	*d = (struct sim_decision){.kind = (uint8_t)c->kind, .n = (uint8_t)c->n,
				   .choice = (uint8_t)choice, .dflt = (uint8_t)c->dflt,
				   .cpu = (uint8_t)e->cur, .time = sim_now(e)};
	if (c->kind == SIM_CHOICE_CPU) {
		d->choice_cpu = (uint8_t)c->cand[choice];
		d->dflt_cpu = (uint8_t)c->cand[c->dflt];
	} else if (c->kind == SIM_CHOICE_IRQ) {
		d->cpu = (uint8_t)c->cpu;
	} else {
		d->what = (uint8_t)c->what;
	}
}

/* Every choice goes through here: ask the chooser, keep it in range, count
 * it and log it. */
static unsigned choose(struct sim_engine *e, struct sim_choice *c)
{
	c->index = e->decisions;
	unsigned k = e->chooser->choose(e->chooser_state, e, c);
	if (k >= c->n)
		k = c->dflt;
	e->decisions++;
	if (e->record_decisions)
		dlog_append(e, c, k);
	return k;
}

unsigned sim_choose_value_what(struct sim_engine *e, unsigned n, unsigned dflt, unsigned what)
{
	if (n < 2)
		return 0;
	if (n > 255)
		n = 255;
	struct sim_choice c = {.kind = SIM_CHOICE_VALUE, .n = n, .dflt = dflt < n ? dflt : 0,
			       .what = what};
	return choose(e, &c);
}

unsigned sim_choose_value(struct sim_engine *e, unsigned n, unsigned dflt)
{
	return sim_choose_value_what(e, n, dflt, SIM_VALUE_OTHER);
}

static void fire_next_event(struct sim_engine *e)
{
	struct hw_event *ev = hw_evq_pop(&e->evq);
	e->in_event = true;
	e->event_time = ev->time;
	ev->fire(ev, ev->time);
	e->in_event = false;
}

/* Ends the run. From a CPU's fiber control goes to the main fiber and never
 * comes back; from the main fiber it just returns. */
static void end_run(struct sim_engine *e, enum sim_result r)
{
	if (e->result == SIM_RUNNING)
		e->result = r;
	uint64_t now = 0;
	for (unsigned i = 0; i < e->ncpus; i++)
		if (e->cpu[i].clock > now)
			now = e->cpu[i].clock;
	sim_trace_emit(&e->trace, now, e->cur, SIM_TR_RUN_END, (uint64_t)e->result, e->steps, 0);
	if (e->cur_fiber != &e->main_fiber) {
		struct sim_fiber *from = e->cur_fiber;
		e->cur_fiber = &e->main_fiber;
		sim_fiber_switch(from, &e->main_fiber);
		/* Nobody switches back to a fiber of an ended run. */
		abort();
	}
}

void sim_engine_say_at(struct sim_engine *e, const char *before, uint64_t ns, const char *after)
{
	char digits[20];
	size_t nd = 0;
	do
		digits[nd++] = (char)('0' + ns % 10);
	while ((ns /= 10) != 0);
	char *p = e->message, *end = e->message + sizeof(e->message) - 1;
	for (const char *s = before; *s && p < end;)
		*p++ = *s++;
	while (nd && p < end)
		*p++ = digits[--nd];
	for (const char *s = after; *s && p < end;)
		*p++ = *s++;
	*p = '\0';
}

static void end_quiescent(struct sim_engine *e)
{
	unsigned blocked = 0;
	char *msg = e->message;
	size_t cap = sizeof(e->message);
	uint64_t now = 0;
	for (unsigned i = 0; i < e->ncpus; i++)
		if (e->cpu[i].clock > now)
			now = e->cpu[i].clock;
	e->quiescent = true;
	if (e->parked) {
		/* Spinning on memory no one is left to write: a lock never
		 * released, a flag never set. */
		int n = snprintf(msg, cap,
				 "deadlock at %llu ns: CPU %u spins on memory no other CPU will write "
				 "(a lock never released?)\n",
				 (unsigned long long)now, (unsigned)__builtin_ctzll(e->parked));
		if (e->client && e->client->describe_blocked)
			e->client->describe_blocked(e->client_ctx, e, msg + n, cap - (size_t)n);
		end_run(e, SIM_DEADLOCK);
		return;
	}
	if (e->client && e->client->describe_blocked)
		blocked = e->client->describe_blocked(e->client_ctx, e, NULL, 0);
	if (blocked) {
		int n = snprintf(msg, cap,
				 "deadlock at %llu ns: nothing can run, no event is pending, and:\n",
				 (unsigned long long)now);
		e->client->describe_blocked(e->client_ctx, e, msg + n, cap - (size_t)n);
		end_run(e, SIM_DEADLOCK);
	} else {
		sim_engine_say_at(e, "finished at ", now, " ns");
		end_run(e, SIM_DONE);
	}
}

static void switch_to_cpu(struct sim_engine *e, unsigned d)
{
	struct sim_fiber *from = e->cur_fiber;
	struct sim_fiber *to = e->cpu[d].fiber;
	e->cur = d;
	compute_horizon(e);
	if (to == from)
		return;
	e->cur_fiber = to;
	e->cpu[d].switches++;
	sim_fiber_switch(from, to);
}

/* Decide what runs next and switch to it. Returns on the calling fiber when
 * its CPU is picked again (or at once if it is picked now). */
static void schedule(struct sim_engine *e)
{
	int current = e->cur_fiber == &e->main_fiber ? -1 : (int)e->cur;
	for (;;) {
		uint64_t mc = UINT64_MAX;
		for (uint64_t m = e->runnable; m; m &= m - 1) {
			uint64_t ci = e->cpu[__builtin_ctzll(m)].clock;
			if (ci < mc)
				mc = ci;
		}
		uint64_t t = hw_evq_next_time(&e->evq);
		if (t != HW_TIME_NEVER && t <= mc) {
			if (t > e->stop_time) {
				sim_engine_say_at(e, "time limit ", e->stop_time, " ns reached");
				end_run(e, SIM_DONE);
				return;
			}
			fire_next_event(e);
			continue;
		}
		if (mc == UINT64_MAX) {
			end_quiescent(e);
			return;
		}
		if (mc > e->stop_time) {
			sim_engine_say_at(e, "time limit ", e->stop_time, " ns reached");
			end_run(e, SIM_DONE);
			return;
		}

		/* The candidates, in CPU order, and the default among them: the
		 * earliest clock; on a tie, the current CPU. */
		unsigned cand[SIM_MAX_CPUS], n = 0, dflt = 0;
		uint64_t limit = mc + e->race_window, cd = 0;
		for (uint64_t m = e->runnable; m; m &= m - 1) {
			unsigned i = (unsigned)__builtin_ctzll(m);
			uint64_t ci = e->cpu[i].clock;
			if (ci > limit)
				continue;
			if (n == 0 || ci < cd || (ci == cd && (int)i == current)) {
				dflt = n;
				cd = ci;
			}
			cand[n++] = i;
		}
		unsigned d = n ? cand[0] : e->cur;
		if (n > 1) {
			struct sim_choice c = {.kind = SIM_CHOICE_CPU, .n = n, .dflt = dflt,
					       .cand = cand, .current = current};
			d = cand[choose(e, &c)];
		}
		if ((int)d != current)
			sim_trace_emit(&e->trace, e->cpu[d].clock, d, SIM_TR_CPU_PICK, d, n, e->decisions);
		switch_to_cpu(e, d);
		return;
	}
}

static void take_irq(struct sim_engine *e)
{
	struct sim_cpu *c = &e->cpu[e->cur];
	c->irq_enabled = false;
	cpu_update_ready(c);
	c->irqs_taken++;
	sim_trace_emit(&e->trace, c->clock, e->cur, SIM_TR_IRQ_TAKE, 0, 0, 0);
	if (e->client && e->client->interrupt)
		e->client->interrupt(e->client_ctx, e, e->cur);
	else
		sim_cpu_irq_clear(e, e->cur);
	/* Like iret: the interrupted context ran with interrupts on. The
	 * handler may have switched threads, so look the CPU up again. */
	c = &e->cpu[e->cur];
	c->irq_enabled = true;
	cpu_update_ready(c);
}

static void maybe_take_irq(struct sim_engine *e)
{
	/* Handlers may leave further interrupts pending; take them in turn,
	 * as long as the chooser agrees, and never defer one too long. */
	while (e->cpu[e->cur].irq_ready) {
		struct sim_cpu *c = &e->cpu[e->cur];
		if (e->chooser != &sim_chooser_time && c->irq_defers < SIM_MAX_IRQ_DEFERS) {
			struct sim_choice ch = {.kind = SIM_CHOICE_IRQ, .n = 2, .dflt = 0, .cpu = e->cur};
			if (choose(e, &ch) == 1) {
				c->irq_defers++;
				break;
			}
		}
		c->irq_defers = 0;
		take_irq(e);
	}
}

void sim_decide_slow(struct sim_engine *e)
{
	if (++e->steps > e->step_bound) {
		snprintf(e->message, sizeof(e->message),
			 "step bound %llu reached at %llu ns on CPU %u: a livelock, or raise the bound",
			 (unsigned long long)e->step_bound, (unsigned long long)e->cpu[e->cur].clock, e->cur);
		end_run(e, SIM_LIVELOCK);
	}
	schedule(e);
	maybe_take_irq(e);
}

/* ------------------------------------------------------------------------ */
/* Calls from inside the simulation                                         */
/* ------------------------------------------------------------------------ */

void sim_cpu_switch_fiber(struct sim_engine *e, struct sim_fiber *to)
{
	struct sim_fiber *from = e->cur_fiber;
	if (to == from)
		return;
	e->cpu[e->cur].fiber = to;
	e->cur_fiber = to;
	sim_fiber_switch(from, to);
}

void sim_cpu_halt(struct sim_engine *e)
{
	struct sim_cpu *c = &e->cpu[e->cur];
	c->irq_enabled = true;
	cpu_update_ready(c);
	if (!c->irq_pending) {
		c->halted = true;
		e->runnable &= ~(1ull << e->cur);
		c->halts++;
		sim_trace_emit(&e->trace, c->clock, e->cur, SIM_TR_CPU_HALT, 0, 0, 0);
		e->steps++;
		schedule(e);
	}
	/* Woken by an interrupt: the hardware takes it before the next
	 * instruction, whatever the chooser would prefer. */
	if (e->cpu[e->cur].irq_ready) {
		e->cpu[e->cur].irq_defers = 0;
		take_irq(e);
	}
	maybe_take_irq(e);
}

void sim_cpu_park(struct sim_engine *e)
{
	struct sim_cpu *c = &e->cpu[e->cur];
	if (!c->irq_ready) {
		e->parked |= 1ull << e->cur;
		e->runnable &= ~(1ull << e->cur);
	}
	if (++e->steps > e->step_bound) {
		snprintf(e->message, sizeof(e->message),
			 "step bound %llu reached at %llu ns on CPU %u: a livelock, or raise the bound",
			 (unsigned long long)e->step_bound, (unsigned long long)c->clock, e->cur);
		end_run(e, SIM_LIVELOCK);
	}
	schedule(e);
	maybe_take_irq(e);
}

void sim_cpu_irq_enable(struct sim_engine *e, bool enabled)
{
	struct sim_cpu *c = &e->cpu[e->cur];
	c->irq_enabled = enabled;
	cpu_update_ready(c);
	if (c->irq_ready)
		sim_decide(e);
}

/* A halted or parked CPU becomes runnable at the current time. */
static void cpu_wake(struct sim_engine *e, unsigned cpu)
{
	struct sim_cpu *c = &e->cpu[cpu];
	uint64_t now = sim_now(e);
	if (c->fiber)
		e->runnable |= 1ull << cpu;
	if (c->clock < now)
		c->clock = now;
	sim_trace_emit(&e->trace, now, cpu, SIM_TR_CPU_WAKE, cpu, 0, 0);
	if (!e->in_event && cpu != e->cur)
		compute_horizon(e);
}

void sim_cpu_wrote(struct sim_engine *e)
{
	for (uint64_t m = e->parked & ~(1ull << e->cur); m; m &= m - 1) {
		unsigned cpu = (unsigned)__builtin_ctzll(m);
		e->parked &= ~(1ull << cpu);
		cpu_wake(e, cpu);
	}
}

void sim_cpu_irq_raise(struct sim_engine *e, unsigned cpu)
{
	struct sim_cpu *c = &e->cpu[cpu];
	c->irq_pending = true;
	cpu_update_ready(c);
	if (c->halted) {
		c->halted = false;
		cpu_wake(e, cpu);
	} else if ((e->parked >> cpu) & 1 && c->irq_enabled) {
		/* A spinning CPU with interrupts on takes the interrupt. */
		e->parked &= ~(1ull << cpu);
		cpu_wake(e, cpu);
	}
}

void sim_cpu_irq_clear(struct sim_engine *e, unsigned cpu)
{
	struct sim_cpu *c = &e->cpu[cpu];
	c->irq_pending = false;
	c->irq_ready = false;
}

int sim_event_at(struct sim_engine *e, struct hw_event *ev, uint64_t when)
{
	uint64_t now = sim_now(e);
	return hw_evq_insert(&e->evq, ev, when < now ? now : when);
}

_Noreturn void sim_engine_stop(struct sim_engine *e, enum sim_result r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	if (e->cur_fiber == &e->main_fiber) {
		fputs("uksim: internal error: sim_engine_stop outside a run\n", stderr);
		abort();
	}
	end_run(e, r);
	abort();
}

enum sim_result sim_engine_run(struct sim_engine *e)
{
	sim_fiber_adopt_thread(&e->main_fiber, "main");
	e->cur_fiber = &e->main_fiber;
	e->cur = 0;
	e->result = SIM_RUNNING;
	sim_trace_emit(&e->trace, 0, 0, SIM_TR_RUN_START, e->seed, e->ncpus, 0);
	schedule(e);
	/* Back on the main fiber: some CPU ended the run, or it never began. */
	if (e->result == SIM_RUNNING) {
		snprintf(e->message, sizeof(e->message), "internal error: run returned while running");
		e->result = SIM_ERROR;
	}
	return e->result;
}
