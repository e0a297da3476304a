/* SPDX-License-Identifier: MIT */
/*
 * Replay tokens.
 *
 *   uk2-HHHHHHHHHHHHHHHH-BBBBBBBB-E[.OOOOOOOO...]-<schedule>
 *
 * uk2 is the format version, H the target's content hash, B the low 32 bits
 * of the build id, E whether the build checks invariants ('c') or not
 * ('n'), each O the first 32 bits of the SHA-256 of a shared object loaded
 * (in load order, as `sha256sum` prints them), and the schedule one of
 *   r<seed>                       random chooser
 *   p<seed>.<depth>.<horizon>     PCT
 *   s[<delta>.<option>[_...]]     scripted: departures from the defaults,
 *                                 each choice index as the distance from the
 *                                 previous one
 * with numbers in base 36. Only [0-9a-z.-_] appear, so a token survives
 * copy and paste and any shell.
 *
 * A schedule replays to the same trace only on the same scenario, build,
 * checks and shared objects, so decoding compares each and names the first
 * that differs. One hash per object (they are few) lets it say which
 * object differs, not only that the set did. uk1 tokens recorded neither
 * the checks nor the objects: they are refused with a word to explore again
 * (their build id differs from any build that reads uk2 anyway).
 */
#include <sim/explore.h>

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_config.h"
#include "build_id.h"

#define TOKEN_VERSION "uk2"
#define TOKEN_MAX_OBJECTS 64 /* a sanity bound for decoding */

uint64_t sim_build_id(void)
{
	/* FNV-1a over the build's identity (version and source revision). */
	uint64_t h = 0xcbf29ce484222325ull;
	for (const char *p = SIM_BUILD_ID; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	return h;
}

bool sim_build_checking(void)
{
	return SIM_BUILD_CHECKING != 0;
}

struct sim_token_env sim_token_env_of(const struct sim_target *t)
{
	return (struct sim_token_env){.checking = sim_build_checking(),
				      .objects = t->objects,
				      .nobjects = t->nobjects};
}

/* The part of an object's hash a token keeps: the first 8 hex digits of
 * its SHA-256. */
static uint32_t object_short(uint64_t hash)
{
	return (uint32_t)(hash >> 32);
}

static void put36(GString *s, uint64_t v)
{
	char buf[16];
	int n = 0;
	do {
		unsigned d = (unsigned)(v % 36);
		buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= 36;
	} while (v);
	while (n--)
		g_string_append_c(s, buf[n]);
}

static bool get36(const char **p, uint64_t *out)
{
	uint64_t v = 0;
	const char *q = *p;
	if (!g_ascii_isalnum(*q))
		return false;
	for (; g_ascii_isalnum(*q); q++) {
		unsigned d = g_ascii_isdigit(*q) ? (unsigned)(*q - '0') : (unsigned)(g_ascii_tolower(*q) - 'a' + 10);
		if (d >= 36 || v > (UINT64_MAX - d) / 36)
			return false;
		v = v * 36 + d;
	}
	*p = q;
	*out = v;
	return true;
}

char *sim_token_encode_env(uint64_t target_hash, const struct sim_token_env *env,
			   const struct sim_schedule *s)
{
	GString *t = g_string_new(NULL);
	g_string_append_printf(t, TOKEN_VERSION "-%016llx-%08llx-%c", (unsigned long long)target_hash,
			       (unsigned long long)(sim_build_id() & 0xffffffffull),
			       env->checking ? 'c' : 'n');
	for (size_t i = 0; i < env->nobjects; i++)
		g_string_append_printf(t, ".%08x", (unsigned)object_short(env->objects[i].hash));
	g_string_append_c(t, '-');
	switch (s->strategy) {
	case SIM_STRAT_RANDOM:
		g_string_append_c(t, 'r');
		put36(t, s->seed);
		break;
	case SIM_STRAT_PCT:
		g_string_append_c(t, 'p');
		put36(t, s->seed);
		g_string_append_c(t, '.');
		put36(t, s->depth);
		g_string_append_c(t, '.');
		put36(t, s->horizon);
		break;
	default: {
		g_string_append_c(t, 's');
		uint64_t prev = 0;
		for (size_t i = 0; i < s->ndev; i++) {
			if (i)
				g_string_append_c(t, '_');
			put36(t, s->dev[i].index - prev);
			g_string_append_c(t, '.');
			put36(t, s->dev[i].choice);
			prev = s->dev[i].index;
		}
		break;
	}
	}
	return g_string_free(t, FALSE);
}

char *sim_token_encode(uint64_t target_hash, const struct sim_schedule *s)
{
	struct sim_token_env env = {.checking = sim_build_checking()};
	return sim_token_encode_env(target_hash, &env, s);
}

static int bad(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "malformed replay token: %s", what);
	return -1;
}

static int decode_script(const char *p, struct sim_schedule *out, char *err, size_t errlen)
{
	size_t cap = 0;
	uint64_t prev = 0;
	while (*p) {
		uint64_t delta, choice;
		if (out->ndev && *p++ != '_')
			return bad(err, errlen, "expected '_' between departures");
		if (!get36(&p, &delta) || *p++ != '.' || !get36(&p, &choice))
			return bad(err, errlen, "a departure is not INDEX.OPTION");
		if (choice > 255 || prev + delta > UINT32_MAX || (out->ndev && delta == 0))
			return bad(err, errlen, "a departure is out of range");
		if (out->ndev == cap) {
			cap = cap ? cap * 2 : 8;
			struct sim_deviation *d = realloc(out->dev, cap * sizeof(*d));
			if (!d)
				return bad(err, errlen, "out of memory");
			out->dev = d;
		}
		prev += delta;
		out->dev[out->ndev++] = (struct sim_deviation){(uint32_t)prev, (uint8_t)choice};
	}
	return 0;
}

/* Exactly 8 hex digits. */
static bool get_hex32(const char **p, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		int d = g_ascii_xdigit_value((*p)[i]);
		if (d < 0 || g_ascii_isupper((*p)[i]))
			return false;
		v = v << 4 | (uint32_t)d;
	}
	*p += 8;
	*out = v;
	return true;
}

static bool has_short(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The same objects in another order? */
static bool same_set(const uint32_t *tok, const uint32_t *now, size_t n)
{
	uint32_t *a = g_new(uint32_t, n ? n : 1), *b = g_new(uint32_t, n ? n : 1);
	memcpy(a, tok, n * sizeof(*a));
	memcpy(b, now, n * sizeof(*b));
	qsort(a, n, sizeof(*a), cmp_u32);
	qsort(b, n, sizeof(*b), cmp_u32);
	bool same = n == 0 || !memcmp(a, b, n * sizeof(*a));
	g_free(a);
	g_free(b);
	return same;
}

/* Compare the token's objects with the ones loaded now; on a difference
 * say which objects differ, as far as 32-bit hashes without names allow. */
static int check_objects(const uint32_t *tok, size_t ntok, const struct sim_token_env *env,
			 char *err, size_t errlen)
{
	size_t n = env->nobjects;
	uint32_t *now = g_new(uint32_t, n ? n : 1);
	for (size_t i = 0; i < n; i++)
		now[i] = object_short(env->objects[i].hash);
	if (n == ntok && (n == 0 || !memcmp(now, tok, n * sizeof(*now)))) {
		g_free(now);
		return 0;
	}
	GString *m = g_string_new(NULL);
	if (n == ntok && same_set(tok, now, n)) {
		g_string_append(m, "the token was made with the same shared objects loaded in "
				   "another order (then:");
		for (size_t i = 0; i < ntok; i++)
			g_string_append_printf(m, " %08x", (unsigned)tok[i]);
		g_string_append(m, "; now:");
		for (size_t i = 0; i < n; i++)
			g_string_append_printf(m, " %s %08x", env->objects[i].name, (unsigned)now[i]);
		g_string_append(m, "): load them in the token's order");
	} else if (n == ntok) {
		/* Same count: the objects at the same place in load order are
		 * the same object rebuilt or replaced. */
		size_t ndiff = 0;
		for (size_t i = 0; i < n; i++)
			ndiff += now[i] != tok[i];
		g_string_append_printf(m, "shared object%s ", ndiff == 1 ? "" : "s");
		for (size_t i = 0, k = 0; i < n; i++) {
			if (now[i] == tok[i])
				continue;
			const char *sep = k == 0 ? "" : k + 1 == ndiff ? " and " : ", ";
			g_string_append_printf(m, "%s%s (token %08x, now %08x)", sep,
					       env->objects[i].name, (unsigned)tok[i],
					       (unsigned)now[i]);
			k++;
		}
		g_string_append_printf(m,
				       " differ%s from the one%s the token was made with: "
				       "rebuilt or replaced since; run the explorer again",
				       ndiff == 1 ? "s" : "", ndiff == 1 ? "" : "s");
	} else {
		if (ntok)
			g_string_append_printf(m, "the token was made with %zu shared object%s loaded",
					       ntok, ntok == 1 ? "" : "s");
		else
			g_string_append(m, "the token was made with no shared objects loaded");
		if (n)
			g_string_append_printf(m, ", this run loads %zu", n);
		else
			g_string_append(m, ", this run loads none");
		const char *sep = ": ";
		for (size_t i = 0; i < n; i++)
			if (!has_short(tok, ntok, now[i])) {
				g_string_append_printf(m, "%s%s (%08x) was not loaded then", sep,
						       env->objects[i].name, (unsigned)now[i]);
				sep = ", ";
			}
		for (size_t i = 0; i < ntok; i++)
			if (!has_short(now, n, tok[i])) {
				g_string_append_printf(m, "%sthe token's %08x is not loaded now", sep,
						       (unsigned)tok[i]);
				sep = ", ";
			}
		g_string_append(m, "; load the same objects, or run the explorer again");
	}
	snprintf(err, errlen, "%s", m->str);
	g_string_free(m, TRUE);
	g_free(now);
	return -1;
}

int sim_token_decode_env(const char *token, uint64_t target_hash, const struct sim_token_env *env,
			 struct sim_schedule *out, char *err, size_t errlen)
{
	*out = (struct sim_schedule){.strategy = SIM_STRAT_SCRIPT};
	unsigned long long hash, build;
	int used = 0;
	if (strncmp(token, "uk", 2) != 0)
		return bad(err, errlen, "it does not start with 'uk'");
	if (strncmp(token, "uk1-", 4) == 0) {
		snprintf(err, errlen,
			 "replay token format 'uk1' was made by an older uksim, which did not record "
			 "the build's invariant checks and shared objects: run the explorer again");
		return -1;
	}
	if (strncmp(token, TOKEN_VERSION "-", 4) != 0) {
		snprintf(err, errlen, "replay token format '%.*s' is not the one this build reads (%s)",
			 (int)strcspn(token, "-"), token, TOKEN_VERSION);
		return -1;
	}
	if (sscanf(token + 4, "%16llx-%8llx-%n", &hash, &build, &used) != 2 || used != 26)
		return bad(err, errlen, "expected uk2-HASH-BUILD-CHECKS-SCHEDULE");
	if (hash != target_hash) {
		snprintf(err, errlen,
			 "the token was made for another version of this scenario (hash %016llx, the "
			 "file now hashes to %016llx): run the explorer again",
			 hash, (unsigned long long)target_hash);
		return -1;
	}
	if (build != (sim_build_id() & 0xffffffffull)) {
		snprintf(err, errlen,
			 "the token was made by another build of uksim (%08llx, this one is %08llx): "
			 "schedules need not replay across builds",
			 build, (unsigned long long)(sim_build_id() & 0xffffffffull));
		return -1;
	}
	const char *p = token + 4 + used;
	bool checking = *p == 'c';
	if (*p != 'c' && *p != 'n')
		return bad(err, errlen, "expected 'c' or 'n' (invariant checks) after the build id");
	p++;
	uint32_t tok_obj[TOKEN_MAX_OBJECTS];
	size_t ntok = 0;
	while (*p == '.') {
		p++;
		if (ntok == TOKEN_MAX_OBJECTS)
			return bad(err, errlen, "too many shared objects");
		if (!get_hex32(&p, &tok_obj[ntok++]))
			return bad(err, errlen, "a shared object's hash is not 8 hex digits");
	}
	if (*p++ != '-')
		return bad(err, errlen, "expected '-' before the schedule");
	if (checking != env->checking) {
		snprintf(err, errlen,
			 "the token was made by a build with invariant checks %s; this build has "
			 "them %s (meson option checking): the schedule need not replay to the "
			 "same trace; replay it on a build with -Dchecking=%s, or run the "
			 "explorer again",
			 checking ? "on" : "off", env->checking ? "on" : "off",
			 checking ? "true" : "false");
		return -1;
	}
	if (check_objects(tok_obj, ntok, env, err, errlen) != 0)
		return -1;
	uint64_t v;
	switch (*p++) {
	case 'r':
		out->strategy = SIM_STRAT_RANDOM;
		if (!get36(&p, &out->seed) || *p)
			return bad(err, errlen, "expected r<seed>");
		return 0;
	case 'p':
		out->strategy = SIM_STRAT_PCT;
		if (!get36(&p, &out->seed) || *p++ != '.' || !get36(&p, &v) || v > 1000 || *p++ != '.' ||
		    !get36(&p, &out->horizon) || *p)
			return bad(err, errlen, "expected p<seed>.<depth>.<horizon>");
		out->depth = (unsigned)v;
		return 0;
	case 's':
		if (decode_script(p, out, err, errlen) != 0) {
			sim_schedule_fini(out);
			return -1;
		}
		return 0;
	default:
		return bad(err, errlen, "unknown schedule kind (expected r, p or s)");
	}
}

int sim_token_decode(const char *token, uint64_t target_hash, struct sim_schedule *out, char *err,
		     size_t errlen)
{
	struct sim_token_env env = {.checking = sim_build_checking()};
	return sim_token_decode_env(token, target_hash, &env, out, err, errlen);
}
