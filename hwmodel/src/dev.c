/* SPDX-License-Identifier: MIT */
/*
 * Devices in general: validation of a device description, the registry,
 * register dispatch, the interrupt output every device drives, DMA, and
 * scripted actions. The kinds live in dev_*.c.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HPET_DEFAULT_BASE 0xfed00000ull

static const struct hw_dev_ops *ops_of(int kind)
{
	switch (kind) {
	case HW_DEV_SCRIPT:
		return &hw_dev_script_ops;
	case HW_DEV_HPET:
		return &hw_dev_hpet_ops;
	case HW_DEV_UART:
		return &hw_dev_uart_ops;
	case HW_DEV_BLOCK:
		return &hw_dev_block_ops;
	case HW_DEV_EDU:
		return &hw_dev_edu_ops;
	}
	return NULL;
}

/* ---- validation ---- */

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static int check_window(struct hw_machine *m, const char *name, uint64_t base, uint64_t size,
			bool pci, char *err, size_t errlen)
{
	if (pci) {
		if (size < 16 || (size & (size - 1)))
			return hw_errf(err, errlen, HW_EINVAL,
				       "device '%s': BAR0 size 0x%llx is not a power of two >= 16",
				       name, (unsigned long long)size);
		if (base & (size - 1))
			return hw_errf(err, errlen, HW_EINVAL,
				       "device '%s': BAR0 base 0x%llx is not aligned to its size 0x%llx",
				       name, (unsigned long long)base, (unsigned long long)size);
		if (base < HW_MMIO_HOLE_START || base + size > HW_IOAPIC_BASE)
			return hw_errf(err, errlen, HW_EINVAL,
				       "device '%s': BAR0 0x%llx is outside the PCI MMIO hole "
				       "[0xc0000000, 0xfec00000)",
				       name, (unsigned long long)base);
	}
	if (base + size < base)
		return hw_errf(err, errlen, HW_EINVAL, "device '%s': window wraps", name);
	for (unsigned i = 0; i < m->mem.nregions; i++)
		if (overlaps(base, size, m->mem.r[i].base, m->mem.r[i].size))
			return hw_errf(err, errlen, HW_EEXIST,
				       "device '%s': window [0x%llx, 0x%llx) overlaps RAM", name,
				       (unsigned long long)base, (unsigned long long)(base + size));
	static const struct { uint64_t base, size; const char *what; } fixed[] = {
		{HW_LAPIC_BASE, HW_LAPIC_SIZE, "the LAPIC"},
		{HW_IOAPIC_BASE, HW_IOAPIC_SIZE, "the IOAPIC"},
		{HW_PLIC_BASE, HW_PLIC_SIZE, "the PLIC"},
	};
	for (unsigned i = 0; i < 3; i++) {
		if (i == 2 && m->plic.n == 0)
			continue;
		if (overlaps(base, size, fixed[i].base, fixed[i].size))
			return hw_errf(err, errlen, HW_EEXIST, "device '%s': window overlaps %s",
				       name, fixed[i].what);
	}
	for (unsigned i = 0; i < m->ndev; i++) {
		const struct hw_dev *o = m->dev[i];
		if (overlaps(base, size, o->base, o->size))
			return hw_errf(err, errlen, HW_EEXIST,
				       "device '%s': window [0x%llx, 0x%llx) overlaps '%s' "
				       "[0x%llx, 0x%llx)",
				       name, (unsigned long long)base,
				       (unsigned long long)(base + size), o->name,
				       (unsigned long long)o->base,
				       (unsigned long long)(o->base + o->size));
	}
	return HW_OK;
}

/* Every device on one wire must agree on its electrical polarity. */
static int check_wire(struct hw_machine *m, const struct hw_dev_desc *d, const char *name,
		      char *err, size_t errlen)
{
	for (unsigned i = 0; i < m->ndev; i++) {
		const struct hw_dev_desc *o = &m->dev[i]->desc;
		bool wired = o->irq_mode == HW_IRQ_LEVEL || o->irq_mode == HW_IRQ_EDGE;
		if (wired && o->irq_ctrl == d->irq_ctrl && o->irq_pin == d->irq_pin &&
		    o->active_low != d->active_low)
			return hw_errf(err, errlen, HW_EINVAL,
				       "device '%s': pin %u is shared with '%s' of the other polarity",
				       name, d->irq_pin, o->name);
	}
	return HW_OK;
}

static int check_irq(struct hw_machine *m, const struct hw_dev_desc *d, const char *name,
		     char *err, size_t errlen)
{
	if (d->irq_mode < HW_IRQ_LEVEL || d->irq_mode > HW_IRQ_NONE)
		return hw_errf(err, errlen, HW_EINVAL, "device '%s': unknown interrupt mode %d",
			       name, d->irq_mode);
	if (d->vector != 0 && (d->vector < HW_VEC_MIN_DEVICE || d->vector > 255))
		return hw_errf(err, errlen, HW_EINVAL,
			       "device '%s': vector %u is outside 32..255 (0..31 are exceptions)",
			       name, d->vector);
	if (d->vector != 0 && d->cpu >= m->ncpus)
		return hw_errf(err, errlen, HW_EINVAL, "device '%s': cpu %u does not exist",
			       name, d->cpu);
	if (d->irq_mode == HW_IRQ_NONE)
		return HW_OK;
	if (d->irq_mode == HW_IRQ_MSI) {
		if (!d->pci)
			return hw_errf(err, errlen, HW_EINVAL,
				       "device '%s': MSI needs a PCI device (the capability lives in "
				       "configuration space)", name);
		if (d->irq_pin >= m->msi.n)
			return hw_errf(err, errlen, HW_EINVAL,
				       "device '%s': MSI source %u out of range (0..%u)", name,
				       d->irq_pin, m->msi.n - 1);
		if (m->msi.src[d->irq_pin].dev)
			return hw_errf(err, errlen, HW_EEXIST,
				       "device '%s': MSI source %u already belongs to '%s'", name,
				       d->irq_pin, m->msi.src[d->irq_pin].dev->name);
		return HW_OK;
	}
	if (d->irq_ctrl >= m->nctrl || m->ctrl_kind[d->irq_ctrl] == HW_INTC_MSI)
		return hw_errf(err, errlen, HW_EINVAL,
			       "device '%s': controller %u cannot take a wired interrupt", name,
			       d->irq_ctrl);
	if (m->ctrl_kind[d->irq_ctrl] == HW_INTC_IOAPIC && d->irq_pin >= HW_IOAPIC_PINS)
		return hw_errf(err, errlen, HW_EINVAL,
			       "device '%s': pin %u out of range for the IOAPIC (0..23)", name,
			       d->irq_pin);
	if (m->ctrl_kind[d->irq_ctrl] == HW_INTC_PLIC &&
	    (d->irq_pin == 0 || d->irq_pin > m->plic.n))
		return hw_errf(err, errlen, HW_EINVAL,
			       "device '%s': source %u out of range for the PLIC (1..%u)", name,
			       d->irq_pin, m->plic.n);
	if (m->ctrl_kind[d->irq_ctrl] == HW_INTC_PERCPU &&
	    (d->irq_pin >= m->ncpus * m->percpu.lines || d->irq_mode != HW_IRQ_EDGE))
		return hw_errf(err, errlen, HW_EINVAL,
			       "device '%s': per-CPU input %u out of range (0..%u) or not edge", name,
			       d->irq_pin, m->ncpus * m->percpu.lines - 1);
	return check_wire(m, d, name, err, errlen);
}

static int check_desc(struct hw_machine *m, const struct hw_dev_desc *d,
		      const struct hw_dev_ops *ops, const char *name, char *err, size_t errlen)
{
	if (m->ndev >= HW_MAX_DEVICES)
		return hw_errf(err, errlen, HW_ENOMEM, "too many devices (at most %d)",
			       HW_MAX_DEVICES);
	if (strlen(name) >= sizeof(((struct hw_dev *)0)->name) || !name[0])
		return hw_errf(err, errlen, HW_EINVAL, "device name '%s' is empty or too long", name);
	if (hw_dev_find(m, name))
		return hw_errf(err, errlen, HW_EEXIST, "device name '%s' is already used", name);
	if (d->pci) {
		if (d->bus >= HW_PCI_MAX_BUS || d->slot > 31 || d->fn > 7)
			return hw_errf(err, errlen, HW_EINVAL,
				       "device '%s': PCI address %u:%u.%u out of range "
				       "(bus < %d, device < 32, function < 8)",
				       name, d->bus, d->slot, d->fn, HW_PCI_MAX_BUS);
		struct hw_dev *o = hw_pci_lookup(m, d->bus, d->slot, d->fn);
		if (o)
			return hw_errf(err, errlen, HW_EEXIST,
				       "device '%s': PCI address %02x:%02x.%u is taken by '%s'", name,
				       d->bus, d->slot, d->fn, o->name);
	} else if (d->mmio_base == 0 && d->kind != HW_DEV_HPET) {
		return hw_errf(err, errlen, HW_EINVAL,
			       "device '%s': a platform device needs an mmio_base", name);
	}
	uint64_t base = d->mmio_base ? d->mmio_base : HPET_DEFAULT_BASE;
	uint64_t size = d->mmio_size ? d->mmio_size : ops->default_size;
	int rc = check_window(m, name, base, size, d->pci, err, errlen);
	if (rc == HW_OK && d->kind != HW_DEV_HPET) /* the HPET routes its own timers */
		rc = check_irq(m, d, name, err, errlen);
	return rc;
}

/* ---- creation ---- */

static bool wired(const struct hw_dev *d)
{
	return d->desc.irq_mode == HW_IRQ_LEVEL || d->desc.irq_mode == HW_IRQ_EDGE;
}

static void dev_free(struct hw_dev *d)
{
	if (d->ops->fini)
		d->ops->fini(d);
	free(d->pci);
	free(d);
}

static int initial_route(struct hw_machine *m, struct hw_dev *d, char *err, size_t errlen)
{
	const struct hw_dev_desc *x = &d->desc;
	if (x->vector == 0 || x->irq_mode == HW_IRQ_NONE || x->kind == HW_DEV_HPET)
		return HW_OK;
	unsigned ctrl = x->irq_mode == HW_IRQ_MSI ? CTRL_MSI : x->irq_ctrl;
	enum hw_trigger trig = x->irq_mode == HW_IRQ_LEVEL ? HW_TRIGGER_LEVEL : HW_TRIGGER_EDGE;
	enum hw_polarity pol = x->active_low ? HW_POLARITY_LOW : HW_POLARITY_HIGH;
	int rc = hw_intc_route(m, ctrl, x->irq_pin, x->vector, x->cpu, trig, pol, 0);
	if (rc != HW_OK)
		return hw_errf(err, errlen, rc, "device '%s': cannot route vector %u", d->name,
			       x->vector);
	return HW_OK;
}

/* Copy a NUL-terminated name into dst[cap], cut to fit. */
static void copy_name(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int hw_machine_add_device(struct hw_machine *m, const struct hw_dev_desc *desc, char *err,
			  size_t errlen)
{
	if (!desc)
		return hw_errf(err, errlen, HW_EINVAL, "no device description");
	const struct hw_dev_ops *ops = ops_of(desc->kind);
	if (!ops)
		return hw_errf(err, errlen, HW_EINVAL,
			       "unknown device kind %d (script=1, hpet=2, uart=3, block=4, edu=5)",
			       desc->kind);
	char name[64];
	if (desc->name)
		copy_name(name, sizeof(name), desc->name); /* every run: no printf */
	else
		snprintf(name, sizeof(name), "%s%u", ops->kind_name, m->ndev);
	int rc = check_desc(m, desc, ops, name, err, errlen);
	if (rc != HW_OK)
		return rc;
	struct hw_dev *d = calloc(1, ops->size);
	if (!d)
		return hw_errf(err, errlen, HW_ENOMEM, "out of memory");
	d->m = m;
	d->ops = ops;
	d->desc = *desc;
	copy_name(d->name, sizeof(d->name), name);
	d->desc.name = d->name;
	if (desc->kind == HW_DEV_HPET)
		d->desc.irq_mode = HW_IRQ_NONE;
	d->index = m->ndev;
	d->status_clear_ns = HW_TIME_NEVER;
	d->base = desc->mmio_base ? desc->mmio_base : HPET_DEFAULT_BASE;
	d->size = desc->mmio_size ? desc->mmio_size : ops->default_size;
	if (desc->pci && !(d->pci = hw_pci_fn_new(d))) {
		free(d);
		return hw_errf(err, errlen, HW_ENOMEM, "out of memory");
	}
	rc = ops->init ? ops->init(d, err, errlen) : HW_OK;
	if (rc != HW_OK) {
		dev_free(d);
		return rc;
	}
	if (desc->irq_mode == HW_IRQ_MSI)
		m->msi.src[desc->irq_pin].dev = d;
	m->dev[m->ndev++] = d;
	if (wired(d) && m->ctrl_kind[d->desc.irq_ctrl] == HW_INTC_IOAPIC) {
		m->ioapic.pin[d->desc.irq_pin].wire_active_low = d->desc.active_low;
		hw_ioapic_drive(m, d->desc.irq_pin, 0);
	}
	return initial_route(m, d, err, errlen);
}

void hw_dev_destroy_all(struct hw_machine *m);
void hw_dev_destroy_all(struct hw_machine *m)
{
	for (unsigned i = 0; i < m->ndev; i++)
		dev_free(m->dev[i]);
	m->ndev = 0;
}

/* ---- registry ---- */

unsigned hw_dev_count(const struct hw_machine *m)
{
	return m->ndev;
}

struct hw_dev *hw_dev_get(struct hw_machine *m, unsigned index)
{
	return index < m->ndev ? m->dev[index] : NULL;
}

struct hw_dev *hw_dev_find(struct hw_machine *m, const char *name)
{
	for (unsigned i = 0; name && i < m->ndev; i++)
		if (strcmp(m->dev[i]->name, name) == 0)
			return m->dev[i];
	return NULL;
}

const char *hw_dev_name(const struct hw_dev *d)
{
	return d->name;
}

unsigned hw_dev_index(const struct hw_dev *d)
{
	return d->index;
}

enum hw_dev_kind hw_dev_kind(const struct hw_dev *d)
{
	return (enum hw_dev_kind)d->desc.kind;
}

void hw_dev_window(const struct hw_dev *d, uint64_t *base, uint64_t *size)
{
	*base = d->base;
	*size = d->size;
}

bool hw_dev_irq_active(const struct hw_dev *d)
{
	return d->irq_cond;
}

uint64_t hw_dev_take_status_clear(struct hw_dev *d)
{
	uint64_t t = d->status_clear_ns;
	d->status_clear_ns = HW_TIME_NEVER;
	return t;
}

/* ---- interrupt output ---- */

static void drive(struct hw_dev *d, bool on, uint64_t now)
{
	if (d->wire == on)
		return;
	d->wire = on;
	hw_pin_drive(d->m, d->desc.irq_ctrl, d->desc.irq_pin, on, now);
}

/* Level devices: the wire follows the condition unless INTx is disabled. */
void hw_dev_update_wire(struct hw_dev *d, uint64_t now)
{
	if (d->desc.irq_mode == HW_IRQ_LEVEL)
		drive(d, d->irq_cond && !hw_pci_intx_disabled(d), now);
}

void hw_dev_pulse_irq(struct hw_dev *d, uint64_t now)
{
	if (d->desc.irq_mode == HW_IRQ_MSI) {
		hw_msi_send(d->m, d->desc.irq_pin, now);
		return;
	}
	if (!wired(d))
		return;
	if (hw_pci_intx_disabled(d)) {
		hw_trace(d->m, now, HW_CPU_NONE, HW_TRACE_DROP, d->desc.irq_ctrl, d->desc.irq_pin,
			 HW_DROP_INTX_OFF);
		return;
	}
	if (d->wire)
		return; /* a level wire already high shows no edge */
	drive(d, true, now);
	drive(d, false, now);
}

void hw_dev_set_irq(struct hw_dev *d, bool cond, uint64_t now)
{
	bool rising = cond && !d->irq_cond;
	d->irq_cond = cond;
	if (d->desc.irq_mode == HW_IRQ_LEVEL)
		hw_dev_update_wire(d, now);
	else if (rising)
		hw_dev_pulse_irq(d, now);
}

int hw_dev_dma(struct hw_dev *d, uint64_t now, uint64_t pa, void *buf, size_t len, bool to_mem)
{
	if (!hw_pci_master_enabled(d)) {
		hw_trace(d->m, now, HW_CPU_NONE, HW_TRACE_DMA_ERROR, d->index, pa, 2);
		return HW_EFAULT;
	}
	int rc = to_mem ? hw_mem_write(d->m, pa, buf, len) : hw_mem_read(d->m, pa, buf, len);
	if (rc != HW_OK) {
		hw_trace(d->m, now, HW_CPU_NONE, HW_TRACE_DMA_ERROR, d->index, pa, 1);
		return rc;
	}
	hw_trace(d->m, now, HW_CPU_NONE, HW_TRACE_DMA, d->index, pa,
		 (uint64_t)len | ((uint64_t)to_mem << 63));
	return HW_OK;
}

/* ---- registers and actions ---- */

uint64_t hw_dev_read(struct hw_machine *m, struct hw_dev *d, uint64_t now, uint64_t off,
		     unsigned size)
{
	if (!hw_pci_mem_enabled(d) || off >= d->size)
		return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
	return d->ops->read(d, now, off, size);
}

void hw_dev_write(struct hw_machine *m, struct hw_dev *d, uint64_t now, uint64_t off,
		  unsigned size, uint64_t val)
{
	if (hw_pci_mem_enabled(d) && off < d->size)
		d->ops->write(d, now, off, size, val);
}

int hw_dev_action(struct hw_machine *m, struct hw_dev *d, uint64_t now, enum hw_dev_action act,
		  uint64_t arg)
{
	if (!d || act < HW_ACT_ASSERT || act > HW_ACT_RAISE)
		return HW_EINVAL;
	hw_trace(m, now, HW_CPU_NONE, HW_TRACE_DEV_ACTION, d->index, act, arg);
	if (act == HW_ACT_RESET && d->ops->reset) {
		bool spurious = arg || d->desc.reset_spurious;
		d->ops->reset(d, now, spurious);
		hw_trace(m, now, HW_CPU_NONE, HW_TRACE_DEV_RESET, d->index, spurious, 0);
		return HW_OK;
	}
	return d->ops->action ? d->ops->action(d, now, act, arg) : HW_EINVAL;
}

int hw_dev_action_by_name(struct hw_machine *m, const char *name, uint64_t now,
			  enum hw_dev_action act, uint64_t arg)
{
	struct hw_dev *d = hw_dev_find(m, name);
	return d ? hw_dev_action(m, d, now, act, arg) : HW_ENOENT;
}

/* ---- names ---- */

static const char *const kind_names[] = {
	[HW_DEV_SCRIPT] = "script",
	[HW_DEV_HPET] = "hpet",
	[HW_DEV_UART] = "uart",
	[HW_DEV_BLOCK] = "block",
	[HW_DEV_EDU] = "edu",
};

static const char *const action_names[] = {
	[HW_ACT_ASSERT] = "assert",
	[HW_ACT_DEASSERT] = "deassert",
	[HW_ACT_PULSE] = "pulse",
	[HW_ACT_RESET] = "reset",
	[HW_ACT_COMPLETE] = "complete",
	[HW_ACT_RAISE] = "raise",
};

static int lookup(const char *const *names, int n, const char *name)
{
	for (int i = 1; name && i < n; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return i;
	return HW_EINVAL;
}

int hw_dev_kind_lookup(const char *name)
{
	return lookup(kind_names, (int)(sizeof(kind_names) / sizeof(kind_names[0])), name);
}

int hw_dev_action_lookup(const char *name)
{
	return lookup(action_names, (int)(sizeof(action_names) / sizeof(action_names[0])), name);
}

const char *hw_dev_kind_name(int kind)
{
	if (kind < 1 || kind >= (int)(sizeof(kind_names) / sizeof(kind_names[0])))
		return NULL;
	return kind_names[kind];
}
