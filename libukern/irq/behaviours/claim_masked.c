/* SPDX-License-Identifier: MIT */
/*
 * Mask while claimed: the kernel also masks (disables) a PLIC source for
 * the whole episode, on top of the gateway that already holds a claimed
 * source until completion. Harmless on its own; with a completion that
 * comes before the unmask it can strand the source.
 */
#include "../irq_internal.h"

const struct uk_irq_behaviour uk_irq_behaviour_claim_masked = {
	.abi = UK_ABI_VERSION,
	.name = "claim-masked",
	.doc = "mask a claim/complete line while a source is claimed",
	.source = "RISC-V PLIC specification: the gateway already holds a claimed source",
	.set = UK_INTC_MASK_IN_SERVICE,
	.clear = 0,
	.flags = 0,
};
