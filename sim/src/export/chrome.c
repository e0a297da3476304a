/* SPDX-License-Identifier: MIT */
/*
 * Chrome/Perfetto trace-event JSON ("JSON Object Format": an object with a
 * traceEvents array). Timestamps are microseconds with nanosecond decimals.
 *
 *   pid 1  "CPUs"      a track (tid) per CPU: complete events (ph X) for
 *                      each thread's stretch on the CPU, instants (ph i) for
 *                      interrupts taken;
 *   pid 2  "IRQ pins"  async slices (ph b/e, one id per pin) for each
 *                      service episode, instants for ACK/NAK/kick/reports;
 *   pid 3  "lines"     counters (ph C): each interrupt line's level, and
 *                      the threads ready to run per CPU when the kernel
 *                      traces its run queues;
 *   pid 4  "devices"   a track per device: its timeline actions, the
 *                      driver's status clears and its MSI messages;
 *   flows (ph s/f) from an IPC caller to the server that receives the call,
 *   when the kernel traces IPC.
 * Threads, lines and devices carry the scenario's names (sim_names).
 */
#include <sim/export.h>

#include <hwmodel/trace.h>
#include <stdlib.h>
#include <ukern/irq_log.h>
#include <ukern/kernel.h>
#include <ukern/trace.h>

#define SIM_TRACE_MAX_CPUS 64

struct slice {
	uint64_t tid, start;
	bool open;
};

static void ts(FILE *f, uint64_t ns)
{
	fprintf(f, "%llu.%03llu", (unsigned long long)(ns / 1000), (unsigned long long)(ns % 1000));
}

/* Writes ",\n" before every event but the first. */
struct out {
	FILE *f;
	bool first;
	const struct sim_names *names;
};

static const char *say(const struct out *o, enum sim_name_kind k, uint64_t a, uint64_t b, char *buf,
		       size_t len)
{
	return sim_names_say(o->names, k, a, b, buf, len);
}

static void ev_begin(struct out *o)
{
	fputs(o->first ? "\n" : ",\n", o->f);
	o->first = false;
}

static void thread_slice(struct out *o, unsigned cpu, const struct slice *s, uint64_t end)
{
	char name[SIM_NAME_MAX + 32];
	ev_begin(o);
	fputs("{\"name\":", o->f);
	sim_json_string(o->f, say(o, SIM_NAME_THREAD, s->tid, 0, name, sizeof(name)));
	fprintf(o->f, ",\"cat\":\"thread\",\"ph\":\"X\",\"pid\":1,\"tid\":%u,\"ts\":", cpu);
	ts(o->f, s->start);
	fputs(",\"dur\":", o->f);
	ts(o->f, end - s->start);
	fprintf(o->f, ",\"args\":{\"tid\":%llu}}", (unsigned long long)s->tid);
}

static void instant(struct out *o, int pid, unsigned tid, const char *name, uint64_t t,
		    const struct sim_trace_rec *r)
{
	char what[256];
	sim_trace_describe_named(r, o->names, what, sizeof(what));
	ev_begin(o);
	fprintf(o->f, "{\"name\":\"%s\",\"ph\":\"i\",\"s\":\"t\",\"pid\":%d,\"tid\":%u,\"ts\":", name, pid,
		tid);
	ts(o->f, t);
	fputs(",\"args\":{\"what\":", o->f);
	sim_json_string(o->f, what);
	fprintf(o->f, ",\"a\":%llu,\"b\":%llu,\"c\":%llu}}", (unsigned long long)r->a,
		(unsigned long long)r->b, (unsigned long long)r->c);
}

static void irq_async(struct out *o, const char *ph, const struct sim_trace_rec *r)
{
	char name[SIM_NAME_MAX + 32];
	ev_begin(o);
	fputs("{\"name\":", o->f);
	sim_json_string(o->f, say(o, SIM_NAME_PIN, r->a, 0, name, sizeof(name)));
	fprintf(o->f, ",\"cat\":\"irq\",\"ph\":\"%s\",\"id\":%llu,\"pid\":2,\"tid\":%llu,\"ts\":",
		ph, (unsigned long long)r->a, (unsigned long long)r->a);
	ts(o->f, r->time);
	fprintf(o->f, ",\"args\":{\"episode\":%llu}}", (unsigned long long)r->c);
}

static void counter(struct out *o, const char *name, uint64_t t, const char *key, uint64_t v)
{
	ev_begin(o);
	fprintf(o->f, "{\"name\":");
	sim_json_string(o->f, name);
	fprintf(o->f, ",\"ph\":\"C\",\"pid\":3,\"ts\":");
	ts(o->f, t);
	fprintf(o->f, ",\"args\":{\"%s\":%llu}}", key, (unsigned long long)v);
}

static void flow(struct out *o, const char *ph, const struct sim_trace_rec *r, uint64_t id)
{
	ev_begin(o);
	fprintf(o->f, "{\"name\":\"ipc call\",\"cat\":\"ipc\",\"ph\":\"%s\",\"id\":%llu,\"pid\":1,\"tid\":%u,\"ts\":",
		ph, (unsigned long long)id, r->cpu);
	ts(o->f, r->time);
	fputs(ph[0] == 'f' ? ",\"bp\":\"e\"}" : "}", o->f);
}

static void metadata(struct out *o, unsigned ncpus, const char *title)
{
	char name[128];
	ev_begin(o);
	fputs("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":", o->f);
	snprintf(name, sizeof(name), "CPUs: %s", title ? title : "ukern");
	sim_json_string(o->f, name);
	fputs("}}", o->f);
	for (unsigned c = 0; c < ncpus; c++) {
		ev_begin(o);
		fprintf(o->f, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%u,\"args\":{\"name\":\"CPU %u\"}}",
			c, c);
	}
	ev_begin(o);
	fputs("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":2,\"args\":{\"name\":\"IRQ pins\"}}", o->f);
	ev_begin(o);
	fputs("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":3,\"args\":{\"name\":\"lines and queues\"}}", o->f);
	ev_begin(o);
	fputs("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":4,\"args\":{\"name\":\"devices\"}}", o->f);
}

/* The device an MSI source belongs to (its machine index), or -1. */
static int64_t msi_device(const struct out *o, uint64_t src)
{
	const struct sim_names *n = o->names;
	for (size_t i = 0; n && i < n->n; i++)
		if (n->v[i].kind == SIM_NAME_DEVICE_LINE &&
		    n->v[i].a == ((uint64_t)SIM_LINE_CTRL_MSI << 32 | src))
			return (int64_t)n->v[i].b;
	return -1;
}

/* Name each device's track (pid 4, tid = device index). */
static void device_tracks(struct out *o)
{
	const struct sim_names *n = o->names;
	for (size_t i = 0; n && i < n->n; i++) {
		if (n->v[i].kind != SIM_NAME_DEVICE)
			continue;
		ev_begin(o);
		fprintf(o->f, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":4,\"tid\":%llu,\"args\":{\"name\":",
			(unsigned long long)n->v[i].a);
		sim_json_string(o->f, n->v[i].name);
		fputs("}}", o->f);
	}
}

/* Name each pin's track (pid 2, tid = pin id) after its line. */
static void pin_tracks(struct out *o, const struct sim_trace_rec *r, size_t n)
{
	char name[SIM_NAME_MAX + 32];
	for (size_t i = 0; i < n; i++) {
		if (r[i].kind != UK_TRACE_IRQ(UK_IRQ_EV_ATTACH))
			continue;
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = r[j].kind == r[i].kind && r[j].a == r[i].a;
		if (seen)
			continue;
		ev_begin(o);
		fprintf(o->f, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":2,\"tid\":%llu,\"args\":{\"name\":",
			(unsigned long long)r[i].a);
		sim_json_string(o->f, say(o, SIM_NAME_PIN, r[i].a, 0, name, sizeof(name)));
		fputs("}}", o->f);
	}
}

int sim_export_chrome(const struct sim_trace *t, unsigned ncpus, const char *title, FILE *f)
{
	return sim_export_chrome_named(t, NULL, ncpus, title, f);
}

int sim_export_chrome_named(const struct sim_trace *t, const struct sim_names *names,
			    unsigned ncpus, const char *title, FILE *f)
{
	size_t n;
	struct sim_trace_rec *r = sim_trace_sorted(t, &n);
	struct slice run[SIM_TRACE_MAX_CPUS] = {{0}};
	struct out o = {f, true, names};
	uint64_t last = 0;
	char name[SIM_NAME_MAX + 32], who[SIM_NAME_MAX + 32];

	if (ncpus > SIM_TRACE_MAX_CPUS)
		ncpus = SIM_TRACE_MAX_CPUS;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", f);
	metadata(&o, ncpus, title);
	pin_tracks(&o, r, n);
	device_tracks(&o);
	for (size_t i = 0; i < n; i++) {
		const struct sim_trace_rec *e = &r[i];
		last = e->time;
		switch (e->kind) {
		case UK_TRACE_CORE_SWITCH:
			if (e->a < ncpus) {
				struct slice *s = &run[e->a];
				if (s->open && e->time > s->start)
					thread_slice(&o, (unsigned)e->a, s, e->time);
				*s = (struct slice){e->c, e->time, true};
			}
			break;
		case SIM_TR_IRQ_TAKE:
			if (e->cpu < ncpus)
				instant(&o, 1, e->cpu, "interrupt", e->time, e);
			break;
		case UK_TRACE_IRQ(UK_IRQ_EV_BEGIN):
			irq_async(&o, "b", e);
			break;
		case UK_TRACE_IRQ(UK_IRQ_EV_END):
			irq_async(&o, "e", e);
			break;
		case UK_TRACE_IRQ(UK_IRQ_EV_ACK):
		case UK_TRACE_IRQ(UK_IRQ_EV_NAK):
		case UK_TRACE_IRQ(UK_IRQ_EV_KICK):
		case UK_TRACE_IRQ(UK_IRQ_EV_NOBODY):
		case UK_TRACE_IRQ(UK_IRQ_EV_TIMEOUT):
		case UK_TRACE_IRQ(UK_IRQ_EV_STALL):
			instant(&o, 2, (unsigned)e->a, sim_trace_kind_name(e->kind), e->time, e);
			break;
		case HW_TRACE_LINE:
			snprintf(name, sizeof(name), "%s level",
				 say(&o, SIM_NAME_LINE, e->a, e->b, who, sizeof(who)));
			counter(&o, name, e->time, "level", e->c);
			break;
		case UK_TRACE_IRQ_ROUTE:
			/* The line's CPU, as a counter; a move that waits for the
			 * episode's end is an instant until it happens. */
			if (e->c == 1) {
				instant(&o, 2, (unsigned)e->a, "irq.route (pending)", e->time, e);
			} else {
				snprintf(name, sizeof(name), "CPU of %s",
					 say(&o, SIM_NAME_PIN, e->a, 0, who, sizeof(who)));
				counter(&o, name, e->time, "cpu", e->b);
			}
			break;
		case UK_TRACE_CORE_PM:
			for (unsigned c = 0; c < ncpus; c++)
				instant(&o, 1, c, e->a ? "suspend" : "resume", e->time, e);
			snprintf(name, sizeof(name), "machine suspended");
			counter(&o, name, e->time, "suspended", e->a);
			break;
		case HW_TRACE_DEV_ACTION:
			instant(&o, 4, (unsigned)e->a, "action", e->time, e);
			break;
		case SIM_TR_DEV_CLEAR:
			instant(&o, 4, (unsigned)e->a, "status cleared", e->time, e);
			break;
		case HW_TRACE_MSI: {
			int64_t d = msi_device(&o, e->a);
			if (d >= 0)
				instant(&o, 4, (unsigned)d, "MSI message", e->time, e);
			break;
		}
		case UK_TRACE_CORE_RUNQ:
			snprintf(name, sizeof(name), "ready on CPU %llu", (unsigned long long)e->a);
			counter(&o, name, e->time, "threads", e->b);
			break;
		case UK_TRACE_IPC_CALL:
			flow(&o, "s", e, e->a);
			break;
		case UK_TRACE_IPC_RECV:
			flow(&o, "f", e, e->a);
			break;
		default:
			break;
		}
	}
	for (unsigned c = 0; c < ncpus; c++)
		if (run[c].open && last > run[c].start)
			thread_slice(&o, c, &run[c], last);
	fputs("\n]}\n", f);
	free(r);
	return ferror(f) ? -1 : 0;
}
