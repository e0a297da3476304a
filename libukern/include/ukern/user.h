/* SPDX-License-Identifier: MIT */
/*
 * user.h: what a user program sees of the kernel.
 *
 * A program is a C function `void prog(struct uk_user *u, uint64_t arg)`
 * registered with uk_kernel_register_program. `u` names the kernel and the
 * calling thread; it is passed to every call. A program returning from its
 * entry exits the thread with code 0.
 *
 * User memory is simulated virtual memory: programs never dereference
 * virtual addresses, they use uk_user_read/uk_user_write. A fault there is
 * handled like a hardware page fault: demand-zero pages are filled; anything
 * else goes to the thread's fault handler (then the access is retried once)
 * or kills the thread.
 */
#ifndef UKERN_USER_H
#define UKERN_USER_H

#include <stddef.h>
#include <stdint.h>

#include <ukern/arch.h>
#include <ukern/err.h>
#include <ukern/syscall.h>

struct uk_user;

typedef void (*uk_user_entry_fn)(struct uk_user *u, uint64_t arg);

/* The single system-call entry. Unused arguments may hold anything. */
long uk_syscall(struct uk_user *u, unsigned nr, const uint64_t args[6]);

/* User memory accessors: 0, or UK_EFAULT when the access faulted and the
 * fault handler did not make it succeed. Without a fault handler a bad
 * access kills the thread and these do not return. */
int uk_user_read(struct uk_user *u, uk_vaddr_t va, void *buf, size_t len);
int uk_user_write(struct uk_user *u, uk_vaddr_t va, const void *buf, size_t len);

static inline long uk_syscall6(struct uk_user *u, unsigned nr, uint64_t a0, uint64_t a1,
			       uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	const uint64_t args[6] = { a0, a1, a2, a3, a4, a5 };
	return uk_syscall(u, nr, args);
}

static inline long uk_sys_null(struct uk_user *u) { return uk_syscall6(u, UK_SYS_NULL, 0, 0, 0, 0, 0, 0); }
static inline long uk_sys_yield(struct uk_user *u) { return uk_syscall6(u, UK_SYS_YIELD, 0, 0, 0, 0, 0, 0); }
static inline long uk_sys_clock(struct uk_user *u) { return uk_syscall6(u, UK_SYS_CLOCK, 0, 0, 0, 0, 0, 0); }
static inline long uk_sys_thread_id(struct uk_user *u) { return uk_syscall6(u, UK_SYS_THREAD_ID, 0, 0, 0, 0, 0, 0); }

static inline long uk_sys_thread_create(struct uk_user *u, uint32_t proc_h, unsigned program,
					uint64_t arg, unsigned prio, uint64_t affinity)
{
	return uk_syscall6(u, UK_SYS_THREAD_CREATE, proc_h, program, arg, prio, affinity, 0);
}
static inline long uk_sys_thread_start(struct uk_user *u, uint32_t h) { return uk_syscall6(u, UK_SYS_THREAD_START, h, 0, 0, 0, 0, 0); }
static inline _Noreturn void uk_sys_thread_exit(struct uk_user *u, int code)
{
	uk_syscall6(u, UK_SYS_THREAD_EXIT, (uint64_t)(int64_t)code, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}
static inline long uk_sys_thread_kill(struct uk_user *u, uint32_t h) { return uk_syscall6(u, UK_SYS_THREAD_KILL, h, 0, 0, 0, 0, 0); }
/* Waits for the thread to exit; its exit code (int32) is written at
 * code_uaddr unless that is 0. */
static inline long uk_sys_thread_wait(struct uk_user *u, uint32_t h, uk_vaddr_t code_uaddr)
{
	return uk_syscall6(u, UK_SYS_THREAD_WAIT, h, code_uaddr, 0, 0, 0, 0);
}
static inline long uk_sys_thread_set_prio(struct uk_user *u, uint32_t h, unsigned prio)
{
	return uk_syscall6(u, UK_SYS_THREAD_SET_PRIO, h, prio, 0, 0, 0, 0);
}
static inline long uk_sys_thread_set_affinity(struct uk_user *u, uint32_t h, uint64_t mask)
{
	return uk_syscall6(u, UK_SYS_THREAD_SET_AFFINITY, h, mask, 0, 0, 0, 0);
}
static inline long uk_sys_thread_set_fault_handler(struct uk_user *u, uint32_t h, unsigned program)
{
	return uk_syscall6(u, UK_SYS_THREAD_SET_FAULT_HANDLER, h, program, 0, 0, 0, 0);
}
static inline long uk_sys_handle_dup(struct uk_user *u, uint32_t h, uint32_t rights)
{
	return uk_syscall6(u, UK_SYS_HANDLE_DUP, h, rights, 0, 0, 0, 0);
}
static inline long uk_sys_handle_close(struct uk_user *u, uint32_t h) { return uk_syscall6(u, UK_SYS_HANDLE_CLOSE, h, 0, 0, 0, 0, 0); }
static inline long uk_sys_handle_rights(struct uk_user *u, uint32_t h) { return uk_syscall6(u, UK_SYS_HANDLE_RIGHTS, h, 0, 0, 0, 0, 0); }
static inline long uk_sys_mutex_create(struct uk_user *u) { return uk_syscall6(u, UK_SYS_MUTEX_CREATE, 0, 0, 0, 0, 0, 0); }
static inline long uk_sys_mutex_lock(struct uk_user *u, uint32_t h) { return uk_syscall6(u, UK_SYS_MUTEX_LOCK, h, 0, 0, 0, 0, 0); }
static inline long uk_sys_mutex_trylock(struct uk_user *u, uint32_t h) { return uk_syscall6(u, UK_SYS_MUTEX_TRYLOCK, h, 0, 0, 0, 0, 0); }
static inline long uk_sys_mutex_unlock(struct uk_user *u, uint32_t h) { return uk_syscall6(u, UK_SYS_MUTEX_UNLOCK, h, 0, 0, 0, 0, 0); }
/* Sleeps while the 32-bit word at uaddr equals `expected`. */
static inline long uk_sys_futex_wait(struct uk_user *u, uk_vaddr_t uaddr, uint32_t expected)
{
	return uk_syscall6(u, UK_SYS_FUTEX_WAIT, uaddr, expected, 0, 0, 0, 0);
}
static inline long uk_sys_futex_wake(struct uk_user *u, uk_vaddr_t uaddr, uint32_t count)
{
	return uk_syscall6(u, UK_SYS_FUTEX_WAKE, uaddr, count, 0, 0, 0, 0);
}
static inline long uk_sys_vm_map(struct uk_user *u, uint32_t proc_h, uk_vaddr_t va, uint64_t len,
				 unsigned prot, unsigned flags)
{
	return uk_syscall6(u, UK_SYS_VM_MAP, proc_h, va, len, prot, flags, 0);
}
static inline long uk_sys_vm_unmap(struct uk_user *u, uint32_t proc_h, uk_vaddr_t va, uint64_t len)
{
	return uk_syscall6(u, UK_SYS_VM_UNMAP, proc_h, va, len, 0, 0, 0);
}
static inline long uk_sys_vm_protect(struct uk_user *u, uint32_t proc_h, uk_vaddr_t va, uint64_t len,
				     unsigned prot)
{
	return uk_syscall6(u, UK_SYS_VM_PROTECT, proc_h, va, len, prot, 0, 0);
}
static inline long uk_sys_nopreempt_begin(struct uk_user *u, uint32_t np_h, uint64_t budget_ns)
{
	return uk_syscall6(u, UK_SYS_NOPREEMPT_BEGIN, np_h, budget_ns, 0, 0, 0, 0);
}
static inline long uk_sys_nopreempt_end(struct uk_user *u) { return uk_syscall6(u, UK_SYS_NOPREEMPT_END, 0, 0, 0, 0, 0, 0); }

/* Sleep for `ns` of virtual time (UK_SYS_SLEEP). */
static inline long uk_sys_sleep(struct uk_user *u, uint64_t ns) { return uk_syscall6(u, UK_SYS_SLEEP, ns, 0, 0, 0, 0, 0); }
/* Sleep until the absolute virtual time `t_ns`. */
static inline long uk_sys_sleep_until(struct uk_user *u, uint64_t t_ns)
{
	return uk_syscall6(u, UK_SYS_SLEEP, t_ns, UK_SLEEP_ABS, 0, 0, 0, 0);
}

/* User-mode computation of `ns` virtual ns (UK_COST_USER_NS), charged in
 * chunks of at most 1 us with a decision point between chunks and
 * interrupts enabled, so timer interrupts, preemption and device
 * interrupts happen inside it as they would in a real compute loop. */
void uk_user_work(struct uk_user *u, uint64_t ns);

#endif /* UKERN_USER_H */
