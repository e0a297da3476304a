/* SPDX-License-Identifier: MIT */
/*
 * notification.c: a word of signal bits. Signal ORs bits in and wakes the
 * first waiter, which takes (and clears) the whole word; poll takes it
 * without blocking. notification_signal is also the kernel-internal entry
 * for IRQ sinks bound to a notification, so one driver thread can wait on
 * interrupts and on requests (signalled by clients) together.
 */
#include "ipc/ipc_internal.h"

struct ipc_ntfn *ntfn_create(struct uk_kernel *k)
{
	struct ipc_ntfn *n = kalloc(k, sizeof(*n));
	if (n)
		kobj_init(k, &n->o, KOBJ_NTFN);
	return n;
}

/* Kernel lock held; safe from the device-interrupt hook. */
void notification_signal(struct uk_kernel *k, struct ipc_ntfn *n, uint32_t bits)
{
	struct uk_thread *w = waitq_first(&n->waiters);

	k->stats.ntfn_signals++;
	n->bits |= bits & UK_NTFN_BITS;
	if (w && n->bits) {
		int got = (int)n->bits;
		n->bits = 0;
		waitq_remove(&n->waiters, w);
		waitq_wake_thread(k, w, got);
	}
}

int ntfn_poll(struct ipc_ntfn *n)
{
	int got = (int)n->bits;
	n->bits = 0;
	return got;
}

int ntfn_wait(struct uk_kernel *k, struct ipc_ntfn *n)
{
	int rc;

	if (n->bits)
		return ntfn_poll(n);
	kobj_get(&n->o);
	rc = waitq_block(k, &n->waiters, UK_WAIT_OTHER, n->o.id);
	kobj_put(k, &n->o);
	return rc;
}

int ntfn_lookup(struct process *p, uint64_t h, struct ipc_ntfn **out)
{
	struct kobj *o;
	int rc = cap_lookup(p, h, KOBJ_NTFN, UK_RIGHT_SIGNAL, &o);

	if (rc == 0)
		*out = (struct ipc_ntfn *)o;
	return rc;
}
