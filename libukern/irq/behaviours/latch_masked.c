/* SPDX-License-Identifier: MIT */
/*
 * Latch while masked: the controller keeps an edge that arrives on a masked
 * pin and delivers it at the unmask, as controllers with a pending bit per
 * line do (the IOAPIC has none and loses it).
 */
#include "../irq_internal.h"
#include "lib/string.h"

void irq_behaviour_latch_masked(struct uk_irq_behaviour *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "latch-masked";
	o->doc = "the controller keeps an edge that arrives on a masked pin";
	o->source = "a pending bit per pin, as the GIC and the PLIC gateway have";
	o->set = 0;
	o->clear = 0;
	o->flags = UK_IRQ_BHV_LATCH_MASKED;
}
