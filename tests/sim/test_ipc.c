/* SPDX-License-Identifier: MIT */
/*
 * Check integration tests of IPC and memory transfer on the simulated
 * machine: every call and its error paths, the VFS open() example under each
 * transfer strategy with exact counts, isolation (no path reads a client's
 * memory without a bound reply object or a valid grant), PI over call
 * chains, cycle detection, notifications, and the PCI example.
 *
 * Each Check suite is registered as its own meson test (CK_RUN_SUITE).
 */
#include <check.h>

#include "suites.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <sim/machine.h>
#include <sim/programs_ipc.h>
#include <sim/rng.h>
#include <ukern/ipc.h>

#define MAXR 64

/* Shared state; programs get a pointer to it as their argument. */
struct world {
	struct sim_machine *sm;
	uint64_t tid[8];
	uint32_t h[16];      /* handles, set on the host before the run */
	long r[MAXR];        /* results recorded by programs, checked after the run */
	unsigned nr;
	long c[MAXR];        /* a second lane, for the client of a two-program test */
	unsigned nc;
	unsigned eff[8];     /* effective priorities seen during the run */
	int order[8];
	unsigned norder;
};

/* The value first: the call may block while other programs record. */
#define REC(w, v)                                                                                 \
	do {                                                                                      \
		long v_ = (long)(v);                                                              \
		(w)->r[(w)->nr < MAXR ? (w)->nr++ : MAXR - 1] = v_;                               \
	} while (0)
#define RECC(w, v)                                                                                \
	do {                                                                                      \
		long v_ = (long)(v);                                                              \
		(w)->c[(w)->nc < MAXR ? (w)->nc++ : MAXR - 1] = v_;                               \
	} while (0)

static struct world *W(uint64_t arg)
{
	return (struct world *)(uintptr_t)arg;
}

static struct sim_machine *machine(unsigned cpus, const struct uk_kernel_config *kcfg)
{
	char err[256];
	struct sim_machine *sm = NULL;
	struct sim_machine_config cfg = {.cpus = cpus, .kernel = kcfg, .trace_limit = 1 << 12};
	if (sim_machine_create(&cfg, &sm, err, sizeof(err)) != 0)
		ck_abort_msg("machine: %s", err);
	return sm;
}

static uint64_t spawn_on(struct sim_machine *sm, const char *name, uk_user_entry_fn fn,
			 void *arg, unsigned prio, uint64_t affinity, uint32_t flags)
{
	int prog = uk_kernel_register_program(sm->k, name, fn);
	ck_assert_int_ge(prog, 0);
	struct uk_spawn s = {.program = (unsigned)prog, .arg = (uint64_t)(uintptr_t)arg,
			     .prio = prio, .max_prio = 255, .affinity = affinity, .flags = flags,
			     .name = name};
	uint64_t tid = 0;
	ck_assert_int_eq(uk_kernel_spawn(sm->k, &s, &tid), 0);
	return tid;
}

/* On CPU 0. */
static uint64_t spawn(struct sim_machine *sm, const char *name, uk_user_entry_fn fn, void *arg,
		      unsigned prio)
{
	return spawn_on(sm, name, fn, arg, prio, 1, 0);
}

/* h[0]: an endpoint in tid[0]'s process; h[1]: tid[1]'s send handle to it. */
static void connect_pair(struct world *w)
{
	w->h[0] = (uint32_t)uk_kernel_ipc_endpoint(w->sm->k, w->tid[0], 0);
	w->h[1] = (uint32_t)uk_kernel_give_handle(w->sm->k, w->tid[0], w->h[0], w->tid[1],
						  UK_RIGHT_WRITE, 0);
	ck_assert_int_gt((int)w->h[1], 0);
}

static unsigned eff_prio(struct world *w, uint64_t tid)
{
	struct uk_thread_info ti;
	ck_assert_int_eq(uk_kernel_thread_info(w->sm->k, tid, &ti), 0);
	return ti.eff_prio;
}

static void check_lane(const long *got, unsigned ngot, const long *want, unsigned n)
{
	ck_assert_uint_eq(ngot, n);
	for (unsigned i = 0; i < n; i++)
		ck_assert_msg(got[i] == want[i], "result %u: got %ld (%s), want %ld (%s)", i, got[i],
			      uk_err_name((int)got[i]), want[i], uk_err_name((int)want[i]));
}

static void check_results(struct world *w, const long *want, unsigned n)
{
	if (getenv("IPC_TEST_VERBOSE"))
		for (unsigned i = 0; i < w->nr; i++)
			fprintf(stderr, "r[%u] = %ld\n", i, w->r[i]);
	ck_assert_uint_eq(w->nr, n);
	for (unsigned i = 0; i < n; i++)
		ck_assert_msg(w->r[i] == want[i], "result %u: got %ld (%s), want %ld (%s)", i, w->r[i],
			      uk_err_name((int)w->r[i]), want[i], uk_err_name((int)want[i]));
}

/* ------------------------------------------------------------------------ */
/* Endpoints: call, receive, reply, reply-and-receive, badges, errors       */
/* ------------------------------------------------------------------------ */

/* h[0] server: endpoint (all rights); h[1] client: send right, badge 42;
 * h[2] client: receive-only copy (no send right). */
static void ep_server(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	REC(w, uk_reply(u, reply, &(struct uk_msg){0}));       /* never bound */
	REC(w, uk_reply(u, reply, &(struct uk_msg){.words = 9})); /* too many registers */
	REC(w, uk_recv(u, w->h[0], &m, reply));
	REC(w, m.badge);
	REC(w, m.words);
	REC(w, m.mr[0] + m.mr[1] + m.mr[2] + m.mr[3]);
	REC(w, uk_recv(u, w->h[0], &m, reply));                /* reply object still bound */
	m = (struct uk_msg){.words = 4, .mr = {7, 8, 9, 10}};
	REC(w, uk_reply_recv(u, reply, &m, w->h[0]));          /* reply, then the second call */
	REC(w, m.mr[0]);
	m.words = 1;
	m.mr[0] = 99;
	REC(w, uk_reply(u, reply, &m));
	REC(w, uk_reply(u, reply, &m));                        /* second reply */
	REC(w, uk_reply(u, 0x7777, &m));                       /* no such handle */
	REC(w, uk_recv(u, reply, &m, reply));                  /* a reply object is no endpoint */
}

static void ep_client(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	struct uk_msg m = {.label = 5, .words = 4, .mr = {1, 2, 3, 4}};

	RECC(w, uk_call(u, w->h[2], &m));                        /* no send right */
	m.words = UK_MSG_WORDS + 1;
	RECC(w, uk_call(u, w->h[1], &m));                        /* too many registers */
	m.words = 4;
	RECC(w, uk_call(u, w->h[1], &m));
	RECC(w, m.words * 1000 + m.mr[0] + m.mr[3]);              /* 4 words, 7 + 10 */
	m = (struct uk_msg){.words = 1, .mr = {5}};
	RECC(w, uk_call(u, w->h[1], &m));
	RECC(w, m.mr[0]);
	RECC(w, m.badge);                                         /* replies carry no badge */
}

START_TEST(call_recv_reply_and_errors)
{
	struct world w = {0};
	w.sm = machine(1, NULL);
	w.tid[0] = spawn(w.sm, "server", ep_server, &w, 100);
	w.tid[1] = spawn(w.sm, "client", ep_client, &w, 90);
	w.h[0] = (uint32_t)uk_kernel_ipc_endpoint(w.sm->k, w.tid[0], 0);
	w.h[1] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[0], w.h[0], w.tid[1],
						 UK_RIGHT_WRITE, 42);
	w.h[2] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[0], w.h[0], w.tid[1],
						 UK_RIGHT_READ, 0);
	ck_assert_int_gt((int)w.h[2], 0);
	/* The host API refuses more rights than the source has, and a second badge. */
	ck_assert_int_eq(uk_kernel_give_handle(w.sm->k, w.tid[1], w.h[2], w.tid[0], UK_RIGHT_WRITE, 0),
			 UK_EPERM);
	ck_assert_int_eq(uk_kernel_give_handle(w.sm->k, w.tid[1], w.h[1], w.tid[0], UK_RIGHT_WRITE, 7),
			 UK_EBUSY);
	ck_assert_int_eq(uk_kernel_give_handle(w.sm->k, 9999, w.h[1], w.tid[0], 0, 0), UK_ESRCH);
	/* An endpoint names only a strategy id this kernel has (4.. are those
	 * registered with uk_kernel_xfer_register; none here). */
	ck_assert_int_eq(uk_kernel_ipc_endpoint(w.sm->k, w.tid[0], UK_EP_STRATEGY(4)), UK_EINVAL);
	ck_assert_int_eq(uk_kernel_ipc_endpoint(w.sm->k, w.tid[0], UK_EP_STRATEGY(16)), UK_EINVAL);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	const long srv[] = {UK_ENOENT, UK_EINVAL, 0, 42, 4, 10, UK_EBUSY, 0, 5, 0, UK_EALREADY,
			    UK_EBADH, UK_EBADH};
	const long cli[] = {UK_EPERM, UK_EINVAL, 0, 4017, 0, 99, 0};
	check_lane(w.r, w.nr, srv, 13);
	check_lane(w.c, w.nc, cli, 7);
	struct uk_kernel_stats st;
	uk_kernel_get_stats(w.sm->k, &st);
	ck_assert_uint_eq(st.ipc_calls, 2);
	ck_assert_uint_eq(st.ipc_replies, 2);
	sim_machine_destroy(w.sm);
}
END_TEST

/* Handles travel in messages; mint makes badged copies; dup keeps the badge. */
static void pass_server(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	REC(w, uk_recv(u, w->h[0], &m, reply));
	REC(w, m.cap > 0);
	REC(w, uk_ntfn_signal(u, m.cap, 4));   /* the notification came with the call */
	REC(w, uk_sys_handle_rights(u, m.cap));
	m = (struct uk_msg){0};
	REC(w, uk_reply(u, reply, &m));
	REC(w, uk_recv(u, w->h[0], &m, reply));
	REC(w, m.badge);
	REC(w, uk_reply(u, reply, &(struct uk_msg){0}));
}

static void pass_client(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	long n = uk_ntfn_create(u), minted;
	struct uk_msg m = {.words = 0};

	m.cap = (uint32_t)n;
	RECC(w, uk_call(u, w->h[1], &m));
	RECC(w, uk_ntfn_poll(u, (uint32_t)n));
	RECC(w, uk_ep_mint(u, w->h[1], 0, UK_RIGHT_WRITE));          /* badge 0 */
	RECC(w, uk_ep_mint(u, w->h[1], 5, UK_RIGHTS_ALL));     /* valid rights, more than held */
	RECC(w, uk_ep_mint(u, w->h[1], 5, UK_RIGHTS_ALL + 1)); /* not rights at all */
	minted = uk_ep_mint(u, w->h[1], 77, UK_RIGHT_WRITE);
	RECC(w, minted > 0);
	RECC(w, uk_ep_mint(u, (uint32_t)minted, 78, UK_RIGHT_WRITE)); /* no GRANT on the copy */
	m = (struct uk_msg){0};
	RECC(w, uk_call(u, (uint32_t)minted, &m));
	m.cap = 0x4242;                                              /* no such handle */
	RECC(w, uk_call(u, w->h[1], &m));
}

START_TEST(handles_in_messages_and_badges)
{
	struct world w = {0};
	w.sm = machine(1, NULL);
	w.tid[0] = spawn(w.sm, "server", pass_server, &w, 100);
	w.tid[1] = spawn(w.sm, "client", pass_client, &w, 100);
	w.h[0] = (uint32_t)uk_kernel_ipc_endpoint(w.sm->k, w.tid[0], UK_EP_FIFO);
	w.h[1] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[0], w.h[0], w.tid[1],
						 UK_RIGHT_WRITE | UK_RIGHT_GRANT, 0);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	const long srv[] = {0, 1, 0, UK_RIGHT_SIGNAL | UK_RIGHT_WAIT | UK_RIGHT_GRANT, 0, 0, 77, 0};
	const long cli[] = {0, 4, UK_EINVAL, UK_EPERM, UK_EINVAL, 1, UK_EBUSY, 0, UK_EBADH};
	check_lane(w.r, w.nr, srv, 8);
	check_lane(w.c, w.nc, cli, 9);
	sim_machine_destroy(w.sm);
}
END_TEST

/* A reply to a caller that was killed is UK_ESRCH; a server that dies
 * while serving makes the call fail with UK_ESRCH. h[3]: the victim's
 * thread handle in the server. */
static void dead_server(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	struct uk_xfer_result xr;

	REC(w, uk_recv(u, w->h[0], &m, reply));
	REC(w, uk_sys_thread_kill(u, w->h[3]));
	REC(w, uk_xfer(u, reply, UK_XFER_READ, 0x100000, 0x100000, 8, &xr));
	REC(w, uk_reply(u, reply, &m));
	REC(w, uk_recv(u, w->h[0], &m, reply)); /* the second caller; then die without replying */
}

static void dead_caller(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	struct uk_msg m = {.words = 1};
	uk_call(u, w->h[1], &m);
	REC(w, 999); /* never: killed while waiting */
}

static void orphan_caller(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	struct uk_msg m = {.words = 1};
	uk_sys_yield(u);
	REC(w, uk_call(u, w->h[2], &m));
}

START_TEST(dead_caller_and_dead_server)
{
	struct world w = {0};
	w.sm = machine(1, NULL);
	w.tid[0] = spawn(w.sm, "server", dead_server, &w, 100);
	w.tid[1] = spawn(w.sm, "victim", dead_caller, &w, 90);
	w.tid[2] = spawn(w.sm, "orphan", orphan_caller, &w, 80);
	w.h[0] = (uint32_t)uk_kernel_ipc_endpoint(w.sm->k, w.tid[0], 0);
	w.h[1] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[0], w.h[0], w.tid[1], UK_RIGHT_WRITE, 0);
	w.h[2] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[0], w.h[0], w.tid[2], UK_RIGHT_WRITE, 0);
	w.h[3] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[1], UK_HANDLE_THREAD_INITIAL, w.tid[0],
						 UK_RIGHT_MANAGE, 0);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	const long want[] = {0, 0, UK_ESRCH, UK_ESRCH, 0, UK_ESRCH};
	check_results(&w, want, 6);
	sim_machine_destroy(w.sm);
}
END_TEST

/* FIFO and priority-ordered endpoints: three callers of priorities 10, 30,
 * 20 queue while the server is busy; the server sees them in arrival or
 * priority order. */
static void order_server(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	uk_sys_sleep(u, 1000000); /* let the callers queue */
	for (int i = 0; i < 3; i++) {
		uk_recv(u, w->h[0], &m, reply);
		w->order[w->norder++] = (int)m.badge;
		uk_reply(u, reply, &m);
	}
}

static void order_caller(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uint64_t me = (uint64_t)uk_sys_thread_id(u);
	unsigned i = me == w->tid[1] ? 1 : me == w->tid[2] ? 2 : 3;
	struct uk_msg m = {.words = 0};
	uk_sys_sleep(u, 100000 * i); /* arrive in order 1, 2, 3 */
	uk_call(u, w->h[i], &m);
}

static void run_order(uint32_t flags, const int *want)
{
	struct world w = {0};
	w.sm = machine(1, NULL);
	w.tid[0] = spawn(w.sm, "server", order_server, &w, 5);
	w.tid[1] = spawn(w.sm, "c10", order_caller, &w, 10);
	w.tid[2] = spawn(w.sm, "c30", order_caller, &w, 30);
	w.tid[3] = spawn(w.sm, "c20", order_caller, &w, 20);
	w.h[0] = (uint32_t)uk_kernel_ipc_endpoint(w.sm->k, w.tid[0], flags);
	for (unsigned i = 1; i <= 3; i++)
		w.h[i] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[0], w.h[0], w.tid[i],
							 UK_RIGHT_WRITE, i);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	ck_assert_uint_eq(w.norder, 3);
	for (unsigned i = 0; i < 3; i++)
		ck_assert_int_eq(w.order[i], want[i]);
	sim_machine_destroy(w.sm);
}

START_TEST(fifo_and_priority_queues)
{
	const int fifo[] = {1, 2, 3}, prio[] = {2, 3, 1};
	run_order(UK_EP_FIFO, fifo);
	run_order(0, prio);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Notifications                                                            */
/* ------------------------------------------------------------------------ */

static void ntfn_signaller(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uk_ntfn_signal(u, w->h[0], 0x5);
	uk_ntfn_signal(u, w->h[0], 0x2);
}

/* The waiter makes the notification and a lower-priority signaller thread
 * in its own process (h[3] is the signaller's program number). */
static void ntfn_waiter(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	long n = uk_ntfn_create(u), th;
	w->h[0] = (uint32_t)n;
	REC(w, uk_ntfn_poll(u, (uint32_t)n));
	th = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, w->h[3], arg, 50, 1);
	uk_sys_thread_start(u, (uint32_t)th);
	REC(w, uk_ntfn_wait(u, (uint32_t)n)); /* the signaller's first signal */
	REC(w, uk_ntfn_signal(u, (uint32_t)n, 0));
	REC(w, uk_ntfn_signal(u, (uint32_t)n, 0x80000000u));
	long wo = uk_sys_handle_dup(u, (uint32_t)n, UK_RIGHT_WAIT);
	REC(w, uk_ntfn_signal(u, (uint32_t)wo, 1));
	REC(w, uk_ntfn_wait(u, w->h[1]));     /* an endpoint, not a notification */
	REC(w, uk_ntfn_wait(u, (uint32_t)n)); /* the second signal */
	REC(w, uk_ntfn_signal(u, (uint32_t)n, 0x30));
	REC(w, uk_ntfn_wait(u, (uint32_t)n)); /* bits already set: no block */
}

START_TEST(notifications)
{
	struct world w = {0};
	w.sm = machine(1, NULL);
	w.h[3] = (uint32_t)uk_kernel_register_program(w.sm->k, "signaller", ntfn_signaller);
	w.tid[0] = spawn(w.sm, "waiter", ntfn_waiter, &w, 100);
	w.h[1] = (uint32_t)uk_kernel_ipc_endpoint(w.sm->k, w.tid[0], 0);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	const long want[] = {0, 5, UK_EINVAL, UK_EINVAL, UK_EPERM, UK_EBADH, 2, 0, 0x30};
	check_results(&w, want, 9);
	sim_machine_destroy(w.sm);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* The VFS example under each strategy, exact counts                         */
/* ------------------------------------------------------------------------ */

#define PATH_VA (0x10000000ull + UK_PAGE_SIZE - 100) /* 100 bytes, then 200 on the next page */
#define PATH_LEN 300

static struct uk_xfer_stats run_vfs(unsigned strategy, unsigned cpus, unsigned opens,
				    struct ipc_vfs_config *out)
{
	struct ipc_vfs_config c = {.strategy = strategy, .path_va = PATH_VA, .path_len = PATH_LEN,
				   .opens = opens};
	struct sim_machine *sm = machine(cpus, NULL);
	uint64_t cl = spawn(sm, "client", ipc_vfs_client, &c, 100);
	uint64_t vfs = spawn(sm, "vfs", ipc_vfs_server, &c, 50);
	uint64_t fs = spawn(sm, "fs", ipc_fs_server, &c, 40);
	int ve = uk_kernel_ipc_endpoint(sm->k, vfs, UK_EP_STRATEGY(strategy));
	int fe = uk_kernel_ipc_endpoint(sm->k, fs, 0);
	c.vfs_ep = (uint32_t)ve;
	c.fs_ep = (uint32_t)fe;
	c.client_ep = (uint32_t)uk_kernel_give_handle(sm->k, vfs, c.vfs_ep, cl, UK_RIGHT_WRITE, 1);
	c.vfs_fs_ep = (uint32_t)uk_kernel_give_handle(sm->k, fs, c.fs_ep, vfs, UK_RIGHT_WRITE, 0);
	ck_assert_int_eq(sim_machine_run(sm), SIM_DONE);
	struct uk_kernel_stats st;
	uk_kernel_get_stats(sm->k, &st);
	sim_machine_destroy(sm);
	*out = c;
	return st.xfer[strategy];
}

static void check_vfs_result(const struct ipc_vfs_config *c, unsigned opens)
{
	char path[PATH_LEN];
	uint64_t h = 1469598103934665603ull;
	ipc_vfs_make_path(path, PATH_LEN);
	for (unsigned i = 0; i < PATH_LEN; i++)
		h = (h ^ (uint8_t)path[i]) * 1099511628211ull;
	ck_assert_int_eq(c->client_rc, 0);
	ck_assert_int_eq(c->xfer_rc, PATH_LEN);
	ck_assert_uint_eq(c->served, opens);
	ck_assert_uint_eq(c->path_hash, h);
	ck_assert_int_eq(c->fd, (long)(3 + h % 61));
}

START_TEST(vfs_open_physmap_counts)
{
	struct ipc_vfs_config c;
	struct uk_xfer_stats s = run_vfs(UK_XFER_PHYSMAP, 1, 1, &c);
	check_vfs_result(&c, 1);
	ck_assert_uint_eq(s.transfers, 1);
	ck_assert_uint_eq(s.bytes, 300);
	ck_assert_uint_eq(s.copies, 2);
	ck_assert_uint_eq(s.walks, 2);
	ck_assert_uint_eq(s.tlb_invalidations, 0);
	ck_assert_uint_eq(s.shootdown_ipis, 0);
	ck_assert_uint_eq(s.faults, 0);
	ck_assert_uint_eq(s.failed, 0);
	ck_assert_uint_gt(s.max_nopreempt_ns, 0);
}
END_TEST

START_TEST(vfs_open_window_counts)
{
	struct ipc_vfs_config c;
	struct uk_xfer_stats s = run_vfs(UK_XFER_WINDOW, 1, 1, &c);
	check_vfs_result(&c, 1);
	ck_assert_uint_eq(s.transfers, 1);
	ck_assert_uint_eq(s.bytes, 300);
	ck_assert_uint_eq(s.copies, 2);
	ck_assert_uint_eq(s.walks, 2);
	ck_assert_uint_eq(s.tlb_invalidations, 2);
	ck_assert_uint_eq(s.shootdown_ipis, 0);
	ck_assert_uint_eq(s.faults, 0);
	/* Three opens: three transfers, each mapping and invalidating two pages. */
	s = run_vfs(UK_XFER_WINDOW, 1, 3, &c);
	check_vfs_result(&c, 3);
	ck_assert_uint_eq(s.transfers, 3);
	ck_assert_uint_eq(s.tlb_invalidations, 6);
}
END_TEST

START_TEST(vfs_open_grant_counts)
{
	struct ipc_vfs_config c;
	struct uk_xfer_stats s = run_vfs(UK_XFER_GRANT, 1, 1, &c);
	check_vfs_result(&c, 1);
	ck_assert_uint_eq(s.transfers, 1);
	ck_assert_uint_eq(s.bytes, 300);
	ck_assert_uint_eq(s.copies, 2);
	ck_assert_uint_eq(s.walks, 2);
	ck_assert_uint_eq(s.tlb_invalidations, 0);
	ck_assert_uint_eq(s.shootdown_ipis, 0);
	ck_assert_uint_eq(s.faults, 0);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Isolation: no path reads a client's memory without a bound reply object  */
/* or a valid grant                                                         */
/* ------------------------------------------------------------------------ */

#define SECRET_VA 0x30000000ull
#define SRV_BUF 0x40000000ull

/* h[0] server ep; h[1] client send; h[4] in server: a grant handle value
 * that is valid in the client's table only. */
static void iso_client(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	const char secret[] = "top secret";
	struct uk_msg m = {.words = 2};

	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, SECRET_VA, UK_PAGE_SIZE, UK_PROT_READ | UK_PROT_WRITE, 0);
	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, SECRET_VA + 2 * UK_PAGE_SIZE, UK_PAGE_SIZE,
		      UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY);
	uk_user_write(u, SECRET_VA, secret, sizeof(secret));
	long g = uk_grant_create(u, SECRET_VA, 64, UK_RIGHT_READ);
	w->h[5] = (uint32_t)g; /* a value the server will try in its own table */
	m.cap = (uint32_t)g;
	RECC(w, uk_call(u, w->h[1], &m));
	/* After the call: revoke and call again so the server tries the stale grant. */
	RECC(w, uk_grant_revoke(u, (uint32_t)g));
	RECC(w, uk_grant_revoke(u, (uint32_t)g));
	m = (struct uk_msg){.words = 0};
	RECC(w, uk_call(u, w->h[1], &m));
}

static void iso_server(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u), other = (uint32_t)uk_reply_create(u);
	struct uk_xfer_result xr;
	struct uk_msg m = {0};
	char buf[16] = {0};

	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, SRV_BUF, UK_PAGE_SIZE, UK_PROT_READ | UK_PROT_WRITE, 0);
	/* Before any call: no reply object is bound, no grant is held. */
	REC(w, uk_xfer(u, reply, UK_XFER_READ, SRV_BUF, SECRET_VA, 8, &xr));   /* 0: ENOENT */
	REC(w, uk_xfer(u, 0, UK_XFER_READ, SRV_BUF, SECRET_VA, 8, &xr));       /* 1: EBADH */
	REC(w, uk_recv(u, w->h[0], &m, reply));                                /* 2 */
	uint32_t g = m.cap;
	REC(w, uk_xfer(u, other, UK_XFER_READ, SRV_BUF, SECRET_VA, 8, &xr));   /* 3: unbound one */
	REC(w, uk_xfer_grant(u, w->h[5] == g ? 0x7f01 : w->h[5], UK_XFER_READ, SRV_BUF, 0, 8, &xr)); /* 4 */
	REC(w, uk_xfer_grant(u, g, UK_XFER_READ, SRV_BUF, 60, 8, &xr));        /* 5: past the grant */
	REC(w, uk_xfer_grant(u, g, UK_XFER_WRITE, SRV_BUF, 0, 8, &xr));        /* 6: read-only grant */
	long ro = uk_sys_handle_dup(u, g, 0);
	REC(w, uk_xfer_grant(u, (uint32_t)ro, UK_XFER_READ, SRV_BUF, 0, 8, &xr)); /* 7: handle lacks READ */
	REC(w, uk_xfer_grant(u, g, UK_XFER_READ, SRV_BUF, 0, 11, &xr));        /* 8: allowed */
	uk_user_read(u, SRV_BUF, buf, 11);
	REC(w, strcmp(buf, "top secret"));                                     /* 9 */
	/* Past the end of the mapping: the page after SECRET_VA is unmapped. */
	REC(w, uk_xfer(u, reply, UK_XFER_READ, SRV_BUF, SECRET_VA + UK_PAGE_SIZE - 8, 16, &xr)); /* 10 */
	REC(w, xr.bytes * 10 + xr.fault_side);                                 /* 11: 8 bytes, REMOTE */
	REC(w, xr.fault_addr == SECRET_VA + UK_PAGE_SIZE);                     /* 12 */
	/* The server's own buffer faults: LOCAL. */
	REC(w, uk_xfer(u, reply, UK_XFER_READ, 0x50000000, SECRET_VA, 8, &xr)); /* 13 */
	REC(w, xr.fault_side);                                                 /* 14 */
	/* Outside user space: ERANGE; bad direction, zero length: EINVAL. */
	REC(w, uk_xfer(u, reply, UK_XFER_READ, SRV_BUF, UK_USER_END - 4, 8, &xr)); /* 15 */
	REC(w, uk_xfer(u, reply, 7, SRV_BUF, SECRET_VA, 8, &xr));              /* 16 */
	REC(w, uk_xfer(u, reply, UK_XFER_READ, SRV_BUF, SECRET_VA, 0, &xr));   /* 17 */
	/* A demand-zero page of the client is faulted in for it. */
	REC(w, uk_xfer(u, reply, UK_XFER_READ, SRV_BUF, SECRET_VA + 2 * UK_PAGE_SIZE, 8, &xr)); /* 18 */
	/* Writing into the client's memory works the same way. */
	REC(w, uk_xfer(u, reply, UK_XFER_WRITE, SRV_BUF, SECRET_VA + 32, 4, &xr)); /* 19 */
	REC(w, uk_reply(u, reply, &(struct uk_msg){0}));                       /* 20 */
	/* Stale reply object: the call was answered. */
	REC(w, uk_xfer(u, reply, UK_XFER_READ, SRV_BUF, SECRET_VA, 8, &xr));   /* 21: EALREADY */
	REC(w, uk_recv(u, w->h[0], &m, reply));                                /* 22: second call */
	REC(w, uk_xfer_grant(u, g, UK_XFER_READ, SRV_BUF, 0, 8, &xr));         /* 23: revoked */
	REC(w, uk_grant_revoke(u, g));                                         /* 24: not the owner */
	REC(w, uk_reply(u, reply, &(struct uk_msg){0}));                       /* 25 */
}

START_TEST(server_cannot_read_without_reply_or_grant)
{
	struct world w = {0};
	w.sm = machine(1, NULL);
	w.tid[0] = spawn(w.sm, "server", iso_server, &w, 100);
	w.tid[1] = spawn(w.sm, "client", iso_client, &w, 90);
	w.h[0] = (uint32_t)uk_kernel_ipc_endpoint(w.sm->k, w.tid[0], UK_EP_STRATEGY(UK_XFER_PHYSMAP));
	w.h[1] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[0], w.h[0], w.tid[1], UK_RIGHT_WRITE, 0);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	const long srv[] = {UK_ENOENT, UK_EBADH, 0, UK_ENOENT, UK_EBADH, UK_ERANGE, UK_EPERM, UK_EPERM,
			    11, 0, UK_EFAULT, 80 + UK_XFER_FAULT_REMOTE, 1, UK_EFAULT,
			    UK_XFER_FAULT_LOCAL, UK_ERANGE, UK_EINVAL, UK_EINVAL, 8, 4, 0, UK_EALREADY, 0,
			    UK_ESTALE, UK_EPERM, 0};
	const long cli[] = {0, 0, UK_EALREADY, 0};
	check_lane(w.r, w.nr, srv, 26);
	check_lane(w.c, w.nc, cli, 4);
	struct uk_kernel_stats st;
	uk_kernel_get_stats(w.sm->k, &st);
	ck_assert_uint_eq(st.xfer[UK_XFER_PHYSMAP].faults, 1);
	sim_machine_destroy(w.sm);
}
END_TEST

/* A grant-strategy endpoint refuses uk_xfer through the reply object. */
static void grant_only_server(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_xfer_result xr;
	struct uk_msg m = {0};

	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, SRV_BUF, UK_PAGE_SIZE, UK_PROT_READ | UK_PROT_WRITE, 0);
	uk_recv(u, w->h[0], &m, reply);
	REC(w, uk_xfer(u, reply, UK_XFER_READ, SRV_BUF, SECRET_VA, 8, &xr));
	uk_reply(u, reply, &m);
}

static void grant_only_client(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	struct uk_msg m = {0};
	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, SECRET_VA, UK_PAGE_SIZE, UK_PROT_READ | UK_PROT_WRITE, 0);
	uk_call(u, w->h[1], &m);
}

START_TEST(grant_endpoint_refuses_reply_transfers)
{
	struct world w = {0};
	w.sm = machine(1, NULL);
	w.tid[0] = spawn(w.sm, "server", grant_only_server, &w, 100);
	w.tid[1] = spawn(w.sm, "client", grant_only_client, &w, 90);
	w.h[0] = (uint32_t)uk_kernel_ipc_endpoint(w.sm->k, w.tid[0], UK_EP_STRATEGY(UK_XFER_GRANT));
	w.h[1] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[0], w.h[0], w.tid[1], UK_RIGHT_WRITE, 0);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	const long want[] = {UK_EPERM};
	check_results(&w, want, 1);
	sim_machine_destroy(w.sm);
}
END_TEST

/* Issue 15 defect 2: a grant over the caller's own memory, then a transfer
 * through it onto an overlapping range. Every call is legal; the copy must
 * behave as memmove within a page (ASan reported memcpy-param-overlap in
 * sim's user_copy). Both directions, the local range above and below. */
#define OV_VA 0x50000000ull

static void overlap_self(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	unsigned char pat[256], got[256];
	struct uk_xfer_result xr;

	for (unsigned i = 0; i < sizeof(pat); i++)
		pat[i] = (unsigned char)i;
	REC(w, uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, OV_VA, UK_PAGE_SIZE,
			     UK_PROT_READ | UK_PROT_WRITE, 0));
	long g = uk_grant_create(u, OV_VA, 256, UK_RIGHT_READ | UK_RIGHT_WRITE);
	REC(w, g > 0);
	/* Read the grant's [0, 128) into OV_VA + 16: the local range is above. */
	uk_user_write(u, OV_VA, pat, sizeof(pat));
	REC(w, uk_xfer_grant(u, (uint32_t)g, UK_XFER_READ, OV_VA + 16, 0, 128, &xr));
	uk_user_read(u, OV_VA, got, sizeof(got));
	REC(w, memcmp(got + 16, pat, 128) == 0 && memcmp(got, pat, 16) == 0);
	/* Write OV_VA + 16 into the grant at [0, 128): the local range is above the remote. */
	uk_user_write(u, OV_VA, pat, sizeof(pat));
	REC(w, uk_xfer_grant(u, (uint32_t)g, UK_XFER_WRITE, OV_VA + 16, 0, 128, &xr));
	uk_user_read(u, OV_VA, got, sizeof(got));
	REC(w, memcmp(got, pat + 16, 128) == 0 && memcmp(got + 128, pat + 128, 128) == 0);
	/* Read the grant's [16, 144) into OV_VA: the local range is below. */
	uk_user_write(u, OV_VA, pat, sizeof(pat));
	REC(w, uk_xfer_grant(u, (uint32_t)g, UK_XFER_READ, OV_VA, 16, 128, &xr));
	uk_user_read(u, OV_VA, got, sizeof(got));
	REC(w, memcmp(got, pat + 16, 128) == 0);
}

START_TEST(grant_transfer_onto_an_overlapping_range)
{
	struct world w = {0};
	w.sm = machine(1, NULL);
	w.tid[0] = spawn(w.sm, "self", overlap_self, &w, 100);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	const long want[] = {0, 1, 128, 1, 128, 1, 128, 1};
	check_results(&w, want, 8);
	sim_machine_destroy(w.sm);
}
END_TEST

/* A long message carried by the call itself: the receiver names a buffer
 * (uk_recv_buf) and gets min(sent, buffer) bytes. Both orders: receiver
 * waiting (the copy runs on the caller's side) and caller queued (on the
 * receiver's side). A caller whose buffer is unmapped gets UK_EFAULT. */
#define LM_VA 0x60000000ull

static void lm_server(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	char buf[64] = {0};

	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, LM_VA, UK_PAGE_SIZE, UK_PROT_READ | UK_PROT_WRITE, 0);
	REC(w, uk_recv_buf(u, w->h[0], &m, reply, LM_VA, 64));   /* waits: the caller copies */
	REC(w, m.xfer_len);
	uk_user_read(u, LM_VA, buf, sizeof(buf));
	REC(w, memcmp(buf, "/a/long/path", 12));
	REC(w, uk_reply(u, reply, &m));
	uk_sys_sleep(u, 100000);                                   /* the next callers queue */
	REC(w, uk_recv_buf(u, w->h[0], &m, reply, LM_VA, 8));    /* the bad caller fails, the next comes */
	REC(w, m.xfer_len);                                        /* truncated to 8 */
	REC(w, m.label);
	REC(w, uk_reply(u, reply, &m));
	REC(w, uk_recv_buf(u, w->h[0], &m, reply, UK_USER_END - 4, 8)); /* ERANGE */
}

static void lm_client(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uint64_t me = (uint64_t)uk_sys_thread_id(u);
	struct uk_msg m = {.words = 0, .label = 7, .xfer_va = LM_VA, .xfer_len = 20};

	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, LM_VA, UK_PAGE_SIZE, UK_PROT_READ | UK_PROT_WRITE, 0);
	uk_user_write(u, LM_VA, "/a/long/path/for/you", 20);
	if (me == w->tid[1]) {
		RECC(w, uk_call(u, w->h[1], &m));
		uk_sys_sleep(u, 1000);
		m.xfer_va = LM_VA + 2 * UK_PAGE_SIZE; /* not mapped */
		m.label = 8;
		RECC(w, uk_call(u, w->h[1], &m));
		RECC(w, uk_user_xfer_result(u)->fault_side);
	} else {
		uk_sys_sleep(u, 2000);
		m.label = 9;
		RECC(w, uk_call(u, w->h[2], &m));
	}
}

START_TEST(long_message_in_call)
{
	struct world w = {0};
	w.sm = machine(1, NULL);
	w.tid[0] = spawn(w.sm, "server", lm_server, &w, 100);
	w.tid[1] = spawn(w.sm, "client", lm_client, &w, 90);
	w.tid[2] = spawn(w.sm, "client2", lm_client, &w, 80);
	w.h[0] = (uint32_t)uk_kernel_ipc_endpoint(w.sm->k, w.tid[0], UK_EP_FIFO);
	w.h[1] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[0], w.h[0], w.tid[1], UK_RIGHT_WRITE, 0);
	w.h[2] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[0], w.h[0], w.tid[2], UK_RIGHT_WRITE, 0);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	const long srv[] = {0, 20, 0, 0, 0, 8, 9, 0, UK_ERANGE};
	const long cli[] = {0, UK_EFAULT, UK_XFER_FAULT_LOCAL, 0};
	check_lane(w.r, w.nr, srv, 9);
	check_lane(w.c, w.nc, cli, 4);
	struct uk_kernel_stats st;
	uk_kernel_get_stats(w.sm->k, &st);
	ck_assert_uint_eq(st.xfer[UK_XFER_PHYSMAP].transfers, 3);
	ck_assert_uint_eq(st.xfer[UK_XFER_PHYSMAP].bytes, 28);
	ck_assert_uint_eq(st.xfer[UK_XFER_PHYSMAP].failed, 1);
	sim_machine_destroy(w.sm);
}
END_TEST

/* reply-and-receive with a buffer: the next call's long message lands in
 * the buffer named by that reply_recv, not in the first receive's. */
static void rr_server(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	char buf[16] = {0};

	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, LM_VA, UK_PAGE_SIZE, UK_PROT_READ | UK_PROT_WRITE, 0);
	REC(w, uk_recv_buf(u, w->h[0], &m, reply, LM_VA, 16));
	REC(w, m.xfer_len);
	REC(w, uk_reply_recv_buf(u, reply, &m, w->h[0], LM_VA + 256, 16));
	REC(w, m.xfer_len);
	uk_user_read(u, LM_VA + 256, buf, 6);
	REC(w, memcmp(buf, "second", 6));
	uk_user_read(u, LM_VA, buf, 5);
	REC(w, memcmp(buf, "first", 5));
	REC(w, uk_reply(u, reply, &m));
}

static void rr_client(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	struct uk_msg m = {.xfer_va = LM_VA, .xfer_len = 5};

	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, LM_VA, UK_PAGE_SIZE, UK_PROT_READ | UK_PROT_WRITE, 0);
	uk_user_write(u, LM_VA, "firstsecond", 11);
	RECC(w, uk_call(u, w->h[1], &m));
	m = (struct uk_msg){.xfer_va = LM_VA + 5, .xfer_len = 6};
	RECC(w, uk_call(u, w->h[1], &m));
}

START_TEST(reply_recv_with_a_buffer)
{
	struct world w = {0};
	w.sm = machine(1, NULL);
	w.tid[0] = spawn(w.sm, "server", rr_server, &w, 100);
	w.tid[1] = spawn(w.sm, "client", rr_client, &w, 90);
	w.h[0] = (uint32_t)uk_kernel_ipc_endpoint(w.sm->k, w.tid[0], UK_EP_FIFO);
	w.h[1] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[0], w.h[0], w.tid[1], UK_RIGHT_WRITE, 0);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	const long srv[] = {0, 5, 0, 6, 0, 0, 0};
	const long cli[] = {0, 0};
	check_lane(w.r, w.nr, srv, 7);
	check_lane(w.c, w.nc, cli, 2);
	sim_machine_destroy(w.sm);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* PI over a 3-level call chain, cycles                                      */
/* ------------------------------------------------------------------------ */

/* client (200) -> mid (50) -> leaf (20); optional load (100). tid[0..3]. */
static void chain_client(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	struct uk_msg m = {.words = 1};
	uk_sys_sleep(u, 10000); /* the load runs by then */
	REC(w, uk_call(u, w->h[1], &m));
	w->order[w->norder++] = 0;
}

static void chain_mid(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	uk_recv(u, w->h[0], &m, reply);
	w->eff[1] = eff_prio(w, w->tid[1]);
	uk_user_work(u, 50000);
	m.words = 1;
	REC(w, uk_call(u, w->h[3], &m));
	uk_reply(u, reply, &m);
	w->eff[4] = eff_prio(w, w->tid[1]);
}

static void chain_leaf(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	uk_recv(u, w->h[2], &m, reply);
	w->eff[2] = eff_prio(w, w->tid[2]);
	w->eff[3] = eff_prio(w, w->tid[1]); /* mid, blocked in its call */
	uk_user_work(u, 50000);
	uk_reply(u, reply, &m);
	w->eff[5] = eff_prio(w, w->tid[2]);
}

static void chain_load(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uk_sys_sleep(u, 5000);    /* the servers get to their receive first */
	uk_user_work(u, 5000000); /* 5 ms: far longer than the chain's work */
	w->order[w->norder++] = 1;
}

static void run_chain(bool load, bool pi)
{
	struct world w = {0};
	struct uk_kernel_config kc;
	uk_kernel_config_default(&kc);
	kc.priority_inheritance = pi;
	w.sm = machine(1, &kc);
	w.tid[0] = spawn(w.sm, "client", chain_client, &w, 200);
	w.tid[1] = spawn(w.sm, "mid", chain_mid, &w, 50);
	w.tid[2] = spawn(w.sm, "leaf", chain_leaf, &w, 20);
	if (load)
		w.tid[3] = spawn(w.sm, "load", chain_load, &w, 100);
	w.h[0] = (uint32_t)uk_kernel_ipc_endpoint(w.sm->k, w.tid[1], 0);
	w.h[1] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[1], w.h[0], w.tid[0], UK_RIGHT_WRITE, 0);
	w.h[2] = (uint32_t)uk_kernel_ipc_endpoint(w.sm->k, w.tid[2], 0);
	w.h[3] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[2], w.h[2], w.tid[1], UK_RIGHT_WRITE, 0);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	const long want[] = {0, 0};
	check_results(&w, want, 2);
	if (pi) {
		ck_assert_uint_eq(w.eff[1], 200); /* mid serves the client */
		ck_assert_uint_eq(w.eff[2], 200); /* leaf serves mid, which carries the client's priority */
		ck_assert_uint_eq(w.eff[3], 200);
		ck_assert_uint_eq(w.eff[5], 20);  /* undone on reply */
		ck_assert_uint_eq(w.eff[4], 50);
	} else {
		ck_assert_uint_eq(w.eff[1], 50);
		ck_assert_uint_eq(w.eff[2], 20);
	}
	if (load) {
		/* With PI the client finishes before the load; without, after. */
		ck_assert_uint_eq(w.norder, 2);
		ck_assert_int_eq(w.order[0], (pi ? 0 : 1));
	}
	sim_machine_destroy(w.sm);
}

START_TEST(pi_three_level_chain)
{
	run_chain(false, true);
	run_chain(true, true);
	run_chain(true, false);
}
END_TEST

/* Bounded depth: client -> s1 -> s2 -> s3, all at 50. The leaf raises the
 * client to 200 while the chain stands; the boost walks the chain only
 * pi_max_depth owners far. h[0..2]: each server's endpoint in itself;
 * h[3..5]: the send copies (client->s1, s1->s2, s2->s3); h[6]: the client's
 * thread in s3. tid[0] client, tid[1..3] servers. */
static void depth_client(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	struct uk_msg m = {0};
	REC(w, uk_call(u, w->h[3], &m));
}

static void depth_server(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uint64_t me = (uint64_t)uk_sys_thread_id(u);
	unsigned i = me == w->tid[1] ? 0 : me == w->tid[2] ? 1 : 2;
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	uk_recv(u, w->h[i], &m, reply);
	if (i < 2) {
		uk_call(u, w->h[4 + i], &m);
	} else {
		uk_sys_thread_set_prio(u, w->h[6], 200);
		for (unsigned j = 0; j < 4; j++)
			w->eff[j] = eff_prio(w, w->tid[j]);
	}
	uk_reply(u, reply, &m);
}

static void run_depth(unsigned depth, const unsigned *want)
{
	struct world w = {0};
	struct uk_kernel_config kc;
	uk_kernel_config_default(&kc);
	kc.pi_max_depth = depth;
	w.sm = machine(1, &kc);
	for (unsigned i = 1; i <= 3; i++)
		w.tid[i] = spawn(w.sm, "server", depth_server, &w, 50);
	w.tid[0] = spawn(w.sm, "client", depth_client, &w, 50);
	for (unsigned i = 0; i < 3; i++)
		w.h[i] = (uint32_t)uk_kernel_ipc_endpoint(w.sm->k, w.tid[1 + i], 0);
	for (unsigned i = 0; i < 3; i++)
		w.h[3 + i] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[1 + i], w.h[i], w.tid[i],
							     UK_RIGHT_WRITE, 0);
	w.h[6] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[0], UK_HANDLE_THREAD_INITIAL, w.tid[3],
						 UK_RIGHT_MANAGE, 0);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	for (unsigned j = 0; j < 4; j++)
		ck_assert_msg(w.eff[j] == want[j], "depth %u: thread %u at %u, want %u", depth, j,
			      w.eff[j], want[j]);
	struct uk_kernel_stats st;
	uk_kernel_get_stats(w.sm->k, &st);
	if (depth < 4)
		ck_assert_uint_gt(st.pi_depth_limited, 0);
	else
		ck_assert_uint_eq(st.pi_depth_limited, 0);
	sim_machine_destroy(w.sm);
}

START_TEST(pi_chain_depth_is_bounded)
{
	const unsigned full[] = {200, 200, 200, 200}, two[] = {200, 200, 50, 50};
	run_depth(8, full);
	run_depth(2, two);
}
END_TEST

/* A serves epA, B serves epB. X calls A; A calls B; B calls A: a cycle. */
static void cyc_x(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	struct uk_msg m = {0};
	REC(w, uk_call(u, w->h[2], &m));
}

static void cyc_a(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	uk_recv(u, w->h[0], &m, reply);
	m = (struct uk_msg){0};
	REC(w, uk_call(u, w->h[3], &m)); /* to B */
	REC(w, uk_call(u, w->h[0], &m)); /* to itself: a cycle of one */
	uk_reply(u, reply, &m);
}

static void cyc_b(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	uk_recv(u, w->h[1], &m, reply);
	m = (struct uk_msg){0};
	REC(w, uk_call(u, w->h[4], &m)); /* to A, which waits for us */
	uk_reply(u, reply, &m);
}

START_TEST(call_cycle_is_edeadlk)
{
	struct world w = {0};
	w.sm = machine(1, NULL);
	w.tid[0] = spawn(w.sm, "A", cyc_a, &w, 100);
	w.tid[1] = spawn(w.sm, "B", cyc_b, &w, 100);
	w.tid[2] = spawn(w.sm, "X", cyc_x, &w, 50);
	w.h[0] = (uint32_t)uk_kernel_ipc_endpoint(w.sm->k, w.tid[0], 0); /* epA in A */
	w.h[1] = (uint32_t)uk_kernel_ipc_endpoint(w.sm->k, w.tid[1], 0); /* epB in B */
	w.h[2] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[0], w.h[0], w.tid[2], UK_RIGHT_WRITE, 0);
	w.h[3] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[1], w.h[1], w.tid[0], UK_RIGHT_WRITE, 0);
	w.h[4] = (uint32_t)uk_kernel_give_handle(w.sm->k, w.tid[0], w.h[0], w.tid[1], UK_RIGHT_WRITE, 0);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	const long want[] = {UK_EDEADLK, 0, UK_EDEADLK, 0};
	check_results(&w, want, 4);
	sim_machine_destroy(w.sm);
}
END_TEST

/* The PCI example: with PI the high driver's worst latency stays near two
 * service times; without, the load delays it. */
static uint64_t run_pci(bool pi, struct ipc_pci_config *out)
{
	struct ipc_pci_config c = {.reads = 4, .service_ns = 20000, .load_ns = 2000000,
				   .high_delay_ns = 30000};
	struct uk_kernel_config kc;
	uk_kernel_config_default(&kc);
	kc.priority_inheritance = pi;
	struct sim_machine *sm = machine(1, &kc);
	uint64_t srv = spawn(sm, "pci", ipc_pci_server, &c, 10);
	uint64_t lo = spawn(sm, "drv-low", ipc_pci_driver_low, &c, 50);
	uint64_t hi = spawn(sm, "drv-high", ipc_pci_driver_high, &c, 200);
	spawn(sm, "load", ipc_pci_load, &c, 100);
	c.server_ep = (uint32_t)uk_kernel_ipc_endpoint(sm->k, srv, 0);
	c.low_ep = (uint32_t)uk_kernel_give_handle(sm->k, srv, c.server_ep, lo, UK_RIGHT_WRITE, 1);
	c.high_ep = (uint32_t)uk_kernel_give_handle(sm->k, srv, c.server_ep, hi, UK_RIGHT_WRITE, 2);
	ck_assert_int_eq(sim_machine_run(sm), SIM_DONE);
	sim_machine_destroy(sm);
	*out = c;
	return c.high_latency_max_ns;
}

START_TEST(pci_server_with_and_without_pi)
{
	struct ipc_pci_config c;
	uint64_t with = run_pci(true, &c);
	ck_assert_uint_eq(c.served, 8);
	ck_assert_uint_eq(c.served_high, 4);
	ck_assert_int_eq(c.last_rc, 0);
	ck_assert_uint_lt(with, 3 * c.service_ns);
	uint64_t without = run_pci(false, &c);
	ck_assert_uint_eq(c.served, 8);
	ck_assert_uint_gt(without, c.load_ns / 2);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Random IPC calls never break the kernel                                   */
/* ------------------------------------------------------------------------ */

#include "ipc_errors.h"

struct chaos {
	struct sim_machine *sm;
	uint32_t shared[3][2];  /* per process: two endpoint handles from the host */
	uint64_t tid[3];
	unsigned worker_prog;
	uint64_t seed;
	unsigned calls, bad, errors;
};

static uint64_t pick(struct sim_rng *r, const uint64_t *pool, unsigned n)
{
	switch (sim_rng_next(r) % 6) {
	case 0: return sim_rng_next(r) % 0x400;        /* anything small */
	case 1: return sim_rng_next(r);                /* anything */
	default: return pool[sim_rng_next(r) % n];
	}
}

static void chaos_worker(struct uk_user *u, uint64_t arg)
{
	struct chaos *c = (struct chaos *)(uintptr_t)(arg & ~7ull);
	unsigned p = (unsigned)(arg & 3);
	struct sim_rng r;
	uint64_t pool[16] = {c->shared[p][0], c->shared[p][1], 0x1000, UK_PAGE_SIZE, 8, 64};
	unsigned n = 6;

	sim_rng_seed(&r, (uint64_t)uk_sys_thread_id(u) * 7919 + c->seed * 104729);
	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, 0x1000 * (1 + (uint64_t)uk_sys_thread_id(u) % 512) * 16,
		      2 * UK_PAGE_SIZE, UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY);
	for (unsigned i = 0; i < 400; i++) {
		unsigned nr = UK_SYS_IPC_FIRST + (unsigned)(sim_rng_next(&r) % 16);
		uint64_t a[6];
		struct uk_msg *regs = uk_user_regs(u);
		for (unsigned j = 0; j < 6; j++)
			a[j] = pick(&r, pool, n);
		regs->words = (uint32_t)(sim_rng_next(&r) % 10);
		regs->cap = sim_rng_next(&r) % 4 == 0 ? (uint32_t)pick(&r, pool, n) : 0;
		regs->xfer_va = sim_rng_next(&r) % 4 == 0 ? pick(&r, pool, n) : 0;
		regs->xfer_len = sim_rng_next(&r) % 64;
		/* Calls that can block for good are rarer, so the run goes on. */
		if ((nr == UK_SYS_CALL || nr == UK_SYS_RECV || nr == UK_SYS_REPLY_RECV ||
		     nr == UK_SYS_NTFN_WAIT) && sim_rng_next(&r) % 4)
			nr = UK_SYS_NTFN_POLL;
		long rc = uk_syscall(u, nr, a);
		c->calls++;
		if (rc < 0) {
			c->errors++;
			if (rc < UK_EKILLED || (rc != UK_EKILLED && !(ipc_allowed(nr) & E(rc)))) {
				fprintf(stderr, "ipc syscall %u returned undocumented %ld (%s)\n", nr, rc,
					uk_err_name((int)rc));
				c->bad++;
			}
		} else if (rc > 0 && (nr == UK_SYS_CALL || nr == UK_SYS_RECV ||
				      nr == UK_SYS_REPLY_RECV || nr == UK_SYS_REPLY)) {
			/* These return 0 or an error: nothing internal (IPC_SWITCH) leaks. */
			fprintf(stderr, "ipc syscall %u returned %ld\n", nr, rc);
			c->bad++;
		} else if (rc > 0 && rc < 0x10000 && n < 16 &&
			   (nr == UK_SYS_EP_CREATE || nr == UK_SYS_EP_MINT || nr == UK_SYS_REPLY_CREATE ||
			    nr == UK_SYS_NTFN_CREATE || nr == UK_SYS_GRANT_CREATE)) {
			pool[n++] = (uint64_t)rc;
		}
	}
}

/* Each process's first thread starts two more workers, works, then kills
 * its workers (some are blocked in IPC). */
static void chaos_main(struct uk_user *u, uint64_t arg)
{
	struct chaos *c = (struct chaos *)(uintptr_t)(arg & ~7ull);
	long th[2];
	for (int i = 0; i < 2; i++) {
		th[i] = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, c->worker_prog, arg,
					     90 + (unsigned)i * 10, 0);
		uk_sys_thread_start(u, (uint32_t)th[i]);
	}
	chaos_worker(u, arg);
	uk_sys_sleep(u, 1000000);
	for (int i = 0; i < 2; i++)
		uk_sys_thread_kill(u, (uint32_t)th[i]);
}

static void run_chaos(unsigned cpus, uint64_t seed)
{
	struct chaos *c = calloc(1, sizeof(*c));
	c->seed = seed;
	c->sm = machine(cpus, NULL);
	c->worker_prog = (unsigned)uk_kernel_register_program(c->sm->k, "worker", chaos_worker);
	int prog = uk_kernel_register_program(c->sm->k, "main", chaos_main);
	for (unsigned p = 0; p < 3; p++) {
		struct uk_spawn sp = {.program = (unsigned)prog,
				      .arg = (uint64_t)(uintptr_t)c | p, .prio = 100, .max_prio = 200,
				      .name = "main"};
		ck_assert_int_eq(uk_kernel_spawn(c->sm->k, &sp, &c->tid[p]), 0);
	}
	for (unsigned e = 0; e < 2; e++) {
		c->shared[0][e] = (uint32_t)uk_kernel_ipc_endpoint(c->sm->k, c->tid[0],
								   UK_EP_STRATEGY(e + 1) | (e ? UK_EP_FIFO : 0));
		for (unsigned p = 1; p < 3; p++)
			c->shared[p][e] = (uint32_t)uk_kernel_give_handle(c->sm->k, c->tid[0],
									  c->shared[0][e], c->tid[p],
									  UK_RIGHTS_ALL, 0);
	}
	enum sim_result res = sim_machine_run(c->sm);
	if (getenv("IPC_TEST_VERBOSE"))
		fprintf(stderr, "chaos seed %llu, %u cpus: %s, %u calls, %u errors\n",
			(unsigned long long)seed, cpus, sim_result_name(res), c->calls, c->errors);
	ck_assert_msg(res == SIM_DONE || res == SIM_DEADLOCK, "run ended %s", sim_result_name(res));
	ck_assert_uint_eq(c->bad, 0);
	ck_assert_uint_gt(c->calls, 1000);
	sim_machine_destroy(c->sm);
	free(c);
}

START_TEST(random_ipc_calls_never_break_the_kernel)
{
	for (uint64_t seed = 0; seed < 20; seed++)
		run_chaos(1 + (unsigned)(seed % 2), seed);
}
END_TEST

/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* Direct hand-off (cfg.ipc_handoff): counted, fair, refused where the      */
/* woken thread may not run here                                            */
/* ------------------------------------------------------------------------ */

#define HO_CALLS 4000

/* h[0] server endpoint, h[1] client's send handle; r: replies checked. */
static void ho_server(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};
	long rc = uk_recv(u, w->h[0], &m, reply);

	for (unsigned i = 0; rc == 0; i++) {
		m.mr[0] += 1;
		rc = i + 1 == HO_CALLS ? uk_reply(u, reply, &m) : uk_reply_recv(u, reply, &m, w->h[0]);
		if (i + 1 == HO_CALLS)
			break;
	}
	REC(w, rc);
}

static void ho_client(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	long bad = 0;

	for (unsigned i = 0; i < HO_CALLS; i++) {
		struct uk_msg m = {.words = 4, .mr = {i, 1, 2, 3}};
		if (uk_call(u, w->h[1], &m) != 0 || m.mr[0] != i + 1 || m.words != 4)
			bad++;
		w->eff[0] = i + 1; /* calls done, read by the bystander */
	}
	RECC(w, bad);
}

/* Same priority as the pair, ready from the start: it must get the CPU
 * while the pair still calls, when slices run out. */
static void ho_bystander(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);

	for (unsigned i = 0; i < 8; i++) {
		w->order[w->norder < 8 ? w->norder++ : 7] = (int)w->eff[0];
		uk_user_work(u, 200000);
	}
}

static void handoff_run(struct world *w, unsigned cpus, bool handoff, uint64_t srv_aff,
			uint64_t cli_aff, bool bystander, struct uk_kernel_stats *st)
{
	struct uk_kernel_config kc;
	uk_kernel_config_default(&kc);
	kc.ipc_handoff = handoff;
	w->sm = machine(cpus, &kc);
	w->tid[0] = spawn_on(w->sm, "server", ho_server, w, 100, srv_aff, 0);
	w->tid[1] = spawn_on(w->sm, "client", ho_client, w, 100, cli_aff, 0);
	if (bystander)
		w->tid[2] = spawn_on(w->sm, "bystander", ho_bystander, w, 100, cli_aff, 0);
	connect_pair(w);
	ck_assert_int_eq(sim_machine_run(w->sm), SIM_DONE);
	check_lane(w->r, w->nr, (const long[]){0}, 1);
	check_lane(w->c, w->nc, (const long[]){0}, 1);
	uk_kernel_get_stats(w->sm->k, st);
	ck_assert_uint_eq(st->ipc_calls, HO_CALLS);
	ck_assert_uint_eq(st->ipc_replies, HO_CALLS);
	sim_machine_destroy(w->sm);
}

/* Every call (the server waits already) and every reply-and-receive is a
 * hand-off, but the last reply (a plain one) and the few that come when a
 * slice has just run out (about 960 round trips fit in a 1 ms slice: at
 * most one per slice goes through the run queue); without the option the
 * same run goes through the run queue and counts none. */
START_TEST(handoff_counted_and_switchable)
{
	struct world w = {0}, off = {0};
	struct uk_kernel_stats st, st_off;

	handoff_run(&w, 1, true, 1, 1, false, &st);
	ck_assert_uint_le(st.ipc_handoffs, 2 * HO_CALLS - 1);
	ck_assert_uint_ge(st.ipc_handoffs, 2 * HO_CALLS - 1 - 5);
	handoff_run(&off, 1, false, 1, 1, false, &st_off);
	ck_assert_uint_eq(st_off.ipc_handoffs, 0);
	ck_assert_uint_eq(st_off.switches, st.switches);
}
END_TEST

/* A thread of the pair's priority, ready all along, runs before the pair
 * is done: the hand-off donates the slice, it does not renew it. */
START_TEST(handoff_does_not_starve_equal_priority)
{
	struct world w = {0};
	struct uk_kernel_stats st;

	handoff_run(&w, 1, true, 1, 1, true, &st);
	ck_assert_uint_eq(w.norder, 8);
	/* One 1 ms slice holds about 960 round trips; a renewed slice would
	 * let the bystander in only at the very end. */
	ck_assert_msg(w.order[0] > 0 && w.order[0] < HO_CALLS / 2,
		      "the bystander first ran after %d of %d calls", w.order[0], HO_CALLS);
	ck_assert_uint_gt(st.ipc_handoffs, HO_CALLS);
	ck_assert_uint_gt(st.preemptions, 1);
}
END_TEST

/* A server that may not run on the caller's CPU is woken through its own
 * CPU's run queue (and a rescheduling IPI), never handed the caller's. */
START_TEST(handoff_respects_affinity)
{
	struct world w = {0};
	struct uk_kernel_stats st;

	handoff_run(&w, 2, true, 2, 1, false, &st);
	ck_assert_uint_eq(st.ipc_handoffs, 0);
	ck_assert_uint_gt(st.resched_ipis, HO_CALLS);
}
END_TEST

/* The slice ends inside the client's no-preemption section (the
 * preemption is deferred), then the client calls: the hand-off must not
 * donate the spent slice, or the server would run unpreempted and starve
 * a thread of its priority for its whole 20 ms of work. */
static void npho_server(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	REC(w, uk_recv(u, w->h[0], &m, reply));
	uk_user_work(u, 20000000);
	REC(w, uk_reply(u, reply, &m));
}

static void npho_client(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	struct uk_msg m = {.words = 1};

	uk_user_work(u, 500000);
	RECC(w, uk_sys_nopreempt_begin(u, UK_HANDLE_NOPREEMPT, 900000));
	uk_user_work(u, 600000); /* the slice ends in here */
	RECC(w, uk_call(u, w->h[1], &m));
	RECC(w, uk_sys_nopreempt_end(u));
}

static void npho_bystander(struct uk_user *u, uint64_t arg)
{
	W(arg)->eff[2] = (unsigned)(uk_sys_clock(u) / 1000); /* first run, us */
}

START_TEST(handoff_after_a_deferred_slice_end)
{
	struct world w = {0};
	w.sm = machine(1, NULL);
	w.tid[0] = spawn(w.sm, "server", npho_server, &w, 100);
	w.tid[1] = spawn_on(w.sm, "client", npho_client, &w, 100, 1, UK_SPAWN_NOPREEMPT);
	w.tid[2] = spawn(w.sm, "bystander", npho_bystander, &w, 100);
	connect_pair(&w);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	/* The client blocked past its section's budget: the reply reaches it,
	 * and it is killed for the overrun on its way out of the kernel. */
	check_lane(w.r, w.nr, (const long[]){0, 0}, 2);
	check_lane(w.c, w.nc, (const long[]){0}, 1);
	ck_assert_msg(w.eff[2] > 0 && w.eff[2] < 3000, "the bystander first ran at %u us",
		      w.eff[2]);
	sim_machine_destroy(w.sm);
}
END_TEST

/* Two CPUs; a lower-priority thread pinned to CPU 0 and a calling pair
 * free to run anywhere. The pair must not keep CPU 0 by handing it back
 * and forth while CPU 1 idles and the pinned thread waits: placement
 * sends the server to the idle CPU, as a plain wake-up would. */
static void idle_low(struct uk_user *u, uint64_t arg)
{
	struct world *w = W(arg);
	w->eff[2] = w->eff[0] ? w->eff[0] : 1; /* the client's calls done at its first run */
}

START_TEST(handoff_leaves_no_cpu_idle)
{
	struct world w = {0};
	struct uk_kernel_stats st;
	w.sm = machine(2, NULL);
	w.tid[0] = spawn_on(w.sm, "server", ho_server, &w, 100, 3, 0);
	w.tid[2] = spawn_on(w.sm, "low", idle_low, &w, 90, 1, 0);
	w.tid[1] = spawn_on(w.sm, "client", ho_client, &w, 100, 3, 0);
	connect_pair(&w);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	check_lane(w.r, w.nr, (const long[]){0}, 1);
	check_lane(w.c, w.nc, (const long[]){0}, 1);
	ck_assert_msg(w.eff[2] > 0 && w.eff[2] < 100, "the pinned thread first ran after %u calls",
		      w.eff[2]);
	uk_kernel_get_stats(w.sm->k, &st);
	ck_assert_uint_gt(st.ipc_handoffs, HO_CALLS);
	sim_machine_destroy(w.sm);
}
END_TEST

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	SIM_SUITE(sr, "endpoint", 60, call_recv_reply_and_errors, handles_in_messages_and_badges,
	      dead_caller_and_dead_server, fifo_and_priority_queues, handoff_counted_and_switchable,
	      handoff_does_not_starve_equal_priority, handoff_respects_affinity,
	      handoff_after_a_deferred_slice_end, handoff_leaves_no_cpu_idle);
	SIM_SUITE(sr, "ntfn", 60, notifications);
	SIM_SUITE(sr, "xfer", 60, vfs_open_physmap_counts, vfs_open_window_counts, vfs_open_grant_counts,
	      server_cannot_read_without_reply_or_grant, grant_endpoint_refuses_reply_transfers,
	      grant_transfer_onto_an_overlapping_range, long_message_in_call,
	      reply_recv_with_a_buffer);
	SIM_SUITE(sr, "pi", 60, pi_three_level_chain, pi_chain_depth_is_bounded, call_cycle_is_edeadlk,
	      pci_server_with_and_without_pi);
	SIM_SUITE(sr, "chaos", 300, random_ipc_calls_never_break_the_kernel);
	return sim_run_suites(sr);
}
