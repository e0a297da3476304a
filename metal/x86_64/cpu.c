/* SPDX-License-Identifier: MIT */
/*
 * cpu.c: each CPU's descriptor tables (GDT with its own TSS, the shared
 * IDT), the SYSCALL MSRs, and trap(), where every vector lands.
 */
#include "metal.h"

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

static struct idt_gate idt[256];

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static void idt_fill(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uint64_t h = vector_table[v];
		idt[v].off_lo = (uint16_t)h;
		idt[v].sel = SEL_KCODE;
		idt[v].ist = 0;
		idt[v].type = 0x8E; /* present, DPL 0, 64-bit interrupt gate */
		idt[v].off_mid = (uint16_t)(h >> 16);
		idt[v].off_hi = (uint32_t)(h >> 32);
		idt[v].zero = 0;
	}
}

void cpu_setup_tables(struct uk_arch *a, unsigned id)
{
	struct percpu *pc = &a->cpu[id];
	uint64_t tss = (uint64_t)&pc->tss, limit = sizeof(pc->tss) - 1;
	struct desc_ptr gdtp, idtp;

	if (id == 0)
		idt_fill();
	pc->self = pc;
	pc->id = id;
	pc->gdt[0] = 0;
	pc->gdt[1] = 0x00af9a000000ffffull; /* 0x08 kernel code */
	pc->gdt[2] = 0x00cf92000000ffffull; /* 0x10 kernel data */
	pc->gdt[3] = 0x00cffa000000ffffull; /* 0x18 user code, 32-bit (SYSRET base) */
	pc->gdt[4] = 0x00cff2000000ffffull; /* 0x20 user data */
	pc->gdt[5] = 0x00affa000000ffffull; /* 0x28 user code, 64-bit */
	pc->gdt[6] = (limit & 0xffff) | ((tss & 0xffffff) << 16) | (0x89ull << 40) |
		     (((limit >> 16) & 0xf) << 48) | (((tss >> 24) & 0xff) << 56);
	pc->gdt[7] = tss >> 32; /* the TSS descriptor's high half */
	pc->tss.iomap_base = sizeof(pc->tss);
	gdtp.limit = sizeof(pc->gdt) - 1;
	gdtp.base = (uint64_t)pc->gdt;
	idtp.limit = sizeof(idt) - 1;
	idtp.base = (uint64_t)idt;
	__asm__ volatile("lgdt %0" : : "m"(gdtp));
	__asm__ volatile("pushq %0\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w1, %%ax\n\t"
			 "movw %%ax, %%ss\n\t"
			 "movw %%ax, %%ds\n\t"
			 "movw %%ax, %%es\n\t"
			 : : "i"((uint64_t)SEL_KCODE), "i"(SEL_KDATA) : "rax", "memory");
	__asm__ volatile("lidt %0" : : "m"(idtp));
	__asm__ volatile("ltr %w0" : : "r"((uint16_t)SEL_TSS));
	wrmsr(0xC0000101, (uint64_t)pc); /* GS base: the per-CPU block */
	wrmsr(0xC0000102, 0);            /* kernel GS base: unused (no SWAPGS) */
	wrmsr(0xC0000081, ((uint64_t)SEL_UBASE << 48) | ((uint64_t)SEL_KCODE << 32)); /* STAR */
	wrmsr(0xC0000082, (uint64_t)syscall_entry);                                 /* LSTAR */
	wrmsr(0xC0000084, 0x200 | 0x400 | 0x100); /* FMASK: IF, DF, TF cleared on entry */
}

static const char *const exc_name[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound", "invalid opcode",
	"no FPU", "double fault", "coprocessor", "invalid TSS", "segment not present",
	"stack fault", "general protection", "page fault", "reserved", "x87 error",
	"alignment check", "machine check", "SIMD error", "virtualisation", "control protection",
};

static uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

/* SYSCALL that stayed in ring 3. The KVM of our development VM is not
 * hardware virtualisation but PVM (kvm_pvm: the guest runs in hardware ring
 * 3, the hypervisor emulates the privileged steps). Its SYSCALL from a
 * non-PVM guest's ring 3 does half the job: RCX = the return RIP, R11 =
 * RFLAGS, RIP = LSTAR and RFLAGS &= ~FMASK, but CS, SS and the CPL stay the
 * user's, so the first fetch at syscall_entry is a user-mode fetch of a
 * supervisor page: a page fault (error 0x15, cs 0x2b) that the hypervisor
 * then delivers properly, through the IDT, in ring 0 on RSP0. That fault
 * carries everything SYSCALL would have: so the call completes here and
 * returns as SYSRET would (RIP = RCX, RFLAGS = R11). Under TCG and on
 * hardware SYSCALL reaches ring 0 and this path never runs.
 *
 * The signature is exact: a ring-3 instruction fetch at syscall_entry with
 * IF clear. Ring 3 cannot clear IF (IOPL 0), so only SYSCALL's FMASK can
 * have; a ring-3 jump to syscall_entry faults with IF set and stays fatal. */
static bool syscall_stayed_in_ring3(const struct trap_frame *f)
{
	const uint64_t user_fetch = 0x4 | 0x10; /* error code: U/S, I/D */
	return f->vector == 14 && (f->cs & 3) == 3 && (f->error & user_fetch) == user_fetch &&
	       f->rip == (uint64_t)syscall_entry && read_cr2() == f->rip && !(f->rflags & 0x200) &&
	       f->rcx < 0x800000000000ull; /* a user-half return address, as SYSRET needs */
}

static void syscall_by_fault(struct trap_frame *f)
{
	/* The flags ring 3 may set itself (CF PF AF ZF SF TF DF OF AC ID);
	 * IF on and IOPL 0 whatever R11 says. */
	const uint64_t user_flags = 0x240dd5;
	struct percpu *pc = this_percpu();
	uint64_t args[6] = { f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9 };

	if (pc->syscalls_by_fault++ == 0)
		kprintf("metal: cpu%lu: SYSCALL stayed in ring 3 (fault at syscall_entry, cs %lx): "
			"this CPU's system calls complete through that fault\n", pc->id, f->cs);
	sti();
	f->rax = (uint64_t)metal_syscall(f->rax, args);
	cli();
	/* What the SYSCALL path's SYSRET leaves: RCX and R11 are SYSCALL's,
	 * the other caller-saved argument registers are scrubbed. */
	f->rip = f->rcx;
	f->rflags = (f->r11 & user_flags) | 0x202;
	f->rdx = f->rsi = f->rdi = f->r8 = f->r9 = f->r10 = 0;
}

void trap(struct trap_frame *f)
{
	struct uk_arch *a = &metal_arch;
	unsigned v = (unsigned)f->vector;

	if (v == 14 && syscall_stayed_in_ring3(f)) {
		syscall_by_fault(f);
		return;
	}
	if (v < 32) {
		/* The kernel never faults on user input (user memory goes through
		 * the software walk in arch.c); a ring-3 fault is not routed to
		 * libukern yet (metal/README.md): both stop the machine. */
		kprintf("metal: %s %s (vector %u, error %lx) at rip %lx cs %lx rsp %lx cr2 %lx on cpu %lu\n",
			(f->cs & 3) ? "ring-3" : "kernel",
			exc_name[v] ? exc_name[v] : "exception", v, f->error, f->rip, f->cs, f->rsp,
			read_cr2(), this_percpu()->id);
		if (v == 14) {
			uint64_t va = read_cr2(), t = read_cr3() & UK_PTE_ADDR_MASK;
			kprintf("metal: cr3 %lx walk:", read_cr3());
			for (int l = 3; l >= 0; l--) {
				uint64_t e = ((uint64_t *)phys_to_virt(t))[(va >> (12 + 9 * l)) & 511];
				kprintf(" %lx", e);
				if (!(e & 1) || (e & UK_PTE_PS))
					break;
				t = e & UK_PTE_ADDR_MASK;
			}
			kprintf("\n");
		}
		metal_exit(3);
	}
	if (v == UK_VEC_SPURIOUS)
		return;
	if (v == UK_VEC_TIMER && !metal_timer_fired(a)) {
		lapic_eoi(a); /* only the timeline's deadline came */
		return;
	}
	if (v >= UK_VEC_FIRST_DEVICE && v <= UK_VEC_LAST_DEVICE && metal_ioapic_stray(a, v)) {
		if (__atomic_fetch_add(&a->stray_deliveries, 1, __ATOMIC_RELAXED) == 0)
			kprintf("metal: cpu%lu: vector %u of a level pin delivered with the pin's remote IRR "
				"clear: a copy no IOAPIC sent, dropped (and counted from now on)\n",
				this_percpu()->id, v);
		lapic_eoi(a);
		return;
	}
	if (a->handler)
		a->handler(a->handler_ctx, v);
	else
		lapic_eoi(a);
}
