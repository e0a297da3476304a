/* SPDX-License-Identifier: MIT */
/*
 * fixed_retry_model.c: the IRQ model "fixed-retry", a uksim plug-in.
 *
 * Policy: the ukern sequence protocol (the built-in "managarm" model: every
 * hook but two left to the default), except for what happens after an
 * episode that every driver NAKed. The default reports "nobody cared",
 * masks the line and retries after 100 ms, doubling the wait after each
 * further all-NAK episode up to 12.8 s (UK_IRQ_STALL_BASE_NS,
 * UK_IRQ_STALL_MAX_STEP). This model reports and masks the same way but
 * retries after a fixed FIXED_RETRY_NS = 10 ms, every time: a design that
 * polls a stuck line quickly, trading CPU time for a fast recovery.
 *
 * Prediction: a level line that stays asserted while its only driver NAKs
 * every episode stalls about once per 10 ms: floor(T / 10 ms) + 1 stalls
 * (and "nobody cared" reports) in T, against 2 in the first 300 ms under
 * the default (at 0 and after 100 ms; the next retry comes at 300 ms).
 * tests/plugins/ measures it.
 *
 * Build (against the installed headers; nothing to link, uksim exports
 * the uk_irq_* toolkit):
 *
 *	cc -shared -fPIC $(pkg-config --cflags ukern-sim) fixed_retry_model.c -o fixed_retry_model.so
 *
 * Use in a scenario, for the whole machine or for one line:
 *
 *	load "fixed_retry_model.so"
 *	machine { irq-model fixed-retry }
 *	line ioapic 6 { model fixed-retry }
 *
 * How: one hook. When every driver NAKed, the model stalls the line with
 * the machine's own stall (uk_irq_stall_for: the report, the log, the
 * stall mask, I6's bookkeeping) but with a delay of its choosing. A hook
 * writes no pin field itself (ukern/irq_model.h): it reads the pin and
 * changes it through the toolkit.
 *
 * What it keeps: every invariant I1..I10, and every liveness property but
 * L4, which checks the stall delays against the default backoff's steps;
 * not claiming L4 tells the checker not to judge it on these pins.
 */
#include <stdbool.h>
#include <stdint.h>

#include <sim/policy.h>
#include <ukern/irq.h>
#include <ukern/irq_model.h>

#define FIXED_RETRY_NS 10000000ull /* 10 ms */

/* Everybody NAKed: stall as usual, but retry in 10 ms, every time. */
static void fixed_retry_all_nak(struct uk_irq_pin *pin, uint64_t now)
{
	uk_irq_stall_for(pin, FIXED_RETRY_NS, now);
}

static const struct uk_irq_model_ops fixed_retry_ops = {
	.abi = UK_ABI_VERSION,
	.name = "fixed-retry",
	.doc = "the sequence protocol, but an all-NAK stall retries after a fixed 10 ms",
	.source = "examples/plugins/fixed_retry_model.c (docs/designs.md)",
	.answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_NAK | UK_IRQ_ANSWER_KICK,
	.max_sinks = 0,
	.invariants = UK_IRQ_INV_ALL,
	.liveness = UK_IRQ_LIVE_ALL & ~UK_IRQ_LIVE(4),
	.all_nak = fixed_retry_all_nak,
};

UKERN_PLUGIN;

const struct sim_policy ukern_policies[] = {
	{UK_ABI_VERSION, SIM_POLICY_IRQ_MODEL, "fixed-retry", &fixed_retry_ops,
	 "the sequence protocol, but an all-NAK stall retries after a fixed 10 ms"},
	{0},
};
