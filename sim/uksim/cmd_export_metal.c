/* SPDX-License-Identifier: MIT */
/*
 * uksim export-metal FILE.uks: compile a scenario into the C table the
 * bare-metal image runs (metal/x86_64/scenario.h), on standard output.
 * `--qemu-args` prints instead what QEMU must be given for it (-smp and the
 * edu devices at their PCI slots), for scripts/qemu-run.sh.
 *
 * Only a subset of the language runs on metal (docs/porting.md, "Scenarios
 * on metal"): QEMU edu devices on an IOAPIC line or MSI, threads (one per
 * process) whose program the ring-3 image holds (METAL_PROGRAMS, with its
 * arguments as the simulator passes them), `raise` actions at fixed times,
 * and the count expectations nobody-cared, unserved, status-left, handled, plus
 * no-deadlock and latency irq(D) (measured, not judged). Anything else is
 * refused with its file:line:column and exit 2: a table that ran something
 * other than what the file says would make the side-by-side comparison lie.
 */
#include "uksim.h"

#include "sim/runtime.h"
#include "sim/scenario.h"

#include <stdlib.h>
#include <string.h>

#include <ukern/progargs.h>

/* The table's layout, its limits and the programs the ring-3 image holds
 * (METAL_PROGRAMS): the image's own header. */
#include "../../metal/x86_64/scenario.h"
#define MAX_METAL_DEVICES 2u /* metal/x86_64/metal.h METAL_MAX_EDU */
#define MAX_METAL_CPUS 16u   /* what qemu-run.sh's --smp has been tried with; UK_MAX_CPUS */

/* Fill `d` with "the metal image cannot run this" at `pos`. */
static int refuse(struct uks_diag *d, const struct uks_pos *pos, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);
static int refuse(struct uks_diag *d, const struct uks_pos *pos, const char *fmt, ...)
{
	va_list ap;
	uks_diag_clear(d);
	d->set = true;
	d->file = g_strdup(pos && pos->file ? pos->file : "?");
	d->line = pos ? pos->line : 0;
	d->col = pos && pos->col ? pos->col : 1;
	d->len = 1;
	va_start(ap, fmt);
	char *what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	d->message = g_strdup_printf("not supported on metal: %s", what);
	g_free(what);
	d->note = g_strdup("the subset that runs on metal is in docs/porting.md, \"Scenarios on metal\"");
	return -1;
}

static const struct uks_pos *machine_pos(const struct uks_scenario *s, const struct uks_pos *p)
{
	return p && p->line ? p : &s->machine.pos;
}

static int check_machine(const struct uks_scenario *s, struct uks_diag *d)
{
	const struct uks_machine *m = &s->machine;
	if (m->cpus > MAX_METAL_CPUS)
		return refuse(d, &m->pos, "%u CPUs (the image brings up at most %u)", m->cpus,
			      MAX_METAL_CPUS);
	if (strcmp(m->irq_model, "managarm") != 0)
		return refuse(d, machine_pos(s, &m->irq_model_pos),
			      "irq-model %s (the image runs libukern's default, managarm)", m->irq_model);
	if (strcmp(m->scheduler, "fixed") != 0)
		return refuse(d, machine_pos(s, &m->scheduler_pos), "scheduler %s", m->scheduler);
	if (m->nak_on_timeout)
		return refuse(d, &m->pos, "nak-on-timeout (the image runs libukern's default, off)");
	if (m->ack_timeout_ns != 1000000000ull || m->timeslice_ns != 1000000ull ||
	    !m->priority_inheritance || !m->ipc_handoff)
		return refuse(d, &m->pos, "a kernel setting other than libukern's default "
					  "(ack-timeout 1s, timeslice 1ms, priority-inheritance on, ipc-handoff on)");
	if (s->nlines)
		return refuse(d, &s->lines[0].pos, "a line block (the image uses the controllers' defaults)");
	if (s->nendpoints)
		return refuse(d, &s->endpoints[0].pos, "endpoints (IPC from ring 3 is not ported yet)");
	if (s->nloads)
		return refuse(d, &s->loads[0].pos, "load (plug-ins are host shared objects)");
	return 0;
}

static int check_devices(const struct uks_scenario *s, struct uks_diag *d)
{
	if (s->ndevices > MAX_METAL_DEVICES)
		return refuse(d, &s->devices[MAX_METAL_DEVICES].pos,
			      "more than %u devices (the image drives at most %u edu devices)",
			      MAX_METAL_DEVICES, MAX_METAL_DEVICES);
	for (size_t i = 0; i < s->ndevices; i++) {
		const struct uks_device *v = &s->devices[i];
		if (strcmp(v->kind, "edu") != 0)
			return refuse(d, &v->pos, "device kind %s (QEMU's edu is the only device the image drives)",
				      v->kind);
		if (v->nargs)
			return refuse(d, &v->args[0].pos, "device arguments");
		if (v->line_kind != UKS_LINE_IOAPIC && v->line_kind != UKS_LINE_MSI)
			return refuse(d, v->line_pos.line ? &v->line_pos : &v->pos,
				      "device %s: an interrupt line other than ioapic or msi", v->name);
		if (v->line_kind == UKS_LINE_IOAPIC && (v->trigger != UKS_TRIGGER_LEVEL ||
							v->polarity != UKS_POLARITY_HIGH))
			return refuse(d, &v->line_pos,
				      "device %s: an edu's INTx reaches the IOAPIC level-triggered, active high",
				      v->name);
		if (!v->pci || v->pci_bus != 0 || v->pci_fn != 0 || v->pci_dev < 1 || v->pci_dev > 31)
			return refuse(d, &v->pos,
				      "device %s: no `pci 0:N.0` placement (QEMU puts it at addr=N, N 1..31)",
				      v->name);
		for (size_t j = 0; j < i; j++) {
			const struct uks_device *w = &s->devices[j];
			if (w->pci_dev == v->pci_dev)
				return refuse(d, &v->pos, "devices %s and %s in one PCI slot", w->name, v->name);
			/* QEMU's PIIX routes slot S's INTA to PCI link (S + 0) mod 4:
			 * devices share a pin exactly when their slots agree mod 4. */
			if (v->line_kind != UKS_LINE_IOAPIC || w->line_kind != UKS_LINE_IOAPIC)
				continue;
			bool same_pin = v->line == w->line, same_link = (v->pci_dev & 3) == (w->pci_dev & 3);
			if (same_pin != same_link)
				return refuse(d, &v->pos,
					      "devices %s and %s %s one IOAPIC pin here, but QEMU routes "
					      "slots %u and %u to %s (slots share a pin when equal mod 4)",
					      w->name, v->name, same_pin ? "share" : "do not share",
					      w->pci_dev, v->pci_dev, same_link ? "one pin" : "different pins");
		}
	}
	return 0;
}

static const char *const image_program_names[] = {
#define METAL_PROGRAM_NAME(name, fn) name,
	METAL_PROGRAMS(METAL_PROGRAM_NAME)
#undef METAL_PROGRAM_NAME
};

static bool image_has(const char *program)
{
	for (size_t i = 0; i < G_N_ELEMENTS(image_program_names); i++)
		if (!strcmp(image_program_names[i], program))
			return true;
	return false;
}

/* Refuse thread t for its program, naming the image's programs. */
static int refuse_program(struct uks_diag *d, const struct uks_thread *t)
{
	GString *list = g_string_new(NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(image_program_names); i++)
		g_string_append_printf(list, "%s%s", i ? ", " : "", image_program_names[i]);
	int rc = refuse(d, &t->program_pos, "program %s (the ring-3 image holds %s)", t->program,
			list->str);
	g_string_free(list, TRUE);
	return rc;
}

static int check_threads(const struct uks_scenario *s, struct uks_diag *d)
{
	for (size_t i = 0; i < s->nprocesses; i++) {
		const struct uks_process *p = &s->processes[i];
		if (p->nthreads != 1)
			return refuse(d, p->nthreads ? &p->threads[1].pos : &p->pos,
				      "process %s: %zu threads (one thread per process: the ring-3 "
				      "image maps each program at fixed addresses)",
				      p->name, p->nthreads);
		const struct uks_thread *t = &p->threads[0];
		if (!image_has(t->program))
			return refuse_program(d, t);
		for (size_t j = 0; j < p->ncaps; j++)
			if (p->caps[j].kind == UKS_CAP_NOPREEMPT)
				return refuse(d, &p->caps[j].pos,
					      "caps nopreempt (no-preemption sections are not ported)");
		/* irq-driver reads and clears a scripted device's status at
		 * offset 0 (HW_SCRIPT_STATUS); an edu has its ID there, so the
		 * line would never drop (on the simulator as well). */
		for (size_t j = 0; j < t->nargs; j++)
			if (!strcmp(t->program, "irq-driver") && t->args[j].kind == UKS_VAL_DEVICE)
				return refuse(d, &t->args[j].value_pos,
					      "irq-driver on edu device %s (it drives a scripted device's "
					      "registers; use edu-driver)",
					      s->devices[t->args[j].ref].name);
		/* Its argument block, measured as args.c lays it out. */
		uint64_t size = sizeof(struct uk_progargs_hdr) + t->nargs * sizeof(struct uk_progarg) +
				s->ndevices * sizeof(struct uk_progarg_dev);
		for (size_t j = 0; j < t->nargs; j++)
			size += strlen(t->args[j].name) + 1 + (t->args[j].str ? strlen(t->args[j].str) + 1 : 0);
		for (size_t j = 0; j < s->ndevices; j++)
			size += strlen(s->devices[j].name) + 1;
		if (t->nargs > UK_PROGARGS_MAX_ARGS || ((size + 7) & ~7ull) > METAL_PROGARGS_MAX)
			return refuse(d, &t->pos,
				      "thread %s.%s: its argument block takes %" G_GUINT64_FORMAT
				      " bytes (the image writes at most %u)",
				      p->name, t->name, (guint64)((size + 7) & ~7ull), METAL_PROGARGS_MAX);
		uint64_t all = s->machine.cpus >= 64 ? ~0ull : (1ull << s->machine.cpus) - 1;
		if (!(t->affinity & all))
			return refuse(d, &t->affinity_pos, "thread %s.%s runs on no CPU of the machine",
				      p->name, t->name);
	}
	return 0;
}

static int check_timeline(const struct uks_scenario *s, struct uks_diag *d)
{
	if (s->nactions > METAL_SCN_MAX_ACTIONS)
		return refuse(d, &s->actions[METAL_SCN_MAX_ACTIONS].pos,
			      "more than %u timeline actions (the image's table holds %u)",
			      METAL_SCN_MAX_ACTIONS, METAL_SCN_MAX_ACTIONS);
	if (s->end_by_ns)
		return refuse(d, NULL, "end by");
	for (size_t i = 0; i < s->nactions; i++) {
		const struct uks_action *a = &s->actions[i];
		if (a->kind != UKS_ACT_RAISE)
			return refuse(d, &a->pos, "timeline action %s (the image makes edu raises only)",
				      uks_action_name(a->kind));
		if (a->earliest != a->latest)
			return refuse(d, &a->pos, "a time window (the explorer places it; metal has none)");
	}
	return 0;
}

/* The actions in time order, file order among equal times (as the
 * simulator's event queue orders them: by time, then sequence). */
static int by_time(gconstpointer pa, gconstpointer pb)
{
	const struct uks_action *a = *(const struct uks_action *const *)pa;
	const struct uks_action *b = *(const struct uks_action *const *)pb;
	if (a->earliest != b->earliest)
		return a->earliest < b->earliest ? -1 : 1;
	return a < b ? -1 : a > b;
}

static int expect_counter(const struct uks_expect *x)
{
	if (x->kind == UKS_EXPECT_NO_DEADLOCK)
		return 4;
	if (x->kind == UKS_EXPECT_LATENCY)
		return !strcmp(x->name, "irq") ? 5 : -1;
	if (x->kind != UKS_EXPECT_COUNT)
		return -1;
	static const char *const names[] = {"nobody-cared", "unserved", "status-left", "handled"};
	for (int i = 0; i < 4; i++)
		if (!strcmp(x->name, names[i]))
			return i;
	return -1;
}

static int check_expects(const struct uks_scenario *s, struct uks_diag *d)
{
	for (size_t i = 0; i < s->nexpects; i++) {
		const struct uks_expect *x = &s->expects[i];
		int c = expect_counter(x);
		if (c < 0)
			return refuse(d, &x->pos,
				      "expectation %s%s (metal counts nobody-cared, unserved, status-left, "
				      "handled, no-deadlock and latency irq)",
				      x->kind == UKS_EXPECT_VIOLATION ? "violation " : "", x->name ? x->name : "");
		if (c == 0 && x->ref >= 0)
			return refuse(d, &x->ref_pos, "nobody-cared of one device (metal counts the total)");
	}
	return 0;
}

static void c_string(GString *o, const char *s)
{
	g_string_append_c(o, '"');
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			g_string_append_printf(o, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			g_string_append_printf(o, "\\%03o", ch);
		else
			g_string_append_c(o, (char)ch);
	}
	g_string_append_c(o, '"');
}

/* Bit d for each device the process holds a capability of `kind` for
 * (mmio and pci both give device memory). */
static uint32_t cap_mask(const struct uks_process *p, enum uks_cap_kind kind)
{
	uint32_t m = 0;
	for (size_t i = 0; i < p->ncaps; i++) {
		enum uks_cap_kind k = p->caps[i].kind == UKS_CAP_MMIO ? UKS_CAP_PCI : p->caps[i].kind;
		if (k == kind && p->caps[i].ref >= 0 && p->caps[i].ref < 32)
			m |= 1u << p->caps[i].ref;
	}
	return m;
}

static char *table(const struct uks_scenario *s, const char *file)
{
	GString *o = g_string_new(NULL);
	g_string_append_printf(o, "/* Generated by `uksim export-metal %s`; do not edit. */\n", file);
	g_string_append(o, "#include \"scenario.h\"\n\n");
	g_string_append(o, "static const struct metal_scn_device devices[] = {\n");
	for (size_t i = 0; i < s->ndevices; i++) {
		const struct uks_device *v = &s->devices[i];
		g_string_append(o, "\t{ ");
		c_string(o, v->name);
		g_string_append_printf(o, ", %u, %s, %d, %u, %d },\n", v->pci_dev,
				       v->line_kind == UKS_LINE_MSI ? "METAL_SCN_MSI" : "METAL_SCN_IOAPIC",
				       v->trigger == UKS_TRIGGER_LEVEL, v->line,
				       v->status != UKS_STATUS_CLEAR_ON_READ);
	}
	g_string_append(o, "\t{ 0 }\n};\n\n");
	/* Each thread's arguments as its argument block carries them:
	 * name, kind (enum uk_progarg_kind), ref, num, str. */
	for (size_t i = 0; i < s->nprocesses; i++) {
		const struct uks_thread *t = &s->processes[i].threads[0];
		g_string_append_printf(o, "static const struct metal_scn_arg args%zu[] = {\n", i);
		for (size_t j = 0; j < t->nargs; j++) {
			const struct uks_arg *a = &t->args[j];
			g_string_append(o, "\t{ ");
			c_string(o, a->name);
			g_string_append_printf(o, ", %u, %d, %" G_GUINT64_FORMAT "ull, ",
					       sim_progarg_kind(a->kind), sim_progarg_ref(s, a), (guint64)a->num);
			if (a->str)
				c_string(o, a->str);
			else
				g_string_append(o, "0");
			g_string_append(o, " },\n");
		}
		g_string_append(o, "\t{ 0 }\n};\n");
	}
	g_string_append(o, "\nstatic const struct metal_scn_thread threads[] = {\n");
	for (size_t i = 0; i < s->nprocesses; i++) {
		const struct uks_process *p = &s->processes[i];
		const struct uks_thread *t = &p->threads[0];
		char *name = g_strdup_printf("%s.%s", p->name, t->name);
		g_string_append(o, "\t{ ");
		c_string(o, name);
		g_free(name);
		g_string_append(o, ", ");
		c_string(o, t->program);
		uint64_t all = s->machine.cpus >= 64 ? ~0ull : (1ull << s->machine.cpus) - 1;
		g_string_append_printf(o, ", %u, 0x%" G_GINT64_MODIFIER "xull, 0x%x, 0x%x, %zu, args%zu },\n",
				       t->prio, (guint64)(t->affinity & all), cap_mask(p, UKS_CAP_PCI),
				       cap_mask(p, UKS_CAP_IRQ), t->nargs, i);
	}
	g_string_append(o, "\t{ 0 }\n};\n\nstatic const struct metal_scn_action actions[] = {\n");
	const struct uks_action **order = g_new(const struct uks_action *, s->nactions + 1);
	for (size_t i = 0; i < s->nactions; i++)
		order[i] = &s->actions[i];
	qsort(order, s->nactions, sizeof(*order), by_time);
	for (size_t i = 0; i < s->nactions; i++) {
		const struct uks_action *a = order[i];
		g_string_append_printf(o, "\t{ %" G_GUINT64_FORMAT "ull, 0x%x, %d },\n",
				       (guint64)a->earliest, a->bits, a->target);
	}
	g_free(order);
	g_string_append(o, "\t{ 0 }\n};\n\nstatic const struct metal_scn_expect expects[] = {\n");
	static const char *const cmps[] = {"METAL_SCN_EQ", "METAL_SCN_NE", "METAL_SCN_LT",
					   "METAL_SCN_LE", "METAL_SCN_GT", "METAL_SCN_GE"};
	static const char *const counters[] = {"METAL_SCN_NOBODY_CARED", "METAL_SCN_UNSERVED",
					       "METAL_SCN_STATUS_LEFT",  "METAL_SCN_HANDLED",
					       "METAL_SCN_NO_DEADLOCK",  "METAL_SCN_LATENCY_IRQ"};
	for (size_t i = 0; i < s->nexpects; i++) {
		const struct uks_expect *x = &s->expects[i];
		char text[192];
		sim_expect_text(x, text, sizeof(text));
		g_string_append(o, "\t{ ");
		c_string(o, text);
		g_string_append_printf(o, ", %u, %u, %s, %s, %d, %" G_GUINT64_FORMAT "ull },\n",
				       x->pos.line, x->pos.col, counters[expect_counter(x)], cmps[x->cmp],
				       x->ref, (guint64)x->value);
	}
	g_string_append(o, "\t{ 0 }\n};\n\nconst struct metal_scenario metal_scenario = {\n");
	g_string_append(o, "\t.version = METAL_SCN_VERSION,\n\t.name = ");
	c_string(o, s->name);
	g_string_append(o, ",\n\t.file = ");
	c_string(o, file);
	g_string_append_printf(o, ",\n\t.cpus = %u,\n\t.ndevices = %zu,\n\t.nthreads = %zu,\n"
				  "\t.nactions = %zu,\n\t.nexpects = %zu,\n",
			       s->machine.cpus, s->ndevices, s->nprocesses, s->nactions, s->nexpects);
	g_string_append(o, "\t.devices = devices,\n\t.threads = threads,\n\t.actions = actions,\n"
			   "\t.expects = expects,\n};\n");
	return g_string_free(o, FALSE);
}

int uksim_cmd_export_metal(const struct uksim_cmd *cmd, int argc, char **argv)
{
	gboolean qemu_args = FALSE;
	GOptionEntry entries[] = {
		{"qemu-args", 0, 0, G_OPTION_ARG_NONE, &qemu_args,
		 "print QEMU's arguments for the scenario (-smp, the edu devices) instead of the table",
		 NULL},
		{NULL, 0, 0, 0, NULL, NULL, NULL},
	};
	if (!uksim_parse(cmd, entries, &argc, &argv))
		return UKSIM_EXIT_USAGE;
	if (argc != 2) {
		fprintf(stderr, "uksim export-metal: give one scenario file\n"
				"Usage: uksim export-metal [--qemu-args] FILE.uks > table.c\n");
		return UKSIM_EXIT_USAGE;
	}
	char err[512];
	struct sim_registry *reg = NULL;
	if (sim_registry_create(NULL, 0, &reg, err, sizeof(err)) != 0) {
		fprintf(stderr, "uksim export-metal: %s\n", err);
		return UKSIM_EXIT_INTERNAL;
	}
	struct uks_scenario *s = NULL;
	int rc = uksim_scenario_open(argv[1], reg, FALSE, NULL, &s);
	if (rc != UKSIM_EXIT_OK) {
		sim_registry_free(reg);
		return rc;
	}
	struct uks_diag d;
	uks_diag_init(&d);
	if (check_machine(s, &d) || check_devices(s, &d) || check_threads(s, &d) ||
	    check_timeline(s, &d) || check_expects(s, &d)) {
		char *text = uks_diag_format(&d);
		fputs(text, stderr);
		g_free(text);
		rc = UKSIM_EXIT_USAGE;
	} else if (qemu_args) {
		printf("-smp %u", s->machine.cpus);
		for (size_t i = 0; i < s->ndevices; i++)
			printf(" -device edu,addr=%u", s->devices[i].pci_dev);
		printf("\n");
	} else {
		char *c = table(s, argv[1]);
		fputs(c, stdout);
		g_free(c);
	}
	uks_diag_clear(&d);
	uks_scenario_free(s);
	sim_registry_free(reg);
	return rc;
}
