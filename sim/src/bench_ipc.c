/* SPDX-License-Identifier: MIT */
/*
 * Benchmarks of IPC and memory transfer on the simulated machine: host ns
 * per simulated operation, timed inside the simulation (machine creation,
 * boot and the first call are not timed).
 *
 *   ipc_call_reply   one call + reply round trip, 4-word messages, between
 *                    two processes on one CPU (the server loops in
 *                    reply-and-receive)
 *   xfer_4k_*        one 4 KiB page-aligned transfer from the client to the
 *                    server under each strategy, issued by the server while
 *                    it holds the client's call
 */
#include <sim/bench.h>
#include <sim/machine.h>

#include <ukern/ipc.h>

#define BUF_VA 0x10000000ull

struct ibench {
	uint64_t iters;
	uint64_t t0, t1;
	unsigned strategy;
	uint32_t srv_ep, cli_ep;
	long rc;
};

static struct ibench *ib(uint64_t arg)
{
	return (struct ibench *)(uintptr_t)arg;
}

static void cr_server(struct uk_user *u, uint64_t arg)
{
	struct ibench *b = ib(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	if (uk_recv(u, b->srv_ep, &m, reply) < 0)
		return;
	for (uint64_t i = 0;; i++) {
		m.mr[0]++;
		if (i + 1 == b->iters + 1) {
			uk_reply(u, reply, &m);
			return;
		}
		if (uk_reply_recv(u, reply, &m, b->srv_ep) < 0)
			return;
	}
}

static void cr_client(struct uk_user *u, uint64_t arg)
{
	struct ibench *b = ib(arg);
	struct uk_msg m = {.words = 4, .mr = {1, 2, 3, 4}};

	uk_call(u, b->cli_ep, &m); /* warm-up: the server reaches its loop */
	b->t0 = sim_bench_now_ns();
	for (uint64_t i = 0; i < b->iters; i++)
		b->rc |= uk_call(u, b->cli_ep, &m);
	b->t1 = sim_bench_now_ns();
}

/* The server takes one call and transfers 4 KiB out of the client `iters`
 * times (through the grant that came with it for the grant strategy). */
static void xf_server(struct uk_user *u, uint64_t arg)
{
	struct ibench *b = ib(arg);
	uint32_t reply = (uint32_t)uk_reply_create(u);
	struct uk_msg m = {0};

	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF_VA, UK_PAGE_SIZE, UK_PROT_READ | UK_PROT_WRITE, 0);
	if (uk_recv(u, b->srv_ep, &m, reply) < 0)
		return;
	b->t0 = sim_bench_now_ns();
	for (uint64_t i = 0; i < b->iters; i++) {
		long rc = b->strategy == UK_XFER_GRANT
				  ? uk_xfer_grant(u, m.cap, UK_XFER_READ, BUF_VA, 0, UK_PAGE_SIZE, NULL)
				  : uk_xfer(u, reply, UK_XFER_READ, BUF_VA, BUF_VA, UK_PAGE_SIZE, NULL);
		if (rc != (long)UK_PAGE_SIZE)
			b->rc = rc < 0 ? rc : -1;
	}
	b->t1 = sim_bench_now_ns();
	m = (struct uk_msg){0};
	uk_reply(u, reply, &m);
}

static void xf_client(struct uk_user *u, uint64_t arg)
{
	struct ibench *b = ib(arg);
	struct uk_msg m = {0};

	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, BUF_VA, UK_PAGE_SIZE, UK_PROT_READ | UK_PROT_WRITE, 0);
	if (b->strategy == UK_XFER_GRANT)
		m.cap = (uint32_t)uk_grant_create(u, BUF_VA, UK_PAGE_SIZE, UK_RIGHT_READ);
	uk_call(u, b->cli_ep, &m);
}

static uint64_t run_pair(uk_user_entry_fn server, uk_user_entry_fn client, struct ibench *b)
{
	char err[256];
	struct sim_machine *sm;
	struct sim_machine_config cfg = {.cpus = 1, .step_bound = UINT64_MAX / 2};
	uint64_t stid, ctid;

	if (sim_machine_create(&cfg, &sm, err, sizeof(err)) != 0)
		return 0;
	int sp = uk_kernel_register_program(sm->k, "server", server);
	int cp = uk_kernel_register_program(sm->k, "client", client);
	struct uk_spawn ss = {.program = (unsigned)sp, .arg = (uint64_t)(uintptr_t)b, .prio = 100,
			      .max_prio = 100, .affinity = 1, .name = "server"};
	struct uk_spawn cs = ss;
	cs.program = (unsigned)cp;
	cs.name = "client";
	if (sp < 0 || cp < 0 || uk_kernel_spawn(sm->k, &ss, &stid) != 0 ||
	    uk_kernel_spawn(sm->k, &cs, &ctid) != 0) {
		sim_machine_destroy(sm);
		return 0;
	}
	int se = uk_kernel_ipc_endpoint(sm->k, stid, UK_EP_STRATEGY(b->strategy));
	int ce = se < 0 ? se : uk_kernel_give_handle(sm->k, stid, (uint32_t)se, ctid, UK_RIGHT_WRITE, 1);
	b->srv_ep = (uint32_t)se;
	b->cli_ep = (uint32_t)ce;
	enum sim_result r = se < 0 || ce < 0 ? SIM_ERROR : sim_machine_run(sm);
	sim_machine_destroy(sm);
	if (r != SIM_DONE || b->rc != 0 || b->t1 <= b->t0)
		return 0;
	return b->t1 - b->t0;
}

static uint64_t bench_ipc_call_reply(uint64_t iters)
{
	struct ibench b = {.iters = iters, .strategy = UK_XFER_PHYSMAP};
	return run_pair(cr_server, cr_client, &b);
}

static uint64_t bench_xfer(uint64_t iters, unsigned strategy)
{
	struct ibench b = {.iters = iters, .strategy = strategy};
	return run_pair(xf_server, xf_client, &b);
}

static uint64_t bench_xfer_physmap(uint64_t iters)
{
	return bench_xfer(iters, UK_XFER_PHYSMAP);
}

static uint64_t bench_xfer_window(uint64_t iters)
{
	return bench_xfer(iters, UK_XFER_WINDOW);
}

static uint64_t bench_xfer_grant(uint64_t iters)
{
	return bench_xfer(iters, UK_XFER_GRANT);
}

const struct sim_bench sim_bench_ipc[] = {
	{"ipc_call_reply", "ns", SIM_BENCH_NS_PER_OP, bench_ipc_call_reply,
	 "one simulated call + reply round trip (4-word messages) between two processes on one CPU"},
	{"xfer_4k_physmap", "ns", SIM_BENCH_NS_PER_OP, bench_xfer_physmap,
	 "one simulated 4 KiB transfer out of a client, physmap strategy"},
	{"xfer_4k_window", "ns", SIM_BENCH_NS_PER_OP, bench_xfer_window,
	 "one simulated 4 KiB transfer out of a client, window strategy"},
	{"xfer_4k_grant", "ns", SIM_BENCH_NS_PER_OP, bench_xfer_grant,
	 "one simulated 4 KiB transfer out of a client through a grant"},
	{0},
};
