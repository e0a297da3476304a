/* SPDX-License-Identifier: MIT */
/* Helpers shared by the runtime tests: parse an inline scenario, run it. */
#ifndef RT_TEST_H
#define RT_TEST_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <sim/runtime.h>

static inline struct uks_scenario *rt_parse(const char *text)
{
	struct uks_scenario *s = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	if (uks_parse_string("inline.uks", text, strlen(text), NULL, &s, &d) != 0) {
		char *msg = uks_diag_format(&d);
		ck_abort_msg("scenario does not parse:\n%s", msg);
	}
	return s;
}

/* Run with the time chooser and `seed`, keeping `trace` records. */
static inline void rt_run(const struct uks_scenario *s, uint64_t seed, size_t trace,
			  struct sim_run_report *r)
{
	struct sim_runtime_options o = {.trace_limit = trace};
	ck_assert_int_eq(sim_runtime_run(s, &o, NULL, seed, r), 0);
	ck_assert_msg(!r->internal_error, "internal error: %s", r->message);
}

static inline const struct sim_expect_verdict *rt_verdict(const struct sim_run_report *r,
							  size_t i)
{
	ck_assert_uint_lt(i, r->nexpects);
	return &r->expects[i];
}

static inline bool rt_shown(const struct sim_run_report *r, const char *id)
{
	for (size_t i = 0; i < r->nviolations; i++)
		if (!strcmp(r->violations[i].id, id))
			return true;
	return false;
}

#define RT_MAIN(...)                                                                    \
	int main(void)                                                                  \
	{                                                                               \
		Suite *(*suites[])(void) = {__VA_ARGS__};                               \
		SRunner *sr = srunner_create(NULL);                                     \
		for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)         \
			srunner_add_suite(sr, suites[i]());                             \
		srunner_set_fork_status(sr, CK_NOFORK);                                 \
		srunner_run_all(sr, CK_NORMAL);                                         \
		int failed = srunner_ntests_failed(sr);                                 \
		srunner_free(sr);                                                       \
		return failed ? 1 : 0;                                                  \
	}

#endif /* RT_TEST_H */
