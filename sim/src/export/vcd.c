/* SPDX-License-Identifier: MIT */
/*
 * Value change dump (IEEE 1364 VCD) of the interrupt machinery, for GTKWave.
 * Signals carry the scenario's names, so the same scenario gives the same
 * signal names (and, sorted by name, the same identifiers) from run to run
 * whatever ids the kernel handed out:
 *
 *   scope devices: per device its interrupt output as the controller sees
 *                  it (`nic0.line`: the level of the line it drives), its
 *                  interrupt status (`nic0.status`: set by the timeline's
 *                  assert, cleared by deassert, reset, or the driver's
 *                  clear as the runtime saw it, SIM_TR_DEV_CLEAR), and for
 *                  an MSI device the messages it sent (`nic1.msi`, a count);
 *   scope hw:      per controller line: level, mask bit, remote IRR
 *                  (`ioapic10.level`, `ioapic10.mask`, `ioapic10.remote_irr`);
 *   scope kernel:  per kernel IRQ line: in service (an episode is open), the
 *                  CPU it interrupts (`ioapic10.cpu`, from its routes); per
 *                  sink its sequence number, named after the thread that
 *                  attached it (`nicdrv.main.seq`); the machine's suspended
 *                  state (1 bit).
 *
 * Without names, ids stand in ("controller_0_pin_10.level", "pin_0.cpu").
 * Time unit 1 ns. Signals start at 0 and change at the records' times.
 */
#include <sim/export.h>

#include <hwmodel/dev.h>
#include <hwmodel/trace.h>
#include <stdlib.h>
#include <string.h>
#include <ukern/irq_log.h>
#include <ukern/kernel.h>

enum sig_kind {
	SIG_DEV_LINE, SIG_DEV_STATUS, SIG_DEV_MSI,     /* scope devices */
	SIG_LINE, SIG_MASK, SIG_RIRR,                  /* scope hw */
	SIG_SERVICE, SIG_SEQ, SIG_CPU, SIG_SUSPENDED,  /* scope kernel */
};
#define SIG_FIRST_HW SIG_LINE
#define SIG_FIRST_KERNEL SIG_SERVICE

struct signal {
	enum sig_kind kind;
	uint64_t a, b; /* ctrl/pin, kernel pin, sink, device */
	uint64_t value;
	char name[SIM_NAME_MAX + 48];
	char id[8];
};

struct sigtab {
	struct signal *s;
	size_t n, cap;
	const struct sim_names *names;
	bool failed;
};

static const char *const suffix[] = {"line", "status", "msi", "level", "mask", "remote_irr",
				     "in_service", "seq", "cpu", "suspended"};

static bool wide(enum sig_kind k)
{
	return k == SIG_SEQ || k == SIG_CPU || k == SIG_DEV_MSI;
}

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

/* A VCD reference is one token: anything but letters, digits, '.', '_'
 * '#' and '+' becomes '_'. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '#' ||
		      *s == '+'))
			*s = '_';
}

static void signal_name(const struct sigtab *t, struct signal *s)
{
	char who[SIM_NAME_MAX + 32];
	switch (s->kind) {
	case SIG_DEV_LINE:
	case SIG_DEV_STATUS:
	case SIG_DEV_MSI:
		sim_names_say(t->names, SIM_NAME_DEVICE, s->a, 0, who, sizeof(who));
		break;
	case SIG_LINE:
	case SIG_MASK:
	case SIG_RIRR:
		sim_names_say(t->names, SIM_NAME_LINE, s->a, s->b, who, sizeof(who));
		break;
	case SIG_SERVICE:
	case SIG_CPU:
		sim_names_say(t->names, SIM_NAME_PIN, s->a, 0, who, sizeof(who));
		break;
	case SIG_SEQ:
		sim_names_say(t->names, SIM_NAME_SINK, s->b, 0, who, sizeof(who));
		break;
	case SIG_SUSPENDED:
		snprintf(s->name, sizeof(s->name), "suspended");
		return;
	}
	snprintf(s->name, sizeof(s->name), "%s.%s", who, suffix[s->kind]);
	sanitize(s->name);
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
		if (!s) {
			t->failed = true;
			return NULL;
		}
		t->s = s;
		t->cap = cap;
	}
	struct signal *s = &t->s[t->n++];
	*s = (struct signal){.kind = k, .a = a, .b = b};
	signal_name(t, s);
	return s;
}

/* Out: the value changes a record makes (up to `max`). */
struct change {
	struct signal *s;
	uint64_t v;
};

static size_t set(struct change *c, size_t n, size_t max, struct signal *s, uint64_t v)
{
	if (s && n < max)
		c[n++] = (struct change){s, v};
	return n;
}

/* The devices driving controller line (ctrl, pin), into their signals. */
static size_t devices(struct sigtab *t, uint64_t key, enum sig_kind k, uint64_t v, bool add,
		      struct change *c, size_t n, size_t max)
{
	const struct sim_names *nm = t->names;
	for (size_t i = 0; nm && i < nm->n; i++)
		if (nm->v[i].kind == SIM_NAME_DEVICE_LINE && nm->v[i].a == key) {
			struct signal *s = find(t, k, nm->v[i].b, 0, add);
			n = set(c, n, max, s, k == SIG_DEV_MSI ? (s ? s->value + 1 : 0) : v);
		}
	return n;
}

static size_t affects(struct sigtab *t, const struct sim_trace_rec *r, bool add, struct change *c,
		      size_t max)
{
	size_t n = 0;
	switch (r->kind) {
	case HW_TRACE_LINE:
		n = set(c, n, max, find(t, SIG_LINE, r->a, r->b, add), r->c != 0);
		return devices(t, r->a << 32 | r->b, SIG_DEV_LINE, r->c != 0, add, c, n, max);
	case HW_TRACE_MSI:
		return devices(t, (uint64_t)SIM_LINE_CTRL_MSI << 32 | r->a, SIG_DEV_MSI, 0, add, c, n,
			       max);
	case HW_TRACE_DEV_ACTION:
		if (r->b == HW_ACT_ASSERT)
			return set(c, n, max, find(t, SIG_DEV_STATUS, r->a, 0, add), 1);
		if (r->b == HW_ACT_DEASSERT || r->b == HW_ACT_RESET)
			return set(c, n, max, find(t, SIG_DEV_STATUS, r->a, 0, add), 0);
		return 0;
	case SIM_TR_DEV_CLEAR:
		return set(c, n, max, find(t, SIG_DEV_STATUS, r->a, 0, add), 0);
	case HW_TRACE_DEV_RESET:
		return set(c, n, max, find(t, SIG_DEV_STATUS, r->a, 0, add), r->b != 0);
	case HW_TRACE_MASK:
		return set(c, n, max, find(t, SIG_MASK, r->a, r->b, add), r->c != 0);
	case HW_TRACE_REMOTE_IRR:
		return set(c, n, max, find(t, SIG_RIRR, r->a, r->b, add), r->c != 0);
	case UK_TRACE_IRQ(UK_IRQ_EV_BEGIN):
		return set(c, n, max, find(t, SIG_SERVICE, r->a, 0, add), 1);
	case UK_TRACE_IRQ(UK_IRQ_EV_END):
		return set(c, n, max, find(t, SIG_SERVICE, r->a, 0, add), 0);
	case UK_TRACE_IRQ(UK_IRQ_EV_SEQ):
		return set(c, n, max, find(t, SIG_SEQ, r->a, r->b, add), r->c);
	case UK_TRACE_IRQ_ROUTE:
		if (r->c == 1)
			return 0; /* a move that waits for the episode's end */
		return set(c, n, max, find(t, SIG_CPU, r->a, 0, add), r->b);
	case UK_TRACE_CORE_PM:
		return set(c, n, max, find(t, SIG_SUSPENDED, 0, 0, add), r->a != 0);
	default:
		return 0;
	}
}

static void var_line(FILE *f, const struct signal *s)
{
	fprintf(f, "$var %s %d %s %s $end\n", wide(s->kind) ? "reg" : "wire", wide(s->kind) ? 32 : 1,
		s->id, s->name);
}

static void value(FILE *f, const struct signal *s, uint64_t v)
{
	if (!wide(s->kind)) {
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

static int scope_of(enum sig_kind k)
{
	return k >= SIG_FIRST_KERNEL ? 2 : k >= SIG_FIRST_HW ? 1 : 0;
}

/* By scope, then name: the order (and so the identifiers) depends on the
 * scenario's names only, not on the order ids were handed out. */
static int cmp_signal(const void *x, const void *y)
{
	const struct signal *a = x, *b = y;
	if (scope_of(a->kind) != scope_of(b->kind))
		return scope_of(a->kind) - scope_of(b->kind);
	int c = strcmp(a->name, b->name);
	if (c)
		return c;
	if (a->kind != b->kind)
		return (int)a->kind - (int)b->kind;
	return a->a != b->a ? (a->a < b->a ? -1 : 1) : (a->b < b->b ? -1 : a->b > b->b);
}

int sim_export_vcd(const struct sim_trace *t, const char *title, FILE *f)
{
	return sim_export_vcd_named(t, NULL, title, f);
}

#define CHANGES_MAX 16

int sim_export_vcd_named(const struct sim_trace *t, const struct sim_names *names,
			 const char *title, FILE *f)
{
	size_t n;
	struct sim_trace_rec *r = sim_trace_sorted(t, &n);
	struct sigtab tab = {.names = names};
	struct change ch[CHANGES_MAX];

	for (size_t i = 0; i < n; i++)
		affects(&tab, &r[i], true, ch, CHANGES_MAX);
	if (tab.n)
		qsort(tab.s, tab.n, sizeof(*tab.s), cmp_signal);
	for (size_t i = 0; i < tab.n; i++)
		make_id(i, tab.s[i].id);
	fprintf(f, "$date simulated $end\n$version ukern uksim $end\n$comment %s $end\n",
		title ? title : "");
	fputs("$timescale 1 ns $end\n$scope module ukern $end\n", f);
	static const char *const scopes[] = {"devices", "hw", "kernel"};
	for (int sc = 0; sc < 3; sc++) {
		fprintf(f, "$scope module %s $end\n", scopes[sc]);
		for (size_t i = 0; i < tab.n; i++)
			if (scope_of(tab.s[i].kind) == sc)
				var_line(f, &tab.s[i]);
		fputs("$upscope $end\n", f);
	}
	fputs("$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n", f);
	for (size_t i = 0; i < tab.n; i++)
		value(f, &tab.s[i], 0);
	fputs("$end\n", f);
	uint64_t now = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = affects(&tab, &r[i], false, ch, CHANGES_MAX);
		for (size_t j = 0; j < k; j++) {
			if (r[i].time != now) {
				now = r[i].time;
				fprintf(f, "#%llu\n", (unsigned long long)now);
			}
			ch[j].s->value = ch[j].v;
			value(f, ch[j].s, ch[j].v);
		}
	}
	bool failed = tab.failed;
	free(tab.s);
	free(r);
	if (failed)
		return -1;
	return ferror(f) ? -1 : 0;
}
