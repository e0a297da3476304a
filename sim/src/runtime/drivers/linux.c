/* SPDX-License-Identifier: MIT */
/*
 * linux-driver: a driver written the way Linux drivers are, one per
 * device, even on a shared line:
 *
 *	request_threaded_irq(irq, my_hard_handler, my_thread_fn,
 *			     IRQF_SHARED | IRQF_ONESHOT, "dev", dev);
 *
 *	my_hard_handler: if (!(status & MY_IRQ)) return IRQ_NONE;
 *			 return IRQ_WAKE_THREAD;
 *	my_thread_fn:	 clear the device, do the work, return IRQ_HANDLED;
 *
 * Its arguments choose the flags: `shared`, `oneshot`, `threaded` (a thread
 * function) and `primary` (off: handler NULL, Linux's default primary
 * handler, which wakes the thread whatever the device says, so the thread
 * checks the device). `mistake = wrong-status` reads the wrong status
 * register: the driver never recognises its device's interrupt (returns
 * IRQ_NONE, from the hard handler or the thread) and never clears it.
 * `reset-every = N` makes the thread reset its device every N interrupts
 * between disable_irq and enable_irq (`disable = sync`, disable_irq, which
 * waits for the line's threads, itself included: a deadlock; or `nosync`,
 * disable_irq_nosync, as a threaded handler must).
 * Without IRQF_ONESHOT the line is unmasked as soon as
 * the hard handler returns, so the hard handler quiets the device itself
 * (the rule that comes with a primary handler); a request the kernel
 * refuses ends the driver's probe: it serves nothing (attach-refused).
 *
 * The hard handler runs when the IRQ wait returns; its return goes to the
 * kernel (ukern/models/linux.h); the thread function runs next, in the same
 * program, and tells the kernel when it is done.
 */
#include "../rt_int.h"

#include <string.h>

#include <hwmodel/dev.h>
#include <ukern/devmem.h>
#include <ukern/irq_sys.h>
#include <ukern/models/linux.h>

/* With `wrong` (mistake = wrong-status) it reads another register and
 * never recognises its device. */
static bool status_set(struct uk_user *u, int dev, const struct sim_dev_info *di, bool wrong)
{
	if (!wrong)
		return rt_device_claims(u, dev, di);
	(void)uk_reg_read32(u, di->regs + HW_SCRIPT_CONTROL);
	return false;
}

/* probe(): request_threaded_irq for the device's line. */
static long lx_probe(struct uk_user *u, int dev, struct sim_dev_info *di, unsigned flags)
{
	long h = rt_irq_attach_device(u, dev, di);
	if (h < 0)
		return h;
	long rc = uk_linux_request_threaded_irq(u, h, flags);
	if (rc < 0) {
		sim_prog_note(u, SIM_NOTE_REJECTED, dev, 0);
		sim_prog_note(u, SIM_NOTE_ATTACH_REFUSED, dev, (uint64_t)-rc);
		uk_sys_handle_close(u, (uint32_t)h);
		return rc;
	}
	return h;
}

void rt_driver_linux(struct uk_user *u)
{
	int dev = sim_prog_ref(u, "device");
	uint64_t work = sim_prog_num(u, "work", 2000);
	bool shared = sim_prog_num(u, "shared", 1) != 0;
	bool oneshot = sim_prog_num(u, "oneshot", 1) != 0;
	bool threaded = sim_prog_num(u, "threaded", 1) != 0;
	bool primary = sim_prog_num(u, "primary", 1) != 0;
	bool wrong = !strcmp(sim_prog_str(u, "mistake", "none"), "wrong-status");
	uint64_t reset_every = sim_prog_num(u, "reset-every", 0);
	bool sync = !strcmp(sim_prog_str(u, "disable", "nosync"), "sync");
	uint64_t served = 0;
	unsigned flags = (shared ? UK_LINUX_IRQF_SHARED : 0) | (oneshot ? UK_LINUX_IRQF_ONESHOT : 0) |
			 (threaded ? UK_LINUX_IRQF_THREAD : 0) |
			 (primary ? 0 : UK_LINUX_IRQF_NO_PRIMARY);
	struct sim_dev_info di;
	long h = lx_probe(u, dev, &di, flags);
	if (h < 0)
		return;
	uint64_t seq = 0;
	for (;;) {
		sim_prog_idle(u, true);
		long r = uk_irq_wait(u, h, seq);
		sim_prog_idle(u, false);
		if (r <= 0) {
			sim_prog_note(u, SIM_NOTE_REJECTED, dev, 0);
			break;
		}
		seq = (uint64_t)r;
		sim_prog_note(u, SIM_NOTE_WOKEN, dev, 0);

		/* The hard handler. */
		bool mine = primary ? status_set(u, dev, &di, wrong) : false;
		unsigned ret;
		if (primary && !mine)
			ret = UK_LINUX_IRQ_NONE;
		else if (!threaded)
			ret = UK_LINUX_IRQ_HANDLED;
		else
			ret = UK_LINUX_IRQ_WAKE_THREAD;
		if (ret == UK_LINUX_IRQ_HANDLED || (mine && threaded && !oneshot))
			rt_device_clear(u, &di); /* the line is open again after this */
		if (ret == UK_LINUX_IRQ_HANDLED)
			uk_user_work(u, work);
		long rc = uk_linux_irq_return(u, h, seq, ret);
		if (rc != 0) {
			sim_prog_note(u, SIM_NOTE_REJECTED, dev, 0);
			if (mine)
				sim_prog_note(u, SIM_NOTE_SERVED_LATE, dev, 0);
			continue;
		}
		if (ret == UK_LINUX_IRQ_NONE) {
			sim_prog_note(u, SIM_NOTE_NAK, dev, 0);
			continue;
		}
		if (ret == UK_LINUX_IRQ_HANDLED) {
			sim_prog_note(u, SIM_NOTE_ACK, dev, 0);
			continue;
		}

		/* The thread function. */
		if (!primary)
			mine = status_set(u, dev, &di, wrong);
		if (mine) {
			if (oneshot || !primary)
				rt_device_clear(u, &di);
			uk_user_work(u, work);
			if (reset_every && ++served % reset_every == 0) {
				long d = sync ? uk_linux_disable_irq(u, h)
					      : uk_linux_disable_irq_nosync(u, h);
				uk_reg_write32(u, di.regs + HW_SCRIPT_CONTROL, 0);
				uk_reg_write32(u, di.regs + HW_SCRIPT_CONTROL, 1);
				if (d < 0 || uk_linux_enable_irq(u, h) < 0)
					sim_prog_note(u, SIM_NOTE_REJECTED, dev, 0);
			}
		}
		rc = uk_linux_irq_thread_done(u, h, mine ? UK_LINUX_IRQ_HANDLED : UK_LINUX_IRQ_NONE);
		if (rc != 0)
			sim_prog_note(u, SIM_NOTE_REJECTED, dev, 0);
		else if (mine)
			sim_prog_note(u, SIM_NOTE_ACK, dev, 0);
	}
	uk_sys_handle_close(u, (uint32_t)h);
}
