/* SPDX-License-Identifier: MIT */
/*
 * cmocka tests of libukern/ipc against the core's mock arch: the window
 * strategy's real PTE writes, invalidations and shootdown IPIs on two CPUs;
 * PI through a mixed chain (a caller blocked on a mutex held by a server);
 * handles closed while calls wait; the kernel-held message registers; who
 * inherits from an endpoint's queue and when that stops (FIFO queues,
 * killed and faulting callers, a second server, a server that receives
 * elsewhere or dies); cycles through queued calls and of the longest
 * length detected; grant endpoints and a receiver's faulting buffer; the
 * trace and wait records of a call; handles passed in messages; references
 * and kernel memory given back.
 */
#include <stdio.h>

#include <ukern/ipc.h>

#include "harness.h"
#include "ipc/ipc_internal.h"

#define BUF 0x10000000ull
#define WINDOW_BASE UK_CORE_WINDOW_BASE

static struct {
	struct uk_kernel *k;
	uint32_t ep_srv, ep_cli, ntfn;
	long rc[16];
	unsigned nrc;
	uint64_t tid[4];
	unsigned eff;
	long mutex;
} g;

static void rec(long v)
{
	g.rc[g.nrc++] = v;
}

static uint64_t spawn_on(uk_user_entry_fn fn, unsigned prio, uint64_t affinity)
{
	int prog = uk_kernel_register_program(g.k, "t", fn);
	struct uk_spawn s = {.program = (unsigned)prog, .prio = prio, .max_prio = 255,
			     .affinity = affinity, .name = "t"};
	uint64_t tid = 0;
	assert_int_equal(uk_kernel_spawn(g.k, &s, &tid), 0);
	return tid;
}

/* ---- window on two CPUs ---- */

static void helper_wait(struct uk_user *u, uint64_t arg)
{
	uk_ntfn_wait(u, g.ntfn); /* runs the server's space on CPU 1, then sleeps */
}

static void win_server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	char buf[8] = {0};

	g.ntfn = (uint32_t)uk_ntfn_create(u);
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	long h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF,
				      (unsigned)uk_kernel_register_program(g.k, "helper", helper_wait),
				      0, 5, 2);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0);
	UCHECK(uk_recv(u, g.ep_srv, &m, reply) == 0);
	rec(uk_xfer(u, reply, UK_XFER_READ, BUF, m.mr[0], 8, NULL));
	/* The window is empty again: no PTE of it still maps the client. */
	for (unsigned i = 0; i < 8; i++) {
		uint64_t *pte = vm_pte(g.k, &u->t->proc->vs, WINDOW_BASE + i * UK_PAGE_SIZE);
		UCHECK(!pte || *pte == 0);
	}
	UCHECK(uk_user_read(u, BUF, buf, 8) == 0);
	rec(buf[0] == 'w' && buf[7] == 'z');
	UCHECK(uk_reply(u, reply, &m) == 0);
	uk_ntfn_signal(u, g.ntfn, 1);
}

static void win_client(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = {.words = 1, .mr = {BUF + UK_PAGE_SIZE - 4}};
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF, 2 * UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	UCHECK(uk_user_write(u, BUF + UK_PAGE_SIZE - 4, "wxyabcdz", 8) == 0);
	rec(uk_call(u, g.ep_cli, &m));
}

static void test_window_shootdown_on_two_cpus(void **state)
{
	g = (typeof(g)){0};
	g.k = boot(2, 16 << 20, NULL);
	mock_set_sync_tlb(true);
	uint64_t srv = spawn_on(win_server, 10, 1);
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, srv, UK_EP_STRATEGY(UK_XFER_WINDOW));
	mock_run(g.k, 0); /* the server blocks in recv */
	mock_run(g.k, 1); /* the helper runs the server's space on CPU 1 */
	uint64_t cli = spawn_on(win_client, 20, 1);
	g.ep_cli = (uint32_t)uk_kernel_give_handle(g.k, srv, g.ep_srv, cli, UK_RIGHT_WRITE, 0);
	mock_clear_logs();
	mock_run(g.k, 0);
	mock_run(g.k, 1);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.nrc, 3);
	assert_int_equal(g.rc[0], 8);
	assert_int_equal(g.rc[1], 1);
	assert_int_equal(g.rc[2], 0);
	struct uk_kernel_stats st;
	uk_kernel_get_stats(g.k, &st);
	struct uk_xfer_stats *x = &st.xfer[UK_XFER_WINDOW];
	assert_int_equal(x->transfers, 1);
	assert_int_equal(x->copies, 2);
	assert_int_equal(x->walks, 2);
	assert_int_equal(x->tlb_invalidations, 2);
	assert_int_equal(x->shootdown_ipis, 1); /* CPU 1 ran the space: one batch, one IPI */
	/* The window pages of CPU 0 were invalidated on both CPUs. */
	unsigned local = 0, remote = 0;
	for (unsigned i = 0; i < mock_flush_count(); i++) {
		const struct mock_flush *f = mock_flush(i);
		if (f->kind == MOCK_FLUSH_PAGE && f->va >= WINDOW_BASE)
			*(f->cpu == 0 ? &local : &remote) += 1;
	}
	assert_int_equal(local, 2);
	assert_int_equal(remote, 2);
	shutdown();
}

/* ---- PI through a mutex and a call ---- */

/* server (base 10) serves a call and, while serving, holds a mutex; a
 * high thread (50) of the server's process blocks on that mutex; the caller
 * (30) is blocked in its call. The server must run at 50 (mutex) and then
 * at 30 (call) after it unlocks, and at 10 after replying. */
static void mix_high(struct uk_user *u, uint64_t arg)
{
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.mutex) == 0);
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.mutex) == 0);
}

static void mix_server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	g.mutex = uk_sys_mutex_create(u);
	UCHECK(uk_recv(u, g.ep_srv, &m, reply) == 0);
	rec(eff_prio(g.k, g.tid[0])); /* 30: serves the caller */
	UCHECK(uk_sys_mutex_lock(u, (uint32_t)g.mutex) == 0);
	long h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF,
				      (unsigned)uk_kernel_register_program(g.k, "high", mix_high), 0,
				      50, 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0);
	rec(eff_prio(g.k, g.tid[0])); /* 50: the high thread waits on our mutex */
	UCHECK(uk_sys_mutex_unlock(u, (uint32_t)g.mutex) == 0);
	rec(eff_prio(g.k, g.tid[0])); /* 30 */
	UCHECK(uk_reply(u, reply, &m) == 0);
	rec(eff_prio(g.k, g.tid[0])); /* 10 */
}

static void mix_client(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = {0};
	rec(uk_call(u, g.ep_cli, &m));
}

static void test_pi_mutex_and_call(void **state)
{
	g = (typeof(g)){0};
	g.k = boot(1, 16 << 20, NULL);
	g.tid[0] = spawn_prog(g.k, mix_server, 0, 10, 0);
	g.tid[1] = spawn_prog(g.k, mix_client, 0, 30, 0);
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, g.tid[0], 0);
	g.ep_cli = (uint32_t)uk_kernel_give_handle(g.k, g.tid[0], g.ep_srv, g.tid[1], UK_RIGHT_WRITE, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.nrc, 5);
	assert_int_equal(g.rc[0], 30);
	assert_int_equal(g.rc[1], 50);
	assert_int_equal(g.rc[2], 30);
	/* rc[3] is the client's 0 (it outranks the server once replied). */
	assert_int_equal(g.rc[3], 0);
	assert_int_equal(g.rc[4], 10);
	shutdown();
}

/* ---- handles closed while calls wait; registers ---- */

static void close_client(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = {.words = 2, .mr = {11, 22}};
	rec(uk_call(u, g.ep_cli, &m)); /* queued; the server closes its handle meanwhile */
	rec((long)(m.mr[0] + m.mr[1]));
}

static void close_server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	long dup = uk_sys_handle_dup(u, g.ep_srv, UK_RIGHT_READ);

	uk_sys_yield(u); /* the client queues */
	UCHECK(uk_sys_handle_close(u, g.ep_srv) == 0);
	UCHECK(uk_recv(u, (uint32_t)dup, &m, reply) == 0);
	rec((long)m.words);
	/* The registers are the thread's: what the wrapper stored is what came. */
	rec((long)(uk_user_regs(u)->mr[1]));
	m.mr[0] = 1;
	m.mr[1] = 2;
	UCHECK(uk_sys_handle_close(u, reply) == 0); /* the bound call keeps the object */
	rec(uk_reply(u, reply, &m));               /* but the handle is gone */
}

static void test_close_while_waiting(void **state)
{
	g = (typeof(g)){0};
	g.k = boot(1, 16 << 20, NULL);
	uint64_t s = spawn_prog(g.k, close_server, 0, 20, 0);
	uint64_t c = spawn_prog(g.k, close_client, 0, 20, 0);
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, s, UK_EP_FIFO);
	g.ep_cli = (uint32_t)uk_kernel_give_handle(g.k, s, g.ep_srv, c, UK_RIGHT_WRITE, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	/* server: words 2, mr[1] 22, reply EBADH; then the server exits and the
	 * client's call ends with ESRCH, its registers untouched (11 + 22). */
	assert_int_equal(g.nrc, 5);
	assert_int_equal(g.rc[0], 2);
	assert_int_equal(g.rc[1], 22);
	assert_int_equal(g.rc[2], UK_EBADH);
	assert_int_equal(g.rc[3], UK_ESRCH);
	assert_int_equal(g.rc[4], 33);
	shutdown();
}

/* ---- one reply object, two receivers ---- */

static uint32_t shared_reply;

static void second_receiver(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = {0};
	rec(uk_recv(u, g.ep_srv, &m, shared_reply)); /* the object is armed by the first */
}

static void first_receiver(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = {0};
	shared_reply = (uint32_t)uk_reply_create(u);
	long h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF,
				      (unsigned)uk_kernel_register_program(g.k, "second", second_receiver),
				      0, 5, 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0);
	rec(uk_recv(u, g.ep_srv, &m, shared_reply));
	rec(uk_reply(u, shared_reply, &m));
}

static void one_caller(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = {0};
	rec(uk_call(u, g.ep_cli, &m));
}

static void test_reply_object_armed_once(void **state)
{
	g = (typeof(g)){0};
	g.k = boot(1, 16 << 20, NULL);
	uint64_t s = spawn_prog(g.k, first_receiver, 0, 20, 0);
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, s, 0);
	mock_run(g.k, 0);
	uint64_t c = spawn_prog(g.k, one_caller, 0, 10, 0);
	g.ep_cli = (uint32_t)uk_kernel_give_handle(g.k, s, g.ep_srv, c, UK_RIGHT_WRITE, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.nrc, 4);
	assert_int_equal(g.rc[0], UK_EBUSY); /* the second receiver */
	assert_int_equal(g.rc[1], 0);        /* the first receives the call */
	assert_int_equal(g.rc[2], 0);        /* and replies */
	assert_int_equal(g.rc[3], 0);        /* the caller */
	shutdown();
}

/* ---- a grant's hold on its owner ---- */

static void grant_and_exit(struct uk_user *u, uint64_t arg)
{
	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	if (arg == 0) {
		/* A grant must name some bytes, and read and write rights only. */
		UCHECK(uk_grant_create(u, BUF, 0, UK_RIGHT_READ) == UK_EINVAL);
		UCHECK(uk_grant_create(u, BUF, 64, 0) == UK_EINVAL);
		UCHECK(uk_grant_create(u, BUF, 64, UK_RIGHT_READ | UK_RIGHT_MAP) == UK_EINVAL);
		UCHECK(uk_grant_create(u, UK_USER_END, 64, UK_RIGHT_READ) == UK_ERANGE);
		UCHECK(uk_grant_create(u, UK_USER_END - 64, 65, UK_RIGHT_READ) == UK_ERANGE);
		UCHECK(uk_grant_create(u, UK_USER_BASE - UK_PAGE_SIZE, 64, UK_RIGHT_READ) == UK_ERANGE);
	}
	long gr = uk_grant_create(u, BUF, 64, UK_RIGHT_READ);
	UCHECK(gr > 0);
	if (arg & 1)
		UCHECK(uk_grant_revoke(u, (uint32_t)gr) == 0);
	/* exit with the grant's handle open: teardown closes it */
}

/* A process that made a grant is freed with the grant: processes come and
 * go without the kernel heap growing. */
static void test_grant_releases_its_owner(void **state)
{
	g = (typeof(g)){0};
	g.k = boot(1, 16 << 20, NULL);
	uint64_t pages_after_warmup = 0;
	int prog = uk_kernel_register_program(g.k, "granter", grant_and_exit);
	for (unsigned i = 0; i < 400; i++) {
		struct uk_spawn sp = {.program = (unsigned)prog, .arg = i, .prio = 20, .max_prio = 255,
				      .name = "granter"};
		uint64_t tid;
		assert_int_equal(uk_kernel_spawn(g.k, &sp, &tid), 0);
		mock_run(g.k, 0);
		assert_int_equal(uk_kernel_live_count(g.k), 0);
		if (i == 20)
			pages_after_warmup = g.k->kalloc.pages;
	}
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.k->kalloc.pages, pages_after_warmup);
	shutdown();
}

/* ---- who inherits from an endpoint's queue, and when it stops ---- */

/* Threads of these tests find their handles in pw.h[arg] (set by the host
 * after the spawn, before the thread first runs) and record in pw.res[arg]. */
static struct {
	uint32_t h[16], ntfn[4];
	long res[16];
	uint64_t tid[16];
} pw;

static uint64_t spawn_with(uk_user_entry_fn fn, unsigned idx, unsigned prio, uint64_t from_tid,
			   uint32_t h, uint32_t rights)
{
	uint64_t tid = spawn_prog(g.k, fn, idx, prio, 0);
	pw.tid[idx] = tid;
	pw.res[idx] = 1; /* not finished */
	int nh = uk_kernel_give_handle(g.k, from_tid, h, tid, rights, 0);
	assert_true(nh > 0);
	pw.h[idx] = (uint32_t)nh;
	return tid;
}

static void pw_caller(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = {.words = 1, .mr = {arg}};
	pw.res[arg] = uk_call(u, pw.h[arg], &m);
}

static void pw_poke(struct uk_user *u, uint64_t arg)
{
	pw.res[arg] = uk_ntfn_signal(u, pw.h[arg], 1);
}

static void pw_kill(struct uk_user *u, uint64_t arg)
{
	pw.res[arg] = uk_sys_thread_kill(u, pw.h[arg]);
}

/* Serve one call (the first caller's), then wait on notification 0 while
 * still serving it; when poked, reply and serve whoever is queued. */
static void pw_server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	pw.ntfn[0] = (uint32_t)uk_ntfn_create(u);
	UCHECK(uk_recv(u, g.ep_srv, &m, reply) == 0);
	UCHECK(uk_ntfn_wait(u, pw.ntfn[0]) == 1);
	UCHECK(uk_reply(u, reply, &m) == 0);
	while (uk_recv(u, g.ep_srv, &m, reply) == 0) {
		rec((long)m.mr[0]);
		UCHECK(uk_reply(u, reply, &m) == 0);
	}
}

/* FIFO endpoint: the server inherits the highest priority queued, not the
 * first; a queued caller that is killed takes its priority with it. */
static void test_pi_fifo_queue_and_killed_caller(void **state)
{
	g = (typeof(g)){0};
	pw = (typeof(pw)){0};
	g.k = boot(1, 16 << 20, NULL);
	uint64_t s = spawn_prog(g.k, pw_server, 0, 10, 0);
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, s, UK_EP_FIFO);
	spawn_with(pw_caller, 1, 5, s, g.ep_srv, UK_RIGHT_WRITE);
	mock_run(g.k, 0); /* the server serves caller 1 and waits */
	assert_int_equal(eff_prio(g.k, s), 10);
	spawn_with(pw_caller, 2, 20, s, g.ep_srv, UK_RIGHT_WRITE);
	mock_run(g.k, 0);
	assert_int_equal(eff_prio(g.k, s), 20);
	uint64_t c3 = spawn_with(pw_caller, 3, 40, s, g.ep_srv, UK_RIGHT_WRITE);
	mock_run(g.k, 0); /* queued behind 20 (FIFO), but it is the highest */
	assert_int_equal(eff_prio(g.k, s), 40);
	spawn_with(pw_kill, 4, 60, c3, UK_HANDLE_THREAD_INITIAL, UK_RIGHT_MANAGE);
	mock_run(g.k, 0);
	assert_int_equal(pw.res[4], 0);
	assert_int_equal(eff_prio(g.k, s), 20);
	spawn_with(pw_poke, 5, 60, s, pw.ntfn[0], UK_RIGHT_SIGNAL);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(pw.res[1], 0);
	assert_int_equal(pw.res[2], 0);
	assert_int_equal(g.nrc, 1);
	assert_int_equal(g.rc[0], 2); /* only caller 2 was left to serve */
	assert_int_equal(eff_prio(g.k, s), 10);
	shutdown();
}

/* A queued caller whose long message faults when another thread receives
 * it: its call fails, and the endpoint's server stops inheriting from it. */
static void pw_receiver(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	pw.res[arg] = uk_recv_buf(u, pw.h[arg], &m, reply, BUF, 64); /* blocks: nothing left */
}

static void pw_long_caller(struct uk_user *u, uint64_t arg)
{
	/* BUF is not mapped in this process. */
	struct uk_msg m = {.words = 1, .mr = {arg}, .xfer_va = BUF, .xfer_len = 16};
	pw.res[arg] = uk_call(u, pw.h[arg], &m);
}

static void test_pi_faulting_queued_caller(void **state)
{
	g = (typeof(g)){0};
	pw = (typeof(pw)){0};
	g.k = boot(1, 16 << 20, NULL);
	uint64_t s = spawn_prog(g.k, pw_server, 0, 10, 0);
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, s, 0);
	spawn_with(pw_caller, 1, 5, s, g.ep_srv, UK_RIGHT_WRITE);
	mock_run(g.k, 0);
	spawn_with(pw_long_caller, 2, 40, s, g.ep_srv, UK_RIGHT_WRITE);
	mock_run(g.k, 0);
	assert_int_equal(eff_prio(g.k, s), 40);
	spawn_with(pw_receiver, 3, 30, s, g.ep_srv, UK_RIGHT_READ);
	mock_run(g.k, 0);
	assert_int_equal(pw.res[2], UK_EFAULT);
	assert_int_equal(pw.res[3], 1); /* still waiting for a call */
	assert_int_equal(eff_prio(g.k, s), 10);
	assert_int_equal(harness_failures, 0);
	shutdown();
}

/* A server thread that serves its endpoint pw.h[arg]: one call, then it
 * waits on its notification pw.nt[arg] (still serving); poked, it replies
 * and, with `loop`, serves whoever is queued, else it exits. */
static uint32_t pw_nt[16];

static void pw_serve(struct uk_user *u, uint64_t arg, bool loop)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	pw_nt[arg] = (uint32_t)uk_ntfn_create(u);
	UCHECK(uk_recv(u, pw.h[arg], &m, reply) == 0);
	UCHECK(uk_ntfn_wait(u, pw_nt[arg]) == 1);
	UCHECK(uk_reply(u, reply, &m) == 0);
	pw.res[arg] = 0;
	while (loop && uk_recv(u, pw.h[arg], &m, reply) == 0) {
		rec((long)m.mr[0]);
		UCHECK(uk_reply(u, reply, &m) == 0);
	}
}
static void pw_serve_once(struct uk_user *u, uint64_t arg) { pw_serve(u, arg, false); }
static void pw_serve_loop(struct uk_user *u, uint64_t arg) { pw_serve(u, arg, true); }

static uint64_t spawn_server(uk_user_entry_fn fn, unsigned idx, unsigned prio, uint32_t flags)
{
	uint64_t tid = spawn_prog(g.k, fn, idx, prio, 0);
	int h = uk_kernel_ipc_endpoint(g.k, tid, flags);
	assert_true(h > 0);
	pw.tid[idx] = tid;
	pw.h[idx] = (uint32_t)h;
	pw.res[idx] = 1;
	return tid;
}

static void poke(unsigned idx, unsigned server_idx)
{
	spawn_with(pw_poke, idx, 60, pw.tid[server_idx], pw_nt[server_idx], UK_RIGHT_SIGNAL);
	mock_run(g.k, 0);
	assert_int_equal(pw.res[idx], 0);
}

/* Two server threads on one endpoint: only the latest to receive inherits
 * from the queue. The earlier one drops what it inherited when the second
 * takes over, and its exit does not take the queue from the second. */
static void test_pi_second_server_takes_over(void **state)
{
	g = (typeof(g)){0};
	pw = (typeof(pw)){0};
	g.k = boot(1, 16 << 20, NULL);
	uint64_t x = spawn_server(pw_serve_once, 0, 10, 0);
	spawn_with(pw_caller, 1, 5, x, pw.h[0], UK_RIGHT_WRITE);
	mock_run(g.k, 0); /* x serves caller 1 */
	spawn_with(pw_caller, 2, 40, x, pw.h[0], UK_RIGHT_WRITE);
	mock_run(g.k, 0); /* caller 2 queues: x inherits */
	assert_int_equal(eff_prio(g.k, x), 40);
	uint64_t y = spawn_with(pw_serve_loop, 3, 10, x, pw.h[0], UK_EP_RIGHTS);
	mock_run(g.k, 0); /* y takes caller 2 and becomes the server */
	assert_int_equal(eff_prio(g.k, y), 40);
	assert_int_equal(eff_prio(g.k, x), 10);
	poke(4, 0); /* x replies to caller 1 and exits */
	assert_int_equal(pw.res[0], 0);
	assert_int_equal(pw.res[1], 0);
	spawn_with(pw_caller, 5, 60, y, pw.h[3], UK_RIGHT_WRITE);
	mock_run(g.k, 0); /* queues: y, still the server, inherits */
	assert_int_equal(eff_prio(g.k, y), 60);
	poke(6, 3);
	assert_int_equal(pw.res[2], 0);
	assert_int_equal(pw.res[5], 0);
	assert_int_equal(g.nrc, 1);
	assert_int_equal(g.rc[0], 5);
	assert_int_equal(eff_prio(g.k, y), 10);
	assert_int_equal(harness_failures, 0);
	shutdown();
}

/* A server that goes to receive on another endpoint is no longer the
 * first one's server: it stops inheriting from that queue. */
static void pw_serve_then_other(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	pw_nt[arg] = (uint32_t)uk_ntfn_create(u);
	UCHECK(uk_recv(u, pw.h[arg], &m, reply) == 0);
	UCHECK(uk_reply(u, reply, &m) == 0); /* still the endpoint's server */
	UCHECK(uk_ntfn_wait(u, pw_nt[arg]) == 1);
	pw.res[arg] = uk_recv(u, pw.h[arg + 1], &m, reply); /* nobody calls there */
}

static void test_pi_server_receives_elsewhere(void **state)
{
	g = (typeof(g)){0};
	pw = (typeof(pw)){0};
	g.k = boot(1, 16 << 20, NULL);
	uint64_t s = spawn_server(pw_serve_then_other, 0, 10, 0);
	pw.h[1] = (uint32_t)uk_kernel_ipc_endpoint(g.k, s, 0);
	spawn_with(pw_caller, 2, 5, s, pw.h[0], UK_RIGHT_WRITE);
	mock_run(g.k, 0);
	assert_int_equal(pw.res[2], 0);
	spawn_with(pw_caller, 3, 40, s, pw.h[0], UK_RIGHT_WRITE);
	mock_run(g.k, 0);
	assert_int_equal(eff_prio(g.k, s), 40);
	poke(4, 0);
	assert_int_equal(pw.res[0], 1); /* waiting on the other endpoint */
	assert_int_equal(pw.res[3], 1); /* still queued on the first */
	assert_int_equal(eff_prio(g.k, s), 10);
	assert_int_equal(harness_failures, 0);
	shutdown();
}

/* A cycle closed through a queued call: x serves ep1 and is queued on ep2,
 * whose server y then calls ep1. y's call is refused. */
static void pw_chain_y(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	pw_nt[arg] = (uint32_t)uk_ntfn_create(u);
	UCHECK(uk_recv(u, pw.h[arg], &m, reply) == 0); /* caller 4 */
	UCHECK(uk_ntfn_wait(u, pw_nt[arg]) == 1);
	m = (struct uk_msg){0};
	pw.res[arg] = uk_call(u, pw.h[arg + 1], &m); /* ep1, served by x */
	UCHECK(uk_reply(u, reply, &m) == 0);
	UCHECK(uk_recv(u, pw.h[arg], &m, reply) == 0); /* x's call */
	UCHECK(uk_reply(u, reply, &m) == 0);
}

static void pw_chain_x(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	UCHECK(uk_recv(u, pw.h[arg], &m, reply) == 0); /* caller 5 */
	m = (struct uk_msg){0};
	pw.res[arg] = uk_call(u, pw.h[arg + 1], &m); /* ep2: queued, y is busy */
	UCHECK(uk_reply(u, reply, &m) == 0);
}

static void test_cycle_through_a_queued_call(void **state)
{
	g = (typeof(g)){0};
	pw = (typeof(pw)){0};
	g.k = boot(1, 16 << 20, NULL);
	uint64_t y = spawn_server(pw_chain_y, 0, 10, 0); /* pw.h[0]: ep2 */
	spawn_with(pw_caller, 4, 5, y, pw.h[0], UK_RIGHT_WRITE);
	mock_run(g.k, 0);
	uint64_t x = spawn_server(pw_chain_x, 2, 30, 0); /* pw.h[2]: ep1 */
	pw.h[1] = (uint32_t)uk_kernel_give_handle(g.k, x, pw.h[2], y, UK_RIGHT_WRITE, 0);
	pw.h[3] = (uint32_t)uk_kernel_give_handle(g.k, y, pw.h[0], x, UK_RIGHT_WRITE, 0);
	spawn_with(pw_caller, 5, 5, x, pw.h[2], UK_RIGHT_WRITE);
	mock_run(g.k, 0);
	assert_int_equal(pw.res[2], 1);          /* x waits in its call */
	assert_int_equal(eff_prio(g.k, y), 30); /* x queued on y's endpoint */
	poke(6, 0);
	assert_int_equal(pw.res[0], UK_EDEADLK);
	assert_int_equal(pw.res[2], 0);
	assert_int_equal(pw.res[4], 0);
	assert_int_equal(pw.res[5], 0);
	assert_int_equal(harness_failures, 0);
	shutdown();
}

/* ---- long messages: grant endpoints, the receiver's own buffer ---- */

/* A grant endpoint carries no long message, whether the receiver waits
 * (the call fails at once, the receiver keeps waiting) or the caller is
 * queued (its call fails when received). */
static void ge_client(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = {.words = 1, .mr = {1}, .xfer_va = BUF, .xfer_len = 16};

	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	rec(uk_call(u, g.ep_cli, &m)); /* the server waits */
	m = (struct uk_msg){.words = 1, .mr = {2}};
	rec(uk_call(u, g.ep_cli, &m)); /* no long message: fine */
	m = (struct uk_msg){.words = 1, .mr = {3}, .xfer_va = BUF, .xfer_len = 16};
	rec(uk_call(u, g.ep_cli, &m)); /* queued: the server is replying */
}

static void ge_server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	UCHECK(uk_recv_buf(u, g.ep_srv, &m, reply, BUF, 64) == 0);
	rec((long)(m.mr[0] * 100 + m.xfer_len));
	UCHECK(uk_reply(u, reply, &m) == 0); /* the client outranks us: it calls again */
	rec(uk_recv_buf(u, g.ep_srv, &m, reply, BUF, 64)); /* blocks: the call failed */
}

static void test_grant_endpoint_refuses_long_messages(void **state)
{
	g = (typeof(g)){0};
	g.k = boot(1, 16 << 20, NULL);
	uint64_t s = spawn_prog(g.k, ge_server, 0, 10, 0);
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, s, UK_EP_STRATEGY(UK_XFER_GRANT));
	mock_run(g.k, 0); /* the server waits */
	uint64_t c = spawn_prog(g.k, ge_client, 0, 20, 0);
	g.ep_cli = (uint32_t)uk_kernel_give_handle(g.k, s, g.ep_srv, c, UK_RIGHT_WRITE, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.nrc, 4);
	assert_int_equal(g.rc[0], UK_EPERM);
	assert_int_equal(g.rc[1], 200); /* the second call, with nothing long */
	assert_int_equal(g.rc[2], 0);
	assert_int_equal(g.rc[3], UK_EPERM);
	struct uk_kernel_stats st;
	uk_kernel_get_stats(g.k, &st);
	assert_int_equal(st.xfer[UK_XFER_GRANT].transfers, 0);
	shutdown();
}

/* The receiver's own buffer faults: its receive fails and the caller
 * stays queued, to be received with a good buffer. */
static void lf_client(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = {.words = 1, .mr = {9}, .xfer_va = BUF, .xfer_len = 16};

	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	UCHECK(uk_user_write(u, BUF, "0123456789abcdef", 16) == 0);
	rec(uk_call(u, g.ep_cli, &m));
}

static void lf_server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	char got[16];

	UCHECK(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0) == 0);
	/* BUF + 1 MiB is not mapped here. */
	rec(uk_recv_buf(u, g.ep_srv, &m, reply, BUF + (1u << 20), 64));
	rec(uk_user_xfer_result(u)->fault_side);
	rec(uk_recv_buf(u, g.ep_srv, &m, reply, BUF, 64));
	rec((long)(m.mr[0] * 100 + m.xfer_len));
	UCHECK(uk_user_read(u, BUF, got, 16) == 0);
	rec(got[0] == '0' && got[15] == 'f');
	UCHECK(uk_reply(u, reply, &m) == 0);
}

static void test_receiver_buffer_fault_keeps_the_caller(void **state)
{
	g = (typeof(g)){0};
	g.k = boot(1, 16 << 20, NULL);
	uint64_t s = spawn_prog(g.k, lf_server, 0, 10, 0);
	uint64_t c = spawn_prog(g.k, lf_client, 0, 20, 0); /* calls first: queued */
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, s, 0);
	g.ep_cli = (uint32_t)uk_kernel_give_handle(g.k, s, g.ep_srv, c, UK_RIGHT_WRITE, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.nrc, 6);
	assert_int_equal(g.rc[0], UK_EFAULT);
	assert_int_equal(g.rc[1], UK_XFER_FAULT_LOCAL);
	assert_int_equal(g.rc[2], 0);
	assert_int_equal(g.rc[3], 916);
	assert_int_equal(g.rc[4], 1);
	assert_int_equal(g.rc[5], 0); /* the client's call */
	shutdown();
}

/* ---- what a call leaves in the trace and the thread's wait records ---- */

static uint64_t srv_blocked_ns;

static void tr_server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	struct uk_thread_info ti;

	UCHECK(uk_recv(u, g.ep_srv, &m, reply) == 0); /* waits: the client comes later */
	UCHECK(uk_kernel_thread_info(g.k, (uint64_t)uk_sys_thread_id(u), &ti) == 0);
	srv_blocked_ns = ti.blocked_ns_total;
	rec((long)ti.wait_kind);
	UCHECK(uk_reply(u, reply, &m) == 0); /* the client outranks us: it calls again */
	UCHECK(uk_recv(u, g.ep_srv, &m, reply) == 0); /* queued meanwhile */
	UCHECK(uk_reply(u, reply, &m) == 0);
}

static void tr_client(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = {.words = 1};

	mock_spin(5000); /* while the server waits */
	rec(uk_call(u, g.ep_cli, &m));
	rec(uk_call(u, g.ep_cli, &m));
}

static void test_call_traces_and_wait_records(void **state)
{
	g = (typeof(g)){0};
	g.k = boot(1, 16 << 20, NULL);
	uint64_t s = spawn_prog(g.k, tr_server, 0, 10, 0);
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, s, 0);
	mock_run(g.k, 0);
	uint64_t c = spawn_prog(g.k, tr_client, 0, 20, 0);
	g.ep_cli = (uint32_t)uk_kernel_give_handle(g.k, s, g.ep_srv, c, UK_RIGHT_WRITE, 0);
	uint64_t calls = mock_trace_count(UK_TRACE_IPC_CALL), recvs = mock_trace_count(UK_TRACE_IPC_RECV);
	uint64_t blocks = mock_trace_count(UK_TRACE_CORE_BLOCK);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.nrc, 3);
	assert_int_equal(g.rc[0], UK_WAIT_NONE); /* the server runs: it waits for nothing */
	assert_int_equal(g.rc[1], 0);
	assert_int_equal(g.rc[2], 0);
	/* Two calls, one met by a waiting receiver, one queued then received. */
	assert_int_equal(mock_trace_count(UK_TRACE_IPC_CALL) - calls, 2);
	assert_int_equal(mock_trace_count(UK_TRACE_IPC_RECV) - recvs, 2);
	/* The client blocked twice for its replies (the server's wait began
	 * before the count). */
	assert_int_equal(mock_trace_count(UK_TRACE_CORE_BLOCK) - blocks, 2);
	/* The server's wait for the first call lasted the client's 5 us. */
	assert_true(srv_blocked_ns >= 5000);
	shutdown();
}

/* ---- messages: registers, handles passed, a reply's wake-up ---- */

static uint32_t msg_ntfn, msg_sig;

static void msg_closer(struct uk_user *u, uint64_t arg)
{
	/* Runs when the caller has queued its call: the handle it passes
	 * goes before the server receives it. */
	pw.res[8] = uk_sys_handle_close(u, msg_ntfn);
	pw.res[9] = uk_ntfn_signal(u, msg_sig, 1); /* now the server may receive */
}

static void msg_client(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = {.words = 1, .mr = {5}};
	struct uk_thread_info ti;
	uint64_t tid = (uint64_t)uk_sys_thread_id(u);

	/* A register the message does not use keeps its stale value here; it
	 * must not reach the server. */
	uk_user_regs(u)->mr[1] = 0xdead;
	rec(uk_call(u, g.ep_cli, &m));
	rec((long)(m.words * 100 + m.mr[7])); /* all eight registers came back */
	/* Eight words, and a badged endpoint handle. */
	long ep = uk_ep_create(u, 0);
	long minted = uk_ep_mint(u, (uint32_t)ep, 77, UK_RIGHT_WRITE | UK_RIGHT_GRANT);
	m = (struct uk_msg){.words = 8, .mr = {1, 2, 3, 4, 5, 6, 7, 8}, .cap = (uint32_t)minted};
	rec(uk_call(u, g.ep_cli, &m));
	/* A handle closed while the call waits in the queue. */
	msg_ntfn = (uint32_t)uk_ntfn_create(u);
	long h = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF,
				      (unsigned)uk_kernel_register_program(g.k, "closer", msg_closer),
				      0, 15, 0);
	UCHECK(uk_sys_thread_start(u, (uint32_t)h) == 0);
	m = (struct uk_msg){.words = 1, .cap = msg_ntfn};
	rec(uk_call(u, g.ep_cli, &m));
	/* A handle the server has no slot left for; the server takes its time
	 * before it answers (with reply-and-receive). */
	m = (struct uk_msg){.words = 1, .cap = (uint32_t)uk_ntfn_create(u)};
	UCHECK(uk_kernel_thread_info(g.k, tid, &ti) == 0);
	uint64_t before = ti.blocked_ns_total;
	rec(uk_call(u, g.ep_cli, &m));
	UCHECK(uk_kernel_thread_info(g.k, tid, &ti) == 0);
	rec(ti.blocked_ns_total - before >= 7000);
	m = (struct uk_msg){.words = 0};
	rec(uk_call(u, g.ep_cli, &m));
}

static void msg_server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	long dups[HANDLE_SLOTS];
	unsigned nd = 0;

	g.ntfn = (uint32_t)uk_ntfn_create(u);
	UCHECK(uk_recv(u, g.ep_srv, &m, reply) == 0);
	rec((long)(m.words * 100 + m.mr[0]));
	rec((long)uk_user_regs(u)->mr[1]); /* never written: 0 */
	m = (struct uk_msg){.words = 8, .mr = {11, 12, 13, 14, 15, 16, 17, 18}};
	UCHECK(uk_reply(u, reply, &m) == 0);
	UCHECK(uk_recv(u, g.ep_srv, &m, reply) == 0);
	rec((long)(m.words * 100 + m.mr[7]));
	rec(m.cap > 0 && cap_badge(u->t->proc, m.cap) == 77 &&
	    uk_sys_handle_rights(u, m.cap) == (UK_RIGHT_WRITE | UK_RIGHT_GRANT));
	UCHECK(uk_reply(u, reply, &m) == 0);
	UCHECK(uk_ntfn_wait(u, g.ntfn) == 1); /* the client queues, then closes */
	UCHECK(uk_recv(u, g.ep_srv, &m, reply) == 0);
	rec((long)m.cap); /* closed meanwhile: none */
	UCHECK(uk_reply(u, reply, &m) == 0);
	/* Fill our handle table, then receive a call that passes a handle. */
	long d;
	while ((d = uk_sys_handle_dup(u, g.ep_srv, UK_RIGHT_READ)) > 0)
		dups[nd++] = d;
	UCHECK(d == UK_ENOMEM);
	UCHECK(uk_recv(u, g.ep_srv, &m, reply) == 0);
	rec((long)m.cap); /* no slot: none */
	while (nd > 0)
		UCHECK(uk_sys_handle_close(u, (uint32_t)dups[--nd]) == 0);
	mock_spin(7000);
	m = (struct uk_msg){0};
	UCHECK(uk_reply_recv(u, reply, &m, g.ep_srv) == 0);
	UCHECK(uk_reply(u, reply, &m) == 0);
}

static void test_messages(void **state)
{
	g = (typeof(g)){0};
	pw = (typeof(pw)){0};
	g.k = boot(1, 16 << 20, NULL);
	uint64_t s = spawn_prog(g.k, msg_server, 0, 10, 0);
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, s, 0);
	mock_run(g.k, 0); /* the server waits */
	uint64_t c = spawn_prog(g.k, msg_client, 0, 20, 0);
	g.ep_cli = (uint32_t)uk_kernel_give_handle(g.k, s, g.ep_srv, c, UK_RIGHT_WRITE, 0);
	msg_sig = (uint32_t)uk_kernel_give_handle(g.k, s, g.ntfn, c, UK_RIGHT_SIGNAL, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	/* In the order recorded, server (s) and client (c) interleaved. */
	const long want[] = {
		105, 0,   /* s: one word came, the stale register did not */
		0, 818,   /* c: the reply's eight registers */
		808, 1,   /* s: eight words; the handle kept its badge and rights */
		0,        /* c */
		0,        /* s: the handle closed while queued: none */
		0,        /* c */
		0,        /* s: no slot for the handle: none */
		0, 1, 0,  /* c: its wait for the slow reply is on its record */
	};
	assert_int_equal(g.nrc, 13);
	for (unsigned i = 0; i < 13; i++)
		assert_int_equal(g.rc[i], want[i]);
	assert_int_equal(pw.res[8], 0);
	assert_int_equal(pw.res[9], 0);
	shutdown();
}

/* ---- references and kernel memory ---- */

static long refs_of(struct uk_user *u, uint32_t h)
{
	struct kobj *o = NULL;
	return cap_lookup(u->t->proc, h, KOBJ_NONE, 0, &o) < 0 ? -1 : (long)o->refs;
}

static uint32_t refs_ntfn_cli;

static void refs_client(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = {0};
	rec(uk_call(u, g.ep_cli, &m));
	m = (struct uk_msg){.words = 1, .mr = {0xcafe}};
	rec(uk_call(u, g.ep_cli, &m));
	UCHECK(uk_sys_sleep(u, 10000) == 0); /* the server waits on its notification */
	uk_ntfn_signal(u, refs_ntfn_cli, 1);
}

static void refs_server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	long ep0 = refs_of(u, g.ep_srv), r0 = refs_of(u, reply);

	g.ntfn = (uint32_t)uk_ntfn_create(u);
	long n0 = refs_of(u, g.ntfn);
	UCHECK(uk_recv(u, g.ep_srv, &m, reply) == 0); /* waited: the client came later */
	UCHECK(uk_reply(u, reply, &m) == 0);
	UCHECK(uk_sys_sleep(u, 10000) == 0); /* the client runs and queues its next call */
	struct kobj *o = NULL;
	UCHECK(cap_lookup(u->t->proc, g.ep_srv, KOBJ_ENDPOINT, 0, &o) == 0);
	rec(o && ((struct ipc_endpoint *)o)->sendq.first != NULL);
	UCHECK(uk_recv(u, g.ep_srv, &m, reply) == 0);
	rec((long)(m.mr[0] == 0xcafe));
	m = (struct uk_msg){0};
	UCHECK(uk_reply(u, reply, &m) == 0);
	UCHECK(uk_ntfn_wait(u, g.ntfn) == 1);          /* waited too */
	/* What the kernel held while we waited, it gave back: the reply
	 * object has its handle only, the notification too, and the endpoint
	 * its handles and the one of being served by us. */
	rec(refs_of(u, reply) - r0);
	rec(refs_of(u, g.ntfn) - n0);
	rec(refs_of(u, g.ep_srv) - ep0);
}

static void test_references_come_back(void **state)
{
	g = (typeof(g)){0};
	g.k = boot(1, 16 << 20, NULL);
	uint64_t s = spawn_prog(g.k, refs_server, 0, 10, 0);
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, s, 0);
	mock_run(g.k, 0);
	uint64_t c = spawn_prog(g.k, refs_client, 0, 20, 0);
	g.ep_cli = (uint32_t)uk_kernel_give_handle(g.k, s, g.ep_srv, c, UK_RIGHT_WRITE, 0);
	refs_ntfn_cli = (uint32_t)uk_kernel_give_handle(g.k, s, g.ntfn, c, UK_RIGHT_SIGNAL, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	/* c: first call; s: it was queued, the right one; c: second call;
	 * s: reply object +0, notification +0, endpoint +1 (we serve it). */
	const long want[] = {0, 1, 1, 0, 0, 0, 1};
	assert_int_equal(g.nrc, 7);
	for (unsigned i = 0; i < 7; i++)
		assert_int_equal(g.rc[i], want[i]);
	shutdown();
}

/* A server thread that dies while it is its endpoint's server lets go of
 * the endpoint: a later caller queues with no server to lend to. */
static struct ipc_endpoint *dying_ep;

static void dying_server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	struct kobj *o = NULL;

	UCHECK(cap_lookup(u->t->proc, g.ep_srv, KOBJ_ENDPOINT, 0, &o) == 0);
	dying_ep = (struct ipc_endpoint *)o;
	UCHECK(uk_recv(u, g.ep_srv, &m, reply) == 0);
	UCHECK(uk_reply(u, reply, &m) == 0);
	/* returns: the thread, and its process, are gone */
}

static void stay_caller(struct uk_user *u, uint64_t arg)
{
	struct uk_msg m = {0};
	long n = uk_ntfn_create(u);
	rec(uk_call(u, g.ep_cli, &m));
	uk_ntfn_wait(u, (uint32_t)n); /* keeps its handle to the endpoint */
}

static void test_dead_server_lets_go(void **state)
{
	g = (typeof(g)){0};
	g.k = boot(1, 16 << 20, NULL);
	uint64_t s = spawn_prog(g.k, dying_server, 0, 10, 0);
	g.ep_srv = (uint32_t)uk_kernel_ipc_endpoint(g.k, s, 0);
	uint64_t c = spawn_prog(g.k, stay_caller, 0, 5, 0);
	g.ep_cli = (uint32_t)uk_kernel_give_handle(g.k, s, g.ep_srv, c, UK_RIGHT_WRITE, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.nrc, 1);
	assert_int_equal(g.rc[0], 0);
	assert_non_null(dying_ep);
	assert_null(dying_ep->server);
	assert_int_equal(dying_ep->o.refs, 1); /* the caller's handle only */
	shutdown();
}

/* IPC objects made and closed over and over: the kernel heap reuses their
 * memory. */
static void churn(struct uk_user *u, uint64_t arg)
{
	for (unsigned i = 0; i < 100; i++) {
		long e = uk_ep_create(u, 0), r = uk_reply_create(u), n = uk_ntfn_create(u);
		UCHECK(e > 0 && r > 0 && n > 0);
		UCHECK(uk_sys_handle_close(u, (uint32_t)e) == 0);
		UCHECK(uk_sys_handle_close(u, (uint32_t)r) == 0);
		UCHECK(uk_sys_handle_close(u, (uint32_t)n) == 0);
		if (i == 0)
			g.mutex = (long)g.k->kalloc.pages;
	}
	rec((long)g.k->kalloc.pages - g.mutex);
}

static void test_ipc_objects_freed(void **state)
{
	g = (typeof(g)){0};
	g.k = boot(1, 16 << 20, NULL);
	spawn_prog(g.k, churn, 0, 10, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(g.nrc, 1);
	assert_int_equal(g.rc[0], 0);
	shutdown();
}

/* ---- the longest cycle a call detects ---- */

/* 256 servers, each in its own process: server i receives on its endpoint
 * and calls server i + 1's; the last calls the first's, closing a cycle of
 * exactly 256 threads, the most call_would_deadlock walks. */
#define RING 256
static uint32_t ring_own[RING], ring_next[RING];
static long ring_rc;

static void ring_server(struct uk_user *u, uint64_t arg)
{
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	if (uk_recv(u, ring_own[arg], &m, reply) != 0)
		return;
	m = (struct uk_msg){0};
	long rc = uk_call(u, ring_next[arg], &m);
	if (arg == RING - 1)
		ring_rc = rc;
	/* The last one returns, the rest see their server gone in turn. */
}

static void test_cycle_of_256_calls(void **state)
{
	uint64_t tid[RING];

	g = (typeof(g)){0};
	ring_rc = 1;
	g.k = boot(1, 64 << 20, NULL);
	int prog = uk_kernel_register_program(g.k, "ring", ring_server);
	for (unsigned i = 0; i < RING; i++) {
		struct uk_spawn sp = {.program = (unsigned)prog, .arg = i, .prio = 10, .max_prio = 255,
				      .name = "ring"};
		assert_int_equal(uk_kernel_spawn(g.k, &sp, &tid[i]), 0);
		ring_own[i] = (uint32_t)uk_kernel_ipc_endpoint(g.k, tid[i], 0);
	}
	for (unsigned i = 0; i < RING; i++)
		ring_next[i] = (uint32_t)uk_kernel_give_handle(g.k, tid[(i + 1) % RING],
							       ring_own[(i + 1) % RING], tid[i],
							       UK_RIGHT_WRITE, 0);
	mock_run(g.k, 0); /* everyone waits in receive */
	uint64_t c = spawn_prog(g.k, pw_caller, 0, 10, 0);
	pw.h[0] = (uint32_t)uk_kernel_give_handle(g.k, tid[0], ring_own[0], c, UK_RIGHT_WRITE, 0);
	mock_run(g.k, 0);
	assert_int_equal(harness_failures, 0);
	assert_int_equal(ring_rc, UK_EDEADLK);
	assert_int_equal(uk_kernel_live_count(g.k), 0); /* all unwound */
	shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_shootdown_on_two_cpus),
		cmocka_unit_test(test_pi_mutex_and_call),
		cmocka_unit_test(test_close_while_waiting),
		cmocka_unit_test(test_reply_object_armed_once),
		cmocka_unit_test(test_grant_releases_its_owner),
		cmocka_unit_test(test_pi_fifo_queue_and_killed_caller),
		cmocka_unit_test(test_pi_faulting_queued_caller),
		cmocka_unit_test(test_pi_second_server_takes_over),
		cmocka_unit_test(test_pi_server_receives_elsewhere),
		cmocka_unit_test(test_cycle_through_a_queued_call),
		cmocka_unit_test(test_grant_endpoint_refuses_long_messages),
		cmocka_unit_test(test_receiver_buffer_fault_keeps_the_caller),
		cmocka_unit_test(test_call_traces_and_wait_records),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_references_come_back),
		cmocka_unit_test(test_ipc_objects_freed),
		cmocka_unit_test(test_dead_server_lets_go),
		cmocka_unit_test(test_cycle_of_256_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
