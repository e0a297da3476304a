/* SPDX-License-Identifier: MIT */
/*
 * The unit tests' world around the IRQ machine: a fake controller that
 * records every mask/EOI/EOS call, and a fake kernel that records wake-ups,
 * timers, reports and invariant violations, plus an event log.
 */
#ifndef TEST_IRQ_FAKE_H
#define TEST_IRQ_FAKE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ukern/irq.h>
#include <ukern/irq_model.h>

#define MS 1000000ull
#define FAKE_PINS 8
#define FAKE_SINKS 64
#define ALL UK_IRQ_RIGHTS_ALL

enum fake_op { FAKE_MASK = 1, FAKE_EOI, FAKE_EOS };

struct fake_call {
	enum fake_op op;
	uint32_t pin;
	int arg;
};

struct fake {
	struct uk_irq_host host;
	struct uk_irq_builtins builtins; /* the host's default is builtins.model[0] */
	struct uk_irq_chip ioapic, msi, plic;
	struct fake_call calls[512];
	unsigned ncalls;
	int hwmask[FAKE_PINS];     /* -1 never written */
	unsigned notifies[FAKE_SINKS];
	uint64_t timer[FAKE_PINS];
	unsigned reports[4];
	uint32_t report_pin, report_sink;
	unsigned violations;
	struct uk_irq_violation violation;
	struct uk_irq_event ev[8192];
	struct uk_irq_log log;
	uint64_t traces;           /* trace callbacks (one per log event) */
	uint16_t last_trace_kind;
	bool lie_about_mask;       /* hw_masked() returns the opposite (I8 test) */
};

void fake_init(struct fake *f);
/* A built-in model or behaviour of the fake's own set, by name. */
const struct uk_irq_model_ops *fake_model(struct fake *f, const char *name);
const struct uk_irq_behaviour *fake_behaviour(struct fake *f, const char *name);
/* A pin with id `id` on the fake chip of `kind` (model 0: the host's). */
void fake_pin(struct fake *f, struct uk_irq_pin *pin, uint32_t id, enum uk_intc_kind kind,
	      enum uk_trigger trig, const struct uk_irq_model_ops *model);
void fake_sink(struct uk_irq_pin *pin, struct uk_irq_sink *s, uint32_t id);
unsigned fake_count(const struct fake *f, enum fake_op op, uint32_t pin);
/* Fire the pin's timer if its deadline is due at `now`. */
void fake_tick(struct fake *f, struct uk_irq_pin *pin, uint64_t now);
/* Liveness violations of the log so far (prints them). */
size_t fake_live(const struct fake *f, uint64_t end_ns);
/* No invariant violation, no liveness violation. */
void fake_assert_clean(const struct fake *f, uint64_t end_ns);

#endif
