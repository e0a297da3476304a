/* SPDX-License-Identifier: MIT */
/*
 * The trace sink: a compact in-memory record of what happened, and a running
 * hash over it.
 *
 * Every record is (virtual time, CPU, kind, three numbers). Records never
 * hold host pointers, so the same scenario, build and seed give the same
 * records and the same hash on any machine. When `keep` is off (exploration)
 * only the hash is updated; when the buffer reaches its limit, records stop
 * being stored (and `truncated` is set) but the hash goes on.
 *
 * Kinds: 0x0001..0x00ff the engine (below), 0x0100..0x0fff the kernel
 * (ukern/trace.h), 0x1000..0x1fff the machine model (hwmodel).
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sim_trace_kind {
	SIM_TR_RUN_START = 0x0001,   /* a = seed, b = CPUs */
	SIM_TR_CPU_PICK = 0x0002,    /* a = chosen CPU, b = candidates, c = decision index */
	SIM_TR_CPU_HALT = 0x0003,    /* cpu halted */
	SIM_TR_CPU_WAKE = 0x0004,    /* a = CPU woken */
	SIM_TR_IRQ_TAKE = 0x0005,    /* cpu takes an interrupt */
	SIM_TR_RUN_END = 0x0006,     /* a = enum sim_result, b = steps */
	SIM_TR_USER = 0x0010,        /* free for tests and demos: a, b, c as they like */
	SIM_TR_TASK_RUN = 0x0011,    /* sim tasks: a = task id */
	SIM_TR_TASK_BLOCK = 0x0012,  /* a = task id, b = channel id */
	SIM_TR_TASK_WAKE = 0x0013,   /* a = task id, b = channel id */
	SIM_TR_TASK_EXIT = 0x0014,   /* a = task id */
	/* Added to a traced run's records after the run (never emitted, never
	 * hashed): software cleared the device's interrupt status, the first
	 * clear since it was last set. a = device index (the machine's). */
	SIM_TR_DEV_CLEAR = 0x0015,
};

struct sim_trace_rec {
	uint64_t time;
	uint16_t kind;
	uint16_t cpu;
	uint32_t pad;
	uint64_t a, b, c;
};

struct sim_trace {
	struct sim_trace_rec *recs;
	size_t len, cap, limit;
	uint64_t hash;
	uint64_t count;      /* records emitted, stored or not */
	bool hashing;        /* fold records into `hash` (off: hash stays the initial value) */
	bool keep;
	bool truncated;
};

/* limit = most records to store (0: store none, only hash). */
void sim_trace_init(struct sim_trace *t, size_t limit);
void sim_trace_fini(struct sim_trace *t);
void sim_trace_reset(struct sim_trace *t);

/* Store one record (the slow path of sim_trace_emit, out of line so the
 * hash-only path stays a few instructions wherever it is inlined). */
void sim_trace_store(struct sim_trace *t, uint64_t time, unsigned cpu, uint16_t kind, uint64_t a,
		     uint64_t b, uint64_t c);

static inline uint64_t sim_trace_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h *= 0xff51afd7ed558ccdull;
	return h ^ (h >> 32);
}

/* One record folds into the hash with five independent multiplies (they
 * run in parallel) and one dependent mixing step, so the chain through the
 * whole trace stays order-sensitive while a record costs a few ns. */
static inline void sim_trace_emit(struct sim_trace *t, uint64_t time, unsigned cpu, uint16_t kind,
				  uint64_t a, uint64_t b, uint64_t c)
{
	/* A multiply-xor chain over the record's words (the trace's identity,
	 * not a cryptographic hash): cheap on the path of every event. */
	if (t->hashing) {
		uint64_t h = t->hash;
		h = (h ^ time) * 0x9e3779b97f4a7c15ull;
		h = (h ^ (((uint64_t)kind << 16) | (cpu & 0xffff))) * 0xc2b2ae3d27d4eb4full;
		h = (h ^ a) * 0x165667b19e3779f9ull;
		h = (h ^ b) * 0xd6e8feb86659fd93ull;
		h = (h ^ c ^ (h >> 31)) * 0xff51afd7ed558ccdull;
		t->hash = h;
	}
	t->count++;
	if (t->keep)
		sim_trace_store(t, time, cpu, kind, a, b, c);
}

#endif /* SIM_TRACE_H */
