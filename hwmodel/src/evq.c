/* SPDX-License-Identifier: MIT */
/*
 * Binary min-heap of intrusive events keyed by (time, seq). Each event knows
 * its slot so that removal (a timer reprogrammed, a device reset) is
 * O(log n) without searching.
 */
#include <hwmodel/evq.h>

#include <stdlib.h>

static inline bool ev_before(const struct hw_event *a, const struct hw_event *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static inline void heap_set(struct hw_evq *q, uint32_t i, struct hw_event *ev)
{
	q->heap[i] = ev;
	ev->slot = i;
	if (i == 0)
		q->next_time = ev->time;
}

static void sift_up(struct hw_evq *q, uint32_t i)
{
	struct hw_event *ev = q->heap[i];
	while (i > 0) {
		uint32_t parent = (i - 1) / 2;
		if (!ev_before(ev, q->heap[parent]))
			break;
		heap_set(q, i, q->heap[parent]);
		i = parent;
	}
	heap_set(q, i, ev);
}

static void sift_down(struct hw_evq *q, uint32_t i)
{
	struct hw_event *ev = q->heap[i];
	for (;;) {
		uint32_t child = 2 * i + 1;
		if (child >= q->len)
			break;
		if (child + 1 < q->len && ev_before(q->heap[child + 1], q->heap[child]))
			child++;
		if (!ev_before(q->heap[child], ev))
			break;
		heap_set(q, i, q->heap[child]);
		i = child;
	}
	heap_set(q, i, ev);
}

int hw_evq_init(struct hw_evq *q, uint32_t cap)
{
	q->len = 0;
	q->next_seq = 0;
	q->next_time = HW_TIME_NEVER;
	q->cap = cap ? cap : 16;
	q->heap = malloc(sizeof(*q->heap) * q->cap);
	return q->heap ? 0 : -1;
}

void hw_evq_fini(struct hw_evq *q)
{
	for (uint32_t i = 0; i < q->len; i++)
		q->heap[i]->slot = HW_EVENT_IDLE;
	free(q->heap);
	q->heap = NULL;
	q->len = q->cap = 0;
	q->next_time = HW_TIME_NEVER;
}

int hw_evq_insert(struct hw_evq *q, struct hw_event *ev, uint64_t time)
{
	if (hw_event_pending(ev))
		hw_evq_remove(q, ev);
	if (q->len == q->cap) {
		uint32_t cap = q->cap * 2;
		struct hw_event **heap = realloc(q->heap, sizeof(*heap) * cap);
		if (!heap)
			return -1;
		q->heap = heap;
		q->cap = cap;
	}
	ev->time = time;
	ev->seq = q->next_seq++;
	heap_set(q, q->len, ev);
	sift_up(q, q->len++);
	return 0;
}

bool hw_evq_remove(struct hw_evq *q, struct hw_event *ev)
{
	uint32_t i = ev->slot;
	if (i == HW_EVENT_IDLE || i >= q->len || q->heap[i] != ev)
		return false;
	ev->slot = HW_EVENT_IDLE;
	q->len--;
	if (q->len == 0)
		q->next_time = HW_TIME_NEVER;
	if (i == q->len)
		return true;
	heap_set(q, i, q->heap[q->len]);
	/* The moved event may belong above or below its new slot. */
	if (i > 0 && ev_before(q->heap[i], q->heap[(i - 1) / 2]))
		sift_up(q, i);
	else
		sift_down(q, i);
	return true;
}

struct hw_event *hw_evq_pop(struct hw_evq *q)
{
	if (q->len == 0)
		return NULL;
	struct hw_event *top = q->heap[0];
	top->slot = HW_EVENT_IDLE;
	q->len--;
	if (q->len > 0) {
		heap_set(q, 0, q->heap[q->len]);
		sift_down(q, 0);
	} else {
		q->next_time = HW_TIME_NEVER;
	}
	return top;
}

unsigned hw_evq_run_until(struct hw_evq *q, uint64_t now)
{
	unsigned fired = 0;
	while (q->len && q->heap[0]->time <= now) {
		struct hw_event *ev = hw_evq_pop(q);
		ev->fire(ev, ev->time);
		fired++;
	}
	return fired;
}
