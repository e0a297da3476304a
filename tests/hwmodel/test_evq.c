/* SPDX-License-Identifier: MIT */
/* The event queue: a binary min-heap keyed by (time, insertion order),
 * checked against a plain list under random inserts, removals and pops. */
#include "hwtest.h"

/* This executable links with -Wl,--wrap=malloc,--wrap=realloc,--wrap=free
 * (tests/hwmodel/meson.build): an armed allocation fails, and the queue's
 * own heap array is followed from allocation to release. */
void *__real_malloc(size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);
static volatile bool fail_next_alloc; /* volatile: GCC knows malloc reads no globals */
static void *volatile last_alloc, *volatile last_freed;
static volatile size_t last_alloc_size;
static volatile unsigned reallocs;

void *__wrap_malloc(size_t size)
{
	if (fail_next_alloc) {
		fail_next_alloc = false;
		return NULL;
	}
	last_alloc_size = size;
	return last_alloc = __real_malloc(size);
}

void *__wrap_realloc(void *p, size_t size)
{
	reallocs++;
	if (fail_next_alloc) {
		fail_next_alloc = false;
		return NULL;
	}
	last_alloc_size = size;
	return last_alloc = __real_realloc(p, size);
}

void __wrap_free(void *p)
{
	last_freed = p;
	__real_free(p);
}

#define NEV 64

struct tev {
	struct hw_event ev;
	unsigned id;
	unsigned fired;
};

static unsigned order[NEV * 4], norder;

static void tev_fire(struct hw_event *ev, uint64_t now)
{
	struct tev *t = HW_CONTAINER_OF(ev, struct tev, ev);
	ck_assert_uint_eq(now, ev->time);
	t->fired++;
	order[norder++] = t->id;
}

/* The reference: for each event, queued or not, its time and sequence. */
struct ref {
	bool queued;
	uint64_t time, seq;
};

static int ref_min(const struct ref *r)
{
	int best = -1;
	for (int i = 0; i < NEV; i++)
		if (r[i].queued && (best < 0 || r[i].time < r[best].time ||
				    (r[i].time == r[best].time && r[i].seq < r[best].seq)))
			best = i;
	return best;
}

/* A failed check aborts the test; a passing one costs no Check bookkeeping
 * (ck_assert records every passing assertion, thousands here). */
#define REQUIRE(c)                                                                 \
	do {                                                                       \
		if (!(c))                                                          \
			ck_abort_msg("%s", #c);                                   \
	} while (0)

static void check_against(const struct hw_evq *q, const struct tev *ev, const struct ref *r)
{
	uint32_t n = 0;
	for (int i = 0; i < NEV; i++) {
		REQUIRE(hw_event_pending(&ev[i].ev) == r[i].queued);
		n += r[i].queued;
	}
	REQUIRE(q->len == n);
	int best = ref_min(r);
	if (best < 0) {
		REQUIRE(hw_evq_next_time(q) == HW_TIME_NEVER);
		REQUIRE(hw_evq_peek(q) == NULL);
	} else {
		REQUIRE(hw_evq_next_time(q) == r[best].time);
		REQUIRE(hw_evq_peek(q) == &ev[best].ev);
	}
	/* the heap property, and each event knows its slot */
	for (uint32_t i = 0; i < q->len; i++) {
		REQUIRE(q->heap[i]->slot == i);
		if (i > 0) {
			const struct hw_event *p = q->heap[(i - 1) / 2], *c = q->heap[i];
			REQUIRE(p->time < c->time || (p->time == c->time && p->seq < c->seq));
		}
	}
}

START_TEST(random_operations_match_a_reference)
{
	static struct tev ev[NEV];
	struct ref r[NEV] = {{0}};
	struct hw_evq q;
	ck_assert_int_eq(hw_evq_init(&q, 1), 0); /* grows from one slot */
	for (unsigned i = 0; i < NEV; i++) {
		hw_event_init(&ev[i].ev, tev_fire);
		ev[i].id = i;
	}
	uint64_t seq = 0;
	uint32_t rng = 12345;
	for (unsigned step = 0; step < 4000; step++) {
		rng = rng * 1103515245u + 12345u;
		unsigned pick = (rng >> 8) % NEV, op = (rng >> 20) % 8;
		if (op < 4) { /* insert, or move if queued; few distinct times: many ties */
			uint64_t t = (rng >> 24) % 16;
			REQUIRE(hw_evq_insert(&q, &ev[pick].ev, t) == 0);
			r[pick] = (struct ref){true, t, seq++};
		} else if (op < 7) {
			REQUIRE(hw_evq_remove(&q, &ev[pick].ev) == r[pick].queued);
			r[pick].queued = false;
		} else {
			int best = ref_min(r);
			struct hw_event *top = hw_evq_pop(&q);
			REQUIRE(best < 0 ? top == NULL : top == &ev[best].ev);
			if (best >= 0)
				r[best].queued = false;
		}
		check_against(&q, ev, r);
	}
	hw_evq_fini(&q);
	for (unsigned i = 0; i < NEV; i++)
		ck_assert(!hw_event_pending(&ev[i].ev));
	ck_assert_uint_eq(hw_evq_next_time(&q), HW_TIME_NEVER);
}
END_TEST

/* run_until fires what is due, in (time, insertion) order, each at its own
 * time, and nothing later; an event removed or re-inserted elsewhere does
 * not fire where it was. */
START_TEST(run_until_fires_in_order)
{
	static struct tev ev[8];
	struct hw_evq q;
	ck_assert_int_eq(hw_evq_init(&q, 0), 0); /* 0: a default size */
	ck_assert_uint_eq(hw_evq_next_time(&q), HW_TIME_NEVER);
	ck_assert_uint_eq(hw_evq_run_until(&q, 100), 0);
	norder = 0;
	static const uint64_t at[8] = {30, 10, 20, 10, 40, 20, 50, 10};
	for (unsigned i = 0; i < 8; i++) {
		hw_event_init(&ev[i].ev, tev_fire);
		ev[i].id = i;
		ev[i].fired = 0;
		ck_assert_int_eq(hw_evq_insert(&q, &ev[i].ev, at[i]), 0);
	}
	ck_assert(hw_evq_remove(&q, &ev[2].ev));
	ck_assert(!hw_evq_remove(&q, &ev[2].ev)); /* not queued any more */
	ck_assert_int_eq(hw_evq_insert(&q, &ev[4].ev, 5), 0); /* moved ahead */
	ck_assert_uint_eq(hw_evq_next_time(&q), 5);
	ck_assert_uint_eq(hw_evq_run_until(&q, 9), 1);
	ck_assert_uint_eq(hw_evq_run_until(&q, 30), 5);
	static const unsigned want[6] = {4, 1, 3, 7, 5, 0};
	ck_assert_uint_eq(norder, 6);
	for (unsigned i = 0; i < 6; i++)
		ck_assert_uint_eq(order[i], want[i]);
	ck_assert_uint_eq(ev[2].fired, 0);
	ck_assert_uint_eq(hw_evq_next_time(&q), 50);
	ck_assert_uint_eq(hw_evq_run_until(&q, 49), 0);
	ck_assert_uint_eq(hw_evq_run_until(&q, 50), 1);
	ck_assert_uint_eq(hw_evq_next_time(&q), HW_TIME_NEVER);
	ck_assert_ptr_null(hw_evq_pop(&q));
	/* an event of another queue is not removed from this one */
	struct hw_evq other;
	ck_assert_int_eq(hw_evq_init(&other, 2), 0);
	hw_evq_insert(&q, &ev[0].ev, 1);
	hw_evq_insert(&q, &ev[1].ev, 2);
	hw_evq_insert(&other, &ev[5].ev, 3);
	ck_assert(!hw_evq_remove(&q, &ev[5].ev)); /* slot 0 of q holds ev[0] */
	hw_evq_insert(&other, &ev[6].ev, 4);
	hw_evq_insert(&other, &ev[7].ev, 5);
	ck_assert(!hw_evq_remove(&q, &ev[7].ev)); /* its slot 2 is past q's length */
	ck_assert_uint_eq(q.len, 2);
	ck_assert_uint_eq(other.len, 3);
	hw_evq_fini(&other);
	ck_assert(!hw_event_pending(&ev[5].ev) && !hw_event_pending(&ev[7].ev));
	ck_assert(hw_event_pending(&ev[0].ev));
	hw_evq_fini(&q);
	ck_assert(!hw_event_pending(&ev[0].ev) && !hw_event_pending(&ev[1].ev));
}
END_TEST

/* Memory: the default room is 16 events; growing doubles it; a queue that
 * cannot grow says so (-1) and leaves the event unqueued and the rest
 * intact; init says so too; fini frees the array and empties the queue. */
START_TEST(allocation_and_growth)
{
	static struct tev ev[17];
	struct hw_evq q;
	fail_next_alloc = true;
	ck_assert_int_eq(hw_evq_init(&q, 4), -1);
	/* (Read before any ck_assert: Check allocates as it goes.) */
	int rc = hw_evq_init(&q, 0);
	size_t size = last_alloc_size;
	void *array = last_alloc;
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(size, 16 * sizeof(struct hw_event *));
	unsigned grown = reallocs;
	for (unsigned i = 0; i < 16; i++) {
		hw_event_init(&ev[i].ev, tev_fire);
		ck_assert_int_eq(hw_evq_insert(&q, &ev[i].ev, 100 - i), 0);
		ck_assert_uint_eq(ev[i].ev.seq, i); /* insertion order, from 0 */
	}
	ck_assert_uint_eq(reallocs, grown); /* 16 fit without growing */
	hw_event_init(&ev[16].ev, tev_fire);
	fail_next_alloc = true;
	ck_assert_int_eq(hw_evq_insert(&q, &ev[16].ev, 1), -1);
	ck_assert(!hw_event_pending(&ev[16].ev));
	ck_assert_uint_eq(q.len, 16);
	ck_assert_uint_eq(hw_evq_next_time(&q), 85);
	rc = hw_evq_insert(&q, &ev[16].ev, 1); /* grows: 32 */
	size = last_alloc_size;
	array = last_alloc;
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(size, 32 * sizeof(struct hw_event *));
	ck_assert_uint_eq(hw_evq_next_time(&q), 1);
	hw_evq_fini(&q);
	void *freed = last_freed;
	ck_assert_ptr_eq(freed, array);
	ck_assert_uint_eq(q.len, 0);
	ck_assert_uint_eq(q.cap, 0);
	ck_assert_ptr_null(hw_evq_peek(&q));
	ck_assert_ptr_null(hw_evq_pop(&q));
}
END_TEST

/* Removal at the edges: the last of two (the other stays first), and an
 * event whose slot, from another queue, names this queue's stale last slot. */
START_TEST(remove_edges)
{
	static struct tev ev[5];
	struct hw_evq q, other;
	ck_assert_int_eq(hw_evq_init(&q, 4), 0);
	ck_assert_int_eq(hw_evq_init(&other, 4), 0);
	for (unsigned i = 0; i < 5; i++)
		hw_event_init(&ev[i].ev, tev_fire);
	hw_evq_insert(&q, &ev[0].ev, 1);
	hw_evq_insert(&q, &ev[1].ev, 2);
	ck_assert(hw_evq_remove(&q, &ev[1].ev));
	ck_assert_uint_eq(hw_evq_next_time(&q), 1);
	ck_assert_ptr_eq(hw_evq_peek(&q), &ev[0].ev);
	/* q: ev0, ev1, ev2; removing ev2 (the last) leaves it in q's array */
	hw_evq_insert(&q, &ev[1].ev, 2);
	hw_evq_insert(&q, &ev[2].ev, 3);
	ck_assert_uint_eq(ev[2].ev.slot, 2);
	ck_assert(hw_evq_remove(&q, &ev[2].ev));
	/* ev2 now sits in slot 2 of the other queue */
	hw_evq_insert(&other, &ev[3].ev, 1);
	hw_evq_insert(&other, &ev[4].ev, 2);
	hw_evq_insert(&other, &ev[2].ev, 3);
	ck_assert_uint_eq(ev[2].ev.slot, 2);
	ck_assert(!hw_evq_remove(&q, &ev[2].ev));
	ck_assert_uint_eq(q.len, 2);
	ck_assert(hw_event_pending(&ev[2].ev));
	ck_assert(hw_evq_remove(&other, &ev[2].ev));
	hw_evq_fini(&q);
	hw_evq_fini(&other);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hwmodel-evq");
	TCase *tc = tcase_create("evq");
	tcase_add_test(tc, random_operations_match_a_reference);
	tcase_add_test(tc, run_until_fires_in_order);
	tcase_add_test(tc, allocation_and_growth);
	tcase_add_test(tc, remove_edges);
	suite_add_tcase(s, tc);
	return hwt_run(s);
}
