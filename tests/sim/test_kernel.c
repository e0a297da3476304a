/* SPDX-License-Identifier: MIT */
/*
 * Check integration tests of the kernel core on the simulated machine:
 * booting several CPUs, threads running on all of them, user memory through
 * real page tables, isolation, faults, deadlock reports, and random system
 * calls that must never break the kernel.
 *
 * Each Check suite is registered as its own meson test (CK_RUN_SUITE).
 */
#include <check.h>

#include "suites.h"
#include <stdlib.h>
#include <string.h>

#include <sim/machine.h>
#include <sim/rng.h>
#include <ukern/irq.h>
#include <ukern/irq_model.h>
#include <ukern/irq_sys.h>
#include <ukern/user.h>
#include <ukern/ipc.h>
#include <ukern/xfer.h>

/* A test's shared state; programs get a pointer to it as their argument. */
struct world {
	struct sim_machine *sm;
	unsigned ran_on_cpu[SIM_MAX_CPUS];
	unsigned finished;
	long results[64];
	unsigned nresults;
	uint64_t counter;
};

static struct sim_machine *machine(unsigned cpus, const struct uk_kernel_config *kcfg)
{
	char err[256];
	struct sim_machine *sm = NULL;
	struct sim_machine_config cfg = {.cpus = cpus, .kernel = kcfg, .trace_limit = 1 << 16};
	if (sim_machine_create(&cfg, &sm, err, sizeof(err)) != 0)
		ck_abort_msg("machine: %s", err);
	return sm;
}

static uint64_t spawn(struct sim_machine *sm, const char *name, uk_user_entry_fn fn, void *arg,
		      unsigned prio, uint64_t affinity)
{
	int prog = uk_kernel_register_program(sm->k, name, fn);
	ck_assert_int_ge(prog, 0);
	struct uk_spawn s = {.program = (unsigned)prog, .arg = (uint64_t)(uintptr_t)arg,
			     .prio = prio, .max_prio = 255, .affinity = affinity, .name = name};
	uint64_t tid = 0;
	ck_assert_int_eq(uk_kernel_spawn(sm->k, &s, &tid), 0);
	return tid;
}

/* ------------------------------------------------------------------------ */
/* Boot and run                                                             */
/* ------------------------------------------------------------------------ */

static void spin_and_count(struct uk_user *u, uint64_t arg)
{
	struct world *w = (struct world *)(uintptr_t)arg;
	for (int i = 0; i < 20; i++) {
		w->ran_on_cpu[uk_arch_cpu_id(w->sm->arch)]++;
		ck_assert_int_eq(uk_sys_null(u), 0);
		ck_assert_int_eq(uk_sys_yield(u), 0);
	}
	w->finished++;
}

START_TEST(boot_four_cpus)
{
	struct world w = {0};
	w.sm = machine(4, NULL);
	for (unsigned i = 0; i < 8; i++)
		spawn(w.sm, "worker", spin_and_count, &w, 100, 1u << (i % 4));
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	ck_assert_uint_eq(w.finished, 8);
	/* Each thread stayed on the CPU its affinity names, and all four ran. */
	for (unsigned c = 0; c < 4; c++)
		ck_assert_uint_eq(w.ran_on_cpu[c], 40);
	struct uk_kernel_stats st;
	uk_kernel_get_stats(w.sm->k, &st);
	ck_assert_uint_ge(st.syscalls, 8 * 40);
	ck_assert_uint_eq(st.threads_exited, 8);
	ck_assert_uint_eq(uk_kernel_live_count(w.sm->k), 0);
	sim_machine_destroy(w.sm);
}
END_TEST

START_TEST(placement_spreads_threads)
{
	struct world w = {0};
	w.sm = machine(4, NULL);
	for (unsigned i = 0; i < 8; i++)
		spawn(w.sm, "worker", spin_and_count, &w, 100, 0);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	ck_assert_uint_eq(w.finished, 8);
	unsigned used = 0;
	for (unsigned c = 0; c < 4; c++)
		used += w.ran_on_cpu[c] > 0;
	ck_assert_uint_ge(used, 2);
	sim_machine_destroy(w.sm);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* User memory                                                              */
/* ------------------------------------------------------------------------ */

#define VA 0x400000ull

static void memory_roundtrip(struct uk_user *u, uint64_t arg)
{
	struct world *w = (struct world *)(uintptr_t)arg;
	char out[9000], in[9000];
	for (unsigned i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 13);
	w->results[w->nresults++] = uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, VA, 4 * UK_PAGE_SIZE,
						  UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY);
	/* Crosses two page boundaries; pages are filled on first touch. */
	w->results[w->nresults++] = uk_user_write(u, VA + 100, out, sizeof(out));
	memset(in, 0, sizeof(in));
	w->results[w->nresults++] = uk_user_read(u, VA + 100, in, sizeof(in));
	w->results[w->nresults++] = memcmp(in, out, sizeof(in));
	/* Untouched demand-zero memory reads as zeros. */
	uint64_t z = 1;
	w->results[w->nresults++] = uk_user_read(u, VA + 3 * UK_PAGE_SIZE + 8, &z, sizeof(z));
	w->results[w->nresults++] = (long)z;
	/* Read-only after protect: a write goes to the fault path and, with no
	 * handler, kills the thread: the call never returns. */
	w->results[w->nresults++] = uk_sys_vm_protect(u, UK_HANDLE_PROCESS_SELF, VA, UK_PAGE_SIZE,
						      UK_PROT_READ);
	w->finished++;
	uk_user_write(u, VA, out, 1);
	w->results[w->nresults++] = 999; /* must not be reached */
}

START_TEST(user_memory_demand_zero_and_fault_kills)
{
	struct world w = {0};
	w.sm = machine(2, NULL);
	spawn(w.sm, "mem", memory_roundtrip, &w, 100, 0);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	ck_assert_uint_eq(w.nresults, 7);
	for (unsigned i = 0; i < 7; i++)
		ck_assert_int_eq(w.results[i], 0);
	ck_assert_uint_eq(w.finished, 1);
	ck_assert_uint_eq(uk_kernel_live_count(w.sm->k), 0);
	struct uk_kernel_stats st;
	uk_kernel_get_stats(w.sm->k, &st);
	ck_assert_uint_ge(st.demand_zero_fills, 3);
	ck_assert_uint_eq(st.user_faults_killed, 1);
	ck_assert_uint_eq(st.threads_killed, 1);
	sim_machine_destroy(w.sm);
}
END_TEST

/* Two processes map the same virtual address: each sees its own memory. */
static void isolated_writer(struct uk_user *u, uint64_t arg)
{
	struct world *w = (struct world *)(uintptr_t)arg;
	uint64_t tag = (uint64_t)uk_sys_thread_id(u), seen = 0;
	ck_assert_int_eq(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, VA, UK_PAGE_SIZE,
				       UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY), 0);
	ck_assert_int_eq(uk_user_write(u, VA, &tag, sizeof(tag)), 0);
	for (int i = 0; i < 10; i++)
		uk_sys_yield(u);
	ck_assert_int_eq(uk_user_read(u, VA, &seen, sizeof(seen)), 0);
	w->results[w->nresults++] = seen == tag;
	/* Memory the process never mapped is out of reach. */
	w->results[w->nresults++] = uk_sys_futex_wait(u, VA + 64 * UK_PAGE_SIZE, 0) == UK_EFAULT;
}

START_TEST(address_spaces_are_isolated)
{
	struct world w = {0};
	w.sm = machine(2, NULL);
	spawn(w.sm, "a", isolated_writer, &w, 100, 1);
	spawn(w.sm, "b", isolated_writer, &w, 100, 2);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	ck_assert_uint_eq(w.nresults, 4);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_int_eq(w.results[i], 1);
	sim_machine_destroy(w.sm);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Deadlock reports                                                         */
/* ------------------------------------------------------------------------ */

static void wait_forever(struct uk_user *u, uint64_t arg)
{
	(void)arg;
	uint32_t zero = 0;
	ck_assert_int_eq(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, VA, UK_PAGE_SIZE,
				       UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY), 0);
	ck_assert_int_eq(uk_user_write(u, VA, &zero, sizeof(zero)), 0);
	uk_sys_futex_wait(u, VA, 0);
}

START_TEST(deadlock_names_the_waiters)
{
	struct world w = {0};
	w.sm = machine(2, NULL);
	spawn(w.sm, "sleeper-one", wait_forever, &w, 100, 0);
	spawn(w.sm, "sleeper-two", wait_forever, &w, 90, 0);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DEADLOCK);
	const char *msg = w.sm->e->message;
	ck_assert_ptr_nonnull(strstr(msg, "deadlock"));
	ck_assert_ptr_nonnull(strstr(msg, "thread sleeper-one"));
	ck_assert_ptr_nonnull(strstr(msg, "thread sleeper-two"));
	ck_assert_ptr_nonnull(strstr(msg, "waits on futex at 0x400000"));
	sim_machine_destroy(w.sm);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* IRQ models                                                               */
/* ------------------------------------------------------------------------ */

static void attach_shared_line(struct uk_user *u, uint64_t arg)
{
	struct world *w = (struct world *)(uintptr_t)arg;
	w->results[w->nresults++] = uk_irq_attach_gsi(u, 10, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	/* Hold the sink while the other driver attaches. */
	uk_sys_sleep(u, 1000000);
}

/* A model with calls of its own: op 1 doubles its argument. */
static long twice(struct uk_irq_pin *pin, struct uk_irq_sink *sink, unsigned op, uint64_t arg,
		  uint64_t now)
{
	(void)pin, (void)sink, (void)now;
	return op == 1 ? (long)(2 * arg) : UK_EINVAL;
}

static void model_calls(struct uk_user *u, uint64_t arg)
{
	struct world *w = (struct world *)(uintptr_t)arg;
	long h = uk_irq_attach_gsi(u, 10, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	long g = uk_irq_attach_gsi(u, 11, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	w->results[w->nresults++] = uk_irq_model_call(u, h, 1, 21);
	w->results[w->nresults++] = uk_irq_model_call(u, h, 2, 0);
	w->results[w->nresults++] = uk_irq_model_call(u, g, 1, 21); /* managarm: none */
	w->results[w->nresults++] = uk_irq_model_call(u, 12345, 1, 21);
	w->results[w->nresults++] = uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)h, 1ull << 40, 0, 0, 0, 0);
}

/* The syscall reaches the model of the sink's line, and only that one. */
START_TEST(irq_model_calls_reach_the_line_model)
{
	struct uk_irq_builtins bt;
	uk_irq_builtins_init(&bt);
	struct uk_irq_model_ops m = *uk_irq_model_find(&bt, "managarm");
	m.name = "calls";
	m.call = twice;
	struct world w = {0};
	w.sm = machine(1, NULL);
	ck_assert_int_eq(uk_kernel_irq_set_line(w.sm->k, UK_IRQ_SRC_GSI, 10, &m, NULL), 0);
	ck_assert_int_eq(uk_kernel_irq_set_line(w.sm->k, 9, 10, &m, NULL), UK_EINVAL);
	spawn(w.sm, "caller", model_calls, &w, 100, 0);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	ck_assert_uint_eq(w.nresults, 5);
	ck_assert_int_eq(w.results[0], 42);
	ck_assert_int_eq(w.results[1], UK_EINVAL);
	ck_assert_int_eq(w.results[2], UK_ENOSYS);
	ck_assert_int_eq(w.results[3], UK_EBADH);
	ck_assert_int_eq(w.results[4], UK_EINVAL);
	sim_machine_destroy(w.sm);
}
END_TEST

/* Transfer strategies from elsewhere get ids of their own, once each. */
static int copy_nothing(struct uk_xfer_job *x)
{
	(void)x;
	return 0;
}

START_TEST(xfer_strategies_register)
{
	struct uk_xfer_ops mine[13];
	struct sim_machine *sm = machine(1, NULL);
	for (int i = 0; i < 13; i++)
		mine[i] = (struct uk_xfer_ops){.abi = UK_ABI_VERSION, .name = "mine",
					       .copy = copy_nothing};
	ck_assert_int_eq(uk_kernel_xfer_register(sm->k, &mine[0]), UK_XFER_FIRST_EXTRA);
	ck_assert_int_eq(uk_kernel_xfer_register(sm->k, &mine[0]), UK_XFER_FIRST_EXTRA);
	struct uk_xfer_ops builtin[UK_XFER_BUILTINS];
	uk_xfer_builtins_init(builtin);
	ck_assert_str_eq(builtin[UK_XFER_WINDOW - 1].name, "window");
	ck_assert_int_eq(uk_kernel_xfer_register(sm->k, &builtin[UK_XFER_WINDOW - 1]), UK_XFER_WINDOW);
	for (int i = 1; i < 12; i++)
		ck_assert_int_eq(uk_kernel_xfer_register(sm->k, &mine[i]), UK_XFER_FIRST_EXTRA + i);
	ck_assert_int_eq(uk_kernel_xfer_register(sm->k, &mine[12]), UK_ENOMEM);
	/* A plug-in is no grant strategy and takes no built-in's id. */
	struct uk_xfer_ops bad = mine[0];
	bad.grant = true;
	ck_assert_int_eq(uk_kernel_xfer_register(sm->k, &bad), UK_EINVAL);
	bad = mine[0];
	bad.id = UK_XFER_PHYSMAP;
	ck_assert_int_eq(uk_kernel_xfer_register(sm->k, &bad), UK_EINVAL);
	sim_machine_destroy(sm);
}
END_TEST

/* Two drivers attach to one line: the ukern protocol shares it; seL4's
 * one-handler model refuses the second. */
static void shared_line_under(const struct uk_irq_model_ops *model, long *first, long *second)
{
	struct world w = {0};
	w.sm = machine(1, NULL);
	ck_assert_int_eq(uk_kernel_irq_set_model(w.sm->k, model), 0);
	spawn(w.sm, "drv-a", attach_shared_line, &w, 100, 0);
	spawn(w.sm, "drv-b", attach_shared_line, &w, 90, 0);
	ck_assert_int_eq(sim_machine_run(w.sm), SIM_DONE);
	ck_assert_uint_eq(w.nresults, 2);
	*first = w.results[0];
	*second = w.results[1];
	sim_machine_destroy(w.sm);
}

START_TEST(irq_model_is_selectable)
{
	long a, b;
	struct uk_irq_builtins bt;
	uk_irq_builtins_init(&bt);
	shared_line_under(uk_irq_model_find(&bt, "managarm"), &a, &b);
	ck_assert_int_ge(a, 0);
	ck_assert_int_ge(b, 0);
	shared_line_under(uk_irq_model_find(&bt, "sel4"), &a, &b);
	ck_assert_int_ge(a, 0);
	ck_assert_int_eq(b, UK_EBUSY);
	struct sim_machine *sm = machine(1, NULL);
	/* A table of another ABI version, or one that cannot end an episode. */
	struct uk_irq_model_ops old = bt.model[0];
	old.abi = UK_ABI_VERSION - 1;
	ck_assert_int_eq(uk_kernel_irq_set_model(sm->k, &old), UK_EINVAL);
	struct uk_irq_model_ops mute = bt.model[0];
	mute.answers = UK_IRQ_ANSWER_NAK;
	ck_assert_int_eq(uk_kernel_irq_set_model(sm->k, &mute), UK_EINVAL);
	ck_assert_int_eq(uk_kernel_irq_set_model(sm->k, NULL), UK_EINVAL);
	sim_machine_destroy(sm);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Random system calls                                                      */
/* ------------------------------------------------------------------------ */

static bool documented_result(long rc)
{
	return rc >= 0 || (rc <= UK_EINVAL && rc >= UK_EKILLED);
}

struct chaos {
	struct world *w;
	uint64_t seed;
	unsigned calls;
	unsigned bad;
};

/* Arguments drawn to hit both valid and invalid values often. */
static uint64_t chaos_arg(struct sim_rng *r)
{
	switch (sim_rng_below(r, 8)) {
	case 0: return sim_rng_next(r);
	case 1: return sim_rng_below(r, 8);
	case 2: return 0x100 + sim_rng_below(r, 8); /* well-known handles */
	case 3: return VA + sim_rng_below(r, 4) * UK_PAGE_SIZE + sim_rng_below(r, 3) * 4;
	case 4: return UK_PAGE_SIZE * sim_rng_below(r, 4);
	case 5: return sim_rng_below(r, 256);
	case 6: return (uint64_t)-1 - sim_rng_below(r, 4);
	default: return 1u << sim_rng_below(r, 12);
	}
}

static void chaos_prog(struct uk_user *u, uint64_t arg)
{
	struct chaos *c = (struct chaos *)(uintptr_t)arg;
	struct sim_rng r;
	sim_rng_seed(&r, c->seed);
	uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, VA, 4 * UK_PAGE_SIZE, UK_PROT_READ | UK_PROT_WRITE,
		      UK_VM_LAZY);
	for (unsigned i = 0; i < c->calls; i++) {
		uint64_t a[6];
		for (int k = 0; k < 6; k++)
			a[k] = chaos_arg(&r);
		unsigned nr = (unsigned)sim_rng_below(&r, UK_SYS_COUNT + 4);
		/* Calls that end or block the caller for good are made rarely
		 * by the harness, never at random. */
		if (nr == UK_SYS_THREAD_EXIT || nr == UK_SYS_FUTEX_WAIT || nr == UK_SYS_THREAD_WAIT ||
		    nr == UK_SYS_MUTEX_LOCK || nr == UK_SYS_THREAD_KILL || nr == UK_SYS_SLEEP)
			nr = UK_SYS_NULL;
		long rc = uk_syscall(u, nr, a);
		if (!documented_result(rc))
			c->bad++;
	}
	c->w->finished++;
}

START_TEST(random_syscalls_never_break_the_kernel)
{
	enum { THREADS = 4, CALLS = 25000 };
	struct world w = {0};
	struct chaos c[THREADS];
	w.sm = machine(2, NULL);
	for (unsigned i = 0; i < THREADS; i++) {
		c[i] = (struct chaos){.w = &w, .seed = 1000 + i, .calls = CALLS};
		spawn(w.sm, "chaos", chaos_prog, &c[i], 50 + i * 10, 0);
	}
	enum sim_result r = sim_machine_run(w.sm);
	ck_assert_msg(r == SIM_DONE || r == SIM_DEADLOCK, "result %s: %s", sim_result_name(r),
		      w.sm->e->message);
	unsigned bad = 0;
	for (unsigned i = 0; i < THREADS; i++)
		bad += c[i].bad;
	ck_assert_uint_eq(bad, 0);
	struct uk_kernel_stats st;
	uk_kernel_get_stats(w.sm->k, &st);
	ck_assert_uint_ge(st.syscalls, THREADS * CALLS / 2);
	sim_machine_destroy(w.sm);
}
END_TEST

/* ------------------------------------------------------------------------ */

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	SIM_SUITE(sr, "boot", 60, boot_four_cpus, placement_spreads_threads);
	SIM_SUITE(sr, "memory", 60, user_memory_demand_zero_and_fault_kills, address_spaces_are_isolated);
	SIM_SUITE(sr, "deadlock", 60, deadlock_names_the_waiters, irq_model_is_selectable,
		  irq_model_calls_reach_the_line_model, xfer_strategies_register);
	SIM_SUITE(sr, "chaos", 300, random_syscalls_never_break_the_kernel);
	return sim_run_suites(sr);
}
