/* SPDX-License-Identifier: MIT */
/*
 * The scenario language on valid input: values parsed into the model field
 * by field, includes, the content hash, and the catalog hooks.
 * Each Check suite is its own meson test (CK_RUN_SUITE).
 */
#include <check.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"

#ifndef UKS_TEST_DIR
#error "UKS_TEST_DIR must name tests/scenario"
#endif

static struct uks_scenario *parse_ok(const char *text)
{
	struct uks_scenario *s = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	int rc = uks_parse_string("t.uks", text, strlen(text), NULL, &s, &d);
	if (rc) {
		char *msg = uks_diag_format(&d);
		ck_abort_msg("unexpected error:\n%s", msg);
	}
	uks_diag_clear(&d);
	ck_assert_ptr_nonnull(s);
	return s;
}

static struct uks_scenario *parse_file_ok(const char *rel)
{
	char *path = g_build_filename(UKS_TEST_DIR, rel, NULL);
	struct uks_scenario *s = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	if (uks_parse_file(path, NULL, &s, &d)) {
		char *msg = uks_diag_format(&d);
		ck_abort_msg("unexpected error:\n%s", msg);
	}
	g_free(path);
	uks_diag_clear(&d);
	return s;
}

static const struct uks_arg *arg(const struct uks_arg *args, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(args[i].name, name))
			return &args[i];
	ck_abort_msg("no argument %s", name);
	return NULL;
}

/* ---- defaults and the machine ---- */

START_TEST(defaults)
{
	struct uks_scenario *s = parse_ok("# nothing\n");
	ck_assert_str_eq(s->name, "t");
	ck_assert_uint_eq(s->machine.cpus, 1);
	ck_assert_uint_eq(s->machine.memory, 64ull << 20);
	ck_assert_str_eq(s->machine.cost, "skylake");
	ck_assert_str_eq(s->machine.irq_model, "managarm");
	ck_assert_str_eq(s->machine.transfer, "physmap");
	ck_assert_str_eq(s->machine.scheduler, "fixed");
	ck_assert_uint_eq(s->machine.timeslice_ns, 1000000);
	ck_assert(s->machine.priority_inheritance);
	ck_assert(s->machine.ipc_handoff);
	ck_assert_uint_eq(s->machine.ack_timeout_ns, 1000000000);
	ck_assert_uint_eq(s->machine.msi_sources, 32);
	ck_assert_uint_eq(s->machine.plic_sources, 0);
	ck_assert(s->invariants);
	ck_assert_uint_eq(s->end_by_ns, 0);
	ck_assert_uint_eq(s->ndevices + s->nprocesses + s->nactions + s->nexpects, 0);
	ck_assert_uint_eq(s->nfiles, 1);
	ck_assert_str_eq(s->files[0], "t.uks");
	uks_scenario_free(s);
}
END_TEST

START_TEST(machine_fields)
{
	struct uks_scenario *s = parse_ok(
		"machine {\n cpus 8; memory 2GiB; cost slow-ipi; irq-model linux\n"
		" transfer grant; timeslice 250us; priority-inheritance off; ipc-handoff off\n"
		" ack-timeout 3s; controller msi sources 64; controller plic sources 7 }\n");
	const struct uks_machine *m = &s->machine;
	ck_assert_uint_eq(m->cpus, 8);
	ck_assert_uint_eq(m->memory, 2ull << 30);
	ck_assert_str_eq(m->cost, "slow-ipi");
	ck_assert_str_eq(m->irq_model, "linux");
	ck_assert_str_eq(m->transfer, "grant");
	ck_assert_uint_eq(m->timeslice_ns, 250000);
	ck_assert(!m->priority_inheritance);
	ck_assert(!m->ipc_handoff);
	ck_assert_uint_eq(m->ack_timeout_ns, 3000000000ull);
	ck_assert_uint_eq(m->msi_sources, 64);
	ck_assert_uint_eq(m->plic_sources, 7);
	ck_assert_uint_eq(m->pos.line, 1);
	ck_assert_uint_eq(m->pos.col, 9);
	uks_scenario_free(s);
}
END_TEST

START_TEST(numbers_and_units)
{
	struct uks_scenario *s = parse_ok(
		"machine { memory 1048576B }\n"
		"device d { kind scripted; irq msi 0x1f }\n"
		"timeline { at 1s pulse d; at 7ns pulse d; at 3ms pulse d; at 0us pulse d }\n");
	ck_assert_uint_eq(s->machine.memory, 1u << 20);
	ck_assert_uint_eq(s->devices[0].line, 31);
	ck_assert_uint_eq(s->actions[0].earliest, 1000000000ull);
	ck_assert_uint_eq(s->actions[1].earliest, 7);
	ck_assert_uint_eq(s->actions[2].earliest, 3000000);
	ck_assert_uint_eq(s->actions[3].earliest, 0);
	uks_scenario_free(s);
}
END_TEST

/* ---- the full sample, field by field ---- */

static void check_devices(const struct uks_scenario *s)
{
	ck_assert_uint_eq(s->ndevices, 7);
	ck_assert_str_eq(s->devices[6].kind, "edu");
	ck_assert(s->devices[6].pci);
	const struct uks_device *nic = &s->devices[0], *disk = &s->devices[1];
	ck_assert_str_eq(nic->name, "nic0");
	ck_assert_str_eq(nic->kind, "scripted");
	ck_assert_int_eq(nic->line_kind, UKS_LINE_IOAPIC);
	ck_assert_uint_eq(nic->line, 10);
	ck_assert_int_eq(nic->trigger, UKS_TRIGGER_LEVEL);
	ck_assert_int_eq(nic->polarity, UKS_POLARITY_LOW);
	ck_assert_int_eq(nic->status, UKS_STATUS_CLEAR_ON_READ);
	ck_assert(nic->pci);
	ck_assert_uint_eq(nic->pci_bus, 0);
	ck_assert_uint_eq(nic->pci_dev, 3);
	ck_assert_uint_eq(nic->pci_fn, 0);
	ck_assert_str_eq(disk->kind, "block");
	ck_assert_uint_eq(disk->nargs, 2);
	ck_assert_uint_eq(arg(disk->args, disk->nargs, "latency")->num, 20000);
	ck_assert_int_eq(arg(disk->args, disk->nargs, "size")->kind, UKS_VAL_SIZE);
	ck_assert_uint_eq(arg(disk->args, disk->nargs, "size")->num, 2u << 20);
	ck_assert_int_eq(disk->status, UKS_STATUS_WRITE1_CLEAR);
	ck_assert_uint_eq(disk->pci_bus, 1);
	ck_assert_uint_eq(disk->pci_dev, 31);
	ck_assert_uint_eq(disk->pci_fn, 7);
	ck_assert_uint_eq(disk->line, 10); /* shared with nic0 */
	ck_assert_int_eq(s->devices[2].trigger, UKS_TRIGGER_EDGE);
	ck_assert_int_eq(s->devices[2].polarity, UKS_POLARITY_HIGH);
	ck_assert_int_eq(s->devices[3].line_kind, UKS_LINE_MSI);
	ck_assert_uint_eq(s->devices[3].line, 3);
	ck_assert_int_eq(s->devices[4].line_kind, UKS_LINE_PLIC);
	ck_assert_int_eq(s->devices[5].line_kind, UKS_LINE_NONE);
	ck_assert(!s->devices[5].pci);
}

static void check_processes(const struct uks_scenario *s)
{
	ck_assert_uint_eq(s->nendpoints, 3);
	ck_assert_int_eq(s->endpoints[0].queue, UKS_QUEUE_PRIORITY);
	ck_assert_str_eq(s->endpoints[0].transfer, "grant");
	ck_assert_ptr_null(s->endpoints[1].transfer);
	ck_assert_uint_eq(s->nprocesses, 2);
	const struct uks_process *p = &s->processes[0];
	ck_assert_uint_eq(p->nthreads, 2);
	const struct uks_thread *t = &p->threads[0];
	ck_assert_str_eq(t->program, "irq-driver");
	ck_assert_ptr_nonnull(t->spec);
	ck_assert_uint_eq(t->prio, 200);
	ck_assert_uint_eq(t->affinity, 1u << 3);
	const struct uks_arg *dev = arg(t->args, t->nargs, "device");
	ck_assert_int_eq(dev->kind, UKS_VAL_DEVICE);
	ck_assert_int_eq(dev->ref, 0);
	ck_assert_str_eq(arg(t->args, t->nargs, "mistake")->str, "ack-before-clear");
	ck_assert_uint_eq(arg(t->args, t->nargs, "work")->num, 3000);
	ck_assert_uint_eq(arg(t->args, t->nargs, "count")->num, 5);
	ck_assert_int_eq(arg(t->args, t->nargs, "nak-first")->kind, UKS_VAL_BOOL);
	ck_assert_uint_eq(arg(t->args, t->nargs, "nak-first")->num, 1);
	ck_assert_uint_eq(p->threads[1].prio, 0);
	ck_assert_uint_eq(p->threads[1].affinity, 0xd); /* 0,2..3 */
	ck_assert_uint_eq(p->ncaps, 4);
	ck_assert_int_eq(p->caps[0].kind, UKS_CAP_IRQ);
	ck_assert_int_eq(p->caps[0].ref, 0);
	ck_assert_int_eq(p->caps[1].kind, UKS_CAP_PCI);
	ck_assert_int_eq(p->caps[2].kind, UKS_CAP_ENDPOINT);
	ck_assert_int_eq(p->caps[2].ref, 0);
	ck_assert_uint_eq(p->caps[2].rights, UKS_RIGHT_SEND);
	ck_assert_int_eq(p->caps[3].kind, UKS_CAP_NOPREEMPT);
	ck_assert_uint_eq(p->caps[3].budget_ns, 50000);
	const struct uks_thread *c = &s->processes[1].threads[0];
	ck_assert_uint_eq(c->prio, 100);     /* the default */
	ck_assert_uint_eq(c->affinity, 0xf); /* all 4 CPUs */
	ck_assert_str_eq(arg(c->args, c->nargs, "path")->str, "/etc/motd");
	ck_assert_int_eq(arg(c->args, c->nargs, "server")->kind, UKS_VAL_ENDPOINT);
}

static void check_timeline(const struct uks_scenario *s)
{
	ck_assert_uint_eq(s->nactions, 10 + 6 + 1);
	const struct uks_action *a = s->actions;
	ck_assert_int_eq(a[0].kind, UKS_ACT_ASSERT);
	ck_assert_int_eq(a[0].time_kind, UKS_AT_ABSOLUTE);
	ck_assert_uint_eq(a[0].earliest, 10000);
	ck_assert_int_eq(a[1].time_kind, UKS_AT_RELATIVE);
	ck_assert_int_eq(a[1].prev, 0);
	ck_assert_uint_eq(a[1].earliest, 15000);
	ck_assert_int_eq(a[2].time_kind, UKS_AT_WINDOW);
	ck_assert_uint_eq(a[2].earliest, 1000000);
	ck_assert_uint_eq(a[2].latest, 2000000);
	/* Relative to a window: a window itself. */
	ck_assert_uint_eq(a[3].earliest, 1001000);
	ck_assert_uint_eq(a[3].latest, 2001000);
	ck_assert(a[4].spurious && a[4].kind == UKS_ACT_RESET);
	ck_assert(!a[5].spurious);
	ck_assert_int_eq(a[6].kind, UKS_ACT_SPURIOUS);
	ck_assert_int_eq(a[7].kind, UKS_ACT_KILL);
	ck_assert_int_eq(a[7].target, 1);
	ck_assert_int_eq(a[8].kind, UKS_ACT_DROP_EDGE);
	ck_assert_int_eq(a[9].kind, UKS_ACT_DELAY);
	ck_assert_uint_eq(a[9].duration, 200000);
	for (unsigned i = 0; i < 3; i++) {
		ck_assert_int_eq(a[10 + 2 * i].kind, UKS_ACT_ASSERT);
		ck_assert_uint_eq(a[10 + 2 * i].earliest, 6000000 + i * 100000);
		ck_assert_uint_eq(a[11 + 2 * i].earliest, 6010000 + i * 100000);
		ck_assert_uint_eq(a[11 + 2 * i].repeat, i + 1);
		ck_assert_int_eq(a[11 + 2 * i].target, 4);
	}
	ck_assert_int_eq(a[16].kind, UKS_ACT_RAISE);
	ck_assert_int_eq(a[16].target, 6);
	ck_assert_uint_eq(a[16].bits, 0x100);
}

static void check_expects(const struct uks_scenario *s)
{
	ck_assert_uint_eq(s->nexpects, 12);
	const struct uks_expect *e = s->expects;
	ck_assert_int_eq(e[0].kind, UKS_EXPECT_NO_DEADLOCK);
	ck_assert_int_eq(e[1].kind, UKS_EXPECT_COUNT);
	ck_assert_str_eq(e[1].name, "nobody-cared");
	ck_assert_int_eq(e[1].ref, -1);
	ck_assert_int_eq(e[1].cmp, UKS_CMP_EQ);
	ck_assert_int_eq(e[2].cmp, UKS_CMP_NE);
	ck_assert_int_eq(e[3].cmp, UKS_CMP_LT);
	ck_assert_int_eq(e[3].ref, 0);
	ck_assert_int_eq(e[4].cmp, UKS_CMP_LE);
	ck_assert_int_eq(e[5].cmp, UKS_CMP_GT);
	ck_assert_int_eq(e[5].ref, 3);
	ck_assert_int_eq(e[6].cmp, UKS_CMP_GE);
	ck_assert_uint_eq(e[6].value, 10);
	/* handled disk0 at least 2 */
	ck_assert_str_eq(e[7].name, "handled");
	ck_assert_int_eq(e[7].ref, 1);
	ck_assert_int_eq(e[7].cmp, UKS_CMP_GE);
	ck_assert_uint_eq(e[7].value, 2);
	ck_assert_int_eq(e[8].kind, UKS_EXPECT_LATENCY);
	ck_assert_uint_eq(e[8].value, 50000);
	ck_assert_int_eq(e[9].ref_type, UKS_ARG_ENDPOINT);
	ck_assert_int_eq(e[10].kind, UKS_EXPECT_VIOLATION);
	ck_assert_str_eq(e[10].name, "I3");
	ck_assert_str_eq(e[11].name, "deadlock");
	ck_assert_uint_eq(s->end_by_ns, 10000000);
}

START_TEST(all_constructs)
{
	struct uks_scenario *s = parse_file_ok("good/all-constructs.uks");
	ck_assert_str_eq(s->name, "all-constructs");
	ck_assert_uint_eq(s->machine.cpus, 4); /* the later block wins */
	ck_assert_str_eq(s->machine.cost, "zen3");
	ck_assert_str_eq(s->machine.irq_model, "sel4");
	ck_assert_uint_eq(s->machine.plic_sources, 32);
	check_devices(s);
	check_processes(s);
	check_timeline(s);
	check_expects(s);
	/* Positions name the file, line and column of each item. */
	ck_assert(g_str_has_suffix(s->devices[0].pos.file, "good/all-constructs.uks"));
	ck_assert_uint_eq(s->devices[0].pos.line, 22);
	ck_assert_uint_eq(s->devices[0].pos.col, 8);
	uks_scenario_free(s);
}
END_TEST

START_TEST(flagship)
{
	struct uks_scenario *s = parse_file_ok("../../scenarios/irq/flagship-shared-level.uks");
	ck_assert_uint_eq(s->machine.cpus, 2);
	ck_assert_uint_eq(s->ndevices, 2);
	ck_assert_uint_eq(s->devices[0].line, s->devices[1].line);
	ck_assert_int_eq(s->devices[0].trigger, UKS_TRIGGER_LEVEL);
	ck_assert_uint_eq(s->nprocesses, 2);
	size_t asserts = 0;
	for (size_t i = 0; i < s->nactions; i++)
		asserts += s->actions[i].kind == UKS_ACT_ASSERT;
	ck_assert_uint_eq(asserts, 10);
	uks_scenario_free(s);
}
END_TEST

START_TEST(one_line_and_semicolons)
{
	struct uks_scenario *s = parse_ok(
		"device a { kind scripted; irq ioapic 4 level; }; device b { kind hpet }\n"
		"process p { thread t program spinner; }\n"
		"timeline { at 1us assert a; at +1us deassert a; }\n"
		"expect { no-deadlock; }\n");
	ck_assert_uint_eq(s->ndevices, 2);
	ck_assert_uint_eq(s->nactions, 2);
	ck_assert_uint_eq(s->nexpects, 1);
	uks_scenario_free(s);
}
END_TEST

/* ---- includes ---- */

START_TEST(include_relative)
{
	struct uks_scenario *s = parse_file_ok("good/all-constructs.uks");
	/* Read once even though included twice. */
	ck_assert_uint_eq(s->nfiles, 2);
	ck_assert(g_str_has_suffix(s->files[1], "good/frag/machine.uksi"));
	uks_scenario_free(s);
	/* From a string, includes are relative to the name's directory. */
	char *name = g_build_filename(UKS_TEST_DIR, "good", "inline.uks", NULL);
	const char *text = "include \"frag/machine.uksi\"\n";
	struct uks_scenario *t = NULL;
	ck_assert_int_eq(uks_parse_string(name, text, strlen(text), NULL, &t, NULL), 0);
	ck_assert_uint_eq(t->machine.cpus, 2);
	uks_scenario_free(t);
	g_free(name);
}
END_TEST

START_TEST(include_disabled)
{
	const char *text = "include \"x.uksi\"\n";
	struct uks_scenario *s = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	ck_assert_int_eq(uks_parse_string_flags("t.uks", text, strlen(text), NULL,
						UKS_PARSE_NO_INCLUDE, &s, &d), -1);
	ck_assert_ptr_null(s);
	ck_assert_uint_eq(d.line, 1);
	ck_assert_uint_eq(d.col, 1);
	ck_assert(strstr(d.message, "disabled"));
	uks_diag_clear(&d);
}
END_TEST

/* ---- the hash ---- */

static uint64_t hash_of(const char *text)
{
	struct uks_scenario *s = parse_ok(text);
	uint64_t h = uks_scenario_hash(s);
	uks_scenario_free(s);
	return h;
}

/* An edu device and its raise action: the bits are part of the model and
 * of the hash; the metal port's scenario parses. */
START_TEST(edu_raise)
{
	const char *a = "device e { kind edu; irq ioapic 11 level; pci 0:4.0 }\n"
			"timeline { at 1us raise e 0x100 }\n";
	const char *b = "device e { kind edu; irq ioapic 11 level; pci 0:4.0 }\n"
			"timeline { at 1us raise e 0x101 }\n";
	struct uks_scenario *s = parse_ok(a);
	ck_assert_str_eq(s->devices[0].kind, "edu");
	ck_assert(s->devices[0].pci);
	ck_assert_uint_eq(s->nactions, 1);
	ck_assert_int_eq(s->actions[0].kind, UKS_ACT_RAISE);
	ck_assert_int_eq(s->actions[0].target, 0);
	ck_assert_uint_eq(s->actions[0].bits, 0x100);
	ck_assert_uint_eq(s->actions[0].bits_pos.col, 27);
	ck_assert_str_eq(uks_action_name(s->actions[0].kind), "raise");
	uks_scenario_free(s);
	ck_assert_uint_ne(hash_of(a), hash_of(b));
	s = parse_file_ok("../../scenarios/metal/shared-edu.uks");
	size_t raises = 0;
	for (size_t i = 0; i < s->nactions; i++)
		raises += s->actions[i].kind == UKS_ACT_RAISE;
	ck_assert_uint_eq(raises, 1000);
	ck_assert_uint_eq(s->devices[0].line, s->devices[1].line);
	uks_scenario_free(s);
}
END_TEST

START_TEST(hash_stable)
{
	const char *a = "machine { cpus 2 }\ndevice d { kind scripted; irq ioapic 3 level }\n"
			"timeline { at 10us assert d }\n";
	const char *b = "# the same, reformatted\n\nmachine {\n\tcpus   2   # two\n}\n"
			"device d {\n  kind scripted\n  irq ioapic 3 level\n}\n"
			"timeline {\n  at 10000ns assert d\n}\n";
	ck_assert_uint_eq(hash_of(a), hash_of(b));
	ck_assert_uint_eq(hash_of(a), hash_of(a));
	/* Any value changes it. */
	const char *c = "machine { cpus 3 }\ndevice d { kind scripted; irq ioapic 3 level }\n"
			"timeline { at 10us assert d }\n";
	const char *d = "machine { cpus 2 }\ndevice d { kind scripted; irq ioapic 3 edge }\n"
			"timeline { at 10us assert d }\n";
	const char *e = "machine { cpus 2 }\ndevice d { kind scripted; irq ioapic 3 level }\n"
			"timeline { at 11us assert d }\n";
	ck_assert_uint_ne(hash_of(a), hash_of(c));
	ck_assert_uint_ne(hash_of(a), hash_of(d));
	ck_assert_uint_ne(hash_of(a), hash_of(e));
	ck_assert_uint_ne(hash_of(d), hash_of(e));
}
END_TEST

START_TEST(hash_include_equals_inline)
{
	/* Moving a fragment into an include does not change the content. */
	struct uks_scenario *s = parse_file_ok("good/all-constructs.uks");
	char *path = g_build_filename(UKS_TEST_DIR, "good", "all-constructs.uks", NULL);
	char *text = NULL;
	ck_assert(g_file_get_contents(path, &text, NULL, NULL));
	GString *inl = g_string_new("scenario \"all-constructs\"\nmachine { cpus 2 }\n");
	const char *rest = strstr(text, "machine {\n  cpus 4");
	ck_assert_ptr_nonnull(rest);
	g_string_append(inl, rest);
	struct uks_scenario *t = parse_ok(inl->str);
	ck_assert_uint_eq(uks_scenario_hash(s), uks_scenario_hash(t));
	uks_scenario_free(s);
	uks_scenario_free(t);
	g_string_free(inl, TRUE);
	g_free(text);
	g_free(path);
}
END_TEST

/* Parsers share nothing: two threads parse the same file and agree. */
static gpointer parse_many(gpointer data)
{
	uint64_t *h = data;
	char *path = g_build_filename(UKS_TEST_DIR, "good", "all-constructs.uks", NULL);
	for (int i = 0; i < 50; i++) {
		struct uks_scenario *s = NULL;
		if (uks_parse_file(path, NULL, &s, NULL))
			break;
		uint64_t v = uks_scenario_hash(s);
		if (i && v != *h)
			*h = 0;
		else
			*h = v;
		uks_scenario_free(s);
	}
	g_free(path);
	return NULL;
}

START_TEST(hash_parallel)
{
	uint64_t a = 0, b = 0;
	GThread *ta = g_thread_new("a", parse_many, &a);
	GThread *tb = g_thread_new("b", parse_many, &b);
	g_thread_join(ta);
	g_thread_join(tb);
	ck_assert_uint_ne(a, 0);
	ck_assert_uint_eq(a, b);
}
END_TEST

/* ---- the catalog ---- */

START_TEST(catalog_default)
{
	const struct uks_catalog *c = uks_default_catalog();
	static const char *const progs[] = {"irq-driver", "irq-driver-kick", "vfs-client",
					    "vfs-server", "fs-server", "pci-server",
					    "pci-driver", "load", "mutex-holder", "mutex-waiter",
					    "nopreempt-driver", "spinner"};
	for (size_t i = 0; i < G_N_ELEMENTS(progs); i++)
		ck_assert_ptr_nonnull(uks_catalog_program(c, progs[i]));
	ck_assert_ptr_null(uks_catalog_program(c, "nope"));
	ck_assert_ptr_nonnull(uks_catalog_device_kind(c, "hpet"));
	ck_assert_int_ge(uks_name_index(c->violations, "L7"), 0);
	ck_assert_int_ge(uks_name_index(c->violations, "I10"), 0);
}
END_TEST

START_TEST(catalog_custom)
{
	static const struct uks_arg_spec args[] = {
		{"rate", UKS_ARG_TIME, NULL, true, NULL, "how often"},
	};
	static const struct uks_program_spec progs[] = {{"ticker", args, 1, "a test program", NULL, 0}};
	struct uks_catalog c = *uks_default_catalog();
	c.programs = progs;
	c.nprograms = 1;
	const char *ok = "process p { thread t program ticker(rate = 5us) }\n";
	const char *bad = "process p { thread t program irq-driver(device = x) }\n";
	struct uks_scenario *s = NULL;
	ck_assert_int_eq(uks_parse_string("t.uks", ok, strlen(ok), &c, &s, NULL), 0);
	ck_assert_ptr_eq(s->processes[0].threads[0].spec, &progs[0]);
	ck_assert_uint_eq(s->processes[0].threads[0].args[0].num, 5000);
	uks_scenario_free(s);
	ck_assert_int_eq(uks_parse_string("t.uks", bad, strlen(bad), &c, &s, NULL), -1);
	/* With allow_unknown_programs, anything goes, unchecked. */
	c.allow_unknown_programs = true;
	const char *any = "process p { thread t program mine(x = 3, y = on, z = zz, w = 2ms) }\n";
	ck_assert_int_eq(uks_parse_string("t.uks", any, strlen(any), &c, &s, NULL), 0);
	const struct uks_thread *t = &s->processes[0].threads[0];
	ck_assert_ptr_null(t->spec);
	ck_assert_int_eq(t->args[0].kind, UKS_VAL_INT);
	ck_assert_int_eq(t->args[1].kind, UKS_VAL_BOOL);
	ck_assert_int_eq(t->args[2].kind, UKS_VAL_IDENT);
	ck_assert_int_eq(t->args[3].kind, UKS_VAL_TIME);
	uks_scenario_free(s);
}
END_TEST

START_TEST(load_allows_unknown)
{
	struct uks_scenario *s = parse_file_ok("fixtures/load.uks");
	ck_assert_uint_eq(s->nloads, 1);
	ck_assert(g_str_has_suffix(s->loads[0].path, "fixtures/mydrivers.so"));
	ck_assert_ptr_null(s->processes[0].threads[0].spec);
	ck_assert_str_eq(s->processes[0].threads[0].program, "my-driver");
	uks_scenario_free(s);
}
END_TEST

static Suite *suite_of(const char *name, const TTest *const *tests, unsigned n)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create(name);
	tcase_set_timeout(tc, 60);
	for (unsigned i = 0; i < n; i++)
		_tcase_add_test(tc, tests[i], 0, 0, 0, 1);
	suite_add_tcase(s, tc);
	return s;
}

#define SUITE(name, ...)                                                                           \
	do {                                                                                       \
		const TTest *const t_[] = {__VA_ARGS__};                                           \
		srunner_add_suite(sr, suite_of(name, t_, sizeof(t_) / sizeof(t_[0])));             \
	} while (0)

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	SUITE("parse", defaults, machine_fields, numbers_and_units, all_constructs, flagship, edu_raise,
	      one_line_and_semicolons);
	SUITE("include", include_relative, include_disabled);
	SUITE("hash", hash_stable, hash_include_equals_inline, hash_parallel);
	SUITE("catalog", catalog_default, catalog_custom, load_allows_unknown);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
