/* SPDX-License-Identifier: MIT */
/*
 * irq.h: the IRQ protocol of docs/design.md section 3 as a pure state machine.
 *
 * Pins (controller lines) and sinks (one driver's IRQ object on a pin) are
 * caller-allocated structs that the kernel embeds in its own objects. The
 * machine never blocks, never allocates and never reads a clock: time comes
 * in as `now_ns`, and every side effect goes out through two small tables:
 *
 *  - struct uk_irq_chip_ops: what the interrupt controller must do
 *    (mask/unmask a pin, end-of-interrupt, end-of-service);
 *  - struct uk_irq_host_ops: what the kernel must do (wake waiters of a
 *    sink, arm a per-pin timer, print reports, record traces and
 *    invariant violations).
 *
 * Every public call is one transition. In checking builds (UK_CHECKING)
 * invariants I1..I10 are checked after each transition and violations go to
 * host_ops->violation; nothing here ever aborts.
 *
 * Locking is the caller's: all calls on one pin (and its sinks) must be
 * serialised, e.g. by the pin's spinlock with interrupts disabled.
 * Callbacks run inside a transition and must not call back into the machine
 * for the same pin: a controller that would deliver at once on unmask (a
 * level line still asserted) queues the delivery, and the kernel feeds it to
 * uk_irq_pin_raise() after the transition returns.
 */
#ifndef UKERN_IRQ_H
#define UKERN_IRQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ukern/arch.h>
#include <ukern/err.h>
#include <ukern/irq_log.h>

/* Rights a caller's handle holds on a sink (the kernel maps its handle
 * rights onto these). Waiting needs WAIT; ACK, NAK and kick need SIGNAL. */
#define UK_IRQ_RIGHT_WAIT (1u << 0)
#define UK_IRQ_RIGHT_SIGNAL (1u << 1)
#define UK_IRQ_RIGHTS_ALL (UK_IRQ_RIGHT_WAIT | UK_IRQ_RIGHT_SIGNAL)

/* A deadline that never comes: arm_timer(..., UK_IRQ_NEVER) disarms. */
#define UK_IRQ_NEVER UINT64_MAX

/* NAK stall: first retry after 100 ms, doubling up to 100 ms << 7 = 12.8 s. */
#define UK_IRQ_STALL_BASE_NS 100000000ull
#define UK_IRQ_STALL_MAX_STEP 7u
/* Default ACK timeout (host->ack_timeout_ns). */
#define UK_IRQ_ACK_TIMEOUT_NS 1000000000ull
/* Which rules a pin follows is an IRQ model, and how its controller line
 * behaves a controller behaviour: both are tables (ukern/irq_model.h). */
struct uk_irq_model_ops;
struct uk_irq_behaviour;

/* What a report is about (host_ops->report). */
enum uk_irq_report {
	UK_IRQ_REPORT_NOBODY_CARED = 1, /* an episode ended with no ACK (sink NULL) */
	UK_IRQ_REPORT_ACK_TIMEOUT = 2,  /* `sink` owed an answer longer than the timeout */
	UK_IRQ_REPORT_DISABLED = 3,     /* Linux model: unhandled statistic tripped */
};

/* Mask reasons, kept separately so each can be undone alone (pin->mask). */
#define UK_IRQ_MASK_SERVICE (1u << 0)  /* level (mask-in-service) pin during an episode */
#define UK_IRQ_MASK_STALL (1u << 1)    /* NAK stall */
#define UK_IRQ_MASK_DISABLED (1u << 2) /* disabled by the model (Linux: the statistic) */
#define UK_IRQ_MASK_MODEL (1u << 3)    /* the model's own reason (seL4: unbound or
					* inactive; Linux: disable_irq; Fiasco: queue
					* full; ...), see each model's file */
#define UK_IRQ_MASK_SUSPEND (1u << 4)  /* the machine is suspended and the line cannot
					* wake it */

/* Pin configuration flags. */
#define UK_IRQ_PIN_ONESHOT (1u << 0)   /* Linux model: keep masked until the thread ACKs */
#define UK_IRQ_PIN_NAK_ON_TIMEOUT (1u << 1) /* NAK on behalf of sinks that time out */
#define UK_IRQ_PIN_WAKE (1u << 2)    /* the line may wake a suspended machine (a wake
				      * vector); uk_irq_pin_set_wake */

/* Host flags. */
#define UK_IRQ_HOST_NAK_ON_TIMEOUT (1u << 0) /* the policy, for every pin */

struct uk_irq_pin;
struct uk_irq_sink;

/* An intrusive doubly linked list node / head. */
struct uk_irq_link {
	struct uk_irq_link *next, *prev;
};

/* ------------------------------------------------------------------------ */
/* The controller below the machine                                         */
/* ------------------------------------------------------------------------ */

struct uk_irq_chip_ops {
	/* Set the pin's mask bit. Called only on maskable controllers and only
	 * when the pin's effective mask changes. */
	void (*mask)(void *ctx, const struct uk_irq_pin *pin, bool masked);
	/* End of interrupt for one delivery (UK_INTC_EOI controllers). */
	void (*eoi)(void *ctx, const struct uk_irq_pin *pin);
	/* End of service when an episode is over (UK_INTC_EOS; PLIC complete). */
	void (*eos)(void *ctx, const struct uk_irq_pin *pin);
	/* Optional: the controller's real mask bit (1/0), or -1 if unknown.
	 * Used by invariant I8 only. */
	int (*hw_masked)(void *ctx, const struct uk_irq_pin *pin);
};

struct uk_irq_chip {
	const struct uk_irq_chip_ops *ops;
	void *ctx;
	enum uk_intc_kind kind;
	uint32_t strategy; /* UK_INTC_* bits from arch.h */
	uint32_t id;
};

/* The strategy bits ukern uses for each controller kind. */
uint32_t uk_irq_default_strategy(enum uk_intc_kind kind);

/* Fill in a chip. `strategy` 0 means uk_irq_default_strategy(kind). */
void uk_irq_chip_init(struct uk_irq_chip *chip, enum uk_intc_kind kind, uint32_t strategy,
		      const struct uk_irq_chip_ops *ops, void *ctx, uint32_t id);

/* ------------------------------------------------------------------------ */
/* The kernel above the machine                                             */
/* ------------------------------------------------------------------------ */

/* One broken invariant, found after a transition. */
struct uk_irq_violation {
	unsigned inv;           /* 1..10 for I1..I10 */
	uint32_t pin;           /* pin->id */
	uint32_t sink;          /* sink->id when one sink is at fault, else UINT32_MAX */
	const char *transition; /* "raise", "ack", ... */
	const char *what;       /* a short static explanation */
};

struct uk_irq_host_ops {
	/* A sink's sequence advanced: wake its waiters (they will poll again). */
	void (*notify)(void *ctx, struct uk_irq_sink *sink);
	/* Call uk_irq_pin_timer(pin, t) at the first t >= deadline_ns. One timer
	 * per pin; a new call replaces the old deadline; UK_IRQ_NEVER disarms. */
	void (*arm_timer)(void *ctx, struct uk_irq_pin *pin, uint64_t deadline_ns);
	/* A diagnostic for the console ("nobody cared", "ACK timeout"). */
	void (*report)(void *ctx, enum uk_irq_report kind, const struct uk_irq_pin *pin,
		       const struct uk_irq_sink *sink);
	/* A broken invariant (checking builds). */
	void (*violation)(void *ctx, const struct uk_irq_violation *v);
	/* A trace record (kind is UK_TRACE_IRQ_*; plain numbers only). */
	void (*trace)(void *ctx, uint16_t kind, uint64_t a0, uint64_t a1, uint64_t a2);
};

/* One per kernel. All callbacks are optional. */
struct uk_irq_host {
	const struct uk_irq_host_ops *ops;
	void *ctx;
	struct uk_irq_log *log;  /* optional event log for the liveness checker */
	uint64_t ack_timeout_ns; /* 0 disables the ACK timeout */
	uint32_t flags;          /* UK_IRQ_HOST_* */
	const struct uk_irq_model_ops *model; /* for pins configured with none; NULL after
					       * init: the owner sets it (the kernel: its
					       * instance's "managarm", uk_irq_builtins) */
	/* Settings of the models, their meaning each model's (ukern/irq_model.h;
	 * Linux: [0] its window, [1] its threshold); 0 takes the default. */
	uint64_t model_param[4];
	uint64_t step;           /* transitions so far (stamps log events) */
	uint64_t violations;     /* invariant violations reported so far */
};

void uk_irq_host_init(struct uk_irq_host *host, const struct uk_irq_host_ops *ops, void *ctx);

/* ------------------------------------------------------------------------ */
/* Pins                                                                     */
/* ------------------------------------------------------------------------ */

struct uk_irq_pin_config {
	uint32_t id;     /* unique among pins: names the pin in reports and traces */
	uint32_t hwpin;  /* line number on the chip (IOAPIC pin, MSI vector, PLIC source) */
	enum uk_trigger trigger;
	enum uk_polarity polarity;
	const struct uk_irq_model_ops *model;  /* NULL: the host's */
	const struct uk_irq_behaviour *behaviour; /* NULL: the controller's defaults */
	uint32_t flags;  /* UK_IRQ_PIN_* */
};

struct uk_irq_pin {
	struct uk_irq_host *host;
	const struct uk_irq_chip *chip; /* NULL: a virtual pin (software triggers only) */
	uint32_t id, hwpin;
	enum uk_trigger trigger;
	enum uk_polarity polarity;
	const struct uk_irq_model_ops *model; /* resolved, never NULL */
	const struct uk_irq_behaviour *behaviour; /* NULL: the controller's defaults */
	uint32_t strategy; /* UK_INTC_* bits of this line: the chip's, as the behaviour changes them */
	uint32_t bflags;   /* UK_IRQ_BHV_* of the behaviour */
	uint32_t flags;

	struct uk_irq_link sinks; /* attached sinks, in attach order */
	uint32_t nsinks;

	/* The protocol state. */
	bool in_service;  /* an episode runs (including its NAK stall) */
	bool handled;     /* the current episode got an ACK or a kick */
	bool buffered;    /* one raise arrived during the episode */
	bool stalled;     /* all-NAK: waiting for the retry timer */
	bool timeout_reported; /* the ACK timeout of this episode was reported */
	bool hw_masked;   /* the mask bit last written to the chip */
	uint32_t owed;    /* sinks that owe an answer */
	uint32_t mask;    /* UK_IRQ_MASK_* reasons */
	uint32_t backoff; /* stall step, 0..UK_IRQ_STALL_MAX_STEP */
	uint64_t episode; /* episodes started so far */
	uint64_t episode_ns;   /* when the current episode started */
	uint64_t episode_ts;   /* its timestamp (Zircon: the trigger's) */
	uint64_t buffered_ts;  /* timestamp of the buffered raise */
	uint64_t retry_ns;     /* stall retry deadline, or UK_IRQ_NEVER */
	uint64_t model_ns;     /* the model's own timer deadline, or UK_IRQ_NEVER */
	uint64_t timer_ns;     /* deadline last given to arm_timer */
	bool resend;      /* the stalled raise is to be re-delivered at retry */

	/* The model's own state (the Linux statistic, ...): zero at init. */
	uint64_t model_data[4];

	/* Counters (I10 and statistics). */
	uint64_t deliveries, eois;   /* raises taken / EOIs issued */
	uint64_t ends, eoss;         /* episodes that re-enabled the pin / EOSs issued */
	uint64_t nobody_reports, timeout_reports, stalls;
};

/* Initialise a pin (not in service, unmasked). UK_EINVAL for an invalid
 * model or behaviour table, or a level MSI. The pin's mask bit is written once (unmasked) if maskable. */
int uk_irq_pin_init(struct uk_irq_pin *pin, struct uk_irq_host *host,
		    const struct uk_irq_chip *chip, const struct uk_irq_pin_config *cfg);

/* Change trigger mode and polarity. UK_EBUSY while in service, UK_EINVAL
 * for level on MSI or a virtual pin. */
int uk_irq_pin_configure(struct uk_irq_pin *pin, enum uk_trigger trig, enum uk_polarity pol);

/* What a raise did (also the `arg` of UK_IRQ_EV_RAISE). */
enum uk_irq_raise {
	UK_IRQ_RAISE_STARTED = 0,   /* began a service episode */
	UK_IRQ_RAISE_BUFFERED = 1,  /* kept for re-delivery when the episode ends */
	UK_IRQ_RAISE_COALESCED = 2, /* merged into the one already buffered */
	UK_IRQ_RAISE_DROPPED = 3,   /* lost: the line's behaviour keeps no raise in service */
};

/* The controller delivered the pin (the kernel's interrupt entry calls this
 * once per delivery, after claiming it on a PLIC). Issues the EOI. */
enum uk_irq_raise uk_irq_pin_raise(struct uk_irq_pin *pin, uint64_t now_ns);

/* A software trigger with a timestamp (Zircon's zx_interrupt_trigger).
 * UK_EINVAL on pins whose model does not accept UK_IRQ_ANSWER_TRIGGER.
 * Otherwise behaves as a raise without EOI. */
int uk_irq_pin_trigger(struct uk_irq_pin *pin, uint64_t timestamp_ns, uint64_t now_ns);

/* The pin's timer fired (stall retry, ACK timeout, the model's timer). Early or
 * repeated calls do nothing harmful. */
void uk_irq_pin_timer(struct uk_irq_pin *pin, uint64_t now_ns);

/* The machine suspends (on) or resumes: a line that may not wake it
 * (UK_IRQ_PIN_WAKE clear) is masked with UK_IRQ_MASK_SUSPEND, and unmasked
 * again at resume; its other mask reasons stay. Non-maskable pins are left
 * alone (I7): the kernel keeps their interrupts until the resume. */
void uk_irq_pin_suspend(struct uk_irq_pin *pin, bool on, uint64_t now_ns);

/* The effective mask the chip should have. */
static inline bool uk_irq_pin_masked(const struct uk_irq_pin *pin)
{
	return pin->mask != 0;
}

/* ------------------------------------------------------------------------ */
/* Sinks                                                                    */
/* ------------------------------------------------------------------------ */

struct uk_irq_sink {
	struct uk_irq_link node;  /* in pin->sinks */
	struct uk_irq_pin *pin;   /* NULL while detached */
	uint32_t id;              /* unique: names the sink in reports and traces */
	uint64_t seq;             /* episodes this sink took part in (monotonic) */
	bool indefinite;          /* owes an answer for `seq` */
	bool answered;            /* answered (ACK, NAK, kick|clear) for `seq` */
	bool timed_out;           /* reported for the ACK timeout in this episode */
	uint64_t join_episode;    /* pin->episode when attached */
	uint64_t join_seq;        /* seq when attached */
	uint64_t timestamp;       /* timestamp of the episode `seq` refers to */
	uint64_t acks, naks;      /* statistics */
	/* The model's own per-sink state (seL4: the bound notification's
	 * badge; Zircon: the port binding; ...): zero at init and at attach. */
	uint64_t model_data[4];
	/* During a model call (uk_irq_sink_model_call): the caller's rights
	 * (UK_IRQ_RIGHT_*), for an op that needs more than SIGNAL (Zircon's
	 * wait needs WAIT, blocking or not). */
	uint32_t call_rights;
};

/* Initialise a detached sink with sequence 0. */
void uk_irq_sink_init(struct uk_irq_sink *sink, uint32_t id);

/* Attach to a pin. During an episode the sink stands by until the next one.
 * UK_EBUSY if already attached, or past the model's max_sinks (seL4 and
 * Zircon take one handler); the model's attach hook may refuse too. A raise that found no sink is not lost: it stalls the pin
 * and the retry re-delivers it to the sinks attached meanwhile. */
int uk_irq_sink_attach(struct uk_irq_pin *pin, struct uk_irq_sink *sink, uint64_t now_ns);

/* Detach (the sink's object is being destroyed). Owing an answer counts as a
 * NAK. UK_EINVAL if not attached. The sink keeps its sequence number. */
int uk_irq_sink_detach(struct uk_irq_sink *sink, uint64_t now_ns);

/* Non-blocking wait: the current sequence (>= 0) if it is newer than `seq`,
 * UK_EAGAIN if equal (block and poll again on notify), UK_EFUTURE if `seq`
 * is newer than any issued, UK_EPERM without UK_IRQ_RIGHT_WAIT. */
int64_t uk_irq_sink_poll(const struct uk_irq_sink *sink, uint32_t rights, uint64_t seq);

/* Answer the episode `seq` refers to. Errors change nothing:
 * UK_EPERM without UK_IRQ_RIGHT_SIGNAL, UK_EINVAL detached, UK_EFUTURE seq
 * newer than the sink's, UK_ESTALE older or the episode is already over,
 * UK_EALREADY answered already, UK_ENOSYS an answer the model does not
 * accept (NAK on seL4). */
int uk_irq_sink_ack(struct uk_irq_sink *sink, uint32_t rights, uint64_t seq, uint64_t now_ns);
int uk_irq_sink_nak(struct uk_irq_sink *sink, uint32_t rights, uint64_t seq, uint64_t now_ns);

/* End the current episode as handled (and any stall); with `clear` also the
 * caller's own ACK if it owes one. Outside an episode: nothing, UK_OK. */
int uk_irq_sink_kick(struct uk_irq_sink *sink, uint32_t rights, bool clear, uint64_t now_ns);

/* A model-specific call (struct uk_irq_model_ops.call). UK_EPERM without
 * UK_IRQ_RIGHT_SIGNAL, UK_EINVAL detached, UK_ENOSYS if the model has none. */
long uk_irq_sink_model_call(struct uk_irq_sink *sink, uint32_t rights, unsigned op, uint64_t arg,
			    uint64_t now_ns);

/* Zircon-style timestamp of the episode the sink's sequence refers to. */
static inline uint64_t uk_irq_sink_timestamp(const struct uk_irq_sink *sink)
{
	return sink->timestamp;
}

/* ------------------------------------------------------------------------ */
/* Checking                                                                 */
/* ------------------------------------------------------------------------ */

/* Check I1..I10 on one pin now. Returns the first broken invariant's number
 * (filling *v if not NULL, transition "check"), or 0 if all hold. */
unsigned uk_irq_pin_check(const struct uk_irq_pin *pin, struct uk_irq_violation *v);

/* A one-line description of invariant `inv` (1..10). */
const char *uk_irq_invariant_name(unsigned inv);

#endif /* UKERN_IRQ_H */
