/* SPDX-License-Identifier: MIT */
/*
 * Regression tests for the kernel defects the structured torture
 * (test_torture.c, docs/testing.md) found, each minimised:
 *
 *   kill-race           a kill that lands while its target enters a syscall
 *   self-grant-overlap  transfers between overlapping ranges of one address
 *                       space (a grant over one's own buffer; a call to one's
 *                       own process under physmap and window)
 *
 * Each suite is its own meson test (CK_RUN_SUITE).
 */
#include <check.h>

#include "suites.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sim/machine.h>
#include <ukern/ipc.h>
#include <ukern/user.h>

#include "pattern.h"

#define US 1000ull


/* ------------------------------------------------------------------------ */
/* Regression: a kill that lands while its target enters the kernel         */
/* ------------------------------------------------------------------------ */

/* Found by the torture (a main thread waited for ever on a server it had
 * killed). The target runs user code on CPU 1 and then makes a blocking
 * call; the killer on CPU 0 kills it and waits for it. When the kill falls
 * between the target's syscall entry (interrupts off) and its taking the
 * kernel lock, the resched IPI stays pending, the target blocks with
 * `killed` set, and nothing wakes it: a second kill returns 0 at once. The
 * killer's timing is swept over the window. */
struct kill_race {
	uint64_t work_ns, kill_at;
	long wait_rc, kill_rc;
	uint32_t victim_h;
};

static void kr_victim(struct uk_user *u, uint64_t arg)
{
	struct kill_race *kr = (struct kill_race *)(uintptr_t)arg;
	long n = uk_ntfn_create(u);
	uk_user_work(u, kr->work_ns);
	uk_ntfn_wait(u, (uint32_t)n); /* nobody signals: only the kill ends it */
}

static void kr_killer(struct uk_user *u, uint64_t arg)
{
	struct kill_race *kr = (struct kill_race *)(uintptr_t)arg;
	uk_sys_sleep_until(u, kr->kill_at);
	kr->kill_rc = uk_sys_thread_kill(u, kr->victim_h);
	kr->wait_rc = uk_sys_thread_wait(u, kr->victim_h, 0);
}

START_TEST(kill_while_entering_the_kernel)
{
	unsigned stuck = 0, runs = 0;
	for (uint64_t d = 0; d < 3000; d += 7, runs++) {
		char err[256];
		struct sim_machine *sm;
		struct sim_machine_config cfg = {.cpus = 2, .trace_limit = 0};
		struct kill_race kr = {.work_ns = 20 * US, .kill_at = 19 * US + d};
		uint64_t vt, kt;
		ck_assert_int_eq(sim_machine_create(&cfg, &sm, err, sizeof(err)), 0);
		int pv = uk_kernel_register_program(sm->k, "victim", kr_victim);
		int pk = uk_kernel_register_program(sm->k, "killer", kr_killer);
		struct uk_spawn sv = {.program = (unsigned)pv, .arg = (uint64_t)(uintptr_t)&kr,
				      .prio = 100, .max_prio = 200, .affinity = 2, .name = "victim"};
		struct uk_spawn sk = {.program = (unsigned)pk, .arg = (uint64_t)(uintptr_t)&kr,
				      .prio = 100, .max_prio = 200, .affinity = 1, .name = "killer"};
		ck_assert_int_eq(uk_kernel_spawn(sm->k, &sv, &vt), 0);
		ck_assert_int_eq(uk_kernel_spawn(sm->k, &sk, &kt), 0);
		int h = uk_kernel_give_handle(sm->k, vt, UK_HANDLE_THREAD_INITIAL, kt, UK_RIGHTS_ALL, 0);
		ck_assert_int_gt(h, 0);
		kr.victim_h = (uint32_t)h;
		enum sim_result r = sim_machine_run(sm);
		if (r != SIM_DONE) {
			if (!stuck++)
				fprintf(stderr, "kill at +%llu ns: %s: %s\n", (unsigned long long)d,
					sim_result_name(r), sm->e->message);
		} else {
			ck_assert_int_eq(kr.kill_rc, 0);
			ck_assert_int_eq(kr.wait_rc, 0);
		}
		sim_machine_destroy(sm);
	}
	ck_assert_msg(stuck == 0, "%u of %u killed threads never exited", stuck, runs);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Regression: a grant over the caller's own memory, copied onto itself      */
/* ------------------------------------------------------------------------ */

/* Found by the torture (its chaos thread's self_grant). A transfer through a
 * grant over the caller's own buffer onto an overlapping range that crosses
 * a page boundary, destination above the source: the copy went page by
 * page, forward, and read bytes it had already overwritten. Each case is
 * (dir, local offset, grant offset, length) in a two-page buffer; the
 * result must be memmove's. */
struct overlap_case {
	unsigned dir;
	uint64_t local, off, len;
	long rc;
	bool same;
};

#define OV_VA 0x40000000ull
static const struct overlap_case overlap_cases[] = {
	{UK_XFER_READ, 1928, 1207, 2169, 0, 0}, /* as the torture found it */
	{UK_XFER_READ, 4090, 4000, 200, 0, 0},  /* minimal: 90 bytes apart, across the page end */
	{UK_XFER_WRITE, 4000, 4090, 200, 0, 0}, /* the same through a write */
	{UK_XFER_READ, 1, 0, 8000, 0, 0},       /* one byte apart, almost both pages */
	{UK_XFER_WRITE, 0, 1, 8000, 0, 0},
	{UK_XFER_READ, 0, 1, 8000, 0, 0},       /* destination below: forward is right */
};
#define OV_N (sizeof(overlap_cases) / sizeof(overlap_cases[0]))

static void ov_prog(struct uk_user *u, uint64_t arg)
{
	struct overlap_case *c = (struct overlap_case *)(uintptr_t)arg;
	static uint8_t data[2 * UK_PAGE_SIZE], want[2 * UK_PAGE_SIZE], got[2 * UK_PAGE_SIZE];

	ck_assert_int_eq(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, OV_VA, 2 * UK_PAGE_SIZE,
				       UK_PROT_READ | UK_PROT_WRITE, 0), 0);
	long g = uk_grant_create(u, OV_VA, 2 * UK_PAGE_SIZE, UK_RIGHT_READ | UK_RIGHT_WRITE);
	ck_assert_int_gt(g, 0);
	for (unsigned i = 0; i < OV_N; i++) {
		fill(data, sizeof(data), i + 1);
		ck_assert_int_eq(uk_user_write(u, OV_VA, data, sizeof(data)), 0);
		memcpy(want, data, sizeof(want));
		if (c[i].dir == UK_XFER_READ)
			memmove(want + c[i].local, data + c[i].off, c[i].len);
		else
			memmove(want + c[i].off, data + c[i].local, c[i].len);
		c[i].rc = uk_xfer_grant(u, (uint32_t)g, c[i].dir, OV_VA + c[i].local, c[i].off,
					c[i].len, NULL);
		ck_assert_int_eq(uk_user_read(u, OV_VA, got, sizeof(got)), 0);
		c[i].same = memcmp(got, want, sizeof(got)) == 0;
	}
}

START_TEST(self_grant_overlapping_copy)
{
	char err[256];
	struct sim_machine *sm;
	struct sim_machine_config cfg = {.cpus = 1, .trace_limit = 0};
	struct overlap_case c[OV_N];
	uint64_t tid;
	unsigned wrong = 0;

	memcpy(c, overlap_cases, sizeof(c));
	ck_assert_int_eq(sim_machine_create(&cfg, &sm, err, sizeof(err)), 0);
	int prog = uk_kernel_register_program(sm->k, "overlap", ov_prog);
	struct uk_spawn sp = {.program = (unsigned)prog, .arg = (uint64_t)(uintptr_t)c, .prio = 100,
			      .max_prio = 200, .name = "overlap"};
	ck_assert_int_eq(uk_kernel_spawn(sm->k, &sp, &tid), 0);
	ck_assert_int_eq(sim_machine_run(sm), SIM_DONE);
	for (unsigned i = 0; i < OV_N; i++) {
		if (c[i].rc != (long)c[i].len || !c[i].same) {
			wrong++;
			fprintf(stderr, "%s of %llu bytes, local +%llu, grant +%llu: rc %ld, %s\n",
				c[i].dir == UK_XFER_READ ? "read" : "write",
				(unsigned long long)c[i].len, (unsigned long long)c[i].local,
				(unsigned long long)c[i].off, c[i].rc,
				c[i].same ? "bytes right" : "WRONG BYTES");
		}
	}
	sim_machine_destroy(sm);
	ck_assert_msg(wrong == 0, "%u of %u overlapping self-grant copies went wrong", wrong,
		      (unsigned)OV_N);
}
END_TEST

/* The same through UK_SYS_XFER: a thread calls its own process's endpoint
 * and the server transfers between overlapping ranges of the caller's
 * buffer (one address space), under the physmap and window strategies. */
struct self_call {
	uint32_t ep;
	unsigned prog_server;
	struct overlap_case c[OV_N];
};

static void sc_server(struct uk_user *u, uint64_t arg)
{
	struct self_call *sc = (struct self_call *)(uintptr_t)arg;
	uint8_t data[2 * UK_PAGE_SIZE], want[2 * UK_PAGE_SIZE], got[2 * UK_PAGE_SIZE];
	long reply = uk_reply_create(u);
	struct uk_msg m = {0};

	ck_assert_int_gt(reply, 0);
	for (unsigned i = 0; i < OV_N; i++) {
		struct overlap_case *c = &sc->c[i];
		ck_assert_int_eq(uk_recv(u, sc->ep, &m, (uint32_t)reply), 0);
		fill(data, sizeof(data), i + 1);
		ck_assert_int_eq(uk_user_write(u, OV_VA, data, sizeof(data)), 0);
		memcpy(want, data, sizeof(want));
		/* READ: remote (the "grant" offset) -> local; WRITE: local -> remote. */
		if (c->dir == UK_XFER_READ)
			memmove(want + c->local, data + c->off, c->len);
		else
			memmove(want + c->off, data + c->local, c->len);
		c->rc = uk_xfer(u, (uint32_t)reply, c->dir, OV_VA + c->local, OV_VA + c->off, c->len,
				NULL);
		ck_assert_int_eq(uk_user_read(u, OV_VA, got, sizeof(got)), 0);
		c->same = memcmp(got, want, sizeof(got)) == 0;
		m.words = 0;
		ck_assert_int_eq(uk_reply(u, (uint32_t)reply, &m), 0);
	}
}

static void sc_client(struct uk_user *u, uint64_t arg)
{
	struct self_call *sc = (struct self_call *)(uintptr_t)arg;
	struct uk_msg m = {0};

	ck_assert_int_eq(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, OV_VA, 2 * UK_PAGE_SIZE,
				       UK_PROT_READ | UK_PROT_WRITE, 0), 0);
	long th = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, sc->prog_server, arg, 100, 0);
	ck_assert_int_gt(th, 0);
	ck_assert_int_eq(uk_sys_thread_start(u, (uint32_t)th), 0);
	for (unsigned i = 0; i < OV_N; i++)
		ck_assert_int_eq(uk_call(u, sc->ep, &m), 0);
}

START_TEST(self_call_overlapping_transfer)
{
	unsigned wrong = 0;
	for (unsigned strategy = UK_XFER_PHYSMAP; strategy <= UK_XFER_WINDOW; strategy++) {
		char err[256];
		struct sim_machine *sm;
		struct sim_machine_config cfg = {.cpus = 1, .trace_limit = 0};
		struct self_call sc = {0};
		uint64_t tid;

		memcpy(sc.c, overlap_cases, sizeof(sc.c));
		ck_assert_int_eq(sim_machine_create(&cfg, &sm, err, sizeof(err)), 0);
		sc.prog_server = (unsigned)uk_kernel_register_program(sm->k, "server", sc_server);
		int prog = uk_kernel_register_program(sm->k, "client", sc_client);
		struct uk_spawn sp = {.program = (unsigned)prog, .arg = (uint64_t)(uintptr_t)&sc,
				      .prio = 100, .max_prio = 200, .name = "client"};
		ck_assert_int_eq(uk_kernel_spawn(sm->k, &sp, &tid), 0);
		int ep = uk_kernel_ipc_endpoint(sm->k, tid, UK_EP_STRATEGY(strategy));
		ck_assert_int_gt(ep, 0);
		sc.ep = (uint32_t)ep;
		ck_assert_int_eq(sim_machine_run(sm), SIM_DONE);
		for (unsigned i = 0; i < OV_N; i++) {
			struct overlap_case *c = &sc.c[i];
			if (c->rc != (long)c->len || !c->same) {
				wrong++;
				fprintf(stderr, "%s: %s of %llu bytes, local +%llu, remote +%llu: rc %ld, %s\n",
					strategy == UK_XFER_PHYSMAP ? "physmap" : "window",
					c->dir == UK_XFER_READ ? "read" : "write",
					(unsigned long long)c->len, (unsigned long long)c->local,
					(unsigned long long)c->off, c->rc,
					c->same ? "bytes right" : "WRONG BYTES");
			}
		}
		sim_machine_destroy(sm);
	}
	ck_assert_msg(wrong == 0, "%u of %u overlapping self-call transfers went wrong", wrong,
		      (unsigned)(2 * OV_N));
}
END_TEST

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	SIM_SUITE(sr, "kill-race", 300, kill_while_entering_the_kernel);
	SIM_SUITE(sr, "self-grant-overlap", 60, self_grant_overlapping_copy,
		  self_call_overlapping_transfer);
	return sim_run_suites(sr);
}
