/* SPDX-License-Identifier: MIT */
/*
 * progargs.h: the argument block, what a program learns of its thread's
 * arguments and surroundings, in its own user memory.
 *
 * A program holds nothing but its user handle. Before it runs, the
 * platform's start code (the simulator's runtime trampoline; on bare metal
 * the ring-3 start code) maps the thread's slot of the argument area in the
 * thread's process and writes the block there. The program reads it back
 * through the user-memory accessors; it never receives a host pointer.
 *
 * Layout (every field little-endian; offsets count from the block's first
 * byte; an offset of 0 means "none", since the header sits there):
 *
 *   struct uk_progargs_hdr              magic, version, size, counts, offsets
 *   struct uk_progarg      [nargs]      the thread's arguments
 *   struct uk_progarg_dev  [ndevices]   every device of the machine, by index
 *   struct uk_progarg_ep   [nendpoints] every endpoint, by index: the handle
 *                                       the process holds (0: none)
 *   struct uk_progarg_mutex[nmutexes]   the process's named kernel mutexes
 *   strings                             NUL-terminated, referred to by offset
 *
 * Pure data: no code, C11, nothing but <stdint.h>.
 */
#ifndef UKERN_PROGARGS_H
#define UKERN_PROGARGS_H

#include <stdint.h>

#define UK_PROGARGS_MAGIC 0x61706b75u /* "ukpa" */
/* The block's own layout version; it changes with UK_ABI_VERSION. */
#define UK_PROGARGS_VERSION 2u

/* The argument area: one slot per thread of a process, indexed by the
 * thread's index in its process, high in the user range where no program
 * maps anything (programs keep below UK_PROGARGS_BASE). A slot is mapped
 * (demand-zero, read-write) by the start code of its own thread. */
#define UK_PROGARGS_BASE 0x00007f0000000000ull
#define UK_PROGARGS_SLOT_SIZE 0x10000ull /* 64 KiB: the largest block */
#define UK_PROGARGS_MAX_THREADS 64u      /* slots per process */
#define UK_PROGARGS_SLOT(i) (UK_PROGARGS_BASE + (uint64_t)(i) * UK_PROGARGS_SLOT_SIZE)

/* Limits a block keeps (the platform refuses a thread whose block would not). */
#define UK_PROGARGS_MAX_ARGS 64u
#define UK_PROGARGS_MAX_DEVICES 256u
#define UK_PROGARGS_MAX_ENDPOINTS 256u
#define UK_PROGARGS_MAX_MUTEXES 8u

struct uk_progargs_hdr {
	uint32_t magic;      /* UK_PROGARGS_MAGIC */
	uint16_t version;    /* UK_PROGARGS_VERSION */
	uint16_t hdr_size;   /* sizeof(struct uk_progargs_hdr) */
	uint32_t size;       /* the whole block, strings included (<= UK_PROGARGS_SLOT_SIZE) */
	uint32_t thread;     /* the thread's index in its process (its slot) */
	uint32_t process;    /* its process's index in the scenario */
	uint32_t nargs, ndevices, nendpoints, nmutexes;
	uint32_t args_off, devices_off, endpoints_off, mutexes_off, strings_off;
	uint32_t reserved[2];
	uint64_t nopreempt_budget_ns; /* from `caps nopreempt(T)`; 0: none */
};

/* What an argument's value is. */
enum uk_progarg_kind {
	UK_PROGARG_INT = 1,   /* num */
	UK_PROGARG_TIME,      /* num: ns */
	UK_PROGARG_SIZE,      /* num: bytes */
	UK_PROGARG_BOOL,      /* num: 0 or 1 */
	UK_PROGARG_STRING,    /* str */
	UK_PROGARG_IDENT,     /* str (an enum choice or a name); ref when it names something */
	UK_PROGARG_DEVICE,    /* ref: device index; str: its name */
	UK_PROGARG_PROCESS,   /* ref: process index */
	UK_PROGARG_ENDPOINT,  /* ref: endpoint index */
};

struct uk_progarg {
	uint32_t name; /* string offset */
	uint32_t kind; /* enum uk_progarg_kind */
	uint64_t num;
	uint32_t str;  /* string offset, or 0 */
	int32_t ref;   /* index of the device, endpoint or process it names, or -1 */
};

#define UK_PROGDEV_W1C (1u << 0)      /* status is write-1-to-clear (else clear-on-read) */
#define UK_PROGDEV_HAS_LINE (1u << 1) /* the device drives an interrupt line */
#define UK_PROGDEV_IRQ_CAP (1u << 2)  /* the thread's process holds irq(device) */

struct uk_progarg_dev {
	uint32_t name;     /* string offset */
	uint32_t flags;    /* UK_PROGDEV_* */
	uint32_t regs;     /* handle of its device memory in the thread's process (0: none;
			    * ukern/devmem.h), from `caps mmio(D)` or `caps pci(D)` */
	uint32_t regs_size; /* the register window's size in bytes */
	uint8_t src_kind;  /* enum uk_irq_source (ukern/irq_sys.h) */
	uint8_t trigger;   /* enum uk_trigger */
	uint8_t polarity;  /* enum uk_polarity */
	uint8_t reserved;
	uint32_t source;   /* IOAPIC pin, MSI source, PLIC source */
};

#define UK_PROGEP_GRANT (1u << 0) /* its transfer strategy moves memory through grants */

struct uk_progarg_ep {
	uint32_t handle; /* in the thread's process; 0: it holds none */
	uint32_t flags;  /* UK_PROGEP_* */
};

struct uk_progarg_mutex {
	uint32_t name;   /* string offset */
	uint32_t handle; /* in the thread's process */
};

_Static_assert(sizeof(struct uk_progargs_hdr) == 72, "progargs header layout");
_Static_assert(sizeof(struct uk_progarg) == 24, "progarg layout");
_Static_assert(sizeof(struct uk_progarg_dev) == 24, "progarg_dev layout");
_Static_assert(sizeof(struct uk_progarg_ep) == 8, "progarg_ep layout");
_Static_assert(sizeof(struct uk_progarg_mutex) == 8, "progarg_mutex layout");

#endif /* UKERN_PROGARGS_H */
