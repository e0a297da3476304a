/* SPDX-License-Identifier: MIT */
/*
 * arch.c: libukern's arch.h on a real x86-64 machine (QEMU's q35/pc).
 *
 * There is one platform instance, metal_arch. Decision points cost nothing:
 * the other CPUs really run, and interrupts arrive when they arrive.
 */
#include "metal.h"

#include "../../libukern/lib/string.h"

struct uk_arch metal_arch;

static uint8_t thread_stacks[METAL_MAX_THREADS][METAL_STACK_SIZE] __attribute__((aligned(4096)));

/* ---- CPU identity and interrupt state ---- */

unsigned uk_arch_cpu_count(struct uk_arch *a) { return a->ncpus; }

unsigned uk_arch_cpu_id(struct uk_arch *a)
{
	uint64_t id;
	__asm__ volatile("movq %%gs:%c1, %0" : "=r"(id) : "i"(PCPU_ID));
	return (unsigned)id;
}

bool uk_arch_irq_save(struct uk_arch *a)
{
	bool en = (read_flags() & 0x200) != 0;
	cli();
	return en;
}

void uk_arch_irq_restore(struct uk_arch *a, bool enabled)
{
	if (enabled)
		sti();
}

bool uk_arch_irq_enabled(struct uk_arch *a) { return (read_flags() & 0x200) != 0; }

void uk_arch_halt(struct uk_arch *a)
{
	/* STI's one-instruction shadow makes "sti; hlt" atomic: an interrupt
	 * pending before it wakes the HLT instead of being lost. */
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}

void uk_arch_yield_point(struct uk_arch *a) {}

void uk_arch_spin_pause(struct uk_arch *a)
{
	__asm__ volatile("pause");
}

/* ---- spinlocks and atomics ---- */

void uk_arch_spin_lock(struct uk_arch *a, uk_spinlock_t *l)
{
	lock_raw(l);
	l->owner_cpu = uk_arch_cpu_id(a);
}

void uk_arch_spin_unlock(struct uk_arch *a, uk_spinlock_t *l) { unlock_raw(l); }

uint64_t uk_arch_atomic_load(struct uk_arch *a, const volatile uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

void uk_arch_atomic_store(struct uk_arch *a, volatile uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

uint64_t uk_arch_atomic_fetch_add(struct uk_arch *a, volatile uint64_t *p, uint64_t v)
{
	return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}

bool uk_arch_atomic_cas(struct uk_arch *a, volatile uint64_t *p, uint64_t *expected, uint64_t desired)
{
	return __atomic_compare_exchange_n(p, expected, desired, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

/* ---- threads ---- */

int uk_arch_thread_create(struct uk_arch *a, void (*entry)(void *arg), void *arg, const char *name,
			  struct uk_arch_thread **out)
{
	struct uk_arch_thread *t = NULL;
	bool en = uk_arch_irq_save(a);
	unsigned i;

	lock_raw(&a->thread_lock);
	for (i = 0; i < METAL_MAX_THREADS; i++)
		if (!a->threads[i].in_use) {
			t = &a->threads[i];
			t->in_use = true;
			break;
		}
	unlock_raw(&a->thread_lock);
	uk_arch_irq_restore(a, en);
	if (!t)
		return UK_ENOMEM;
	t->stack = thread_stacks[i];
	t->name = name;
	t->user = NULL;
	t->entry_top = 0;
	/* What switch_stacks pops: r15 r14 r13 r12 rbx rbp, then the return
	 * into metal_thread_start, which finds RSP 16-byte aligned. */
	uint64_t top = (uint64_t)t->stack + METAL_STACK_SIZE - 16;
	uint64_t *sp = (uint64_t *)top;
	*--sp = (uint64_t)metal_thread_start;
	*--sp = 0;                /* rbp */
	*--sp = 0;                /* rbx */
	*--sp = (uint64_t)entry;  /* r12 */
	*--sp = (uint64_t)arg;    /* r13 */
	*--sp = 0;                /* r14 */
	*--sp = 0;                /* r15 */
	t->sp = (uint64_t)sp;
	*out = t;
	return 0;
}

void uk_arch_thread_destroy(struct uk_arch *a, struct uk_arch_thread *t)
{
	bool en = uk_arch_irq_save(a);
	lock_raw(&a->thread_lock);
	t->in_use = false;
	unlock_raw(&a->thread_lock);
	uk_arch_irq_restore(a, en);
}

struct uk_arch_thread *uk_arch_boot_thread(struct uk_arch *a)
{
	return &a->boot_thread[uk_arch_cpu_id(a)];
}

void uk_arch_thread_switch(struct uk_arch *a, struct uk_arch_thread *from, struct uk_arch_thread *to)
{
	struct percpu *pc = this_percpu();

	pc->current = to;
	if (to->entry_top) {
		/* Ring-3 entries of `to` (interrupts via the TSS, SYSCALL via
		 * PCPU_KSTACK) land on its stack, below its trampoline's frame. */
		pc->tss.rsp0 = to->entry_top;
		pc->kstack = to->entry_top;
	}
	switch_stacks(&from->sp, to->sp);
}

/* ---- physical memory ---- */

bool uk_arch_mem_region(struct uk_arch *a, unsigned index, uk_paddr_t *base, uint64_t *size)
{
	if (index >= a->nregions)
		return false;
	*base = a->region[index].base;
	*size = a->region[index].size;
	return true;
}

void *uk_arch_phys_ptr(struct uk_arch *a, uk_paddr_t pa, size_t len)
{
	for (unsigned i = 0; i < a->nregions; i++) {
		const struct metal_region *r = &a->region[i];
		if (pa >= r->base && pa - r->base <= r->size && len <= r->size - (pa - r->base))
			return phys_to_virt(pa);
	}
	return NULL;
}

void uk_arch_frame_zero(struct uk_arch *a, uk_paddr_t pa)
{
	/* Every frame really is RAM here: clear it through the direct map. */
	uk_memset(phys_to_virt(pa & ~(UK_PAGE_SIZE - 1)), 0, UK_PAGE_SIZE);
}

/* ---- paging and TLB ---- */

extern uint64_t boot_pml4[512];

void uk_arch_set_root(struct uk_arch *a, uk_paddr_t root, uint16_t pcid, bool flush)
{
	uint64_t *r = phys_to_virt(root);
	/* The kernel half (the direct map and the image) is the platform's:
	 * every root the kernel builds gets it before it is loaded. */
	r[256] = boot_pml4[256];
	r[511] = boot_pml4[511];
	uint64_t cr3 = root;
	if (a->pcid)
		cr3 |= (pcid & 0xfff) | (flush ? 0 : 1ull << 63);
	write_cr3(cr3);
}

static void invpcid(unsigned type, uint16_t pcid, uint64_t va)
{
	struct {
		uint64_t pcid, va;
	} d = { pcid, va };
	__asm__ volatile("invpcid %0, %1" : : "m"(d), "r"((uint64_t)type) : "memory");
}

/* Without INVPCID, toggling CR4.PGE flushes every PCID and global entry. */
static void flush_everything(void)
{
	uint64_t cr4 = read_cr4();
	write_cr4(cr4 ^ (1u << 7));
	write_cr4(cr4);
}

void uk_arch_tlb_flush_page(struct uk_arch *a, uint16_t pcid, uk_vaddr_t va)
{
	if (!a->pcid || (read_cr3() & 0xfff) == pcid)
		__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
	else if (a->invpcid)
		invpcid(0, pcid, va);
	else
		flush_everything();
}

void uk_arch_tlb_flush_pcid(struct uk_arch *a, uint16_t pcid)
{
	if (!a->pcid)
		write_cr3(read_cr3());
	else if (a->invpcid)
		invpcid(1, pcid, 0);
	else
		flush_everything();
}

void uk_arch_tlb_flush_all(struct uk_arch *a, bool global)
{
	if (a->invpcid)
		invpcid(global ? 2 : 3, 0, 0);
	else
		flush_everything();
}

/* ---- user memory ----
 * A software walk of the active root with user-mode permission checks, then
 * a copy through the direct map: no page fault can hit the kernel, and a
 * fault is reported exactly as the hardware would report it. */

static int user_translate(uk_vaddr_t va, bool write, uint64_t *pa, struct uk_fault *fault)
{
	uint64_t table = read_cr3() & UK_PTE_ADDR_MASK;
	uint32_t code = UK_PF_U | (write ? UK_PF_W : 0);

	if (va >= UK_USER_END)
		goto fail;
	for (int level = 3; level >= 0; level--) {
		uint64_t e = ((uint64_t *)phys_to_virt(table))[(va >> (12 + 9 * level)) & 511];
		if (!(e & UK_PTE_P))
			goto fail;
		if (!(e & UK_PTE_U) || (write && !(e & UK_PTE_W))) {
			code |= UK_PF_P;
			goto fail;
		}
		if (level == 1 && (e & UK_PTE_PS)) {
			*pa = (e & UK_PTE_ADDR_MASK & ~0x1fffffull) + (va & 0x1fffff);
			return 0;
		}
		table = e & UK_PTE_ADDR_MASK;
	}
	*pa = table + (va & 0xfff);
	return 0;
fail:
	if (fault) {
		fault->addr = va;
		fault->code = code;
	}
	return UK_EFAULT;
}

static int user_copy(uk_vaddr_t va, void *kbuf, size_t len, bool write, struct uk_fault *fault)
{
	uint8_t *k = kbuf;
	while (len) {
		uint64_t pa;
		size_t chunk = UK_PAGE_SIZE - (va & (UK_PAGE_SIZE - 1));
		if (chunk > len)
			chunk = len;
		if (user_translate(va, write, &pa, fault) != 0)
			return UK_EFAULT;
		if (write)
			uk_memcpy(phys_to_virt(pa), k, chunk);
		else
			uk_memcpy(k, phys_to_virt(pa), chunk);
		va += chunk;
		k += chunk;
		len -= chunk;
	}
	return 0;
}

int uk_arch_copy_from_user(struct uk_arch *a, void *dst, uk_vaddr_t src, size_t len, struct uk_fault *fault)
{
	return user_copy(src, dst, len, false, fault);
}

int uk_arch_copy_to_user(struct uk_arch *a, uk_vaddr_t dst, const void *src, size_t len, struct uk_fault *fault)
{
	return user_copy(dst, (void *)src, len, true, fault);
}

/* ---- time ---- */

uint64_t uk_arch_now(struct uk_arch *a) { return metal_now(a); }
void uk_arch_timer_arm(struct uk_arch *a, uint64_t deadline_ns) { metal_timer_arm(a, deadline_ns); }
void uk_arch_timer_disarm(struct uk_arch *a) { metal_timer_disarm(a); }

/* ---- interrupts, IPIs ---- */

void uk_arch_set_interrupt_handler(struct uk_arch *a, uk_arch_interrupt_fn fn, void *ctx)
{
	a->handler_ctx = ctx;
	a->handler = fn;
}

void uk_arch_ipi_send(struct uk_arch *a, unsigned cpu, unsigned vector)
{
	if (cpu >= a->ncpus)
		return;
	bool en = uk_arch_irq_save(a);
	lapic_send_ipi(a, a->cpu[cpu].apic_id, vector); /* fixed, physical destination */
	uk_arch_irq_restore(a, en);
}

void uk_arch_ipi_broadcast(struct uk_arch *a, unsigned vector)
{
	bool en = uk_arch_irq_save(a);
	lapic_send_ipi(a, 0, (3u << 18) | vector); /* all excluding self */
	uk_arch_irq_restore(a, en);
}

void uk_arch_eoi(struct uk_arch *a) { lapic_eoi(a); }

/* ---- interrupt controllers: 0 the IOAPIC, 1 MSI (source i = edu i) ---- */

#define CTRL_IOAPIC 0u
#define CTRL_MSI 1u

int uk_arch_intc_info(struct uk_arch *a, unsigned ctrl, struct uk_intc_info *info)
{
	if (ctrl == CTRL_IOAPIC && a->ioapic_pins) {
		info->kind = UK_INTC_IOAPIC;
		info->pins = a->ioapic_pins;
		info->strategy = UK_INTC_MASKABLE | UK_INTC_MASK_IN_SERVICE |
				 UK_INTC_SUPPRESS_MASK_IN_SERVICE | UK_INTC_EOI;
		return 0;
	}
	if (ctrl == CTRL_MSI && a->nedu) {
		info->kind = UK_INTC_MSI;
		info->pins = a->nedu;
		info->strategy = UK_INTC_EOI; /* as the simulator's MSI: not maskable */
		return 0;
	}
	return UK_ENOENT;
}

static bool pin_ok(struct uk_arch *a, unsigned ctrl, unsigned pin)
{
	return (ctrl == CTRL_IOAPIC && pin < a->ioapic_pins) || (ctrl == CTRL_MSI && pin < a->nedu);
}

int uk_arch_intc_route(struct uk_arch *a, unsigned ctrl, unsigned pin, unsigned vector, unsigned cpu,
		       enum uk_trigger trig, enum uk_polarity pol)
{
	if (!pin_ok(a, ctrl, pin) || cpu >= a->ncpus || vector < UK_VEC_FIRST_DEVICE ||
	    vector > UK_VEC_LAST_DEVICE)
		return UK_EINVAL;
	if (ctrl == CTRL_MSI)
		return trig == UK_TRIGGER_EDGE ? pci_edu_msi_route(a, pin, vector, cpu) : UK_EINVAL;
	return metal_ioapic_route(a, pin, vector, cpu, trig == UK_TRIGGER_LEVEL, pol == UK_POLARITY_LOW);
}

int uk_arch_intc_mask(struct uk_arch *a, unsigned ctrl, unsigned pin, bool masked)
{
	if (ctrl != CTRL_IOAPIC || pin >= a->ioapic_pins)
		return UK_EINVAL;
	metal_ioapic_mask(a, pin, masked);
	return 0;
}

int uk_arch_intc_eoi(struct uk_arch *a, unsigned ctrl, unsigned pin)
{
	/* The LAPIC EOI (uk_arch_eoi) broadcasts to the IOAPIC and clears the
	 * level pin's remote IRR; QEMU's IOAPIC also takes the directed EOI
	 * register (version 0x20), which is not needed on top of it. MSI has
	 * nothing to end but the LAPIC's in-service bit. */
	return pin_ok(a, ctrl, pin) ? 0 : UK_EINVAL;
}

int uk_arch_intc_claim(struct uk_arch *a, unsigned ctrl) { return UK_EAGAIN; }

bool uk_arch_intc_line(struct uk_arch *a, unsigned ctrl, unsigned pin)
{
	if (ctrl != CTRL_IOAPIC || pin >= a->ioapic_pins)
		return false;
	return metal_ioapic_remote_irr(a, pin);
}

bool uk_arch_intc_masked(struct uk_arch *a, unsigned ctrl, unsigned pin)
{
	if (ctrl != CTRL_IOAPIC || pin >= a->ioapic_pins)
		return false;
	return metal_ioapic_masked(a, pin);
}

/* ---- device registers ---- */

static int mmio_check(unsigned size, uk_paddr_t pa)
{
	if ((size != 1 && size != 2 && size != 4 && size != 8) || (pa & (size - 1)) || pa >= DMAP_SIZE)
		return UK_EINVAL;
	return 0;
}

int uk_arch_mmio_read(struct uk_arch *a, uk_paddr_t pa, unsigned size, uint64_t *val)
{
	int rc = mmio_check(size, pa);
	if (rc)
		return rc;
	volatile void *p = phys_to_virt(pa);
	switch (size) {
	case 1: *val = *(volatile uint8_t *)p; break;
	case 2: *val = *(volatile uint16_t *)p; break;
	case 4: *val = *(volatile uint32_t *)p; break;
	default: *val = *(volatile uint64_t *)p; break;
	}
	return 0;
}

int uk_arch_mmio_write(struct uk_arch *a, uk_paddr_t pa, unsigned size, uint64_t val)
{
	int rc = mmio_check(size, pa);
	if (rc)
		return rc;
	volatile void *p = phys_to_virt(pa);
	switch (size) {
	case 1: *(volatile uint8_t *)p = (uint8_t)val; break;
	case 2: *(volatile uint16_t *)p = (uint16_t)val; break;
	case 4: *(volatile uint32_t *)p = (uint32_t)val; break;
	default: *(volatile uint64_t *)p = val; break;
	}
	return 0;
}

/* ---- device memory and PCI configuration (core/devmem.c) ---- */

#define EDU_BAR_SIZE (1ull << 20) /* QEMU's edu: a 1 MiB register BAR */

/* Only an edu device's own BAR is grantable: never RAM, the LAPIC, the
 * IOAPIC or the MSI doorbells (none of them lies inside a BAR). */
bool uk_arch_mmio_grantable(struct uk_arch *a, uk_paddr_t pa, uint64_t size)
{
	if (size == 0 || pa + size < pa)
		return false;
	for (unsigned i = 0; i < a->nedu; i++) {
		uint64_t b = a->edu[i].bar0;
		if (pa >= b && pa + size <= b + EDU_BAR_SIZE)
			return true;
	}
	return false;
}

static int cfg_check(uint32_t bdf, unsigned off, unsigned size)
{
	if ((size != 1 && size != 2 && size != 4) || (off & (size - 1)) || off >= 256 || bdf > 0xffff)
		return UK_EINVAL; /* mechanism #1 reaches the first 256 bytes */
	if ((pci_read32(bdf >> 8, (bdf >> 3) & 31, bdf & 7, 0) & 0xffff) == 0xffff)
		return UK_ENOENT;
	return 0;
}

int uk_arch_pci_cfg_read(struct uk_arch *a, uint32_t bdf, unsigned off, unsigned size,
			 uint32_t *val)
{
	(void)a;
	int rc = cfg_check(bdf, off, size);
	if (rc) {
		*val = 0xffffffffu;
		return rc;
	}
	uint32_t w = pci_read32(bdf >> 8, (bdf >> 3) & 31, bdf & 7, off & ~3u);
	w >>= 8 * (off & 3);
	*val = size == 4 ? w : w & ((1u << (8 * size)) - 1);
	return 0;
}

int uk_arch_pci_cfg_write(struct uk_arch *a, uint32_t bdf, unsigned off, unsigned size,
			  uint32_t val)
{
	(void)a;
	int rc = cfg_check(bdf, off, size);
	if (rc)
		return rc;
	unsigned bus = bdf >> 8, dev = (bdf >> 3) & 31, fn = bdf & 7, sh = 8 * (off & 3);
	uint32_t mask = size == 4 ? 0xffffffffu : ((1u << (8 * size)) - 1) << sh;
	uint32_t w = pci_read32(bus, dev, fn, off & ~3u);
	pci_write32(bus, dev, fn, off & ~3u, (w & ~mask) | ((val << sh) & mask));
	return 0;
}

/* ---- costs, trace, fatal ---- */

void uk_arch_charge(struct uk_arch *a, enum uk_cost what, uint64_t units) {}

void uk_arch_trace(struct uk_arch *a, uint16_t kind, uint64_t a0, uint64_t a1, uint64_t a2)
{
	__atomic_fetch_add(&a->trace_count, 1, __ATOMIC_RELAXED);
	metal_irq_log_trace(uk_arch_cpu_id(a), kind);
}

_Noreturn void uk_arch_fatal(struct uk_arch *a, const char *what)
{
	cli();
	kprintf("metal: kernel invariant broken on cpu %u: %s\n", uk_arch_cpu_id(a), what);
	metal_exit(3);
}
