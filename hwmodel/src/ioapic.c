/* SPDX-License-Identifier: MIT */
/*
 * The IOAPIC, after the Intel 82093AA datasheet: 24 pins, each with a
 * redirection entry (vector, delivery mode, destination, polarity, trigger,
 * mask) and the read-only delivery status and remote IRR bits.
 *
 * Behaviour kept from the hardware, because kernels get it wrong:
 *  - Level pins: a delivery sets remote IRR; no further message is sent for
 *    the pin until an EOI for its vector clears it. A line still asserted
 *    then is delivered again. The EOI is matched by vector, so it clears
 *    every level pin programmed with that vector.
 *  - Edge pins: an edge on a masked pin is dropped (counted and traced).
 *    An edge that arrives while a message for the pin is already pending
 *    merges with it.
 *  - The one held edge: a message takes irq_msg_ns to reach the LAPIC
 *    (delivery status "send pending"). An edge pin masked inside that
 *    window keeps its pending message and sends it when unmasked; a level
 *    pin's pending message is withdrawn instead. Only one edge can be held
 *    per pin. With irq_msg_ns = 0 delivery is instant and nothing is held.
 *  - Switching a pin from level to edge clears its remote IRR (what Linux
 *    relies on to unstick IOAPICs that lack an EOI register).
 *  - Polarity is applied to the wire's electrical level: programming the
 *    wrong polarity makes an idle line look asserted, and changing the
 *    polarity of an edge pin can itself produce an edge.
 *  - A message carries the destination the entry had when it was sent: a
 *    redirection entry rewritten while one is in flight (a new affinity)
 *    steers the next message, not that one.
 * Not modelled: logical destination mode (treated as physical), lowest-
 * priority arbitration (treated as fixed), NMI/SMI/INIT/ExtINT delivery
 * (dropped and traced), the APIC bus arbitration ID.
 */
#include "internal.h"

#define RTE_RO (HW_RTE_DELIVS | HW_RTE_REMOTE_IRR)
#define RTE_RW (HW_RTE_VECTOR_MASK | (7ull << HW_RTE_DELMODE_SHIFT) | HW_RTE_DESTMODE | \
		HW_RTE_POLARITY_LOW | HW_RTE_LEVEL | HW_RTE_MASKED | (0xffull << HW_RTE_DEST_SHIFT))

static void pin_send(struct hw_ioapic_pin *p, uint64_t now);
static void pin_eval(struct hw_ioapic_pin *p, uint64_t now);

static bool masked(const struct hw_ioapic_pin *p)
{
	return p->rte & HW_RTE_MASKED;
}

static bool is_level(const struct hw_ioapic_pin *p)
{
	return p->rte & HW_RTE_LEVEL;
}

static unsigned vector_of(const struct hw_ioapic_pin *p)
{
	return (unsigned)(p->rte & HW_RTE_VECTOR_MASK);
}

/* The input as the IOAPIC sees it: the wire's electrical level read through
 * the programmed polarity. */
static bool compute_input(const struct hw_ioapic_pin *p)
{
	bool asserted = p->drivers > 0 || p->ext;
	bool high = asserted != p->wire_active_low;
	return high != !!(p->rte & HW_RTE_POLARITY_LOW);
}

static void set_remote_irr(struct hw_ioapic_pin *p, bool on, uint64_t now)
{
	if (!!(p->rte & HW_RTE_REMOTE_IRR) == on)
		return;
	if (on)
		p->rte |= HW_RTE_REMOTE_IRR;
	else
		p->rte &= ~HW_RTE_REMOTE_IRR;
	hw_trace(p->m, now, HW_CPU_NONE, HW_TRACE_REMOTE_IRR, CTRL_IOAPIC, p->pin, on);
}

static void drop(struct hw_ioapic_pin *p, uint64_t now, unsigned reason)
{
	p->st.dropped++;
	p->m->ioapic.st.dropped++;
	hw_trace(p->m, now, HW_CPU_NONE, HW_TRACE_DROP, CTRL_IOAPIC, p->pin, reason);
}

/* The message reaches the LAPIC (or does not). */
static void pin_arrive(struct hw_ioapic_pin *p, uint64_t now)
{
	struct hw_machine *m = p->m;
	if (masked(p)) { /* only reachable with instant delivery races; keep the edge */
		if (!is_level(p))
			return;
		p->rte &= ~HW_RTE_DELIVS;
		return;
	}
	if (is_level(p) && !p->input) { /* withdrawn before it was posted */
		p->rte &= ~HW_RTE_DELIVS;
		return;
	}
	p->rte &= ~HW_RTE_DELIVS;
	unsigned dest = p->ev_dest;
	unsigned delmode = (unsigned)(p->rte >> HW_RTE_DELMODE_SHIFT) & 7;
	if (delmode > 1) {
		drop(p, now, HW_DROP_UNSUPPORTED);
		return;
	}
	if (dest >= m->ncpus) {
		drop(p, now, HW_DROP_BAD_DEST);
		return;
	}
	if (is_level(p))
		set_remote_irr(p, true, now);
	p->st.delivered++;
	m->ioapic.st.delivered++;
	hw_lapic_deliver(m, dest, now, vector_of(p), is_level(p), HW_SRC_IOAPIC);
	/* An edge that merged while in flight is gone: one message, one IRR bit. */
}

static void pin_fire(struct hw_event *ev, uint64_t now)
{
	pin_arrive(HW_CONTAINER_OF(ev, struct hw_ioapic_pin, ev), now);
}

static void pin_send(struct hw_ioapic_pin *p, uint64_t now)
{
	p->rte |= HW_RTE_DELIVS;
	p->ev_dest = (unsigned)(p->rte >> HW_RTE_DEST_SHIFT);
	hw_trace(p->m, now, HW_CPU_NONE, HW_TRACE_SEND, CTRL_IOAPIC, p->pin, vector_of(p));
	if (p->m->irq_msg_ns == 0)
		pin_arrive(p, now);
	else
		hw_evq_insert(p->m->evq, &p->ev, now + p->m->irq_msg_ns);
}

/* Level pins send whenever asserted, unmasked and not waiting for EOI. */
static void pin_eval(struct hw_ioapic_pin *p, uint64_t now)
{
	if (is_level(p) && p->input && !masked(p) && !(p->rte & (HW_RTE_REMOTE_IRR | HW_RTE_DELIVS)))
		pin_send(p, now);
}

static void pin_edge(struct hw_ioapic_pin *p, uint64_t now)
{
	if (masked(p) && p->latch) {
		/* A controller with a pending bit per line keeps it. */
		p->latched = true;
		p->st.held++;
		p->m->ioapic.st.held++;
		hw_trace(p->m, now, HW_CPU_NONE, HW_TRACE_HOLD, CTRL_IOAPIC, p->pin, vector_of(p));
	} else if (masked(p)) {
		drop(p, now, HW_DROP_MASKED);
	} else if (p->rte & HW_RTE_DELIVS) {
		p->st.coalesced++;
		p->m->ioapic.st.coalesced++;
		hw_trace(p->m, now, HW_CPU_NONE, HW_TRACE_COALESCE, CTRL_IOAPIC, p->pin, vector_of(p));
	} else {
		pin_send(p, now);
	}
}

/* Sample the input again after the wire or the polarity changed. */
static void pin_sample(struct hw_ioapic_pin *p, uint64_t now)
{
	bool in = compute_input(p);
	if (in == p->input)
		return;
	p->input = in;
	hw_trace(p->m, now, HW_CPU_NONE, HW_TRACE_LINE, CTRL_IOAPIC, p->pin, in);
	if (is_level(p))
		pin_eval(p, now);
	else if (in)
		pin_edge(p, now);
}

void hw_ioapic_drive(struct hw_machine *m, unsigned pin, uint64_t now)
{
	if (pin < HW_IOAPIC_PINS)
		pin_sample(&m->ioapic.pin[pin], now);
}

static void on_mask(struct hw_ioapic_pin *p, uint64_t now)
{
	hw_trace(p->m, now, HW_CPU_NONE, HW_TRACE_MASK, CTRL_IOAPIC, p->pin, 1);
	if (!(p->rte & HW_RTE_DELIVS))
		return;
	hw_evq_remove(p->m->evq, &p->ev);
	if (is_level(p)) {
		p->rte &= ~HW_RTE_DELIVS;
		return;
	}
	p->st.held++;
	p->m->ioapic.st.held++;
	hw_trace(p->m, now, HW_CPU_NONE, HW_TRACE_HOLD, CTRL_IOAPIC, p->pin, vector_of(p));
}

static void on_unmask(struct hw_ioapic_pin *p, uint64_t now)
{
	hw_trace(p->m, now, HW_CPU_NONE, HW_TRACE_MASK, CTRL_IOAPIC, p->pin, 0);
	if (!is_level(p) && (p->rte & HW_RTE_DELIVS)) {
		pin_send(p, now); /* the held edge goes out */
	} else if (!is_level(p) && p->latched) {
		p->latched = false;
		pin_send(p, now); /* the latched one too */
	}
}

int hw_ioapic_set_latch(struct hw_machine *m, unsigned pin, bool on)
{
	if (pin >= HW_IOAPIC_PINS)
		return HW_EINVAL;
	m->ioapic.pin[pin].latch = on;
	if (!on)
		m->ioapic.pin[pin].latched = false;
	return 0;
}

int hw_ioapic_set_rte(struct hw_machine *m, unsigned pin, uint64_t rte, uint64_t now)
{
	if (pin >= HW_IOAPIC_PINS)
		return HW_EINVAL;
	struct hw_ioapic_pin *p = &m->ioapic.pin[pin];
	uint64_t old = p->rte;
	p->rte = (rte & RTE_RW) | (old & RTE_RO);
	if ((old & HW_RTE_LEVEL) && !(p->rte & HW_RTE_LEVEL))
		set_remote_irr(p, false, now);
	else if (!(old & HW_RTE_LEVEL) && (p->rte & HW_RTE_LEVEL) && (old & HW_RTE_MASKED))
		p->rte &= ~HW_RTE_DELIVS; /* a held edge: withdrawn, as a level pin's is */
	if (!(old & HW_RTE_MASKED) && masked(p))
		on_mask(p, now);
	else if ((old & HW_RTE_MASKED) && !masked(p))
		on_unmask(p, now);
	pin_sample(p, now);
	pin_eval(p, now);
	return HW_OK;
}

uint64_t hw_ioapic_rte(const struct hw_machine *m, unsigned pin)
{
	return pin < HW_IOAPIC_PINS ? m->ioapic.pin[pin].rte : 0;
}

bool hw_ioapic_remote_irr(const struct hw_machine *m, unsigned pin)
{
	return pin < HW_IOAPIC_PINS && (m->ioapic.pin[pin].rte & HW_RTE_REMOTE_IRR);
}

bool hw_ioapic_input(const struct hw_machine *m, unsigned pin)
{
	return pin < HW_IOAPIC_PINS && m->ioapic.pin[pin].input;
}

int hw_ioapic_route(struct hw_machine *m, unsigned pin, unsigned vector, unsigned cpu,
		    enum hw_trigger trig, enum hw_polarity pol, uint64_t now)
{
	uint64_t rte = vector | ((uint64_t)cpu << HW_RTE_DEST_SHIFT) |
		       (trig == HW_TRIGGER_LEVEL ? HW_RTE_LEVEL : 0) |
		       (pol == HW_POLARITY_LOW ? HW_RTE_POLARITY_LOW : 0) |
		       (m->ioapic.pin[pin].rte & HW_RTE_MASKED);
	return hw_ioapic_set_rte(m, pin, rte, now);
}

int hw_ioapic_mask(struct hw_machine *m, unsigned pin, bool on, uint64_t now)
{
	uint64_t rte = m->ioapic.pin[pin].rte & ~HW_RTE_MASKED;
	return hw_ioapic_set_rte(m, pin, rte | (on ? HW_RTE_MASKED : 0), now);
}

static void eoi_clear(struct hw_ioapic_pin *p, uint64_t now)
{
	set_remote_irr(p, false, now);
	pin_eval(p, now); /* still asserted: delivered again */
}

void hw_ioapic_eoi_vector(struct hw_machine *m, unsigned vector, uint64_t now, bool bcast)
{
	unsigned n = 0;
	for (unsigned i = 0; i < HW_IOAPIC_PINS; i++) {
		struct hw_ioapic_pin *p = &m->ioapic.pin[i];
		if (vector_of(p) == vector && (p->rte & HW_RTE_REMOTE_IRR)) {
			eoi_clear(p, now);
			n++;
		}
	}
	if (bcast)
		hw_trace(m, now, HW_CPU_NONE, HW_TRACE_EOI_BCAST, vector, n, 0);
}

void hw_ioapic_eoi_pin(struct hw_machine *m, unsigned pin, uint64_t now)
{
	if (pin < HW_IOAPIC_PINS && (m->ioapic.pin[pin].rte & HW_RTE_REMOTE_IRR))
		eoi_clear(&m->ioapic.pin[pin], now);
}

/* ---- registers: IOREGSEL at 0x00, IOWIN at 0x10 ---- */

uint32_t hw_ioapic_mmio_read(struct hw_machine *m, uint64_t off)
{
	struct hw_ioapic *io = &m->ioapic;
	if (off == HW_IOAPIC_REGSEL)
		return io->regsel;
	if (off != HW_IOAPIC_WIN)
		return ~0u;
	unsigned r = io->regsel;
	if (r == HW_IOAPIC_REG_ID)
		return io->id << 24;
	if (r == HW_IOAPIC_REG_VER)
		return HW_IOAPIC_VERSION | ((HW_IOAPIC_PINS - 1u) << 16);
	if (r == HW_IOAPIC_REG_ARB)
		return io->id << 24;
	if (r >= HW_IOAPIC_REG_RTE && r < HW_IOAPIC_REG_RTE + 2 * HW_IOAPIC_PINS) {
		uint64_t rte = io->pin[(r - HW_IOAPIC_REG_RTE) / 2].rte;
		return (uint32_t)((r & 1) ? rte >> 32 : rte);
	}
	return 0;
}

void hw_ioapic_mmio_write(struct hw_machine *m, uint64_t now, uint64_t off, uint32_t val)
{
	struct hw_ioapic *io = &m->ioapic;
	if (off == HW_IOAPIC_REGSEL) {
		io->regsel = val & 0xff;
		return;
	}
	if (off != HW_IOAPIC_WIN)
		return;
	unsigned r = io->regsel;
	if (r == HW_IOAPIC_REG_ID) {
		io->id = (val >> 24) & 0xf;
	} else if (r >= HW_IOAPIC_REG_RTE && r < HW_IOAPIC_REG_RTE + 2 * HW_IOAPIC_PINS) {
		unsigned pin = (r - HW_IOAPIC_REG_RTE) / 2;
		uint64_t rte = io->pin[pin].rte;
		if (r & 1)
			rte = (rte & 0xffffffffull) | ((uint64_t)val << 32);
		else
			rte = (rte & ~0xffffffffull) | val;
		hw_ioapic_set_rte(m, pin, rte, now);
	}
}

void hw_ioapic_init(struct hw_machine *m)
{
	for (unsigned i = 0; i < HW_IOAPIC_PINS; i++) {
		struct hw_ioapic_pin *p = &m->ioapic.pin[i];
		p->m = m;
		p->pin = i;
		hw_event_init(&p->ev, pin_fire);
	}
	hw_ioapic_reset(m, 0);
}

/* Power-on: every pin masked, edge, active high, vector 0. */
void hw_ioapic_reset(struct hw_machine *m, uint64_t now)
{
	struct hw_ioapic *io = &m->ioapic;
	io->id = 0;
	io->regsel = 0;
	io->st = (struct hw_intc_stats){0};
	for (unsigned i = 0; i < HW_IOAPIC_PINS; i++) {
		struct hw_ioapic_pin *p = &io->pin[i];
		hw_evq_remove(m->evq, &p->ev);
		p->rte = HW_RTE_MASKED;
		p->latched = false; /* the latch itself is wiring: it stays */
		p->input = compute_input(p);
		p->st = (struct hw_intc_stats){0};
	}
}
