/* SPDX-License-Identifier: MIT */
#include "irq_hw.h"

#include <stddef.h>

const char *const hw_type_names[HW_TYPES] = { "ioapic-edge", "ioapic-level", "msi", "plic" };

static struct hw_pin *hw_of(void *ctx)
{
	return ctx;
}

/* Send a message when the line state asks for one. */
static void hw_update(struct hw_pin *hw)
{
	switch (hw->type) {
	case HW_IOAPIC_LEVEL:
		if (hw->line && !hw->masked && !hw->remote_irr && !hw->inflight) {
			hw->inflight = true;
			hw->remote_irr = true;
		}
		break;
	case HW_PLIC:
		if (hw->line && !hw->masked && !hw->claimed)
			hw->inflight = true; /* the gateway's pending bit */
		break;
	default:
		break;
	}
}

static void hw_mask(void *ctx, const struct uk_irq_pin *pin, bool masked)
{
	struct hw_pin *hw = hw_of(ctx);
	(void)pin;
	hw->mask_calls++;
	hw->masked = masked;
	if (hw->type == HW_PLIC && masked)
		hw->inflight = false; /* a disabled source is not pending */
	hw_update(hw);
}

static void hw_eoi(void *ctx, const struct uk_irq_pin *pin)
{
	struct hw_pin *hw = hw_of(ctx);
	(void)pin;
	hw->eoi_calls++;
	hw->remote_irr = false;
	hw_update(hw);
}

static void hw_eos(void *ctx, const struct uk_irq_pin *pin)
{
	struct hw_pin *hw = hw_of(ctx);
	(void)pin;
	hw->eos_calls++;
	hw->claimed = false;
	hw_update(hw);
}

static int hw_masked_query(void *ctx, const struct uk_irq_pin *pin)
{
	(void)pin;
	return hw_of(ctx)->masked;
}

const struct uk_irq_chip_ops hw_chip_ops = {
	.mask = hw_mask,
	.eoi = hw_eoi,
	.eos = hw_eos,
	.hw_masked = hw_masked_query,
};

enum uk_trigger hw_trigger(enum hw_type type)
{
	return type == HW_IOAPIC_LEVEL || type == HW_PLIC ? UK_TRIGGER_LEVEL : UK_TRIGGER_EDGE;
}

void hw_pin_init(struct hw_pin *hw, enum hw_type type, uint32_t id)
{
	static const enum uk_intc_kind kinds[HW_TYPES] = { UK_INTC_IOAPIC, UK_INTC_IOAPIC,
							   UK_INTC_MSI, UK_INTC_PLIC };
	*hw = (struct hw_pin){ .type = type };
	uk_irq_chip_init(&hw->chip, kinds[type], 0, &hw_chip_ops, hw, id);
}

void hw_raise(struct hw_pin *hw)
{
	switch (hw->type) {
	case HW_IOAPIC_EDGE:
		if (hw->masked)
			hw->dropped++; /* the IOAPIC drops edges on masked pins */
		else
			hw->inflight = true; /* LAPIC IRR: several coalesce into one */
		break;
	case HW_MSI:
		hw->inflight = true;
		break;
	default:
		hw->line = true;
		hw_update(hw);
		break;
	}
}

void hw_lower(struct hw_pin *hw)
{
	if (hw->type == HW_IOAPIC_LEVEL || hw->type == HW_PLIC) {
		hw->line = false;
		if (hw->type == HW_PLIC && !hw->claimed)
			hw->inflight = false;
	}
}

bool hw_take(struct hw_pin *hw)
{
	if (!hw->inflight)
		return false;
	hw->inflight = false;
	if (hw->type == HW_PLIC)
		hw->claimed = true;
	return true;
}
