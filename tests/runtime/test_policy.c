/* SPDX-License-Identifier: MIT */
/*
 * Policies chosen by a scenario: the registry agrees with the parser's
 * catalog, a `line` block's model and behaviour reach that line only, the
 * machine's nak-on-timeout reaches the kernel, and a name no loaded object
 * has is an error at its position with the known names and the nearest.
 * Also the programs' half of the interface: the capabilities a program
 * declares it needs are checked before a run.
 */
#include "rt_test.h"

#include <stdio.h>

static bool lists_equal(const char *const *a, const char *const *b)
{
	size_t i = 0;
	for (; a[i] && b[i]; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return !a[i] && !b[i];
}

/* The parser's built-in lists (used when no registry is at hand, as in the
 * parser's fuzz target) name exactly the registry's built-ins. */
START_TEST(catalog_lists_the_registry)
{
	char err[256];
	struct sim_registry *r = NULL;
	ck_assert_int_eq(sim_registry_create(NULL, 0, &r, err, sizeof(err)), 0);
	const struct uks_catalog *dc = uks_default_catalog();
	ck_assert(lists_equal(dc->irq_models, sim_registry_policy_names(r, SIM_POLICY_IRQ_MODEL)));
	ck_assert(lists_equal(dc->schedulers, sim_registry_policy_names(r, SIM_POLICY_SCHEDULER)));
	ck_assert(lists_equal(dc->transfers, sim_registry_policy_names(r, SIM_POLICY_TRANSFER)));
	ck_assert(lists_equal(dc->behaviours, sim_registry_policy_names(r, SIM_POLICY_BEHAVIOUR)));
	/* Every policy is found by its kind and name, and by no other kind. */
	for (size_t i = 0; sim_registry_policy_at(r, i); i++) {
		const struct sim_policy *p = sim_registry_policy_at(r, i);
		ck_assert_ptr_eq(sim_registry_policy(r, p->kind, p->name), p->ops);
		enum sim_policy_kind other = p->kind == SIM_POLICY_BEHAVIOUR ? SIM_POLICY_SCHEDULER
									     : SIM_POLICY_BEHAVIOUR;
		ck_assert_ptr_null(sim_registry_policy(r, other, p->name));
	}
	sim_registry_free(r);
}
END_TEST

/* Two lines, one device each, each device raising once with nothing to
 * claim: the managarm model reports "nobody cared" and stalls; a line
 * whose block says `model linux` counts the unhandled interrupt instead. */
#define TWO_LINES(BLOCK)                                                                      \
	"machine { cpus 1 }\n" BLOCK                                                           \
	"device a { kind scripted; irq ioapic 10 edge }\n"                                   \
	"device b { kind scripted; irq ioapic 11 edge }\n"                                   \
	"process pa { thread t program irq-driver(device = a); caps irq(a), mmio(a) }\n"              \
	"process pb { thread t program irq-driver(device = b); caps irq(b), mmio(b) }\n"              \
	"timeline { at 10us spurious a\n at 10us spurious b }\n"

START_TEST(line_model_reaches_its_line_only)
{
	struct uks_scenario *plain = rt_parse(TWO_LINES(""));
	struct uks_scenario *lx = rt_parse(TWO_LINES("line ioapic 11 { model linux }\n"));
	struct sim_run_report r1, r2;
	rt_run(plain, 1, 0, &r1);
	rt_run(lx, 1, 0, &r2);
	ck_assert_uint_eq(r1.stats.nobody_cared, 2);
	ck_assert_uint_eq(r1.stats.stalls, 2);
	ck_assert_uint_eq(r2.stats.nobody_cared, 1); /* line 10 only */
	ck_assert_uint_eq(r2.stats.stalls, 1);
	ck_assert_uint_ne(uks_scenario_hash(plain), uks_scenario_hash(lx));
	sim_run_report_fini(&r1);
	sim_run_report_fini(&r2);
	uks_scenario_free(plain);
	uks_scenario_free(lx);
}
END_TEST

/* An edge device that completes again 2us after the first, while the
 * driver is still before its ACK: the controller's own behaviour keeps the
 * line open and the kernel buffers the second edge (a second episode);
 * with `behaviour mask-in-service` the IOAPIC drops it on the masked pin. */
#define EDGE_TWICE(BLOCK)                                                                     \
	"machine { cpus 1 }\n" BLOCK                                                           \
	"device e { kind scripted; irq ioapic 5 edge; status write-1-to-clear }\n"           \
	"process p { thread t program irq-driver(device = e, work = 20us); caps irq(e), mmio(e) }\n"  \
	"timeline { at 10us complete e\n at 12us complete e }\n"

START_TEST(line_behaviour_changes_the_controller)
{
	struct uks_scenario *open = rt_parse(EDGE_TWICE(""));
	struct uks_scenario *shut = rt_parse(EDGE_TWICE("line ioapic 5 { behaviour mask-in-service }\n"));
	struct sim_run_report r1, r2;
	rt_run(open, 1, 0, &r1);
	rt_run(shut, 1, 0, &r2);
	ck_assert_uint_eq(r1.stats.controller_dropped, 0);
	ck_assert_uint_eq(r1.stats.irq_episodes, 2);
	ck_assert_uint_ge(r2.stats.controller_dropped, 1);
	ck_assert_uint_eq(r2.stats.controller_dropped, 1);
	ck_assert_uint_eq(r2.stats.irq_episodes, 1);
	sim_run_report_fini(&r1);
	sim_run_report_fini(&r2);
	uks_scenario_free(open);
	uks_scenario_free(shut);
}
END_TEST

/* A driver that never answers: the ACK timeout is reported either way;
 * with nak-on-timeout the kernel NAKs on its behalf and the line stalls. */
#define SILENT(MACHINE)                                                                       \
	"machine { cpus 1; ack-timeout 1ms " MACHINE " }\n"                                    \
	"device d { kind scripted; irq ioapic 9 level high }\n"                              \
	"process p { thread t program irq-driver(device = d, mistake = never-answer); "       \
	"caps irq(d), mmio(d) }\n"                                                                    \
	"timeline { at 10us assert d }\n"                                                   \
	"expect { end-by 5ms }\n"

START_TEST(nak_on_timeout_reaches_the_kernel)
{
	struct uks_scenario *off = rt_parse(SILENT(""));
	struct uks_scenario *on = rt_parse(SILENT("nak-on-timeout"));
	struct uks_scenario *on2 = rt_parse(SILENT("nak-on-timeout on"));
	ck_assert(!off->machine.nak_on_timeout);
	ck_assert(on->machine.nak_on_timeout && on2->machine.nak_on_timeout);
	ck_assert_uint_eq(uks_scenario_hash(on), uks_scenario_hash(on2));
	struct sim_run_report r1, r2;
	rt_run(off, 1, 0, &r1);
	rt_run(on, 1, 0, &r2);
	ck_assert_uint_eq(r1.stats.timeouts, 1);
	ck_assert_uint_eq(r1.stats.stalls, 0);
	ck_assert_uint_eq(r2.stats.timeouts, 1);
	ck_assert_uint_ge(r2.stats.stalls, 1);
	ck_assert_uint_ge(r2.stats.nobody_cared, 1);
	sim_run_report_fini(&r1);
	sim_run_report_fini(&r2);
	uks_scenario_free(off);
	uks_scenario_free(on);
	uks_scenario_free(on2);
}
END_TEST

static void parse_fails(const char *text, const char *what)
{
	struct uks_scenario *s = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	ck_assert_int_ne(uks_parse_string("bad.uks", text, strlen(text), NULL, &s, &d), 0);
	char *msg = uks_diag_format(&d);
	ck_assert_msg(strstr(msg, what), "'%s' does not say '%s'", msg, what);
	free(msg);
	uks_diag_clear(&d);
}

/* Settings may follow each other on one line, as the issue writes them. */
START_TEST(settings_on_one_line)
{
	struct uks_scenario *s = rt_parse(
		"machine { scheduler fixed  irq-model linux  transfer window  ack-timeout 1ms "
		"nak-on-timeout }\n"
		"line ioapic 10 { model sel4  behaviour mask-in-service }\n");
	ck_assert_str_eq(s->machine.scheduler, "fixed");
	ck_assert_str_eq(s->machine.irq_model, "linux");
	ck_assert_str_eq(s->machine.transfer, "window");
	ck_assert_uint_eq(s->machine.ack_timeout_ns, 1000000);
	ck_assert(s->machine.nak_on_timeout);
	ck_assert_uint_eq(s->nlines, 1);
	ck_assert_int_eq(s->lines[0].kind, UKS_LINE_IOAPIC);
	ck_assert_uint_eq(s->lines[0].line, 10);
	ck_assert_str_eq(s->lines[0].model, "sel4");
	ck_assert_str_eq(s->lines[0].behaviour, "mask-in-service");
	uks_scenario_free(s);
}
END_TEST

START_TEST(line_block_errors)
{
	parse_fails("line ioapic 10 { model sel5 }\n", "did you mean 'sel4'?");
	parse_fails("line ioapic 10 { behaviour mask-in-servce }\n",
		    "did you mean 'mask-in-service'?");
	parse_fails("line ioapic 10 { model linux }\nline ioapic 10 { model sel4 }\n",
		    "bad.uks:2:1: error: line ioapic 10 already has its settings (at bad.uks:1:1)");
	parse_fails("line ioapic 24 { model linux }\n", "IOAPIC pin");
	parse_fails("line ioapic 3 { colour red }\n", "unknown line statement 'colour'");
	parse_fails("machine { scheduler fixd }\n", "did you mean 'fixed'?");
	parse_fails("machine { transfer windw }\n", "did you mean 'window'?");
	parse_fails("machine { cpus 2 3 }\n", "expected the end of the statement");
	parse_fails("line msi 300 { model linux }\n", "MSI source 300 does not exist");
	parse_fails("line plic 2 { model linux }\n", "the machine has no PLIC");
	char many[4096] = "machine { controller plic sources 100 }\n";
	for (int i = 1; i <= 65; i++) {
		char l[64];
		snprintf(l, sizeof(l), "line plic %d { behaviour controller }\n", i);
		strcat(many, l);
	}
	parse_fails(many, "more than 64 line blocks");
}
END_TEST

/* With a `load` line the parser lets an unknown name through (the object
 * may have it); sim_runtime_check then names it, with the known ones. */
START_TEST(unknown_policy_after_loading)
{
	struct uks_scenario *s = rt_parse("load \"" RT_BUILD_DIR "/mydriver.so\"\n"
					  "machine { scheduler fixd }\n"
					  "line msi 3 { behaviour eoi-befor-mask }\n");
	char err[256];
	struct sim_registry *r = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	ck_assert_int_eq(sim_registry_create(NULL, 0, &r, err, sizeof(err)), 0);
	ck_assert_int_eq(sim_registry_load_scenario(r, s, &d), 0);
	ck_assert_int_ne(sim_runtime_check(s, r, &d), 0);
	char *msg = uks_diag_format(&d);
	ck_assert_msg(strstr(msg, "inline.uks:2:21: error: unknown scheduler 'fixd'"), "%s", msg);
	ck_assert_msg(strstr(msg, "expected one of: fixed"), "%s", msg);
	ck_assert_msg(strstr(msg, "did you mean 'fixed'?"), "%s", msg);
	free(msg);
	uks_diag_clear(&d);
	sim_registry_free(r);
	uks_scenario_free(s);
}
END_TEST

static int check_text(const char *text, char **msg)
{
	struct uks_scenario *s = rt_parse(text);
	char err[256];
	struct sim_registry *r = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	ck_assert_int_eq(sim_registry_create(NULL, 0, &r, err, sizeof(err)), 0);
	ck_assert_int_eq(sim_registry_load_scenario(r, s, &d), 0);
	int rc = sim_runtime_check(s, r, &d);
	*msg = rc ? uks_diag_format(&d) : NULL;
	uks_diag_clear(&d);
	sim_registry_free(r);
	uks_scenario_free(s);
	return rc;
}

START_TEST(program_needs_are_checked)
{
	char *msg = NULL;
	const char *dev = "device d { kind scripted; irq ioapic 4 edge }\n"
			  "endpoint e\n";
	char text[1024];
	snprintf(text, sizeof(text), "%sprocess p { thread t program irq-driver(device = d) }\n", dev);
	ck_assert_int_ne(check_text(text, &msg), 0);
	ck_assert_msg(strstr(msg, "inline.uks:3:30: error: program 'irq-driver' needs caps irq(d): "
				  "process 'p' does not hold it"), "%s", msg);
	free(msg);
	snprintf(text, sizeof(text),
		 "%sprocess p { thread t program irq-driver(device = d); caps irq(d), mmio(d) }\n", dev);
	ck_assert_int_eq(check_text(text, &msg), 0);
	/* Endpoints: the right matters, not only the object. */
	snprintf(text, sizeof(text),
		 "%sprocess p { thread t program pci-server(endpoint = e); caps endpoint(e, send) }\n",
		 dev);
	ck_assert_int_ne(check_text(text, &msg), 0);
	ck_assert_msg(strstr(msg, "needs caps endpoint(e, receive)"), "%s", msg);
	free(msg);
	/* An optional argument left out needs nothing (vfs-server's fs). */
	snprintf(text, sizeof(text),
		 "%sprocess p { thread t program vfs-server(endpoint = e); caps endpoint(e, receive) }\n",
		 dev);
	ck_assert_int_eq(check_text(text, &msg), 0);
	snprintf(text, sizeof(text),
		 "%sprocess p { thread t program nopreempt-driver(budget = 5us, work = 1us) }\n", dev);
	ck_assert_int_ne(check_text(text, &msg), 0);
	ck_assert_msg(strstr(msg, "needs caps nopreempt(...)"), "%s", msg);
	free(msg);
	/* latch-masked is a pending bit of the IOAPIC's pins only. */
	ck_assert_int_ne(check_text("line msi 0 { behaviour latch-masked }\n", &msg), 0);
	ck_assert_msg(strstr(msg, "latch-masked needs an IOAPIC line"), "%s", msg);
	free(msg);
	ck_assert_int_eq(check_text("line ioapic 3 { behaviour latch-masked }\n", &msg), 0);
	/* A loaded program's own declaration (my-driver needs irq(device)). */
	snprintf(text, sizeof(text),
		 "load \"" RT_BUILD_DIR "/mydriver.so\"\n%s"
		 "process p { thread t program my-driver(device = d) }\n", dev);
	ck_assert_int_ne(check_text(text, &msg), 0);
	ck_assert_msg(strstr(msg, "program 'my-driver' needs caps irq(d)"), "%s", msg);
	free(msg);
}
END_TEST

/* Two drivers on one line under a one-handler model: the second attach is
 * refused, and the run says so (it used to pass with one driver silent). */
START_TEST(refused_attach_is_a_violation)
{
	const char *two = "machine { cpus 1; irq-model sel4 }\n"
			  "device a { kind scripted; irq ioapic 7 edge }\n"
			  "device b { kind scripted; irq ioapic 7 edge }\n"
			  "process pa { thread t program irq-driver(device = a) prio 100; caps irq(a), mmio(a) }\n"
			  "process pb { thread t program irq-driver(device = b) prio 90; caps irq(b), mmio(b) }\n";
	struct uks_scenario *s = rt_parse(two);
	struct sim_run_report r;
	rt_run(s, 1, 0, &r);
	ck_assert(rt_shown(&r, "attach-refused"));
	ck_assert(!r.all_met);
	for (size_t i = 0; i < r.nviolations; i++)
		if (!strcmp(r.violations[i].id, "attach-refused"))
			ck_assert_msg(strstr(r.violations[i].message, "process 'pb'") &&
					      strstr(r.violations[i].message, "line of b (ioapic 7)") &&
					      strstr(r.violations[i].message, "UK_EBUSY"),
				      "%s", r.violations[i].message);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
	/* Expected, it passes; one driver for the line (line-driver) has none. */
	char text[1024];
	snprintf(text, sizeof(text), "%sexpect violation attach-refused\n", two);
	s = rt_parse(text);
	rt_run(s, 1, 0, &r);
	ck_assert(r.all_met);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
	s = rt_parse("machine { cpus 1; irq-model sel4 }\n"
		     "device a { kind scripted; irq ioapic 7 edge }\n"
		     "device b { kind scripted; irq ioapic 7 edge }\n"
		     "process p { thread t program line-driver(device = a); caps irq(a), mmio(a), irq(b), mmio(b) }\n"
		     "timeline { at 10us complete a; at 20us complete b }\n"
		     "expect { handled a at least 1; handled b at least 1 }\n");
	rt_run(s, 1, 0, &r);
	ck_assert(!rt_shown(&r, "attach-refused"));
	ck_assert(r.all_met);
	sim_run_report_fini(&r);
	uks_scenario_free(s);
}
END_TEST

/* Linux's "nobody cared, disabling": a counter, a violation id, and a
 * scaled window (scenarios/models/linux/irq-none-*.uks). */
static struct uks_scenario *parse_path(const char *path)
{
	struct uks_scenario *s = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	if (uks_parse_file(path, NULL, &s, &d) != 0)
		ck_abort_msg("%s does not parse: %s", path, uks_diag_format(&d));
	return s;
}

START_TEST(linux_disabling_is_counted)
{
	struct uks_scenario *bad = parse_path(RT_SCENARIO_DIR "/models/linux/irq-none-found.uks");
	struct uks_scenario *good = parse_path(RT_SCENARIO_DIR "/models/linux/irq-none-fixed.uks");
	ck_assert_uint_eq(bad->machine.linux_window, 1000);
	struct sim_run_report r;
	rt_run(bad, 1, 0, &r);
	ck_assert(rt_shown(&r, "irq-disabled"));
	ck_assert(r.all_met); /* it expects the violation */
	ck_assert_uint_eq(r.stats.irq_disabled, 1);
	ck_assert_uint_ge(r.stats.naks, 1000);
	sim_run_report_fini(&r);
	rt_run(good, 1, 0, &r);
	ck_assert(!rt_shown(&r, "irq-disabled"));
	ck_assert(r.all_met);
	ck_assert_uint_eq(r.stats.irq_disabled, 0);
	sim_run_report_fini(&r);
	uks_scenario_free(bad);
	uks_scenario_free(good);
	parse_fails("machine { linux-window 100 }\n",
		    "linux-threshold (99900, the default) must be below linux-window (100)");
}
END_TEST

/* seL4's unmask-at setting: issue (the default) or bind; nothing else. */
START_TEST(sel4_unmask_at_setting)
{
	struct uks_scenario *dflt = rt_parse("machine { irq-model sel4 }\n");
	struct uks_scenario *issue = rt_parse("machine { irq-model sel4; sel4-unmask-at issue }\n");
	struct uks_scenario *bind = rt_parse("machine { irq-model sel4; sel4-unmask-at bind }\n");
	ck_assert_uint_eq(dflt->machine.sel4_unmask_at, 0);
	ck_assert_uint_eq(issue->machine.sel4_unmask_at, 0);
	ck_assert_uint_eq(bind->machine.sel4_unmask_at, 1);
	uks_scenario_free(dflt);
	uks_scenario_free(issue);
	uks_scenario_free(bind);
	parse_fails("machine { sel4-unmask-at later }\n", "bind");
	parse_fails("machine { sel4-unmask-at }\n", "sel4-unmask-at");
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("policy");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, catalog_lists_the_registry);
	tcase_add_test(tc, line_model_reaches_its_line_only);
	tcase_add_test(tc, line_behaviour_changes_the_controller);
	tcase_add_test(tc, nak_on_timeout_reaches_the_kernel);
	tcase_add_test(tc, settings_on_one_line);
	tcase_add_test(tc, line_block_errors);
	tcase_add_test(tc, unknown_policy_after_loading);
	tcase_add_test(tc, program_needs_are_checked);
	tcase_add_test(tc, refused_attach_is_a_violation);
	tcase_add_test(tc, linux_disabling_is_counted);
	tcase_add_test(tc, sel4_unmask_at_setting);
	suite_add_tcase(s, tc);
	return s;
}

RT_MAIN(policy_suite)
