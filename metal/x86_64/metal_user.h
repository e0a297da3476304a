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
	METAL_SYS_EDU_EVENT = UK_SYS_EXT_FIRST + 3, /* (dev, what) -> 0: the driver attached
						   * (what 0), cleared its device (1), NAKed (2),
						   * ACKed after a late clear (3); the MSI
						   * driver attached (4), cleared (5) */
	METAL_SYS_EDU_COUNT = UK_SYS_EXT_FIRST + 4, /* (dev, what) -> attached (0), cleared (1),
						   * MSI driver attached (2) */
	METAL_SYS_EDU_DONE = UK_SYS_EXT_FIRST + 5,  /* (raises, tsc sum, tsc max, failures,
						   * tsc median, MSI raises): the raiser is
						   * done; the kernel prints the verdict and
						   * stops the machine */
	METAL_SYS_MSI_PHASE = UK_SYS_EXT_FIRST + 6, /* (start) -> whether the MSI phase began;
						   * start = 1 begins it (the raiser) */
	METAL_SYS_SCN_INFO = UK_SYS_EXT_FIRST + 7,  /* (thread, what) -> the scenario driver's
						   * edu index (what 0), line kind (1: 1 IOAPIC,
						   * 2 MSI), its pin or MSI source (2), work in
						   * TSC ticks (3), ack-before-clear (4) */
	METAL_SYS_SCN_EVENT = UK_SYS_EXT_FIRST + 8, /* (thread, event, tsc) -> 0: what the
						   * scenario driver did (METAL_SCN_EV_*) */
};

/* What a scenario driver reports (scenario.c counts it as the simulator's
 * runtime counts its notes). */
enum {
	METAL_SCN_EV_ATTACHED, /* its IRQ is attached: the timeline may start */
	METAL_SCN_EV_CLEAR,    /* about to clear its device's status (tsc: rdtsc just before) */
	METAL_SCN_EV_ACK,      /* an ACK accepted */
	METAL_SCN_EV_LATE,     /* an ACK refused with ESTALE: another ACK ended the episode */
	METAL_SCN_EV_NAK,      /* a NAK accepted */
	METAL_SCN_EV_REJECTED, /* a wait or answer refused otherwise */
};

/* A ring-3 program's argument: role << 8 | index. */
#define METAL_ROLE_HELLO 0u  /* index: its CPU */
#define METAL_ROLE_DRIVER 1u /* index: its edu device */
#define METAL_ROLE_RAISER 2u
#define METAL_ROLE_MSI_DRIVER 3u /* index: its edu device, switched to MSI */
#define METAL_ROLE_SCN_DRIVER 4u /* index: its thread in the scenario table */
#define METAL_ARG(role, index) ((uint64_t)(role) << 8 | (index))

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

#endif
