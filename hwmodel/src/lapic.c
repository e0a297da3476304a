/* SPDX-License-Identifier: MIT */
/*
 * The local APIC (Intel SDM vol. 3, chapter 11): interrupt acceptance by
 * priority class, EOI with broadcast to the IOAPICs, the timer and IPIs.
 */
#include "internal.h"

static int highest(const uint64_t bm[4])
{
	for (int w = 3; w >= 0; w--)
		if (bm[w])
			return w * 64 + 63 - __builtin_clzll(bm[w]);
	return HW_VEC_NONE;
}

/* Processor priority: the TPR, or the class of the highest vector in
 * service if that is higher (SDM 11.8.3.1). */
static unsigned ppr(const struct hw_lapic *l)
{
	int isrv = highest(l->isr);
	unsigned isr_class = isrv < 0 ? 0 : (unsigned)isrv >> 4;
	return (l->tpr >> 4) >= isr_class ? l->tpr : isr_class << 4;
}

static struct hw_lapic *lapic_of(const struct hw_machine *m, unsigned cpu)
{
	return &m->cpu[cpu].lapic;
}

int hw_lapic_next_vector(const struct hw_machine *m, unsigned cpu)
{
	if (cpu >= m->ncpus)
		return HW_VEC_NONE;
	const struct hw_lapic *l = lapic_of(m, cpu);
	int v = highest(l->irr);
	if (v < 0 || ((unsigned)v >> 4) <= (ppr(l) >> 4))
		return HW_VEC_NONE;
	return v;
}

static void lapic_error(struct hw_machine *m, struct hw_lapic *l, uint64_t now, uint32_t bits,
			unsigned vector)
{
	l->esr |= bits;
	l->st.illegal++;
	hw_trace(m, now, l->cpu, HW_TRACE_APIC_ERROR, bits, vector, 0);
}

void hw_lapic_deliver(struct hw_machine *m, unsigned cpu, uint64_t now, unsigned vector,
		      bool level, unsigned src)
{
	if (cpu >= m->ncpus || vector > 255)
		return;
	struct hw_lapic *l = lapic_of(m, cpu);
	if (vector < 16) {
		lapic_error(m, l, now, HW_ESR_RECV_ILLEGAL, vector);
		return;
	}
	if (!(l->svr & HW_LAPIC_SVR_ENABLE)) { /* software-disabled: fixed interrupts refused */
		l->st.dropped++;
		hw_trace(m, now, cpu, HW_TRACE_DROP, src, vector, HW_DROP_APIC_OFF);
		return;
	}
	/* TMR follows the trigger of the latest accepted message (SDM 11.8.4). */
	if (level)
		bit_set(l->tmr, vector);
	else
		bit_clear(l->tmr, vector);
	if (bit_test(l->irr, vector)) {
		l->st.coalesced++;
		hw_trace(m, now, cpu, HW_TRACE_IRR_COALESCE, vector, src, 0);
		return;
	}
	bit_set(l->irr, vector);
	l->st.delivered++;
	if ((vector >> 4) <= (ppr(l) >> 4))
		l->st.held++; /* waits for an EOI or a lower TPR */
	hw_trace(m, now, cpu, HW_TRACE_DELIVER, vector, level, src);
	if (hw_lapic_next_vector(m, cpu) >= 0)
		hw_notify_cpu(m, cpu);
}

unsigned hw_lapic_accept(struct hw_machine *m, unsigned cpu, uint64_t now)
{
	if (cpu >= m->ncpus)
		return 0xff;
	struct hw_lapic *l = lapic_of(m, cpu);
	int v = hw_lapic_next_vector(m, cpu);
	if (v < 0) {
		l->st.spurious++;
		hw_trace(m, now, cpu, HW_TRACE_SPURIOUS, l->svr & 0xff, 0, 0);
		return l->svr & 0xff;
	}
	bit_clear(l->irr, (unsigned)v);
	bit_set(l->isr, (unsigned)v);
	l->st.accepted++;
	hw_trace(m, now, cpu, HW_TRACE_ACCEPT, (uint64_t)v, 0, 0);
	return (unsigned)v;
}

int hw_lapic_eoi(struct hw_machine *m, unsigned cpu, uint64_t now)
{
	if (cpu >= m->ncpus)
		return HW_VEC_NONE;
	struct hw_lapic *l = lapic_of(m, cpu);
	int v = highest(l->isr);
	if (v < 0) {
		l->st.eoi_empty++;
		hw_trace(m, now, cpu, HW_TRACE_EOI, 0x100, 0, 0);
		return HW_VEC_NONE;
	}
	bool level = bit_test(l->tmr, (unsigned)v);
	bit_clear(l->isr, (unsigned)v);
	l->st.eoi++;
	hw_trace(m, now, cpu, HW_TRACE_EOI, (uint64_t)v, level, 0);
	if (level && !(l->svr & HW_LAPIC_SVR_NO_EOI_BCAST))
		hw_ioapic_eoi_vector(m, (unsigned)v, now, true);
	/* A lower vector held back by the one in service may now be deliverable. */
	if (hw_lapic_next_vector(m, cpu) >= 0)
		hw_notify_cpu(m, cpu);
	return v;
}

void hw_lapic_set_tpr(struct hw_machine *m, unsigned cpu, uint64_t now, uint8_t tpr)
{
	if (cpu >= m->ncpus)
		return;
	struct hw_lapic *l = lapic_of(m, cpu);
	bool before = hw_lapic_next_vector(m, cpu) >= 0;
	l->tpr = tpr;
	hw_trace(m, now, cpu, HW_TRACE_TPR, tpr, 0, 0);
	if (!before && hw_lapic_next_vector(m, cpu) >= 0)
		hw_notify_cpu(m, cpu);
}

uint8_t hw_lapic_tpr(const struct hw_machine *m, unsigned cpu)
{
	return cpu < m->ncpus ? lapic_of(m, cpu)->tpr : 0;
}

void hw_lapic_set_spurious(struct hw_machine *m, unsigned cpu, uint8_t vector)
{
	if (cpu < m->ncpus)
		lapic_of(m, cpu)->svr = (lapic_of(m, cpu)->svr & ~0xffu) | vector;
}

bool hw_lapic_irr(const struct hw_machine *m, unsigned cpu, unsigned vector)
{
	return cpu < m->ncpus && vector < 256 && bit_test(lapic_of(m, cpu)->irr, vector);
}

bool hw_lapic_isr(const struct hw_machine *m, unsigned cpu, unsigned vector)
{
	return cpu < m->ncpus && vector < 256 && bit_test(lapic_of(m, cpu)->isr, vector);
}

bool hw_lapic_tmr(const struct hw_machine *m, unsigned cpu, unsigned vector)
{
	return cpu < m->ncpus && vector < 256 && bit_test(lapic_of(m, cpu)->tmr, vector);
}

/* ---- IPIs ---- */

int hw_lapic_send_ipi(struct hw_machine *m, unsigned cpu, uint64_t now,
		      enum hw_ipi_dest shorthand, unsigned dest, unsigned vector)
{
	if (cpu >= m->ncpus || vector > 255)
		return HW_EINVAL;
	struct hw_lapic *l = lapic_of(m, cpu);
	if (vector < 16) {
		lapic_error(m, l, now, HW_ESR_SEND_ILLEGAL, vector);
		return HW_EINVAL;
	}
	if (shorthand == HW_IPI_DEST && dest >= m->ncpus)
		return HW_EINVAL;
	if (shorthand > HW_IPI_ALL_BUT_SELF)
		return HW_EINVAL;
	for (unsigned t = 0; t < m->ncpus; t++) {
		bool to = (shorthand == HW_IPI_DEST && t == dest) ||
			  (shorthand == HW_IPI_SELF && t == cpu) || shorthand == HW_IPI_ALL ||
			  (shorthand == HW_IPI_ALL_BUT_SELF && t != cpu);
		if (!to)
			continue;
		l->st.ipis_sent++;
		hw_trace(m, now, cpu, HW_TRACE_IPI, t, vector, shorthand);
		hw_lapic_deliver(m, t, now, vector, false, HW_SRC_IPI);
	}
	return HW_OK;
}

static void icr_write(struct hw_machine *m, struct hw_lapic *l, uint64_t now, uint32_t lo)
{
	unsigned delmode = (lo >> 8) & 7;
	if (delmode != 0) { /* only fixed delivery is modelled */
		hw_trace(m, now, l->cpu, HW_TRACE_DROP, 0, 0, HW_DROP_UNSUPPORTED);
		return;
	}
	hw_lapic_send_ipi(m, l->cpu, now, (enum hw_ipi_dest)((lo >> 18) & 3), l->icr_hi >> 24,
			  lo & 0xff);
}

/* ---- the timer ---- */

static uint64_t tick_ns(const struct hw_lapic *l)
{
	unsigned code = (l->timer_div & 3) | ((l->timer_div >> 1) & 4);
	return code == 7 ? 1 : 2ull << code;
}

static void timer_fire(struct hw_event *ev, uint64_t now)
{
	struct hw_lapic *l = HW_CONTAINER_OF(ev, struct hw_lapic, timer_ev);
	struct hw_machine *m = l->m;
	bool masked = l->lvt_timer & HW_LVT_MASKED;
	l->st.timer_fired++;
	hw_trace(m, now, l->cpu, HW_TRACE_TIMER, l->lvt_timer & 0xff, masked, l->timer_period != 0);
	if (l->timer_period) {
		l->timer_start = now;
		hw_evq_insert(m->evq, &l->timer_ev, now + l->timer_period);
	}
	if (!masked)
		hw_lapic_deliver(m, l->cpu, now, l->lvt_timer & 0xff, false, HW_SRC_TIMER);
}

static int timer_arm(struct hw_machine *m, unsigned cpu, uint64_t now, uint32_t lvt,
		     uint64_t due, uint64_t period)
{
	if (cpu >= m->ncpus || (lvt & 0xff) < 16)
		return HW_EINVAL;
	struct hw_lapic *l = lapic_of(m, cpu);
	l->lvt_timer = lvt;
	l->timer_period = period;
	l->timer_start = now;
	hw_evq_insert(m->evq, &l->timer_ev, due < now ? now : due);
	return HW_OK;
}

int hw_lapic_timer_oneshot(struct hw_machine *m, unsigned cpu, uint64_t now, unsigned vector,
			   uint64_t delay_ns)
{
	if (vector > 255)
		return HW_EINVAL;
	return timer_arm(m, cpu, now, vector | HW_LVT_TIMER_ONESHOT, now + delay_ns, 0);
}

int hw_lapic_timer_periodic(struct hw_machine *m, unsigned cpu, uint64_t now, unsigned vector,
			    uint64_t period_ns)
{
	if (vector > 255 || period_ns == 0)
		return HW_EINVAL;
	return timer_arm(m, cpu, now, vector | HW_LVT_TIMER_PERIODIC, now + period_ns, period_ns);
}

int hw_lapic_timer_deadline(struct hw_machine *m, unsigned cpu, uint64_t now, unsigned vector,
			    uint64_t deadline_ns)
{
	if (vector > 255)
		return HW_EINVAL;
	return timer_arm(m, cpu, now, vector | HW_LVT_TIMER_DEADLINE, deadline_ns, 0);
}

void hw_lapic_timer_stop(struct hw_machine *m, unsigned cpu, uint64_t now)
{
	if (cpu >= m->ncpus)
		return;
	struct hw_lapic *l = lapic_of(m, cpu);
	hw_evq_remove(m->evq, &l->timer_ev);
	l->timer_period = 0;
	l->timer_init = 0;
}

uint64_t hw_lapic_timer_due(const struct hw_machine *m, unsigned cpu)
{
	if (cpu >= m->ncpus || !hw_event_pending(&lapic_of(m, cpu)->timer_ev))
		return HW_TIME_NEVER;
	return lapic_of(m, cpu)->timer_ev.time;
}

/* Writing the initial count starts one-shot or periodic counting; 0 stops. */
static void timer_init_write(struct hw_machine *m, struct hw_lapic *l, uint64_t now, uint32_t v)
{
	l->timer_init = v;
	unsigned mode = (l->lvt_timer >> 17) & 3;
	if (v == 0 || mode == 2) {
		if (v == 0)
			hw_evq_remove(m->evq, &l->timer_ev);
		return;
	}
	uint64_t span = (uint64_t)v * tick_ns(l);
	uint32_t lvt = l->lvt_timer;
	timer_arm(m, l->cpu, now, lvt, now + span, mode == 1 ? span : 0);
	l->timer_init = v;
}

static uint32_t timer_current(const struct hw_machine *m, const struct hw_lapic *l, uint64_t now)
{
	if (!hw_event_pending(&l->timer_ev) || ((l->lvt_timer >> 17) & 3) == 2)
		return 0;
	uint64_t left = l->timer_ev.time > now ? l->timer_ev.time - now : 0;
	return (uint32_t)(left / tick_ns(l));
}

/* ---- registers ---- */

static uint32_t bm_word(const uint64_t bm[4], uint32_t idx)
{
	return (uint32_t)(bm[idx / 2] >> (32 * (idx & 1)));
}

uint32_t hw_lapic_read(struct hw_machine *m, unsigned cpu, uint64_t now, uint32_t off)
{
	if (cpu >= m->ncpus)
		return 0;
	struct hw_lapic *l = lapic_of(m, cpu);
	if (off >= HW_LAPIC_ISR && off < HW_LAPIC_ISR + 0x80)
		return bm_word(l->isr, (off - HW_LAPIC_ISR) >> 4);
	if (off >= HW_LAPIC_TMR && off < HW_LAPIC_TMR + 0x80)
		return bm_word(l->tmr, (off - HW_LAPIC_TMR) >> 4);
	if (off >= HW_LAPIC_IRR && off < HW_LAPIC_IRR + 0x80)
		return bm_word(l->irr, (off - HW_LAPIC_IRR) >> 4);
	switch (off) {
	case HW_LAPIC_ID:
		return cpu << 24;
	case HW_LAPIC_VERSION:
		return 0x14 | (5u << 16) | (1u << 24); /* 6 LVT entries, EOI-broadcast suppression */
	case HW_LAPIC_TPR:
		return l->tpr;
	case HW_LAPIC_PPR:
		return ppr(l);
	case HW_LAPIC_EOI:
		return 0;
	case HW_LAPIC_SVR:
		return l->svr;
	case HW_LAPIC_ESR:
		return l->esr;
	case HW_LAPIC_ICR_LO:
		return 0; /* delivery status: idle, IPIs are sent at once */
	case HW_LAPIC_ICR_HI:
		return l->icr_hi;
	case HW_LAPIC_LVT_TIMER:
		return l->lvt_timer;
	case HW_LAPIC_TIMER_INIT:
		return l->timer_init;
	case HW_LAPIC_TIMER_CUR:
		return timer_current(m, l, now);
	case HW_LAPIC_TIMER_DIV:
		return l->timer_div;
	}
	l->esr |= 1u << 7; /* illegal register address */
	return 0;
}

void hw_lapic_write(struct hw_machine *m, unsigned cpu, uint64_t now, uint32_t off, uint32_t val)
{
	if (cpu >= m->ncpus)
		return;
	struct hw_lapic *l = lapic_of(m, cpu);
	switch (off) {
	case HW_LAPIC_TPR:
		hw_lapic_set_tpr(m, cpu, now, (uint8_t)val);
		return;
	case HW_LAPIC_EOI:
		hw_lapic_eoi(m, cpu, now);
		return;
	case HW_LAPIC_SVR:
		l->svr = val & (0xff | HW_LAPIC_SVR_ENABLE | HW_LAPIC_SVR_NO_EOI_BCAST);
		return;
	case HW_LAPIC_ESR:
		l->esr = 0; /* a write clears the error bits (simplified: no latch step) */
		return;
	case HW_LAPIC_ICR_HI:
		l->icr_hi = val & 0xff000000u;
		return;
	case HW_LAPIC_ICR_LO:
		icr_write(m, l, now, val);
		return;
	case HW_LAPIC_LVT_TIMER:
		l->lvt_timer = val & (0xff | HW_LVT_MASKED | (3u << 17));
		return;
	case HW_LAPIC_TIMER_INIT:
		timer_init_write(m, l, now, val);
		return;
	case HW_LAPIC_TIMER_DIV:
		l->timer_div = val & 0xb;
		return;
	}
	l->esr |= 1u << 7;
}

void hw_lapic_stats(const struct hw_machine *m, unsigned cpu, struct hw_lapic_stats *out)
{
	if (cpu < m->ncpus)
		*out = lapic_of(m, cpu)->st;
	else
		*out = (struct hw_lapic_stats){0};
}

void hw_lapic_init(struct hw_machine *m, unsigned cpu)
{
	struct hw_lapic *l = lapic_of(m, cpu);
	l->m = m;
	l->cpu = cpu;
	hw_event_init(&l->timer_ev, timer_fire);
	hw_lapic_reset(m, cpu);
}

/* Power-on state, except that the LAPIC is software-enabled (firmware did it). */
void hw_lapic_reset(struct hw_machine *m, unsigned cpu)
{
	struct hw_lapic *l = lapic_of(m, cpu);
	hw_evq_remove(m->evq, &l->timer_ev);
	for (int i = 0; i < 4; i++)
		l->irr[i] = l->isr[i] = l->tmr[i] = 0;
	l->tpr = 0;
	l->svr = 0xff | HW_LAPIC_SVR_ENABLE;
	l->esr = 0;
	l->icr_hi = 0;
	l->lvt_timer = HW_LVT_MASKED;
	l->timer_init = 0;
	l->timer_div = 0;
	l->timer_period = 0;
	l->timer_start = 0;
	l->st = (struct hw_lapic_stats){0};
}
