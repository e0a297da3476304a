/* SPDX-License-Identifier: MIT */
/*
 * sys_irq.c: decoding of the IRQ object and device register calls
 * (UK_SYS_IRQ_FIRST .. UK_SYS_IRQ_LAST, ukern/irq_sys.h). Arguments are
 * untrusted: each bad one is a documented error. The operations are in
 * irq_kobj.c and the pure machine (pin.c, sink.c).
 */
#include "core/kern.h"
#include "irq/irq_kobj.h"
#include "ipc/ipc_internal.h"

/* Handle rights -> the machine's rights. */
static uint32_t sink_rights(struct process *p, uint64_t h)
{
	int r = cap_rights(p, h);
	uint32_t out = 0;

	if (r < 0)
		return 0;
	if (r & UK_RIGHT_WAIT)
		out |= UK_IRQ_RIGHT_WAIT;
	if (r & UK_RIGHT_SIGNAL)
		out |= UK_IRQ_RIGHT_SIGNAL;
	return out;
}

static int sink_lookup(struct uk_thread *t, uint64_t h, uint32_t need,
		       struct irq_sink_obj **s, uint32_t *rights)
{
	struct kobj *o;
	int rc = cap_lookup(t->proc, h, KOBJ_IRQ_SINK, need, &o);

	if (rc < 0)
		return rc;
	*s = (struct irq_sink_obj *)o;
	*rights = sink_rights(t->proc, h);
	return 0;
}

static bool trigger_ok(uint64_t v) { return v == UK_TRIGGER_EDGE || v == UK_TRIGGER_LEVEL; }
static bool polarity_ok(uint64_t v) { return v == UK_POLARITY_HIGH || v == UK_POLARITY_LOW; }

static long sys_irq_attach(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct irq_sink_obj *s;
	int rc, h;

	if (a[0] < UK_IRQ_SRC_GSI || a[0] > UK_IRQ_SRC_PERCPU || a[1] > UINT32_MAX ||
	    !trigger_ok(a[2]) || !polarity_ok(a[3]))
		return UK_EINVAL;
	rc = irq_sink_create(k, (enum uk_irq_source)a[0], (unsigned)a[1], (enum uk_trigger)a[2],
			     (enum uk_polarity)a[3], &s);
	if (rc < 0)
		return rc;
	h = cap_install(k, t->proc, &s->o, UK_IRQ_SINK_RIGHTS);
	kobj_put(k, &s->o); /* the handle holds it now, or it is detached and freed */
	return h;
}

static long sys_irq_wait(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct irq_sink_obj *s;
	uint32_t rights;
	int rc = sink_lookup(t, a[0], 0, &s, &rights);
	return rc < 0 ? rc : irq_sink_wait(k, s, rights, a[1]);
}

static long sys_irq_answer(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6], bool ack)
{
	struct irq_sink_obj *s;
	uint32_t rights;
	uint64_t now = uk_arch_now(k->a);
	int rc = sink_lookup(t, a[0], 0, &s, &rights);

	if (rc < 0)
		return rc;
	rc = ack ? uk_irq_sink_ack(&s->sink, rights, a[1], now)
		 : uk_irq_sink_nak(&s->sink, rights, a[1], now);
	irq_sink_settle(k, s);
	return rc;
}

static long sys_irq_kick(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct irq_sink_obj *s;
	uint32_t rights;
	int rc = sink_lookup(t, a[0], 0, &s, &rights);

	if (rc < 0)
		return rc;
	if (a[1] > 1)
		return UK_EINVAL;
	rc = uk_irq_sink_kick(&s->sink, rights, a[1] == 1, uk_arch_now(k->a));
	irq_sink_settle(k, s);
	return rc;
}

static long sys_irq_configure(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct irq_sink_obj *s;
	uint32_t rights;
	int rc = sink_lookup(t, a[0], UK_RIGHT_MANAGE, &s, &rights);

	if (rc < 0)
		return rc;
	if (!trigger_ok(a[1]) || !polarity_ok(a[2]))
		return UK_EINVAL;
	return irq_sink_configure(k, s, (enum uk_trigger)a[1], (enum uk_polarity)a[2]);
}

/* (h, op, arg, ntfn_h). With ntfn_h 0 the call is the model's alone and
 * its result goes back as it is. Otherwise the call is about the sink's
 * notification (ukern/irq_model.h, UK_IRQ_CALL_*): ntfn_h names one
 * (checked before the model sees the call, which then finds
 * UK_IRQ_CALL_NTFN in arg) or is UK_IRQ_NTFN_NONE (UK_IRQ_CALL_ABOUT_NTFN
 * either way), and the model's result
 * says whether the kernel binds the sink to it or drops its binding. */
static long sys_irq_model_call(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct irq_sink_obj *s;
	struct ipc_ntfn *n = NULL;
	uint32_t rights;
	uint64_t arg = a[2];
	long r;
	/* A blocking call is a wait (zx_interrupt_wait needs ZX_RIGHT_WAIT):
	 * the WAIT right, besides the SIGNAL right every call needs. */
	int rc = sink_lookup(t, a[0], (a[1] & UK_IRQ_CALL_BLOCKING) ? UK_RIGHT_WAIT : 0, &s,
			     &rights);

	if (rc < 0)
		return rc;
	/* Kernel-only ops (the ports') and the notification flag bits are
	 * never the caller's to set. */
	if (a[1] > UINT32_MAX || (a[1] & UK_IRQ_CALL_KERNEL) ||
	    (arg & (UK_IRQ_CALL_NTFN | UK_IRQ_CALL_ABOUT_NTFN)))
		return UK_EINVAL;
	if (!a[3])
		return irq_sink_model_call(k, s, rights, (unsigned)a[1], arg);
	/* A call about a notification never sleeps: its handles could be
	 * closed meanwhile, and a wait's result is no binding. */
	if (a[1] & UK_IRQ_CALL_BLOCKING)
		return UK_EINVAL;
	arg |= UK_IRQ_CALL_ABOUT_NTFN;
	if (a[3] != UK_IRQ_NTFN_NONE) {
		/* Binding is a way of waiting (as UK_SYS_NTFN_BIND_IRQ): WAIT. */
		if (!(rights & UK_IRQ_RIGHT_WAIT))
			return UK_EPERM;
		if ((rc = ntfn_lookup(t->proc, a[3], &n)) < 0)
			return rc;
		arg |= UK_IRQ_CALL_NTFN;
	}
	/* Both objects stay alive until the binding is made, whatever the
	 * call did. */
	kobj_get(&s->o);
	if (n)
		kobj_get(&n->o);
	r = irq_sink_model_call(k, s, rights, (unsigned)a[1], arg);
	if (r >= 0 && (r & UK_IRQ_CALL_BIND) && n)
		irq_sink_bind(k, s, n, (uint32_t)(r & UK_IRQ_CALL_BITS));
	else if (r >= 0 && (r & (UK_IRQ_CALL_BIND | UK_IRQ_CALL_UNBIND)))
		irq_sink_bind(k, s, NULL, 0);
	if (n)
		kobj_put(k, &n->o);
	kobj_put(k, &s->o);
	return r < 0 ? r : 0;
}

/* Linux's irq_set_affinity: MANAGE on the handle; the CPU must exist. */
static long sys_irq_set_affinity(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct irq_sink_obj *s;
	uint32_t rights;
	int rc = sink_lookup(t, a[0], UK_RIGHT_MANAGE, &s, &rights);

	if (rc < 0)
		return rc;
	if (a[1] >= k->ncpus)
		return UK_EINVAL;
	return irq_sink_set_affinity(k, s, (unsigned)a[1]);
}

/* Linux's enable_irq_wake / disable_irq_wake: MANAGE on the handle. */
static long sys_irq_set_wake(struct uk_kernel *k, struct uk_thread *t, const uint64_t a[6])
{
	struct irq_sink_obj *s;
	uint32_t rights;
	int rc = sink_lookup(t, a[0], UK_RIGHT_MANAGE, &s, &rights);

	if (rc < 0)
		return rc;
	if (a[1] > 1)
		return UK_EINVAL;
	return irq_sink_set_wake(k, s, a[1] == 1);
}

long irq_syscall(struct uk_kernel *k, struct uk_thread *t, unsigned nr, const uint64_t a[6])
{
	switch (nr) {
	case UK_SYS_IRQ_ATTACH:
		return sys_irq_attach(k, t, a);
	case UK_SYS_IRQ_WAIT:
		return sys_irq_wait(k, t, a);
	case UK_SYS_IRQ_ACK:
		return sys_irq_answer(k, t, a, true);
	case UK_SYS_IRQ_NAK:
		return sys_irq_answer(k, t, a, false);
	case UK_SYS_IRQ_KICK:
		return sys_irq_kick(k, t, a);
	case UK_SYS_IRQ_CONFIGURE:
		return sys_irq_configure(k, t, a);
	case UK_SYS_DEV_READ:
	case UK_SYS_DEV_WRITE:
		/* Retired: they reached any physical address, interrupt
		 * controllers included. Device registers are device memory
		 * objects now (ukern/devmem.h). */
		return UK_EPERM;
	case UK_SYS_IRQ_MODEL_CALL:
		return sys_irq_model_call(k, t, a);
	case UK_SYS_IRQ_PORT_CREATE:
	case UK_SYS_IRQ_PORT_WAIT:
	case UK_SYS_IRQ_PORT_BIND:
	case UK_SYS_IRQ_PORT_UNBIND:
		return irq_port_syscall(k, t, nr, a);
	case UK_SYS_IRQ_SET_AFFINITY:
		return sys_irq_set_affinity(k, t, a);
	case UK_SYS_IRQ_SET_WAKE:
		return sys_irq_set_wake(k, t, a);
	default:
		return UK_ENOSYS;
	}
}
