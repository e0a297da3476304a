/* SPDX-License-Identifier: MIT */
/*
 * proglib.h: what the portable files of the program library share:
 * progargs_read.c (the data calls of sim/programs.h), programs_irq.c and
 * programs_edu.c (the drivers). These files include nothing of the runtime
 * (no rt_int.h, no glib, nothing of libc but <string.h>): the simulator
 * builds them into uksim, and the bare-metal port compiles the very same
 * files freestanding into its ring-3 image (metal/x86_64/Makefile, whose
 * user/ side supplies the few string functions and the platform hooks
 * below). A platform provides:
 *
 *   rt_prog_block            the thread's argument block, read once
 *                            (sim: ctx.c; metal: x86_64/user/rt.c)
 *   uk_user_read/_write/_work  user memory and user-mode work (sim:
 *                            libukern's accessors; metal: plain loads and
 *                            stores, a TSC spin)
 *   sim_prog_now/_choose/_idle/_note  the services of sim/programs.h
 */
#ifndef SIM_RT_PROGLIB_H
#define SIM_RT_PROGLIB_H

#include <stdbool.h>
#include <stdint.h>

#include <sim/programs.h>
#include <ukern/progargs.h>

/* The platform's hook: the thread's argument block as the program left it
 * in its user memory, read once (at the first call) into the platform's
 * copy with rt_progargs_load; later calls return the copy. NULL when the
 * thread has no block (not started by the platform's start code) or the
 * block was spoiled: every data call then gives its default. */
const struct uk_progargs_hdr *rt_prog_block(struct uk_user *u);

/* Read the block at `va` of u's memory into `copy` (`cap` bytes, at least
 * the header) and check it before any offset in it is trusted: 0, or -1
 * for a block that is unreadable, spoiled or larger than `cap`. The one
 * check both platforms run (progargs_read.c). */
int rt_progargs_load(struct uk_user *u, uk_vaddr_t va, void *copy, uint32_t cap);

/* The drivers (programs_irq.c, programs_edu.c). */
void rt_prog_irq_driver(struct uk_user *u);
void rt_prog_irq_driver_kick(struct uk_user *u);
void rt_prog_line_driver(struct uk_user *u);
void rt_prog_edu_driver(struct uk_user *u);
/* What every driver does with a scripted device (programs_irq.c): attach
 * to its line (< 0 when the thread may not, or the kernel refuses: noted
 * REJECTED and ATTACH_REFUSED); ask whether the interrupt is its own
 * (noted CLAIM; a clear-on-read status is cleared by looking); clear a
 * write-1-to-clear status. */
long rt_irq_attach_device(struct uk_user *u, int dev, struct sim_dev_info *di);
bool rt_device_claims(struct uk_user *u, int dev, const struct sim_dev_info *di);
/* The drivers' shared steps (programs_irq.c): wait for the episode after
 * `seq` (0: stop), and ACK or NAK it (true: the ACK came too late, another
 * sink's ACK had ended the episode). */
uint64_t rt_irq_wait_next(struct uk_user *u, long h, int dev, uint64_t seq);
bool rt_irq_answer(struct uk_user *u, long h, int dev, uint64_t seq, bool ack);
void rt_device_clear(struct uk_user *u, const struct sim_dev_info *di);

#endif /* SIM_RT_PROGLIB_H */
