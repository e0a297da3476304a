/* SPDX-License-Identifier: MIT */
/*
 * Engine-level tasks (see sim/tasks.h). Each CPU's boot fiber is its idle
 * loop: run the next ready task, or halt until an interrupt says there may
 * be work. Waking a task on another CPU raises an interrupt there, as a
 * kernel's reschedule IPI would.
 */
#include <sim/tasks.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void runq_push(struct sim_tasks *ts, struct sim_task *t)
{
	t->next = NULL;
	if (ts->tail[t->cpu])
		ts->tail[t->cpu]->next = t;
	else
		ts->head[t->cpu] = t;
	ts->tail[t->cpu] = t;
}

static struct sim_task *runq_pop(struct sim_tasks *ts, unsigned cpu)
{
	struct sim_task *t = ts->head[cpu];
	if (t) {
		ts->head[cpu] = t->next;
		if (!ts->head[cpu])
			ts->tail[cpu] = NULL;
	}
	return t;
}

static void idle_loop(void *arg)
{
	struct sim_tasks *ts = arg;
	struct sim_engine *e = ts->e;
	for (;;) {
		unsigned cpu = sim_current_cpu(e);
		struct sim_task *t = runq_pop(ts, cpu);
		if (!t) {
			sim_cpu_halt(e);
			continue;
		}
		ts->current[cpu] = t;
		t->state = SIM_TASK_RUNNING;
		sim_trace(e, SIM_TR_TASK_RUN, t->id, 0, 0);
		sim_charge(e, 50); /* the cost of a switch */
		sim_cpu_switch_fiber(e, &t->fiber);
		ts->current[cpu] = NULL;
	}
}

/* Back to this CPU's idle loop; returns when the task runs again. */
static void task_leave(struct sim_task *t)
{
	sim_cpu_switch_fiber(t->ts->e, &t->ts->idle[t->cpu]);
}

static void task_main(void *arg)
{
	struct sim_task *t = arg;
	t->fn(t, t->arg);
	sim_task_exit(t);
}

static void tasks_interrupt(void *ctx, struct sim_engine *e, unsigned cpu)
{
	(void)ctx;
	/* The only interrupt is "look at your run queue", which the idle loop
	 * does anyway. */
	sim_cpu_irq_clear(e, cpu);
}

static unsigned tasks_describe_blocked(void *ctx, struct sim_engine *e, char *out, size_t outlen)
{
	struct sim_tasks *ts = ctx;
	(void)e;
	unsigned blocked = 0;
	size_t used = 0;
	for (unsigned i = 0; i < ts->n; i++) {
		struct sim_task *t = ts->all[i];
		if (t->state != SIM_TASK_BLOCKED)
			continue;
		blocked++;
		if (out && used < outlen) {
			int n = snprintf(out + used, outlen - used,
					 "  task %s (id %u) on CPU %u waits on %s (channel %llu)\n", t->name,
					 t->id, t->cpu, t->wait_what ? t->wait_what : "?",
					 (unsigned long long)t->wait_chan);
			if (n > 0)
				used += (size_t)n;
		}
	}
	return blocked;
}

static const struct sim_client_ops tasks_client = {
	.interrupt = tasks_interrupt,
	.describe_blocked = tasks_describe_blocked,
};

int sim_tasks_init(struct sim_tasks *ts, struct sim_engine *e)
{
	memset(ts, 0, sizeof(*ts));
	ts->e = e;
	for (unsigned c = 0; c < e->ncpus; c++) {
		if (sim_engine_fiber_init(e, &ts->idle[c], idle_loop, ts, "idle") != 0) {
			sim_tasks_fini(ts);
			return -1;
		}
		sim_cpu_start(e, c, &ts->idle[c]);
	}
	sim_engine_set_client(e, &tasks_client, ts);
	return 0;
}

void sim_tasks_fini(struct sim_tasks *ts)
{
	for (unsigned i = 0; i < ts->n; i++) {
		hw_evq_remove(&ts->e->evq, &ts->all[i]->timer);
		sim_engine_fiber_fini(ts->e, &ts->all[i]->fiber);
		free(ts->all[i]);
	}
	free(ts->all);
	ts->all = NULL;
	ts->n = ts->cap = 0;
	for (unsigned c = 0; c < ts->e->ncpus; c++)
		sim_engine_fiber_fini(ts->e, &ts->idle[c]);
}

static void task_timer_fired(struct hw_event *ev, uint64_t now)
{
	struct sim_task *t = HW_CONTAINER_OF(ev, struct sim_task, timer);
	(void)now;
	if (t->state != SIM_TASK_BLOCKED)
		return;
	t->state = SIM_TASK_READY;
	runq_push(t->ts, t);
	sim_cpu_irq_raise(t->ts->e, t->cpu);
}

struct sim_task *sim_task_spawn(struct sim_tasks *ts, unsigned cpu, const char *name, sim_task_fn fn,
				void *arg)
{
	if (cpu >= ts->e->ncpus)
		return NULL;
	if (ts->n == ts->cap) {
		unsigned cap = ts->cap ? ts->cap * 2 : 16;
		struct sim_task **all = realloc(ts->all, cap * sizeof(*all));
		if (!all)
			return NULL;
		ts->all = all;
		ts->cap = cap;
	}
	struct sim_task *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->ts = ts;
	t->id = ts->n;
	t->cpu = cpu;
	t->fn = fn;
	t->arg = arg;
	snprintf(t->name, sizeof(t->name), "%s", name);
	hw_event_init(&t->timer, task_timer_fired);
	if (sim_engine_fiber_init(ts->e, &t->fiber, task_main, t, t->name) != 0) {
		free(t);
		return NULL;
	}
	ts->all[ts->n++] = t;
	t->state = SIM_TASK_READY;
	runq_push(ts, t);
	return t;
}

void sim_task_work(struct sim_task *t, uint64_t ns)
{
	sim_charge(t->ts->e, ns);
	sim_decide(t->ts->e);
}

void sim_task_yield(struct sim_task *t)
{
	t->state = SIM_TASK_READY;
	runq_push(t->ts, t);
	task_leave(t);
}

void sim_task_block(struct sim_task *t, uint64_t chan, const char *what)
{
	t->state = SIM_TASK_BLOCKED;
	t->wait_chan = chan;
	t->wait_what = what;
	sim_trace(t->ts->e, SIM_TR_TASK_BLOCK, t->id, chan, 0);
	task_leave(t);
}

unsigned sim_task_wake(struct sim_tasks *ts, uint64_t chan)
{
	unsigned woken = 0;
	for (unsigned i = 0; i < ts->n; i++) {
		struct sim_task *t = ts->all[i];
		if (t->state != SIM_TASK_BLOCKED || t->wait_chan != chan || hw_event_pending(&t->timer))
			continue;
		t->state = SIM_TASK_READY;
		sim_trace(ts->e, SIM_TR_TASK_WAKE, t->id, chan, 0);
		runq_push(ts, t);
		if (t->cpu != sim_current_cpu(ts->e) || ts->e->in_event)
			sim_cpu_irq_raise(ts->e, t->cpu);
		woken++;
	}
	return woken;
}

void sim_task_sleep(struct sim_task *t, uint64_t ns)
{
	struct sim_engine *e = t->ts->e;
	sim_event_at(e, &t->timer, sim_now(e) + ns);
	t->state = SIM_TASK_BLOCKED;
	t->wait_chan = UINT64_MAX;
	t->wait_what = "a timer";
	task_leave(t);
}

_Noreturn void sim_task_exit(struct sim_task *t)
{
	t->state = SIM_TASK_DONE;
	sim_trace(t->ts->e, SIM_TR_TASK_EXIT, t->id, 0, 0);
	task_leave(t);
	abort(); /* a finished task is never switched back to */
}
