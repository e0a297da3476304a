/* SPDX-License-Identifier: MIT */
/*
 * Engine-level tasks: a minimal thread package on top of the engine.
 *
 * Tasks are pinned to a CPU, run round-robin on it, and block on numbered
 * channels with a description of what they wait for. They exist to exercise
 * and demonstrate the engine without a kernel (engine tests, `uksim demo`,
 * the engine benchmarks); real runs use libukern's threads through arch.h.
 */
#ifndef SIM_TASKS_H
#define SIM_TASKS_H

#include <sim/engine.h>

struct sim_tasks;
struct sim_task;

typedef void (*sim_task_fn)(struct sim_task *t, void *arg);

enum sim_task_state { SIM_TASK_READY, SIM_TASK_RUNNING, SIM_TASK_BLOCKED, SIM_TASK_DONE };

struct sim_task {
	struct sim_fiber fiber;
	struct sim_tasks *ts;
	unsigned id, cpu;
	enum sim_task_state state;
	char name[32];
	sim_task_fn fn;
	void *arg;
	uint64_t wait_chan;
	const char *wait_what;
	struct sim_task *next;   /* run-queue link */
	struct hw_event timer;   /* wakes a sleeping task */
};

struct sim_tasks {
	struct sim_engine *e;
	struct sim_fiber idle[SIM_MAX_CPUS];
	struct sim_task *head[SIM_MAX_CPUS], *tail[SIM_MAX_CPUS];
	struct sim_task *current[SIM_MAX_CPUS];
	struct sim_task **all;
	unsigned n, cap;
};

/* Attach a task package to engine `e` (sets the engine's client and starts
 * every CPU on its idle fiber). Returns 0 or -1 (out of memory). */
int sim_tasks_init(struct sim_tasks *ts, struct sim_engine *e);
void sim_tasks_fini(struct sim_tasks *ts);

/* Create a ready task on `cpu`. Returns it, or NULL. */
struct sim_task *sim_task_spawn(struct sim_tasks *ts, unsigned cpu, const char *name, sim_task_fn fn,
				void *arg);

/* From inside a task: */
void sim_task_work(struct sim_task *t, uint64_t ns);   /* burn virtual time, then a decision point */
void sim_task_yield(struct sim_task *t);
void sim_task_block(struct sim_task *t, uint64_t chan, const char *what);
unsigned sim_task_wake(struct sim_tasks *ts, uint64_t chan); /* wakes all waiters; returns how many */
void sim_task_sleep(struct sim_task *t, uint64_t ns);
_Noreturn void sim_task_exit(struct sim_task *t);

#endif /* SIM_TASKS_H */
