/* SPDX-License-Identifier: MIT */
/* Names of trace kinds, and the scenario's names for the ids in records. */
#include <sim/export.h>

#include <hwmodel/trace.h>
#include <stdlib.h>
#include <string.h>
#include <ukern/irq_log.h>
#include <ukern/kernel.h>
#include <ukern/trace.h>

struct kind_name {
	uint16_t kind;
	const char *name;
};

static const struct kind_name names[] = {
	{SIM_TR_RUN_START, "run.start"},
	{SIM_TR_CPU_PICK, "cpu.pick"},
	{SIM_TR_CPU_HALT, "cpu.halt"},
	{SIM_TR_CPU_WAKE, "cpu.wake"},
	{SIM_TR_IRQ_TAKE, "cpu.irq"},
	{SIM_TR_RUN_END, "run.end"},
	{SIM_TR_USER, "user"},
	{SIM_TR_TASK_RUN, "task.run"},
	{SIM_TR_TASK_BLOCK, "task.block"},
	{SIM_TR_TASK_WAKE, "task.wake"},
	{SIM_TR_TASK_EXIT, "task.exit"},
	{SIM_TR_DEV_CLEAR, "dev.clear"},
	{UK_TRACE_CORE_SWITCH, "core.switch"},
	{UK_TRACE_CORE_PREEMPT, "core.preempt"},
	{UK_TRACE_CORE_WAKE, "core.wake"},
	{UK_TRACE_CORE_BLOCK, "core.block"},
	{UK_TRACE_CORE_EXIT, "core.exit"},
	{UK_TRACE_CORE_PI_BOOST, "core.pi-boost"},
	{UK_TRACE_CORE_FAULT, "core.fault"},
	{UK_TRACE_CORE_SHOOTDOWN, "core.shootdown"},
	{UK_TRACE_CORE_NOPREEMPT, "core.nopreempt"},
	{UK_TRACE_CORE_SPAWN, "core.spawn"},
	{UK_TRACE_CORE_PM, "core.pm"},
	{UK_TRACE_IRQ_ROUTE, "irq.route"},
	{UK_TRACE_IRQ_WAKE, "irq.wake"},
	{UK_TRACE_IRQ_VIOLATION, "irq.violation"},
	{UK_TRACE_CORE_RUNQ, "core.runq"},
	{UK_TRACE_IPC_CALL, "ipc.call"},
	{UK_TRACE_IPC_RECV, "ipc.recv"},
	{UK_TRACE_IRQ(UK_IRQ_EV_RAISE), "irq.raise"},
	{UK_TRACE_IRQ(UK_IRQ_EV_BEGIN), "irq.begin"},
	{UK_TRACE_IRQ(UK_IRQ_EV_SEQ), "irq.seq"},
	{UK_TRACE_IRQ(UK_IRQ_EV_ACK), "irq.ack"},
	{UK_TRACE_IRQ(UK_IRQ_EV_NAK), "irq.nak"},
	{UK_TRACE_IRQ(UK_IRQ_EV_KICK), "irq.kick"},
	{UK_TRACE_IRQ(UK_IRQ_EV_END), "irq.end"},
	{UK_TRACE_IRQ(UK_IRQ_EV_MASK), "irq.mask"},
	{UK_TRACE_IRQ(UK_IRQ_EV_EOI), "irq.eoi"},
	{UK_TRACE_IRQ(UK_IRQ_EV_EOS), "irq.eos"},
	{UK_TRACE_IRQ(UK_IRQ_EV_STALL), "irq.stall"},
	{UK_TRACE_IRQ(UK_IRQ_EV_NOBODY), "irq.nobody-cared"},
	{UK_TRACE_IRQ(UK_IRQ_EV_TIMEOUT), "irq.ack-timeout"},
	{UK_TRACE_IRQ(UK_IRQ_EV_ATTACH), "irq.attach"},
	{UK_TRACE_IRQ(UK_IRQ_EV_DETACH), "irq.detach"},
	{UK_TRACE_IRQ(UK_IRQ_EV_DISABLE), "irq.disable"},
	{UK_TRACE_IRQ(UK_IRQ_EV_UNDELIVERED), "irq.undelivered"},
	{HW_TRACE_LINE, "hw.line"},
	{HW_TRACE_MASK, "hw.mask"},
	{HW_TRACE_REMOTE_IRR, "hw.remote-irr"},
	{HW_TRACE_SEND, "hw.send"},
	{HW_TRACE_DROP, "hw.drop"},
	{HW_TRACE_HOLD, "hw.hold"},
	{HW_TRACE_COALESCE, "hw.coalesce"},
	{HW_TRACE_EOI_BCAST, "hw.eoi-broadcast"},
	{HW_TRACE_PLIC_CLAIM, "hw.plic-claim"},
	{HW_TRACE_PLIC_DONE, "hw.plic-complete"},
	{HW_TRACE_PLIC_IGNORED, "hw.plic-ignored"},
	{HW_TRACE_MSI, "hw.msi"},
	{HW_TRACE_DELIVER, "hw.deliver"},
	{HW_TRACE_IRR_COALESCE, "hw.irr-coalesce"},
	{HW_TRACE_ACCEPT, "hw.accept"},
	{HW_TRACE_SPURIOUS, "hw.spurious"},
	{HW_TRACE_EOI, "hw.eoi"},
	{HW_TRACE_IPI, "hw.ipi"},
	{HW_TRACE_TIMER, "hw.timer"},
	{HW_TRACE_TPR, "hw.tpr"},
	{HW_TRACE_APIC_ERROR, "hw.apic-error"},
	{HW_TRACE_CR3, "hw.cr3"},
	{HW_TRACE_TLB_FLUSH, "hw.tlb-flush"},
	{HW_TRACE_DEV_ACTION, "hw.device-action"},
	{HW_TRACE_DEV_RESET, "hw.device-reset"},
	{HW_TRACE_DMA, "hw.dma"},
	{HW_TRACE_DMA_ERROR, "hw.dma-error"},
	{HW_TRACE_UART_TX, "hw.uart"},
	{HW_TRACE_BLOCK_DONE, "hw.block-done"},
	{HW_TRACE_HPET_FIRE, "hw.hpet"},
};

const char *sim_trace_kind_name(uint16_t kind)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].kind == kind)
			return names[i].name;
	return NULL;
}

size_t sim_trace_kinds(uint16_t *out, size_t max)
{
	size_t n = sizeof(names) / sizeof(names[0]);
	for (size_t i = 0; i < n && i < max; i++)
		out[i] = names[i].kind;
	return n;
}

void sim_names_init(struct sim_names *n)
{
	*n = (struct sim_names){0};
}

void sim_names_fini(struct sim_names *n)
{
	free(n->v);
	*n = (struct sim_names){0};
}

static struct sim_name *lookup(const struct sim_names *n, enum sim_name_kind kind, uint64_t a,
			       uint64_t b)
{
	for (size_t i = 0; n && i < n->n; i++)
		if (n->v[i].kind == (uint32_t)kind && n->v[i].a == a && n->v[i].b == b)
			return &n->v[i];
	return NULL;
}

int sim_names_set(struct sim_names *n, enum sim_name_kind kind, uint64_t a, uint64_t b,
		  const char *name)
{
	struct sim_name *e = lookup(n, kind, a, b);
	if (!e) {
		if (n->n == n->cap) {
			size_t cap = n->cap ? 2 * n->cap : 32;
			struct sim_name *v = realloc(n->v, cap * sizeof(*v));
			if (!v)
				return -1;
			n->v = v;
			n->cap = cap;
		}
		e = &n->v[n->n++];
		*e = (struct sim_name){.kind = (uint32_t)kind, .a = a, .b = b};
	}
	snprintf(e->name, sizeof(e->name), "%s", name);
	return 0;
}

const char *sim_names_get(const struct sim_names *n, enum sim_name_kind kind, uint64_t a,
			  uint64_t b)
{
	const struct sim_name *e = lookup(n, kind, a, b);
	return e ? e->name : NULL;
}

const char *sim_names_say(const struct sim_names *n, enum sim_name_kind kind, uint64_t a,
			  uint64_t b, char *buf, size_t len)
{
	const char *s = sim_names_get(n, kind, a, b);
	unsigned long long x = a, y = b;
	if (s)
		snprintf(buf, len, "%s", s);
	else if (kind == SIM_NAME_THREAD)
		snprintf(buf, len, "thread %llu", x);
	else if (kind == SIM_NAME_PROCESS)
		snprintf(buf, len, "process %llu", x);
	else if (kind == SIM_NAME_PIN)
		snprintf(buf, len, "pin %llu", x);
	else if (kind == SIM_NAME_SINK)
		snprintf(buf, len, "sink %llu", x);
	else if (kind == SIM_NAME_LINE)
		snprintf(buf, len, "controller %llu pin %llu", x, y);
	else if (kind == SIM_NAME_MSI)
		snprintf(buf, len, "MSI source %llu", x);
	else
		snprintf(buf, len, "device %llu", x);
	return buf;
}

#define NAMES_MAX_CPUS 256

int sim_names_from_trace(struct sim_names *n, const struct sim_trace *t)
{
	uint64_t cur[NAMES_MAX_CPUS] = {0};
	bool known[NAMES_MAX_CPUS] = {false};
	size_t nr;
	struct sim_trace_rec *r = sim_trace_sorted(t, &nr);
	int rc = 0;
	for (size_t i = 0; i < nr && rc == 0; i++) {
		if (r[i].kind == UK_TRACE_CORE_SWITCH && r[i].a < NAMES_MAX_CPUS) {
			cur[r[i].a] = r[i].c;
			known[r[i].a] = true;
			continue;
		}
		if (r[i].kind != UK_TRACE_IRQ(UK_IRQ_EV_ATTACH) || lookup(n, SIM_NAME_SINK, r[i].b, 0))
			continue;
		char who[SIM_NAME_MAX], name[SIM_NAME_MAX + 8];
		if (r[i].cpu >= NAMES_MAX_CPUS || !known[r[i].cpu])
			continue;
		sim_names_say(n, SIM_NAME_THREAD, cur[r[i].cpu], 0, who, sizeof(who));
		/* A thread's second sink is "<thread>#2", and so on. */
		snprintf(name, sizeof(name), "%s", who);
		for (unsigned k = 2; ; k++) {
			bool taken = false;
			for (size_t j = 0; j < n->n && !taken; j++)
				taken = n->v[j].kind == SIM_NAME_SINK && !strcmp(n->v[j].name, name);
			if (!taken)
				break;
			snprintf(name, sizeof(name), "%s#%u", who, k);
		}
		rc = sim_names_set(n, SIM_NAME_SINK, r[i].b, 0, name);
	}
	free(r);
	return rc;
}

const char *sim_names_running(const struct sim_names *n, const struct sim_trace *t, unsigned cpu,
			      uint64_t time, char *buf, size_t len)
{
	bool found = false;
	uint64_t tid = 0, at = 0;
	for (size_t i = 0; i < t->len; i++) {
		const struct sim_trace_rec *r = &t->recs[i];
		if (r->kind == UK_TRACE_CORE_SWITCH && r->a == cpu && r->time <= time &&
		    (!found || r->time >= at)) {
			found = true;
			tid = r->c;
			at = r->time;
		}
	}
	return found ? sim_names_say(n, SIM_NAME_THREAD, tid, 0, buf, len) : NULL;
}

static void json_text(FILE *f, const char *s)
{
	sim_json_string(f, s);
}

void sim_names_print_json(FILE *f, const struct sim_names *n)
{
	static const struct {
		enum sim_name_kind kind;
		const char *key;
	} groups[] = {{SIM_NAME_THREAD, "threads"},
		      {SIM_NAME_PROCESS, "processes"},
		      {SIM_NAME_PIN, "lines"},
		      {SIM_NAME_SINK, "sinks"},
		      {SIM_NAME_DEVICE, "devices"}};
	fputc('{', f);
	for (size_t g = 0; n && g < sizeof(groups) / sizeof(groups[0]); g++) {
		fprintf(f, "%s\"%s\":{", g ? "," : "", groups[g].key);
		bool first = true;
		for (size_t i = 0; i < n->n; i++) {
			if (n->v[i].kind != (uint32_t)groups[g].kind)
				continue;
			fprintf(f, "%s\"%llu\":", first ? "" : ",", (unsigned long long)n->v[i].a);
			json_text(f, n->v[i].name);
			first = false;
		}
		fputc('}', f);
	}
	fputc('}', f);
}

static int cmp_time(const void *x, const void *y)
{
	const struct sim_trace_rec *a = x, *b = y;
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	/* pad holds the emission order (set by sim_trace_sorted). */
	return a->pad < b->pad ? -1 : a->pad > b->pad;
}

struct sim_trace_rec *sim_trace_sorted(const struct sim_trace *t, size_t *n)
{
	*n = 0;
	if (!t->len)
		return NULL;
	struct sim_trace_rec *r = malloc(t->len * sizeof(*r));
	if (!r)
		return NULL;
	memcpy(r, t->recs, t->len * sizeof(*r));
	for (size_t i = 0; i < t->len; i++)
		r[i].pad = (uint32_t)i;
	qsort(r, t->len, sizeof(*r), cmp_time);
	*n = t->len;
	return r;
}
