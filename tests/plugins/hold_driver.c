/* SPDX-License-Identifier: MIT */
/*
 * A test driver for the behaviour plug-in: like the library's irq-driver,
 * but it computes `hold` between claiming its device (status read and
 * cleared) and its ACK, so the episode stays open, and the line masked
 * when its behaviour masks it, for a known time. A device that signals
 * again inside that window is heard only if the controller lets the edge
 * through (tests/plugins/test_plugins.c, edge-masked).
 */
#include <hwmodel/dev.h>
#include <sim/programs.h>
#include <ukern/devmem.h>
#include <ukern/irq_sys.h>
#include <ukern/user.h>

static void hold_driver(struct uk_user *u)
{
	int dev = sim_prog_ref(u, "device");
	uint64_t hold = sim_prog_num(u, "hold", 0);
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
		long st = uk_reg_read32(u, di.regs + HW_SCRIPT_STATUS);
		if (st > 0 && (st & HW_SCRIPT_STATUS_IRQ)) {
			sim_prog_note(u, SIM_NOTE_CLAIM, dev, 0);
			uk_reg_write32(u, di.regs + HW_SCRIPT_STATUS, HW_SCRIPT_STATUS_IRQ);
			uk_user_work(u, hold); /* the episode stays open meanwhile */
			if (uk_irq_ack(u, irq, seq) == 0)
				sim_prog_note(u, SIM_NOTE_ACK, dev, 0);
		} else if (uk_irq_nak(u, irq, seq) == 0) {
			sim_prog_note(u, SIM_NOTE_NAK, dev, 0);
		}
	}
	uk_sys_handle_close(u, (uint32_t)irq);
}

static const struct uks_arg_spec hold_args[] = {
	{"device", UKS_ARG_DEVICE, NULL, true, NULL, "the device it serves (write-1-to-clear)"},
	{"hold", UKS_ARG_TIME, NULL, false, "0", "work between the claim and the ACK"},
};

static const struct uks_cap_need hold_needs[] = {
	{UKS_NEED_IRQ, "device"},
	{UKS_NEED_MMIO, "device"},
};

UKERN_PLUGIN;

const struct sim_program ukern_programs[] = {
	{"hold-ack-driver", hold_driver, hold_args, 2, "claims, computes `hold`, then ACKs",
	 hold_needs, 2},
	{0},
};
