/* SPDX-License-Identifier: MIT */
#include "irq_fake.h"

#include <stdio.h>
#include <string.h>

static struct fake *fake_of(void *ctx)
{
	return ctx;
}

static void record(struct fake *f, enum fake_op op, const struct uk_irq_pin *pin, int arg)
{
	if (f->ncalls < sizeof(f->calls) / sizeof(f->calls[0]))
		f->calls[f->ncalls++] = (struct fake_call){ op, pin->id, arg };
}

static void chip_mask(void *ctx, const struct uk_irq_pin *pin, bool masked)
{
	struct fake *f = fake_of(ctx);
	record(f, FAKE_MASK, pin, masked);
	f->hwmask[pin->id] = masked;
}

static void chip_eoi(void *ctx, const struct uk_irq_pin *pin)
{
	record(fake_of(ctx), FAKE_EOI, pin, 0);
}

static void chip_eos(void *ctx, const struct uk_irq_pin *pin)
{
	record(fake_of(ctx), FAKE_EOS, pin, 0);
}

static int chip_hw_masked(void *ctx, const struct uk_irq_pin *pin)
{
	struct fake *f = fake_of(ctx);
	int m = f->hwmask[pin->id];
	return m < 0 ? -1 : (f->lie_about_mask ? !m : m);
}

static const struct uk_irq_chip_ops chip_ops = {
	.mask = chip_mask,
	.eoi = chip_eoi,
	.eos = chip_eos,
	.hw_masked = chip_hw_masked,
};

static void host_notify(void *ctx, struct uk_irq_sink *sink)
{
	struct fake *f = fake_of(ctx);
	if (sink->id < FAKE_SINKS)
		f->notifies[sink->id]++;
}

static void host_arm(void *ctx, struct uk_irq_pin *pin, uint64_t deadline)
{
	fake_of(ctx)->timer[pin->id] = deadline;
}

static void host_report(void *ctx, enum uk_irq_report kind, const struct uk_irq_pin *pin,
			const struct uk_irq_sink *sink)
{
	struct fake *f = fake_of(ctx);
	f->reports[kind]++;
	f->report_pin = pin->id;
	f->report_sink = sink ? sink->id : UINT32_MAX;
}

static void host_violation(void *ctx, const struct uk_irq_violation *v)
{
	struct fake *f = fake_of(ctx);
	if (!f->violations)
		f->violation = *v;
	f->violations++;
}

static void host_trace(void *ctx, uint16_t kind, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct fake *f = fake_of(ctx);
	(void)a0;
	(void)a1;
	(void)a2;
	f->traces++;
	f->last_trace_kind = kind;
}

static const struct uk_irq_host_ops host_ops = {
	.notify = host_notify,
	.arm_timer = host_arm,
	.report = host_report,
	.violation = host_violation,
	.trace = host_trace,
};

void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	for (unsigned i = 0; i < FAKE_PINS; i++) {
		f->hwmask[i] = -1;
		f->timer[i] = UK_IRQ_NEVER;
	}
	uk_irq_host_init(&f->host, &host_ops, f);
	uk_irq_builtins_init(&f->builtins);
	f->host.model = &f->builtins.model[0];
	uk_irq_log_init(&f->log, f->ev, sizeof(f->ev) / sizeof(f->ev[0]));
	f->host.log = &f->log;
	uk_irq_chip_init(&f->ioapic, UK_INTC_IOAPIC, 0, &chip_ops, f, 0);
	uk_irq_chip_init(&f->msi, UK_INTC_MSI, 0, &chip_ops, f, 1);
	uk_irq_chip_init(&f->plic, UK_INTC_PLIC, 0, &chip_ops, f, 2);
}

const struct uk_irq_model_ops *fake_model(struct fake *f, const char *name)
{
	const struct uk_irq_model_ops *m = uk_irq_model_find(&f->builtins, name);
	assert_non_null(m);
	return m;
}

const struct uk_irq_behaviour *fake_behaviour(struct fake *f, const char *name)
{
	const struct uk_irq_behaviour *b = uk_irq_behaviour_find(&f->builtins, name);
	assert_non_null(b);
	return b;
}

void fake_pin(struct fake *f, struct uk_irq_pin *pin, uint32_t id, enum uk_intc_kind kind,
	      enum uk_trigger trig, const struct uk_irq_model_ops *model)
{
	const struct uk_irq_chip *chip = kind == UK_INTC_IOAPIC ? &f->ioapic
					 : kind == UK_INTC_MSI	? &f->msi
								: &f->plic;
	struct uk_irq_pin_config cfg = { .id = id, .hwpin = id, .trigger = trig, .model = model };
	assert_int_equal(uk_irq_pin_init(pin, &f->host, chip, &cfg), UK_OK);
}

void fake_sink(struct uk_irq_pin *pin, struct uk_irq_sink *s, uint32_t id)
{
	uk_irq_sink_init(s, id);
	assert_int_equal(uk_irq_sink_attach(pin, s, 0), UK_OK);
}

unsigned fake_count(const struct fake *f, enum fake_op op, uint32_t pin)
{
	unsigned n = 0;
	for (unsigned i = 0; i < f->ncalls; i++)
		n += f->calls[i].op == op && f->calls[i].pin == pin;
	return n;
}

void fake_tick(struct fake *f, struct uk_irq_pin *pin, uint64_t now)
{
	if (f->timer[pin->id] <= now)
		uk_irq_pin_timer(pin, now);
}

size_t fake_live(const struct fake *f, uint64_t end_ns)
{
	struct uk_irq_live_violation v[8];
	struct uk_irq_live_params p = { .ack_timeout_ns = f->host.ack_timeout_ns, .end_ns = end_ns };
	size_t n = uk_irq_liveness_check(&f->log, &p, v, 8);

	for (size_t i = 0; i < n && i < 8; i++)
		fprintf(stderr, "  %s: pin %u sink %d event %zu: %s\n", uk_irq_liveness_name(v[i].prop),
			v[i].pin, (int)v[i].sink, v[i].index, v[i].msg);
	return n;
}

void fake_assert_clean(const struct fake *f, uint64_t end_ns)
{
	if (f->violations)
		fprintf(stderr, "  %s, pin %u, transition %s: %s\n",
			uk_irq_invariant_name(f->violation.inv), f->violation.pin,
			f->violation.transition, f->violation.what);
	assert_int_equal(f->violations, 0);
	assert_int_equal(fake_live(f, end_ns), 0);
	/* Every event is traced too, in the IRQ range of trace kinds. */
	assert_int_equal(f->traces, f->log.len + f->log.lost);
	if (f->traces)
		assert_true(f->last_trace_kind > UK_TRACE_IRQ_BASE &&
			    f->last_trace_kind <= UK_TRACE_IRQ_BASE + 0xff);
}
