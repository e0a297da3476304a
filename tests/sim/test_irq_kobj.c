/* SPDX-License-Identifier: MIT */
/*
 * Check integration tests of the IRQ kernel objects around the simulated
 * machine (libukern/irq/irq_kobj.c): line routing and settings, vectors,
 * affinity, suspend and wake, deferred moves, model calls and ports, the
 * checking build's violation report; the world and drivers of test_irq.c
 * (irq_world.h), plus host calls at given virtual times.
 *
 * One Check suite, "kobj", the meson test irq-kobj (CK_RUN_SUITE).
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
/* The kernel objects around the machine (libukern/irq/irq_kobj.c)          */
/* ------------------------------------------------------------------------ */

/* A host call at a virtual time: what the platform does between two steps
 * (a request, a look at the counters, a write behind the kernel's back). */
struct host_ev {
	struct hw_event ev; /* first: the engine hands us this pointer */
	struct world *w;
	void (*fn)(struct world *w, uint64_t now, const uint64_t arg[3]);
	uint64_t arg[3];
};

static void host_ev_fire(struct hw_event *ev, uint64_t now)
{
	struct host_ev *h = (struct host_ev *)ev;
	h->fn(h->w, now, h->arg);
}

static void at_host(struct world *w, uint64_t t,
		    void (*fn)(struct world *w, uint64_t now, const uint64_t arg[3]), uint64_t a0,
		    uint64_t a1, uint64_t a2)
{
	if (!w->hev)
		w->hev = calloc(8, sizeof(*w->hev));
	ck_assert_ptr_nonnull(w->hev);
	ck_assert_uint_lt(w->nhev, 8);
	struct host_ev *h = &w->hev[w->nhev++];
	*h = (struct host_ev){.w = w, .fn = fn, .arg = {a0, a1, a2}};
	hw_event_init(&h->ev, host_ev_fire);
	ck_assert_int_eq(hw_evq_insert(&w->sm->e->evq, &h->ev, t), 0);
}

/* The platform's request (power button, management controller), carried
 * out by the kernel in the UK_VEC_HOST interrupt on CPU 0. */
static void host_request_fire(struct world *w, uint64_t now, const uint64_t arg[3])
{
	ck_assert_int_eq(uk_kernel_host_request(w->sm->k, (enum uk_host_request)arg[0], arg[1],
						arg[2]), 0);
	hw_lapic_deliver(w->sm->hw, 0, now, UK_VEC_HOST, false, HW_SRC_IPI);
}

/* Trace records of `kind` (and, unless ANY, first argument a0). */
static unsigned count_trace(const struct world *w, uint16_t kind, uint64_t a0)
{
	const struct sim_trace *t = &w->sm->e->trace;
	unsigned n = 0;
	ck_assert(!t->truncated);
	for (size_t i = 0; i < t->len; i++)
		n += t->recs[i].kind == kind && (a0 == ANY || t->recs[i].a == a0);
	return n;
}

static const struct sim_trace_rec *nth_trace(const struct world *w, uint16_t kind, unsigned n)
{
	const struct sim_trace *t = &w->sm->e->trace;
	for (size_t i = 0; i < t->len; i++)
		if (t->recs[i].kind == kind && n-- == 0)
			return &t->recs[i];
	return NULL;
}

/* A model that breaks the machine's rules on request (a model's hook may
 * write only pin->model_data): the checking build must report each broken
 * invariant, with the pin, the sink at fault and the transition, and keep
 * the first report's text for the host. */
#define BREAK_SEQ 1   /* a sink's sequence jumps (I9, that sink) */
#define BREAK_OWED 2  /* the sequence is put back, the owed count is off (I1) */
#define BREAK_MEND 3  /* everything as it was */
#define READ_PARAM 4  /* (no breakage) the host's model parameter `arg` */

static long breaker_call(struct uk_irq_pin *pin, struct uk_irq_sink *sink, unsigned op,
			 uint64_t arg, uint64_t now)
{
	(void)arg, (void)now;
	switch (op) {
	case BREAK_SEQ:
		sink->seq += 3;
		return 0;
	case BREAK_OWED:
		sink->seq -= 3;
		pin->owed++;
		return 0;
	case BREAK_MEND:
		pin->owed--;
		return 0;
	case READ_PARAM:
		return arg < 4 ? (long)pin->host->model_param[arg] : UK_EINVAL;
	}
	return UK_ENOSYS;
}

static const struct uk_irq_model_ops breaker_model = {
	.abi = UK_ABI_VERSION, .name = "rule-breaker", .answers = UK_IRQ_ANSWER_ACK,
	.invariants = UK_IRQ_INV_ALL, .liveness = UK_IRQ_LIVE(1) | UK_IRQ_LIVE(3),
	.call = breaker_call};

struct breaker_run {
	long virt[11], extra, h, call[3];
};

static void breaker_main(struct uk_user *u, uint64_t arg)
{
	struct breaker_run *r = (struct breaker_run *)(uintptr_t)arg;
	/* Pins 0..10 and sinks 0..10 first, then one more sink on pin 0: the
	 * breaker's line is pin 11, its sink 12 (two-digit numbers). */
	for (unsigned i = 0; i < 11; i++)
		r->virt[i] = uk_irq_attach(u, UK_IRQ_SRC_VIRTUAL, i, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	r->extra = uk_irq_attach(u, UK_IRQ_SRC_VIRTUAL, 0, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	r->h = uk_irq_attach(u, UK_IRQ_SRC_VIRTUAL, 20, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	r->call[0] = uk_irq_model_call(u, r->h, BREAK_SEQ, 0);
	r->call[1] = uk_irq_model_call(u, r->h, BREAK_OWED, 0);
	r->call[2] = uk_irq_model_call(u, r->h, BREAK_MEND, 0);
}

START_TEST(kobj_violation_report)
{
	struct world *w = world_new(10 * MS);
	struct breaker_run r = {0};
	uint64_t tid;
	char text[160], small[8];

	ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_VIRTUAL, 20, &breaker_model,
					       NULL), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "breaker", breaker_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&r, .prio = 100,
			      .max_prio = 200, .name = "breaker"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	run(w);

	for (unsigned i = 0; i < 11; i++)
		ck_assert_int_gt(r.virt[i], 0);
	ck_assert_int_gt(r.extra, 0);
	ck_assert_int_gt(r.h, 0);
	for (unsigned i = 0; i < 3; i++)
		ck_assert_int_eq(r.call[i], 0);
	/* Two broken transitions, each counted and traced... */
	ck_assert_uint_eq(uk_kernel_irq_violation(w->sm->k, text, sizeof(text)), 2);
	ck_assert_uint_eq(stats(w).irq_violations, 2);
	ck_assert_uint_eq(count_trace(w, UK_TRACE_IRQ_VIOLATION, ANY), 2);
	const struct sim_trace_rec *t0 = nth_trace(w, UK_TRACE_IRQ_VIOLATION, 0);
	const struct sim_trace_rec *t1 = nth_trace(w, UK_TRACE_IRQ_VIOLATION, 1);
	ck_assert_uint_eq(t0->a, 9);
	ck_assert_uint_eq(t0->b, 11);
	ck_assert_uint_eq(t0->c, 12);
	ck_assert_uint_eq(t1->a, 1);
	ck_assert_uint_eq(t1->b, 11);
	ck_assert_uint_eq(t1->c, UINT32_MAX);
	/* ...and the text is the first one's, in full. */
	ck_assert_str_eq(text, "I9 broken on pin 11 sink 12 after model_call: "
			       "sequence is not one per episode");
	/* A short buffer gets a NUL-terminated prefix and nothing past it. */
	memset(small, 'x', sizeof(small));
	ck_assert_uint_eq(uk_kernel_irq_violation(w->sm->k, small, 5), 2);
	ck_assert_str_eq(small, "I9 b");
	ck_assert_int_eq(small[5], 'x');
	ck_assert_uint_eq(uk_kernel_irq_violation(w->sm->k, small, 1), 2);
	ck_assert_int_eq(small[0], '\0');
	ck_assert_int_eq(small[1], '9');
	/* No buffer, or one of no bytes: only the count. */
	ck_assert_uint_eq(uk_kernel_irq_violation(w->sm->k, NULL, 5), 2);
	small[0] = 'x';
	ck_assert_uint_eq(uk_kernel_irq_violation(w->sm->k, small, 0), 2);
	ck_assert_int_eq(small[0], 'x');
	/* Each pin is judged by its own model's liveness properties. */
	ck_assert_uint_eq(uk_kernel_irq_pin_liveness(w->sm->k, 11), UK_IRQ_LIVE(1) | UK_IRQ_LIVE(3));
	ck_assert_uint_eq(uk_kernel_irq_pin_liveness(w->sm->k, 0), UK_IRQ_LIVE_ALL);
	ck_assert_uint_eq(uk_kernel_irq_pin_liveness(w->sm->k, 10), UK_IRQ_LIVE_ALL);
	ck_assert_uint_eq(uk_kernel_irq_pin_liveness(w->sm->k, 12), UK_IRQ_LIVE_ALL); /* none */
	world_free(w);
}
END_TEST

/* The controller's mask bit changed behind the kernel's back (I8): the
 * next transition of the line reports it. */
struct two_attach {
	unsigned pin;
	uint64_t second_at;
	long first, second;
};

static void two_attach_main(struct uk_user *u, uint64_t arg)
{
	struct two_attach *a = (struct two_attach *)(uintptr_t)arg;
	a->first = uk_irq_attach(u, UK_IRQ_SRC_GSI, a->pin, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	uk_sys_sleep_until(u, a->second_at);
	a->second = uk_irq_attach(u, UK_IRQ_SRC_GSI, a->pin, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
}

static void host_mask_fire(struct world *w, uint64_t now, const uint64_t arg[3])
{
	ck_assert_int_eq(hw_intc_mask(w->sm->hw, (unsigned)arg[0], (unsigned)arg[1], arg[2] != 0,
				      now), 0);
}

START_TEST(kobj_controller_mask_behind_kernel)
{
	struct world *w = world_new(10 * MS);
	struct two_attach a = {.pin = 6, .second_at = 3 * MS};
	uint64_t tid;
	char text[160];

	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "two-attach", two_attach_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&a, .prio = 100,
			      .max_prio = 200, .name = "two-attach"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	at_host(w, 2 * MS, host_mask_fire, IOAPIC, 6, 1);
	run(w);

	ck_assert_int_gt(a.first, 0);
	ck_assert_int_gt(a.second, 0);
	ck_assert_uint_ge(uk_kernel_irq_violation(w->sm->k, text, sizeof(text)), 1);
	ck_assert_str_eq(text, "I8 broken on pin 0 after attach: controller mask bit differs");
	world_free(w);
}
END_TEST

/* The host routes a line that is not made yet (UK_HOST_ROUTE): the line is
 * made on that CPU, whichever CPU attaches it, and its interrupts are taken
 * there without a move. */
START_TEST(kobj_route_before_line_made)
{
	struct sim_machine_config cfg = {.cpus = 2, .trace_limit = 1 << 16};
	struct world *w = world_new_machine(20 * MS, &cfg);
	unsigned dv = add_device(w, HW_IRQ_LEVEL, 5);
	struct drv d = gsi_driver(5, UK_TRIGGER_LEVEL, dv);
	d.attach_at = 2 * MS;
	spawn_driver_on(w, &d, "drv-routed", 100, 1ull << 0); /* runs on CPU 0 */
	at_host(w, 1 * MS, host_request_fire, UK_HOST_ROUTE, (uint64_t)UK_IRQ_SRC_GSI << 32 | 5, 1);
	at(w, 4 * MS, dv, HW_ACT_ASSERT, 1);
	/* Then the line, made, goes back to CPU 0: a move, its next interrupt there. */
	at_host(w, 8 * MS, host_request_fire, UK_HOST_ROUTE, (uint64_t)UK_IRQ_SRC_GSI << 32 | 5, 0);
	at(w, 12 * MS, dv, HW_ACT_ASSERT, 2);
	run(w);

	ck_assert_int_gt(d.attach_rc, 0);
	ck_assert_uint_eq(d.episodes, 2);
	ck_assert(d.mine[0] && d.mine[1]);
	ck_assert_int_eq(d.answer[0], 0);
	ck_assert_int_eq(d.answer[1], 0);
	/* Made on CPU 1: routed there at once ([pin, cpu, 2]), not moved. */
	const struct sim_trace_rec *route = nth_trace(w, UK_TRACE_IRQ_ROUTE, 0);
	ck_assert_ptr_nonnull(route);
	ck_assert_uint_eq(route->b, 1);
	ck_assert_uint_eq(route->c, 2);
	ck_assert_uint_eq(route->cpu, 0); /* made by the driver on CPU 0 */
	const struct sim_trace_rec *begin = nth_trace(w, UK_TRACE_IRQ(UK_IRQ_EV_BEGIN), 0);
	ck_assert_ptr_nonnull(begin);
	ck_assert_uint_eq(begin->cpu, 1);
	begin = nth_trace(w, UK_TRACE_IRQ(UK_IRQ_EV_BEGIN), 1);
	ck_assert_ptr_nonnull(begin);
	ck_assert_uint_eq(begin->cpu, 0);
	ck_assert_uint_eq(stats(w).irq_moves, 1);
	ck_assert_uint_eq(hw_ioapic_rte(w->sm->hw, 5) >> HW_RTE_DEST_SHIFT, 0);
	check_clean(w);
	world_free(w);
}
END_TEST

/* 64 lines can have settings; the 65th is refused (UK_ENOMEM) by every
 * host call that would make one, a route request included, and the lines
 * keep working. A route request the kernel refuses (no such kind of line,
 * or a kind that has no route) takes no setting. */
static void host_settings_fire(struct world *w, uint64_t now, const uint64_t arg[3])
{
	struct uk_kernel *k = w->sm->k;
	(void)now, (void)arg;
	ck_assert_int_eq(uk_kernel_irq_set_line(k, UK_IRQ_SRC_MSI, 63, NULL, NULL), 0); /* the 64th */
	ck_assert_int_eq(uk_kernel_irq_set_line(k, UK_IRQ_SRC_MSI, 62, NULL, NULL), 0); /* had one */
	ck_assert_int_eq(uk_kernel_irq_set_line(k, UK_IRQ_SRC_MSI, 64, NULL, NULL), UK_ENOMEM);
	ck_assert_int_eq(uk_kernel_irq_set_line(k, UK_IRQ_SRC_GSI, 7, NULL, NULL), UK_ENOMEM);
	ck_assert_int_eq(uk_kernel_irq_set_line_wake(k, UK_IRQ_SRC_GSI, 7, true), UK_ENOMEM);
}

static void host_bad_routes_fire(struct world *w, uint64_t now, const uint64_t arg[3])
{
	(void)arg;
	static const uint64_t bad[] = {0, UK_IRQ_SRC_VIRTUAL, UK_IRQ_SRC_PERCPU, 6};
	for (unsigned i = 0; i < 4; i++)
		ck_assert_int_eq(uk_kernel_host_request(w->sm->k, UK_HOST_ROUTE, bad[i] << 32 | 9, 0),
				 0);
	hw_lapic_deliver(w->sm->hw, 0, now, UK_VEC_HOST, false, HW_SRC_IPI);
}

START_TEST(kobj_line_settings_full)
{
	struct world *w = world_new(20 * MS);
	struct uk_kernel *k = w->sm->k;
	for (unsigned i = 0; i < 63; i++)
		ck_assert_int_eq(uk_kernel_irq_set_line(k, UK_IRQ_SRC_MSI, i, NULL, NULL), 0);
	unsigned dv = add_device(w, HW_IRQ_LEVEL, 7);
	struct drv d = gsi_driver(7, UK_TRIGGER_LEVEL, dv);
	d.attach_at = 2 * MS;
	spawn_driver(w, &d, "drv-7", 100);
	at_host(w, 500 * US, host_bad_routes_fire, 0, 0, 0);
	at_host(w, 1 * MS, host_settings_fire, 0, 0, 0);
	/* A route request for a line not made, with no room for its setting. */
	at_host(w, 1500 * US, host_request_fire, UK_HOST_ROUTE, (uint64_t)UK_IRQ_SRC_GSI << 32 | 7, 0);
	at(w, 4 * MS, dv, HW_ACT_ASSERT, 1);
	run(w);

	ck_assert_int_gt(d.attach_rc, 0);
	ck_assert_uint_eq(d.episodes, 1);
	ck_assert_int_eq(d.answer[0], 0);
	struct uk_pm_info pm;
	uk_kernel_pm_info(k, &pm);
	ck_assert_uint_eq(pm.wake_lines, 0);
	check_clean(w);
	world_free(w);
}
END_TEST

/* uk_kernel_irq_set_line_wake on lines made already: exactly the line of
 * that kind and source, on whatever CPU (2 CPUs: an IOAPIC pin 13 is not
 * a per-CPU input 1 of CPU 1). */
struct many_attach {
	long h[4];
};

static void many_attach_main(struct uk_user *u, uint64_t arg)
{
	struct many_attach *m = (struct many_attach *)(uintptr_t)arg;
	m->h[0] = uk_irq_attach(u, UK_IRQ_SRC_GSI, 1, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	m->h[1] = uk_irq_attach(u, UK_IRQ_SRC_GSI, 2, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	m->h[2] = uk_irq_attach(u, UK_IRQ_SRC_GSI, 13, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	m->h[3] = uk_irq_attach(u, UK_IRQ_SRC_MSI, 7, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
}

START_TEST(kobj_wake_setting_reaches_made_lines)
{
	struct sim_machine_config cfg = {.cpus = 2, .trace_limit = 1 << 16};
	struct world *w = world_new_machine(5 * MS, &cfg);
	struct many_attach m = {0};
	struct uk_pm_info pm;
	uint64_t tid;

	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "many", many_attach_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&m, .prio = 100,
			      .max_prio = 200, .name = "many"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	run(w);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_int_gt(m.h[i], 0);

	uk_kernel_pm_info(w->sm->k, &pm);
	ck_assert_uint_eq(pm.wake_lines, 0);
	/* Virtual line 2 is not GSI 2: a setting for later, no made line. */
	ck_assert_int_eq(uk_kernel_irq_set_line_wake(w->sm->k, UK_IRQ_SRC_VIRTUAL, 2, true), 0);
	uk_kernel_pm_info(w->sm->k, &pm);
	ck_assert_uint_eq(pm.wake_lines, 0);
	ck_assert_int_eq(uk_kernel_irq_set_line_wake(w->sm->k, UK_IRQ_SRC_GSI, 13, true), 0);
	uk_kernel_pm_info(w->sm->k, &pm);
	ck_assert_uint_eq(pm.wake_lines, 1);
	ck_assert_int_eq(uk_kernel_irq_set_line_wake(w->sm->k, UK_IRQ_SRC_MSI, 7, true), 0);
	uk_kernel_pm_info(w->sm->k, &pm);
	ck_assert_uint_eq(pm.wake_lines, 2);
	ck_assert_int_eq(uk_kernel_irq_set_line_wake(w->sm->k, UK_IRQ_SRC_GSI, 13, false), 0);
	uk_kernel_pm_info(w->sm->k, &pm);
	ck_assert_uint_eq(pm.wake_lines, 1);
	world_free(w);
}
END_TEST

/* An affinity change asked for in service waits for the episode's end;
 * when the end is the stall's retry (a timer, no interrupt, no call), the
 * move is made then. */
struct mover {
	unsigned pin;
	long h, aff, nak, episodes;
};

static void mover_main(struct uk_user *u, uint64_t arg)
{
	struct mover *m = (struct mover *)(uintptr_t)arg;
	m->h = uk_irq_attach(u, UK_IRQ_SRC_GSI, m->pin, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	long seq = uk_irq_wait(u, m->h, 0);
	m->episodes++;
	m->aff = uk_irq_set_affinity(u, m->h, 1);
	m->nak = uk_irq_nak(u, m->h, (uint64_t)seq); /* not mine: stall, retry in 100 ms */
}

START_TEST(kobj_deferred_move_at_stall_retry)
{
	struct sim_machine_config cfg = {.cpus = 2, .trace_limit = 1 << 16};
	struct world *w = world_new_machine(300 * MS, &cfg);
	unsigned dv = add_device(w, HW_IRQ_EDGE, 9);
	struct mover m = {.pin = 9};
	uint64_t tid;

	int prog = uk_kernel_register_program(w->sm->k, "mover", mover_main);
	ck_assert_int_ge(prog, 0);
	struct uk_spawn sp = {.program = (unsigned)prog, .arg = (uint64_t)(uintptr_t)&m,
			      .prio = 100, .max_prio = 200, .affinity = 1, .name = "mover"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	spawned(w, tid);
	at(w, 1 * MS, dv, HW_ACT_ASSERT, 1);
	run(w);

	ck_assert_int_gt(m.h, 0);
	ck_assert_int_eq(m.episodes, 1);
	ck_assert_int_eq(m.aff, 0);
	ck_assert_int_eq(m.nak, 0);
	ck_assert_uint_eq(count_end(w, UK_IRQ_END_RETRIED), 1);
	struct uk_kernel_stats st = stats(w);
	ck_assert_uint_eq(st.irq_moves_deferred, 1);
	ck_assert_uint_eq(st.irq_moves, 1);
	ck_assert_uint_eq(hw_ioapic_rte(w->sm->hw, 9) >> HW_RTE_DEST_SHIFT, 1);
	/* Moved at the retry, ~101 ms: [pin, 1, 0]. */
	const struct sim_trace_rec *mv = NULL;
	for (unsigned i = 0; (mv = nth_trace(w, UK_TRACE_IRQ_ROUTE, i)) && mv->c != 0; i++)
		;
	ck_assert_ptr_nonnull(mv);
	ck_assert_uint_eq(mv->b, 1);
	ck_assert_uint_ge(mv->time, 101 * MS);
	ck_assert_uint_lt(mv->time, 102 * MS);
	world_free(w);
}
END_TEST

/* A virtual line has no polarity to program: an edge configure is a no-op
 * that succeeds, a level one is refused. */
struct virt_cfg {
	long h, edge, level, low, last, past, level_attach;
};

static void virt_cfg_main(struct uk_user *u, uint64_t arg)
{
	struct virt_cfg *c = (struct virt_cfg *)(uintptr_t)arg;
	c->h = uk_irq_attach(u, UK_IRQ_SRC_VIRTUAL, 3, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	c->edge = uk_irq_configure(u, c->h, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	c->low = uk_irq_configure(u, c->h, UK_TRIGGER_EDGE, UK_POLARITY_LOW);
	c->level = uk_irq_configure(u, c->h, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	/* Virtual lines 0..63, edge only. */
	c->last = uk_irq_attach(u, UK_IRQ_SRC_VIRTUAL, UK_IRQ_VIRTUAL_LINES - 1, UK_TRIGGER_EDGE,
				UK_POLARITY_HIGH);
	c->past = uk_irq_attach(u, UK_IRQ_SRC_VIRTUAL, UK_IRQ_VIRTUAL_LINES, UK_TRIGGER_EDGE,
				UK_POLARITY_HIGH);
	c->level_attach = uk_irq_attach(u, UK_IRQ_SRC_VIRTUAL, 4, UK_TRIGGER_LEVEL,
					UK_POLARITY_HIGH);
}

START_TEST(kobj_virtual_configure)
{
	struct world *w = world_new(5 * MS);
	struct virt_cfg c = {0};
	uint64_t tid;

	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "virt-cfg", virt_cfg_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&c, .prio = 100,
			      .max_prio = 200, .name = "virt-cfg"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	run(w);
	ck_assert_int_gt(c.h, 0);
	ck_assert_int_eq(c.edge, 0);
	ck_assert_int_eq(c.low, 0);
	ck_assert_int_eq(c.level, UK_EINVAL);
	ck_assert_int_gt(c.last, 0);
	ck_assert_int_eq(c.past, UK_EINVAL);
	ck_assert_int_eq(c.level_attach, UK_EINVAL);
	check_clean(w);
	world_free(w);
}
END_TEST

/* A PLIC line whose behaviour masks it while claimed and completes before
 * the unmask: the PLIC ignores the completion of the disabled source, which
 * stays claimed and raises nothing more (docs: scenarios/designs/README.md).
 * The kernel reopens a source for its completion only for its own suspend
 * mask; a behaviour's mask is left to show what it does. */
START_TEST(kobj_plic_claim_masked_complete_first_strands)
{
	static const struct uk_irq_behaviour strand = {
		.abi = UK_ABI_VERSION, .name = "claim-masked-complete-first",
		.set = UK_INTC_MASK_IN_SERVICE, .flags = UK_IRQ_BHV_EOS_BEFORE_UNMASK};
	struct world *w = world_new_cfg(20 * MS, 8);
	int plic = hw_intc_find(w->sm->hw, HW_INTC_PLIC);
	ck_assert_int_ge(plic, 0);
	ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_PLIC, 3, NULL, &strand), 0);
	unsigned dv = add_device_on(w, HW_IRQ_LEVEL, (unsigned)plic, 3);
	struct drv d = {.src = UK_IRQ_SRC_PLIC, .source = 3, .trig = UK_TRIGGER_LEVEL, .dev = dv};
	spawn_driver(w, &d, "drv-plic", 100);
	at(w, 1 * MS, dv, HW_ACT_ASSERT, 1);
	at(w, 5 * MS, dv, HW_ACT_ASSERT, 2);
	run(w);

	ck_assert_uint_eq(d.episodes, 1); /* the second assertion never arrives */
	ck_assert(d.mine[0]);
	ck_assert_int_eq(d.answer[0], 0);
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_EOS, ANY, 0), 1);
	ck_assert(hw_intc_line(w->sm->hw, (unsigned)plic, 3)); /* still asserted */
	world_free(w);
}
END_TEST

/* 192 device vectors: a line more is refused (UK_ENOMEM) and changes
 * nothing; the lines made work. (Lines outlive their sinks: each handle is
 * closed at once, the process has 128.) */
struct vec_fill {
	long bad, last, h, seq, ack;
};

static void vec_fill_main(struct uk_user *u, uint64_t arg)
{
	struct vec_fill *v = (struct vec_fill *)(uintptr_t)arg;
	for (unsigned i = 0; i < 192; i++) {
		long h = uk_irq_attach(u, UK_IRQ_SRC_MSI, i, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
		if (h <= 0 || uk_sys_handle_close(u, (uint32_t)h) != 0)
			v->bad++;
	}
	v->last = uk_irq_attach(u, UK_IRQ_SRC_MSI, 192, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	/* A line made already needs no new vector. */
	v->h = uk_irq_attach(u, UK_IRQ_SRC_MSI, 191, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	v->seq = uk_irq_wait(u, v->h, 0);
	v->ack = uk_irq_ack(u, v->h, (uint64_t)v->seq);
}

START_TEST(kobj_vectors_exhausted)
{
	struct sim_machine_config cfg = {.cpus = 1, .trace_limit = 1 << 16, .msi_sources = 256};
	struct world *w = world_new_machine(20 * MS, &cfg);
	struct vec_fill v = {0};
	uint64_t tid;

	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "vec-fill", vec_fill_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&v, .prio = 100,
			      .max_prio = 200, .name = "vec-fill"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	msi_at(w, 10 * MS, 191);
	run(w);
	ck_assert_int_eq(v.bad, 0);
	ck_assert_int_eq(v.last, UK_ENOMEM);
	ck_assert_int_gt(v.h, 0);
	ck_assert_int_eq(v.seq, 1);
	ck_assert_int_eq(v.ack, 0);
	ck_assert_uint_eq(stats(w).irq_episodes, 1);
	ck_assert_uint_eq(count_trace(w, UK_TRACE_IRQ_ROUTE, ANY), 192);
	ck_assert_uint_eq(uk_kernel_irq_violation(w->sm->k, NULL, 0), 0); /* (too many pins for L1..L7) */
	world_free(w);
}
END_TEST

/* A line the controller refuses to route (PLIC source 0 does not exist) is
 * not made: the attach fails, and the object it took goes back to the
 * allocator, however often it is tried. */
struct refused {
	long first, rest_bad, after;
};

static void refused_main(struct uk_user *u, uint64_t arg)
{
	struct refused *r = (struct refused *)(uintptr_t)arg;
	r->first = uk_irq_attach(u, UK_IRQ_SRC_PLIC, 0, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	uk_sys_sleep_until(u, 2 * MS);
	for (unsigned i = 0; i < 200; i++)
		if (uk_irq_attach(u, UK_IRQ_SRC_PLIC, 0, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH) !=
		    UK_EINVAL)
			r->rest_bad++;
	uk_sys_sleep_until(u, 4 * MS);
	r->after = uk_irq_attach(u, UK_IRQ_SRC_PLIC, 2, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
}

static void host_pages_fire(struct world *w, uint64_t now, const uint64_t arg[3])
{
	(void)now;
	uint64_t *out = (uint64_t *)(uintptr_t)arg[0];
	*out = stats(w).kalloc_pages;
}

START_TEST(kobj_failed_route_frees_line)
{
	struct world *w = world_new_cfg(10 * MS, 8);
	struct refused r = {0};
	uint64_t tid, pages[2] = {0, 0};

	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "refused", refused_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&r, .prio = 100,
			      .max_prio = 200, .name = "refused"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	at_host(w, 1 * MS, host_pages_fire, (uint64_t)(uintptr_t)&pages[0], 0, 0);
	at_host(w, 3 * MS, host_pages_fire, (uint64_t)(uintptr_t)&pages[1], 0, 0);
	run(w);
	ck_assert_int_eq(r.first, UK_EINVAL);
	ck_assert_int_eq(r.rest_bad, 0);
	ck_assert_uint_gt(pages[0], 0);
	ck_assert_uint_eq(pages[1], pages[0]);
	/* Nothing of the refused line stays: the next one is pin 0. */
	ck_assert_int_gt(r.after, 0);
	const struct sim_trace_rec *route = nth_trace(w, UK_TRACE_IRQ_ROUTE, 0);
	ck_assert_ptr_nonnull(route);
	ck_assert_uint_eq(route->a, 0);
	ck_assert_uint_eq(count_trace(w, UK_TRACE_IRQ_ROUTE, ANY), 1);
	world_free(w);
}
END_TEST

/* A line made while the machine sleeps (an attach that entered the kernel
 * on CPU 1 after CPU 0 carried out the suspend, before CPU 1 saw it) sleeps
 * too: masked for the suspend at once, so its level interrupt waits in the
 * controller for the resume, not in the kernel (nothing held). The attach
 * time is swept over the suspend: some attaches come before it, some in
 * that window, some after the resume (the thread is parked meanwhile). */
struct late_attach {
	uint64_t at;
	long h, seq, ack;
};

static void late_attach_main(struct uk_user *u, uint64_t arg)
{
	struct late_attach *l = (struct late_attach *)(uintptr_t)arg;
	while ((uint64_t)uk_sys_clock(u) < l->at)
		;
	l->h = uk_irq_attach(u, UK_IRQ_SRC_GSI, 4, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	l->seq = uk_irq_wait(u, l->h, 0);
	device_clear_dev(u, 0);
	l->ack = uk_irq_ack(u, l->h, (uint64_t)l->seq);
}

/* Whether the line was made (routed) while the machine was suspended. */
static bool made_asleep(const struct world *w)
{
	const struct sim_trace *t = &w->sm->e->trace;
	bool asleep = false;
	for (size_t i = 0; i < t->len; i++) {
		if (t->recs[i].kind == UK_TRACE_CORE_PM)
			asleep = t->recs[i].a == 1;
		else if (t->recs[i].kind == UK_TRACE_IRQ_ROUTE && t->recs[i].c == 2)
			return asleep;
	}
	ck_abort_msg("the line was never made");
	return false;
}

START_TEST(kobj_line_made_while_suspended)
{
	unsigned asleep = 0;

	for (uint64_t d = 300; d <= 900; d += 25) {
		struct sim_machine_config cfg = {.cpus = 2, .trace_limit = 1 << 16};
		struct world *w = world_new_machine(20 * MS, &cfg);
		struct late_attach l = {.at = 2 * MS + d};
		unsigned dv = add_device(w, HW_IRQ_LEVEL, 4);
		uint64_t tid;

		int prog = uk_kernel_register_program(w->sm->k, "late-attach", late_attach_main);
		struct uk_spawn sp = {.program = (unsigned)prog, .arg = (uint64_t)(uintptr_t)&l,
				      .prio = 100, .max_prio = 200, .affinity = 2,
				      .name = "late-attach"};
		ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
		spawned(w, tid);
		at_host(w, 2 * MS, host_request_fire, UK_HOST_SUSPEND, 0, 0);
		at(w, 5 * MS, dv, HW_ACT_ASSERT, 1);
		at_host(w, 10 * MS, host_request_fire, UK_HOST_RESUME, 0, 0);
		run(w);

		struct uk_kernel_stats st = stats(w);
		ck_assert_uint_eq(st.suspends, 1);
		ck_assert_uint_eq(st.resumes, 1);
		ck_assert_int_gt(l.h, 0);
		ck_assert_int_eq(l.seq, 1);
		ck_assert_int_eq(l.ack, 0);
		ck_assert_msg(st.irq_held_suspended == 0, "attach at +%llu ns: interrupt held",
			      (unsigned long long)d);
		const struct uk_irq_event *begin = nth_ev(w, UK_IRQ_EV_BEGIN, 0);
		ck_assert_ptr_nonnull(begin);
		ck_assert_uint_ge(begin->t, 10 * MS);
		if (made_asleep(w)) {
			asleep++;
			/* Masked for the suspend before its first sink came. */
			ck_assert_uint_eq(w->log.ev[0].kind, UK_IRQ_EV_MASK);
			ck_assert_uint_eq(w->log.ev[0].flags & UK_IRQ_EVF_SUSPEND, UK_IRQ_EVF_SUSPEND);
		}
		check_clean(w);
		world_free(w);
	}
	ck_assert_uint_gt(asleep, 0); /* the window was hit */
}
END_TEST

/* Reprogramming a line (UK_SYS_IRQ_CONFIGURE): a change of trigger alone
 * reaches the controller; the same setting again is a no-op; none while
 * an episode runs (UK_EBUSY, nothing written). */
struct reconf {
	long h, to_edge, same, in_service, seq, ack, to_low;
	uint64_t rte_after_edge;
};

static void reconf_main(struct uk_user *u, uint64_t arg)
{
	struct reconf *r = (struct reconf *)(uintptr_t)arg;
	r->h = uk_irq_attach(u, UK_IRQ_SRC_GSI, 8, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	r->to_edge = uk_irq_configure(u, r->h, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	r->same = uk_irq_configure(u, r->h, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	r->seq = uk_irq_wait(u, r->h, 0);
	r->in_service = uk_irq_configure(u, r->h, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	device_clear_dev(u, 0);
	r->ack = uk_irq_ack(u, r->h, (uint64_t)r->seq);
	uk_sys_sleep(u, 1 * MS);
	r->to_low = uk_irq_configure(u, r->h, UK_TRIGGER_EDGE, UK_POLARITY_LOW);
}

static void host_rte_fire(struct world *w, uint64_t now, const uint64_t arg[3])
{
	(void)now;
	*(uint64_t *)(uintptr_t)arg[0] = hw_ioapic_rte(w->sm->hw, (unsigned)arg[1]);
}

START_TEST(kobj_configure_reprograms)
{
	struct world *w = world_new(20 * MS);
	unsigned dv = add_device(w, HW_IRQ_EDGE, 8);
	struct reconf r = {0};
	uint64_t tid, rte_mid = 0;

	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "reconf", reconf_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&r, .prio = 100,
			      .max_prio = 200, .name = "reconf"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	spawned(w, tid);
	at(w, 2 * MS, dv, HW_ACT_ASSERT, 1);
	at_host(w, 1 * MS, host_rte_fire, (uint64_t)(uintptr_t)&rte_mid, 8, 0);
	run(w);

	ck_assert_int_gt(r.h, 0);
	ck_assert_int_eq(r.to_edge, 0);
	ck_assert_int_eq(r.same, 0);
	ck_assert_int_eq(r.seq, 1);
	ck_assert_int_eq(r.in_service, UK_EBUSY);
	ck_assert_int_eq(r.ack, 0);
	ck_assert_int_eq(r.to_low, 0);
	/* Edge after the first configure, still edge after the refused one;
	 * active low at the end. */
	ck_assert_uint_eq(rte_mid & HW_RTE_LEVEL, 0);
	ck_assert_uint_eq(rte_mid & HW_RTE_POLARITY_LOW, 0);
	uint64_t rte = hw_ioapic_rte(w->sm->hw, 8);
	ck_assert_uint_eq(rte & HW_RTE_LEVEL, 0);
	ck_assert_uint_eq(rte & HW_RTE_POLARITY_LOW, HW_RTE_POLARITY_LOW);
	check_clean(w);
	world_free(w);
}
END_TEST

/* Affinity and wake on a sink's line (UK_SYS_IRQ_SET_AFFINITY, _SET_WAKE):
 * the CPU it is on already moves nothing; a move asked for in service is
 * made when the ACK ends the episode; a wake change is traced. */
struct aff {
	long h, same, seq, later, ack, wake, wake_again, seq2, back, kick, seq3, kick_plain;
	uint64_t ack_t, kick_t;
};

static void aff_main(struct uk_user *u, uint64_t arg)
{
	struct aff *a = (struct aff *)(uintptr_t)arg;
	a->h = uk_irq_attach(u, UK_IRQ_SRC_GSI, 10, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	a->same = uk_irq_set_affinity(u, a->h, 0);
	a->seq = uk_irq_wait(u, a->h, 0);
	a->later = uk_irq_set_affinity(u, a->h, 1);
	device_clear_dev(u, 0);
	a->ack_t = now_ns(u);
	a->ack = uk_irq_ack(u, a->h, (uint64_t)a->seq);
	uk_sys_sleep(u, 1 * MS);
	a->wake = uk_irq_set_wake(u, a->h, true);
	a->wake_again = uk_irq_set_wake(u, a->h, true); /* no change: no trace */
	/* The next episode ends by a kick (with its clear): the move back
	 * waits for it. */
	a->seq2 = uk_irq_wait(u, a->h, (uint64_t)a->seq);
	a->back = uk_irq_set_affinity(u, a->h, 0);
	device_clear_dev(u, 0);
	a->kick_t = now_ns(u);
	a->kick = uk_irq_kick(u, a->h, true);
	uk_sys_sleep(u, 1 * MS);
	/* A plain kick: the episode ends, but it is no ACK of the caller's. */
	a->seq3 = uk_irq_wait(u, a->h, (uint64_t)a->seq2);
	device_clear_dev(u, 0);
	a->kick_plain = uk_irq_kick(u, a->h, false);
	uk_sys_sleep(u, 1 * MS);
}

START_TEST(kobj_affinity_and_wake_calls)
{
	struct sim_machine_config cfg = {.cpus = 2, .trace_limit = 1 << 16};
	struct world *w = world_new_machine(20 * MS, &cfg);
	unsigned dv = add_device(w, HW_IRQ_LEVEL, 10);
	struct aff a = {0};
	uint64_t tid;

	int prog = uk_kernel_register_program(w->sm->k, "aff", aff_main);
	struct uk_spawn sp = {.program = (unsigned)prog, .arg = (uint64_t)(uintptr_t)&a,
			      .prio = 100, .max_prio = 200, .affinity = 1, .name = "aff"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	spawned(w, tid);
	at(w, 2 * MS, dv, HW_ACT_ASSERT, 1);
	at(w, 6 * MS, dv, HW_ACT_ASSERT, 2);
	at(w, 10 * MS, dv, HW_ACT_ASSERT, 3);
	run(w);

	ck_assert_int_gt(a.h, 0);
	ck_assert_int_eq(a.seq3, 3);
	ck_assert_int_eq(a.kick_plain, 0);
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_KICK, ANY, 0), 2);
	ck_assert_uint_eq(nth_ev(w, UK_IRQ_EV_KICK, 0)->flags, 1); /* with its clear */
	ck_assert_uint_eq(nth_ev(w, UK_IRQ_EV_KICK, 1)->flags, 0);
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_ACK, ANY, UK_IRQ_EVF_KICK), 1);
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_ACK, ANY, 0), 2); /* the ACK, the kick's */
	ck_assert_int_eq(a.same, 0);
	ck_assert_int_eq(a.seq2, 2);
	ck_assert_int_eq(a.back, 0);
	ck_assert_int_eq(a.kick, 0);
	ck_assert_int_eq(a.seq, 1);
	ck_assert_int_eq(a.later, 0);
	ck_assert_int_eq(a.ack, 0);
	ck_assert_int_eq(a.wake, 0);
	ck_assert_int_eq(a.wake_again, 0);
	struct uk_kernel_stats st = stats(w);
	ck_assert_uint_eq(st.irq_moves_deferred, 2);
	ck_assert_uint_eq(st.irq_moves, 2);
	ck_assert_uint_eq(hw_ioapic_rte(w->sm->hw, 10) >> HW_RTE_DEST_SHIFT, 0);
	/* Routed at 0 ms ([pin 0, cpu 0, 2]), the move waits ([0, 1, 1]) and
	 * is made with the ACK ([0, 1, 0]); nothing for the CPU it was on;
	 * then back to CPU 0 with the kick. */
	ck_assert_uint_eq(count_trace(w, UK_TRACE_IRQ_ROUTE, 0), 5);
	const struct sim_trace_rec *mv = nth_trace(w, UK_TRACE_IRQ_ROUTE, 2);
	ck_assert_uint_eq(mv->b, 1);
	ck_assert_uint_eq(mv->c, 0);
	ck_assert_uint_ge(mv->time, a.ack_t);
	ck_assert_uint_lt(mv->time, a.ack_t + 100 * US);
	mv = nth_trace(w, UK_TRACE_IRQ_ROUTE, 4);
	ck_assert_uint_eq(mv->b, 0);
	ck_assert_uint_eq(mv->c, 0);
	ck_assert_uint_ge(mv->time, a.kick_t);
	ck_assert_uint_lt(mv->time, a.kick_t + 100 * US);
	ck_assert_uint_eq(count_trace(w, UK_TRACE_IRQ_WAKE, ANY), 1);
	const struct sim_trace_rec *wk = nth_trace(w, UK_TRACE_IRQ_WAKE, 0);
	ck_assert_uint_eq(wk->a, 0);
	ck_assert_uint_eq(wk->b, 1);
	ck_assert_uint_eq(wk->c, 0);
	struct uk_pm_info pm;
	uk_kernel_pm_info(w->sm->k, &pm);
	ck_assert_uint_eq(pm.wake_lines, 1);
	check_clean(w);
	world_free(w);
}
END_TEST

/* Virtual lines have their own timer (an ACK timeout), and nothing is held
 * for them across a suspend: the resume raises nothing. */
struct virt_timer {
	long h, trig, idle, seq;
};

static void virt_timer_main(struct uk_user *u, uint64_t arg)
{
	struct virt_timer *v = (struct virt_timer *)(uintptr_t)arg;
	v->h = zx_interrupt_create(u, 0, 9, ZX_INTERRUPT_VIRTUAL);
	v->trig = zx_interrupt_trigger(u, v->h, 0, 77); /* never answered */
	v->idle = uk_irq_attach(u, UK_IRQ_SRC_VIRTUAL, 3, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	v->seq = uk_irq_wait(u, v->idle, 0); /* nothing ever comes */
}

START_TEST(kobj_virtual_timer_and_suspend)
{
	static struct uk_irq_builtins b; /* test code: one run at a time */
	struct world *w = world_new(20 * MS);
	struct virt_timer v = {.seq = 12345};
	uint64_t tid;

	uk_irq_builtins_init(&b);
	ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_VIRTUAL, 9,
					       uk_irq_model_find(&b, "zircon"), NULL), 0);
	ck_assert_int_eq(uk_kernel_irq_set_policy(w->sm->k, 1 * MS, false), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "virt-timer", virt_timer_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&v, .prio = 100,
			      .max_prio = 200, .name = "virt-timer"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	at_host(w, 5 * MS, host_request_fire, UK_HOST_SUSPEND, 0, 0);
	at_host(w, 8 * MS, host_request_fire, UK_HOST_RESUME, 0, 0);
	run(w);

	ck_assert_int_gt(v.h, 0);
	ck_assert_int_eq(v.trig, 0);
	ck_assert_int_gt(v.idle, 0);
	ck_assert_int_eq(v.seq, 12345); /* still waiting */
	struct uk_kernel_stats st = stats(w);
	ck_assert_uint_eq(st.irq_ack_timeouts, 1);
	const struct uk_irq_event *to = nth_ev(w, UK_IRQ_EV_TIMEOUT, 0);
	ck_assert_ptr_nonnull(to);
	ck_assert_uint_lt(to->t, 2 * MS);
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_NAK, ANY, UK_IRQ_EVF_BEHALF), 0); /* policy: report only */
	ck_assert_uint_eq(st.suspends, 1);
	ck_assert_uint_eq(st.resumes, 1);
	ck_assert_uint_eq(st.irq_episodes, 1); /* the trigger's */
	world_free(w);
}
END_TEST

/* Sinks come and go without a trace in kernel memory: a refused attach
 * (seL4's one handler per line), a sink bound to a notification and
 * rebound, a wait that returned; the same objects and pages as before,
 * after many rounds. */
struct churn {
	unsigned rounds;
	long bad;
};

static void churn_round(struct uk_user *u, struct churn *c)
{
	long a = uk_irq_attach(u, UK_IRQ_SRC_GSI, 12, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	long b = uk_irq_attach(u, UK_IRQ_SRC_GSI, 12, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	long h = uk_irq_attach(u, UK_IRQ_SRC_GSI, 14, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	long n1 = uk_ntfn_create(u), n2 = uk_ntfn_create(u);

	c->bad += a <= 0 || b != UK_EBUSY || h <= 0 || n1 <= 0 || n2 <= 0;
	c->bad += uk_ntfn_bind_irq(u, (uint32_t)n1, h, 1) != 0;
	c->bad += uk_ntfn_bind_irq(u, (uint32_t)n2, h, 2) != 0; /* drops n1 */
	c->bad += uk_irq_wait(u, h, 5) != UK_EFUTURE;
	c->bad += uk_sys_handle_close(u, (uint32_t)n1) != 0;
	c->bad += uk_sys_handle_close(u, (uint32_t)h) != 0;
	c->bad += uk_sys_handle_close(u, (uint32_t)n2) != 0;
	c->bad += uk_sys_handle_close(u, (uint32_t)a) != 0;
	/* A Zircon interrupt bound to a port, its packet queued, closed first. */
	long port = zx_port_create(u, ZX_PORT_BIND_TO_INTERRUPT);
	long v = zx_interrupt_create(u, 0, 30, ZX_INTERRUPT_VIRTUAL);
	c->bad += port <= 0 || v <= 0;
	c->bad += zx_interrupt_bind(u, v, port, 7, ZX_INTERRUPT_BIND) != 0;
	c->bad += zx_interrupt_trigger(u, v, 0, 1) != 0;
	c->bad += uk_sys_handle_close(u, (uint32_t)v) != 0;
	c->bad += uk_sys_handle_close(u, (uint32_t)port) != 0;
}

static void churn_main(struct uk_user *u, uint64_t arg)
{
	struct churn *c = (struct churn *)(uintptr_t)arg;
	churn_round(u, c); /* the lines are made, the allocator warmed */
	uk_sys_sleep_until(u, 2 * MS);
	for (unsigned i = 0; i < c->rounds; i++)
		churn_round(u, c);
	uk_sys_sleep_until(u, 15 * MS); /* alive when the host looks */
}

static void host_mem_fire(struct world *w, uint64_t now, const uint64_t arg[3])
{
	(void)now;
	uint64_t *out = (uint64_t *)(uintptr_t)arg[0];
	struct uk_kernel_stats st = stats(w);
	out[0] = st.kobjs_live;
	out[1] = st.kalloc_pages;
}

START_TEST(kobj_sinks_leave_nothing)
{
	static struct uk_irq_builtins b; /* test code: one run at a time */
	struct world *w = world_new(20 * MS);
	struct churn c = {.rounds = 64};
	uint64_t tid, before[2], after[2];

	uk_irq_builtins_init(&b);
	ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_GSI, 12,
					       uk_irq_model_find(&b, "sel4"), NULL), 0);
	ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_VIRTUAL, 30,
					       uk_irq_model_find(&b, "zircon"), NULL), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "churn", churn_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&c, .prio = 100,
			      .max_prio = 200, .name = "churn"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	at_host(w, 1 * MS, host_mem_fire, (uint64_t)(uintptr_t)before, 0, 0);
	at_host(w, 10 * MS, host_mem_fire, (uint64_t)(uintptr_t)after, 0, 0);
	run(w);
	ck_assert_int_eq(c.bad, 0);
	ck_assert_uint_eq(after[0], before[0]);
	ck_assert_uint_eq(after[1], before[1]);
	check_clean(w);
	world_free(w);
}
END_TEST

/* What an attach checks: the source exists on its controller (24 IOAPIC
 * pins; per-CPU lines per CPU), messages and per-CPU inputs are edge. */
struct bounds {
	long gsi_last, gsi_past, msi_level, percpu_last, percpu_past, percpu_level;
};

static void bounds_main(struct uk_user *u, uint64_t arg)
{
	struct bounds *b = (struct bounds *)(uintptr_t)arg;
	b->gsi_last = uk_irq_attach(u, UK_IRQ_SRC_GSI, 23, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	b->gsi_past = uk_irq_attach(u, UK_IRQ_SRC_GSI, 24, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	b->msi_level = uk_irq_attach(u, UK_IRQ_SRC_MSI, 3, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	b->percpu_last = uk_irq_attach(u, UK_IRQ_SRC_PERCPU, 1, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	b->percpu_past = uk_irq_attach(u, UK_IRQ_SRC_PERCPU, 2, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	b->percpu_level = uk_irq_attach(u, UK_IRQ_SRC_PERCPU, 0, UK_TRIGGER_LEVEL,
					UK_POLARITY_HIGH);
}

static void host_vector_fire(struct world *w, uint64_t now, const uint64_t arg[3])
{
	hw_lapic_deliver(w->sm->hw, (unsigned)arg[1], now, (unsigned)arg[0], false, HW_SRC_IPI);
}

START_TEST(kobj_attach_bounds)
{
	struct sim_machine_config cfg = {.cpus = 2, .trace_limit = 1 << 16, .percpu_lines = 2};
	struct world *w = world_new_machine(5 * MS, &cfg);
	struct bounds b = {0};
	uint64_t tid;

	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "bounds", bounds_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&b, .prio = 100,
			      .max_prio = 200, .affinity = 2, .name = "bounds"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	at_host(w, 2 * MS, host_vector_fire, 200, 0, 0); /* a device vector no line has */
	at_host(w, 3 * MS, host_vector_fire, 245, 0, 0); /* above the device vectors */
	ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_GSI, 9, NULL, NULL), 0);
	ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_GSI, 10, NULL, NULL), 0);
	run(w);
	ck_assert_uint_eq(stats(w).spurious_irqs, 2);
	ck_assert_uint_eq(stats(w).device_irqs, 0);
	ck_assert_int_gt(b.gsi_last, 0);
	ck_assert_int_eq(b.gsi_past, UK_EINVAL);
	ck_assert_int_eq(b.msi_level, UK_EINVAL);
	ck_assert_int_gt(b.percpu_last, 0);
	ck_assert_int_eq(b.percpu_past, UK_EINVAL);
	ck_assert_int_eq(b.percpu_level, UK_EINVAL);
	/* CPU 1's instance of local line 1: input 3. */
	ck_assert_uint_ne(hw_percpu_vector(w->sm->hw, 3), 0);
	ck_assert_uint_eq(hw_percpu_vector(w->sm->hw, 1), 0);
	check_clean(w);
	world_free(w);
}
END_TEST

/* A PLIC line can be routed by the host too, before it is made. */
START_TEST(kobj_route_plic_line)
{
	struct sim_machine_config cfg = {.cpus = 2, .trace_limit = 1 << 16, .plic_sources = 8};
	struct world *w = world_new_machine(20 * MS, &cfg);
	int plic = hw_intc_find(w->sm->hw, HW_INTC_PLIC);
	ck_assert_int_ge(plic, 0);
	unsigned dv = add_device_on(w, HW_IRQ_LEVEL, (unsigned)plic, 2);
	struct drv d = {.src = UK_IRQ_SRC_PLIC, .source = 2, .trig = UK_TRIGGER_LEVEL, .dev = dv};
	d.attach_at = 2 * MS;
	spawn_driver_on(w, &d, "drv-plic", 100, 1ull << 0);
	at_host(w, 1 * MS, host_request_fire, UK_HOST_ROUTE, (uint64_t)UK_IRQ_SRC_PLIC << 32 | 2, 1);
	at(w, 4 * MS, dv, HW_ACT_ASSERT, 1);
	run(w);
	ck_assert_uint_eq(d.episodes, 1);
	ck_assert_int_eq(d.answer[0], 0);
	const struct sim_trace_rec *route = nth_trace(w, UK_TRACE_IRQ_ROUTE, 0);
	ck_assert_ptr_nonnull(route);
	ck_assert_uint_eq(route->b, 1);
	const struct sim_trace_rec *begin = nth_trace(w, UK_TRACE_IRQ(UK_IRQ_EV_BEGIN), 0);
	ck_assert_ptr_nonnull(begin);
	ck_assert_uint_eq(begin->cpu, 1);
	check_clean(w);
	world_free(w);
}
END_TEST

/* The host's setters check what they are given. */
START_TEST(kobj_host_setters_check)
{
	static struct uk_irq_builtins b; /* test code: one run at a time */
	static const struct uk_irq_model_ops bad_model = {.abi = UK_ABI_VERSION + 1, .name = "old",
							  .answers = UK_IRQ_ANSWER_ACK};
	static const struct uk_irq_behaviour bad_bhv = {.abi = UK_ABI_VERSION, .name = "bad",
							.set = UK_INTC_MASKABLE};
	struct world *w = world_new(5 * MS);
	struct uk_kernel *k = w->sm->k;
	uk_irq_builtins_init(&b);
	const struct uk_irq_model_ops *z = uk_irq_model_find(&b, "zircon");
	const struct uk_irq_behaviour *eb = uk_irq_behaviour_find(&b, "eos-before-unmask");
	ck_assert_ptr_nonnull(z);
	ck_assert_ptr_nonnull(eb);

	ck_assert_int_eq(uk_kernel_irq_set_model(k, NULL), UK_EINVAL);
	ck_assert_int_eq(uk_kernel_irq_set_model(k, &bad_model), UK_EINVAL);
	ck_assert_int_eq(uk_kernel_irq_set_model(k, z), 0);
	/* Kinds GSI (1) .. per-CPU (5), a valid model and behaviour, or none. */
	ck_assert_int_eq(uk_kernel_irq_set_line(k, 0, 1, NULL, NULL), UK_EINVAL);
	ck_assert_int_eq(uk_kernel_irq_set_line(k, 6, 1, NULL, NULL), UK_EINVAL);
	ck_assert_int_eq(uk_kernel_irq_set_line(k, UK_IRQ_SRC_GSI, 1, z, eb), 0);
	ck_assert_int_eq(uk_kernel_irq_set_line(k, UK_IRQ_SRC_PERCPU, 1, z, NULL), 0);
	ck_assert_int_eq(uk_kernel_irq_set_line(k, UK_IRQ_SRC_GSI, 2, &bad_model, NULL), UK_EINVAL);
	ck_assert_int_eq(uk_kernel_irq_set_line(k, UK_IRQ_SRC_GSI, 2, NULL, &bad_bhv), UK_EINVAL);
	ck_assert_int_eq(uk_kernel_irq_set_line(k, UK_IRQ_SRC_GSI, 2, z, &bad_bhv), UK_EINVAL);
	ck_assert_int_eq(uk_kernel_irq_set_line_wake(k, 0, 1, true), UK_EINVAL);
	ck_assert_int_eq(uk_kernel_irq_set_line_wake(k, 6, 1, true), UK_EINVAL);
	ck_assert_int_eq(uk_kernel_irq_set_line_wake(k, UK_IRQ_SRC_GSI, 1, true), 0);
	ck_assert_int_eq(uk_kernel_irq_set_line_wake(k, UK_IRQ_SRC_PERCPU, 1, true), 0);
	/* At most four model parameters, and the values when there are any. */
	static const uint64_t p[5] = {1, 2, 3, 4, 5};
	ck_assert_int_eq(uk_kernel_irq_set_model_params(k, p, 5), UK_EINVAL);
	ck_assert_int_eq(uk_kernel_irq_set_model_params(k, NULL, 1), UK_EINVAL);
	ck_assert_int_eq(uk_kernel_irq_set_model_params(k, NULL, 0), 0);
	ck_assert_int_eq(uk_kernel_irq_set_model_params(k, p, 4), 0);
	ck_assert_int_eq(uk_kernel_irq_set_model_params(k, p, 1), 0);
	world_free(w);
}
END_TEST

/* The models' parameters, as a model reads them: all four set, then two
 * (the others back to 0); the transitions' step count goes on. */
struct params_run {
	long h, before[4], after[4], mid, later;
};

static void params_main(struct uk_user *u, uint64_t arg)
{
	struct params_run *r = (struct params_run *)(uintptr_t)arg;
	r->h = uk_irq_attach(u, UK_IRQ_SRC_VIRTUAL, 20, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	for (unsigned i = 0; i < 4; i++)
		r->before[i] = uk_irq_model_call(u, r->h, READ_PARAM, i);
	for (unsigned i = 0; i < 20; i++) /* steps: each call is one */
		(void)uk_irq_model_call(u, r->h, READ_PARAM, 0);
	r->mid = uk_irq_attach(u, UK_IRQ_SRC_VIRTUAL, 22, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	uk_sys_sleep_until(u, 3 * MS);
	for (unsigned i = 0; i < 4; i++)
		r->after[i] = uk_irq_model_call(u, r->h, READ_PARAM, i);
	r->later = uk_irq_attach(u, UK_IRQ_SRC_VIRTUAL, 21, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
}

static void host_params_fire(struct world *w, uint64_t now, const uint64_t arg[3])
{
	(void)now, (void)arg;
	static const uint64_t two[4] = {5, 6, 99, 98}; /* only the first two are given */
	ck_assert_int_eq(uk_kernel_irq_set_model_params(w->sm->k, two, 2), 0);
}

START_TEST(kobj_model_params)
{
	struct world *w = world_new(10 * MS);
	struct params_run r = {0};
	uint64_t tid;
	static const uint64_t four[4] = {11, 22, 33, 44};

	ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_VIRTUAL, 20, &breaker_model,
					       NULL), 0);
	ck_assert_int_eq(uk_kernel_irq_set_model_params(w->sm->k, four, 4), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "params", params_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&r, .prio = 100,
			      .max_prio = 200, .name = "params"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	at_host(w, 2 * MS, host_params_fire, 0, 0, 0);
	run(w);
	ck_assert_int_gt(r.h, 0);
	ck_assert_int_gt(r.mid, 0);
	ck_assert_int_gt(r.later, 0);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_int_eq(r.before[i], (long)four[i]);
	ck_assert_int_eq(r.after[0], 5);
	ck_assert_int_eq(r.after[1], 6);
	ck_assert_int_eq(r.after[2], 0);
	ck_assert_int_eq(r.after[3], 0);
	ck_assert_uint_ge(w->log.len, 3); /* three attaches (and their detaches) */
	for (size_t i = 1; i < w->log.len; i++)
		ck_assert_uint_gt(w->log.ev[i].step, w->log.ev[i - 1].step);
	ck_assert_uint_eq(uk_kernel_irq_violation(w->sm->k, NULL, 0), 0);
	world_free(w);
}
END_TEST

/* uk_kernel_irq_set_line_wake on per-CPU lines made already: every CPU's
 * instance of that local input; and on a machine with more CPUs than
 * IOAPIC pins, an IOAPIC line is still found by its pin. */
struct local_attach {
	long percpu, gsi;
};

static void local_attach_main(struct uk_user *u, uint64_t arg)
{
	struct local_attach *l = (struct local_attach *)(uintptr_t)arg;
	l->percpu = uk_irq_attach(u, UK_IRQ_SRC_PERCPU, 0, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	l->gsi = uk_irq_attach(u, UK_IRQ_SRC_GSI, 3, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
}

static void wake_lines_of(unsigned cpus, unsigned percpu_lines)
{
	struct sim_machine_config cfg = {.cpus = cpus, .trace_limit = 1 << 16,
					 .percpu_lines = percpu_lines};
	struct world *w = world_new_machine(2 * MS, &cfg);
	struct local_attach l = {0};
	struct uk_pm_info pm;
	uint64_t tid;

	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "local", local_attach_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&l, .prio = 100,
			      .max_prio = 200, .affinity = 2, .name = "local"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	run(w);
	ck_assert_int_gt(l.gsi, 0);
	if (percpu_lines) {
		ck_assert_int_gt(l.percpu, 0);
		ck_assert_int_eq(uk_kernel_irq_set_line_wake(w->sm->k, UK_IRQ_SRC_PERCPU, 0, true), 0);
		uk_kernel_pm_info(w->sm->k, &pm);
		ck_assert_uint_eq(pm.wake_lines, 1);
	}
	ck_assert_int_eq(uk_kernel_irq_set_line_wake(w->sm->k, UK_IRQ_SRC_GSI, 3, true), 0);
	uk_kernel_pm_info(w->sm->k, &pm);
	ck_assert_uint_eq(pm.wake_lines, percpu_lines ? 2 : 1);
	world_free(w);
}

START_TEST(kobj_wake_setting_local_lines)
{
	wake_lines_of(2, 1);
	wake_lines_of(2, 3);
	wake_lines_of(32, 0);
}
END_TEST

/* Every documented argument error of the IRQ calls (irq_sys.h), each
 * beside a call that differs only in that argument and works. */
enum {
	SA_KIND0, SA_KIND6, SA_SOURCE32, SA_SOURCE_MAX, SA_TRIG, SA_POL, SA_TRIG64, SA_POL64,
	SA_OK_ATTACH, SA_CFG_NOMANAGE, SA_CFG_TRIG, SA_CFG_POL, SA_CFG_TRIG64, SA_CFG_POL64, SA_CFG_OK,
	SA_DEV_READ, SA_DEV_WRITE, SA_UNKNOWN,
	SA_CALL_OP32, SA_CALL_KERNEL, SA_CALL_ARG62, SA_CALL_ARG63, SA_CALL_NOSYS,
	SA_CALL_NTFN_BLOCKING, SA_CALL_NTFN_NOWAIT, SA_CALL_NTFN_BADH, SA_CALL_NTFN_NOSYS,
	SA_CALL_NONE_NOSYS,
	SA_AFF_CPU, SA_AFF_NOMANAGE, SA_AFF_OK, SA_WAKE_2, SA_WAKE_NOMANAGE, SA_WAKE_OK,
	SA_KICK_2, SA_KICK_0, SA_KICK_1, SA_AFF_64,
	SA_COUNT
};

static const long sa_want[SA_COUNT] = {
	[SA_KIND0] = UK_EINVAL, [SA_KIND6] = UK_EINVAL, [SA_SOURCE32] = UK_EINVAL,
	[SA_SOURCE_MAX] = UK_ENOENT, /* a 32-bit source, on a controller the machine lacks */
	[SA_TRIG] = UK_EINVAL, [SA_POL] = UK_EINVAL, [SA_OK_ATTACH] = 1,
	/* 64-bit values whose low 32 bits name a valid trigger or polarity */
	[SA_TRIG64] = UK_EINVAL, [SA_POL64] = UK_EINVAL, [SA_CFG_TRIG64] = UK_EINVAL,
	[SA_CFG_POL64] = UK_EINVAL,
	[SA_CFG_NOMANAGE] = UK_EPERM, [SA_CFG_TRIG] = UK_EINVAL, [SA_CFG_POL] = UK_EINVAL,
	[SA_CFG_OK] = 0, [SA_DEV_READ] = UK_EPERM, [SA_DEV_WRITE] = UK_EPERM,
	[SA_UNKNOWN] = UK_ENOSYS, [SA_CALL_OP32] = UK_EINVAL, [SA_CALL_KERNEL] = UK_EINVAL,
	[SA_CALL_ARG62] = UK_EINVAL, [SA_CALL_ARG63] = UK_EINVAL, [SA_CALL_NOSYS] = UK_ENOSYS,
	[SA_CALL_NTFN_BLOCKING] = UK_EINVAL, [SA_CALL_NTFN_NOWAIT] = UK_EPERM,
	[SA_CALL_NTFN_BADH] = UK_EBADH, [SA_CALL_NTFN_NOSYS] = UK_ENOSYS,
	[SA_CALL_NONE_NOSYS] = UK_ENOSYS,
	[SA_AFF_CPU] = UK_EINVAL, [SA_AFF_NOMANAGE] = UK_EPERM, [SA_AFF_OK] = 0,
	[SA_WAKE_2] = UK_EINVAL, [SA_WAKE_NOMANAGE] = UK_EPERM, [SA_WAKE_OK] = 0,
	[SA_KICK_2] = UK_EINVAL, [SA_KICK_0] = 0, [SA_KICK_1] = 0, /* no episode: nothing to end */
	[SA_AFF_64] = UK_EINVAL, /* CPU 2^32, not CPU 0 */
};

static void sys_args_main(struct uk_user *u, uint64_t arg)
{
	long *r = (long *)(uintptr_t)arg;
	const uint64_t E = UK_TRIGGER_EDGE, H = UK_POLARITY_HIGH;

	r[SA_KIND0] = uk_syscall6(u, UK_SYS_IRQ_ATTACH, 0, 3, E, H, 0, 0);
	r[SA_KIND6] = uk_syscall6(u, UK_SYS_IRQ_ATTACH, 6, 3, E, H, 0, 0);
	r[SA_SOURCE32] = uk_syscall6(u, UK_SYS_IRQ_ATTACH, UK_IRQ_SRC_GSI, 1ull << 32 | 3, E, H, 0, 0);
	r[SA_SOURCE_MAX] = uk_syscall6(u, UK_SYS_IRQ_ATTACH, UK_IRQ_SRC_PLIC, UINT32_MAX, E, H, 0, 0);
	r[SA_TRIG] = uk_syscall6(u, UK_SYS_IRQ_ATTACH, UK_IRQ_SRC_GSI, 3, 2, H, 0, 0);
	r[SA_POL] = uk_syscall6(u, UK_SYS_IRQ_ATTACH, UK_IRQ_SRC_GSI, 3, E, 2, 0, 0);
	r[SA_TRIG64] = uk_syscall6(u, UK_SYS_IRQ_ATTACH, UK_IRQ_SRC_GSI, 4, 1ull << 32, H, 0, 0);
	r[SA_POL64] = uk_syscall6(u, UK_SYS_IRQ_ATTACH, UK_IRQ_SRC_GSI, 4, E, 1ull << 32, 0, 0);
	long h = uk_syscall6(u, UK_SYS_IRQ_ATTACH, UK_IRQ_SRC_GSI, 3, E, H, 0, 0);
	r[SA_OK_ATTACH] = h > 0;
	long ws = uk_sys_handle_dup(u, (uint32_t)h, UK_RIGHT_WAIT | UK_RIGHT_SIGNAL);
	long s = uk_sys_handle_dup(u, (uint32_t)h, UK_RIGHT_SIGNAL | UK_RIGHT_MANAGE);
	long n = uk_ntfn_create(u);

	r[SA_CFG_NOMANAGE] = uk_syscall6(u, UK_SYS_IRQ_CONFIGURE, (uint64_t)ws, E, H, 0, 0, 0);
	r[SA_CFG_TRIG] = uk_syscall6(u, UK_SYS_IRQ_CONFIGURE, (uint64_t)h, 2, H, 0, 0, 0);
	r[SA_CFG_POL] = uk_syscall6(u, UK_SYS_IRQ_CONFIGURE, (uint64_t)h, E, 2, 0, 0, 0);
	r[SA_CFG_TRIG64] = uk_syscall6(u, UK_SYS_IRQ_CONFIGURE, (uint64_t)h, 1ull << 32 | 1, H, 0, 0,
				       0);
	r[SA_CFG_POL64] = uk_syscall6(u, UK_SYS_IRQ_CONFIGURE, (uint64_t)h, E, 1ull << 32 | 1, 0, 0,
				      0);
	r[SA_CFG_OK] = uk_syscall6(u, UK_SYS_IRQ_CONFIGURE, (uint64_t)h, UK_TRIGGER_LEVEL, H, 0, 0,
				   0);
	r[SA_DEV_READ] = uk_syscall6(u, UK_SYS_DEV_READ, DEV_BASE(0), 4, 0, 0, 0, 0);
	r[SA_DEV_WRITE] = uk_syscall6(u, UK_SYS_DEV_WRITE, DEV_BASE(0), 4, 0, 0, 0, 0);
	r[SA_UNKNOWN] = uk_syscall6(u, UK_SYS_IRQ_LAST, (uint64_t)h, 0, 0, 0, 0, 0);
	r[SA_CALL_OP32] = uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)h, 1ull << 32 | 1, 0, 0, 0, 0);
	r[SA_CALL_KERNEL] = uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)h, UK_IRQ_CALL_KERNEL | 1,
					0, 0, 0, 0);
	r[SA_CALL_ARG62] = uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)h, 1, 1ull << 62, 0, 0, 0);
	r[SA_CALL_ARG63] = uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)h, 1, 1ull << 63, 0, 0, 0);
	r[SA_CALL_NOSYS] = uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)h, 1, 0, 0, 0, 0);
	r[SA_CALL_NTFN_BLOCKING] = uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)h,
					       UK_IRQ_CALL_BLOCKING | 1, 0, (uint64_t)n, 0, 0);
	r[SA_CALL_NTFN_NOWAIT] = uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)s, 1, 0,
					     (uint64_t)n, 0, 0);
	r[SA_CALL_NTFN_BADH] = uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)h, 1, 0, 0x7777, 0, 0);
	r[SA_CALL_NTFN_NOSYS] = uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)h, 1, 0, (uint64_t)n,
					    0, 0);
	r[SA_CALL_NONE_NOSYS] = uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)s, 1, 0,
					    UK_IRQ_NTFN_NONE, 0, 0);
	r[SA_AFF_CPU] = uk_syscall6(u, UK_SYS_IRQ_SET_AFFINITY, (uint64_t)h, 2, 0, 0, 0, 0);
	r[SA_AFF_NOMANAGE] = uk_syscall6(u, UK_SYS_IRQ_SET_AFFINITY, (uint64_t)ws, 1, 0, 0, 0, 0);
	r[SA_AFF_OK] = uk_syscall6(u, UK_SYS_IRQ_SET_AFFINITY, (uint64_t)h, 1, 0, 0, 0, 0);
	r[SA_WAKE_2] = uk_syscall6(u, UK_SYS_IRQ_SET_WAKE, (uint64_t)h, 2, 0, 0, 0, 0);
	r[SA_WAKE_NOMANAGE] = uk_syscall6(u, UK_SYS_IRQ_SET_WAKE, (uint64_t)ws, 1, 0, 0, 0, 0);
	r[SA_WAKE_OK] = uk_syscall6(u, UK_SYS_IRQ_SET_WAKE, (uint64_t)h, 1, 0, 0, 0, 0);
	r[SA_KICK_2] = uk_syscall6(u, UK_SYS_IRQ_KICK, (uint64_t)h, 2, 0, 0, 0, 0);
	r[SA_KICK_0] = uk_syscall6(u, UK_SYS_IRQ_KICK, (uint64_t)h, 0, 0, 0, 0, 0);
	r[SA_KICK_1] = uk_syscall6(u, UK_SYS_IRQ_KICK, (uint64_t)h, 1, 0, 0, 0, 0);
	r[SA_AFF_64] = uk_syscall6(u, UK_SYS_IRQ_SET_AFFINITY, (uint64_t)h, 1ull << 32, 0, 0, 0, 0);
}

START_TEST(kobj_sys_irq_arguments)
{
	struct sim_machine_config cfg = {.cpus = 2, .trace_limit = 1 << 16};
	struct world *w = world_new_machine(5 * MS, &cfg);
	long r[SA_COUNT];
	uint64_t tid;

	for (unsigned i = 0; i < SA_COUNT; i++)
		r[i] = 12345;
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "sys-args", sys_args_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)r, .prio = 100,
			      .max_prio = 200, .name = "sys-args"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	run(w);
	for (unsigned i = 0; i < SA_COUNT; i++)
		ck_assert_msg(r[i] == sa_want[i], "case %u: %ld, want %ld", i, r[i], sa_want[i]);
	/* What the calls that worked did: level, on CPU 1, wake. */
	uint64_t rte = hw_ioapic_rte(w->sm->hw, 3);
	ck_assert_uint_eq(rte & HW_RTE_LEVEL, HW_RTE_LEVEL);
	ck_assert_uint_eq(rte & HW_RTE_POLARITY_LOW, 0);
	ck_assert_uint_eq(stats(w).irq_moves, 1);
	ck_assert_uint_eq(rte >> HW_RTE_DEST_SHIFT, 1);
	struct uk_pm_info pm;
	uk_kernel_pm_info(w->sm->k, &pm);
	ck_assert_uint_eq(pm.wake_lines, 1);
	world_free(w);
}
END_TEST

/* A PLIC claim names the best pending source, which need not be the one
 * whose vector came: source 5 notified first, source 2 (same priority,
 * lower number) pending before the claim. Each interrupt is raised on the
 * line of the source claimed, so both are completed and both drivers get
 * their episode. */
START_TEST(kobj_plic_claim_names_another_line)
{
	struct world *w = world_new_cfg(20 * MS, 8);
	int plic = hw_intc_find(w->sm->hw, HW_INTC_PLIC);
	ck_assert_int_ge(plic, 0);
	unsigned d5 = add_device_on(w, HW_IRQ_LEVEL, (unsigned)plic, 5);
	unsigned d2 = add_device_on(w, HW_IRQ_LEVEL, (unsigned)plic, 2);
	struct drv a = {.src = UK_IRQ_SRC_PLIC, .source = 5, .trig = UK_TRIGGER_LEVEL, .dev = d5};
	struct drv b = {.src = UK_IRQ_SRC_PLIC, .source = 2, .trig = UK_TRIGGER_LEVEL, .dev = d2};
	spawn_driver(w, &a, "drv-plic-5", 100);
	spawn_driver(w, &b, "drv-plic-2", 100);
	at(w, 2 * MS, d5, HW_ACT_ASSERT, 1);
	at(w, 2 * MS, d2, HW_ACT_ASSERT, 1);
	at(w, 10 * MS, d5, HW_ACT_ASSERT, 2);
	at(w, 10 * MS, d2, HW_ACT_ASSERT, 2);
	run(w);
	ck_assert_uint_eq(a.episodes, 2);
	ck_assert_uint_eq(b.episodes, 2);
	for (unsigned i = 0; i < 2; i++) {
		ck_assert(a.mine[i] && b.mine[i]);
		ck_assert_int_eq(a.answer[i], 0);
		ck_assert_int_eq(b.answer[i], 0);
	}
	/* Source 2 first: it was claimed for source 5's vector. */
	ck_assert_uint_lt(b.seq_t[0], a.seq_t[0]);
	ck_assert_uint_eq(stats(w).irq_unrouted, 0);
	check_clean(w);
	world_free(w);
}
END_TEST

/* A model may end an episode in its own calls, the last-handle one
 * (UK_IRQ_CALL_LAST_HANDLE, argument 0) included, and an episode may end
 * when a sink goes (the last owing one, on a model that waits for every
 * answer): a move that waited for the episode is made then. */
static unsigned holder_last_calls;
static uint64_t holder_last_arg;

static long holder_call(struct uk_irq_pin *pin, struct uk_irq_sink *sink, unsigned op,
			uint64_t arg, uint64_t now)
{
	(void)sink;
	if (op == UK_IRQ_CALL_LAST_HANDLE) {
		holder_last_calls++;
		holder_last_arg = arg;
		if (pin->in_service)
			uk_irq_episode_end(pin, UK_IRQ_END_HANDLED, now);
		return 0;
	}
	/* op 1 (blocking): holds the sink for good */
	switch (op & ~UK_IRQ_CALL_BLOCKING) {
	case 1:
		return UK_EAGAIN;
	case 3: /* a gate: closed until op 4 */
		return pin->model_data[1] ? 42 : UK_EAGAIN;
	case 4:
		pin->model_data[1] = 1;
		return 0;
	case 5: /* end the episode now, as a model's own ACK */
		if (pin->in_service)
			uk_irq_episode_end(pin, UK_IRQ_END_HANDLED, now);
		return 0;
	}
	return UK_ENOSYS;
}

static const struct uk_irq_model_ops holder_model = {
	.abi = UK_ABI_VERSION, .name = "holder",
	.answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_NAK | UK_IRQ_ANSWER_ALL,
	.invariants = UK_IRQ_INV_ALL, .call = holder_call};

struct holder {
	long h1, h2, h3, seq1, aff1, seq2, aff2, ack2, close1, close3;
	uint64_t t_close1, t_close3;
};

static void holder_blocker(struct uk_user *u, uint64_t arg)
{
	struct holder *h = (struct holder *)(uintptr_t)arg;
	(void)uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)h->h1, 1 | UK_IRQ_CALL_BLOCKING, 0, 0,
			  0, 0);
}

static void holder_main(struct uk_user *u, uint64_t arg)
{
	struct holder *h = (struct holder *)(uintptr_t)arg;
	h->h1 = uk_irq_attach(u, UK_IRQ_SRC_GSI, 16, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	h->h2 = uk_irq_attach(u, UK_IRQ_SRC_GSI, 17, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	h->h3 = uk_irq_attach(u, UK_IRQ_SRC_GSI, 17, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	/* The last handle goes while a thread holds the sink. */
	h->seq1 = uk_irq_wait(u, h->h1, 0);
	h->aff1 = uk_irq_set_affinity(u, h->h1, 1);
	device_clear_dev(u, 0);
	long t = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, 1, arg, 100, 0);
	ck_assert_int_gt(t, 0);
	ck_assert_int_eq(uk_sys_thread_start(u, (uint32_t)t), 0);
	uk_sys_sleep(u, 1 * MS); /* it blocks in its call */
	h->t_close1 = now_ns(u);
	h->close1 = uk_sys_handle_close(u, (uint32_t)h->h1);
	/* One of two sinks ACKs, then the other, which owes, goes. */
	h->seq2 = uk_irq_wait(u, h->h2, 0);
	h->aff2 = uk_irq_set_affinity(u, h->h2, 1);
	device_clear_dev(u, 1);
	h->ack2 = uk_irq_ack(u, h->h2, (uint64_t)h->seq2);
	h->t_close3 = now_ns(u);
	h->close3 = uk_sys_handle_close(u, (uint32_t)h->h3);
}

START_TEST(kobj_moves_when_last_handle_or_sink_ends_episode)
{
	struct sim_machine_config cfg = {.cpus = 2, .trace_limit = 1 << 16};
	struct world *w = world_new_machine(20 * MS, &cfg);
	unsigned d0 = add_device(w, HW_IRQ_LEVEL, 16), d1 = add_device(w, HW_IRQ_LEVEL, 17);
	struct holder h = {0};
	uint64_t tid;

	holder_last_calls = 0;
	holder_last_arg = 77;
	ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_GSI, 16, &holder_model, NULL), 0);
	ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_GSI, 17, &holder_model, NULL), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "holder", holder_main), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "holder-blocker", holder_blocker), 1);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&h, .prio = 100,
			      .max_prio = 200, .affinity = 1, .name = "holder"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	spawned(w, tid);
	at(w, 1 * MS, d0, HW_ACT_ASSERT, 1);
	at(w, 5 * MS, d1, HW_ACT_ASSERT, 1);
	run(w);

	ck_assert_int_gt(h.h1, 0);
	ck_assert_int_eq(h.seq1, 1);
	ck_assert_int_eq(h.aff1, 0);
	ck_assert_int_eq(h.close1, 0);
	ck_assert_uint_eq(holder_last_calls, 1);
	ck_assert_uint_eq(holder_last_arg, 0);
	ck_assert_int_eq(h.seq2, 1);
	ck_assert_int_eq(h.aff2, 0);
	ck_assert_int_eq(h.ack2, 0);
	ck_assert_int_eq(h.close3, 0);
	struct uk_kernel_stats st = stats(w);
	ck_assert_uint_eq(st.irq_moves_deferred, 2);
	ck_assert_uint_eq(st.irq_moves, 2);
	/* Each move made with the close that ended its episode. */
	const struct sim_trace_rec *mv[2] = {NULL, NULL};
	unsigned n = 0;
	for (unsigned i = 0; n < 2 && (mv[n] = nth_trace(w, UK_TRACE_IRQ_ROUTE, i)); i++)
		if (mv[n]->c == 0)
			n++;
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_ge(mv[0]->time, h.t_close1);
	ck_assert_uint_lt(mv[0]->time, h.t_close1 + 100 * US);
	ck_assert_uint_ge(mv[1]->time, h.t_close3);
	ck_assert_uint_lt(mv[1]->time, h.t_close3 + 100 * US);
	ck_assert_uint_eq(uk_kernel_irq_violation(w->sm->k, NULL, 0), 0);
	world_free(w);
}
END_TEST

/* Suspended: an interrupt of a wake line resumes the machine and is
 * delivered; one of a line that may not wake it (an MSI, which cannot be
 * masked) is held and delivered at the resume. */
START_TEST(kobj_suspend_wake_and_held)
{
	struct world *w = world_new(20 * MS);
	unsigned dl = add_device(w, HW_IRQ_LEVEL, 20), dm = add_device(w, HW_IRQ_NONE, 0);
	struct drv a = gsi_driver(20, UK_TRIGGER_LEVEL, dl);
	struct drv b = {.src = UK_IRQ_SRC_MSI, .source = 8, .trig = UK_TRIGGER_EDGE, .dev = dm};

	ck_assert_int_eq(uk_kernel_irq_set_line_wake(w->sm->k, UK_IRQ_SRC_GSI, 20, true), 0);
	spawn_driver(w, &a, "drv-wake", 100);
	spawn_driver(w, &b, "drv-held", 100);
	at_host(w, 2 * MS, host_request_fire, UK_HOST_SUSPEND, 0, 0);
	at(w, 3 * MS, dm, HW_ACT_ASSERT, 1);
	msi_at(w, 3 * MS, 8);
	at(w, 5 * MS, dl, HW_ACT_ASSERT, 1);
	run(w);

	struct uk_kernel_stats st = stats(w);
	ck_assert_uint_eq(st.suspends, 1);
	ck_assert_uint_eq(st.resumes, 1);
	ck_assert_uint_eq(st.wakeups, 1);
	ck_assert_uint_eq(st.irq_held_suspended, 1);
	struct uk_pm_info pm;
	uk_kernel_pm_info(w->sm->k, &pm);
	ck_assert(!pm.suspended);
	ck_assert_uint_eq(pm.last_wake_pin, 0); /* GSI 20's line, made first */
	ck_assert_uint_eq(a.episodes, 1);
	ck_assert_uint_eq(b.episodes, 1);
	ck_assert(a.mine[0] && b.mine[0]);
	ck_assert_int_eq(a.answer[0], 0);
	ck_assert_int_eq(b.answer[0], 0);
	ck_assert_uint_ge(a.seq_t[0], 5 * MS);
	ck_assert_uint_ge(b.seq_t[0], 5 * MS); /* held until the resume */
	ck_assert_uint_lt(b.seq_t[0], 6 * MS);
	world_free(w);
}
END_TEST

/* A model may end an episode where the kernel does not look for a waiting
 * move afterwards (a port unbind, the raise of a later interrupt); the move
 * is made by the next interrupt, before or after it is raised. */
#define ENDER_AUTO 2 /* op: from now on a raise in service ends the episode */
#define ENDER_DUE 9  /* op: from now on a port bind has a packet due at once */

static uint64_t ender_port_arg[3]; /* the last PORT_BIND, _UNBIND, _TAKE arguments */

static long ender_call(struct uk_irq_pin *pin, struct uk_irq_sink *sink, unsigned op,
		       uint64_t arg, uint64_t now)
{
	(void)sink;
	switch (op) {
	case UK_IRQ_CALL_PORT_BIND:
		ender_port_arg[0] = arg;
		return (long)pin->model_data[2]; /* 1: a packet is due at once */
	case UK_IRQ_CALL_PORT_UNBIND:
		ender_port_arg[1] = arg;
		if (pin->in_service)
			uk_irq_episode_end(pin, UK_IRQ_END_HANDLED, now);
		return 0;
	case UK_IRQ_CALL_PORT_TAKE:
		ender_port_arg[2] = arg;
		return 5; /* the packet's timestamp */
	case ENDER_AUTO:
		pin->model_data[0] = 1;
		return 0;
	case ENDER_DUE:
		pin->model_data[2] = 1;
		return 0;
	}
	return UK_ENOSYS;
}

static enum uk_irq_raise ender_raise(struct uk_irq_pin *pin, uint64_t ts, uint16_t flags,
				     uint64_t now)
{
	if (pin->model_data[0] && pin->in_service) {
		uk_irq_episode_end(pin, UK_IRQ_END_HANDLED, now);
		return UK_IRQ_RAISE_DROPPED;
	}
	return uk_irq_take(pin, ts, flags, now);
}

static const struct uk_irq_model_ops ender_model = {
	.abi = UK_ABI_VERSION, .name = "ender", .answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_NAK,
	.invariants = UK_IRQ_INV_ALL, .raise = ender_raise, .call = ender_call};

struct ender {
	long h1, seq1, aff1, auto1, h2, port, seq2, aff2, bind, unbind, seq3;
	uint64_t t_raise1, t_raise2;
};

static void ender_main(struct uk_user *u, uint64_t arg)
{
	struct ender *e = (struct ender *)(uintptr_t)arg;
	e->h1 = uk_irq_attach(u, UK_IRQ_SRC_GSI, 18, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	e->h2 = uk_irq_attach(u, UK_IRQ_SRC_GSI, 19, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	e->port = uk_syscall6(u, UK_SYS_IRQ_PORT_CREATE, ZX_PORT_BIND_TO_INTERRUPT, 0, 0, 0, 0, 0);
	/* Line 18: the second raise ends the episode. */
	e->seq1 = uk_irq_wait(u, e->h1, 0);
	e->aff1 = uk_irq_set_affinity(u, e->h1, 1);
	e->auto1 = uk_irq_model_call(u, e->h1, ENDER_AUTO, 0);
	/* Line 19: a port unbind ends the episode; the next raise starts one. */
	e->seq2 = uk_irq_wait(u, e->h2, 0);
	e->aff2 = uk_irq_set_affinity(u, e->h2, 1);
	e->bind = uk_syscall6(u, UK_SYS_IRQ_PORT_BIND, (uint64_t)e->h2, (uint64_t)e->port, 5, 0, 0,
			      0);
	e->unbind = uk_syscall6(u, UK_SYS_IRQ_PORT_UNBIND, (uint64_t)e->h2, (uint64_t)e->port, 0, 0,
				0, 0);
	e->seq3 = uk_irq_wait(u, e->h2, (uint64_t)e->seq2); /* left unanswered */
}

START_TEST(kobj_moves_at_the_next_interrupt)
{
	struct sim_machine_config cfg = {.cpus = 2, .trace_limit = 1 << 16};
	struct world *w = world_new_machine(20 * MS, &cfg);
	unsigned d1 = add_device(w, HW_IRQ_EDGE, 18), d2 = add_device(w, HW_IRQ_EDGE, 19);
	struct ender e = {0};
	uint64_t tid;

	ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_GSI, 18, &ender_model, NULL), 0);
	ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_GSI, 19, &ender_model, NULL), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "ender", ender_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&e, .prio = 100,
			      .max_prio = 200, .affinity = 1, .name = "ender"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	spawned(w, tid);
	at(w, 1 * MS, d1, HW_ACT_ASSERT, 1);
	at(w, 3 * MS, d1, HW_ACT_ASSERT, 2);
	at(w, 5 * MS, d2, HW_ACT_ASSERT, 1);
	at(w, 8 * MS, d2, HW_ACT_ASSERT, 2);
	run(w);

	ck_assert_int_eq(e.seq1, 1);
	ck_assert_int_eq(e.aff1, 0);
	ck_assert_int_eq(e.auto1, 0);
	ck_assert_int_gt(e.port, 0);
	ck_assert_int_eq(e.seq2, 1);
	ck_assert_int_eq(e.aff2, 0);
	ck_assert_int_eq(e.bind, 0);
	ck_assert_int_eq(e.unbind, 0);
	ck_assert_int_eq(e.seq3, 2);
	struct uk_kernel_stats st = stats(w);
	ck_assert_uint_eq(st.irq_moves_deferred, 2);
	ck_assert_uint_eq(st.irq_moves, 2);
	/* Pin 0 (GSI 18) moved by its interrupt at 3 ms, pin 1 (GSI 19) by
	 * its interrupt at 8 ms, which came on CPU 0 (routed there still). */
	const struct sim_trace_rec *mv[2] = {NULL, NULL};
	unsigned n = 0;
	for (unsigned i = 0; n < 2 && (mv[n] = nth_trace(w, UK_TRACE_IRQ_ROUTE, i)); i++)
		if (mv[n]->c == 0)
			n++;
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(mv[0]->a, 0);
	ck_assert_uint_ge(mv[0]->time, 3 * MS);
	ck_assert_uint_lt(mv[0]->time, 3 * MS + 100 * US);
	ck_assert_uint_eq(mv[1]->a, 1);
	ck_assert_uint_ge(mv[1]->time, 8 * MS);
	ck_assert_uint_lt(mv[1]->time, 8 * MS + 100 * US);
	const struct uk_irq_event *b3 = nth_ev(w, UK_IRQ_EV_BEGIN, 2);
	ck_assert_ptr_nonnull(b3);
	ck_assert_uint_eq(b3->pin, 1);
	ck_assert_uint_ge(b3->t, 8 * MS);
	ck_assert_uint_eq(uk_kernel_irq_violation(w->sm->k, NULL, 0), 0);
	world_free(w);
}
END_TEST

/* The same at a resume: an MSI held while the machine slept is raised at
 * the resume, its raise ends the episode, and the waiting move is made. */
struct ender_msi {
	long h, seq, aff, auto1;
};

static void ender_msi_main(struct uk_user *u, uint64_t arg)
{
	struct ender_msi *e = (struct ender_msi *)(uintptr_t)arg;
	e->h = uk_irq_attach(u, UK_IRQ_SRC_MSI, 9, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	e->seq = uk_irq_wait(u, e->h, 0);
	e->aff = uk_irq_set_affinity(u, e->h, 1);
	e->auto1 = uk_irq_model_call(u, e->h, ENDER_AUTO, 0);
	uk_sys_sleep_until(u, 15 * MS); /* owing its answer, the sink attached */
}

START_TEST(kobj_move_at_resume)
{
	struct sim_machine_config cfg = {.cpus = 2, .trace_limit = 1 << 16};
	struct world *w = world_new_machine(20 * MS, &cfg);
	struct ender_msi e = {0};
	uint64_t tid;

	ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_MSI, 9, &ender_model, NULL), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "ender-msi", ender_msi_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&e, .prio = 100,
			      .max_prio = 200, .affinity = 1, .name = "ender-msi"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	msi_at(w, 1 * MS, 9);
	at_host(w, 3 * MS, host_request_fire, UK_HOST_SUSPEND, 0, 0);
	msi_at(w, 4 * MS, 9);
	at_host(w, 6 * MS, host_request_fire, UK_HOST_RESUME, 0, 0);
	run(w);

	ck_assert_int_eq(e.seq, 1);
	ck_assert_int_eq(e.aff, 0);
	ck_assert_int_eq(e.auto1, 0);
	struct uk_kernel_stats st = stats(w);
	ck_assert_uint_eq(st.irq_held_suspended, 1);
	ck_assert_uint_eq(st.irq_moves_deferred, 1);
	ck_assert_uint_eq(st.irq_moves, 1);
	const struct sim_trace_rec *mv = NULL;
	for (unsigned i = 0; (mv = nth_trace(w, UK_TRACE_IRQ_ROUTE, i)) && mv->c != 0; i++)
		;
	ck_assert_ptr_nonnull(mv);
	ck_assert_uint_eq(mv->b, 1);
	ck_assert_uint_ge(mv->time, 6 * MS);
	ck_assert_uint_lt(mv->time, 6 * MS + 100 * US);
	ck_assert_uint_eq(uk_kernel_irq_violation(w->sm->k, NULL, 0), 0);
	world_free(w);
}
END_TEST

/* Model calls (UK_SYS_IRQ_MODEL_CALL): a blocking one the model answers
 * UK_EAGAIN sleeps until another call is made on the sink, then is made
 * again and returns the model's answer; a non-blocking one returns
 * UK_EAGAIN as it is and wakes nobody when nobody sleeps in a call (a
 * thread in uk_irq_wait stays asleep); a model call that ends the episode
 * makes a waiting move. */
struct calls {
	long h, wait, gate, gate_nowait, aff, end, nb, open;
	uint64_t t_end;
};

static void calls_helper(struct uk_user *u, uint64_t arg)
{
	struct calls *c = (struct calls *)(uintptr_t)arg;
	uk_sys_sleep(u, 1 * MS);
	c->nb = uk_irq_model_call(u, c->h, 1, 0);
	uk_sys_sleep_until(u, 5 * MS);
	c->open = uk_irq_model_call(u, c->h, 4, 0);
}

static void calls_main(struct uk_user *u, uint64_t arg)
{
	struct calls *c = (struct calls *)(uintptr_t)arg;
	c->h = uk_irq_attach(u, UK_IRQ_SRC_GSI, 21, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	long t = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, 1, arg, 100, 0);
	ck_assert_int_gt(t, 0);
	ck_assert_int_eq(uk_sys_thread_start(u, (uint32_t)t), 0);
	c->wait = uk_irq_wait(u, c->h, 0); /* the device at 3 ms */
	c->gate = uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)c->h, 3 | UK_IRQ_CALL_BLOCKING, 0,
			      0, 0, 0);
	/* A blocking call is a wait: the WAIT right, even when it would not block. */
	long sig = uk_sys_handle_dup(u, (uint32_t)c->h, UK_RIGHT_SIGNAL);
	c->gate_nowait = uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)sig,
				     3 | UK_IRQ_CALL_BLOCKING, 0, 0, 0, 0);
	c->aff = uk_irq_set_affinity(u, c->h, 1);
	device_clear_dev(u, 0);
	c->t_end = now_ns(u);
	c->end = uk_irq_model_call(u, c->h, 5, 0);
	uk_sys_sleep_until(u, 15 * MS);
}

static void host_blocked_fire(struct world *w, uint64_t now, const uint64_t arg[3])
{
	struct uk_thread_info info;
	(void)now;
	ck_assert_int_eq(uk_kernel_thread_info(w->sm->k, arg[0], &info), 0);
	*(uint64_t *)(uintptr_t)arg[1] = info.blocked_count;
}

START_TEST(kobj_model_calls_block_and_wake)
{
	struct sim_machine_config cfg = {.cpus = 2, .trace_limit = 1 << 16};
	struct world *w = world_new_machine(20 * MS, &cfg);
	unsigned dv = add_device(w, HW_IRQ_LEVEL, 21);
	struct calls c = {.gate = 12345};
	uint64_t tid, blocked = 0;

	ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_GSI, 21, &holder_model, NULL), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "calls", calls_main), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "calls-helper", calls_helper), 1);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&c, .prio = 100,
			      .max_prio = 200, .affinity = 1, .name = "calls"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	spawned(w, tid);
	at_host(w, 2 * MS, host_blocked_fire, tid, (uint64_t)(uintptr_t)&blocked, 0);
	at(w, 3 * MS, dv, HW_ACT_ASSERT, 1);
	run(w);

	ck_assert_uint_eq(blocked, 1); /* in its wait, once: the helper's call woke nobody */
	ck_assert_int_eq(c.nb, UK_EAGAIN);
	ck_assert_int_eq(c.wait, 1);
	ck_assert_int_eq(c.open, 0);
	ck_assert_int_eq(c.gate, 42);
	ck_assert_int_eq(c.gate_nowait, UK_EPERM);
	ck_assert_int_eq(c.aff, 0);
	ck_assert_int_eq(c.end, 0);
	struct uk_kernel_stats st = stats(w);
	ck_assert_uint_eq(st.irq_moves_deferred, 1);
	ck_assert_uint_eq(st.irq_moves, 1);
	const struct sim_trace_rec *mv = NULL;
	for (unsigned i = 0; (mv = nth_trace(w, UK_TRACE_IRQ_ROUTE, i)) && mv->c != 0; i++)
		;
	ck_assert_ptr_nonnull(mv);
	ck_assert_uint_ge(mv->time, c.t_end);
	ck_assert_uint_lt(mv->time, c.t_end + 100 * US);
	ck_assert_uint_eq(uk_kernel_irq_violation(w->sm->k, NULL, 0), 0);
	world_free(w);
}
END_TEST

/* A port's queue: one packet per bound object, in the order they came;
 * an unbind takes the object's packet out of the middle or the end of the
 * queue, and a new packet goes behind the one left; a wait whose packet cannot be copied out (no memory at the
 * address) says UK_EFAULT and consumes the packet all the same. */
#define PORT_PKT_VA 0x41000000ull
#define PORT_BAD_VA 0x42000000ull

struct port_queue_run {
	long port, v[3], bind[3], trig[3], unbind_b, unbind_c, rebind_b, ack_b, retrig_b;
	long w_fault, w_ok, w_last, ack_queued, trig_queued, w_once, w_next, destroy_c, rebind_c;
	zx_port_packet_t pkt2;
	zx_port_packet_t pkt;
};

static void port_queue_main(struct uk_user *u, uint64_t arg)
{
	struct port_queue_run *r = (struct port_queue_run *)(uintptr_t)arg;
	r->port = zx_port_create(u, ZX_PORT_BIND_TO_INTERRUPT);
	for (unsigned i = 0; i < 3; i++) {
		r->v[i] = zx_interrupt_create(u, 0, 40 + i, ZX_INTERRUPT_VIRTUAL);
		r->bind[i] = zx_interrupt_bind(u, r->v[i], r->port, 1 + i, ZX_INTERRUPT_BIND);
	}
	for (unsigned i = 0; i < 3; i++)
		r->trig[i] = zx_interrupt_trigger(u, r->v[i], 0, 100 + i);
	r->unbind_b = zx_interrupt_bind(u, r->v[1], r->port, 0, ZX_INTERRUPT_UNBIND); /* middle */
	r->unbind_c = zx_interrupt_bind(u, r->v[2], r->port, 0, ZX_INTERRUPT_UNBIND); /* end */
	r->rebind_b = zx_interrupt_bind(u, r->v[1], r->port, 22, ZX_INTERRUPT_BIND);
	r->ack_b = zx_interrupt_ack(u, r->v[1]);
	r->retrig_b = zx_interrupt_trigger(u, r->v[1], 0, 200);
	ck_assert_int_eq(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, PORT_PKT_VA, UK_PAGE_SIZE,
				       UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY), 0);
	r->w_fault = zx_port_wait(u, r->port, PORT_BAD_VA);
	r->w_ok = zx_port_wait(u, r->port, PORT_PKT_VA);
	ck_assert_int_eq(uk_user_read(u, PORT_PKT_VA, &r->pkt, sizeof(r->pkt)), 0);
	/* The queue is empty now: a third packet only once `a` is acked and
	 * triggered again. */
	ck_assert_int_eq(zx_interrupt_ack(u, r->v[0]), 0);
	ck_assert_int_eq(zx_interrupt_trigger(u, r->v[0], 0, 300), 0);
	r->w_last = zx_port_wait(u, r->port, 0);
	/* An interrupt acked while its packet is still queued, then raised
	 * again: still one packet (one per object), then the next object's. */
	ck_assert_int_eq(zx_interrupt_ack(u, r->v[0]), 0);
	ck_assert_int_eq(zx_interrupt_trigger(u, r->v[0], 0, 400), 0); /* a queued */
	r->ack_queued = zx_interrupt_ack(u, r->v[0]);
	ck_assert_int_eq(zx_interrupt_ack(u, r->v[1]), 0);
	ck_assert_int_eq(zx_interrupt_trigger(u, r->v[1], 0, 0), 0);    /* b behind it */
	r->trig_queued = zx_interrupt_trigger(u, r->v[0], 0, 500);      /* a again: no 2nd packet */
	r->w_once = zx_port_wait(u, r->port, 0);
	r->w_next = zx_port_wait(u, r->port, PORT_PKT_VA);
	ck_assert_int_eq(uk_user_read(u, PORT_PKT_VA, &r->pkt2, sizeof(r->pkt2)), 0);
	/* An unbind the model refuses (destroyed) is refused. */
	r->destroy_c = zx_interrupt_destroy(u, r->v[1]);
	r->rebind_c = zx_interrupt_bind(u, r->v[1], r->port, 0, ZX_INTERRUPT_UNBIND);
}

START_TEST(kobj_port_queue_order)
{
	static struct uk_irq_builtins b; /* test code: one run at a time */
	struct world *w = world_new(20 * MS);
	struct port_queue_run r = {0};
	uint64_t tid;

	uk_irq_builtins_init(&b);
	for (unsigned i = 0; i < 3; i++)
		ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_VIRTUAL, 40 + i,
						       uk_irq_model_find(&b, "zircon"), NULL), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "port-queue", port_queue_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&r, .prio = 100,
			      .max_prio = 200, .name = "port-queue"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	run(w);

	ck_assert_int_gt(r.port, 0);
	for (unsigned i = 0; i < 3; i++) {
		ck_assert_int_gt(r.v[i], 0);
		ck_assert_int_eq(r.bind[i], 0);
		ck_assert_int_eq(r.trig[i], 0);
	}
	ck_assert_int_eq(r.unbind_b, 0);
	ck_assert_int_eq(r.unbind_c, 0);
	ck_assert_int_eq(r.rebind_b, 0);
	ck_assert_int_eq(r.ack_b, 0);
	ck_assert_int_eq(r.retrig_b, 0);
	ck_assert_int_eq(r.w_fault, UK_EFAULT); /* a's packet, lost to the bad address */
	ck_assert_int_eq(r.w_ok, 22);           /* b's new one, queued at the end */
	ck_assert_uint_eq(r.pkt.key, 22);
	ck_assert_uint_eq(r.pkt.type, ZX_PKT_TYPE_INTERRUPT);
	ck_assert_uint_eq(r.pkt.timestamp, 200);
	ck_assert_int_eq(r.w_last, 1);
	ck_assert_uint_eq(r.pkt.status, 0);
	ck_assert_int_eq(r.ack_queued, 0);
	ck_assert_int_eq(r.trig_queued, 0);
	ck_assert_int_eq(r.w_once, 1);
	ck_assert_int_eq(r.w_next, 22);
	ck_assert_uint_eq(r.pkt2.key, 22);
	ck_assert_uint_eq(r.pkt2.timestamp, 0); /* a timestamp of 0 is a packet too */
	ck_assert_int_eq(r.destroy_c, UK_ENOENT); /* its packet taken, not acked: Zircon says so */
	ck_assert_int_eq(r.rebind_c, UK_ESRCH);
	ck_assert_uint_eq(uk_kernel_irq_violation(w->sm->k, NULL, 0), 0);
	world_free(w);
}
END_TEST

/* A model call about the sink's notification (a 4th argument): the
 * model's result says whether the kernel binds the sink to the named
 * notification (UK_IRQ_CALL_BIND | bits), drops its binding
 * (UK_IRQ_CALL_UNBIND) or leaves it (anything else); the caller sees 0,
 * and the notification it named is not kept. */
static long binder_call(struct uk_irq_pin *pin, struct uk_irq_sink *sink, unsigned op,
			uint64_t arg, uint64_t now)
{
	(void)pin, (void)sink, (void)arg, (void)now;
	switch (op) {
	case 6:
		return 0;
	case 7:
		return UK_IRQ_CALL_UNBIND;
	case 8:
		return UK_IRQ_CALL_BIND | 2;
	}
	return UK_ENOSYS;
}

static const struct uk_irq_model_ops binder_model = {
	.abi = UK_ABI_VERSION, .name = "binder", .answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_NAK,
	.invariants = UK_IRQ_INV_ALL, .liveness = UK_IRQ_LIVE_ALL, .call = binder_call};

struct binder_run {
	long n1, n2, h, bind, keep_named, keep_none, bind2, unbind;
	long seq[3], poll1[3], poll2[3], ack[3];
};

static long ntfn_call(struct uk_user *u, long h, unsigned op, uint64_t ntfn)
{
	return uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)h, op, 0, ntfn, 0, 0);
}

static void binder_episode(struct uk_user *u, struct binder_run *r, unsigned i)
{
	r->seq[i] = uk_irq_wait(u, r->h, i);
	r->poll1[i] = uk_ntfn_poll(u, (uint32_t)r->n1);
	r->poll2[i] = uk_ntfn_poll(u, (uint32_t)r->n2);
	device_clear_dev(u, 0);
	r->ack[i] = uk_irq_ack(u, r->h, (uint64_t)r->seq[i]);
}

static void binder_main(struct uk_user *u, uint64_t arg)
{
	struct binder_run *r = (struct binder_run *)(uintptr_t)arg;
	uk_sys_sleep_until(u, 1 * MS); /* the host counts the objects first */
	r->n1 = uk_ntfn_create(u);
	r->n2 = uk_ntfn_create(u);
	r->h = uk_irq_attach(u, UK_IRQ_SRC_GSI, 22, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	r->bind = uk_ntfn_bind_irq(u, (uint32_t)r->n1, r->h, 1);
	r->keep_named = ntfn_call(u, r->h, 6, (uint64_t)r->n2);
	r->keep_none = ntfn_call(u, r->h, 6, UK_IRQ_NTFN_NONE);
	binder_episode(u, r, 0); /* n1 */
	r->bind2 = ntfn_call(u, r->h, 8, (uint64_t)r->n2);
	binder_episode(u, r, 1); /* n2 */
	r->unbind = ntfn_call(u, r->h, 7, UK_IRQ_NTFN_NONE);
	binder_episode(u, r, 2); /* nobody */
	uk_sys_handle_close(u, (uint32_t)r->n1);
	uk_sys_handle_close(u, (uint32_t)r->n2);
	uk_sys_handle_close(u, (uint32_t)r->h);
	uk_sys_sleep_until(u, 15 * MS); /* alive when the host counts again */
}

START_TEST(kobj_model_calls_about_notifications)
{
	struct world *w = world_new(20 * MS);
	unsigned dv = add_device(w, HW_IRQ_EDGE, 22);
	struct binder_run r = {0};
	uint64_t tid, before[2], after[2];

	ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_GSI, 22, &binder_model, NULL), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "binder", binder_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&r, .prio = 100,
			      .max_prio = 200, .name = "binder"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	spawned(w, tid);
	at(w, 2 * MS, dv, HW_ACT_ASSERT, 1);
	at(w, 4 * MS, dv, HW_ACT_ASSERT, 1);
	at(w, 6 * MS, dv, HW_ACT_ASSERT, 1);
	at_host(w, 500 * US, host_mem_fire, (uint64_t)(uintptr_t)before, 0, 0);
	at_host(w, 12 * MS, host_mem_fire, (uint64_t)(uintptr_t)after, 0, 0);
	run(w);

	ck_assert_int_gt(r.h, 0);
	ck_assert_int_eq(r.bind, 0);
	ck_assert_int_eq(r.keep_named, 0);
	ck_assert_int_eq(r.keep_none, 0);
	ck_assert_int_eq(r.bind2, 0);
	ck_assert_int_eq(r.unbind, 0);
	static const long want1[3] = {1, 0, 0}, want2[3] = {0, 2, 0};
	for (unsigned i = 0; i < 3; i++) {
		ck_assert_int_eq(r.seq[i], i + 1);
		ck_assert_int_eq(r.ack[i], 0);
		ck_assert_msg(r.poll1[i] == want1[i] && r.poll2[i] == want2[i],
			      "episode %u: n1 %ld n2 %ld", i + 1, r.poll1[i], r.poll2[i]);
	}
	ck_assert_uint_eq(after[0], before[0]); /* nothing kept: sink, notifications */
	check_clean(w);
	world_free(w);
}
END_TEST

/* The kernel's port calls to a line's model (UK_IRQ_CALL_PORT_*, irq_sys.h):
 * a bind passes the key (and UK_IRQ_CALL_PORT_WAITING only while a thread
 * sleeps in a call), an unbind and a take pass 0; a bind the model answers
 * 1 queues the packet at once; a bind of a bound object moves it; an
 * unbind takes the queued packet back and nothing more comes to that port;
 * keys are at most UK_IRQ_PORT_KEY_MAX; nothing is kept once all is closed. */
struct port_calls {
	long p1, p2, h, z, bind_max, bind_past, due, bind_due, unbind, bind_p2, w_p2, rebind_p1,
		w_p1, unbind_other, unbind_p1, zbind, w_z;
	uint64_t arg_bind_max, arg_bind_12, arg_unbind, arg_take;
	zx_port_packet_t pkt;
};

static void port_calls_main(struct uk_user *u, uint64_t arg)
{
	struct port_calls *c = (struct port_calls *)(uintptr_t)arg;
	uk_sys_sleep_until(u, 1 * MS); /* the host counts the objects first */
	c->p1 = zx_port_create(u, ZX_PORT_BIND_TO_INTERRUPT);
	c->p2 = zx_port_create(u, ZX_PORT_BIND_TO_INTERRUPT);
	c->h = uk_irq_attach(u, UK_IRQ_SRC_MSI, 10, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	c->bind_max = zx_interrupt_bind(u, c->h, c->p1, UK_IRQ_PORT_KEY_MAX, ZX_INTERRUPT_BIND);
	c->arg_bind_max = ender_port_arg[0];
	c->bind_past = zx_interrupt_bind(u, c->h, c->p1, UK_IRQ_PORT_KEY_MAX + 1, ZX_INTERRUPT_BIND);
	c->due = uk_irq_model_call(u, c->h, ENDER_DUE, 0);
	c->bind_due = zx_interrupt_bind(u, c->h, c->p1, 11, ZX_INTERRUPT_BIND); /* queued on p1 */
	c->unbind = zx_interrupt_bind(u, c->h, c->p1, 0, ZX_INTERRUPT_UNBIND); /* taken back */
	c->arg_unbind = ender_port_arg[1];
	c->bind_p2 = zx_interrupt_bind(u, c->h, c->p2, 12, ZX_INTERRUPT_BIND); /* queued on p2 */
	c->arg_bind_12 = ender_port_arg[0];
	ck_assert_int_eq(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, PORT_PKT_VA, UK_PAGE_SIZE,
				       UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY), 0);
	c->w_p2 = zx_port_wait(u, c->p2, PORT_PKT_VA);
	c->arg_take = ender_port_arg[2];
	ck_assert_int_eq(uk_user_read(u, PORT_PKT_VA, &c->pkt, sizeof(c->pkt)), 0);
	c->rebind_p1 = zx_interrupt_bind(u, c->h, c->p1, 13, ZX_INTERRUPT_BIND); /* moved to p1 */
	c->w_p1 = zx_port_wait(u, c->p1, 0);
	c->unbind_other = zx_interrupt_bind(u, c->h, c->p2, 0, ZX_INTERRUPT_UNBIND);
	c->unbind_p1 = zx_interrupt_bind(u, c->h, c->p1, 0, ZX_INTERRUPT_UNBIND);
	/* The message at 3 ms raises h, unbound now: no packet for p1. A
	 * Zircon object triggered before its bind has its packet queued by
	 * the bind; it is the next on p1. */
	uk_sys_sleep_until(u, 4 * MS);
	c->z = zx_interrupt_create(u, 0, 52, ZX_INTERRUPT_VIRTUAL);
	ck_assert_int_eq(zx_interrupt_trigger(u, c->z, 0, 0), 0); /* timestamp 0 */
	c->zbind = zx_interrupt_bind(u, c->z, c->p1, 52, ZX_INTERRUPT_BIND);
	c->w_z = zx_port_wait(u, c->p1, PORT_PKT_VA + 64);
	uk_sys_handle_close(u, (uint32_t)c->z);
	uk_sys_handle_close(u, (uint32_t)c->h);
	uk_sys_handle_close(u, (uint32_t)c->p1);
	uk_sys_handle_close(u, (uint32_t)c->p2);
	uk_sys_sleep_until(u, 15 * MS); /* alive when the host counts again */
}

START_TEST(kobj_port_calls_to_the_model)
{
	static struct uk_irq_builtins b; /* test code: one run at a time */
	struct world *w = world_new(20 * MS);
	struct port_calls c = {0};
	uint64_t tid, before[2], after[2];

	memset(ender_port_arg, 0xff, sizeof(ender_port_arg));
	uk_irq_builtins_init(&b);
	ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_MSI, 10, &ender_model, NULL), 0);
	ck_assert_int_eq(uk_kernel_irq_set_line(w->sm->k, UK_IRQ_SRC_VIRTUAL, 52,
					       uk_irq_model_find(&b, "zircon"), NULL), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "port-calls", port_calls_main), 0);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&c, .prio = 100,
			      .max_prio = 200, .name = "port-calls"};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	msi_at(w, 3 * MS, 10);
	at_host(w, 500 * US, host_mem_fire, (uint64_t)(uintptr_t)before, 0, 0);
	at_host(w, 12 * MS, host_mem_fire, (uint64_t)(uintptr_t)after, 0, 0);
	run(w);

	ck_assert_int_eq(c.bind_max, 0);
	ck_assert_uint_eq(c.arg_bind_max, UK_IRQ_PORT_KEY_MAX);
	ck_assert_int_eq(c.bind_past, UK_EINVAL);
	ck_assert_int_eq(c.due, 0);
	ck_assert_int_eq(c.bind_due, 0);
	ck_assert_int_eq(c.unbind, 0);
	ck_assert_uint_eq(c.arg_unbind, 0);
	ck_assert_int_eq(c.bind_p2, 0);
	ck_assert_uint_eq(c.arg_bind_12, 12); /* nobody sleeps in a call: no WAITING bit */
	ck_assert_int_eq(c.w_p2, 12);
	ck_assert_uint_eq(c.arg_take, 0);
	ck_assert_uint_eq(c.pkt.key, 12);
	ck_assert_uint_eq(c.pkt.timestamp, 5);
	ck_assert_uint_eq(c.pkt.status, 0);
	ck_assert_int_eq(c.rebind_p1, 0);
	ck_assert_int_eq(c.w_p1, 13);
	ck_assert_int_eq(c.unbind_other, UK_ENOENT);
	ck_assert_int_eq(c.unbind_p1, 0);
	ck_assert_int_gt(c.z, 0);
	ck_assert_int_eq(c.zbind, 0);
	ck_assert_int_eq(c.w_z, 52);
	ck_assert_uint_eq(after[0], before[0]);
	ck_assert_uint_eq(uk_kernel_irq_violation(w->sm->k, NULL, 0), 0);
	world_free(w);
}
END_TEST

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	SIM_SUITE(sr, "kobj", 120, kobj_violation_report, kobj_controller_mask_behind_kernel,
		  kobj_route_before_line_made, kobj_line_settings_full,
		  kobj_wake_setting_reaches_made_lines, kobj_deferred_move_at_stall_retry,
		  kobj_virtual_configure, kobj_plic_claim_masked_complete_first_strands,
		  kobj_vectors_exhausted, kobj_failed_route_frees_line,
		  kobj_line_made_while_suspended, kobj_configure_reprograms,
		  kobj_affinity_and_wake_calls, kobj_virtual_timer_and_suspend,
		  kobj_sinks_leave_nothing, kobj_attach_bounds, kobj_route_plic_line,
		  kobj_host_setters_check, kobj_model_params, kobj_wake_setting_local_lines,
		  kobj_sys_irq_arguments, kobj_plic_claim_names_another_line,
		  kobj_moves_when_last_handle_or_sink_ends_episode, kobj_suspend_wake_and_held,
		  kobj_moves_at_the_next_interrupt, kobj_move_at_resume,
		  kobj_model_calls_block_and_wake, kobj_port_queue_order,
		  kobj_model_calls_about_notifications, kobj_port_calls_to_the_model);
	return sim_run_suites(sr);
}
