/* SPDX-License-Identifier: MIT */
/*
 * Errors: FILE:LINE:COL, the offending line with a caret under the column,
 * what was expected, and the nearest known name for a misspelt one. The
 * parser stops at the first error (a longjmp back to the entry point; all
 * memory hangs off the scenario or the parser, so nothing leaks).
 */
#include "uks_int.h"

#include <stdarg.h>
#include <string.h>

void uks_diag_init(struct uks_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void uks_diag_clear(struct uks_diag *d)
{
	g_free(d->file);
	g_free(d->message);
	g_free(d->source);
	g_free(d->expected);
	g_free(d->hint);
	g_free(d->note);
	uks_diag_init(d);
}

/* The text of line `line` of `file`, if the parser has read that file. */
static char *source_line(struct uks_parser *p, const char *file, uint32_t line)
{
	if (!line)
		return NULL;
	for (guint i = 0; i < p->texts->len; i++) {
		const struct uks_text *t = g_ptr_array_index(p->texts, i);
		if (t->file != file)
			continue;
		size_t off = 0;
		for (uint32_t l = 1; l < line && off < t->len; off++)
			if (t->text[off] == '\n')
				l++;
		size_t end = off;
		while (end < t->len && t->text[end] != '\n' && t->text[end] != '\r')
			end++;
		if (end - off > 400)
			end = off + 400;
		return g_strndup(t->text + off, end - off);
	}
	return NULL;
}

void uks_fail(struct uks_parser *p, struct uks_pos pos, uint32_t len, const char *expected,
	      const char *hint, const char *fmt, ...)
{
	struct uks_diag *d = p->diag;
	if (d && !d->set) {
		va_list ap;
		va_start(ap, fmt);
		d->message = g_strdup_vprintf(fmt, ap);
		va_end(ap);
		d->set = true;
		d->file = g_strdup(pos.file ? pos.file : "<input>");
		d->line = pos.line;
		d->col = pos.col;
		d->len = len ? len : 1;
		d->source = source_line(p, pos.file, pos.line);
		d->expected = g_strdup(expected);
		d->hint = g_strdup(hint);
		/* Name the include chain, innermost first, if the error is in
		 * an included file. */
		const struct uks_pos *up = g_hash_table_lookup(p->parents, pos.file);
		if (up) {
			GString *n = g_string_new("included from ");
			for (int depth = 0; up && depth <= UKS_MAX_INCLUDE_DEPTH; depth++) {
				g_string_append_printf(n, "%s%s:%u", depth ? ", " : "", up->file,
						       up->line);
				up = g_hash_table_lookup(p->parents, up->file);
			}
			d->note = g_string_free(n, FALSE);
		}
	}
	longjmp(p->fail, 1);
}

char *uks_expected_list(const char *const *names)
{
	GString *s = g_string_new("expected one of: ");
	for (size_t i = 0; names && names[i]; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "", names[i]);
	return g_string_free(s, FALSE);
}

/* Edit distance counting a swap of neighbours as one edit (optimal string
 * alignment), capped: long words are never "near". */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return SIZE_MAX;
	size_t d[65][65];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			best = MIN(best, d[i - 1][j] + 1);
			best = MIN(best, d[i][j - 1] + 1);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
				best = MIN(best, d[i - 2][j - 2] + 1);
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const char *uks_nearest(const char *word, const char *const *names)
{
	const char *best = NULL;
	size_t bestd = SIZE_MAX;
	/* Close enough: a third of the word's length, at least 1, at most 3. */
	size_t limit = CLAMP(strlen(word) / 3, 1, 3);
	for (size_t i = 0; names && names[i]; i++) {
		size_t d = edit_distance(word, names[i]);
		if (d < bestd) {
			bestd = d;
			best = names[i];
		}
	}
	return bestd <= limit ? best : NULL;
}

char *uks_did_you_mean(const char *word, const char *const *names)
{
	const char *n = uks_nearest(word, names);
	return n ? g_strdup_printf("did you mean '%s'?", n) : NULL;
}

void uks_fail_names(struct uks_parser *p, const struct uks_token *t, const char *const *names,
		    const char *fmt, ...)
{
	/* uks_fail copies expected and hint and never returns: build them on
	 * the stack so nothing is left to free. */
	char ebuf[2048], hbuf[UKS_MAX_TOKEN + 32], mbuf[UKS_MAX_TOKEN + 256];
	char *e = names && names[0] ? uks_expected_list(names) : g_strdup("expected a defined name, but none is defined yet");
	char *h = uks_did_you_mean(t->text, names);
	g_strlcpy(ebuf, e, sizeof(ebuf));
	g_strlcpy(hbuf, h ? h : "", sizeof(hbuf));
	g_free(e);
	g_free(h);
	va_list ap;
	va_start(ap, fmt);
	g_vsnprintf(mbuf, sizeof(mbuf), fmt, ap);
	va_end(ap);
	uks_fail(p, t->pos, t->len, ebuf, hbuf[0] ? hbuf : NULL, "%s", mbuf);
}

void uks_fail_unknown(struct uks_parser *p, const struct uks_token *t, const char *what,
		      const char *const *names)
{
	uks_fail_names(p, t, names, "unknown %s '%s'", what, t->text);
}

/* Line `line` of `file` read from disk, for errors found after parsing
 * (a load line, a policy a loaded object lacks); NULL if it cannot be read. */
static char *line_from_disk(const char *file, uint32_t line)
{
	char *text = NULL;
	gsize len = 0;
	if (!file || !line || !g_file_test(file, G_FILE_TEST_IS_REGULAR) ||
	    !g_file_get_contents(file, &text, &len, NULL))
		return NULL;
	char *out = NULL;
	const char *p = text, *end = text + len;
	for (uint32_t n = 1; p < end; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		if (n == line) {
			out = g_strndup(p, (gsize)(stop - p));
			break;
		}
		p = nl ? nl + 1 : end;
	}
	g_free(text);
	return out;
}

char *uks_diag_format(const struct uks_diag *d)
{
	GString *s = g_string_new(NULL);
	if (!d || !d->set)
		return g_string_free(s, FALSE);
	char *disk = d->source ? NULL : line_from_disk(d->file, d->line);
	const char *source = d->source ? d->source : disk;
	if (d->line)
		g_string_append_printf(s, "%s:%u:%u: error: %s\n", d->file, d->line, d->col,
				       d->message);
	else
		g_string_append_printf(s, "%s: error: %s\n", d->file, d->message);
	if (source) {
		g_string_append_printf(s, "  %s\n  ", source);
		/* Keep tabs so the caret lines up under tabbed text. */
		size_t n = strlen(source);
		for (uint32_t i = 0; i + 1 < d->col && i < n; i++)
			g_string_append_c(s, source[i] == '\t' ? '\t' : ' ');
		g_string_append_c(s, '^');
		for (uint32_t i = 1; i < d->len && i < 80; i++)
			g_string_append_c(s, '~');
		g_string_append_c(s, '\n');
	}
	if (d->expected)
		g_string_append_printf(s, "  %s\n", d->expected);
	if (d->hint)
		g_string_append_printf(s, "  %s\n", d->hint);
	if (d->note)
		g_string_append_printf(s, "  note: %s\n", d->note);
	g_free(disk);
	return g_string_free(s, FALSE);
}

void uks_diag_unknown(struct uks_diag *d, const struct uks_pos *pos, const char *what,
		      const char *word, const char *const *names)
{
	if (!d)
		return;
	uks_diag_clear(d);
	d->set = true;
	d->file = g_strdup(pos->file ? pos->file : "?");
	d->line = pos->line;
	d->col = pos->col ? pos->col : 1;
	d->len = (uint32_t)MAX(strlen(word), 1);
	d->message = g_strdup_printf("unknown %s '%s'", what, word);
	d->expected = names && names[0] ? uks_expected_list(names) : NULL;
	d->hint = uks_did_you_mean(word, names);
}
