/* SPDX-License-Identifier: MIT */
/*
 * The controller's own behaviour: the strategy bits of its kind, as
 * uk_irq_default_strategy gives them. Naming it is the same as naming none.
 */
#include "../irq_internal.h"

const struct uk_irq_behaviour uk_irq_behaviour_controller = {
	.abi = UK_ABI_VERSION,
	.name = "controller",
	.doc = "the controller's own strategy bits, unchanged",
	.source = "DESIGN.md section 3 (IOAPIC, MSI, PLIC defaults)",
	.set = 0,
	.clear = 0,
	.flags = 0,
};
