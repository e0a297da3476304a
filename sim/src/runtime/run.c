/* SPDX-License-Identifier: MIT */
/*
 * One run of a scenario: build, run, judge, tear down; and the checks made
 * before any run (every program known, arguments of the right kind).
 */
#include "rt_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sim/export.h>

void rt_diag_set(struct uks_diag *d, const struct uks_pos *pos, const char *msg)
{
	if (!d)
		return;
	uks_diag_clear(d);
	d->set = true;
	d->file = strdup(pos->file ? pos->file : "?");
	d->line = pos->line;
	d->col = pos->col ? pos->col : 1;
	d->len = 1;
	d->message = strdup(msg);
}

/* Whether `name` names a device, endpoint or process of the scenario. */
static bool names_a(const struct uks_scenario *s, enum uks_arg_type t, const char *name)
{
	size_t n = t == UKS_ARG_DEVICE ? s->ndevices
		   : t == UKS_ARG_ENDPOINT ? s->nendpoints
					   : s->nprocesses;
	for (size_t i = 0; name && i < n; i++) {
		const char *x = t == UKS_ARG_DEVICE ? s->devices[i].name
				: t == UKS_ARG_ENDPOINT ? s->endpoints[i].name
							: s->processes[i].name;
		if (!strcmp(x, name))
			return true;
	}
	return false;
}

static bool arg_kind_ok(const struct uks_scenario *s, const struct uks_arg_spec *sp,
			const struct uks_arg *a)
{
	switch (sp->type) {
	case UKS_ARG_INT: return a->kind == UKS_VAL_INT;
	case UKS_ARG_TIME: return a->kind == UKS_VAL_TIME;
	case UKS_ARG_SIZE: return a->kind == UKS_VAL_SIZE || a->kind == UKS_VAL_INT;
	case UKS_ARG_BOOL: return a->kind == UKS_VAL_BOOL;
	case UKS_ARG_STRING: return a->kind == UKS_VAL_STRING;
	case UKS_ARG_ENUM:
		if (a->kind != UKS_VAL_IDENT)
			return false;
		for (size_t i = 0; sp->choices && sp->choices[i]; i++)
			if (!strcmp(sp->choices[i], a->str))
				return true;
		return false;
	case UKS_ARG_DEVICE:
	case UKS_ARG_ENDPOINT:
	case UKS_ARG_PROCESS:
		/* A loaded program's arguments were left untyped: the name must
		 * be one of the kind the program asks for. */
		if ((sp->type == UKS_ARG_DEVICE && a->kind == UKS_VAL_DEVICE) ||
		    (sp->type == UKS_ARG_ENDPOINT && a->kind == UKS_VAL_ENDPOINT) ||
		    (sp->type == UKS_ARG_PROCESS && a->kind == UKS_VAL_PROCESS))
			return true;
		return a->kind == UKS_VAL_IDENT && names_a(s, sp->type, a->str);
	default: return false;
	}
}

/* A program only known at run time had its arguments left unchecked by the
 * parser: check them against the program's own spec now. */
static int check_thread(const struct uks_scenario *s, const struct uks_thread *t,
			const struct sim_program *p,
			struct uks_diag *diag)
{
	char msg[256];
	if (!p->args)
		return 0;
	for (size_t i = 0; i < t->nargs; i++) {
		const struct uks_arg *a = &t->args[i];
		const struct uks_arg_spec *sp = NULL;
		for (size_t j = 0; j < p->nargs; j++)
			if (!strcmp(p->args[j].name, a->name))
				sp = &p->args[j];
		if (!sp) {
			snprintf(msg, sizeof(msg), "'%s' has no argument '%s'", p->name, a->name);
			rt_diag_set(diag, &a->pos, msg);
			return -1;
		}
		if (!arg_kind_ok(s, sp, a)) {
			snprintf(msg, sizeof(msg), "argument '%s' of '%s' has the wrong kind of value",
				 a->name, p->name);
			rt_diag_set(diag, &a->value_pos, msg);
			return -1;
		}
	}
	for (size_t j = 0; j < p->nargs; j++) {
		bool given = false;
		for (size_t i = 0; i < t->nargs; i++)
			given |= !strcmp(t->args[i].name, p->args[j].name);
		if (p->args[j].required && !given) {
			snprintf(msg, sizeof(msg), "'%s' needs argument '%s'", p->name,
				 p->args[j].name);
			rt_diag_set(diag, &t->program_pos, msg);
			return -1;
		}
	}
	return 0;
}

/* Named mutexes live in one process (the process's first thread makes
 * them); the same name in two processes would silently be two mutexes. */
static int check_mutexes(const struct uks_scenario *s, struct uks_diag *diag)
{
	for (size_t p = 0; p < s->nprocesses; p++)
		for (size_t j = 0; j < s->processes[p].nthreads; j++) {
			const char *m = rt_thread_mutex_name(&s->processes[p].threads[j]);
			for (size_t q = p + 1; m && q < s->nprocesses; q++)
				for (size_t k = 0; k < s->processes[q].nthreads; k++) {
					const char *o = rt_thread_mutex_name(&s->processes[q].threads[k]);
					if (!o || strcmp(m, o))
						continue;
					char msg[256];
					snprintf(msg, sizeof(msg),
						 "mutex '%s' is also used by process '%s': a named mutex "
						 "lives in one process (put the threads in one process)",
						 m, s->processes[p].name);
					rt_diag_set(diag, &s->processes[q].threads[k].pos, msg);
					return -1;
				}
		}
	return 0;
}

/* One policy name against the registry (the parser let it through when it
 * could only be known after the shared objects were loaded). */
static int check_policy(const struct sim_registry *r, enum sim_policy_kind kind,
			const char *name, const struct uks_pos *pos, struct uks_diag *diag)
{
	if (!name || sim_registry_policy(r, kind, name))
		return 0;
	uks_diag_unknown(diag, pos, sim_policy_kind_name(kind), name,
			 sim_registry_policy_names(r, kind));
	return -1;
}

static int check_policies(const struct uks_scenario *s, const struct sim_registry *r,
			  struct uks_diag *diag)
{
	const struct uks_machine *m = &s->machine;
	if (check_policy(r, SIM_POLICY_IRQ_MODEL, m->irq_model, &m->irq_model_pos, diag) ||
	    check_policy(r, SIM_POLICY_SCHEDULER, m->scheduler, &m->scheduler_pos, diag) ||
	    check_policy(r, SIM_POLICY_TRANSFER, m->transfer, &m->transfer_pos, diag))
		return -1;
	for (size_t i = 0; i < s->nlines; i++) {
		const struct uks_line *l = &s->lines[i];
		if (check_policy(r, SIM_POLICY_IRQ_MODEL, l->model, &l->model_pos, diag) ||
		    check_policy(r, SIM_POLICY_BEHAVIOUR, l->behaviour, &l->behaviour_pos, diag))
			return -1;
		const struct uk_irq_behaviour *b =
			l->behaviour ? sim_registry_policy(r, SIM_POLICY_BEHAVIOUR, l->behaviour) : NULL;
		if (b && (b->flags & UK_IRQ_BHV_LATCH_MASKED) && l->kind != UKS_LINE_IOAPIC) {
			rt_diag_set(diag, &l->behaviour_pos,
				    "behaviour latch-masked needs an IOAPIC line (an MSI vector "
				    "cannot be masked; the PLIC gateway holds its sources already)");
			return -1;
		}
	}
	for (size_t i = 0; i < s->nendpoints; i++) {
		const struct uks_endpoint *e = &s->endpoints[i];
		if (check_policy(r, SIM_POLICY_TRANSFER, e->transfer, &e->transfer_pos, diag))
			return -1;
	}
	return 0;
}

static const struct uks_arg *thread_arg(const struct uks_thread *t, const char *name)
{
	for (size_t i = 0; i < t->nargs; i++)
		if (!strcmp(t->args[i].name, name))
			return &t->args[i];
	return NULL;
}

/* The object an argument names. A loaded program's arguments are only
 * typed at run time, so a name may not be resolved yet: look it up. */
static int arg_ref(const struct uks_scenario *s, const struct uks_arg *a, enum uks_need_kind k)
{
	if (a->ref >= 0 || !a->str)
		return a->ref;
	bool dev = k == UKS_NEED_IRQ || k == UKS_NEED_PCI || k == UKS_NEED_MMIO;
	size_t n = dev ? s->ndevices : s->nendpoints;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(dev ? s->devices[i].name : s->endpoints[i].name, a->str))
			return (int)i;
	return -1;
}

static bool holds(const struct uks_process *pr, enum uks_need_kind k, int ref)
{
	for (size_t i = 0; i < pr->ncaps; i++) {
		const struct uks_cap *c = &pr->caps[i];
		switch (k) {
		case UKS_NEED_IRQ:
			if (c->kind == UKS_CAP_IRQ && c->ref == ref)
				return true;
			break;
		case UKS_NEED_PCI:
			if (c->kind == UKS_CAP_PCI && c->ref == ref)
				return true;
			break;
		case UKS_NEED_MMIO:
			if ((c->kind == UKS_CAP_MMIO || c->kind == UKS_CAP_PCI) && c->ref == ref)
				return true;
			break;
		case UKS_NEED_SEND:
		case UKS_NEED_RECEIVE:
			if (c->kind == UKS_CAP_ENDPOINT && c->ref == ref &&
			    (c->rights & (k == UKS_NEED_SEND ? UKS_RIGHT_SEND : UKS_RIGHT_RECEIVE)))
				return true;
			break;
		case UKS_NEED_NOPREEMPT:
			if (c->kind == UKS_CAP_NOPREEMPT)
				return true;
			break;
		}
	}
	return false;
}

/* The capabilities a thread's program declares it needs, held by its
 * process: otherwise the run would be refused piecemeal at run time, and
 * show up as a misleading failure (a driver that never attached looks
 * like nobody cared). */
static int check_needs(const struct uks_scenario *s, const struct uks_process *pr,
		       const struct uks_thread *t, const struct sim_program *prog,
		       struct uks_diag *diag)
{
	static const char *const cap_words[] = {"", "irq", "pci", "endpoint", "endpoint",
						"nopreempt", "mmio"};
	for (size_t i = 0; i < prog->nneeds; i++) {
		const struct uks_cap_need *n = &prog->needs[i];
		if (n->kind < UKS_NEED_IRQ || n->kind > UKS_NEED_MMIO)
			continue;
		const struct uks_arg *a = n->arg ? thread_arg(t, n->arg) : NULL;
		int ref = a ? arg_ref(s, a, n->kind) : -1;
		if (n->arg && ref < 0)
			continue; /* left out (optional), or no such object: the run says */
		if (holds(pr, n->kind, ref))
			continue;
		/* "program P needs caps C: process Q does not hold it (argument
		 * A = V)": the program, the capability, and the argument it
		 * follows from. */
		const char *v = a && a->str ? a->str : "?";
		char cap[160], msg[400];
		if (n->kind == UKS_NEED_SEND || n->kind == UKS_NEED_RECEIVE)
			snprintf(cap, sizeof(cap), "endpoint(%s, %s)", v,
				 n->kind == UKS_NEED_SEND ? "send" : "receive");
		else if (n->kind == UKS_NEED_MMIO)
			snprintf(cap, sizeof(cap), "mmio(%s) or pci(%s)", v, v);
		else if (a)
			snprintf(cap, sizeof(cap), "%s(%s)", cap_words[n->kind], v);
		else
			snprintf(cap, sizeof(cap), "%s(...)", cap_words[n->kind]);
		if (a)
			snprintf(msg, sizeof(msg),
				 "program '%s' needs caps %s: process '%s' does not hold it "
				 "(argument %s = %s)",
				 prog->name, cap, pr->name, n->arg, v);
		else
			snprintf(msg, sizeof(msg),
				 "program '%s' needs caps %s: process '%s' does not hold it",
				 prog->name, cap, pr->name);
		rt_diag_set(diag, &t->program_pos, msg);
		return -1;
	}
	return 0;
}

int sim_runtime_check(const struct uks_scenario *s, const struct sim_registry *r,
		      struct uks_diag *diag)
{
	if (check_policies(s, r, diag) != 0)
		return -1;
	for (size_t p = 0; p < s->nprocesses; p++)
		for (size_t j = 0; j < s->processes[p].nthreads; j++) {
			const struct uks_thread *t = &s->processes[p].threads[j];
			char msg[256];
			const struct sim_program *prog = rt_thread_program(s, r, t, msg, sizeof(msg));
			if (!prog) {
				rt_diag_set(diag, &t->program_pos, msg);
				return -1;
			}
			if (!t->spec && check_thread(s, t, prog, diag) != 0)
				return -1;
			if (check_needs(s, &s->processes[p], t, prog, diag) != 0)
				return -1;
		}
	return check_mutexes(s, diag);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Every served `latency irq(D)` wait, sorted, and the assertions never
 * served (rt_pending keeps served waits before its head). */
static int keep_latencies(const struct sim_rt *rt, struct sim_run_report *out)
{
	size_t n = 0;
	for (size_t i = 0; i < rt->s->ndevices; i++)
		n += rt->dev[i].lat_irq.tail;
	out->irq_latency_ns = malloc((n ? n : 1) * sizeof(uint64_t));
	if (!out->irq_latency_ns)
		return -1;
	for (size_t i = 0; i < rt->s->ndevices; i++) {
		const struct rt_pending *p = &rt->dev[i].lat_irq;
		for (uint32_t k = 0; k < p->head; k++)
			if (p->t[k] != RT_PENDING_DROPPED)
				out->irq_latency_ns[out->nirq_latency++] = p->t[k];
		out->irq_unserved += p->tail - p->head;
	}
	qsort(out->irq_latency_ns, out->nirq_latency, sizeof(uint64_t), cmp_u64);
	return 0;
}

int sim_runtime_run(const struct uks_scenario *s, const struct sim_runtime_options *o,
		    const struct sim_engine_config *ecfg, uint64_t seed, struct sim_run_report *out)
{
	memset(out, 0, sizeof(*out));
	out->scenario = s->name;
	out->seed = ecfg ? ecfg->seed : seed;
	struct sim_runtime_options dflt = {0};
	struct sim_registry *own = NULL;
	if (!o)
		o = &dflt;
	if (!o->registry) {
		/* Built-ins only: a registry of our own for this run. */
		dflt = *o;
		if (sim_registry_create(NULL, 0, &own, out->message, sizeof(out->message)) != 0)
			return -1;
		dflt.registry = own;
		o = &dflt;
	}
	struct sim_rt *rt = calloc(1, sizeof(*rt));
	if (!rt) {
		sim_registry_free(own);
		return -1;
	}
	enum sim_result res = SIM_ERROR;
	if (rt_build(rt, s, o, ecfg, seed) == 0) {
		rt_where_enter(rt);
		res = sim_machine_run(rt->sm);
		rt_where_leave();
	} else {
		out->internal_error = true;
	}
	if (out->internal_error) {
		snprintf(out->message, sizeof(out->message), "%s", rt->err);
		out->bad_scenario = rt->bad_scenario;
		out->result = SIM_ERROR;
	} else {
		rt_judge(rt, res, out);
	}
	int rc = 0;
	if (!out->internal_error && o->keep_latencies && keep_latencies(rt, out) != 0)
		rc = -1;
	if (!out->internal_error && o->keep_irq_log && rt->log.len) {
		out->irq_log = malloc(rt->log.len * sizeof(*out->irq_log));
		if (out->irq_log) {
			memcpy(out->irq_log, rt->log.ev, rt->log.len * sizeof(*out->irq_log));
			out->irq_log_len = rt->log.len;
			out->irq_log_lost = rt->log.lost;
		} else {
			rc = -1;
		}
	}
	if (!out->internal_error && out->trace_len && rt_names(rt, out) != 0)
		rc = -1;
	rt_destroy(rt);
	free(rt);
	sim_registry_free(own);
	if (rc != 0)
		sim_run_report_fini(out);
	return rc;
}

void sim_run_report_fini(struct sim_run_report *r)
{
	free(r->expects);
	free(r->violations);
	free(r->trace);
	if (r->names) {
		sim_names_fini(r->names);
		free(r->names);
	}
	free(r->dlog);
	free(r->irq_latency_ns);
	free(r->irq_log);
	memset(r, 0, sizeof(*r));
}
