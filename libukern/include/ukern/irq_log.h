/* SPDX-License-Identifier: MIT */
/*
 * irq_log.h: the IRQ event record, the event log the state machine appends
 * to, the UK_TRACE_IRQ_* trace kinds, and the liveness checker (L1..L7)
 * that judges a finished log.
 */
#ifndef UKERN_IRQ_LOG_H
#define UKERN_IRQ_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ukern/trace.h>

/* Event kinds. The trace kind of an event is UK_TRACE_IRQ_BASE + kind, with
 * trace arguments (pin, sink, arg). Values never change once released. */
enum uk_irq_ev_kind {
	UK_IRQ_EV_RAISE = 1,   /* arg: enum uk_irq_raise; flags: EVF_TRIGGER for software */
	UK_IRQ_EV_BEGIN = 2,   /* episode starts; arg: episode number; flags: EVF_* cause */
	UK_IRQ_EV_SEQ = 3,     /* sink takes part; arg: its new sequence */
	UK_IRQ_EV_ACK = 4,     /* sink ACKed; arg: seq; flags: EVF_KICK for kick|clear */
	UK_IRQ_EV_NAK = 5,     /* sink NAKed; arg: seq; flags: EVF_BEHALF, EVF_DETACH */
	UK_IRQ_EV_KICK = 6,    /* sink kicked; arg: 1 if it ended an episode */
	UK_IRQ_EV_END = 7,     /* episode over; arg: enum uk_irq_end */
	UK_IRQ_EV_MASK = 8,    /* chip mask bit written; arg: 1 masked, 0 unmasked */
	UK_IRQ_EV_EOI = 9,
	UK_IRQ_EV_EOS = 10,
	UK_IRQ_EV_STALL = 11,  /* arg: delay ns; flags: backoff step used */
	UK_IRQ_EV_NOBODY = 12, /* "nobody cared" report; arg: episode */
	UK_IRQ_EV_TIMEOUT = 13, /* ACK timeout report naming sink; arg: episode */
	UK_IRQ_EV_ATTACH = 14, /* arg: 1 if during an episode (stands by) */
	UK_IRQ_EV_DETACH = 15, /* arg: 1 if it owed an answer */
	UK_IRQ_EV_DISABLE = 16, /* Linux model: statistic tripped */
	UK_IRQ_EV_UNDELIVERED = 17, /* seL4 model: a delivery found no notification bound
				     * ("Undelivered IRQ"); sink: the handler; arg: episode */
};

/* How an episode ended (arg of UK_IRQ_EV_END). */
enum uk_irq_end {
	UK_IRQ_END_HANDLED = 0,   /* ACK or kick: unmasked in this step */
	UK_IRQ_END_STALLED = 1,   /* all NAK: the pin stays in service, stalled */
	UK_IRQ_END_RETRIED = 2,   /* the stall's retry timer ended it */
	UK_IRQ_END_UNHANDLED = 3, /* Linux model: all NAK, counted, no stall */
};

/* Flags of UK_IRQ_EV_BEGIN / NAK / ACK / RAISE / MASK. */
#define UK_IRQ_EVF_REDELIVER (1u << 0) /* BEGIN: a buffered/stalled raise re-delivered */
#define UK_IRQ_EVF_POLL (1u << 1)      /* BEGIN: Linux model poll */
#define UK_IRQ_EVF_BEHALF (1u << 2)    /* NAK: by the timeout policy */
#define UK_IRQ_EVF_DETACH (1u << 3)    /* NAK: the sink was detached */
#define UK_IRQ_EVF_KICK (1u << 4)      /* ACK: kick|clear */
#define UK_IRQ_EVF_TRIGGER (1u << 5)   /* RAISE: software trigger */
#define UK_IRQ_EVF_SUSPEND (1u << 6)   /* MASK: the machine's suspend is among the reasons
					* (L2 does not expect an unmask then); a MASK event
					* with this flag changing comes at every suspend and
					* resume of a maskable pin */

/* One event: 40 bytes, plain numbers only. */
struct uk_irq_event {
	uint64_t t;      /* now_ns of the transition */
	uint64_t step;   /* host->step: events of one transition share it */
	uint64_t arg;
	uint32_t pin;    /* pin id */
	uint32_t sink;   /* sink id, or UINT32_MAX */
	uint16_t kind;   /* enum uk_irq_ev_kind */
	uint16_t flags;
	uint32_t pad;
};

/* A caller-provided event buffer. When full, further events are counted in
 * `lost` and the liveness checker refuses to judge (L0). */
struct uk_irq_log {
	struct uk_irq_event *ev;
	size_t cap, len;
	uint64_t lost;
};

static inline void uk_irq_log_init(struct uk_irq_log *log, struct uk_irq_event *buf, size_t cap)
{
	log->ev = buf;
	log->cap = cap;
	log->len = 0;
	log->lost = 0;
}

/* ------------------------------------------------------------------------ */
/* Records in words                                                         */
/* ------------------------------------------------------------------------ */

/* The CPU of a record when the caller does not know it (the kernel's log
 * keeps none: the simulator takes it from the trace, the metal port from
 * its uk_arch_trace). */
#define UK_IRQ_CPU_UNKNOWN UINT32_MAX

/* One record as one line of plain words, without a newline:
 *   "<t> ns cpu <cpu|-> <kind>: <sentence>"
 * e.g. "120400 ns cpu 1 ack: sink 2 ACKs sequence 7 on pin 0". <kind> is
 * uk_irq_event_kind_name's word, or "kind-<n>" for a kind this build does
 * not know (its sentence then gives every field as a number). As snprintf:
 * returns the length of the whole line, writes at most len - 1 characters
 * and a NUL when len > 0 (a longer line is cut), never more. Freestanding:
 * the simulator's `uksim run --irq-log` and the metal image use it alike. */
size_t uk_irq_event_format(const struct uk_irq_event *ev, uint32_t cpu, char *buf, size_t len);

/* "raise", "begin", "seq", "ack", "nak", "kick", "end", "mask", "eoi",
 * "eos", "stall", "nobody-cared", "ack-timeout", "attach", "detach",
 * "disable", "undelivered" (the trace's names without "irq."), or NULL. */
const char *uk_irq_event_kind_name(unsigned kind);
/* What a raise record's argument (UK_IRQ_RAISE_*) and an end record's
 * (UK_IRQ_END_*) say, in the words of the story and the log's lines. */
const char *uk_irq_raise_words(uint64_t how);
const char *uk_irq_end_words(uint64_t how);

/* Trace kinds (ukern/trace.h reserves 0x0200..0x02ff for the IRQ code). */
#define UK_TRACE_IRQ(kind) ((uint16_t)(UK_TRACE_IRQ_BASE + (kind)))

/* ------------------------------------------------------------------------ */
/* Liveness                                                                 */
/* ------------------------------------------------------------------------ */

struct uk_irq_live_params {
	uint64_t ack_timeout_ns; /* as host->ack_timeout_ns; 0: L5 not checked */
	uint64_t end_ns;         /* time the run ended (timers up to it fired) */
	/* Optional: the properties (UK_IRQ_LIVE bits of ukern/irq_model.h)
	 * the model of pin `pin` keeps; the others are not judged on it.
	 * NULL: every property, on every pin. */
	uint32_t (*props)(void *ctx, uint32_t pin);
	void *ctx;
};

struct uk_irq_live_violation {
	unsigned prop;       /* 1..7 for L1..L7; 0 the log cannot be judged */
	size_t index;        /* event index where it shows (len for "at the end") */
	uint32_t pin, sink;
	const char *msg;     /* static text */
};

/* Pins and sinks the checker can follow at once; more are reported as L0. */
#define UK_IRQ_LIVE_MAX_PINS 16u
#define UK_IRQ_LIVE_MAX_SINKS 16u

/* Check L1..L7 over a log. Writes up to `max` violations to `out` and
 * returns how many were found in total (0: all properties hold). */
size_t uk_irq_liveness_check(const struct uk_irq_log *log, const struct uk_irq_live_params *p,
			     struct uk_irq_live_violation *out, size_t max);

const char *uk_irq_liveness_name(unsigned prop);

#endif /* UKERN_IRQ_LOG_H */
