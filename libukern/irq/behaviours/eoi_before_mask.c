/* SPDX-License-Identifier: MIT */
/*
 * End of interrupt before the service mask: on a level line the EOI clears
 * the IOAPIC's remote IRR while the device still asserts, so the line is
 * delivered again before the kernel masks it (Intel SDM vol. 3, 10.8.5).
 * The right order is mask, then EOI.
 */
#include "../irq_internal.h"
#include "lib/string.h"

void irq_behaviour_eoi_before_mask(struct uk_irq_behaviour *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "eoi-before-mask";
	o->doc = "EOI a delivery before masking it for service";
	o->source = "Intel SDM vol. 3, 10.8.5 (EOI) and the IOAPIC remote IRR of level pins";
	o->set = 0;
	o->clear = 0;
	o->flags = UK_IRQ_BHV_EOI_BEFORE_MASK;
}
