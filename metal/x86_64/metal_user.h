/* SPDX-License-Identifier: MIT */
/* The metal port's extension system calls (UK_SYS_EXT_FIRST ..) and the
 * ring-3 programs' roles, shared by the kernel side (user.c) and the ring-3
 * image (user/). */
#ifndef METAL_USER_H
#define METAL_USER_H

#include <ukern/syscall.h>

enum {
	METAL_SYS_PUTS = UK_SYS_EXT_FIRST,       /* (va, len) -> 0: a line on the console */
	METAL_SYS_REPORT = UK_SYS_EXT_FIRST + 1, /* (index, ok) -> 0: a hello program is done */
	METAL_SYS_EDU_INFO = UK_SYS_EXT_FIRST + 2, /* (dev, what) -> BAR0 (what 0), IOAPIC pin
						  * (1), device count (2); EINVAL */
	/* UK_SYS_EXT_FIRST + 3: retired (the hand-written drivers' reports) */
	METAL_SYS_EDU_COUNT = UK_SYS_EXT_FIRST + 4, /* (dev, what) -> every INTx driver waits for
						   * its first interrupt (0), raises cleared (1),
						   * MSI driver attached (2) */
	METAL_SYS_EDU_DONE = UK_SYS_EXT_FIRST + 5,  /* (raises, tsc sum, tsc max, failures,
						   * tsc median, MSI raises): the raiser is
						   * done; the kernel prints the verdict and
						   * stops the machine */
	METAL_SYS_MSI_PHASE = UK_SYS_EXT_FIRST + 6, /* (start) -> whether the MSI phase began;
						   * start = 1 begins it (the raiser) */
	METAL_SYS_TSC_KHZ = UK_SYS_EXT_FIRST + 7,   /* () -> the TSC's frequency in kHz (the
						   * ring-3 runtime's clock and work) */
	METAL_SYS_SCN_EVENT = UK_SYS_EXT_FIRST + 8, /* (dev, event, value) -> 0: what a program
						   * did to scenario device dev
						   * (METAL_SCN_EV_*); EINVAL */
};

/* What a ring-3 program reports (user/rt.c: its notes, its first wait,
 * its device clears; scenario.c and the fixed run count them as the
 * simulator's runtime counts its notes). */
enum {
	METAL_SCN_EV_READY,    /* it waits for its first interrupt (or ended): the timeline
				* may start */
	METAL_SCN_EV_CLEAR,    /* about to clear its device's status (value: rdtsc just
				* before) */
	METAL_SCN_EV_ACK,      /* an ACK accepted (SIM_NOTE_ACK) */
	METAL_SCN_EV_LATE,     /* served, but another ACK had ended the episode
				* (SIM_NOTE_SERVED_LATE) */
	METAL_SCN_EV_NAK,      /* a NAK accepted (SIM_NOTE_NAK) */
	METAL_SCN_EV_KICK,     /* a kick accepted (SIM_NOTE_KICK) */
	METAL_SCN_EV_REJECTED, /* a wait, answer or attach refused (SIM_NOTE_REJECTED) */
	METAL_SCN_EV_COUNT
};

/* A ring-3 program's argument: role << 8 | index. */
#define METAL_ROLE_HELLO 0u  /* index: its CPU */
#define METAL_ROLE_RAISER 2u
#define METAL_ROLE_PROGRAM 4u       /* index: its thread in the scenario table */
#define METAL_ROLE_FIXED_PROGRAM 5u /* the fixed run's edu-driver: index its device, or
				     * METAL_MAX_EDU for the MSI driver (user.c) */
#define METAL_ARG(role, index) ((uint64_t)(role) << 8 | (index))
/* What the ring-3 start code of a program gets (user/rt.c): its slot of
 * the argument area, the program (an index into METAL_PROGRAMS), and the
 * size of its block. */
#define METAL_PROG_ARG(slot, prog, size)                                             \
	((uint64_t)(size) << 32 | (uint64_t)(prog) << 16 | (uint64_t)METAL_ROLE_PROGRAM << 8 | \
	 (slot))
#define METAL_PROG_ARG_SLOT(arg) ((unsigned)((arg) & 0xff))
#define METAL_PROG_ARG_PROG(arg) ((unsigned)(((arg) >> 16) & 0xff))
#define METAL_PROG_ARG_SIZE(arg) ((uint32_t)((arg) >> 32))
/* Ring 3 (user/rt.c): a scenario thread's start, from user_main. */
_Noreturn void rt_program_start(uint64_t arg);

/* The raiser's timeline: single raises alternating between the devices,
 * then raises on both devices back to back (overlapping episodes). */
#define METAL_EDU_SINGLE 500u
#define METAL_EDU_PAIRS 250u
#define METAL_EDU_MSI 100u /* then raises on edu 0 through MSI */

/* edu registers (QEMU docs/specs/edu.rst) */
#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE 0x60
#define EDU_IRQ_ACK 0x64

#define METAL_USER_CODE 0x400000ull   /* where a ring-3 program's image is mapped */
#define METAL_USER_STACK 0x7f0000000ull /* its stack: [STACK, STACK + 16 KiB) */
#define METAL_USER_STACK_SIZE 0x4000ull
/* Where the ring-3 runtime keeps its copy of a thread's argument block
 * (slot i; the block itself is at UK_PROGARGS_SLOT(i)): the start code maps
 * both, the program reads the block once into the copy (rt_prog_block). */
#define METAL_USER_ARGCOPY(i) (0x7d0000000000ull + (uint64_t)(i) * 0x10000ull)

#endif
