/* SPDX-License-Identifier: MIT */
/*
 * sel4-driver: a device driver written the way seL4 drivers are (the seL4
 * manual's "Interrupt Delivery", the seL4 interrupts tutorial, sDDF-style
 * event loops), on the sel4 IRQ model's calls (ukern/models/sel4.h).
 *
 * One process, one notification, one IRQHandler per line with its own
 * badge bit; every device of a line is served by the same loop, since seL4
 * gives a line one handler:
 *
 *	ntfn = notification
 *	for each line i: h[i] = IRQControl_Get(line); (setup)
 *	for each line i: IRQHandler_SetNotification(h[i], ntfn, 1 << i)
 *	for each line i: serve its devices; IRQHandler_Ack(h[i])
 *	                  (an interrupt may have come between issue and bind:
 *	                   the kernel masked the line and told nobody)
 *	for (;;) {
 *		badge = seL4_Wait(ntfn)
 *		for each bit i of badge: serve the devices of line i; Ack(h[i])
 *	}
 *
 * Serving a device: read its status; if it interrupted, clear it and do
 * `work`. The Ack comes after every device of the line was cleared, and
 * whether or not one was (the line is masked until it).
 *
 * `rebind-every = N` moves the handlers to a fresh notification every N
 * wake-ups (a driver restarting its event loop: Clear, SetNotification),
 * followed by the same serve-and-Ack as at start.
 *
 * `mistake` makes it commit one of the documented seL4 pitfalls:
 *   no-initial-ack       wait for the first signal without serving and
 *                        Acking after the bind;
 *   ack-only-claimed     Ack only when a device of the line claimed;
 *   no-ack-after-rebind  after a re-bind, wait without serving and Acking;
 *   ack-before-clear     Ack, then clear the devices (a level line raises
 *                        again at once: spurious signals);
 *   blind-initial-ack    after the bind, Ack without looking at the devices
 *                        (an edge that came before the bind is lost).
 */
#include "../rt_int.h"

#include <string.h>

#include <hwmodel/dev.h>
#include <ukern/models/sel4.h>

#define SEL4_MAX_LINES 8
#define SEL4_MAX_DEVICES 32

enum sel4_mistake { S_NONE, S_NO_INITIAL_ACK, S_ACK_ONLY_CLAIMED, S_NO_ACK_AFTER_REBIND,
		    S_ACK_BEFORE_CLEAR, S_BLIND_INITIAL_ACK };

struct sel4_line {
	long h;             /* its IRQHandler */
	int dev[SEL4_MAX_DEVICES];
	struct sim_dev_info di[SEL4_MAX_DEVICES];
	int n;
	unsigned kind, source;
};

struct sel4_drv {
	struct uk_user *u;
	struct sel4_line line[SEL4_MAX_LINES];
	int nlines;
	uint32_t ntfn;
	uint64_t work;
	enum sel4_mistake m;
};

static enum sel4_mistake mistake_of(struct uk_user *u)
{
	static const char *const names[] = {"none", "no-initial-ack", "ack-only-claimed",
					    "no-ack-after-rebind", "ack-before-clear",
					    "blind-initial-ack"};
	const char *m = sim_prog_str(u, "mistake", "none");
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(m, names[i]))
			return (enum sel4_mistake)i;
	return S_NONE;
}

/* The lines of every device the process holds irq(D) for, `first`'s line
 * first (badge bit 0). */
static void find_lines(struct sel4_drv *d, int first)
{
	struct sim_dev_info di;
	for (int pass = 0; pass < 2; pass++) {
		for (int dev = 0; sim_prog_device(d->u, dev, &di) == 0; dev++) {
			if (!di.has_line || !di.irq_cap || (pass == 0) != (dev == first) ||
			    sim_prog_device_map(d->u, dev, &di) != 0)
				continue;
			int i = 0;
			while (i < d->nlines && (d->line[i].kind != di.src_kind ||
						 d->line[i].source != di.source))
				i++;
			if (i == d->nlines) {
				if (d->nlines == SEL4_MAX_LINES)
					continue;
				d->nlines++;
				d->line[i].kind = di.src_kind;
				d->line[i].source = di.source;
				d->line[i].n = 0;
			}
			struct sel4_line *l = &d->line[i];
			if (l->n < SEL4_MAX_DEVICES) {
				l->dev[l->n] = dev;
				l->di[l->n++] = di;
			}
		}
	}
}

/* IRQControl_Get for one line; < 0 when the kernel refuses. */
static long issue(struct sel4_drv *d, struct sel4_line *l)
{
	const struct sim_dev_info *di = &l->di[0];
	long h = uk_irq_attach(d->u, di->src_kind, di->source, di->trigger, di->polarity);
	if (h < 0) {
		sim_prog_note(d->u, SIM_NOTE_REJECTED, l->dev[0], 0);
		sim_prog_note(d->u, SIM_NOTE_ATTACH_REFUSED, l->dev[0], (uint64_t)-h);
	}
	return h;
}

static void bind_all(struct sel4_drv *d)
{
	for (int i = 0; i < d->nlines; i++)
		if (uk_sel4_irq_handler_set_notification(d->u, d->line[i].h, d->ntfn, 1u << i) != 0)
			sim_prog_note(d->u, SIM_NOTE_REJECTED, d->line[i].dev[0], 0);
}

/* Look at device k of line l; clear it and do the work if it interrupted. */
static bool serve_device(struct sel4_drv *d, struct sel4_line *l, int k)
{
	const struct sim_dev_info *di = &l->di[k];
	if (!rt_device_claims(d->u, l->dev[k], di))
		return false;
	rt_device_clear(d->u, di);
	uk_user_work(d->u, d->work);
	return true;
}

static void ack(struct sel4_drv *d, struct sel4_line *l, const bool *claimed)
{
	long rc = uk_sel4_irq_handler_ack(d->u, l->h);
	for (int k = 0; k < l->n; k++)
		if (rc == 0 && claimed && claimed[k])
			sim_prog_note(d->u, SIM_NOTE_ACK, l->dev[k], 0);
	if (rc != 0)
		sim_prog_note(d->u, SIM_NOTE_REJECTED, l->dev[0], 0);
}

/* The line's badge bit was set (or the driver just bound it): serve every
 * device of the line, then Ack. */
static void serve_line(struct sel4_drv *d, struct sel4_line *l, bool woken)
{
	bool claimed[SEL4_MAX_DEVICES] = {false}, any = false;
	if (d->m == S_ACK_BEFORE_CLEAR)
		ack(d, l, NULL);
	for (int k = 0; k < l->n; k++) {
		if (woken)
			sim_prog_note(d->u, SIM_NOTE_WOKEN, l->dev[k], 0);
		claimed[k] = serve_device(d, l, k);
		any |= claimed[k];
	}
	if (d->m == S_ACK_BEFORE_CLEAR) {
		for (int k = 0; k < l->n; k++)
			if (claimed[k])
				sim_prog_note(d->u, SIM_NOTE_ACK, l->dev[k], 0);
		return;
	}
	if (d->m == S_ACK_ONLY_CLAIMED && !any)
		return; /* the pitfall: the line stays masked */
	ack(d, l, claimed);
}

/* After a (re-)bind: whatever came before it was masked and told to
 * nobody; serve the devices and Ack, as if every badge had come. */
static void catch_up(struct sel4_drv *d)
{
	for (int i = 0; i < d->nlines; i++) {
		if (d->m == S_BLIND_INITIAL_ACK)
			ack(d, &d->line[i], NULL);
		else
			serve_line(d, &d->line[i], false);
	}
}

/* Clear every handler and bind them to a fresh notification. */
static void rebind(struct sel4_drv *d)
{
	for (int i = 0; i < d->nlines; i++)
		(void)uk_sel4_irq_handler_clear(d->u, d->line[i].h);
	long n = uk_ntfn_create(d->u);
	if (n > 0) {
		uk_sys_handle_close(d->u, d->ntfn);
		d->ntfn = (uint32_t)n;
	}
	bind_all(d);
	if (d->m != S_NO_ACK_AFTER_REBIND)
		catch_up(d);
}

void rt_driver_sel4(struct uk_user *u)
{
	struct sel4_drv d = {.u = u, .work = sim_prog_num(u, "work", 2000), .m = mistake_of(u)};
	uint64_t setup = sim_prog_num(u, "setup", 0);
	uint64_t every = sim_prog_num(u, "rebind-every", 0), wakeups = 0;
	int first = sim_prog_ref(u, "device");
	struct sim_dev_info di;

	if (sim_prog_device_map(u, first, &di) != 0 || !di.has_line || !di.irq_cap) {
		sim_prog_note(u, SIM_NOTE_REJECTED, first, 0);
		return;
	}
	find_lines(&d, first);
	long n = uk_ntfn_create(u);
	if (n <= 0) {
		sim_prog_note(u, SIM_NOTE_REJECTED, first, 0);
		return;
	}
	d.ntfn = (uint32_t)n;
	for (int i = 0; i < d.nlines; i++)
		if ((d.line[i].h = issue(&d, &d.line[i])) < 0)
			return;
	uk_user_work(u, setup); /* mapping device frames, ...: the line is open meanwhile */
	bind_all(&d);
	if (d.m != S_NO_INITIAL_ACK)
		catch_up(&d);
	for (;;) {
		sim_prog_idle(u, true);
		long badge = uk_sel4_wait(u, d.ntfn);
		sim_prog_idle(u, false);
		if (badge <= 0) {
			sim_prog_note(u, SIM_NOTE_REJECTED, first, 0);
			break;
		}
		for (int i = 0; i < d.nlines; i++)
			if (badge & (1l << i))
				serve_line(&d, &d.line[i], true);
		if (every && ++wakeups % every == 0)
			rebind(&d);
	}
	for (int i = 0; i < d.nlines; i++)
		uk_sys_handle_close(u, (uint32_t)d.line[i].h);
}
