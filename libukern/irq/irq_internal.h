/* SPDX-License-Identifier: MIT */
/*
 * Private helpers shared by the files of libukern/irq/.
 *
 * File map (one concern per file, as Linux kernel/irq):
 *   chip.c     controller strategy bits, mask/EOI/EOS plumbing, events
 *   pin.c      pin setup, raises, episode begin and end
 *   sink.c     attach/detach, poll, ACK/NAK/kick
 *   stall.c    the all-NAK stall with backoff, ACK timeout, the pin timer
 *   check.c    invariants I1..I10
 *   liveness.c liveness properties L1..L7 over an event log
 *   model.c    the registry of built-in models and behaviours, their checks
 *   models/    one file per IRQ model (what it changes of the defaults)
 *   behaviours/ one file per controller behaviour (data only)
 */
#ifndef UKERN_IRQ_INTERNAL_H
#define UKERN_IRQ_INTERNAL_H

#include <ukern/irq.h>
#include <ukern/irq_model.h>

#define IRQ_NO_SINK UINT32_MAX

#define irq_container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#define irq_for_each_sink(s, pin)                                                    \
	for (struct uk_irq_link *l_ = (pin)->sinks.next;                             \
	     l_ != &(pin)->sinks && ((s) = irq_container_of(l_, struct uk_irq_sink, node)); \
	     l_ = l_->next)

/* chip.c */
bool uk_irq_pin_maskable(const struct uk_irq_pin *pin);
bool uk_irq_pin_wants(const struct uk_irq_pin *pin, uint32_t strategy_bit);
void uk_irq_mask(struct uk_irq_pin *pin, uint32_t reason, bool on, uint64_t now);
void irq_eoi(struct uk_irq_pin *pin, uint64_t now);
void irq_eos(struct uk_irq_pin *pin, uint64_t now);
void uk_irq_emit(struct uk_irq_pin *pin, uint16_t kind, uint32_t sink, uint64_t arg, uint16_t flags,
	      uint64_t now);
void uk_irq_report_to_host(struct uk_irq_pin *pin, enum uk_irq_report kind, const struct uk_irq_sink *sink);
void irq_notify(struct uk_irq_pin *pin, struct uk_irq_sink *sink);

/* pin.c */
void irq_step(struct uk_irq_pin *pin);
/* Report the ACK timeout now if its deadline has come (stall.c). */
void irq_timeout_due(struct uk_irq_pin *pin, uint64_t now_ns);
void irq_transition_done(struct uk_irq_pin *pin, const char *transition);
void uk_irq_episode_begin(struct uk_irq_pin *pin, uint64_t now, uint64_t ts, uint16_t flags);
void irq_episode_end(struct uk_irq_pin *pin, enum uk_irq_end how, bool by_ack, uint64_t now);
void irq_answered(struct uk_irq_pin *pin, uint64_t now);
enum uk_irq_raise irq_raise(struct uk_irq_pin *pin, uint64_t ts, uint16_t flags, uint64_t now);
enum uk_irq_raise uk_irq_take(struct uk_irq_pin *pin, uint64_t ts, uint16_t flags, uint64_t now);
bool irq_masks_in_service(const struct uk_irq_pin *pin);

/* stall.c */
void irq_all_nak(struct uk_irq_pin *pin, uint64_t now);
void irq_rearm(struct uk_irq_pin *pin);
void irq_backoff_shrink(struct uk_irq_pin *pin);
int irq_sink_nak_locked(struct uk_irq_sink *sink, uint16_t flags, uint64_t now);

/* check.c */
bool irq_check_one(const struct uk_irq_pin *pin, unsigned inv, struct uk_irq_violation *v);
uint32_t irq_check_broken(const struct uk_irq_pin *pin);

/* models/ and behaviours/: each fills its table (model.c lists them) */
void irq_model_managarm(struct uk_irq_model_ops *o);
void irq_model_sel4(struct uk_irq_model_ops *o);
void irq_model_linux(struct uk_irq_model_ops *o);
void irq_model_zircon(struct uk_irq_model_ops *o);
void irq_model_managarm_2020(struct uk_irq_model_ops *o);
void irq_model_msi_no_retry(struct uk_irq_model_ops *o);
void irq_model_fiasco(struct uk_irq_model_ops *o);
void irq_behaviour_controller(struct uk_irq_behaviour *o);
void irq_behaviour_mask_in_service(struct uk_irq_behaviour *o);
void irq_behaviour_no_mask_in_service(struct uk_irq_behaviour *o);
void irq_behaviour_eoi_before_mask(struct uk_irq_behaviour *o);
void irq_behaviour_eos_before_unmask(struct uk_irq_behaviour *o);
void irq_behaviour_no_buffer(struct uk_irq_behaviour *o);
void irq_behaviour_claim_masked(struct uk_irq_behaviour *o);
void irq_behaviour_latch_masked(struct uk_irq_behaviour *o);
void irq_behaviour_complete_on_claim(struct uk_irq_behaviour *o);

/* model.c */
bool irq_model_accepts(const struct uk_irq_pin *pin, uint32_t answer);
/* Hooks of the one-handler models (seL4, Zircon): when the last handler
 * goes, the line is masked and forgotten, with no report and no retry; the
 * next handler unmasks it. */
void irq_unheld_detach(struct uk_irq_pin *pin, struct uk_irq_sink *sink, bool owed, uint64_t now);
void irq_unheld_all_nak(struct uk_irq_pin *pin, uint64_t now);
int irq_unheld_attach(struct uk_irq_pin *pin, struct uk_irq_sink *sink, uint64_t now);

#endif /* UKERN_IRQ_INTERNAL_H */
