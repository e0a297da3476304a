/* SPDX-License-Identifier: MIT */
/* cpu.h: x86-64 instructions, the per-CPU block and the trap frame. */
#ifndef METAL_CPU_H
#define METAL_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "layout.h"

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}
static inline uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}
static inline void write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }
static inline uint64_t read_flags(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; popq %0" : "=r"(f) : : "memory");
	return f;
}
static inline void cli(void) { __asm__ volatile("cli" : : : "memory"); }
static inline void sti(void) { __asm__ volatile("sti" : : : "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("pause" : : : "memory"); }

/* The registers trap_common saves, lowest address first. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

struct tss {
	uint32_t reserved0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __attribute__((packed));

struct uk_arch_thread;

/* One per CPU, reached through %gs. The first fields' offsets are fixed in
 * layout.h for entry.S. */
struct percpu {
	struct percpu *self;           /* PCPU_SELF */
	uint64_t id;                   /* PCPU_ID */
	uint64_t kstack;               /* PCPU_KSTACK */
	uint64_t user_rsp;             /* PCPU_USER_RSP */
	struct uk_arch_thread *current;  /* the thread this CPU runs */
	struct uk_arch_thread *boot;     /* the context it booted on (its idle thread) */
	uint32_t apic_id;
	volatile uint32_t online;
	uint64_t gdt[8];       /* 7 descriptors; the TSS takes 6 and 7 */
	struct tss tss;
	uint64_t user_entries;         /* times this CPU entered ring 3 */
	uint64_t syscalls;             /* ring-3 system calls taken here */
	uint64_t syscalls_by_fault;    /* of which SYSCALL stayed in ring 3 (cpu.c) */
	/* The LAPIC timer's two users (apic.c): libukern's deadline and, on
	 * CPU 0, the scenario's timeline (ns, when armed). */
	uint64_t timer_kernel, timer_extra;
	bool timer_kernel_armed, timer_extra_armed;
} __attribute__((aligned(64)));

static inline struct percpu *this_percpu(void)
{
	struct percpu *p;
	__asm__ volatile("movq %%gs:0, %0" : "=r"(p));
	return p;
}

#endif
