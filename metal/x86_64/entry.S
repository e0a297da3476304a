/* SPDX-License-Identifier: MIT */
/*
 * entry.S: interrupt and exception stubs, the SYSCALL entry, the thread
 * context switch, the way into ring 3, and the AP trampoline's template.
 */
#include "layout.h"

/* ---- interrupt and exception entry --------------------------------------
 * Each vector pushes an error code (or 0) and its number, then the common
 * path saves the general registers as a struct trap_frame (cpu.h) and calls
 * trap(frame) on the same stack: the running thread's (a ring-3 interrupt
 * arrives on the TSS's RSP0, which is the thread's kernel entry stack).
 * %gs always holds the per-CPU block: user code cannot set it (no
 * FSGSBASE, no SWAPGS), so nothing here swaps it. */
	.text
	.macro VEC n
	.align 16
vec\n:
	.if (\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
	.else
	pushq $0
	.endif
	pushq $\n
	jmp trap_common
	.endm

	.altmacro
	.macro VECS from, to
	VEC %from
	.if \to-\from
	VECS %(\from+1), \to
	.endif
	.endm
	VECS 0, 63
	VECS 64, 127
	VECS 128, 191
	VECS 192, 255

trap_common:
	cld
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	call trap
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp              /* vector and error code */
	iretq

	.section .rodata
	.align 8
	.globl vector_table
vector_table:
	.macro VADDR n
	.quad vec\n
	.endm
	.macro VADDRS from, to
	VADDR %from
	.if \to-\from
	VADDRS %(\from+1), \to
	.endif
	.endm
	VADDRS 0, 63
	VADDRS 64, 127
	VADDRS 128, 191
	VADDRS 192, 255
	.noaltmacro

/* ---- SYSCALL -------------------------------------------------------------
 * rax = number, rdi rsi rdx r10 r8 r9 = the six arguments (r10 for rcx,
 * which SYSCALL overwrites with the return RIP; r11 holds RFLAGS). IF is
 * clear on entry (FMASK). We move to the thread's kernel entry stack, put
 * the arguments in an array there and call metal_syscall(nr, args) with
 * interrupts enabled, as the simulator's programs call uk_syscall. */
	.text
	.globl syscall_entry
syscall_entry:
	movq %rsp, %gs:PCPU_USER_RSP
	movq %gs:PCPU_KSTACK, %rsp
	pushq %gs:PCPU_USER_RSP
	pushq %rcx
	pushq %r11
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %r9                   /* args[5] */
	pushq %r8
	pushq %r10
	pushq %rdx
	pushq %rsi
	pushq %rdi                  /* args[0] */
	movq %rax, %rdi
	movq %rsp, %rsi
	sti
	call metal_syscall
	cli
	addq $48, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	popq %r11
	popq %rcx
	popq %rsp                   /* the user's stack */
	/* Scrub what the kernel left in the caller-saved registers. */
	xorl %edx, %edx
	xorl %esi, %esi
	xorl %edi, %edi
	xorl %r8d, %r8d
	xorl %r9d, %r9d
	xorl %r10d, %r10d
	sysretq

/* ---- entering ring 3 ------------------------------------------------------
 * user_enter(rip, rsp, arg): never returns; the thread continues in ring 3
 * with rdi = arg and interrupts enabled. The caller has set the CPU's
 * kernel entry stack (TSS RSP0 and PCPU_KSTACK) just above this frame. */
	.globl user_enter
user_enter:
	cli
	pushq $(SEL_UDATA | 3)
	pushq %rsi
	pushq $0x202                /* IF */
	pushq $(SEL_UCODE | 3)
	pushq %rdi
	movq %rdx, %rdi
	xorl %eax, %eax
	xorl %ebx, %ebx
	xorl %ecx, %ecx
	xorl %edx, %edx
	xorl %esi, %esi
	xorl %ebp, %ebp
	xorl %r8d, %r8d
	xorl %r9d, %r9d
	xorl %r10d, %r10d
	xorl %r11d, %r11d
	xorl %r12d, %r12d
	xorl %r13d, %r13d
	xorl %r14d, %r14d
	xorl %r15d, %r15d
	iretq

/* ---- thread switch ------------------------------------------------------
 * switch_stacks(uint64_t *save_sp, uint64_t new_sp): the callee-saved
 * registers go on the old stack, its RSP into *save_sp; the new stack's are
 * popped. A new thread's stack is laid out by uk_arch_thread_create to
 * "return" into metal_thread_start with entry in r12 and arg in r13. */
	.globl switch_stacks
switch_stacks:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

	.globl metal_thread_start
metal_thread_start:
	movq %r13, %rdi
	xorl %ebp, %ebp
	call *%r12
	ud2                         /* entry must never return */

/* ---- the AP trampoline (copied to AP_TRAMPOLINE, started by SIPI) --------
 * Real mode at AP_TRAMPOLINE; the BSP fills the three words at its end:
 * the stack top and the C entry (both high addresses) and the CPU index. */
	.section .boot, "ax"
	.code16
	.globl ap_tramp_start, ap_tramp_end, ap_tramp_stack, ap_tramp_entry, ap_tramp_cpu
#define TR(x) (AP_TRAMPOLINE + (x) - ap_tramp_start)
ap_tramp_start:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl TR(ap_tramp_gdt_ptr)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x18, $TR(ap_tramp_32)
	.code32
ap_tramp_32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $TR(ap_tramp_stack32_top), %esp
	movl $enter_long_mode32, %eax   /* absolute: this code runs away from its link address */
	call *%eax
	ljmp $0x08, $TR(ap_tramp_64)
	.code64
ap_tramp_64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movq TR(ap_tramp_stack), %rsp
	movl TR(ap_tramp_cpu), %edi
	movq TR(ap_tramp_entry), %rax
	xorl %ebp, %ebp
	call *%rax
1:	hlt
	jmp 1b
	.align 8
ap_tramp_gdt_ptr:
	.word 31
	.long boot_gdt
	.align 8
ap_tramp_stack32:
	.skip 64
ap_tramp_stack32_top:
ap_tramp_stack:	.quad 0
ap_tramp_entry:	.quad 0
ap_tramp_cpu:	.long 0
ap_tramp_end:

	.section .note.GNU-stack, "", @progbits
