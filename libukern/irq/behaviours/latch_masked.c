/* SPDX-License-Identifier: MIT */
/*
 * Latch while masked: the controller keeps an edge that arrives on a masked
 * pin and delivers it at the unmask, as controllers with a pending bit per
 * line do (the IOAPIC has none and loses it).
 */
#include "../irq_internal.h"

const struct uk_irq_behaviour uk_irq_behaviour_latch_masked = {
	.abi = UK_ABI_VERSION,
	.name = "latch-masked",
	.doc = "the controller keeps an edge that arrives on a masked pin",
	.source = "a pending bit per pin, as the GIC and the PLIC gateway have",
	.set = 0,
	.clear = 0,
	.flags = UK_IRQ_BHV_LATCH_MASKED,
};
