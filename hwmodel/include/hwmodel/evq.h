/* SPDX-License-Identifier: MIT */
/*
 * The virtual-time event queue.
 *
 * One queue per simulation holds every pending device, timer and timeline
 * event, ordered by (time, sequence): events due at the same virtual time fire
 * in the order they were inserted, so runs are deterministic. Events are
 * intrusive (embedded in their owner, found again with HW_CONTAINER_OF), so
 * inserting and popping allocates nothing once the heap has grown.
 * Insert, pop and remove are O(log n).
 *
 * It lives in hwmodel, the lowest layer that schedules events; sim/'s engine
 * owns the instance and passes it to the machine model.
 */
#ifndef HWMODEL_EVQ_H
#define HWMODEL_EVQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HW_CONTAINER_OF(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

#define HW_EVENT_IDLE UINT32_MAX /* hw_event.slot when not queued */
#define HW_TIME_NEVER UINT64_MAX

struct hw_event;
typedef void (*hw_event_fn)(struct hw_event *ev, uint64_t now);

struct hw_event {
	uint64_t time;    /* when it fires (virtual ns); set by hw_evq_insert */
	uint64_t seq;     /* insertion order; breaks ties between equal times */
	uint32_t slot;    /* index in the heap, or HW_EVENT_IDLE */
	hw_event_fn fire; /* called by the owner of the queue when due */
};

struct hw_evq {
	struct hw_event **heap;
	uint32_t len, cap;
	uint64_t next_seq;
	uint64_t next_time; /* heap[0]'s time, HW_TIME_NEVER when empty: one load
			     * for the engine's decision fast path */
};

/* Prepare an event for use: not queued, firing `fn`. */
static inline void hw_event_init(struct hw_event *ev, hw_event_fn fn)
{
	ev->time = HW_TIME_NEVER;
	ev->seq = 0;
	ev->slot = HW_EVENT_IDLE;
	ev->fire = fn;
}

static inline bool hw_event_pending(const struct hw_event *ev)
{
	return ev->slot != HW_EVENT_IDLE;
}

/* Create an empty queue with room for `cap` events before it grows.
 * Returns 0, or -1 when memory runs out. */
int hw_evq_init(struct hw_evq *q, uint32_t cap);
void hw_evq_fini(struct hw_evq *q);

/* Queue `ev` to fire at `time`. An event already queued is moved (it keeps
 * no place in line: it gets a new sequence number). Returns 0, or -1 when the
 * heap cannot grow (the event is then not queued). */
int hw_evq_insert(struct hw_evq *q, struct hw_event *ev, uint64_t time);

/* Take `ev` out of the queue if it is queued; returns whether it was. */
bool hw_evq_remove(struct hw_evq *q, struct hw_event *ev);

/* The earliest event, or NULL. */
static inline struct hw_event *hw_evq_peek(const struct hw_evq *q)
{
	return q->len ? q->heap[0] : NULL;
}

/* Time of the earliest event, or HW_TIME_NEVER. */
static inline uint64_t hw_evq_next_time(const struct hw_evq *q)
{
	return q->next_time;
}

/* Remove and return the earliest event, or NULL. */
struct hw_event *hw_evq_pop(struct hw_evq *q);

/* Pop and fire, in order, every event whose time is <= `now`. Events that
 * firing inserts are fired too if they are due. Returns how many fired. */
unsigned hw_evq_run_until(struct hw_evq *q, uint64_t now);

#endif /* HWMODEL_EVQ_H */
