/* SPDX-License-Identifier: MIT */
/*
 * End of interrupt before the service mask: on a level line the EOI clears
 * the IOAPIC's remote IRR while the device still asserts, so the line is
 * delivered again before the kernel masks it (Intel SDM vol. 3, 10.8.5).
 * The right order is mask, then EOI.
 */
#include "../irq_internal.h"

const struct uk_irq_behaviour uk_irq_behaviour_eoi_before_mask = {
	.abi = UK_ABI_VERSION,
	.name = "eoi-before-mask",
	.doc = "EOI a delivery before masking it for service",
	.source = "Intel SDM vol. 3, 10.8.5 (EOI) and the IOAPIC remote IRR of level pins",
	.set = 0,
	.clear = 0,
	.flags = UK_IRQ_BHV_EOI_BEFORE_MASK,
};
