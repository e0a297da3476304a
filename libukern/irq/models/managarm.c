/* SPDX-License-Identifier: MIT */
/*
 * The ukern sequence protocol (docs/design.md section 3): every hook is the
 * default. Per-sink sequence numbers with ACK, NAK, kick and kick|clear; an
 * all-NAK episode is reported once and stalls with backoff, on every pin
 * type; a late-attached sink takes part from the next episode on.
 *
 * Source: managarm's 2021 IRQ rework (thor's generic/irq.cpp: IrqPin,
 * IrqSink, sequence numbers and the ACK/NAK/kick protocol), with the holes
 * docs/design.md lists closed (a wait from the future is an error, not an
 * assertion; non-maskable pins leave the stall and retry).
 */
#include "../irq_internal.h"
#include "lib/string.h"

void irq_model_managarm(struct uk_irq_model_ops *o)
{
	uk_memset(o, 0, sizeof(*o));
	o->abi = UK_ABI_VERSION;
	o->name = "managarm";
	o->doc = "the sequence protocol: per-sink sequences, ACK/NAK/kick, stall with backoff";
	o->source = "managarm thor generic/irq.cpp after the 2021 rework; docs/design.md section 3";
	o->driver = "irq-driver"; /* wait, ask the device, ACK or NAK */
	o->answers = UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_NAK | UK_IRQ_ANSWER_KICK;
	o->invariants = UK_IRQ_INV_ALL;
	o->liveness = UK_IRQ_LIVE_ALL;
}
