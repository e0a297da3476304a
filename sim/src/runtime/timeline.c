/* SPDX-License-Identifier: MIT */
/*
 * The timeline on the engine's event queue.
 *
 * One event at time 0 (before any CPU runs) places every windowed action:
 * the explorer's chooser picks one of up to SIM_RUNTIME_WINDOW_STEPS evenly
 * spaced places in [earliest, latest] (default: the window's start), so the
 * strategies and replay tokens cover windows like any other choice. An
 * action written `at +T` after a windowed one follows its placement. Then
 * every action gets its own event; equal times fire in file order (the
 * queue breaks ties by insertion).
 *
 * Device actions go to hwmodel (hw_dev_action). Faults hwmodel does not
 * model are kept here: `drop-edge` swallows the device's next raising action
 * (counted as a dropped edge), `delay` postpones its next action. `kill` is
 * carried out by a thread of the victim process (threads.c), since killing
 * takes the kernel lock and an event may fire while a CPU holds it.
 *
 * `route`, `suspend` and `resume` are the platform's requests to the
 * kernel (uk_kernel_host_request): queued, then UK_VEC_HOST is sent to
 * CPU 0's LAPIC, and the kernel acts in that interrupt, under its lock.
 */
#include "rt_int.h"

#include <stdlib.h>

#include <hwmodel/lapic.h>
#include <ukern/irq_sys.h>
#include <ukern/kernel.h>

void rt_pending_push(struct rt_pending *p, uint64_t t)
{
	if (p->tail < p->cap) {
		p->at[p->tail] = t;
		p->t[p->tail++] = t;
	}
}

void rt_pending_serve(struct rt_pending *p, uint64_t now)
{
	while (p->head < p->tail && p->t[p->head] <= now) {
		uint64_t w = now - p->t[p->head];
		p->t[p->head++] = w; /* kept for the report's distribution */
		if (w > p->max)
			p->max = w;
	}
}

bool rt_dev_reports_clears(const struct rt_dev *d)
{
	enum hw_dev_kind k = hw_dev_kind(d->hw);
	return k == HW_DEV_SCRIPT || k == HW_DEV_BLOCK || k == HW_DEV_EDU;
}

/* An assertion is served by the first clear of its device's status that
 * happens after it, whoever reads the status first: an assertion landing
 * between a driver's status read and its write-1-to-clear is served by
 * that write. Every assertion still pending was made before the clear (in
 * the order things happened; a CPU's clock may lag an event's time inside
 * the race window, hence the wait is at least 0). */
void rt_dev_take_clears(struct rt_dev *d)
{
	uint64_t now = hw_dev_take_status_clear(d->hw);
	if (now == HW_TIME_NEVER)
		return;
	if (d->note_clears) {
		if (d->nclear == d->clear_cap) {
			uint32_t cap = d->clear_cap ? 2 * d->clear_cap : 16;
			uint64_t *v = realloc(d->clear_at, cap * sizeof(*v));
			if (v) {
				d->clear_at = v;
				d->clear_cap = cap;
			}
		}
		if (d->nclear < d->clear_cap)
			d->clear_at[d->nclear++] = now;
	}
	struct rt_pending *p = &d->lat_irq;
	while (p->head < p->tail) {
		uint64_t w = now > p->t[p->head] ? now - p->t[p->head] : 0;
		p->t[p->head++] = w;
		if (w > p->max)
			p->max = w;
	}
}

void rt_pending_drop(struct rt_pending *p)
{
	while (p->head < p->tail)
		p->t[p->head++] = RT_PENDING_DROPPED;
}

static uint64_t place(struct sim_engine *e, const struct uks_action *a)
{
	uint64_t span = a->latest - a->earliest;
	unsigned n = SIM_RUNTIME_WINDOW_STEPS;
	if (span < n - 1)
		n = (unsigned)span + 1;
	if (n < 2)
		return a->earliest;
	unsigned k = sim_choose_value_what(e, n, 0, SIM_VALUE_WINDOW);
	return a->earliest + span / (n - 1) * k;
}

static bool raises(enum uks_action_kind k)
{
	return k == UKS_ACT_ASSERT || k == UKS_ACT_PULSE || k == UKS_ACT_COMPLETE ||
	       k == UKS_ACT_SPURIOUS || k == UKS_ACT_RAISE;
}

static bool machine_action(enum uks_action_kind k)
{
	return k == UKS_ACT_SUSPEND || k == UKS_ACT_RESUME;
}

static void host_request(struct sim_rt *rt, const struct uks_action *a, uint64_t now)
{
	enum uk_host_request kind = a->kind == UKS_ACT_SUSPEND  ? UK_HOST_SUSPEND
				    : a->kind == UKS_ACT_RESUME ? UK_HOST_RESUME
								: UK_HOST_ROUTE;
	uint64_t arg = 0;
	if (kind == UK_HOST_ROUTE) {
		const struct uks_device *d = &rt->s->devices[a->target];
		uint64_t src = d->line_kind == UKS_LINE_IOAPIC ? UK_IRQ_SRC_GSI
			       : d->line_kind == UKS_LINE_MSI  ? UK_IRQ_SRC_MSI
							       : UK_IRQ_SRC_PLIC;
		arg = src << 32 | d->line;
	}
	if (uk_kernel_host_request(rt->sm->k, kind, arg, a->cpu) == 0)
		hw_lapic_deliver(rt->sm->hw, 0, now, UK_VEC_HOST, false, HW_SRC_IPI);
	else
		rt->host_refused++;
}

static void device_action(struct sim_rt *rt, const struct uks_action *a, uint64_t now)
{
	if (machine_action(a->kind) || a->kind == UKS_ACT_ROUTE) {
		host_request(rt, a, now);
		return;
	}
	struct rt_dev *d = &rt->dev[a->target];
	struct hw_machine *hw = rt->sm->hw;
	rt_dev_take_clears(d);
	if (raises(a->kind) && d->drop_next) {
		d->drop_next = false;
		d->dropped++;
		rt_count_hit(rt, false, offsetof(struct rt_dev, dropped));
		return;
	}
	switch (a->kind) {
	case UKS_ACT_ROUTE:
	case UKS_ACT_SUSPEND:
	case UKS_ACT_RESUME:
		break;
	case UKS_ACT_COMPLETE:
		if (hw_dev_kind(d->hw) == HW_DEV_EDU) {
			/* An edu's finished factorial or DMA raises only when
			 * it was asked to, and there may be nothing to finish. */
			if (hw_dev_action(hw, d->hw, now, HW_ACT_COMPLETE, 0) == HW_OK &&
			    hw_dev_irq_active(d->hw)) {
				rt_pending_push(&d->lat_irq, now);
				rt_pending_push(&d->lat_handled, now);
			}
			break;
		}
		/* fall through */
	case UKS_ACT_ASSERT:
		rt_pending_push(&d->lat_irq, now);
		rt_pending_push(&d->lat_handled, now);
		hw_dev_action(hw, d->hw, now, a->kind == UKS_ACT_ASSERT ? HW_ACT_ASSERT : HW_ACT_COMPLETE,
			      0);
		break;
	case UKS_ACT_RAISE:
		/* An edu's raise register: served by the first write to its
		 * acknowledge register that clears set bits. */
		rt_pending_push(&d->lat_irq, now);
		rt_pending_push(&d->lat_handled, now);
		hw_dev_action(hw, d->hw, now, HW_ACT_RAISE, a->bits);
		break;
	case UKS_ACT_DEASSERT:
		hw_dev_action(hw, d->hw, now, HW_ACT_DEASSERT, 0);
		break;
	case UKS_ACT_PULSE:
		hw_dev_action(hw, d->hw, now, HW_ACT_PULSE, 0);
		break;
	case UKS_ACT_SPURIOUS:
		/* A glitch the device cannot claim: its status stays clear. */
		d->spurious++;
		rt_count_hit(rt, false, offsetof(struct rt_dev, spurious));
		hw_dev_action(hw, d->hw, now, HW_ACT_PULSE, 0);
		break;
	case UKS_ACT_RESET:
		if (a->spurious) {
			d->spurious++;
			rt_count_hit(rt, false, offsetof(struct rt_dev, spurious));
		}
		/* Whatever was pending is gone with the reset. */
		rt_pending_drop(&d->lat_irq);
		rt_pending_drop(&d->lat_handled);
		hw_dev_action(hw, d->hw, now, HW_ACT_RESET, a->spurious ? 1 : 0);
		break;
	case UKS_ACT_DROP_EDGE:
		d->drop_next = true;
		break;
	case UKS_ACT_DELAY:
		d->delay_next = a->duration;
		break;
	case UKS_ACT_KILL:
		break;
	}
}

static void action_fire(struct hw_event *ev, uint64_t now)
{
	struct rt_action *ra = HW_CONTAINER_OF(ev, struct rt_action, ev);
	struct sim_rt *rt = ra->rt;
	const struct uks_action *a = &rt->s->actions[ra->idx];
	if (a->kind != UKS_ACT_KILL && a->kind != UKS_ACT_DELAY && a->kind != UKS_ACT_DROP_EDGE &&
	    a->kind != UKS_ACT_ROUTE && !machine_action(a->kind)) {
		struct rt_dev *d = &rt->dev[a->target];
		if (d->delay_next) {
			uint64_t late = d->delay_next;
			d->delay_next = 0;
			sim_event_at(rt->sm->e, &ra->ev, now + late);
			return;
		}
	}
	ra->fired = true;
	rt->actions_fired++;
	rt->last_fired_ns = now;
	sim_trace(rt->sm->e, SIM_TR_USER, 0x7100 + a->kind, (uint64_t)(int64_t)a->target, ra->idx);
	device_action(rt, a, now);
}

static void start_fire(struct hw_event *ev, uint64_t now)
{
	struct sim_rt *rt = HW_CONTAINER_OF(ev, struct sim_rt, start_ev);
	const struct uks_scenario *s = rt->s;
	struct sim_engine *e = rt->sm->e;
	(void)now;
	for (size_t i = 0; i < s->nactions; i++) {
		const struct uks_action *a = &s->actions[i];
		struct rt_action *ra = &rt->act[i];
		if (a->time_kind == UKS_AT_WINDOW)
			ra->when = place(e, a);
		else if (a->time_kind == UKS_AT_RELATIVE && a->prev >= 0)
			ra->when = rt->act[a->prev].when + a->offset;
		else
			ra->when = a->earliest;
		if (ra->when > rt->last_action_ns)
			rt->last_action_ns = ra->when;
		if (a->kind != UKS_ACT_KILL)
			sim_event_at(e, &ra->ev, ra->when);
	}
}

int rt_timeline_arm(struct sim_rt *rt)
{
	for (size_t i = 0; i < rt->s->nactions; i++) {
		hw_event_init(&rt->act[i].ev, action_fire);
		rt->act[i].rt = rt;
		rt->act[i].idx = (uint32_t)i;
	}
	hw_event_init(&rt->start_ev, start_fire);
	if (sim_event_at(rt->sm->e, &rt->start_ev, 0) != 0) {
		snprintf(rt->err, sizeof(rt->err), "out of memory for the timeline");
		return -1;
	}
	return 0;
}
