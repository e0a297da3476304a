/* SPDX-License-Identifier: MIT */
/*
 * Check tests of the simulation engine: fibers, the event queue, the
 * generator, the trace, the chooser, halting, deadlock and livelock
 * detection, and running two simulations at once.
 *
 * Each Check suite is registered as its own meson test (CK_RUN_SUITE).
 */
#include <check.h>

#include "suites.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sim/demo.h>
#include <sim/engine.h>
#include <sim/tasks.h>

/* ------------------------------------------------------------------------ */
/* Fibers                                                                   */
/* ------------------------------------------------------------------------ */

#define MANY_FIBERS 1000
#define ROUNDS 50

struct ring {
	struct sim_fiber main;
	struct sim_fiber f[MANY_FIBERS];
	unsigned visits[MANY_FIBERS];
	unsigned order_errors;
	unsigned last;
	unsigned rounds;
};

struct ring_arg {
	struct ring *r;
	unsigned idx;
};

static void ring_fiber(void *arg)
{
	struct ring_arg *a = arg;
	struct ring *r = a->r;
	for (;;) {
		/* Fibers must run in ring order: each resumes its successor. */
		if (r->last != (a->idx + MANY_FIBERS - 1) % MANY_FIBERS)
			r->order_errors++;
		r->last = a->idx;
		r->visits[a->idx]++;
		unsigned next = (a->idx + 1) % MANY_FIBERS;
		if (next == 0 && r->visits[a->idx] == r->rounds)
			sim_fiber_switch(&r->f[a->idx], &r->main);
		else
			sim_fiber_switch(&r->f[a->idx], &r->f[next]);
	}
}

static void must_not_return(struct sim_fiber *f)
{
	(void)f;
	abort();
}

START_TEST(fiber_many)
{
	struct sim_stack_pool pool;
	struct ring *r = calloc(1, sizeof(*r));
	struct ring_arg *args = calloc(MANY_FIBERS, sizeof(*args));
	sim_stack_pool_init(&pool, 32 * 1024);
	sim_fiber_adopt_thread(&r->main, "main");
	r->last = MANY_FIBERS - 1;
	r->rounds = ROUNDS;
	for (unsigned i = 0; i < MANY_FIBERS; i++) {
		args[i] = (struct ring_arg){r, i};
		ck_assert_int_eq(sim_fiber_init(&r->f[i], &pool, ring_fiber, &args[i], must_not_return, "ring"), 0);
	}
	ck_assert_uint_eq(pool.in_use, MANY_FIBERS);
	sim_fiber_switch(&r->main, &r->f[0]);
	for (unsigned i = 0; i < MANY_FIBERS; i++)
		ck_assert_uint_eq(r->visits[i], ROUNDS);
	ck_assert_uint_eq(r->order_errors, 0);
	for (unsigned i = 0; i < MANY_FIBERS; i++)
		sim_fiber_fini(&r->f[i], &pool);
	ck_assert_uint_eq(pool.in_use, 0);
	/* Stacks are reused, not remapped. */
	size_t mapped = pool.allocated;
	ck_assert_int_eq(sim_fiber_init(&r->f[0], &pool, ring_fiber, &args[0], must_not_return, "again"), 0);
	ck_assert_uint_eq(pool.allocated, mapped);
	sim_fiber_fini(&r->f[0], &pool);
	sim_stack_pool_fini(&pool);
	ck_assert_uint_eq(pool.allocated, 0);
	free(args);
	free(r);
}
END_TEST

struct deep {
	struct sim_fiber main, f;
	unsigned depth;
	uint64_t sum;
};

/* Uses about 1 KiB of stack per level. */
static uint64_t recurse(struct deep *d, unsigned level)
{
	volatile unsigned char pad[1000];
	for (unsigned i = 0; i < sizeof(pad); i++)
		pad[i] = (unsigned char)(level + i);
	if (level == 0)
		return pad[10];
	/* Switch out and back in from deep inside: the stack must survive. */
	if (level % 50 == 0)
		sim_fiber_switch(&d->f, &d->main);
	return recurse(d, level - 1) + pad[level % sizeof(pad)];
}

static void deep_fiber(void *arg)
{
	struct deep *d = arg;
	d->sum = recurse(d, d->depth);
	sim_fiber_switch(&d->f, &d->main);
	abort();
}

START_TEST(fiber_deep_stack)
{
	struct sim_stack_pool pool;
	struct deep d = {.depth = 150};
	sim_stack_pool_init(&pool, 1024 * 1024);
	sim_fiber_adopt_thread(&d.main, "main");
	ck_assert_int_eq(sim_fiber_init(&d.f, &pool, deep_fiber, &d, must_not_return, "deep"), 0);
	unsigned switches = 0;
	while (d.sum == 0) {
		sim_fiber_switch(&d.main, &d.f);
		switches++;
		ck_assert_uint_le(switches, 10);
	}
	/* Reference: the same recursion computed directly on this stack. */
	uint64_t expect = 10;
	for (unsigned level = 1; level <= d.depth; level++)
		expect += (unsigned char)(level + level % 1000);
	ck_assert_uint_eq(d.sum, expect);
	ck_assert_uint_eq(switches, 1 + d.depth / 50);
	sim_fiber_fini(&d.f, &pool);
	sim_stack_pool_fini(&pool);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Event queue                                                              */
/* ------------------------------------------------------------------------ */

struct rec_event {
	struct hw_event ev;
	unsigned id;
	unsigned *log;
	unsigned *n;
};

static void rec_fire(struct hw_event *ev, uint64_t now)
{
	struct rec_event *r = HW_CONTAINER_OF(ev, struct rec_event, ev);
	(void)now;
	r->log[(*r->n)++] = r->id;
}

START_TEST(evq_order_and_stability)
{
	enum { N = 5000 };
	struct hw_evq q;
	struct rec_event *evs = calloc(N, sizeof(*evs));
	struct sim_rng rng;
	ck_assert_int_eq(hw_evq_init(&q, 4), 0);
	sim_rng_seed(&rng, 7);
	for (unsigned i = 0; i < N; i++) {
		hw_event_init(&evs[i].ev, rec_fire);
		evs[i].id = i;
		/* Few distinct times, so many ties. */
		ck_assert_int_eq(hw_evq_insert(&q, &evs[i].ev, sim_rng_below(&rng, 50)), 0);
	}
	ck_assert_uint_eq(q.len, N);
	uint64_t last_time = 0;
	unsigned last_id_at_time = 0;
	bool first = true;
	for (unsigned i = 0; i < N; i++) {
		struct hw_event *ev = hw_evq_pop(&q);
		ck_assert_ptr_nonnull(ev);
		ck_assert(!hw_event_pending(ev));
		struct rec_event *r = HW_CONTAINER_OF(ev, struct rec_event, ev);
		ck_assert_uint_ge(ev->time, last_time);
		/* Equal times come out in insertion order. */
		if (!first && ev->time == last_time)
			ck_assert_uint_gt(r->id, last_id_at_time);
		last_time = ev->time;
		last_id_at_time = r->id;
		first = false;
	}
	ck_assert_ptr_null(hw_evq_pop(&q));
	hw_evq_fini(&q);
	free(evs);
}
END_TEST

START_TEST(evq_remove_and_run_until)
{
	enum { N = 200 };
	struct hw_evq q;
	struct rec_event evs[N];
	unsigned log[N], n = 0;
	ck_assert_int_eq(hw_evq_init(&q, 8), 0);
	for (unsigned i = 0; i < N; i++) {
		hw_event_init(&evs[i].ev, rec_fire);
		evs[i].id = i;
		evs[i].log = log;
		evs[i].n = &n;
		hw_evq_insert(&q, &evs[i].ev, 1000 - i * 5);
	}
	/* Remove every third event, then move one to the front. */
	for (unsigned i = 0; i < N; i += 3)
		ck_assert(hw_evq_remove(&q, &evs[i].ev));
	ck_assert(!hw_evq_remove(&q, &evs[0].ev));
	hw_evq_insert(&q, &evs[1].ev, 0);
	ck_assert_uint_eq(hw_evq_next_time(&q), 0);
	unsigned fired = hw_evq_run_until(&q, 500);
	/* Times <= 500: i >= 100 (1000 - 5i <= 500), minus removed, plus evs[1]. */
	unsigned expect = 1;
	for (unsigned i = 100; i < N; i++)
		if (i % 3 != 0)
			expect++;
	ck_assert_uint_eq(fired, expect);
	ck_assert_uint_eq(log[0], 1);
	for (unsigned i = 1; i < n; i++)
		ck_assert_uint_gt(log[i - 1] == 1 ? 1000 : log[i - 1], log[i]);
	ck_assert_uint_gt(hw_evq_next_time(&q), 500);
	hw_evq_fini(&q);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Generator and trace                                                      */
/* ------------------------------------------------------------------------ */

START_TEST(rng_reproducible)
{
	struct sim_rng a, b, c;
	sim_rng_seed(&a, 12345);
	sim_rng_seed(&b, 12345);
	sim_rng_seed(&c, 12346);
	unsigned same_c = 0;
	for (int i = 0; i < 10000; i++) {
		uint64_t x = sim_rng_next(&a), y = sim_rng_next(&b), z = sim_rng_next(&c);
		ck_assert_uint_eq(x, y);
		same_c += x == z;
	}
	ck_assert_uint_eq(same_c, 0);
	/* below(n) stays in range and covers it evenly. */
	unsigned hist[10] = {0};
	for (int i = 0; i < 100000; i++) {
		uint64_t v = sim_rng_below(&a, 10);
		ck_assert_uint_lt(v, 10);
		hist[v]++;
	}
	for (int i = 0; i < 10; i++) {
		ck_assert_uint_gt(hist[i], 9500);
		ck_assert_uint_lt(hist[i], 10500);
	}
}
END_TEST

START_TEST(trace_hash_and_truncation)
{
	struct sim_trace t1, t2, t3;
	sim_trace_init(&t1, 4);
	sim_trace_init(&t2, 0);
	sim_trace_init(&t3, 100);
	for (unsigned i = 0; i < 10; i++) {
		sim_trace_emit(&t1, i, 0, 1, i, 2, 3);
		sim_trace_emit(&t2, i, 0, 1, i, 2, 3);
		sim_trace_emit(&t3, i, 0, 1, i, i == 7 ? 99 : 2, 3);
	}
	/* The hash does not depend on how much is kept, but on every field. */
	ck_assert_uint_eq(t1.hash, t2.hash);
	ck_assert_uint_ne(t1.hash, t3.hash);
	ck_assert_uint_eq(t1.len, 4);
	ck_assert(t1.truncated);
	ck_assert_uint_eq(t1.count, 10);
	ck_assert_uint_eq(t2.len, 0);
	ck_assert_uint_eq(t3.len, 10);
	ck_assert_uint_eq(t3.recs[7].b, 99);
	sim_trace_fini(&t1);
	sim_trace_fini(&t2);
	sim_trace_fini(&t3);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Engine: time, halting, chooser                                           */
/* ------------------------------------------------------------------------ */

struct order_log {
	unsigned cpu[64];
	uint64_t clock[64];
	unsigned n;
};

struct order_arg {
	struct order_log *log;
	uint64_t cost;
};

static void order_task(struct sim_task *t, void *arg)
{
	struct order_arg *a = arg;
	struct sim_engine *e = t->ts->e;
	for (int i = 0; i < 8; i++) {
		if (a->log->n < 64) {
			a->log->cpu[a->log->n] = sim_current_cpu(e);
			a->log->clock[a->log->n++] = e->cpu[sim_current_cpu(e)].clock;
		}
		sim_task_work(t, a->cost);
	}
}

START_TEST(engine_time_faithful)
{
	char err[256];
	struct sim_engine_config cfg = {.cpus = 2};
	struct sim_engine *e = sim_engine_create(&cfg, err, sizeof(err));
	struct sim_tasks ts;
	struct order_log log = {0};
	struct order_arg slow = {&log, 300}, fast = {&log, 100};
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(sim_tasks_init(&ts, e), 0);
	sim_task_spawn(&ts, 0, "slow", order_task, &slow);
	sim_task_spawn(&ts, 1, "fast", order_task, &fast);
	ck_assert_int_eq(sim_engine_run(e), SIM_DONE);
	/* Whenever a CPU steps, no runnable CPU has an earlier clock: the log
	 * of (cpu, clock) at each step is sorted by clock. */
	ck_assert_uint_eq(log.n, 16);
	for (unsigned i = 1; i < log.n; i++)
		ck_assert_uint_le(log.clock[i - 1], log.clock[i]);
	/* The fast CPU finishes its eight steps before the slow one does. */
	unsigned last_fast = 0, last_slow = 0;
	for (unsigned i = 0; i < log.n; i++)
		*(log.cpu[i] ? &last_fast : &last_slow) = i;
	ck_assert_uint_lt(last_fast, last_slow);
	sim_tasks_fini(&ts);
	sim_engine_destroy(e);
}
END_TEST

struct sleeper_arg {
	uint64_t woke_at;
};

static void sleeper(struct sim_task *t, void *arg)
{
	struct sleeper_arg *a = arg;
	sim_task_sleep(t, 1000000); /* 1 ms */
	a->woke_at = t->ts->e->cpu[sim_current_cpu(t->ts->e)].clock;
}

START_TEST(engine_halt_until_event)
{
	char err[256];
	struct sim_engine_config cfg = {.cpus = 4};
	struct sim_engine *e = sim_engine_create(&cfg, err, sizeof(err));
	struct sim_tasks ts;
	struct sleeper_arg a = {0};
	ck_assert_int_eq(sim_tasks_init(&ts, e), 0);
	sim_task_spawn(&ts, 2, "sleeper", sleeper, &a);
	ck_assert_int_eq(sim_engine_run(e), SIM_DONE);
	/* The CPU slept through the millisecond: few steps, clock jumped. */
	ck_assert_uint_ge(a.woke_at, 1000000);
	ck_assert_uint_lt(a.woke_at, 1001000);
	ck_assert_uint_lt(e->steps, 50);
	ck_assert_uint_ge(e->cpu[2].halts, 1);
	ck_assert_uint_eq(e->cpu[2].irqs_taken, 1);
	/* CPUs with nothing to do halted at once and never woke. */
	ck_assert_uint_eq(e->cpu[0].irqs_taken, 0);
	ck_assert_uint_eq(e->cpu[0].clock, 0);
	sim_tasks_fini(&ts);
	sim_engine_destroy(e);
}
END_TEST

/* A CPU spinning on a flag parks until another CPU writes it: the loop
 * turns a few times, not once per 10 ns of the other CPU's 5 us. */
struct spin_arg {
	volatile int flag;
	unsigned turns;
	uint64_t saw_at;
};

static void spin_task(struct sim_task *t, void *arg)
{
	struct spin_arg *a = arg;
	struct sim_engine *e = t->ts->e;
	while (!a->flag) {
		a->turns++;
		sim_task_work(t, 10);
		if (!a->flag)
			sim_cpu_park(e);
	}
	a->saw_at = e->cpu[sim_current_cpu(e)].clock;
}

static void setter_task(struct sim_task *t, void *arg)
{
	struct spin_arg *a = arg;
	sim_task_work(t, 5000);
	a->flag = 1;
	sim_cpu_wrote(t->ts->e);
}

static void park_forever_task(struct sim_task *t, void *arg)
{
	(void)arg;
	for (;;)
		sim_cpu_park(t->ts->e);
}

START_TEST(engine_park_until_write)
{
	char err[256];
	struct sim_engine_config cfg = {.cpus = 2, .chooser = &sim_chooser_random, .seed = 3,
					.race_window_ns = 100};
	struct sim_engine *e = sim_engine_create(&cfg, err, sizeof(err));
	struct sim_tasks ts;
	struct spin_arg a = {0};
	ck_assert_int_eq(sim_tasks_init(&ts, e), 0);
	sim_task_spawn(&ts, 0, "spinner", spin_task, &a);
	sim_task_spawn(&ts, 1, "setter", setter_task, &a);
	ck_assert_int_eq(sim_engine_run(e), SIM_DONE);
	ck_assert_uint_ge(a.saw_at, 5000);
	ck_assert_uint_lt(a.saw_at, 5100);
	ck_assert_uint_le(a.turns, 3);
	ck_assert_uint_eq(e->parked, 0);
	sim_tasks_fini(&ts);
	sim_engine_destroy(e);

	/* Nobody left to write: the run ends as a deadlock that names the CPU,
	 * where a spinning CPU used to run to the step bound. */
	e = sim_engine_create(&cfg, err, sizeof(err));
	ck_assert_int_eq(sim_tasks_init(&ts, e), 0);
	sim_task_spawn(&ts, 1, "parker", park_forever_task, NULL);
	ck_assert_int_eq(sim_engine_run(e), SIM_DEADLOCK);
	ck_assert_msg(strstr(e->message, "CPU 1 spins on memory no other CPU will write"), "%s",
		      e->message);
	sim_tasks_fini(&ts);
	sim_engine_destroy(e);
}
END_TEST

START_TEST(engine_bad_config)
{
	char err[256] = "";
	struct sim_engine_config cfg = {.cpus = 0};
	ck_assert_ptr_null(sim_engine_create(&cfg, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "cpus"));
	cfg.cpus = SIM_MAX_CPUS + 1;
	ck_assert_ptr_null(sim_engine_create(&cfg, err, sizeof(err)));
	struct sim_demo_config dc = {.chooser = "fastest"};
	struct sim_demo_result r;
	ck_assert_int_eq(sim_demo_run(&dc, &r), -1);
	ck_assert_ptr_nonnull(strstr(r.message, "unknown chooser"));
}
END_TEST

static uint64_t demo_hash(const char *chooser, uint64_t seed, struct sim_demo_result *out)
{
	struct sim_demo_config cfg = {.cpus = 2, .pairs = 2, .rounds = 20, .seed = seed,
				      .chooser = chooser, .window_ns = 200, .tick_ns = 3000};
	struct sim_demo_result r;
	ck_assert_int_eq(sim_demo_run(&cfg, &r), 0);
	ck_assert_int_eq(r.result, SIM_DONE);
	ck_assert(r.data_ok);
	if (out)
		*out = r;
	return r.trace_hash;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

START_TEST(chooser_determinism_1000_seeds)
{
	enum { SEEDS = 1000 };
	uint64_t *h = malloc(SEEDS * sizeof(*h));
	for (uint64_t s = 0; s < SEEDS; s++) {
		h[s] = demo_hash("random", s, NULL);
		ck_assert_uint_eq(demo_hash("random", s, NULL), h[s]);
	}
	qsort(h, SEEDS, sizeof(*h), cmp_u64);
	unsigned distinct = 1;
	for (unsigned i = 1; i < SEEDS; i++)
		distinct += h[i] != h[i - 1];
	/* Different seeds give different schedules, nearly always. */
	ck_assert_uint_ge(distinct, SEEDS * 9 / 10);
	free(h);
}
END_TEST

START_TEST(chooser_time_ignores_seed)
{
	struct sim_demo_result a, b;
	uint64_t h1 = demo_hash("time", 1, &a), h2 = demo_hash("time", 2, &b);
	/* The time-faithful chooser takes no random decisions, so the seed only
	 * shows in the first trace record. */
	ck_assert_uint_ne(h1, h2);
	ck_assert_uint_eq(a.steps, b.steps);
	ck_assert_uint_eq(a.virtual_ns, b.virtual_ns);
	ck_assert_uint_eq(a.ticks_handled, b.ticks_handled);
	struct sim_demo_result r;
	demo_hash("random", 1, &r);
	ck_assert_uint_gt(r.decisions, 0);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Deadlock and livelock                                                    */
/* ------------------------------------------------------------------------ */

START_TEST(deadlock_reported)
{
	struct sim_demo_config cfg = {.cpus = 2, .pairs = 1, .rounds = 5, .deadlock = true};
	struct sim_demo_result r;
	ck_assert_int_eq(sim_demo_run(&cfg, &r), 0);
	ck_assert_int_eq(r.result, SIM_DEADLOCK);
	ck_assert_ptr_nonnull(strstr(r.message, "deadlock"));
	ck_assert_ptr_nonnull(strstr(r.message, "task dl-a"));
	ck_assert_ptr_nonnull(strstr(r.message, "waits on lock B, held by task dl-b"));
	ck_assert_ptr_nonnull(strstr(r.message, "task dl-b"));
	/* The rest of the work was done before the deadlock was declared. */
	ck_assert(r.data_ok);
	/* Without the two tasks the same run finishes. */
	cfg.deadlock = false;
	ck_assert_int_eq(sim_demo_run(&cfg, &r), 0);
	ck_assert_int_eq(r.result, SIM_DONE);
}
END_TEST

static void busy_task(struct sim_task *t, void *arg)
{
	(void)arg;
	for (;;)
		sim_task_work(t, 100);
}

/* The words a run ends with, written without printf: the number in
 * decimal between the two texts, 0 and the largest included, and cut to
 * the message's size, never past it. */
START_TEST(end_words)
{
	char err[256];
	struct sim_engine_config cfg = {.cpus = 1};
	struct sim_engine *e = sim_engine_create(&cfg, err, sizeof(err));
	ck_assert_ptr_nonnull(e);
	sim_engine_say_at(e, "finished at ", 606510, " ns");
	ck_assert_str_eq(e->message, "finished at 606510 ns");
	sim_engine_say_at(e, "t ", 0, "");
	ck_assert_str_eq(e->message, "t 0");
	sim_engine_say_at(e, "", UINT64_MAX, "!");
	ck_assert_str_eq(e->message, "18446744073709551615!");
	char big[2000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sim_engine_say_at(e, big, 42, big);
	ck_assert_uint_eq(strlen(e->message), sizeof(e->message) - 1);
	/* A run that ends at its time limit says so with the limit. */
	sim_engine_destroy(e);
	cfg.stop_time_ns = 1234;
	e = sim_engine_create(&cfg, err, sizeof(err));
	struct sim_tasks ts;
	ck_assert_int_eq(sim_tasks_init(&ts, e), 0);
	sim_task_spawn(&ts, 0, "busy", busy_task, NULL);
	ck_assert_int_eq(sim_engine_run(e), SIM_DONE);
	ck_assert_str_eq(e->message, "time limit 1234 ns reached");
	sim_tasks_fini(&ts);
	sim_engine_destroy(e);
}
END_TEST

START_TEST(livelock_step_bound)
{
	struct sim_demo_config cfg = {.cpus = 2, .pairs = 1, .rounds = 5, .livelock = true,
				      .step_bound = 50000};
	struct sim_demo_result r;
	ck_assert_int_eq(sim_demo_run(&cfg, &r), 0);
	ck_assert_int_eq(r.result, SIM_LIVELOCK);
	ck_assert_ptr_nonnull(strstr(r.message, "step bound 50000"));
	ck_assert_uint_eq(r.steps, 50001);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Two simulations at once                                                  */
/* ------------------------------------------------------------------------ */

struct par_job {
	uint64_t seed;
	uint64_t hashes[20];
};

static void *par_thread(void *arg)
{
	struct par_job *j = arg;
	for (unsigned i = 0; i < 20; i++) {
		struct sim_demo_config cfg = {.cpus = 3, .pairs = 3, .rounds = 30,
					      .seed = j->seed + i, .chooser = "random",
					      .window_ns = 300, .tick_ns = 2000};
		struct sim_demo_result r;
		if (sim_demo_run(&cfg, &r) != 0 || r.result != SIM_DONE)
			return NULL;
		j->hashes[i] = r.trace_hash;
	}
	return j;
}

START_TEST(two_instances_in_two_threads)
{
	struct par_job alone[2] = {{.seed = 100}, {.seed = 500}};
	struct par_job both[2] = {{.seed = 100}, {.seed = 500}};
	ck_assert_ptr_nonnull(par_thread(&alone[0]));
	ck_assert_ptr_nonnull(par_thread(&alone[1]));
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, par_thread, &both[i]), 0);
	for (int i = 0; i < 2; i++) {
		void *ret;
		pthread_join(th[i], &ret);
		ck_assert_ptr_nonnull(ret);
	}
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < 20; k++)
			ck_assert_uint_eq(both[i].hashes[k], alone[i].hashes[k]);
}
END_TEST

/* ------------------------------------------------------------------------ */

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	SIM_SUITE(sr, "fiber", 30, fiber_many, fiber_deep_stack);
	SIM_SUITE(sr, "evq", 30, evq_order_and_stability, evq_remove_and_run_until);
	SIM_SUITE(sr, "rng", 30, rng_reproducible, trace_hash_and_truncation);
	SIM_SUITE(sr, "engine", 30, engine_time_faithful, engine_halt_until_event,
		  engine_park_until_write, engine_bad_config);
	SIM_SUITE(sr, "chooser", 120, chooser_determinism_1000_seeds, chooser_time_ignores_seed);
	SIM_SUITE(sr, "deadlock", 30, deadlock_reported, livelock_step_bound, end_words);
	SIM_SUITE(sr, "parallel", 60, two_instances_in_two_threads);
	return sim_run_suites(sr);
}
