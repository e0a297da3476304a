/* SPDX-License-Identifier: MIT */
/*
 * What went wrong in a run, as violations with an id, a time and a CPU:
 * IRQ invariants (the kernel's checking build), liveness L1..L7 (the IRQ
 * event log, judged after the run), deadlock and livelock (the engine, with
 * idle servers told apart from real deadlocks), and the kernel's reports
 * (nobody cared, ACK timeout, budget overrun, a thread killed by a fault).
 */
#include "rt_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ukern/irq.h>

bool rt_waits_for_input(void *ctx, uint64_t tid)
{
	const struct sim_rt *rt = ctx;
	for (size_t i = 0; i < rt->nthr; i++)
		if (rt->thr[i].tid == tid && rt->thr[i].idle)
			return true;
	return false;
}

/* Servers and drivers that wait for requests or interrupts once the
 * timeline is over are not deadlocked: the run is simply quiet. The engine
 * tells them apart as the run ends (sim_machine.waits_for_input, set by
 * rt_build), so a deadlock it reports has a thread that waits for
 * something else; a quiet end with threads left waiting gets its words. */
enum sim_result rt_classify(struct sim_rt *rt, enum sim_result res)
{
	struct sim_engine *e = rt->sm->e;
	if (res == SIM_DONE && e->quiescent && uk_kernel_describe_blocked(rt->sm->k, NULL, NULL))
		sim_engine_say_at(e, "quiet at ", rt_end_time(rt),
				  " ns: every thread left waits for input");
	return res;
}

uint64_t rt_end_time(const struct sim_rt *rt)
{
	const struct sim_engine *e = rt->sm->e;
	uint64_t t = rt->last_fired_ns;
	for (unsigned i = 0; i < e->ncpus; i++)
		if (e->cpu[i].clock > t)
			t = e->cpu[i].clock;
	/* Cut at the time limit with something still to come: the run
	 * lasted until the limit. */
	uint64_t next = hw_evq_next_time(&e->evq);
	if (e->stop_time != UINT64_MAX - 1 && (t > e->stop_time ||
					       (next != HW_TIME_NEVER && next > e->stop_time)))
		t = e->stop_time;
	return t;
}

bool rt_expected(const struct uks_scenario *s, const char *id)
{
	for (size_t i = 0; i < s->nexpects; i++)
		if (s->expects[i].kind == UKS_EXPECT_VIOLATION && !strcmp(s->expects[i].name, id))
			return true;
	return false;
}

static struct sim_violation *add(struct sim_run_report *out, size_t *cap, const char *id,
				 uint64_t t, int cpu)
{
	if (out->nviolations == *cap) {
		size_t n = *cap ? *cap * 2 : 8;
		struct sim_violation *v = realloc(out->violations, n * sizeof(*v));
		if (!v)
			return NULL;
		out->violations = v;
		*cap = n;
	}
	struct sim_violation *v = &out->violations[out->nviolations++];
	memset(v, 0, sizeof(*v));
	snprintf(v->id, sizeof(v->id), "%s", id);
	v->time_ns = t;
	v->cpu = cpu;
	return v;
}

/* The first trace record of `kind` (with c == `c` unless c is ~0). */
static const struct sim_trace_rec *trace_find(const struct sim_rt *rt, uint16_t kind, uint64_t c)
{
	const struct sim_trace *t = &rt->sm->e->trace;
	for (size_t i = 0; i < t->len; i++)
		if (t->recs[i].kind == kind && (c == ~0ull || t->recs[i].c == c))
			return &t->recs[i];
	return NULL;
}

/* The CPU an IRQ log event happened on, from its trace record (kept by
 * `uksim run`), or -1. */
static int event_cpu(const struct sim_rt *rt, const struct uk_irq_event *ev)
{
	const struct sim_trace *t = &rt->sm->e->trace;
	for (size_t i = 0; i < t->len; i++)
		if (t->recs[i].kind == UK_TRACE_IRQ(ev->kind) && t->recs[i].time == ev->t &&
		    t->recs[i].a == ev->pin)
			return t->recs[i].cpu == 0xffff ? -1 : (int)t->recs[i].cpu;
	return -1;
}

static void pin_devices(const struct sim_rt *rt, uint32_t pin, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = 0; i < rt->s->ndevices && n < len; i++)
		if (rt->dev[i].pin_id == (int)pin)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
					      rt->s->devices[i].name);
	if (!buf[0])
		snprintf(buf, len, "pin %u", pin);
}

static void irq_invariant(const struct sim_rt *rt, struct sim_run_report *out, size_t *cap)
{
	char text[256];
	if (uk_kernel_irq_violation(rt->sm->k, text, sizeof(text)) == 0)
		return;
	char id[8] = "I?";
	size_t k = 0;
	while (k < 4 && (text[k] == 'I' || (text[k] >= '0' && text[k] <= '9'))) {
		id[k] = text[k];
		k++;
	}
	id[k] = 0;
	const struct sim_trace_rec *r = trace_find(rt, UK_TRACE_IRQ_VIOLATION, ~0ull);
	struct sim_violation *v = add(out, cap, id, r ? r->time : rt_end_time(rt),
				      r ? (int)r->cpu : -1);
	if (!v)
		return;
	/* The kernel's check names the pin by its id ("I6 broken on pin 0");
	 * say which devices' line that is, as the other reports do. */
	const char *p = strstr(text, "pin ");
	char *end = NULL;
	unsigned long pin = p ? strtoul(p + 4, &end, 10) : 0;
	if (p && end > p + 4 && (p == text || p[-1] == ' ')) {
		char devs[96];
		pin_devices(rt, (uint32_t)pin, devs, sizeof(devs));
		if (strncmp(devs, "pin ", 4) != 0) {
			snprintf(v->message, sizeof(v->message), "%.*sthe line of %s%s", (int)(p - text),
				 text, devs, end);
			return;
		}
	}
	snprintf(v->message, sizeof(v->message), "%s", text);
}

/* Each pin is judged by the properties its IRQ model claims. */
static uint32_t pin_props(void *ctx, uint32_t pin)
{
	const struct sim_rt *rt = ctx;
	return uk_kernel_irq_pin_liveness(rt->sm->k, pin);
}

static void liveness(const struct sim_rt *rt, struct sim_run_report *out, size_t *cap)
{
	struct uk_irq_live_params p = {.ack_timeout_ns = rt->s->machine.ack_timeout_ns,
				       .end_ns = rt_end_time(rt),
				       .props = pin_props,
				       .ctx = (void *)rt};
	struct uk_irq_live_violation lv[8];
	size_t n = uk_irq_liveness_check(&rt->log, &p, lv, 8);
	for (size_t i = 0; i < n && i < 8; i++) {
		if (lv[i].prop == 0)
			continue; /* the log could not be judged (too long) */
		char id[16];
		snprintf(id, sizeof(id), "L%u", lv[i].prop % 100);
		const struct uk_irq_event *ev =
			lv[i].index < rt->log.len ? &rt->log.ev[lv[i].index] : NULL;
		struct sim_violation *v = add(out, cap, id, ev ? ev->t : p.end_ns,
					      ev ? event_cpu(rt, ev) : -1);
		char devs[96];
		pin_devices(rt, lv[i].pin, devs, sizeof(devs));
		if (v)
			snprintf(v->message, sizeof(v->message), "%s (%s)", lv[i].msg, devs);
	}
}

static void report_event(const struct sim_rt *rt, struct sim_run_report *out, size_t *cap,
			 uint16_t kind, const char *id, const char *what)
{
	for (size_t i = 0; i < rt->log.len; i++) {
		const struct uk_irq_event *ev = &rt->log.ev[i];
		if (ev->kind != kind)
			continue;
		char devs[96];
		pin_devices(rt, ev->pin, devs, sizeof(devs));
		struct sim_violation *v = add(out, cap, id, ev->t, event_cpu(rt, ev));
		if (v)
			snprintf(v->message, sizeof(v->message), "%s on the line of %s (episode %llu)",
				 what, devs, (unsigned long long)ev->arg);
		return;
	}
}

/* Linux's "irq N: nobody cared ... Disabling IRQ #N" (note_interrupt):
 * the first line the statistic disabled, with its count. A storm can fill
 * the IRQ log first; the kernel's own count still tells. */
static void disabled(const struct sim_rt *rt, struct sim_run_report *out, size_t *cap,
		     const struct uk_kernel_stats *st)
{
	uint64_t w = rt->s->machine.linux_window ? rt->s->machine.linux_window : 100000;
	uint64_t th = rt->s->machine.linux_threshold ? rt->s->machine.linux_threshold : 99900;
	for (size_t i = 0; i < rt->log.len; i++) {
		const struct uk_irq_event *ev = &rt->log.ev[i];
		if (ev->kind != UK_IRQ_EV_DISABLE)
			continue;
		char devs[96];
		pin_devices(rt, ev->pin, devs, sizeof(devs));
		struct sim_violation *v = add(out, cap, "irq-disabled", ev->t, event_cpu(rt, ev));
		if (v)
			snprintf(v->message, sizeof(v->message),
				 "nobody cared: %llu of %llu interrupts unhandled on the line of %s, "
				 "disabling it (polled every 100 ms from now on)",
				 (unsigned long long)ev->arg, (unsigned long long)w, devs);
		return;
	}
	if (!st->irq_disabled)
		return;
	const struct sim_trace_rec *r = trace_find(rt, UK_TRACE_IRQ(UK_IRQ_EV_DISABLE), ~0ull);
	struct sim_violation *v = add(out, cap, "irq-disabled", r ? r->time : rt_end_time(rt),
				      r ? (int)r->cpu : -1);
	if (v)
		snprintf(v->message, sizeof(v->message),
			 "nobody cared: more than %llu of %llu interrupts unhandled, %llu line(s) "
			 "disabled (polled every 100 ms from then on)",
			 (unsigned long long)th, (unsigned long long)w,
			 (unsigned long long)st->irq_disabled);
}

static void kernel_reports(const struct sim_rt *rt, struct sim_run_report *out, size_t *cap)
{
	struct uk_kernel_stats st;
	uk_kernel_get_stats(rt->sm->k, &st);
	report_event(rt, out, cap, UK_IRQ_EV_NOBODY, "nobody-cared", "nobody cared");
	report_event(rt, out, cap, UK_IRQ_EV_TIMEOUT, "ack-timeout", "an ACK timed out");
	/* seL4's "Undelivered IRQ: N" (handleInterrupt, CONFIG_IRQ_REPORTING). */
	report_event(rt, out, cap, UK_IRQ_EV_UNDELIVERED, "irq-undelivered",
		     "an interrupt found no notification bound to its handler (Undelivered IRQ)");
	disabled(rt, out, cap, &st);
	if (st.nopreempt_overruns) {
		const struct sim_trace_rec *r = trace_find(rt, UK_TRACE_CORE_NOPREEMPT, 2);
		struct sim_violation *v = add(out, cap, "budget-overrun", r ? r->time : rt_end_time(rt),
					      r ? (int)r->cpu : -1);
		if (v)
			snprintf(v->message, sizeof(v->message),
				 "%llu no-preemption section(s) overran the budget",
				 (unsigned long long)st.nopreempt_overruns);
	}
	if (st.user_faults_killed) {
		const struct sim_trace_rec *r = trace_find(rt, UK_TRACE_CORE_FAULT, ~0ull);
		struct sim_violation *v = add(out, cap, "fault", r ? r->time : rt_end_time(rt),
					      r ? (int)r->cpu : -1);
		if (v)
			snprintf(v->message, sizeof(v->message), "%llu thread(s) killed by a fault",
				 (unsigned long long)st.user_faults_killed);
	}
}

static int by_time(const void *a, const void *b)
{
	const struct sim_violation *x = a, *y = b;
	return x->time_ns < y->time_ns ? -1 : x->time_ns > y->time_ns;
}

/* A driver the kernel would not attach to its device's line (a second
 * handler on a one-handler model, a line in service with another trigger):
 * it never serves, and nothing else would say so. */
static void refused_attaches(const struct sim_rt *rt, struct sim_run_report *out, size_t *cap)
{
	const struct uks_scenario *s = rt->s;
	for (size_t i = 0; i < s->ndevices; i++) {
		const struct rt_dev *d = &rt->dev[i];
		if (!d->refused_err)
			continue;
		struct sim_violation *v = add(out, cap, "attach-refused", d->refused_at,
					      d->refused_cpu);
		if (!v)
			continue;
		const struct uks_device *dv = &s->devices[i];
		static const char *const ctrl[] = {"", "ioapic", "msi", "plic", "percpu"};
		snprintf(v->message, sizeof(v->message),
			 "process '%s': the kernel refused to attach it to the line of %s "
			 "(%s %u): %s%s",
			 s->processes[d->refused_proc].name, dv->name,
			 ctrl[dv->line_kind <= UKS_LINE_PERCPU ? dv->line_kind : 0], dv->line,
			 uk_err_name(d->refused_err),
			 d->refused_err == UK_EBUSY
				 ? " (the line's IRQ model takes one handler: serve every device of "
				   "the line from one driver, line-driver; or, on Linux, the line's "
				   "other actions do not share its flags)"
				 : "");
	}
}

/* A run that ends with the machine asleep: nothing could have woken it (no
 * wake line, no `resume`), or nothing did. Like a deadlock, the machine
 * would wait forever; unlike one, no thread is to blame. */
static void suspended_forever(const struct sim_rt *rt, struct sim_run_report *out, size_t *cap)
{
	struct uk_pm_info pm;
	uk_kernel_pm_info(rt->sm->k, &pm);
	if (!pm.suspended)
		return;
	struct sim_violation *v = add(out, cap, "suspended-forever", pm.since_ns, 0);
	if (!v)
		return;
	if (pm.wake_lines == 0)
		snprintf(v->message, sizeof(v->message),
			 "the machine suspended at %llu ns with no wake line and no resume after it: "
			 "it sleeps forever (mark a line `wake` in its line block, call "
			 "irq_set_wake, or add `at T resume`)",
			 (unsigned long long)pm.since_ns);
	else
		snprintf(v->message, sizeof(v->message),
			 "the machine suspended at %llu ns and was still asleep when the run ended: "
			 "none of its %u wake line(s) raised and no resume came",
			 (unsigned long long)pm.since_ns, pm.wake_lines);
}

/* An assertion no driver ever looked at by the end of the run: an
 * interrupt the kernel (or the controller) lost for good. Judged only when
 * the scenario expects it: a run cut at its time limit may end with an
 * assertion still on its way, which is no loss. */
static void unserved(const struct sim_rt *rt, struct sim_run_report *out, size_t *cap)
{
	if (!rt_expected(rt->s, "unserved"))
		return;
	for (size_t i = 0; i < rt->s->ndevices; i++) {
		const struct rt_pending *p = &rt->dev[i].lat_irq;
		if (p->head >= p->tail)
			continue;
		struct sim_violation *v = add(out, cap, "unserved", rt_end_time(rt), -1);
		if (v)
			snprintf(v->message, sizeof(v->message),
				 "%s asserted at %llu ns and no driver looked at it by the end of "
				 "the run: the interrupt was lost",
				 rt->s->devices[i].name, (unsigned long long)p->t[p->head]);
		return;
	}
}

void rt_collect_violations(struct sim_rt *rt, struct sim_run_report *out)
{
	size_t cap = 0;
	refused_attaches(rt, out, &cap);
	suspended_forever(rt, out, &cap);
	irq_invariant(rt, out, &cap);
	liveness(rt, out, &cap);
	if (out->result == SIM_DEADLOCK || out->result == SIM_LIVELOCK) {
		struct sim_violation *v = add(out, &cap, out->result == SIM_DEADLOCK ? "deadlock"
										     : "livelock",
					      rt_end_time(rt), -1);
		if (v)
			snprintf(v->message, sizeof(v->message), "%.300s", rt->sm->e->message);
	}
	kernel_reports(rt, out, &cap);
	unserved(rt, out, &cap);
	if (out->nviolations > 1)
		qsort(out->violations, out->nviolations, sizeof(*out->violations), by_time);
}

/* The order of IRQ transitions, without their times: two runs with the
 * same signature saw the same protocol story. */
uint64_t rt_irq_signature(const struct sim_rt *rt)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < rt->log.len; i++) {
		const struct uk_irq_event *ev = &rt->log.ev[i];
		uint64_t arg = ev->kind == UK_IRQ_EV_END || ev->kind == UK_IRQ_EV_MASK ? ev->arg : 0;
		/* One multiply on the chain per event (the arg's own product is
		 * off it): this runs over every event of every schedule. */
		uint64_t v = ((uint64_t)ev->kind << 48) ^ ((uint64_t)ev->pin << 32) ^ ev->sink ^
			     (arg * 0x9e3779b97f4a7c15ull);
		h = (h ^ v) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	return h;
}
