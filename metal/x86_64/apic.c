/* SPDX-License-Identifier: MIT */
/*
 * apic.c: ACPI's MADT (CPUs and the IOAPIC), the local APIC (timer
 * calibrated against the PIT, IPIs, EOI), the IOAPIC, the TSC clock, and
 * SMP bring-up by INIT-SIPI-SIPI.
 */
#include "metal.h"

#include "../../libukern/lib/string.h"

#define LAPIC_ID 0x20
#define LAPIC_TPR 0x80
#define LAPIC_EOI 0xB0
#define LAPIC_SVR 0xF0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3E0

static uint32_t apic_ids[UK_MAX_CPUS];
static unsigned napic;

static inline uint32_t lapic_rd(struct uk_arch *a, unsigned reg) { return a->lapic[reg / 4]; }
static inline void lapic_wr(struct uk_arch *a, unsigned reg, uint32_t v) { a->lapic[reg / 4] = v; }

/* ---- ACPI ---- */

static bool checksum_ok(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s == 0;
}

static const uint8_t *find_rsdp(void)
{
	uint16_t ebda_seg = *(const uint16_t *)phys_to_virt(0x40E);
	uint64_t ranges[2][2] = { { (uint64_t)ebda_seg << 4, ((uint64_t)ebda_seg << 4) + 1024 },
				  { 0xE0000, 0x100000 } };
	for (unsigned r = 0; r < 2; r++)
		for (uint64_t pa = ranges[r][0] & ~15ull; pa < ranges[r][1]; pa += 16) {
			const uint8_t *p = phys_to_virt(pa);
			if (uk_memcmp(p, "RSD PTR ", 8) == 0 && checksum_ok(p, 20))
				return p;
		}
	return NULL;
}

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

/* Reads the MADT: the enabled local APICs (CPUs, the boot CPU first) and the
 * first IOAPIC. Without ACPI: one CPU and QEMU's fixed IOAPIC address. */
void acpi_init(struct uk_arch *a)
{
	const uint8_t *rsdp = find_rsdp();
	uint32_t bsp = lapic_rd(a, LAPIC_ID) >> 24;

	apic_ids[0] = bsp;
	napic = 1;
	a->ioapic_pa = 0xFEC00000;
	a->ioapic_gsi_base = 0;
	if (!rsdp) {
		kprintf("metal: no ACPI RSDP; one CPU, IOAPIC assumed at %lx\n", a->ioapic_pa);
		return;
	}
	const uint8_t *rsdt = phys_to_virt(rd32(rsdp + 16));
	uint32_t len = rd32(rsdt + 4);
	for (uint32_t off = 36; off + 4 <= len; off += 4) {
		const uint8_t *h = phys_to_virt(rd32(rsdt + off));
		if (uk_memcmp(h, "APIC", 4) != 0)
			continue;
		uint32_t mlen = rd32(h + 4);
		bool ioapic_seen = false;
		for (uint32_t e = 44; e + 2 <= mlen && h[e + 1] >= 2; e += h[e + 1]) {
			const uint8_t *ent = h + e;
			if (ent[0] == 0 && (rd32(ent + 4) & 1) && ent[3] != bsp && napic < UK_MAX_CPUS)
				apic_ids[napic++] = ent[3];
			if (ent[0] == 1 && !ioapic_seen) {
				a->ioapic_pa = rd32(ent + 4);
				a->ioapic_gsi_base = rd32(ent + 8);
				ioapic_seen = true;
			}
		}
	}
	a->ncpus = napic;
	for (unsigned i = 0; i < napic; i++)
		a->cpu[i].apic_id = apic_ids[i];
}

/* ---- local APIC ---- */

void lapic_init(struct uk_arch *a)
{
	lapic_wr(a, LAPIC_TPR, 0);
	lapic_wr(a, LAPIC_SVR, 0x100 | UK_VEC_SPURIOUS);
	lapic_wr(a, LAPIC_TIMER_DIV, 0x3); /* divide by 16 */
	lapic_wr(a, LAPIC_LVT_TIMER, 1u << 16);
}

void lapic_eoi(struct uk_arch *a) { lapic_wr(a, LAPIC_EOI, 0); }

void lapic_send_ipi(struct uk_arch *a, uint32_t apic_id, uint32_t icr_low)
{
	while (lapic_rd(a, LAPIC_ICR_LO) & (1u << 12))
		cpu_relax();
	lapic_wr(a, LAPIC_ICR_HI, apic_id << 24);
	lapic_wr(a, LAPIC_ICR_LO, icr_low);
	while (lapic_rd(a, LAPIC_ICR_LO) & (1u << 12))
		cpu_relax();
}

/* 10 ms on PIT channel 2 (gated through port 0x61, no interrupt needed):
 * counts the TSC and the LAPIC timer over it. */
void lapic_calibrate(struct uk_arch *a)
{
	const uint32_t pit_hz = 1193182, count = pit_hz / 100;
	uint8_t g = inb(0x61);

	outb(0x61, (uint8_t)((g & ~0x02) | 0x01));
	outb(0x43, 0xB0); /* channel 2, lo/hi byte, mode 0 */
	outb(0x42, (uint8_t)count);
	outb(0x42, (uint8_t)(count >> 8));
	g = inb(0x61) & (uint8_t)~0x01;
	outb(0x61, g);
	lapic_wr(a, LAPIC_TIMER_INIT, 0xffffffffu);
	uint64_t t0 = rdtsc();
	outb(0x61, g | 1); /* start counting */
	while (!(inb(0x61) & 0x20))
		cpu_relax();
	uint64_t t1 = rdtsc();
	uint32_t ticks = 0xffffffffu - lapic_rd(a, LAPIC_TIMER_CUR);
	lapic_wr(a, LAPIC_TIMER_INIT, 0);
	a->tsc_hz = (t1 - t0) * 100;
	a->lapic_hz = (uint64_t)ticks * 100;
	a->tsc0 = t0;
}

uint64_t metal_now(struct uk_arch *a)
{
	/* ns = ticks * 1e9 / tsc_hz, as a 32.32 fixed-point multiply. */
	uint64_t mult = (1000000000ull << 32) / a->tsc_hz;
	return (uint64_t)(((unsigned __int128)(rdtsc() - a->tsc0) * mult) >> 32);
}

static void delay_us(struct uk_arch *a, uint64_t us)
{
	uint64_t end = rdtsc() + a->tsc_hz / 1000000 * us;
	while (rdtsc() < end)
		cpu_relax();
}

/* ---- IOAPIC ---- */

/* The select/window pair is one shared register: the kernel reaches it
 * under its lock, trap() (metal_ioapic_stray) without it, so each access
 * takes the IOAPIC's own lock, with interrupts off. */
static uint32_t ioapic_rd(struct uk_arch *a, unsigned reg)
{
	bool en = uk_arch_irq_save(a);
	lock_raw(&a->ioapic_lock);
	a->ioapic[0] = reg;
	uint32_t v = a->ioapic[4];
	unlock_raw(&a->ioapic_lock);
	uk_arch_irq_restore(a, en);
	return v;
}

static void ioapic_wr(struct uk_arch *a, unsigned reg, uint32_t v)
{
	bool en = uk_arch_irq_save(a);
	lock_raw(&a->ioapic_lock);
	a->ioapic[0] = reg;
	a->ioapic[4] = v;
	unlock_raw(&a->ioapic_lock);
	uk_arch_irq_restore(a, en);
}

void ioapic_init(struct uk_arch *a)
{
	a->ioapic = phys_to_virt(a->ioapic_pa);
	uint32_t ver = ioapic_rd(a, 1);
	a->ioapic_pins = ((ver >> 16) & 0xff) + 1;
	if ((ver & 0xff) == 0xff || a->ioapic_pins > 64) {
		kprintf("metal: no IOAPIC answers at %lx\n", a->ioapic_pa);
		a->ioapic_pins = 0;
		return;
	}
	for (unsigned p = 0; p < a->ioapic_pins; p++) {
		ioapic_wr(a, 0x10 + 2 * p, 1u << 16);
		ioapic_wr(a, 0x11 + 2 * p, 0);
	}
	a->ioapic_mask_shadow = a->ioapic_pins == 64 ? ~0ull : (1ull << a->ioapic_pins) - 1;
}

int metal_ioapic_route(struct uk_arch *a, unsigned pin, unsigned vector, unsigned cpu, bool level,
		       bool active_low)
{
	bool masked = (a->ioapic_mask_shadow >> pin) & 1;
	uint32_t lo = vector | (level ? 1u << 15 : 0) | (active_low ? 1u << 13 : 0) |
		      (masked ? 1u << 16 : 0);
	ioapic_wr(a, 0x11 + 2 * pin, a->cpu[cpu].apic_id << 24);
	ioapic_wr(a, 0x10 + 2 * pin, lo);
	for (unsigned v = 0; v < 256; v++)
		if (a->ioapic_level_pin[v] == pin + 1)
			a->ioapic_level_pin[v] = 0;
	if (level)
		a->ioapic_level_pin[vector] = (uint8_t)(pin + 1);
	return 0;
}

/* A delivery of a level pin's vector that no IOAPIC sent: its remote IRR
 * is clear. An IOAPIC sets remote IRR when it sends a level interrupt and
 * clears it at the EOI, which the kernel gives only after handling the
 * delivery, so a real one always finds it set; this one is a second
 * injection of a vector already delivered and ended. The KVM of our
 * development VM (kvm_pvm) delivers level interrupts twice this way
 * (docs/porting.md), and the kernel would take each copy for a new raise
 * whose episode nobody claims. Dropping it (with its EOI) loses nothing:
 * a level line still asserted is sent again after that EOI, remote IRR
 * set. The register read costs an IOAPIC access, so it is made only where
 * a copy is certain to be one (the pin is masked: in service, or stalled)
 * until the first copy is seen, and for every delivery of a level pin
 * after that (a copy that comes after the episode ended finds the pin
 * unmasked). On hardware and under TCG the first never happens. */
bool metal_ioapic_stray(struct uk_arch *a, unsigned vector)
{
	unsigned pin = a->ioapic_level_pin[vector & 255];
	if (!pin--)
		return false;
	bool masked = (a->ioapic_mask_shadow >> pin) & 1;
	if (!masked && !__atomic_load_n(&a->stray_deliveries, __ATOMIC_RELAXED))
		return false;
	return !metal_ioapic_remote_irr(a, pin);
}

void metal_ioapic_mask(struct uk_arch *a, unsigned pin, bool masked)
{
	uint32_t lo = ioapic_rd(a, 0x10 + 2 * pin);
	lo = masked ? lo | (1u << 16) : lo & ~(1u << 16);
	ioapic_wr(a, 0x10 + 2 * pin, lo);
	if (masked)
		a->ioapic_mask_shadow |= 1ull << pin;
	else
		a->ioapic_mask_shadow &= ~(1ull << pin);
}

bool metal_ioapic_masked(struct uk_arch *a, unsigned pin)
{
	return (ioapic_rd(a, 0x10 + 2 * pin) >> 16) & 1;
}

/* Remote IRR: a level interrupt was delivered and not yet EOIed. The IOAPIC
 * does not show the line itself; this is the nearest it tells. */
bool metal_ioapic_remote_irr(struct uk_arch *a, unsigned pin)
{
	return (ioapic_rd(a, 0x10 + 2 * pin) >> 14) & 1;
}

/* ---- the LAPIC timer (one-shot) ---- */

/* Two deadlines share each CPU's one-shot timer: libukern's
 * (uk_arch_timer_arm) and, on CPU 0 in a scenario run, the timeline's
 * (scenario.c). The timer is set for the earlier; trap() hands the kernel
 * its interrupt only when the kernel's deadline has come. */
static void timer_program(struct uk_arch *a, struct percpu *pc)
{
	uint64_t deadline;
	if (pc->timer_kernel_armed && pc->timer_extra_armed)
		deadline = pc->timer_kernel < pc->timer_extra ? pc->timer_kernel : pc->timer_extra;
	else if (pc->timer_kernel_armed)
		deadline = pc->timer_kernel;
	else if (pc->timer_extra_armed)
		deadline = pc->timer_extra;
	else {
		lapic_wr(a, LAPIC_LVT_TIMER, 1u << 16);
		lapic_wr(a, LAPIC_TIMER_INIT, 0);
		return;
	}
	uint64_t now = metal_now(a), ticks;
	uint64_t delta = deadline > now ? deadline - now : 0;
	uint64_t mult = (a->lapic_hz << 32) / 1000000000ull; /* ticks per ns, 32.32 */
	ticks = (uint64_t)(((unsigned __int128)delta * mult) >> 32);
	if (ticks == 0)
		ticks = 1;
	if (ticks > 0xffffffffull)
		ticks = 0xffffffffull;
	lapic_wr(a, LAPIC_LVT_TIMER, UK_VEC_TIMER);
	lapic_wr(a, LAPIC_TIMER_INIT, (uint32_t)ticks);
}

void metal_timer_arm(struct uk_arch *a, uint64_t deadline_ns)
{
	struct percpu *pc = this_percpu();
	pc->timer_kernel = deadline_ns;
	pc->timer_kernel_armed = true;
	timer_program(a, pc);
}

void metal_timer_disarm(struct uk_arch *a)
{
	struct percpu *pc = this_percpu();
	pc->timer_kernel_armed = false;
	timer_program(a, pc);
}

void metal_timer_extra(struct uk_arch *a, uint64_t deadline_ns)
{
	struct percpu *pc = this_percpu();
	pc->timer_extra = deadline_ns;
	pc->timer_extra_armed = true;
	timer_program(a, pc);
}

/* The timer fired (interrupts off): runs the timeline if its deadline came,
 * re-arms, and says whether the kernel's deadline came (then it is
 * disarmed: the kernel re-arms as it needs). */
bool metal_timer_fired(struct uk_arch *a)
{
	struct percpu *pc = this_percpu();
	uint64_t now = metal_now(a);
	bool kernel_due = pc->timer_kernel_armed && pc->timer_kernel <= now;
	if (kernel_due)
		pc->timer_kernel_armed = false;
	if (pc->timer_extra_armed && pc->timer_extra <= now) {
		pc->timer_extra_armed = false;
		scn_tick(a, now); /* arms the next deadline */
	}
	timer_program(a, pc);
	return kernel_due;
}

/* ---- SMP ---- */

extern char ap_tramp_start[], ap_tramp_end[], ap_tramp_stack[], ap_tramp_entry[], ap_tramp_cpu[];
void ap_main(unsigned cpu);

static uint8_t ap_stacks[UK_MAX_CPUS][METAL_STACK_SIZE] __attribute__((aligned(16)));

/* Starts the APs one at a time: INIT, 10 ms, SIPI, 200 us, SIPI (Intel SDM
 * vol. 3, 8.4.4.1), then waits up to 1 s for each to say it is online. */
void smp_start_aps(struct uk_arch *a)
{
	size_t len = (size_t)(ap_tramp_end - ap_tramp_start);
	uint8_t *tramp = phys_to_virt(AP_TRAMPOLINE);
	/* the trampoline's template is in the image's low (identity) part */
	uk_memcpy(tramp, (uint8_t *)((uint64_t)ap_tramp_start + DMAP), len);
	for (unsigned cpu = 1; cpu < a->ncpus; cpu++) {
		uint64_t *stack = (uint64_t *)(tramp + (ap_tramp_stack - ap_tramp_start));
		uint64_t *entry = (uint64_t *)(tramp + (ap_tramp_entry - ap_tramp_start));
		uint32_t *idx = (uint32_t *)(tramp + (ap_tramp_cpu - ap_tramp_start));
		*stack = (uint64_t)&ap_stacks[cpu][METAL_STACK_SIZE];
		*entry = (uint64_t)ap_main;
		*idx = cpu;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		uint32_t id = a->cpu[cpu].apic_id;
		lapic_send_ipi(a, id, 0x4500); /* INIT, assert */
		delay_us(a, 10000);
		for (int i = 0; i < 2; i++) {
			lapic_send_ipi(a, id, 0x4600 | (AP_TRAMPOLINE >> 12)); /* SIPI */
			delay_us(a, 200);
		}
		uint64_t deadline = metal_now(a) + 1000000000ull;
		while (!a->cpu[cpu].online && metal_now(a) < deadline)
			cpu_relax();
		if (!a->cpu[cpu].online) {
			kprintf("metal: cpu %u (apic %u) did not come up\n", cpu, id);
			a->ncpus = cpu;
			break;
		}
	}
}
