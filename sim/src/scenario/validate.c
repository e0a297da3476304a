/* SPDX-License-Identifier: MIT */
/*
 * Checks that need the whole scenario (names may be used before they are
 * defined, or in another file): references resolved, numbers in range for
 * this machine, shared lines consistent, expectations sensible. Nothing
 * here needs the runtime.
 */
#include "uks_int.h"

#include <string.h>

/* Index of the item named `name` in an array of structs whose first two
 * members are a uks_pos and a name, or -1. */
#define FIND(arr, n, key)                                                                          \
	({                                                                                         \
		int _r = -1;                                                                       \
		for (size_t _i = 0; _i < (n) && _r < 0; _i++)                                      \
			if (!strcmp((arr)[_i].name, (key)))                                        \
				_r = (int)_i;                                                      \
		_r;                                                                                \
	})

static G_GNUC_NORETURN void fail_unknown_ref(struct uks_parser *p, struct uks_pos pos,
					     const char *name, const char *what,
					     const char *const *names)
{
	struct uks_token t;
	memset(&t, 0, sizeof(t));
	t.pos = pos;
	t.len = (uint32_t)strlen(name);
	g_strlcpy(t.text, name, sizeof(t.text));
	uks_fail_unknown(p, &t, what, names);
}

static const char *type_word(enum uks_arg_type t)
{
	return t == UKS_ARG_DEVICE ? "device" : t == UKS_ARG_PROCESS ? "process" : "endpoint";
}

/* A name of the wrong sort ("kill nic0") gets its own message. */
static void check_other_sort(struct uks_parser *p, enum uks_arg_type type, const char *name,
			     struct uks_pos pos)
{
	const struct uks_scenario *s = p->s;
	enum uks_arg_type is = UKS_ARG_NONE;
	if (FIND(s->devices, s->ndevices, name) >= 0)
		is = UKS_ARG_DEVICE;
	else if (FIND(s->processes, s->nprocesses, name) >= 0)
		is = UKS_ARG_PROCESS;
	else if (FIND(s->endpoints, s->nendpoints, name) >= 0)
		is = UKS_ARG_ENDPOINT;
	if (is != UKS_ARG_NONE && is != type)
		uks_fail(p, pos, (uint32_t)strlen(name), NULL, NULL, "'%s' is %s %s, not %s %s",
			 name, is == UKS_ARG_ENDPOINT ? "an" : "a", type_word(is),
			 type == UKS_ARG_ENDPOINT ? "an" : "a", type_word(type));
}

/* The first name field of a table, for uks_names_of; NULL for an empty table
 * (arithmetic on its NULL base would be undefined). */
#define NAMES_AT(tab, n, type) ((n) ? (const char *)(tab) + offsetof(type, name) : NULL)

/* Resolve `name` as a device, process or endpoint (by `type`). */
static int resolve(struct uks_parser *p, enum uks_arg_type type, const char *name,
		   struct uks_pos pos)
{
	const struct uks_scenario *s = p->s;
	int r;
	check_other_sort(p, type, name, pos);
	switch (type) {
	case UKS_ARG_DEVICE:
		if ((r = FIND(s->devices, s->ndevices, name)) < 0)
			fail_unknown_ref(p, pos, name, "device",
					 uks_names_of(p, NAMES_AT(s->devices, s->ndevices, struct uks_device),
						      s->ndevices, sizeof(s->devices[0])));
		return r;
	case UKS_ARG_PROCESS:
		if ((r = FIND(s->processes, s->nprocesses, name)) < 0)
			fail_unknown_ref(p, pos, name, "process",
					 uks_names_of(p, NAMES_AT(s->processes, s->nprocesses, struct uks_process),
						      s->nprocesses, sizeof(s->processes[0])));
		return r;
	default:
		if ((r = FIND(s->endpoints, s->nendpoints, name)) < 0)
			fail_unknown_ref(p, pos, name, "endpoint",
					 uks_names_of(p, NAMES_AT(s->endpoints, s->nendpoints, struct uks_endpoint),
						      s->nendpoints, sizeof(s->endpoints[0])));
		return r;
	}
}

static void resolve_args(struct uks_parser *p, struct uks_arg *args, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct uks_arg *a = &args[i];
		if (a->kind == UKS_VAL_DEVICE)
			a->ref = resolve(p, UKS_ARG_DEVICE, a->str, a->value_pos);
		else if (a->kind == UKS_VAL_PROCESS)
			a->ref = resolve(p, UKS_ARG_PROCESS, a->str, a->value_pos);
		else if (a->kind == UKS_VAL_ENDPOINT)
			a->ref = resolve(p, UKS_ARG_ENDPOINT, a->str, a->value_pos);
	}
}

static const char *line_name(enum uks_line_kind k)
{
	return k == UKS_LINE_IOAPIC ? "IOAPIC pin"
	       : k == UKS_LINE_MSI  ? "MSI source"
	       : k == UKS_LINE_PLIC ? "PLIC source"
				    : "per-CPU line";
}

/* `line` blocks name lines the machine has, as devices must. */
static void check_line_blocks(struct uks_parser *p)
{
	const struct uks_scenario *s = p->s;
	const struct uks_machine *m = &s->machine;
	for (size_t i = 0; i < s->nlines; i++) {
		const struct uks_line *l = &s->lines[i];
		if (l->kind == UKS_LINE_MSI && l->line >= m->msi_sources)
			uks_fail(p, l->pos, 4, NULL, NULL,
				 "MSI source %u does not exist: the machine has %u", l->line,
				 m->msi_sources);
		if (l->kind == UKS_LINE_PLIC && !m->plic_sources)
			uks_fail(p, l->pos, 4, "expected controller plic sources N in the machine",
				 NULL, "the machine has no PLIC");
		if (l->kind == UKS_LINE_PLIC && (l->line < 1 || l->line > m->plic_sources))
			uks_fail(p, l->pos, 4, NULL, NULL, "PLIC source %u is not in 1..%u", l->line,
				 m->plic_sources);
	}
}

static void check_line(struct uks_parser *p, size_t i)
{
	const struct uks_scenario *s = p->s;
	const struct uks_device *d = &s->devices[i];
	const struct uks_machine *m = &s->machine;
	if (d->line_kind == UKS_LINE_MSI && d->line >= m->msi_sources)
		uks_fail(p, d->line_pos, 3, NULL, NULL, "MSI source %u does not exist: the machine has %u",
			 d->line, m->msi_sources);
	if (d->line_kind == UKS_LINE_PLIC && !m->plic_sources)
		uks_fail(p, d->line_pos, 3, "expected controller plic sources N in the machine",
			 NULL, "the machine has no PLIC");
	if (d->line_kind == UKS_LINE_PLIC && (d->line < 1 || d->line > m->plic_sources))
		uks_fail(p, d->line_pos, 3, NULL, NULL, "PLIC source %u is not in 1..%u", d->line,
			 m->plic_sources);
	if (d->line_kind == UKS_LINE_PERCPU && d->line_cpu >= m->cpus)
		uks_fail(p, d->line_pos, 3, NULL, NULL,
			 "per-CPU line %u of CPU %u: the machine has %u CPU%s", d->line, d->line_cpu,
			 m->cpus, m->cpus == 1 ? "" : "s");
	for (size_t j = 0; j < i; j++) {
		const struct uks_device *o = &s->devices[j];
		if (o->line_kind != d->line_kind || o->line != d->line || !d->line_kind ||
		    (d->line_kind == UKS_LINE_PERCPU && o->line_cpu != d->line_cpu))
			continue;
		/* Only IOAPIC lines are shared (wired-OR); messages and PLIC
		 * sources belong to one device. */
		if (d->line_kind != UKS_LINE_IOAPIC)
			uks_fail(p, d->line_pos, 3, NULL, NULL, "%s %u is already used by '%s'",
				 line_name(d->line_kind), d->line, o->name);
		if (o->trigger != d->trigger || o->polarity != d->polarity)
			uks_fail(p, d->line_pos, 3, NULL, NULL,
				 "'%s' shares IOAPIC pin %u with '%s' but not its trigger mode and "
				 "polarity ('%s' is %s %s)",
				 d->name, d->line, o->name, o->name, o->trigger ? "level" : "edge",
				 o->polarity ? "low" : "high");
	}
}

static bool is_edu(const struct uks_device *d)
{
	return !strcmp(d->kind, "edu");
}

/* QEMU's edu is a PCI function whose INTx is a level line (or MSI). */
static void check_edu(struct uks_parser *p, const struct uks_device *d)
{
	if (!d->pci)
		uks_fail(p, d->pos, (uint32_t)strlen(d->name), "expected pci BUS:DEVICE.FUNCTION",
			 NULL, "device '%s': an edu device is a PCI function", d->name);
	if (d->line_kind == UKS_LINE_PERCPU ||
	    ((d->line_kind == UKS_LINE_IOAPIC || d->line_kind == UKS_LINE_PLIC) &&
	     d->trigger != UKS_TRIGGER_LEVEL))
		uks_fail(p, d->line_pos, 3, "expected irq ioapic N level, or irq msi N", NULL,
			 "device '%s': the edu's INTx is a level line (it stays asserted while "
			 "the interrupt status is non-zero)", d->name);
}

static void check_devices(struct uks_parser *p)
{
	struct uks_scenario *s = p->s;
	for (size_t i = 0; i < s->ndevices; i++) {
		struct uks_device *d = &s->devices[i];
		resolve_args(p, d->args, d->nargs);
		check_line(p, i);
		if (is_edu(d))
			check_edu(p, d);
		for (size_t j = 0; j < i && d->pci; j++) {
			const struct uks_device *o = &s->devices[j];
			if (o->pci && o->pci_bus == d->pci_bus && o->pci_dev == d->pci_dev &&
			    o->pci_fn == d->pci_fn)
				uks_fail(p, d->pos, (uint32_t)strlen(d->name), NULL, NULL,
					 "'%s' and '%s' are both at PCI %u:%u.%u", o->name, d->name,
					 d->pci_bus, d->pci_dev, d->pci_fn);
		}
	}
}

static void check_processes(struct uks_parser *p)
{
	struct uks_scenario *s = p->s;
	uint32_t cpus = s->machine.cpus;
	uint64_t all = cpus >= 64 ? ~0ull : (1ull << cpus) - 1;
	for (size_t i = 0; i < s->nprocesses; i++) {
		struct uks_process *pr = &s->processes[i];
		for (size_t j = 0; j < pr->nthreads; j++) {
			struct uks_thread *th = &pr->threads[j];
			resolve_args(p, th->args, th->nargs);
			if (th->affinity == ~0ull) {
				th->affinity = all;
			} else if (th->affinity & ~all) {
				unsigned bad = (unsigned)__builtin_ctzll(th->affinity & ~all);
				uks_fail(p, th->affinity_pos, 1, NULL, NULL,
					 "CPU %u does not exist: the machine has %u CPU%s", bad, cpus,
					 cpus == 1 ? "" : "s");
			}
		}
		for (size_t j = 0; j < pr->ncaps; j++) {
			struct uks_cap *c = &pr->caps[j];
			if (c->kind == UKS_CAP_IRQ || c->kind == UKS_CAP_PCI || c->kind == UKS_CAP_MMIO)
				c->ref = resolve(p, UKS_ARG_DEVICE, c->target, c->target_pos);
			else if (c->kind == UKS_CAP_ENDPOINT)
				c->ref = resolve(p, UKS_ARG_ENDPOINT, c->target, c->target_pos);
			if (c->kind == UKS_CAP_IRQ && !s->devices[c->ref].line_kind)
				uks_fail(p, c->target_pos, (uint32_t)strlen(c->target), NULL, NULL,
					 "device '%s' has no IRQ line", c->target);
			if (c->kind == UKS_CAP_PCI && !s->devices[c->ref].pci)
				uks_fail(p, c->target_pos, (uint32_t)strlen(c->target), NULL, NULL,
					 "device '%s' is not on PCI", c->target);
		}
	}
}

/* `raise` writes an edu's raise register; an edu cannot glitch its level
 * INTx (pulse, spurious, drop-edge) nor be left asserted by a reset. */
static void check_edu_action(struct uks_parser *p, const struct uks_action *a)
{
	const struct uks_device *d = &p->s->devices[a->target];
	uint32_t len = (uint32_t)strlen(a->target_name);
	if (a->kind == UKS_ACT_RAISE && !is_edu(d))
		uks_fail(p, a->target_pos, len, NULL, NULL,
			 "'raise' writes the interrupt raise register of an edu device: '%s' is %s",
			 d->name, d->kind);
	if (!is_edu(d))
		return;
	if (a->kind == UKS_ACT_PULSE || a->kind == UKS_ACT_SPURIOUS ||
	    a->kind == UKS_ACT_DROP_EDGE)
		uks_fail(p, a->target_pos, len,
			 "expected raise, assert, deassert, complete, reset or delay", NULL,
			 "an edu device cannot %s: its INTx is a level line that follows "
			 "its status", uks_action_name(a->kind));
	if (a->kind == UKS_ACT_RESET && a->spurious)
		uks_fail(p, a->target_pos, len, NULL, NULL,
			 "an edu device's reset clears its status: it leaves no spurious assertion");
}

static void check_timeline(struct uks_parser *p)
{
	struct uks_scenario *s = p->s;
	for (size_t i = 0; i < s->nactions; i++) {
		struct uks_action *a = &s->actions[i];
		bool kill = a->kind == UKS_ACT_KILL;
		if (a->kind == UKS_ACT_SUSPEND || a->kind == UKS_ACT_RESUME)
			continue;
		if (a->kind == UKS_ACT_ROUTE && a->cpu >= s->machine.cpus)
			uks_fail(p, a->cpu_pos, 1, NULL, NULL,
				 "the machine has %u CPU%s: no CPU %u to route to", s->machine.cpus,
				 s->machine.cpus == 1 ? "" : "s", a->cpu);
		a->target = resolve(p, kill ? UKS_ARG_PROCESS : UKS_ARG_DEVICE, a->target_name,
				    a->target_pos);
		if (a->kind == UKS_ACT_ROUTE && a->target >= 0 &&
		    s->devices[a->target].line_kind == UKS_LINE_PERCPU)
			uks_fail(p, a->target_pos, (uint32_t)strlen(a->target_name), NULL, NULL,
				 "'%s' is on a per-CPU line: it interrupts its own CPU only",
				 a->target_name);
		if (!kill)
			check_edu_action(p, a);
		if (kill || a->kind == UKS_ACT_RESET || a->kind == UKS_ACT_DELAY ||
		    a->kind == UKS_ACT_COMPLETE)
			continue;
		if (!s->devices[a->target].line_kind)
			uks_fail(p, a->target_pos, (uint32_t)strlen(a->target_name), NULL, NULL,
				 "device '%s' has no IRQ line to %s",
				 a->target_name, uks_action_name(a->kind));
	}
}

static void check_expects(struct uks_parser *p)
{
	struct uks_scenario *s = p->s;
	for (size_t i = 0; i < s->nexpects; i++) {
		struct uks_expect *e = &s->expects[i];
		if (e->ref_name)
			e->ref = resolve(p, e->ref_type, e->ref_name, e->ref_pos);
		if (e->kind == UKS_EXPECT_VIOLATION && e->name[0] == 'I' && !s->invariants)
			uks_fail(p, e->pos, 9, NULL, NULL,
				 "violation %s is an invariant, but invariants are off", e->name);
		if (e->kind == UKS_EXPECT_LATENCY && (e->cmp == UKS_CMP_GT || e->cmp == UKS_CMP_GE) &&
		    !e->value)
			uks_fail(p, e->pos, 7, NULL, NULL, "a latency is always >= 0");
	}
}

/* The Linux statistic disables a line when more than `threshold` of every
 * `window` episodes went unhandled: the threshold must be below the window
 * (each defaulting to the kernel's own, 99,900 and 100,000). */
static void check_linux(struct uks_parser *p)
{
	const struct uks_machine *m = &p->s->machine;
	uint64_t w = m->linux_window ? m->linux_window : 100000;
	uint64_t t = m->linux_threshold ? m->linux_threshold : 99900;
	if ((m->linux_window || m->linux_threshold) && t >= w)
		uks_fail(p, m->linux_pos, 5, NULL, NULL,
			 "linux-threshold (%llu%s) must be below linux-window (%llu%s)",
			 (unsigned long long)t, m->linux_threshold ? "" : ", the default",
			 (unsigned long long)w, m->linux_window ? "" : ", the default");
}

void uks_validate(struct uks_parser *p)
{
	check_linux(p);
	check_line_blocks(p);
	check_devices(p);
	check_processes(p);
	check_timeline(p);
	check_expects(p);
}
