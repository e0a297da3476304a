/* SPDX-License-Identifier: MIT */
/*
 * irq_kobj.h: the IRQ kernel objects (irq_kobj.c) as the syscall layer
 * (sys_irq.c) and the core (kernel.c, kobj free) see them.
 */
#ifndef UKERN_IRQ_KOBJ_H
#define UKERN_IRQ_KOBJ_H

#include <ukern/irq.h>
#include <ukern/irq_sys.h>

#include "core/kern.h"

struct irq_line;

/* What a sink handle names. */
struct ipc_ntfn;

struct irq_sink_obj {
	struct kobj o;
	struct uk_irq_sink sink;
	struct uk_waitq waiters;
	struct irq_line *line;
	/* Bound notification: signalled with ntfn_bits whenever the sink's
	 * sequence advances, so a driver can wait on interrupts and requests
	 * together (holds a reference). NULL when unbound. */
	struct ipc_ntfn *ntfn;
	uint32_t ntfn_bits;
	/* Bound port (holds a reference; NULL when unbound), the packet's key,
	 * and its place in the port's queue (one packet per sink at a time). */
	struct irq_port_obj *port;
	uint64_t port_key;
	struct irq_sink_obj *port_next;
	bool port_queued;
	/* Threads blocked in a blocking model call on this sink. */
	uint32_t call_waiters;
};

/* A port (irq_port.c): packets of the sinks bound to it, in order. */
struct irq_port_obj {
	struct kobj o;
	struct uk_waitq waiters;
	struct irq_sink_obj *head, *tail;
	uint32_t options;
};

struct irq_state *irq_state_get(struct uk_kernel *k);
int irq_sink_create(struct uk_kernel *k, enum uk_irq_source src, unsigned source,
		    enum uk_trigger trig, enum uk_polarity pol, struct irq_sink_obj **out);
int irq_sink_configure(struct uk_kernel *k, struct irq_sink_obj *s, enum uk_trigger trig,
		       enum uk_polarity pol);
/* Affinity (UK_SYS_IRQ_SET_AFFINITY) and wake (UK_SYS_IRQ_SET_WAKE) of the
 * sink's line; irq_sink_settle after each transition of the line carries
 * out an affinity change that waited for the episode's end. */
int irq_sink_set_affinity(struct uk_kernel *k, struct irq_sink_obj *s, unsigned cpu);
int irq_sink_set_wake(struct uk_kernel *k, struct irq_sink_obj *s, bool on);
void irq_sink_settle(struct uk_kernel *k, struct irq_sink_obj *s);
long irq_sink_wait(struct uk_kernel *k, struct irq_sink_obj *s, uint32_t rights, uint64_t seq);

/* Bind sink `s` to notification `n` with `bits` (0 unbinds). Replaces an
 * earlier binding. */
void irq_sink_bind(struct uk_kernel *k, struct irq_sink_obj *s, struct ipc_ntfn *n, uint32_t bits);

/* Ports (irq_port.c). */
long irq_port_syscall(struct uk_kernel *k, struct uk_thread *t, unsigned nr, const uint64_t a[6]);
/* The sink's sequence advanced: queue its packet on its port, if bound. */
void irq_port_notify(struct uk_kernel *k, struct irq_sink_obj *s);
/* Unbind without asking the model (the sink is being freed). */
void irq_port_drop(struct uk_kernel *k, struct irq_sink_obj *s);
/* A blocking model call (UK_SYS_IRQ_MODEL_CALL). */
long irq_sink_model_call(struct uk_kernel *k, struct irq_sink_obj *s, uint32_t rights,
			 unsigned op, uint64_t arg);

#endif /* UKERN_IRQ_KOBJ_H */
