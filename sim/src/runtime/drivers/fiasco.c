/* SPDX-License-Identifier: MIT */
/*
 * fiasco-driver: an interrupt thread written as L4Re drivers are on
 * Fiasco.OC (ukern/models/fiasco.h):
 *
 *	l4_irq_attach(irq, label, l4re_env()->main_thread);
 *	for (;;) {
 *		l4_irq_receive(irq, L4_IPC_NEVER);  // unmask, wait for the IRQ IPC
 *		service the device;
 *	}
 *
 * One driver per device: on a shared line each driver has its own IRQ
 * object, a child of the line's Irq_muxer, and gets every interrupt of the
 * line; it services its device when the device claims, and unmasks either
 * way (the next l4_irq_receive), since the line stays masked until every
 * child unmasked. Its unmask after a claimed interrupt is what the
 * simulator counts as the device handled.
 *
 * Mistakes it can be told to make (`mistake`):
 *   no-unmask        after the first, receive with a plain l4_ipc_receive:
 *                    the IRQ object is never unmasked again;
 *   unmask-mine-only on an interrupt its device did not raise, go back to
 *                    l4_ipc_receive without unmasking ("not mine, nothing
 *                    to acknowledge"), which on a muxed line holds the
 *                    line masked for every sibling.
 * `handoff = N`: after the N-th interrupt it hands its IRQ to a new worker
 * thread, which the kernel sees as a new attach from the same handle:
 * `handoff-by = attach` attaches straight to the new thread (l4_irq_attach
 * on an attached IRQ), `handoff-by = detach` detaches first
 * (l4_irq_detach, then l4_irq_attach).
 */
#include "../rt_int.h"

#include <string.h>

#include <hwmodel/dev.h>
#include <ukern/models/fiasco.h>

enum mistake { M_NONE, M_NO_UNMASK, M_UNMASK_MINE_ONLY };

static enum mistake mistake_of(struct uk_user *u)
{
	const char *m = sim_prog_str(u, "mistake", "none");
	if (!strcmp(m, "no-unmask"))
		return M_NO_UNMASK;
	if (!strcmp(m, "unmask-mine-only"))
		return M_UNMASK_MINE_ONLY;
	return M_NONE;
}

/* The IRQ capability of the device's line, bound to this thread. */
static long irq_open(struct uk_user *u, int dev, struct sim_dev_info *di)
{
	long h = rt_irq_attach_device(u, dev, di);
	if (h < 0)
		return h;
	long rc = uk_fiasco_irq_attach(u, h, (uint64_t)dev);
	if (rc < 0) {
		sim_prog_note(u, SIM_NOTE_REJECTED, dev, 0);
		uk_sys_handle_close(u, (uint32_t)h);
		return rc;
	}
	return h;
}

void rt_driver_fiasco(struct uk_user *u)
{
	int dev = sim_prog_ref(u, "device");
	enum mistake m = mistake_of(u);
	uint64_t work = sim_prog_num(u, "work", 2000);
	uint64_t handoff = sim_prog_num(u, "handoff", 0);
	bool by_detach = !strcmp(sim_prog_str(u, "handoff-by", "attach"), "detach");
	struct sim_dev_info di;
	long h = irq_open(u, dev, &di);
	if (h < 0)
		return;
	uint64_t seq = 0, served = 0;
	bool unmask = true; /* the attach left the IRQ masked */
	for (;;) {
		sim_prog_idle(u, true);
		long r = unmask ? uk_fiasco_irq_receive(u, h, &seq)
				: uk_fiasco_irq_ipc_receive(u, h, &seq);
		sim_prog_idle(u, false);
		if (r < 0) {
			sim_prog_note(u, SIM_NOTE_REJECTED, dev, 0);
			break;
		}
		sim_prog_note(u, SIM_NOTE_WOKEN, dev, 0);
		bool mine = rt_device_claims(u, dev, &di);
		if (mine) {
			rt_device_clear(u, &di);
			uk_user_work(u, work);
			/* Served; the unmask that re-arms it is the next receive. */
			sim_prog_note(u, SIM_NOTE_ACK, dev, 0);
		}
		unmask = m == M_NONE || (m == M_UNMASK_MINE_ONLY && mine);
		if (handoff && ++served == handoff) {
			if (by_detach)
				uk_fiasco_irq_detach(u, h);
			if (uk_fiasco_irq_attach(u, h, (uint64_t)dev) < 0)
				sim_prog_note(u, SIM_NOTE_REJECTED, dev, 0);
		}
	}
	uk_sys_handle_close(u, (uint32_t)h);
}
