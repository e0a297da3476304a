/* SPDX-License-Identifier: MIT */
/*
 * cmocka tests of the IPC system calls' decoding (libukern/ipc/sys_ipc.c)
 * on the core's mock arch: each argument check at its exact boundary (the
 * first and last byte of user space, a grant's last byte), the flags and
 * strategies an endpoint is made with, what a failed reply-and-receive
 * leaves bound, rights of grant handles, and every create call when the
 * kernel heap runs out.
 */
#include <stdio.h>

#include <ukern/ipc.h>
#include <ukern/xfer.h>

#include "harness.h"
#include "ipc/ipc_internal.h"
#include "irq/irq_kobj.h"
#include <ukern/irq_sys.h>

#define BUF 0x10000000ull

static struct {
	struct uk_kernel *k;
	uint32_t ep_srv, ep_cli;
	long rc[32];
	unsigned nrc;
} g;

static void rec(long v)
{
	if (g.nrc < 32)
		g.rc[g.nrc++] = v;
}

/* The endpoint object behind handle `h` of the calling thread's process. */
static struct ipc_endpoint *ep_of(struct uk_user *u, long h)
{
	struct kobj *o = NULL;
	if (h <= 0 || cap_lookup(u->t->proc, (uint64_t)h, KOBJ_ENDPOINT, 0, &o) < 0)
		return NULL;
	return (struct ipc_endpoint *)o;
}

/* ---- endpoint flags and strategies ---- */

static void create_prog(struct uk_user *u, uint64_t arg)
{
	/* Flags outside FIFO and the strategy field, alone or with a valid
	 * strategy; strategy ids this kernel lacks (4 is the first a plug-in
	 * would get). */
	UCHECK(uk_ep_create(u, 2) == UK_EINVAL);
	UCHECK(uk_ep_create(u, 1u << 8) == UK_EINVAL);
	UCHECK(uk_ep_create(u, 2 | UK_EP_STRATEGY(UK_XFER_WINDOW)) == UK_EINVAL);
	UCHECK(uk_ep_create(u, UK_EP_STRATEGY(4)) == UK_EINVAL);
	UCHECK(uk_ep_create(u, UK_EP_FIFO | UK_EP_STRATEGY(9)) == UK_EINVAL);

	/* What is asked is what is made: FIFO, the named strategy, all rights. */
	long h = uk_ep_create(u, UK_EP_FIFO | UK_EP_STRATEGY(UK_XFER_WINDOW));
	struct ipc_endpoint *ep = ep_of(u, h);
	UCHECK(ep != NULL);
	if (ep) {
		UCHECK(ep->flags == (UK_EP_FIFO | UK_EP_STRATEGY(UK_XFER_WINDOW)));
		UCHECK(ep->xfer == xfer_ops_of(g.k, UK_XFER_WINDOW));
	}
	UCHECK(uk_sys_handle_rights(u, (uint32_t)h) == UK_EP_RIGHTS);
	h = uk_ep_create(u, UK_EP_STRATEGY(UK_XFER_GRANT));
	UCHECK((ep = ep_of(u, h)) != NULL && ep->xfer->grant && !(ep->flags & UK_EP_FIFO));
	h = uk_ep_create(u, 0);
	UCHECK((ep = ep_of(u, h)) != NULL && ep->xfer == xfer_ops_of(g.k, UK_XFER_PHYSMAP));

	/* Mint: only an endpoint handle; any 64-bit badge, even one that
	 * would not be a valid rights mask. */
	long n = uk_ntfn_create(u);
	UCHECK(uk_ep_mint(u, (uint32_t)n, 5, UK_RIGHT_SIGNAL) == UK_EBADH);
	UCHECK(uk_sys_handle_rights(u, (uint32_t)n) == UK_NTFN_RIGHTS);
	long m = uk_ep_mint(u, (uint32_t)h, 1ull << 40, UK_RIGHT_WRITE);
	UCHECK(m > 0);
	UCHECK(uk_sys_handle_rights(u, (uint32_t)m) == UK_RIGHT_WRITE);
	UCHECK(uk_ep_mint(u, (uint32_t)h, 7, UK_RIGHTS_ALL + 1) == UK_EINVAL);

	/* A grant may name the first and the last byte of user space, not one
	 * byte more (it pins nothing: the range need not be mapped yet). */
	UCHECK(uk_grant_create(u, UK_USER_BASE, 64, UK_RIGHT_READ) > 0);
	UCHECK(uk_grant_create(u, UK_USER_END - 64, 64, UK_RIGHT_READ) > 0);
	UCHECK(uk_grant_create(u, UK_USER_END - 64, 65, UK_RIGHT_READ) == UK_ERANGE);
	UCHECK(uk_grant_create(u, UK_USER_BASE - 1, 64, UK_RIGHT_READ) == UK_ERANGE);
	rec(1);
}

static void test_endpoint_create_and_mint(void **state)
{
	g = (typeof(g)){0};
	g.k = boot(1, 16 << 20, NULL);
	spawn_prog(g.k, create_prog, 0, 10, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.nrc, 1);
	shutdown();
}

/* The kernel's default strategy (uk_kernel_config.xfer) is what an
 * endpoint naming none gets; one naming a strategy keeps its own. */
static void default_strategy_prog(struct uk_user *u, uint64_t arg)
{
	const struct uk_xfer_ops *dflt = (const struct uk_xfer_ops *)(uintptr_t)arg;
	struct ipc_endpoint *ep = ep_of(u, uk_ep_create(u, 0));
	UCHECK(ep != NULL && ep->xfer == dflt);
	ep = ep_of(u, uk_ep_create(u, UK_EP_STRATEGY(UK_XFER_PHYSMAP)));
	UCHECK(ep != NULL && ep->xfer == xfer_ops_of(g.k, UK_XFER_PHYSMAP));
	rec(1);
}

static void test_default_strategy_from_config(void **state)
{
	static struct uk_xfer_ops builtins[UK_XFER_BUILTINS];
	struct uk_kernel_config cfg;

	uk_xfer_builtins_init(builtins);
	uk_kernel_config_default(&cfg);
	cfg.xfer = &builtins[UK_XFER_WINDOW - 1];
	assert_int_equal(cfg.xfer->id, UK_XFER_WINDOW);
	g = (typeof(g)){0};
	g.k = boot(1, 16 << 20, &cfg);
	spawn_prog(g.k, default_strategy_prog, (uint64_t)(uintptr_t)cfg.xfer, 10, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.nrc, 1);
	shutdown();
}

/* ---- the kernel heap runs out ---- */

static uk_paddr_t drained[4096];

/* Create objects with `make` until it fails; the failure must be the
 * heap's (UK_ENOMEM) well before the handle table (128 slots) fills. */
static void until_enomem(struct uk_user *u, long (*make)(struct uk_user *u))
{
	long rc;
	unsigned n = 0;
	while ((rc = make(u)) > 0 && n < 200)
		n++;
	UCHECK(rc == UK_ENOMEM);
	UCHECK(n < 100);
}

static long make_ep(struct uk_user *u) { return uk_ep_create(u, UK_EP_FIFO); }
static long make_reply(struct uk_user *u) { return uk_reply_create(u); }
static long make_ntfn(struct uk_user *u) { return uk_ntfn_create(u); }
static long make_grant(struct uk_user *u) { return uk_grant_create(u, BUF, 64, UK_RIGHT_READ); }

static void enomem_prog(struct uk_user *u, uint64_t arg)
{
	unsigned nd = 0;

	/* Take every free frame: the slab pages being carved are all the
	 * kernel heap has left. */
	while (nd < 4096 && frame_alloc(g.k, &drained[nd]) == 0)
		nd++;
	UCHECK(nd < 4096);
	until_enomem(u, make_ep);
	until_enomem(u, make_reply);
	until_enomem(u, make_ntfn);
	until_enomem(u, make_grant);
	while (nd > 0)
		frame_free(g.k, drained[--nd]);
	/* With memory back, creation works again. */
	UCHECK(make_ep(u) > 0 && make_reply(u) > 0 && make_ntfn(u) > 0 && make_grant(u) > 0);
	rec(1);
}

static void test_create_out_of_memory(void **state)
{
	g = (typeof(g)){0};
	g.k = boot(1, 4 << 20, NULL);
	spawn_prog(g.k, enomem_prog, 0, 10, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.nrc, 1);
	shutdown();
}

/* ---- receive buffers at the edges of user space ---- */

/* The client calls (no long message) over and over; the server receives
 * each call with a different buffer, only checked since nothing comes. */
static void edge_client(struct uk_user *u, uint64_t arg)
{
	for (unsigned i = 0; i < 3; i++) {
		struct uk_msg m = {.words = 1, .mr = {i}};
		UCHECK(uk_call(u, g.ep_cli, &m) == 0);
	}
}

static void edge_server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	/* The first byte of user space, and the last. */
	rec(uk_recv_buf(u, g.ep_srv, &m, reply, UK_USER_BASE, 8));
	rec((long)m.mr[0]);
	UCHECK(uk_reply(u, reply, &m) == 0);
	rec(uk_recv_buf(u, g.ep_srv, &m, reply, UK_USER_END - 8, 8));
	rec((long)m.mr[0]);
	UCHECK(uk_reply(u, reply, &m) == 0);
	/* One byte past the end, one below the start: refused. */
	rec(uk_recv_buf(u, g.ep_srv, &m, reply, UK_USER_END - 8, 9));
	rec(uk_recv_buf(u, g.ep_srv, &m, reply, UK_USER_BASE - 1, 8));
	rec(uk_recv_buf(u, g.ep_srv, &m, reply, UK_USER_END, 1));
	rec(uk_recv_buf(u, g.ep_srv, &m, reply, UK_USER_BASE, 0)); /* no buffer at all */
	rec((long)m.mr[0]);
	UCHECK(uk_reply(u, reply, &m) == 0);
}

static void test_receive_buffer_edges(void **state)
{
	g = (typeof(g)){0};
	g.k = boot(1, 16 << 20, NULL);
	uint64_t s = spawn_prog(g.k, edge_server, 0, 10, 0);
	uint64_t c = spawn_prog(g.k, edge_client, 0, 20, 0);
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, s, 0);
	g.ep_cli = (uint32_t)uk_kernel_give_handle(g.k, s, g.ep_srv, c, UK_RIGHT_WRITE, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	const long want[] = {0, 0, 0, 1, UK_ERANGE, UK_ERANGE, UK_ERANGE, 0, 2};
	assert_int_equal(g.nrc, 9);
	for (unsigned i = 0; i < 9; i++)
		assert_int_equal(g.rc[i], want[i]);
	shutdown();
}

/* ---- a failed reply-and-receive replies to nobody ---- */

#define LONG_LEN 300

static long crc[8];
static unsigned ncrc;

static void rr_client(struct uk_user *u, uint64_t arg)
{
	char text[LONG_LEN];
	struct uk_msg m = {.words = 1, .mr = {1}};

	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	for (unsigned i = 0; i < LONG_LEN; i++)
		text[i] = (char)('a' + i % 26);
	UCHECK(uk_user_write(u, BUF, text, LONG_LEN) == 0);
	crc[ncrc++] = uk_call(u, g.ep_cli, &m);
	crc[ncrc++] = (long)m.mr[0]; /* one reply only: the one that worked */
	m = (struct uk_msg){.words = 1, .mr = {2}};
	crc[ncrc++] = uk_call(u, g.ep_cli, &m);
	crc[ncrc++] = (long)m.mr[0];
	/* The third call carries a long message (longer than a handle's value). */
	m = (struct uk_msg){.words = 1, .mr = {3}, .xfer_va = BUF, .xfer_len = LONG_LEN};
	crc[ncrc++] = uk_call(u, g.ep_cli, &m);
}

static void rr_server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	char got[LONG_LEN];

	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	UCHECK(uk_recv(u, g.ep_srv, &m, reply) == 0);
	/* Each of these fails before replying: the call stays bound. */
	m = (struct uk_msg){.words = 1, .mr = {100}};
	rec(uk_reply_recv(u, reply, &m, 0x7777));                    /* no such endpoint */
	rec(uk_reply_recv(u, reply, &m, reply));                     /* not an endpoint */
	m = (struct uk_msg){.words = UK_MSG_WORDS + 1, .mr = {101}};
	rec(uk_reply_recv_buf(u, reply, &m, g.ep_srv, BUF, 64));     /* too many words */
	m = (struct uk_msg){.words = 1, .mr = {102}};
	rec(uk_reply_recv_buf(u, reply, &m, g.ep_srv, UK_USER_END - 8, 64)); /* buffer */
	/* The call was still ours to answer; the next comes meanwhile. */
	m = (struct uk_msg){.words = 1, .mr = {7}};
	rec(uk_reply_recv(u, reply, &m, g.ep_srv));
	rec((long)m.mr[0]);
	/* Reply, then receive the third call with a 512-byte buffer: all 300
	 * bytes of its long message come. */
	m = (struct uk_msg){.words = 1, .mr = {8}};
	rec(uk_reply_recv_buf(u, reply, &m, g.ep_srv, BUF, 512));
	rec((long)m.mr[0]);
	rec((long)m.xfer_len);
	UCHECK(uk_user_read(u, BUF, got, LONG_LEN) == 0);
	rec(got[0] == 'a' && got[LONG_LEN - 1] == (char)('a' + (LONG_LEN - 1) % 26));
	UCHECK(uk_reply(u, reply, &m) == 0);
}

static void test_reply_recv_errors_keep_the_call(void **state)
{
	g = (typeof(g)){0};
	ncrc = 0;
	g.k = boot(1, 16 << 20, NULL);
	uint64_t s = spawn_prog(g.k, rr_server, 0, 20, 0);
	uint64_t c = spawn_prog(g.k, rr_client, 0, 10, 0);
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, s, 0);
	g.ep_cli = (uint32_t)uk_kernel_give_handle(g.k, s, g.ep_srv, c, UK_RIGHT_WRITE, 0);
	assert_true(g.ep_srv < LONG_LEN); /* so a buffer of its size would cut the message */
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	const long srv[] = {UK_EBADH, UK_EBADH, UK_EINVAL, UK_ERANGE, 0, 2, 0, 3, LONG_LEN, 1};
	const long cli[] = {0, 7, 0, 8, 0};
	assert_int_equal(g.nrc, 10);
	for (unsigned i = 0; i < 10; i++)
		assert_int_equal(g.rc[i], srv[i]);
	assert_int_equal(ncrc, 5);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(crc[i], cli[i]);
	shutdown();
}

/* ---- transfers: ranges, grants' rights, revocation, a gone owner ---- */

static uint32_t grant_rw, grant_w;

/* The client grants BUF[0, 64) for reading and writing and BUF[64, 128)
 * for writing only, passes each in a call, revokes the second, and exits
 * while the server still holds the first. */
static void grant_client(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = {0};
	char text[128];

	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	for (unsigned i = 0; i < sizeof(text); i++)
		text[i] = (char)i;
	UCHECK(uk_user_write(u, BUF, text, sizeof(text)) == 0);
	/* Rights are a 64-bit argument: bits above the 32 that fit are refused
	 * too, not cut off. */
	crc[ncrc++] = uk_syscall6(u, UK_SYS_GRANT_CREATE, BUF, 64, (1ull << 32) | UK_RIGHT_READ, 0,
				  0, 0);
	long rw = uk_grant_create(u, BUF, 64, UK_RIGHT_READ | UK_RIGHT_WRITE);
	long w = uk_grant_create(u, BUF + 64, 64, UK_RIGHT_WRITE);
	UCHECK(rw > 0 && w > 0);
	m = (struct uk_msg){.words = 1, .mr = {BUF}, .cap = (uint32_t)rw};
	crc[ncrc++] = uk_call(u, g.ep_cli, &m);
	m = (struct uk_msg){.cap = (uint32_t)w};
	crc[ncrc++] = uk_call(u, g.ep_cli, &m);
	UCHECK(uk_user_read(u, BUF + 64, text, 8) == 0);
	crc[ncrc++] = text[0] == 'W' && text[7] == 'W'; /* written through the write-only grant */
	/* Its handle has WRITE and GRANT, not READ: the owner revokes anyway. */
	crc[ncrc++] = uk_grant_revoke(u, (uint32_t)w);
	m = (struct uk_msg){0};
	crc[ncrc++] = uk_call(u, g.ep_cli, &m);
	/* exit: the process goes, the server keeps its grant handle */
}

static void grant_server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	char buf[8];

	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	UCHECK(uk_recv(u, g.ep_srv, &m, reply) == 0);
	grant_rw = m.cap;
	/* Reply transfers: the local buffer must lie in user space, and so
	 * must the remote one, over the whole length. */
	rec(uk_xfer(u, reply, UK_XFER_READ, BUF, BUF, 8, NULL));
	rec(uk_xfer(u, reply, UK_XFER_READ, 0, BUF, 8, NULL));
	rec(uk_xfer(u, reply, UK_XFER_READ, UK_USER_BASE, BUF + 0x1000, UK_USER_END - UK_USER_BASE,
		    NULL));
	/* Grant transfers: the local buffer, then the grant's range to its last
	 * byte. */
	rec(uk_xfer_grant(u, grant_rw, UK_XFER_READ, UK_USER_END - 8, 0, 16, NULL));
	rec(uk_xfer_grant(u, grant_rw, UK_XFER_READ, BUF, 40, 8, NULL));
	UCHECK(uk_user_read(u, BUF, buf, 8) == 0);
	rec(buf[0] == 40 && buf[7] == 47);
	rec(uk_xfer_grant(u, grant_rw, UK_XFER_READ, BUF, 56, 8, NULL));
	rec(uk_xfer_grant(u, grant_rw, UK_XFER_READ, BUF, 57, 8, NULL));
	rec(uk_xfer_grant(u, grant_rw, UK_XFER_READ, BUF, 0, 65, NULL));
	rec(uk_xfer_grant(u, grant_rw, UK_XFER_READ, BUF, 64, 1, NULL));
	m = (struct uk_msg){0};
	UCHECK(uk_reply_recv(u, reply, &m, g.ep_srv) == 0);
	/* The write-only grant: write through it, not read. */
	grant_w = m.cap;
	rec(uk_sys_handle_rights(u, grant_w));
	UCHECK(uk_user_write(u, BUF, "WWWWWWWW", 8) == 0);
	rec(uk_xfer_grant(u, grant_w, UK_XFER_WRITE, BUF, 0, 8, NULL));
	rec(uk_xfer_grant(u, grant_w, UK_XFER_READ, BUF, 0, 8, NULL));
	rec(uk_grant_revoke(u, grant_w)); /* not the owner */
	m = (struct uk_msg){0};
	UCHECK(uk_reply_recv(u, reply, &m, g.ep_srv) == 0);
	rec(uk_xfer_grant(u, grant_w, UK_XFER_WRITE, BUF, 0, 8, NULL)); /* revoked */
	UCHECK(uk_reply(u, reply, &m) == 0);
	/* The client has exited (it outranks us): its grant outlives it, its
	 * memory does not. */
	rec(uk_xfer_grant(u, grant_rw, UK_XFER_READ, BUF, 0, 8, NULL));
}

static void test_transfer_ranges_and_grants(void **state)
{
	g = (typeof(g)){0};
	ncrc = 0;
	g.k = boot(1, 16 << 20, NULL);
	uint64_t s = spawn_prog(g.k, grant_server, 0, 10, 0);
	uint64_t c = spawn_prog(g.k, grant_client, 0, 20, 0);
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, s, 0);
	g.ep_cli = (uint32_t)uk_kernel_give_handle(g.k, s, g.ep_srv, c, UK_RIGHT_WRITE, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	const long srv[] = {8, UK_ERANGE, UK_ERANGE, UK_ERANGE, 8, 1, 8, UK_ERANGE, UK_ERANGE,
			    UK_ERANGE, UK_RIGHT_WRITE | UK_RIGHT_GRANT, 8, UK_EPERM, UK_EPERM,
			    UK_ESTALE, UK_ESRCH};
	const long cli[] = {UK_EINVAL, 0, 0, 1, 0, 0};
	assert_int_equal(g.nrc, 16);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(g.rc[i], srv[i]);
	assert_int_equal(ncrc, 6);
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(crc[i], cli[i]);
	shutdown();
}

/* ---- binding an IRQ sink to a notification ---- */

/* The sink behind handle `h`, to see what it is bound to. */
static struct irq_sink_obj *sink_of(struct uk_user *u, long h)
{
	struct kobj *o = NULL;
	if (h <= 0 || cap_lookup(u->t->proc, (uint64_t)h, KOBJ_IRQ_SINK, 0, &o) < 0)
		return NULL;
	return (struct irq_sink_obj *)o;
}

static void bind_prog(struct uk_user *u, uint64_t arg)
{
	long irq = uk_irq_attach(u, UK_IRQ_SRC_VIRTUAL, 2, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	long n = uk_ntfn_create(u), wait_only = uk_sys_handle_dup(u, (uint32_t)n, UK_RIGHT_WAIT);
	struct irq_sink_obj *s = sink_of(u, irq);
	struct kobj *no = NULL;

	UCHECK(s != NULL && s->ntfn == NULL);
	UCHECK(cap_lookup(u->t->proc, (uint64_t)n, KOBJ_NTFN, 0, &no) == 0);
	if (!s || !no) {
		rec(0);
		return;
	}
	/* Refused, nothing bound: no such notification, one without SIGNAL,
	 * a notification where the sink goes, bits outside the word. */
	UCHECK(uk_ntfn_bind_irq(u, 0x7777, irq, 1) == UK_EBADH);
	UCHECK(uk_ntfn_bind_irq(u, (uint32_t)wait_only, irq, 1) == UK_EPERM);
	UCHECK(uk_ntfn_bind_irq(u, (uint32_t)n, n, 1) == UK_EBADH);
	UCHECK(uk_ntfn_bind_irq(u, (uint32_t)n, irq, 0x80000000u) == UK_EINVAL);
	UCHECK(uk_syscall6(u, UK_SYS_NTFN_BIND_IRQ, (uint64_t)n, (uint64_t)irq, (1ull << 33) | 1, 0, 0,
			   0) == UK_EINVAL);
	UCHECK(s->ntfn == NULL);
	/* Bound with its bits. */
	UCHECK(uk_ntfn_bind_irq(u, (uint32_t)n, irq, 0x14) == 0);
	UCHECK(s->ntfn == (struct ipc_ntfn *)no && s->ntfn_bits == 0x14);
	/* Unbinding names no notification. */
	UCHECK(uk_ntfn_bind_irq(u, 0, irq, 0) == 0);
	UCHECK(s->ntfn == NULL && s->ntfn_bits == 0);
	rec(1);
}

static void test_bind_irq(void **state)
{
	g = (typeof(g)){0};
	g.k = boot(1, 16 << 20, NULL);
	spawn_prog(g.k, bind_prog, 0, 10, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.nrc, 1);
	assert_int_equal(g.rc[0], 1);
	shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_endpoint_create_and_mint),
		cmocka_unit_test(test_default_strategy_from_config),
		cmocka_unit_test(test_create_out_of_memory),
		cmocka_unit_test(test_receive_buffer_edges),
		cmocka_unit_test(test_reply_recv_errors_keep_the_call),
		cmocka_unit_test(test_transfer_ranges_and_grants),
		cmocka_unit_test(test_bind_irq),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
