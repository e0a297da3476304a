/* SPDX-License-Identifier: MIT */
/*
 * The world the IRQ tests on the simulated machine share (test_irq.c,
 * test_irq_kobj.c): machine, devices, timeline and IRQ event log; the
 * seed's driver loop with the quirk of each race; looking at the log.
 */
#ifndef TESTS_SIM_IRQ_WORLD_H
#define TESTS_SIM_IRQ_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include <hwmodel/dev.h>
#include <hwmodel/evq.h>
#include <sim/machine.h>
#include <ukern/irq.h>
#include <ukern/irq_log.h>
#include <ukern/user.h>

#define MS 1000000ull
#define US 1000ull
#define IOAPIC 0u
#define MAX_EPISODES 64
#define DEV_BASE(i) (0xc0000000ull + (uint64_t)(i) * 0x1000)

/* ------------------------------------------------------------------------ */
/* The world: machine, devices, timeline, event log                         */
/* ------------------------------------------------------------------------ */

struct world;
struct host_ev; /* test_irq_kobj.c's host calls at given times (at_host) */

/* One scheduled device action (hw_dev_action at a virtual time). */
struct act {
	struct hw_event ev; /* first: the engine hands us this pointer */
	struct world *w;
	struct hw_dev *dev;
	enum hw_dev_action what;
	uint64_t arg;
};

struct world {
	struct sim_machine *sm;
	uint64_t end_ns;
	struct hw_dev *dev[4];
	unsigned ndev;
	uint64_t tid[16]; /* every process spawned: each holds every device's memory */
	unsigned ntid;
	struct act acts[16];
	unsigned nacts;
	struct hw_event tick; /* keeps the run going to end_ns */
	struct uk_irq_log log;
	struct uk_irq_event *ev;
	struct host_ev *hev; /* host calls at given times (at_host) */
	unsigned nhev;
};

struct world *world_new_machine(uint64_t end_ns, const struct sim_machine_config *c);
struct world *world_new_cfg(uint64_t end_ns, unsigned plic_sources);
struct world *world_new(uint64_t end_ns);
void world_free(struct world *w);

/* A scripted device (W1C status) on pin `pin` of controller `ctrl`. */
unsigned add_device_on(struct world *w, int mode, unsigned ctrl, unsigned pin);
unsigned add_device(struct world *w, int mode, unsigned pin);
/* A process of `tid` was spawned: it gets every device's memory. */
void spawned(struct world *w, uint64_t tid);
void at(struct world *w, uint64_t t, unsigned dev, enum hw_dev_action what, uint64_t arg);
/* Free-standing MSI source `src` sends its message at `t`. */
void msi_at(struct world *w, uint64_t t, unsigned src);
void run(struct world *w);

/* ------------------------------------------------------------------------ */
/* Drivers                                                                  */
/* ------------------------------------------------------------------------ */

/* Quirks, one per race. */
#define DRV_ACK_BEFORE_CLEAR_ONCE (1u << 0) /* race 3: the first ACK precedes the clear */
#define DRV_STALE_ACK (1u << 1)             /* race 1: ACK the previous sequence first */
#define DRV_EXIT_ON_FIRST (1u << 2)         /* race 6: die owing the first answer */
#define DRV_KICK_CLEAR (1u << 3)            /* race 5: answer "mine" with kick|clear */
#define DRV_KICK_AFTER_NAK (1u << 4)        /* race 4: after a NAK, recover, then kick */
#define DRV_CLOSE_AFTER_ATTACH (1u << 5)    /* race 9: attach, then close the handle */
#define DRV_FUTURE (1u << 6)                /* race 8: misuse before the loop */
#define DRV_SILENT_FIRST (1u << 7)          /* never answers the first episode */

struct drv {
	struct world *w;
	int src;          /* enum uk_irq_source */
	unsigned source;
	enum uk_trigger trig;
	unsigned dev;     /* its device (index in w->dev) */
	unsigned flags;
	uint64_t attach_at;   /* sleep until then before attaching */
	uint64_t gap_ns;      /* work between clearing the device and the ACK */
	uint64_t work_first;  /* work before answering the first episode */
	uint64_t kick_delay;  /* DRV_KICK_AFTER_NAK: time to recover the device */
	/* What it saw. */
	long attach_rc, wait_err;
	unsigned episodes;
	uint64_t seq[MAX_EPISODES], seq_t[MAX_EPISODES];
	long answer[MAX_EPISODES]; /* rc of the ACK/NAK/kick that answered each episode */
	bool mine[MAX_EPISODES];
	long stale_rc, kick_rc, late_rc;
	long misuse[8];
};

uint64_t now_ns(struct uk_user *u);
void device_clear_dev(struct uk_user *u, unsigned dev);
/* The seed's driver loop, with the quirk of the race under test. */
void driver(struct uk_user *u, uint64_t arg);
void spawn_driver_on(struct world *w, struct drv *d, const char *name, unsigned prio,
		     uint64_t affinity);
void spawn_driver(struct world *w, struct drv *d, const char *name, unsigned prio);
struct drv gsi_driver(unsigned pin, enum uk_trigger trig, unsigned dev);

/* ------------------------------------------------------------------------ */
/* Looking at the event log                                                 */
/* ------------------------------------------------------------------------ */

#define ANY UINT32_MAX

void dump_log(const struct world *w);
unsigned count_ev(const struct world *w, uint16_t kind, uint32_t sink, uint16_t flags);
/* The n-th event of `kind` (0-based), or NULL. */
const struct uk_irq_event *nth_ev(const struct world *w, uint16_t kind, unsigned n);
unsigned count_end(const struct world *w, enum uk_irq_end how);
struct uk_kernel_stats stats(const struct world *w);
/* No invariant broke, and the log satisfies L1..L7 at the end of the run. */
void check_clean(const struct world *w);

#endif /* TESTS_SIM_IRQ_WORLD_H */
