/* SPDX-License-Identifier: MIT */
/*
 * irq_port.c: ports, Zircon's way for one thread to wait on several
 * interrupt objects: each bound object queues a packet (its key and the
 * interrupt's timestamp) on the port, and zx_port_wait takes them in
 * order. An object has one packet: it is queued at most once at a time
 * (PortDispatcher::QueueInterruptPacket). When a packet is due and
 * whether a queued one still counts is the line's model's to say, through
 * the kernel's model calls UK_IRQ_CALL_PORT_* (ukern/irq_sys.h); a model
 * without them refuses the bind.
 *
 * References: a bound sink holds its port; the port's queue holds no
 * reference (a sink leaves the queue when it is unbound or freed), so no
 * cycle keeps either alive.
 */
#include "core/kern.h"
#include "irq/irq_kobj.h"

#include <ukern/models/zircon.h>


static void port_remove(struct irq_port_obj *p, struct irq_sink_obj *s)
{
	struct irq_sink_obj **pp = &p->head, *prev = NULL;

	if (!s->port_queued)
		return;
	while (*pp && *pp != s) {
		prev = *pp;
		pp = &(*pp)->port_next;
	}
	if (*pp) {
		*pp = s->port_next;
		if (p->tail == s)
			p->tail = prev;
	}
	s->port_next = NULL;
	s->port_queued = false;
}

static void port_queue(struct uk_kernel *k, struct irq_port_obj *p, struct irq_sink_obj *s)
{
	if (s->port_queued)
		return;
	s->port_queued = true;
	s->port_next = NULL;
	if (p->tail)
		p->tail->port_next = s;
	else
		p->head = s;
	p->tail = s;
	uk_waitq_wake(k, &p->waiters, 1, 0);
}

void irq_port_notify(struct uk_kernel *k, struct irq_sink_obj *s)
{
	if (s->port)
		port_queue(k, s->port, s);
}

void irq_port_drop(struct uk_kernel *k, struct irq_sink_obj *s)
{
	struct irq_port_obj *p = s->port;

	if (!p)
		return;
	port_remove(p, s);
	s->port = NULL;
	s->port_key = 0;
	kobj_put(k, &p->o);
}

void irq_port_free(struct uk_kernel *k, struct irq_port_obj *p)
{
	/* No sink is bound (each holds a reference), so the queue is empty. */
	kfree(k, p, sizeof(*p));
}

static long port_create(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct irq_port_obj *p;
	int h;

	if (a[0] & ~(uint64_t)ZX_PORT_BIND_TO_INTERRUPT)
		return UK_EINVAL;
	if (!(p = kalloc(k, sizeof(*p))))
		return UK_ENOMEM;
	kobj_init(k, &p->o, KOBJ_IRQ_PORT);
	p->waiters = (struct uk_waitq){0};
	p->head = p->tail = NULL;
	p->options = (uint32_t)a[0];
	h = cap_install(k, t->proc, &p->o, UK_IRQ_PORT_RIGHTS);
	kobj_put(k, &p->o);
	return h;
}

/* Take packets until one the model still stands by; block while none. */
static long port_wait(struct uk_kernel *k, struct irq_port_obj *p, uint64_t va)
{
	long r;

	kobj_get(&p->o);
	for (;;) {
		struct irq_sink_obj *s = p->head;
		if (s) {
			port_remove(p, s);
			long ts = uk_irq_sink_model_call(&s->sink, UK_IRQ_RIGHTS_ALL,
							 UK_IRQ_CALL_PORT_TAKE, 0, uk_arch_now(k->a));
			if (ts < 0)
				continue; /* taken back (destroyed, unbound, detached) */
			zx_port_packet_t pkt = {.key = s->port_key, .type = ZX_PKT_TYPE_INTERRUPT,
						.status = 0, .timestamp = (uint64_t)ts};
			r = (long)s->port_key;
			if (va) {
				int rc = user_copy_out(k, va, &pkt, sizeof(pkt));
				if (rc < 0)
					r = rc;
			}
			break;
		}
		int rc = waitq_block(k, &p->waiters, UK_WAIT_OTHER, p->o.id);
		if (rc < 0) {
			r = rc;
			break;
		}
	}
	kobj_put(k, &p->o);
	return r;
}

static long port_bind(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct kobj *so, *po;
	struct irq_sink_obj *s;
	struct irq_port_obj *p;
	int rc = cap_lookup(t->proc, a[0], KOBJ_IRQ_SINK, UK_RIGHT_SIGNAL, &so);
	long r;

	if (rc < 0)
		return rc;
	if ((rc = cap_lookup(t->proc, a[1], KOBJ_IRQ_PORT, UK_RIGHT_WRITE, &po)) < 0)
		return rc;
	s = (struct irq_sink_obj *)so;
	p = (struct irq_port_obj *)po;
	if (!(p->options & ZX_PORT_BIND_TO_INTERRUPT))
		return UK_EBADH; /* ZX_ERR_WRONG_TYPE */
	if (a[2] > UK_IRQ_PORT_KEY_MAX)
		return UK_EINVAL;
	r = uk_irq_sink_model_call(&s->sink, UK_IRQ_RIGHTS_ALL, UK_IRQ_CALL_PORT_BIND,
				   a[2] | (s->call_waiters ? UK_IRQ_CALL_PORT_WAITING : 0),
				   uk_arch_now(k->a));
	if (r < 0)
		return r;
	irq_port_drop(k, s); /* cannot be bound: the model said so */
	kobj_get(&p->o);
	s->port = p;
	s->port_key = a[2];
	if (r == 1)
		port_queue(k, p, s);
	return 0;
}

static long port_unbind(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct kobj *so, *po;
	struct irq_sink_obj *s;
	int rc = cap_lookup(t->proc, a[0], KOBJ_IRQ_SINK, UK_RIGHT_SIGNAL, &so);
	long r;

	if (rc < 0)
		return rc;
	if ((rc = cap_lookup(t->proc, a[1], KOBJ_IRQ_PORT, UK_RIGHT_WRITE, &po)) < 0)
		return rc;
	s = (struct irq_sink_obj *)so;
	if (s->port != (struct irq_port_obj *)po)
		return UK_ENOENT;
	r = uk_irq_sink_model_call(&s->sink, UK_IRQ_RIGHTS_ALL, UK_IRQ_CALL_PORT_UNBIND, 0,
				   uk_arch_now(k->a));
	if (r < 0)
		return r;
	irq_port_drop(k, s);
	return 0;
}

long irq_port_syscall(struct uk_kernel *k, struct uk_thread *t, unsigned nr, const uint64_t a[6])
{
	struct kobj *o;
	int rc;

	switch (nr) {
	case UK_SYS_IRQ_PORT_CREATE:
		return port_create(k, t, a);
	case UK_SYS_IRQ_PORT_WAIT:
		if ((rc = cap_lookup(t->proc, a[0], KOBJ_IRQ_PORT, UK_RIGHT_READ, &o)) < 0)
			return rc;
		return port_wait(k, (struct irq_port_obj *)o, a[1]);
	case UK_SYS_IRQ_PORT_BIND:
		return port_bind(k, t, a);
	case UK_SYS_IRQ_PORT_UNBIND:
		return port_unbind(k, t, a);
	default:
		return UK_ENOSYS;
	}
}
