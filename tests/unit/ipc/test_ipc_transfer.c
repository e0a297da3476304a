/* SPDX-License-Identifier: MIT */
/*
 * cmocka tests of memory transfer (libukern/ipc/xfer.c, transfer/) on the
 * core's mock arch: what each remote page may be (demand-zero, read-only,
 * device memory, not there), window batches past eight pages and a fault
 * in a later batch, copies within one address space that overlap (memmove
 * order, in blocks), the toolkit a plug-in strategy copies with, the
 * built-in tables, and the virtual time a transfer holds the kernel lock.
 */
#include <stdio.h>
#include <string.h>

#include <ukern/devmem.h>
#include <ukern/ipc.h>
#include <ukern/irq_model.h>
#include <ukern/xfer.h>

#include "harness.h"
#include "ipc/ipc_internal.h"

#define BUF 0x10000000ull  /* the client's buffer */
#define LBUF 0x20000000ull /* the server's */
#define DEV_VA 0x30000000ull
#define DEV_PA 0xd0000000ull
#define PG UK_PAGE_SIZE

static uint8_t pat(uint64_t i)
{
	return (uint8_t)(i * 7 + 3);
}

/* The client maps `pages` at BUF (lazily: never touched), fills them with
 * pat() unless lazy, protects `ro_pages` of them read-only from the start,
 * and calls; the server runs `script` with the call bound. */
static struct {
	struct uk_kernel *k;
	uint32_t ep_srv, ep_cli;
	unsigned pages, ro_pages;
	uint32_t lazy_mask; /* pages mapped demand-zero, never touched */
	uint64_t client_tid;
	void (*script)(struct uk_user *u, uint32_t reply);
	long client_rc;
} g;

static uint64_t server_tid;

static void client(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = {.words = 1, .mr = {BUF}};
	static uint8_t page[PG];

	for (unsigned p = 0; p < g.pages; p++) {
		bool lazy = g.lazy_mask & (1u << p);
		UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF + p * PG, PG,
				     UK_PROT_READ | UK_PROT_WRITE, lazy ? UK_VM_LAZY : 0) == 0);
		for (unsigned i = 0; !lazy && i < PG; i++)
			page[i] = pat(p * PG + i);
		UCHECK(lazy || uk_user_write(u, BUF + p * PG, page, PG) == 0);
	}
	if (g.ro_pages)
		UCHECK(uk_sys_vm_protect(u, UK_HANDLE_PROCESS_SELF, BUF, g.ro_pages * PG,
					 UK_PROT_READ) == 0);
	g.client_rc = uk_call(u, g.ep_cli, &m);
}

static void server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	UCHECK(uk_recv(u, g.ep_srv, &m, reply) == 0);
	g.script(u, reply);
	UCHECK(uk_reply(u, reply, &m) == 0);
}

static struct uk_kernel_stats stats(void)
{
	struct uk_kernel_stats st;
	uk_kernel_get_stats(g.k, &st);
	return st;
}

/* Boot, spawn the pair (server on an endpoint of `strategy`), run `prep`
 * on the host before the run (it may set up the client's space). */
static void run_pair(unsigned strategy, unsigned pages, uint32_t lazy_mask,
		     void (*script)(struct uk_user *u, uint32_t reply),
		     void (*prep)(uint64_t client_tid))
{
	g = (typeof(g)){0};
	g.pages = pages;
	g.lazy_mask = lazy_mask;
	g.script = script;
	g.client_rc = 1;
	g.k = boot(1, 16 << 20, NULL);
	uint64_t s = spawn_prog(g.k, server, 0, 10, 0);
	server_tid = s;
	g.client_tid = spawn_prog(g.k, client, 0, 20, 0);
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, s, UK_EP_STRATEGY(strategy));
	g.ep_cli = (uint32_t)uk_kernel_give_handle(g.k, s, g.ep_srv, g.client_tid, UK_RIGHT_WRITE, 0);
	if (prep)
		prep(g.client_tid);
}

static void map_local(struct uk_user *u, unsigned pages, unsigned flags)
{
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, LBUF, pages * PG,
			     UK_PROT_READ | UK_PROT_WRITE, flags) == 0);
}

/* Whether LBUF holds the client's bytes [off, off + n). */
static bool local_matches(struct uk_user *u, uint64_t off, uint64_t n)
{
	static uint8_t buf[12 * PG];
	if (n > sizeof(buf) || uk_user_read(u, LBUF, buf, n) != 0)
		return false;
	for (uint64_t i = 0; i < n; i++)
		if (buf[i] != pat(off + i))
			return false;
	return true;
}

/* ---- what a remote page may be ---- */

static struct uk_xfer_result xr;
static long res[16];
static unsigned nres;

static void rec(long v)
{
	if (nres < 16)
		res[nres++] = v;
}

/* The client's pages: 0 read-only, 1 demand-zero never touched, 2 device
 * memory (mapped by the host), nothing at 3. */
static void remote_kinds_script(struct uk_user *u, uint32_t reply)
{
	struct uk_kernel_stats st0 = stats();

	map_local(u, 1, 0);
	UCHECK(uk_user_write(u, LBUF, "abcdefgh", 8) == 0);
	/* Read-only: read it, not write it. */
	rec(uk_xfer(u, reply, UK_XFER_READ, LBUF + 8, BUF, 8, &xr));
	rec(uk_xfer(u, reply, UK_XFER_WRITE, LBUF, BUF, 8, &xr));
	rec(xr.fault_side);
	/* Device memory is no RAM: neither way. */
	rec(uk_xfer(u, reply, UK_XFER_READ, LBUF, DEV_VA, 8, &xr));
	rec(xr.fault_side == UK_XFER_FAULT_REMOTE && xr.fault_addr == DEV_VA);
	rec(uk_xfer(u, reply, UK_XFER_WRITE, LBUF, DEV_VA, 8, &xr));
	/* Demand-zero, read: faulted in for its owner, zeros come. */
	rec(uk_xfer(u, reply, UK_XFER_READ, LBUF, BUF + PG, 8, &xr));
	uint8_t z[8] = {1};
	UCHECK(uk_user_read(u, LBUF, z, 8) == 0);
	rec(z[0] == 0 && z[7] == 0);
	struct uk_kernel_stats st = stats();
	rec((long)(st.xfer[UK_XFER_PHYSMAP].faults - st0.xfer[UK_XFER_PHYSMAP].faults));
	/* A transfer that starts before a hole names the hole's first byte. */
	rec(uk_xfer(u, reply, UK_XFER_READ, LBUF, BUF + 3 * PG - 8, 16, &xr));
	rec((long)xr.bytes);
	rec(xr.fault_addr == BUF + 3 * PG);
}

static void map_device(uint64_t client_tid)
{
	int h = uk_kernel_devmem_create(g.k, client_tid, DEV_PA, PG, 3u << 3, UK_DEVMEM_RIGHTS);
	assert_true(h > 0);
	assert_int_equal(uk_kernel_devmem_map(g.k, client_tid, (uint32_t)h, DEV_VA,
					      UK_PROT_READ | UK_PROT_WRITE), 0);
}

static void test_remote_page_kinds(void **state)
{
	nres = 0;
	run_pair(UK_XFER_PHYSMAP, 3, 1u << 1, remote_kinds_script, map_device);
	g.ro_pages = 1;
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.client_rc, 0);
	const long want[] = {8, UK_EFAULT, UK_XFER_FAULT_REMOTE, UK_EFAULT, 1, UK_EFAULT, 8, 1, 1,
			     UK_EFAULT, 8, 1};
	assert_int_equal(nres, 12);
	for (unsigned i = 0; i < 12; i++)
		assert_int_equal(res[i], want[i]);
	shutdown();
}

/* ---- the window strategy: batches of eight pages ---- */

/* The client maps 10 pages; the server reads one whole page (one walk:
 * the page after it is not touched), ten pages at once (two batches),
 * eleven (the eleventh is not there: the first batch is copied, the
 * second fails), and receives a long message shorter than its buffer. */
static void window_script(struct uk_user *u, uint32_t reply)
{
	struct uk_kernel_stats st0 = stats(), st;

	map_local(u, 11, 0);
	rec(uk_xfer(u, reply, UK_XFER_READ, LBUF, BUF, PG, &xr));
	st = stats();
	rec((long)(st.xfer[UK_XFER_WINDOW].walks - st0.xfer[UK_XFER_WINDOW].walks));
	rec(local_matches(u, 0, PG));
	rec(uk_xfer(u, reply, UK_XFER_READ, LBUF, BUF, 10 * PG, &xr));
	rec(local_matches(u, 0, 10 * PG));
	st0 = stats();
	rec(uk_xfer(u, reply, UK_XFER_READ, LBUF, BUF + 8, 11 * PG - 8, &xr));
	st = stats();
	rec((long)xr.bytes);
	rec(xr.fault_side == UK_XFER_FAULT_REMOTE && xr.fault_addr == BUF + 10 * PG);
	/* Both batches were unmapped: 8 pages, then the 2 mapped of the second. */
	rec((long)(st.xfer[UK_XFER_WINDOW].tlb_invalidations -
		   st0.xfer[UK_XFER_WINDOW].tlb_invalidations));
	for (unsigned i = 0; i < 8; i++) {
		uint64_t *pte = vm_pte(g.k, &u->t->proc->vs, UK_CORE_WINDOW_BASE + i * PG);
		UCHECK(!pte || *pte == 0);
	}
}

static void test_window_batches(void **state)
{
	nres = 0;
	run_pair(UK_XFER_WINDOW, 10, 0, window_script, NULL);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.client_rc, 0);
	const long want[] = {PG, 1, 1, 10 * PG, 1, UK_EFAULT, 8 * PG - 8, 1, 10};
	assert_int_equal(nres, 9);
	for (unsigned i = 0; i < 9; i++)
		assert_int_equal(res[i], want[i]);
	shutdown();
}

/* A long message over a window endpoint: the receiver learns how many
 * bytes came (fewer than its buffer holds). */
static uint64_t got_len;
static bool got_ok;

static void wl_client(struct uk_user *u, uint64_t arg)
{
	static uint8_t page[PG];
	struct uk_msg m = {.words = 1, .xfer_va = BUF + 100, .xfer_len = 300};

	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF, PG, UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	for (unsigned i = 0; i < PG; i++)
		page[i] = pat(i);
	UCHECK(uk_user_write(u, BUF, page, PG) == 0);
	g.client_rc = uk_call(u, g.ep_cli, &m);
}

static void wl_server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	static uint8_t buf[300];

	map_local(u, 1, 0);
	UCHECK(uk_recv_buf(u, g.ep_srv, &m, reply, LBUF, PG) == 0);
	got_len = m.xfer_len;
	UCHECK(uk_user_read(u, LBUF, buf, 300) == 0);
	got_ok = buf[0] == pat(100) && buf[299] == pat(399);
	UCHECK(uk_reply(u, reply, &m) == 0);
}

static void test_window_long_message(void **state)
{
	g = (typeof(g)){0};
	g.k = boot(1, 16 << 20, NULL);
	uint64_t s = spawn_prog(g.k, wl_server, 0, 10, 0);
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, s, UK_EP_STRATEGY(UK_XFER_WINDOW));
	mock_run(g.k, 0); /* the server waits with its buffer */
	uint64_t c = spawn_prog(g.k, wl_client, 0, 20, 0);
	g.ep_cli = (uint32_t)uk_kernel_give_handle(g.k, s, g.ep_srv, c, UK_RIGHT_WRITE, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.client_rc, 0);
	assert_int_equal(got_len, 300);
	assert_true(got_ok);
	assert_int_equal(stats().xfer[UK_XFER_WINDOW].transfers, 1);
	shutdown();
}

/* The window's page table does not exist until a first window transfer
 * in the space needs it: with no frame left, that transfer is UK_ENOMEM. */
static uk_paddr_t drained[4096];

static void window_enomem_script(struct uk_user *u, uint32_t reply)
{
	unsigned nd = 0;

	map_local(u, 1, 0);
	UCHECK(uk_user_write(u, LBUF, "x", 1) == 0); /* its frame is there */
	while (nd < 4096 && frame_alloc(g.k, &drained[nd]) == 0)
		nd++;
	rec(uk_xfer(u, reply, UK_XFER_READ, LBUF, BUF, 8, &xr));
	while (nd > 0)
		frame_free(g.k, drained[--nd]);
	rec(uk_xfer(u, reply, UK_XFER_READ, LBUF, BUF, 8, &xr));
	rec(local_matches(u, 0, 8));
}

static void test_window_without_frames(void **state)
{
	nres = 0;
	run_pair(UK_XFER_WINDOW, 1, 0, window_enomem_script, NULL);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(nres, 3);
	assert_int_equal(res[0], UK_ENOMEM);
	assert_int_equal(res[1], 8);
	assert_int_equal(res[2], 1);
	shutdown();
}

/* A demand-zero client page when no frame is left to fill it: the
 * transfer faults on the client's side and copies nothing. */
static void lazy_enomem_script(struct uk_user *u, uint32_t reply)
{
	unsigned nd = 0;

	map_local(u, 1, 0);
	UCHECK(uk_user_write(u, LBUF, "x", 1) == 0);
	while (nd < 4096 && frame_alloc(g.k, &drained[nd]) == 0)
		nd++;
	rec(uk_xfer(u, reply, UK_XFER_READ, LBUF, BUF, 8, &xr));
	rec(xr.fault_side);
	rec((long)xr.bytes);
	while (nd > 0)
		frame_free(g.k, drained[--nd]);
}

static void test_lazy_client_page_without_frames(void **state)
{
	nres = 0;
	run_pair(UK_XFER_PHYSMAP, 1, 1u << 0, lazy_enomem_script, NULL);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(nres, 3);
	assert_int_equal(res[0], UK_EFAULT);
	assert_int_equal(res[1], UK_XFER_FAULT_REMOTE);
	assert_int_equal(res[2], 0);
	shutdown();
}

/* ---- copies within one address space ---- */

/* A grant over the caller's own memory, read onto an overlapping range
 * above it: the bytes land as memmove would put them, 17 bytes over a gap
 * of 8 (blocks of 8, 8 and a last one of 1); onto the same range: nothing
 * changes. A transfer between two spaces at overlapping addresses is no
 * overlap at all: one copy per page. */
static void self_grant(struct uk_user *u, uint64_t arg)
{
	uint8_t b[64], want[64];

	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF, PG, UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	for (unsigned i = 0; i < 64; i++)
		b[i] = want[i] = pat(i);
	UCHECK(uk_user_write(u, BUF, b, 64) == 0);
	long gr = uk_grant_create(u, BUF, 64, UK_RIGHT_READ | UK_RIGHT_WRITE);
	rec(uk_xfer_grant(u, (uint32_t)gr, UK_XFER_READ, BUF + 8, 0, 17, &xr));
	memmove(want + 8, want, 17);
	UCHECK(uk_user_read(u, BUF, b, 64) == 0);
	rec(memcmp(b, want, 64) == 0);
	rec(uk_xfer_grant(u, (uint32_t)gr, UK_XFER_WRITE, BUF + 4, 4, 20, &xr)); /* the same bytes */
	UCHECK(uk_user_read(u, BUF, b, 64) == 0);
	rec(memcmp(b, want, 64) == 0);
}

static void test_overlap_in_one_space(void **state)
{
	g = (typeof(g)){0};
	nres = 0;
	g.k = boot(1, 16 << 20, NULL);
	spawn_prog(g.k, self_grant, 0, 10, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(nres, 4);
	assert_int_equal(res[0], 17);
	assert_int_equal(res[1], 1);
	assert_int_equal(res[2], 20);
	assert_int_equal(res[3], 1);
	shutdown();
}

static void two_spaces_script(struct uk_user *u, uint32_t reply)
{
	struct uk_kernel_stats st0 = stats(), st;

	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF, PG, UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	/* local BUF + 8 is above remote BUF by less than the length */
	rec(uk_xfer(u, reply, UK_XFER_READ, BUF + 8, BUF, 64, &xr));
	st = stats();
	rec((long)(st.xfer[UK_XFER_PHYSMAP].copies - st0.xfer[UK_XFER_PHYSMAP].copies));
	uint8_t b[64];
	UCHECK(uk_user_read(u, BUF + 8, b, 64) == 0);
	rec(b[0] == pat(0) && b[63] == pat(63));
}

static void test_overlapping_addresses_of_two_spaces(void **state)
{
	nres = 0;
	run_pair(UK_XFER_PHYSMAP, 1, 0, two_spaces_script, NULL);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(nres, 3);
	assert_int_equal(res[0], 64);
	assert_int_equal(res[1], 1);
	assert_int_equal(res[2], 1);
	shutdown();
}

/* A call between two threads of one process, its long message landing on
 * an overlapping buffer above it: the receiver gets the bytes and their
 * count. */
static uint32_t self_ep;

static void self_caller(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = {.words = 1, .xfer_va = BUF, .xfer_len = 16};
	g.client_rc = uk_call(u, self_ep, &m);
}

static void self_receiver(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	uint8_t b[32];

	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF, PG, UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	for (unsigned i = 0; i < 32; i++)
		b[i] = pat(i);
	UCHECK(uk_user_write(u, BUF, b, 32) == 0);
	self_ep = (uint32_t)uk_ep_create(u, 0);
	long h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF,
				      (unsigned)uk_kernel_register_program(g.k, "caller", self_caller),
				      0, 5, 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0);
	rec(uk_recv_buf(u, self_ep, &m, reply, BUF + 4, 64));
	rec((long)m.xfer_len);
	UCHECK(uk_user_read(u, BUF, b, 32) == 0);
	rec(b[3] == pat(3) && b[4] == pat(0) && b[19] == pat(15) && b[20] == pat(20));
	UCHECK(uk_reply(u, reply, &m) == 0);
}

static void test_long_message_within_a_process(void **state)
{
	g = (typeof(g)){0};
	nres = 0;
	g.client_rc = 1;
	g.k = boot(1, 16 << 20, NULL);
	spawn_prog(g.k, self_receiver, 0, 10, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.client_rc, 0);
	assert_int_equal(nres, 3);
	assert_int_equal(res[0], 0);
	assert_int_equal(res[1], 16);
	assert_int_equal(res[2], 1);
	shutdown();
}

/* ---- the toolkit of a plug-in strategy ---- */

static struct {
	long frame_unaligned, frame_first, frame_second, local_copy;
	bool phys_ok;
} probe;
static uint8_t bounce[3 * PG];

/* Whether uk_xfer_phys gives exactly the rest of the frame from `pa`. */
static bool phys_limits(struct uk_xfer_job *x, uk_paddr_t pa)
{
	return uk_xfer_phys(x, pa, PG) && !uk_xfer_phys(x, pa, PG + 1) &&
	       uk_xfer_phys(x, pa + 8, PG - 8) && !uk_xfer_phys(x, pa + 8, PG - 7);
}

/* Probe the toolkit on the first two remote pages, then gather the whole
 * (page-aligned) remote range into a bounce buffer and copy it to the
 * local side in one call. */
static int probe_copy(struct uk_xfer_job *x)
{
	uk_vaddr_t rva = uk_xfer_remote_va(x);
	uint64_t len = uk_xfer_len(x);
	uk_paddr_t pa = 0, pa2 = 0;

	probe.frame_unaligned = uk_xfer_remote_frame(x, rva + 8, &pa);
	probe.frame_first = uk_xfer_remote_frame(x, rva, &pa);
	probe.frame_second = uk_xfer_remote_frame(x, rva + PG, &pa2); /* address bit 12 set */
	probe.phys_ok = phys_limits(x, pa) && phys_limits(x, pa2);
	if (uk_xfer_writes(x) || len > sizeof(bounce) || (len & (PG - 1)))
		return UK_EINVAL;
	for (uint64_t off = 0; off < len; off += PG) {
		void *p;
		if (uk_xfer_remote_frame(x, rva + off, &pa) != 0 || !(p = uk_xfer_phys(x, pa, PG)))
			return UK_EFAULT;
		memcpy(bounce + off, p, PG);
	}
	probe.local_copy = uk_xfer_local_copy(x, uk_xfer_local_va(x), bounce, len);
	if (probe.local_copy < 0)
		return (int)probe.local_copy;
	uk_xfer_copied(x, len);
	return 0;
}

static const struct uk_xfer_ops probe_ops = {
	.abi = UK_ABI_VERSION,
	.name = "probe",
	.doc = "tests the toolkit",
	.source = "tests/unit/ipc/test_ipc_transfer.c",
	.copy = probe_copy,
};

/* The local buffer is three demand-zero pages: one copy faults each in. */
static void probe_script(struct uk_user *u, uint32_t reply)
{
	map_local(u, 3, UK_VM_LAZY);
	rec(uk_xfer(u, reply, UK_XFER_READ, LBUF, BUF, 3 * PG, &xr));
	rec(local_matches(u, 0, 3 * PG));
}

static void test_plugin_toolkit(void **state)
{
	nres = 0;
	probe = (typeof(probe)){0};
	run_pair(UK_XFER_PHYSMAP, 3, 0, probe_script, NULL);
	int id = uk_kernel_xfer_register(g.k, &probe_ops);
	assert_true(id >= (int)UK_XFER_FIRST_EXTRA);
	/* The server's endpoint is remade with the plug-in's id. */
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, server_tid, UK_EP_STRATEGY(id));
	g.ep_cli = (uint32_t)uk_kernel_give_handle(g.k, server_tid, g.ep_srv, g.client_tid,
						   UK_RIGHT_WRITE, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.client_rc, 0);
	assert_int_equal(nres, 2);
	assert_int_equal(res[0], 3 * PG);
	assert_int_equal(res[1], 1);
	assert_int_equal(probe.frame_unaligned, UK_EINVAL);
	assert_int_equal(probe.frame_first, 0);
	assert_int_equal(probe.frame_second, 0);
	assert_true(probe.phys_ok);
	assert_int_equal(probe.local_copy, 0);
	shutdown();
}

/* ---- the built-in tables ---- */

static void test_builtin_tables(void **state)
{
	struct uk_xfer_ops b[UK_XFER_BUILTINS];

	memset(b, 0xa5, sizeof(b)); /* storage the caller owns need not be zero */
	uk_xfer_builtins_init(b);
	for (unsigned i = 0; i < UK_XFER_BUILTINS; i++) {
		assert_int_equal(b[i].id, i + 1);
		assert_true(b[i].grant == (b[i].id == UK_XFER_GRANT));
		assert_true(uk_xfer_ops_valid(&b[i]));
	}
}

/* ---- the time a transfer holds the kernel lock ---- */

static void cost_script(struct uk_user *u, uint32_t reply)
{
	map_local(u, 2, 0);
	rec(uk_xfer(u, reply, UK_XFER_READ, LBUF, BUF, 2 * PG, &xr));
}

/* Two remote pages, on the mock's costs: a walk is 4 steps of 5 ns each
 * (physmap: 2 x 20 = 40 ns); the window adds a PTE write (a 10 ns kernel
 * operation) and an invalidation (20 ns) per page: 40 + 20 + 40 = 100 ns.
 * The copies themselves cost nothing here. */
static void test_transfer_cost(void **state)
{
	const unsigned strategies[] = {UK_XFER_PHYSMAP, UK_XFER_WINDOW};
	const uint64_t want_ns[] = {2 * 4 * 5, 2 * 4 * 5 + 2 * 10 + 2 * MOCK_COST_TLB_NS};
	for (unsigned i = 0; i < 2; i++) {
		nres = 0;
		run_pair(strategies[i], 2, 0, cost_script, NULL);
		mock_run(g.k, 0);
		assert_int_equal(harness_failures, 0);
		assert_int_equal(nres, 1);
		assert_int_equal(res[0], 2 * PG);
		assert_int_equal(stats().xfer[strategies[i]].max_nopreempt_ns, want_ns[i]);
		shutdown();
	}
}

/* The last CPU's window ends where the window's page table does: a full
 * batch there clears its own eight PTEs and nothing past them. */
static void last_cpu_script(struct uk_user *u, uint32_t reply)
{
	map_local(u, 8, 0);
	rec(uk_xfer(u, reply, UK_XFER_READ, LBUF, BUF, 8 * PG, &xr));
	rec(local_matches(u, 0, 8 * PG));
	rec(uk_arch_cpu_id(g.k->a));
}

static void test_window_on_the_last_cpu(void **state)
{
	const unsigned last = UK_MAX_CPUS - 1;
	uint64_t s, c;

	g = (typeof(g)){0};
	nres = 0;
	g.pages = 8;
	g.script = last_cpu_script;
	g.client_rc = 1;
	g.k = boot(UK_MAX_CPUS, 16 << 20, NULL);
	int ps = uk_kernel_register_program(g.k, "server", server);
	int pc = uk_kernel_register_program(g.k, "client", client);
	struct uk_spawn sp = {.program = (unsigned)ps, .prio = 10, .max_prio = 255,
			      .affinity = 1ull << last, .name = "server"};
	assert_int_equal(uk_kernel_spawn(g.k, &sp, &s), 0);
	sp.program = (unsigned)pc;
	sp.prio = 20;
	sp.name = "client";
	assert_int_equal(uk_kernel_spawn(g.k, &sp, &c), 0);
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, s, UK_EP_STRATEGY(UK_XFER_WINDOW));
	g.ep_cli = (uint32_t)uk_kernel_give_handle(g.k, s, g.ep_srv, c, UK_RIGHT_WRITE, 0);
	mock_set_cpu(last);
	mock_run(g.k, last);
	mock_set_cpu(0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.client_rc, 0);
	assert_int_equal(nres, 3);
	assert_int_equal(res[0], 8 * PG);
	assert_int_equal(res[1], 1);
	assert_int_equal(res[2], last);
	shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remote_page_kinds),
		cmocka_unit_test(test_window_batches),
		cmocka_unit_test(test_window_long_message),
		cmocka_unit_test(test_window_without_frames),
		cmocka_unit_test(test_lazy_client_page_without_frames),
		cmocka_unit_test(test_overlap_in_one_space),
		cmocka_unit_test(test_overlapping_addresses_of_two_spaces),
		cmocka_unit_test(test_long_message_within_a_process),
		cmocka_unit_test(test_plugin_toolkit),
		cmocka_unit_test(test_builtin_tables),
		cmocka_unit_test(test_transfer_cost),
		cmocka_unit_test(test_window_on_the_last_cpu),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
