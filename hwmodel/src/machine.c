/* SPDX-License-Identifier: MIT */
/*
 * The machine instance: creation from a config, reset, register dispatch,
 * and the helpers every part uses to trace and to wake CPUs.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hw_dev_destroy_all(struct hw_machine *m);

int hw_errf(char *err, size_t errlen, int code, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

void hw_trace(struct hw_machine *m, uint64_t now, unsigned cpu, uint16_t kind, uint64_t a,
	      uint64_t b, uint64_t c)
{
	if (m->host.trace)
		m->host.trace(m->host.ctx, now, cpu, kind, a, b, c);
}

void hw_notify_cpu(struct hw_machine *m, unsigned cpu)
{
	if (m->host.cpu_interrupt)
		m->host.cpu_interrupt(m->host.ctx, cpu);
}

static int check_config(const struct hw_machine_config *cfg, char *err, size_t errlen)
{
	if (!cfg)
		return hw_errf(err, errlen, HW_EINVAL, "no machine configuration");
	if (cfg->ncpus < 1 || cfg->ncpus > HW_MAX_CPUS)
		return hw_errf(err, errlen, HW_EINVAL, "cpus %u out of range (1..%d)", cfg->ncpus,
			       HW_MAX_CPUS);
	if (!cfg->evq)
		return hw_errf(err, errlen, HW_EINVAL, "no event queue given");
	unsigned tlb = cfg->tlb_entries ? cfg->tlb_entries : 64;
	if (tlb < 4 || tlb > 65536 || (tlb & (tlb - 1)))
		return hw_errf(err, errlen, HW_EINVAL,
			       "tlb size %u is not a power of two in 4..65536", tlb);
	if (cfg->cost_preset && !hw_cost_lookup(cfg->cost_preset))
		return hw_errf(err, errlen, HW_EINVAL,
			       "unknown cost preset '%s' (skylake, zen3, slow-ipi)",
			       cfg->cost_preset);
	if (cfg->msi_sources > 4096)
		return hw_errf(err, errlen, HW_EINVAL, "msi sources %u out of range (0..4096)",
			       cfg->msi_sources);
	if (cfg->percpu_lines > HW_PERCPU_MAX_LINES)
		return hw_errf(err, errlen, HW_EINVAL, "per-CPU lines %u out of range (0..%d)",
			       cfg->percpu_lines, HW_PERCPU_MAX_LINES);
	if (cfg->plic_sources > HW_PLIC_MAX_SOURCES)
		return hw_errf(err, errlen, HW_EINVAL, "plic sources %u out of range (0..%d)",
			       cfg->plic_sources, HW_PLIC_MAX_SOURCES);
	return HW_OK;
}

static int build(struct hw_machine *m, const struct hw_machine_config *cfg, char *err,
		 size_t errlen)
{
	m->mem.cache = cfg->ram_cache;
	int rc = hw_mem_init(m, cfg->ram_bytes, err, errlen);
	if (rc != HW_OK)
		return rc;
	m->cpu = calloc(m->ncpus, sizeof(*m->cpu));
	if (!m->cpu)
		return hw_errf(err, errlen, HW_ENOMEM, "out of memory");
	for (unsigned i = 0; i < m->ncpus; i++) {
		if (hw_tlb_init(&m->cpu[i].tlb, cfg->tlb_entries ? cfg->tlb_entries : 64))
			return hw_errf(err, errlen, HW_ENOMEM, "out of memory");
		hw_lapic_init(m, i);
	}
	m->ctrl_kind[m->nctrl++] = HW_INTC_IOAPIC;
	hw_ioapic_init(m);
	m->ctrl_kind[m->nctrl++] = HW_INTC_MSI;
	if (hw_msi_init(m, cfg->msi_sources ? cfg->msi_sources : 32))
		return hw_errf(err, errlen, HW_ENOMEM, "out of memory");
	if (cfg->plic_sources) {
		m->ctrl_kind[m->nctrl++] = HW_INTC_PLIC;
		if (hw_plic_init(m, cfg->plic_sources))
			return hw_errf(err, errlen, HW_ENOMEM, "out of memory");
	}
	if (cfg->percpu_lines) {
		m->ctrl_kind[m->nctrl++] = HW_INTC_PERCPU;
		if (hw_percpu_init(m, cfg->percpu_lines))
			return hw_errf(err, errlen, HW_ENOMEM, "out of memory");
	}
	return HW_OK;
}

int hw_machine_create(const struct hw_machine_config *cfg, struct hw_machine **out, char *err,
		      size_t errlen)
{
	*out = NULL;
	int rc = check_config(cfg, err, errlen);
	if (rc != HW_OK)
		return rc;
	struct hw_machine *m = calloc(1, sizeof(*m));
	if (!m)
		return hw_errf(err, errlen, HW_ENOMEM, "out of memory");
	m->cfg = *cfg;
	m->host = cfg->host;
	m->evq = cfg->evq;
	m->ncpus = cfg->ncpus;
	m->cost = hw_cost_lookup(cfg->cost_preset ? cfg->cost_preset : "skylake");
	m->irq_msg_ns = cfg->irq_msg_ns >= 0 ? (uint64_t)cfg->irq_msg_ns
					     : hw_cost_ns(m->cost, HW_COST_IRQ_MSG, 1);
	rc = build(m, cfg, err, errlen);
	if (rc != HW_OK) {
		hw_machine_destroy(m);
		return rc;
	}
	*out = m;
	return HW_OK;
}

void hw_machine_destroy(struct hw_machine *m)
{
	if (!m)
		return;
	hw_dev_destroy_all(m);
	if (m->cpu) {
		for (unsigned i = 0; i < m->ncpus; i++) {
			hw_evq_remove(m->evq, &m->cpu[i].lapic.timer_ev);
			hw_tlb_fini(&m->cpu[i].tlb);
		}
		free(m->cpu);
	}
	for (unsigned i = 0; i < HW_IOAPIC_PINS; i++)
		hw_evq_remove(m->evq, &m->ioapic.pin[i].ev);
	hw_msi_fini(m);
	hw_plic_fini(m);
	hw_percpu_fini(m);
	hw_mem_fini(m);
	free(m);
}

void hw_machine_reset(struct hw_machine *m, uint64_t now)
{
	for (unsigned i = 0; i < m->ndev; i++)
		if (m->dev[i]->ops->reset)
			m->dev[i]->ops->reset(m->dev[i], now, false);
	for (unsigned i = 0; i < m->ncpus; i++) {
		struct hw_cpu *c = &m->cpu[i];
		hw_lapic_reset(m, i);
		hw_tlb_drop_pcid(&c->tlb, 0xffff, true);
		c->cr3 = 0;
		c->mmu = (struct hw_mmu_stats){0};
	}
	hw_ioapic_reset(m, now);
	hw_msi_reset(m);
	if (m->plic.n)
		hw_plic_reset(m, now);
	if (m->percpu.lines)
		hw_percpu_reset(m);
}

unsigned hw_machine_ncpus(const struct hw_machine *m)
{
	return m->ncpus;
}

struct hw_evq *hw_machine_evq(struct hw_machine *m)
{
	return m->evq;
}

/* ---- register dispatch ---- */

static bool in_window(uint64_t pa, unsigned size, uint64_t base, uint64_t len)
{
	return pa >= base && pa - base < len && size <= len - (pa - base);
}

static struct hw_dev *dev_at(struct hw_machine *m, uint64_t pa, unsigned size)
{
	for (unsigned i = 0; i < m->ndev; i++)
		if (in_window(pa, size, m->dev[i]->base, m->dev[i]->size))
			return m->dev[i];
	return NULL;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

bool hw_mmio_grantable(const struct hw_machine *m, uint64_t pa, uint64_t size)
{
	const uint64_t page = 0x1000;
	if (size == 0 || pa + size < pa || pa + size > (1ull << HW_MAXPHYADDR))
		return false;
	uint64_t lo = pa & ~(page - 1), hi = (pa + size + page - 1) & ~(page - 1);
	if (overlaps(lo, hi - lo, HW_LAPIC_BASE, HW_LAPIC_SIZE) ||
	    overlaps(lo, hi - lo, HW_IOAPIC_BASE, HW_IOAPIC_SIZE) ||
	    overlaps(lo, hi - lo, HW_PLIC_BASE, HW_PLIC_SIZE))
		return false;
	for (unsigned i = 0;; i++) {
		uint64_t rb, rs;
		if (!hw_mem_region(m, i, &rb, &rs))
			break;
		if (overlaps(lo, hi - lo, rb, rs))
			return false;
	}
	unsigned holders = 0;
	bool inside = false;
	for (unsigned i = 0; i < m->ndev; i++) {
		const struct hw_dev *d = m->dev[i];
		if (!overlaps(lo, hi - lo, d->base, d->size))
			continue;
		holders++;
		inside = pa >= d->base && pa + size <= d->base + d->size;
	}
	return holders == 1 && inside;
}

static bool bad_size(unsigned size)
{
	return size != 1 && size != 2 && size != 4 && size != 8;
}

int hw_mmio_read(struct hw_machine *m, unsigned cpu, uint64_t now, uint64_t pa, unsigned size,
		 uint64_t *val)
{
	*val = size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
	if (cpu >= m->ncpus || bad_size(size))
		return HW_EINVAL;
	if (in_window(pa, size, HW_LAPIC_BASE, HW_LAPIC_SIZE)) {
		*val = hw_lapic_read(m, cpu, now, (uint32_t)(pa - HW_LAPIC_BASE));
		return HW_OK;
	}
	if (in_window(pa, size, HW_IOAPIC_BASE, HW_IOAPIC_SIZE)) {
		*val = hw_ioapic_mmio_read(m, pa - HW_IOAPIC_BASE);
		return HW_OK;
	}
	if (m->plic.n && in_window(pa, size, HW_PLIC_BASE, HW_PLIC_SIZE)) {
		*val = hw_plic_mmio_read(m, now, pa - HW_PLIC_BASE);
		return HW_OK;
	}
	struct hw_dev *d = dev_at(m, pa, size);
	if (!d)
		return HW_ENOENT;
	*val = hw_dev_read(m, d, now, pa - d->base, size);
	return HW_OK;
}

int hw_mmio_write(struct hw_machine *m, unsigned cpu, uint64_t now, uint64_t pa, unsigned size,
		  uint64_t val)
{
	if (cpu >= m->ncpus || bad_size(size))
		return HW_EINVAL;
	if (in_window(pa, size, HW_LAPIC_BASE, HW_LAPIC_SIZE)) {
		hw_lapic_write(m, cpu, now, (uint32_t)(pa - HW_LAPIC_BASE), (uint32_t)val);
		return HW_OK;
	}
	if (in_window(pa, size, HW_IOAPIC_BASE, HW_IOAPIC_SIZE)) {
		hw_ioapic_mmio_write(m, now, pa - HW_IOAPIC_BASE, (uint32_t)val);
		return HW_OK;
	}
	if (m->plic.n && in_window(pa, size, HW_PLIC_BASE, HW_PLIC_SIZE)) {
		hw_plic_mmio_write(m, now, pa - HW_PLIC_BASE, (uint32_t)val);
		return HW_OK;
	}
	struct hw_dev *d = dev_at(m, pa, size);
	if (!d)
		return HW_ENOENT;
	hw_dev_write(m, d, now, pa - d->base, size, val);
	return HW_OK;
}
