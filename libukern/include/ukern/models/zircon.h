/* SPDX-License-Identifier: MIT */
/*
 * models/zircon.h: Zircon's interrupt objects and ports, as user calls on
 * the IRQ objects of ukern/irq_sys.h (the line's model must be "zircon").
 *
 * An interrupt object is a sink handle (zx_interrupt_create is
 * UK_SYS_IRQ_ATTACH, virtual ones take UK_IRQ_SRC_VIRTUAL). Its calls go
 * through UK_SYS_IRQ_MODEL_CALL with the op numbers below; a port is a
 * kernel object of its own (UK_SYS_IRQ_PORT_*). The native driver loop:
 *
 *	port = zx_port_create(u, ZX_PORT_BIND_TO_INTERRUPT);
 *	irq = zx_interrupt_create(u, UK_IRQ_SRC_GSI, 10, ZX_INTERRUPT_MODE_LEVEL_HIGH);
 *	zx_interrupt_bind(u, irq, port, KEY, 0);
 *	for (;;) {
 *		zx_port_wait(u, port, &pkt);          // blocks in the kernel
 *		serve the devices of pkt.key, clear them;
 *		zx_interrupt_ack(u, irq);             // re-arms (unmasks) the line
 *	}
 *
 * or, without a port, zx_interrupt_wait(u, irq, &ts) in a loop: each wait
 * re-arms the line the previous one reported (it is the ACK).
 *
 * Zircon's errors map onto enum uk_err:
 *	ZX_ERR_BAD_STATE      UK_EBUSY   (wait on a port-bound object, ack on an
 *	                                  unbound one, trigger on a hardware one,
 *	                                  bind while a thread waits)
 *	ZX_ERR_CANCELED       UK_ESRCH   (the object was destroyed)
 *	ZX_ERR_ALREADY_BOUND  UK_EEXIST  (bind when bound)
 *	ZX_ERR_NOT_FOUND      UK_ENOENT  (unbind from a port it is not bound to;
 *	                                  destroy after its packet was taken)
 *	ZX_ERR_WRONG_TYPE     UK_EBADH   (a port made without
 *	                                  ZX_PORT_BIND_TO_INTERRUPT, a handle of
 *	                                  another type)
 *	ZX_ERR_INVALID_ARGS   UK_EINVAL  (options, an unknown op)
 *	ZX_ERR_ACCESS_DENIED  UK_EPERM   (the handle lacks the right)
 * plus ENOSYS on a line whose model is not zircon.
 */
#ifndef UKERN_MODELS_ZIRCON_H
#define UKERN_MODELS_ZIRCON_H

#include <stdint.h>

#include <ukern/irq_sys.h>

/* Op numbers of UK_SYS_IRQ_MODEL_CALL on a zircon line. */
enum uk_zx_op {
	/* (0) -> the timestamp of the interrupt (>= 0). With
	 * UK_IRQ_CALL_BLOCKING it blocks until one comes; without, UK_EAGAIN
	 * instead. First re-arms the one it reported last (unmasks a level
	 * line). EBUSY(bound to a port) ESRCH(destroyed). */
	UK_ZX_OP_WAIT = 1,
	/* (0) -> 0: the port packet was handled; re-arm (unmask) the line, and
	 * a pending interrupt queues the next packet. EBUSY(not bound to a
	 * port) ESRCH(destroyed). */
	UK_ZX_OP_ACK = 2,
	/* (0) -> 0: mask the line, unregister; a blocked wait returns ESRCH,
	 * every later call too; a queued packet is taken back. ENOENT(bound,
	 * and its packet was already taken by a port wait: nobody will ACK). */
	UK_ZX_OP_DESTROY = 3,
	/* (timestamp) -> 0: raise a virtual interrupt with that timestamp.
	 * EBUSY(not virtual) ESRCH(destroyed). */
	UK_ZX_OP_TRIGGER = 4,
	/* (options) -> 0: the create options beyond the mode (only
	 * ZX_INTERRUPT_WAKE_VECTOR): zx_interrupt_create passes them once.
	 * EINVAL(other bits) EBUSY(given already). */
	UK_ZX_OP_OPTIONS = 5,
};

/* zx_interrupt_create options. */
#define ZX_INTERRUPT_MODE_DEFAULT 0u
#define ZX_INTERRUPT_MODE_EDGE_LOW (1u << 1)
#define ZX_INTERRUPT_MODE_EDGE_HIGH (2u << 1)
#define ZX_INTERRUPT_MODE_LEVEL_LOW (3u << 1)
#define ZX_INTERRUPT_MODE_LEVEL_HIGH (4u << 1)
#define ZX_INTERRUPT_MODE_MASK 0xeu
#define ZX_INTERRUPT_VIRTUAL 0x10u
#define ZX_INTERRUPT_WAKE_VECTOR 0x20u

/* zx_port_create option. */
#define ZX_PORT_BIND_TO_INTERRUPT 0x1u

/* A port packet (zx_port_packet_t with its interrupt member). */
#define ZX_PKT_TYPE_INTERRUPT 0x8u
typedef struct zx_port_packet {
	uint64_t key;
	uint32_t type;  /* ZX_PKT_TYPE_INTERRUPT */
	int32_t status; /* 0 */
	uint64_t timestamp;
} zx_port_packet_t;

static inline long zx__mode(uint32_t options, enum uk_trigger *t, enum uk_polarity *p)
{
	switch (options & ZX_INTERRUPT_MODE_MASK) {
	case ZX_INTERRUPT_MODE_DEFAULT:
	case ZX_INTERRUPT_MODE_EDGE_HIGH:
		*t = UK_TRIGGER_EDGE, *p = UK_POLARITY_HIGH;
		return 0;
	case ZX_INTERRUPT_MODE_EDGE_LOW:
		*t = UK_TRIGGER_EDGE, *p = UK_POLARITY_LOW;
		return 0;
	case ZX_INTERRUPT_MODE_LEVEL_LOW:
		*t = UK_TRIGGER_LEVEL, *p = UK_POLARITY_LOW;
		return 0;
	case ZX_INTERRUPT_MODE_LEVEL_HIGH:
		*t = UK_TRIGGER_LEVEL, *p = UK_POLARITY_HIGH;
		return 0;
	default:
		return UK_EINVAL;
	}
}

/* zx_interrupt_create(kind, source, options) -> interrupt handle. With
 * ZX_INTERRUPT_VIRTUAL, `kind` and the mode are ignored and `source` names
 * a virtual line (< UK_IRQ_VIRTUAL_LINES). Errors: those of
 * UK_SYS_IRQ_ATTACH, EINVAL(options). The WAKE_VECTOR option is passed in
 * a second call: a failure there destroys the new object. */
static inline long zx_interrupt_create(struct uk_user *u, enum uk_irq_source kind,
				       unsigned source, uint32_t options)
{
	enum uk_trigger t;
	enum uk_polarity p;
	long h;

	if (options & ~(ZX_INTERRUPT_MODE_MASK | ZX_INTERRUPT_VIRTUAL | ZX_INTERRUPT_WAKE_VECTOR))
		return UK_EINVAL;
	if (options & ZX_INTERRUPT_VIRTUAL) {
		kind = UK_IRQ_SRC_VIRTUAL;
		t = UK_TRIGGER_EDGE, p = UK_POLARITY_HIGH;
	} else if (zx__mode(options, &t, &p) < 0) {
		return UK_EINVAL;
	}
	h = uk_irq_attach(u, kind, source, t, p);
	if (h >= 0 && (options & ZX_INTERRUPT_WAKE_VECTOR)) {
		long rc = uk_irq_model_call(u, h, UK_ZX_OP_OPTIONS, ZX_INTERRUPT_WAKE_VECTOR);
		if (rc < 0) {
			uk_syscall6(u, UK_SYS_HANDLE_CLOSE, (uint64_t)h, 0, 0, 0, 0, 0);
			return rc;
		}
	}
	return h;
}

/* zx_interrupt_wait: blocks; *ts gets the timestamp (may be NULL). */
static inline long zx_interrupt_wait(struct uk_user *u, long h, uint64_t *ts)
{
	long r = uk_irq_model_call(u, h, UK_ZX_OP_WAIT | UK_IRQ_CALL_BLOCKING, 0);
	if (r >= 0 && ts)
		*ts = (uint64_t)r;
	return r < 0 ? r : 0;
}
static inline long zx_interrupt_ack(struct uk_user *u, long h)
{
	return uk_irq_model_call(u, h, UK_ZX_OP_ACK, 0);
}
static inline long zx_interrupt_destroy(struct uk_user *u, long h)
{
	return uk_irq_model_call(u, h, UK_ZX_OP_DESTROY, 0);
}
/* zx_interrupt_trigger(h, options = 0, timestamp). EINVAL(options). */
static inline long zx_interrupt_trigger(struct uk_user *u, long h, uint32_t options,
					uint64_t timestamp)
{
	if (options)
		return UK_EINVAL;
	return uk_irq_model_call(u, h, UK_ZX_OP_TRIGGER, timestamp);
}
/* zx_port_create(options) -> port handle. EINVAL(options) ENOMEM. */
static inline long zx_port_create(struct uk_user *u, uint32_t options)
{
	return uk_syscall6(u, UK_SYS_IRQ_PORT_CREATE, options, 0, 0, 0, 0, 0);
}
/* zx_interrupt_bind(h, port, key, options = ZX_INTERRUPT_BIND). */
#define ZX_INTERRUPT_BIND 0u
#define ZX_INTERRUPT_UNBIND 1u
static inline long zx_interrupt_bind(struct uk_user *u, long h, long port, uint64_t key,
				     uint32_t options)
{
	if (options == ZX_INTERRUPT_BIND)
		return uk_syscall6(u, UK_SYS_IRQ_PORT_BIND, (uint64_t)h, (uint64_t)port, key, 0, 0,
				   0);
	if (options == ZX_INTERRUPT_UNBIND)
		return uk_syscall6(u, UK_SYS_IRQ_PORT_UNBIND, (uint64_t)h, (uint64_t)port, 0, 0, 0,
				   0);
	return UK_EINVAL;
}
/* zx_port_wait(port, deadline = infinite, packet): blocks until a packet
 * is queued, and copies it to `pkt_va` in the caller's memory (0: not
 * copied). Returns the packet's key (< 2^62). */
static inline long zx_port_wait(struct uk_user *u, long port, uk_vaddr_t pkt_va)
{
	return uk_syscall6(u, UK_SYS_IRQ_PORT_WAIT, (uint64_t)port, pkt_va, 0, 0, 0, 0);
}

#endif /* UKERN_MODELS_ZIRCON_H */
