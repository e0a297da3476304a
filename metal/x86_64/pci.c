/* SPDX-License-Identifier: MIT */
/*
 * pci.c: PCI configuration mechanism #1 (ports 0xCF8/0xCFC) and the scan
 * for QEMU's edu devices (1234:11e8, docs/specs/edu.rst in QEMU): their
 * BAR0 and the IOAPIC pin their INTx reaches. The firmware (SeaBIOS)
 * assigned the BARs and wrote the legacy IRQ into the interrupt-line
 * register; on QEMU's PIIX machine a PCI link's IRQ n arrives at IOAPIC pin
 * n, level-triggered, active high (the links' _PRS in QEMU's DSDT). The port
 * reads the routing and checks it rather than assuming two devices share.
 */
#include "metal.h"

uint32_t pci_read32(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
	outl(0xCF8, 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (off & 0xfc));
	return inl(0xCFC);
}

void pci_write32(unsigned bus, unsigned dev, unsigned fn, unsigned off, uint32_t v)
{
	outl(0xCF8, 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (off & 0xfc));
	outl(0xCFC, v);
}

void pci_scan_edu(struct uk_arch *a)
{
	for (unsigned dev = 0; dev < 32 && a->nedu < METAL_MAX_EDU; dev++) {
		uint32_t id = pci_read32(0, dev, 0, 0);
		if (id != 0x11e81234u)
			continue;
		struct metal_edu *e = &a->edu[a->nedu];
		uint32_t bar = pci_read32(0, dev, 0, 0x10);
		uint32_t intr = pci_read32(0, dev, 0, 0x3C);
		/* memory space on, bus mastering off, INTx not disabled */
		uint32_t cmd = pci_read32(0, dev, 0, 0x04);
		pci_write32(0, dev, 0, 0x04, (cmd & 0xffff & ~(1u << 10)) | 0x2);
		e->slot = dev;
		e->bar0 = bar & ~0xfull;
		e->gsi = intr & 0xff;
		e->intx_pin = (intr >> 8) & 0xff;
		uint64_t ver = 0;
		uk_arch_mmio_read(a, e->bar0, 4, &ver);
		kprintf("metal: edu %u at 00:%02x.0, id %x, bar0 %lx, INT%c -> IOAPIC pin %u\n", a->nedu, dev,
			(unsigned)ver, e->bar0, e->intx_pin ? 'A' + e->intx_pin - 1 : '?', e->gsi);
		if (e->bar0 == 0 || e->intx_pin == 0 || e->gsi >= a->ioapic_pins) {
			kprintf("metal: edu %u is not usable (no BAR, no INTx, or a pin the IOAPIC lacks)\n",
				a->nedu);
			continue;
		}
		a->nedu++;
	}
	if (a->nedu == 2)
		kprintf("metal: the two edu devices %s one IOAPIC pin\n",
			a->edu[0].gsi == a->edu[1].gsi ? "share" : "do NOT share");
}

/* The MSI capability of edu `index` (0 when it has none). */
static unsigned edu_msi_cap(struct uk_arch *a, unsigned index)
{
	unsigned slot = a->edu[index].slot;
	if (!((pci_read32(0, slot, 0, 0x04) >> 16) & (1u << 4))) /* no capability list */
		return 0;
	unsigned off = pci_read32(0, slot, 0, 0x34) & 0xfc;
	for (int guard = 0; off && guard < 48; guard++) {
		uint32_t h = pci_read32(0, slot, 0, off);
		if ((h & 0xff) == 0x05)
			return off;
		off = (h >> 8) & 0xfc;
	}
	return 0;
}

/* MSI source `index` is edu `index`: point its message at `cpu`'s LAPIC
 * with `vector` (fixed delivery, edge) and enable it. The device then stops
 * using INTx (QEMU's edu sends the message instead). */
int pci_edu_msi_route(struct uk_arch *a, unsigned index, unsigned vector, unsigned cpu)
{
	unsigned cap = edu_msi_cap(a, index), slot = a->edu[index].slot;
	if (!cap)
		return UK_EINVAL;
	uint32_t ctrl = pci_read32(0, slot, 0, cap) >> 16;
	bool is64 = (ctrl >> 7) & 1;
	pci_write32(0, slot, 0, cap + 4, 0xFEE00000u | a->cpu[cpu].apic_id << 12);
	if (is64) {
		pci_write32(0, slot, 0, cap + 8, 0);
		pci_write32(0, slot, 0, cap + 12, vector);
	} else {
		pci_write32(0, slot, 0, cap + 8, vector);
	}
	/* A message is a memory write by the device: bus mastering on, or
	 * QEMU drops it. */
	pci_write32(0, slot, 0, 0x04, (pci_read32(0, slot, 0, 0x04) & 0xffff) | 0x4);
	ctrl = (ctrl & ~(7u << 4)) | 1u; /* one message, enabled */
	pci_write32(0, slot, 0, cap, (pci_read32(0, slot, 0, cap) & 0xffff) | ctrl << 16);
	return 0;
}
