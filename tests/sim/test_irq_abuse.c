/* SPDX-License-Identifier: MIT */
/*
 * Check integration tests of the IRQ model calls abused on the simulated
 * machine: a blocking call whose handles are closed while the caller
 * sleeps, the rights every new call checks, random calls with garbage
 * arguments to every model, ports and interrupt objects closed while
 * waited on; the world and drivers of test_irq.c (irq_world.h).
 *
 * One Check suite, "abuse", the meson test irq-abuse (CK_RUN_SUITE).
 */
#include <check.h>

#include "irq_world.h"
#include "suites.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hwmodel/dev.h>
#include <hwmodel/evq.h>
#include <hwmodel/intc.h>
#include <hwmodel/lapic.h>
#include <sim/machine.h>
#include <ukern/irq.h>
#include <ukern/irq_log.h>
#include <ukern/ipc.h>
#include <ukern/devmem.h>
#include <ukern/irq_sys.h>
#include <ukern/irq_model.h>
#include <ukern/models/zircon.h>
#include <ukern/models/sel4.h>
#include <ukern/models/fiasco.h>
#include <ukern/user.h>

/* ------------------------------------------------------------------------ */
/* Model calls abused: a blocking call with a 4th argument whose handles     */
/* are closed while the caller sleeps                                        */
/* ------------------------------------------------------------------------ */

/* A timestamp with UK_IRQ_CALL_BIND's bit: a wait's result the kernel must
 * not take for a bind. */
#define ABUSE_TS ((1ull << 28) | 5)

struct abuse {
	long virt, ntfn, blocked_rc, after[2];
	long trig_rc, close_rc;
};

static void abuse_closer(struct uk_user *u, uint64_t arg)
{
	struct abuse *a = (struct abuse *)(uintptr_t)arg;
	uk_sys_sleep(u, 1 * MS); /* the caller sleeps in its wait by now */
	a->close_rc = uk_sys_handle_close(u, (uint32_t)a->ntfn); /* the last reference */
	a->trig_rc = zx_interrupt_trigger(u, a->virt, 0, ABUSE_TS);
}

static void abuse_main(struct uk_user *u, uint64_t arg)
{
	struct abuse *a = (struct abuse *)(uintptr_t)arg;
	a->virt = zx_interrupt_create(u, 0, 3, ZX_INTERRUPT_VIRTUAL);
	a->ntfn = uk_ntfn_create(u);
	ck_assert_int_gt(a->virt, 0);
	ck_assert_int_gt(a->ntfn, 0);
	long t = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, 1, arg, 100, 0);
	ck_assert_int_gt(t, 0);
	ck_assert_int_eq(uk_sys_thread_start(u, (uint32_t)t), 0);
	/* A blocking wait "about a notification": it must not sleep holding a
	 * notification nobody else keeps alive, nor bind the sink to it. */
	a->blocked_rc = uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)a->virt,
				    UK_ZX_OP_WAIT | UK_IRQ_CALL_BLOCKING, 0, (uint64_t)a->ntfn, 0, 0);
	ck_assert_int_eq(uk_sys_thread_wait(u, (uint32_t)t, 0), 0);
	/* The kernel's allocator still works: new notifications are sound. */
	a->after[0] = uk_ntfn_create(u);
	a->after[1] = uk_ntfn_create(u);
	ck_assert_int_eq(uk_sys_handle_close(u, (uint32_t)a->virt), 0);
}

START_TEST(model_call_blocking_with_ntfn)
{
	static struct uk_irq_builtins b; /* test code: one run at a time */
	struct world *w = world_new(20 * MS);
	struct abuse a = {0};
	uint64_t tid;

	uk_irq_builtins_init(&b);
	ck_assert_int_eq(uk_kernel_irq_set_model(w->sm->k, uk_irq_model_find(&b, "zircon")), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "abuse-main", abuse_main), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "abuse-closer", abuse_closer), 1);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&a, .prio = 100,
			      .max_prio = 200, .name = "abuse-main"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	spawned(w, tid);
	run(w);
	ck_assert_int_eq(a.blocked_rc, UK_EINVAL); /* refused before it sleeps */
	ck_assert_int_eq(a.close_rc, 0);
	ck_assert_int_eq(a.trig_rc, 0);
	ck_assert_int_gt(a.after[0], 0);
	ck_assert_int_gt(a.after[1], 0);
	check_clean(w);
	world_free(w);
}
END_TEST

/* Each new call checks the rights of every handle it is given. */
struct rights_test {
	long port_wait_noread, port_bind_nowrite, bind_nosignal, unbind_nosignal;
	long affinity_nomanage, wake_nomanage, call_nosignal, blocking_nowait;
	long port_as_sink, sink_as_port, garbage[6];
	long sel4_bind_nowait, sel4_bind;
};

static void rights_main(struct uk_user *u, uint64_t arg)
{
	struct rights_test *r = (struct rights_test *)(uintptr_t)arg;
	long port = zx_port_create(u, ZX_PORT_BIND_TO_INTERRUPT);
	long irq = zx_interrupt_create(u, 0, 2, ZX_INTERRUPT_VIRTUAL);
	ck_assert_int_gt(port, 0);
	ck_assert_int_gt(irq, 0);
	long port_w = uk_sys_handle_dup(u, (uint32_t)port, UK_RIGHT_WRITE);
	long port_r = uk_sys_handle_dup(u, (uint32_t)port, UK_RIGHT_READ);
	long irq_w = uk_sys_handle_dup(u, (uint32_t)irq, UK_RIGHT_WAIT);
	long irq_s = uk_sys_handle_dup(u, (uint32_t)irq, UK_RIGHT_SIGNAL);
	ck_assert_int_gt(port_w, 0);
	ck_assert_int_gt(port_r, 0);
	ck_assert_int_gt(irq_w, 0);
	ck_assert_int_gt(irq_s, 0);
	r->port_wait_noread = zx_port_wait(u, port_w, 0);
	r->port_bind_nowrite = zx_interrupt_bind(u, irq, port_r, 1, ZX_INTERRUPT_BIND);
	r->bind_nosignal = zx_interrupt_bind(u, irq_w, port, 1, ZX_INTERRUPT_BIND);
	r->unbind_nosignal = zx_interrupt_bind(u, irq_w, port, 1, ZX_INTERRUPT_UNBIND);
	r->affinity_nomanage = uk_irq_set_affinity(u, irq_s, 0);
	r->wake_nomanage = uk_irq_set_wake(u, irq_s, true);
	r->call_nosignal = uk_irq_model_call(u, irq_w, UK_ZX_OP_TRIGGER, 1);
	/* A blocking call is a wait: the WAIT right, as zx_interrupt_wait's. */
	r->blocking_nowait = uk_irq_model_call(u, irq_s, UK_ZX_OP_WAIT | UK_IRQ_CALL_BLOCKING, 0);
	r->port_as_sink = uk_irq_model_call(u, port, UK_ZX_OP_WAIT, 0);
	r->sink_as_port = zx_port_wait(u, irq, 0);
	r->garbage[0] = uk_syscall6(u, UK_SYS_IRQ_PORT_BIND, (uint64_t)irq, (uint64_t)port,
				    UINT64_MAX, 0, 0, 0);
	r->garbage[1] = uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)irq, UINT64_MAX, 0, 0, 0, 0);
	r->garbage[2] = uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)irq, UK_ZX_OP_WAIT,
				    1ull << 62, 0, 0, 0);
	r->garbage[3] = uk_syscall6(u, UK_SYS_IRQ_SET_AFFINITY, (uint64_t)irq, UINT64_MAX, 0, 0, 0, 0);
	r->garbage[4] = uk_syscall6(u, UK_SYS_IRQ_SET_WAKE, (uint64_t)irq, 2, 0, 0, 0, 0);
	r->garbage[5] = uk_syscall6(u, UK_SYS_IRQ_PORT_CREATE, UINT64_MAX, 0, 0, 0, 0, 0);
	/* Binding a notification is a way of waiting (as UK_SYS_NTFN_BIND_IRQ):
	 * the WAIT right on the handler too. */
	long ntfn = uk_ntfn_create(u);
	long h = uk_sel4_irq_control_get_ioapic(u, 11, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	ck_assert_int_gt(h, 0);
	long h_s = uk_sys_handle_dup(u, (uint32_t)h, UK_RIGHT_SIGNAL);
	r->sel4_bind_nowait = uk_sel4_irq_handler_set_notification(u, h_s, (uint32_t)ntfn, 1);
	r->sel4_bind = uk_sel4_irq_handler_set_notification(u, h, (uint32_t)ntfn, 1);
}

START_TEST(new_calls_check_rights)
{
	static struct uk_irq_builtins b; /* test code: one run at a time */
	struct world *w = world_new(20 * MS);
	struct rights_test r = {0};
	uint64_t tid;

	uk_irq_builtins_init(&b);
	ck_assert_int_eq(uk_kernel_irq_set_model(w->sm->k, uk_irq_model_find(&b, "zircon")), 0);
	ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_GSI, 11,
					       uk_irq_model_find(&b, "sel4"), NULL), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "rights", rights_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&r, .prio = 100,
			      .max_prio = 200, .name = "rights"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	spawned(w, tid);
	run(w);
	ck_assert_int_eq(r.port_wait_noread, UK_EPERM);
	ck_assert_int_eq(r.port_bind_nowrite, UK_EPERM);
	ck_assert_int_eq(r.bind_nosignal, UK_EPERM);
	ck_assert_int_eq(r.unbind_nosignal, UK_EPERM);
	ck_assert_int_eq(r.affinity_nomanage, UK_EPERM);
	ck_assert_int_eq(r.wake_nomanage, UK_EPERM);
	ck_assert_int_eq(r.call_nosignal, UK_EPERM);
	ck_assert_int_eq(r.blocking_nowait, UK_EPERM);
	ck_assert_int_eq(r.port_as_sink, UK_EBADH);
	ck_assert_int_eq(r.sink_as_port, UK_EBADH);
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(r.garbage[i], UK_EINVAL);
	ck_assert_int_eq(r.sel4_bind_nowait, UK_EPERM);
	ck_assert_int_eq(r.sel4_bind, 0);
	check_clean(w);
	world_free(w);
}
END_TEST

/* Random IRQ calls with garbage arguments from several threads of one
 * process, on every model: the kernel must neither crash nor break an
 * invariant, whatever the calls (blocking ones, closes while others sleep
 * in calls, ports closed while bound, handles of the wrong type). */
#define STRESS_THREADS 4
#define STRESS_CALLS 600
#define STRESS_POOL 24

struct stress {
	long pool[STRESS_POOL];
	unsigned prog;
	uint64_t seed;
	unsigned done;
};

static uint64_t stress_next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static uint64_t stress_value(uint64_t *x)
{
	static const uint64_t v[] = {0, 1, 2, 3, 4, 5, 7, 0xffffffffull, 1ull << 28, 1ull << 31,
				     1ull << 62, 1ull << 63, UINT64_MAX, 0x7777, (1ull << 62) - 1};
	uint64_t r = stress_next(x);
	return (r & 1) ? v[(r >> 1) % (sizeof(v) / sizeof(v[0]))] : (r >> 8) % 16;
}

static long stress_handle(struct stress *st, uint64_t *x)
{
	uint64_t r = stress_next(x);
	if ((r & 7) == 0)
		return (long)stress_value(x);
	return st->pool[(r >> 3) % STRESS_POOL];
}

static void stress_thread(struct uk_user *u, uint64_t arg)
{
	struct stress *st = (struct stress *)(uintptr_t)arg;
	uint64_t x = st->seed + uk_sys_clock(u) + 1;

	for (unsigned i = 0; i < STRESS_CALLS; i++) {
		uint64_t r = stress_next(&x);
		unsigned slot = (unsigned)((r >> 8) % STRESS_POOL);
		long h = stress_handle(st, &x), rc = 0;
		uint64_t op = stress_value(&x);
		switch (r % 14) {
		case 0:
			rc = uk_irq_attach(u, (enum uk_irq_source)(1 + (r >> 16) % 5),
					   (unsigned)((r >> 24) % 12), (r >> 32) & 1 ? UK_TRIGGER_EDGE
										 : UK_TRIGGER_LEVEL,
					   UK_POLARITY_HIGH);
			break;
		case 1:
			/* Blocking calls now and then: another thread may wake them. */
			if ((r >> 40) % 8 == 0)
				op |= UK_IRQ_CALL_BLOCKING;
			rc = uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)h, op, stress_value(&x),
					 (r >> 44) & 1 ? (uint64_t)stress_handle(st, &x) : 0, 0, 0);
			break;
		case 2:
			rc = uk_irq_model_call(u, h, (unsigned)(op & 7), stress_value(&x));
			break;
		case 3:
			rc = uk_syscall6(u, UK_SYS_IRQ_PORT_CREATE, (r >> 16) & 3, 0, 0, 0, 0, 0);
			break;
		case 4:
			if ((r >> 40) % 4 == 0) /* blocks while nothing is queued */
				rc = uk_syscall6(u, UK_SYS_IRQ_PORT_WAIT, (uint64_t)h, 0, 0, 0, 0, 0);
			break;
		case 5:
			rc = uk_syscall6(u, UK_SYS_IRQ_PORT_BIND, (uint64_t)h,
					 (uint64_t)stress_handle(st, &x), stress_value(&x), 0, 0, 0);
			break;
		case 6:
			rc = uk_syscall6(u, UK_SYS_IRQ_PORT_UNBIND, (uint64_t)h,
					 (uint64_t)stress_handle(st, &x), 0, 0, 0, 0);
			break;
		case 7:
			rc = uk_syscall6(u, UK_SYS_IRQ_SET_AFFINITY, (uint64_t)h, stress_value(&x), 0, 0,
					 0, 0);
			break;
		case 8:
			rc = uk_syscall6(u, UK_SYS_IRQ_SET_WAKE, (uint64_t)h, stress_value(&x), 0, 0, 0,
					 0);
			break;
		case 9:
			if (h > 0)
				(void)uk_sys_handle_close(u, (uint32_t)h);
			break;
		case 10:
			rc = uk_ntfn_create(u);
			break;
		case 11:
			rc = uk_sys_handle_dup(u, (uint32_t)h, (uint32_t)stress_value(&x) & 0x7f);
			break;
		case 12:
			rc = uk_syscall6(u, UK_SYS_IRQ_ACK + (r >> 16) % 3, (uint64_t)h,
					 stress_value(&x), 0, 0, 0, 0);
			break;
		case 13:
			if ((r >> 40) % 4 == 0) /* may block */
				rc = uk_irq_wait(u, h, stress_value(&x));
			else
				rc = uk_irq_model_call(u, h, UK_FIASCO_IRQ_TRIGGER, 0);
			break;
		}
		if (rc > 0 && rc < (1l << 31))
			st->pool[slot] = rc; /* a handle, perhaps */
		if (i % 16 == 0)
			uk_sys_sleep(u, 50 * US);
	}
	st->done++;
}

static void stress_main(struct uk_user *u, uint64_t arg)
{
	struct stress *st = (struct stress *)(uintptr_t)arg;
	for (int i = 0; i < STRESS_THREADS; i++) {
		long t = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, st->prog, arg, 100, 0);
		ck_assert_int_gt(t, 0);
		ck_assert_int_eq(uk_sys_thread_start(u, (uint32_t)t), 0);
		uk_sys_sleep(u, 10 * US);
	}
	stress_thread(u, arg);
}

static void stress_model(const char *model, uint64_t seed)
{
	static struct uk_irq_builtins b; /* test code: one run at a time */
	struct sim_machine_config cfg = {.cpus = 2, .trace_limit = 1 << 16};
	struct world *w = world_new_machine(200 * MS, &cfg);
	struct stress st = {.seed = seed};
	uint64_t tid;
	char text[200];

	uk_irq_builtins_init(&b);
	ck_assert_int_eq(uk_kernel_irq_set_model(w->sm->k, uk_irq_model_find(&b, model)), 0);
	unsigned lv = add_device(w, HW_IRQ_LEVEL, 9), ed = add_device(w, HW_IRQ_EDGE, 10);
	for (unsigned i = 0; i < 7; i++) {
		at(w, (1 + 3 * i) * MS, lv, HW_ACT_ASSERT, 1);
		at(w, (2 + 3 * i) * MS, ed, HW_ACT_ASSERT, 1);
	}
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "stress-main", stress_main), 0);
	st.prog = (unsigned)uk_kernel_register_program(w->sm->k, "stress", stress_thread);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&st, .prio = 100,
			      .max_prio = 200, .name = "stress-main"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	spawned(w, tid);
	enum sim_result r = sim_machine_run(w->sm);
	ck_assert_msg(r == SIM_DONE || r == SIM_DEADLOCK, "%s seed %llu: run ended %s: %s", model,
		      (unsigned long long)seed, sim_result_name(r), w->sm->e->message);
	uint64_t v = uk_kernel_irq_violation(w->sm->k, text, sizeof(text));
	ck_assert_msg(v == 0, "%s seed %llu: %llu invariant violations, first: %s", model,
		      (unsigned long long)seed, (unsigned long long)v, text);
	world_free(w);
}

START_TEST(random_calls_every_model)
{
	static const char *const models[] = {"managarm", "sel4", "zircon", "linux", "fiasco"};
	/* UK_STRESS_SEEDS: more seeds by hand (the suite runs 6). */
	const char *env = getenv("UK_STRESS_SEEDS");
	uint64_t seeds = env ? strtoull(env, NULL, 10) : 6;
	for (uint64_t seed = 1; seed <= seeds; seed++)
		for (unsigned m = 0; m < 5; m++)
			stress_model(models[m], seed * 0x9e3779b97f4a7c15ull);
}
END_TEST

/* A port whose handle is closed while a thread waits on it and an object
 * is bound to it lives on for both: the waiter gets the packet, and the
 * port goes with the last of them (the waiter, then the bound object). */
struct port_close {
	long port, virt, key, close_port, trig, close_virt, after;
};

static void port_closer(struct uk_user *u, uint64_t arg)
{
	struct port_close *c = (struct port_close *)(uintptr_t)arg;
	uk_sys_sleep(u, 1 * MS); /* the waiter sleeps on the port by now */
	c->close_port = uk_sys_handle_close(u, (uint32_t)c->port);
	uk_sys_sleep(u, 1 * MS);
	c->trig = zx_interrupt_trigger(u, c->virt, 0, 77);
	uk_sys_sleep(u, 1 * MS);
	c->close_virt = uk_sys_handle_close(u, (uint32_t)c->virt); /* the port's last reference */
	c->after = zx_port_create(u, ZX_PORT_BIND_TO_INTERRUPT);
}

static void port_waiter(struct uk_user *u, uint64_t arg)
{
	struct port_close *c = (struct port_close *)(uintptr_t)arg;
	c->port = zx_port_create(u, ZX_PORT_BIND_TO_INTERRUPT);
	c->virt = zx_interrupt_create(u, 0, 5, ZX_INTERRUPT_VIRTUAL);
	ck_assert_int_eq(zx_interrupt_bind(u, c->virt, c->port, 42, ZX_INTERRUPT_BIND), 0);
	long t = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, 1, arg, 100, 0);
	ck_assert_int_gt(t, 0);
	ck_assert_int_eq(uk_sys_thread_start(u, (uint32_t)t), 0);
	c->key = zx_port_wait(u, c->port, 0);
	ck_assert_int_eq(uk_sys_thread_wait(u, (uint32_t)t, 0), 0);
}

START_TEST(port_closed_while_waited_on_and_bound)
{
	static struct uk_irq_builtins b; /* test code: one run at a time */
	struct world *w = world_new(20 * MS);
	struct port_close c = {0};
	uint64_t tid;

	uk_irq_builtins_init(&b);
	ck_assert_int_eq(uk_kernel_irq_set_model(w->sm->k, uk_irq_model_find(&b, "zircon")), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "port-waiter", port_waiter), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "port-closer", port_closer), 1);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&c, .prio = 100,
			      .max_prio = 200, .name = "port-waiter"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	spawned(w, tid);
	run(w);
	ck_assert_int_eq(c.close_port, 0);
	ck_assert_int_eq(c.trig, 0);
	ck_assert_int_eq(c.key, 42);
	ck_assert_int_eq(c.close_virt, 0);
	ck_assert_int_gt(c.after, 0);
	check_clean(w);
	world_free(w);
}
END_TEST

/* Zircon: closing the last handle of an interrupt object destroys it
 * (on_zero_handles), so a thread blocked in zx_interrupt_wait on it returns
 * CANCELED, and the line is free for a new object once the waiter let go.
 * (Before: the waiter's own reference kept the object attached, the wait
 * never returned, and the line stayed taken.) */
struct zx_last {
	long virt, wait_rc, close_rc, again;
};

static void zx_last_waiter(struct uk_user *u, uint64_t arg)
{
	struct zx_last *z = (struct zx_last *)(uintptr_t)arg;
	z->wait_rc = zx_interrupt_wait(u, z->virt, NULL);
}

static void zx_last_main(struct uk_user *u, uint64_t arg)
{
	struct zx_last *z = (struct zx_last *)(uintptr_t)arg;
	z->virt = zx_interrupt_create(u, 0, 7, ZX_INTERRUPT_VIRTUAL);
	ck_assert_int_gt(z->virt, 0);
	long t = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, 1, arg, 100, 0);
	ck_assert_int_gt(t, 0);
	ck_assert_int_eq(uk_sys_thread_start(u, (uint32_t)t), 0);
	uk_sys_sleep(u, 1 * MS); /* the waiter blocks in the wait */
	z->close_rc = uk_sys_handle_close(u, (uint32_t)z->virt);
	ck_assert_int_eq(uk_sys_thread_wait(u, (uint32_t)t, 0), 0);
	z->again = zx_interrupt_create(u, 0, 7, ZX_INTERRUPT_VIRTUAL);
}

START_TEST(zircon_last_handle_cancels_wait)
{
	static struct uk_irq_builtins b; /* test code: one run at a time */
	struct world *w = world_new(20 * MS);
	struct zx_last z = {0};
	uint64_t tid;

	uk_irq_builtins_init(&b);
	ck_assert_int_eq(uk_kernel_irq_set_model(w->sm->k, uk_irq_model_find(&b, "zircon")), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "zx-last", zx_last_main), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "zx-last-waiter", zx_last_waiter), 1);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&z, .prio = 100,
			      .max_prio = 200, .name = "zx-last"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	spawned(w, tid);
	run(w);
	ck_assert_int_eq(z.close_rc, 0);
	ck_assert_int_eq(z.wait_rc, UK_ESRCH); /* ZX_ERR_CANCELED */
	ck_assert_int_gt(z.again, 0);
	check_clean(w);
	world_free(w);
}
END_TEST

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	SIM_SUITE(sr, "abuse", 120, model_call_blocking_with_ntfn, new_calls_check_rights,
		  port_closed_while_waited_on_and_bound, random_calls_every_model,
		  zircon_last_handle_cancels_wait);
	return sim_run_suites(sr);
}
