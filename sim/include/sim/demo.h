/* SPDX-License-Identifier: MIT */
/*
 * The engine demo: producer/consumer pairs passing tokens through one-slot
 * mailboxes across CPUs, plus a periodic device event that wakes a handler
 * task. It exercises every part of the engine (fibers, clocks, events,
 * halting, the chooser, wake-up interrupts) without a kernel, and is what
 * `uksim demo`, the engine tests and the engine benchmarks run.
 */
#ifndef SIM_DEMO_H
#define SIM_DEMO_H

#include <sim/engine.h>

struct sim_demo_config {
	unsigned cpus;         /* default 2 */
	unsigned pairs;        /* producer/consumer pairs; default 2 */
	unsigned rounds;       /* tokens per pair; default 100 */
	uint64_t seed;
	const char *chooser;   /* "time" (default) or "random" */
	uint64_t window_ns;    /* race window for the random chooser; default 200 */
	uint64_t tick_ns;      /* period of the device event; default 5000; 0: none */
	uint64_t step_bound;   /* 0: engine default */
	bool deadlock;         /* add two tasks that wait on each other */
	bool livelock;         /* add a task that spins forever */
	bool race;             /* add two tasks that increment a shared counter
				* without a lock, interleaved in time so that only
				* a reordering inside the race window loses an update */
	const struct sim_chooser_ops *chooser_ops; /* overrides `chooser` */
	void *chooser_state;
	bool record_decisions; /* copy the decision log into the result */
	struct sim_stack_pool *stack_pool; /* reuse stacks across runs (optional) */
	size_t trace_limit;    /* records to keep; 0: hash only */
};

struct sim_demo_result {
	enum sim_result result;
	char message[1024];
	uint64_t trace_hash;
	uint64_t trace_records;
	uint64_t steps, decisions, virtual_ns, ticks_handled, tokens;
	bool data_ok;          /* every consumer saw its tokens in order */
	bool lost_update;      /* the race tasks lost an increment */
	struct sim_decision *dlog; /* with record_decisions (malloc'd; free it) */
	size_t dlog_len;
	struct sim_trace trace;    /* with trace_limit: the records (free with sim_trace_fini) */
};

/* Run the demo once. Returns 0, or -1 for a bad configuration (message in
 * res->message) or when memory runs out. */
int sim_demo_run(const struct sim_demo_config *cfg, struct sim_demo_result *res);

/* The lost-update race as an explorer target (sim/explore.h): violation
 * "lost-update", race window 50 ns. */
struct sim_target;
void sim_demo_race_target(struct sim_target *out);

#endif /* SIM_DEMO_H */
