/* SPDX-License-Identifier: MIT */
/*
 * Programs about the CPU and the scheduler: a CPU burner, a yield loop, the
 * two halves of a priority inversion on a kernel mutex, and a driver that
 * must touch its hardware inside a no-preemption section.
 */
#include "rt_int.h"

#include <hwmodel/dev.h>
#include <ukern/devmem.h>
#include <ukern/irq_sys.h>

/* `load`: burn `work` of CPU every `period` (0: without a break) until
 * `until` (default: for ever, i.e. until the run's end). */
void rt_prog_load(struct uk_user *u)
{
	uint64_t work = sim_prog_num(u, "work", 100000);
	uint64_t period = sim_prog_num(u, "period", 0);
	uint64_t until = sim_prog_num(u, "until", UINT64_MAX);
	uint64_t next = sim_prog_now(u);
	while (sim_prog_now(u) < until) {
		uk_user_work(u, work);
		if (!period)
			continue;
		next += period;
		if (next >= until)
			break;
		uk_sys_sleep_until(u, next);
	}
}

/* `spinner`: yield `iterations` times (0: for ever). */
void rt_prog_spinner(struct uk_user *u)
{
	uint64_t n = sim_prog_num(u, "iterations", 0);
	for (uint64_t i = 0; !n || i < n; i++)
		uk_sys_yield(u);
}

/* `mutex-holder`: at `start`, take the process's mutex and compute `hold`
 * while holding it. */
void rt_prog_mutex_holder(struct uk_user *u)
{
	uint32_t m = sim_prog_mutex(u, sim_prog_str(u, "mutex", "m"));
	uk_sys_sleep_until(u, sim_prog_num(u, "start", 0));
	if (!m || uk_sys_mutex_lock(u, m) != 0) {
		sim_prog_note(u, SIM_NOTE_REJECTED, -1, 0);
		return;
	}
	uk_user_work(u, sim_prog_num(u, "hold", 1000000));
	uk_sys_mutex_unlock(u, m);
}

/* `mutex-waiter`: at `start`, ask for the mutex; the wait is its wakeup
 * latency (`latency wakeup(P)`), compared with `deadline` by the scenario. */
void rt_prog_mutex_waiter(struct uk_user *u)
{
	uint32_t m = sim_prog_mutex(u, sim_prog_str(u, "mutex", "m"));
	uint64_t start = sim_prog_num(u, "start", 0);
	uk_sys_sleep_until(u, start);
	uint64_t t0 = sim_prog_now(u);
	if (!m || uk_sys_mutex_lock(u, m) != 0) {
		sim_prog_note(u, SIM_NOTE_REJECTED, -1, 0);
		return;
	}
	sim_prog_note(u, SIM_NOTE_WAKEUP_NS, -1, sim_prog_now(u) - t0);
	uk_sys_mutex_unlock(u, m);
}

/* `nopreempt-driver`: `rounds` times, open a no-preemption section with
 * `budget`, program the device in sequence (a few register writes) and
 * compute `work` inside it. Work beyond the budget overruns: the kernel
 * faults the thread (it dies: no fault handler). */
void rt_prog_nopreempt_driver(struct uk_user *u)
{
	uint64_t budget = sim_prog_num(u, "budget", 0);
	uint64_t work = sim_prog_num(u, "work", 0);
	uint64_t rounds = sim_prog_num(u, "rounds", 1);
	struct sim_dev_info di;
	bool dev = sim_prog_device_map(u, sim_prog_ref(u, "device"), &di) == 0;
	for (uint64_t r = 0; r < rounds; r++) {
		uint64_t t0 = sim_prog_now(u);
		if (uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, budget) != 0) {
			sim_prog_note(u, SIM_NOTE_REJECTED, -1, 0);
			return;
		}
		if (dev)
			uk_reg_write32(u, di.regs + HW_SCRIPT_DATA, (uint32_t)r);
		uk_user_work(u, work);
		if (dev)
			uk_reg_read32(u, di.regs + HW_SCRIPT_COUNT);
		/* The section's length, before the end lets deferred
		 * preemptions in. */
		sim_prog_note(u, SIM_NOTE_NOPREEMPT_NS, -1, sim_prog_now(u) - t0);
		long rc = uk_sys_nopreempt_end(u);
		if (rc == UK_EOVERRUN)
			sim_prog_note(u, SIM_NOTE_OVERRUN, -1, 0);
		uk_sys_yield(u);
	}
}
