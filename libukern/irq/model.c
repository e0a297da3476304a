/* SPDX-License-Identifier: MIT */
/*
 * The built-in IRQ models and controller behaviours (filled into an
 * instance's storage, see uk_irq_builtins), and the checks a table passes
 * before a pin uses it. Nothing else in the kernel
 * knows which model or behaviour is which: a pin holds a pointer to its
 * tables and asks them (ukern/irq_model.h).
 */
#include "irq_internal.h"

#include "lib/string.h"

static bool same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* One call per table, in the listed order: a table of function pointers
 * would be relocated data too. */
void uk_irq_builtins_init(struct uk_irq_builtins *b)
{
	struct uk_irq_model_ops *m = b->model;
	struct uk_irq_behaviour *h = b->behaviour;

	irq_model_managarm(m++);
	irq_model_sel4(m++);
	irq_model_linux(m++);
	irq_model_zircon(m++);
	irq_model_managarm_2020(m++);
	irq_model_msi_no_retry(m++);
	irq_model_fiasco(m);
	irq_behaviour_controller(h++);
	irq_behaviour_mask_in_service(h++);
	irq_behaviour_no_mask_in_service(h++);
	irq_behaviour_eoi_before_mask(h++);
	irq_behaviour_eos_before_unmask(h++);
	irq_behaviour_no_buffer(h++);
	irq_behaviour_claim_masked(h++);
	irq_behaviour_latch_masked(h++);
	irq_behaviour_complete_on_claim(h);
}

const struct uk_irq_model_ops *uk_irq_model_find(const struct uk_irq_builtins *b,
						 const char *name)
{
	for (unsigned i = 0; name && i < UK_IRQ_BUILTIN_MODELS; i++)
		if (same(b->model[i].name, name))
			return &b->model[i];
	return NULL;
}

const struct uk_irq_behaviour *uk_irq_behaviour_find(const struct uk_irq_builtins *b,
						     const char *name)
{
	for (unsigned i = 0; name && i < UK_IRQ_BUILTIN_BEHAVIOURS; i++)
		if (same(b->behaviour[i].name, name))
			return &b->behaviour[i];
	return NULL;
}

#define STRATEGY_BITS (UK_INTC_MASKABLE | UK_INTC_MASK_IN_SERVICE | \
		       UK_INTC_SUPPRESS_MASK_IN_SERVICE | UK_INTC_EOI | UK_INTC_EOS)
#define BHV_FLAGS (UK_IRQ_BHV_EOI_BEFORE_MASK | UK_IRQ_BHV_EOS_BEFORE_UNMASK | \
		   UK_IRQ_BHV_NO_BUFFER | UK_IRQ_BHV_LATCH_MASKED)
#define ANSWERS (UK_IRQ_ANSWER_ACK | UK_IRQ_ANSWER_NAK | UK_IRQ_ANSWER_KICK | \
		 UK_IRQ_ANSWER_TRIGGER | UK_IRQ_ANSWER_ALL)

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
