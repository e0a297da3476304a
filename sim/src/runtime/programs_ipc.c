/* SPDX-License-Identifier: MIT */
/*
 * IPC programs: the seed's VFS open() problem and its PCI-server priority
 * problem, on the endpoints of ukern/ipc.h.
 *
 * VFS: a client writes a path into its own memory and calls OPEN on the VFS
 * endpoint; the VFS server copies the path out of the client (uk_xfer with
 * the endpoint's strategy, physmap or window; or through a grant the client
 * passes along when the strategy is grant), checks its own copy, asks the
 * FS server (LOOKUP) and replies. Then READ: the server copies `size` bytes
 * into the client's buffer the same way. Each call's round trip is the
 * endpoint's `ipc` latency; the bytes copied are its `copies` count.
 *
 * PCI: a server answers config-space reads after `work` of computation; a
 * driver makes `calls` reads every `period` and notes each round trip as
 * its process's `wakeup` latency (the latency a priority problem hurts).
 */
#include "rt_int.h"

#include <string.h>

#include <ukern/ipc.h>

#define L_OPEN 1u
#define L_READ 2u
#define L_LOOKUP 3u
#define L_PCI_READ 4u

#define CLIENT_VA 0x10000000ull /* path page, then the data buffer */
#define DATA_OFF 0x1000ull
#define SERVER_VA 0x20000000ull
#define MAX_DATA (1ull << 20)
#define MAX_PATH 4095u

static void map(struct uk_user *u, uint64_t va, uint64_t len)
{
	len = (len + UK_PAGE_SIZE - 1) & ~(uint64_t)(UK_PAGE_SIZE - 1);
	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, va, len, UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY);
}

static uint64_t data_size(struct uk_user *u)
{
	uint64_t n = sim_prog_num(u, "size", 4096);
	return n > MAX_DATA ? MAX_DATA : n;
}

/* A grant when the client is told to use one, else when its endpoint's
 * strategy grants. */
static bool client_uses_grant(struct uk_user *u, int ep)
{
	const char *st = sim_prog_str(u, "strategy", NULL);
	if (st)
		return !strcmp(st, "grant");
	return sim_prog_endpoint_grants(u, ep);
}

/* A call on endpoint `ep` (index; handle h), noted as its `ipc` latency. */
static long timed_call(struct uk_user *u, int ep, uint32_t h, struct uk_msg *m)
{
	uint64_t t0 = sim_prog_now(u);
	long rc = uk_call(u, h, m);
	uint64_t dt = sim_prog_now(u) - t0;
	sim_prog_note(u, SIM_NOTE_IPC_NS, ep, dt);
	if (rc != 0 || m->label != 0)
		sim_prog_note(u, SIM_NOTE_REJECTED, -1, 0);
	return rc;
}

void rt_prog_vfs_client(struct uk_user *u)
{
	int ep = sim_prog_ref(u, "server");
	uint32_t h = sim_prog_endpoint(u, ep);
	const char *path = sim_prog_str(u, "path", "/etc/motd");
	uint64_t plen = strlen(path), size = data_size(u);
	uint64_t calls = sim_prog_num(u, "calls", 1);
	if (plen > MAX_PATH)
		plen = MAX_PATH;
	map(u, CLIENT_VA, DATA_OFF + size);
	uk_user_write(u, CLIENT_VA, path, plen);
	long g = 0;
	if (client_uses_grant(u, ep))
		g = uk_grant_create(u, CLIENT_VA, DATA_OFF + size, UK_RIGHT_READ | UK_RIGHT_WRITE);
	for (uint64_t i = 0; i < calls; i++) {
		struct uk_msg m = {.label = L_OPEN, .words = 2, .mr = {CLIENT_VA, plen}};
		m.cap = g > 0 ? (uint32_t)g : 0;
		if (timed_call(u, ep, h, &m) != 0)
			continue;
		m = (struct uk_msg){.label = L_READ, .words = 2, .mr = {CLIENT_VA + DATA_OFF, size}};
		m.cap = g > 0 ? (uint32_t)g : 0;
		timed_call(u, ep, h, &m);
	}
	if (g > 0)
		uk_grant_revoke(u, (uint32_t)g);
}

/* Copy between the server's buffer and the client's: through the reply
 * object (physmap/window) or a grant the client passed (then closed). */
static long move(struct uk_user *u, uint32_t reply, struct uk_msg *m, unsigned dir, uint64_t local,
		 uint64_t remote, uint64_t off, uint64_t len)
{
	struct uk_xfer_result r;
	if (!m->cap)
		return uk_xfer(u, reply, dir, local, remote, len, &r);
	long rc = uk_xfer_grant(u, m->cap, dir, local, off, len, &r);
	uk_sys_handle_close(u, m->cap);
	return rc;
}

/* What a server reads of its arguments, once, at its start. */
struct server {
	int ep, fs;    /* its endpoint; the FS endpoint it asks (vfs-server) */
	uint64_t work; /* computation per request */
};

static long vfs_open(struct uk_user *u, const struct server *sv, uint32_t reply, struct uk_msg *m)
{
	uint64_t n = m->mr[1];
	char copy[MAX_PATH + 1];
	if (n == 0 || n > MAX_PATH)
		return UK_EINVAL;
	long rc = move(u, reply, m, UK_XFER_READ, SERVER_VA, m->mr[0], 0, n);
	if (rc < 0) {
		sim_prog_note(u, SIM_NOTE_FAULT, -1, 0);
		return rc;
	}
	sim_prog_note(u, SIM_NOTE_COPIED, sv->ep, (uint64_t)rc);
	uk_user_read(u, SERVER_VA, copy, n); /* its own copy: no double fetch */
	if (copy[0] != '/' || memchr(copy, 0, n))
		return UK_EINVAL;
	if (sv->fs < 0)
		return 3;
	struct uk_msg fm = {.label = L_LOOKUP, .words = 1, .mr = {n}};
	rc = timed_call(u, sv->fs, sim_prog_endpoint(u, sv->fs), &fm);
	return rc < 0 ? rc : (long)fm.mr[0];
}

static long vfs_read(struct uk_user *u, const struct server *sv, uint32_t reply, struct uk_msg *m)
{
	uint64_t n = m->mr[1] > MAX_DATA ? MAX_DATA : m->mr[1];
	long rc = move(u, reply, m, UK_XFER_WRITE, SERVER_VA + DATA_OFF, m->mr[0], DATA_OFF, n);
	if (rc < 0)
		sim_prog_note(u, SIM_NOTE_FAULT, -1, 0);
	else
		sim_prog_note(u, SIM_NOTE_COPIED, sv->ep, (uint64_t)rc);
	return rc;
}

/* A server loop: receive (idle while waiting), serve, reply and receive. */
typedef long (*serve_fn)(struct uk_user *u, const struct server *sv, uint32_t reply,
			 struct uk_msg *m);

static void serve_loop(struct uk_user *u, uint64_t work_dflt, serve_fn fn)
{
	struct server sv = {
		.ep = sim_prog_ref(u, "endpoint"),
		.fs = sim_prog_ref(u, "fs"),
		.work = sim_prog_num(u, "work", work_dflt),
	};
	uint32_t ep = sim_prog_endpoint(u, sv.ep);
	long reply = uk_reply_create(u);
	struct uk_msg m = {0};
	if (!ep || reply <= 0) {
		sim_prog_note(u, SIM_NOTE_REJECTED, -1, 0);
		return;
	}
	sim_prog_idle(u, true);
	long rc = uk_recv(u, ep, &m, (uint32_t)reply);
	sim_prog_idle(u, false);
	while (rc == 0) {
		long r = fn(u, &sv, (uint32_t)reply, &m);
		m = (struct uk_msg){.label = r < 0 ? 1u : 0u, .words = 1, .mr = {(uint64_t)r}};
		sim_prog_idle(u, true);
		rc = uk_reply_recv(u, (uint32_t)reply, &m, ep);
		sim_prog_idle(u, false);
	}
}

static long vfs_serve(struct uk_user *u, const struct server *sv, uint32_t reply, struct uk_msg *m)
{
	uk_user_work(u, sv->work);
	if (m->label == L_OPEN)
		return vfs_open(u, sv, reply, m);
	if (m->label == L_READ)
		return vfs_read(u, sv, reply, m);
	return UK_ENOSYS;
}

void rt_prog_vfs_server(struct uk_user *u)
{
	map(u, SERVER_VA, DATA_OFF + MAX_DATA);
	serve_loop(u, 1000, vfs_serve);
}

static long fs_serve(struct uk_user *u, const struct server *sv, uint32_t reply, struct uk_msg *m)
{
	(void)reply;
	uk_user_work(u, sv->work);
	return m->label == L_LOOKUP ? (long)(3 + m->mr[0] % 61) : UK_ENOSYS;
}

void rt_prog_fs_server(struct uk_user *u)
{
	serve_loop(u, 5000, fs_serve);
}

static long pci_serve(struct uk_user *u, const struct server *sv, uint32_t reply, struct uk_msg *m)
{
	(void)reply;
	uk_user_work(u, sv->work);
	return m->label == L_PCI_READ ? 0x1b36 : UK_ENOSYS;
}

void rt_prog_pci_server(struct uk_user *u)
{
	serve_loop(u, 1000, pci_serve);
}

void rt_prog_pci_driver(struct uk_user *u)
{
	int ep = sim_prog_ref(u, "server");
	uint32_t h = sim_prog_endpoint(u, ep);
	uint64_t dev = (uint64_t)sim_prog_ref(u, "device");
	uint64_t calls = sim_prog_num(u, "calls", 10);
	uint64_t period = sim_prog_num(u, "period", 100000);
	uint64_t next = sim_prog_now(u);
	for (uint64_t i = 0; i < calls; i++) {
		uk_sys_sleep_until(u, next);
		next += period;
		uint64_t t0 = sim_prog_now(u);
		struct uk_msg m = {.label = L_PCI_READ, .words = 1, .mr = {dev}};
		timed_call(u, ep, h, &m);
		sim_prog_note(u, SIM_NOTE_WAKEUP_NS, -1, sim_prog_now(u) - t0);
	}
}
