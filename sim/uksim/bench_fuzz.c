/* SPDX-License-Identifier: MIT */
/*
 * fuzz_irq: executions per second of the IRQ fuzz target's harness
 * (tests/fuzz/fuzz_irq.c: the IRQ machine beside the model's independent
 * reference, compared after every operation, liveness judged at the end),
 * one core, without coverage instrumentation: what the AFL++ persistent
 * driver and replay_irq run, and the part of a libFuzzer execution that is
 * ours. The inputs are seeded pseudo-random bytes of 2 to 129 bytes (1 to
 * ~100 operations), the lengths libFuzzer works at in its first minutes
 * from the seed corpus; every model comes up (byte 0 picks it). libFuzzer's
 * own figure (exec/s, which adds its bookkeeping and the instrumentation)
 * is in docs/fuzzing.md.
 */
#include "uksim.h"

#include <sim/bench.h>

#include "fuzz_irq.h"

static uint64_t next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static uint64_t bench_fuzz_irq(uint64_t iters)
{
	uint8_t buf[129];
	char msg[256];
	uint64_t x = 0x2545f4914f6cdd1dull, failed = 0;
	uint64_t t0 = sim_bench_now_ns();
	for (uint64_t i = 0; i < iters; i++) {
		size_t len = 2 + (size_t)(next(&x) % 128);
		for (size_t k = 0; k < len; k += 8) {
			uint64_t r = next(&x);
			for (size_t b = 0; b < 8 && k + b < len; b++)
				buf[k + b] = (uint8_t)(r >> (8 * b));
		}
		failed += (uint64_t)fuzz_irq_run(buf, len, msg, sizeof(msg));
	}
	uint64_t t1 = sim_bench_now_ns();
	if (failed) {
		/* Every input must pass: a failure is a bug, not a figure. */
		fprintf(stderr, "fuzz_irq: an input failed: %s\n", msg);
		return 0;
	}
	return t1 - t0 ? t1 - t0 : 1;
}

const struct sim_bench uksim_bench_fuzz[] = {
	{"fuzz_irq", "exec/s", SIM_BENCH_OPS_PER_SEC, bench_fuzz_irq,
	 "IRQ fuzz harness executions (machine + reference model), 2..129-byte inputs, one core"},
	{0},
};
