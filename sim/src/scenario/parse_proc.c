/* SPDX-License-Identifier: MIT */
/*
 * process NAME {
 *   thread NAME program PROG(ARGS) [prio N] [cpu N | affinity LIST]
 *   caps irq(DEV), pci(DEV), mmio(DEV), endpoint(EP[, send|receive]), nopreempt(TIME)
 * }
 */
#include "uks_int.h"

#include <string.h>

#define DEFAULT_PRIO 100

/* `0,1` or `0..3` or a mix; CPU numbers are checked against the machine in
 * validate.c, which may not be known yet. */
static uint64_t parse_cpu_list(struct uks_parser *p)
{
	uint64_t mask = 0;
	do {
		uint64_t a = uks_parse_uint(p, "CPU", 0, UKS_MAX_CPUS - 1), b = a;
		if (uks_accept(p, T_DOTDOT)) {
			struct uks_pos pos = uks_peek(p)->pos;
			b = uks_parse_uint(p, "CPU", 0, UKS_MAX_CPUS - 1);
			if (b < a)
				uks_fail(p, pos, 1, NULL, NULL, "CPU range ends before it starts");
		}
		for (uint64_t c = a; c <= b; c++)
			mask |= 1ull << c;
	} while (uks_accept(p, T_COMMA));
	return mask;
}

static const struct uks_program_spec *find_program(struct uks_parser *p,
						   const struct uks_token *t)
{
	const struct uks_catalog *c = p->cat;
	const struct uks_program_spec *spec = uks_catalog_program(c, t->text);
	if (spec || c->allow_unknown_programs || p->s->nloads)
		return spec;
	uks_fail_unknown(p, t, "program",
			 uks_names_of(p, c->programs, c->nprograms, sizeof(c->programs[0])));
}

static void parse_thread(struct uks_parser *p, struct uks_process *pr)
{
	static const char *const opts[] = {"prio", "cpu", "affinity", NULL};
	struct uks_pos pos;
	const char *name = uks_parse_name_def(p, "thread", &pos);
	for (size_t i = 0; i < pr->nthreads; i++)
		if (!strcmp(pr->threads[i].name, name))
			uks_fail(p, pos, (uint32_t)strlen(name), NULL, NULL,
				 "process '%s' already has a thread '%s'", pr->name, name);
	if (pr->nthreads >= UKS_MAX_THREADS)
		uks_fail(p, pos, 1, NULL, NULL, "more than %d threads", UKS_MAX_THREADS);
	struct uks_thread *th = uks_push((void **)&pr->threads, &pr->nthreads, sizeof(*th));
	th->pos = pos;
	th->name = name;
	th->prio = DEFAULT_PRIO;
	th->affinity = ~0ull;
	if (!uks_accept_word(p, "program"))
		uks_fail_expected(p, "program PROGRAM(ARGS) after the thread's name");
	struct uks_token pt = *uks_expect(p, T_IDENT, "a program name");
	th->spec = find_program(p, &pt);
	th->program = uks_str(p, pt.text);
	th->program_pos = pt.pos;
	uks_parse_args(p, th->spec, pt.text, &pt, &th->args, &th->nargs);
	bool placed = false;
	while (uks_peek(p)->type == T_IDENT) {
		struct uks_token kw = *uks_peek(p);
		int o = uks_parse_choice(p, "thread option", opts);
		if (o == 0) {
			th->prio = (uint8_t)uks_parse_uint(p, "prio", 0, 255);
			continue;
		}
		if (placed)
			uks_fail(p, kw.pos, kw.len, NULL, NULL, "the thread's CPUs are already given");
		placed = true;
		th->affinity_pos = uks_peek(p)->pos;
		th->affinity = o == 1 ? 1ull << uks_parse_uint(p, "cpu", 0, UKS_MAX_CPUS - 1)
				      : parse_cpu_list(p);
	}
}

static const char *const cap_words[] = {"irq", "pci", "endpoint", "nopreempt", "mmio", NULL};

static void parse_cap(struct uks_parser *p, struct uks_process *pr)
{
	static const char *const rights[] = {"send", "receive", NULL};
	struct uks_pos pos = uks_peek(p)->pos;
	int k = uks_parse_choice(p, "capability", cap_words);
	if (pr->ncaps >= UKS_MAX_CAPS)
		uks_fail(p, pos, 1, NULL, NULL, "more than %d capabilities", UKS_MAX_CAPS);
	struct uks_cap *c = uks_push((void **)&pr->caps, &pr->ncaps, sizeof(*c));
	c->pos = pos;
	c->kind = (enum uks_cap_kind)k;
	c->ref = -1;
	uks_expect(p, T_LPAREN, "'(' after the capability");
	if (c->kind == UKS_CAP_NOPREEMPT) {
		struct uks_pos bpos = uks_peek(p)->pos;
		c->budget_ns = uks_parse_time(p, "nopreempt budget");
		if (!c->budget_ns)
			uks_fail(p, bpos, 1, NULL, NULL, "a no-preemption budget must be above 0");
	} else {
		c->target = uks_expect_ident(p, c->kind == UKS_CAP_ENDPOINT ? "an endpoint name"
									      : "a device name",
					     &c->target_pos);
		c->rights = UKS_RIGHT_SEND | UKS_RIGHT_RECEIVE;
		if (c->kind == UKS_CAP_ENDPOINT && uks_accept(p, T_COMMA))
			c->rights = 1u << uks_parse_choice(p, "endpoint right", rights);
	}
	uks_expect(p, T_RPAREN, "')'");
}

static void parse_caps(struct uks_parser *p, struct uks_process *pr)
{
	do
		parse_cap(p, pr);
	while (uks_accept(p, T_COMMA) || uks_peek(p)->type == T_IDENT);
}

static const char *const process_words[] = {"thread", "caps", NULL};

void uks_parse_process(struct uks_parser *p)
{
	struct uks_scenario *s = p->s;
	struct uks_pos pos;
	const char *name = uks_parse_name_def(p, "process", &pos);
	uks_check_name_free(p, name, pos);
	if (s->nprocesses >= UKS_MAX_PROCESSES)
		uks_fail(p, pos, 1, NULL, NULL, "more than %d processes", UKS_MAX_PROCESSES);
	struct uks_process *pr = uks_push((void **)&s->processes, &s->nprocesses, sizeof(*pr));
	pr->pos = pos;
	pr->name = name;
	struct uks_pos open = uks_block_open(p, "process");
	struct uks_token kw;
	int i;
	while ((i = uks_block_item(p, "process", open, process_words, &kw)) >= 0) {
		if (i == 0)
			parse_thread(p, pr);
		else
			parse_caps(p, pr);
		uks_end_statement(p);
	}
	if (!pr->nthreads)
		uks_fail(p, pos, (uint32_t)strlen(name), "expected thread NAME program PROG(...)",
			 NULL, "process '%s' has no thread", name);
	uks_end_statement(p);
}
