/* SPDX-License-Identifier: MIT */
/*
 * format.c: one IRQ log record (struct uk_irq_event) as one line of plain
 * words, for `uksim run --irq-log` and the metal image's serial console,
 * which print the same records the same way. The sentences are the ones the
 * simulator's story uses for the same trace kinds (sim/src/export/words.c),
 * with the ids as numbers ("pin 3", "sink 2"): the port has no names.
 *
 * Freestanding: no libc, no tables of pointers (switches return string
 * literals), and snprintf's contract: the whole line's length is returned,
 * at most len - 1 characters are written, and the buffer is always
 * NUL-terminated when len > 0.
 */
#include <ukern/irq.h>
#include <ukern/irq_log.h>

struct out {
	char *buf;
	size_t len; /* the buffer's size */
	size_t n;   /* characters of the whole line so far (may pass len) */
};

static void put_c(struct out *o, char c)
{
	if (o->len && o->n < o->len - 1)
		o->buf[o->n] = c;
	o->n++;
}

static void put_s(struct out *o, const char *s)
{
	while (*s)
		put_c(o, *s++);
}

static void put_u(struct out *o, uint64_t v)
{
	char tmp[20];
	unsigned n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		put_c(o, tmp[--n]);
}

static void put_hex(struct out *o, uint64_t v)
{
	char tmp[16];
	unsigned n = 0;
	do {
		unsigned d = (unsigned)(v & 15);
		tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v >>= 4;
	} while (v);
	put_s(o, "0x");
	while (n)
		put_c(o, tmp[--n]);
}

static void put_pin(struct out *o, const struct uk_irq_event *ev)
{
	put_s(o, "pin ");
	put_u(o, ev->pin);
}

static void put_sink(struct out *o, const struct uk_irq_event *ev)
{
	if (ev->sink == UINT32_MAX) {
		put_s(o, "no sink");
		return;
	}
	put_s(o, "sink ");
	put_u(o, ev->sink);
}

const char *uk_irq_event_kind_name(unsigned kind)
{
	switch (kind) {
	case UK_IRQ_EV_RAISE: return "raise";
	case UK_IRQ_EV_BEGIN: return "begin";
	case UK_IRQ_EV_SEQ: return "seq";
	case UK_IRQ_EV_ACK: return "ack";
	case UK_IRQ_EV_NAK: return "nak";
	case UK_IRQ_EV_KICK: return "kick";
	case UK_IRQ_EV_END: return "end";
	case UK_IRQ_EV_MASK: return "mask";
	case UK_IRQ_EV_EOI: return "eoi";
	case UK_IRQ_EV_EOS: return "eos";
	case UK_IRQ_EV_STALL: return "stall";
	case UK_IRQ_EV_NOBODY: return "nobody-cared";
	case UK_IRQ_EV_TIMEOUT: return "ack-timeout";
	case UK_IRQ_EV_ATTACH: return "attach";
	case UK_IRQ_EV_DETACH: return "detach";
	case UK_IRQ_EV_DISABLE: return "disable";
	case UK_IRQ_EV_UNDELIVERED: return "undelivered";
	default: return NULL;
	}
}

const char *uk_irq_raise_words(uint64_t how)
{
	switch (how) {
	case UK_IRQ_RAISE_STARTED: return "starts a service episode";
	case UK_IRQ_RAISE_BUFFERED: return "is kept for when the episode ends";
	case UK_IRQ_RAISE_COALESCED: return "merges into the raise already kept";
	case UK_IRQ_RAISE_DROPPED: return "is lost (the line keeps no raise in service)";
	default: return "arrives";
	}
}

const char *uk_irq_end_words(uint64_t how)
{
	switch (how) {
	case UK_IRQ_END_HANDLED: return "handled, unmasked now";
	case UK_IRQ_END_STALLED: return "every sink NAKed, the line stalls";
	case UK_IRQ_END_RETRIED: return "the stall's retry timer ended it";
	case UK_IRQ_END_UNHANDLED: return "unhandled, counted by the Linux statistic";
	default: return "ended";
	}
}

/* The flag bits each kind defines, in words; any other bit is shown as a
 * number so that nothing of the record is hidden. */
static void put_flags(struct out *o, const struct uk_irq_event *ev)
{
	unsigned f = ev->flags, known = 0;
	if (!f)
		return;
	switch (ev->kind) {
	case UK_IRQ_EV_RAISE: known = UK_IRQ_EVF_TRIGGER; break;
	case UK_IRQ_EV_BEGIN: known = UK_IRQ_EVF_REDELIVER | UK_IRQ_EVF_POLL; break;
	case UK_IRQ_EV_NAK: known = UK_IRQ_EVF_BEHALF | UK_IRQ_EVF_DETACH; break;
	case UK_IRQ_EV_ACK: known = UK_IRQ_EVF_KICK; break;
	case UK_IRQ_EV_MASK: known = UK_IRQ_EVF_SUSPEND; break;
	case UK_IRQ_EV_STALL: /* the flags are the backoff step used */
		put_s(o, " (backoff step ");
		put_u(o, f);
		put_c(o, ')');
		return;
	default: break;
	}
	if (f & known & UK_IRQ_EVF_TRIGGER)
		put_s(o, " (a software trigger)");
	if (f & known & UK_IRQ_EVF_REDELIVER)
		put_s(o, " (a kept raise, re-delivered)");
	if (f & known & UK_IRQ_EVF_POLL)
		put_s(o, " (a poll of the Linux model)");
	if (f & known & UK_IRQ_EVF_BEHALF)
		put_s(o, " (on its behalf, by the ACK timeout policy)");
	if (f & known & UK_IRQ_EVF_DETACH)
		put_s(o, " (it was detached)");
	if (f & known & UK_IRQ_EVF_KICK)
		put_s(o, " (by kick|clear)");
	if (f & known & UK_IRQ_EVF_SUSPEND)
		put_s(o, " (the machine's suspend is among the reasons)");
	if (f & ~known) {
		put_s(o, " (flags ");
		put_hex(o, f & ~known);
		put_c(o, ')');
	}
}

/* The story's sentence for the record (sim/src/export/words.c). */
static void put_words(struct out *o, const struct uk_irq_event *ev)
{
	uint64_t a = ev->arg;
	switch (ev->kind) {
	case UK_IRQ_EV_RAISE:
		put_s(o, "a raise of ");
		put_pin(o, ev);
		put_c(o, ' ');
		put_s(o, uk_irq_raise_words(a));
		break;
	case UK_IRQ_EV_BEGIN:
		put_pin(o, ev);
		put_s(o, " starts service episode ");
		put_u(o, a);
		break;
	case UK_IRQ_EV_SEQ:
		put_sink(o, ev);
		put_s(o, " takes part in the episode of ");
		put_pin(o, ev);
		put_s(o, ": sequence ");
		put_u(o, a);
		break;
	case UK_IRQ_EV_ACK:
	case UK_IRQ_EV_NAK:
		put_sink(o, ev);
		put_s(o, ev->kind == UK_IRQ_EV_ACK ? " ACKs sequence " : " NAKs sequence ");
		put_u(o, a);
		put_s(o, " on ");
		put_pin(o, ev);
		break;
	case UK_IRQ_EV_KICK:
		put_sink(o, ev);
		put_s(o, " kicks ");
		put_pin(o, ev);
		put_s(o, a ? ", which ends its episode" : " (no episode to end)");
		break;
	case UK_IRQ_EV_END:
		put_pin(o, ev);
		put_s(o, " ends its episode: ");
		put_s(o, uk_irq_end_words(a));
		break;
	case UK_IRQ_EV_MASK:
		put_s(o, a ? "the kernel masks " : "the kernel unmasks ");
		put_pin(o, ev);
		break;
	case UK_IRQ_EV_EOI:
	case UK_IRQ_EV_EOS:
		put_s(o, ev->kind == UK_IRQ_EV_EOI ? "the kernel signals end of interrupt for "
						   : "the kernel signals end of service for ");
		put_pin(o, ev);
		break;
	case UK_IRQ_EV_STALL:
		put_pin(o, ev);
		put_s(o, " stalls for ");
		put_u(o, a / 1000000);
		put_c(o, '.');
		put_c(o, (char)('0' + a / 100000 % 10));
		put_c(o, (char)('0' + a / 10000 % 10));
		put_c(o, (char)('0' + a / 1000 % 10));
		put_s(o, " ms, then retries");
		break;
	case UK_IRQ_EV_NOBODY:
		put_pin(o, ev);
		put_s(o, ": nobody cared (episode ");
		put_u(o, a);
		put_c(o, ')');
		break;
	case UK_IRQ_EV_TIMEOUT:
		put_sink(o, ev);
		put_s(o, " has not answered ");
		put_pin(o, ev);
		put_s(o, " in time (ACK timeout, episode ");
		put_u(o, a);
		put_c(o, ')');
		break;
	case UK_IRQ_EV_ATTACH:
		put_sink(o, ev);
		put_s(o, " attaches to ");
		put_pin(o, ev);
		if (a)
			put_s(o, " and stands by until the next episode");
		break;
	case UK_IRQ_EV_DETACH:
		put_sink(o, ev);
		put_s(o, " detaches from ");
		put_pin(o, ev);
		if (a)
			put_s(o, ", which counts as its NAK");
		break;
	case UK_IRQ_EV_DISABLE:
		put_pin(o, ev);
		put_s(o, " is disabled: too many unhandled interrupts (Linux model)");
		break;
	case UK_IRQ_EV_UNDELIVERED:
		put_s(o, "an interrupt of ");
		put_pin(o, ev);
		put_s(o, " finds no notification bound to ");
		put_sink(o, ev);
		put_s(o, " (seL4: undelivered, episode ");
		put_u(o, a);
		put_c(o, ')');
		break;
	default: /* a kind this build does not know: every field as a number */
		put_pin(o, ev);
		put_s(o, ", ");
		put_sink(o, ev);
		put_s(o, ", argument ");
		put_u(o, a);
		if (ev->flags) {
			put_s(o, ", flags ");
			put_hex(o, ev->flags);
		}
		return;
	}
	put_flags(o, ev);
}

size_t uk_irq_event_format(const struct uk_irq_event *ev, uint32_t cpu, char *buf, size_t len)
{
	struct out o = {.buf = buf, .len = len, .n = 0};
	const char *name = uk_irq_event_kind_name(ev->kind);

	put_u(&o, ev->t);
	put_s(&o, " ns cpu ");
	if (cpu == UK_IRQ_CPU_UNKNOWN)
		put_c(&o, '-');
	else
		put_u(&o, cpu);
	put_c(&o, ' ');
	if (name) {
		put_s(&o, name);
	} else {
		put_s(&o, "kind-");
		put_u(&o, ev->kind);
	}
	put_s(&o, ": ");
	put_words(&o, ev);
	if (len)
		buf[o.n < len ? o.n : len - 1] = 0;
	return o.n;
}
