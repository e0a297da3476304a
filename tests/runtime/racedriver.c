/* SPDX-License-Identifier: MIT */
/*
 * A driver with a data race across its ACK (issue 14, defect 3): two
 * threads of one process serve the two devices of a shared line, and each
 * counts the interrupts served in a word of their shared memory with a
 * plain read, the ACK, then a write of the value read plus one. When the
 * other thread runs between that read and that write, one increment is
 * lost. Each thread also keeps its own count in a slot of its own and, on
 * every interrupt, checks that the shared word is not below the sum of
 * the slots: a lost update shows as a rejected note (`count rejected(P)`).
 * `delay` makes one thread work that long before it reads the count, so
 * that in virtual-time order the two never overlap.
 */
#include <hwmodel/dev.h>
#include <sim/programs.h>
#include <ukern/devmem.h>
#include <ukern/irq_sys.h>
#include <ukern/user.h>

UKERN_PLUGIN;

#define SHARED_VA 0x30000000ull /* [0] the shared count, [1], [2] the slots */

static void race_driver(struct uk_user *u)
{
	int dev = sim_prog_ref(u, "device");
	uint64_t slot = sim_prog_num(u, "slot", 0) ? 2 : 1;
	uint64_t delay = sim_prog_num(u, "delay", 0);
	struct sim_dev_info di;
	if (sim_prog_device_map(u, dev, &di) != 0 || !di.irq_cap)
		return;
	/* Both threads map the page; the second map is refused, harmlessly. */
	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, SHARED_VA, UK_PAGE_SIZE,
		      UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY);
	long irq = uk_irq_attach(u, di.src_kind, di.source, di.trigger, di.polarity);
	if (irq < 0)
		return;
	uint64_t seq = 0, mine = 0;
	for (;;) {
		sim_prog_idle(u, true);
		long r = uk_irq_wait(u, irq, seq);
		sim_prog_idle(u, false);
		if (r <= 0)
			break;
		seq = (uint64_t)r;
		uint64_t w[3];
		uk_user_read(u, SHARED_VA, w, sizeof(w));
		if (w[0] < w[1] + w[2])
			sim_prog_note(u, SIM_NOTE_REJECTED, dev, 0);
		long st = uk_reg_read32(u, di.regs + HW_SCRIPT_STATUS);
		if (st > 0 && (st & HW_SCRIPT_STATUS_IRQ)) {
			sim_prog_note(u, SIM_NOTE_CLAIM, dev, 0);
			if (di.w1c)
				uk_reg_write32(u, di.regs + HW_SCRIPT_STATUS, HW_SCRIPT_STATUS_IRQ);
			uint64_t count;
			if (delay)
				uk_user_work(u, delay);
			uk_user_read(u, SHARED_VA, &count, sizeof(count));
			if (uk_irq_ack(u, irq, seq) == 0)
				sim_prog_note(u, SIM_NOTE_ACK, dev, 0);
			count++;
			uk_user_write(u, SHARED_VA, &count, sizeof(count));
			mine++;
			uk_user_write(u, SHARED_VA + 8 * slot, &mine, sizeof(mine));
		} else if (uk_irq_nak(u, irq, seq) == 0) {
			sim_prog_note(u, SIM_NOTE_NAK, dev, 0);
		}
	}
	uk_sys_handle_close(u, (uint32_t)irq);
}

static const struct uks_arg_spec race_args[] = {
	{"device", UKS_ARG_DEVICE, NULL, true, NULL, "the device it serves"},
	{"slot", UKS_ARG_INT, NULL, false, "0", "its own count's slot (0 or 1)"},
	{"delay", UKS_ARG_TIME, NULL, false, "0", "work before it reads the shared count"},
};
static const struct uks_cap_need race_needs[] = {
	{UKS_NEED_IRQ, "device"},
	{UKS_NEED_MMIO, "device"},
};

const struct sim_program ukern_programs[] = {
	{"race-driver", race_driver, race_args, 3, "counts across its ACK without a lock", race_needs, 2},
	{0},
};
