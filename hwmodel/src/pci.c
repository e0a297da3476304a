/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration space of the PCI devices (type 0 headers), and
 * configuration mechanism #1 through ports 0xcf8/0xcfc.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define CMD_WRITABLE (HW_PCI_CMD_MEM | HW_PCI_CMD_MASTER | HW_PCI_CMD_INTX_DISABLE)
#define MSI_CTRL_64BIT (1u << 7)

static void put16(uint8_t *cfg, unsigned off, uint16_t v)
{
	cfg[off] = (uint8_t)v;
	cfg[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *cfg, unsigned off, uint32_t v)
{
	put16(cfg, off, (uint16_t)v);
	put16(cfg, off + 2, (uint16_t)(v >> 16));
}

static uint32_t get32(const uint8_t *cfg, unsigned off)
{
	return cfg[off] | (uint32_t)cfg[off + 1] << 8 | (uint32_t)cfg[off + 2] << 16 |
	       (uint32_t)cfg[off + 3] << 24;
}

struct hw_pci_fn *hw_pci_fn_new(struct hw_dev *d)
{
	struct hw_pci_fn *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	const struct hw_dev_desc *desc = &d->desc;
	put16(f->cfg, HW_PCI_VENDOR, desc->vendor ? desc->vendor : d->ops->vendor);
	put16(f->cfg, HW_PCI_DEVICE, desc->device ? desc->device : d->ops->device);
	put32(f->cfg, HW_PCI_CLASS_REV, d->ops->class_rev);
	f->bar_size = (uint32_t)d->size;
	put32(f->cfg, HW_PCI_BAR0, (uint32_t)d->base);
	if (!desc->no_firmware_init)
		put16(f->cfg, HW_PCI_COMMAND, HW_PCI_CMD_MEM | HW_PCI_CMD_MASTER);
	if (desc->irq_mode == HW_IRQ_LEVEL || desc->irq_mode == HW_IRQ_EDGE) {
		f->cfg[HW_PCI_INT_PIN] = 1; /* INTA# */
		f->cfg[HW_PCI_INT_LINE] = (uint8_t)desc->irq_pin;
	}
	if (desc->irq_mode == HW_IRQ_MSI) {
		put16(f->cfg, HW_PCI_STATUS, HW_PCI_STATUS_CAP);
		f->cfg[HW_PCI_CAP_PTR] = HW_PCI_MSI_CAP;
		f->cfg[HW_PCI_MSI_CAP] = 0x05;
		f->cfg[HW_PCI_MSI_CAP + 1] = 0;
		put16(f->cfg, HW_PCI_MSI_CAP + 2, MSI_CTRL_64BIT);
	}
	return f;
}

struct hw_dev *hw_pci_lookup(struct hw_machine *m, unsigned bus, unsigned slot, unsigned fn)
{
	for (unsigned i = 0; i < m->ndev; i++) {
		struct hw_dev *d = m->dev[i];
		if (d->pci && d->desc.bus == bus && d->desc.slot == slot && d->desc.fn == fn)
			return d;
	}
	return NULL;
}

static uint16_t command(const struct hw_dev *d)
{
	return (uint16_t)(d->pci->cfg[HW_PCI_COMMAND] | d->pci->cfg[HW_PCI_COMMAND + 1] << 8);
}

bool hw_pci_mem_enabled(const struct hw_dev *d)
{
	return !d->pci || (command(d) & HW_PCI_CMD_MEM);
}

bool hw_pci_master_enabled(const struct hw_dev *d)
{
	return !d->pci || (command(d) & HW_PCI_CMD_MASTER);
}

bool hw_pci_intx_disabled(const struct hw_dev *d)
{
	return d->pci && (command(d) & HW_PCI_CMD_INTX_DISABLE);
}

bool hw_pci_msi_enabled(const struct hw_dev *d)
{
	return d->desc.irq_mode == HW_IRQ_MSI && d->m->msi.src[d->desc.irq_pin].enabled;
}

static bool has_other_functions(struct hw_machine *m, const struct hw_dev *d)
{
	for (unsigned fn = 1; fn < 8; fn++)
		if (hw_pci_lookup(m, d->desc.bus, d->desc.slot, fn))
			return true;
	return false;
}

/* The dword at `off` (aligned) as software reads it. */
static uint32_t cfg_dword(struct hw_machine *m, struct hw_dev *d, unsigned off)
{
	struct hw_pci_fn *f = d->pci;
	uint32_t v = get32(f->cfg, off);
	switch (off) {
	case HW_PCI_COMMAND:
		if (d->irq_cond)
			v |= (uint32_t)HW_PCI_STATUS_INT << 16;
		return v;
	case 0x0c:
		if (d->desc.fn == 0 && has_other_functions(m, d))
			v |= 0x80u << 16; /* multi-function */
		return v;
	case HW_PCI_MSI_CAP:
	case HW_PCI_MSI_CAP + 4:
	case HW_PCI_MSI_CAP + 8:
	case HW_PCI_MSI_CAP + 12:
		if (d->desc.irq_mode != HW_IRQ_MSI)
			return 0;
		break;
	default:
		return v;
	}
	struct hw_msi_src *s = &m->msi.src[d->desc.irq_pin];
	if (off == HW_PCI_MSI_CAP)
		return v | ((uint32_t)(s->enabled ? HW_PCI_MSI_ENABLE : 0) << 16);
	if (off == HW_PCI_MSI_CAP + 4)
		return (uint32_t)s->addr;
	if (off == HW_PCI_MSI_CAP + 8)
		return (uint32_t)(s->addr >> 32);
	return s->data & 0xffff;
}

static bool bad_addr(unsigned bus, unsigned dev, unsigned fn, unsigned off, unsigned size)
{
	return dev > 31 || fn > 7 || off > 255 || !(size == 1 || size == 2 || size == 4) ||
	       (off & (size - 1)) || bus > 255;
}

int hw_pci_cfg_read(struct hw_machine *m, unsigned bus, unsigned dev, unsigned fn, unsigned off,
		    unsigned size, uint32_t *val)
{
	if (bad_addr(bus, dev, fn, off, size))
		return HW_EINVAL;
	struct hw_dev *d = hw_pci_lookup(m, bus, dev, fn);
	uint32_t mask = size == 4 ? ~0u : (1u << (8 * size)) - 1;
	if (!d) {
		*val = mask; /* master abort: all-ones */
		return HW_OK;
	}
	*val = (cfg_dword(m, d, off & ~3u) >> (8 * (off & 3))) & mask;
	return HW_OK;
}

static void bar_write(struct hw_dev *d, uint32_t v)
{
	struct hw_pci_fn *f = d->pci;
	uint32_t base = v & ~(f->bar_size - 1) & ~0xfu;
	put32(f->cfg, HW_PCI_BAR0, base);
	/* Writing all-ones sizes the BAR: the low bits read back as zero. The
	 * window itself follows what software wrote (a real device would
	 * decode there too). */
	d->base = base;
}

static void msi_write(struct hw_machine *m, struct hw_dev *d, unsigned off, uint32_t v)
{
	struct hw_msi_src *s = &m->msi.src[d->desc.irq_pin];
	if (off == HW_PCI_MSI_CAP)
		s->enabled = (v >> 16) & HW_PCI_MSI_ENABLE;
	else if (off == HW_PCI_MSI_CAP + 4)
		s->addr = (s->addr & ~0xffffffffull) | (v & ~3u);
	else if (off == HW_PCI_MSI_CAP + 8)
		s->addr = (s->addr & 0xffffffffull) | ((uint64_t)v << 32);
	else
		s->data = v & 0xffff;
}

int hw_pci_cfg_write(struct hw_machine *m, uint64_t now, unsigned bus, unsigned dev, unsigned fn,
		     unsigned off, unsigned size, uint32_t val)
{
	if (bad_addr(bus, dev, fn, off, size))
		return HW_EINVAL;
	struct hw_dev *d = hw_pci_lookup(m, bus, dev, fn);
	if (!d)
		return HW_OK;
	unsigned base = off & ~3u, shift = 8 * (off & 3);
	uint32_t mask = (size == 4 ? ~0u : (1u << (8 * size)) - 1) << shift;
	uint32_t v = (cfg_dword(m, d, base) & ~mask) | ((val << shift) & mask);
	switch (base) {
	case HW_PCI_COMMAND:
		if (mask & 0xffff) {
			put16(d->pci->cfg, HW_PCI_COMMAND, (uint16_t)(v & CMD_WRITABLE));
			hw_dev_update_wire(d, now); /* the interrupt-disable bit gates INTx */
		}
		return HW_OK;
	case HW_PCI_BAR0:
		bar_write(d, v);
		return HW_OK;
	case HW_PCI_INT_LINE:
		d->pci->cfg[HW_PCI_INT_LINE] = (uint8_t)v;
		return HW_OK;
	case HW_PCI_MSI_CAP:
	case HW_PCI_MSI_CAP + 4:
	case HW_PCI_MSI_CAP + 8:
	case HW_PCI_MSI_CAP + 12:
		if (d->desc.irq_mode == HW_IRQ_MSI)
			msi_write(m, d, base, v);
		return HW_OK;
	}
	return HW_OK; /* read-only */
}

/* ---- configuration mechanism #1 ---- */

static bool cf8_target(const struct hw_machine *m, unsigned port, unsigned *bus, unsigned *dev,
		       unsigned *fn, unsigned *off)
{
	uint32_t a = m->pci_addr;
	if (!(a & 0x80000000u))
		return false;
	*bus = (a >> 16) & 0xff;
	*dev = (a >> 11) & 0x1f;
	*fn = (a >> 8) & 7;
	*off = (a & 0xfc) + (port - 0xcfc);
	return true;
}

int hw_pio_read(struct hw_machine *m, unsigned cpu, uint64_t now, uint16_t port, unsigned size,
		uint32_t *val)
{
	unsigned bus, dev, fn, off;
	if (port == 0xcf8 && size == 4) {
		*val = m->pci_addr;
		return HW_OK;
	}
	if (port >= 0xcfc && port <= 0xcff && port + size <= 0x1000 &&
	    cf8_target(m, port, &bus, &dev, &fn, &off))
		return hw_pci_cfg_read(m, bus, dev, fn, off, size, val);
	*val = size == 4 ? ~0u : (1u << (8 * size)) - 1;
	return HW_ENOENT;
}

int hw_pio_write(struct hw_machine *m, unsigned cpu, uint64_t now, uint16_t port, unsigned size,
		 uint32_t val)
{
	unsigned bus, dev, fn, off;
	if (port == 0xcf8 && size == 4) {
		m->pci_addr = val & 0x80fffffcu;
		return HW_OK;
	}
	if (port >= 0xcfc && port <= 0xcff && cf8_target(m, port, &bus, &dev, &fn, &off))
		return hw_pci_cfg_write(m, now, bus, dev, fn, off, size, val);
	return HW_ENOENT;
}
