/* SPDX-License-Identifier: MIT */
/*
 * fuzz_irq: bytes -> a sequence of raises, lowers, deliveries, waits, ACKs,
 * NAKs, kicks, attaches, detaches and timer ticks on four pins at once (an
 * IOAPIC edge pin, an IOAPIC level pin, an MSI vector and a PLIC source),
 * with 1 to 4 sinks each. After every step: invariants I1..I10 (on demand
 * and from the checking build), and, for the SEQ model, agreement with the
 * independent reference model in irq_ref.c. At the end: L1..L7 on the log.
 *
 * Input format:
 *   byte 0  flags: bit 0 NAK-on-timeout policy; bits 1-3 model
 *           (0-4 SEQ, 5 seL4, 6 Linux, 7 Zircon); bit 4 ONESHOT;
 *           bit 5 ACK timeout off
 *   byte 1  sinks attached at start, 2 bits per pin (n+1 sinks)
 *   then ops: one byte (op:4 pin:2 sink:2) and, for some, one param byte.
 */
#include "fuzz_irq.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ukern/irq.h>
#include <ukern/irq_model.h>

#include "irq_hw.h"
#include "irq_ref.h"

#define NPINS 4
#define NSINKS REF_SINKS
#define MAX_OPS 4096
#define LOG_CAP (MAX_OPS * 24)
#define MS 1000000ull

struct fz_sink {
	struct uk_irq_sink s;
	uint64_t seen;     /* what the "driver" last got from poll */
	uint64_t notified;
};

struct fz_pin {
	struct hw_pin hw;
	struct uk_irq_pin pin;
	struct ref_pin ref;
	struct fz_sink sinks[NSINKS];
	uint64_t deadline;
	uint64_t nobody, timeouts, disabled;
};

struct fz {
	struct uk_irq_host host;
	struct uk_irq_builtins builtins;
	struct fz_pin p[NPINS];
	uint64_t now;
	bool use_ref;
	bool failed;
	char *msg;
	size_t msglen;
	size_t op;
	struct uk_irq_log log;
};

static int verbose;
static struct uk_irq_event log_buf[LOG_CAP]; /* test code: one run at a time */

void fuzz_irq_set_verbose(int on)
{
	verbose = on;
}

static void fail(struct fz *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (f->failed)
		return;
	f->failed = true;
	n = snprintf(f->msg, f->msglen, "op %zu t=%llu: ", f->op, (unsigned long long)f->now);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < f->msglen)
		vsnprintf(f->msg + n, f->msglen - (size_t)n, fmt, ap);
	va_end(ap);
}

static struct fz_pin *fzpin_of(const struct uk_irq_pin *pin)
{
	return (struct fz_pin *)(void *)((char *)pin - offsetof(struct fz_pin, pin));
}

static void cb_notify(void *ctx, struct uk_irq_sink *sink)
{
	(void)ctx;
	((struct fz_sink *)(void *)sink)->notified++;
}

static void cb_arm(void *ctx, struct uk_irq_pin *pin, uint64_t deadline)
{
	(void)ctx;
	fzpin_of(pin)->deadline = deadline;
}

static void cb_report(void *ctx, enum uk_irq_report kind, const struct uk_irq_pin *pin,
		      const struct uk_irq_sink *sink)
{
	struct fz_pin *fp = fzpin_of(pin);
	(void)ctx;
	(void)sink;
	if (kind == UK_IRQ_REPORT_NOBODY_CARED)
		fp->nobody++;
	else if (kind == UK_IRQ_REPORT_ACK_TIMEOUT)
		fp->timeouts++;
	else
		fp->disabled++;
}

static void cb_violation(void *ctx, const struct uk_irq_violation *v)
{
	fail(ctx, "checking build: %s, pin %u, transition %s (%s)", uk_irq_invariant_name(v->inv),
	     v->pin, v->transition, v->what);
}

static const struct uk_irq_host_ops fz_ops = {
	.notify = cb_notify,
	.arm_timer = cb_arm,
	.report = cb_report,
	.violation = cb_violation,
};

static void setup(struct fz *f, uint8_t flags, uint8_t attach)
{
	unsigned m = (flags >> 1) & 7;
	bool nak_to = flags & 1;

	uk_irq_host_init(&f->host, &fz_ops, f);
	uk_irq_builtins_init(&f->builtins);
	const struct uk_irq_model_ops *model =
		uk_irq_model_find(&f->builtins, m < 5 ? "managarm" : m == 5 ? "sel4"
						: m == 6 ? "linux" : "zircon");
	f->host.model = model;
	uk_irq_log_init(&f->log, log_buf, LOG_CAP);
	f->host.log = &f->log;
	if (flags & 0x20)
		f->host.ack_timeout_ns = 0;
	if (nak_to)
		f->host.flags |= UK_IRQ_HOST_NAK_ON_TIMEOUT;
	f->use_ref = model == &f->builtins.model[0]; /* the sequence protocol */
	for (unsigned i = 0; i < NPINS; i++) {
		struct fz_pin *fp = &f->p[i];
		struct uk_irq_pin_config cfg = {
			.id = i,
			.hwpin = i,
			.trigger = hw_trigger((enum hw_type)i),
			.polarity = UK_POLARITY_HIGH,
			.model = model,
			.flags = (flags & 0x10) ? UK_IRQ_PIN_ONESHOT : 0,
		};
		hw_pin_init(&fp->hw, (enum hw_type)i, i);
		if (uk_irq_pin_init(&fp->pin, &f->host, &fp->hw.chip, &cfg) != UK_OK)
			fail(f, "pin %u init failed", i);
		fp->deadline = UK_IRQ_NEVER;
		ref_init(&fp->ref, (enum hw_type)i, f->host.ack_timeout_ns, nak_to);
		for (unsigned k = 0; k < NSINKS; k++) {
			uk_irq_sink_init(&fp->sinks[k].s, i * 16 + k);
			if (k <= ((attach >> (2 * i)) & 3)) {
				int a = uk_irq_sink_attach(&fp->pin, &fp->sinks[k].s, 0);
				int b = ref_attach(&fp->ref, k);
				if (f->use_ref && a != b)
					fail(f, "attach at setup: machine %d ref %d", a, b);
			}
		}
	}
}

static void expect_eq(struct fz *f, const char *what, unsigned pin, long long got, long long want)
{
	if (got != want)
		fail(f, "pin %u (%s): %s: machine %lld, reference %lld", pin,
		     hw_type_names[pin], what, got, want);
}

static void compare(struct fz *f, unsigned i)
{
	struct fz_pin *fp = &f->p[i];
	struct uk_irq_violation v;

	if (uk_irq_pin_check(&fp->pin, &v))
		fail(f, "%s, pin %u (%s): %s", uk_irq_invariant_name(v.inv), i, hw_type_names[i],
		     v.what);
	if (!f->use_ref)
		return;
	expect_eq(f, "in service", i, fp->pin.in_service, fp->ref.busy);
	expect_eq(f, "stalled", i, fp->pin.stalled, fp->ref.stalled);
	expect_eq(f, "controller mask bit", i, fp->hw.masked, ref_masked(&fp->ref));
	expect_eq(f, "EOIs", i, (long long)fp->hw.eoi_calls, (long long)fp->ref.eoi);
	expect_eq(f, "EOSs", i, (long long)fp->hw.eos_calls, (long long)fp->ref.eos);
	expect_eq(f, "nobody-cared reports", i, (long long)fp->nobody, (long long)fp->ref.nobody);
	expect_eq(f, "timeout reports", i, (long long)fp->timeouts, (long long)fp->ref.timeouts);
	for (unsigned k = 0; k < NSINKS; k++) {
		struct fz_sink *s = &fp->sinks[k];
		expect_eq(f, "attached", i, s->s.pin != NULL, fp->ref.s[k].attached);
		expect_eq(f, "sequence", i, (long long)s->s.seq, (long long)fp->ref.s[k].seq);
		expect_eq(f, "owes an answer", i, s->s.indefinite, fp->ref.s[k].owes);
		expect_eq(f, "wake-ups", i, (long long)s->notified, (long long)fp->ref.s[k].notified);
	}
}

static uint64_t pick_seq(const struct fz_sink *s, uint8_t p)
{
	switch (p & 3) {
	case 0:
		return s->s.seq;
	case 1:
		return s->s.seq ? s->s.seq - 1 : 0;
	case 2:
		return s->s.seq + 1;
	default:
		return s->seen;
	}
}

static void take(struct fz *f, struct fz_pin *fp)
{
	if (!hw_take(&fp->hw))
		return;
	uk_irq_pin_raise(&fp->pin, f->now);
	ref_raise(&fp->ref, f->now);
}

static void tick(struct fz *f, uint64_t delta)
{
	f->now += delta;
	for (unsigned i = 0; i < NPINS; i++) {
		struct fz_pin *fp = &f->p[i];
		if (fp->deadline <= f->now)
			uk_irq_pin_timer(&fp->pin, f->now);
		ref_timer(&fp->ref, f->now);
	}
}

static const uint64_t deltas[16] = {
	1000,	  1 * MS,   10 * MS,  50 * MS,   99 * MS,   100 * MS,  200 * MS, 400 * MS,
	999 * MS, 1000 * MS, 1100 * MS, 2000 * MS, 3200 * MS, 6400 * MS, 12800 * MS, 30000 * MS,
};

static void rc(struct fz *f, const char *call, unsigned pin, long long got, long long want)
{
	if (f->use_ref && got != want)
		fail(f, "pin %u (%s): %s returned %lld, reference %lld", pin, hw_type_names[pin],
		     call, got, want);
}

/* The driver loop of the seed discussion: wait, ask the device, ACK or NAK. */
static void driver(struct fz *f, unsigned i, unsigned k, uint8_t p)
{
	struct fz_pin *fp = &f->p[i];
	struct fz_sink *s = &fp->sinks[k];
	int64_t got = uk_irq_sink_poll(&s->s, UK_IRQ_RIGHTS_ALL, s->seen);

	rc(f, "poll", i, got, ref_poll(&fp->ref, k, UK_IRQ_RIGHTS_ALL, s->seen));
	if (got < 0)
		return;
	s->seen = (uint64_t)got;
	if (p & 1) {
		if (p & 2)
			hw_lower(&fp->hw); /* clear the device before the ACK */
		rc(f, "ack", i, uk_irq_sink_ack(&s->s, UK_IRQ_RIGHTS_ALL, s->seen, f->now),
		   ref_ack(&fp->ref, k, UK_IRQ_RIGHTS_ALL, s->seen, f->now));
	} else {
		rc(f, "nak", i, uk_irq_sink_nak(&s->s, UK_IRQ_RIGHTS_ALL, s->seen, f->now),
		   ref_nak(&fp->ref, k, UK_IRQ_RIGHTS_ALL, s->seen, f->now));
	}
}

static void no_rights(struct fz *f, unsigned i, unsigned k, uint8_t p)
{
	struct fz_pin *fp = &f->p[i];
	struct uk_irq_sink *s = &fp->sinks[k].s;
	uint64_t seq = s->seq;

	switch (p & 3) {
	case 0:
		rc(f, "poll", i, uk_irq_sink_poll(s, UK_IRQ_RIGHT_SIGNAL, 0),
		   ref_poll(&fp->ref, k, UK_IRQ_RIGHT_SIGNAL, 0));
		break;
	case 1:
		rc(f, "ack", i, uk_irq_sink_ack(s, UK_IRQ_RIGHT_WAIT, seq, f->now),
		   ref_ack(&fp->ref, k, UK_IRQ_RIGHT_WAIT, seq, f->now));
		break;
	case 2:
		rc(f, "nak", i, uk_irq_sink_nak(s, UK_IRQ_RIGHT_WAIT, seq, f->now),
		   ref_nak(&fp->ref, k, UK_IRQ_RIGHT_WAIT, seq, f->now));
		break;
	default:
		rc(f, "kick", i, uk_irq_sink_kick(s, 0, true, f->now),
		   ref_kick(&fp->ref, k, 0, true, f->now));
		break;
	}
}

static void step(struct fz *f, uint8_t b, uint8_t p)
{
	unsigned op = b >> 4, i = (b >> 2) & 3, k = b & 3;
	struct fz_pin *fp = &f->p[i];
	struct fz_sink *s = &fp->sinks[k];
	uint64_t seq = pick_seq(s, p);
	const uint32_t all = UK_IRQ_RIGHTS_ALL;
	int64_t r;

	if (verbose)
		fprintf(stderr, "op %zu: %u pin %u sink %u param %u t=%llu\n", f->op, op, i, k, p,
			(unsigned long long)f->now);
	switch (op) {
	case 0:
	case 1:
		hw_raise(&fp->hw);
		break;
	case 2:
		hw_lower(&fp->hw);
		break;
	case 3:
		take(f, fp);
		break;
	case 4:
		r = uk_irq_sink_poll(&s->s, all, seq);
		rc(f, "poll", i, r, ref_poll(&fp->ref, k, all, seq));
		if (r >= 0)
			s->seen = (uint64_t)r;
		break;
	case 5:
		rc(f, "ack", i, uk_irq_sink_ack(&s->s, all, seq, f->now),
		   ref_ack(&fp->ref, k, all, seq, f->now));
		break;
	case 6:
		r = uk_irq_sink_nak(&s->s, all, seq, f->now);
		if (f->use_ref)
			rc(f, "nak", i, r, ref_nak(&fp->ref, k, all, seq, f->now));
		break;
	case 7:
	case 8:
		rc(f, "kick", i, uk_irq_sink_kick(&s->s, all, op == 8, f->now),
		   ref_kick(&fp->ref, k, all, op == 8, f->now));
		break;
	case 9:
		r = uk_irq_sink_attach(&fp->pin, &s->s, f->now);
		if (f->use_ref)
			rc(f, "attach", i, r, ref_attach(&fp->ref, k));
		break;
	case 10:
		rc(f, "detach", i, uk_irq_sink_detach(&s->s, f->now), ref_detach(&fp->ref, k, f->now));
		break;
	case 11:
		tick(f, deltas[p & 15]);
		break;
	case 12:
		hw_raise(&fp->hw);
		take(f, fp);
		break;
	case 13:
		driver(f, i, k, p);
		break;
	case 14:
		no_rights(f, i, k, p);
		break;
	default:
		if (fp->pin.model->answers & UK_IRQ_ANSWER_TRIGGER)
			uk_irq_pin_trigger(&fp->pin, f->now - (p & 7), f->now);
		else
			tick(f, 1 * MS);
		break;
	}
}

static bool has_param(uint8_t b)
{
	unsigned op = b >> 4;
	return op == 4 || op == 5 || op == 6 || op == 11 || op == 13 || op == 14 || op == 15;
}

static void liveness(struct fz *f)
{
	struct uk_irq_live_violation v[4];
	struct uk_irq_live_params lp = { .ack_timeout_ns = f->host.ack_timeout_ns,
					 .end_ns = f->now };
	size_t n;

	if (verbose) {
		for (size_t i = 0; i < f->log.len; i++) {
			const struct uk_irq_event *e = &f->log.ev[i];
			fprintf(stderr, "ev %zu: step %llu t=%llu pin %u sink %d kind %u arg %llu flags %u\n",
				i, (unsigned long long)e->step, (unsigned long long)e->t, e->pin,
				(int)e->sink, e->kind, (unsigned long long)e->arg, e->flags);
		}
	}
	if (f->log.lost)
		return; /* too long to judge; the invariants still ran */
	n = uk_irq_liveness_check(&f->log, &lp, v, 4);
	if (n)
		fail(f, "%s: pin %u sink %d at event %zu: %s", uk_irq_liveness_name(v[0].prop),
		     v[0].pin, (int)v[0].sink, v[0].index, v[0].msg);
}

int fuzz_irq_run(const uint8_t *data, size_t size, char *msg, size_t msglen)
{
	static struct fz f; /* large; test code runs one input at a time */
	size_t pos = 2;

	memset(&f, 0, sizeof(f));
	f.msg = msg;
	f.msglen = msglen;
	if (msglen)
		msg[0] = 0;
	if (size < 2)
		return 0;
	setup(&f, data[0], data[1]);
	for (f.op = 0; pos < size && f.op < MAX_OPS && !f.failed; f.op++) {
		uint8_t b = data[pos++], p = 0;
		if (has_param(b) && pos < size)
			p = data[pos++];
		step(&f, b, p);
		for (unsigned i = 0; i < NPINS; i++)
			compare(&f, i);
	}
	if (!f.failed)
		liveness(&f);
	return f.failed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char msg[512];

	if (fuzz_irq_run(data, size, msg, sizeof(msg))) {
		fprintf(stderr, "fuzz_irq: FAILED: %s\n", msg);
		abort();
	}
	return 0;
}
