/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "harness.h"

int harness_failures;

struct uk_kernel *boot(unsigned ncpus, uint64_t ram, const struct uk_kernel_config *cfg)
{
	harness_failures = 0;
	mock_create(ncpus, ram);
	return mock_boot(cfg);
}

void shutdown(void)
{
	mock_destroy();
}

uint64_t spawn_prog(struct uk_kernel *k, uk_user_entry_fn fn, uint64_t arg, unsigned prio,
		    uint32_t flags)
{
	int prog = uk_kernel_register_program(k, "test", fn);
	struct uk_spawn s = { .program = (unsigned)prog, .arg = arg, .prio = prio, .max_prio = 255,
			      .flags = flags, .name = "test" };
	uint64_t tid = 0;

	assert_true(prog >= 0);
	assert_int_equal(uk_kernel_spawn(k, &s, &tid), 0);
	return tid;
}

unsigned eff_prio(struct uk_kernel *k, uint64_t tid)
{
	struct uk_thread_info info;
	if (uk_kernel_thread_info(k, tid, &info) < 0)
		return 9999;
	return info.eff_prio;
}

struct uk_kernel_config config_with(uint64_t slice_ns, bool pi, unsigned depth)
{
	struct uk_kernel_config c;
	uk_kernel_config_default(&c);
	c.timeslice_ns = slice_ns;
	c.priority_inheritance = pi;
	c.pi_max_depth = depth;
	return c;
}
