/* SPDX-License-Identifier: MIT */
/*
 * syscall.h: system call numbers, handle rights and flags.
 *
 * Shared by the kernel and user programs. Numbers never change once
 * released. Every call returns a non-negative value on success or a negative
 * enum uk_err; the errors each call can return are listed beside it and in
 * docs/kernel.md. Every call can also return UK_EKILLED when the calling
 * thread was killed while it waited (it then exits instead of returning).
 * UK_ENOSYS is returned for an unknown number.
 */
#ifndef UKERN_SYSCALL_H
#define UKERN_SYSCALL_H

#include <stdint.h>

enum uk_sysno {
	UK_SYS_NULL = 0,             /* () -> 0 */
	UK_SYS_YIELD = 1,            /* () -> 0 */
	UK_SYS_THREAD_CREATE = 2,    /* (proc_h, program, arg, prio, affinity) -> thread handle;
				      * EBADH EPERM(MANAGE) EINVAL(program, prio > process max, affinity)
				      * ESRCH(the process has no live thread left) ENOMEM */
	UK_SYS_THREAD_START = 3,     /* (thread_h) -> 0; EBADH EPERM(MANAGE) EBUSY(already started) */
	UK_SYS_THREAD_EXIT = 4,      /* (code) -> does not return */
	UK_SYS_THREAD_KILL = 5,      /* (thread_h) -> 0; EBADH EPERM(MANAGE) ESRCH(already dead) */
	UK_SYS_THREAD_WAIT = 6,      /* (thread_h, code_uaddr or 0) -> 0; EBADH EPERM(WAIT)
				      * EDEADLK(waiting on itself) EFAULT(code_uaddr); a thread not
				      * yet started is waited for like any other */
	UK_SYS_THREAD_SET_PRIO = 7,  /* (thread_h, prio) -> 0; EBADH EPERM(MANAGE) EINVAL ESRCH */
	UK_SYS_THREAD_SET_AFFINITY = 8, /* (thread_h, mask) -> 0; EBADH EPERM(MANAGE) EINVAL ESRCH */
	UK_SYS_THREAD_SET_FAULT_HANDLER = 9, /* (thread_h, program or UK_NO_PROGRAM) -> 0;
				      * EBADH EPERM(MANAGE) EINVAL */
	UK_SYS_HANDLE_DUP = 10,      /* (h, rights) -> new handle; EBADH EPERM(GRANT, or more rights
				      * than h has) EINVAL(unknown right bits) ENOMEM(table full) */
	UK_SYS_HANDLE_CLOSE = 11,    /* (h) -> 0; EBADH */
	UK_SYS_HANDLE_RIGHTS = 12,   /* (h) -> rights; EBADH */
	UK_SYS_MUTEX_CREATE = 13,    /* () -> mutex handle (all mutex rights); ENOMEM */
	UK_SYS_MUTEX_LOCK = 14,      /* (mutex_h) -> 0; EBADH EPERM(WAIT) EDEADLK(own it, or cycle) */
	UK_SYS_MUTEX_TRYLOCK = 15,   /* (mutex_h) -> 0; EBADH EPERM(WAIT) EBUSY(held) EDEADLK */
	UK_SYS_MUTEX_UNLOCK = 16,    /* (mutex_h) -> 0; EBADH EPERM(SIGNAL, or not the owner) */
	UK_SYS_FUTEX_WAIT = 17,      /* (uaddr, expected) -> 0; EINVAL(unaligned) EFAULT
				      * EAGAIN(*uaddr != expected) */
	UK_SYS_FUTEX_WAKE = 18,      /* (uaddr, count) -> woken; EINVAL(unaligned, count 0)
				      * EFAULT(outside user space) */
	UK_SYS_VM_MAP = 19,          /* (proc_h, va, len, prot, flags) -> 0; EBADH EPERM(MAP)
				      * EINVAL(alignment, prot, flags, len 0) ERANGE(outside user
				      * space) EEXIST(overlaps a mapping) ENOMEM */
	UK_SYS_VM_UNMAP = 20,        /* (proc_h, va, len) -> 0; EBADH EPERM EINVAL ERANGE
				      * ENOENT(nothing mapped there) */
	UK_SYS_VM_PROTECT = 21,      /* (proc_h, va, len, prot) -> 0; EBADH EPERM EINVAL ERANGE
				      * ENOENT(a page in the range is not mapped) */
	UK_SYS_NOPREEMPT_BEGIN = 22, /* (np_h, budget_ns) -> 0; EBADH EPERM(NOPREEMPT)
				      * EINVAL(0 or above the kernel's maximum) EBUSY(in one) */
	UK_SYS_NOPREEMPT_END = 23,   /* () -> 0; EINVAL(not in one) EOVERRUN(budget overran) */
	UK_SYS_CLOCK = 24,           /* () -> virtual ns of the current CPU */
	UK_SYS_THREAD_ID = 25,       /* () -> the calling thread's id */
	UK_SYS_SLEEP = 26,           /* (ns, flags) -> 0; sleeps ns from now, or until the absolute
				      * virtual time ns with UK_SLEEP_ABS; a time already past
				      * returns at once; other flag bits are reserved and ignored;
				      * a deadline at or past 2^63 ns never comes (only a kill ends it) */
	/* Device memory (ukern/devmem.h): a device's register window, given
	 * to a driver by the platform (a scenario's `caps pci(D)`/`mmio(D)`). */
	UK_SYS_DEVMEM_MAP = 27,      /* (devmem_h, va, prot) -> 0: map the window's pages at va in
				      * the caller's space, uncached; EBADH EPERM(MAP and READ; WRITE
				      * for UK_PROT_WRITE) EINVAL(alignment, prot) ERANGE EEXIST ENOMEM */
	UK_SYS_DEVMEM_INFO = 28,     /* (devmem_h) -> the window's size in bytes; EBADH */
	UK_SYS_PCI_CFG_READ = 29,    /* (devmem_h, off, size) -> the value, from the configuration
				      * space of the window's own PCI function; EBADH EPERM(READ)
				      * EINVAL(size 1/2/4, alignment, off >= 4096) ENOENT(not PCI) */
	UK_SYS_PCI_CFG_WRITE = 30,   /* (devmem_h, off, size, value) -> 0; as READ with WRITE, and
				      * EPERM for anything but the command register (offset 4..5):
				      * BARs and the MSI capability are the kernel's */
	UK_SYS_COUNT = 31,            /* core calls are 0 .. UK_SYS_COUNT-1 */
	/* 32 .. 47: IRQ objects (ukern/irq_sys.h). */
	UK_SYS_IRQ_FIRST = 32,
	UK_SYS_IRQ_LAST = 47,
	/* 48 .. 63: IPC and memory transfer (ukern/ipc.h). */
	UK_SYS_IPC_FIRST = 48,
	UK_SYS_IPC_LAST = 63,
	/* 64 .. 127: extension calls (IRQ objects, IPC), dispatched to the hook
	 * set with uk_kernel_set_syscall_extension. */
	UK_SYS_EXT_FIRST = 64,
	UK_SYS_EXT_LAST = 127,
};

/* Handle rights. */
#define UK_RIGHT_READ (1u << 0)
#define UK_RIGHT_WRITE (1u << 1)
#define UK_RIGHT_SIGNAL (1u << 2)    /* mutex unlock */
#define UK_RIGHT_WAIT (1u << 3)      /* mutex lock, thread wait */
#define UK_RIGHT_MAP (1u << 4)       /* vm map/unmap/protect in a process */
#define UK_RIGHT_GRANT (1u << 5)     /* duplicate the handle */
#define UK_RIGHT_MANAGE (1u << 6)    /* create threads in a process; start, kill, set prio... */
#define UK_RIGHT_NOPREEMPT (1u << 7) /* open a no-preemption section */
#define UK_RIGHTS_ALL 0xffu

/* The rights that mean something on each object type: each one gates the
 * calls listed beside it (the table in docs/kernel.md, which
 * tests/unit/core/test_rights.c checks both ways, right granted and
 * missing). A fresh handle carries at least these; the types of
 * ukern/ipc.h and ukern/irq_sys.h declare theirs there. */
#define UK_PROCESS_RIGHTS (UK_RIGHT_MAP | UK_RIGHT_MANAGE | UK_RIGHT_GRANT)
#define UK_THREAD_RIGHTS (UK_RIGHT_WAIT | UK_RIGHT_MANAGE | UK_RIGHT_GRANT)
#define UK_MUTEX_RIGHTS (UK_RIGHT_WAIT | UK_RIGHT_SIGNAL | UK_RIGHT_GRANT)
#define UK_NOPREEMPT_RIGHTS (UK_RIGHT_NOPREEMPT | UK_RIGHT_GRANT)

/* Handles are small positive integers; 0 is never valid. A process made by
 * uk_kernel_spawn starts with these. */
#define UK_HANDLE_INVALID 0u
#define UK_HANDLE_PROCESS_SELF 0x100u   /* its own process, all rights */
#define UK_HANDLE_THREAD_INITIAL 0x101u /* its first thread, all rights */
#define UK_HANDLE_NOPREEMPT 0x102u      /* with UK_SPAWN_NOPREEMPT: the no-preemption capability */

/* vm_map prot bits (READ is required: x86 pages are always readable). */
#define UK_PROT_READ (1u << 0)
#define UK_PROT_WRITE (1u << 1)
#define UK_PROT_EXEC (1u << 2)
/* vm_map flags. */
#define UK_VM_LAZY (1u << 0) /* demand-zero: frames are allocated at first touch */

/* The user part of the virtual address space: [UK_USER_BASE, UK_USER_END). */
#define UK_USER_BASE 0x1000ull
#define UK_USER_END 0x0000800000000000ull
/* The kernel core's own slot of the upper half: PML4 entry 510, where the
 * window transfer strategy maps remote frames (ipc/transfer/window.c). The
 * core creates and frees the tables under it in each root; the rest of the
 * upper half (256..509, 511) is the platform's (arch.h uk_arch_set_root). */
#define UK_CORE_WINDOW_BASE 0xffffff0000000000ull

/* uk_sys_sleep flags. */
#define UK_SLEEP_ABS (1u << 0) /* ns is an absolute virtual time */

/* "No program" (clears a fault handler). */
#define UK_NO_PROGRAM 0xffffffffu

/* A fault handler is called as program(u, info) with info packed: */
#define UK_FAULT_OVERRUN (1u << 15) /* code bit: a no-preemption budget overran */
#define UK_FAULT_PACK(addr, code) (((uint64_t)(code) << 48) | ((addr) & 0xffffffffffffull))
#define UK_FAULT_ADDR(info) ((info) & 0xffffffffffffull)
#define UK_FAULT_CODE(info) ((uint32_t)((info) >> 48))

#endif /* UKERN_SYSCALL_H */
