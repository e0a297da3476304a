/* SPDX-License-Identifier: MIT */
/*
 * irq_kobj.c: the kernel objects around the pure IRQ machine (irq.h).
 *
 *  - struct irq_state: one per kernel, made on first use: the IRQ host, one
 *    chip per interrupt controller, the lines, and vector -> line routing.
 *  - struct irq_line: one per (controller, pin), never freed: the pin, its
 *    vector and its kernel timer (stall retry, ACK timeout).
 *  - struct irq_sink_obj: what a sink handle names (KOBJ_IRQ_SINK): the sink
 *    and the wait queue its waiters sleep on.
 *
 * Everything runs under the kernel lock, which also serialises the machine's
 * calls per pin. The hot path (interrupt -> raise -> notify -> wake; ACK ->
 * unmask) allocates nothing and logs nothing but trace records.
 */
#include "core/kern.h"
#include "irq/irq_kobj.h"
#include "ipc/ipc_internal.h"
#include "lib/string.h"

#include <ukern/irq_model.h>

#define IRQ_MAX_CTRLS 4
#define IRQ_NVEC (UK_VEC_LAST_DEVICE - UK_VEC_FIRST_DEVICE + 1)
#define IRQ_VIOLATION_TEXT 160
#define IRQ_MAX_LINE_SETTINGS 64
#define IRQ_CTRL_VIRTUAL UINT32_MAX /* irq_line.ctrl of virtual lines */

struct irq_line {
	struct uk_irq_pin pin;
	struct ktimer tm;
	struct uk_kernel *k;
	struct irq_line *next; /* in irq_state.lines */
	unsigned ctrl, vector;
	unsigned cpu;      /* where the controller delivers it */
	unsigned move_cpu; /* an affinity change waiting for the episode's end, or UK_CPU_NONE */
	/* Interrupts that came while the machine slept on a line that may not
	 * wake it (a non-maskable MSI, a message already in flight): kept and
	 * delivered at resume, as Linux's IRQS_PENDING and check_irq_resend. */
	unsigned held;
};

/* A line's own model and behaviour, set by the host before it is made;
 * the host may also say where it goes and whether it may wake. */
struct irq_line_setting {
	enum uk_irq_source src;
	unsigned source;
	const struct uk_irq_model_ops *model;
	const struct uk_irq_behaviour *behaviour;
	unsigned cpu; /* UK_CPU_NONE: the first attaching thread's CPU */
	bool wake;
};

struct irq_state {
	struct uk_irq_host host;
	struct uk_irq_host_ops host_ops; /* filled at run time: no relocated tables */
	struct uk_irq_chip_ops chip_ops;
	struct uk_irq_chip chip[IRQ_MAX_CTRLS];
	bool chip_ready[IRQ_MAX_CTRLS];
	struct irq_line *lines;
	struct irq_line *vec_line[IRQ_NVEC];
	uint32_t next_pin_id, next_sink_id;
	struct irq_line_setting settings[IRQ_MAX_LINE_SETTINGS];
	unsigned nsettings;
	char violation[IRQ_VIOLATION_TEXT]; /* the first one, for the host */
};

/* ---- callbacks from the machine ---- */

static struct uk_kernel *chip_kernel(void *ctx)
{
	return ctx;
}

static void chip_mask(void *ctx, const struct uk_irq_pin *pin, bool masked)
{
	(void)uk_arch_intc_mask(chip_kernel(ctx)->a, pin->chip->id, pin->hwpin, masked);
}

static void chip_eoi(void *ctx, const struct uk_irq_pin *pin)
{
	(void)uk_arch_intc_eoi(chip_kernel(ctx)->a, pin->chip->id, pin->hwpin);
}

/* End of service: the PLIC completion (hw_intc_eoi completes on the PLIC).
 * A PLIC ignores the completion of a source it has disabled; when the
 * kernel's own suspend mask is what disabled it (an ACK that raced the
 * suspend), the source is enabled for the completion and disabled again,
 * as Linux's plic_irq_eoi does (commit 69ea463021be, "irqchip/sifive-plic:
 * Fixup EOI failed when masked"); else the source would stay claimed for
 * good. A model's or behaviour's own mask is left to show what it does. */
static void chip_eos(void *ctx, const struct uk_irq_pin *pin)
{
	struct uk_arch *a = chip_kernel(ctx)->a;
	bool reopen = pin->chip->kind == UK_INTC_PLIC && pin->hw_masked &&
		      (pin->mask & UK_IRQ_MASK_SUSPEND);

	if (reopen)
		(void)uk_arch_intc_mask(a, pin->chip->id, pin->hwpin, false);
	(void)uk_arch_intc_eoi(a, pin->chip->id, pin->hwpin);
	if (reopen)
		(void)uk_arch_intc_mask(a, pin->chip->id, pin->hwpin, true);
}

static int chip_hw_masked(void *ctx, const struct uk_irq_pin *pin)
{
	if (!uk_irq_pin_maskable(pin))
		return -1;
	return uk_arch_intc_masked(chip_kernel(ctx)->a, pin->chip->id, pin->hwpin) ? 1 : 0;
}

static void host_notify(void *ctx, struct uk_irq_sink *sink)
{
	struct irq_sink_obj *s = container_of(sink, struct irq_sink_obj, sink);
	uk_waitq_wake(ctx, &s->waiters, UINT32_MAX, 0);
	if (s->port)
		irq_port_notify(ctx, s);
	if (s->ntfn)
		notification_signal(ctx, s->ntfn, s->ntfn_bits);
}

static void irq_line_settle(struct uk_kernel *k, struct irq_line *l);

static void line_timer(struct uk_kernel *k, struct ktimer *tm, uint64_t now)
{
	struct irq_line *l = container_of(tm, struct irq_line, tm);
	uk_irq_pin_timer(&l->pin, now);
	irq_line_settle(k, l);
}

static void host_arm_timer(void *ctx, struct uk_irq_pin *pin, uint64_t deadline)
{
	struct irq_line *l = container_of(pin, struct irq_line, pin);
	ktimer_set(ctx, &l->tm, deadline); /* UK_IRQ_NEVER cancels */
}

static void host_report(void *ctx, enum uk_irq_report kind, const struct uk_irq_pin *pin,
			const struct uk_irq_sink *sink)
{
	struct uk_kernel *k = ctx;
	(void)pin;
	(void)sink;
	if (kind == UK_IRQ_REPORT_NOBODY_CARED)
		k->stats.irq_nobody_cared++;
	else if (kind == UK_IRQ_REPORT_ACK_TIMEOUT)
		k->stats.irq_ack_timeouts++;
	else if (kind == UK_IRQ_REPORT_DISABLED)
		k->stats.irq_disabled++;
	/* The machine traces the matching UK_IRQ_EV_* event itself. */
}

/* Append `s` to buf at *n (always NUL-terminated, truncating). */
static void text_add(char *buf, size_t len, size_t *n, const char *s)
{
	while (s && *s && *n + 1 < len)
		buf[(*n)++] = *s++;
	buf[*n] = '\0';
}

static void text_num(char *buf, size_t len, size_t *n, uint64_t v)
{
	char d[21];
	int i = 20;
	d[i] = '\0';
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	text_add(buf, len, n, &d[i]);
}

/* A broken invariant is recorded, traced and counted; the run goes on (the
 * scenario layer decides whether that fails it). */
static void host_violation(void *ctx, const struct uk_irq_violation *v)
{
	struct uk_kernel *k = ctx;
	struct irq_state *st = k->irq;
	size_t n = 0;

	k->stats.irq_violations++;
	uk_arch_trace(k->a, UK_TRACE_IRQ_VIOLATION, v->inv, v->pin, v->sink);
	if (!st || st->violation[0])
		return;
	text_add(st->violation, sizeof(st->violation), &n, "I");
	text_num(st->violation, sizeof(st->violation), &n, v->inv);
	text_add(st->violation, sizeof(st->violation), &n, " broken on pin ");
	text_num(st->violation, sizeof(st->violation), &n, v->pin);
	if (v->sink != UINT32_MAX) {
		text_add(st->violation, sizeof(st->violation), &n, " sink ");
		text_num(st->violation, sizeof(st->violation), &n, v->sink);
	}
	text_add(st->violation, sizeof(st->violation), &n, " after ");
	text_add(st->violation, sizeof(st->violation), &n, v->transition);
	text_add(st->violation, sizeof(st->violation), &n, ": ");
	text_add(st->violation, sizeof(st->violation), &n, v->what);
}

static void host_trace(void *ctx, uint16_t kind, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct uk_kernel *k = ctx;
	if (kind == UK_TRACE_IRQ(UK_IRQ_EV_BEGIN))
		k->stats.irq_episodes++;
	uk_arch_trace(k->a, kind, a0, a1, a2);
}

/* ---- the per-kernel state ---- */

struct irq_state *irq_state_get(struct uk_kernel *k)
{
	struct irq_state *st = k->irq;

	if (st)
		return st;
	if (!(st = kalloc(k, sizeof(*st))))
		return NULL;
	st->host_ops.notify = host_notify;
	st->host_ops.arm_timer = host_arm_timer;
	st->host_ops.report = host_report;
	st->host_ops.violation = host_violation;
	st->host_ops.trace = host_trace;
	st->chip_ops.mask = chip_mask;
	st->chip_ops.eoi = chip_eoi;
	st->chip_ops.eos = chip_eos;
	st->chip_ops.hw_masked = chip_hw_masked;
	uk_irq_host_init(&st->host, &st->host_ops, k);
	st->host.model = &k->irq_builtin.model[0]; /* the sequence protocol */
	k->irq = st;
	return st;
}

/* The controller of `kind` (the first one), set up as a chip on first use. */
static int irq_find_ctrl(struct uk_kernel *k, struct irq_state *st, enum uk_intc_kind kind,
			 unsigned *ctrl, unsigned *pins)
{
	struct uk_intc_info info;

	for (unsigned c = 0; c < IRQ_MAX_CTRLS && uk_arch_intc_info(k->a, c, &info) == 0; c++) {
		if (info.kind != kind)
			continue;
		if (!st->chip_ready[c]) {
			uk_irq_chip_init(&st->chip[c], kind, info.strategy, &st->chip_ops, k, c);
			st->chip_ready[c] = true;
		}
		*ctrl = c;
		*pins = info.pins;
		return 0;
	}
	return UK_ENOENT;
}

static struct irq_line *irq_line_find(struct irq_state *st, unsigned ctrl, unsigned hwpin)
{
	for (struct irq_line *l = st->lines; l; l = l->next)
		if (l->ctrl == ctrl && l->pin.hwpin == hwpin)
			return l;
	return NULL;
}

static int irq_vector_alloc(struct irq_state *st)
{
	for (unsigned i = 0; i < IRQ_NVEC; i++)
		if (!st->vec_line[i])
			return (int)(UK_VEC_FIRST_DEVICE + i);
	return UK_ENOMEM;
}

static const struct irq_line_setting *irq_setting_find(const struct irq_state *st,
						     enum uk_irq_source src, unsigned source)
{
	for (unsigned i = 0; i < st->nsettings; i++)
		if (st->settings[i].src == src && st->settings[i].source == source)
			return &st->settings[i];
	return NULL;
}

/* The setting of a line, made (with no model, behaviour, CPU or wake) when
 * there is none; NULL when 64 lines have settings. */
static struct irq_line_setting *irq_setting_get(struct irq_state *st, enum uk_irq_source src,
						unsigned source)
{
	struct irq_line_setting *set = (struct irq_line_setting *)irq_setting_find(st, src, source);

	if (set)
		return set;
	if (st->nsettings == IRQ_MAX_LINE_SETTINGS)
		return NULL;
	set = &st->settings[st->nsettings++];
	*set = (struct irq_line_setting){src, source, NULL, NULL, UK_CPU_NONE, false};
	return set;
}

static enum uk_intc_kind source_kind(enum uk_irq_source src);

static int irq_line_create(struct uk_kernel *k, struct irq_state *st, enum uk_irq_source src,
			   unsigned source, unsigned ctrl, unsigned hwpin, enum uk_trigger trig,
			   enum uk_polarity pol, struct irq_line **out)
{
	const struct irq_line_setting *set = irq_setting_find(st, src, source);
	struct uk_irq_pin_config cfg = {.hwpin = hwpin, .trigger = trig, .polarity = pol,
					.model = set ? set->model : NULL,
					.behaviour = set ? set->behaviour : NULL};
	int vec = irq_vector_alloc(st), rc;
	unsigned cpu = src == UK_IRQ_SRC_PERCPU			 ? uk_arch_cpu_id(k->a)
		       : set && set->cpu != UK_CPU_NONE ? set->cpu
							: uk_arch_cpu_id(k->a);
	struct irq_line *l;

	if (vec < 0)
		return vec;
	if (!(l = kalloc(k, sizeof(*l))))
		return UK_ENOMEM;
	if (set && set->wake)
		cfg.flags |= UK_IRQ_PIN_WAKE;
	/* Route first (the pin stays masked), then let the machine unmask it. */
	rc = uk_arch_intc_route(k->a, ctrl, hwpin, (unsigned)vec, cpu, trig, pol);
	cfg.id = st->next_pin_id;
	if (rc == 0)
		rc = uk_irq_pin_init(&l->pin, &st->host, &st->chip[ctrl], &cfg);
	if (rc < 0) {
		kfree(k, l, sizeof(*l));
		return rc;
	}
	st->next_pin_id++;
	l->k = k;
	l->ctrl = ctrl;
	l->vector = (unsigned)vec;
	l->cpu = cpu;
	l->move_cpu = UK_CPU_NONE;
	l->held = 0;
	ktimer_init(&l->tm, line_timer);
	l->next = st->lines;
	st->lines = l;
	st->vec_line[vec - (int)UK_VEC_FIRST_DEVICE] = l;
	uk_arch_trace(k->a, UK_TRACE_IRQ_ROUTE, l->pin.id, cpu, 2);
	if (k->pm.suspended) /* made while asleep (a host request): asleep too */
		uk_irq_pin_suspend(&l->pin, true, uk_arch_now(k->a));
	*out = l;
	return 0;
}

/* A virtual line (UK_IRQ_SRC_VIRTUAL): a pin with no controller, no vector
 * and no route, raised only by software triggers. Its setting (the host's
 * uk_kernel_irq_set_line, _set_line_wake) applies as to any line. */
static int irq_virtual_create(struct uk_kernel *k, struct irq_state *st, unsigned source,
			      struct irq_line **out)
{
	const struct irq_line_setting *set = irq_setting_find(st, UK_IRQ_SRC_VIRTUAL, source);
	struct uk_irq_pin_config cfg = {.id = st->next_pin_id, .hwpin = source,
					.trigger = UK_TRIGGER_EDGE, .polarity = UK_POLARITY_HIGH,
					.model = set ? set->model : NULL,
					.behaviour = set ? set->behaviour : NULL,
					.flags = set && set->wake ? UK_IRQ_PIN_WAKE : 0};
	struct irq_line *l = kalloc(k, sizeof(*l));
	int rc;

	if (!l)
		return UK_ENOMEM;
	if ((rc = uk_irq_pin_init(&l->pin, &st->host, NULL, &cfg)) < 0) {
		kfree(k, l, sizeof(*l));
		return rc;
	}
	st->next_pin_id++;
	l->k = k;
	l->ctrl = IRQ_CTRL_VIRTUAL;
	l->vector = 0;
	l->cpu = 0;
	l->move_cpu = UK_CPU_NONE; /* never routed */
	l->held = 0;
	ktimer_init(&l->tm, line_timer);
	l->next = st->lines;
	st->lines = l;
	*out = l;
	return 0;
}

/* Reprogram an existing line's trigger and polarity (out of service only). */
static int irq_line_configure(struct uk_kernel *k, struct irq_line *l, enum uk_trigger trig,
		       enum uk_polarity pol)
{
	int rc;

	if (l->pin.trigger == trig && l->pin.polarity == pol)
		return 0;
	if ((rc = uk_irq_pin_configure(&l->pin, trig, pol)) < 0)
		return rc;
	return uk_arch_intc_route(k->a, l->ctrl, l->pin.hwpin, l->vector, l->cpu, trig, pol);
}

/* ---- affinity ---- */

/* Reprogram the controller for `cpu`. The IOAPIC's message already in
 * flight keeps its destination (hwmodel); the next one goes to `cpu`. */
static void irq_line_move(struct uk_kernel *k, struct irq_line *l, unsigned cpu)
{
	l->move_cpu = UK_CPU_NONE;
	if (cpu == l->cpu)
		return;
	if (uk_arch_intc_route(k->a, l->ctrl, l->pin.hwpin, l->vector, cpu, l->pin.trigger,
			       l->pin.polarity) < 0)
		return; /* the controller refused: the line stays where it was */
	l->cpu = cpu;
	k->stats.irq_moves++;
	uk_arch_trace(k->a, UK_TRACE_IRQ_ROUTE, l->pin.id, cpu, 0);
}

/* Linux's irq_set_affinity while the line runs: the change applies from
 * the next interrupt. An episode in service finishes where it is, as the
 * x86 vector code moves an IOAPIC line only at its next interrupt
 * (irq_move_masked_irq, arch/x86/kernel/apic/vector.c); here the move waits
 * for the episode's end (irq_line_settle). */
static int irq_line_set_affinity(struct uk_kernel *k, struct irq_line *l, unsigned cpu)
{
	if (cpu >= k->ncpus || !l->pin.chip || l->pin.chip->kind == UK_INTC_PERCPU)
		return UK_EINVAL; /* a CPU's own line interrupts that CPU only; a
				   * virtual line interrupts nobody */
	if (!l->pin.in_service) {
		irq_line_move(k, l, cpu);
		return 0;
	}
	if (l->move_cpu == UK_CPU_NONE)
		k->stats.irq_moves_deferred++;
	l->move_cpu = cpu;
	uk_arch_trace(k->a, UK_TRACE_IRQ_ROUTE, l->pin.id, cpu, 1);
	return 0;
}

/* After any transition of the line: a deferred move whose episode ended. */
static void irq_line_settle(struct uk_kernel *k, struct irq_line *l)
{
	if (l->move_cpu != UK_CPU_NONE && !l->pin.in_service)
		irq_line_move(k, l, l->move_cpu);
}

void irq_sink_settle(struct uk_kernel *k, struct irq_sink_obj *s)
{
	if (s->line)
		irq_line_settle(k, s->line);
}

int irq_sink_set_affinity(struct uk_kernel *k, struct irq_sink_obj *s, unsigned cpu)
{
	if (!s->line || !s->sink.pin)
		return UK_EINVAL;
	return irq_line_set_affinity(k, s->line, cpu);
}

int irq_sink_set_wake(struct uk_kernel *k, struct irq_sink_obj *s, bool on)
{
	struct uk_irq_pin *pin = s->sink.pin;

	if (!s->line || !pin)
		return UK_EINVAL;
	if (!!(pin->flags & UK_IRQ_PIN_WAKE) != on)
		uk_arch_trace(k->a, UK_TRACE_IRQ_WAKE, pin->id, on, 0);
	uk_irq_pin_set_wake(pin, on);
	return 0;
}

int irq_sink_configure(struct uk_kernel *k, struct irq_sink_obj *s, enum uk_trigger trig,
		       enum uk_polarity pol)
{
	if (!s->line || (s->line->ctrl == IRQ_CTRL_VIRTUAL && trig != UK_TRIGGER_EDGE))
		return UK_EINVAL;
	if (s->line->ctrl == IRQ_CTRL_VIRTUAL)
		return 0; /* a message: no polarity to program */
	return irq_line_configure(k, s->line, trig, pol);
}

/* The controller kind of a source kind; 0 (none) for virtual lines. */
static enum uk_intc_kind source_kind(enum uk_irq_source src)
{
	switch (src) {
	case UK_IRQ_SRC_GSI:
		return UK_INTC_IOAPIC;
	case UK_IRQ_SRC_MSI:
		return UK_INTC_MSI;
	case UK_IRQ_SRC_PLIC:
		return UK_INTC_PLIC;
	case UK_IRQ_SRC_PERCPU:
		return UK_INTC_PERCPU;
	case UK_IRQ_SRC_VIRTUAL:
		break;
	}
	return (enum uk_intc_kind)0;
}

/* Attach a new sink to (kind, source); returns it with one reference. */
int irq_sink_create(struct uk_kernel *k, enum uk_irq_source src, unsigned source,
		    enum uk_trigger trig, enum uk_polarity pol, struct irq_sink_obj **out)
{
	struct irq_state *st = irq_state_get(k);
	struct irq_line *l;
	struct irq_sink_obj *s;
	unsigned ctrl, pins, hwpin = source;
	int rc;

	if (!st)
		return UK_ENOMEM;
	if (src == UK_IRQ_SRC_VIRTUAL) {
		if (source >= UK_IRQ_VIRTUAL_LINES || trig != UK_TRIGGER_EDGE)
			return UK_EINVAL;
		l = irq_line_find(st, IRQ_CTRL_VIRTUAL, source);
		rc = l ? 0 : irq_virtual_create(k, st, source, &l);
	} else {
		if ((rc = irq_find_ctrl(k, st, source_kind(src), &ctrl, &pins)) < 0)
			return rc;
		if ((src == UK_IRQ_SRC_MSI || src == UK_IRQ_SRC_PERCPU) && trig != UK_TRIGGER_EDGE)
			return UK_EINVAL;
		if (src == UK_IRQ_SRC_PERCPU) {
			/* The caller's CPU's instance of local line `source`. */
			unsigned lines = pins / k->ncpus;
			if (source >= lines)
				return UK_EINVAL;
			hwpin = uk_arch_cpu_id(k->a) * lines + source;
		} else if (source >= pins) {
			return UK_EINVAL;
		}
		l = irq_line_find(st, ctrl, hwpin);
		if (l)
			rc = irq_line_configure(k, l, trig, pol);
		else
			rc = irq_line_create(k, st, src, source, ctrl, hwpin, trig, pol, &l);
	}
	if (rc < 0)
		return rc;
	if (!(s = kalloc(k, sizeof(*s))))
		return UK_ENOMEM;
	kobj_init(k, &s->o, KOBJ_IRQ_SINK);
	uk_irq_sink_init(&s->sink, st->next_sink_id);
	if ((rc = uk_irq_sink_attach(&l->pin, &s->sink, uk_arch_now(k->a))) < 0) {
		kobj_discard(k, &s->o, sizeof(*s));
		return rc;
	}
	st->next_sink_id++;
	s->line = l;
	*out = s;
	return 0;
}

/* The last reference went: detach (an owed answer counts as a NAK). */
void irq_sink_free(struct uk_kernel *k, struct irq_sink_obj *s)
{
	irq_port_drop(k, s);
	if (s->sink.pin)
		(void)uk_irq_sink_detach(&s->sink, uk_arch_now(k->a));
	irq_sink_settle(k, s);
	irq_sink_bind(k, s, NULL, 0);
	kfree(k, s, sizeof(*s));
}

/* Its last handle closed while a thread still holds the sink (blocked in a
 * wait or a model call): the model may end it now (Zircon destroys the
 * object: the blocked wait returns CANCELED); the waiters look again. */
void irq_sink_last_handle(struct uk_kernel *k, struct irq_sink_obj *s)
{
	if (s->sink.pin) {
		(void)uk_irq_sink_model_call(&s->sink, UK_IRQ_RIGHTS_ALL, UK_IRQ_CALL_LAST_HANDLE, 0,
					     uk_arch_now(k->a));
		irq_sink_settle(k, s);
	}
	uk_waitq_wake(k, &s->waiters, UINT32_MAX, 0);
}

void irq_sink_bind(struct uk_kernel *k, struct irq_sink_obj *s, struct ipc_ntfn *n, uint32_t bits)
{
	if (s->ntfn)
		kobj_put(k, &s->ntfn->o);
	s->ntfn = bits ? n : NULL;
	s->ntfn_bits = bits;
	if (s->ntfn)
		kobj_get(&s->ntfn->o);
}

/* Blocking wait: poll, sleep until notified, poll again. The waiter holds
 * a reference throughout, so a close of the handle while it sleeps neither
 * frees the sink under it nor detaches it before the waiter is done. */
long irq_sink_wait(struct uk_kernel *k, struct irq_sink_obj *s, uint32_t rights, uint64_t seq)
{
	int64_t r;

	kobj_get(&s->o);
	while ((r = uk_irq_sink_poll(&s->sink, rights, seq)) == UK_EAGAIN) {
		int rc = waitq_block(k, &s->waiters, UK_WAIT_OTHER, s->o.id);
		if (rc < 0) {
			r = rc;
			break;
		}
	}
	kobj_put(k, &s->o); /* may be the last reference: detaches */
	return (long)r;
}

/* The interrupt entry for device vectors (kernel lock held, interrupts
 * off). Returns false when the vector belongs to no line. */
bool irq_interrupt(struct uk_kernel *k, unsigned vector)
{
	struct irq_state *st = k->irq;
	struct irq_line *l;

	if (!st || vector < UK_VEC_FIRST_DEVICE || vector > UK_VEC_LAST_DEVICE)
		return false;
	l = st->vec_line[vector - UK_VEC_FIRST_DEVICE];
	if (!l)
		return false;
	if (l->pin.chip->kind == UK_INTC_PLIC) {
		/* The claim names the source; it may be another line's. */
		int src = uk_arch_intc_claim(k->a, l->ctrl);
		if (src < 0 || !(l = irq_line_find(st, l->ctrl, (unsigned)src))) {
			k->stats.irq_unrouted++;
			return true;
		}
	}
	if (k->pm.suspended) {
		if (!(l->pin.flags & UK_IRQ_PIN_WAKE)) {
			/* Not a wake line: kept for the resume (irq_pm_suspend). */
			l->held++;
			k->stats.irq_held_suspended++;
			return true;
		}
		pm_resume(k, l->pin.id); /* irq_pm_check_wakeup: then deliver it */
	}
	/* A move that waited for an episode ended on a path that did not
	 * settle it (a port, a model's own call): this interrupt came where
	 * the line was; the next one goes where it is asked to be. */
	irq_line_settle(k, l);
	uk_irq_pin_raise(&l->pin, uk_arch_now(k->a));
	irq_line_settle(k, l);
	return true;
}

/* ---- suspend and resume (core/pm.c) ---- */

unsigned irq_wake_lines(struct uk_kernel *k)
{
	unsigned n = 0;

	for (struct irq_line *l = k->irq ? k->irq->lines : NULL; l; l = l->next)
		n += !!(l->pin.flags & UK_IRQ_PIN_WAKE);
	return n;
}

unsigned irq_pm_suspend(struct uk_kernel *k, bool on)
{
	uint64_t now = uk_arch_now(k->a);

	for (struct irq_line *l = k->irq ? k->irq->lines : NULL; l; l = l->next) {
		uk_irq_pin_suspend(&l->pin, on, now);
		/* At resume, what the kernel kept (one raise per interrupt, as
		 * the controller sent them; the machine buffers or coalesces). */
		for (; !on && l->held; l->held--) {
			uk_irq_pin_raise(&l->pin, now);
			irq_line_settle(k, l);
		}
	}
	return irq_wake_lines(k);
}

/* UK_HOST_ROUTE: the line if it is made, else its setting for later. */
int irq_host_route(struct uk_kernel *k, unsigned src, unsigned source, unsigned cpu)
{
	struct irq_state *st = irq_state_get(k);
	struct irq_line_setting *set;
	unsigned ctrl, pins;

	if (!st)
		return UK_ENOMEM;
	if (src < UK_IRQ_SRC_GSI || src > UK_IRQ_SRC_PLIC || cpu >= k->ncpus)
		return UK_EINVAL; /* per-CPU lines stay on their CPU; virtual
				   * lines have none */
	if (irq_find_ctrl(k, st, source_kind((enum uk_irq_source)src), &ctrl, &pins) == 0) {
		struct irq_line *l = irq_line_find(st, ctrl, source);
		if (l)
			return irq_line_set_affinity(k, l, cpu);
	}
	set = irq_setting_get(st, (enum uk_irq_source)src, source);
	if (!set)
		return UK_ENOMEM;
	set->cpu = cpu;
	return 0;
}

/* ---- host side ---- */

int uk_kernel_irq_set_log(struct uk_kernel *k, struct uk_irq_log *log)
{
	struct irq_state *st = irq_state_get(k);
	if (!st)
		return UK_ENOMEM;
	st->host.log = log;
	return 0;
}

int uk_kernel_irq_set_policy(struct uk_kernel *k, uint64_t ack_timeout_ns, bool nak_on_timeout)
{
	struct irq_state *st = irq_state_get(k);
	if (!st)
		return UK_ENOMEM;
	st->host.ack_timeout_ns = ack_timeout_ns;
	st->host.flags = nak_on_timeout ? UK_IRQ_HOST_NAK_ON_TIMEOUT : 0;
	return 0;
}

int uk_kernel_irq_set_model(struct uk_kernel *k, const struct uk_irq_model_ops *model)
{
	struct irq_state *st = irq_state_get(k);
	if (!st)
		return UK_ENOMEM;
	if (!uk_irq_model_valid(model))
		return UK_EINVAL;
	st->host.model = model;
	return 0;
}

int uk_kernel_irq_set_line(struct uk_kernel *k, unsigned src, unsigned source,
			   const struct uk_irq_model_ops *model, const struct uk_irq_behaviour *b)
{
	struct irq_state *st = irq_state_get(k);
	struct irq_line_setting *set;

	if (!st)
		return UK_ENOMEM;
	if (src < UK_IRQ_SRC_GSI || src > UK_IRQ_SRC_PERCPU || (model && !uk_irq_model_valid(model)) ||
	    (b && !uk_irq_behaviour_valid(b)))
		return UK_EINVAL;
	if (!(set = irq_setting_get(st, (enum uk_irq_source)src, source)))
		return UK_ENOMEM;
	set->model = model;
	set->behaviour = b;
	return 0;
}

int uk_kernel_irq_set_line_wake(struct uk_kernel *k, unsigned src, unsigned source, bool on)
{
	struct irq_state *st = irq_state_get(k);
	struct irq_line_setting *set;
	unsigned ctrl, pins;

	if (!st)
		return UK_ENOMEM;
	if (src < UK_IRQ_SRC_GSI || src > UK_IRQ_SRC_PERCPU)
		return UK_EINVAL;
	if (!(set = irq_setting_get(st, (enum uk_irq_source)src, source)))
		return UK_ENOMEM;
	set->wake = on;
	if (irq_find_ctrl(k, st, source_kind((enum uk_irq_source)src), &ctrl, &pins) != 0)
		return 0;
	/* The line made already; every CPU's instance of a per-CPU one (a
	 * per-CPU controller gives each CPU pins / ncpus local inputs). */
	unsigned per_cpu = k->ncpus ? pins / k->ncpus : 0;
	if (src == UK_IRQ_SRC_PERCPU && per_cpu == 0)
		return 0;
	for (struct irq_line *l = st->lines; l; l = l->next) {
		if (l->ctrl != ctrl)
			continue;
		unsigned local = src == UK_IRQ_SRC_PERCPU ? l->pin.hwpin % per_cpu : l->pin.hwpin;
		if (local == source)
			uk_irq_pin_set_wake(&l->pin, on);
	}
	return 0;
}

int uk_kernel_irq_set_model_params(struct uk_kernel *k, const uint64_t *p, unsigned n)
{
	struct irq_state *st = irq_state_get(k);

	if (!st)
		return UK_ENOMEM;
	if (n > 4 || (n && !p))
		return UK_EINVAL;
	for (unsigned i = 0; i < 4; i++)
		st->host.model_param[i] = i < n ? p[i] : 0;
	return 0;
}

uint32_t uk_kernel_irq_pin_liveness(struct uk_kernel *k, uint32_t pin_id)
{
	struct irq_state *st = k->irq;

	for (const struct irq_line *l = st ? st->lines : NULL; l; l = l->next)
		if (l->pin.id == pin_id)
			return l->pin.model->liveness;
	return UK_IRQ_LIVE_ALL;
}

uint64_t uk_kernel_irq_violation(struct uk_kernel *k, char *buf, size_t len)
{
	struct irq_state *st = k->irq;
	size_t n = 0;

	if (buf && len) {
		buf[0] = '\0';
		if (st)
			text_add(buf, len, &n, st->violation);
	}
	return k->stats.irq_violations;
}

/* A model call; with UK_IRQ_CALL_BLOCKING, UK_EAGAIN blocks the caller on
 * the sink's wait queue (woken when its sequence advances or another call
 * is made on it) and the call is made again. A non-blocking call wakes the
 * blocked ones: it may have changed what they wait for (a destroy). */
long irq_sink_model_call(struct uk_kernel *k, struct irq_sink_obj *s, uint32_t rights,
			 unsigned op, uint64_t arg)
{
	long r;

	kobj_get(&s->o);
	for (;;) {
		r = uk_irq_sink_model_call(&s->sink, rights, op, arg, uk_arch_now(k->a));
		if (r != UK_EAGAIN || !(op & UK_IRQ_CALL_BLOCKING))
			break;
		s->call_waiters++;
		int rc = waitq_block(k, &s->waiters, UK_WAIT_OTHER, s->o.id);
		s->call_waiters--;
		if (rc < 0) {
			r = rc;
			break;
		}
	}
	if (!(op & UK_IRQ_CALL_BLOCKING) && s->call_waiters)
		uk_waitq_wake(k, &s->waiters, UINT32_MAX, 0);
	irq_sink_settle(k, s); /* a model's ACK may have ended the episode */
	kobj_put(k, &s->o);
	return r;
}
