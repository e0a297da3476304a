/* SPDX-License-Identifier: MIT */
/*
 * Fibers: the execution contexts simulated threads run on.
 *
 * A fiber is a host stack plus a saved stack pointer; switching is a small
 * hand-written routine (fiber_x86_64.S, fiber_aarch64.S) that saves the
 * callee-saved registers of the ABI and swaps stacks, a few nanoseconds. Other
 * architectures fall back to ucontext (microseconds: it makes a signal-mask
 * system call). Under AddressSanitizer each switch is announced with
 * __sanitizer_start/finish_switch_fiber so stack checks follow the fiber.
 *
 * The x87 control word and MXCSR are not saved: all fibers run with the
 * default floating-point environment.
 *
 * Stacks come from a pool (struct sim_stack_pool) with a PROT_NONE guard page
 * below each, so an overflow faults at once instead of corrupting a neighbour.
 * gdb unwinds through a suspended fiber's frames; the entry trampoline marks
 * the end of the stack for the unwinder.
 */
#ifndef SIM_FIBER_H
#define SIM_FIBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(__aarch64__)
#define SIM_FIBER_ASM 1
#else
#include <ucontext.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
#define SIM_FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_FIBER_ASAN 1
#endif
#endif

struct sim_fiber;
typedef void (*sim_fiber_fn)(void *arg);

struct sim_stack {
	void *lo;             /* lowest usable address (just above the guard) */
	size_t size;          /* usable bytes */
	struct sim_stack *next_free;
};

struct sim_stack_pool {
	size_t stack_size;    /* usable bytes per stack, page-aligned */
	struct sim_stack *free;
	size_t allocated, in_use;
};

struct sim_fiber {
#if SIM_FIBER_ASM
	void *sp;             /* saved stack pointer while suspended */
#else
	ucontext_t uc;
#endif
	struct sim_stack *stack; /* NULL for a fiber adopted from a host thread */
	const void *stack_lo;    /* stack bounds, for the sanitizer */
	size_t stack_size;
	sim_fiber_fn fn;
	void *arg;
	void (*on_return)(struct sim_fiber *f); /* called if fn returns; must not return */
	const char *name;
};

/* Stack pool. `stack_size` is rounded up to whole pages. */
void sim_stack_pool_init(struct sim_stack_pool *p, size_t stack_size);
void sim_stack_pool_fini(struct sim_stack_pool *p);

/* Make `f` a fiber that will call fn(arg) on a stack from `pool` when first
 * switched to. If fn returns, on_return(f) is called (it must switch away
 * for good). Returns 0, or -1 when no stack can be had. */
int sim_fiber_init(struct sim_fiber *f, struct sim_stack_pool *pool, sim_fiber_fn fn, void *arg,
		   void (*on_return)(struct sim_fiber *f), const char *name);

/* Give the fiber's stack back to the pool. It must not be running. */
void sim_fiber_fini(struct sim_fiber *f, struct sim_stack_pool *pool);

/* Describe the calling host thread as a fiber, so it can be switched away
 * from and back to (the engine's main context). */
void sim_fiber_adopt_thread(struct sim_fiber *f, const char *name);

/* Suspend `from` (the running fiber) and resume `to`. Returns when some
 * fiber switches back to `from`. */
void sim_fiber_switch(struct sim_fiber *from, struct sim_fiber *to);

/* Like sim_fiber_switch, for a `from` that will never be resumed (its stack
 * may be reused once this returns on another fiber). */
_Noreturn void sim_fiber_exit_to(struct sim_fiber *from, struct sim_fiber *to);

#endif /* SIM_FIBER_H */
