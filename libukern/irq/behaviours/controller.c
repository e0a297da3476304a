/* SPDX-License-Identifier: MIT */
/*
 * The controller's own behaviour: the strategy bits of its kind, as
 * uk_irq_default_strategy gives them. Naming it is the same as naming none.
 */
#include "../irq_internal.h"
#include "lib/string.h"

void irq_behaviour_controller(struct uk_irq_behaviour *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "controller";
	o->doc = "the controller's own strategy bits, unchanged";
	o->source = "docs/design.md section 3 (IOAPIC, MSI, PLIC defaults)";
	o->set = 0;
	o->clear = 0;
	o->flags = 0;
}
