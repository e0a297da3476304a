/* SPDX-License-Identifier: MIT */
/* The engine demo (see sim/demo.h). */
#include <sim/demo.h>
#include <sim/explore.h>
#include <sim/tasks.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mailbox {
	bool full;
	uint64_t value;
	uint64_t chan_data, chan_space;
};

struct demo {
	struct sim_tasks ts;
	const struct sim_demo_config *cfg;
	struct mailbox *mb;
	struct hw_event tick;
	uint64_t ticks_pending, ticks_handled, tokens;
	bool data_ok, stopping;
	uint64_t counter;
	unsigned live_pairs;
	struct sim_task *handler;
};

#define CHAN_TICK 1000000u
#define CHAN_DEADLOCK_A 2000000u
#define CHAN_DEADLOCK_B 2000001u

static void producer(struct sim_task *t, void *arg)
{
	struct demo *d = arg;
	unsigned pair = (unsigned)(t->id / 2);
	struct mailbox *mb = &d->mb[pair];
	for (uint64_t i = 0; i < d->cfg->rounds; i++) {
		sim_task_work(t, 100 + 10 * (pair % 3));
		while (mb->full)
			sim_task_block(t, mb->chan_space, "mailbox space");
		mb->value = i;
		mb->full = true;
		sim_task_wake(t->ts, mb->chan_data);
	}
}

static void consumer(struct sim_task *t, void *arg)
{
	struct demo *d = arg;
	unsigned pair = (unsigned)(t->id / 2);
	struct mailbox *mb = &d->mb[pair];
	for (uint64_t i = 0; i < d->cfg->rounds; i++) {
		while (!mb->full)
			sim_task_block(t, mb->chan_data, "mailbox data");
		if (mb->value != i)
			d->data_ok = false;
		mb->full = false;
		d->tokens++;
		sim_task_wake(t->ts, mb->chan_space);
		sim_task_work(t, 150);
		/* Tasks are not preempted: let the others on this CPU run. */
		sim_task_yield(t);
	}
	if (--d->live_pairs == 0) {
		d->stopping = true;
		hw_evq_remove(&t->ts->e->evq, &d->tick);
		sim_task_wake(t->ts, CHAN_TICK);
	}
}

static void tick_fired(struct hw_event *ev, uint64_t now)
{
	struct demo *d = HW_CONTAINER_OF(ev, struct demo, tick);
	d->ticks_pending++;
	sim_task_wake(&d->ts, CHAN_TICK);
	hw_evq_insert(&d->ts.e->evq, &d->tick, now + d->cfg->tick_ns);
}

static void tick_handler(struct sim_task *t, void *arg)
{
	struct demo *d = arg;
	for (;;) {
		while (!d->ticks_pending && !d->stopping)
			sim_task_block(t, CHAN_TICK, "the device tick");
		if (d->stopping)
			return;
		d->ticks_pending--;
		d->ticks_handled++;
		sim_trace(t->ts->e, SIM_TR_USER, d->ticks_handled, 0, 0);
		sim_task_work(t, 300);
	}
}

static void deadlock_a(struct sim_task *t, void *arg)
{
	(void)arg;
	sim_task_work(t, 100);
	sim_task_block(t, CHAN_DEADLOCK_A, "lock B, held by task dl-b");
}

static void deadlock_b(struct sim_task *t, void *arg)
{
	(void)arg;
	sim_task_work(t, 120);
	sim_task_block(t, CHAN_DEADLOCK_B, "lock A, held by task dl-a");
}

#define RACE_ROUNDS 20

/* Read, compute, write back: a lost update if the other CPU's read falls
 * between this read and write. Task a reads at 50, 150, ... and writes 20 ns
 * later; task b starts 50 ns later, so in virtual-time order their windows
 * never overlap, and only a reordering inside a race window of 30 ns or
 * more loses an update. */
static void race_task(struct sim_task *t, void *arg)
{
	struct demo *d = arg;
	if (t->cpu != 0)
		sim_task_work(t, 50);
	for (int i = 0; i < RACE_ROUNDS; i++) {
		uint64_t v = d->counter;
		sim_task_work(t, 20);
		d->counter = v + 1;
		sim_task_work(t, 80);
	}
}

static void spinner(struct sim_task *t, void *arg)
{
	(void)arg;
	for (;;)
		sim_task_work(t, 10);
}

static int demo_spawn_all(struct demo *d)
{
	const struct sim_demo_config *cfg = d->cfg;
	struct sim_tasks *ts = &d->ts;
	char name[32];
	for (unsigned p = 0; p < cfg->pairs; p++) {
		/* Producer and consumer of a pair sit on different CPUs when
		 * there are several, so tokens cross CPUs. */
		unsigned pc = p % cfg->cpus, cc = (p + 1) % cfg->cpus;
		snprintf(name, sizeof(name), "prod%u", p);
		if (!sim_task_spawn(ts, pc, name, producer, d))
			return -1;
		snprintf(name, sizeof(name), "cons%u", p);
		if (!sim_task_spawn(ts, cc, name, consumer, d))
			return -1;
	}
	if (cfg->tick_ns) {
		d->handler = sim_task_spawn(ts, cfg->cpus - 1, "tick-handler", tick_handler, d);
		if (!d->handler)
			return -1;
		hw_event_init(&d->tick, tick_fired);
		hw_evq_insert(&ts->e->evq, &d->tick, cfg->tick_ns);
	}
	if (cfg->deadlock) {
		if (!sim_task_spawn(ts, 0, "dl-a", deadlock_a, d) ||
		    !sim_task_spawn(ts, cfg->cpus - 1, "dl-b", deadlock_b, d))
			return -1;
	}
	if (cfg->livelock && !sim_task_spawn(ts, 0, "spinner", spinner, d))
		return -1;
	if (cfg->race && (!sim_task_spawn(ts, 0, "race-a", race_task, d) ||
			  !sim_task_spawn(ts, cfg->cpus - 1, "race-b", race_task, d)))
		return -1;
	return 0;
}

int sim_demo_run(const struct sim_demo_config *cfg_in, struct sim_demo_result *res)
{
	struct sim_demo_config cfg = *cfg_in;
	memset(res, 0, sizeof(*res));
	if (!cfg.cpus)
		cfg.cpus = 2;
	if (!cfg.pairs && !cfg.deadlock && !cfg.livelock && !cfg.race)
		cfg.pairs = 2;
	if (!cfg.rounds)
		cfg.rounds = 100;
	if (!cfg.chooser)
		cfg.chooser = "time";
	const struct sim_chooser_ops *ch = cfg.chooser_ops ? cfg.chooser_ops : sim_chooser_find(cfg.chooser);
	if (!ch) {
		snprintf(res->message, sizeof(res->message), "unknown chooser '%s' (known: time, random)",
			 cfg.chooser);
		return -1;
	}
	struct sim_engine_config ec = {
		.cpus = cfg.cpus,
		.seed = cfg.seed,
		.chooser = ch,
		.race_window_ns = cfg.window_ns,
		.step_bound = cfg.step_bound,
		.trace_limit = cfg.trace_limit,
		.chooser_state = cfg.chooser_state,
		.record_decisions = cfg.record_decisions,
		.stack_pool = cfg.stack_pool,
	};
	struct sim_engine *e = sim_engine_create(&ec, res->message, sizeof(res->message));
	if (!e)
		return -1;
	struct demo *d = calloc(1, sizeof(*d));
	struct mailbox *mb = calloc(cfg.pairs ? cfg.pairs : 1, sizeof(*mb));
	int rc = -1;
	if (!d || !mb)
		goto out;
	d->cfg = &cfg;
	d->mb = mb;
	d->data_ok = true;
	d->live_pairs = cfg.pairs;
	for (unsigned p = 0; p < cfg.pairs; p++) {
		mb[p].chan_data = 2 * p + 1;
		mb[p].chan_space = 2 * p + 2;
	}
	if (sim_tasks_init(&d->ts, e) != 0)
		goto out;
	if (demo_spawn_all(d) != 0) {
		sim_tasks_fini(&d->ts);
		goto out;
	}
	res->result = sim_engine_run(e);
	snprintf(res->message, sizeof(res->message), "%s", e->message);
	res->trace_hash = e->trace.hash;
	res->trace_records = e->trace.count;
	res->steps = e->steps;
	res->decisions = e->decisions;
	for (unsigned c = 0; c < e->ncpus; c++)
		if (e->cpu[c].clock > res->virtual_ns)
			res->virtual_ns = e->cpu[c].clock;
	res->ticks_handled = d->ticks_handled;
	res->tokens = d->tokens;
	res->data_ok = d->data_ok && d->tokens == (uint64_t)cfg.pairs * cfg.rounds;
	res->lost_update = cfg.race && d->counter != 2 * RACE_ROUNDS;
	if (cfg.record_decisions && e->dlog_len) {
		res->dlog = malloc(e->dlog_len * sizeof(*res->dlog));
		if (res->dlog) {
			memcpy(res->dlog, e->dlog, e->dlog_len * sizeof(*res->dlog));
			res->dlog_len = e->dlog_len;
		}
	}
	if (cfg.trace_limit) {
		/* Hand the records over; the engine keeps an empty trace. */
		res->trace = e->trace;
		sim_trace_init(&e->trace, 0);
	}
	sim_tasks_fini(&d->ts);
	rc = 0;
out:
	if (rc != 0 && !res->message[0])
		snprintf(res->message, sizeof(res->message), "out of memory");
	free(mb);
	free(d);
	sim_engine_destroy(e);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* The race as an explorer target                                           */
/* ------------------------------------------------------------------------ */

static int race_target_run(void *ctx, const struct sim_engine_config *ecfg, struct sim_outcome *out)
{
	(void)ctx;
	struct sim_demo_config cfg = {
		.cpus = 2, .race = true, .seed = ecfg->seed, .chooser_ops = ecfg->chooser,
		.chooser_state = ecfg->chooser_state, .window_ns = ecfg->race_window_ns,
		.record_decisions = ecfg->record_decisions, .trace_limit = ecfg->trace_limit,
		.stack_pool = ecfg->stack_pool,
	};
	struct sim_demo_result r;
	if (sim_demo_run(&cfg, &r) != 0) {
		snprintf(out->message, sizeof(out->message), "%.500s", r.message);
		return -1;
	}
	out->result = r.result;
	out->violation = r.lost_update || r.result != SIM_DONE;
	if (r.lost_update) {
		snprintf(out->violation_id, sizeof(out->violation_id), "lost-update");
		snprintf(out->message, sizeof(out->message),
			 "two read-modify-write sequences overlapped: an increment of the shared "
			 "counter was lost");
	} else if (r.result != SIM_DONE) {
		snprintf(out->violation_id, sizeof(out->violation_id), "%s", sim_result_name(r.result));
		snprintf(out->message, sizeof(out->message), "%.500s", r.message);
	}
	out->time_ns = r.virtual_ns;
	out->trace_hash = r.trace_hash;
	out->decisions = r.decisions;
	out->steps = r.steps;
	out->irq_signature = r.trace_hash;
	out->dlog = r.dlog;
	out->dlog_len = r.dlog_len;
	out->trace = r.trace;
	out->ncpus = 2;
	return 0;
}

void sim_demo_race_target(struct sim_target *out)
{
	*out = (struct sim_target){.name = "demo:race", .hash = 0x6465726163650001ull,
				   .race_window_ns = 50, .run = race_target_run};
}
