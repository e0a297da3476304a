/* SPDX-License-Identifier: MIT */
/*
 * main.c: kmain (the boot CPU) and ap_main (the others).
 *
 * Boot CPU: console, descriptor tables, the multiboot memory map, ACPI,
 * LAPIC (calibrated), IOAPIC, the APs (parked), then libukern: create the
 * kernel, register and spawn the ring-3 programs, release the APs and enter
 * uk_kernel_cpu_main like every other CPU.
 */
#include "metal.h"

#include "../../libukern/lib/string.h"

extern char _bss_end_phys[];

static volatile uint32_t kernel_ready;

static void pic_disable(void)
{
	/* Remap the 8259s away from the exception vectors, then mask them all:
	 * interrupts come through the LAPIC and IOAPIC only. */
	outb(0x20, 0x11);
	outb(0xA0, 0x11);
	outb(0x21, 0x20);
	outb(0xA1, 0x28);
	outb(0x21, 4);
	outb(0xA1, 2);
	outb(0x21, 1);
	outb(0xA1, 1);
	outb(0x21, 0xff);
	outb(0xA1, 0xff);
}

static uint32_t rd32(const uint8_t *p) { return *(const uint32_t *)p; }
static uint64_t rd64(const uint8_t *p) { return *(const uint64_t *)p; }

/* Usable RAM from the multiboot memory map: above 1 MiB and the image,
 * below the direct map's uncached top GiB, page-aligned. */
static void memory_init(struct uk_arch *a, uint64_t mbi_pa)
{
	const uint8_t *mbi = phys_to_virt(mbi_pa);
	uint64_t floor = ((uint64_t)_bss_end_phys + 0xfff) & ~0xfffull;

	if (!(rd32(mbi) & (1u << 6))) {
		kprintf("metal: the loader gave no memory map\n");
		metal_exit(3);
	}
	uint32_t len = rd32(mbi + 44), addr = rd32(mbi + 48);
	for (uint32_t off = 0; off < len && a->nregions < METAL_MAX_REGIONS;) {
		const uint8_t *e = phys_to_virt((uint64_t)addr + off);
		uint32_t size = rd32(e);
		uint64_t base = rd64(e + 4), n = rd64(e + 12);
		uint32_t type = rd32(e + 20);
		off += size + 4;
		if (type != 1)
			continue;
		uint64_t lo = base < floor ? floor : base, hi = base + n;
		if (hi > 3ull << 30)
			hi = 3ull << 30;
		lo = (lo + 0xfff) & ~0xfffull;
		hi &= ~0xfffull;
		if (hi <= lo)
			continue;
		a->region[a->nregions].base = lo;
		a->region[a->nregions].size = hi - lo;
		a->nregions++;
	}
}

static void cpu_features(struct uk_arch *a, bool boot)
{
	uint32_t r[4];
	if (boot) {
		cpuid(1, 0, r);
		a->pcid = (r[2] >> 17) & 1;
		cpuid(7, 0, r);
		a->invpcid = a->pcid && ((r[1] >> 10) & 1);
	}
	if (a->pcid)
		write_cr4(read_cr4() | (1u << 17));
}

static void cpu_online(struct uk_arch *a, unsigned id)
{
	struct percpu *pc = &a->cpu[id];
	pc->boot = &a->boot_thread[id];
	pc->current = pc->boot;
	__atomic_store_n(&pc->online, 1, __ATOMIC_SEQ_CST);
}

void ap_main(unsigned cpu);
void ap_main(unsigned cpu)
{
	struct uk_arch *a = &metal_arch;

	cpu_setup_tables(a, cpu);
	cpu_features(a, false);
	lapic_init(a);
	cpu_online(a, cpu);
	while (!__atomic_load_n(&kernel_ready, __ATOMIC_ACQUIRE))
		cpu_relax();
	uk_kernel_cpu_main(a->kernel);
}

void kmain(uint64_t mbi_pa);
void kmain(uint64_t mbi_pa)
{
	struct uk_arch *a = &metal_arch;
	struct uk_kernel *k;
	int rc;

	console_init();
	kprintf("\nukern metal x86_64: booting\n");
	a->ncpus = 1;
	cpu_setup_tables(a, 0);
	pic_disable();
	memory_init(a, mbi_pa);
	cpu_features(a, true);
	a->lapic = phys_to_virt(rdmsr(0x1B) & ~0xfffull);
	acpi_init(a);
	lapic_init(a);
	lapic_calibrate(a);
	ioapic_init(a);
	cpu_online(a, 0);
	for (unsigned i = 0; i < a->nregions; i++)
		kprintf("metal: ram %lx..%lx (%lu KiB)\n", a->region[i].base,
			a->region[i].base + a->region[i].size, a->region[i].size >> 10);
	kprintf("metal: tsc %lu kHz, lapic timer %lu kHz, pcid %s, invpcid %s, ioapic %lx (%u pins)\n",
		a->tsc_hz / 1000, a->lapic_hz / 1000, a->pcid ? "on" : "off", a->invpcid ? "on" : "off",
		a->ioapic_pa, a->ioapic_pins);
	smp_start_aps(a);
	kprintf("metal: %u cpus online\n", a->ncpus);
	pci_scan_edu(a);
	if (scn_active())
		scn_init(a);

	rc = uk_kernel_create(a, NULL, &k);
	if (rc != 0) {
		kprintf("metal: uk_kernel_create failed: %d\n", rc);
		metal_exit(3);
	}
	a->kernel = k;
	metal_irq_log_init(k);
	user_programs_register(k);
	user_spawn_all(k);
	ipc_bench_register(k);
	__atomic_store_n(&kernel_ready, 1, __ATOMIC_RELEASE);
	uk_kernel_cpu_main(k);
}
