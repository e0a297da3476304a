/* SPDX-License-Identifier: MIT */
/*
 * json.c: the one JSON string writer of sim and uksim. Every JSON output
 * (uksim --json, run reports and their names table, Chrome traces, the
 * HTML report's data) writes its strings here, so a file or scenario name
 * that is not UTF-8 still gives valid JSON: each byte that does not start a
 * well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF) becomes U+FFFD, written as the escape \ufffd.
 * Control characters are escaped; the rest is copied.
 */
#include <sim/export.h>

#include <stdlib.h>
#include <string.h>

/* The length of the well-formed UTF-8 sequence at `s`, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 &&
				       (s[3] & 0xc0) == 0x80
			       ? 4
			       : 0;
	}
	return 0;
}

/* Where the escaped text goes: a stream, or a growing buffer. */
struct sink {
	FILE *f;
	char *buf;
	size_t len, cap;
	bool oom;
};

static void put(struct sink *k, const void *p, size_t n)
{
	if (k->f) {
		fwrite(p, 1, n, k->f);
		return;
	}
	if (k->oom)
		return;
	if (k->len + n + 1 > k->cap) {
		size_t cap = (k->cap ? k->cap * 2 : 64) + n;
		char *b = realloc(k->buf, cap);
		if (!b) {
			k->oom = true;
			return;
		}
		k->buf = b;
		k->cap = cap;
	}
	memcpy(k->buf + k->len, p, n);
	k->len += n;
	k->buf[k->len] = 0;
}

static void put_s(struct sink *k, const char *s)
{
	put(k, s, strlen(s));
}

static void escape(struct sink *k, const char *str, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	char u[8];
	put_s(k, "\"");
	while (*s) {
		unsigned char c = *s;
		size_t n = utf8_len(s); /* a NUL inside a sequence makes it 0 */
		if (n == 0) {
			put_s(k, "\\ufffd");
			s++;
			continue;
		}
		if (n > 1) {
			put(k, s, n);
			s += n;
			continue;
		}
		s++;
		if (c == '"' || c == '\\') {
			u[0] = '\\';
			u[1] = (char)c;
			put(k, u, 2);
		} else if (c == '\n') {
			put_s(k, "\\n");
		} else if (c == '\t') {
			put_s(k, "\\t");
		} else if (c < 0x20 || c == 0x7f ||
			   ((flags & SIM_JSON_SCRIPT) && (c == '<' || c == '>' || c == '&'))) {
			static const char hex[] = "0123456789abcdef";
			memcpy(u, "\\u00", 4);
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			put(k, u, 6);
		} else {
			put(k, &c, 1);
		}
	}
	put_s(k, "\"");
}

void sim_json_write(FILE *f, const char *s, unsigned flags)
{
	struct sink k = {.f = f};
	escape(&k, s, flags);
}

void sim_json_string(FILE *f, const char *s)
{
	sim_json_write(f, s, 0);
}

char *sim_json_quote(const char *s, unsigned flags)
{
	struct sink k = {0};
	escape(&k, s, flags);
	if (k.oom) {
		free(k.buf);
		return NULL;
	}
	return k.buf;
}
