/* SPDX-License-Identifier: MIT */
/*
 * reply.c: one-shot reply objects and message delivery.
 *
 * A receive binds a reply object to the caller it takes; the reply (or the
 * caller's death, or the server's) unbinds it, so a reply capability can be
 * used at most once per call: a second reply is UK_EALREADY, a reply to a
 * caller that died is UK_ESRCH. While bound, the object sits on the
 * server's ipc_serving list, which is where the server's inherited priority
 * comes from (ipc_pi_inherit).
 */
#include "ipc/ipc_internal.h"

struct ipc_reply *reply_create(struct uk_kernel *k)
{
	struct ipc_reply *r = kalloc(k, sizeof(*r));
	if (r)
		kobj_init(k, &r->o, KOBJ_REPLY);
	return r;
}

int reply_check(struct ipc_reply *r)
{
	switch (r->state) {
	case REPLY_BOUND:
		return 0;
	case REPLY_REPLIED:
		return UK_EALREADY;
	case REPLY_CALLER_GONE:
		return UK_ESRCH;
	default:
		return UK_ENOENT;
	}
}

/* The message's handle must exist with GRANT (checked before blocking). */
int msg_check(struct process *p, const struct uk_msg *m)
{
	struct kobj *o;

	if (m->words > UK_MSG_WORDS)
		return UK_EINVAL;
	return m->cap ? cap_lookup(p, m->cap, KOBJ_NONE, UK_RIGHT_GRANT, &o) : 0;
}

static uint32_t msg_pass_cap(struct uk_kernel *k, struct process *from, struct process *to,
			     uint32_t h)
{
	struct kobj *o;
	int nh, rights = cap_rights(from, h);

	if (!h || cap_lookup(from, h, KOBJ_NONE, UK_RIGHT_GRANT, &o) < 0)
		return 0; /* closed meanwhile: the receiver gets none */
	nh = cap_install(k, to, o, (uint32_t)rights);
	if (nh < 0)
		return 0;
	cap_set_badge(to, (uint64_t)nh, cap_badge(from, h));
	return (uint32_t)nh;
}

/* Registers are copied straight from sender to receiver: the struct stands
 * for the thread's register file, not for user memory. */
void msg_deliver(struct uk_kernel *k, struct uk_msg *dst, const struct uk_msg *src,
		 struct process *from, struct process *to, uint64_t badge)
{
	uint32_t n = src->words;

	dst->label = src->label;
	dst->words = n;
	dst->badge = badge;
	for (uint32_t i = 0; i < n; i++)
		dst->mr[i] = src->mr[i];
	dst->cap = src->cap ? msg_pass_cap(k, from, to, src->cap) : 0;
}

void reply_bind(struct ipc_reply *r, struct uk_thread *caller, struct uk_thread *server,
		struct ipc_endpoint *ep)
{
	r->state = REPLY_BOUND;
	r->caller = caller;
	r->server = server;
	r->xfer = ep->xfer;
	r->serving_next = server->ipc_serving;
	server->ipc_serving = r;
	caller->ipc_reply = r;
	kobj_get(&r->o); /* the bound call's reference */
}

static void serving_unlink(struct uk_thread *s, struct ipc_reply *r)
{
	for (struct ipc_reply **pp = &s->ipc_serving; *pp; pp = &(*pp)->serving_next) {
		if (*pp == r) {
			*pp = r->serving_next;
			r->serving_next = NULL;
			return;
		}
	}
}

/* Unbind (reply, caller gone, server gone); the server loses what it
 * inherited from that caller. */
void reply_unbind(struct uk_kernel *k, struct ipc_reply *r, enum reply_state why)
{
	struct uk_thread *server = r->server;

	serving_unlink(server, r);
	r->caller->ipc_reply = NULL;
	r->state = why;
	r->caller = NULL;
	r->server = NULL;
	ipc_pi_lower(k, server);
	kobj_put(k, &r->o);
}

int reply_send(struct uk_kernel *k, struct ipc_reply *r, struct uk_thread *from,
	       struct uk_thread **defer)
{
	struct uk_thread *caller = r->caller;
	int rc = reply_check(r);

	if (rc < 0)
		return rc;
	msg_deliver(k, &caller->ipc_regs, &from->ipc_regs, from->proc, caller->proc, 0);
	kobj_get(&r->o);
	reply_unbind(k, r, REPLY_REPLIED);
	kobj_put(k, &r->o);
	k->stats.ipc_replies++;
	if (defer) {
		waitq_wake_prepare(k, caller, 0);
		*defer = caller;
	} else {
		waitq_wake_thread(k, caller, 0);
	}
	return 0;
}
