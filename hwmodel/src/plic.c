/* SPDX-License-Identifier: MIT */
/*
 * A PLIC-like claim/complete controller, after the RISC-V PLIC
 * specification: sources 1..n with a priority, a gateway per source, and one
 * context per CPU with enable bits and a priority threshold.
 *
 * The gateway forwards one request at a time: after a claim the source is
 * in flight and forwards nothing more until a completion. A completion for
 * a source that is not enabled for the completing context is silently
 * ignored, as the specification allows, so a kernel that masks (disables) a
 * source while it is in service and completes it afterwards leaves the
 * source stuck. A context with a claimable source notifies its CPU by
 * sending the best source's routed vector to that CPU's LAPIC, once per
 * claim.
 */
#include "internal.h"

#include <stdlib.h>

int hw_plic_init(struct hw_machine *m, unsigned n)
{
	m->plic.n = n;
	m->plic.src = calloc(n + 1, sizeof(*m->plic.src));
	m->plic.ctx = calloc(m->ncpus, sizeof(*m->plic.ctx));
	return m->plic.src && m->plic.ctx ? HW_OK : HW_ENOMEM;
}

void hw_plic_fini(struct hw_machine *m)
{
	free(m->plic.src);
	free(m->plic.ctx);
	m->plic.src = NULL;
	m->plic.ctx = NULL;
}

static bool enabled(const struct hw_plic_ctx *c, unsigned src)
{
	return bit_test(c->enable, src);
}

/* The best claimable source of a context, or 0. Ties go to the lowest id. */
static unsigned best(const struct hw_plic *p, unsigned ctx)
{
	const struct hw_plic_ctx *c = &p->ctx[ctx];
	unsigned id = 0;
	uint32_t prio = c->threshold;
	for (unsigned s = 1; s <= p->n; s++) {
		const struct hw_plic_src *x = &p->src[s];
		if (x->pending && enabled(c, s) && x->prio > prio) {
			prio = x->prio;
			id = s;
		}
	}
	return id;
}

static void notify(struct hw_machine *m, uint64_t now)
{
	for (unsigned ctx = 0; ctx < m->ncpus; ctx++) {
		struct hw_plic_ctx *c = &m->plic.ctx[ctx];
		unsigned s = best(&m->plic, ctx);
		if (!s || c->notified)
			continue;
		c->notified = true;
		m->plic.src[s].st.delivered++;
		m->plic.st.delivered++;
		if (m->plic.src[s].vector >= 16)
			hw_lapic_deliver(m, ctx, now, m->plic.src[s].vector, false, HW_SRC_PLIC);
	}
}

/* The gateway: turn the input into a pending request when it may. */
static void gateway(struct hw_machine *m, unsigned s, bool rising, uint64_t now)
{
	struct hw_plic_src *x = &m->plic.src[s];
	if (x->claimed || x->pending)
		return;
	if (!(x->level ? x->input : rising))
		return;
	x->pending = true;
	/* Pending with the source enabled nowhere (masked): the gateway holds
	 * it until an enable, where the IOAPIC would drop an edge. */
	for (unsigned c = 0; c < m->ncpus; c++)
		if (enabled(&m->plic.ctx[c], s))
			return;
	x->st.held++;
	m->plic.st.held++;
	hw_trace(m, now, HW_CPU_NONE, HW_TRACE_HOLD, CTRL_PLIC, s, x->vector);
}

void hw_plic_drive(struct hw_machine *m, unsigned s, uint64_t now)
{
	if (s == 0 || s > m->plic.n)
		return;
	struct hw_plic_src *x = &m->plic.src[s];
	bool in = x->drivers > 0 || x->ext;
	if (in == x->input)
		return;
	x->input = in;
	hw_trace(m, now, HW_CPU_NONE, HW_TRACE_LINE, CTRL_PLIC, s, in);
	if (in && !x->level && (x->claimed || x->pending)) {
		x->st.dropped++; /* an edge the gateway cannot take is lost */
		m->plic.st.dropped++;
		hw_trace(m, now, HW_CPU_NONE, HW_TRACE_DROP, CTRL_PLIC, s, HW_DROP_IN_FLIGHT);
	}
	gateway(m, s, in, now);
	notify(m, now);
}

int hw_plic_claim(struct hw_machine *m, unsigned ctx, uint64_t now)
{
	if (ctx >= m->ncpus)
		return HW_EINVAL;
	unsigned s = best(&m->plic, ctx);
	m->plic.ctx[ctx].notified = false;
	hw_trace(m, now, ctx, HW_TRACE_PLIC_CLAIM, CTRL_PLIC, s, ctx);
	if (!s) {
		notify(m, now);
		return HW_EAGAIN;
	}
	m->plic.src[s].pending = false;
	m->plic.src[s].claimed = true;
	notify(m, now);
	return (int)s;
}

int hw_plic_complete(struct hw_machine *m, unsigned ctx, unsigned s, uint64_t now)
{
	if (ctx >= m->ncpus || s == 0 || s > m->plic.n)
		return HW_EINVAL;
	struct hw_plic_src *x = &m->plic.src[s];
	if (!enabled(&m->plic.ctx[ctx], s)) {
		x->st.ignored++;
		m->plic.st.ignored++;
		hw_trace(m, now, ctx, HW_TRACE_PLIC_IGNORED, CTRL_PLIC, s, ctx);
		return HW_OK; /* silently, as on hardware */
	}
	hw_trace(m, now, ctx, HW_TRACE_PLIC_DONE, CTRL_PLIC, s, ctx);
	x->claimed = false;
	gateway(m, s, false, now); /* a level source still asserted is pending again */
	notify(m, now);
	return HW_OK;
}

int hw_plic_set_priority(struct hw_machine *m, unsigned s, uint32_t prio, uint64_t now)
{
	if (s == 0 || s > m->plic.n || prio > 7)
		return HW_EINVAL;
	m->plic.src[s].prio = prio;
	notify(m, now);
	return HW_OK;
}

int hw_plic_set_enable(struct hw_machine *m, unsigned ctx, unsigned s, bool on, uint64_t now)
{
	if (ctx >= m->ncpus || s == 0 || s > m->plic.n)
		return HW_EINVAL;
	if (on)
		bit_set(m->plic.ctx[ctx].enable, s);
	else
		bit_clear(m->plic.ctx[ctx].enable, s);
	notify(m, now);
	return HW_OK;
}

int hw_plic_set_threshold(struct hw_machine *m, unsigned ctx, uint32_t thr, uint64_t now)
{
	if (ctx >= m->ncpus || thr > 7)
		return HW_EINVAL;
	m->plic.ctx[ctx].threshold = thr;
	notify(m, now);
	return HW_OK;
}

bool hw_plic_pending(const struct hw_machine *m, unsigned s)
{
	return s >= 1 && s <= m->plic.n && m->plic.src[s].pending;
}

int hw_plic_route(struct hw_machine *m, unsigned s, unsigned vector, unsigned cpu,
		  enum hw_trigger trig, uint64_t now)
{
	struct hw_plic_src *x = &m->plic.src[s];
	bool was_on = enabled(&m->plic.ctx[x->cpu], s);
	for (unsigned c = 0; c < m->ncpus; c++)
		bit_clear(m->plic.ctx[c].enable, s);
	x->vector = (uint8_t)vector;
	x->cpu = (uint8_t)cpu;
	x->level = trig == HW_TRIGGER_LEVEL;
	if (x->prio == 0)
		x->prio = 1;
	if (was_on)
		bit_set(m->plic.ctx[cpu].enable, s);
	gateway(m, s, false, now);
	notify(m, now);
	return HW_OK;
}

/* The uniform mask: the source's enable bit in its routed context. */
int hw_plic_mask(struct hw_machine *m, unsigned s, bool on, uint64_t now)
{
	hw_trace(m, now, HW_CPU_NONE, HW_TRACE_MASK, CTRL_PLIC, s, on);
	return hw_plic_set_enable(m, m->plic.src[s].cpu, s, !on, now);
}

bool hw_plic_masked(const struct hw_machine *m, unsigned s)
{
	return !enabled(&m->plic.ctx[m->plic.src[s].cpu], s);
}

/* Power-on: priorities 0, nothing enabled, thresholds 0 (sources masked). */
void hw_plic_reset(struct hw_machine *m, uint64_t now)
{
	for (unsigned s = 0; s <= m->plic.n; s++) {
		struct hw_plic_src *x = &m->plic.src[s];
		x->prio = 0;
		x->pending = x->claimed = false;
		x->vector = 0;
		x->cpu = 0;
		x->st = (struct hw_intc_stats){0};
	}
	for (unsigned c = 0; c < m->ncpus; c++)
		m->plic.ctx[c] = (struct hw_plic_ctx){0};
	m->plic.st = (struct hw_intc_stats){0};
}

/* ---- registers ---- */

uint32_t hw_plic_mmio_read(struct hw_machine *m, uint64_t now, uint64_t off)
{
	struct hw_plic *p = &m->plic;
	if (off < 4ull * (p->n + 1))
		return off < 4 ? 0 : p->src[off / 4].prio;
	if (off >= HW_PLIC_PENDING && off < HW_PLIC_PENDING + 0x80) {
		uint32_t v = 0;
		unsigned first = (unsigned)(off - HW_PLIC_PENDING) * 8;
		for (unsigned b = 0; b < 32; b++)
			if (first + b >= 1 && first + b <= p->n && p->src[first + b].pending)
				v |= 1u << b;
		return v;
	}
	if (off >= HW_PLIC_ENABLE && off < HW_PLIC_ENABLE + 0x80ull * m->ncpus) {
		unsigned ctx = (unsigned)(off - HW_PLIC_ENABLE) / 0x80;
		unsigned word = (unsigned)((off - HW_PLIC_ENABLE) % 0x80) / 4;
		if (word >= 2 * (sizeof(p->ctx[ctx].enable) / 8))
			return 0;
		return (uint32_t)(p->ctx[ctx].enable[word / 2] >> (32 * (word & 1)));
	}
	if (off >= HW_PLIC_CONTEXT && off < HW_PLIC_CONTEXT + 0x1000ull * m->ncpus) {
		unsigned ctx = (unsigned)(off - HW_PLIC_CONTEXT) / 0x1000;
		unsigned reg = (unsigned)(off - HW_PLIC_CONTEXT) % 0x1000;
		if (reg == 0)
			return p->ctx[ctx].threshold;
		if (reg == 4) {
			int s = hw_plic_claim(m, ctx, now);
			return s > 0 ? (uint32_t)s : 0;
		}
	}
	return 0;
}

void hw_plic_mmio_write(struct hw_machine *m, uint64_t now, uint64_t off, uint32_t val)
{
	struct hw_plic *p = &m->plic;
	if (off < 4ull * (p->n + 1)) {
		if (off >= 4)
			hw_plic_set_priority(m, (unsigned)off / 4, val & 7, now);
		return;
	}
	if (off >= HW_PLIC_ENABLE && off < HW_PLIC_ENABLE + 0x80ull * m->ncpus) {
		unsigned ctx = (unsigned)(off - HW_PLIC_ENABLE) / 0x80;
		unsigned first = (unsigned)((off - HW_PLIC_ENABLE) % 0x80) * 8;
		for (unsigned b = 0; b < 32; b++)
			if (first + b >= 1 && first + b <= p->n)
				hw_plic_set_enable(m, ctx, first + b, (val >> b) & 1, now);
		return;
	}
	if (off >= HW_PLIC_CONTEXT && off < HW_PLIC_CONTEXT + 0x1000ull * m->ncpus) {
		unsigned ctx = (unsigned)(off - HW_PLIC_CONTEXT) / 0x1000;
		unsigned reg = (unsigned)(off - HW_PLIC_CONTEXT) % 0x1000;
		if (reg == 0)
			hw_plic_set_threshold(m, ctx, val & 7, now);
		else if (reg == 4)
			hw_plic_complete(m, ctx, val, now);
	}
}
