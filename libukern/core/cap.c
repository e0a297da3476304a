/* SPDX-License-Identifier: MIT */
/*
 * cap.c: per-process handle tables.
 *
 * A handle is (generation << 8) | slot. Closing a slot bumps its generation,
 * so a stale handle value is rejected (UK_EBADH) even after the slot is
 * reused. Each slot holds one reference on its object and the rights that
 * handle carries; rights can only shrink (duplicate with fewer rights).
 */
#include "core/kern.h"

#define HANDLE_SLOT_BITS 8
#define HANDLE_MAX_GEN 0xffffu

static uint32_t handle_value(unsigned slot, uint16_t gen)
{
	return ((uint32_t)gen << HANDLE_SLOT_BITS) | slot;
}

/* The slot `h` names, or NULL when it names nothing (bad, stale, closed). */
static struct handle_slot *handle_slot(struct process *p, uint64_t h)
{
	uint64_t slot = h & ((1u << HANDLE_SLOT_BITS) - 1), gen = h >> HANDLE_SLOT_BITS;
	struct handle_slot *s;

	if (slot >= HANDLE_SLOTS || gen == 0 || gen > HANDLE_MAX_GEN)
		return NULL;
	s = &p->handles[slot];
	if (!s->obj || s->gen != gen)
		return NULL;
	return s;
}

int cap_install_at(struct uk_kernel *k, struct process *p, unsigned slot, struct kobj *o,
		   uint32_t rights)
{
	struct handle_slot *s;

	if (slot >= HANDLE_SLOTS || (s = &p->handles[slot])->obj)
		return UK_EEXIST;
	if (s->gen == 0)
		s->gen = 1;
	s->obj = o;
	s->rights = rights & UK_RIGHTS_ALL;
	s->badge = 0;
	kobj_get(o);
	o->handles++;
	return (int)handle_value(slot, s->gen);
}

int cap_install(struct uk_kernel *k, struct process *p, struct kobj *o, uint32_t rights)
{
	for (unsigned slot = 0; slot < HANDLE_SLOTS; slot++)
		if (!p->handles[slot].obj)
			return cap_install_at(k, p, slot, o, rights);
	return UK_ENOMEM;
}

int cap_lookup(struct process *p, uint64_t h, enum kobj_type type, uint32_t rights,
	       struct kobj **out)
{
	struct handle_slot *s = handle_slot(p, h);

	if (!s || (type != KOBJ_NONE && s->obj->type != (uint32_t)type))
		return UK_EBADH;
	if ((s->rights & rights) != rights)
		return UK_EPERM;
	*out = s->obj;
	return 0;
}

int cap_dup(struct uk_kernel *k, struct process *p, uint64_t h, uint64_t rights)
{
	struct handle_slot *s = handle_slot(p, h);
	int rc;

	if (!s)
		return UK_EBADH;
	if (!(s->rights & UK_RIGHT_GRANT))
		return UK_EPERM;
	if (rights & ~(uint64_t)UK_RIGHTS_ALL)
		return UK_EINVAL;
	if (rights & ~(uint64_t)s->rights)
		return UK_EPERM;
	rc = cap_install(k, p, s->obj, (uint32_t)rights);
	if (rc > 0)
		cap_set_badge(p, (uint64_t)rc, s->badge); /* a copy keeps the badge */
	return rc;
}

int cap_close(struct uk_kernel *k, struct process *p, uint64_t h)
{
	struct handle_slot *s = handle_slot(p, h);
	struct kobj *o;

	if (!s)
		return UK_EBADH;
	o = s->obj;
	s->obj = NULL;
	s->rights = 0;
	s->gen = s->gen == HANDLE_MAX_GEN ? 1 : (uint16_t)(s->gen + 1);
	if (o->handles && --o->handles == 0 && o->refs > 1)
		kobj_last_handle(k, o); /* someone else still holds it */
	kobj_put(k, o);
	return 0;
}

int cap_rights(struct process *p, uint64_t h)
{
	struct handle_slot *s = handle_slot(p, h);
	return s ? (int)s->rights : UK_EBADH;
}

uint64_t cap_badge(struct process *p, uint64_t h)
{
	struct handle_slot *s = handle_slot(p, h);
	return s ? s->badge : 0;
}

int cap_set_badge(struct process *p, uint64_t h, uint64_t badge)
{
	struct handle_slot *s = handle_slot(p, h);

	if (!s)
		return UK_EBADH;
	s->badge = badge;
	return 0;
}

void cap_close_all(struct uk_kernel *k, struct process *p)
{
	for (unsigned slot = 0; slot < HANDLE_SLOTS; slot++) {
		struct handle_slot *s = &p->handles[slot];
		if (s->obj)
			cap_close(k, p, handle_value(slot, s->gen));
	}
}

/* Checking builds: every used slot names a live object of a known type. */
void cap_check(struct uk_kernel *k, struct process *p)
{
	for (unsigned slot = 0; slot < HANDLE_SLOTS; slot++) {
		struct handle_slot *s = &p->handles[slot];
		if (!s->obj)
			continue;
		if (s->gen == 0 || s->obj->refs == 0 || s->obj->type == KOBJ_NONE ||
		    s->obj->type > KOBJ_LAST || (s->rights & ~UK_RIGHTS_ALL))
			uk_arch_fatal(k->a, "cap: handle table slot is corrupt");
	}
}
