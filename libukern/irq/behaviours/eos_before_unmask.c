/* SPDX-License-Identifier: MIT */
/*
 * End of service before the unmask at the end of an episode. On a PLIC
 * the completion re-opens the gateway while the kernel's own mask is still
 * set; the order only matters to controllers that latch in between.
 */
#include "../irq_internal.h"
#include "lib/string.h"

void irq_behaviour_eos_before_unmask(struct uk_irq_behaviour *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "eos-before-unmask";
	o->doc = "complete (end of service) before the unmask";
	o->source = "RISC-V PLIC specification, interrupt completion";
	o->set = 0;
	o->clear = 0;
	o->flags = UK_IRQ_BHV_EOS_BEFORE_UNMASK;
}
