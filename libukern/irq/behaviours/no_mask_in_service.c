/* SPDX-License-Identifier: MIT */
/*
 * No mask in service: a level line stays unmasked while its episode runs.
 * A still-asserted line raises again at once and is buffered; the
 * episode that follows finds the device already served (Linux masks level
 * lines in handle_level_irq for exactly this reason).
 */
#include "../irq_internal.h"
#include "lib/string.h"

void irq_behaviour_no_mask_in_service(struct uk_irq_behaviour *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "no-mask-in-service";
	o->doc = "leave lines unmasked during the episode, level lines too";
	o->source = "Linux kernel/irq/chip.c handle_level_irq masks; this one does not";
	o->set = 0;
	o->clear = UK_INTC_MASK_IN_SERVICE | UK_INTC_SUPPRESS_MASK_IN_SERVICE;
	o->flags = 0;
}
