/* SPDX-License-Identifier: MIT */
/*
 * irq_sys.h: IRQ objects for user programs (drivers); their device registers
 * are device memory (ukern/devmem.h).
 *
 * A driver attaches a *sink* to an interrupt source (an IOAPIC pin = GSI, an
 * MSI source, a PLIC source) and gets a handle with UK_RIGHT_WAIT (wait),
 * UK_RIGHT_SIGNAL (ack, nak, kick), UK_RIGHT_MANAGE (configure) and
 * UK_RIGHT_GRANT (dup). A handle duplicated with fewer rights can do less.
 * Closing the last handle detaches the sink; if it owed an answer that
 * counts as a NAK (docs/irq.md). The driver loop reads:
 *
 *	uint64_t seq = 0;
 *	for (;;) {
 *		seq = uk_irq_wait(u, irq, seq);          // blocks; < 0 is an error
 *		if (my_device_raised(u)) { clear_device(u); uk_irq_ack(u, irq, seq); }
 *		else uk_irq_nak(u, irq, seq);
 *	}
 *
 * Errors are negative enum uk_err values, listed beside each call; every
 * call may also return UK_EKILLED (the caller was killed while it waited).
 */
#ifndef UKERN_IRQ_SYS_H
#define UKERN_IRQ_SYS_H

#include <stdint.h>

#include <ukern/arch.h>
#include <ukern/user.h>

enum uk_irq_sysno {
	/* (source kind, source, trigger, polarity) -> sink handle. A per-CPU
	 * source gives the caller's CPU's instance.
	 * EINVAL(kind, source out of range, trigger, polarity, level on MSI or
	 * a per-CPU line)
	 * ENOENT(the machine has no such controller) EBUSY(the line is in
	 * service with another trigger/polarity; a second sink on a
	 * single-handler model) ENOMEM(objects, vectors, handle slots). */
	UK_SYS_IRQ_ATTACH = 32,
	/* (h, seq) -> the sink's current sequence once newer than seq (blocks
	 * while equal). EBADH EPERM(WAIT) EFUTURE(seq newer than any issued)
	 * EINVAL(the sink is detached and would block forever). */
	UK_SYS_IRQ_WAIT = 33,
	/* (h, seq) -> 0. EBADH EPERM(SIGNAL) EFUTURE ESTALE(older sequence, or
	 * the episode ended without this answer) EALREADY(answered) EINVAL. */
	UK_SYS_IRQ_ACK = 34,
	/* (h, seq) -> 0. As ACK, plus ENOSYS on models without NAK. */
	UK_SYS_IRQ_NAK = 35,
	/* (h, clear) -> 0: end the current episode as handled (and any stall);
	 * clear = 1 also counts as the caller's ACK. EBADH EPERM(SIGNAL)
	 * EINVAL(clear not 0 or 1, detached). */
	UK_SYS_IRQ_KICK = 36,
	/* (h, trigger, polarity) -> 0: reprogram the line. EBADH
	 * EPERM(MANAGE) EINVAL(values, level on MSI) EBUSY(in service). */
	UK_SYS_IRQ_CONFIGURE = 37,
	/* Retired: (pa, size) reached any device register, interrupt
	 * controllers included. Both return UK_EPERM; a driver maps its
	 * device's memory object instead (ukern/devmem.h). */
	UK_SYS_DEV_READ = 38,
	UK_SYS_DEV_WRITE = 39,
	/* (h, op, arg[, ntfn_h]) -> >= 0: a call the line's IRQ model defines
	 * (a separate bind step, a port ...; struct uk_irq_model_ops.call).
	 * ntfn_h 0: the call is the model's alone. Otherwise it is about the
	 * sink's notification: ntfn_h names the notification the call may
	 * bind the sink to (seL4's SetNotification), or is UK_IRQ_NTFN_NONE
	 * (a call that may only unbind, seL4's Clear); such a call returns 0
	 * (UK_IRQ_CALL_* in irq_model.h). EBADH(h; ntfn_h) EPERM(SIGNAL on h
	 * or ntfn_h; WAIT on h for a UK_IRQ_CALL_BLOCKING call or one that
	 * names a notification) EINVAL(detached; bits 62, 63 of arg; UK_IRQ_CALL_BLOCKING
	 * with ntfn_h: such a call never sleeps; or the model's own)
	 * ENOSYS(the model has no such calls). */
	UK_SYS_IRQ_MODEL_CALL = 40,
	/* Ports (Zircon's): a queue of packets from the interrupt objects
	 * bound to it, one packet per object at a time (irq_port.c).
	 * (options) -> port handle (READ|WRITE|GRANT, as Zircon's). EINVAL(options other
	 * than ZX_PORT_BIND_TO_INTERRUPT, 1) ENOMEM. */
	UK_SYS_IRQ_PORT_CREATE = 41,
	/* (port_h, packet_va or 0) -> the key of the first packet (blocks
	 * while none), the packet (struct zx_port_packet, 24 bytes) copied
	 * to packet_va. EBADH EPERM(READ) EFAULT(packet_va; the packet is
	 * consumed all the same). */
	UK_SYS_IRQ_PORT_WAIT = 42,
	/* (irq_h, port_h, key) -> 0: the sink's episodes become packets on
	 * the port; the line's model decides when (UK_IRQ_CALL_PORT_BIND).
	 * EBADH(either; a port made without ZX_PORT_BIND_TO_INTERRUPT)
	 * EPERM(SIGNAL on irq, WRITE on port) EINVAL(key >= 2^62)
	 * ENOSYS(the model has no ports) and the model's errors. */
	UK_SYS_IRQ_PORT_BIND = 43,
	/* (irq_h, port_h) -> 0: unbind, a queued packet is taken back.
	 * EBADH EPERM ENOENT(not bound to this port) and the model's errors. */
	UK_SYS_IRQ_PORT_UNBIND = 44,
	/* (h, cpu) -> 0: deliver the line to `cpu` from its next interrupt on
	 * (Linux's irq_set_affinity). An interrupt in flight, or an episode in
	 * service, finishes where it is: the move waits for the episode's end.
	 * EBADH EPERM(MANAGE) EINVAL(cpu out of range, detached, a per-CPU
	 * line: it interrupts its own CPU only). */
	UK_SYS_IRQ_SET_AFFINITY = 45,
	/* (h, on) -> 0: whether the line may wake a suspended machine (Linux's
	 * enable_irq_wake / disable_irq_wake). EBADH EPERM(MANAGE) EINVAL(on
	 * not 0 or 1, detached). */
	UK_SYS_IRQ_SET_WAKE = 46,
};

/* Model call ops (UK_SYS_IRQ_MODEL_CALL). With UK_IRQ_CALL_BLOCKING, an
 * op the model answers with UK_EAGAIN blocks the caller until the sink's
 * sequence advances or another call on it is made, then is called again
 * (a blocking wait whose rules are the model's). Ops with
 * UK_IRQ_CALL_KERNEL are the kernel's own (users get UK_EINVAL). */
#define UK_IRQ_CALL_BLOCKING (1u << 31)
#define UK_IRQ_CALL_KERNEL (1u << 30)
/* The kernel's: bind (arg: key, | UK_IRQ_CALL_PORT_WAITING when a thread
 * blocks in a call on the sink) -> 0, or 1 when a packet is due at once;
 * unbind -> 0; a port wait takes the packet -> its timestamp, or < 0 when
 * the model takes it back (the packet is dropped). */
#define UK_IRQ_CALL_PORT_BIND (UK_IRQ_CALL_KERNEL | 1u)
#define UK_IRQ_CALL_PORT_UNBIND (UK_IRQ_CALL_KERNEL | 2u)
#define UK_IRQ_CALL_PORT_TAKE (UK_IRQ_CALL_KERNEL | 3u)
/* The kernel's: the last handle of the sink was closed while a thread
 * still holds it (blocked in a call on it), arg 0 -> ignored. Zircon destroys the
 * object then (on_zero_handles): the blocked wait returns CANCELED. A model
 * without such a rule refuses the op and nothing changes: the sink is
 * detached when its last holder lets go. */
#define UK_IRQ_CALL_LAST_HANDLE (UK_IRQ_CALL_KERNEL | 4u)
#define UK_IRQ_CALL_PORT_WAITING (1ull << 63)
#define UK_IRQ_PORT_KEY_MAX ((1ull << 62) - 1)

/* UK_SYS_IRQ_MODEL_CALL's 4th argument for a call about the sink's
 * notification that names none (never a handle). */
#define UK_IRQ_NTFN_NONE 0xffffffffull

/* Source kinds for UK_SYS_IRQ_ATTACH. */
enum uk_irq_source {
	UK_IRQ_SRC_GSI = 1,  /* IOAPIC pin */
	UK_IRQ_SRC_MSI = 2,  /* MSI source (always edge) */
	UK_IRQ_SRC_PLIC = 3, /* PLIC source */
	UK_IRQ_SRC_VIRTUAL = 4, /* a line with no controller: software triggers
				 * only (Zircon's ZX_INTERRUPT_VIRTUAL); source <
				 * UK_IRQ_VIRTUAL_LINES, edge only */
	/* A CPU's own local line N (LAPIC LVT input, GIC PPI; edge only): the
	 * instance of the CPU the attaching thread runs on. Each CPU's
	 * instance is its own line, with its own sinks; affinity is EINVAL. */
	UK_IRQ_SRC_PERCPU = 5,
};
#define UK_IRQ_VIRTUAL_LINES 64u

/* Rights of a fresh sink handle, and of a fresh port handle (READ wait,
 * WRITE bind and unbind, GRANT pass on). */
#define UK_IRQ_SINK_RIGHTS (UK_RIGHT_WAIT | UK_RIGHT_SIGNAL | UK_RIGHT_MANAGE | UK_RIGHT_GRANT)
#define UK_IRQ_PORT_RIGHTS (UK_RIGHT_READ | UK_RIGHT_WRITE | UK_RIGHT_GRANT)

static inline long uk_irq_attach(struct uk_user *u, enum uk_irq_source kind, unsigned source,
				 enum uk_trigger trig, enum uk_polarity pol)
{
	return uk_syscall6(u, UK_SYS_IRQ_ATTACH, (uint64_t)kind, source, (uint64_t)trig,
			   (uint64_t)pol, 0, 0);
}
static inline long uk_irq_attach_gsi(struct uk_user *u, unsigned gsi, enum uk_trigger trig,
				     enum uk_polarity pol)
{
	return uk_irq_attach(u, UK_IRQ_SRC_GSI, gsi, trig, pol);
}
static inline long uk_irq_attach_msi(struct uk_user *u, unsigned source)
{
	return uk_irq_attach(u, UK_IRQ_SRC_MSI, source, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
}
static inline long uk_irq_wait(struct uk_user *u, long h, uint64_t seq)
{
	return uk_syscall6(u, UK_SYS_IRQ_WAIT, (uint64_t)h, seq, 0, 0, 0, 0);
}
static inline long uk_irq_ack(struct uk_user *u, long h, uint64_t seq)
{
	return uk_syscall6(u, UK_SYS_IRQ_ACK, (uint64_t)h, seq, 0, 0, 0, 0);
}
static inline long uk_irq_nak(struct uk_user *u, long h, uint64_t seq)
{
	return uk_syscall6(u, UK_SYS_IRQ_NAK, (uint64_t)h, seq, 0, 0, 0, 0);
}
static inline long uk_irq_kick(struct uk_user *u, long h, bool clear)
{
	return uk_syscall6(u, UK_SYS_IRQ_KICK, (uint64_t)h, clear ? 1 : 0, 0, 0, 0, 0);
}
static inline long uk_irq_configure(struct uk_user *u, long h, enum uk_trigger trig,
				    enum uk_polarity pol)
{
	return uk_syscall6(u, UK_SYS_IRQ_CONFIGURE, (uint64_t)h, (uint64_t)trig, (uint64_t)pol, 0,
			   0, 0);
}
/* A call of the line's IRQ model (UK_SYS_IRQ_MODEL_CALL). */
static inline long uk_irq_model_call(struct uk_user *u, long h, unsigned op, uint64_t arg)
{
	return uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)h, op, arg, 0, 0, 0);
}
static inline long uk_irq_set_affinity(struct uk_user *u, long h, unsigned cpu)
{
	return uk_syscall6(u, UK_SYS_IRQ_SET_AFFINITY, (uint64_t)h, cpu, 0, 0, 0, 0);
}
static inline long uk_irq_set_wake(struct uk_user *u, long h, bool on)
{
	return uk_syscall6(u, UK_SYS_IRQ_SET_WAKE, (uint64_t)h, on ? 1 : 0, 0, 0, 0, 0);
}

#endif /* UKERN_IRQ_SYS_H */
