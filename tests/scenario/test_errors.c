/* SPDX-License-Identifier: MIT */
/*
 * The scenario language on bad input: the error report's shape, the
 * nearest-name suggestions, the size and depth limits, and robustness (every
 * prefix and many mutations of a valid file fail cleanly or parse).
 * Each Check suite is its own meson test (CK_RUN_SUITE).
 */
#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"

#ifndef UKS_TEST_DIR
#error "UKS_TEST_DIR must name tests/scenario"
#endif

/* Parse `text`; it must fail. Returns the formatted report (g_free). */
static char *parse_bad(const char *text, struct uks_diag *d)
{
	struct uks_scenario *s = NULL;
	uks_diag_init(d);
	int rc = uks_parse_string("t.uks", text, strlen(text), NULL, &s, d);
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_null(s);
	ck_assert(d->set);
	return uks_diag_format(d);
}

START_TEST(report_shape)
{
	struct uks_diag d;
	char *r = parse_bad("machine {\n\tcpus 2\n\tirq-modle linux\n}\n", &d);
	ck_assert_str_eq(r, "t.uks:3:2: error: unknown machine statement 'irq-modle'\n"
			    "  \tirq-modle linux\n"
			    "  \t^~~~~~~~~\n"
			    "  expected one of: cpus, memory, cost, irq-model, transfer, scheduler, "
			    "timeslice, priority-inheritance, ack-timeout, controller, ipc-handoff, "
			    "nak-on-timeout, linux-window, linux-threshold, sel4-unmask-at\n"
			    "  did you mean 'irq-model'?\n");
	ck_assert_str_eq(d.file, "t.uks");
	ck_assert_uint_eq(d.line, 3);
	ck_assert_uint_eq(d.col, 2);
	ck_assert_uint_eq(d.len, 9);
	g_free(r);
	uks_diag_clear(&d);
	ck_assert(!d.set);
}
END_TEST

static void expect_hint(const char *text, const char *hint)
{
	struct uks_diag d;
	char *r = parse_bad(text, &d);
	if (hint) {
		ck_assert_msg(d.hint && !strcmp(d.hint, hint), "hint for %s: %s", text, r);
	} else {
		ck_assert_msg(!d.hint, "no hint expected for %s: %s", text, r);
	}
	g_free(r);
	uks_diag_clear(&d);
}

START_TEST(suggestions)
{
	expect_hint("process p { thread t program irq-drivr(device = d) }",
		    "did you mean 'irq-driver'?");
	expect_hint("process p { thread t program vfs-clinet }", "did you mean 'vfs-client'?");
	expect_hint("machine { cost zne3 }", "did you mean 'zen3'?");
	expect_hint("machine { irq-model seL4 }", "did you mean 'sel4'?");
	expect_hint("device d { kind hpte }", "did you mean 'hpet'?");
	expect_hint("expect { violation deadlok }", "did you mean 'deadlock'?");
	expect_hint("expect { count nobody-crd == 1 }", "did you mean 'nobody-cared'?");
	expect_hint("timeline { at 1us asert d }", "did you mean 'assert'?");
	expect_hint("timeline { at 1us dropedge d }", "did you mean 'drop-edge'?");
	expect_hint("device nic0 { kind scripted }\ntimeline { at 1us reset nci0 }",
		    "did you mean 'nic0'?");
	expect_hint("machine { timeslice 1msec }", NULL);
	expect_hint("machine { frobnicate 1 }", NULL); /* too far from anything */
	expect_hint("expect { count x = 1 }", NULL);
}
END_TEST

START_TEST(missing_file)
{
	struct uks_scenario *s = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	ck_assert_int_eq(uks_parse_file("/nonexistent/x.uks", NULL, &s, &d), -1);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(d.file, "/nonexistent/x.uks");
	ck_assert_uint_eq(d.line, 0);
	char *r = uks_diag_format(&d);
	ck_assert(g_str_has_prefix(r, "/nonexistent/x.uks: error: cannot read"));
	g_free(r);
	uks_diag_clear(&d);
	/* A NULL diag is allowed. */
	ck_assert_int_eq(uks_parse_file("/nonexistent/x.uks", NULL, &s, NULL), -1);
	const char *bad = "machine {";
	ck_assert_int_eq(uks_parse_string("t.uks", bad, strlen(bad), NULL, &s, NULL), -1);
}
END_TEST

static void expect_msg(const char *text, const char *frag)
{
	struct uks_diag d;
	char *r = parse_bad(text, &d);
	ck_assert_msg(strstr(d.message, frag), "wanted '%s' in: %s", frag, r);
	g_free(r);
	uks_diag_clear(&d);
}

START_TEST(limits)
{
	GString *s = g_string_new(NULL);
	for (int i = 0; i <= UKS_MAX_DEVICES; i++)
		g_string_append_printf(s, "device d%d { kind scripted }\n", i);
	expect_msg(s->str, "more than 256 devices");
	g_string_assign(s, "device ");
	for (int i = 0; i < UKS_MAX_TOKEN + 10; i++)
		g_string_append_c(s, 'a');
	expect_msg(s->str, "longer than 256");
	g_string_assign(s, "scenario \"");
	for (int i = 0; i < UKS_MAX_STRING + 10; i++)
		g_string_append_c(s, 'a');
	g_string_append(s, "\"\n");
	expect_msg(s->str, "string longer than");
	g_string_assign(s, "device d { kind scripted; irq ioapic 1 }\n"
			   "timeline { repeat 100000 every 1us { assert d; assert d } }\n");
	expect_msg(s->str, "more than 100000 timeline actions");
	g_string_assign(s, "device d { kind scripted; irq ioapic 1 }\n"
			   "timeline { repeat 100000 every 1s { assert d } }\n");
	expect_msg(s->str, "one-hour limit");
	g_string_assign(s, "machine { memory 99999999999GiB }");
	expect_msg(s->str, "too large");
	/* A file over the size cap is refused before it is read. */
	g_string_set_size(s, UKS_MAX_FILE_BYTES + 1);
	memset(s->str, '#', s->len);
	struct uks_scenario *sc = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	ck_assert_int_eq(uks_parse_string("big.uks", s->str, s->len, NULL, &sc, &d), -1);
	ck_assert(strstr(d.message, "larger than"));
	uks_diag_clear(&d);
	g_string_free(s, TRUE);
}
END_TEST

START_TEST(include_depth)
{
	/* a0 includes a1 includes ... a40: stops at the depth limit. */
	char *dir = g_dir_make_tmp("uks-XXXXXX", NULL);
	ck_assert_ptr_nonnull(dir);
	for (int i = 0; i <= 40; i++) {
		char name[32], body[64];
		g_snprintf(name, sizeof(name), "a%d.uks", i);
		g_snprintf(body, sizeof(body), "include \"a%d.uks\"\n", i + 1);
		char *p = g_build_filename(dir, name, NULL);
		ck_assert(g_file_set_contents(p, i == 40 ? "" : body, -1, NULL));
		g_free(p);
	}
	char *main_path = g_build_filename(dir, "a0.uks", NULL);
	struct uks_scenario *s = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	ck_assert_int_eq(uks_parse_file(main_path, NULL, &s, &d), -1);
	ck_assert(strstr(d.message, "nested more than 16 deep"));
	ck_assert(g_str_has_suffix(d.file, "a15.uks"));
	ck_assert_ptr_nonnull(d.note);
	uks_diag_clear(&d);
	for (int i = 0; i <= 40; i++) {
		char name[32];
		g_snprintf(name, sizeof(name), "a%d.uks", i);
		char *p = g_build_filename(dir, name, NULL);
		g_unlink(p);
		g_free(p);
	}
	g_rmdir(dir);
	g_free(main_path);
	g_free(dir);
}
END_TEST

static char *read_sample(void)
{
	char *path = g_build_filename(UKS_TEST_DIR, "good", "all-constructs.uks", NULL);
	char *text = NULL;
	ck_assert(g_file_get_contents(path, &text, NULL, NULL));
	g_free(path);
	return text;
}

/* Every prefix of a valid file either parses or reports an error inside
 * the text it was given, and nothing leaks (ASan checks that). */
START_TEST(every_prefix)
{
	char *text = read_sample();
	size_t n = strlen(text);
	for (size_t len = 0; len <= n; len++) {
		struct uks_scenario *s = NULL;
		struct uks_diag d;
		uks_diag_init(&d);
		int rc = uks_parse_string_flags("p.uks", text, len, NULL, UKS_PARSE_NO_INCLUDE,
						&s, &d);
		if (rc == 0) {
			uks_scenario_free(s);
		} else {
			ck_assert(d.set && d.message && d.line >= 1);
			char *r = uks_diag_format(&d);
			g_free(r);
		}
		uks_diag_clear(&d);
	}
	g_free(text);
}
END_TEST

/* Deterministic byte mutations of the sample. */
START_TEST(mutations)
{
	char *text = read_sample();
	size_t n = strlen(text);
	static const char bytes[] = "{}()\n;#\"=.+:,0 9zZ-\t\x01\xff";
	GRand *rng = g_rand_new_with_seed(7);
	for (int i = 0; i < 3000; i++) {
		char *m = g_malloc(n);
		memcpy(m, text, n);
		for (int k = 0; k < 1 + i % 4; k++)
			m[g_rand_int_range(rng, 0, (gint32)n)] =
				bytes[g_rand_int_range(rng, 0, sizeof(bytes) - 1)];
		struct uks_scenario *s = NULL;
		struct uks_diag d;
		uks_diag_init(&d);
		if (uks_parse_string_flags("m.uks", m, n, NULL, UKS_PARSE_NO_INCLUDE, &s, &d) == 0)
			uks_scenario_free(s);
		else
			ck_assert(d.set);
		uks_diag_clear(&d);
		g_free(m);
	}
	g_rand_free(rng);
	g_free(text);
}
END_TEST

static Suite *suite_of(const char *name, const TTest *const *tests, unsigned n)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create(name);
	tcase_set_timeout(tc, 120);
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
	SUITE("errors", report_shape, suggestions, missing_file);
	SUITE("limits", limits, include_depth);
	SUITE("robust", every_prefix, mutations);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
