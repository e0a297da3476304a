/* SPDX-License-Identifier: MIT */
/*
 * Machine settings from outside the file (uks_parse_file_set, `--set`):
 * they change the model as the machine block would, their errors name
 * --set:LINE:COL with the parser's hints, validation sees them, and they
 * change the scenario's hash. Each Check suite is its own meson test
 * (CK_RUN_SUITE).
 */
#include <check.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"

#ifndef UKS_TEST_DIR
#error "UKS_TEST_DIR must name tests/scenario"
#endif

/* Two CPUs, a thread pinned to CPU 1, IRQ model sel4 in the file. */
static const char file[] = "machine { cpus 2; irq-model sel4; timeslice 2ms }\n"
			   "device d { kind scripted; irq ioapic 5 level high }\n"
			   "process p { thread t program irq-driver(device = d) cpu 1; caps irq(d), mmio(d) }\n"
			   "timeline { at 10us assert d }\n";

static struct uks_scenario *parse_set(const char *const *sets, size_t n)
{
	struct uks_scenario *s = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	if (uks_parse_string_set("t.uks", file, strlen(file), NULL, sets, n, &s, &d)) {
		char *msg = uks_diag_format(&d);
		ck_abort_msg("unexpected error:\n%s", msg);
	}
	uks_diag_clear(&d);
	ck_assert_ptr_nonnull(s);
	return s;
}

/* Parse with `sets`, which must fail; the diag is left for the caller. */
static void parse_bad(const char *const *sets, size_t n, struct uks_diag *d)
{
	struct uks_scenario *s = (struct uks_scenario *)1;
	uks_diag_init(d);
	ck_assert_int_eq(uks_parse_string_set("t.uks", file, strlen(file), NULL, sets, n, &s, d), -1);
	ck_assert_ptr_null(s);
	ck_assert(d->set);
}

START_TEST(set_changes_machine)
{
	static const char *const sets[] = {"cpus=4", "irq-model=linux", "memory=128MiB",
					   "ipc-handoff=off", "controller=plic sources 8",
					   "ack-timeout=50us"};
	struct uks_scenario *s = parse_set(sets, G_N_ELEMENTS(sets));
	ck_assert_uint_eq(s->machine.cpus, 4);
	ck_assert_str_eq(s->machine.irq_model, "linux");
	ck_assert_uint_eq(s->machine.memory, 128ull << 20);
	ck_assert(!s->machine.ipc_handoff);
	ck_assert_uint_eq(s->machine.plic_sources, 8);
	ck_assert_uint_eq(s->machine.ack_timeout_ns, 50000);
	/* What the settings did not name stays the file's. */
	ck_assert_uint_eq(s->machine.timeslice_ns, 2000000);
	/* The machine block's position stays the file's. */
	ck_assert_str_eq(s->machine.pos.file, "t.uks");
	ck_assert_uint_eq(s->machine.pos.line, 1);
	/* Validation ran after the settings: the pin to CPU 1 holds. */
	ck_assert_uint_eq(s->processes[0].threads[0].affinity, 2);
	ck_assert_ptr_nonnull(s->sets);
	ck_assert_str_eq(s->sets, "cpus=4\nirq-model=linux\nmemory=128MiB\nipc-handoff=off\n"
				  "controller=plic sources 8\nack-timeout=50us");
	uks_scenario_free(s);
}
END_TEST

/* Later settings win, as later machine blocks do. */
START_TEST(set_later_wins)
{
	static const char *const sets[] = {"cpus=3", "cpus=4"};
	struct uks_scenario *s = parse_set(sets, 2);
	ck_assert_uint_eq(s->machine.cpus, 4);
	uks_scenario_free(s);
}
END_TEST

START_TEST(set_none_is_the_file)
{
	struct uks_scenario *s = parse_set(NULL, 0);
	ck_assert_uint_eq(s->machine.cpus, 2);
	ck_assert_str_eq(s->machine.irq_model, "sel4");
	ck_assert_ptr_null(s->sets);
	uks_scenario_free(s);
}
END_TEST

START_TEST(set_unknown_key)
{
	static const char *const sets[] = {"cpus=2", "irq-modle=linux"};
	struct uks_diag d;
	parse_bad(sets, 2, &d);
	ck_assert_str_eq(d.file, UKS_SET_SOURCE);
	ck_assert_uint_eq(d.line, 2);
	ck_assert_uint_eq(d.col, 1);
	ck_assert_uint_eq(d.len, strlen("irq-modle"));
	ck_assert_str_eq(d.source, "irq-modle=linux");
	ck_assert_ptr_nonnull(strstr(d.message, "irq-modle"));
	ck_assert_ptr_nonnull(d.hint);
	ck_assert_str_eq(d.hint, "did you mean 'irq-model'?");
	/* The valid keys are the machine block's. */
	ck_assert_ptr_nonnull(d.expected);
	ck_assert_ptr_nonnull(strstr(d.expected, "timeslice"));
	char *text = uks_diag_format(&d);
	ck_assert_ptr_nonnull(strstr(text, "--set:2:1: error:"));
	g_free(text);
	uks_diag_clear(&d);
}
END_TEST

START_TEST(set_bad_value)
{
	static const char *const model[] = {"irq-model=sel5"};
	struct uks_diag d;
	parse_bad(model, 1, &d);
	ck_assert_str_eq(d.file, UKS_SET_SOURCE);
	ck_assert_uint_eq(d.line, 1);
	ck_assert_uint_eq(d.col, 11); /* under "sel5" as typed */
	ck_assert_str_eq(d.hint, "did you mean 'sel4'?");
	ck_assert_ptr_nonnull(strstr(d.expected, "managarm"));
	uks_diag_clear(&d);

	static const char *const cpus[] = {"cpus=65"};
	parse_bad(cpus, 1, &d);
	ck_assert_uint_eq(d.col, 6);
	ck_assert_ptr_nonnull(strstr(d.message, "1..64"));
	uks_diag_clear(&d);

	static const char *const unit[] = {"timeslice=5"};
	parse_bad(unit, 1, &d);
	ck_assert_ptr_nonnull(strstr(d.message, "needs a unit"));
	uks_diag_clear(&d);

	static const char *const empty[] = {"cpus="};
	parse_bad(empty, 1, &d);
	ck_assert_str_eq(d.file, UKS_SET_SOURCE);
	uks_diag_clear(&d);
}
END_TEST

/* One setting per --set: no second statement, no block, no bare key. */
START_TEST(set_one_statement)
{
	static const char *const bad[] = {"cpus=2; memory=1MiB", "cpus=2 }", "cpus 2",
					  "cpus=2\nmemory 1MiB", "cpus=2 3"};
	static const unsigned col[] = {7, 8, 1, 7, 8};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		struct uks_diag d;
		parse_bad(&bad[i], 1, &d);
		ck_assert_msg(!strcmp(d.file, UKS_SET_SOURCE), "%s: %s", bad[i], d.file);
		ck_assert_msg(d.col == col[i], "%s: column %u", bad[i], d.col);
		uks_diag_clear(&d);
	}
}
END_TEST

/* A setting that does not fit the file is refused like an edit would be. */
START_TEST(set_validated)
{
	static const char *const sets[] = {"cpus=1"};
	struct uks_diag d;
	parse_bad(sets, 1, &d);
	ck_assert_str_eq(d.file, "t.uks");
	ck_assert_uint_eq(d.line, 3);
	ck_assert_ptr_nonnull(strstr(d.message, "CPU 1 does not exist"));
	uks_diag_clear(&d);
}
END_TEST

START_TEST(set_from_file)
{
	char *path = g_build_filename(UKS_TEST_DIR, "good", "all-constructs.uks", NULL);
	static const char *const sets[] = {"cost=zen3"};
	struct uks_scenario *s = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	ck_assert_int_eq(uks_parse_file_set(path, NULL, sets, 1, &s, &d), 0);
	ck_assert_str_eq(s->machine.cost, "zen3");
	uks_scenario_free(s);
	ck_assert_int_eq(uks_parse_file_set("/nonexistent.uks", NULL, sets, 1, &s, &d), -1);
	uks_diag_clear(&d);
	g_free(path);
}
END_TEST

/* A replay token carries the hash: settings must change it, the same
 * settings give the same hash, and no settings leave the file's. */
START_TEST(set_changes_hash)
{
	struct uks_scenario *plain = parse_set(NULL, 0);
	struct uks_scenario *raw = NULL;
	ck_assert_int_eq(uks_parse_string("t.uks", file, strlen(file), NULL, &raw, NULL), 0);
	ck_assert_uint_eq(uks_scenario_hash(plain), uks_scenario_hash(raw));

	static const char *const a[] = {"irq-model=linux"};
	static const char *const b[] = {"cpus=4"};
	/* The file's own value, given again: still not the bare file. */
	static const char *const same[] = {"irq-model=sel4"};
	struct uks_scenario *sa = parse_set(a, 1), *sa2 = parse_set(a, 1), *sb = parse_set(b, 1),
			    *ss = parse_set(same, 1);
	ck_assert_uint_ne(uks_scenario_hash(sa), uks_scenario_hash(plain));
	ck_assert_uint_ne(uks_scenario_hash(sb), uks_scenario_hash(plain));
	ck_assert_uint_ne(uks_scenario_hash(sa), uks_scenario_hash(sb));
	ck_assert_uint_eq(uks_scenario_hash(sa), uks_scenario_hash(sa2));
	ck_assert_uint_ne(uks_scenario_hash(ss), uks_scenario_hash(plain));
	uks_scenario_free(plain);
	uks_scenario_free(raw);
	uks_scenario_free(sa);
	uks_scenario_free(sa2);
	uks_scenario_free(sb);
	uks_scenario_free(ss);
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
	SUITE("set", set_changes_machine, set_later_wins, set_none_is_the_file, set_unknown_key,
	      set_bad_value, set_one_statement, set_validated, set_from_file, set_changes_hash);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
