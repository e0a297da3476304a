/* SPDX-License-Identifier: MIT */
/*
 * The program library: the C functions a scenario's threads run, and what a
 * program sees of the scenario (its arguments, resolved devices, endpoint
 * handles, and a few runtime hooks for statistics).
 *
 * A program is `void fn(struct uk_user *u, struct sim_prog_ctx *c)`. It is a
 * user program of the kernel (ukern/user.h, ukern/irq_sys.h, ukern/ipc.h) and
 * runs on the thread the scenario declared; `c` is that thread's context,
 * owned by the runtime for the length of one run.
 *
 * Built-in programs live in sim/src/runtime/programs_*.c. A researcher's
 * programs come from a shared object (`uksim run --load ./x.so`, or a
 * scenario's `load "x.so"` line) that says which interface it was built
 * against and exports a table:
 *
 *	UKERN_PLUGIN;
 *	const struct sim_program ukern_programs[] = {
 *		{"my-driver", my_driver, my_args, 2, "what it does", my_needs, 1},
 *		{0},
 *	};
 *
 * See docs/running.md for a complete example.
 */
#ifndef SIM_PROGRAMS_H
#define SIM_PROGRAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sim/uks_catalog.h>
#include <ukern/arch.h>
#include <sim/policy.h>
#include <ukern/user.h>

struct sim_prog_ctx;

typedef void (*sim_program_fn)(struct uk_user *u, struct sim_prog_ctx *c);

struct sim_program {
	const char *name;
	sim_program_fn fn;
	const struct uks_arg_spec *args; /* may be NULL: arguments unchecked */
	size_t nargs;
	const char *doc;
	/* The capabilities it needs, by argument (uks_catalog.h): a run, and
	 * `uksim check`, refuse a thread whose process lacks one. */
	const struct uks_cap_need *needs;
	size_t nneeds;
};


/* The symbol a shared object exports: a table ended by an entry whose name
 * is NULL. */
#define SIM_PROGRAMS_SYMBOL "ukern_programs"

/* The built-in programs (constant; ended by a NULL name). */
const struct sim_program *sim_builtin_programs(size_t *n);

/* ---- arguments ---- */

/* Whether the thread's program was given argument `name`. */
bool sim_prog_has(const struct sim_prog_ctx *c, const char *name);
/* Numbers (int, time in ns, size in bytes, bool 0/1), or `dflt`. */
uint64_t sim_prog_num(const struct sim_prog_ctx *c, const char *name, uint64_t dflt);
/* Strings and identifiers (enum choices), or `dflt`. */
const char *sim_prog_str(const struct sim_prog_ctx *c, const char *name, const char *dflt);
/* A device, process or endpoint argument: its index in the scenario, or -1. */
int sim_prog_ref(const struct sim_prog_ctx *c, const char *name);

/* ---- the scenario around the thread ---- */

struct sim_dev_info {
	const char *name;
	uk_paddr_t mmio;      /* the register window (HW_SCRIPT_* offsets) */
	bool w1c;             /* status is write-1-to-clear (else clear-on-read) */
	bool has_line;
	unsigned src_kind;    /* enum uk_irq_source (ukern/irq_sys.h) */
	unsigned source;      /* IOAPIC pin, MSI source, PLIC source */
	unsigned trigger;     /* enum uk_trigger */
	unsigned polarity;    /* enum uk_polarity */
	bool irq_cap;         /* the thread's process holds irq(DEVICE) */
};
/* 0, or -1 for an index that names no device. */
int sim_prog_device(const struct sim_prog_ctx *c, int dev, struct sim_dev_info *out);
/* The handle of endpoint `ep` in the thread's process (0 if it has none). */
uint32_t sim_prog_endpoint(const struct sim_prog_ctx *c, int ep);
/* A kernel mutex of the thread's process named `name` (made by the runtime
 * before the process's threads start), or 0. */
uint32_t sim_prog_mutex(const struct sim_prog_ctx *c, const char *name);
/* The thread's no-preemption budget from `caps nopreempt(T)` (0: none). */
uint64_t sim_prog_nopreempt_budget(const struct sim_prog_ctx *c);
/* Virtual time now (ns) on the CPU running the thread. */
uint64_t sim_prog_now(const struct sim_prog_ctx *c);
/* Ask the explorer for a value in [0, n) (default `dflt`): a program's own
 * nondeterminism, covered by replay tokens. */
unsigned sim_prog_choose(struct sim_prog_ctx *c, unsigned n, unsigned dflt);

/* ---- hooks the runtime counts with ---- */

/* Mark the thread as waiting for outside input (an IRQ, a request): a run
 * whose only blocked threads are idle ended quietly, not in a deadlock. */
void sim_prog_idle(struct sim_prog_ctx *c, bool idle);

enum sim_note {
	SIM_NOTE_WOKEN = 1,    /* the IRQ wait of `dev`'s driver returned a new sequence */
	SIM_NOTE_CLAIM,        /* the driver found `dev`'s status set (an interrupt served) */
	SIM_NOTE_ACK,          /* an ACK (or kick|clear) was accepted */
	SIM_NOTE_NAK,          /* a NAK was accepted */
	SIM_NOTE_KICK,         /* a kick was accepted */
	SIM_NOTE_REJECTED,     /* a wait/ACK/NAK/kick/attach failed (dev may be -1) */
	SIM_NOTE_OVERRUN,      /* a no-preemption section overran its budget */
	SIM_NOTE_NOPREEMPT_NS, /* value: the length of one section */
	SIM_NOTE_WAKEUP_NS,    /* value: a delay between due and running */
	SIM_NOTE_IPC_NS,       /* value: one call's round trip (dev = endpoint) */
	SIM_NOTE_COPIED,       /* value: bytes transferred (dev = endpoint) */
	SIM_NOTE_FAULT,        /* a fault charged to the thread's process */
	SIM_NOTE_SERVED_LATE,  /* the driver served its device, but another sink's ACK had
				* already ended the episode (its own ACK was stale) */
};
void sim_prog_note(struct sim_prog_ctx *c, enum sim_note what, int dev, uint64_t value);

#endif /* SIM_PROGRAMS_H */
