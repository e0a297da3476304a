/* SPDX-License-Identifier: MIT */
/*
 * A run's report for people (one line per expectation, the statistics, and
 * where it went wrong) and for programs (one JSON object).
 */
#include "rt_int.h"

#include <inttypes.h>
#include <langinfo.h>
#include <string.h>

#include <sim/export.h>

/* The scenario's name of the thread on `cpu` at `t`, when the run kept
 * its trace; NULL otherwise. */
static const char *running(const struct sim_run_report *r, unsigned cpu, uint64_t t, char *buf,
			   size_t len)
{
	struct sim_trace tr;
	sim_trace_init(&tr, 0);
	tr.recs = r->trace;
	tr.len = r->trace_len;
	return r->names ? sim_names_running(r->names, &tr, cpu, t, buf, len) : NULL;
}


uint64_t rt_stat_walks(const struct uk_kernel_stats *st)
{
	uint64_t w = 0;
	for (unsigned i = 0; i < UK_XFER_MAX_IDS; i++)
		w += st->xfer[i].walks;
	return w;
}

void sim_format_time(uint64_t ns, char *buf, size_t len)
{
	if (ns >= 1000000000ull && ns % 1000000 == 0)
		snprintf(buf, len, "%llus", (unsigned long long)(ns / 1000000000ull));
	else if (ns >= 1000000ull && ns % 1000 == 0)
		snprintf(buf, len, "%gms", (double)ns / 1e6);
	else if (ns >= 1000ull)
		snprintf(buf, len, "%gus", (double)ns / 1e3);
	else
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
}

void sim_expect_text(const struct uks_expect *x, char *buf, size_t len)
{
	char v[32], ref[48] = "";
	if (x->ref_name)
		snprintf(ref, sizeof(ref), "(%s)", x->ref_name);
	switch (x->kind) {
	case UKS_EXPECT_COUNT:
		snprintf(buf, len, "count %s%s %s %llu", x->name, ref, uks_cmp_name(x->cmp),
			 (unsigned long long)x->value);
		break;
	case UKS_EXPECT_LATENCY:
		sim_format_time(x->value, v, sizeof(v));
		snprintf(buf, len, "latency %s%s %s %s", x->name, ref, uks_cmp_name(x->cmp), v);
		break;
	case UKS_EXPECT_NO_DEADLOCK:
		snprintf(buf, len, "no-deadlock");
		break;
	case UKS_EXPECT_VIOLATION:
		snprintf(buf, len, "violation %s", x->name);
		break;
	}
}

void rt_fill_stats(const struct sim_rt *rt, const struct uk_kernel_stats *st,
		   struct sim_run_report *out)
{
	struct sim_run_stats *s = &out->stats;
	const struct sim_engine *e = rt->sm->e;
	s->end_ns = rt_end_time(rt);
	s->steps = e->steps;
	s->decisions = e->decisions;
	s->switches = st->switches;
	s->preemptions = st->preemptions;
	s->syscalls = st->syscalls;
	s->ipis = st->ipis_sent;
	s->irq_episodes = st->irq_episodes;
	s->nobody_cared = st->irq_nobody_cared;
	s->irq_disabled = st->irq_disabled;
	s->timeouts = st->irq_ack_timeouts;
	s->irq_violations = st->irq_violations;
	s->nopreempt_sections = st->nopreempt_sections;
	s->budget_overruns = st->nopreempt_overruns;
	s->ipc_calls = st->ipc_calls;
	s->ipc_handoffs = st->ipc_handoffs;
	s->page_walks = rt_stat_walks(st);
	s->tlb_shootdowns = st->tlb_shootdowns;
	s->threads_exited = st->threads_exited;
	s->threads_killed = st->threads_killed;
	s->timeline_actions = rt->actions_fired;
	s->interrupts = st->timer_ticks + st->device_irqs + st->spurious_irqs;
	s->tlb_flushes = st->tlb_flushes;
	for (size_t i = 0; i < rt->log.len; i++) {
		uint16_t k = rt->log.ev[i].kind;
		s->raised += k == UK_IRQ_EV_RAISE;
		s->stalls += k == UK_IRQ_EV_STALL;
	}
	for (size_t i = 0; i < rt->s->ndevices; i++) {
		s->handled += rt->dev[i].handled;
		s->acks += rt->dev[i].acks;
		s->naks += rt->dev[i].naks;
		s->spurious += rt->dev[i].spurious;
		s->dropped_edges += rt->dev[i].dropped;
	}
	for (size_t i = 0; i < rt->s->nprocesses; i++)
		s->rejected += rt->proc[i].rejected;
	for (unsigned c = 0; c < hw_intc_count(rt->sm->hw); c++) {
		struct hw_intc_stats hs;
		struct hw_intc_info hi;
		if (hw_intc_stats(rt->sm->hw, c, ~0u, &hs) == 0 && hw_intc_info(rt->sm->hw, c, &hi) == 0) {
			/* Per-CPU lines are the LAPICs' local inputs. */
			struct sim_ctrl_stats *cs = hi.kind == HW_INTC_IOAPIC   ? &s->ioapic
						    : hi.kind == HW_INTC_MSI    ? &s->msi
						    : hi.kind == HW_INTC_PERCPU ? &s->lapic
										: &s->plic;
			s->controller_dropped += hs.dropped;
			s->controller_held += hs.held;
			cs->dropped += hs.dropped;
			cs->held += hs.held;
			cs->coalesced += hs.coalesced;
		}
	}
	for (unsigned c = 0; c < rt->s->machine.cpus; c++) {
		struct hw_lapic_stats ls;
		hw_lapic_stats(rt->sm->hw, c, &ls);
		s->lapic.dropped += ls.dropped;
		s->lapic.held += ls.held;
		s->lapic.coalesced += ls.coalesced;
	}
	s->suspends = st->suspends;
	s->resumes = st->resumes;
	s->wakeups = st->wakeups;
	s->irq_moves = st->irq_moves;
	for (unsigned i = 0; i < UK_XFER_MAX_IDS; i++)
		s->copied_bytes += st->xfer[i].bytes;
}

const char *sim_report_result(const struct sim_run_report *r)
{
	if (r->internal_error || r->result == SIM_ERROR)
		return "error";
	return r->all_met ? "pass" : "fail";
}

void sim_expect_observed(const struct sim_expect_verdict *v, char *buf, size_t len)
{
	char t[32];
	switch (v->e->kind) {
	case UKS_EXPECT_COUNT:
		snprintf(buf, len, "saw %llu", (unsigned long long)v->observed);
		break;
	case UKS_EXPECT_LATENCY:
		sim_format_time(v->observed, t, sizeof(t));
		if (v->never && v->observed)
			snprintf(buf, len, "never served (longest served: %s)", t);
		else if (v->never)
			snprintf(buf, len, "never served");
		else
			snprintf(buf, len, "saw %s", t);
		break;
	case UKS_EXPECT_NO_DEADLOCK:
		snprintf(buf, len, "%s", v->met ? "none" : "deadlocked");
		break;
	case UKS_EXPECT_VIOLATION:
		snprintf(buf, len, "%s", v->met ? "shown" : "not shown in this schedule");
		break;
	}
}

#define U(x) ((unsigned long long)(x))

/* Whether a violation the run showed fails it (judge.c decides the same). */
static bool fails_run(const struct uks_scenario *s, const struct sim_violation *v)
{
	if (rt_expected(s, v->id))
		return false;
	return ((v->id[0] == 'I' || v->id[0] == 'L') && s->invariants) ||
	       !strcmp(v->id, "attach-refused") || !strcmp(v->id, SIM_KERNEL_INVARIANT);
}

/* Check marks only where the locale's character set can show them (the
 * program's LC_CTYPE: uksim sets it from the environment). */
static bool utf8_locale(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
}

void sim_report_print_human(FILE *f, const struct uks_scenario *s, const struct sim_run_report *r)
{
	bool utf8 = utf8_locale();
	fprintf(f, "scenario %s (%s), seed %llu\n", s->name, s->nfiles ? s->files[0] : "?",
		U(r->seed));
	if (s->sets) {
		fputs("settings:", f);
		for (const char *p = s->sets; *p;) {
			size_t n = strcspn(p, "\n");
			fprintf(f, " --set %.*s", (int)n, p);
			p += n + (p[n] != 0);
		}
		fputc('\n', f);
	}
	if (r->internal_error) {
		fprintf(f, "%s%s\n", r->bad_scenario ? "" : "internal error: ", r->message);
		return;
	}
	for (size_t i = 0; i < r->nexpects; i++) {
		const struct sim_expect_verdict *v = &r->expects[i];
		char obs[96], text[sizeof(v->text)];
		sim_expect_observed(v, obs, sizeof(obs));
		sim_expect_text(v->e, text, sizeof(text));
		fprintf(f, "  %s %s:%u:%u  %s  (%s)\n",
			utf8 ? (v->met ? "\u2713" : "\u2717") : (v->met ? "ok" : "NO"),
			v->e->pos.file, v->e->pos.line, v->e->pos.col, text, obs);
	}
	const struct sim_run_stats *t = &r->stats;
	char end[32];
	sim_format_time(t->end_ns, end, sizeof(end));
	fprintf(f, "result: %s (%s; %s)\n", sim_report_result(r), sim_result_name(r->result),
		r->message);
	fprintf(f, "stats: %s virtual, %llu steps, %llu decisions, %llu switches, %llu preemptions, "
		   "%llu syscalls, %llu IPIs\n",
		end, U(t->steps), U(t->decisions), U(t->switches), U(t->preemptions), U(t->syscalls),
		U(t->ipis));
	fprintf(f, "  irq: %llu raised, %llu episodes, %llu handled, %llu ACKs, %llu NAKs, "
		   "%llu nobody-cared, %llu stalls, %llu timeouts, %llu rejected, %llu dropped edges\n",
		U(t->raised), U(t->irq_episodes), U(t->handled), U(t->acks), U(t->naks),
		U(t->nobody_cared), U(t->stalls), U(t->timeouts), U(t->rejected), U(t->dropped_edges));
	fprintf(f, "  controllers: %llu edges lost, %llu held across a mask; %llu lines disabled\n",
		U(t->controller_dropped), U(t->controller_held), U(t->irq_disabled));
	fprintf(f, "    lost/held: ioapic %llu/%llu, msi %llu/%llu, plic %llu/%llu, lapic %llu/%llu\n",
		U(t->ioapic.dropped), U(t->ioapic.held), U(t->msi.dropped), U(t->msi.held),
		U(t->plic.dropped), U(t->plic.held), U(t->lapic.dropped), U(t->lapic.held));
	if (t->suspends || t->irq_moves)
		fprintf(f, "  power: %llu suspends, %llu resumes (%llu by a wake line); %llu line moves\n",
			U(t->suspends), U(t->resumes), U(t->wakeups), U(t->irq_moves));
	fprintf(f, "  kernel: %llu IPC calls, %llu hand-offs, %llu bytes copied, %llu page walks, "
		   "%llu shootdowns, %llu no-preemption sections (%llu overran), %llu threads exited, "
		   "%llu killed\n",
		U(t->ipc_calls), U(t->ipc_handoffs), U(t->copied_bytes), U(t->page_walks), U(t->tlb_shootdowns),
		U(t->nopreempt_sections), U(t->budget_overruns), U(t->threads_exited),
		U(t->threads_killed));
	/* What failed the run, first in time: the expectation broken first (at
	 * the time it broke) or a violation that fails the run; the others
	 * that failed it are "also", the rest of the violations "showed". */
	const struct sim_expect_verdict *first = NULL;
	for (size_t i = 0; !r->all_met && i < r->nexpects; i++) {
		const struct sim_expect_verdict *v = &r->expects[i];
		if (!v->met && (!first || v->broken_ns < first->broken_ns))
			first = v;
	}
	const struct sim_violation *fv = NULL;
	for (size_t i = 0; !r->all_met && !fv && i < r->nviolations; i++)
		if (fails_run(s, &r->violations[i]))
			fv = &r->violations[i];
	if (!r->all_met && !first && !fv && r->nviolations)
		fv = &r->violations[0]; /* an error run: what it showed first */
	bool expect_first = first && (!fv || first->broken_ns < fv->time_ns);
	if (first) {
		char obs[96], when[32];
		sim_expect_observed(first, obs, sizeof(obs));
		sim_format_time(first->broken_ns, when, sizeof(when));
		fprintf(f, "%s at %s (%llu ns): %s:%u:%u %s not met (%s)%s%s\n",
			expect_first ? "went wrong" : "also broken", when, U(first->broken_ns),
			first->e->pos.file, first->e->pos.line, first->e->pos.col, first->text, obs,
			first->why[0] ? ": " : "", first->why);
	}
	for (size_t i = 0; i < r->nviolations; i++) {
		const struct sim_violation *v = &r->violations[i];
		char when[32], cpu[SIM_NAME_MAX + 64] = "no CPU", who[SIM_NAME_MAX + 32];
		sim_format_time(v->time_ns, when, sizeof(when));
		const char *thr = v->cpu >= 0 ? running(r, (unsigned)v->cpu, v->time_ns, who, sizeof(who))
					      : NULL;
		if (thr)
			snprintf(cpu, sizeof(cpu), "CPU %d (%s)", v->cpu, thr);
		else if (v->cpu >= 0)
			snprintf(cpu, sizeof(cpu), "CPU %d", v->cpu);
		const char *how = v == fv && !expect_first		  ? "went wrong"
				  : !r->all_met && fails_run(s, v) ? "also went wrong"
								    : "showed";
		fprintf(f, "%s at %s (%llu ns) on %s: %s: %s\n", how, when, U(v->time_ns), cpu, v->id,
			v->message);
	}
}

static void json_stats(FILE *f, const struct sim_run_stats *t)
{
	fprintf(f, "{\"end_ns\": %llu, \"steps\": %llu, \"decisions\": %llu, \"switches\": %llu, "
		   "\"preemptions\": %llu, \"syscalls\": %llu, \"ipis\": %llu, \"raised\": %llu, "
		   "\"episodes\": %llu, \"handled\": %llu, \"acks\": %llu, \"naks\": %llu, "
		   "\"nobody_cared\": %llu, \"stalls\": %llu, \"timeouts\": %llu, \"rejected\": %llu, "
		   "\"spurious\": %llu, \"dropped_edges\": %llu, \"irq_violations\": %llu, "
		   "\"ipc_calls\": %llu, \"ipc_handoffs\": %llu, \"copied_bytes\": %llu, "
		   "\"page_walks\": %llu, "
		   "\"tlb_shootdowns\": %llu, \"nopreempt_sections\": %llu, \"budget_overruns\": %llu, "
		   "\"threads_exited\": %llu, \"threads_killed\": %llu, \"timeline_actions\": %llu, "
		   "\"interrupts\": %llu, \"tlb_flushes\": %llu, \"controller_dropped\": %llu, "
		   "\"controller_held\": %llu, \"irq_disabled\": %llu, "
		   "\"ioapic_dropped\": %llu, \"ioapic_held\": %llu, \"msi_dropped\": %llu, "
		   "\"msi_held\": %llu, \"plic_dropped\": %llu, \"plic_held\": %llu, "
		   "\"lapic_dropped\": %llu, \"lapic_held\": %llu, \"suspends\": %llu, "
		   "\"resumes\": %llu, \"wakeups\": %llu, \"irq_moves\": %llu}",
		U(t->end_ns), U(t->steps), U(t->decisions), U(t->switches), U(t->preemptions),
		U(t->syscalls), U(t->ipis), U(t->raised), U(t->irq_episodes), U(t->handled),
		U(t->acks), U(t->naks), U(t->nobody_cared), U(t->stalls), U(t->timeouts),
		U(t->rejected), U(t->spurious), U(t->dropped_edges), U(t->irq_violations),
		U(t->ipc_calls), U(t->ipc_handoffs), U(t->copied_bytes), U(t->page_walks),
		U(t->tlb_shootdowns), U(t->nopreempt_sections), U(t->budget_overruns),
		U(t->threads_exited), U(t->threads_killed), U(t->timeline_actions),
		U(t->interrupts), U(t->tlb_flushes), U(t->controller_dropped),
		U(t->controller_held), U(t->irq_disabled), U(t->ioapic.dropped), U(t->ioapic.held),
		U(t->msi.dropped), U(t->msi.held), U(t->plic.dropped), U(t->plic.held),
		U(t->lapic.dropped), U(t->lapic.held), U(t->suspends), U(t->resumes), U(t->wakeups),
		U(t->irq_moves));
}

void sim_report_print_json(FILE *f, const struct uks_scenario *s, const struct sim_run_report *r)
{
	char who[SIM_NAME_MAX + 32];
	fputs("{\"scenario\": ", f);
	sim_json_string(f, s->name);
	fputs(", \"file\": ", f);
	sim_json_string(f, s->nfiles ? s->files[0] : "");
	fprintf(f, ", \"result\": \"%s\", \"engine\": \"%s\", \"seed\": %llu, \"message\": ",
		sim_report_result(r), sim_result_name(r->result), U(r->seed));
	sim_json_string(f, r->message);
	fputs(", \"expectations\": [", f);
	for (size_t i = 0; i < r->nexpects; i++) {
		const struct sim_expect_verdict *v = &r->expects[i];
		char text[sizeof(v->text)];
		sim_expect_text(v->e, text, sizeof(text));
		fprintf(f, "%s{\"text\": ", i ? ", " : "");
		sim_json_string(f, text);
		char obs[96];
		sim_expect_observed(v, obs, sizeof(obs));
		fprintf(f, ", \"line\": %u, \"column\": %u, \"met\": %s, \"observed\": %llu%s, "
			   "\"observed_text\": ",
			v->e->pos.line, v->e->pos.col, v->met ? "true" : "false", U(v->observed),
			v->never ? ", \"never\": true" : "");
		sim_json_string(f, obs);
		if (!v->met) {
			fprintf(f, ", \"broken_ns\": %llu, \"why\": ", U(v->broken_ns));
			sim_json_string(f, v->why);
		}
		fputc('}', f);
	}
	fputs("], \"violations\": [", f);
	for (size_t i = 0; i < r->nviolations; i++) {
		const struct sim_violation *v = &r->violations[i];
		fprintf(f, "%s{\"id\": ", i ? ", " : "");
		sim_json_string(f, v->id);
		fprintf(f, ", \"time_ns\": %llu, \"cpu\": %d, \"thread\": ", U(v->time_ns), v->cpu);
		const char *thr = v->cpu >= 0 ? running(r, (unsigned)v->cpu, v->time_ns, who, sizeof(who))
					      : NULL;
		if (thr)
			sim_json_string(f, thr);
		else
			fputs("null", f);
		fputs(", \"message\": ", f);
		sim_json_string(f, v->message);
		fputc('}', f);
	}
	fputs("], \"names\": ", f);
	sim_names_print_json(f, r->names);
	fputs(", \"stats\": ", f);
	json_stats(f, &r->stats);
	fprintf(f, ", \"trace_hash\": \"%016llx\", \"irq_signature\": \"%016llx\"}\n",
		U(r->trace_hash), U(r->irq_signature));
}
