/* SPDX-License-Identifier: MIT */
/*
 * Machine settings from the command line (`uksim run --set KEY=VALUE`).
 *
 * Each KEY=VALUE is read as one statement of a `machine { ... }` block
 * placed after the main file, by the same code that reads the block in a
 * file: the keywords, the values and the errors (with "did you mean") are
 * the parser's, and a keyword added to the machine block is a --set key at
 * once. The statements come from a source named "--set" whose line N is the
 * Nth setting exactly as given, so an error reads `--set:N:COL` with a caret
 * under the text the user typed. Validation runs after them, so a setting
 * that does not fit the file (`cpus=1` for a thread pinned to CPU 1) is
 * refused like an edit of the file would be.
 */
#include "uks_int.h"

#include <string.h>

/* Characters that would let one --set carry more than one machine
 * statement, or leave the block. */
static const char forbidden[] = ";{}\n\r";

/* The lexed text's name in the parser's texts: never a position's file. */
static const char lexed_name[] = "--set (as lexed)";

static void register_text(struct uks_parser *p, const char *file, GString *shown)
{
	struct uks_text *t = g_new0(struct uks_text, 1);
	t->file = file;
	t->len = shown->len;
	t->text = g_string_free(shown, FALSE);
	g_ptr_array_add(p->texts, t);
}

void uks_parse_sets(struct uks_parser *p, const char *const *sets, size_t nsets)
{
	if (!nsets)
		return;
	const char *file = uks_str(p, UKS_SET_SOURCE);
	/* What error messages quote: one setting per line, as given (line
	 * breaks inside one shown as spaces, and refused below). */
	GString *shown = g_string_new(NULL);
	for (size_t i = 0; i < nsets; i++) {
		for (const char *c = sets[i]; *c; c++)
			g_string_append_c(shown, *c == '\n' || *c == '\r' ? ' ' : *c);
		g_string_append_c(shown, '\n');
	}
	register_text(p, file, shown);

	/* What is lexed: "machine {" on line 0, then each setting on its own
	 * line with its first '=' turned into a space, so columns match. */
	GString *text = g_string_new("machine {\n");
	for (size_t i = 0; i < nsets; i++) {
		const char *kv = sets[i];
		struct uks_pos pos = {file, (uint32_t)(i + 1), 1};
		size_t bad = strcspn(kv, forbidden);
		const char *eq = strchr(kv, '=');
		if (kv[bad]) {
			pos.col = (uint32_t)bad + 1;
			g_string_free(text, TRUE);
			uks_fail(p, pos, 1, "expected KEY=VALUE, one machine setting", NULL,
				 "--set takes one machine setting: '%s' is not allowed",
				 kv[bad] == '\n' || kv[bad] == '\r' ? "a line break"
				 : kv[bad] == ';' ? ";" : kv[bad] == '{' ? "{" : "}");
		}
		if (!eq) {
			g_string_free(text, TRUE);
			uks_fail(p, pos, (uint32_t)(strlen(kv) ? strlen(kv) : 1),
				 "expected KEY=VALUE, e.g. cpus=2 or irq-model=sel4", NULL,
				 "--set '%s' has no '='", kv);
		}
		g_string_append_len(text, kv, eq - kv);
		g_string_append_c(text, ' ');
		g_string_append(text, eq + 1);
		g_string_append_c(text, '\n');
	}
	g_string_append(text, "}\n");
	/* The lexed text lives with the parser's texts (freed at the end,
	 * also after an error) under another name, so quoting finds the
	 * shown text. */
	struct uks_text *lt = g_new0(struct uks_text, 1);
	lt->file = lexed_name;
	lt->len = text->len;
	lt->text = g_string_free(text, FALSE);
	g_ptr_array_add(p->texts, lt);

	struct uks_lexer *lx = g_new0(struct uks_lexer, 1);
	g_ptr_array_add(p->lexers, lx); /* owned by the parser: a longjmp leaves nothing */
	uks_lex_init(lx, file, lt->text, lt->len);
	lx->line = 0;
	struct uks_lexer *saved = p->lx;
	struct uks_pos machine_pos = p->s->machine.pos;
	p->lx = lx;
	uks_next(p); /* "machine" */
	uks_parse_machine(p);
	uks_skip_newlines(p);
	const struct uks_token *t = uks_peek(p);
	if (t->type != T_EOF)
		uks_fail(p, t->pos, t->len, NULL, NULL, "--set takes one machine setting");
	p->lx = saved;
	/* The machine block's position stays the file's: the settings are not
	 * a block written anywhere. */
	p->s->machine.pos = machine_pos;

	/* Kept in the model, and so in its hash: a replay token made with
	 * settings does not replay on the file without them. */
	GString *all = g_string_new(NULL);
	for (size_t i = 0; i < nsets; i++)
		g_string_append_printf(all, "%s%s", i ? "\n" : "", sets[i]);
	p->s->sets = uks_str(p, all->str);
	g_string_free(all, TRUE);
}
