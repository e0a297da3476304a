/* SPDX-License-Identifier: MIT */
/*
 * An independent reference model of the ukern IRQ protocol (SEQ model only),
 * written apart from libukern/irq/ and as plainly as possible: flat arrays,
 * no lists, no shared code. The fuzzer runs it beside the real machine and
 * compares return values and visible state after every step.
 */
#ifndef FUZZ_IRQ_REF_H
#define FUZZ_IRQ_REF_H

#include <stdbool.h>
#include <stdint.h>

#include "irq_hw.h"

#define REF_SINKS 4

struct ref_sink {
	bool attached;
	uint64_t seq;
	bool owes;      /* owes an answer for seq */
	bool answered;  /* gave its answer for seq */
	uint64_t notified;
};

struct ref_pin {
	enum hw_type type;
	struct ref_sink s[REF_SINKS];
	bool busy;       /* in service */
	bool stalled;
	bool buffered;
	bool resend;
	bool timeout_done;
	unsigned backoff;
	uint64_t retry_at, start;
	uint64_t timeout_ns;
	bool nak_on_timeout;
	uint64_t nobody, timeouts, eoi, eos;
};

void ref_init(struct ref_pin *r, enum hw_type type, uint64_t timeout_ns, bool nak_on_timeout);
bool ref_masked(const struct ref_pin *r);
void ref_raise(struct ref_pin *r, uint64_t now);
int64_t ref_poll(const struct ref_pin *r, unsigned i, uint32_t rights, uint64_t seq);
int ref_ack(struct ref_pin *r, unsigned i, uint32_t rights, uint64_t seq, uint64_t now);
int ref_nak(struct ref_pin *r, unsigned i, uint32_t rights, uint64_t seq, uint64_t now);
int ref_kick(struct ref_pin *r, unsigned i, uint32_t rights, bool clear, uint64_t now);
int ref_attach(struct ref_pin *r, unsigned i);
int ref_detach(struct ref_pin *r, unsigned i, uint64_t now);
void ref_timer(struct ref_pin *r, uint64_t now);

#endif
