/* SPDX-License-Identifier: MIT */
/*
 * The uniform controller API: one set of calls over the IOAPIC, MSI and the
 * PLIC, checked here once so that the controllers' own code can assume
 * valid arguments.
 */
#include "internal.h"

static const uint32_t strategy[] = {
	[HW_INTC_IOAPIC] = HW_INTC_MASKABLE | HW_INTC_MASK_IN_SERVICE |
			   HW_INTC_SUPPRESS_MASK_IN_SERVICE | HW_INTC_EOI,
	[HW_INTC_MSI] = HW_INTC_EOI,
	/* The claim holds the gateway closed for the whole episode; the
	 * completion ends it. Masking in service would make it be ignored. */
	[HW_INTC_PLIC] = HW_INTC_MASKABLE | HW_INTC_EOS,
	/* As the IOAPIC's edge pins: open in service, the LAPIC's EOI. */
	[HW_INTC_PERCPU] = HW_INTC_MASKABLE | HW_INTC_MASK_IN_SERVICE |
			   HW_INTC_SUPPRESS_MASK_IN_SERVICE | HW_INTC_EOI,
};

unsigned hw_intc_count(const struct hw_machine *m)
{
	return m->nctrl;
}

int hw_intc_find(const struct hw_machine *m, enum hw_intc_kind kind)
{
	for (unsigned i = 0; i < m->nctrl; i++)
		if (m->ctrl_kind[i] == kind)
			return (int)i;
	return -1;
}

static unsigned pins_of(const struct hw_machine *m, unsigned ctrl)
{
	switch (m->ctrl_kind[ctrl]) {
	case HW_INTC_IOAPIC:
		return HW_IOAPIC_PINS;
	case HW_INTC_MSI:
		return m->msi.n;
	case HW_INTC_PLIC:
		return m->plic.n + 1; /* source 0 does not exist */
	case HW_INTC_PERCPU:
		return m->ncpus * m->percpu.lines;
	}
	return 0;
}

int hw_intc_info(const struct hw_machine *m, unsigned ctrl, struct hw_intc_info *info)
{
	if (ctrl >= m->nctrl)
		return HW_ENOENT;
	info->kind = m->ctrl_kind[ctrl];
	info->pins = pins_of(m, ctrl);
	info->strategy = strategy[info->kind];
	return HW_OK;
}

static bool valid_pin(const struct hw_machine *m, unsigned ctrl, unsigned pin)
{
	if (ctrl >= m->nctrl || pin >= pins_of(m, ctrl))
		return false;
	return !(m->ctrl_kind[ctrl] == HW_INTC_PLIC && pin == 0);
}

int hw_intc_route(struct hw_machine *m, unsigned ctrl, unsigned pin, unsigned vector,
		  unsigned cpu, enum hw_trigger trig, enum hw_polarity pol, uint64_t now)
{
	if (!valid_pin(m, ctrl, pin) || vector < HW_VEC_MIN_DEVICE || vector > 255 ||
	    cpu >= m->ncpus || trig > HW_TRIGGER_LEVEL || pol > HW_POLARITY_LOW)
		return HW_EINVAL;
	switch (m->ctrl_kind[ctrl]) {
	case HW_INTC_IOAPIC:
		return hw_ioapic_route(m, pin, vector, cpu, trig, pol, now);
	case HW_INTC_MSI:
		return hw_msi_route(m, pin, vector, cpu, trig, now);
	case HW_INTC_PLIC:
		return hw_plic_route(m, pin, vector, cpu, trig, now);
	case HW_INTC_PERCPU:
		return hw_percpu_route(m, pin, vector, cpu, trig);
	}
	return HW_EINVAL;
}

int hw_intc_mask(struct hw_machine *m, unsigned ctrl, unsigned pin, bool masked, uint64_t now)
{
	if (!valid_pin(m, ctrl, pin))
		return HW_EINVAL;
	switch (m->ctrl_kind[ctrl]) {
	case HW_INTC_IOAPIC:
		return hw_ioapic_mask(m, pin, masked, now);
	case HW_INTC_PLIC:
		return hw_plic_mask(m, pin, masked, now);
	case HW_INTC_PERCPU:
		return hw_percpu_mask(m, pin, masked, now);
	case HW_INTC_MSI:
		break;
	}
	return HW_EINVAL; /* MSI has no mask */
}

bool hw_intc_masked(const struct hw_machine *m, unsigned ctrl, unsigned pin)
{
	if (!valid_pin(m, ctrl, pin))
		return false;
	switch (m->ctrl_kind[ctrl]) {
	case HW_INTC_IOAPIC:
		return m->ioapic.pin[pin].rte & HW_RTE_MASKED;
	case HW_INTC_PLIC:
		return hw_plic_masked(m, pin);
	case HW_INTC_PERCPU:
		return m->percpu.pin[pin].masked;
	case HW_INTC_MSI:
		break;
	}
	return false;
}

int hw_intc_eoi(struct hw_machine *m, unsigned ctrl, unsigned pin, uint64_t now)
{
	if (!valid_pin(m, ctrl, pin))
		return HW_EINVAL;
	switch (m->ctrl_kind[ctrl]) {
	case HW_INTC_IOAPIC:
		hw_ioapic_eoi_pin(m, pin, now);
		return HW_OK;
	case HW_INTC_PLIC:
		return hw_plic_complete(m, m->plic.src[pin].cpu, pin, now);
	case HW_INTC_MSI:
	case HW_INTC_PERCPU: /* the LAPIC's EOI is all there is */
		break;
	}
	return HW_OK;
}

int hw_intc_complete(struct hw_machine *m, unsigned ctrl, unsigned cpu, unsigned pin,
		     uint64_t now)
{
	if (!valid_pin(m, ctrl, pin) || m->ctrl_kind[ctrl] != HW_INTC_PLIC)
		return HW_EINVAL;
	return hw_plic_complete(m, cpu, pin, now);
}

int hw_intc_claim(struct hw_machine *m, unsigned ctrl, unsigned cpu, uint64_t now)
{
	if (ctrl >= m->nctrl || m->ctrl_kind[ctrl] != HW_INTC_PLIC || cpu >= m->ncpus)
		return HW_EINVAL;
	return hw_plic_claim(m, cpu, now);
}

bool hw_intc_line(const struct hw_machine *m, unsigned ctrl, unsigned pin)
{
	if (!valid_pin(m, ctrl, pin))
		return false;
	switch (m->ctrl_kind[ctrl]) {
	case HW_INTC_IOAPIC:
		return hw_ioapic_input(m, pin);
	case HW_INTC_PLIC:
		return m->plic.src[pin].input;
	case HW_INTC_MSI:
		return m->msi.src[pin].ext;
	case HW_INTC_PERCPU:
		return m->percpu.pin[pin].input;
	}
	return false;
}

/* A device's wire changes: count it into the pin's wired-OR. */
void hw_pin_drive(struct hw_machine *m, unsigned ctrl, unsigned pin, bool on, uint64_t now)
{
	switch (m->ctrl_kind[ctrl]) {
	case HW_INTC_IOAPIC: {
		struct hw_ioapic_pin *p = &m->ioapic.pin[pin];
		p->drivers = (uint16_t)(on ? p->drivers + 1 : p->drivers - 1);
		hw_ioapic_drive(m, pin, now);
		return;
	}
	case HW_INTC_PLIC: {
		struct hw_plic_src *x = &m->plic.src[pin];
		x->drivers = (uint16_t)(on ? x->drivers + 1 : x->drivers - 1);
		hw_plic_drive(m, pin, now);
		return;
	}
	case HW_INTC_MSI:
		if (on)
			hw_msi_send(m, pin, now);
		return;
	case HW_INTC_PERCPU: {
		struct hw_percpu_pin *p = &m->percpu.pin[pin];
		p->drivers = (uint16_t)(on ? p->drivers + 1 : p->drivers - 1);
		hw_percpu_drive(m, pin, now);
		return;
	}
	}
}

int hw_intc_set_line(struct hw_machine *m, unsigned ctrl, unsigned pin, bool asserted,
		     uint64_t now)
{
	if (!valid_pin(m, ctrl, pin))
		return HW_EINVAL;
	switch (m->ctrl_kind[ctrl]) {
	case HW_INTC_IOAPIC:
		m->ioapic.pin[pin].ext = asserted;
		hw_ioapic_drive(m, pin, now);
		break;
	case HW_INTC_PLIC:
		m->plic.src[pin].ext = asserted;
		hw_plic_drive(m, pin, now);
		break;
	case HW_INTC_MSI:
		if (asserted && !m->msi.src[pin].ext)
			hw_msi_send(m, pin, now);
		m->msi.src[pin].ext = asserted;
		break;
	case HW_INTC_PERCPU:
		m->percpu.pin[pin].ext = asserted;
		hw_percpu_drive(m, pin, now);
		break;
	}
	return HW_OK;
}

int hw_intc_pulse(struct hw_machine *m, unsigned ctrl, unsigned pin, uint64_t now)
{
	int rc = hw_intc_set_line(m, ctrl, pin, true, now);
	if (rc == HW_OK)
		rc = hw_intc_set_line(m, ctrl, pin, false, now);
	return rc;
}

int hw_intc_stats(const struct hw_machine *m, unsigned ctrl, unsigned pin,
		  struct hw_intc_stats *out)
{
	if (ctrl >= m->nctrl)
		return HW_ENOENT;
	bool all = pin == ~0u;
	if (!all && !valid_pin(m, ctrl, pin))
		return HW_EINVAL;
	switch (m->ctrl_kind[ctrl]) {
	case HW_INTC_IOAPIC:
		*out = all ? m->ioapic.st : m->ioapic.pin[pin].st;
		break;
	case HW_INTC_MSI:
		*out = all ? m->msi.st : m->msi.src[pin].st;
		break;
	case HW_INTC_PLIC:
		*out = all ? m->plic.st : m->plic.src[pin].st;
		break;
	case HW_INTC_PERCPU:
		*out = all ? m->percpu.st : m->percpu.pin[pin].st;
		break;
	}
	return HW_OK;
}

int hw_intc_set_latch(struct hw_machine *m, enum hw_intc_kind kind, unsigned pin, bool on)
{
	if (kind != HW_INTC_IOAPIC)
		return HW_EINVAL;
	return hw_ioapic_set_latch(m, pin, on);
}
