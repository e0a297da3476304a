/* SPDX-License-Identifier: MIT */
/*
 * The program library: the C functions a scenario's threads run, and what a
 * program sees of the scenario (its arguments, resolved devices, endpoint
 * handles, and a few runtime services for statistics).
 *
 * A program is `void fn(struct uk_user *u)`. It is a user program of the
 * kernel (ukern/user.h, ukern/irq_sys.h, ukern/ipc.h) and runs on the thread
 * the scenario declared; `u` is all it holds. Its arguments and
 * surroundings are in its own user memory, in the argument block the
 * runtime writes before it runs (ukern/progargs.h); the calls below take
 * `u` and are of two sorts:
 *
 *   data      sim_prog_has, _num, _str, _ref, _device, _endpoint,
 *             _endpoint_grants, _mutex, _nopreempt_budget: they read the
 *             block from user memory (once, at the thread's first data
 *             call; later calls read the copy) and nothing else, so they
 *             port to bare metal unchanged. A block the program has
 *             spoiled reads as "no arguments": every call gives its default.
 *   services  sim_prog_now, _choose, _idle, _note: the simulator's own
 *             (virtual time, the explorer's choices, the run's counters).
 *             On bare metal (metal/x86_64/user/rt.c): TSC time, the
 *             default choice, "waits for input" once, and the notes the
 *             image counts as a system call (docs/porting.md).
 *
 * The data calls are sim/src/runtime/progargs_read.c, which the bare-metal
 * image compiles unchanged into its ring-3 programs.
 *
 * Call the data calls at the program's start: the first one reads the
 * block (decision points, virtual time); keep their results, not the calls,
 * in loops. Services cost no virtual time.
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
 * See docs/running.md for a complete example and the block's layout.
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

/* Since interface version 3 (UK_ABI_VERSION) programs take only their user
 * handle; versions 1 and 2 passed a host pointer to a context. Version 5:
 * a program reaches its device's registers through device memory
 * (sim_prog_device_map, ukern/devmem.h), never by physical address. */
typedef void (*sim_program_fn)(struct uk_user *u);

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

/* ---- arguments (data) ---- */

/* Whether the thread's program was given argument `name`. */
bool sim_prog_has(struct uk_user *u, const char *name);
/* Numbers (int, time in ns, size in bytes, bool 0/1), or `dflt`. */
uint64_t sim_prog_num(struct uk_user *u, const char *name, uint64_t dflt);
/* Strings and identifiers (enum choices, names), or `dflt`. The string
 * lives as long as the thread (in the runtime's copy of its block). */
const char *sim_prog_str(struct uk_user *u, const char *name, const char *dflt);
/* A device, process or endpoint argument: its index in the scenario, or -1. */
int sim_prog_ref(struct uk_user *u, const char *name);

/* ---- the scenario around the thread (data) ---- */

struct sim_dev_info {
	const char *name;     /* lives as long as the thread */
	uint32_t regs_h;      /* device memory handle (ukern/devmem.h); 0: the process has
			       * neither mmio(DEVICE) nor pci(DEVICE) */
	uint32_t regs_size;   /* the register window's size in bytes */
	uk_vaddr_t regs;      /* where sim_prog_device_map mapped the window
			       * (HW_SCRIPT_* offsets from here); 0 before */
	bool w1c;             /* status is write-1-to-clear (else clear-on-read) */
	bool has_line;
	unsigned src_kind;    /* enum uk_irq_source (ukern/irq_sys.h) */
	unsigned source;      /* IOAPIC pin, MSI source, PLIC source */
	unsigned trigger;     /* enum uk_trigger */
	unsigned polarity;    /* enum uk_polarity */
	bool irq_cap;         /* the thread's process holds irq(DEVICE) */
};
/* 0, or -1 for an index that names no device. */
int sim_prog_device(struct uk_user *u, int dev, struct sim_dev_info *out);
/* sim_prog_device, and map the device's registers (once per process, at
 * UK_DEVMEM_VA(dev), read-write, uncached) so that out->regs points at
 * them; read and write them with uk_reg_read32/uk_reg_write32
 * (ukern/devmem.h). 0; -1 for no such device; UK_EPERM when the process
 * holds no device memory for it; another error of UK_SYS_DEVMEM_MAP. */
int sim_prog_device_map(struct uk_user *u, int dev, struct sim_dev_info *out);
/* The handle of endpoint `ep` in the thread's process (0 if it has none). */
uint32_t sim_prog_endpoint(struct uk_user *u, int ep);
/* Whether endpoint `ep`'s transfer strategy moves memory through grants
 * (a client passes a grant with its call). */
bool sim_prog_endpoint_grants(struct uk_user *u, int ep);
/* A kernel mutex of the thread's process named `name` (made by the runtime
 * before the process's threads start), or 0. */
uint32_t sim_prog_mutex(struct uk_user *u, const char *name);
/* The thread's no-preemption budget from `caps nopreempt(T)` (0: none). */
uint64_t sim_prog_nopreempt_budget(struct uk_user *u);

/* ---- services of the simulator ---- */

/* Virtual time now (ns) on the CPU running the thread. */
uint64_t sim_prog_now(struct uk_user *u);
/* Ask the explorer for a value in [0, n) (default `dflt`): a program's own
 * nondeterminism, covered by replay tokens. */
unsigned sim_prog_choose(struct uk_user *u, unsigned n, unsigned dflt);

/* Mark the thread as waiting for outside input (an IRQ, a request): a run
 * whose only blocked threads are idle ended quietly, not in a deadlock. */
void sim_prog_idle(struct uk_user *u, bool idle);

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
	SIM_NOTE_ATTACH_REFUSED, /* the kernel refused to attach to dev's line; value: the
				  * error (negated), e.g. UK_EBUSY on a one-handler model */
};
/* Count an event for the run's expectations (a service). */
void sim_prog_note(struct uk_user *u, enum sim_note what, int dev, uint64_t value);

#endif /* SIM_PROGRAMS_H */
