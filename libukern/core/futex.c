/* SPDX-License-Identifier: MIT */
/*
 * futex.c: wait/wake on a 32-bit word of user memory, keyed by (process,
 * virtual address). Waiters sit in one of FUTEX_BUCKETS priority-ordered
 * wait queues; a wake walks its bucket for matching keys.
 */
#include "core/kern.h"

static struct uk_waitq *futex_bucket(struct uk_kernel *k, uint64_t space, uk_vaddr_t uaddr)
{
	uint64_t h = (uaddr >> 2) ^ (space * 0x9e3779b97f4a7c15ull);
	return &k->futex[(h ^ (h >> 29)) % FUTEX_BUCKETS];
}

static int futex_check_addr(uk_vaddr_t uaddr)
{
	if (uaddr & 3)
		return UK_EINVAL;
	if (uaddr < UK_USER_BASE || uaddr >= UK_USER_END)
		return UK_EFAULT;
	return 0;
}

int futex_wait(struct uk_kernel *k, uk_vaddr_t uaddr, uint32_t expected)
{
	struct uk_thread *t = this_cpu(k)->current;
	uint32_t val;
	int rc;

	if ((rc = futex_check_addr(uaddr)) < 0)
		return rc;
	if ((rc = user_copy_in(k, &val, uaddr, sizeof(val))) < 0)
		return rc;
	if (val != expected)
		return UK_EAGAIN;
	t->futex_space = t->proc->o.id;
	t->futex_uaddr = uaddr;
	k->stats.futex_waits++;
	return waitq_block(k, futex_bucket(k, t->futex_space, uaddr), UK_WAIT_FUTEX, uaddr);
}

int futex_wake(struct uk_kernel *k, uk_vaddr_t uaddr, uint32_t count)
{
	struct uk_thread *self = this_cpu(k)->current;
	uint64_t space = self->proc->o.id;
	struct uk_waitq *q;
	struct uk_thread *t;
	int woken = 0;
	int rc;

	if ((rc = futex_check_addr(uaddr)) < 0)
		return rc;
	if (count == 0)
		return UK_EINVAL;
	q = futex_bucket(k, space, uaddr);
	for (t = waitq_first(q); t && (uint32_t)woken < count;) {
		struct uk_thread *next = t->wq_next;
		if (t->futex_space == space && t->futex_uaddr == uaddr) {
			waitq_remove(q, t);
			waitq_wake_thread(k, t, 0);
			woken++;
		}
		t = next;
	}
	k->stats.futex_wakes += (uint64_t)woken;
	return woken;
}
