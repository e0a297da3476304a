/* SPDX-License-Identifier: MIT */
/*
 * Mask-in-service for every trigger mode: edge lines are masked for the
 * whole episode as level lines are. On an IOAPIC an edge that arrives on a
 * masked pin is lost (82093AA datasheet, the mask bit of the redirection
 * entry), so a device that signals again during the episode is not heard
 * until it signals once more.
 */
#include "../irq_internal.h"
#include "lib/string.h"

void irq_behaviour_mask_in_service(struct uk_irq_behaviour *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "mask-in-service";
	o->doc = "mask every line for the whole episode, edge lines too";
	o->source = "82093AA IOAPIC datasheet: an edge on a masked pin is lost";
	o->set = UK_INTC_MASK_IN_SERVICE;
	o->clear = UK_INTC_SUPPRESS_MASK_IN_SERVICE;
	o->flags = 0;
}
