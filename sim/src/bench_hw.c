/* SPDX-License-Identifier: MIT */
/* Benchmarks of the machine model (hwmodel/). */
#include <sim/bench.h>

const struct sim_bench sim_bench_hw[] = {
	{0},
};
