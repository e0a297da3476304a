/* SPDX-License-Identifier: MIT */
/*
 * The parser's shared pieces (tokens, numbers with units, names, statement
 * ends) and the top level of a file: scenario, include, load, machine,
 * device, endpoint, process, timeline, expect.
 */
#include "uks_int.h"

#include <string.h>

static G_GNUC_NORETURN void fail_expected(struct uks_parser *p, const struct uks_token *t,
					  const char *what);

const char *const *uks_names_of(struct uks_parser *p, const void *tab, size_t n, size_t size)
{
	g_ptr_array_set_size(p->scratch, 0);
	for (size_t i = 0; i < n; i++)
		g_ptr_array_add(p->scratch, *(char *const *)((const char *)tab + i * size));
	g_ptr_array_add(p->scratch, NULL);
	return (const char *const *)p->scratch->pdata;
}

void uks_fail_expected(struct uks_parser *p, const char *what)
{
	const struct uks_token *t = uks_peek(p);
	fail_expected(p, t, what);
}

static void fail_expected(struct uks_parser *p, const struct uks_token *t, const char *what)
{
	char exp[256];
	g_snprintf(exp, sizeof(exp), "expected %s", what);
	if (t->type == T_IDENT)
		uks_fail(p, t->pos, t->len, exp, NULL, "unexpected '%s'", t->text);
	if (t->type == T_NUMBER)
		uks_fail(p, t->pos, t->len, exp, NULL, "unexpected number '%s%s'", t->text, t->unit);
	uks_fail(p, t->pos, t->len, exp, NULL, "unexpected %s", uks_tok_name(t->type));
}

const struct uks_token *uks_expect(struct uks_parser *p, enum uks_tok type, const char *what)
{
	const struct uks_token *t = uks_peek(p);
	if (t->type != type)
		fail_expected(p, t, what ? what : uks_tok_name(type));
	return uks_next(p);
}

const char *uks_expect_ident(struct uks_parser *p, const char *what, struct uks_pos *pos)
{
	const struct uks_token *t = uks_expect(p, T_IDENT, what);
	if (pos)
		*pos = t->pos;
	return uks_str(p, t->text);
}

bool uks_accept(struct uks_parser *p, enum uks_tok type)
{
	if (uks_peek(p)->type != type)
		return false;
	uks_next(p);
	return true;
}

bool uks_accept_word(struct uks_parser *p, const char *word)
{
	const struct uks_token *t = uks_peek(p);
	if (t->type != T_IDENT || strcmp(t->text, word))
		return false;
	uks_next(p);
	return true;
}

void uks_skip_newlines(struct uks_parser *p)
{
	while (uks_accept(p, T_NEWLINE))
		;
}

/* A statement ends at a newline or ';', or just before '}' or the end. */
void uks_end_statement(struct uks_parser *p)
{
	const struct uks_token *t = uks_peek(p);
	if (t->type == T_NEWLINE)
		uks_next(p);
	else if (t->type != T_RBRACE && t->type != T_EOF)
		fail_expected(p, t, "the end of the statement (a new line or ';')");
}

/* In a settings block (machine, line) one setting may follow another on
 * the same line: `machine { cpus 2  irq-model sel4 }`. A statement then ends
 * where the next one of the block's keywords starts. */
void uks_end_setting(struct uks_parser *p, const char *const *words)
{
	const struct uks_token *t = uks_peek(p);
	if (t->type == T_IDENT && uks_name_index(words, t->text) >= 0)
		return;
	uks_end_statement(p);
}

struct unit {
	const char *name;
	uint64_t mul;
};

static const struct unit time_units[] = {{"ns", 1}, {"us", 1000}, {"ms", 1000000},
					 {"s", 1000000000}, {NULL, 0}};
static const struct unit size_units[] = {{"B", 1}, {"KiB", 1ull << 10}, {"MiB", 1ull << 20},
					 {"GiB", 1ull << 30}, {NULL, 0}};

static uint64_t with_unit(struct uks_parser *p, const char *what, const struct unit *units,
			  const char *kind)
{
	const char *names[8];
	size_t n = 0;
	for (; units[n].name; n++)
		names[n] = units[n].name;
	names[n] = NULL;
	const struct uks_token *t = uks_peek(p);
	if (t->type != T_NUMBER) {
		char exp[128];
		g_snprintf(exp, sizeof(exp), "%s with a unit, e.g. 10%s", kind, names[1]);
		fail_expected(p, t, exp);
	}
	t = uks_next(p);
	char frac[UKS_MAX_TOKEN + 1];
	size_t nfrac = uks_lex_fraction(p, frac, sizeof(frac));
	if (nfrac)
		uks_fail(p, t->pos, (uint32_t)(t->len + nfrac), NULL,
			 "numbers are whole: use a smaller unit (1.5us is 1500ns)",
			 "%s '%s%s' is not a whole number", what, t->text, frac);
	if (t->hex && t->unit[0])
		uks_fail(p, t->pos, t->len, NULL, NULL,
			 "%s '%s%s': a hex number takes no unit; write it in decimal (%" G_GUINT64_FORMAT
			 "%s)",
			 what, t->text, t->unit, t->num, t->unit);
	if (!t->unit[0]) {
		char *e = uks_expected_list(names);
		char ebuf[128];
		g_strlcpy(ebuf, e, sizeof(ebuf));
		g_free(e);
		uks_fail(p, t->pos, t->len, ebuf, NULL, "%s '%s' needs a unit", what, t->text);
	}
	for (size_t i = 0; units[i].name; i++) {
		if (strcmp(units[i].name, t->unit))
			continue;
		if (t->num > UINT64_MAX / units[i].mul)
			uks_fail(p, t->pos, t->len, NULL, NULL, "%s %s%s is too large", what,
				 t->text, t->unit);
		return t->num * units[i].mul;
	}
	/* Point at the unit itself. */
	struct uks_token u = *t;
	u.pos.col += (uint32_t)strlen(t->text);
	u.len = (uint32_t)strlen(t->unit);
	g_strlcpy(u.text, t->unit, sizeof(u.text));
	char wbuf[64];
	g_snprintf(wbuf, sizeof(wbuf), "%s unit", kind);
	uks_fail_unknown(p, &u, wbuf, names);
}

/* Every duration is at most one hour, as every virtual time is
 * (docs/scenario-language.md): a budget or period past it could never end. */
uint64_t uks_parse_time(struct uks_parser *p, const char *what)
{
	struct uks_token t = *uks_peek(p);
	uint64_t v = with_unit(p, what, time_units, "time");
	if (v > UKS_MAX_TIME_NS)
		uks_fail(p, t.pos, t.len, NULL, NULL, "%s is past the one-hour limit of a scenario (%s%s)",
			 what, t.text, t.unit);
	return v;
}

uint64_t uks_parse_size(struct uks_parser *p, const char *what)
{
	return with_unit(p, what, size_units, "size");
}

uint64_t uks_parse_uint(struct uks_parser *p, const char *what, uint64_t min, uint64_t max)
{
	const struct uks_token *t = uks_peek(p);
	if (t->type != T_NUMBER) {
		char exp[128];
		g_snprintf(exp, sizeof(exp), "a number (%s)", what);
		fail_expected(p, t, exp);
	}
	t = uks_next(p);
	if (t->unit[0])
		uks_fail(p, t->pos, t->len, NULL, NULL, "%s takes a plain number, not '%s%s'", what,
			 t->text, t->unit);
	if (t->num < min || t->num > max)
		uks_fail(p, t->pos, t->len, NULL, NULL, "%s must be %" G_GUINT64_FORMAT
			 "..%" G_GUINT64_FORMAT ", not %" G_GUINT64_FORMAT, what, min, max, t->num);
	return t->num;
}

int uks_parse_choice(struct uks_parser *p, const char *what, const char *const *names)
{
	const struct uks_token *t = uks_peek(p);
	if (t->type != T_IDENT) {
		char *e = uks_expected_list(names);
		char ebuf[1024];
		g_strlcpy(ebuf, e + strlen("expected "), sizeof(ebuf));
		g_free(e);
		fail_expected(p, t, ebuf);
	}
	t = uks_next(p);
	int i = uks_name_index(names, t->text);
	if (i < 0)
		uks_fail_unknown(p, t, what, names);
	return i;
}

bool uks_parse_onoff(struct uks_parser *p)
{
	static const char *const onoff[] = {"on", "off", NULL};
	return uks_parse_choice(p, "switch value", onoff) == 0;
}

const char *uks_parse_name_def(struct uks_parser *p, const char *what, struct uks_pos *pos)
{
	char exp[64];
	g_snprintf(exp, sizeof(exp), "a %s name", what);
	const struct uks_token *t = uks_expect(p, T_IDENT, exp);
	if (strlen(t->text) > UKS_MAX_NAME)
		uks_fail(p, t->pos, t->len, NULL, NULL, "%s name '%s' is longer than %d characters",
			 what, t->text, UKS_MAX_NAME);
	*pos = t->pos;
	return uks_str(p, t->text);
}

static void parse_scenario_name(struct uks_parser *p, const struct uks_token *kw)
{
	struct uks_pos pos = kw->pos;
	const struct uks_token *t = uks_expect(p, T_STRING, "the scenario's name in quotes");
	if (p->have_scenario_name)
		uks_fail(p, pos, 8, NULL, NULL, "the scenario is already named '%s'", p->s->name);
	if (!t->str[0])
		uks_fail(p, t->pos, t->len, NULL, NULL, "empty scenario name");
	p->s->name = uks_str(p, t->str);
	p->have_scenario_name = true;
	uks_end_statement(p);
}

static void parse_include(struct uks_parser *p, const struct uks_token *kw)
{
	struct uks_pos pos = kw->pos;
	const struct uks_token *t = uks_expect(p, T_STRING, "the included file's path in quotes");
	struct uks_pos spos = t->pos;
	uint32_t slen = t->len;
	/* The path outlives the token; keep it in the scenario's strings. */
	const char *path = uks_str(p, t->str);
	uks_end_statement(p);
	if (p->flags & UKS_PARSE_NO_INCLUDE)
		uks_fail(p, pos, 7, NULL, NULL, "includes are disabled here");
	uks_read_include(p, spos, slen, path);
}

static void parse_load(struct uks_parser *p, const struct uks_token *kw)
{
	struct uks_pos pos = kw->pos;
	const struct uks_token *t = uks_expect(p, T_STRING, "the path of a shared object in quotes");
	if (!t->str[0])
		uks_fail(p, t->pos, t->len, NULL, NULL, "empty path");
	if (p->s->nloads >= UKS_MAX_FILES)
		uks_fail(p, pos, 4, NULL, NULL, "more than %d load lines", UKS_MAX_FILES);
	struct uks_load *l = uks_push((void **)&p->s->loads, &p->s->nloads, sizeof(*l));
	l->pos = pos;
	/* Relative to the scenario file, like includes; ./ and ../ forms only
	 * matter to the runtime's dlopen. */
	if (g_path_is_absolute(t->str)) {
		l->path = uks_str(p, t->str);
	} else {
		const char *rel = t->str;
		while (rel[0] == '.' && rel[1] == '/')
			rel += 2;
		char *dir = g_path_get_dirname(pos.file);
		char *full = strcmp(dir, ".") ? g_build_filename(dir, rel, NULL) : g_strdup(rel);
		l->path = uks_str(p, full);
		g_free(dir);
		g_free(full);
	}
	uks_end_statement(p);
}

static const char *const top_words[] = {"scenario", "include", "load", "machine", "device",
					"endpoint", "process", "timeline", "expect", "line", NULL};

/* The statements of one file, up to its end. */
void uks_parse_top(struct uks_parser *p)
{
	for (;;) {
		uks_skip_newlines(p);
		const struct uks_token *t = uks_peek(p);
		if (t->type == T_EOF)
			return;
		if (t->type != T_IDENT) {
			char *e = uks_expected_list(top_words);
			char ebuf[256];
			g_strlcpy(ebuf, e, sizeof(ebuf));
			g_free(e);
			if (t->type == T_RBRACE)
				uks_fail(p, t->pos, t->len, ebuf, NULL, "'}' without a block to close");
			uks_fail(p, t->pos, t->len, ebuf, NULL, "unexpected %s at the top level",
				 uks_tok_name(t->type));
		}
		struct uks_token kw = *uks_next(p);
		switch (uks_name_index(top_words, kw.text)) {
		case 0: parse_scenario_name(p, &kw); break;
		case 1: parse_include(p, &kw); break;
		case 2: parse_load(p, &kw); break;
		case 3: uks_parse_machine(p); break;
		case 4: uks_parse_device(p); break;
		case 5: uks_parse_endpoint(p); break;
		case 6: uks_parse_process(p); break;
		case 7: uks_parse_timeline(p); break;
		case 8: uks_parse_expect(p); break;
		case 9: uks_parse_line(p, &kw); break;
		default: uks_fail_unknown(p, &kw, "statement", top_words);
		}
	}
}

struct uks_pos uks_block_open(struct uks_parser *p, const char *what)
{
	char exp[96];
	g_snprintf(exp, sizeof(exp), "'{' to open the %s block", what);
	return uks_expect(p, T_LBRACE, exp)->pos;
}

int uks_block_item(struct uks_parser *p, const char *what, struct uks_pos open,
		   const char *const *words, struct uks_token *kw)
{
	uks_skip_newlines(p);
	const struct uks_token *t = uks_peek(p);
	if (t->type == T_RBRACE) {
		uks_next(p);
		return -1;
	}
	if (t->type == T_EOF)
		uks_fail(p, t->pos, 1, "expected '}'", NULL,
			 "missing '}' for the %s block opened at %u:%u", what, open.line, open.col);
	if (t->type != T_IDENT) {
		char *e = uks_expected_list(words);
		char ebuf[512];
		g_strlcpy(ebuf, e, sizeof(ebuf));
		g_free(e);
		uks_fail(p, t->pos, t->len, ebuf, NULL, "unexpected %s in the %s block",
			 uks_tok_name(t->type), what);
	}
	*kw = *uks_next(p);
	int i = uks_name_index(words, kw->text);
	if (i < 0) {
		char wbuf[64];
		g_snprintf(wbuf, sizeof(wbuf), "%s statement", what);
		uks_fail_unknown(p, kw, wbuf, words);
	}
	return i;
}
