/* SPDX-License-Identifier: MIT */
/*
 * Entry points and source files: reading the main file and its includes
 * (relative to the including file, at most UKS_MAX_INCLUDE_DEPTH deep,
 * cycles reported, a file included twice read once), and the error exit.
 */
#include "uks_int.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

static void free_text(gpointer data)
{
	struct uks_text *t = data;
	g_free(t->text);
	g_free(t);
}

/* Register a file: its name in the scenario, its text with the parser. */
static const char *add_file(struct uks_parser *p, const char *display, char *text, size_t len)
{
	struct uks_scenario *s = p->s;
	const char *file = uks_str(p, display);
	const char **slot = uks_push((void **)&s->files, &s->nfiles, sizeof(*slot));
	*slot = file;
	struct uks_text *t = g_new0(struct uks_text, 1);
	t->file = file;
	t->text = text;
	t->len = len;
	g_ptr_array_add(p->texts, t);
	return file;
}

static void parse_text(struct uks_parser *p, const char *file, const char *text, size_t len)
{
	char *canon = g_canonicalize_filename(file, NULL);
	g_hash_table_add(p->seen, g_strdup(canon));
	g_ptr_array_add(p->canon, canon);
	g_ptr_array_add(p->stack, (gpointer)file);
	struct uks_lexer *saved = p->lx;
	struct uks_lexer *lx = saved ? g_new0(struct uks_lexer, 1) : &p->main_lx;
	/* Nested lexers live on the heap, owned by the parser, so a longjmp
	 * from deep inside an include leaves nothing behind. */
	if (saved)
		g_ptr_array_add(p->lexers, lx);
	uks_lex_init(lx, file, text, len);
	p->lx = lx;
	uks_parse_top(p);
	p->lx = saved;
	g_ptr_array_set_size(p->stack, p->stack->len - 1);
	g_ptr_array_remove_index(p->canon, p->canon->len - 1);
}

static G_GNUC_NORETURN void fail_cycle(struct uks_parser *p, struct uks_pos at, uint32_t len,
				       guint from, const char *display)
{
	GString *chain = g_string_new(NULL);
	for (guint i = from; i < p->stack->len; i++)
		g_string_append_printf(chain, "%s -> ", (const char *)g_ptr_array_index(p->stack, i));
	g_string_append(chain, display);
	char buf[1024];
	g_strlcpy(buf, chain->str, sizeof(buf));
	g_string_free(chain, TRUE);
	uks_fail(p, at, len, NULL, NULL, "include cycle: %s", buf);
}

void uks_read_include(struct uks_parser *p, struct uks_pos at, uint32_t len, const char *rel)
{
	if (!rel[0])
		uks_fail(p, at, len, NULL, NULL, "empty include path");
	if (p->stack->len >= UKS_MAX_INCLUDE_DEPTH)
		uks_fail(p, at, len, NULL, NULL, "includes nested more than %d deep",
			 UKS_MAX_INCLUDE_DEPTH);
	char *dir = g_path_get_dirname(at.file);
	char *display = g_path_is_absolute(rel) || !strcmp(dir, ".")
				? g_strdup(rel)
				: g_build_filename(dir, rel, NULL);
	g_free(dir);
	char *canon = g_canonicalize_filename(display, NULL);
	/* Keep the strings in the scenario so a failure below frees them. */
	const char *d = uks_str(p, display), *c = uks_str(p, canon);
	g_free(display);
	g_free(canon);
	for (guint i = 0; i < p->canon->len; i++)
		if (!strcmp(g_ptr_array_index(p->canon, i), c))
			fail_cycle(p, at, len, i, d);
	if (g_hash_table_contains(p->seen, c))
		return;
	if (p->s->nfiles >= UKS_MAX_FILES)
		uks_fail(p, at, len, NULL, NULL, "more than %d files included", UKS_MAX_FILES);
	GStatBuf st;
	if (g_stat(d, &st) != 0)
		uks_fail(p, at, len, NULL, NULL, "cannot read included file '%s': %s", d,
			 g_strerror(errno));
	if (!S_ISREG(st.st_mode))
		uks_fail(p, at, len, NULL, NULL, "included '%s' is not a regular file", d);
	if ((guint64)st.st_size > UKS_MAX_FILE_BYTES)
		uks_fail(p, at, len, NULL, NULL, "included '%s' is larger than %u bytes", d,
			 UKS_MAX_FILE_BYTES);
	char *text = NULL;
	gsize n = 0;
	GError *err = NULL;
	if (!g_file_get_contents(d, &text, &n, &err)) {
		char msg[512];
		g_strlcpy(msg, err->message, sizeof(msg));
		g_error_free(err);
		uks_fail(p, at, len, NULL, NULL, "cannot read included file: %s", msg);
	}
	const char *file = add_file(p, d, text, n);
	struct uks_pos *parent = g_new(struct uks_pos, 1);
	*parent = at;
	g_hash_table_insert(p->parents, (gpointer)file, parent);
	parse_text(p, file, text, n);
}

static struct uks_parser *parser_new(const struct uks_catalog *cat, unsigned flags,
				     struct uks_diag *diag)
{
	struct uks_parser *p = g_new0(struct uks_parser, 1);
	p->s = uks_scenario_new();
	p->cat = cat ? cat : uks_default_catalog();
	p->flags = flags;
	p->diag = diag;
	p->texts = g_ptr_array_new_with_free_func(free_text);
	p->stack = g_ptr_array_new();
	p->canon = g_ptr_array_new_with_free_func(g_free);
	p->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	p->scratch = g_ptr_array_new();
	p->lexers = g_ptr_array_new_with_free_func(g_free);
	p->parents = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	p->last_action = -1;
	return p;
}

static void parser_free(struct uks_parser *p)
{
	g_ptr_array_free(p->texts, TRUE);
	g_ptr_array_free(p->stack, TRUE);
	g_ptr_array_free(p->canon, TRUE);
	g_hash_table_destroy(p->seen);
	g_ptr_array_free(p->scratch, TRUE);
	g_ptr_array_free(p->lexers, TRUE);
	g_hash_table_destroy(p->parents);
	g_free(p);
}

/* Parse `text` (owned, handed over) as the main file `name`, then the
 * machine settings `sets`. */
static int parse_main(const char *name, char *text, size_t len, const struct uks_catalog *cat,
		      unsigned flags, const char *const *sets, size_t nsets,
		      struct uks_scenario **out, struct uks_diag *diag)
{
	struct uks_diag local;
	uks_diag_init(&local);
	struct uks_parser *const p = parser_new(cat, flags, diag ? diag : &local);
	*out = NULL;
	if (setjmp(p->fail)) {
		uks_scenario_free(p->s);
		parser_free(p);
		uks_diag_clear(&local);
		return -1;
	}
	const char *file = add_file(p, name, text, len);
	if (len > UKS_MAX_FILE_BYTES) {
		/* Point at the first byte past the limit. */
		struct uks_pos at = {file, 1, 1};
		for (size_t i = 0; i < UKS_MAX_FILE_BYTES; i++) {
			if (text[i] == '\n') {
				at.line++;
				at.col = 1;
			} else {
				at.col++;
			}
		}
		uks_fail(p, at, 1, NULL, NULL, "file is larger than %u bytes", UKS_MAX_FILE_BYTES);
	}
	parse_text(p, file, text, len);
	uks_parse_sets(p, sets, nsets);
	uks_validate(p);
	if (!p->s->name) {
		char *base = g_path_get_basename(name);
		char *dot = strrchr(base, '.');
		if (dot && dot != base)
			*dot = 0;
		p->s->name = uks_str(p, base);
		g_free(base);
	}
	*out = p->s;
	parser_free(p);
	return 0;
}

static int parse_string(const char *name, const char *text, size_t len,
			const struct uks_catalog *cat, unsigned flags, const char *const *sets,
			size_t nsets, struct uks_scenario **out, struct uks_diag *diag)
{
	if (len > UKS_MAX_FILE_BYTES)
		len = UKS_MAX_FILE_BYTES + 1; /* reported as too large; no big copy */
	char *copy = g_malloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = 0;
	return parse_main(name ? name : "<string>", copy, len, cat, flags, sets, nsets, out, diag);
}

int uks_parse_string_flags(const char *name, const char *text, size_t len,
			   const struct uks_catalog *cat, unsigned flags,
			   struct uks_scenario **out, struct uks_diag *diag)
{
	return parse_string(name, text, len, cat, flags, NULL, 0, out, diag);
}

int uks_parse_string_set(const char *name, const char *text, size_t len,
			 const struct uks_catalog *cat, const char *const *sets, size_t nsets,
			 struct uks_scenario **out, struct uks_diag *diag)
{
	return parse_string(name, text, len, cat, 0, sets, nsets, out, diag);
}

int uks_parse_string(const char *name, const char *text, size_t len,
		     const struct uks_catalog *cat, struct uks_scenario **out,
		     struct uks_diag *diag)
{
	return uks_parse_string_flags(name, text, len, cat, 0, out, diag);
}

static int fail_open(const char *path, const char *msg, struct uks_scenario **out,
		     struct uks_diag *diag)
{
	*out = NULL;
	if (diag && !diag->set) {
		diag->set = true;
		diag->file = g_strdup(path);
		diag->message = g_strdup(msg);
		diag->len = 1;
	}
	return -1;
}

int uks_parse_file_set(const char *path, const struct uks_catalog *cat, const char *const *sets,
		       size_t nsets, struct uks_scenario **out, struct uks_diag *diag)
{
	GStatBuf st;
	if (g_stat(path, &st) != 0) {
		char msg[256];
		g_snprintf(msg, sizeof(msg), "cannot read: %s", g_strerror(errno));
		return fail_open(path, msg, out, diag);
	}
	if (!S_ISREG(st.st_mode))
		return fail_open(path, "not a regular file", out, diag);
	if ((guint64)st.st_size > UKS_MAX_FILE_BYTES) {
		/* Read one byte past the limit, no more: parse_main reports it
		 * at its line and column. */
		FILE *f = fopen(path, "rb");
		if (!f) {
			char msg[256];
			g_snprintf(msg, sizeof(msg), "cannot read: %s", g_strerror(errno));
			return fail_open(path, msg, out, diag);
		}
		char *big = g_malloc(UKS_MAX_FILE_BYTES + 2);
		size_t got = fread(big, 1, UKS_MAX_FILE_BYTES + 1, f);
		fclose(f);
		big[got] = 0;
		return parse_main(path, big, got, cat, 0, sets, nsets, out, diag);
	}
	char *text = NULL;
	gsize n = 0;
	GError *err = NULL;
	if (!g_file_get_contents(path, &text, &n, &err)) {
		char msg[512];
		g_snprintf(msg, sizeof(msg), "cannot read: %s", err->message);
		g_error_free(err);
		return fail_open(path, msg, out, diag);
	}
	return parse_main(path, text, n, cat, 0, sets, nsets, out, diag);
}

int uks_parse_file(const char *path, const struct uks_catalog *cat, struct uks_scenario **out,
		   struct uks_diag *diag)
{
	return uks_parse_file_set(path, cat, NULL, 0, out, diag);
}
