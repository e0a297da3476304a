/* SPDX-License-Identifier: MIT */
/*
 * No mask in service: a level line stays unmasked while its episode runs.
 * A still-asserted line raises again at once and is buffered; the
 * episode that follows finds the device already served (Linux masks level
 * lines in handle_level_irq for exactly this reason).
 */
#include "../irq_internal.h"

const struct uk_irq_behaviour uk_irq_behaviour_no_mask_in_service = {
	.abi = UK_ABI_VERSION,
	.name = "no-mask-in-service",
	.doc = "leave lines unmasked during the episode, level lines too",
	.source = "Linux kernel/irq/chip.c handle_level_irq masks; this one does not",
	.set = 0,
	.clear = UK_INTC_MASK_IN_SERVICE | UK_INTC_SUPPRESS_MASK_IN_SERVICE,
	.flags = 0,
};
