/* SPDX-License-Identifier: MIT */
/*
 * The benchmark harness (see sim/bench.h).
 *
 * For each benchmark: grow the iteration count until one run takes at least
 * MIN_RUN_NS, then take samples until the median is stable (adding a sample
 * moves it by less than 1%) or MAX_SAMPLES are in, and report the median.
 */
#define _GNU_SOURCE
#include <sim/bench.h>
#include <sim/benchrun.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIN_RUN_NS 20000000ull /* 20 ms */
#define MIN_SAMPLES 5
#define MAX_SAMPLES 25

uint64_t sim_bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const struct sim_bench *const bench_tables[] = {
	sim_bench_engine,
	sim_bench_hw,
	sim_bench_kernel,
	sim_bench_ipc,
	sim_bench_explore,
};

const struct sim_bench *sim_bench_find(const char *name)
{
	for (size_t t = 0; t < sizeof(bench_tables) / sizeof(bench_tables[0]); t++)
		for (const struct sim_bench *b = bench_tables[t]; b->name; b++)
			if (!strcmp(b->name, name))
				return b;
	return NULL;
}

void sim_bench_foreach(void (*fn)(const struct sim_bench *b, void *ctx), void *ctx)
{
	for (size_t t = 0; t < sizeof(bench_tables) / sizeof(bench_tables[0]); t++)
		for (const struct sim_bench *b = bench_tables[t]; b->name; b++)
			fn(b, ctx);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(const double *v, unsigned n)
{
	double s[MAX_SAMPLES];
	memcpy(s, v, n * sizeof(double));
	qsort(s, n, sizeof(double), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static double figure(const struct sim_bench *b, uint64_t iters, uint64_t ns)
{
	if (b->kind == SIM_BENCH_OPS_PER_SEC)
		return (double)iters * 1e9 / (double)ns;
	return (double)ns / (double)iters;
}

int sim_bench_measure(const struct sim_bench *b, struct sim_bench_result *r)
{
	memset(r, 0, sizeof(*r));
	uint64_t iters = 1, ns = 0;
	for (;;) {
		ns = b->run(iters);
		if (ns == 0)
			return -1;
		if (ns >= MIN_RUN_NS || iters >= (1ull << 40))
			break;
		/* Aim a little past the minimum so the next run qualifies. */
		uint64_t next = ns < 1000 ? iters * 100 : (uint64_t)((double)iters * 1.2 * MIN_RUN_NS / (double)ns) + 1;
		iters = next > iters ? next : iters * 2;
	}
	double samples[MAX_SAMPLES];
	unsigned n = 0;
	samples[n++] = figure(b, iters, ns);
	while (n < MAX_SAMPLES) {
		ns = b->run(iters);
		if (ns == 0)
			return -1;
		samples[n++] = figure(b, iters, ns);
		if (n >= MIN_SAMPLES) {
			double m1 = median(samples, n), m0 = median(samples, n - 1);
			if (m1 > 0 && (m1 > m0 ? m1 - m0 : m0 - m1) / m1 < 0.01)
				break;
		}
	}
	r->value = median(samples, n);
	r->min = r->max = samples[0];
	for (unsigned i = 1; i < n; i++) {
		if (samples[i] < r->min)
			r->min = samples[i];
		if (samples[i] > r->max)
			r->max = samples[i];
	}
	r->samples = n;
	r->iters = iters;
	return 0;
}
