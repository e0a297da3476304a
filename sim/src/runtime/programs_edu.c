/* SPDX-License-Identifier: MIT */
/*
 * The driver of QEMU's edu device (hwmodel HW_DEV_EDU). The same file is the
 * driver on both sides: uksim runs it on the simulated edu, and the
 * bare-metal image compiles it, unchanged, into its ring-3 programs
 * (metal/x86_64/Makefile; proglib.h says what it may include), so one
 * scenario runs the same code on both:
 *
 *	seq = wait(irq, seq);
 *	st = read(IRQ_STATUS);               0x24
 *	if (st) { write(IRQ_ACK, st); ack(seq); }   clear the device, then ACK
 *	else nak(seq);                       the other device's raise
 *
 * The edu's INTx is a level line held while its status is non-zero, so
 * the order matters: `mistake = ack-before-clear` ACKs first, and the
 * still-asserted line raises again at once into an episode its driver
 * then finds clear (a NAK from every driver: nobody cared).
 *
 * The late-ACK rule of irq-driver holds here too: when another driver's
 * ACK ended a shared episode while this one served its device, its own
 * ACK is stale, and the line may have raised again because of its device
 * before the acknowledgement; that episode is this driver's to end, with
 * an ACK, though its status now reads 0.
 */
#include "proglib.h"

#include <string.h>

#include <hwmodel/dev.h>
#include <ukern/devmem.h>
#include <ukern/irq_sys.h>

void rt_prog_edu_driver(struct uk_user *u)
{
	int dev = sim_prog_ref(u, "device");
	bool ack_first = !strcmp(sim_prog_str(u, "mistake", "none"), "ack-before-clear");
	uint64_t work = sim_prog_num(u, "work", 2000);
	struct sim_dev_info di;
	long h = rt_irq_attach_device(u, dev, &di);
	if (h < 0)
		return;
	uint64_t seq = 0;
	bool late = false;
	while ((seq = rt_irq_wait_next(u, h, dev, seq)) != 0) {
		long st = uk_reg_read32(u, di.regs + HW_EDU_IRQ_STATUS);
		if (st <= 0) {
			/* Not this device's (or its registers are gone: a
			 * negative error). ACK after a late ACK, as above. */
			rt_irq_answer(u, h, dev, seq, late && st == 0);
			late = false;
			continue;
		}
		sim_prog_note(u, SIM_NOTE_CLAIM, dev, 0);
		if (ack_first) {
			late = rt_irq_answer(u, h, dev, seq, true);
			uk_user_work(u, work);
			uk_reg_write32(u, di.regs + HW_EDU_IRQ_ACK, (uint32_t)st);
			continue;
		}
		uk_reg_write32(u, di.regs + HW_EDU_IRQ_ACK, (uint32_t)st);
		late = rt_irq_answer(u, h, dev, seq, true);
		uk_user_work(u, work);
	}
	uk_sys_handle_close(u, (uint32_t)h);
}
