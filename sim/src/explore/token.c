/* SPDX-License-Identifier: MIT */
/*
 * Replay tokens.
 *
 *   uk1-HHHHHHHHHHHHHHHH-BBBBBBBB-<schedule>
 *
 * uk1 is the format version, H the target's content hash, B the low 32 bits
 * of the build id, and the schedule one of
 *   r<seed>                       random chooser
 *   p<seed>.<depth>.<horizon>     PCT
 *   s[<delta>.<option>[_...]]     scripted: departures from the defaults,
 *                                 each choice index as the distance from the
 *                                 previous one
 * with numbers in base 36. Only [0-9a-z.-_] appear, so a token survives
 * copy and paste and any shell.
 */
#include <sim/explore.h>

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_id.h"

#define TOKEN_VERSION "uk1"

uint64_t sim_build_id(void)
{
	/* FNV-1a over the build's identity (version and source revision). */
	uint64_t h = 0xcbf29ce484222325ull;
	for (const char *p = SIM_BUILD_ID; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	return h;
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

char *sim_token_encode(uint64_t target_hash, const struct sim_schedule *s)
{
	GString *t = g_string_new(NULL);
	g_string_append_printf(t, TOKEN_VERSION "-%016llx-%08llx-", (unsigned long long)target_hash,
			       (unsigned long long)(sim_build_id() & 0xffffffffull));
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

int sim_token_decode(const char *token, uint64_t target_hash, struct sim_schedule *out, char *err,
		     size_t errlen)
{
	*out = (struct sim_schedule){.strategy = SIM_STRAT_SCRIPT};
	unsigned long long hash, build;
	int used = 0;
	if (strncmp(token, "uk", 2) != 0)
		return bad(err, errlen, "it does not start with 'uk'");
	if (strncmp(token, TOKEN_VERSION "-", 4) != 0) {
		snprintf(err, errlen, "replay token format '%.*s' is not the one this build reads (%s)",
			 (int)strcspn(token, "-"), token, TOKEN_VERSION);
		return -1;
	}
	if (sscanf(token + 4, "%16llx-%8llx-%n", &hash, &build, &used) != 2 || used != 26)
		return bad(err, errlen, "expected uk1-HASH-BUILD-SCHEDULE");
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
