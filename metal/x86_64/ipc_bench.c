/* SPDX-License-Identifier: MIT */
/*
 * ipc_bench.c: the IPC round trip, measured on the machine.
 *
 * These two programs run as the simulator's programs do: C functions on
 * their threads' stacks, calling uk_call / uk_reply_recv from ukern/ipc.h,
 * in ring 0. They cannot run in ring 3 yet: the IPC wrappers load and store
 * the message registers through uk_user_regs(u), a block in kernel memory
 * (metal/README.md, docs/porting.md). So this measures the kernel's IPC
 * path (syscall entry, endpoint, handoff switch, reply) without the ring
 * transitions; the SYSCALL/SYSRET pair is measured beside it by a ring-3
 * null system call (user/main.c).
 */
#include <ukern/ipc.h>
#include <ukern/user.h>

#include "metal.h"
#include "metal_user.h"

#define IPC_ROUNDS 500u

struct ipc_result ipc_results[2]; /* 0: same CPU, 1: cross-CPU */
static int server_prog = -1;
static uint64_t samples[2][IPC_ROUNDS];

static uint64_t median(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++) /* insertion sort: 2,000 values, once */
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

static void ipc_server(struct uk_user *u, uint64_t ep)
{
	struct uk_msg m = { 0 };
	long reply = uk_reply_create(u);
	if (reply < 0 || uk_recv(u, (uint32_t)ep, &m, (uint32_t)reply) < 0)
		return;
	for (;;) {
		m.label++;
		m.words = 1;
		if (uk_reply_recv(u, (uint32_t)reply, &m, (uint32_t)ep) < 0)
			return;
	}
}

/* arg: which measurement (0 same CPU, 1 cross-CPU); the client runs on CPU
 * 0 and starts its server on CPU 0 or the last CPU. */
static void ipc_client(struct uk_user *u, uint64_t which)
{
	struct uk_arch *a = &metal_arch;
	struct ipc_result *r = &ipc_results[which];
	unsigned server_cpu = which ? a->ncpus - 1 : 0;
	/* One measurement at a time: the cross-CPU one waits for the other. */
	while (which && !__atomic_load_n(&ipc_results[0].done, __ATOMIC_ACQUIRE))
		uk_sys_sleep(u, 1000000);
	long ep = uk_ep_create(u, 0);
	long th = ep < 0 ? ep :
		uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, (unsigned)server_prog, (uint64_t)ep, 150,
				     1ull << server_cpu);
	if (th < 0 || uk_sys_thread_start(u, (uint32_t)th) < 0) {
		kprintf("metal: ipc bench setup failed: %ld\n", th);
		r->failed = true;
		__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
		return;
	}
	struct uk_msg m = { .label = 0, .words = 1 };
	uint64_t min = ~0ull, sum = 0;
	for (unsigned i = 0; i < IPC_ROUNDS; i++) {
		uint64_t label = m.label;
		m.words = 1;
		uint64_t t0 = rdtsc();
		long rc = uk_call(u, (uint32_t)ep, &m);
		uint64_t dt = rdtsc() - t0;
		if (rc < 0 || m.label != label + 1) {
			r->failed = true;
			break;
		}
		sum += dt;
		samples[which][i] = dt;
		if (dt < min)
			min = dt;
	}
	uk_sys_thread_kill(u, (uint32_t)th);
	r->rounds = IPC_ROUNDS;
	r->mean_ticks = sum / IPC_ROUNDS;
	r->min_ticks = min;
	if (!r->failed)
		r->median_ticks = median(samples[which], IPC_ROUNDS);
	r->server_cpu = server_cpu;
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
}

void ipc_bench_register(struct uk_kernel *k)
{
	server_prog = uk_kernel_register_program(k, "ipc-server", ipc_server);
	int client = uk_kernel_register_program(k, "ipc-client", ipc_client);
	struct uk_arch *a = &metal_arch;
	for (unsigned which = 0; which < (a->ncpus > 1 ? 2u : 1u); which++) {
		struct uk_spawn s = { .program = (unsigned)client, .arg = which, .prio = 150,
				      .max_prio = 150, .affinity = 1, .name = "ipc-client" };
		uint64_t tid;
		if (uk_kernel_spawn(k, &s, &tid) != 0)
			ipc_results[which].failed = true;
	}
}
