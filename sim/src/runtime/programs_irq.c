/* SPDX-License-Identifier: MIT */
/*
 * Interrupt drivers, written as the seed discussion's loop on the IRQ
 * objects of ukern/irq_sys.h:
 *
 *	seq = wait(irq, seq);
 *	if (my device says it interrupted) { clear it; ack(seq); handle it; }
 *	else nak(seq);
 *
 * `irq-driver` can be told to make one of the classic mistakes:
 *   ack-before-clear  ACK, handle, and only then clear the device: on a
 *                     level line the still-asserted line raises again at
 *                     once (use a write-1-to-clear device: with
 *                     clear-on-read, looking is clearing);
 *   nak-all           NAK every interrupt, its own included;
 *   never-answer      clear its device but never ACK or NAK;
 *   stale-seq         ACK with the sequence before the current one (an
 *                     off-by-one the kernel rejects), so it never answers;
 * and `nak-first = on` makes it NAK the first interrupt it sees whatever
 * the device says: a driver that, after a device reset, cannot yet tell
 * whether an interrupt is its own.
 */
#include "proglib.h"

#include <string.h>

#include <hwmodel/dev.h>
#include <ukern/devmem.h>
#include <ukern/irq_sys.h>

enum mistake { M_NONE, M_ACK_BEFORE_CLEAR, M_NAK_ALL, M_NEVER_ANSWER, M_STALE_SEQ };

static enum mistake mistake_of(struct uk_user *u)
{
	const char *m = sim_prog_str(u, "mistake", "none");
	if (!strcmp(m, "ack-before-clear"))
		return M_ACK_BEFORE_CLEAR;
	if (!strcmp(m, "nak-all"))
		return M_NAK_ALL;
	if (!strcmp(m, "never-answer"))
		return M_NEVER_ANSWER;
	if (!strcmp(m, "stale-seq"))
		return M_STALE_SEQ;
	return M_NONE;
}

/* Map the device's registers and attach to its line: a driver needs both
 * irq(D) and its device memory (mmio(D) or pci(D)). */
long rt_irq_attach_device(struct uk_user *u, int dev, struct sim_dev_info *di)
{
	if (sim_prog_device_map(u, dev, di) != 0 || !di->has_line || !di->irq_cap) {
		sim_prog_note(u, SIM_NOTE_REJECTED, dev, 0);
		return UK_EPERM;
	}
	long h = uk_irq_attach(u, di->src_kind, di->source, di->trigger, di->polarity);
	if (h < 0) {
		sim_prog_note(u, SIM_NOTE_REJECTED, dev, 0);
		sim_prog_note(u, SIM_NOTE_ATTACH_REFUSED, dev, (uint64_t)-h);
	}
	return h;
}

/* Wait for the next episode; 0 when the driver should stop. */
uint64_t rt_irq_wait_next(struct uk_user *u, long h, int dev, uint64_t seq)
{
	sim_prog_idle(u, true);
	long r = uk_irq_wait(u, h, seq);
	sim_prog_idle(u, false);
	if (r <= 0) {
		sim_prog_note(u, SIM_NOTE_REJECTED, dev, 0);
		return 0;
	}
	sim_prog_note(u, SIM_NOTE_WOKEN, dev, 0);
	return (uint64_t)r;
}

bool rt_device_claims(struct uk_user *u, int dev, const struct sim_dev_info *di)
{
	long v = uk_reg_read32(u, di->regs + HW_SCRIPT_STATUS);
	bool mine = v > 0 && (v & HW_SCRIPT_STATUS_IRQ);
	if (mine)
		sim_prog_note(u, SIM_NOTE_CLAIM, dev, 0);
	return mine;
}

void rt_device_clear(struct uk_user *u, const struct sim_dev_info *di)
{
	if (di->w1c)
		uk_reg_write32(u, di->regs + HW_SCRIPT_STATUS, HW_SCRIPT_STATUS_IRQ);
}

/* Returns true when an ACK came too late: another sink's ACK had already
 * ended the episode while this driver served its device. */
bool rt_irq_answer(struct uk_user *u, long h, int dev, uint64_t seq, bool ack)
{
	long rc = ack ? uk_irq_ack(u, h, seq) : uk_irq_nak(u, h, seq);
	if (rc == 0) {
		sim_prog_note(u, ack ? SIM_NOTE_ACK : SIM_NOTE_NAK, dev, 0);
		return false;
	}
	sim_prog_note(u, SIM_NOTE_REJECTED, dev, 0);
	if (ack && rc == UK_ESTALE) {
		sim_prog_note(u, SIM_NOTE_SERVED_LATE, dev, 0);
		return true;
	}
	return false;
}

/* Returns true when the driver's ACK was stale (see irq_driver). */
static bool serve_mine(struct uk_user *u, long h, int dev, const struct sim_dev_info *di,
		       uint64_t seq, enum mistake m, uint64_t work)
{
	bool late;
	switch (m) {
	case M_ACK_BEFORE_CLEAR:
		late = rt_irq_answer(u, h, dev, seq, true);
		uk_user_work(u, work);
		rt_device_clear(u, di);
		return late;
	case M_NEVER_ANSWER:
		rt_device_clear(u, di);
		uk_user_work(u, work);
		return false;
	case M_STALE_SEQ: {
		rt_device_clear(u, di);
		long rc = uk_irq_ack(u, h, seq - 1);
		sim_prog_note(u, rc == 0 ? SIM_NOTE_ACK : SIM_NOTE_REJECTED, dev, 0);
		uk_user_work(u, work);
		return false;
	}
	default:
		rt_device_clear(u, di);
		late = rt_irq_answer(u, h, dev, seq, true);
		uk_user_work(u, work);
		return late;
	}
}

void rt_prog_irq_driver(struct uk_user *u)
{
	int dev = sim_prog_ref(u, "device");
	enum mistake m = mistake_of(u);
	uint64_t work = sim_prog_num(u, "work", 2000);
	uint64_t count = sim_prog_num(u, "count", 0);
	bool nak_first = sim_prog_num(u, "nak-first", 0) != 0;
	struct sim_dev_info di;
	long h = rt_irq_attach_device(u, dev, &di);
	if (h < 0)
		return;
	uint64_t seq = 0, served = 0;
	bool first = true, late = false;
	while ((seq = rt_irq_wait_next(u, h, dev, seq)) != 0) {
		if (m == M_NAK_ALL || (nak_first && first)) {
			first = false;
			rt_irq_answer(u, h, dev, seq, false);
			continue;
		}
		if (!rt_device_claims(u, dev, &di)) {
			/* After a stale ACK the line may have raised again
			 * because of this device, before it was cleared: that
			 * episode is this driver's to end. ACKing it is safe on
			 * a level line (a device still asserting raises again);
			 * a NAK would make it "nobody cared" (found by random
			 * schedules of the flagship). */
			if (m != M_NEVER_ANSWER)
				rt_irq_answer(u, h, dev, seq, late && m == M_NONE);
			late = false;
			continue;
		}
		late = serve_mine(u, h, dev, &di, seq, m, work);
		if (count && ++served >= count)
			break;
	}
	uk_sys_handle_close(u, (uint32_t)h);
}

/* A driver that cannot always tell whether an interrupt is its own: every
 * `reset-every` interrupts it resets its device's interrupt logic, and
 * until the device claims an interrupt again it kicks (ends the episode as
 * handled) instead of guessing with a NAK. Its own interrupts are cleared
 * and answered with kick|clear, which counts as its ACK. */
void rt_prog_irq_driver_kick(struct uk_user *u)
{
	int dev = sim_prog_ref(u, "device");
	uint64_t work = sim_prog_num(u, "work", 2000);
	uint64_t every = sim_prog_num(u, "reset-every", 0);
	struct sim_dev_info di;
	long h = rt_irq_attach_device(u, dev, &di);
	if (h < 0)
		return;
	uint64_t seq = 0, served = 0;
	bool unsure = false;
	while ((seq = rt_irq_wait_next(u, h, dev, seq)) != 0) {
		bool mine = rt_device_claims(u, dev, &di);
		if (mine) {
			rt_device_clear(u, &di);
			uk_user_work(u, work);
			unsure = false;
		} else if (!unsure) {
			rt_irq_answer(u, h, dev, seq, false);
			continue;
		}
		long rc = uk_irq_kick(u, h, true);
		sim_prog_note(u, rc == 0 ? SIM_NOTE_KICK : SIM_NOTE_REJECTED, dev, 0);
		if (mine && every && ++served % every == 0) {
			uk_reg_write32(u, di.regs + HW_SCRIPT_CONTROL, 0);
			uk_reg_write32(u, di.regs + HW_SCRIPT_CONTROL, 1);
			unsure = true;
		}
	}
	uk_sys_handle_close(u, (uint32_t)h);
}

/* The native driver layout of kernels that give a line one handler (seL4's
 * IRQHandler, Zircon's interrupt object): one driver process serves every
 * device on the line. It attaches once, for the line of `device`, and on
 * each wake-up looks at every device on that line its process holds
 * irq(D) for, clears those that claim, and ACKs: the ACK re-arms the line
 * whether or not any device claimed (seL4_IRQHandler_Ack,
 * zx_interrupt_ack), since there is nobody else to answer. */
#define LINE_MAX_DEVICES 32

void rt_prog_line_driver(struct uk_user *u)
{
	int first = sim_prog_ref(u, "device");
	uint64_t work = sim_prog_num(u, "work", 2000);
	struct sim_dev_info line, di[LINE_MAX_DEVICES];
	int dev[LINE_MAX_DEVICES], n = 0;
	long h = rt_irq_attach_device(u, first, &line);
	if (h < 0)
		return;
	for (int d = 0; n < LINE_MAX_DEVICES && sim_prog_device(u, d, &di[n]) == 0; d++) {
		if (di[n].has_line && di[n].irq_cap && di[n].src_kind == line.src_kind &&
		    di[n].source == line.source && sim_prog_device_map(u, d, &di[n]) == 0)
			dev[n++] = d;
	}
	uint64_t seq = 0;
	while ((seq = rt_irq_wait_next(u, h, first, seq)) != 0) {
		bool claimed[LINE_MAX_DEVICES] = {false};
		for (int i = 0; i < n; i++) {
			if (dev[i] != first)
				sim_prog_note(u, SIM_NOTE_WOKEN, dev[i], 0);
			if (!rt_device_claims(u, dev[i], &di[i]))
				continue;
			rt_device_clear(u, &di[i]);
			uk_user_work(u, work);
			claimed[i] = true;
		}
		long rc = uk_irq_ack(u, h, seq);
		for (int i = 0; i < n; i++)
			if (rc == 0 && claimed[i])
				sim_prog_note(u, SIM_NOTE_ACK, dev[i], 0);
		if (rc != 0)
			sim_prog_note(u, SIM_NOTE_REJECTED, first, 0);
	}
	uk_sys_handle_close(u, (uint32_t)h);
}
