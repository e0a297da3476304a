/* SPDX-License-Identifier: MIT */
/*
 * Benchmarks of the engine: the fiber switch, the event queue, the decision
 * fast path, and the baseline we beat, a hand-off between two host threads
 * through a mutex and a condition variable (how hosted RTOS ports switch
 * tasks).
 */
#include <sim/bench.h>
#include <sim/demo.h>
#include <sim/tasks.h>

#include <pthread.h>
#include <stdlib.h>

/* --- fiber_switch: ns per switch between two fibers ---------------------- */

struct switch_ctx {
	struct sim_fiber main, peer;
};

static void switch_peer(void *arg)
{
	struct switch_ctx *c = arg;
	for (;;)
		sim_fiber_switch(&c->peer, &c->main);
}

static void never_returns(struct sim_fiber *f)
{
	(void)f;
	abort();
}

static uint64_t bench_fiber_switch(uint64_t iters)
{
	struct sim_stack_pool pool;
	struct switch_ctx c;
	sim_stack_pool_init(&pool, 64 * 1024);
	sim_fiber_adopt_thread(&c.main, "main");
	if (sim_fiber_init(&c.peer, &pool, switch_peer, &c, never_returns, "peer") != 0)
		return 0;
	uint64_t rounds = (iters + 1) / 2;
	uint64_t t0 = sim_bench_now_ns();
	for (uint64_t i = 0; i < rounds; i++)
		sim_fiber_switch(&c.main, &c.peer);
	uint64_t t1 = sim_bench_now_ns();
	sim_fiber_fini(&c.peer, &pool);
	sim_stack_pool_fini(&pool);
	/* Each round is two switches; scale to `iters` switches. */
	uint64_t ns = (t1 - t0) * iters / (2 * rounds);
	return ns ? ns : 1;
}

/* --- event_queue: ns per insert+pop with 100,000 events pending ---------- */

#define EVQ_PENDING 100000u

static void evq_nop(struct hw_event *ev, uint64_t now)
{
	(void)ev;
	(void)now;
}

static uint64_t bench_event_queue(uint64_t iters)
{
	struct hw_evq q;
	struct hw_event *evs = malloc(sizeof(*evs) * EVQ_PENDING);
	struct sim_rng rng;
	if (!evs || hw_evq_init(&q, EVQ_PENDING) != 0) {
		free(evs);
		return 0;
	}
	sim_rng_seed(&rng, 42);
	for (unsigned i = 0; i < EVQ_PENDING; i++) {
		hw_event_init(&evs[i], evq_nop);
		hw_evq_insert(&q, &evs[i], sim_rng_below(&rng, 1000000000ull));
	}
	uint64_t t0 = sim_bench_now_ns();
	for (uint64_t i = 0; i < iters; i++) {
		struct hw_event *ev = hw_evq_pop(&q);
		hw_evq_insert(&q, ev, ev->time + 1 + sim_rng_below(&rng, 1000000ull));
	}
	uint64_t t1 = sim_bench_now_ns();
	hw_evq_fini(&q);
	free(evs);
	return t1 - t0 ? t1 - t0 : 1;
}

/* --- pthread_handoff: ns per hand-off between two host threads ---------- */

struct handoff {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int turn; /* 0: main, 1: peer, -1: peer exits */
};

static void *handoff_peer(void *arg)
{
	struct handoff *h = arg;
	pthread_mutex_lock(&h->lock);
	for (;;) {
		while (h->turn == 0)
			pthread_cond_wait(&h->cond, &h->lock);
		if (h->turn < 0)
			break;
		h->turn = 0;
		pthread_cond_signal(&h->cond);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

static uint64_t bench_pthread_handoff(uint64_t iters)
{
	struct handoff h = {.turn = 0};
	pthread_t peer;
	pthread_mutex_init(&h.lock, NULL);
	pthread_cond_init(&h.cond, NULL);
	if (pthread_create(&peer, NULL, handoff_peer, &h) != 0)
		return 0;
	uint64_t rounds = (iters + 1) / 2;
	uint64_t t0 = sim_bench_now_ns();
	pthread_mutex_lock(&h.lock);
	for (uint64_t i = 0; i < rounds; i++) {
		h.turn = 1;
		pthread_cond_signal(&h.cond);
		while (h.turn == 1)
			pthread_cond_wait(&h.cond, &h.lock);
	}
	uint64_t t1 = sim_bench_now_ns();
	h.turn = -1;
	pthread_cond_signal(&h.cond);
	pthread_mutex_unlock(&h.lock);
	pthread_join(peer, NULL);
	pthread_mutex_destroy(&h.lock);
	pthread_cond_destroy(&h.cond);
	uint64_t ns = (t1 - t0) * iters / (2 * rounds);
	return ns ? ns : 1;
}

/* --- decision_fast: ns per decision point with one runnable CPU --------- */

struct decide_ctx {
	uint64_t iters, t0, t1;
};

static void decide_task(struct sim_task *t, void *arg)
{
	struct decide_ctx *c = arg;
	struct sim_engine *e = t->ts->e;
	c->t0 = sim_bench_now_ns();
	for (uint64_t i = 0; i < c->iters; i++) {
		sim_charge(e, 1);
		sim_decide(e);
	}
	c->t1 = sim_bench_now_ns();
}

static uint64_t bench_decision_fast(uint64_t iters)
{
	char err[128];
	struct sim_engine_config cfg = {.cpus = 1, .step_bound = iters + 1000};
	struct sim_engine *e = sim_engine_create(&cfg, err, sizeof(err));
	struct sim_tasks ts;
	struct decide_ctx c = {.iters = iters};
	if (!e || sim_tasks_init(&ts, e) != 0)
		return 0;
	sim_task_spawn(&ts, 0, "decider", decide_task, &c);
	enum sim_result r = sim_engine_run(e);
	sim_tasks_fini(&ts);
	sim_engine_destroy(e);
	if (r != SIM_DONE)
		return 0;
	return c.t1 - c.t0 ? c.t1 - c.t0 : 1;
}

/* --- demo_run: whole engine-demo runs per second ------------------------ */

static uint64_t bench_demo_run(uint64_t iters)
{
	struct sim_demo_config cfg = {.cpus = 2, .pairs = 2, .rounds = 20, .chooser = "random",
				      .window_ns = 200};
	struct sim_demo_result res;
	uint64_t t0 = sim_bench_now_ns();
	for (uint64_t i = 0; i < iters; i++) {
		cfg.seed = i;
		if (sim_demo_run(&cfg, &res) != 0 || res.result != SIM_DONE)
			return 0;
	}
	uint64_t t1 = sim_bench_now_ns();
	return t1 - t0 ? t1 - t0 : 1;
}

const struct sim_bench sim_bench_engine[] = {
	{"fiber_switch", "ns", SIM_BENCH_NS_PER_OP, bench_fiber_switch,
	 "one switch between two fibers (hand-written context switch)"},
	{"event_queue", "ns", SIM_BENCH_NS_PER_OP, bench_event_queue,
	 "one insert plus one pop with 100,000 events pending"},
	{"pthread_handoff", "ns", SIM_BENCH_NS_PER_OP, bench_pthread_handoff,
	 "one hand-off between two host threads (mutex + condition variable): the baseline"},
	{"decision_fast", "ns", SIM_BENCH_NS_PER_OP, bench_decision_fast,
	 "one decision point with a single runnable CPU and nothing due"},
	{"demo_run", "runs/s", SIM_BENCH_OPS_PER_SEC, bench_demo_run,
	 "whole engine-demo runs (2 CPUs, 2 pairs x 20 tokens, random chooser)"},
	{0},
};
