/* SPDX-License-Identifier: MIT */
/*
 * boot.S: from QEMU's multiboot (v1) loader to kmain in long mode.
 *
 * QEMU's -kernel takes only 32-bit multiboot images, so the header uses the
 * "a.out kludge" (flag 16): the loader copies the flat image (objcopy -O
 * binary) to load_addr and jumps to entry_addr in 32-bit protected mode,
 * paging off, with EAX = 0x2BADB002 and EBX = the multiboot information.
 *
 * The boot page tables map the first 1 GiB three times: identity (for the
 * switch itself and the AP trampoline), at KBASE (the kernel image, linked
 * with -mcmodel=kernel) and, with the rest of the low 4 GiB, at DMAP (the
 * direct map of physical memory behind uk_arch_phys_ptr; the top GiB,
 * where QEMU puts the LAPIC, IOAPIC and PCI BARs, uncached).
 */
#include "layout.h"

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS ((1 << 1) | (1 << 16)) /* memory map; addresses in the header */

	.section .multiboot, "a"
	.align 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long mb_header        /* header_addr */
	.long _image_start     /* load_addr */
	.long _load_end        /* load_end_addr */
	.long _bss_end_phys    /* bss_end_addr */
	.long _start32         /* entry_addr */

	.section .boot, "ax"
	.code32
	.globl _start32
_start32:
	cli
	movl $(boot_stack_top - KBASE), %esp
	movl %ebx, %edi                 /* multiboot info, kept for kmain */
	cmpl $0x2BADB002, %eax
	jne boot_fail32

	/* Zero the boot tables (pml4, 3 PDPTs, 4 PDs = 8 pages). */
	movl $(boot_pml4 - KBASE), %ebx
	pushl %edi
	movl %ebx, %edi
	xorl %eax, %eax
	movl $(8 * 4096 / 4), %ecx
	rep stosl
	popl %edi

	/* 4 page directories of 2 MiB pages: physical 0 .. 4 GiB. */
	movl $(boot_pd - KBASE), %esi
	xorl %ecx, %ecx                 /* entry index 0 .. 2047 */
1:	movl %ecx, %eax
	shll $21, %eax                  /* low 32 bits of ecx * 2 MiB */
	orl $0x83, %eax                 /* P | W | PS */
	cmpl $1536, %ecx                /* the top GiB: devices, uncached */
	jb 2f
	orl $0x18, %eax                 /* PWT | PCD */
2:	movl %eax, (%esi,%ecx,8)
	movl %ecx, %eax
	shrl $11, %eax                  /* high 32 bits: ecx * 2 MiB >> 32 */
	movl %eax, 4(%esi,%ecx,8)
	incl %ecx
	cmpl $2048, %ecx
	jb 1b

	/* pdpt_low[0] = pd0; pdpt_dmap[0..3] = pd0..3; pdpt_high[510] = pd0 */
	movl $(boot_pdpt_low - KBASE), %edx
	leal 3(%esi), %eax
	movl %eax, (%edx)
	movl $(boot_pdpt_dmap - KBASE), %edx
	movl %eax, 0(%edx)
	addl $4096, %eax
	movl %eax, 8(%edx)
	addl $4096, %eax
	movl %eax, 16(%edx)
	addl $4096, %eax
	movl %eax, 24(%edx)
	movl $(boot_pdpt_high - KBASE), %edx
	leal 3(%esi), %eax
	movl %eax, 510 * 8(%edx)

	/* pml4[0] = low, pml4[256] = dmap, pml4[511] = high */
	movl $(boot_pdpt_low - KBASE + 3), 0(%ebx)
	movl $(boot_pdpt_dmap - KBASE + 3), 256 * 8(%ebx)
	movl $(boot_pdpt_high - KBASE + 3), 511 * 8(%ebx)

	call enter_long_mode32
	ljmp $0x08, $(long_entry)

boot_fail32:
	/* Not loaded by a multiboot loader: tell QEMU's debug-exit, then stop. */
	movw $0xf4, %dx
	movl $3, %eax
	outl %eax, %dx
1:	hlt
	jmp 1b

/* Shared by the BSP and the APs: PAE, CR3 = boot PML4, EFER.LME|NXE|SCE,
 * paging on, the boot GDT loaded. The caller far-jumps to 64-bit code. */
	.globl enter_long_mode32
enter_long_mode32:
	movl %cr4, %eax
	orl $(1 << 5), %eax             /* PAE */
	movl %eax, %cr4
	movl $(boot_pml4 - KBASE), %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx
	rdmsr
	orl $((1 << 8) | (1 << 11) | (1 << 0)), %eax /* LME, NXE, SCE */
	wrmsr
	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16) | 1), %eax       /* PG, WP, PE */
	movl %eax, %cr0
	lgdt boot_gdt_ptr
	ret

	.code64
long_entry:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $high_entry, %rax
	jmp *%rax

	.section .boot.data, "aw"
	.align 16
	.globl boot_gdt
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* 0x08 kernel code, long mode */
	.quad 0x00cf92000000ffff        /* 0x10 kernel data */
	.quad 0x00cf9a000000ffff        /* 0x18 32-bit code (the AP trampoline) */
boot_gdt_end:
	.globl boot_gdt_ptr
boot_gdt_ptr:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.text
high_entry:
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	/* rdi still holds the multiboot information's physical address */
	call kmain
1:	cli
	hlt
	jmp 1b

	.bss
	.align 4096
	.globl boot_pml4
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_dmap:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4 * 4096
boot_stack:	.skip 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
