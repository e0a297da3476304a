/* SPDX-License-Identifier: MIT */
/*
 * The world the IRQ tests on the simulated machine share: see irq_world.h.
 */
#include "irq_world.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include <hwmodel/intc.h>
#include <ukern/devmem.h>
#include <ukern/irq_sys.h>

#define LOG_CAP 8192

/* ------------------------------------------------------------------------ */
/* The world: machine, devices, timeline, event log                         */
/* ------------------------------------------------------------------------ */

static void act_fire(struct hw_event *ev, uint64_t now)
{
	struct act *a = (struct act *)ev;
	if (!a->dev) /* a free-standing MSI source sends its message */
		ck_assert_int_eq(hw_msi_send(a->w->sm->hw, (unsigned)a->arg, now), 0);
	else
		ck_assert_int_eq(hw_dev_action(a->w->sm->hw, a->dev, now, a->what, a->arg), 0);
}

static void tick_fire(struct hw_event *ev, uint64_t now)
{
	struct world *w = (struct world *)((char *)ev - offsetof(struct world, tick));
	/* Past end_ns too: a pending event past the stop time ends the run
	 * as "time limit reached" rather than as a deadlock of the drivers
	 * that wait for interrupts forever. */
	if (now <= w->end_ns)
		hw_evq_insert(&w->sm->e->evq, ev, now + 10 * MS);
}

struct world *world_new_machine(uint64_t end_ns, const struct sim_machine_config *c)
{
	char err[256];
	struct world *w = calloc(1, sizeof(*w));
	struct sim_machine_config cfg = *c;
	cfg.stop_time_ns = end_ns;
	ck_assert_ptr_nonnull(w);
	if (sim_machine_create(&cfg, &w->sm, err, sizeof(err)) != 0)
		ck_abort_msg("machine: %s", err);
	w->end_ns = end_ns;
	w->ev = calloc(LOG_CAP, sizeof(*w->ev));
	uk_irq_log_init(&w->log, w->ev, LOG_CAP);
	ck_assert_int_eq(uk_kernel_irq_set_log(w->sm->k, &w->log), 0);
	hw_event_init(&w->tick, tick_fire);
	hw_evq_insert(&w->sm->e->evq, &w->tick, 10 * MS);
	return w;
}

struct world *world_new_cfg(uint64_t end_ns, unsigned plic_sources)
{
	struct sim_machine_config cfg = {.cpus = 1, .trace_limit = 1 << 16,
					 .plic_sources = plic_sources};
	return world_new_machine(end_ns, &cfg);
}

struct world *world_new(uint64_t end_ns)
{
	return world_new_cfg(end_ns, 0);
}

void world_free(struct world *w)
{
	sim_machine_destroy(w->sm);
	free(w->hev);
	free(w->ev);
	free(w);
}

unsigned add_device(struct world *w, int mode, unsigned pin)
{
	return add_device_on(w, mode, IOAPIC, pin);
}

/* The platform's part: device memory of device `dev` for the process of
 * `tid`, mapped at UK_DEVMEM_VA(dev) (drivers here serve any device). */
static void grant_device(struct world *w, uint64_t tid, unsigned dev)
{
	int h = uk_kernel_devmem_create(w->sm->k, tid, DEV_BASE(dev), 0x1000, UK_DEVMEM_NO_PCI,
					UK_RIGHT_READ | UK_RIGHT_WRITE | UK_RIGHT_MAP);
	ck_assert_int_gt(h, 0);
	ck_assert_int_eq(uk_kernel_devmem_map(w->sm->k, tid, (uint32_t)h, UK_DEVMEM_VA(dev),
					      UK_PROT_READ | UK_PROT_WRITE), 0);
}

void spawned(struct world *w, uint64_t tid)
{
	ck_assert_uint_lt(w->ntid, 16);
	w->tid[w->ntid++] = tid;
	for (unsigned i = 0; i < w->ndev; i++)
		grant_device(w, tid, i);
}

unsigned add_device_on(struct world *w, int mode, unsigned ctrl, unsigned pin)
{
	char err[256], name[8];
	unsigned i = w->ndev++;
	snprintf(name, sizeof(name), "dev%u", i);
	struct hw_dev_desc d = {.kind = HW_DEV_SCRIPT, .name = name, .mmio_base = DEV_BASE(i),
				.mmio_size = 0x1000, .irq_mode = mode, .irq_ctrl = ctrl,
				.irq_pin = pin, .status_mode = HW_STATUS_W1C};

	if (hw_machine_add_device(w->sm->hw, &d, err, sizeof(err)) < 0)
		ck_abort_msg("device: %s", err);
	w->dev[i] = hw_dev_find(w->sm->hw, name);
	ck_assert_ptr_nonnull(w->dev[i]);
	for (unsigned t = 0; t < w->ntid; t++)
		grant_device(w, w->tid[t], i);
	return i;
}

void at(struct world *w, uint64_t t, unsigned dev, enum hw_dev_action what, uint64_t arg)
{
	struct act *a = &w->acts[w->nacts++];
	*a = (struct act){.w = w, .dev = w->dev[dev], .what = what, .arg = arg};
	hw_event_init(&a->ev, act_fire);
	ck_assert_int_eq(hw_evq_insert(&w->sm->e->evq, &a->ev, t), 0);
}

/* Free-standing MSI source `src` sends its message at `t`. */
void msi_at(struct world *w, uint64_t t, unsigned src)
{
	struct act *a = &w->acts[w->nacts++];
	*a = (struct act){.w = w, .arg = src};
	hw_event_init(&a->ev, act_fire);
	ck_assert_int_eq(hw_evq_insert(&w->sm->e->evq, &a->ev, t), 0);
}

void run(struct world *w)
{
	enum sim_result r = sim_machine_run(w->sm);
	ck_assert_msg(r == SIM_DONE, "run ended %s: %s", sim_result_name(r), w->sm->e->message);
	ck_assert_uint_eq(w->log.lost, 0);
}

/* ------------------------------------------------------------------------ */
/* Drivers                                                                  */
/* ------------------------------------------------------------------------ */

uint64_t now_ns(struct uk_user *u) { return (uint64_t)uk_sys_clock(u); }

static bool device_says_mine(struct uk_user *u, struct drv *d)
{
	long v = uk_reg_read32(u, UK_DEVMEM_VA(d->dev) + HW_SCRIPT_STATUS);
	ck_assert_int_ge(v, 0);
	return (v & HW_SCRIPT_STATUS_IRQ) != 0;
}

static void device_clear(struct uk_user *u, struct drv *d)
{
	ck_assert_int_eq(uk_reg_write32(u, UK_DEVMEM_VA(d->dev) + HW_SCRIPT_STATUS, HW_SCRIPT_STATUS_IRQ), 0);
}

void device_clear_dev(struct uk_user *u, unsigned dev)
{
	ck_assert_int_eq(uk_reg_write32(u, UK_DEVMEM_VA(dev) + HW_SCRIPT_STATUS, HW_SCRIPT_STATUS_IRQ), 0);
}

static void misuse_first(struct uk_user *u, struct drv *d, long irq)
{
	long ro = uk_sys_handle_dup(u, (uint32_t)irq, UK_RIGHT_WAIT);
	d->misuse[0] = uk_irq_wait(u, irq, 5);         /* from the future */
	d->misuse[1] = uk_irq_ack(u, irq, 7);          /* from the future */
	d->misuse[2] = uk_irq_ack(u, irq, 0);          /* no episode yet */
	d->misuse[3] = uk_irq_ack(u, ro, 0);           /* no signal right */
	d->misuse[4] = uk_irq_kick(u, ro, false);      /* no signal right */
	d->misuse[5] = uk_irq_wait(u, 0x7777, 0);      /* no such handle */
	d->misuse[6] = uk_irq_attach(u, UK_IRQ_SRC_GSI, 99, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	d->misuse[7] = uk_syscall6(u, UK_SYS_IRQ_KICK, (uint64_t)irq, 2, 0, 0, 0, 0);
	uk_sys_handle_close(u, (uint32_t)ro);
}

/* The seed's driver loop, with the quirk of the race under test. */
void driver(struct uk_user *u, uint64_t arg)
{
	struct drv *d = (struct drv *)(uintptr_t)arg;
	uint64_t seq = 0, prev = 0;
	long irq;

	if (d->attach_at)
		uk_sys_sleep_until(u, d->attach_at);
	irq = uk_irq_attach(u, d->src, d->source, d->trig, UK_POLARITY_HIGH);
	d->attach_rc = irq;
	if (irq < 0)
		return;
	if (d->flags & DRV_CLOSE_AFTER_ATTACH) {
		uk_sys_handle_close(u, (uint32_t)irq);
		return;
	}
	if (d->flags & DRV_FUTURE)
		misuse_first(u, d, irq);
	for (;;) {
		long r = uk_irq_wait(u, irq, seq);
		unsigned n = d->episodes;
		if (r < 0) {
			d->wait_err = r;
			return;
		}
		prev = seq;
		seq = (uint64_t)r;
		if (n < MAX_EPISODES) {
			d->seq[n] = seq;
			d->seq_t[n] = now_ns(u);
		}
		d->episodes++;
		if (d->flags & DRV_EXIT_ON_FIRST)
			return; /* dies owing its answer */
		if (n == 0 && (d->flags & DRV_SILENT_FIRST)) {
			uk_sys_sleep(u, 2000 * MS); /* hung: the kernel times it out */
			d->late_rc = uk_irq_ack(u, irq, seq);
			continue;
		}
		if (n == 0 && d->work_first)
			uk_user_work(u, d->work_first);
		long rc;
		bool mine = device_says_mine(u, d);
		if (mine && n == 0 && (d->flags & DRV_ACK_BEFORE_CLEAR_ONCE)) {
			rc = uk_irq_ack(u, irq, seq); /* the bug: the line is still up */
			uk_user_work(u, 50 * US);      /* ...and the unmasked line fires */
			device_clear(u, d);
		} else if (mine) {
			device_clear(u, d);
			if (d->gap_ns)
				uk_user_work(u, d->gap_ns);
			if ((d->flags & DRV_STALE_ACK) && prev)
				d->stale_rc = uk_irq_ack(u, irq, prev);
			rc = (d->flags & DRV_KICK_CLEAR) ? uk_irq_kick(u, irq, true)
							 : uk_irq_ack(u, irq, seq);
		} else {
			rc = uk_irq_nak(u, irq, seq);
			if (d->flags & DRV_KICK_AFTER_NAK) {
				uk_sys_sleep(u, d->kick_delay); /* re-initialise the device */
				d->kick_rc = uk_irq_kick(u, irq, false);
			}
		}
		if (n < MAX_EPISODES) {
			d->answer[n] = rc;
			d->mine[n] = mine;
		}
	}
}

void spawn_driver_on(struct world *w, struct drv *d, const char *name, unsigned prio,
			    uint64_t affinity)
{
	int prog = uk_kernel_register_program(w->sm->k, name, driver);
	uint64_t tid;
	ck_assert_int_ge(prog, 0);
	d->w = w;
	struct uk_spawn s = {.program = (unsigned)prog, .arg = (uint64_t)(uintptr_t)d,
			     .prio = prio, .max_prio = 255, .affinity = affinity, .name = name};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &s, &tid), 0);
	spawned(w, tid);
}

void spawn_driver(struct world *w, struct drv *d, const char *name, unsigned prio)
{
	spawn_driver_on(w, d, name, prio, 0);
}

struct drv gsi_driver(unsigned pin, enum uk_trigger trig, unsigned dev)
{
	return (struct drv){.src = UK_IRQ_SRC_GSI, .source = pin, .trig = trig, .dev = dev};
}

/* ------------------------------------------------------------------------ */
/* Looking at the event log                                                 */
/* ------------------------------------------------------------------------ */

#define ANY UINT32_MAX

void dump_log(const struct world *w)
{
	for (size_t i = 0; i < w->log.len; i++) {
		const struct uk_irq_event *e = &w->log.ev[i];
		fprintf(stderr, "%zu t=%llu step=%llu kind=%u pin=%u sink=%d arg=%llu flags=%x\n", i,
			(unsigned long long)e->t, (unsigned long long)e->step, e->kind, e->pin,
			(int)e->sink, (unsigned long long)e->arg, e->flags);
	}
}

unsigned count_ev(const struct world *w, uint16_t kind, uint32_t sink, uint16_t flags)
{
	unsigned n = 0;
	for (size_t i = 0; i < w->log.len; i++) {
		const struct uk_irq_event *e = &w->log.ev[i];
		if (e->kind == kind && (sink == ANY || e->sink == sink) &&
		    (e->flags & flags) == flags)
			n++;
	}
	return n;
}

/* The n-th event of `kind` (0-based), or NULL. */
const struct uk_irq_event *nth_ev(const struct world *w, uint16_t kind, unsigned n)
{
	for (size_t i = 0; i < w->log.len; i++)
		if (w->log.ev[i].kind == kind && n-- == 0)
			return &w->log.ev[i];
	return NULL;
}

unsigned count_end(const struct world *w, enum uk_irq_end how)
{
	unsigned n = 0;
	for (size_t i = 0; i < w->log.len; i++)
		n += w->log.ev[i].kind == UK_IRQ_EV_END && w->log.ev[i].arg == how;
	return n;
}

struct uk_kernel_stats stats(const struct world *w)
{
	struct uk_kernel_stats st;
	uk_kernel_get_stats(w->sm->k, &st);
	return st;
}

/* No invariant broke, and the log satisfies L1..L7 at the end of the run. */
void check_clean(const struct world *w)
{
	char text[200];
	uint64_t v = uk_kernel_irq_violation(w->sm->k, text, sizeof(text));
	ck_assert_msg(v == 0, "%llu invariant violations, first: %s", (unsigned long long)v, text);
	struct uk_irq_live_params p = {.ack_timeout_ns = UK_IRQ_ACK_TIMEOUT_NS, .end_ns = w->end_ns};
	struct uk_irq_live_violation out[4];
	size_t n = uk_irq_liveness_check(&w->log, &p, out, 4);
	for (size_t i = 0; i < n && i < 4; i++)
		fprintf(stderr, "L%u at event %zu (pin %u sink %u): %s\n", out[i].prop, out[i].index,
			out[i].pin, out[i].sink, out[i].msg);
	ck_assert_uint_eq(n, 0);
}
