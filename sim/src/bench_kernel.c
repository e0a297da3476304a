/* SPDX-License-Identifier: MIT */
/*
 * Benchmarks of the kernel core running on the simulated machine: host ns
 * per simulated operation, measured inside the simulation (the machine's
 * creation and boot are not timed).
 */
#include <sim/bench.h>
#include <sim/machine.h>

#include <ukern/user.h>

struct kbench {
	uint64_t iters;
	uint64_t t0, t1;
	unsigned started, finished;
};

static void null_prog(struct uk_user *u, uint64_t arg)
{
	struct kbench *b = (struct kbench *)(uintptr_t)arg;
	b->t0 = sim_bench_now_ns();
	for (uint64_t i = 0; i < b->iters; i++)
		uk_sys_null(u);
	b->t1 = sim_bench_now_ns();
}

/* Two of these on one CPU at one priority hand the CPU to each other. */
static void yield_prog(struct uk_user *u, uint64_t arg)
{
	struct kbench *b = (struct kbench *)(uintptr_t)arg;
	if (b->started++ == 0)
		b->t0 = sim_bench_now_ns();
	for (uint64_t i = 0; i < b->iters / 2; i++)
		uk_sys_yield(u);
	if (++b->finished == 2)
		b->t1 = sim_bench_now_ns();
}

static uint64_t run_programs(uk_user_entry_fn fn, unsigned nthreads, struct kbench *b)
{
	char err[256];
	struct sim_machine *sm;
	struct sim_machine_config cfg = {.cpus = 1, .step_bound = UINT64_MAX / 2};
	if (sim_machine_create(&cfg, &sm, err, sizeof(err)) != 0)
		return 0;
	int prog = uk_kernel_register_program(sm->k, "bench", fn);
	for (unsigned i = 0; i < nthreads; i++) {
		struct uk_spawn s = {.program = (unsigned)prog, .arg = (uint64_t)(uintptr_t)b,
				     .prio = 100, .max_prio = 100, .affinity = 1, .name = "bench"};
		uint64_t tid;
		if (prog < 0 || uk_kernel_spawn(sm->k, &s, &tid) != 0) {
			sim_machine_destroy(sm);
			return 0;
		}
	}
	enum sim_result r = sim_machine_run(sm);
	sim_machine_destroy(sm);
	if (r != SIM_DONE || b->t1 <= b->t0)
		return 0;
	return b->t1 - b->t0;
}

static uint64_t bench_syscall_null(uint64_t iters)
{
	struct kbench b = {.iters = iters};
	return run_programs(null_prog, 1, &b);
}

static uint64_t bench_thread_switch(uint64_t iters)
{
	struct kbench b = {.iters = iters < 2 ? 2 : iters};
	uint64_t ns = run_programs(yield_prog, 2, &b);
	return ns ? ns * iters / (b.iters / 2 * 2) : 0;
}

const struct sim_bench sim_bench_kernel[] = {
	{"syscall_null", "ns", SIM_BENCH_NS_PER_OP, bench_syscall_null,
	 "one simulated null system call (entry, dispatch, exit)"},
	{"thread_switch", "ns", SIM_BENCH_NS_PER_OP, bench_thread_switch,
	 "one simulated yield from one thread to another on the same CPU"},
	{0},
};
