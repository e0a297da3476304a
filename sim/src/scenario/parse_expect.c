/* SPDX-License-Identifier: MIT */
/*
 * expect { invariants on; no-deadlock; count nobody-cared == 0;
 *          handled nic0 at least 10; latency irq(nic0) <= 50us;
 *          violation I3; end-by 10ms }
 * or a single one: `expect violation I3`.
 */
#include "uks_int.h"

#include <string.h>

static const char *const expect_words[] = {"invariants", "no-deadlock", "count", "handled",
					   "latency",    "violation",   "end-by", NULL};

static struct uks_expect *new_expect(struct uks_parser *p, struct uks_pos pos,
				     enum uks_expect_kind kind)
{
	struct uks_scenario *s = p->s;
	if (s->nexpects >= UKS_MAX_EXPECTS)
		uks_fail(p, pos, 1, NULL, NULL, "more than %d expectations", UKS_MAX_EXPECTS);
	struct uks_expect *e = uks_push((void **)&s->expects, &s->nexpects, sizeof(*e));
	e->pos = pos;
	e->kind = kind;
	e->ref = -1;
	return e;
}

static enum uks_cmp parse_cmp(struct uks_parser *p)
{
	static const enum uks_tok ops[] = {T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE};
	const struct uks_token *t = uks_peek(p);
	for (size_t i = 0; i < G_N_ELEMENTS(ops); i++)
		if (t->type == ops[i]) {
			uks_next(p);
			return (enum uks_cmp)i;
		}
	const char *exp = "expected a comparison: ==, !=, <, <=, >, >=";
	if (t->type == T_EQUALS)
		uks_fail(p, t->pos, t->len, exp, "did you mean '=='?", "'=' is not a comparison");
	uks_fail_expected(p, "a comparison: ==, !=, <, <=, >, >=");
}

/* NAME or NAME(REF) of a counter or latency metric. */
static void parse_metric(struct uks_parser *p, struct uks_expect *e, bool latency)
{
	const struct uks_catalog *c = p->cat;
	struct uks_token t = *uks_expect(p, T_IDENT, latency ? "a latency metric" : "a counter");
	const struct uks_metric_spec *m = latency ? uks_catalog_latency(c, t.text)
						  : uks_catalog_counter(c, t.text);
	if (!m) {
		const struct uks_metric_spec *tab = latency ? c->latencies : c->counters;
		size_t n = latency ? c->nlatencies : c->ncounters;
		uks_fail_unknown(p, &t, latency ? "latency metric" : "counter",
				 uks_names_of(p, tab, n, sizeof(tab[0])));
	}
	e->name = uks_str(p, m->name);
	if (uks_accept(p, T_LPAREN)) {
		if (m->ref == UKS_ARG_NONE)
			uks_fail(p, t.pos, t.len, NULL, NULL, "'%s' is a total: it takes no argument",
				 m->name);
		e->ref_type = m->ref;
		e->ref_name = uks_expect_ident(p, m->ref == UKS_ARG_DEVICE    ? "a device name"
						  : m->ref == UKS_ARG_PROCESS ? "a process name"
									      : "an endpoint name",
					       &e->ref_pos);
		uks_expect(p, T_RPAREN, "')'");
	} else if (m->ref != UKS_ARG_NONE && !m->ref_optional) {
		const char *what = m->ref == UKS_ARG_DEVICE    ? "DEVICE"
				   : m->ref == UKS_ARG_PROCESS ? "PROCESS"
							       : "ENDPOINT";
		char exp[128];
		g_snprintf(exp, sizeof(exp), "expected %s(%s)", m->name, what);
		uks_fail(p, t.pos, t.len, exp, NULL, "'%s' needs to know what it measures",
			 m->name);
	}
}

/* handled DEV at least N: sugar for count handled(DEV) >= N. */
static void parse_handled(struct uks_parser *p, struct uks_pos pos)
{
	struct uks_expect *e = new_expect(p, pos, UKS_EXPECT_COUNT);
	e->name = "handled";
	e->ref_type = UKS_ARG_DEVICE;
	e->ref_name = uks_expect_ident(p, "a device name", &e->ref_pos);
	if (!uks_accept_word(p, "at") || !uks_accept_word(p, "least"))
		uks_fail_expected(p, "at least N");
	e->cmp = UKS_CMP_GE;
	e->value = uks_parse_uint(p, "count", 0, UINT64_MAX);
}

static void parse_one(struct uks_parser *p, int i, const struct uks_token *kw)
{
	struct uks_scenario *s = p->s;
	struct uks_expect *e;
	switch (i) {
	case 0:
		s->invariants = uks_parse_onoff(p);
		break;
	case 1:
		new_expect(p, kw->pos, UKS_EXPECT_NO_DEADLOCK);
		break;
	case 2:
	case 4:
		e = new_expect(p, kw->pos, i == 2 ? UKS_EXPECT_COUNT : UKS_EXPECT_LATENCY);
		parse_metric(p, e, i == 4);
		e->cmp = parse_cmp(p);
		e->value = i == 2 ? uks_parse_uint(p, "count", 0, UINT64_MAX)
				  : uks_parse_time(p, "latency bound");
		break;
	case 3:
		parse_handled(p, kw->pos);
		break;
	case 5:
		e = new_expect(p, kw->pos, UKS_EXPECT_VIOLATION);
		e->name = uks_str(p, p->cat->violations[uks_parse_choice(p, "violation ID",
									   p->cat->violations)]);
		break;
	case 6: {
		struct uks_pos pos = uks_peek(p)->pos;
		s->end_by_ns = uks_parse_time(p, "end-by");
		if (!s->end_by_ns || s->end_by_ns > UKS_MAX_TIME_NS)
			uks_fail(p, pos, 1, NULL, NULL, "end-by must be above 0 and at most 1 hour");
		break;
	}
	}
}

void uks_parse_expect(struct uks_parser *p)
{
	struct uks_token kw;
	int i;
	if (uks_peek(p)->type != T_LBRACE) {
		kw = *uks_peek(p);
		i = uks_parse_choice(p, "expectation", expect_words);
		parse_one(p, i, &kw);
		uks_end_statement(p);
		return;
	}
	struct uks_pos open = uks_block_open(p, "expect");
	while ((i = uks_block_item(p, "expect", open, expect_words, &kw)) >= 0) {
		parse_one(p, i, &kw);
		uks_end_statement(p);
	}
	uks_end_statement(p);
}
