/* SPDX-License-Identifier: MIT */
/*
 * zircon-driver: an interrupt loop written the way Zircon drivers write
 * theirs (an async dispatcher's IRQ handler reduced to its syscalls): one
 * port, the line's interrupt object bound to it with a key, and
 *
 *	for (;;) {
 *		zx_port_wait(port, ZX_TIME_INFINITE, &packet);
 *		if (packet.key == KEY) {
 *			clear every device of the line that claims;
 *			zx_interrupt_ack(irq);        // re-arms the line
 *			handle what the devices asked for;
 *		}
 *	}
 *
 * Zircon gives a line one interrupt object, so one process serves every
 * device on its line (those it holds irq(D) for), as line-driver does.
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

/* A fresh port with the object bound to it; < 0 on failure. */
static long zx_port_for(struct uk_user *u, long irq)
{
	long port = zx_port_create(u, ZX_PORT_BIND_TO_INTERRUPT);
	if (port < 0)
		return port;
	long rc = zx_interrupt_bind(u, irq, port, ZX_DRV_KEY, ZX_INTERRUPT_BIND);
	if (rc < 0) {
		uk_sys_handle_close(u, (uint32_t)port);
		return rc;
	}
	return port;
}

void rt_driver_zircon(struct uk_user *u)
{
	int first = sim_prog_ref(u, "device");
	uint64_t work = sim_prog_num(u, "work", 2000);
	uint64_t rebind_every = sim_prog_num(u, "rebind-every", 0);
	enum zx_mistake m = zx_mistake_of(u);
	struct sim_dev_info line, di[ZX_DRV_MAX_DEVICES];
	int dev[ZX_DRV_MAX_DEVICES], n = 0;

	if (sim_prog_device(u, first, &line) != 0 || !line.has_line || !line.irq_cap) {
		sim_prog_note(u, SIM_NOTE_REJECTED, first, 0);
		return;
	}
	long irq = zx_interrupt_create(u, line.src_kind, line.source, zx_mode(&line));
	if (irq < 0) {
		sim_prog_note(u, SIM_NOTE_REJECTED, first, 0);
		sim_prog_note(u, SIM_NOTE_ATTACH_REFUSED, first, (uint64_t)-irq);
		return;
	}
	for (int d = 0; n < ZX_DRV_MAX_DEVICES && sim_prog_device(u, d, &di[n]) == 0; d++) {
		if (di[n].has_line && di[n].irq_cap && di[n].src_kind == line.src_kind &&
		    di[n].source == line.source)
			dev[n++] = d;
	}
	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, ZX_DRV_PACKET_VA, UK_PAGE_SIZE,
		      UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY);
	long port = zx_port_for(u, irq);
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
		    pkt.type != ZX_PKT_TYPE_INTERRUPT || pkt.key != ZX_DRV_KEY)
			continue;
		sim_prog_note(u, SIM_NOTE_WOKEN, first, 0);
		bool claimed[ZX_DRV_MAX_DEVICES] = {false};
		for (int i = 0; i < n; i++) {
			if (dev[i] != first)
				sim_prog_note(u, SIM_NOTE_WOKEN, dev[i], 0);
			long v = uk_dev_read32(u, di[i].mmio + HW_SCRIPT_STATUS);
			if (v <= 0 || !(v & HW_SCRIPT_STATUS_IRQ))
				continue;
			sim_prog_note(u, SIM_NOTE_CLAIM, dev[i], 0);
			if (di[i].w1c)
				uk_dev_write32(u, di[i].mmio + HW_SCRIPT_STATUS, HW_SCRIPT_STATUS_IRQ);
			claimed[i] = true;
		}
		long rc;
		if (m == ZM_NO_ACK)
			rc = 0;
		else if (m == ZM_WAIT_AFTER_BIND)
			rc = zx_interrupt_wait(u, irq, NULL); /* BAD_STATE: bound */
		else
			rc = zx_interrupt_ack(u, irq);
		for (int i = 0; i < n; i++)
			if (rc == 0 && claimed[i] && m != ZM_NO_ACK)
				sim_prog_note(u, SIM_NOTE_ACK, dev[i], 0);
		if (rc != 0)
			sim_prog_note(u, SIM_NOTE_REJECTED, first, 0);
		/* The devices are quiet and the line re-armed: now the work. */
		for (int i = 0; i < n; i++)
			if (claimed[i])
				uk_user_work(u, work);
		if (rebind_every && ++packets % rebind_every == 0) {
			/* Move to a fresh port (a power-state change, a new
			 * dispatcher): the unbind takes back a packet queued
			 * meanwhile and leaves the object in NEEDACK, and a bind
			 * in NEEDACK sends nothing. The ACK after the new bind
			 * re-arms it (in IDLE it does nothing). */
			zx_interrupt_bind(u, irq, port, 0, ZX_INTERRUPT_UNBIND);
			uk_sys_handle_close(u, (uint32_t)port);
			if ((port = zx_port_for(u, irq)) < 0)
				break;
			if (m != ZM_REBIND_NO_ACK)
				zx_interrupt_ack(u, irq);
		}
	}
	zx_interrupt_destroy(u, irq);
	uk_sys_handle_close(u, (uint32_t)irq);
}
