/* SPDX-License-Identifier: MIT */
/*
 * Fiber switch for AArch64 (AAPCS64): saves x19-x30 and d8-d15.
 *
 * void sim_fiber_swap(void **save_sp, void *new_sp)
 *   A new fiber's frame is laid out by sim_fiber_init with x19 =
 *   sim_fiber_main, x20 = the fiber and x30 (the return address) =
 *   sim_fiber_entry.
 */
	.text
	.globl	sim_fiber_swap
	.type	sim_fiber_swap, %function
	.hidden	sim_fiber_swap
sim_fiber_swap:
	sub	sp, sp, #160
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	mov	x2, sp
	str	x2, [x0]
	mov	sp, x1
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	add	sp, sp, #160
	ret
	.size	sim_fiber_swap, .-sim_fiber_swap

	.globl	sim_fiber_entry
	.type	sim_fiber_entry, %function
	.hidden	sim_fiber_entry
sim_fiber_entry:
	.cfi_startproc
	.cfi_undefined x30
	mov	x29, #0
	mov	x0, x20
	blr	x19
	brk	#0
	.cfi_endproc
	.size	sim_fiber_entry, .-sim_fiber_entry

	.section .note.GNU-stack,"",%progbits
