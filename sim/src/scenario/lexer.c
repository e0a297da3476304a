/* SPDX-License-Identifier: MIT */
/*
 * The .uks lexer: identifiers (letters, digits, '-' and '_'), numbers with
 * an optional unit glued on (10us, 64MiB, 0x1f), strings, punctuation.
 * Newlines are tokens because statements end at the end of a line (or at
 * ';'); '#' starts a comment that runs to the end of the line.
 */
#include "uks_int.h"

#include <string.h>

void uks_lex_init(struct uks_lexer *lx, const char *file, const char *text, size_t len)
{
	memset(lx, 0, sizeof(*lx));
	lx->file = file;
	lx->text = text;
	lx->len = len;
	lx->line = 1;
	lx->col = 1;
}

static int cur(const struct uks_lexer *lx)
{
	return lx->off < lx->len ? (unsigned char)lx->text[lx->off] : -1;
}

static int at(const struct uks_lexer *lx, size_t ahead)
{
	return lx->off + ahead < lx->len ? (unsigned char)lx->text[lx->off + ahead] : -1;
}

static void adv(struct uks_lexer *lx)
{
	if (lx->text[lx->off] == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->off++;
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int hexval(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void skip_blank(struct uks_lexer *lx)
{
	for (;;) {
		int c = cur(lx);
		if (c == ' ' || c == '\t' || c == '\r') {
			adv(lx);
		} else if (c == '#') {
			while (cur(lx) != -1 && cur(lx) != '\n')
				adv(lx);
		} else {
			return;
		}
	}
}

static void fail_here(struct uks_parser *p, const char *msg)
{
	struct uks_lexer *lx = p->lx;
	struct uks_pos pos = {lx->file, lx->line, lx->col};
	uks_fail(p, pos, 1, NULL, NULL, "%s", msg);
}

static void lex_word(struct uks_parser *p, struct uks_token *t)
{
	struct uks_lexer *lx = p->lx;
	size_t n = 0;
	while (is_alpha(cur(lx)) || is_digit(cur(lx)) || cur(lx) == '-') {
		if (n == UKS_MAX_TOKEN)
			uks_fail(p, t->pos, 1, NULL, NULL, "name longer than %d characters",
				 UKS_MAX_TOKEN);
		t->text[n++] = (char)cur(lx);
		adv(lx);
	}
	t->text[n] = 0;
	t->type = T_IDENT;
}

static void lex_number(struct uks_parser *p, struct uks_token *t)
{
	struct uks_lexer *lx = p->lx;
	unsigned base = 10;
	size_t n = 0;
	uint64_t v = 0;
	if (cur(lx) == '0' && (at(lx, 1) == 'x' || at(lx, 1) == 'X') && hexval(at(lx, 2)) >= 0) {
		/* Keep the 0x in the text: messages quote what was written. */
		base = 16;
		t->text[n++] = '0';
		adv(lx);
		t->text[n++] = (char)cur(lx);
		adv(lx);
	}
	while (base == 16 ? hexval(cur(lx)) >= 0 : is_digit(cur(lx))) {
		unsigned d = (unsigned)hexval(cur(lx));
		if (v > (UINT64_MAX - d) / base)
			uks_fail(p, t->pos, 1, NULL, NULL, "number too large");
		v = v * base + d;
		if (n < UKS_MAX_TOKEN)
			t->text[n++] = (char)cur(lx);
		adv(lx);
	}
	t->text[n] = 0;
	n = 0;
	/* Hex numbers take no unit (0x10B would be ambiguous): the parser
	 * rejects one glued on (0x10us), quoting all of it. */
	while (is_alpha(cur(lx))) {
		if (n == UKS_MAX_TOKEN)
			uks_fail(p, t->pos, 1, NULL, NULL, "unit longer than %d characters",
				 UKS_MAX_TOKEN);
		t->unit[n++] = (char)cur(lx);
		adv(lx);
	}
	t->unit[n] = 0;
	t->num = v;
	t->hex = base == 16;
	t->type = T_NUMBER;
}

static void lex_string(struct uks_parser *p, struct uks_token *t)
{
	struct uks_lexer *lx = p->lx;
	size_t n = 0;
	adv(lx); /* the opening quote */
	for (;;) {
		int c = cur(lx);
		if (c == -1 || c == '\n')
			uks_fail(p, t->pos, 1, NULL, NULL, "string not closed on this line");
		if (c == '"') {
			adv(lx);
			break;
		}
		if (c == '\\') {
			adv(lx);
			c = cur(lx);
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c != '"' && c != '\\')
				fail_here(p, "unknown escape in string (use \\\" \\\\ \\n \\t)");
		} else if (c < 0x20 && c != '\t') {
			fail_here(p, "control character in string");
		}
		if (n >= UKS_MAX_STRING)
			uks_fail(p, t->pos, 1, NULL, NULL, "string longer than %d bytes",
				 UKS_MAX_STRING);
		lx->sbuf[n++] = (char)c;
		adv(lx);
	}
	lx->sbuf[n] = 0;
	t->str = lx->sbuf;
	t->type = T_STRING;
}

/* Punctuation: one or two characters. Returns false if `c` is none. */
static bool lex_punct(struct uks_lexer *lx, struct uks_token *t, int c)
{
	static const struct {
		char a, b;
		enum uks_tok type;
	} ops[] = {
		{'=', '=', T_EQ}, {'!', '=', T_NE}, {'<', '=', T_LE}, {'>', '=', T_GE},
		{'.', '.', T_DOTDOT}, {'{', 0, T_LBRACE}, {'}', 0, T_RBRACE},
		{'(', 0, T_LPAREN}, {')', 0, T_RPAREN}, {',', 0, T_COMMA}, {'=', 0, T_EQUALS},
		{':', 0, T_COLON}, {'.', 0, T_DOT}, {'+', 0, T_PLUS}, {'<', 0, T_LT},
		{'>', 0, T_GT}, {';', 0, T_NEWLINE},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(ops); i++) {
		if (ops[i].a != c || (ops[i].b && at(lx, 1) != ops[i].b))
			continue;
		adv(lx);
		if (ops[i].b)
			adv(lx);
		t->type = ops[i].type;
		return true;
	}
	return false;
}

static void lex_one(struct uks_parser *p)
{
	struct uks_lexer *lx = p->lx;
	struct uks_token *t = &lx->tok;
	skip_blank(lx);
	t->pos = (struct uks_pos){lx->file, lx->line, lx->col};
	t->text[0] = 0;
	t->unit[0] = 0;
	t->str = NULL;
	t->num = 0;
	t->hex = false;
	size_t start = lx->off;
	int c = cur(lx);
	if (c == -1) {
		t->type = T_EOF;
	} else if (c == '\n') {
		adv(lx);
		t->type = T_NEWLINE;
	} else if (is_alpha(c)) {
		lex_word(p, t);
	} else if (is_digit(c)) {
		lex_number(p, t);
	} else if (c == '"') {
		lex_string(p, t);
	} else if (!lex_punct(lx, t, c)) {
		char msg[64];
		if (c > 0x20 && c < 0x7f)
			g_snprintf(msg, sizeof(msg), "unexpected character '%c'", c);
		else
			g_snprintf(msg, sizeof(msg), "unexpected byte 0x%02x", c);
		fail_here(p, msg);
	}
	size_t n = lx->off - start;
	t->len = n ? (uint32_t)MIN(n, 1000) : 1;
	if (t->type == T_NEWLINE && c == '\n')
		t->len = 1;
}

size_t uks_lex_fraction(struct uks_parser *p, char *buf, size_t cap)
{
	const struct uks_lexer *lx = p->lx;
	size_t n;
	if (lx->peeked || cur(lx) != '.' || !is_digit(at(lx, 1)))
		return 0;
	for (n = 1; is_digit(at(lx, n)); n++)
		;
	while (is_alpha(at(lx, n)))
		n++;
	g_strlcpy(buf, lx->text + lx->off, MIN(cap, n + 1));
	return n;
}

const struct uks_token *uks_peek(struct uks_parser *p)
{
	if (!p->lx->peeked) {
		lex_one(p);
		p->lx->peeked = true;
	}
	return &p->lx->tok;
}

const struct uks_token *uks_next(struct uks_parser *p)
{
	const struct uks_token *t = uks_peek(p);
	p->lx->peeked = false;
	return t;
}

const char *uks_tok_name(enum uks_tok t)
{
	static const char *const names[] = {
		[T_EOF] = "end of file", [T_NEWLINE] = "end of line", [T_IDENT] = "a name",
		[T_NUMBER] = "a number", [T_STRING] = "a string", [T_LBRACE] = "'{'",
		[T_RBRACE] = "'}'", [T_LPAREN] = "'('", [T_RPAREN] = "')'", [T_COMMA] = "','",
		[T_EQUALS] = "'='", [T_COLON] = "':'", [T_DOT] = "'.'", [T_DOTDOT] = "'..'",
		[T_PLUS] = "'+'", [T_EQ] = "'=='", [T_NE] = "'!='", [T_LT] = "'<'",
		[T_LE] = "'<='", [T_GT] = "'>'", [T_GE] = "'>='",
	};
	return names[t];
}
