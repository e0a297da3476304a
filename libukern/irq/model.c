/* SPDX-License-Identifier: MIT */
/*
 * The registry of built-in IRQ models and controller behaviours, and the
 * checks a table passes before a pin uses it. Nothing else in the kernel
 * knows which model or behaviour is which: a pin holds a pointer to its
 * tables and asks them (ukern/irq_model.h).
 */
#include "irq_internal.h"

#include "lib/string.h"

extern const struct uk_irq_behaviour uk_irq_behaviour_controller;
extern const struct uk_irq_behaviour uk_irq_behaviour_mask_in_service;
extern const struct uk_irq_behaviour uk_irq_behaviour_no_mask_in_service;
extern const struct uk_irq_behaviour uk_irq_behaviour_eoi_before_mask;
extern const struct uk_irq_behaviour uk_irq_behaviour_eos_before_unmask;
extern const struct uk_irq_behaviour uk_irq_behaviour_no_buffer;
extern const struct uk_irq_behaviour uk_irq_behaviour_claim_masked;
extern const struct uk_irq_behaviour uk_irq_behaviour_latch_masked;
extern const struct uk_irq_behaviour uk_irq_behaviour_complete_on_claim;

/* Built-in models and known-bad designs, in the order `uksim` lists them. */
extern const struct uk_irq_model_ops uk_irq_model_managarm_2020;
extern const struct uk_irq_model_ops uk_irq_model_msi_no_retry;

static const struct uk_irq_model_ops *const models[] = {
	&uk_irq_model_managarm,
	&uk_irq_model_sel4,
	&uk_irq_model_linux,
	&uk_irq_model_zircon,
	&uk_irq_model_managarm_2020,
	&uk_irq_model_msi_no_retry,
};

static const struct uk_irq_behaviour *const behaviours[] = {
	&uk_irq_behaviour_controller,
	&uk_irq_behaviour_mask_in_service,
	&uk_irq_behaviour_no_mask_in_service,
	&uk_irq_behaviour_eoi_before_mask,
	&uk_irq_behaviour_eos_before_unmask,
	&uk_irq_behaviour_no_buffer,
	&uk_irq_behaviour_claim_masked,
	&uk_irq_behaviour_latch_masked,
	&uk_irq_behaviour_complete_on_claim,
};

#define NMODELS (sizeof(models) / sizeof(models[0]))
#define NBEHAVIOURS (sizeof(behaviours) / sizeof(behaviours[0]))

static bool same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

const struct uk_irq_model_ops *uk_irq_model_at(unsigned i)
{
	return i < NMODELS ? models[i] : NULL;
}

const struct uk_irq_model_ops *uk_irq_model_find(const char *name)
{
	for (unsigned i = 0; name && i < NMODELS; i++)
		if (same(models[i]->name, name))
			return models[i];
	return NULL;
}

const struct uk_irq_model_ops *uk_irq_model_default(void)
{
	return &uk_irq_model_managarm;
}

const struct uk_irq_behaviour *uk_irq_behaviour_at(unsigned i)
{
	return i < NBEHAVIOURS ? behaviours[i] : NULL;
}

const struct uk_irq_behaviour *uk_irq_behaviour_find(const char *name)
{
	for (unsigned i = 0; name && i < NBEHAVIOURS; i++)
		if (same(behaviours[i]->name, name))
			return behaviours[i];
	return NULL;
}

#define STRATEGY_BITS (UK_INTC_MASKABLE | UK_INTC_MASK_IN_SERVICE | \
		       UK_INTC_SUPPRESS_MASK_IN_SERVICE | UK_INTC_EOI | UK_INTC_EOS)
#define BHV_FLAGS (UK_IRQ_BHV_EOI_BEFORE_MASK | UK_IRQ_BHV_EOS_BEFORE_UNMASK | \
		   UK_IRQ_BHV_NO_BUFFER | UK_IRQ_BHV_LATCH_MASKED)
#define ANSWERS (UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_NAK | UK_IRQ_ANSWER_KICK | \
		 UK_IRQ_ANSWER_TRIGGER)

/* A model must at least let a handler end an episode (ACK or kick). */
bool uk_irq_model_valid(const struct uk_irq_model_ops *m)
{
	return m && m->abi == UK_ABI_VERSION && m->name && m->name[0] &&
	       !(m->answers & ~ANSWERS) && (m->answers & (UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_KICK)) &&
	       !(m->invariants & ~UK_IRQ_INV_ALL) && !(m->liveness & ~UK_IRQ_LIVE_ALL);
}

bool uk_irq_behaviour_valid(const struct uk_irq_behaviour *b)
{
	/* A behaviour may drop the mask bit, not give a line one its controller
	 * lacks (an MSI vector cannot be masked whatever the kernel wants). */
	return b && b->abi == UK_ABI_VERSION && b->name && b->name[0] &&
	       !((b->set | b->clear) & ~STRATEGY_BITS) && !(b->set & b->clear) &&
	       !(b->set & UK_INTC_MASKABLE) && !(b->flags & ~BHV_FLAGS);
}

uint32_t uk_irq_behaviour_strategy(const struct uk_irq_behaviour *b, uint32_t chip_strategy)
{
	if (!b)
		return chip_strategy;
	return (chip_strategy | b->set) & ~b->clear;
}

bool irq_model_accepts(const struct uk_irq_pin *pin, uint32_t answer)
{
	return (pin->model->answers & answer) != 0;
}

void irq_unheld_detach(struct uk_irq_pin *pin, struct uk_irq_sink *sink, bool owed, uint64_t now)
{
	(void)sink;
	(void)owed;
	if (pin->nsinks == 0)
		uk_irq_mask(pin, UK_IRQ_MASK_DISABLED, true, now);
}

/* Nobody answered. With a handler this is the common stall (a handler
 * that owed and died, on a line others still hold); with none left, the
 * episode just ends: the line is masked already, or cannot be (MSI), and
 * nobody is told. */
void irq_unheld_all_nak(struct uk_irq_pin *pin, uint64_t now)
{
	if (pin->nsinks == 0)
		uk_irq_episode_end(pin, UK_IRQ_END_UNHANDLED, now);
	else
		uk_irq_stall(pin, now);
}

int irq_unheld_attach(struct uk_irq_pin *pin, struct uk_irq_sink *sink, uint64_t now)
{
	(void)sink;
	uk_irq_mask(pin, UK_IRQ_MASK_DISABLED, false, now);
	return UK_OK;
}
