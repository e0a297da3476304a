/* SPDX-License-Identifier: MIT */
/* Private to the scenario language: lexer, parser state, error reporting. */
#ifndef UKS_INT_H
#define UKS_INT_H

#include <glib.h>
#include <setjmp.h>

#include "sim/scenario.h"

struct uks_scenario_priv {
	GStringChunk *strings;
};

enum uks_tok {
	T_EOF,
	T_NEWLINE, /* also ';' */
	T_IDENT,
	T_NUMBER,  /* value in num, unit (possibly empty) in unit */
	T_STRING,
	T_LBRACE, T_RBRACE, T_LPAREN, T_RPAREN,
	T_COMMA, T_EQUALS, T_COLON, T_DOT, T_DOTDOT, T_PLUS,
	T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE,
};

struct uks_token {
	enum uks_tok type;
	struct uks_pos pos;
	uint32_t len;   /* bytes of source text */
	char text[UKS_MAX_TOKEN + 1]; /* identifiers, the digits of numbers */
	char unit[UKS_MAX_TOKEN + 1];
	uint64_t num;
	bool hex;       /* a number written 0x...; text keeps the 0x */
	char *str;      /* T_STRING contents; owned by the lexer, valid until the next token */
};

/* One source file being read. */
struct uks_lexer {
	const char *file;  /* interned in the scenario */
	const char *text;
	size_t len, off;
	uint32_t line, col;
	struct uks_token tok;  /* the current token */
	bool peeked;
	char sbuf[UKS_MAX_STRING + 1]; /* no heap: a longjmp may abandon a lexer */
};

/* One file's text, kept until the end so validation errors can quote it. */
struct uks_text {
	const char *file;
	char *text;
	size_t len;
};

struct uks_parser {
	struct uks_scenario *s;
	const struct uks_catalog *cat;
	unsigned flags;
	struct uks_diag *diag;
	jmp_buf fail;
	struct uks_lexer *lx;     /* the file being read */
	struct uks_lexer main_lx;
	GPtrArray *texts;         /* struct uks_text *, owned */
	GPtrArray *stack;         /* display paths of the include chain (interned) */
	GPtrArray *canon;         /* the same, canonical (owned) */
	GHashTable *seen;         /* canonical paths already read (include once) */
	GHashTable *parents;      /* file -> its include line (struct uks_pos *, owned) */
	bool have_scenario_name;
	/* timeline: the previous action for `at +X` */
	int last_action;
	GPtrArray *lexers;        /* lexers of included files (owned) */
	GPtrArray *scratch;       /* name lists for messages; cleared before use */
};

/* ---- model.c ---- */
const char *uks_str(struct uks_parser *p, const char *s);
const char *uks_strn(struct uks_parser *p, const char *s, size_t n);
/* Append one zeroed element to an array owned by the scenario. */
void *uks_push(void **arr, size_t *n, size_t elsize);
struct uks_scenario *uks_scenario_new(void);

/* ---- lexer.c ---- */
void uks_lex_init(struct uks_lexer *lx, const char *file, const char *text, size_t len);
/* Current token without consuming it / consume and return it. */
const struct uks_token *uks_peek(struct uks_parser *p);
/* After a number just taken (nothing peeked): the length of a fraction glued
 * to it, ".5" or ".5us", copied to `buf`, or 0. Numbers are whole; the
 * parser rejects one, quoting all of it. */
size_t uks_lex_fraction(struct uks_parser *p, char *buf, size_t cap);
const struct uks_token *uks_next(struct uks_parser *p);
const char *uks_tok_name(enum uks_tok t);

/* ---- diag.c ---- */
/* Report an error at `pos` (underlining `len` columns) and longjmp out. */
G_GNUC_NORETURN void uks_fail(struct uks_parser *p, struct uks_pos pos, uint32_t len,
			      const char *expected, const char *hint, const char *fmt, ...)
	G_GNUC_PRINTF(6, 7);
/* "expected one of: a, b, c" for a NULL-terminated list. */
char *uks_expected_list(const char *const *names);
/* The nearest name to `word` in the list if close enough, else NULL. */
const char *uks_nearest(const char *word, const char *const *names);
/* "did you mean 'x'?" or NULL; g_free the result. */
char *uks_did_you_mean(const char *word, const char *const *names);
/* Fail at token `t` with a message, the list of known names and the
 * nearest of them. */
G_GNUC_NORETURN void uks_fail_names(struct uks_parser *p, const struct uks_token *t,
				    const char *const *names, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);
/* Fail with "unknown WHAT 'word'", the known names and the nearest. */
G_GNUC_NORETURN void uks_fail_unknown(struct uks_parser *p, const struct uks_token *t,
				      const char *what, const char *const *names);

/* ---- parser helpers (parse.c) ---- */
/* Fail with "unexpected X" / "expected WHAT" at the current token. */
G_GNUC_NORETURN void uks_fail_expected(struct uks_parser *p, const char *what);
const struct uks_token *uks_expect(struct uks_parser *p, enum uks_tok type, const char *what);
const char *uks_expect_ident(struct uks_parser *p, const char *what, struct uks_pos *pos);
bool uks_accept(struct uks_parser *p, enum uks_tok type);
bool uks_accept_word(struct uks_parser *p, const char *word);
void uks_end_statement(struct uks_parser *p);
void uks_skip_newlines(struct uks_parser *p);
uint64_t uks_parse_time(struct uks_parser *p, const char *what);
uint64_t uks_parse_uint(struct uks_parser *p, const char *what, uint64_t min, uint64_t max);
bool uks_parse_onoff(struct uks_parser *p);
int uks_parse_choice(struct uks_parser *p, const char *what, const char *const *names);
const char *uks_parse_name_def(struct uks_parser *p, const char *what, struct uks_pos *pos);
uint64_t uks_parse_size(struct uks_parser *p, const char *what);
/* `(name = value, ...)` checked against `spec` (NULL: unchecked). `owner`
 * names the program or kind in messages; `at` is where it was written. */
void uks_parse_args(struct uks_parser *p, const struct uks_program_spec *spec, const char *owner,
		    const struct uks_token *at, struct uks_arg **args, size_t *nargs);
/* A NULL-terminated list of the names of `n` structs of `size` bytes
 * whose first member is the name; lives until the next call. */
const char *const *uks_names_of(struct uks_parser *p, const void *tab, size_t n, size_t size);
void uks_parse_top(struct uks_parser *p);
/* Expect '{'; returns its position. */
struct uks_pos uks_block_open(struct uks_parser *p, const char *what);
/* The next statement keyword of a block (index into `words`, copied into
 * *kw), or -1 after consuming the closing '}'. */
int uks_block_item(struct uks_parser *p, const char *what, struct uks_pos open,
		   const char *const *words, struct uks_token *kw);

/* parse_machine.c, parse_proc.c, parse_timeline.c, parse_expect.c */
void uks_parse_machine(struct uks_parser *p);
/* Fail if `name` already names a device, process or endpoint. */
void uks_check_name_free(struct uks_parser *p, const char *name, struct uks_pos pos);
void uks_parse_device(struct uks_parser *p);
void uks_parse_endpoint(struct uks_parser *p);
void uks_parse_line(struct uks_parser *p, const struct uks_token *kw);
void uks_end_setting(struct uks_parser *p, const char *const *words);
void uks_parse_process(struct uks_parser *p);
void uks_parse_timeline(struct uks_parser *p);
void uks_parse_expect(struct uks_parser *p);

/* source.c: reading a file (the main one or an include) */
void uks_read_include(struct uks_parser *p, struct uks_pos at, uint32_t len, const char *rel);

/* override.c: `--set KEY=VALUE` settings, after the main file */
void uks_parse_sets(struct uks_parser *p, const char *const *sets, size_t nsets);

/* validate.c */
void uks_validate(struct uks_parser *p);

#endif /* UKS_INT_H */
