/* SPDX-License-Identifier: MIT */
/*
 * fuzz_irq: bytes -> a sequence of raises, lowers, deliveries, waits, ACKs,
 * NAKs, kicks, attaches, detaches and timer ticks on four pins at once (an
 * IOAPIC edge pin, an IOAPIC level pin, an MSI vector and a PLIC source),
 * with 1 to 4 sinks each. After every step: invariants I1..I10 (on demand
 * and from the checking build), and agreement with the model's own
 * independent reference model (tests/fuzz/ref_<model>.c, ref.h): every
 * return value and the observable state. At the end: L1..L7 on the log.
 *
 * Input format:
 *   byte 0  flags: bit 0 NAK-on-timeout policy; bits 1-3 model (model_of:
 *           0-2 and 4 managarm, 3 fiasco, 5 seL4, 6 Linux, 7 Zircon; a
 *           target built with -DFZ_MODEL="name" runs that model only);
 *           bit 4 ONESHOT; bit 5 ACK timeout off; bit 6 the models'
 *           settings scaled down (Linux: a window of 16, threshold 12)
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
#include "ref.h"

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
	_Alignas(16) unsigned char ref[REF_STATE_BYTES]; /* the reference's state */
	struct fz_sink sinks[NSINKS];
	uint64_t deadline;
	uint64_t nobody, timeouts, disabled;
};

struct fz {
	struct uk_irq_host host;
	struct fz_pin p[NPINS];
	uint64_t now;
	const struct ref_model *ref;
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

/* Every model with a reference model. */
static const struct ref_model *const refs[] = {
	&ref_managarm,
	&ref_linux,
	&ref_fiasco,
	&ref_zircon,
	&ref_sel4,
};

static const struct ref_model *ref_named(const char *name)
{
	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		if (!strcmp(refs[i]->name, name))
			return refs[i];
	return NULL;
}

/* The model an input asks for (byte 0, bits 1-3). A model whose reference
 * is not linked in falls back to the sequence protocol. */
static const struct ref_model *model_of(uint8_t flags)
{
#ifdef FZ_MODEL
	(void)flags;
	return ref_named(FZ_MODEL);
#else
	static const char *const names[8] = {
		"managarm", "managarm", "managarm", "fiasco", "managarm", "sel4", "linux", "zircon",
	};
	const struct ref_model *r = ref_named(names[(flags >> 1) & 7]);
	return r ? r : &ref_managarm;
#endif
}

/* The built-in models' tables are filled once: they are constant after. */
static const struct uk_irq_model_ops *builtin_model(const char *name)
{
	static struct uk_irq_builtins builtins;
	static bool filled;

	if (!filled) {
		uk_irq_builtins_init(&builtins);
		filled = true;
	}
	return uk_irq_model_find(&builtins, name);
}

static void setup(struct fz *f, uint8_t flags, uint8_t attach)
{
	bool nak_to = flags & 1;

	uk_irq_host_init(&f->host, &fz_ops, f);
	f->ref = model_of(flags);
	const struct uk_irq_model_ops *model = builtin_model(f->ref->name);
	if (!model) {
		fail(f, "no built-in model '%s'", f->ref->name);
		return;
	}
	f->host.model = model;
	if (flags & 0x40) {
		f->host.model_param[0] = 16;
		f->host.model_param[1] = 12;
	}
	uk_irq_log_init(&f->log, log_buf, LOG_CAP);
	f->host.log = &f->log;
	if (flags & 0x20)
		f->host.ack_timeout_ns = 0;
	if (nak_to)
		f->host.flags |= UK_IRQ_HOST_NAK_ON_TIMEOUT;
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
		struct ref_config rc = {
			.type = (enum hw_type)i,
			.timeout_ns = f->host.ack_timeout_ns,
			.nak_on_timeout = nak_to,
			.oneshot = (flags & 0x10) != 0,
		};
		memcpy(rc.param, f->host.model_param, sizeof(rc.param));
		f->ref->init(fp->ref, &rc);
		for (unsigned k = 0; k < NSINKS; k++) {
			uk_irq_sink_init(&fp->sinks[k].s, i * 16 + k);
			if (k <= ((attach >> (2 * i)) & 3)) {
				int a = uk_irq_sink_attach(&fp->pin, &fp->sinks[k].s, 0);
				int b = f->ref->attach(fp->ref, k, 0);
				if (a != b)
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
	struct ref_obs o;

	if (uk_irq_pin_check(&fp->pin, &v))
		fail(f, "%s, pin %u (%s): %s", uk_irq_invariant_name(v.inv), i, hw_type_names[i],
		     v.what);
	memset(&o, 0, sizeof(o));
	f->ref->observe(fp->ref, &o);
	if (o.has & REF_HAS_BUSY)
		expect_eq(f, "in service", i, fp->pin.in_service, o.busy);
	if (o.has & REF_HAS_STALLED)
		expect_eq(f, "stalled", i, fp->pin.stalled, o.stalled);
	expect_eq(f, "controller mask bit", i, fp->hw.masked, o.masked);
	expect_eq(f, "EOIs", i, (long long)fp->hw.eoi_calls, (long long)o.eoi);
	expect_eq(f, "EOSs", i, (long long)fp->hw.eos_calls, (long long)o.eos);
	expect_eq(f, "nobody-cared reports", i, (long long)fp->nobody, (long long)o.nobody);
	expect_eq(f, "timeout reports", i, (long long)fp->timeouts, (long long)o.timeouts);
	expect_eq(f, "disabling reports", i, (long long)fp->disabled, (long long)o.disabled);
	for (unsigned k = 0; k < NSINKS; k++) {
		struct fz_sink *s = &fp->sinks[k];
		expect_eq(f, "attached", i, s->s.pin != NULL, o.s[k].attached);
		expect_eq(f, "sequence", i, (long long)s->s.seq, (long long)o.s[k].seq);
		expect_eq(f, "owes an answer", i, s->s.indefinite, o.s[k].owes);
		expect_eq(f, "wake-ups", i, (long long)s->notified, (long long)o.s[k].notified);
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
	f->ref->raise(fp->ref, f->now);
}

static void tick(struct fz *f, uint64_t delta)
{
	f->now += delta;
	for (unsigned i = 0; i < NPINS; i++) {
		struct fz_pin *fp = &f->p[i];
		if (fp->deadline <= f->now)
			uk_irq_pin_timer(&fp->pin, f->now);
		f->ref->timer(fp->ref, f->now);
	}
}

static const uint64_t deltas[16] = {
	1000,	  1 * MS,   10 * MS,  50 * MS,   99 * MS,   100 * MS,  200 * MS, 400 * MS,
	999 * MS, 1000 * MS, 1100 * MS, 2000 * MS, 3200 * MS, 6400 * MS, 12800 * MS, 30000 * MS,
};

static void rc(struct fz *f, const char *call, unsigned pin, long long got, long long want)
{
	if (got != want)
		fail(f, "pin %u (%s): %s returned %lld, reference %lld", pin, hw_type_names[pin],
		     call, got, want);
}

/* The driver loop of the seed discussion: wait, ask the device, ACK or NAK. */
static void driver(struct fz *f, unsigned i, unsigned k, uint8_t p)
{
	struct fz_pin *fp = &f->p[i];
	struct fz_sink *s = &fp->sinks[k];
	int64_t got = uk_irq_sink_poll(&s->s, UK_IRQ_RIGHTS_ALL, s->seen);

	rc(f, "poll", i, got, f->ref->poll(fp->ref, k, UK_IRQ_RIGHTS_ALL, s->seen));
	if (got < 0)
		return;
	s->seen = (uint64_t)got;
	if (p & 1) {
		if (p & 2)
			hw_lower(&fp->hw); /* clear the device before the ACK */
		rc(f, "ack", i, uk_irq_sink_ack(&s->s, UK_IRQ_RIGHTS_ALL, s->seen, f->now),
		   f->ref->ack(fp->ref, k, UK_IRQ_RIGHTS_ALL, s->seen, f->now));
	} else {
		rc(f, "nak", i, uk_irq_sink_nak(&s->s, UK_IRQ_RIGHTS_ALL, s->seen, f->now),
		   f->ref->nak(fp->ref, k, UK_IRQ_RIGHTS_ALL, s->seen, f->now));
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
		   f->ref->poll(fp->ref, k, UK_IRQ_RIGHT_SIGNAL, 0));
		break;
	case 1:
		rc(f, "ack", i, uk_irq_sink_ack(s, UK_IRQ_RIGHT_WAIT, seq, f->now),
		   f->ref->ack(fp->ref, k, UK_IRQ_RIGHT_WAIT, seq, f->now));
		break;
	case 2:
		rc(f, "nak", i, uk_irq_sink_nak(s, UK_IRQ_RIGHT_WAIT, seq, f->now),
		   f->ref->nak(fp->ref, k, UK_IRQ_RIGHT_WAIT, seq, f->now));
		break;
	default:
		rc(f, "kick", i, uk_irq_sink_kick(s, 0, true, f->now),
		   f->ref->kick(fp->ref, k, 0, true, f->now));
		break;
	}
}

/* What the reference says a model call returns; a model without calls
 * refuses them as the machine's common checks do. */
static long model_call_ref(struct fz *f, struct fz_pin *fp, unsigned k, uint32_t rights,
			   unsigned op, uint64_t arg)
{
	struct ref_obs o;

	if (f->ref->call)
		return f->ref->call(fp->ref, k, rights, op, arg, f->now);
	memset(&o, 0, sizeof(o));
	f->ref->observe(fp->ref, &o);
	if (!(rights & UK_IRQ_RIGHT_SIGNAL))
		return UK_EPERM;
	return o.s[k].attached ? UK_ENOSYS : UK_EINVAL;
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
		rc(f, "poll", i, r, f->ref->poll(fp->ref, k, all, seq));
		if (r >= 0)
			s->seen = (uint64_t)r;
		break;
	case 5:
		rc(f, "ack", i, uk_irq_sink_ack(&s->s, all, seq, f->now),
		   f->ref->ack(fp->ref, k, all, seq, f->now));
		break;
	case 6:
		rc(f, "nak", i, uk_irq_sink_nak(&s->s, all, seq, f->now),
		   f->ref->nak(fp->ref, k, all, seq, f->now));
		break;
	case 7:
	case 8:
		rc(f, "kick", i, uk_irq_sink_kick(&s->s, all, op == 8, f->now),
		   f->ref->kick(fp->ref, k, all, op == 8, f->now));
		break;
	case 9:
		rc(f, "attach", i, uk_irq_sink_attach(&fp->pin, &s->s, f->now),
		   f->ref->attach(fp->ref, k, f->now));
		break;
	case 10:
		rc(f, "detach", i, uk_irq_sink_detach(&s->s, f->now), f->ref->detach(fp->ref, k, f->now));
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
		if (p & 0x80)
			rc(f, "trigger", i, uk_irq_pin_trigger(&fp->pin, f->now - (p & 7), f->now),
			   f->ref->trigger ? f->ref->trigger(fp->ref, f->now - (p & 7), f->now)
					   : UK_EINVAL);
		else
			rc(f, "model call", i,
			   uk_irq_sink_model_call(&s->s, all, (p >> 4) & 7, p & 15, f->now),
			   model_call_ref(f, fp, k, all, (p >> 4) & 7, p & 15));
		break;
	}
}

static bool has_param(uint8_t b)
{
	unsigned op = b >> 4;
	return op == 4 || op == 5 || op == 6 || op == 11 || op == 13 || op == 14 || op == 15;
}

/* A pin is judged by the liveness properties its model declares. */
static uint32_t live_props(void *ctx, uint32_t pin)
{
	(void)pin;
	return ((const struct fz *)ctx)->host.model->liveness;
}

static void liveness(struct fz *f)
{
	struct uk_irq_live_violation v[4];
	struct uk_irq_live_params lp = { .ack_timeout_ns = f->host.ack_timeout_ns,
					 .end_ns = f->now,
					 .props = live_props,
					 .ctx = f };
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
	/* Missing header bytes read as zero: even the empty input sets the
	 * machine up (libFuzzer wants coverage from its first input). */
	setup(&f, size > 0 ? data[0] : 0, size > 1 ? data[1] : 0);
	for (f.op = 0; pos < size && f.op < MAX_OPS && !f.failed; f.op++) {
		uint8_t b = data[pos++], p = 0;
		if (has_param(b) && pos < size)
			p = data[pos++];
		step(&f, b, p);
		/* An operation touches the state of its own pin only, except a
		 * tick, which reaches every pin's timer. Every pin is compared
		 * again at the end, so a stray write to another pin is still
		 * caught. */
		if (b >> 4 == 11) {
			for (unsigned i = 0; i < NPINS; i++)
				compare(&f, i);
		} else {
			compare(&f, (b >> 2) & 3);
		}
	}
	for (unsigned i = 0; i < NPINS && !f.failed; i++)
		compare(&f, i);
#ifndef FZ_REF_ONLY
	/* (Planted-bug targets build with FZ_REF_ONLY: what they must show is
	 * that the reference model, not the liveness checker, finds it.) */
	if (!f.failed)
		liveness(&f);
#else
	(void)liveness;
#endif
	return f.failed;
}

#ifndef FZ_NO_LIBFUZZER_ENTRY /* `uksim bench fuzz_irq` links the harness only */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char msg[512];

	if (fuzz_irq_run(data, size, msg, sizeof(msg))) {
		fprintf(stderr, "fuzz_irq: FAILED: %s\n", msg);
		abort();
	}
	return 0;
}
#endif
