/* SPDX-License-Identifier: MIT */
/*
 * irq_model.h: IRQ models and controller behaviours as plug-in tables.
 *
 * The protocol machine of irq.h is the common machinery: pins, sinks,
 * sequences, masks, EOI/EOS, the stall with backoff, the ACK timeout. An
 * IRQ model (struct uk_irq_model_ops) says what the kernel does at each
 * decision of that machinery: on a raise, on an answer, when everybody
 * NAKed, on a timeout, at the stall's retry, on attach and detach, and on
 * its own timer. A hook left NULL takes the default, which is the ukern
 * sequence protocol (docs/design.md section 3, managarm's 2021 design). A model
 * is one file: libukern/irq/models/ has the built-in ones.
 *
 * A controller behaviour (struct uk_irq_behaviour) is per interrupt line:
 * which strategy bits of the controller apply (maskable, mask-in-service,
 * EOI, EOS ...) and in which order the kernel issues its writes. It is
 * data, not code. libukern/irq/behaviours/ has the built-in ones.
 *
 * What a model sees (the "view"): struct uk_irq_pin and struct uk_irq_sink
 * of irq.h. A hook reads any field; it writes only pin->model_data and
 * changes everything else through the uk_irq_* toolkit below, so that the
 * invariants' bookkeeping (owed counts, mask reasons, I10 counters, the
 * event log) cannot drift. Hooks run inside a transition, with the pin's
 * lock held; they must not block or allocate.
 *
 * Which invariants (I1..I10) and liveness properties (L1..L7) a model
 * keeps is declared in the table; the checking build and the liveness
 * checker judge a pin only by what its model declares.
 */
#ifndef UKERN_IRQ_MODEL_H
#define UKERN_IRQ_MODEL_H

#include <ukern/irq.h>

/* The version of this interface (and of the programs' interface): a
 * plug-in built against another version is refused when loaded. 5: device
 * registers are device memory (struct sim_dev_info has no physical address,
 * uk_dev_read32/write32 are gone, ukern/devmem.h). */
#define UK_ABI_VERSION 5u

/* Answers a model accepts (ops->answers). An answer outside the set is
 * rejected with UK_ENOSYS and changes nothing. */
#define UK_IRQ_ANSWER_ACK (1u << 0)
#define UK_IRQ_ANSWER_NAK (1u << 1)
#define UK_IRQ_ANSWER_KICK (1u << 2)    /* kick and kick|clear */
#define UK_IRQ_ANSWER_TRIGGER (1u << 3) /* software triggers (uk_irq_pin_trigger) */
/* Not an answer but how answers end an episode: with this bit an ACK does
 * not end the episode at once; it ends when no sink owes an answer any
 * more, handled if any sink ACKed (Linux calls every action of a shared
 * line in one pass and its IRQF_ONESHOT threads hold the line together). */
#define UK_IRQ_ANSWER_ALL (1u << 4)

/* Invariant and liveness bits (ops->invariants, ops->liveness). */
#define UK_IRQ_INV(n) (1u << (n))  /* n = 1..10 */
#define UK_IRQ_LIVE(n) (1u << (n)) /* n = 1..7 */
#define UK_IRQ_INV_ALL 0x7feu      /* I1..I10 */
#define UK_IRQ_LIVE_ALL 0xfeu      /* L1..L7 */

/* The kinds of answer a model's answer hook is asked about. */
enum uk_irq_answer {
	UK_IRQ_ANS_ACK = 1,
	UK_IRQ_ANS_NAK = 2,
	UK_IRQ_ANS_KICK = 3,
	UK_IRQ_ANS_KICK_CLEAR = 4,
};

struct uk_irq_model_ops {
	unsigned abi;        /* UK_ABI_VERSION */
	const char *name;    /* the scenario's `irq-model NAME` */
	const char *doc;     /* one line: what it is */
	const char *source;  /* where its rules come from (kernel, files, commits) */
	/* The program name of the model's native driver: a driver written the
	 * way that kernel's drivers are (the simulator's `native-driver`
	 * resolves to it for the line's model). NULL: none. */
	const char *driver;
	uint32_t answers;    /* UK_IRQ_ANSWER_* accepted */
	uint32_t max_sinks;  /* 0: any number; 1: one handler per line (attach: UK_EBUSY) */
	uint32_t invariants; /* UK_IRQ_INV bits that hold under this model */
	uint32_t liveness;   /* UK_IRQ_LIVE bits that hold under this model */

	/* Whether a pin stays masked for the whole of an episode (I4). NULL:
	 * the line's behaviour decides (mask-in-service, and edge pins stay
	 * open with suppress-mask-in-service). Only asked for maskable pins. */
	bool (*masks_in_service)(const struct uk_irq_pin *pin);
	/* A raise was delivered (or triggered, `flags` UK_IRQ_EVF_TRIGGER).
	 * NULL: uk_irq_take (start an episode, or buffer, or coalesce). */
	enum uk_irq_raise (*raise)(struct uk_irq_pin *pin, uint64_t ts, uint16_t flags,
				   uint64_t now);
	/* An answer arrived. `verdict` is the common checks' result (UK_OK,
	 * or UK_ESTALE, UK_EALREADY, UK_EFUTURE ...; rights and attachment
	 * are checked before and never reach the hook); `seq` the sequence the
	 * caller named. Return the final result: UK_OK applies the answer to
	 * the current episode, anything else rejects it and changes nothing.
	 * An ACK or NAK is applied only for a sink that owes one: UK_OK for a
	 * sink that does not is turned back into the verdict. A kick (verdict
	 * always UK_OK) ends the episode whoever sends it, unless the hook
	 * refuses it. NULL: the verdict. */
	int (*answer)(struct uk_irq_pin *pin, struct uk_irq_sink *sink, enum uk_irq_answer a,
		      uint64_t seq, int verdict, uint64_t now);
	/* Nobody owes an answer and nobody ACKed (or no sink at all). NULL:
	 * uk_irq_stall (report "nobody cared", mask, retry with backoff). */
	void (*all_nak)(struct uk_irq_pin *pin, uint64_t now);
	/* An episode ended (after its unmask and end-of-service). NULL: none. */
	void (*episode_end)(struct uk_irq_pin *pin, enum uk_irq_end how, uint64_t now);
	/* The stall's retry is due. NULL: uk_irq_episode_end(RETRIED). */
	void (*retry)(struct uk_irq_pin *pin, uint64_t now);
	/* The ACK timeout of the episode fired. NULL: uk_irq_ack_timeout
	 * (report each owing sink once; NAK on their behalf if the policy
	 * says so). */
	void (*timeout)(struct uk_irq_pin *pin, uint64_t now);
	/* A sink asks to attach (max_sinks already checked). Return UK_OK or
	 * an error that refuses it. NULL: accept. */
	int (*attach)(struct uk_irq_pin *pin, struct uk_irq_sink *sink, uint64_t now);
	/* A sink was detached; `owed` when it owed an answer (counted as a
	 * NAK already). NULL: none. */
	void (*detach)(struct uk_irq_pin *pin, struct uk_irq_sink *sink, bool owed, uint64_t now);
	/* The model's own timer (uk_irq_model_arm) is due. NULL: none. */
	void (*timer)(struct uk_irq_pin *pin, uint64_t now);
	/* A model-specific call on a sink (a separate bind step, a port, ...),
	 * reached by the syscall UK_SYS_IRQ_MODEL_CALL. Returns >= 0 or an
	 * error. NULL: every call is UK_ENOSYS. */
	long (*call)(struct uk_irq_pin *pin, struct uk_irq_sink *sink, unsigned op, uint64_t arg,
		     uint64_t now);
};

/* ---- controller behaviour of one line ---- */

/* Orders and quirks a behaviour may ask for (struct uk_irq_behaviour.flags). */
#define UK_IRQ_BHV_EOI_BEFORE_MASK (1u << 0)  /* EOI a delivery before the service mask */
#define UK_IRQ_BHV_EOS_BEFORE_UNMASK (1u << 1) /* end of service before the unmask */
#define UK_IRQ_BHV_NO_BUFFER (1u << 2)        /* a raise in service is dropped, not kept */
#define UK_IRQ_BHV_LATCH_MASKED (1u << 3)     /* hardware: an edge on a masked pin is kept
					       * and delivered at unmask (a pending bit) */

struct uk_irq_behaviour {
	unsigned abi;       /* UK_ABI_VERSION */
	const char *name;   /* `line ... { behaviour NAME }` */
	const char *doc;
	const char *source;
	uint32_t set;       /* UK_INTC_* strategy bits added to the controller's */
	uint32_t clear;     /* UK_INTC_* strategy bits removed from them */
	uint32_t flags;     /* UK_IRQ_BHV_* */
};

/* The strategy bits a line gets: the controller's, changed by `b` (NULL:
 * unchanged). */
uint32_t uk_irq_behaviour_strategy(const struct uk_irq_behaviour *b, uint32_t chip_strategy);

/* ---- the built-in tables ---- */

#define UK_IRQ_BUILTIN_MODELS 7
#define UK_IRQ_BUILTIN_BEHAVIOURS 9

/* The built-in models and behaviours. libukern keeps no writable or
 * relocated data (all state hangs off an instance; a table of pointers
 * would need a loader's relocation, which bare metal has not), so the
 * built-in tables are filled by code into storage the caller owns, for as
 * long as pins use them: the kernel keeps one set per instance, the
 * simulator's registry one of its own. model[0] is the sequence protocol
 * ("managarm"), the default; the order is the one `uksim` lists. */
struct uk_irq_builtins {
	struct uk_irq_model_ops model[UK_IRQ_BUILTIN_MODELS];
	struct uk_irq_behaviour behaviour[UK_IRQ_BUILTIN_BEHAVIOURS];
};
void uk_irq_builtins_init(struct uk_irq_builtins *b);
/* A built-in by name ("managarm", "sel4", "linux", "zircon", the
 * known-bad designs; "controller", "mask-in-service" ...), or NULL. */
const struct uk_irq_model_ops *uk_irq_model_find(const struct uk_irq_builtins *b,
						 const char *name);
const struct uk_irq_behaviour *uk_irq_behaviour_find(const struct uk_irq_builtins *b,
						     const char *name);

/* Whether a table can be used: right ABI, a name, sane fields. */
bool uk_irq_model_valid(const struct uk_irq_model_ops *m);
bool uk_irq_behaviour_valid(const struct uk_irq_behaviour *b);

/* ---- the toolkit hooks may call (all inside a transition) ---- */

/* Start an episode, or buffer/coalesce a raise during one (the default
 * raise). */
enum uk_irq_raise uk_irq_take(struct uk_irq_pin *pin, uint64_t ts, uint16_t flags, uint64_t now);
/* Begin an episode now: every sink takes part (`flags`: UK_IRQ_EVF_*). */
void uk_irq_episode_begin(struct uk_irq_pin *pin, uint64_t now, uint64_t ts, uint16_t flags);
/* End the episode: release owing sinks, unmask, end of service,
 * re-deliver a buffered raise. */
void uk_irq_episode_end(struct uk_irq_pin *pin, enum uk_irq_end how, uint64_t now);
/* The default all-NAK: report "nobody cared", stall, mask, retry later. */
void uk_irq_stall(struct uk_irq_pin *pin, uint64_t now);
/* The same with a delay of the model's choosing; the backoff does not
 * advance (a model using it does not keep L4, the backoff's steps). */
void uk_irq_stall_for(struct uk_irq_pin *pin, uint64_t delay_ns, uint64_t now);
/* The default ACK timeout. */
void uk_irq_ack_timeout(struct uk_irq_pin *pin, uint64_t now);
/* Set or clear one mask reason (UK_IRQ_MASK_*); the chip sees the union. */
void uk_irq_mask(struct uk_irq_pin *pin, uint32_t reason, bool on, uint64_t now);
/* Log and trace an event (UK_IRQ_EV_*); `sink` UINT32_MAX for none. */
void uk_irq_emit(struct uk_irq_pin *pin, uint16_t kind, uint32_t sink, uint64_t arg,
		 uint16_t flags, uint64_t now);
/* A diagnostic to the console through the host. */
void uk_irq_report_to_host(struct uk_irq_pin *pin, enum uk_irq_report kind,
			   const struct uk_irq_sink *sink);
/* Arm (or with UK_IRQ_NEVER disarm) the model's own timer. */
void uk_irq_model_arm(struct uk_irq_pin *pin, uint64_t deadline_ns);
/* Mark the line as one that may (or may not) wake a suspended machine. */
void uk_irq_pin_set_wake(struct uk_irq_pin *pin, bool on);
/* Whether the pin's controller can mask it, or wants `bit` (UK_INTC_*). */
bool uk_irq_pin_maskable(const struct uk_irq_pin *pin);
bool uk_irq_pin_wants(const struct uk_irq_pin *pin, uint32_t strategy_bit);
/* Apply an ACK (`handled`) or a NAK for `sink`'s current episode from
 * inside a hook (a model call that is an answer in that kernel, such as
 * Linux's IRQ_WAKE_THREAD), exactly as if the sink had sent it. UK_ESTALE
 * if the sink owes nothing. */
int uk_irq_sink_answer(struct uk_irq_sink *sink, bool handled, uint64_t now);

/* A model call and the kernel's notifications (the objects a driver waits
 * on; seL4's IRQHandler_SetNotification). A call made with a 4th syscall
 * argument is about the sink's notification (ukern/irq_sys.h): its `arg`
 * has UK_IRQ_CALL_ABOUT_NTFN set, and when that argument names one, the
 * kernel checks it (a notification, with the SIGNAL right) and sets
 * UK_IRQ_CALL_NTFN too (a user can set neither bit). Such a call's result
 * UK_IRQ_CALL_BIND | bits (bits in
 * 1..UK_IRQ_CALL_BITS) has the kernel bind the sink to that notification,
 * which it then signals with `bits` whenever the sink's sequence advances;
 * UK_IRQ_CALL_UNBIND drops the sink's binding; the caller sees 0. A model
 * refuses (UK_EINVAL) every call with UK_IRQ_CALL_ABOUT_NTFN that is not
 * about the notification: its result would be taken for a binding. Results
 * of other calls, and every result without a kernel (unit tests, the
 * fuzzer), come back as they are. */
#define UK_IRQ_CALL_NTFN (1ull << 63)
#define UK_IRQ_CALL_ABOUT_NTFN (1ull << 62)
#define UK_IRQ_CALL_BITS 0x0fffffffL
#define UK_IRQ_CALL_BIND (1L << 28)
#define UK_IRQ_CALL_UNBIND (1L << 29)


/* Linux model (genirq, docs/models/linux.md; its calls: ukern/models/linux.h):
 * "nobody cared" after 99,900 unhandled of 100,000, then a poll every
 * 100 ms (kernel/irq/spurious.c). Its pin model_data: [0] count, [1]
 * unhandled, [2] state bits and the disable depth, [3] the time of the last
 * unhandled interrupt (models/linux.c). The host's model_param[0] and [1],
 * when not 0, scale the window and the threshold (a scenario's linux-window
 * and linux-threshold), so that a test need not run 100,000 episodes. */
#define UK_IRQ_LINUX_WINDOW 100000u
#define UK_IRQ_LINUX_THRESHOLD 99900u
#define UK_IRQ_LINUX_POLL_NS 100000000ull

#endif /* UKERN_IRQ_MODEL_H */
