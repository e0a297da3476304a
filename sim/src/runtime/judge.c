/* SPDX-License-Identifier: MIT */
/*
 * After a run: what happened (violations shown, in time order), what the
 * counters and latencies came to, and whether each expectation was met.
 *
 * Per-device counts that only a driver can know (ACKs, NAKs, handled
 * episodes, served assertions) come from the programs' notes; per-line
 * counts (raises, nobody-cared, stalls, timeouts) from the kernel's IRQ
 * event log. The log names lines by the kernel's pin id; the runtime finds
 * a device's pin id from the vector its line is routed to, since the kernel
 * hands out pin ids and vectors in the same order (docs/running.md).
 */
#include "rt_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ukern/irq.h>

static bool pin_mapped(const struct sim_rt *rt, uint32_t pin)
{
	for (size_t i = 0; i < rt->s->ndevices; i++)
		if (rt->dev[i].pin_id == (int)pin)
			return true;
	return false;
}

/* The PLIC keeps its vectors to itself: when exactly one line of the log is
 * still unnamed and exactly one PLIC source is in use, they are the same. */
static void map_leftover_pin(struct sim_rt *rt)
{
	int dev = -1, pin = -1;
	for (size_t i = 0; i < rt->s->ndevices; i++) {
		if (rt->s->devices[i].line_kind != UKS_LINE_PLIC)
			continue;
		if (dev >= 0 && rt->s->devices[dev].line != rt->s->devices[i].line)
			return;
		dev = (int)i;
	}
	for (size_t i = 0; dev >= 0 && i < rt->log.len; i++) {
		uint32_t p = rt->log.ev[i].pin;
		if (rt->log.ev[i].kind != UK_IRQ_EV_ATTACH || pin_mapped(rt, p) || (int)p == pin)
			continue;
		if (pin >= 0)
			return;
		pin = (int)p;
	}
	for (size_t i = 0; pin >= 0 && i < rt->s->ndevices; i++)
		if (rt->s->devices[i].line_kind == UKS_LINE_PLIC)
			rt->dev[i].pin_id = pin;
}

static void find_pin_ids(struct sim_rt *rt)
{
	struct hw_machine *hw = rt->sm->hw;
	for (size_t i = 0; i < rt->s->ndevices; i++) {
		const struct uks_device *d = &rt->s->devices[i];
		unsigned vec = 0;
		if (d->line_kind == UKS_LINE_IOAPIC) {
			vec = (unsigned)(hw_ioapic_rte(hw, d->line) & HW_RTE_VECTOR_MASK);
		} else if (d->line_kind == UKS_LINE_MSI) {
			uint64_t addr;
			uint32_t data;
			bool en;
			if (hw_msi_message(hw, d->line, &addr, &data, &en) == 0)
				vec = data & 0xff;
		}
		rt->dev[i].pin_id = vec >= UK_VEC_FIRST_DEVICE ? (int)(vec - UK_VEC_FIRST_DEVICE) : -1;
	}
	map_leftover_pin(rt);
}

static uint64_t log_count(const struct sim_rt *rt, int pin, uint16_t kind, int end_how)
{
	uint64_t n = 0;
	for (size_t i = 0; i < rt->log.len; i++) {
		const struct uk_irq_event *ev = &rt->log.ev[i];
		if (ev->kind != kind || (pin >= 0 && (int)ev->pin != pin))
			continue;
		if (end_how >= 0 && (int)ev->arg != end_how)
			continue;
		n++;
	}
	return n;
}

static uint64_t pin_count(const struct sim_rt *rt, int dev, uint16_t kind, int end_how)
{
	if (dev < 0)
		return log_count(rt, -1, kind, end_how);
	if (rt->dev[dev].pin_id < 0)
		return 0;
	return log_count(rt, rt->dev[dev].pin_id, kind, end_how);
}

static uint64_t dev_sum(const struct sim_rt *rt, int dev, size_t off)
{
	uint64_t n = 0;
	for (size_t i = 0; i < rt->s->ndevices; i++)
		if (dev < 0 || (int)i == dev)
			n += *(const uint64_t *)((const char *)&rt->dev[i] + off);
	return n;
}

static uint64_t proc_sum(const struct sim_rt *rt, int p, size_t off)
{
	uint64_t n = 0;
	for (size_t i = 0; i < rt->s->nprocesses; i++)
		if (p < 0 || (int)i == p)
			n += *(const uint64_t *)((const char *)&rt->proc[i] + off);
	return n;
}

#define DEV(f) dev_sum(rt, ref, offsetof(struct rt_dev, f))
#define PROC(f) proc_sum(rt, ref, offsetof(struct rt_proc, f))

static uint64_t counter(const struct sim_rt *rt, const char *n, int ref,
			const struct uk_kernel_stats *st)
{
	if (!strcmp(n, "nobody-cared"))
		return pin_count(rt, ref, UK_IRQ_EV_NOBODY, -1);
	if (!strcmp(n, "handled"))
		return DEV(handled);
	if (!strcmp(n, "raised"))
		return pin_count(rt, ref, UK_IRQ_EV_RAISE, -1);
	if (!strcmp(n, "acks"))
		return DEV(acks);
	if (!strcmp(n, "naks"))
		return DEV(naks);
	if (!strcmp(n, "timeouts"))
		return pin_count(rt, ref, UK_IRQ_EV_TIMEOUT, -1);
	if (!strcmp(n, "stalls"))
		return pin_count(rt, ref, UK_IRQ_EV_STALL, -1);
	if (!strcmp(n, "disabled"))
		return pin_count(rt, ref, UK_IRQ_EV_DISABLE, -1);
	if (!strcmp(n, "dropped-edges"))
		return DEV(dropped);
	if (!strcmp(n, "lost-edges"))
		return DEV(dropped);
	if (!strcmp(n, "spurious"))
		return DEV(spurious);
	if (!strcmp(n, "rejected"))
		return PROC(rejected);
	if (!strcmp(n, "faults"))
		return PROC(faults);
	if (!strcmp(n, "budget-overruns"))
		return ref < 0 ? st->nopreempt_overruns : PROC(overruns);
	if (!strcmp(n, "exits"))
		return PROC(exits);
	if (!strcmp(n, "ipis"))
		return st->ipis_sent;
	if (!strcmp(n, "switches"))
		return st->switches;
	if (!strcmp(n, "tlb-shootdowns"))
		return st->tlb_shootdowns;
	if (!strcmp(n, "page-walks"))
		return rt_stat_walks(st);
	if (!strcmp(n, "copies")) {
		uint64_t c = 0;
		for (size_t i = 0; i < rt->s->nendpoints; i++)
			if (ref < 0 || (int)i == ref)
				c += rt->ep[i].copied;
		return c;
	}
	return 0;
}

/* A latency: the longest wait served, or `never` when one was not served. */
static uint64_t latency(const struct sim_rt *rt, const char *n, int ref, bool *never)
{
	*never = false;
	if (!strcmp(n, "irq") || !strcmp(n, "handled")) {
		const struct rt_pending *p = !strcmp(n, "irq") ? &rt->dev[ref].lat_irq
							      : &rt->dev[ref].lat_handled;
		*never = p->head < p->tail;
		return p->max;
	}
	if (!strcmp(n, "ipc"))
		return rt->ep[ref].ipc_max;
	if (!strcmp(n, "wakeup"))
		return rt->proc[ref].wakeup_max;
	if (!strcmp(n, "nopreempt")) {
		uint64_t m = 0;
		for (size_t i = 0; i < rt->s->nprocesses; i++)
			if ((ref < 0 || (int)i == ref) && rt->proc[i].nopreempt_max > m)
				m = rt->proc[i].nopreempt_max;
		return m;
	}
	return 0;
}

static bool compare(uint64_t v, enum uks_cmp c, uint64_t want)
{
	switch (c) {
	case UKS_CMP_EQ: return v == want;
	case UKS_CMP_NE: return v != want;
	case UKS_CMP_LT: return v < want;
	case UKS_CMP_LE: return v <= want;
	case UKS_CMP_GT: return v > want;
	case UKS_CMP_GE: return v >= want;
	}
	return false;
}

static bool shown(const struct sim_run_report *out, const char *id)
{
	for (size_t i = 0; i < out->nviolations; i++)
		if (!strcmp(out->violations[i].id, id))
			return true;
	return false;
}

static void judge_expect(const struct sim_rt *rt, const struct uk_kernel_stats *st,
			 struct sim_run_report *out, size_t i)
{
	const struct uks_expect *x = &rt->s->expects[i];
	struct sim_expect_verdict *v = &out->expects[i];
	v->e = x;
	rt_expect_text(x, v->text, sizeof(v->text));
	switch (x->kind) {
	case UKS_EXPECT_COUNT:
		v->observed = counter(rt, x->name, x->ref, st);
		v->met = compare(v->observed, x->cmp, x->value);
		break;
	case UKS_EXPECT_LATENCY:
		v->observed = latency(rt, x->name, x->ref, &v->never);
		v->met = !v->never && compare(v->observed, x->cmp, x->value);
		break;
	case UKS_EXPECT_NO_DEADLOCK:
		v->met = !shown(out, "deadlock");
		break;
	case UKS_EXPECT_VIOLATION:
		v->met = shown(out, x->name);
		break;
	}
}

void rt_judge(struct sim_rt *rt, enum sim_result res, struct sim_run_report *out)
{
	struct sim_engine *e = rt->sm->e;
	struct uk_kernel_stats st;
	uk_kernel_get_stats(rt->sm->k, &st);
	for (size_t i = 0; i < rt->s->ndevices; i++)
		if (rt->dev[i].hw)
			rt_dev_take_clears(&rt->dev[i]);
	find_pin_ids(rt);
	out->result = rt_classify(rt, res);
	snprintf(out->message, sizeof(out->message), "%s", e->message);
	rt_collect_violations(rt, out);
	out->nexpects = rt->s->nexpects;
	out->expects = calloc(out->nexpects ? out->nexpects : 1, sizeof(*out->expects));
	out->all_met = out->expects != NULL && out->result != SIM_ERROR;
	for (size_t i = 0; out->expects && i < out->nexpects; i++) {
		judge_expect(rt, &st, out, i);
		out->all_met &= out->expects[i].met;
	}
	/* With `invariants on`, an invariant or liveness property broken that
	 * the scenario does not expect fails the run like an expectation; so
	 * does, always, a driver the kernel refused to attach. */
	for (size_t i = 0; i < out->nviolations; i++) {
		const char *id = out->violations[i].id;
		if (rt_expected(rt->s, id))
			continue;
		if (((id[0] == 'I' || id[0] == 'L') && rt->s->invariants) ||
		    !strcmp(id, "attach-refused"))
			out->all_met = false;
	}
	rt_fill_stats(rt, &st, out);
	out->trace_hash = e->trace.hash;
	out->irq_signature = rt_irq_signature(rt);
	if (e->trace.len) {
		out->trace = malloc(e->trace.len * sizeof(*out->trace));
		if (out->trace) {
			memcpy(out->trace, e->trace.recs, e->trace.len * sizeof(*out->trace));
			out->trace_len = e->trace.len;
		}
	}
	if (e->dlog_len) {
		out->dlog = malloc(e->dlog_len * sizeof(*out->dlog));
		if (out->dlog) {
			memcpy(out->dlog, e->dlog, e->dlog_len * sizeof(*out->dlog));
			out->dlog_len = e->dlog_len;
		}
	}
}
