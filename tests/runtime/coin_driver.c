/* SPDX-License-Identifier: MIT */
/*
 * A driver that flips a coin (sim_prog_choose, the explorer's choice) at
 * each interrupt and on tails wrongly NAKs its own: nobody cares. The
 * explorer finds the schedule where the coin comes up tails; its story must
 * call that choice the program's own, not a timeline window's (issue 14,
 * defect 5).
 */
#include <hwmodel/dev.h>
#include <sim/programs.h>
#include <ukern/devmem.h>
#include <ukern/irq_sys.h>

UKERN_PLUGIN;

static void coin_driver(struct uk_user *u)
{
	int dev = sim_prog_ref(u, "device");
	struct sim_dev_info di;
	if (sim_prog_device_map(u, dev, &di) != 0 || !di.irq_cap)
		return;
	long irq = uk_irq_attach(u, di.src_kind, di.source, di.trigger, di.polarity);
	if (irq < 0)
		return;
	uint64_t seq = 0;
	for (;;) {
		sim_prog_idle(u, true);
		long r = uk_irq_wait(u, irq, seq);
		sim_prog_idle(u, false);
		if (r <= 0)
			break;
		seq = (uint64_t)r;
		if (sim_prog_choose(u, 2, 0) == 1) {
			uk_irq_nak(u, irq, seq); /* the bug, on tails */
			continue;
		}
		long st = uk_reg_read32(u, di.regs + HW_SCRIPT_STATUS);
		if (st > 0 && (st & HW_SCRIPT_STATUS_IRQ)) {
			sim_prog_note(u, SIM_NOTE_CLAIM, dev, 0);
			if (di.w1c)
				uk_reg_write32(u, di.regs + HW_SCRIPT_STATUS, HW_SCRIPT_STATUS_IRQ);
			if (uk_irq_ack(u, irq, seq) == 0)
				sim_prog_note(u, SIM_NOTE_ACK, dev, 0);
		} else {
			uk_irq_nak(u, irq, seq);
		}
	}
	uk_sys_handle_close(u, (uint32_t)irq);
}

static const struct uks_arg_spec coin_args[] = {
	{"device", UKS_ARG_DEVICE, NULL, true, NULL, "the device it serves"},
};
static const struct uks_cap_need coin_needs[] = {
	{UKS_NEED_IRQ, "device"},
	{UKS_NEED_MMIO, "device"},
};

const struct sim_program ukern_programs[] = {
	{"coin-driver", coin_driver, coin_args, 1, "NAKs its own interrupt on a coin flip", coin_needs,
	 2},
	{0},
};
