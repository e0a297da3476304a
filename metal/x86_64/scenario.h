/* SPDX-License-Identifier: MIT */
/*
 * scenario.h: a scenario compiled into the metal image. `uksim export-metal
 * FILE.uks` (sim/uksim/cmd_export_metal.c) writes one
 * `const struct metal_scenario metal_scenario` in C from the supported subset
 * of the scenario language (docs/porting.md, "Scenarios on metal"); the
 * Makefile compiles it when given SCENARIO=path. The kernel side
 * (scenario.c) spawns the threads, drives the timeline from the LAPIC timer
 * and judges the expectations. Each thread runs one of the image's
 * programs (METAL_PROGRAMS) in ring 3; the start code (user.c) gives it its
 * arguments in an argument block (progargs.c), as the simulator does.
 */
#ifndef METAL_SCENARIO_H
#define METAL_SCENARIO_H

#include <stdint.h>

/* Bump when the layout changes: the exporter writes it, the image checks it. */
#define METAL_SCN_VERSION 2

/* The programs the ring-3 image holds, X(name, function): the runtime's own
 * program sources (sim/src/runtime/programs_*.c), compiled into the image
 * (user/rt.c builds its table from this list; `uksim export-metal` refuses
 * a thread whose program is not in it). */
#define METAL_PROGRAMS(X)                         \
	X("edu-driver", rt_prog_edu_driver)       \
	X("irq-driver", rt_prog_irq_driver)

/* The largest argument block the start code writes (a kernel-stack
 * buffer; `uksim export-metal` refuses a thread whose block is larger,
 * though the subset's programs, with names of at most 256 characters and
 * two devices, stay under 1 KiB). */
#define METAL_PROGARGS_MAX 2048u

/* The most timeline actions the image keeps (after `repeat`). */
#define METAL_SCN_MAX_ACTIONS 16384u

enum metal_scn_line { METAL_SCN_IOAPIC = 1, METAL_SCN_MSI = 2 };

struct metal_scn_device {
	const char *name;
	uint8_t pci_dev;     /* QEMU's `-device edu,addr=N`: bus 0, function 0 */
	uint8_t line_kind;   /* enum metal_scn_line */
	uint8_t level;       /* IOAPIC: level-triggered (edu's INTx is level) */
	uint16_t line;       /* the scenario's pin or MSI source (the firmware picks the real pin) */
	uint8_t w1c;         /* its status is write-1-to-clear (UK_PROGDEV_W1C) */
};

/* A thread's argument, as the simulator's runtime puts it in the block
 * (struct uk_progarg, ukern/progargs.h). */
struct metal_scn_arg {
	const char *name;
	uint32_t kind;       /* enum uk_progarg_kind */
	int32_t ref;         /* the device, process or endpoint it names, or -1 */
	uint64_t num;
	const char *str;     /* or NULL */
};

/* One thread; on metal each is its own process (the scenario's process i
 * is thread i here). */
struct metal_scn_thread {
	const char *name;    /* "process.thread" */
	const char *program; /* one of METAL_PROGRAMS */
	uint8_t prio;
	uint64_t affinity;   /* CPU mask */
	uint32_t devmem;     /* bit d: its process holds device d's memory (pci(D), mmio(D)) */
	uint32_t irq;        /* bit d: its process holds irq(D) */
	unsigned nargs;
	const struct metal_scn_arg *args; /* in the scenario's order */
};

/* `at T raise D BITS`, `repeat` expanded, in time order. */
struct metal_scn_action {
	uint64_t at_ns;
	uint32_t bits;
	uint8_t device;
};

enum metal_scn_counter {
	METAL_SCN_NOBODY_CARED,
	METAL_SCN_UNSERVED,
	METAL_SCN_STATUS_LEFT,
	METAL_SCN_HANDLED,
	METAL_SCN_NO_DEADLOCK,    /* met when the run reached its end */
	METAL_SCN_LATENCY_IRQ,    /* measured and printed, not judged (docs/porting.md) */
};

enum metal_scn_cmp { METAL_SCN_EQ, METAL_SCN_NE, METAL_SCN_LT, METAL_SCN_LE, METAL_SCN_GT, METAL_SCN_GE };

struct metal_scn_expect {
	const char *text;    /* as `uksim run` words it: "count handled(edu0) >= 250" */
	uint32_t line, col;
	uint8_t counter;     /* enum metal_scn_counter */
	uint8_t cmp;         /* enum metal_scn_cmp */
	int16_t ref;         /* device index, or -1 for the total */
	uint64_t value;
};

struct metal_scenario {
	uint32_t version;
	const char *name, *file;
	unsigned cpus;
	unsigned ndevices, nthreads, nactions, nexpects;
	const struct metal_scn_device *devices;
	const struct metal_scn_thread *threads;
	const struct metal_scn_action *actions;
	const struct metal_scn_expect *expects;
};

/* The image's scenario; a null `name` is the fixed run (no SCENARIO=). */
extern const struct metal_scenario metal_scenario;

#endif
