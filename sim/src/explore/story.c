/* SPDX-License-Identifier: MIT */
/*
 * The story of a run: where it left virtual-time order, and what happened
 * just before it went wrong, in plain words.
 */
#include <sim/explore.h>
#include <sim/export.h>

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* " (nicdrv.main)": the thread on `cpu` at the decision, when known. */
static const char *on(const struct sim_outcome *o, unsigned cpu, uint64_t t, char *buf, size_t len)
{
	char who[SIM_NAME_MAX + 32];
	const char *thr = o->names ? sim_names_running(o->names, &o->trace, cpu, t, who, sizeof(who))
				   : NULL;
	if (thr)
		snprintf(buf, len, " (%s)", thr);
	else if (len)
		buf[0] = '\0';
	return buf;
}

static void departure(GString *s, const struct sim_outcome *o, const struct sim_decision *d,
		      size_t index)
{
	char a[SIM_NAME_MAX + 40], b[SIM_NAME_MAX + 40];
	g_string_append_printf(s, "  %8llu ns  choice #%zu: ", (unsigned long long)d->time, index);
	switch (d->kind) {
	case SIM_CHOICE_CPU:
		g_string_append_printf(s,
				       "CPU %u%s runs before CPU %u%s, which was earlier in virtual time\n",
				       d->choice_cpu, on(o, d->choice_cpu, d->time, a, sizeof(a)),
				       d->dflt_cpu, on(o, d->dflt_cpu, d->time, b, sizeof(b)));
		break;
	case SIM_CHOICE_IRQ:
		g_string_append_printf(s,
				       "CPU %u%s runs on with an interrupt pending instead of taking it\n",
				       d->cpu, on(o, d->cpu, d->time, a, sizeof(a)));
		break;
	default:
		switch (d->what) {
		case SIM_VALUE_WINDOW:
			g_string_append_printf(s,
					       "a windowed timeline action falls at place %u of its %u "
					       "(default %u, the window's start)\n",
					       d->choice, d->n, d->dflt);
			break;
		case SIM_VALUE_PROGRAM:
			g_string_append_printf(s,
					       "the program on CPU %u%s makes its own random choice: "
					       "option %u of %u (default %u)\n",
					       d->cpu, on(o, d->cpu, d->time, a, sizeof(a)), d->choice,
					       d->n, d->dflt);
			break;
		default:
			g_string_append_printf(s, "a value of the run is chosen: %u of %u (default %u)\n",
					       d->choice, d->n, d->dflt);
			break;
		}
		break;
	}
}

const char *sim_decision_value_kind(const struct sim_decision *d)
{
	switch (d->what) {
	case SIM_VALUE_WINDOW: return "window";
	case SIM_VALUE_PROGRAM: return "program";
	default: return "value";
	}
}

/* The message with "pin N" (the kernel's words for its IRQ pins) put in
 * the scenario's names. */
static void named_message(GString *s, const struct sim_names *names, const char *msg)
{
	while (*msg) {
		const char *p = strstr(msg, "pin ");
		if (!p || !names) {
			g_string_append(s, msg);
			return;
		}
		g_string_append_len(s, msg, p - msg);
		char *end;
		unsigned long long id = strtoull(p + 4, &end, 10);
		const char *name = end > p + 4 && (p == msg || p[-1] == ' ' || p[-1] == '(')
					   ? sim_names_get(names, SIM_NAME_PIN, id, 0)
					   : NULL;
		if (name) {
			g_string_append(s, name);
			msg = end;
		} else {
			g_string_append(s, "pin ");
			msg = p + 4;
		}
	}
}

char *sim_story(const struct sim_outcome *o, unsigned context_records)
{
	GString *s = g_string_new(NULL);
	size_t ndev = 0;
	for (size_t i = 0; i < o->dlog_len; i++)
		ndev += o->dlog[i].choice != o->dlog[i].dflt;
	if (ndev == 0)
		g_string_append(s, "It happens in virtual-time order: no choice departs from the default.\n");
	else
		g_string_append_printf(s, "It takes %zu departure%s from virtual-time order:\n", ndev,
				       ndev == 1 ? "" : "s");
	for (size_t i = 0; i < o->dlog_len; i++)
		if (o->dlog[i].choice != o->dlog[i].dflt)
			departure(s, o, &o->dlog[i], i);
	if (o->trace.len && context_records) {
		size_t n;
		struct sim_trace_rec *r = sim_trace_sorted(&o->trace, &n);
		/* The records up to the moment it went wrong (or the end). */
		size_t end = n;
		if (o->violation && o->time_ns)
			for (end = 0; end < n && r[end].time <= o->time_ns; end++)
				;
		/* The engine's own CPU picks are the departures above; leave
		 * them out of the events. */
		size_t kept = 0, start = end;
		while (start > 0 && kept < context_records) {
			start--;
			if (r[start].kind != SIM_TR_CPU_PICK)
				kept++;
		}
		g_string_append_printf(s, "The last %zu events before it went wrong:\n", kept);
		char line[256];
		for (size_t i = start; i < end; i++) {
			if (r[i].kind == SIM_TR_CPU_PICK)
				continue;
			sim_trace_describe_named(&r[i], o->names, line, sizeof(line));
			if (r[i].cpu == 0xffff)
				g_string_append_printf(s, "  %8llu ns  hw     %s\n",
						       (unsigned long long)r[i].time, line);
			else
				g_string_append_printf(s, "  %8llu ns  CPU %-2u %s\n",
						       (unsigned long long)r[i].time, r[i].cpu, line);
		}
		free(r);
	}
	if (o->violation) {
		g_string_append_printf(s, "Then: %s ", o->violation_id);
		named_message(s, o->names, o->message);
		g_string_append_c(s, '\n');
	}
	return g_string_free(s, FALSE);
}
