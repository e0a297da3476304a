/* SPDX-License-Identifier: MIT */
/*
 * The scenario's names for the ids of a traced run (sim/export.h), built
 * after the run so the run itself pays nothing for them:
 *
 *   threads    a scenario thread is "<process>.<thread>" ("nicdrv.main");
 *              a thread a program made at run time "<process>.<program>#N",
 *              N counting from 1 per process and program in creation order
 *              ("vfs.worker#2"), from the kernel's record of its program at
 *              the end of the run; one that ended before is named after
 *              the process that started it ("vfs.thread#1"); kernel and
 *              runtime threads by their role ("idle/cpu1", "<process>.kill"
 *              for the thread that carries out a timeline `kill`);
 *   lines      a line is named after the devices on it: "nic0", or
 *              "nic0+disk0" for a shared line; the same name for the
 *              controller's pin (hw) and the kernel's IRQ pin;
 *   sinks      after the thread that attached them (sim_names_from_trace);
 *   devices    their scenario names; timeline actions as written
 *              ("assert nic0").
 */
#include "rt_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hwmodel/dev.h>
#include <sim/export.h>
#include <ukern/irq_log.h>

static uint64_t line_key(const struct uks_device *d)
{
	switch (d->line_kind) {
	case UKS_LINE_IOAPIC: return (uint64_t)SIM_LINE_CTRL_IOAPIC << 32 | d->line;
	case UKS_LINE_MSI: return (uint64_t)SIM_LINE_CTRL_MSI << 32 | d->line;
	case UKS_LINE_PLIC: return (uint64_t)SIM_LINE_CTRL_PLIC << 32 | d->line;
	case UKS_LINE_PERCPU:
		return (uint64_t)SIM_LINE_CTRL_PERCPU << 32 | (d->line_cpu * UKS_PERCPU_LINES + d->line);
	default: return UINT64_MAX;
	}
}

/* "nic0", or "nic0+disk0" for every device on the line of device i. */
static void line_name(const struct sim_rt *rt, size_t i, char *buf, size_t len)
{
	uint64_t key = line_key(&rt->s->devices[i]);
	size_t n = 0;
	buf[0] = 0;
	for (size_t j = 0; j < rt->s->ndevices && n < len; j++)
		if (line_key(&rt->s->devices[j]) == key)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "+" : "",
					      rt->s->devices[j].name);
}

static int name_devices(struct sim_rt *rt, struct sim_names *nm)
{
	char name[SIM_NAME_MAX];
	for (size_t i = 0; i < rt->s->ndevices; i++) {
		const struct uks_device *d = &rt->s->devices[i];
		unsigned idx = hw_dev_index(rt->dev[i].hw);
		uint64_t key = line_key(d);
		line_name(rt, i, name, sizeof(name));
		if (sim_names_set(nm, SIM_NAME_DEVICE, idx, 0, d->name) != 0)
			return -1;
		if (key == UINT64_MAX)
			continue;
		if (sim_names_set(nm, SIM_NAME_DEVICE_LINE, key, idx, d->name) != 0 ||
		    sim_names_set(nm, SIM_NAME_LINE, key >> 32, key & 0xffffffffu, name) != 0)
			return -1;
		if (d->line_kind == UKS_LINE_MSI &&
		    sim_names_set(nm, SIM_NAME_MSI, d->line, 0, name) != 0)
			return -1;
		if (rt->dev[i].pin_id >= 0 &&
		    sim_names_set(nm, SIM_NAME_PIN, (uint64_t)rt->dev[i].pin_id, 0, name) != 0)
			return -1;
	}
	return 0;
}

static int name_actions(struct sim_rt *rt, struct sim_names *nm)
{
	char text[SIM_NAME_MAX];
	for (size_t i = 0; i < rt->s->nactions; i++) {
		const struct uks_action *a = &rt->s->actions[i];
		if (a->kind == UKS_ACT_RAISE)
			snprintf(text, sizeof(text), "raise %s %#x", a->target_name, a->bits);
		else if (a->target_name)
			snprintf(text, sizeof(text), "%s %s", uks_action_name(a->kind), a->target_name);
		else
			snprintf(text, sizeof(text), "%s", uks_action_name(a->kind));
		if (sim_names_set(nm, SIM_NAME_ACTION, i, 0, text) != 0)
			return -1;
	}
	return 0;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/* Every thread id the records mention, sorted, without repeats. */
static uint64_t *thread_ids(const struct sim_run_report *out, size_t *n)
{
	uint64_t *ids = malloc((2 * out->trace_len + 1) * sizeof(*ids));
	size_t k = 0;
	if (!ids)
		return NULL;
	for (size_t i = 0; i < out->trace_len; i++) {
		const struct sim_trace_rec *r = &out->trace[i];
		if (r->kind == UK_TRACE_CORE_SWITCH) {
			ids[k++] = r->b;
			ids[k++] = r->c;
		} else if (r->kind == UK_TRACE_CORE_SPAWN || r->kind == UK_TRACE_CORE_WAKE) {
			ids[k++] = r->a;
		}
	}
	qsort(ids, k, sizeof(*ids), cmp_u64);
	size_t u = 0;
	for (size_t i = 0; i < k; i++)
		if (!u || ids[u - 1] != ids[i])
			ids[u++] = ids[i];
	*n = u;
	return ids;
}

/* The scenario process whose thread `tid` is, or -1. */
static int process_of(const struct sim_rt *rt, uint64_t tid)
{
	for (size_t i = 0; i < rt->nthr; i++)
		if (rt->thr[i].tid && rt->thr[i].tid == tid)
			return rt->thr[i].proc;
	return -1;
}

/* Threads made at run time that the kernel has forgotten by the end (they
 * ended): named after the thread that started them, the one running on
 * the waking CPU when they were first woken. A process's first thread
 * makes its kill thread (threads.c) and, in the runtime, nothing else but
 * the scenario's threads: that is "<process>.kill"; any other is
 * "<process>.thread#N" (its program is no longer known). */
static int name_ended_threads(struct sim_rt *rt, struct sim_run_report *out, struct sim_names *nm)
{
	size_t n;
	struct sim_trace t;
	sim_trace_init(&t, 0);
	t.recs = out->trace;
	t.len = out->trace_len;
	struct sim_trace_rec *r = sim_trace_sorted(&t, &n);
	bool *killer_named = calloc(rt->s->nprocesses + 1, sizeof(bool));
	uint64_t cur[64] = {0};
	int rc = killer_named ? 0 : -1;
	char name[SIM_NAME_MAX];
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (r[i].kind == UK_TRACE_CORE_SWITCH && r[i].a < 64) {
			cur[r[i].a] = r[i].c;
			continue;
		}
		if (r[i].kind != UK_TRACE_CORE_WAKE || r[i].c >= 64 ||
		    sim_names_get(nm, SIM_NAME_THREAD, r[i].a, 0))
			continue;
		int p = process_of(rt, cur[r[i].c]);
		if (p < 0)
			continue;
		const struct rt_proc *rp = &rt->proc[p];
		const char *proc = rt->s->processes[p].name;
		if (rp->kill_action >= 0 && cur[r[i].c] == rp->first_tid && !killer_named[p]) {
			snprintf(name, sizeof(name), "%s.kill", proc);
			killer_named[p] = true; /* one kill thread per process */
		} else {
			unsigned k = 1;
			for (;; k++) {
				snprintf(name, sizeof(name), "%.40s.thread#%u", proc, k);
				bool taken = false;
				for (size_t j = 0; j < nm->n && !taken; j++)
					taken = nm->v[j].kind == SIM_NAME_THREAD && !strcmp(nm->v[j].name, name);
				if (!taken)
					break;
			}
		}
		rc = sim_names_set(nm, SIM_NAME_THREAD, r[i].a, 0, name);
	}
	free(killer_named);
	free(r);
	return rc;
}

static int name_threads(struct sim_rt *rt, struct sim_run_report *out, struct sim_names *nm)
{
	char name[SIM_NAME_MAX];
	/* Processes: the kernel's id from the spawn of each first thread. */
	for (size_t i = 0; i < out->trace_len; i++) {
		const struct sim_trace_rec *r = &out->trace[i];
		if (r->kind != UK_TRACE_CORE_SPAWN)
			continue;
		for (size_t p = 0; p < rt->s->nprocesses; p++)
			if (rt->proc[p].first_tid == r->a &&
			    sim_names_set(nm, SIM_NAME_PROCESS, r->b, 0, rt->s->processes[p].name) != 0)
				return -1;
	}
	for (size_t i = 0; i < rt->nthr; i++) {
		const struct rt_thread *c = &rt->thr[i];
		if (!c->tid)
			continue;
		snprintf(name, sizeof(name), "%s.%s", rt->s->processes[c->proc].name, c->ut->name);
		if (sim_names_set(nm, SIM_NAME_THREAD, c->tid, 0, name) != 0)
			return -1;
	}
	/* Each CPU starts in its idle loop: its first switch leaves the
	 * CPU's idle thread (the kernel's first ids, one per CPU). */
	for (size_t i = 0; i < out->trace_len; i++) {
		const struct sim_trace_rec *r = &out->trace[i];
		if (r->kind != UK_TRACE_CORE_SWITCH || sim_names_get(nm, SIM_NAME_THREAD, r->b, 0))
			continue;
		bool first = true;
		for (size_t j = 0; j < i && first; j++)
			first = !(out->trace[j].kind == UK_TRACE_CORE_SWITCH && out->trace[j].a == r->a);
		snprintf(name, sizeof(name), "idle/cpu%llu", (unsigned long long)r->a);
		if (first && sim_names_set(nm, SIM_NAME_THREAD, r->b, 0, name) != 0)
			return -1;
	}
	size_t n;
	uint64_t *ids = thread_ids(out, &n);
	if (!ids)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct uk_thread_info info;
		if (sim_names_get(nm, SIM_NAME_THREAD, ids[i], 0) ||
		    uk_kernel_thread_info(rt->sm->k, ids[i], &info) != 0)
			continue;
		const char *proc = sim_names_get(nm, SIM_NAME_PROCESS, info.process_id, 0);
		const char *prog = info.name ? info.name : "thread";
		if (!strcmp(prog, "idle")) {
			snprintf(name, sizeof(name), "idle/cpu%u", info.cpu);
		} else if (!strcmp(prog, "scenario-kill")) {
			snprintf(name, sizeof(name), "%s.kill", proc ? proc : "process");
		} else {
			/* The N-th thread of this process and program. */
			char stem[SIM_NAME_MAX - 12];
			snprintf(stem, sizeof(stem), "%s.%s", proc ? proc : "process", prog);
			unsigned k = 1;
			for (;; k++) {
				snprintf(name, sizeof(name), "%s#%u", stem, k);
				bool taken = false;
				for (size_t j = 0; j < nm->n && !taken; j++)
					taken = nm->v[j].kind == SIM_NAME_THREAD && !strcmp(nm->v[j].name, name);
				if (!taken)
					break;
			}
		}
		rc = sim_names_set(nm, SIM_NAME_THREAD, ids[i], 0, name);
	}
	free(ids);
	return rc ? rc : name_ended_threads(rt, out, nm);
}

int rt_names(struct sim_rt *rt, struct sim_run_report *out)
{
	struct sim_names *nm = malloc(sizeof(*nm));
	if (!nm)
		return -1;
	sim_names_init(nm);
	struct sim_trace t;
	sim_trace_init(&t, 0);
	t.recs = out->trace;
	t.len = t.cap = t.count = out->trace_len;
	if (name_devices(rt, nm) != 0 || name_actions(rt, nm) != 0 || name_threads(rt, out, nm) != 0 ||
	    sim_names_from_trace(nm, &t) != 0) {
		sim_names_fini(nm);
		free(nm);
		return -1;
	}
	out->names = nm;
	return 0;
}
