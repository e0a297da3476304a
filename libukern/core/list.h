/* SPDX-License-Identifier: MIT */
/* Intrusive circular doubly-linked lists (private). */
#ifndef UKERN_CORE_LIST_H
#define UKERN_CORE_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list {
	struct list *next, *prev;
};

#define container_of(p, type, member) ((type *)(void *)((char *)(p) - offsetof(type, member)))

static inline void list_init(struct list *l) { l->next = l->prev = l; }
static inline bool list_empty(const struct list *l) { return l->next == l; }
static inline bool list_linked(const struct list *n) { return n->next != NULL && n->next != n; }

static inline void list_insert_before(struct list *pos, struct list *n)
{
	n->prev = pos->prev;
	n->next = pos;
	pos->prev->next = n;
	pos->prev = n;
}
static inline void list_add_tail(struct list *head, struct list *n) { list_insert_before(head, n); }
static inline void list_del(struct list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

#define list_for_each(pos, head) for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#endif /* UKERN_CORE_LIST_H */
