/* SPDX-License-Identifier: MIT */
/*
 * The scenario's content hash: FNV-1a over a normalized walk of the model.
 * Positions, file names and the scenario's name are left out, so
 * reformatting, comments, renaming or moving a fragment into an include do
 * not change it; every value does. A
 * replay token carries it to detect a changed scenario.
 */
#include "uks_int.h"

#include <string.h>

struct hasher {
	uint64_t h;
};

static void bytes(struct hasher *h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h->h ^= b[i];
		h->h *= 0x100000001b3ull;
	}
}

/* Fixed width, little-endian, so the hash is the same on every host. */
static void num(struct hasher *h, uint64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	bytes(h, b, 8);
}

/* Length-prefixed, so ("ab","c") and ("a","bc") differ; NULL is not "". */
static void str(struct hasher *h, const char *s)
{
	if (!s) {
		num(h, UINT64_MAX);
		return;
	}
	size_t n = strlen(s);
	num(h, n);
	bytes(h, s, n);
}

static void args(struct hasher *h, const struct uks_arg *a, size_t n)
{
	num(h, n);
	for (size_t i = 0; i < n; i++) {
		str(h, a[i].name);
		num(h, a[i].kind);
		num(h, a[i].num);
		str(h, a[i].str);
		num(h, (uint64_t)(int64_t)a[i].ref);
	}
}

static void machine(struct hasher *h, const struct uks_machine *m)
{
	num(h, m->cpus);
	num(h, m->memory);
	str(h, m->cost);
	str(h, m->irq_model);
	str(h, m->transfer);
	str(h, m->scheduler);
	num(h, m->timeslice_ns);
	num(h, m->priority_inheritance);
	num(h, m->ipc_handoff);
	num(h, m->ack_timeout_ns);
	num(h, m->msi_sources);
	num(h, m->plic_sources);
	/* Later settings are hashed only when used, so scenarios written
	 * before them keep their hash (and their replay tokens). */
	if (m->nak_on_timeout)
		str(h, "nak-on-timeout");
	if (m->linux_window || m->linux_threshold) {
		str(h, "linux");
		num(h, m->linux_window);
		num(h, m->linux_threshold);
	}
	if (m->sel4_unmask_at) {
		str(h, "sel4-unmask-at");
		num(h, m->sel4_unmask_at);
	}
}

static void lines(struct hasher *h, const struct uks_scenario *s)
{
	if (!s->nlines)
		return;
	str(h, "lines");
	num(h, s->nlines);
	for (size_t i = 0; i < s->nlines; i++) {
		const struct uks_line *l = &s->lines[i];
		num(h, l->kind);
		num(h, l->line);
		str(h, l->model);
		str(h, l->behaviour);
		if (l->wake)
			str(h, "wake");
	}
}

static void devices(struct hasher *h, const struct uks_scenario *s)
{
	lines(h, s);
	num(h, s->ndevices);
	for (size_t i = 0; i < s->ndevices; i++) {
		const struct uks_device *d = &s->devices[i];
		str(h, d->name);
		str(h, d->kind);
		args(h, d->args, d->nargs);
		num(h, d->line_kind);
		num(h, d->line);
		if (d->line_kind == UKS_LINE_PERCPU)
			num(h, d->line_cpu);
		num(h, d->trigger);
		num(h, d->polarity);
		num(h, d->status);
		num(h, d->pci);
		num(h, (uint64_t)d->pci_bus << 16 | (uint64_t)d->pci_dev << 8 | d->pci_fn);
	}
	num(h, s->nendpoints);
	for (size_t i = 0; i < s->nendpoints; i++) {
		str(h, s->endpoints[i].name);
		num(h, s->endpoints[i].queue);
		str(h, s->endpoints[i].transfer);
	}
}

static void processes(struct hasher *h, const struct uks_scenario *s)
{
	num(h, s->nprocesses);
	for (size_t i = 0; i < s->nprocesses; i++) {
		const struct uks_process *pr = &s->processes[i];
		str(h, pr->name);
		num(h, pr->nthreads);
		for (size_t j = 0; j < pr->nthreads; j++) {
			const struct uks_thread *t = &pr->threads[j];
			str(h, t->name);
			str(h, t->program);
			args(h, t->args, t->nargs);
			num(h, t->prio);
			num(h, t->affinity);
		}
		num(h, pr->ncaps);
		for (size_t j = 0; j < pr->ncaps; j++) {
			const struct uks_cap *c = &pr->caps[j];
			num(h, c->kind);
			num(h, (uint64_t)(int64_t)c->ref);
			num(h, c->rights);
			num(h, c->budget_ns);
		}
	}
}

static void timeline(struct hasher *h, const struct uks_scenario *s)
{
	num(h, s->nactions);
	for (size_t i = 0; i < s->nactions; i++) {
		const struct uks_action *a = &s->actions[i];
		num(h, a->kind);
		num(h, a->time_kind);
		num(h, a->earliest);
		num(h, a->latest);
		num(h, (uint64_t)(int64_t)a->prev);
		num(h, a->offset);
		num(h, (uint64_t)(int64_t)a->target);
		num(h, a->duration);
		num(h, a->spurious);
		if (a->kind == UKS_ACT_ROUTE)
			num(h, a->cpu); /* only here: older scenarios keep their hash */
		if (a->kind == UKS_ACT_RAISE)
			num(h, a->bits);
	}
	num(h, s->nexpects);
	for (size_t i = 0; i < s->nexpects; i++) {
		const struct uks_expect *e = &s->expects[i];
		num(h, e->kind);
		str(h, e->name);
		num(h, e->ref_type);
		num(h, (uint64_t)(int64_t)e->ref);
		num(h, e->cmp);
		num(h, e->value);
	}
	num(h, s->invariants);
	num(h, s->end_by_ns);
}

uint64_t uks_scenario_hash(const struct uks_scenario *s)
{
	struct hasher h = {0xcbf29ce484222325ull};
	/* The model's version: bump when the walk changes. The scenario's name
	 * is left out: renaming a file does not change what it runs. */
	str(&h, "uks-1");
	machine(&h, &s->machine);
	devices(&h, s);
	processes(&h, s);
	timeline(&h, s);
	num(&h, s->nloads);
	for (size_t i = 0; i < s->nloads; i++) {
		/* The base name: where the scenario sits on disk is not content. */
		const char *slash = strrchr(s->loads[i].path, '/');
		str(&h, slash ? slash + 1 : s->loads[i].path);
	}
	/* Settings from the command line, as given: a file's hash without
	 * them stays what it was, and with them it differs even for a setting
	 * the walk above would miss. */
	if (s->sets)
		str(&h, s->sets);
	return h.h;
}
