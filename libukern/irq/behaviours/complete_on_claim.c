/* SPDX-License-Identifier: MIT */
/*
 * A known-bad design: a claim/complete controller (the PLIC) completed as
 * soon as the source is claimed, the way an IOAPIC edge pin is EOIed on
 * delivery, instead of when the episode ends. The completion re-opens the
 * gateway while the driver has not cleared its device yet, so a level
 * source that is still asserted is forwarded again at once: a second
 * delivery that the kernel keeps as a buffered raise, and an episode that
 * finds the device already served, which every driver NAKs ("nobody
 * cared", a stall). The line must stay closed until the driver is done:
 * complete at the end of service (the controller's own order).
 *
 * Source: the RISC-V PLIC specification (a gateway forwards no new request
 * for a source until its completion; a level source still asserted then
 * sends a new one), and Linux's rule for the same hazard: kernel/irq/
 * manage.c refuses a threaded handler without IRQF_ONESHOT ("Threaded irq
 * requested with handler=NULL and !ONESHOT"), which would complete the
 * interrupt before the thread has quietened the device.
 */
#include "../irq_internal.h"
#include "lib/string.h"

void irq_behaviour_complete_on_claim(struct uk_irq_behaviour *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "complete-on-claim";
	o->doc = "complete a claim/complete line at delivery, before the driver served it";
	o->source = "RISC-V PLIC specification (gateway, completion); Linux kernel/irq/manage.c "
		    "(threaded handlers need IRQF_ONESHOT)";
	o->set = UK_INTC_EOI;
	o->clear = UK_INTC_EOS;
	o->flags = 0;
}
