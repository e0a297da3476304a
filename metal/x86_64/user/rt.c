/* SPDX-License-Identifier: MIT */
/*
 * rt.c: the ring-3 platform of the runtime's programs. The image holds the
 * simulator's own program sources (METAL_PROGRAMS in scenario.h: built from
 * sim/src/runtime/programs_*.c and the argument-block reader
 * progargs_read.c, unchanged); this file is what they expect of their
 * platform (sim/src/runtime/proglib.h), in ring 3:
 *
 *   the handle  `struct uk_user` is this file's: what the start code knows
 *               of the thread (its slot, its copy of the block, the TSC
 *               rate); uk_syscall (crt.S) ignores it;
 *   the block   rt_prog_block reads the thread's block from
 *               UK_PROGARGS_SLOT(slot), where the kernel-side start code
 *               wrote it (user.c, progargs.c), once, into its copy at
 *               METAL_USER_ARGCOPY(slot), through rt_progargs_load: the
 *               simulator's own check;
 *   memory      uk_user_read/_write are plain loads and stores (a 4- or
 *               8-byte aligned access is one access: device registers);
 *               uk_user_work spins on the TSC;
 *   services    sim_prog_now: TSC-based ns; sim_prog_choose: the default;
 *               sim_prog_idle: the first idle(true) tells the image the
 *               thread waits for input (the timeline starts when all do),
 *               later ones nothing; sim_prog_note: the scenario event
 *               system call for the notes the image counts (ACK, NAK,
 *               SERVED_LATE, KICK, REJECTED), nothing for the others.
 *
 * A write of an edu's interrupt acknowledge register is reported too, with
 * the TSC just before it: the simulator's edu model reports its status
 * clears to the runtime (which serves the raises made before them); the
 * kernel cannot see a store to device memory.
 */
#include <string.h>

#include <ukern/devmem.h>
#include <ukern/progargs.h>
#include <ukern/user.h>

#include "proglib.h"

#include "../metal_user.h"
#include "../scenario.h"

struct uk_user {
	unsigned slot;        /* its slot of the argument area */
	uint32_t block_size;  /* what the start code wrote (the copy's size) */
	int view;             /* the copy: 1 read, -1 spoiled, 0 not read yet */
	bool ready;           /* told the image it waits for input */
	uint64_t tsc_khz;
};

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static void event(int dev, unsigned ev, uint64_t value)
{
	uk_syscall6(NULL, METAL_SYS_SCN_EVENT, (uint64_t)(int64_t)dev, ev, value, 0, 0, 0);
}

/* ---- the block ---- */

const struct uk_progargs_hdr *rt_prog_block(struct uk_user *u)
{
	if (!u)
		return NULL;
	void *copy = (void *)METAL_USER_ARGCOPY(u->slot);
	if (u->view == 0) {
		u->view = -1;
		if (rt_progargs_load(u, UK_PROGARGS_SLOT(u->slot), copy, u->block_size) == 0)
			u->view = 1;
	}
	return u->view > 0 ? copy : NULL;
}

/* ---- memory ---- */

int uk_user_read(struct uk_user *u, uk_vaddr_t va, void *buf, size_t len)
{
	(void)u;
	if (len == 4 && va % 4 == 0)
		*(uint32_t *)buf = *(volatile const uint32_t *)va;
	else if (len == 8 && va % 8 == 0)
		*(uint64_t *)buf = *(volatile const uint64_t *)va;
	else
		memcpy(buf, (const void *)va, len);
	return 0;
}

int uk_user_write(struct uk_user *u, uk_vaddr_t va, const void *buf, size_t len)
{
	(void)u;
	if (len == 4 && va % 4 == 0) {
		uint64_t off = va - UK_DEVMEM_VA_BASE, dev = off / UK_DEVMEM_VA_SLOT;
		bool clear = va >= UK_DEVMEM_VA_BASE && dev < UK_PROGARGS_MAX_DEVICES &&
			     off % UK_DEVMEM_VA_SLOT == EDU_IRQ_ACK;
		uint64_t t = clear ? rdtsc() : 0;
		*(volatile uint32_t *)va = *(const uint32_t *)buf;
		if (clear)
			event((int)dev, METAL_SCN_EV_CLEAR, t);
	} else if (len == 8 && va % 8 == 0) {
		*(volatile uint64_t *)va = *(const uint64_t *)buf;
	} else {
		memcpy((void *)va, buf, len);
	}
	return 0;
}

void uk_user_work(struct uk_user *u, uint64_t ns)
{
	uint64_t khz = u ? u->tsc_khz : 0;
	uint64_t ticks = ns / 1000000 * khz + ns % 1000000 * khz / 1000000, t0 = rdtsc();
	while (rdtsc() - t0 < ticks)
		__asm__ volatile("pause");
}

/* ---- services ---- */

uint64_t sim_prog_now(struct uk_user *u)
{
	if (!u || !u->tsc_khz)
		return 0;
	uint64_t t = rdtsc();
	return t / u->tsc_khz * 1000000 + t % u->tsc_khz * 1000000 / u->tsc_khz;
}

unsigned sim_prog_choose(struct uk_user *u, unsigned n, unsigned dflt)
{
	(void)u;
	(void)n;
	return dflt;
}

void sim_prog_idle(struct uk_user *u, bool idle)
{
	if (!u || !idle || u->ready)
		return;
	u->ready = true;
	event(-1, METAL_SCN_EV_READY, 0);
}

void sim_prog_note(struct uk_user *u, enum sim_note what, int dev, uint64_t value)
{
	(void)u;
	(void)value;
	switch (what) {
	case SIM_NOTE_ACK: event(dev, METAL_SCN_EV_ACK, 0); break;
	case SIM_NOTE_NAK: event(dev, METAL_SCN_EV_NAK, 0); break;
	case SIM_NOTE_SERVED_LATE: event(dev, METAL_SCN_EV_LATE, 0); break;
	case SIM_NOTE_KICK: event(dev, METAL_SCN_EV_KICK, 0); break;
	case SIM_NOTE_REJECTED: event(dev, METAL_SCN_EV_REJECTED, 0); break;
	default: break; /* not counted on metal: no kernel entry */
	}
}

/* ---- the start ---- */

static const struct {
	const char *name;
	sim_program_fn fn;
} programs[] = {
#define METAL_PROGRAM_ENTRY(n, f) { n, f },
	METAL_PROGRAMS(METAL_PROGRAM_ENTRY)
#undef METAL_PROGRAM_ENTRY
};

/* A scenario thread's ring-3 start (user_main): its handle, its program
 * from the table, and the end (a program that returns ends its thread, as
 * in the simulator; it is "ready" then too, so the timeline does not wait
 * for it). */
_Noreturn void rt_program_start(uint64_t arg)
{
	struct uk_user me = {
		.slot = METAL_PROG_ARG_SLOT(arg),
		.block_size = METAL_PROG_ARG_SIZE(arg),
	};
	long khz = uk_syscall6(NULL, METAL_SYS_TSC_KHZ, 0, 0, 0, 0, 0, 0);
	me.tsc_khz = khz > 0 ? (uint64_t)khz : 0;
	unsigned prog = METAL_PROG_ARG_PROG(arg);
	if (prog < sizeof(programs) / sizeof(programs[0]))
		programs[prog].fn(&me);
	sim_prog_idle(&me, true);
	uk_sys_thread_exit(&me, 0);
}
