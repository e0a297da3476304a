/* SPDX-License-Identifier: MIT */
/*
 * Check tests of the trace exporters on a trace with every kind they draw:
 * the Chrome JSON must parse and hold the expected events; the VCD must be
 * well-formed (every change names a declared signal, times increase).
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hwmodel/trace.h>
#include <sim/export.h>
#include <ukern/irq_log.h>
#include <ukern/kernel.h>

static void sample_trace(struct sim_trace *t)
{
	sim_trace_init(t, 1000);
	/* Out of time order on purpose: CPUs' clocks interleave. */
	sim_trace_emit(t, 100, 0, UK_TRACE_CORE_SWITCH, 0, 1, 7);
	sim_trace_emit(t, 90, 1, UK_TRACE_CORE_SWITCH, 1, 2, 8);
	sim_trace_emit(t, 150, 0xffff, HW_TRACE_LINE, 0, 10, 1);
	sim_trace_emit(t, 151, 0xffff, HW_TRACE_MASK, 0, 10, 1);
	sim_trace_emit(t, 152, 0, UK_TRACE_IRQ(UK_IRQ_EV_BEGIN), 3, UINT32_MAX, 1);
	sim_trace_emit(t, 152, 0, UK_TRACE_IRQ(UK_IRQ_EV_SEQ), 3, 0, 1);
	sim_trace_emit(t, 152, 0, UK_TRACE_IRQ(UK_IRQ_EV_SEQ), 3, 1, 1);
	sim_trace_emit(t, 160, 0, SIM_TR_IRQ_TAKE, 0, 0, 0);
	sim_trace_emit(t, 300, 1, UK_TRACE_IRQ(UK_IRQ_EV_ACK), 3, 0, 1);
	sim_trace_emit(t, 310, 0xffff, HW_TRACE_LINE, 0, 10, 0);
	sim_trace_emit(t, 320, 1, UK_TRACE_IRQ(UK_IRQ_EV_END), 3, UINT32_MAX, 1);
	sim_trace_emit(t, 321, 0xffff, HW_TRACE_MASK, 0, 10, 0);
	sim_trace_emit(t, 400, 0, UK_TRACE_CORE_RUNQ, 0, 2, 0);
	sim_trace_emit(t, 410, 0, UK_TRACE_IPC_CALL, 99, 4, 7);
	sim_trace_emit(t, 420, 1, UK_TRACE_IPC_RECV, 99, 4, 8);
	sim_trace_emit(t, 500, 0, UK_TRACE_CORE_SWITCH, 0, 7, 1);
}

/* A strict little JSON checker: returns the end of the value, or NULL. */
static const char *json_value(const char *p, int depth);

static const char *ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p && *p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
				p += 4;
			} else if (!strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return *p == '"' ? p + 1 : NULL;
}

static const char *json_number(const char *p)
{
	const char *q = p;
	if (*q == '-')
		q++;
	if (!isdigit((unsigned char)*q))
		return NULL;
	while (isdigit((unsigned char)*q))
		q++;
	if (*q == '.') {
		q++;
		if (!isdigit((unsigned char)*q))
			return NULL;
		while (isdigit((unsigned char)*q))
			q++;
	}
	return q;
}

static const char *json_value(const char *p, int depth)
{
	p = ws(p);
	if (depth > 32)
		return NULL;
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool obj = *p == '{';
		p = ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				p = json_string(ws(p));
				if (!p || *(p = ws(p)) != ':')
					return NULL;
				p++;
			}
			p = json_value(p, depth + 1);
			if (!p)
				return NULL;
			p = ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (*p == '"')
		return json_string(p);
	if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	return json_number(p);
}

static char *export_to_string(bool vcd, const struct sim_trace *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(vcd ? sim_export_vcd(t, "test", f) : sim_export_chrome(t, 2, "test \"x\"", f), 0);
	fclose(f);
	return buf;
}

START_TEST(chrome_json_parses_and_holds_the_events)
{
	struct sim_trace t;
	sample_trace(&t);
	char *json = export_to_string(false, &t);
	const char *end = json_value(json, 0);
	ck_assert_ptr_nonnull(end);
	ck_assert_str_eq(ws(end), "");
	/* A track per CPU, the threads that ran, the episode, the line, the flow. */
	ck_assert_ptr_nonnull(strstr(json, "\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":1"));
	ck_assert_ptr_nonnull(strstr(json, "\"name\":\"thread 7\",\"cat\":\"thread\",\"ph\":\"X\",\"pid\":1,\"tid\":0,\"ts\":0.100,\"dur\":0.400"));
	ck_assert_ptr_nonnull(strstr(json, "\"name\":\"pin 3\",\"cat\":\"irq\",\"ph\":\"b\",\"id\":3"));
	ck_assert_ptr_nonnull(strstr(json, "\"name\":\"pin 3\",\"cat\":\"irq\",\"ph\":\"e\",\"id\":3"));
	ck_assert_ptr_nonnull(strstr(json, "\"name\":\"irq.ack\""));
	ck_assert_ptr_nonnull(strstr(json, "\"name\":\"controller 0 pin 10 level\",\"ph\":\"C\""));
	ck_assert_ptr_nonnull(strstr(json, "\"name\":\"ready on CPU 0\",\"ph\":\"C\""));
	ck_assert_ptr_nonnull(strstr(json, "\"ph\":\"s\",\"id\":99"));
	ck_assert_ptr_nonnull(strstr(json, "\"ph\":\"f\",\"id\":99"));
	ck_assert_ptr_nonnull(strstr(json, "CPUs: test \\\"x\\\""));
	free(json);
	sim_trace_fini(&t);
}
END_TEST

START_TEST(vcd_is_well_formed)
{
	struct sim_trace t;
	sample_trace(&t);
	char *vcd = export_to_string(true, &t);
	char ids[16][8];
	unsigned nids = 0;
	bool defs_done = false;
	long last_time = -1;
	unsigned changes = 0;
	char *save = NULL;
	for (char *line = strtok_r(vcd, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char id[8];
		unsigned width;
		if (sscanf(line, "$var wire %u %7s", &width, id) == 2 ||
		    sscanf(line, "$var reg %u %7s", &width, id) == 2) {
			ck_assert(!defs_done);
			ck_assert_uint_lt(nids, 16);
			strcpy(ids[nids++], id);
			continue;
		}
		if (!strcmp(line, "$enddefinitions $end")) {
			defs_done = true;
			continue;
		}
		if (!defs_done || line[0] == '$')
			continue;
		if (line[0] == '#') {
			long tm = atol(line + 1);
			ck_assert_int_gt(tm, last_time);
			last_time = tm;
			continue;
		}
		const char *ref = line[0] == 'b' ? strchr(line, ' ') + 1 : line + 1;
		ck_assert(line[0] == '0' || line[0] == '1' || line[0] == 'b');
		bool known = false;
		for (unsigned i = 0; i < nids; i++)
			known |= !strcmp(ids[i], ref);
		ck_assert_msg(known, "change of an undeclared signal: %s", line);
		changes++;
	}
	ck_assert(defs_done);
	/* level, mask, in-service and two sequences. */
	ck_assert_uint_eq(nids, 5);
	ck_assert_uint_ge(changes, 5 + 7);
	free(vcd);
	sim_trace_fini(&t);
}
END_TEST

START_TEST(names_and_descriptions)
{
	ck_assert_str_eq(sim_trace_kind_name(UK_TRACE_IRQ(UK_IRQ_EV_NOBODY)), "irq.nobody-cared");
	ck_assert_str_eq(sim_trace_kind_name(HW_TRACE_LINE), "hw.line");
	ck_assert_ptr_null(sim_trace_kind_name(0x7fff));
	struct sim_trace_rec r = {.kind = UK_TRACE_IRQ(UK_IRQ_EV_ACK), .a = 3, .b = 1, .c = 9};
	char buf[128];
	sim_trace_describe(&r, buf, sizeof(buf));
	ck_assert_str_eq(buf, "sink 1 ACKs sequence 9 on pin 3");
	r.kind = 0x7fff;
	sim_trace_describe(&r, buf, sizeof(buf));
	ck_assert_str_eq(buf, "event 0x7fff 3 1 9");
}
END_TEST

/* Issue 15 defect 7: the one JSON string writer keeps valid UTF-8 and
 * replaces every byte that does not start a well-formed sequence. */
static void json_of(const char *in, char *out, size_t len)
{
	FILE *f = fmemopen(out, len, "w");
	ck_assert_ptr_nonnull(f);
	sim_json_string(f, in);
	fclose(f);
}

START_TEST(json_strings_are_valid_utf8)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"plain", "\"plain\""},
		{"q\"b\\n\nt\t\x01\x7f", "\"q\\\"b\\\\n\\nt\\t\\u0001\\u007f\""},
		{"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""},
		{"bad\xff\xfename", "\"bad\\ufffd\\ufffdname\""},
		{"\xc0\xaf", "\"\\ufffd\\ufffd\""},             /* overlong '/' */
		{"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""},   /* a surrogate */
		{"\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""}, /* above U+10FFFF */
		{"cut\xe2\x82", "\"cut\\ufffd\\ufffd\""},        /* truncated at the end */
	};
	char buf[256];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_of(cases[i].in, buf, sizeof(buf));
		ck_assert_str_eq(buf, cases[i].want);
	}
	json_of(NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "\"\"");
	/* Inside <script> (the HTML report): no "</" either. */
	char *q = sim_json_quote("a</b>&\xff", SIM_JSON_SCRIPT);
	ck_assert_str_eq(q, "\"a\\u003c/b\\u003e\\u0026\\ufffd\"");
	free(q);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("export");
	tcase_add_test(tc, chrome_json_parses_and_holds_the_events);
	tcase_add_test(tc, vcd_is_well_formed);
	tcase_add_test(tc, names_and_descriptions);
	tcase_add_test(tc, json_strings_are_valid_utf8);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
