/* SPDX-License-Identifier: MIT */
/*
 * Mask while claimed: the kernel also masks (disables) a PLIC source for
 * the whole episode, on top of the gateway that already holds a claimed
 * source until completion. Harmless on its own; with a completion that
 * comes before the unmask it can strand the source.
 */
#include "../irq_internal.h"
#include "lib/string.h"

void irq_behaviour_claim_masked(struct uk_irq_behaviour *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "claim-masked";
	o->doc = "mask a claim/complete line while a source is claimed";
	o->source = "RISC-V PLIC specification: the gateway already holds a claimed source";
	o->set = UK_INTC_MASK_IN_SERVICE;
	o->clear = 0;
	o->flags = 0;
}
