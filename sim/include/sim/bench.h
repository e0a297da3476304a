/* SPDX-License-Identifier: MIT */
/*
 * The benchmark harness behind `uksim bench`.
 *
 * A benchmark is a function that performs `iters` operations and returns the
 * host nanoseconds its timed part took (setup excluded), measured with
 * sim_bench_now_ns(). The harness grows `iters` until one run lasts long
 * enough to time, repeats until the figure is stable, and reports the median.
 * Each subsystem keeps its benchmarks in its own table (bench_*.c) and the
 * table of tables in bench.c lists them.
 */
#ifndef SIM_BENCH_H
#define SIM_BENCH_H

#include <stddef.h>
#include <stdint.h>

enum sim_bench_kind {
	SIM_BENCH_NS_PER_OP,  /* value = elapsed ns / iters; lower is better */
	SIM_BENCH_OPS_PER_SEC /* value = iters / elapsed s; higher is better */
};

struct sim_bench {
	const char *name;  /* as typed on the command line, e.g. "fiber_switch" */
	const char *unit;  /* "ns", "schedules/s" ... */
	enum sim_bench_kind kind;
	/* Perform `iters` operations; return the host ns they took, or 0 on
	 * failure (the harness reports an internal error). */
	uint64_t (*run)(uint64_t iters);
	const char *what;  /* one line for `uksim bench --list` */
};

/* Host monotonic clock in ns. Benchmarks only: simulations never read it. */
uint64_t sim_bench_now_ns(void);

/* Keep the compiler from discarding a computed value. */
static inline void sim_bench_keep(uint64_t v)
{
	__asm__ volatile("" : : "r"(v) : "memory");
}

/* Tables of benchmarks, one per subsystem, terminated by a zeroed entry. */
extern const struct sim_bench sim_bench_engine[]; /* sim/src/bench_engine.c */
extern const struct sim_bench sim_bench_hw[];     /* sim/src/bench_hw.c */
extern const struct sim_bench sim_bench_kernel[]; /* sim/src/bench_kernel.c */
extern const struct sim_bench sim_bench_ipc[];    /* sim/src/bench_ipc.c */
extern const struct sim_bench sim_bench_explore[]; /* sim/src/bench_explore.c */

#endif /* SIM_BENCH_H */
