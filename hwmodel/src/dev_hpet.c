/* SPDX-License-Identifier: MIT */
/*
 * An HPET-like timer block (IA-PC HPET specification 1.0a): a 64-bit main
 * counter at 10 MHz and up to 8 comparators, each routed to an IOAPIC pin
 * chosen from its route capability, level or edge, one-shot or periodic.
 *
 * The quirk kept: a comparator only fires when the counter passes it. A
 * comparator written with a value the counter has already passed fires
 * after the counter wraps: 2^32 ticks (~7 minutes) in 32-bit mode, never
 * in 64-bit mode. That is the lost-timer bug of drivers that program a
 * delta too small to beat the write latency.
 * Not modelled: legacy replacement routing, FSB (MSI) delivery.
 */
#include "internal.h"

#define HPET_MAX_TIMERS 8
#define TN_RO_CAPS ((1u << 4) | (1u << 5)) /* periodic capable, 64-bit capable */
#define TN_RW (HW_HPET_TN_LEVEL | HW_HPET_TN_ENABLE | HW_HPET_TN_PERIODIC | HW_HPET_TN_SETVAL | \
	       HW_HPET_TN_32BIT | (0x1fu << HW_HPET_TN_ROUTE_SHIFT))
#define TICK_NS (HW_HPET_PERIOD_FS / 1000000)

struct hpet_timer {
	struct hw_event ev;
	struct dev_hpet *h;
	unsigned n;
	uint32_t config;
	uint64_t cmp;
	uint64_t period;
	bool wire;
	unsigned wire_pin;
};

struct dev_hpet {
	struct hw_dev dev;
	unsigned ntimers;
	uint32_t route_cap;
	uint64_t config;
	uint64_t isr;
	uint64_t base;       /* counter value at enabled_at (or frozen value) */
	uint64_t enabled_at;
	struct hpet_timer t[HPET_MAX_TIMERS];
};

static struct dev_hpet *hpet_of(struct hw_dev *d)
{
	return (struct dev_hpet *)d;
}

static bool running(const struct dev_hpet *h)
{
	return h->config & HW_HPET_CFG_ENABLE;
}

static uint64_t counter(const struct dev_hpet *h, uint64_t now)
{
	if (!running(h) || now < h->enabled_at)
		return h->base;
	return h->base + (now - h->enabled_at) / TICK_NS;
}

static void set_wire(struct hpet_timer *t, bool on, uint64_t now)
{
	unsigned pin = (t->config >> HW_HPET_TN_ROUTE_SHIFT) & 0x1f;
	if (t->wire && (!on || pin != t->wire_pin)) {
		t->wire = false;
		hw_pin_drive(t->h->dev.m, CTRL_IOAPIC, t->wire_pin, false, now);
	}
	if (on && !t->wire) {
		t->wire = true;
		t->wire_pin = pin;
		hw_pin_drive(t->h->dev.m, CTRL_IOAPIC, pin, true, now);
	}
}

/* Schedule the timer for when the counter reaches its comparator. */
static void arm(struct hpet_timer *t, uint64_t now)
{
	struct dev_hpet *h = t->h;
	struct hw_machine *m = h->dev.m;
	hw_evq_remove(m->evq, &t->ev);
	if (!running(h))
		return;
	uint64_t cnt = counter(h, now);
	uint64_t ticks;
	if (t->config & HW_HPET_TN_32BIT)
		ticks = (uint32_t)((uint32_t)t->cmp - (uint32_t)cnt);
	else
		ticks = t->cmp - cnt;
	if (ticks == 0)
		ticks = (t->config & HW_HPET_TN_32BIT) ? (1ull << 32) : 0;
	if (ticks == 0 || ticks > (HW_TIME_NEVER - now) / TICK_NS / 2)
		return; /* passed in 64-bit mode: never fires */
	/* The tick boundary at which the counter becomes cnt + ticks. */
	uint64_t at = h->enabled_at + (cnt + ticks - h->base) * TICK_NS;
	hw_evq_insert(m->evq, &t->ev, at);
}

static void timer_fire(struct hw_event *ev, uint64_t now)
{
	struct hpet_timer *t = HW_CONTAINER_OF(ev, struct hpet_timer, ev);
	struct dev_hpet *h = t->h;
	hw_trace(h->dev.m, now, HW_CPU_NONE, HW_TRACE_HPET_FIRE, h->dev.index, t->n, t->cmp);
	if (t->config & HW_HPET_TN_ENABLE) {
		if (t->config & HW_HPET_TN_LEVEL) {
			h->isr |= 1ull << t->n;
			set_wire(t, true, now);
		} else {
			set_wire(t, true, now);
			set_wire(t, false, now);
		}
	}
	if ((t->config & HW_HPET_TN_PERIODIC) && t->period) {
		t->cmp += t->period;
		arm(t, now);
	}
}

static uint64_t hpet_read(struct hw_dev *d, uint64_t now, uint64_t off, unsigned size)
{
	struct dev_hpet *h = hpet_of(d);
	uint64_t v = 0;
	uint64_t reg = off & ~7ull;
	if (reg == HW_HPET_CAP)
		v = 1 | ((uint64_t)(h->ntimers - 1) << 8) | (1u << 13) | (0x8086ull << 16) |
		    (HW_HPET_PERIOD_FS << 32);
	else if (reg == HW_HPET_CONFIG)
		v = h->config;
	else if (reg == HW_HPET_ISR)
		v = h->isr;
	else if (reg == HW_HPET_COUNTER)
		v = counter(h, now);
	else if (reg >= HW_HPET_TIMER(0) && reg < HW_HPET_TIMER(h->ntimers)) {
		struct hpet_timer *t = &h->t[(reg - HW_HPET_TIMER(0)) / 0x20];
		unsigned r = (unsigned)(reg - HW_HPET_TIMER(0)) % 0x20;
		if (r == 0)
			v = t->config | TN_RO_CAPS | ((uint64_t)h->route_cap << 32);
		else if (r == 8)
			v = (t->config & HW_HPET_TN_32BIT) ? (uint32_t)t->cmp : t->cmp;
	}
	return size == 4 && (off & 4) ? v >> 32 : (size == 4 ? (uint32_t)v : v);
}

static void timer_config_write(struct dev_hpet *h, struct hpet_timer *t, uint64_t now,
			       uint32_t v)
{
	unsigned pin = (v >> HW_HPET_TN_ROUTE_SHIFT) & 0x1f;
	if (!(h->route_cap & (1u << pin))) /* a route outside the capability is ignored */
		v = (v & ~(0x1fu << HW_HPET_TN_ROUTE_SHIFT)) | (t->config & (0x1fu << HW_HPET_TN_ROUTE_SHIFT));
	t->config = v & TN_RW;
	bool level_on = (t->config & HW_HPET_TN_LEVEL) && (t->config & HW_HPET_TN_ENABLE) &&
			(h->isr & (1ull << t->n));
	set_wire(t, level_on, now);
	arm(t, now);
}

static void cmp_write(struct dev_hpet *h, struct hpet_timer *t, uint64_t now, uint64_t v)
{
	if ((t->config & HW_HPET_TN_PERIODIC) && !(t->config & HW_HPET_TN_SETVAL)) {
		t->period = v; /* the second write of the periodic sequence */
		return;
	}
	if (t->config & HW_HPET_TN_PERIODIC)
		t->period = v - counter(h, now);
	t->config &= ~HW_HPET_TN_SETVAL;
	t->cmp = v;
	arm(t, now);
}

/* A 32-bit access to either half of a 64-bit register merges into it. */
static uint64_t merge(uint64_t old, uint64_t off, unsigned size, uint64_t val)
{
	if (size == 8)
		return val;
	if (off & 4)
		return (old & 0xffffffffull) | ((uint64_t)(uint32_t)val << 32);
	return (old & ~0xffffffffull) | (uint32_t)val;
}

static void hpet_write(struct hw_dev *d, uint64_t now, uint64_t off, unsigned size, uint64_t val)
{
	struct dev_hpet *h = hpet_of(d);
	uint64_t reg = off & ~7ull;
	if (reg == HW_HPET_CONFIG) {
		uint64_t cnt = counter(h, now);
		h->config = merge(h->config, off, size, val) & 3;
		h->base = cnt;
		h->enabled_at = now;
		for (unsigned i = 0; i < h->ntimers; i++)
			arm(&h->t[i], now);
	} else if (reg == HW_HPET_ISR) {
		uint64_t clr = merge(0, off, size, val);
		h->isr &= ~clr;
		for (unsigned i = 0; i < h->ntimers; i++)
			if (clr & (1ull << i))
				set_wire(&h->t[i], false, now);
	} else if (reg == HW_HPET_COUNTER && !running(h)) {
		h->base = merge(h->base, off, size, val); /* writable only while halted */
	} else if (reg >= HW_HPET_TIMER(0) && reg < HW_HPET_TIMER(h->ntimers)) {
		struct hpet_timer *t = &h->t[(reg - HW_HPET_TIMER(0)) / 0x20];
		unsigned r = (unsigned)(reg - HW_HPET_TIMER(0)) % 0x20;
		if (r == 0)
			timer_config_write(h, t, now, (uint32_t)merge(t->config, off, size, val));
		else if (r == 8)
			cmp_write(h, t, now, merge(t->cmp, off, size, val));
	}
}

static void hpet_reset(struct hw_dev *d, uint64_t now, bool spurious)
{
	struct dev_hpet *h = hpet_of(d);
	h->config = 0;
	h->isr = 0;
	h->base = 0;
	h->enabled_at = now;
	for (unsigned i = 0; i < h->ntimers; i++) {
		struct hpet_timer *t = &h->t[i];
		hw_evq_remove(d->m->evq, &t->ev);
		set_wire(t, false, now);
		t->config = (unsigned)__builtin_ctz(h->route_cap) << HW_HPET_TN_ROUTE_SHIFT;
		t->cmp = ~0ull;
		t->period = 0;
	}
}

static int hpet_init(struct hw_dev *d, char *err, size_t errlen)
{
	struct dev_hpet *h = hpet_of(d);
	if (d->desc.pci)
		return hw_errf(err, errlen, HW_EINVAL, "device '%s': the HPET is a platform device",
			       d->name);
	unsigned n = d->desc.hpet_timers ? d->desc.hpet_timers : 3;
	if (n > HPET_MAX_TIMERS)
		return hw_errf(err, errlen, HW_EINVAL, "device '%s': %u timers (at most %d)",
			       d->name, n, HPET_MAX_TIMERS);
	h->route_cap = d->desc.hpet_route_cap ? d->desc.hpet_route_cap : 0x00f00000u;
	if (h->route_cap >> HW_IOAPIC_PINS)
		return hw_errf(err, errlen, HW_EINVAL,
			       "device '%s': route capability 0x%x names a pin out of range (0..23)",
			       d->name, h->route_cap);
	h->ntimers = n;
	for (unsigned i = 0; i < h->ntimers; i++) {
		h->t[i].h = h;
		h->t[i].n = i;
		hw_event_init(&h->t[i].ev, timer_fire);
	}
	hpet_reset(d, 0, false);
	return HW_OK;
}

static void hpet_fini(struct hw_dev *d)
{
	struct dev_hpet *h = hpet_of(d);
	for (unsigned i = 0; i < h->ntimers; i++)
		hw_evq_remove(d->m->evq, &h->t[i].ev);
}

const struct hw_dev_ops hw_dev_hpet_ops = {
	.kind_name = "hpet",
	.size = sizeof(struct dev_hpet),
	.default_size = 0x400,
	.init = hpet_init,
	.fini = hpet_fini,
	.read = hpet_read,
	.write = hpet_write,
	.reset = hpet_reset,
};
