/* SPDX-License-Identifier: MIT */
/*
 * zircon-driver: an interrupt loop written the way Zircon drivers write
 * theirs (an async dispatcher's IRQ handler reduced to its syscalls): one
 * port, the line's interrupt object bound to it with a key, and
 *
 *	for (;;) {
 *		zx_port_wait(port, ZX_TIME_INFINITE, &packet);
 *		line = the line whose key packet.key is;
 *		clear every device of that line that claims;
 *		zx_interrupt_ack(line's irq);        // re-arms the line
 *		handle what the devices asked for;
 *	}
 *
 * Zircon gives a line one interrupt object, so one process serves every
 * device on its line (those it holds irq(D) for), as line-driver does; and
 * one port serves several lines: each line of a device its process holds
 * irq(D) for gets an object bound to the port, with its own key (a line
 * another driver already has is left to it).
 *
 * `mistake` makes it commit a documented pitfall (docs/models/zircon.md):
 *   wait-after-bind  re-arms with zx_interrupt_wait, as the wait loop does,
 *                    instead of zx_interrupt_ack: BAD_STATE on a bound
 *                    object (the error is only logged), so the first packet
 *                    is never ACKed;
 *   no-ack           serves the packet but never calls zx_interrupt_ack;
 *   rebind-no-ack    with rebind-every = N, every N packets moves the
 *                    object to a fresh port (unbind, bind) without the ACK
 *                    that re-arms an interrupt whose packet the unbind took
 *                    back; the correct driver ACKs after the new bind.
 */
#include "../rt_int.h"

#include <string.h>

#include <hwmodel/dev.h>
#include <ukern/models/zircon.h>

#define ZX_DRV_MAX_DEVICES 32
#define ZX_DRV_MAX_LINES 8
#define ZX_DRV_KEY 1u
#define ZX_DRV_PACKET_VA 0x30000000ull

enum zx_mistake { ZM_NONE, ZM_WAIT_AFTER_BIND, ZM_NO_ACK, ZM_REBIND_NO_ACK };

static enum zx_mistake zx_mistake_of(struct uk_user *u)
{
	const char *m = sim_prog_str(u, "mistake", "none");
	if (!strcmp(m, "wait-after-bind"))
		return ZM_WAIT_AFTER_BIND;
	if (!strcmp(m, "no-ack"))
		return ZM_NO_ACK;
	if (!strcmp(m, "rebind-no-ack"))
		return ZM_REBIND_NO_ACK;
	return ZM_NONE;
}

static uint32_t zx_mode(const struct sim_dev_info *di)
{
	if (di->trigger == UK_TRIGGER_LEVEL)
		return di->polarity == UK_POLARITY_LOW ? ZX_INTERRUPT_MODE_LEVEL_LOW
						       : ZX_INTERRUPT_MODE_LEVEL_HIGH;
	return di->polarity == UK_POLARITY_LOW ? ZX_INTERRUPT_MODE_EDGE_LOW
					       : ZX_INTERRUPT_MODE_EDGE_HIGH;
}

/* One interrupt object of the driver: a line and the devices on it. */
struct zx_line {
	long irq;
	struct sim_dev_info info;
	int n, dev[ZX_DRV_MAX_DEVICES];
	struct sim_dev_info di[ZX_DRV_MAX_DEVICES];
};

/* A fresh port with every object bound to it, the line's index as its
 * key; < 0 on failure. */
static long zx_port_for(struct uk_user *u, struct zx_line *l, int nl)
{
	long port = zx_port_create(u, ZX_PORT_BIND_TO_INTERRUPT);
	if (port < 0)
		return port;
	for (int i = 0; i < nl; i++) {
		long rc = zx_interrupt_bind(u, l[i].irq, port, ZX_DRV_KEY + (uint64_t)i,
					    ZX_INTERRUPT_BIND);
		if (rc < 0) {
			uk_sys_handle_close(u, (uint32_t)port);
			return rc;
		}
	}
	return port;
}

static bool same_line(const struct sim_dev_info *a, const struct sim_dev_info *b)
{
	return a->src_kind == b->src_kind && a->source == b->source;
}

/* The lines: that of `device` first, then every other line of a device
 * its process holds irq(D) for; each with the devices on it. Returns how
 * many, 0 when the first cannot be had. */
static int zx_lines(struct uk_user *u, int first, struct zx_line *l)
{
	struct sim_dev_info d;
	int nl = 0;

	if (sim_prog_device_map(u, first, &d) != 0 || !d.has_line || !d.irq_cap) {
		sim_prog_note(u, SIM_NOTE_REJECTED, first, 0);
		return 0;
	}
	l[nl++].info = d;
	for (int i = 0; sim_prog_device(u, i, &d) == 0; i++) {
		if (!d.has_line || !d.irq_cap || sim_prog_device_map(u, i, &d) != 0)
			continue;
		int k = 0;
		while (k < nl && !same_line(&l[k].info, &d))
			k++;
		if (k == nl) {
			if (nl == ZX_DRV_MAX_LINES)
				continue;
			l[nl++].info = d;
		}
		if (l[k].n < ZX_DRV_MAX_DEVICES) {
			l[k].di[l[k].n] = d;
			l[k].dev[l[k].n++] = i;
		}
	}
	for (int k = 0; k < nl; k++) {
		/* The line of `device` may be a wake vector (wake-vector = on). */
		uint32_t wake = k == 0 && sim_prog_num(u, "wake-vector", 0)
					? ZX_INTERRUPT_WAKE_VECTOR : 0;
		l[k].irq = zx_interrupt_create(u, l[k].info.src_kind, l[k].info.source,
					       zx_mode(&l[k].info) | wake);
		if (l[k].irq >= 0)
			continue;
		if (k == 0) {
			sim_prog_note(u, SIM_NOTE_REJECTED, first, 0);
			sim_prog_note(u, SIM_NOTE_ATTACH_REFUSED, first, (uint64_t)-l[0].irq);
			return 0;
		}
		l[k--] = l[--nl]; /* another driver has that line: leave it */
	}
	return nl;
}

/* One packet of line `l`: clear what claims, re-arm, then the work. */
static void zx_serve(struct uk_user *u, struct zx_line *l, int first, enum zx_mistake m,
		     uint64_t work)
{
	bool claimed[ZX_DRV_MAX_DEVICES] = {false};
	int note = l->n ? l->dev[0] : first;

	for (int i = 0; i < l->n; i++) {
		sim_prog_note(u, SIM_NOTE_WOKEN, l->dev[i], 0);
		if (!rt_device_claims(u, l->dev[i], &l->di[i]))
			continue;
		rt_device_clear(u, &l->di[i]);
		claimed[i] = true;
	}
	long rc;
	if (m == ZM_NO_ACK)
		rc = 0;
	else if (m == ZM_WAIT_AFTER_BIND)
		rc = zx_interrupt_wait(u, l->irq, NULL); /* BAD_STATE: bound */
	else
		rc = zx_interrupt_ack(u, l->irq);
	for (int i = 0; i < l->n; i++)
		if (rc == 0 && claimed[i] && m != ZM_NO_ACK)
			sim_prog_note(u, SIM_NOTE_ACK, l->dev[i], 0);
	if (rc != 0)
		sim_prog_note(u, SIM_NOTE_REJECTED, note, 0);
	/* The devices are quiet and the line re-armed: now the work. */
	for (int i = 0; i < l->n; i++)
		if (claimed[i])
			uk_user_work(u, work);
}

void rt_driver_zircon(struct uk_user *u)
{
	int first = sim_prog_ref(u, "device");
	uint64_t work = sim_prog_num(u, "work", 2000);
	uint64_t rebind_every = sim_prog_num(u, "rebind-every", 0);
	enum zx_mistake m = zx_mistake_of(u);
	struct zx_line l[ZX_DRV_MAX_LINES];
	int nl;

	memset(l, 0, sizeof(l));
	if ((nl = zx_lines(u, first, l)) == 0)
		return;
	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, ZX_DRV_PACKET_VA, UK_PAGE_SIZE,
		      UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY);
	long port = zx_port_for(u, l, nl);
	if (port < 0) {
		sim_prog_note(u, SIM_NOTE_REJECTED, first, 0);
		return;
	}
	uint64_t packets = 0;
	for (;;) {
		sim_prog_idle(u, true);
		long key = zx_port_wait(u, port, ZX_DRV_PACKET_VA);
		sim_prog_idle(u, false);
		if (key < 0)
			break;
		zx_port_packet_t pkt;
		if (uk_user_read(u, ZX_DRV_PACKET_VA, &pkt, sizeof(pkt)) != 0 ||
		    pkt.type != ZX_PKT_TYPE_INTERRUPT || pkt.key < ZX_DRV_KEY ||
		    pkt.key >= ZX_DRV_KEY + (uint64_t)nl)
			continue;
		zx_serve(u, &l[pkt.key - ZX_DRV_KEY], first, m, work);
		if (rebind_every && ++packets % rebind_every == 0) {
			/* Move to a fresh port (a power-state change, a new
			 * dispatcher): the unbind takes back a packet queued
			 * meanwhile and leaves the object in NEEDACK, and a bind
			 * in NEEDACK sends nothing. The ACK after the new bind
			 * re-arms it (in IDLE it does nothing). */
			for (int i = 0; i < nl; i++)
				zx_interrupt_bind(u, l[i].irq, port, 0, ZX_INTERRUPT_UNBIND);
			uk_sys_handle_close(u, (uint32_t)port);
			if ((port = zx_port_for(u, l, nl)) < 0)
				break;
			for (int i = 0; m != ZM_REBIND_NO_ACK && i < nl; i++)
				zx_interrupt_ack(u, l[i].irq);
		}
	}
	for (int i = 0; i < nl; i++) {
		zx_interrupt_destroy(u, l[i].irq);
		uk_sys_handle_close(u, (uint32_t)l[i].irq);
	}
}
