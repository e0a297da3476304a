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
		} else if (d->line_kind == UKS_LINE_PERCPU) {
			vec = hw_percpu_vector(hw, d->line_cpu * UKS_PERCPU_LINES + d->line);
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

/* `ioapic-dropped(DEV)` and the like: the controller's count, or with a
 * device the count of its pin (0 when the device is on another one). */
static uint64_t ctrl_counter(const struct sim_rt *rt, const char *n, int ref)
{
	enum hw_intc_kind kind = n[0] == 'i' ? HW_INTC_IOAPIC : n[0] == 'm' ? HW_INTC_MSI
									 : HW_INTC_PLIC;
	enum uks_line_kind lk = n[0] == 'i' ? UKS_LINE_IOAPIC : n[0] == 'm' ? UKS_LINE_MSI
									  : UKS_LINE_PLIC;
	bool held = strstr(n, "-held") != NULL;
	int ctrl = hw_intc_find(rt->sm->hw, kind);
	struct hw_intc_stats hs;
	if (ctrl < 0)
		return 0;
	if (ref >= 0 && rt->s->devices[ref].line_kind != lk)
		return 0;
	if (hw_intc_stats(rt->sm->hw, (unsigned)ctrl, ref >= 0 ? rt->s->devices[ref].line : ~0u,
			  &hs) != 0)
		return 0;
	return held ? hs.held : hs.dropped;
}

#define DEV(f) dev_sum(rt, ref, offsetof(struct rt_dev, f))
#define PROC(f) proc_sum(rt, ref, offsetof(struct rt_proc, f))

static uint64_t counter(const struct sim_rt *rt, const char *n, int ref,
			const struct uk_kernel_stats *st)
{
	if (RT_NAME_IS(n, "nobody-cared"))
		return pin_count(rt, ref, UK_IRQ_EV_NOBODY, -1);
	if (RT_NAME_IS(n, "handled"))
		return DEV(handled);
	if (RT_NAME_IS(n, "raised"))
		return pin_count(rt, ref, UK_IRQ_EV_RAISE, -1);
	if (RT_NAME_IS(n, "acks"))
		return DEV(acks);
	if (RT_NAME_IS(n, "naks"))
		return DEV(naks);
	if (RT_NAME_IS(n, "timeouts"))
		return pin_count(rt, ref, UK_IRQ_EV_TIMEOUT, -1);
	if (RT_NAME_IS(n, "stalls"))
		return pin_count(rt, ref, UK_IRQ_EV_STALL, -1);
	if (RT_NAME_IS(n, "disabled"))
		return pin_count(rt, ref, UK_IRQ_EV_DISABLE, -1);
	if (RT_NAME_IS(n, "undelivered"))
		return pin_count(rt, ref, UK_IRQ_EV_UNDELIVERED, -1);
	if (RT_NAME_IS(n, "dropped-edges"))
		return DEV(dropped);
	if (RT_NAME_IS(n, "lost-edges"))
		return DEV(dropped);
	if (RT_NAME_IS(n, "spurious"))
		return DEV(spurious);
	if (RT_NAME_IS(n, "unserved")) {
		uint64_t u = 0; /* the clears were taken when the run ended */
		for (size_t i = 0; i < rt->s->ndevices; i++)
			if (ref < 0 || (int)i == ref)
				u += rt->dev[i].lat_irq.tail - rt->dev[i].lat_irq.head;
		return u;
	}
	if (RT_NAME_IS(n, "status-left")) {
		uint64_t left = 0;
		for (size_t i = 0; i < rt->s->ndevices; i++)
			if (ref < 0 || (int)i == ref)
				left += rt->dev[i].hw && hw_dev_irq_active(rt->dev[i].hw);
		return left;
	}
	if (RT_NAME_IS(n, "rejected"))
		return PROC(rejected);
	if (RT_NAME_IS(n, "faults"))
		return PROC(faults);
	if (RT_NAME_IS(n, "budget-overruns"))
		return ref < 0 ? st->nopreempt_overruns : PROC(overruns);
	if (RT_NAME_IS(n, "exits"))
		return PROC(exits);
	if (RT_NAME_IS(n, "ipis"))
		return st->ipis_sent;
	if (RT_NAME_IS(n, "switches"))
		return st->switches;
	if (RT_NAME_IS(n, "tlb-shootdowns"))
		return st->tlb_shootdowns;
	if (RT_NAME_IS(n, "page-walks"))
		return rt_stat_walks(st);
	if (RT_NAME_IS(n, "suspends"))
		return st->suspends;
	if (RT_NAME_IS(n, "resumes"))
		return st->resumes;
	if (RT_NAME_IS(n, "wakeups"))
		return st->wakeups;
	if (RT_NAME_IS(n, "irq-moves"))
		return st->irq_moves;
	if (!strncmp(n, "lapic-", 6)) {
		bool held = RT_NAME_IS(n + 6, "held");
		uint64_t v = 0;
		for (unsigned c = 0; c < rt->s->machine.cpus; c++) {
			struct hw_lapic_stats ls;
			hw_lapic_stats(rt->sm->hw, c, &ls);
			v += held ? ls.held : ls.dropped;
		}
		/* The LAPICs' local (LVT) inputs: per-CPU lines. */
		int pc = hw_intc_find(rt->sm->hw, HW_INTC_PERCPU);
		struct hw_intc_stats hs;
		if (pc >= 0 && hw_intc_stats(rt->sm->hw, (unsigned)pc, ~0u, &hs) == 0)
			v += held ? hs.held : hs.dropped;
		return v;
	}
	if (!strncmp(n, "ioapic-", 7) || !strncmp(n, "msi-", 4) || !strncmp(n, "plic-", 5))
		return ctrl_counter(rt, n, ref);
	if (RT_NAME_IS(n, "copies")) {
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
	if (RT_NAME_IS(n, "irq") || RT_NAME_IS(n, "handled")) {
		const struct rt_pending *p = RT_NAME_IS(n, "irq") ? &rt->dev[ref].lat_irq
							      : &rt->dev[ref].lat_handled;
		*never = p->head < p->tail;
		return p->max;
	}
	if (RT_NAME_IS(n, "ipc"))
		return rt->ep[ref].ipc_max;
	if (RT_NAME_IS(n, "wakeup"))
		return rt->proc[ref].wakeup_max;
	if (RT_NAME_IS(n, "nopreempt")) {
		uint64_t m = 0;
		for (size_t i = 0; i < rt->s->nprocesses; i++)
			if ((ref < 0 || (int)i == ref) && rt->proc[i].nopreempt_max > m)
				m = rt->proc[i].nopreempt_max;
		return m;
	}
	return 0;
}

static bool compare(uint64_t v, enum uks_cmp c, uint64_t want);

static enum rt_lat lat_kind(const char *name)
{
	return RT_NAME_IS(name, "ipc")	    ? RT_LAT_IPC
	       : RT_NAME_IS(name, "wakeup")    ? RT_LAT_WAKEUP
	       : RT_NAME_IS(name, "nopreempt") ? RT_LAT_NOPREEMPT
					    : RT_LAT_NONE;
}


/* When a latency bound `< T` or `<= T` was first broken: for irq and
 * handled, the earliest deadline (assertion + T) an assertion missed,
 * served late or never (a never-served assertion whose deadline falls after
 * the run broke it when the run ended); for ipc, wakeup and nopreempt, when
 * the bound ran out in the first interval longer than it (watched during
 * the run). Other comparisons are judged at the end. */
static void latency_broken(const struct sim_rt *rt, const struct uks_expect *x,
			   struct sim_expect_verdict *v, uint64_t end)
{
	const struct rt_pending *p = RT_NAME_IS(x->name, "irq")	   ? &rt->dev[x->ref].lat_irq
				     : RT_NAME_IS(x->name, "handled") ? &rt->dev[x->ref].lat_handled
								   : NULL;
	if (x->cmp != UKS_CMP_LE && x->cmp != UKS_CMP_LT)
		return;
	enum rt_lat kind = lat_kind(x->name);
	for (size_t i = 0; !p && kind != RT_LAT_NONE && i < rt->nwatch; i++) {
		const struct rt_watch *w = &rt->watch[i];
		if (w->lat != kind || w->ref != x->ref || w->n != x->value ||
		    w->lt != (x->cmp == UKS_CMP_LT) || w->at == UINT64_MAX)
			continue;
		char took[32], bound[32];
		sim_format_time(w->value, took, sizeof(took));
		sim_format_time(x->value, bound, sizeof(bound));
		v->broken_ns = w->at;
		snprintf(v->why, sizeof(v->why), "%s%s%s took %s (the first over %s)",
			 kind == RT_LAT_IPC ? "an IPC round trip" : kind == RT_LAT_WAKEUP ? "a wake-up"
											  : "a no-preemption section",
			 x->ref_name ? " of " : "", x->ref_name ? x->ref_name : "", took, bound);
		return;
	}
	if (!p)
		return;
	int worst = -1;
	uint64_t when = UINT64_MAX;
	for (uint32_t k = 0; k < p->tail; k++) {
		bool served = k < p->head;
		if (served && (p->t[k] == RT_PENDING_DROPPED || compare(p->t[k], x->cmp, x->value)))
			continue;
		uint64_t t = p->at[k] + x->value;
		if (!served && t > end)
			t = end;
		if (t < when) {
			when = t;
			worst = (int)k;
		}
	}
	if (worst < 0)
		return;
	char at[32], bound[32], wait[32];
	sim_format_time(p->at[worst], at, sizeof(at));
	sim_format_time(x->value, bound, sizeof(bound));
	const char *what = RT_NAME_IS(x->name, "irq") ? "served" : "handled";
	v->broken_ns = when;
	if ((uint32_t)worst < p->head) {
		sim_format_time(p->t[worst], wait, sizeof(wait));
		snprintf(v->why, sizeof(v->why), "%s asserted at %s was not %s within %s (%s after %s)",
			 x->ref_name, at, what, bound, what, wait);
	} else {
		snprintf(v->why, sizeof(v->why), "%s asserted at %s was never %s", x->ref_name, at,
			 what);
	}
}

/* The time of the n-th (1-based) IRQ log event of `kind` on a device's
 * line (any line for a total), or UINT64_MAX. */
static uint64_t log_nth(const struct sim_rt *rt, int dev, uint16_t kind, uint64_t n)
{
	int pin = dev < 0 ? -1 : rt->dev[dev].pin_id;
	if (dev >= 0 && pin < 0)
		return UINT64_MAX;
	for (size_t i = 0; n && i < rt->log.len; i++) {
		const struct uk_irq_event *ev = &rt->log.ev[i];
		if (ev->kind == kind && (pin < 0 || (int)ev->pin == pin) && --n == 0)
			return ev->t;
	}
	return UINT64_MAX;
}

/* The counters the runtime keeps itself, by expectation name. */
static bool kept_counter(const char *name, int ref, bool *proc, size_t *off)
{
	static const struct { const char *name; bool proc; size_t off; } kept[] = {
		{"handled", false, offsetof(struct rt_dev, handled)},
		{"acks", false, offsetof(struct rt_dev, acks)},
		{"naks", false, offsetof(struct rt_dev, naks)},
		{"spurious", false, offsetof(struct rt_dev, spurious)},
		{"dropped-edges", false, offsetof(struct rt_dev, dropped)},
		{"lost-edges", false, offsetof(struct rt_dev, dropped)},
		{"rejected", true, offsetof(struct rt_proc, rejected)},
		{"faults", true, offsetof(struct rt_proc, faults)},
		{"budget-overruns", true, offsetof(struct rt_proc, overruns)},
	};
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		if (strcmp(name, kept[i].name))
			continue;
		/* The total of budget overruns is the kernel's, not ours. */
		if (kept[i].proc && ref < 0 && RT_NAME_IS(name, "budget-overruns"))
			return false;
		*proc = kept[i].proc;
		*off = kept[i].off;
		return true;
	}
	return false;
}

/* The value of a count that breaks its upper bound, or 0 if it has none. */
static uint64_t breaking_value(const struct uks_expect *x)
{
	if (x->cmp == UKS_CMP_LE || x->cmp == UKS_CMP_EQ)
		return x->value + 1;
	if (x->cmp == UKS_CMP_LT && x->value > 0)
		return x->value;
	return 0;
}

int rt_watches_build(struct sim_rt *rt)
{
	size_t n = 0;
	bool proc;
	size_t off;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < rt->s->nexpects; i++) {
			const struct uks_expect *x = &rt->s->expects[i];
			struct rt_watch w = {.ref = x->ref, .at = UINT64_MAX};
			if (x->kind == UKS_EXPECT_COUNT && breaking_value(x) &&
			    kept_counter(x->name, x->ref, &proc, &off)) {
				w.proc = proc;
				w.off = off;
				w.n = breaking_value(x);
			} else if (x->kind == UKS_EXPECT_LATENCY && lat_kind(x->name) != RT_LAT_NONE &&
				   (x->cmp == UKS_CMP_LE || x->cmp == UKS_CMP_LT)) {
				w.lat = lat_kind(x->name);
				w.n = x->value;
				w.lt = x->cmp == UKS_CMP_LT;
			} else {
				continue;
			}
			if (pass == 1)
				rt->watch[rt->nwatch++] = w;
			n++;
		}
		if (pass == 0) {
			if (n == 0)
				return 0;
			rt->watch = calloc(n, sizeof(*rt->watch));
			if (!rt->watch) {
				snprintf(rt->err, sizeof(rt->err), "out of memory");
				return -1;
			}
		}
	}
	return 0;
}

void rt_lat_hit_slow(struct sim_rt *rt, enum rt_lat kind, int ref, uint64_t value)
{
	for (size_t i = 0; i < rt->nwatch; i++) {
		struct rt_watch *w = &rt->watch[i];
		if (w->lat != kind || w->at != UINT64_MAX || (w->ref >= 0 && w->ref != ref) ||
		    (w->lt ? value < w->n : value <= w->n))
			continue;
		/* The interval ends now; it broke the bound when the bound ran out. */
		uint64_t now = sim_now(rt->sm->e);
		w->at = now - value + w->n;
		w->value = value;
	}
}

void rt_count_hit_slow(struct sim_rt *rt, bool proc, size_t off)
{
	for (size_t i = 0; i < rt->nwatch; i++) {
		struct rt_watch *w = &rt->watch[i];
		if (w->lat != RT_LAT_NONE || w->at != UINT64_MAX || w->proc != proc || w->off != off)
			continue;
		uint64_t v = proc ? proc_sum(rt, w->ref, off) : dev_sum(rt, w->ref, off);
		if (v >= w->n)
			w->at = sim_now(rt->sm->e);
	}
}

/* When a count with an upper bound (`<`, `<=`, `==` exceeded) was first
 * broken: the event that took it past the bound. Counts the IRQ log keeps
 * with their times, and the counters the runtime keeps (watched from the
 * start of the run); the kernel's own statistics are judged at the end. */
static void count_broken(const struct sim_rt *rt, const struct uks_expect *x,
			 struct sim_expect_verdict *v)
{
	bool proc;
	size_t off;
	if (x->cmp != UKS_CMP_EQ || v->observed > x->value) {
		uint64_t bn = breaking_value(x);
		for (size_t i = 0; bn && i < rt->nwatch && kept_counter(x->name, x->ref, &proc, &off); i++) {
			const struct rt_watch *w = &rt->watch[i];
			if (w->lat != RT_LAT_NONE || w->proc != proc || w->off != off ||
			    w->ref != x->ref || w->n != bn || w->at == UINT64_MAX)
				continue;
			v->broken_ns = w->at;
			snprintf(v->why, sizeof(v->why), "%s #%llu%s%s", x->name, (unsigned long long)bn,
				 x->ref_name ? " of " : "", x->ref_name ? x->ref_name : "");
			return;
		}
	}

	static const struct { const char *name; uint16_t kind; } logged[] = {
		{"nobody-cared", UK_IRQ_EV_NOBODY}, {"raised", UK_IRQ_EV_RAISE},
		{"timeouts", UK_IRQ_EV_TIMEOUT},    {"stalls", UK_IRQ_EV_STALL},
		{"disabled", UK_IRQ_EV_DISABLE},
	};
	uint64_t n;
	if (x->cmp == UKS_CMP_LE || (x->cmp == UKS_CMP_EQ && v->observed > x->value))
		n = x->value + 1;
	else if (x->cmp == UKS_CMP_LT && x->value > 0)
		n = x->value;
	else
		return;
	for (size_t i = 0; i < sizeof(logged) / sizeof(logged[0]); i++) {
		if (strcmp(x->name, logged[i].name))
			continue;
		uint64_t t = log_nth(rt, x->ref, logged[i].kind, n);
		if (t == UINT64_MAX)
			return;
		v->broken_ns = t;
		snprintf(v->why, sizeof(v->why), "%s #%llu%s%s%s", x->name, (unsigned long long)n,
			 x->ref_name ? " on " : "", x->ref_name ? x->ref_name : "",
			 x->ref_name ? "'s line" : "");
		return;
	}
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
		if (RT_NAME_IS(out->violations[i].id, id))
			return true;
	return false;
}

static void judge_expect(const struct sim_rt *rt, const struct uk_kernel_stats *st,
			 struct sim_run_report *out, size_t i, uint64_t end)
{
	const struct uks_expect *x = &rt->s->expects[i];
	struct sim_expect_verdict *v = &out->expects[i];
	v->e = x;
	v->broken_ns = end;
	switch (x->kind) {
	case UKS_EXPECT_COUNT:
		v->observed = counter(rt, x->name, x->ref, st);
		v->met = compare(v->observed, x->cmp, x->value);
		if (!v->met)
			count_broken(rt, x, v);
		break;
	case UKS_EXPECT_LATENCY:
		v->observed = latency(rt, x->name, x->ref, &v->never);
		v->met = !v->never && compare(v->observed, x->cmp, x->value);
		if (!v->met)
			latency_broken(rt, x, v, end);
		break;
	case UKS_EXPECT_NO_DEADLOCK:
		v->met = !shown(out, "deadlock");
		break;
	case UKS_EXPECT_VIOLATION:
		v->met = shown(out, x->name);
		break;
	}
	if (!v->met)
		sim_expect_text(x, v->text, sizeof(v->text));
}

/* The kernel stopped the run because one of its own consistency checks
 * failed (uk_arch_fatal: "kernel invariant broken on CPU C at T ns: what").
 * That is a bug in ukern or in a loaded policy, and the schedule that shows
 * it is worth a replay token like any violation: it is one, with the time
 * and CPU of the check. The run's result stays an error. */
static void kernel_invariant(enum sim_result res, const char *msg, struct sim_run_report *out)
{
	static const char prefix[] = "kernel invariant broken on CPU ";
	if (res != SIM_ERROR || strncmp(msg, prefix, sizeof(prefix) - 1))
		return;
	unsigned cpu = 0;
	unsigned long long t = 0;
	int used = 0;
	if (sscanf(msg + sizeof(prefix) - 1, "%u at %llu ns: %n", &cpu, &t, &used) < 2 || !used)
		used = 0;
	struct sim_violation *v = realloc(out->violations, (out->nviolations + 1) * sizeof(*v));
	if (!v)
		return;
	out->violations = v;
	v += out->nviolations++;
	memset(v, 0, sizeof(*v));
	snprintf(v->id, sizeof(v->id), "%s", SIM_KERNEL_INVARIANT);
	v->time_ns = t;
	v->cpu = (int)cpu;
	snprintf(v->message, sizeof(v->message), "%.300s", used ? msg + sizeof(prefix) - 1 + used : msg);
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
	size_t mlen = strnlen(e->message, sizeof(out->message) - 1); /* every run: no printf */
	memcpy(out->message, e->message, mlen);
	out->message[mlen] = '\0';
	rt_collect_violations(rt, out);
	kernel_invariant(res, e->message, out);
	out->nexpects = rt->s->nexpects;
	out->expects = calloc(out->nexpects ? out->nexpects : 1, sizeof(*out->expects));
	out->all_met = out->expects != NULL && out->result != SIM_ERROR;
	uint64_t end = rt_end_time(rt);
	for (size_t i = 0; out->expects && i < out->nexpects; i++) {
		judge_expect(rt, &st, out, i, end);
		out->all_met &= out->expects[i].met;
	}
	/* With `invariants on`, an invariant or liveness property broken that
	 * the scenario does not expect fails the run like an expectation; so
	 * do, always, a driver the kernel refused to attach and a machine left
	 * suspended for good. */
	for (size_t i = 0; i < out->nviolations; i++) {
		const char *id = out->violations[i].id;
		if (rt_expected(rt->s, id))
			continue;
		if (((id[0] == 'I' || id[0] == 'L') && rt->s->invariants) ||
		    RT_NAME_IS(id, "attach-refused") || RT_NAME_IS(id, "suspended-forever"))
			out->all_met = false;
	}
	rt_fill_stats(rt, &st, out);
	out->trace_hash = e->trace.hash;
	out->irq_signature = rt_irq_signature(rt);
	if (e->trace.len) {
		size_t extra = 0;
		for (size_t i = 0; i < rt->s->ndevices; i++)
			extra += rt->dev[i].nclear;
		out->trace = malloc((e->trace.len + extra) * sizeof(*out->trace));
		if (out->trace) {
			memcpy(out->trace, e->trace.recs, e->trace.len * sizeof(*out->trace));
			out->trace_len = e->trace.len;
			/* The status clears the runtime saw, for the exports. */
			for (size_t i = 0; i < rt->s->ndevices; i++)
				for (uint32_t k = 0; k < rt->dev[i].nclear; k++)
					out->trace[out->trace_len++] = (struct sim_trace_rec){
						.time = rt->dev[i].clear_at[k],
						.kind = SIM_TR_DEV_CLEAR,
						.cpu = 0xffff,
						.a = hw_dev_index(rt->dev[i].hw)};
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
