/* SPDX-License-Identifier: MIT */
/* The metal port's address-space layout, shared by C and assembly. */
#ifndef METAL_LAYOUT_H
#define METAL_LAYOUT_H

#define KBASE 0xffffffff80000000      /* the kernel image: physical 0 .. 1 GiB */
#define DMAP 0xffff800000000000       /* the direct map: physical 0 .. 4 GiB */
#define DMAP_SIZE 0x100000000
#define AP_TRAMPOLINE 0x8000          /* where APs start (SIPI vector 0x08) */

/* Offsets in struct percpu (cpu.h), reached through %gs. */
#define PCPU_SELF 0
#define PCPU_ID 8
#define PCPU_KSTACK 16   /* the running thread's kernel entry stack (SYSCALL) */
#define PCPU_USER_RSP 24 /* the user RSP saved by SYSCALL entry */

/* GDT selectors. SYSRET takes user CS = STAR[63:48] + 16, SS = + 8. */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UBASE 0x18   /* STAR base: 0x18 32-bit user code (unused) */
#define SEL_UDATA 0x20
#define SEL_UCODE 0x28
#define SEL_TSS 0x30

#endif
