/* SPDX-License-Identifier: MIT */
/*
 * ipc_vfs.c: the seed's open() problem. A client calls open(path) on a VFS
 * server in another address space; the VFS server copies the path out of
 * the client's memory with one transfer call, validates its own copy and
 * forwards a lookup to an FS server.
 *
 * Double fetch: the VFS server reads the client's buffer exactly once (the
 * transfer into its own buffer) and then validates and uses only that
 * copy. Validating the client's memory and then copying it again would let
 * another client thread change the path in between.
 */
#include <string.h>

#include <sim/programs_ipc.h>
#include <ukern/xfer.h>

/* Whether the endpoint's strategy moves memory through grants (the client
 * grants its buffer) rather than letting the server reach into it. */
static bool grants(const struct ipc_vfs_config *c)
{
	return uk_xfer_id_grants(c->strategy);
}

static struct ipc_vfs_config *cfg_of(uint64_t arg)
{
	return (struct ipc_vfs_config *)(uintptr_t)arg;
}

void ipc_vfs_make_path(char *buf, uint64_t len)
{
	static const char part[] = "/a/long/path";
	for (uint64_t i = 0; i < len; i++)
		buf[i] = i < sizeof(part) - 1 ? part[i] : (i % 16 == 0 ? '/' : (char)('a' + i % 26));
}

static uint64_t fnv1a(const char *s, uint64_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (uint64_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
	return h;
}

void ipc_vfs_client(struct uk_user *u, uint64_t arg)
{
	struct ipc_vfs_config *c = cfg_of(arg);
	uint64_t page = c->path_va & ~(UK_PAGE_SIZE - 1);
	uint64_t end = (c->path_va + c->path_len + UK_PAGE_SIZE - 1) & ~(UK_PAGE_SIZE - 1);
	char path[IPC_VFS_MAX_PATH];
	long g = 0;

	ipc_vfs_make_path(path, c->path_len);
	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, page, end - page, UK_PROT_READ | UK_PROT_WRITE,
		      UK_VM_LAZY);
	uk_user_write(u, c->path_va, path, c->path_len);
	if (grants(c))
		g = uk_grant_create(u, c->path_va, c->path_len, UK_RIGHT_READ);
	for (unsigned i = 0; i < c->opens; i++) {
		struct uk_msg m = {.label = IPC_VFS_OPEN, .words = 2};
		m.mr[0] = grants(c) ? 0 : c->path_va;
		m.mr[1] = c->path_len;
		m.cap = g > 0 ? (uint32_t)g : 0;
		c->client_rc = uk_call(u, c->client_ep, &m);
		c->fd = c->client_rc == 0 ? (long)m.mr[0] : c->client_rc;
	}
	if (g > 0)
		uk_grant_revoke(u, (uint32_t)g);
}

/* Copy the path out of the caller: by uk_xfer through the reply object, or
 * through the grant that came with the message. */
static long vfs_fetch(struct uk_user *u, struct ipc_vfs_config *c, const struct uk_msg *m,
		      uint32_t reply)
{
	struct uk_xfer_result r;
	long rc;

	if (m->mr[1] == 0 || m->mr[1] >= IPC_VFS_MAX_PATH)
		return UK_EINVAL;
	if (grants(c)) {
		if (!m->cap)
			return UK_EPERM;
		rc = uk_xfer_grant(u, m->cap, UK_XFER_READ, IPC_VFS_BUF_VA, m->mr[0], m->mr[1], &r);
		uk_sys_handle_close(u, m->cap);
	} else {
		rc = uk_xfer(u, reply, UK_XFER_READ, IPC_VFS_BUF_VA, m->mr[0], m->mr[1], &r);
	}
	c->xfer_rc = rc;
	return rc;
}

/* Validate the server's own copy: an absolute path without NUL bytes. */
static bool path_valid(const char *p, uint64_t n)
{
	return n > 0 && p[0] == '/' && memchr(p, 0, n) == NULL;
}

static long vfs_open(struct uk_user *u, struct ipc_vfs_config *c, struct uk_msg *m, uint32_t reply)
{
	char copy[IPC_VFS_MAX_PATH];
	uint64_t n = m->mr[1];
	long rc = vfs_fetch(u, c, m, reply);

	if (rc < 0)
		return rc;
	uk_user_read(u, IPC_VFS_BUF_VA, copy, n); /* the server's own memory */
	if (!path_valid(copy, n)) {
		c->rejected++;
		return UK_EINVAL;
	}
	struct uk_msg fm = {.label = IPC_VFS_LOOKUP, .words = 2};
	fm.mr[0] = fnv1a(copy, n);
	fm.mr[1] = n;
	rc = uk_call(u, c->vfs_fs_ep, &fm);
	return rc < 0 ? rc : (long)fm.mr[0];
}

void ipc_vfs_server(struct uk_user *u, uint64_t arg)
{
	struct ipc_vfs_config *c = cfg_of(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, IPC_VFS_BUF_VA, IPC_VFS_MAX_PATH,
		      UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY);
	if (c->opens == 0 || uk_recv(u, c->vfs_ep, &m, reply) < 0)
		return;
	for (unsigned i = 0;; i++) {
		long fd = m.label == IPC_VFS_OPEN ? vfs_open(u, c, &m, reply) : UK_ENOSYS;
		m = (struct uk_msg){.label = fd < 0 ? 1 : 0, .words = 1};
		m.mr[0] = (uint64_t)fd;
		c->served++;
		if (i + 1 == c->opens) {
			uk_reply(u, reply, &m);
			return;
		}
		if (uk_reply_recv(u, reply, &m, c->vfs_ep) < 0)
			return;
	}
}

void ipc_fs_server(struct uk_user *u, uint64_t arg)
{
	struct ipc_vfs_config *c = cfg_of(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	if (c->opens == 0 || uk_recv(u, c->fs_ep, &m, reply) < 0)
		return;
	for (unsigned i = 0;; i++) {
		c->path_hash = m.mr[0];
		m = (struct uk_msg){.words = 1};
		m.mr[0] = 3 + c->path_hash % 61; /* the "inode" decides the fd */
		if (i + 1 == c->opens) {
			uk_reply(u, reply, &m);
			return;
		}
		if (uk_reply_recv(u, reply, &m, c->fs_ep) < 0)
			return;
	}
}
