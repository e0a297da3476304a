/* SPDX-License-Identifier: MIT */
/*
 * ipc_pci.c: the seed's PCI-server priority problem. A PCI configuration
 * server with a low base priority serves a low- and a high-priority driver
 * over one endpoint; medium-priority load competes for the CPU. With
 * priority inheritance over calls the server runs at its highest caller's
 * priority (the callers it serves and those queued on its endpoint), so the
 * load cannot starve the high driver through it.
 */
#include <sim/programs_ipc.h>

static struct ipc_pci_config *cfg_of(uint64_t arg)
{
	return (struct ipc_pci_config *)(uintptr_t)arg;
}

void ipc_pci_server(struct uk_user *u, uint64_t arg)
{
	struct ipc_pci_config *c = cfg_of(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u);
	unsigned total = 2 * c->reads;
	struct uk_msg m = {0};

	if (total == 0 || (c->last_rc = uk_recv(u, c->server_ep, &m, reply)) < 0)
		return;
	for (unsigned i = 0;; i++) {
		uint64_t reg = m.mr[0];
		if (m.badge == 2)
			c->served_high++;
		uk_user_work(u, c->service_ns); /* walk the config space */
		m = (struct uk_msg){.words = 1};
		m.mr[0] = 0x80860000ull | (reg & 0xffff); /* vendor/device of the "device" */
		c->served++;
		if (i + 1 == total) {
			c->last_rc = uk_reply(u, reply, &m);
			return;
		}
		if ((c->last_rc = uk_reply_recv(u, reply, &m, c->server_ep)) < 0)
			return;
	}
}

static void driver(struct uk_user *u, struct ipc_pci_config *c, uint32_t ep, uint64_t *max)
{
	for (unsigned i = 0; i < c->reads; i++) {
		struct uk_msg m = {.label = IPC_PCI_READ, .words = 1};
		uint64_t t0 = (uint64_t)uk_sys_clock(u), dt;
		m.mr[0] = i * 4;
		c->last_rc = uk_call(u, ep, &m);
		dt = (uint64_t)uk_sys_clock(u) - t0;
		if (dt > *max)
			*max = dt;
	}
}

void ipc_pci_driver_low(struct uk_user *u, uint64_t arg)
{
	struct ipc_pci_config *c = cfg_of(arg);
	driver(u, c, c->low_ep, &c->low_latency_max_ns);
}

void ipc_pci_driver_high(struct uk_user *u, uint64_t arg)
{
	struct ipc_pci_config *c = cfg_of(arg);
	uk_sys_sleep(u, c->high_delay_ns);
	driver(u, c, c->high_ep, &c->high_latency_max_ns);
}

void ipc_pci_load(struct uk_user *u, uint64_t arg)
{
	struct ipc_pci_config *c = cfg_of(arg);
	uk_sys_sleep(u, c->high_delay_ns / 2);
	uk_user_work(u, c->load_ns);
}
