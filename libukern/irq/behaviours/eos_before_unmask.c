/* SPDX-License-Identifier: MIT */
/*
 * End of service before the unmask at the end of an episode. On a PLIC
 * the completion re-opens the gateway while the kernel's own mask is still
 * set; the order only matters to controllers that latch in between.
 */
#include "../irq_internal.h"

const struct uk_irq_behaviour uk_irq_behaviour_eos_before_unmask = {
	.abi = UK_ABI_VERSION,
	.name = "eos-before-unmask",
	.doc = "complete (end of service) before the unmask",
	.source = "RISC-V PLIC specification, interrupt completion",
	.set = 0,
	.clear = 0,
	.flags = UK_IRQ_BHV_EOS_BEFORE_UNMASK,
};
