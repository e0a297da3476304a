/* SPDX-License-Identifier: MIT */
/*
 * uksim merge FILE...: add up the JSON lines of `uksim explore --json
 * --shard I/N` shards into what one machine would have printed.
 *
 * A shard runs the sweep's schedules I, I+N, I+2N, ... and numbers them
 * with their global index, so the first violation of the whole sweep is the
 * one with the lowest index over all shards, and its line (token, shrunk
 * token) is the one an unsharded run prints. Counts add up; the distinct
 * IRQ interleavings are the union of the signatures each shard lists.
 * Host time is the only thing that differs: seconds add up, and the rate is
 * per core.
 */
#include "uksim.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- A reader for the flat JSON objects explore prints ---- */

enum jkind { J_STR, J_NUM, J_BOOL, J_NULL, J_ARR };

struct jval {
	enum jkind kind;
	char *text;      /* J_STR: the string; J_NUM, J_BOOL: as written */
	GPtrArray *arr;  /* J_ARR: the strings */
};

static void jval_free(gpointer p)
{
	struct jval *v = p;
	g_free(v->text);
	if (v->arr)
		g_ptr_array_free(v->arr, TRUE);
	g_free(v);
}

static void skip_ws(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\r')
		(*p)++;
}

static char *parse_string(const char **p)
{
	if (**p != '"')
		return NULL;
	GString *s = g_string_new(NULL);
	for ((*p)++; **p != '"'; (*p)++) {
		char c = **p;
		if (!c)
			goto bad;
		if (c != '\\') {
			g_string_append_c(s, c);
			continue;
		}
		c = *++*p;
		switch (c) {
		case 'n': g_string_append_c(s, '\n'); break;
		case 't': g_string_append_c(s, '\t'); break;
		case 'r': g_string_append_c(s, '\r'); break;
		case 'b': g_string_append_c(s, '\b'); break;
		case 'f': g_string_append_c(s, '\f'); break;
		case '"': case '\\': case '/': g_string_append_c(s, c); break;
		case 'u': {
			char hex[5] = {0};
			for (int i = 0; i < 4; i++) {
				char h = (*p)[1 + i];
				if (!g_ascii_isxdigit(h))
					goto bad;
				hex[i] = h;
			}
			g_string_append_unichar(s, (gunichar)strtoul(hex, NULL, 16));
			*p += 4;
			break;
		}
		default: goto bad;
		}
	}
	(*p)++;
	return g_string_free(s, FALSE);
bad:
	g_string_free(s, TRUE);
	return NULL;
}

static struct jval *parse_value(const char **p)
{
	struct jval *v = g_new0(struct jval, 1);
	skip_ws(p);
	if (**p == '"') {
		v->kind = J_STR;
		if (!(v->text = parse_string(p)))
			goto bad;
	} else if (**p == '[') {
		v->kind = J_ARR;
		v->arr = g_ptr_array_new_with_free_func(g_free);
		(*p)++;
		skip_ws(p);
		if (**p == ']') {
			(*p)++;
			return v;
		}
		for (;;) {
			skip_ws(p);
			char *s = parse_string(p);
			if (!s)
				goto bad;
			g_ptr_array_add(v->arr, s);
			skip_ws(p);
			if (**p == ',') {
				(*p)++;
				continue;
			}
			if (**p != ']')
				goto bad;
			(*p)++;
			return v;
		}
	} else if (!strncmp(*p, "true", 4) || !strncmp(*p, "false", 5)) {
		v->kind = J_BOOL;
		v->text = g_strdup(**p == 't' ? "true" : "false");
		*p += **p == 't' ? 4 : 5;
	} else if (!strncmp(*p, "null", 4)) {
		v->kind = J_NULL;
		*p += 4;
	} else {
		const char *q = *p;
		while (*q == '-' || *q == '+' || *q == '.' || *q == 'e' || *q == 'E' ||
		       g_ascii_isdigit(*q))
			q++;
		if (q == *p)
			goto bad;
		v->kind = J_NUM;
		v->text = g_strndup(*p, (gsize)(q - *p));
		*p = q;
	}
	return v;
bad:
	jval_free(v);
	return NULL;
}

/* One line: an object of scalars and arrays of strings. NULL if it is not. */
static GHashTable *parse_object(const char *line)
{
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, jval_free);
	const char *p = line;
	skip_ws(&p);
	if (*p++ != '{')
		goto bad;
	skip_ws(&p);
	if (*p == '}')
		goto end;
	for (;;) {
		skip_ws(&p);
		char *key = parse_string(&p);
		if (!key)
			goto bad;
		skip_ws(&p);
		struct jval *v = *p == ':' ? (p++, parse_value(&p)) : NULL;
		if (!v) {
			g_free(key);
			goto bad;
		}
		g_hash_table_replace(h, key, v);
		skip_ws(&p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p != '}')
			goto bad;
		break;
	}
end:
	p++;
	skip_ws(&p);
	if (*p)
		goto bad;
	return h;
bad:
	g_hash_table_destroy(h);
	return NULL;
}

/* ---- Shards ---- */

/* Where a line came from, for the errors. */
struct where {
	const char *file;
	unsigned line;
};

/* The fields of an object, with a clear error when one is missing. */
struct obj {
	GHashTable *h;
	struct where at;
	char *err; /* the first missing or mistyped field */
};

static const struct jval *field(struct obj *o, const char *key, enum jkind kind)
{
	const struct jval *v = g_hash_table_lookup(o->h, key);
	if (v && v->kind == kind)
		return v;
	if (!o->err)
		o->err = g_strdup_printf("%s:%u: no %s field \"%s\" (not a line of uksim explore "
					 "--json?)",
					 o->at.file, o->at.line,
					 kind == J_STR ? "string" : kind == J_NUM ? "number"
					 : kind == J_BOOL ? "true/false" : "array",
					 key);
	return NULL;
}

static const char *str_of(struct obj *o, const char *key)
{
	const struct jval *v = field(o, key, J_STR);
	return v ? v->text : "";
}

static uint64_t u64_of(struct obj *o, const char *key)
{
	const struct jval *v = field(o, key, J_NUM);
	return v ? g_ascii_strtoull(v->text, NULL, 10) : 0;
}

static double dbl_of(struct obj *o, const char *key)
{
	const struct jval *v = field(o, key, J_NUM);
	return v ? g_ascii_strtod(v->text, NULL) : 0;
}

static bool bool_of(struct obj *o, const char *key)
{
	const struct jval *v = field(o, key, J_BOOL);
	return v && !strcmp(v->text, "true");
}

/* One target's sweep, summed over its shards. */
struct sweep {
	char *target, *strategy, *sweep;
	long long seed;
	unsigned nshards;
	unsigned *seen;           /* summaries per shard index */
	struct where first;       /* where its first summary was */
	uint64_t schedules, violations, decisions, distinct_one;
	double seconds;
	GHashTable *irq;          /* signature strings of all shards */
	bool any_signatures;
	bool exhausted, stopped_first, nondet, not_found;
	unsigned bound;
	char *nondet_verdict;
	/* The violation with the lowest global index. */
	bool found;
	uint64_t found_run;
	char *found_line;         /* as the shard printed it */
	GHashTable *vfields;      /* its fields */
	char *found_verdict;
	int found_exit;
};

static void sweep_free(gpointer p)
{
	struct sweep *s = p;
	g_free(s->target);
	g_free(s->strategy);
	g_free(s->sweep);
	g_free(s->seen);
	g_hash_table_destroy(s->irq);
	g_free(s->nondet_verdict);
	g_free(s->found_line);
	if (s->vfields)
		g_hash_table_unref(s->vfields);
	g_free(s->found_verdict);
	g_free(s);
}

struct merge {
	GPtrArray *sweeps;        /* struct sweep, in the order first seen */
	char *err;
};

static struct sweep *sweep_of(struct merge *m, const char *target)
{
	for (guint i = 0; i < m->sweeps->len; i++) {
		struct sweep *s = m->sweeps->pdata[i];
		if (!strcmp(s->target, target))
			return s;
	}
	return NULL;
}

/* A summary line, and the violation line that came just before it (NULL:
 * none) in the same file. */
static int add_summary(struct merge *m, struct obj *o, const char *vline, GHashTable *vh,
		       struct where vat)
{
	const char *target = str_of(o, "target"), *strategy = str_of(o, "strategy");
	const char *sweep_text = str_of(o, "sweep"), *shard = str_of(o, "shard");
	const char *verdict = str_of(o, "verdict");
	const struct jval *sv = field(o, "seed", J_NUM);
	long long seed = sv ? g_ascii_strtoll(sv->text, NULL, 10) : 0;
	uint64_t schedules = u64_of(o, "schedules"), violations = u64_of(o, "violations");
	uint64_t decisions = u64_of(o, "decisions"), distinct = u64_of(o, "distinct_irq_interleavings");
	double seconds = dbl_of(o, "seconds");
	bool exhausted = bool_of(o, "exhausted"), stopped = bool_of(o, "stopped_at_first");
	unsigned bound = (unsigned)u64_of(o, "bound");
	int code = (int)u64_of(o, "exit");
	if (o->err) {
		m->err = g_strdup(o->err);
		return -1;
	}
	const struct jval *sigs = g_hash_table_lookup(o->h, "irq_signatures");
	unsigned si, sn;
	if (uksim_parse_shard(shard, &si, &sn) != 0) {
		m->err = g_strdup_printf("%s:%u: shard \"%s\" is not I/N", o->at.file, o->at.line, shard);
		return -1;
	}
	if (sn > 1 && (!sigs || sigs->kind != J_ARR)) {
		m->err = g_strdup_printf("%s:%u: shard %s of %s lists no irq_signatures (made by an "
					 "older uksim, or without --json?)",
					 o->at.file, o->at.line, shard, target);
		return -1;
	}
	if ((violations > 0) != (vline != NULL) && strncmp(verdict, "NONDETERMINISTIC", 16)) {
		m->err = g_strdup_printf("%s:%u: shard %s of %s counts %llu violations but %s",
					 o->at.file, o->at.line, shard, target,
					 (unsigned long long)violations,
					 vline ? "a violation line precedes it"
					       : "no violation line precedes it");
		return -1;
	}
	struct sweep *s = sweep_of(m, target);
	if (!s) {
		s = g_new0(struct sweep, 1);
		s->target = g_strdup(target);
		s->strategy = g_strdup(strategy);
		s->sweep = g_strdup(sweep_text);
		s->seed = seed;
		s->nshards = sn;
		s->seen = g_new0(unsigned, sn);
		s->first = o->at;
		s->irq = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		s->exhausted = true;
		g_ptr_array_add(m->sweeps, s);
	}
	/* Shards of one sweep only: same strategy, seed, options, N. */
	const char *what = strcmp(s->strategy, strategy) ? "strategy"
			   : s->seed != seed		 ? "seed"
			   : s->nshards != sn		 ? "number of shards"
			   : strcmp(s->sweep, sweep_text) ? "options"
							  : NULL;
	if (what) {
		m->err = g_strdup_printf("%s:%u: %s: shard %s is of another sweep than %s:%u (its "
					 "%s differ%s): merge the shards of one sweep only",
					 o->at.file, o->at.line, target, shard, s->first.file,
					 s->first.line, what, strcmp(what, "options") ? "s" : "");
		return -1;
	}
	if (s->seen[si]++) {
		m->err = g_strdup_printf("%s:%u: %s: shard %s given twice", o->at.file, o->at.line,
					 target, shard);
		return -1;
	}
	s->schedules += schedules;
	s->violations += violations;
	s->decisions += decisions;
	s->seconds += seconds;
	s->distinct_one = distinct;
	if (sigs && sigs->kind == J_ARR) {
		s->any_signatures = true;
		for (guint k = 0; k < sigs->arr->len; k++)
			g_hash_table_add(s->irq, g_strdup(sigs->arr->pdata[k]));
	}
	s->exhausted = s->exhausted && exhausted;
	s->stopped_first = s->stopped_first || stopped;
	if (bound > s->bound)
		s->bound = bound;
	if (!strncmp(verdict, "NONDETERMINISTIC", 16) && !s->nondet) {
		s->nondet = true;
		s->nondet_verdict = g_strdup(verdict);
	}
	if (!strcmp(verdict, "expected violation NOT found"))
		s->not_found = true;
	if (vline) {
		struct obj vo = {vh, vat, NULL};
		uint64_t run = u64_of(&vo, "run");
		if (strcmp(str_of(&vo, "target"), target)) {
			m->err = g_strdup_printf("%s:%u: a violation of %s followed by the summary of %s",
						 vat.file, vat.line, str_of(&vo, "target"), target);
			g_free(vo.err);
			return -1;
		}
		if (vo.err) {
			m->err = vo.err;
			return -1;
		}
		if (run % sn != si) {
			m->err = g_strdup_printf("%s:%u: schedule %llu is not one of shard %s",
						 vat.file, vat.line, (unsigned long long)run, shard);
			return -1;
		}
		if (!s->found || run < s->found_run) {
			if (s->vfields)
				g_hash_table_unref(s->vfields);
			g_free(s->found_line);
			g_free(s->found_verdict);
			s->found = true;
			s->vfields = g_hash_table_ref(vh);
			s->found_run = run;
			s->found_line = g_strdup(vline);
			s->found_verdict = g_strdup(verdict);
			s->found_exit = code;
		}
	}
	return 0;
}

static int read_file(struct merge *m, const char *path)
{
	char *text = NULL;
	gsize len = 0;
	GError *e = NULL;
	if (!strcmp(path, "-")) {
		GString *s = g_string_new(NULL);
		char buf[65536];
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
			g_string_append_len(s, buf, (gssize)n);
		len = s->len;
		text = g_string_free(s, FALSE);
	} else if (!g_file_get_contents(path, &text, &len, &e)) {
		m->err = g_strdup_printf("cannot read %s: %s", path, e->message);
		g_error_free(e);
		return -1;
	}
	if (strlen(text) != len) {
		m->err = g_strdup_printf("%s: not text (a NUL byte)", path);
		g_free(text);
		return -1;
	}
	char **lines = g_strsplit(text, "\n", -1);
	g_free(text);
	int rc = 0;
	char *vline = NULL; /* the violation line waiting for its summary */
	GHashTable *vh = NULL;
	struct where vat = {path, 0};
	for (unsigned i = 0; lines[i] && rc == 0; i++) {
		const char *l = lines[i];
		while (*l == ' ' || *l == '\t' || *l == '\r')
			l++;
		if (!*l)
			continue;
		struct obj o = {parse_object(l), {path, i + 1}, NULL};
		if (!o.h) {
			m->err = g_strdup_printf("%s:%u: not a JSON object (merge reads the lines of "
						 "uksim explore --json)",
						 path, i + 1);
			rc = -1;
			break;
		}
		const char *type = str_of(&o, "type");
		if (o.err) {
			m->err = o.err;
			o.err = NULL;
			rc = -1;
		} else if (!strcmp(type, "violation")) {
			if (vline) {
				m->err = g_strdup_printf("%s:%u: two violation lines without a summary "
							 "between them", path, i + 1);
				rc = -1;
			} else {
				vline = g_strdup(l);
				vh = g_hash_table_ref(o.h);
				vat.line = i + 1;
			}
		} else if (!strcmp(type, "summary")) {
			rc = add_summary(m, &o, vline, vh, vat);
			g_free(vline);
			vline = NULL;
			if (vh)
				g_hash_table_unref(vh);
			vh = NULL;
		} else {
			m->err = g_strdup_printf("%s:%u: a line of type \"%s\" (violation or summary "
						 "expected)", path, i + 1, type);
			rc = -1;
		}
		g_free(o.err);
		g_hash_table_unref(o.h);
	}
	if (rc == 0 && vline) {
		m->err = g_strdup_printf("%s:%u: a violation line without its summary (a shard cut "
					 "short?)", path, vat.line);
		rc = -1;
	}
	g_free(vline);
	if (vh)
		g_hash_table_unref(vh);
	g_strfreev(lines);
	return rc;
}

/* Every shard of every sweep, once. */
static int check_complete(struct merge *m)
{
	if (m->sweeps->len == 0) {
		m->err = g_strdup("no summary line in the input (merge reads the output of "
				  "uksim explore --json)");
		return -1;
	}
	for (guint i = 0; i < m->sweeps->len; i++) {
		struct sweep *s = m->sweeps->pdata[i];
		GString *missing = g_string_new(NULL);
		unsigned nmissing = 0;
		for (unsigned k = 0; k < s->nshards; k++)
			if (!s->seen[k] && nmissing++ < 8)
				g_string_append_printf(missing, "%s%u/%u", nmissing > 1 ? ", " : "", k,
						       s->nshards);
		if (nmissing) {
			m->err = g_strdup_printf("%s: %u of its %u shards missing (%s%s): the merged "
						 "result would not be the sweep's",
						 s->target, nmissing, s->nshards, missing->str,
						 nmissing > 8 ? ", ..." : "");
			g_string_free(missing, TRUE);
			return -1;
		}
		g_string_free(missing, TRUE);
	}
	return 0;
}

/* ---- Output, as uksim explore words it ---- */

static const char *found_str(struct sweep *s, const char *key)
{
	const struct jval *v = g_hash_table_lookup(s->vfields, key);
	return v && v->text ? v->text : "";
}

static uint64_t found_u64(struct sweep *s, const char *key)
{
	return g_ascii_strtoull(found_str(s, key), NULL, 10);
}

static const char *merged_verdict(struct sweep *s, int *code)
{
	if (s->nondet) {
		*code = UKSIM_EXIT_INTERNAL;
		return s->nondet_verdict;
	}
	if (s->found) {
		*code = s->found_exit;
		return s->found_verdict;
	}
	if (s->not_found) {
		*code = UKSIM_EXIT_FAILED;
		return "expected violation NOT found";
	}
	*code = UKSIM_EXIT_OK;
	return s->exhausted && !s->stopped_first ? "no violation (space exhausted)" : "no violation";
}

static uint64_t distinct_irq(struct sweep *s)
{
	return s->any_signatures ? g_hash_table_size(s->irq) : s->distinct_one;
}

static void print_json(struct sweep *s, const char *v, int code)
{
	if (s->found)
		printf("%s\n", s->found_line);
	double rate = s->seconds > 0 ? (double)s->schedules / s->seconds : 0;
	printf("{\"type\":\"summary\",\"target\":");
	uksim_json_string(stdout, s->target);
	printf(",\"strategy\":");
	uksim_json_string(stdout, s->strategy);
	printf(",\"seed\":%lld,\"shard\":\"0/1\",\"schedules\":%llu,\"violations\":%llu,"
	       "\"schedules_per_s\":%.1f,\"decisions_per_schedule\":%.2f,"
	       "\"distinct_irq_interleavings\":%llu,\"exhausted\":%s,\"stopped_at_first\":%s,"
	       "\"bound\":%u,\"verdict\":",
	       s->seed, (unsigned long long)s->schedules, (unsigned long long)s->violations, rate,
	       s->schedules ? (double)s->decisions / (double)s->schedules : 0,
	       (unsigned long long)distinct_irq(s), s->exhausted && !s->stopped_first ? "true" : "false",
	       s->stopped_first ? "true" : "false", s->bound);
	uksim_json_string(stdout, v);
	printf(",\"exit\":%d,\"decisions\":%llu,\"seconds\":%.3f,\"sweep\":", code,
	       (unsigned long long)s->decisions, s->seconds);
	uksim_json_string(stdout, s->sweep);
	printf(",\"merged_shards\":%u}\n", s->nshards);
}

static void print_human(struct sweep *s, const char *v, const char *prog)
{
	printf("merged %u shard%s of %s with %s (seed %lld)\n", s->nshards,
	       s->nshards == 1 ? "" : "s", s->target, s->strategy, s->seed);
	if (s->found) {
		const char *id = found_str(s, "id"), *args = found_str(s, "replay_args");
		char cpu[32] = "";
		if (strcmp(id, "expect"))
			snprintf(cpu, sizeof(cpu), " on CPU %s", found_str(s, "cpu"));
		printf("  violation %s in schedule %llu at %s ns%s: %s\n", id,
		       (unsigned long long)s->found_run, found_str(s, "time_ns"), cpu,
		       found_str(s, "message"));
		printf("  replay: %s replay %s%s --token %s\n", prog, s->target, args,
		       found_str(s, "token"));
		if (g_hash_table_contains(s->vfields, "shrunk_token")) {
			bool complete = !strcmp(found_str(s, "shrink_complete"), "true");
			uint64_t to = found_u64(s, "shrunk_departures"), runs = found_u64(s, "shrink_runs");
			printf("  shrunk from %s to %llu departure%s (%llu runs%s): %s replay %s%s "
			       "--token %s\n",
			       found_str(s, "departures"), (unsigned long long)to, to == 1 ? "" : "s",
			       (unsigned long long)runs, complete ? ", 1-minimal" : "", prog, s->target,
			       args, found_str(s, "shrunk_token"));
			if (!complete) {
				char why[96];
				if (g_hash_table_contains(s->vfields, "shrink_budget_runs"))
					snprintf(why, sizeof(why), "its budget of %s runs (--shrink-budget)",
						 found_str(s, "shrink_budget_runs"));
				else if (g_hash_table_contains(s->vfields, "shrink_budget_s"))
					snprintf(why, sizeof(why), "its budget of %s s (--shrink-time)",
						 found_str(s, "shrink_budget_s"));
				else
					snprintf(why, sizeof(why), "an unknown reason");
				printf("  shrinking stopped by %s after %llu runs: some of the %llu "
				       "departures left may not be needed\n",
				       why, (unsigned long long)runs, (unsigned long long)to);
			}
		}
	}
	if (!strcmp(s->strategy, "bounded")) {
		bool exhausted = s->exhausted && !s->stopped_first;
		printf("  %s with up to %u departure%s from virtual-time order\n",
		       s->stopped_first ? "stopped at the first violation"
		       : exhausted	? "space exhausted"
					: "search stopped",
		       s->bound, s->bound == 1 ? "" : "s");
	}
	printf("  %llu schedules in %.2f s (%.0f/s), %.1f choices per schedule, %llu distinct IRQ "
	       "interleavings\n",
	       (unsigned long long)s->schedules, s->seconds,
	       s->seconds > 0 ? (double)s->schedules / s->seconds : 0,
	       s->schedules ? (double)s->decisions / (double)s->schedules : 0,
	       (unsigned long long)distinct_irq(s));
	printf("  verdict: %s\n", v);
}

int uksim_cmd_merge(const struct uksim_cmd *cmd, int argc, char **argv)
{
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{"json", 0, 0, G_OPTION_ARG_NONE, &json,
		 "JSON lines, as uksim explore --json prints them unsharded", NULL},
		{0},
	};
	if (!uksim_parse(cmd, entries, &argc, &argv))
		return UKSIM_EXIT_USAGE;
	if (argc < 2) {
		fprintf(stderr, "uksim merge: which files? (the JSON lines of uksim explore --json "
				"--shard I/N, or - for standard input)\n");
		return UKSIM_EXIT_USAGE;
	}
	struct merge m = {g_ptr_array_new_with_free_func(sweep_free), NULL};
	int code = UKSIM_EXIT_OK;
	for (int i = 1; i < argc && !m.err; i++)
		read_file(&m, argv[i]);
	if (!m.err)
		check_complete(&m);
	if (m.err) {
		fprintf(stderr, "uksim merge: %s\n", m.err);
		code = UKSIM_EXIT_USAGE;
		goto out;
	}
	for (guint i = 0; i < m.sweeps->len; i++) {
		struct sweep *s = m.sweeps->pdata[i];
		int c;
		const char *v = merged_verdict(s, &c);
		if (json)
			print_json(s, v, c);
		else
			print_human(s, v, uksim_program());
		if (c > code)
			code = c;
	}
	if (!json && m.sweeps->len > 1) {
		printf("\n%-52s %10s %10s  %s\n", "target", "schedules", "per s", "verdict");
		for (guint i = 0; i < m.sweeps->len; i++) {
			struct sweep *s = m.sweeps->pdata[i];
			int c;
			const char *v = merged_verdict(s, &c);
			printf("%-52s %10llu %10.0f  %s%s\n", s->target, (unsigned long long)s->schedules,
			       s->seconds > 0 ? (double)s->schedules / s->seconds : 0, v,
			       c ? "  <--" : "");
		}
	}
out:
	g_free(m.err);
	g_ptr_array_free(m.sweeps, TRUE);
	return code;
}
