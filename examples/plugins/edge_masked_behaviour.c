/* SPDX-License-Identifier: MIT */
/*
 * edge_masked_behaviour.c: the controller behaviour "edge-masked", a uksim
 * plug-in.
 *
 * Policy: a behaviour is data, not code: which of the controller's strategy
 * bits (UK_INTC_*, ukern/arch.h) apply to one line, and a few ordering
 * flags (UK_IRQ_BHV_*, ukern/irq_model.h). By default an IOAPIC masks a
 * level line for the whole of an episode but leaves an edge line open
 * (UK_INTC_SUPPRESS_MASK_IN_SERVICE), so that an edge arriving during the
 * episode reaches the kernel and is buffered for re-delivery. This
 * behaviour masks edge lines in service too, as level lines are.
 *
 * Prediction: an IOAPIC has no pending bit for a masked pin (82093AA
 * datasheet, the mask bit of a redirection entry): an edge that arrives
 * while the line is masked is lost. A device that signals again after its
 * driver claimed the first interrupt but before the driver's ACK ended the
 * episode is then never served: one interrupt handled instead of two, and
 * `latency irq(D)` reports an assertion never claimed. tests/plugins/
 * shows it with a driver that holds its ACK back.
 *
 * (These are the bits of the built-in "mask-in-service" behaviour; the
 * test checks that the plug-in and the built-in run the same, bit for bit.
 * Add UK_IRQ_BHV_LATCH_MASKED to `flags` and the controller keeps the edge
 * in a pending bit instead, as a GIC does: nothing is lost.)
 *
 * Build (against the installed headers):
 *
 *	cc -shared -fPIC $(pkg-config --cflags ukern-sim) edge_masked_behaviour.c -o edge_masked_behaviour.so
 *
 * Use in a scenario, per line:
 *
 *	load "edge_masked_behaviour.so"
 *	line ioapic 4 { behaviour edge-masked }
 */
#include <sim/policy.h>
#include <ukern/irq.h>
#include <ukern/irq_model.h>

static const struct uk_irq_behaviour edge_masked = {
	.abi = UK_ABI_VERSION,
	.name = "edge-masked",
	.doc = "mask edge lines for the whole episode too (the IOAPIC loses edges meanwhile)",
	.source = "82093AA IOAPIC datasheet: an edge on a masked pin is lost",
	.set = UK_INTC_MASK_IN_SERVICE,
	.clear = UK_INTC_SUPPRESS_MASK_IN_SERVICE,
	.flags = 0,
};

UKERN_PLUGIN;

const struct sim_policy ukern_policies[] = {
	{UK_ABI_VERSION, SIM_POLICY_BEHAVIOUR, "edge-masked", &edge_masked,
	 "mask edge lines for the whole episode too (the IOAPIC loses edges meanwhile)"},
	{0},
};
