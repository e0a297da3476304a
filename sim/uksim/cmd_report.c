/* SPDX-License-Identifier: MIT */
/*
 * uksim report OUT.html TARGET... [explore options]: explore like `uksim
 * explore` (the same options, search, terminal output and exit code) and
 * write one self-contained HTML file: the verdict table, each violation's
 * story and replay commands, and a timeline picture of the shrunk run of
 * each violation (of the virtual-time run when none was found).
 *
 * The page depends on nothing but the run: no host time, no date, so the
 * same scenario, build and options write the same file.
 */
#include "uksim.h"
#include "targets.h"

#include <errno.h>
#include <sim/explore.h>
#include <sim/export.h>
#include <stdlib.h>
#include <string.h>

struct report {
	const struct uksim_cmd *cmd;
	char *path;
	FILE *out;
	GString *rows;     /* the verdict table's rows */
	GString *sections; /* a section per target */
	unsigned ntargets;
};

static bool is_html_name(const char *p)
{
	return g_str_has_suffix(p, ".html") || g_str_has_suffix(p, ".htm");
}

/* Takes OUT.html from the front of the positional arguments and opens it,
 * so a bad path is said before any exploring. */
static int report_begin(void *ctx, int *argc, char ***argv)
{
	struct report *rep = ctx;
	if (*argc < 2) {
		fprintf(stderr, "uksim report: usage: uksim report OUT.html TARGET... [explore options]\n");
		return -1;
	}
	const char *path = (*argv)[1];
	if (!is_html_name(path)) {
		/* Guards against `uksim report x.uks` overwriting the scenario. */
		fprintf(stderr,
			"uksim report: the first argument is the report to write and must end in "
			".html, not '%s' (usage: uksim report OUT.html TARGET...)\n",
			path);
		return -1;
	}
	if (*argc < 3) {
		fprintf(stderr, "uksim report: which target? (a scenario file or demo:race, after %s)\n",
			path);
		return -1;
	}
	if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
		fprintf(stderr, "uksim report: cannot write %s: it is a directory\n", path);
		return -1;
	}
	rep->out = fopen(path, "w");
	if (!rep->out) {
		fprintf(stderr, "uksim report: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	rep->path = g_strdup(path);
	/* Drop OUT.html: explore sees the targets only. */
	for (int i = 1; i + 1 < *argc; i++)
		(*argv)[i] = (*argv)[i + 1];
	(*argc)--;
	return 0;
}

/* `s` escaped for HTML, appended to `out`. */
static void add_text(GString *out, const char *s)
{
	char *e = g_markup_escape_text(s, -1);
	g_string_append(out, e);
	g_free(e);
}

static void add_replay(GString *out, const char *what, const char *cmd)
{
	g_string_append_printf(out, "<p>%s</p>\n<code class=\"replay\">", what);
	add_text(out, cmd);
	g_string_append(out, "</code>\n");
}

static int report_target(void *ctx, const struct uksim_explored *e)
{
	struct report *rep = ctx;
	const struct sim_explore_result *r = e->r;
	unsigned idx = rep->ntargets++;
	char anchor[32];
	snprintf(anchor, sizeof(anchor), "target-%u", idx);

	g_string_append_printf(rep->rows, "<tr class=\"%s\" data-target=\"", e->code ? "bad" : "good");
	add_text(rep->rows, e->ut->name);
	g_string_append_printf(rep->rows, "\"><td><a href=\"#%s\">", anchor);
	add_text(rep->rows, e->ut->name);
	g_string_append_printf(rep->rows,
			       "</a></td><td class=\"num\">%llu</td><td class=\"num\">%llu</td><td>",
			       (unsigned long long)r->schedules, (unsigned long long)r->violations);
	add_text(rep->rows, e->verdict);
	g_string_append(rep->rows, "</td></tr>\n");

	GString *s = rep->sections;
	g_string_append_printf(s, "<section class=\"target\" id=\"%s\">\n<h2>", anchor);
	add_text(s, e->ut->name);
	g_string_append(s, "</h2>\n<p>verdict: <b>");
	add_text(s, e->verdict);
	g_string_append_printf(s, "</b> after %llu schedule%s</p>\n", (unsigned long long)r->schedules,
			       r->schedules == 1 ? "" : "s");
	const char *caption = "the virtual-time run (no violation found)";
	if (r->found) {
		const struct sim_outcome *fo = &r->found_outcome;
		char where[48] = "";
		if (strcmp(fo->violation_id, "expect"))
			snprintf(where, sizeof(where), " on CPU %u", fo->cpu);
		g_string_append(s, "<div class=\"violation\" data-violation=\"");
		add_text(s, fo->violation_id);
		g_string_append(s, "\">\n<p>violation <b>");
		add_text(s, fo->violation_id);
		g_string_append_printf(s, "</b> in schedule %llu at %llu ns%s: ",
				       (unsigned long long)r->found_index,
				       (unsigned long long)fo->time_ns, where);
		add_text(s, fo->message);
		g_string_append(s, "</p>\n");
		add_replay(s, "replay the schedule as found:", e->replay);
		if (e->shrunk_replay) {
			char what[256];
			snprintf(what, sizeof(what), "shrunk from %zu to %zu departure%s (%llu runs%s):",
				 e->shrink->from, e->shrunk->ndev, e->shrunk->ndev == 1 ? "" : "s",
				 (unsigned long long)e->shrink->runs, e->shrink_cut ? "" : ", 1-minimal");
			add_replay(s, what, e->shrunk_replay);
			if (e->shrink_cut) {
				g_string_append(s, "<p>shrinking stopped by ");
				add_text(s, e->shrink_cut);
				g_string_append(s, ": some departures left may not be needed</p>\n");
			}
			caption = "the shrunk violating run";
		} else {
			caption = "the violating run (not shrunk)";
		}
		if (e->story) {
			g_string_append(s, "<h3>story</h3>\n<pre class=\"story\">");
			add_text(s, e->story);
			g_string_append(s, "</pre>\n");
		}
		g_string_append(s, "</div>\n");
	}
	/* The figure goes through the exporter, which writes to a FILE. */
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		return UKSIM_EXIT_INTERNAL;
	char id[48];
	snprintf(id, sizeof(id), "timeline-%u", idx);
	const struct sim_outcome *so = e->shown;
	int rc = sim_html_timeline(mem, &so->trace, so->names, so->ncpus, id, caption,
				   so->violation ? so->violation_id : NULL, so->time_ns);
	rc |= fclose(mem);
	if (rc == 0)
		g_string_append_len(s, buf, (gssize)len);
	free(buf);
	/* The trace a run hands over is bounded (explore keeps 2^20 records):
	 * say so when it stops before the violation, as the story's events do. */
	const struct sim_trace *tr = &e->shown->trace;
	uint64_t last = 0;
	for (size_t i = 0; i < tr->len; i++)
		if (tr->recs[i].time > last)
			last = tr->recs[i].time;
	if (r->found && e->shown->violation && tr->len && last < e->shown->time_ns)
		g_string_append_printf(s,
				       "<p class=\"note\">The trace kept of this run (%zu records) "
				       "ends at %llu ns, before the violation at %llu ns: the picture "
				       "and the story's last events stop there.</p>\n",
				       tr->len, (unsigned long long)last,
				       (unsigned long long)e->shown->time_ns);
	g_string_append(s, "</section>\n");
	if (rc != 0) {
		fprintf(stderr, "uksim report: out of memory drawing %s\n", e->ut->name);
		return UKSIM_EXIT_INTERNAL;
	}
	return UKSIM_EXIT_OK;
}

static int report_end(void *ctx)
{
	struct report *rep = ctx;
	FILE *f = rep->out;
	if (rep->ntargets == 0) {
		/* A directory without scenario files: nothing to report. */
		fprintf(stderr, "uksim report: no scenario files (*.uks) among the targets\n");
		return UKSIM_EXIT_USAGE;
	}
	sim_html_page_begin(f, "uksim report");
	fprintf(f, "<h1>uksim report</h1>\n<p class=\"meta\">uksim %s, build %08llx, invariant "
		   "checks %s; %u target%s</p>\n",
		UKSIM_VERSION, (unsigned long long)(sim_build_id() & 0xffffffffull),
		sim_build_checking() ? "on" : "off", rep->ntargets, rep->ntargets == 1 ? "" : "s");
	fputs("<table class=\"verdicts\">\n<thead><tr><th>target</th><th>schedules</th>"
	      "<th>violations</th><th>verdict</th></tr></thead>\n<tbody>\n",
	      f);
	fputs(rep->rows->str, f);
	fputs("</tbody>\n</table>\n", f);
	fputs(rep->sections->str, f);
	sim_html_page_end(f);
	int rc = ferror(f) ? -1 : 0;
	rc |= fclose(f);
	rep->out = NULL;
	if (rc != 0) {
		fprintf(stderr, "uksim report: cannot write %s\n", rep->path);
		return UKSIM_EXIT_USAGE;
	}
	fprintf(stderr, "uksim report: wrote %s (%u target%s)\n", rep->path, rep->ntargets,
		rep->ntargets == 1 ? "" : "s");
	return UKSIM_EXIT_OK;
}

int uksim_cmd_report(const struct uksim_cmd *cmd, int argc, char **argv)
{
	struct report rep = {.cmd = cmd, .rows = g_string_new(NULL), .sections = g_string_new(NULL)};
	struct uksim_explore_sink sink = {report_begin, report_target, report_end, &rep};
	int code = uksim_explore_into(cmd, argc, argv, &sink);
	if (rep.out) {
		/* Explore stopped before the end (bad input): no half report. */
		fclose(rep.out);
		remove(rep.path);
	}
	g_free(rep.path);
	g_string_free(rep.rows, TRUE);
	g_string_free(rep.sections, TRUE);
	return code;
}
