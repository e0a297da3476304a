/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU local interrupt inputs: each CPU's own lines, as the local APIC's
 * LVT entries (timer, LINT0/1, thermal, performance counters; Intel SDM
 * vol. 3, 11.5.1) or the private peripheral interrupts of an Arm GIC. Every
 * CPU has `lines` of them; pin p is CPU p / lines, line p % lines, and it
 * only ever interrupts its CPU, so routing it to another CPU is refused.
 *
 * Kept from the hardware: an LVT entry's mask bit inhibits the interrupt
 * (the edge is lost, counted and traced); the entry holds a vector and
 * nothing else pending; the EOI is the LAPIC's. Not modelled: level
 * (LINT0/1 can be level with a remote IRR), delivery modes other than
 * fixed, the timer's own counting (a device drives the input).
 */
#include "internal.h"

#include <stdlib.h>

int hw_percpu_init(struct hw_machine *m, unsigned lines)
{
	m->percpu.lines = lines;
	m->percpu.pin = calloc((size_t)m->ncpus * lines, sizeof(*m->percpu.pin));
	if (!m->percpu.pin)
		return HW_ENOMEM;
	hw_percpu_reset(m);
	return HW_OK;
}

void hw_percpu_fini(struct hw_machine *m)
{
	free(m->percpu.pin);
	m->percpu.pin = NULL;
}

/* Power-on: every entry masked, no vector (as the LVT after reset). */
void hw_percpu_reset(struct hw_machine *m)
{
	for (unsigned i = 0; i < m->ncpus * m->percpu.lines; i++) {
		struct hw_percpu_pin *p = &m->percpu.pin[i];
		p->vector = 0;
		p->masked = true;
		p->input = p->drivers > 0 || p->ext;
		p->st = (struct hw_intc_stats){0};
	}
	m->percpu.st = (struct hw_intc_stats){0};
}

static void drop(struct hw_machine *m, struct hw_percpu_pin *p, unsigned pin, uint64_t now,
		 unsigned reason)
{
	p->st.dropped++;
	m->percpu.st.dropped++;
	hw_trace(m, now, HW_CPU_NONE, HW_TRACE_DROP, CTRL_PERCPU, pin, reason);
}

void hw_percpu_drive(struct hw_machine *m, unsigned pin, uint64_t now)
{
	struct hw_percpu_pin *p = &m->percpu.pin[pin];
	bool in = p->drivers > 0 || p->ext;
	if (in == p->input)
		return;
	p->input = in;
	hw_trace(m, now, HW_CPU_NONE, HW_TRACE_LINE, CTRL_PERCPU, pin, in);
	if (!in)
		return;
	if (p->masked || p->vector < HW_VEC_MIN_DEVICE) {
		drop(m, p, pin, now, HW_DROP_MASKED);
		return;
	}
	p->st.delivered++;
	m->percpu.st.delivered++;
	hw_lapic_deliver(m, pin / m->percpu.lines, now, p->vector, false, HW_SRC_LOCAL);
}

int hw_percpu_route(struct hw_machine *m, unsigned pin, unsigned vector, unsigned cpu,
		    enum hw_trigger trig)
{
	if (trig != HW_TRIGGER_EDGE || cpu != pin / m->percpu.lines)
		return HW_EINVAL; /* edge only; a CPU's own line goes to that CPU */
	m->percpu.pin[pin].vector = (uint8_t)vector;
	return HW_OK;
}

int hw_percpu_mask(struct hw_machine *m, unsigned pin, bool on, uint64_t now)
{
	m->percpu.pin[pin].masked = on;
	hw_trace(m, now, HW_CPU_NONE, HW_TRACE_MASK, CTRL_PERCPU, pin, on);
	return HW_OK;
}

unsigned hw_percpu_vector(const struct hw_machine *m, unsigned pin)
{
	return pin < m->ncpus * m->percpu.lines ? m->percpu.pin[pin].vector : 0;
}
