/* SPDX-License-Identifier: MIT */
/*
 * The seL4 model through the kernel (ukern/models/sel4.h): handlers bound
 * to one notification with badges, the badges ORed while the driver is
 * busy, Clear and re-bind, the errors of each call as a user program sees
 * them, and the "Undelivered IRQ" event.
 */
#include <check.h>

#include "suites.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hwmodel/dev.h>
#include <hwmodel/evq.h>
#include <hwmodel/intc.h>
#include <sim/machine.h>
#include <ukern/devmem.h>
#include <ukern/irq_log.h>
#include <ukern/irq_model.h>
#include <ukern/models/sel4.h>

#define MS 1000000ull
#define DEV_BASE(i) (0xc0000000ull + (uint64_t)(i) * 0x1000)

/* The platform's part: the memory of devices 0 .. n-1 for the process of
 * `tid`, mapped at UK_DEVMEM_VA(i). */
static void grant_devices(struct sim_machine *sm, uint64_t tid, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		int h = uk_kernel_devmem_create(sm->k, tid, DEV_BASE(i), 0x1000, UK_DEVMEM_NO_PCI,
						UK_RIGHT_READ | UK_RIGHT_WRITE | UK_RIGHT_MAP);
		ck_assert_int_gt(h, 0);
		ck_assert_int_eq(uk_kernel_devmem_map(sm->k, tid, (uint32_t)h, UK_DEVMEM_VA(i),
						      UK_PROT_READ | UK_PROT_WRITE), 0);
	}
}
#define LOG_CAP 4096

struct act {
	struct hw_event ev; /* first: the engine hands us this pointer */
	struct sim_machine *sm;
	struct hw_dev *dev;
};

struct drv {
	struct sim_machine *sm;
	long ntfn, h9, h10, second;
	long err[16];
	long bind9, bind10, ack9, ack10, rebind;
	long words[8];
	unsigned nwords;
};

static void act_fire(struct hw_event *ev, uint64_t now)
{
	struct act *a = (struct act *)ev;
	ck_assert_int_eq(hw_dev_action(a->sm->hw, a->dev, now, HW_ACT_ASSERT, 0), 0);
}

static void serve(struct uk_user *u, struct drv *d, long badge)
{
	if (badge & 1) {
		uk_reg_write32(u, UK_DEVMEM_VA(0) + HW_SCRIPT_STATUS, HW_SCRIPT_STATUS_IRQ);
		ck_assert_int_eq(uk_sel4_irq_handler_ack(u, d->h9), 0);
	}
	if (badge & 6) {
		uk_reg_write32(u, UK_DEVMEM_VA(1) + HW_SCRIPT_STATUS, HW_SCRIPT_STATUS_IRQ);
		ck_assert_int_eq(uk_sel4_irq_handler_ack(u, d->h10), 0);
	}
}

static void driver(struct uk_user *u, uint64_t arg)
{
	struct drv *d = (struct drv *)(uintptr_t)arg;
	unsigned e = 0;

	d->ntfn = uk_ntfn_create(u);
	d->h9 = uk_sel4_irq_control_get_ioapic(u, 9, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	d->h10 = uk_sel4_irq_control_get_ioapic(u, 10, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	d->second = uk_sel4_irq_control_get_ioapic(u, 9, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	uint32_t n = (uint32_t)d->ntfn;
	long weak = uk_sys_handle_dup(u, n, UK_RIGHT_WAIT);
	long mute = uk_sys_handle_dup(u, (uint32_t)d->h9, UK_RIGHT_WAIT);
	d->err[e++] = uk_sel4_irq_handler_set_notification(u, d->h9, 0, 1);          /* no cap */
	d->err[e++] = uk_sel4_irq_handler_set_notification(u, d->h9, 0x7777, 1);     /* bad cap */
	d->err[e++] = uk_sel4_irq_handler_set_notification(u, d->h9, (uint32_t)d->h10, 1);
	d->err[e++] = uk_sel4_irq_handler_set_notification(u, d->h9, (uint32_t)weak, 1);
	d->err[e++] = uk_sel4_irq_handler_set_notification(u, d->h9, n, 0);          /* badge */
	d->err[e++] = uk_sel4_irq_handler_set_notification(u, d->h9, n, UK_SEL4_BADGE_MAX + 1);
	d->err[e++] = uk_syscall6(u, UK_SYS_IRQ_MODEL_CALL, (uint64_t)d->h9,
				  UK_SEL4_OP_SET_NOTIFICATION, UK_IRQ_CALL_NTFN | 1, n, 0, 0);
	d->err[e++] = uk_irq_model_call(u, d->h9, UK_SEL4_OP_CLEAR, 0);           /* no wrapper */
	d->err[e++] = uk_irq_model_call(u, d->h9, 7, 0);                          /* no such op */
	d->err[e++] = uk_sel4_irq_handler_clear(u, 0x7777);
	d->err[e++] = uk_sel4_irq_handler_set_notification(u, mute, n, 1);        /* no SIGNAL */
	d->err[e++] = uk_sel4_irq_handler_ack(u, mute);
	d->err[e++] = uk_sel4_irq_handler_ack(u, 0x7777);
	/* The native layout: one notification, a badge per line, then an Ack
	 * for whatever came before the bind. */
	d->bind9 = uk_sel4_irq_handler_set_notification(u, d->h9, n, 1);
	d->bind10 = uk_sel4_irq_handler_set_notification(u, d->h10, n, 2);
	d->ack9 = uk_sel4_irq_handler_ack(u, d->h9);
	d->ack10 = uk_sel4_irq_handler_ack(u, d->h10);
	/* Busy while both lines fire at 1 ms: one wait gets both badges. */
	uk_sys_sleep_until(u, 2 * MS);
	long w = uk_sel4_wait(u, n);
	d->words[d->nwords++] = w;
	serve(u, d, w);
	/* Line 10 unbound while it fires at 3 ms: masked, told to nobody. */
	ck_assert_int_eq(uk_sel4_irq_handler_clear(u, d->h10), 0);
	uk_sys_sleep_until(u, 4 * MS);
	d->words[d->nwords++] = uk_sel4_poll(u, n);
	/* Re-bound with another badge and Acked: the level line raises again. */
	d->rebind = uk_sel4_irq_handler_set_notification(u, d->h10, n, 4);
	ck_assert_int_eq(uk_sel4_irq_handler_ack(u, d->h10), 0);
	w = uk_sel4_wait(u, n);
	d->words[d->nwords++] = w;
	serve(u, d, w);
	/* Deleting a handler: its line goes inactive, the other one works on. */
	ck_assert_int_eq(uk_sys_handle_close(u, (uint32_t)mute), 0);
	ck_assert_int_eq(uk_sys_handle_close(u, (uint32_t)d->h9), 0);
	d->words[d->nwords++] = uk_sel4_wait(u, n); /* line 10 at 6 ms; line 9 at 5 ms is lost */
}

START_TEST(sel4_badges_through_the_kernel)
{
	char err[256];
	struct sim_machine *sm = NULL;
	struct sim_machine_config cfg = {.cpus = 1, .trace_limit = 1 << 16, .stop_time_ns = 20 * MS};
	if (sim_machine_create(&cfg, &sm, err, sizeof(err)) != 0)
		ck_abort_msg("machine: %s", err);
	struct uk_irq_event *ev = calloc(LOG_CAP, sizeof(*ev));
	struct uk_irq_log log;
	uk_irq_log_init(&log, ev, LOG_CAP);
	ck_assert_int_eq(uk_kernel_irq_set_log(sm->k, &log), 0);
	struct uk_irq_builtins bt;
	uk_irq_builtins_init(&bt);
	ck_assert_int_eq(uk_kernel_irq_set_model(sm->k, uk_irq_model_find(&bt, "sel4")), 0);

	struct hw_dev *dev[2];
	for (unsigned i = 0; i < 2; i++) {
		char name[8];
		snprintf(name, sizeof(name), "dev%u", i);
		struct hw_dev_desc dd = {.kind = HW_DEV_SCRIPT, .name = name,
					 .mmio_base = DEV_BASE(i), .mmio_size = 0x1000,
					 .irq_mode = HW_IRQ_LEVEL, .irq_ctrl = 0, .irq_pin = 9 + i,
					 .status_mode = HW_STATUS_W1C};
		if (hw_machine_add_device(sm->hw, &dd, err, sizeof(err)) < 0)
			ck_abort_msg("device: %s", err);
		dev[i] = hw_dev_find(sm->hw, name);
	}
	const struct { uint64_t t; unsigned d; } plan[] = {
		{1 * MS, 0}, {1 * MS, 1}, {3 * MS, 1}, {5 * MS, 0}, {6 * MS, 1},
	};
	struct act acts[5];
	for (unsigned i = 0; i < 5; i++) {
		acts[i] = (struct act){.sm = sm, .dev = dev[plan[i].d]};
		hw_event_init(&acts[i].ev, act_fire);
		ck_assert_int_eq(hw_evq_insert(&sm->e->evq, &acts[i].ev, plan[i].t), 0);
	}
	struct drv d = {.sm = sm};
	int prog = uk_kernel_register_program(sm->k, "sel4", driver);
	struct uk_spawn sp = {.program = (unsigned)prog, .arg = (uint64_t)(uintptr_t)&d,
			      .prio = 100, .max_prio = 200, .name = "sel4"};
	uint64_t tid;
	ck_assert_int_eq(uk_kernel_spawn(sm->k, &sp, &tid), 0);
	grant_devices(sm, tid, 2);
	sim_machine_run(sm);

	ck_assert_int_gt(d.h9, 0);
	ck_assert_int_gt(d.h10, 0);
	ck_assert_int_eq(d.second, UK_EBUSY); /* seL4_RevokeFirst */
	const long want[] = {UK_EBADH, UK_EBADH, UK_EBADH, UK_EPERM, UK_EINVAL, UK_EINVAL,
			     UK_EINVAL, UK_EINVAL, UK_ENOSYS, UK_EBADH, UK_EPERM, UK_EPERM,
			     UK_EBADH};
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(d.err[i] == want[i], "error %u: %ld, want %ld", i, d.err[i], want[i]);
	ck_assert_int_eq(d.bind9, 0);
	ck_assert_int_eq(d.bind10, 0);
	ck_assert_int_eq(d.ack9, 0);
	ck_assert_int_eq(d.ack10, 0);
	ck_assert_int_eq(d.rebind, 0);
	ck_assert_uint_eq(d.nwords, 4);
	ck_assert_int_eq(d.words[0], 3); /* both badges, ORed */
	ck_assert_int_eq(d.words[1], 0); /* unbound: nothing signalled */
	ck_assert_int_eq(d.words[2], 4); /* the new badge, after the Ack */
	ck_assert_int_eq(d.words[3], 4);
	unsigned undelivered = 0, detach = 0;
	for (size_t i = 0; i < log.len; i++) {
		undelivered += ev[i].kind == UK_IRQ_EV_UNDELIVERED;
		detach += ev[i].kind == UK_IRQ_EV_DETACH;
	}
	ck_assert_uint_eq(undelivered, 1);
	ck_assert_uint_ge(detach, 1);
	ck_assert_uint_eq(log.lost, 0);
	sim_machine_destroy(sm);
	free(ev);
}
END_TEST

/* An edge between issue and bind: masked, told to nobody; the Ack after the
 * bind reopens the line but nothing raises it again, so only a driver that
 * looks at its device finds the interrupt. The next edge is delivered. */
struct edge_drv {
	long h, ntfn, polled, status, next;
};

static void edge_driver(struct uk_user *u, uint64_t arg)
{
	struct edge_drv *d = (struct edge_drv *)(uintptr_t)arg;
	d->ntfn = uk_ntfn_create(u);
	d->h = uk_sel4_irq_control_get_ioapic(u, 11, UK_TRIGGER_EDGE, UK_POLARITY_HIGH);
	uk_sys_sleep_until(u, 2 * MS); /* the edge comes at 1 ms */
	ck_assert_int_eq(uk_sel4_irq_handler_set_notification(u, d->h, (uint32_t)d->ntfn, 1), 0);
	ck_assert_int_eq(uk_sel4_irq_handler_ack(u, d->h), 0);
	d->polled = uk_sel4_poll(u, (uint32_t)d->ntfn);
	d->status = uk_reg_read32(u, UK_DEVMEM_VA(0) + HW_SCRIPT_STATUS);
	uk_reg_write32(u, UK_DEVMEM_VA(0) + HW_SCRIPT_STATUS, HW_SCRIPT_STATUS_IRQ);
	d->next = uk_sel4_wait(u, (uint32_t)d->ntfn); /* the edge at 3 ms */
}

START_TEST(sel4_edge_before_bind_is_lost)
{
	char err[256];
	struct sim_machine *sm = NULL;
	struct sim_machine_config cfg = {.cpus = 1, .trace_limit = 1 << 16, .stop_time_ns = 10 * MS};
	if (sim_machine_create(&cfg, &sm, err, sizeof(err)) != 0)
		ck_abort_msg("machine: %s", err);
	struct uk_irq_event *ev = calloc(LOG_CAP, sizeof(*ev));
	struct uk_irq_log log;
	uk_irq_log_init(&log, ev, LOG_CAP);
	ck_assert_int_eq(uk_kernel_irq_set_log(sm->k, &log), 0);
	struct uk_irq_builtins bt;
	uk_irq_builtins_init(&bt);
	ck_assert_int_eq(uk_kernel_irq_set_model(sm->k, uk_irq_model_find(&bt, "sel4")), 0);
	struct hw_dev_desc dd = {.kind = HW_DEV_SCRIPT, .name = "edge0", .mmio_base = DEV_BASE(0),
				 .mmio_size = 0x1000, .irq_mode = HW_IRQ_EDGE, .irq_ctrl = 0,
				 .irq_pin = 11, .status_mode = HW_STATUS_W1C};
	if (hw_machine_add_device(sm->hw, &dd, err, sizeof(err)) < 0)
		ck_abort_msg("device: %s", err);
	struct act acts[2];
	for (unsigned i = 0; i < 2; i++) {
		acts[i] = (struct act){.sm = sm, .dev = hw_dev_find(sm->hw, "edge0")};
		hw_event_init(&acts[i].ev, act_fire);
		ck_assert_int_eq(hw_evq_insert(&sm->e->evq, &acts[i].ev, (1 + 2 * i) * MS), 0);
	}
	struct edge_drv d = {0};
	int prog = uk_kernel_register_program(sm->k, "edge", edge_driver);
	struct uk_spawn sp = {.program = (unsigned)prog, .arg = (uint64_t)(uintptr_t)&d,
			      .prio = 100, .max_prio = 200, .name = "edge"};
	uint64_t tid;
	ck_assert_int_eq(uk_kernel_spawn(sm->k, &sp, &tid), 0);
	grant_devices(sm, tid, 1);
	sim_machine_run(sm);
	ck_assert_int_gt(d.h, 0);
	ck_assert_int_eq(d.polled, 0);                     /* nothing was signalled */
	ck_assert_int_eq(d.status & HW_SCRIPT_STATUS_IRQ, 1); /* but the device did interrupt */
	ck_assert_int_eq(d.next, 1);
	unsigned undelivered = 0, begins = 0;
	for (size_t i = 0; i < log.len; i++) {
		undelivered += ev[i].kind == UK_IRQ_EV_UNDELIVERED;
		begins += ev[i].kind == UK_IRQ_EV_BEGIN;
	}
	ck_assert_uint_eq(undelivered, 1);
	ck_assert_uint_eq(begins, 2); /* nothing raised the line again at the Ack */
	sim_machine_destroy(sm);
	free(ev);
}
END_TEST

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	SIM_SUITE(sr, "sel4", 120, sel4_badges_through_the_kernel, sel4_edge_before_bind_is_lost);
	return sim_run_suites(sr);
}
