/* SPDX-License-Identifier: MIT */
/* Benchmarks of the kernel core running on the simulated machine. */
#include <sim/bench.h>

const struct sim_bench sim_bench_kernel[] = {
	{0},
};
