/* SPDX-License-Identifier: MIT */
/*
 * Registering Check suites for meson: each suite is a meson test of its own,
 * picked with CK_RUN_SUITE=name, so one executable serves several tests.
 *
 *   SRunner *sr = srunner_create(NULL);
 *   SIM_SUITE(sr, "boot", 60, test_a, test_b);
 */
#ifndef TESTS_SIM_SUITES_H
#define TESTS_SIM_SUITES_H

#include <check.h>

static inline Suite *sim_suite_of(const char *name, const TTest *const *tests, unsigned n,
				  double timeout)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create(name);
	tcase_set_timeout(tc, timeout);
	for (unsigned i = 0; i < n; i++)
		_tcase_add_test(tc, tests[i], 0, 0, 0, 1);
	suite_add_tcase(s, tc);
	return s;
}

#define SIM_SUITE(sr, name, timeout, ...)                                                      \
	do {                                                                                   \
		const TTest *const t_[] = {__VA_ARGS__};                                       \
		srunner_add_suite((sr), sim_suite_of(name, t_, sizeof(t_) / sizeof(t_[0]),     \
						     timeout));                                \
	} while (0)

/* Run every registered suite (or the one CK_RUN_SUITE names); exit status. */
static inline int sim_run_suites(SRunner *sr)
{
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

#endif /* TESTS_SIM_SUITES_H */
