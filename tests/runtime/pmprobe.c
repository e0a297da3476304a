/* SPDX-License-Identifier: MIT */
/*
 * pm-probe: a driver that first tries every error path of the affinity and
 * wake calls (ukern/irq_sys.h: UK_SYS_IRQ_SET_AFFINITY, UK_SYS_IRQ_SET_WAKE),
 * then moves its line to CPU `cpu` (on a per-CPU line: checks that it
 * cannot), marks it wake and serves `count`
 * interrupts before it exits. A call that does not answer as documented
 * makes it stop without exiting, so `count exits(P) == 1` says all went
 * right (tests/runtime/test_pm.c).
 */
#include <hwmodel/dev.h>
#include <sim/programs.h>
#include <ukern/err.h>
#include <ukern/devmem.h>
#include <ukern/irq_sys.h>

UKERN_PLUGIN;

static bool probe_errors(struct uk_user *u, long irq)
{
	long weak = uk_sys_handle_dup(u, (uint32_t)irq, UK_RIGHT_WAIT | UK_RIGHT_SIGNAL);
	bool ok = weak >= 0;

	ok = ok && uk_irq_set_affinity(u, irq, 64) == UK_EINVAL;       /* no such CPU */
	ok = ok && uk_irq_set_affinity(u, irq, 2) == UK_EINVAL;        /* 2 CPUs: 0 and 1 */
	ok = ok && uk_irq_set_affinity(u, 999, 0) == UK_EBADH;
	ok = ok && uk_irq_set_wake(u, 999, true) == UK_EBADH;
	ok = ok && uk_irq_set_affinity(u, weak, 0) == UK_EPERM;        /* no MANAGE */
	ok = ok && uk_irq_set_wake(u, weak, true) == UK_EPERM;         /* no MANAGE */
	ok = ok && uk_syscall6(u, UK_SYS_IRQ_SET_WAKE, (uint64_t)irq, 2, 0, 0, 0, 0) == UK_EINVAL;
	if (weak >= 0)
		uk_sys_handle_close(u, (uint32_t)weak);
	return ok;
}

static void pm_probe(struct uk_user *u)
{
	int dev = sim_prog_ref(u, "device");
	uint64_t count = sim_prog_num(u, "count", 1);
	unsigned cpu = (unsigned)sim_prog_num(u, "cpu", 1);
	struct sim_dev_info di;
	if (sim_prog_device_map(u, dev, &di) != 0 || !di.irq_cap)
		return;
	long irq = uk_irq_attach(u, di.src_kind, di.source, di.trigger, di.polarity);
	if (irq < 0 || !probe_errors(u, irq))
		goto stuck;
	if (di.src_kind == UK_IRQ_SRC_PERCPU) {
		/* A CPU's own line interrupts that CPU only: no affinity. */
		if (uk_irq_set_affinity(u, irq, 0) != UK_EINVAL ||
		    uk_irq_set_affinity(u, irq, 1) != UK_EINVAL)
			goto stuck;
	} else if (uk_irq_set_affinity(u, irq, cpu) != 0) {
		goto stuck;
	}
	if (uk_irq_set_wake(u, irq, true) != 0)
		goto stuck;
	uint64_t seq = 0;
	for (uint64_t served = 0; served < count;) {
		sim_prog_idle(u, true);
		long r = uk_irq_wait(u, irq, seq);
		sim_prog_idle(u, false);
		if (r <= 0)
			goto stuck;
		seq = (uint64_t)r;
		sim_prog_note(u, SIM_NOTE_CLAIM, dev, 0);
		if (di.w1c)
			uk_reg_write32(u, di.regs + HW_SCRIPT_STATUS, HW_SCRIPT_STATUS_IRQ);
		if (uk_irq_ack(u, irq, seq) == 0)
			sim_prog_note(u, SIM_NOTE_ACK, dev, 0);
		served++;
	}
	uk_sys_handle_close(u, (uint32_t)irq);
	return;
stuck:
	sim_prog_idle(u, true);
	for (;;)
		uk_irq_wait(u, irq, ~0ull >> 1); /* EFUTURE or EBADH: never exits cleanly */
}

static const struct uks_arg_spec probe_args[] = {
	{"device", UKS_ARG_DEVICE, NULL, true, NULL, "the device it serves"},
	{"count", UKS_ARG_INT, NULL, false, "1", "interrupts to serve before it exits"},
	{"cpu", UKS_ARG_INT, NULL, false, "1", "the CPU it moves its line to"},
};

static const struct uks_cap_need probe_needs[] = {
	{UKS_NEED_IRQ, "device"},
	{UKS_NEED_MMIO, "device"},
};

const struct sim_program ukern_programs[] = {
	{"pm-probe", pm_probe, probe_args, 3, "tries the affinity and wake calls, then serves",
	 probe_needs, 2},
	{0},
};
