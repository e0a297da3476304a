/* SPDX-License-Identifier: MIT */
/* machine { ... }, device NAME { ... }, endpoint NAME { ... } */
#include "uks_int.h"

#include <string.h>

/* A catalog name (cost preset, IRQ model, ...), interned. */
static const char *catalog_name(struct uks_parser *p, const char *what, const char *const *names)
{
	int i = uks_parse_choice(p, what, names);
	return uks_str(p, names[i]);
}

/* A policy's name (IRQ model, scheduler, transfer, behaviour). A name the
 * catalog lacks may come from a shared object that is loaded only at run
 * time (a `load` line, --load): then it is kept with its position, and the
 * runtime checks it against the registry once the objects are in. */
static const char *policy_name(struct uks_parser *p, const char *what, const char *const *names,
			       struct uks_pos *pos)
{
	const struct uks_token *t = uks_peek(p);
	if (t->type == T_IDENT && uks_name_index(names, t->text) < 0 &&
	    (p->cat->allow_unknown_programs || p->s->nloads)) {
		*pos = t->pos;
		return uks_str(p, uks_next(p)->text);
	}
	*pos = t->pos;
	return catalog_name(p, what, names);
}

static const char *const machine_words[] = {
	"cpus", "memory", "cost", "irq-model", "transfer", "scheduler", "timeslice",
	"priority-inheritance", "ack-timeout", "controller", "ipc-handoff", "nak-on-timeout",
	"linux-window", "linux-threshold", "sel4-unmask-at", NULL,
};

/* `nak-on-timeout` alone means on; `nak-on-timeout off` says it outright. */
static bool parse_flag(struct uks_parser *p)
{
	const struct uks_token *t = uks_peek(p);
	if (t->type == T_IDENT && (!strcmp(t->text, "on") || !strcmp(t->text, "off")))
		return uks_parse_onoff(p);
	return true;
}

static void parse_controller(struct uks_parser *p, struct uks_machine *m)
{
	static const char *const kinds[] = {"ioapic", "msi", "plic", NULL};
	int k = uks_parse_choice(p, "interrupt controller", kinds);
	if (k == 0) /* the IOAPIC is always there, with 24 pins */
		return;
	const struct uks_token *t = uks_peek(p);
	if (k == 1 && t->type != T_IDENT)
		return;
	if (!uks_accept_word(p, "sources"))
		uks_fail(p, t->pos, t->len, "expected sources N", NULL,
			 "the %s controller needs its number of sources", kinds[k]);
	if (k == 1)
		m->msi_sources = (uint32_t)uks_parse_uint(p, "MSI sources", 1, UKS_MAX_MSI_SOURCES);
	else
		m->plic_sources = (uint32_t)uks_parse_uint(p, "PLIC sources", 1,
							   UKS_MAX_PLIC_SOURCES);
}

static void parse_memory(struct uks_parser *p, struct uks_machine *m)
{
	const struct uks_token *t = uks_peek(p);
	struct uks_pos pos = t->pos;
	uint32_t len = t->len;
	uint64_t v = uks_parse_size(p, "memory");
	if (v < (1ull << 20) || v > (64ull << 30))
		uks_fail(p, pos, len, NULL, NULL, "memory must be 1MiB..64GiB");
	if (v % 4096)
		uks_fail(p, pos, len, NULL, NULL, "memory must be a multiple of 4KiB");
	m->memory = v;
}

static uint64_t parse_positive_time(struct uks_parser *p, const char *what)
{
	struct uks_pos pos = uks_peek(p)->pos;
	uint32_t len = uks_peek(p)->len;
	uint64_t v = uks_parse_time(p, what);
	if (!v)
		uks_fail(p, pos, len, NULL, NULL, "%s must be longer than 0", what);
	return v;
}

void uks_parse_machine(struct uks_parser *p)
{
	struct uks_machine *m = &p->s->machine;
	const struct uks_catalog *c = p->cat;
	struct uks_pos open = uks_block_open(p, "machine");
	m->pos = open;
	struct uks_token kw;
	int i;
	while ((i = uks_block_item(p, "machine", open, machine_words, &kw)) >= 0) {
		switch (i) {
		case 0: m->cpus = (uint32_t)uks_parse_uint(p, "cpus", 1, UKS_MAX_CPUS); break;
		case 1: parse_memory(p, m); break;
		case 2: m->cost = catalog_name(p, "cost preset", c->cost_presets); break;
		case 3: m->irq_model = policy_name(p, "IRQ model", c->irq_models,
						   &m->irq_model_pos); break;
		case 4: m->transfer = policy_name(p, "transfer strategy", c->transfers,
						  &m->transfer_pos); break;
		case 5: m->scheduler = policy_name(p, "scheduler", c->schedulers,
						   &m->scheduler_pos); break;
		case 6: m->timeslice_ns = parse_positive_time(p, "timeslice"); break;
		case 7: m->priority_inheritance = uks_parse_onoff(p); break;
		case 8: m->ack_timeout_ns = parse_positive_time(p, "ack-timeout"); break;
		case 9: parse_controller(p, m); break;
		case 10: m->ipc_handoff = uks_parse_onoff(p); break;
		case 11: m->nak_on_timeout = parse_flag(p); break;
		case 12:
			m->linux_pos = kw.pos;
			m->linux_window = uks_parse_uint(p, "linux-window", 1, 100000000);
			break;
		case 13:
			m->linux_pos = kw.pos;
			m->linux_threshold = uks_parse_uint(p, "linux-threshold", 1, 100000000);
			break;
		case 14: {
			static const char *const when[] = {"issue", "bind", NULL};
			m->sel4_unmask_at = (uint32_t)uks_parse_choice(p, "sel4-unmask-at", when);
			break;
		}
		}
		uks_end_setting(p, machine_words);
	}
	uks_end_statement(p);
}

/* Devices, processes and endpoints share one namespace. */
static void check_new_name(struct uks_parser *p, const char *name, struct uks_pos pos)
{
	const struct uks_scenario *s = p->s;
	const struct uks_pos *prev = NULL;
	const char *what = NULL;
	for (size_t i = 0; i < s->ndevices && !prev; i++)
		if (!strcmp(s->devices[i].name, name))
			prev = &s->devices[i].pos, what = "device";
	for (size_t i = 0; i < s->nprocesses && !prev; i++)
		if (!strcmp(s->processes[i].name, name))
			prev = &s->processes[i].pos, what = "process";
	for (size_t i = 0; i < s->nendpoints && !prev; i++)
		if (!strcmp(s->endpoints[i].name, name))
			prev = &s->endpoints[i].pos, what = "endpoint";
	if (prev)
		uks_fail(p, pos, (uint32_t)strlen(name), NULL, NULL,
			 "'%s' is already defined (the %s at %s:%u:%u)", name, what, prev->file,
			 prev->line, prev->col);
}

static void parse_kind(struct uks_parser *p, struct uks_device *d)
{
	const struct uks_catalog *c = p->cat;
	const struct uks_token *t = uks_expect(p, T_IDENT, "a device kind");
	struct uks_token kw = *t;
	const struct uks_program_spec *spec = uks_catalog_device_kind(c, kw.text);
	if (!spec)
		uks_fail_unknown(p, &kw, "device kind",
				 uks_names_of(p, c->device_kinds, c->ndevice_kinds,
					      sizeof(c->device_kinds[0])));
	d->kind = uks_str(p, spec->name);
	uks_parse_args(p, spec, spec->name, &kw, &d->args, &d->nargs);
}

static void parse_line(struct uks_parser *p, struct uks_device *d, const struct uks_token *kw)
{
	static const char *const ctrls[] = {"ioapic", "msi", "plic", "percpu", NULL};
	static const char *const triggers[] = {"edge", "level", NULL};
	if (d->line_kind != UKS_LINE_NONE)
		uks_fail(p, kw->pos, kw->len, NULL, NULL,
			 "device '%s' already has an IRQ line (at %u:%u); a device sits on one line",
			 d->name, d->line_pos.line, d->line_pos.col);
	d->line_pos = kw->pos;
	int k = uks_parse_choice(p, "interrupt controller", ctrls);
	d->line_kind = (enum uks_line_kind)(k + 1);
	/* Ranges that depend on the machine are checked in validate.c. */
	if (k == 0) {
		d->line = (uint32_t)uks_parse_uint(p, "IOAPIC pin", 0, UKS_IOAPIC_PINS - 1);
	} else if (k == 3) {
		/* irq percpu N cpu C: CPU C's own local line N (C checked in validate.c) */
		d->line = (uint32_t)uks_parse_uint(p, "per-CPU line", 0, UKS_PERCPU_LINES - 1);
		if (!uks_accept_word(p, "cpu"))
			uks_fail_expected(p, "cpu N: the CPU whose own line it is");
		d->line_cpu = (uint32_t)uks_parse_uint(p, "CPU", 0, UKS_MAX_CPUS - 1);
	} else {
		d->line = (uint32_t)uks_parse_uint(p, k == 1 ? "MSI source" : "PLIC source", 0,
						   UKS_MAX_PLIC_SOURCES);
	}
	const struct uks_token *t = uks_peek(p);
	if (t->type == T_IDENT && uks_name_index(triggers, t->text) >= 0) {
		if (k == 1)
			uks_fail(p, t->pos, t->len, NULL, NULL,
				 "MSI is message-signalled: it takes no trigger mode");
		if (k == 3 && strcmp(t->text, "edge"))
			uks_fail(p, t->pos, t->len, NULL, NULL,
				 "per-CPU lines are edge only (as the LAPIC's LVT inputs)");
		d->trigger = (enum uks_trigger)uks_parse_choice(p, "trigger", triggers);
		t = uks_peek(p);
	}
	if (t->type == T_IDENT && (!strcmp(t->text, "high") || !strcmp(t->text, "low"))) {
		if (k != 0)
			uks_fail(p, t->pos, t->len, NULL, NULL, "only IOAPIC lines have a polarity");
		d->polarity = strcmp(t->text, "high") ? UKS_POLARITY_LOW : UKS_POLARITY_HIGH;
		uks_next(p);
	}
}

static void parse_pci(struct uks_parser *p, struct uks_device *d)
{
	d->pci = true;
	d->pci_bus = (uint8_t)uks_parse_uint(p, "PCI bus", 0, 255);
	uks_expect(p, T_COLON, "':' as in bus:device.function (0:3.0)");
	d->pci_dev = (uint8_t)uks_parse_uint(p, "PCI device", 0, 31);
	uks_expect(p, T_DOT, "'.' as in bus:device.function (0:3.0)");
	d->pci_fn = (uint8_t)uks_parse_uint(p, "PCI function", 0, 7);
}

static const char *const device_words[] = {"kind", "irq", "status", "pci", NULL};

void uks_parse_device(struct uks_parser *p)
{
	static const char *const statuses[] = {"clear-on-read", "write-1-to-clear", NULL};
	struct uks_scenario *s = p->s;
	struct uks_pos pos;
	const char *name = uks_parse_name_def(p, "device", &pos);
	check_new_name(p, name, pos);
	if (s->ndevices >= UKS_MAX_DEVICES)
		uks_fail(p, pos, 1, NULL, NULL, "more than %d devices", UKS_MAX_DEVICES);
	struct uks_device *d = uks_push((void **)&s->devices, &s->ndevices, sizeof(*d));
	d->pos = pos;
	d->name = name;
	struct uks_pos open = uks_block_open(p, "device");
	struct uks_token kw, status_kw = {0};
	int i;
	while ((i = uks_block_item(p, "device", open, device_words, &kw)) >= 0) {
		if (i == 2)
			status_kw = kw;
		if (i == 0 && d->kind)
			uks_fail(p, kw.pos, kw.len, NULL, NULL, "device '%s' already has a kind",
				 name);
		if (i == 3 && d->pci)
			uks_fail(p, kw.pos, kw.len, NULL, NULL, "device '%s' is already on PCI", name);
		switch (i) {
		case 0: parse_kind(p, d); break;
		case 1: parse_line(p, d, &kw); break;
		case 2: d->status = (enum uks_status_mode)(1 + uks_parse_choice(p, "status mode",
										 statuses)); break;
		case 3: parse_pci(p, d); break;
		}
		uks_end_statement(p);
	}
	if (!d->kind)
		uks_fail(p, pos, (uint32_t)strlen(name), "expected kind KIND inside the block", NULL,
			 "device '%s' has no kind", name);
	/* QEMU's edu has its own status registers: raise, acknowledge. */
	if (d->status != UKS_STATUS_DEFAULT && !strcmp(d->kind, "edu"))
		uks_fail(p, status_kw.pos, status_kw.len, NULL, NULL,
			 "device '%s': an edu device's interrupt status is cleared by writing its "
			 "bits to the acknowledge register: it takes no status mode",
			 name);
	uks_end_statement(p);
}

static const char *const line_words[] = {"model", "behaviour", "wake", NULL};

/* line ioapic 10 { model linux  behaviour mask-in-service  wake } */
void uks_parse_line(struct uks_parser *p, const struct uks_token *kw)
{
	static const char *const ctrls[] = {"ioapic", "msi", "plic", "percpu", NULL};
	struct uks_scenario *s = p->s;
	int k = uks_parse_choice(p, "interrupt controller", ctrls);
	uint32_t n;
	if (k == 0)
		n = (uint32_t)uks_parse_uint(p, "IOAPIC pin", 0, UKS_IOAPIC_PINS - 1);
	else if (k == 3) /* every CPU's instance of local line N */
		n = (uint32_t)uks_parse_uint(p, "per-CPU line", 0, UKS_PERCPU_LINES - 1);
	else
		n = (uint32_t)uks_parse_uint(p, k == 1 ? "MSI source" : "PLIC source", 0,
					     UKS_MAX_PLIC_SOURCES);
	for (size_t i = 0; i < s->nlines; i++)
		if (s->lines[i].kind == (enum uks_line_kind)(k + 1) && s->lines[i].line == n)
			uks_fail(p, kw->pos, kw->len, NULL, NULL,
				 "line %s %u already has its settings (at %s:%u:%u); a line is "
				 "declared once, for every device on it",
				 ctrls[k], n, s->lines[i].pos.file, s->lines[i].pos.line,
				 s->lines[i].pos.col);
	if (s->nlines >= UKS_MAX_LINES)
		uks_fail(p, kw->pos, kw->len, NULL, NULL, "more than %d line blocks", UKS_MAX_LINES);
	struct uks_line *l = uks_push((void **)&s->lines, &s->nlines, sizeof(*l));
	l->pos = kw->pos;
	l->kind = (enum uks_line_kind)(k + 1);
	l->line = n;
	struct uks_pos open = uks_block_open(p, "line");
	struct uks_token item;
	int i;
	while ((i = uks_block_item(p, "line", open, line_words, &item)) >= 0) {
		if (i == 0)
			l->model = policy_name(p, "IRQ model", p->cat->irq_models, &l->model_pos);
		else if (i == 2)
			l->wake = true; /* enable_irq_wake: may wake a suspended machine */
		else
			l->behaviour = policy_name(p, "controller behaviour", p->cat->behaviours,
						   &l->behaviour_pos);
		uks_end_setting(p, line_words);
	}
	uks_end_statement(p);
}

static const char *const endpoint_words[] = {"queue", "transfer", NULL};

void uks_parse_endpoint(struct uks_parser *p)
{
	static const char *const queues[] = {"fifo", "priority", NULL};
	struct uks_scenario *s = p->s;
	struct uks_pos pos;
	const char *name = uks_parse_name_def(p, "endpoint", &pos);
	check_new_name(p, name, pos);
	if (s->nendpoints >= UKS_MAX_ENDPOINTS)
		uks_fail(p, pos, 1, NULL, NULL, "more than %d endpoints", UKS_MAX_ENDPOINTS);
	struct uks_endpoint *e = uks_push((void **)&s->endpoints, &s->nendpoints, sizeof(*e));
	e->pos = pos;
	e->name = name;
	if (uks_peek(p)->type != T_LBRACE) {
		uks_end_statement(p);
		return;
	}
	struct uks_pos open = uks_block_open(p, "endpoint");
	struct uks_token kw;
	int i;
	while ((i = uks_block_item(p, "endpoint", open, endpoint_words, &kw)) >= 0) {
		if (i == 0)
			e->queue = (enum uks_queue)uks_parse_choice(p, "queue order", queues);
		else
			e->transfer = policy_name(p, "transfer strategy", p->cat->transfers,
						  &e->transfer_pos);
		uks_end_statement(p);
	}
	uks_end_statement(p);
}

void uks_check_name_free(struct uks_parser *p, const char *name, struct uks_pos pos)
{
	check_new_name(p, name, pos);
}
