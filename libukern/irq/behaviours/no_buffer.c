/* SPDX-License-Identifier: MIT */
/*
 * No buffered raise: a raise that arrives while the line is in service is
 * dropped instead of being kept for re-delivery when the episode ends. An
 * edge device that signals twice in quick succession is then heard once.
 * Linux keeps such an edge (handle_edge_irq marks the descriptor
 * IRQS_PENDING and replays it; kernel/irq/chip.c), as managarm's thor
 * counts it in its raise sequence; a kernel that does neither loses it.
 */
#include "../irq_internal.h"
#include "lib/string.h"

void irq_behaviour_no_buffer(struct uk_irq_behaviour *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "no-buffer";
	o->doc = "a raise during an episode is dropped, not kept for later";
	o->source = "Linux kernel/irq/chip.c handle_edge_irq (IRQS_PENDING), what it guards against";
	o->set = 0;
	o->clear = 0;
	o->flags = UK_IRQ_BHV_NO_BUFFER;
}
