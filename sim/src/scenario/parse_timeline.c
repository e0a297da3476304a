/* SPDX-License-Identifier: MIT */
/*
 * timeline {
 *   at 10us assert nic0            absolute
 *   at +5us deassert nic0          after the previous action (file order)
 *   at 10us..20us pulse disk0      a window: the explorer places it
 *   repeat 10 every 50us from 100us { assert nic0; at +5us deassert nic0 }
 *   at 1ms route nic0 cpu 1        the line of nic0 goes to CPU 1
 *   at 2ms suspend                 the machine sleeps (until a wake line or:)
 *   at 3ms resume
 *   at 4ms raise edu0 0x100        an edu's raise register: status |= 0x100
 * }
 * `repeat` is expanded here, so the runtime sees a flat list.
 */
#include "uks_int.h"

#include <string.h>

static const char *const action_words[] = {"assert",   "deassert", "pulse",     "complete",
					   "reset",    "spurious", "kill",      "drop-edge",
					   "delay",    "route",    "suspend",   "resume",
					   "raise",    NULL};

/* A time of day (not a duration), bounded so sums cannot overflow. */
static uint64_t parse_instant(struct uks_parser *p, const char *what)
{
	const struct uks_token *t = uks_peek(p);
	struct uks_pos pos = t->pos;
	uint32_t len = t->len;
	uint64_t v = uks_parse_time(p, what);
	if (v > UKS_MAX_TIME_NS)
		uks_fail(p, pos, len, NULL, NULL, "%s is past the one-hour limit of a scenario", what);
	return v;
}

static struct uks_action *new_action(struct uks_parser *p, struct uks_pos pos)
{
	struct uks_scenario *s = p->s;
	if (s->nactions >= UKS_MAX_ACTIONS)
		uks_fail(p, pos, 1, NULL, NULL, "more than %d timeline actions", UKS_MAX_ACTIONS);
	struct uks_action *a = uks_push((void **)&s->actions, &s->nactions, sizeof(*a));
	a->pos = pos;
	a->prev = -1;
	a->target = -1;
	return a;
}

/* ACTION TARGET [spurious | DURATION | cpu N | BITS] */
static void parse_action(struct uks_parser *p, struct uks_action *a)
{
	a->kind = (enum uks_action_kind)uks_parse_choice(p, "timeline action", action_words);
	if (a->kind == UKS_ACT_SUSPEND || a->kind == UKS_ACT_RESUME)
		return; /* the machine's, no target */
	a->target_name = uks_expect_ident(p, a->kind == UKS_ACT_KILL ? "a process name"
								      : "a device name",
					  &a->target_pos);
	if (a->kind == UKS_ACT_RESET)
		a->spurious = uks_accept_word(p, "spurious");
	if (a->kind == UKS_ACT_ROUTE) {
		if (!uks_accept_word(p, "cpu"))
			uks_fail_expected(p, "cpu N");
		a->cpu_pos = uks_peek(p)->pos;
		a->cpu = (uint32_t)uks_parse_uint(p, "CPU", 0, UKS_MAX_CPUS - 1);
	}
	if (a->kind == UKS_ACT_RAISE) {
		/* The value QEMU's raise register takes: its bits are ORed into
		 * the interrupt status. Raising nothing raises no interrupt. */
		a->bits_pos = uks_peek(p)->pos;
		a->bits = (uint32_t)uks_parse_uint(p, "raise value",
						   1, 0xffffffffu);
	}
	if (a->kind == UKS_ACT_DELAY) {
		struct uks_pos pos = uks_peek(p)->pos;
		a->duration = parse_instant(p, "delay");
		if (!a->duration)
			uks_fail(p, pos, 1, NULL, NULL, "a delay must be longer than 0");
	}
}

static void resolve_relative(struct uks_parser *p, struct uks_action *a, uint64_t off)
{
	const struct uks_scenario *s = p->s;
	a->time_kind = UKS_AT_RELATIVE;
	a->offset = off;
	a->prev = p->last_action;
	uint64_t e = 0, l = 0;
	if (a->prev >= 0) {
		e = s->actions[a->prev].earliest;
		l = s->actions[a->prev].latest;
	}
	if (l + off > UKS_MAX_TIME_NS)
		uks_fail(p, a->pos, 2, NULL, NULL, "this action falls past the one-hour limit");
	a->earliest = e + off;
	a->latest = l + off;
}

/* `at TIME`: +DUR, DUR, or DUR..DUR. */
static void parse_at(struct uks_parser *p, struct uks_action *a)
{
	if (uks_accept(p, T_PLUS)) {
		resolve_relative(p, a, parse_instant(p, "relative time"));
		return;
	}
	struct uks_pos pos = uks_peek(p)->pos;
	a->earliest = a->latest = parse_instant(p, "time");
	a->time_kind = UKS_AT_ABSOLUTE;
	if (uks_accept(p, T_DOTDOT)) {
		a->latest = parse_instant(p, "window end");
		a->time_kind = UKS_AT_WINDOW;
		if (a->latest < a->earliest)
			uks_fail(p, pos, 1, NULL, NULL, "the window ends before it starts");
	}
}

static void parse_at_action(struct uks_parser *p, struct uks_pos pos)
{
	struct uks_action *a = new_action(p, pos);
	parse_at(p, a);
	parse_action(p, a);
	p->last_action = (int)(p->s->nactions - 1);
}

/* One iteration's actions are parsed into place; the others are copies. */
static void parse_repeat(struct uks_parser *p, struct uks_pos pos)
{
	struct uks_scenario *s = p->s;
	uint64_t n = uks_parse_uint(p, "repeat count", 1, UKS_MAX_ACTIONS);
	if (!uks_accept_word(p, "every"))
		uks_fail_expected(p, "every DURATION");
	uint64_t every = parse_instant(p, "repeat period");
	uint64_t from = 0;
	if (uks_accept_word(p, "from"))
		from = parse_instant(p, "repeat start");
	size_t first = s->nactions;
	struct uks_pos open = uks_block_open(p, "repeat");
	for (;;) {
		uks_skip_newlines(p);
		const struct uks_token *t = uks_peek(p);
		if (uks_accept(p, T_RBRACE))
			break;
		if (t->type == T_EOF)
			uks_fail(p, t->pos, 1, "expected '}'", NULL,
				 "missing '}' for the repeat block opened at %u:%u", open.line,
				 open.col);
		struct uks_action *a = new_action(p, t->pos);
		uint64_t off = 0;
		if (uks_accept_word(p, "at")) {
			uks_expect(p, T_PLUS, "'+': times inside repeat are offsets (at +5us)");
			off = parse_instant(p, "offset");
		}
		a->time_kind = UKS_AT_ABSOLUTE;
		a->earliest = a->latest = from + off;
		a->offset = off;
		a->repeat = 1;
		parse_action(p, a);
		uks_end_statement(p);
	}
	size_t body = s->nactions - first;
	if (!body)
		uks_fail(p, pos, 6, NULL, NULL, "repeat with nothing to repeat");
	if ((n - 1) * body > UKS_MAX_ACTIONS - s->nactions)
		uks_fail(p, pos, 6, NULL, NULL, "repeat makes more than %d timeline actions",
			 UKS_MAX_ACTIONS);
	uint64_t maxoff = 0;
	for (size_t j = first; j < s->nactions; j++)
		maxoff = MAX(maxoff, s->actions[j].offset);
	if (from + (n - 1) * every + maxoff > UKS_MAX_TIME_NS)
		uks_fail(p, pos, 6, NULL, NULL, "repeat runs past the one-hour limit");
	for (uint64_t i = 1; i < n; i++) {
		for (size_t j = 0; j < body; j++) {
			struct uks_action *a = new_action(p, pos);
			*a = s->actions[first + j];
			a->earliest = a->latest = from + i * every + a->offset;
			a->repeat = (uint32_t)(i + 1);
		}
	}
	p->last_action = (int)(s->nactions - 1);
}

void uks_parse_timeline(struct uks_parser *p)
{
	static const char *const words[] = {"at", "repeat", NULL};
	struct uks_pos open = uks_block_open(p, "timeline");
	struct uks_token kw;
	int i;
	while ((i = uks_block_item(p, "timeline", open, words, &kw)) >= 0) {
		if (i == 0)
			parse_at_action(p, kw.pos);
		else
			parse_repeat(p, kw.pos);
		uks_end_statement(p);
	}
	uks_end_statement(p);
}
