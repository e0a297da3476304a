/* SPDX-License-Identifier: MIT */
/*
 * Value change dump (IEEE 1364 VCD) of the interrupt machinery, for GTKWave.
 *
 *   scope hw:     per controller pin seen in the trace: line level, mask bit,
 *                 remote IRR (1-bit wires);
 *   scope kernel: per kernel IRQ pin: in service (an episode is open), the
 *                 CPU it interrupts (a 32-bit vector, from its routes), and
 *                 per sink its sequence number; the machine's suspended
 *                 state (1 bit).
 * Time unit 1 ns. Signals start at 0 and change at the records' times.
 */
#include <sim/export.h>

#include <hwmodel/trace.h>
#include <stdlib.h>
#include <string.h>
#include <ukern/irq_log.h>
#include <ukern/kernel.h>

enum sig_kind { SIG_LINE, SIG_MASK, SIG_RIRR, SIG_SERVICE, SIG_SEQ, SIG_CPU, SIG_SUSPENDED };

struct signal {
	enum sig_kind kind;
	uint64_t a, b; /* ctrl/pin, kernel pin, or kernel pin/sink */
	char id[8];
};

struct sigtab {
	struct signal *s;
	size_t n, cap;
};

static const char *const kind_names[] = {"level", "mask", "remote_irr", "in_service", "seq",
					 "cpu", "suspended"};

static void make_id(size_t i, char *id)
{
	/* Identifiers from the printable range '!'..'~' (94 symbols). */
	int n = 0;
	do {
		id[n++] = (char)('!' + i % 94);
		i /= 94;
	} while (i && n < 7);
	id[n] = 0;
}

static struct signal *find(struct sigtab *t, enum sig_kind k, uint64_t a, uint64_t b, bool add)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->s[i].kind == k && t->s[i].a == a && t->s[i].b == b)
			return &t->s[i];
	if (!add)
		return NULL;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 32;
		struct signal *s = realloc(t->s, cap * sizeof(*s));
		if (!s)
			return NULL;
		t->s = s;
		t->cap = cap;
	}
	struct signal *s = &t->s[t->n];
	*s = (struct signal){k, a, b, {0}};
	make_id(t->n, s->id);
	t->n++;
	return s;
}

/* The signal a record changes, and its new value. */
static struct signal *affects(struct sigtab *t, const struct sim_trace_rec *r, uint64_t *v, bool add)
{
	switch (r->kind) {
	case HW_TRACE_LINE:
		*v = r->c != 0;
		return find(t, SIG_LINE, r->a, r->b, add);
	case HW_TRACE_MASK:
		*v = r->c != 0;
		return find(t, SIG_MASK, r->a, r->b, add);
	case HW_TRACE_REMOTE_IRR:
		*v = r->c != 0;
		return find(t, SIG_RIRR, r->a, r->b, add);
	case UK_TRACE_IRQ(UK_IRQ_EV_BEGIN):
		*v = 1;
		return find(t, SIG_SERVICE, r->a, 0, add);
	case UK_TRACE_IRQ(UK_IRQ_EV_END):
		*v = 0;
		return find(t, SIG_SERVICE, r->a, 0, add);
	case UK_TRACE_IRQ(UK_IRQ_EV_SEQ):
		*v = r->c;
		return find(t, SIG_SEQ, r->a, r->b, add);
	case UK_TRACE_IRQ_ROUTE:
		if (r->c == 1)
			return NULL; /* a move that waits for the episode's end */
		*v = r->b;
		return find(t, SIG_CPU, r->a, 0, add);
	case UK_TRACE_CORE_PM:
		*v = r->a != 0;
		return find(t, SIG_SUSPENDED, 0, 0, add);
	default:
		return NULL;
	}
}

static void var_line(FILE *f, const struct signal *s)
{
	if (s->kind == SIG_SEQ)
		fprintf(f, "$var reg 32 %s pin%llu_sink%llu_seq $end\n", s->id, (unsigned long long)s->a,
			(unsigned long long)s->b);
	else if (s->kind == SIG_CPU)
		fprintf(f, "$var reg 32 %s pin%llu_cpu $end\n", s->id, (unsigned long long)s->a);
	else if (s->kind == SIG_SUSPENDED)
		fprintf(f, "$var wire 1 %s suspended $end\n", s->id);
	else if (s->kind == SIG_SERVICE)
		fprintf(f, "$var wire 1 %s pin%llu_in_service $end\n", s->id, (unsigned long long)s->a);
	else
		fprintf(f, "$var wire 1 %s ctrl%llu_pin%llu_%s $end\n", s->id, (unsigned long long)s->a,
			(unsigned long long)s->b, kind_names[s->kind]);
}

static void value(FILE *f, const struct signal *s, uint64_t v)
{
	if (s->kind != SIG_SEQ && s->kind != SIG_CPU) {
		fprintf(f, "%c%s\n", v ? '1' : '0', s->id);
		return;
	}
	fputc('b', f);
	bool lead = true;
	for (int bit = 31; bit >= 0; bit--) {
		int one = (v >> bit) & 1;
		if (one || !lead || bit == 0) {
			fputc(one ? '1' : '0', f);
			lead = false;
		}
	}
	fprintf(f, " %s\n", s->id);
}

int sim_export_vcd(const struct sim_trace *t, const char *title, FILE *f)
{
	size_t n;
	struct sim_trace_rec *r = sim_trace_sorted(t, &n);
	struct sigtab tab = {0};
	uint64_t v;

	for (size_t i = 0; i < n; i++)
		affects(&tab, &r[i], &v, true);
	fprintf(f, "$date simulated $end\n$version ukern uksim $end\n$comment %s $end\n",
		title ? title : "");
	fputs("$timescale 1 ns $end\n$scope module ukern $end\n$scope module hw $end\n", f);
	for (size_t i = 0; i < tab.n; i++)
		if (tab.s[i].kind <= SIG_RIRR)
			var_line(f, &tab.s[i]);
	fputs("$upscope $end\n$scope module kernel $end\n", f);
	for (size_t i = 0; i < tab.n; i++)
		if (tab.s[i].kind > SIG_RIRR)
			var_line(f, &tab.s[i]);
	fputs("$upscope $end\n$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n", f);
	for (size_t i = 0; i < tab.n; i++)
		value(f, &tab.s[i], 0);
	fputs("$end\n", f);
	uint64_t now = 0;
	for (size_t i = 0; i < n; i++) {
		struct signal *s = affects(&tab, &r[i], &v, false);
		if (!s)
			continue;
		if (r[i].time != now) {
			now = r[i].time;
			fprintf(f, "#%llu\n", (unsigned long long)now);
		}
		value(f, s, v);
	}
	free(tab.s);
	free(r);
	return ferror(f) ? -1 : 0;
}
