/* SPDX-License-Identifier: MIT */
/*
 * A plug-in as a researcher writes it: one file, outside the tree, built
 * against the installed headers with `pkg-config --cflags ukern-sim` and
 * nothing else (test_install.py copies it away from the sources first).
 * It serves `count` interrupts of its device and answers each with an ACK,
 * so a scenario can judge it by `count acks(D)`.
 */
#include <hwmodel/dev.h>
#include <sim/programs.h>
#include <ukern/devmem.h>
#include <ukern/irq_sys.h>

static void oot_driver(struct uk_user *u)
{
	int dev = sim_prog_ref(u, "device");
	uint64_t count = sim_prog_num(u, "count", 1);
	struct sim_dev_info di;
	if (sim_prog_device_map(u, dev, &di) != 0 || !di.irq_cap)
		return;
	long irq = uk_irq_attach(u, di.src_kind, di.source, di.trigger, di.polarity);
	if (irq < 0)
		return;
	uint64_t seq = 0;
	for (uint64_t served = 0; served < count;) {
		sim_prog_idle(u, true);
		long r = uk_irq_wait(u, irq, seq);
		sim_prog_idle(u, false);
		if (r <= 0)
			break;
		seq = (uint64_t)r;
		long st = uk_reg_read32(u, di.regs + HW_SCRIPT_STATUS);
		if (st > 0 && (st & HW_SCRIPT_STATUS_IRQ)) {
			sim_prog_note(u, SIM_NOTE_CLAIM, dev, 0);
			if (di.w1c)
				uk_reg_write32(u, di.regs + HW_SCRIPT_STATUS, HW_SCRIPT_STATUS_IRQ);
			if (uk_irq_ack(u, irq, seq) == 0)
				sim_prog_note(u, SIM_NOTE_ACK, dev, 0);
			served++;
		} else if (uk_irq_nak(u, irq, seq) == 0) {
			sim_prog_note(u, SIM_NOTE_NAK, dev, 0);
		}
	}
	uk_sys_handle_close(u, (uint32_t)irq);
}

static const struct uks_arg_spec oot_args[] = {
	{"device", UKS_ARG_DEVICE, NULL, true, NULL, "the device it serves"},
	{"count", UKS_ARG_INT, NULL, false, "1", "interrupts to serve"},
};

static const struct uks_cap_need oot_needs[] = {
	{UKS_NEED_IRQ, "device"},
	{UKS_NEED_MMIO, "device"},
};

UKERN_PLUGIN;

const struct sim_program ukern_programs[] = {
	{"oot-driver", oot_driver, oot_args, 2, "a driver built against the installed headers",
	 oot_needs, 2},
	{0},
};
