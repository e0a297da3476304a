/* SPDX-License-Identifier: MIT */
/*
 * Sinks: attach/detach, the non-blocking wait, and the answers.
 *
 * A sink's sequence number counts the episodes it took part in. An answer
 * names the sequence it answers; only the current sequence of a sink that
 * still owes an answer is accepted, once. Everything else is rejected with
 * an error and changes nothing (I9).
 */
#include "irq_internal.h"

static void link_add_tail(struct uk_irq_link *head, struct uk_irq_link *n)
{
	n->prev = head->prev;
	n->next = head;
	head->prev->next = n;
	head->prev = n;
}

static void link_del(struct uk_irq_link *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

void uk_irq_sink_init(struct uk_irq_sink *sink, uint32_t id)
{
	sink->node.next = sink->node.prev = &sink->node;
	sink->pin = NULL;
	sink->id = id;
	sink->seq = 0;
	sink->indefinite = false;
	sink->answered = false;
	sink->timed_out = false;
	sink->join_episode = 0;
	sink->join_seq = 0;
	sink->timestamp = 0;
	sink->acks = 0;
	sink->naks = 0;
	for (unsigned i = 0; i < 4; i++)
		sink->model_data[i] = 0;
}

int uk_irq_sink_attach(struct uk_irq_pin *pin, struct uk_irq_sink *sink, uint64_t now_ns)
{
	int err = UK_OK;

	irq_step(pin);
	if (sink->pin)
		err = UK_EBUSY;
	else if (pin->model->max_sinks && pin->nsinks >= pin->model->max_sinks)
		err = UK_EBUSY;
	else {
		for (unsigned i = 0; i < 4; i++)
			sink->model_data[i] = 0;
		if (pin->model->attach)
			err = pin->model->attach(pin, sink, now_ns);
	}
	if (err == UK_OK) {
		/* Stands by during a running episode: it takes part from the
		 * next one on (L7); join_* anchor the sequence check (I9). */
		link_add_tail(&pin->sinks, &sink->node);
		pin->nsinks++;
		sink->pin = pin;
		sink->indefinite = false;
		sink->answered = false;
		sink->join_episode = pin->episode;
		sink->join_seq = sink->seq;
		uk_irq_emit(pin, UK_IRQ_EV_ATTACH, sink->id, pin->in_service, 0, now_ns);
		/* A raise that stalled for want of listeners is re-delivered to
		 * the newcomer at the retry instead of being forgotten (edge and
		 * message pins; a level line simply raises again on unmask). */
		if (pin->stalled && pin->trigger == UK_TRIGGER_EDGE)
			pin->resend = true;
	}
	irq_transition_done(pin, "attach");
	return err;
}

int uk_irq_sink_detach(struct uk_irq_sink *sink, uint64_t now_ns)
{
	struct uk_irq_pin *pin = sink->pin;
	bool owed;

	if (!pin)
		return UK_EINVAL;
	irq_step(pin);
	irq_timeout_due(pin, now_ns);
	owed = sink->indefinite;
	if (owed) {
		/* A dead sink never holds the line: its missing answer is a NAK. */
		sink->indefinite = false;
		sink->answered = true;
		sink->naks++;
		pin->owed--;
		uk_irq_emit(pin, UK_IRQ_EV_NAK, sink->id, sink->seq, UK_IRQ_EVF_DETACH, now_ns);
	}
	link_del(&sink->node);
	pin->nsinks--;
	sink->pin = NULL;
	uk_irq_emit(pin, UK_IRQ_EV_DETACH, sink->id, owed, 0, now_ns);
	if (pin->model->detach)
		pin->model->detach(pin, sink, owed, now_ns);
	if (owed)
		irq_answered(pin, now_ns);
	irq_rearm(pin);
	irq_transition_done(pin, "detach");
	return UK_OK;
}

int64_t uk_irq_sink_poll(const struct uk_irq_sink *sink, uint32_t rights, uint64_t seq)
{
	if (!(rights & UK_IRQ_RIGHT_WAIT))
		return UK_EPERM;
	if (seq > sink->seq)
		return UK_EFUTURE; /* managarm asserts here; we reject */
	if (seq < sink->seq)
		return (int64_t)sink->seq;
	/* A detached sink never advances: blocking would be forever. */
	return sink->pin ? UK_EAGAIN : UK_EINVAL;
}

/* The common checks of ACK, NAK and kick|clear: may `sink` answer `seq`? */
static int answer_check(const struct uk_irq_sink *sink, uint32_t rights, uint64_t seq)
{
	if (!(rights & UK_IRQ_RIGHT_SIGNAL))
		return UK_EPERM;
	if (!sink->pin)
		return UK_EINVAL;
	if (seq > sink->seq)
		return UK_EFUTURE;
	if (seq < sink->seq)
		return UK_ESTALE;
	if (sink->indefinite)
		return UK_OK;
	/* Current sequence but nothing owed: answered already, or the episode
	 * ended without this sink (another sink's ACK, a kick), or none yet. */
	return sink->answered ? UK_EALREADY : UK_ESTALE;
}

static void sink_ack_locked(struct uk_irq_sink *sink, uint16_t flags, uint64_t now)
{
	struct uk_irq_pin *pin = sink->pin;

	sink->indefinite = false;
	sink->answered = true;
	sink->acks++;
	pin->owed--;
	pin->handled = true;
	uk_irq_emit(pin, UK_IRQ_EV_ACK, sink->id, sink->seq, flags, now);
}

/* The model's word on an answer: whether it accepts this kind at all, then
 * its hook, which sees the common checks' verdict (a model that takes
 * stale answers turns UK_ESTALE into UK_OK there). */
static int model_check(struct uk_irq_sink *sink, enum uk_irq_answer a, uint32_t accept,
		       uint64_t seq, uint64_t now, int err)
{
	struct uk_irq_pin *pin = sink->pin;
	int verdict = err;

	if (err == UK_EPERM)
		return err; /* rights are never the model's to waive */
	if (!irq_model_accepts(pin, accept))
		return err == UK_OK ? UK_ENOSYS : err;
	if (pin->model->answer) {
		err = pin->model->answer(pin, sink, a, seq, verdict, now);
		/* An ACK or NAK is applied only for a sink that owes one; a kick
		 * ends the episode whoever sends it. */
		if (err == UK_OK && !sink->indefinite && (a == UK_IRQ_ANS_ACK || a == UK_IRQ_ANS_NAK))
			err = verdict == UK_OK ? UK_EALREADY : verdict;
	}
	return err;
}

int uk_irq_sink_answer(struct uk_irq_sink *sink, bool handled, uint64_t now)
{
	if (!sink->pin || !sink->indefinite)
		return UK_ESTALE;
	if (!handled)
		return irq_sink_nak_locked(sink, 0, now);
	sink_ack_locked(sink, 0, now);
	irq_answered(sink->pin, now);
	return UK_OK;
}

int uk_irq_sink_ack(struct uk_irq_sink *sink, uint32_t rights, uint64_t seq, uint64_t now_ns)
{
	struct uk_irq_pin *pin = sink->pin;
	int err;

	if (!pin)
		return answer_check(sink, rights, seq);
	irq_step(pin);
	irq_timeout_due(pin, now_ns); /* a late answer comes after the deadline */
	err = answer_check(sink, rights, seq);
	err = model_check(sink, UK_IRQ_ANS_ACK, UK_IRQ_ANSWER_ACK, seq, now_ns, err);
	if (err == UK_OK) {
		sink_ack_locked(sink, 0, now_ns);
		irq_answered(pin, now_ns);
	}
	irq_transition_done(pin, "ack");
	return err;
}

int uk_irq_sink_nak(struct uk_irq_sink *sink, uint32_t rights, uint64_t seq, uint64_t now_ns)
{
	struct uk_irq_pin *pin = sink->pin;
	int err;

	if (!pin)
		return answer_check(sink, rights, seq);
	irq_step(pin);
	irq_timeout_due(pin, now_ns); /* a late answer comes after the deadline */
	err = answer_check(sink, rights, seq);
	err = model_check(sink, UK_IRQ_ANS_NAK, UK_IRQ_ANSWER_NAK, seq, now_ns, err);
	if (err == UK_OK)
		err = irq_sink_nak_locked(sink, 0, now_ns);
	irq_transition_done(pin, "nak");
	return err;
}

int uk_irq_sink_kick(struct uk_irq_sink *sink, uint32_t rights, bool clear, uint64_t now_ns)
{
	struct uk_irq_pin *pin = sink->pin;
	bool ends;
	int err;

	if (!(rights & UK_IRQ_RIGHT_SIGNAL))
		return UK_EPERM;
	if (!pin)
		return UK_EINVAL;
	irq_step(pin);
	irq_timeout_due(pin, now_ns);
	err = model_check(sink, clear ? UK_IRQ_ANS_KICK_CLEAR : UK_IRQ_ANS_KICK, UK_IRQ_ANSWER_KICK,
			  sink->seq, now_ns, UK_OK);
	if (err != UK_OK) {
		irq_transition_done(pin, clear ? "kick_clear" : "kick");
		return err;
	}
	ends = pin->in_service;
	uk_irq_emit(pin, UK_IRQ_EV_KICK, sink->id, ends, clear, now_ns);
	if (ends) {
		if (clear && sink->indefinite)
			sink_ack_locked(sink, UK_IRQ_EVF_KICK, now_ns);
		/* A kick means handled, stalled or not. */
		pin->handled = true;
		irq_episode_end(pin, UK_IRQ_END_HANDLED, false, now_ns);
	}
	irq_transition_done(pin, clear ? "kick_clear" : "kick");
	return UK_OK;
}

long uk_irq_sink_model_call(struct uk_irq_sink *sink, uint32_t rights, unsigned op, uint64_t arg,
			    uint64_t now_ns)
{
	struct uk_irq_pin *pin = sink->pin;
	long rc;

	if (!(rights & UK_IRQ_RIGHT_SIGNAL))
		return UK_EPERM;
	if (!pin)
		return UK_EINVAL;
	if (!pin->model->call)
		return UK_ENOSYS;
	irq_step(pin);
	irq_timeout_due(pin, now_ns);
	sink->call_rights = rights;
	rc = pin->model->call(pin, sink, op, arg, now_ns);
	sink->call_rights = 0;
	irq_rearm(pin);
	irq_transition_done(pin, "model_call");
	return rc;
}
