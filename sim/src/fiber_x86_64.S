/* SPDX-License-Identifier: MIT */
/*
 * Fiber switch for x86-64 System V.
 *
 * void sim_fiber_swap(void **save_sp, void *new_sp)
 *   Pushes the callee-saved registers on the current stack, stores the stack
 *   pointer in *save_sp, loads new_sp and pops the other fiber's registers.
 *   A new fiber's stack is laid out by sim_fiber_init so that the pops load
 *   r12 = sim_fiber_main, r13 = the fiber, and `ret` enters sim_fiber_entry.
 */
	.text
	.globl	sim_fiber_swap
	.type	sim_fiber_swap, @function
	.hidden	sim_fiber_swap
sim_fiber_swap:
	.cfi_startproc
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.cfi_endproc
	.size	sim_fiber_swap, .-sim_fiber_swap

	.globl	sim_fiber_entry
	.type	sim_fiber_entry, @function
	.hidden	sim_fiber_entry
sim_fiber_entry:
	.cfi_startproc
	.cfi_undefined rip	/* outermost frame: unwinders stop here */
	xorl	%ebp, %ebp
	movq	%r13, %rdi
	andq	$-16, %rsp
	callq	*%r12
	ud2
	.cfi_endproc
	.size	sim_fiber_entry, .-sim_fiber_entry

	.section .note.GNU-stack,"",@progbits
