/* SPDX-License-Identifier: MIT */
/* Running benchmarks (the harness behind `uksim bench`). */
#ifndef SIM_BENCHRUN_H
#define SIM_BENCHRUN_H

#include <sim/bench.h>

struct sim_bench_result {
	double value;      /* the median figure, in the benchmark's unit */
	double min, max;   /* over the samples */
	unsigned samples;
	uint64_t iters;    /* operations per sample */
};

const struct sim_bench *sim_bench_find(const char *name);
void sim_bench_foreach(void (*fn)(const struct sim_bench *b, void *ctx), void *ctx);

/* Measure `b`. Returns 0, or -1 if the benchmark failed. */
int sim_bench_measure(const struct sim_bench *b, struct sim_bench_result *r);

#endif /* SIM_BENCHRUN_H */
