/* SPDX-License-Identifier: MIT */
#include <sim/trace.h>

#include <stdlib.h>

#define TRACE_HASH_INIT 0xcbf29ce484222325ull

void sim_trace_init(struct sim_trace *t, size_t limit)
{
	*t = (struct sim_trace){.limit = limit, .keep = limit > 0, .hash = TRACE_HASH_INIT,
				.hashing = true};
}

void sim_trace_fini(struct sim_trace *t)
{
	free(t->recs);
	t->recs = NULL;
	t->len = t->cap = 0;
}

void sim_trace_reset(struct sim_trace *t)
{
	t->len = 0;
	t->count = 0;
	t->hash = TRACE_HASH_INIT;
	t->truncated = false;
	t->keep = t->limit > 0;
}

__attribute__((noinline)) void sim_trace_store(struct sim_trace *t, uint64_t time, unsigned cpu,
					       uint16_t kind, uint64_t a, uint64_t b, uint64_t c)
{
	if (t->len == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		if (cap > t->limit)
			cap = t->limit;
		struct sim_trace_rec *recs = cap > t->cap ? realloc(t->recs, cap * sizeof(*recs)) : NULL;
		if (!recs) {
			/* Full (or out of memory): keep hashing, stop storing. */
			t->truncated = true;
			t->keep = false;
			return;
		}
		t->recs = recs;
		t->cap = cap;
	}
	t->recs[t->len++] = (struct sim_trace_rec){time, kind, (uint16_t)cpu, 0, a, b, c};
}
