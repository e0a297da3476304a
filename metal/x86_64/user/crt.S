/* SPDX-License-Identifier: MIT */
/* The ring-3 image's entry (its first byte) and uk_syscall as SYSCALL. */
	.section .text.entry, "ax"
	.globl _start
_start:                       /* rdi = the argument, rsp = the stack top - 8 */
	andq $-16, %rsp
	call user_main
	ud2

	.text
/* long uk_syscall(struct uk_user *u, unsigned nr, const uint64_t args[6]) */
	.globl uk_syscall
uk_syscall:
	movl %esi, %eax
	movq %rdx, %r11
	movq 0(%r11), %rdi
	movq 8(%r11), %rsi
	movq 16(%r11), %rdx
	movq 24(%r11), %r10
	movq 32(%r11), %r8
	movq 40(%r11), %r9
	syscall
	ret

	.section .note.GNU-stack, "", @progbits
