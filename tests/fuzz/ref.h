/* SPDX-License-Identifier: MIT */
/*
 * The interface of the fuzzer's reference models. Every IRQ model has one,
 * written apart from libukern/irq/ and as plainly as possible (flat
 * arrays, no lists, no libukern code): tests/fuzz/ref_<model>.c. The
 * harness (fuzz_irq.c) runs it beside the real machine on the same pin and
 * compares every return value and the observable state (struct ref_obs)
 * after every step.
 *
 * One reference state describes one pin with up to REF_SINKS sinks; its
 * storage is REF_STATE_BYTES bytes the harness owns (zeroed before init).
 */
#ifndef FUZZ_REF_H
#define FUZZ_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "irq_hw.h"

#define REF_SINKS 4
#define REF_STATE_BYTES 2048

struct ref_config {
	enum hw_type type;     /* the controller: its trigger, maskability, EOI/EOS */
	uint64_t timeout_ns;   /* the host's ACK timeout, 0: off */
	bool nak_on_timeout;   /* the host's policy */
	bool oneshot;          /* UK_IRQ_PIN_ONESHOT */
	uint64_t param[4];     /* host->model_param */
};

/* What the harness compares after every step. `has` says which of the
 * optional fields the model keeps (REF_HAS_*). */
#define REF_HAS_BUSY (1u << 0)    /* busy: the pin is in service */
#define REF_HAS_STALLED (1u << 1) /* stalled */
struct ref_obs {
	uint32_t has;
	bool busy, stalled;
	bool masked;               /* the controller's mask bit (false on MSI) */
	uint64_t eoi, eos;         /* end-of-interrupt / end-of-service writes */
	uint64_t nobody, timeouts, disabled; /* reports (enum uk_irq_report) */
	struct {
		bool attached;
		uint64_t seq;      /* the sink's sequence */
		bool owes;         /* owes an answer for seq */
		uint64_t notified; /* wake-ups (host notify calls) */
	} s[REF_SINKS];
};

struct ref_model {
	const char *name; /* the libukern model (`irq-model NAME`) it checks */
	void (*init)(void *st, const struct ref_config *c);
	/* The CPU took a delivery of the pin (uk_irq_pin_raise). */
	void (*raise)(void *st, uint64_t now);
	/* A software trigger (uk_irq_pin_trigger); NULL: refused with UK_EINVAL. */
	int (*trigger)(void *st, uint64_t ts, uint64_t now);
	int64_t (*poll)(const void *st, unsigned i, uint32_t rights, uint64_t seq);
	int (*ack)(void *st, unsigned i, uint32_t rights, uint64_t seq, uint64_t now);
	int (*nak)(void *st, unsigned i, uint32_t rights, uint64_t seq, uint64_t now);
	int (*kick)(void *st, unsigned i, uint32_t rights, bool clear, uint64_t now);
	int (*attach)(void *st, unsigned i, uint64_t now);
	int (*detach)(void *st, unsigned i, uint64_t now);
	/* uk_irq_sink_model_call(sink i, rights, op, arg); NULL: the model
	 * has no calls (expect UK_EPERM without SIGNAL, UK_EINVAL detached,
	 * else UK_ENOSYS). */
	long (*call)(void *st, unsigned i, uint32_t rights, unsigned op, uint64_t arg, uint64_t now);
	/* Time is now `now`: run whatever of its deadlines passed. Called
	 * after every time step (the harness fires the machine's timer first). */
	void (*timer)(void *st, uint64_t now);
	void (*observe)(const void *st, struct ref_obs *o);
};

extern const struct ref_model ref_managarm;
extern const struct ref_model ref_linux;
extern const struct ref_model ref_fiasco;
extern const struct ref_model ref_zircon;
extern const struct ref_model ref_sel4;

#endif
