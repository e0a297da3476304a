/* SPDX-License-Identifier: MIT */
/*
 * Self-contained HTML: a page skeleton with its style and one inline
 * script, and timeline figures of runs (uksim report).
 *
 * A figure holds its run as a small JSON model in a <script
 * type="application/json">; the page's script draws each model as inline
 * SVG when the page loads. Nothing is fetched: no network, no fonts, so
 * the file opens on an offline machine and can be mailed as it is.
 *
 * The model (times in virtual ns):
 *   mark       [time, what] of the violation, or null
 *   start, end the times drawn: the whole run, or with `window` its last
 *              MAX_ITEMS marks (the end is where it went wrong)
 *   kept, records, cut   trace records kept and emitted; `cut` when the
 *              trace stopped keeping them (the run went on)
 *   cpus       a name per CPU
 *   threads    [id, name] per thread seen running, in order of first run
 *   slices     [cpu, thread id, start, end]: a thread's stretch on a CPU
 *   irqs       [cpu, time]: an interrupt taken
 *   lines      {name, lv0: level at start, ch: [[time, level, what]...]}
 *              per controller line
 *   pins       {name, eps: [[start, end, episode, open, what]...],
 *               ans: [[time, kind, sink, arg, what]...]} per kernel IRQ pin
 *   (`what`: the record in words, as sim_trace_describe says it: the
 *   hover text of the mark)
 *
 * Threads, pins and lines carry the scenario's names from the run's name
 * table (sim_names_say: "nicdrv.main", "nic0"; the bare id in words where
 * the table has none), as the story and the Chrome export say them.
 */
#include <sim/export.h>

#include <glib.h>
#include <hwmodel/trace.h>
#include <stdlib.h>
#include <string.h>
#include <ukern/irq_log.h>
#include <ukern/kernel.h>

#define MAX_CPUS 64
/* Things drawn per figure at most: a browser draws 50,000 SVG elements in
 * a second or two; past that the figure stops at the time it was full. */
#define MAX_ITEMS 50000 /* the page script says "50,000" too */

void sim_html_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* A JSON string safe inside <script>: no "</" can end the element. */
static void json_str(FILE *f, const char *s)
{
	sim_json_write(f, s, SIM_JSON_SCRIPT);
}

/* The engine's own tasks (targets without a kernel, demo:race) share the
 * thread rows under ids of their own (exact as JavaScript numbers). */
#define TASK_ID (1ull << 40)

static const char *thread_name(const struct sim_names *names, uint64_t tid, char *buf, size_t len)
{
	if (!(tid & TASK_ID))
		return sim_names_say(names, SIM_NAME_THREAD, tid, 0, buf, len);
	snprintf(buf, len, "task %llu", (unsigned long long)(tid & ~TASK_ID));
	return buf;
}

/* Whether `e` changes what a CPU runs: the kernel's context switch, or an
 * engine task starting (*to set) or blocking or ending (*to = none). */
static bool cpu_switch(const struct sim_trace_rec *e, unsigned ncpus, unsigned *cpu, bool *has_to,
		       uint64_t *to)
{
	*has_to = true;
	if (e->kind == UK_TRACE_CORE_SWITCH && e->a < ncpus) {
		*cpu = (unsigned)e->a;
		*to = e->c;
		return true;
	}
	if (e->cpu >= ncpus)
		return false;
	*cpu = e->cpu;
	*to = TASK_ID | e->a;
	if (e->kind == SIM_TR_TASK_RUN)
		return true;
	*has_to = false;
	return e->kind == SIM_TR_TASK_BLOCK || e->kind == SIM_TR_TASK_EXIT;
}


/* What a mark on a pin's row is, or NULL for a record that is none. */
static const char *answer_kind(uint16_t kind)
{
	switch (kind) {
	case UK_TRACE_IRQ(UK_IRQ_EV_ACK): return "ack";
	case UK_TRACE_IRQ(UK_IRQ_EV_NAK): return "nak";
	case UK_TRACE_IRQ(UK_IRQ_EV_KICK): return "kick";
	case UK_TRACE_IRQ(UK_IRQ_EV_NOBODY): return "nobody-cared";
	case UK_TRACE_IRQ(UK_IRQ_EV_TIMEOUT): return "ack-timeout";
	case UK_TRACE_IRQ(UK_IRQ_EV_STALL): return "stall";
	default: return NULL;
	}
}

/* A row keyed by one or two numbers, with its JSON items so far. */
struct row {
	uint64_t key;
	GString *items;
	struct sim_trace_rec open_rec; /* pins: the start of the episode in progress */
	uint64_t level0; /* lines: the level where the drawing starts */
	bool open;
	GString *ans;
};

static struct row *row_of(GArray *rows, uint64_t key)
{
	for (guint i = 0; i < rows->len; i++) {
		struct row *r = &g_array_index(rows, struct row, i);
		if (r->key == key)
			return r;
	}
	struct row nr = {.key = key, .items = g_string_new(NULL), .ans = g_string_new(NULL)};
	g_array_append_val(rows, nr);
	return &g_array_index(rows, struct row, rows->len - 1);
}

static int cmp_row(const void *x, const void *y)
{
	const struct row *a = x, *b = y;
	return a->key < b->key ? -1 : a->key > b->key;
}

/* `d` as a JSON string safe inside <script>, appended to `s`. */
static void gs_json_str(GString *s, const char *d)
{
	char *q = sim_json_quote(d, SIM_JSON_SCRIPT);
	g_string_append(s, q ? q : "\"\"");
	free(q);
}

/* ,"what the record is, in words" (sim_trace_describe_named, the story's
 * wording), for the hover text of a mark. */
static void add_desc(GString *s, const struct sim_trace_rec *r, const struct sim_names *names)
{
	char d[256];
	sim_trace_describe_named(r, names, d, sizeof(d));
	g_string_append_c(s, ',');
	gs_json_str(s, d);
}

static void sep(GString *s)
{
	if (s->len)
		g_string_append_c(s, ',');
}

/* Whether a record draws a mark of its own (a stretch it ends counts). */
static bool draws(const struct sim_trace_rec *e, unsigned ncpus)
{
	unsigned cpu;
	bool has_to;
	uint64_t to;
	return cpu_switch(e, ncpus, &cpu, &has_to, &to) ||
	       (e->kind == SIM_TR_IRQ_TAKE && e->cpu < ncpus) || e->kind == HW_TRACE_LINE ||
	       e->kind == UK_TRACE_IRQ(UK_IRQ_EV_END) || answer_kind(e->kind);
}

/* Adds thread `tid` to the legend the first time it is drawn. */
static void legend_add(GArray *seen, GString *threads, uint64_t tid,
		       const struct sim_names *names)
{
	for (guint k = 0; k < seen->len; k++)
		if (g_array_index(seen, uint64_t, k) == tid)
			return;
	char name[SIM_NAME_MAX + 32];
	g_array_append_val(seen, tid);
	sep(threads);
	g_string_append_printf(threads, "[%llu,", (unsigned long long)tid);
	gs_json_str(threads, thread_name(names, tid, name, sizeof(name)));
	g_string_append_c(threads, ']');
}

/* The run as the model above (see the top of this file). A run with more
 * than MAX_ITEMS marks is drawn from where its last MAX_ITEMS begin: the
 * end is where it went wrong. Earlier records still set the state (who
 * runs, which episode is open, the line levels) the drawing starts from. */
static void write_model(FILE *f, const struct sim_trace_rec *r, size_t n, unsigned ncpus,
			const struct sim_trace *t, const struct sim_names *names)
{
	struct {
		uint64_t tid, start;
		bool open;
	} run[MAX_CPUS] = {{0}};
	GString *slices = g_string_new(NULL), *irqs = g_string_new(NULL);
	GString *threads = g_string_new(NULL);
	GArray *seen = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	GArray *lines = g_array_new(FALSE, FALSE, sizeof(struct row));
	GArray *pins = g_array_new(FALSE, FALSE, sizeof(struct row));
	uint64_t end = n ? r[n - 1].time : 0, start = 0, to;
	unsigned cpu;
	bool has_to;
	char name[SIM_NAME_MAX + 32];

	if (ncpus > MAX_CPUS)
		ncpus = MAX_CPUS;
	size_t from = n, marks = 0;
	while (from > 0 && marks + draws(&r[from - 1], ncpus) <= MAX_ITEMS)
		marks += draws(&r[--from], ncpus);
	bool window = from > 0;
	if (window)
		start = r[from].time;
	for (size_t i = 0; i < n; i++) {
		const struct sim_trace_rec *e = &r[i];
		const char *ans = answer_kind(e->kind);
		if (i < from) {
			/* Before the drawing starts: only the state. */
			if (cpu_switch(e, ncpus, &cpu, &has_to, &to)) {
				run[cpu].tid = to;
				run[cpu].start = e->time;
				run[cpu].open = has_to;
			} else if (e->kind == HW_TRACE_LINE) {
				row_of(lines, (e->a << 32) | (e->b & 0xffffffffu))->level0 = e->c;
			} else if (e->kind == UK_TRACE_IRQ(UK_IRQ_EV_BEGIN)) {
				struct row *p = row_of(pins, e->a);
				p->open = true;
				p->open_rec = *e;
			} else if (e->kind == UK_TRACE_IRQ(UK_IRQ_EV_END)) {
				row_of(pins, e->a)->open = false;
			}
			continue;
		}
		if (cpu_switch(e, ncpus, &cpu, &has_to, &to)) {
			uint64_t from_t = run[cpu].start > start ? run[cpu].start : start;
			if (run[cpu].open && e->time > from_t) {
				sep(slices);
				g_string_append_printf(slices, "[%u,%llu,%llu,%llu]", cpu,
						       (unsigned long long)run[cpu].tid,
						       (unsigned long long)from_t,
						       (unsigned long long)e->time);
				legend_add(seen, threads, run[cpu].tid, names);
			}
			run[cpu].tid = to;
			run[cpu].start = e->time;
			run[cpu].open = has_to;
		} else if (e->kind == SIM_TR_IRQ_TAKE && e->cpu < ncpus) {
			sep(irqs);
			g_string_append_printf(irqs, "[%u,%llu]", e->cpu, (unsigned long long)e->time);
		} else if (e->kind == HW_TRACE_LINE) {
			struct row *l = row_of(lines, (e->a << 32) | (e->b & 0xffffffffu));
			sep(l->items);
			g_string_append_printf(l->items, "[%llu,%llu", (unsigned long long)e->time,
					       (unsigned long long)e->c);
			add_desc(l->items, e, names);
			g_string_append_c(l->items, ']');
		} else if (e->kind == UK_TRACE_IRQ(UK_IRQ_EV_BEGIN)) {
			struct row *p = row_of(pins, e->a);
			p->open = true;
			p->open_rec = *e;
		} else if (e->kind == UK_TRACE_IRQ(UK_IRQ_EV_END)) {
			struct row *p = row_of(pins, e->a);
			if (p->open) {
				sep(p->items);
				g_string_append_printf(p->items, "[%llu,%llu,%llu,0",
						       (unsigned long long)(p->open_rec.time > start
									    ? p->open_rec.time
									    : start),
						       (unsigned long long)e->time,
						       (unsigned long long)p->open_rec.c);
				add_desc(p->items, &p->open_rec, names);
				g_string_append_c(p->items, ']');
				p->open = false;
			}
		} else if (ans) {
			struct row *p = row_of(pins, e->a);
			sep(p->ans);
			g_string_append_printf(p->ans, "[%llu,\"%s\",%llu,%llu",
					       (unsigned long long)e->time, ans,
					       (unsigned long long)e->b, (unsigned long long)e->c);
			add_desc(p->ans, e, names);
			g_string_append_c(p->ans, ']');
		}
	}
	for (unsigned c = 0; c < ncpus; c++) {
		uint64_t from_t = run[c].start > start ? run[c].start : start;
		if (run[c].open && end > from_t) {
			sep(slices);
			g_string_append_printf(slices, "[%u,%llu,%llu,%llu]", c,
					       (unsigned long long)run[c].tid,
					       (unsigned long long)from_t, (unsigned long long)end);
			legend_add(seen, threads, run[c].tid, names);
		}
	}
	/* (An empty array's data may be NULL, which qsort must not see.) */
	if (lines->len)
		qsort(lines->data, lines->len, sizeof(struct row), cmp_row);
	if (pins->len)
		qsort(pins->data, pins->len, sizeof(struct row), cmp_row);

	fprintf(f, "\"start\":%llu,\"end\":%llu,\"window\":%s,\"kept\":%zu,\"records\":%llu,"
		"\"cut\":%s,\"cpus\":[",
		(unsigned long long)start, (unsigned long long)end, window ? "true" : "false", t->len,
		(unsigned long long)t->count, t->truncated ? "true" : "false");
	for (unsigned c = 0; c < ncpus; c++)
		fprintf(f, "%s\"CPU %u\"", c ? "," : "", c);
	fprintf(f, "],\"threads\":[%s],\n\"slices\":[%s],\n\"irqs\":[%s],\n\"lines\":[", threads->str,
		slices->str, irqs->str);
	for (guint i = 0; i < lines->len; i++) {
		struct row *l = &g_array_index(lines, struct row, i);
		fprintf(f, "%s{\"name\":", i ? "," : "");
		json_str(f, sim_names_say(names, SIM_NAME_LINE, l->key >> 32, l->key & 0xffffffffu, name,
					  sizeof(name)));
		fprintf(f, ",\"lv0\":%llu,\"ch\":[%s]}", (unsigned long long)l->level0,
			l->items->str);
	}
	fputs("],\n\"pins\":[", f);
	for (guint i = 0; i < pins->len; i++) {
		struct row *p = &g_array_index(pins, struct row, i);
		if (p->open) {
			/* Still in service when the run ended. */
			sep(p->items);
			g_string_append_printf(p->items, "[%llu,%llu,%llu,1",
					       (unsigned long long)(p->open_rec.time > start
								    ? p->open_rec.time
								    : start),
					       (unsigned long long)end, (unsigned long long)p->open_rec.c);
			add_desc(p->items, &p->open_rec, names);
			g_string_append_c(p->items, ']');
		}
		fprintf(f, "%s{\"name\":", i ? "," : "");
		json_str(f, sim_names_say(names, SIM_NAME_PIN, p->key, 0, name, sizeof(name)));
		fprintf(f, ",\"eps\":[%s],\"ans\":[%s]}", p->items->str, p->ans->str);
	}
	fputs("]}", f);

	GArray *all[2] = {lines, pins};
	for (int k = 0; k < 2; k++) {
		for (guint i = 0; i < all[k]->len; i++) {
			g_string_free(g_array_index(all[k], struct row, i).items, TRUE);
			g_string_free(g_array_index(all[k], struct row, i).ans, TRUE);
		}
		g_array_free(all[k], TRUE);
	}
	g_array_free(seen, TRUE);
	g_string_free(slices, TRUE);
	g_string_free(irqs, TRUE);
	g_string_free(threads, TRUE);
}

int sim_html_timeline(FILE *f, const struct sim_trace *t, const struct sim_names *names,
		      unsigned ncpus, const char *id, const char *caption, const char *mark,
		      uint64_t mark_ns)
{
	size_t n;
	struct sim_trace_rec *r = sim_trace_sorted(t, &n);
	if (!r && t->len)
		return -1;
	fputs("<figure class=\"timeline\" id=\"", f);
	sim_html_escape(f, id);
	fputs("\">\n<figcaption>", f);
	sim_html_escape(f, caption);
	fputs("</figcaption>\n<script type=\"application/json\" class=\"run\">", f);
	/* The model is an object: the mark goes in as its first field. */
	fputs("{\"mark\":", f);
	if (mark) {
		fprintf(f, "[%llu,", (unsigned long long)mark_ns);
		json_str(f, mark);
		fputs("],", f);
	} else {
		fputs("null,", f);
	}
	write_model(f, r, n, ncpus, t, names);
	fputs("</script>\n<div class=\"zoom\"><button type=\"button\" data-zoom=\"0.5\">&minus;</button>"
	      "<button type=\"button\" data-zoom=\"2\">+</button></div>\n"
	      "<div class=\"scroll\"></div>\n<p class=\"counts\"></p>\n</figure>\n",
	      f);
	free(r);
	return ferror(f) ? -1 : 0;
}

static const char page_style[] =
	"body{font-family:sans-serif;margin:1.5em;color:#222;max-width:80em}\n"
	"h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}\n"
	"table.verdicts{border-collapse:collapse}\n"
	"table.verdicts td,table.verdicts th{border:1px solid #ccc;padding:.2em .6em;text-align:left}\n"
	"table.verdicts td.num{text-align:right}\n"
	"tr.bad td{background:#fde8e8}tr.good td{background:#eaf7ea}\n"
	"pre,code{font-family:monospace;font-size:.9em}pre{background:#f6f6f6;padding:.6em;"
	"overflow-x:auto}\n"
	"code.replay{display:block;background:#f6f6f6;padding:.4em;word-break:break-all}\n"
	"figure{margin:1em 0}figcaption{font-weight:bold;margin-bottom:.3em}\n"
	".scroll{overflow-x:auto;border:1px solid #ddd}\n"
	".zoom button{margin-right:.3em;min-width:2em}\n"
	"svg text{font-family:sans-serif;font-size:11px}\n"
	"p.counts,p.meta{color:#555;font-size:.9em}\n";

/* Draws every figure's model as SVG; hovering a mark shows what it is. */
static const char page_script[] =
	"(function(){\n"
	"'use strict';\n"
	"var NS='http://www.w3.org/2000/svg';\n"
	"function el(p,tag,at,title){var e=document.createElementNS(NS,tag);\n"
	" for(var k in at)e.setAttribute(k,at[k]);\n"
	" if(title){var t=document.createElementNS(NS,'title');t.textContent=title;e.appendChild(t);}\n"
	" if(p)p.appendChild(e);return e;}\n"
	"function fmt(ns){if(ns>=1e9)return (ns/1e9).toFixed(3)+' s';\n"
	" if(ns>=1e6)return (ns/1e6).toFixed(3)+' ms';\n"
	" if(ns>=1e3)return (ns/1e3).toFixed(3)+' \\u00b5s';return ns+' ns';}\n"
	"var ANS={'ack':'#1a7f37','nak':'#cf222e','kick':'#8250df','nobody-cared':'#bc4c00',"
	"'ack-timeout':'#bc4c00','stall':'#6e7781'};\n"
	"function draw(fig,m,zoom){\n"
	" var box=fig.querySelector('.scroll');box.textContent='';\n"
	" var lab=function(t){return t.length*6.6+12;},L=90;\n"
	" m.cpus.forEach(function(c){L=Math.max(L,lab(c));});\n"
	" m.lines.forEach(function(l){L=Math.max(L,lab(l.name+' line'));});\n"
	" m.pins.forEach(function(p){L=Math.max(L,lab(p.name+' IRQ'));});\n"
	" L=Math.min(Math.round(L),260);\n"
	" var avail=box.clientWidth||1100,W=Math.max(400,Math.round((avail-L-30)*zoom)),H=22,G=6;\n"
	" var st=m.start,span=Math.max(m.end-st,1),x=function(t){return L+(t-st)*W/span;};\n"
	" var nrows=m.cpus.length+m.lines.length+m.pins.length;\n"
	" var legend=Math.ceil(m.threads.length/6)*18+8;\n"
	" var top=24,h=top+nrows*(H+G)+legend+10;\n"
	" var svg=el(box,'svg',{width:L+W+30,height:h,'data-cpus':m.cpus.length,"
	"'data-threads':m.threads.length,'data-end-ns':m.end});\n"
	" var names={},hue={};m.threads.forEach(function(t,i){names[t[0]]=t[1];hue[t[0]]=Math.round(i*137.5)%360;});\n"
	" var color=function(id){return 'hsl('+(hue[id]||0)+',55%,60%)';};\n"
	" for(var i=0;i<=10;i++){var tt=st+Math.round(span*i/10),tx=x(tt);\n"
	"  el(svg,'line',{x1:tx,x2:tx,y1:top-4,y2:top+nrows*(H+G),stroke:'#eee'});\n"
	"  el(svg,'text',{x:tx,y:top-8,'text-anchor':i==10?'end':'middle'}).textContent=fmt(tt);}\n"
	" var y=top,rowy=[],cpug=[];\n"
	" m.cpus.forEach(function(c,i){var g=el(svg,'g',{'data-kind':'cpu','data-name':c});\n"
	"  el(g,'text',{x:4,y:y+15}).textContent=c;\n"
	"  el(g,'rect',{x:L,y:y,width:W,height:H,fill:'#fafafa'});rowy[i]=y;cpug[i]=g;y+=H+G;});\n"
	" m.slices.forEach(function(s){var g=cpug[s[0]];\n"
	"  var n=names[s[1]]||('thread '+s[1]);\n"
	"  el(g,'rect',{x:x(s[2]),y:rowy[s[0]]+2,width:Math.max(x(s[3])-x(s[2]),0.5),height:H-4,"
	"fill:color(s[1]),'data-kind':'slice','data-thread':n},\n"
	"   n+' on '+m.cpus[s[0]]+', '+fmt(s[2])+' to '+fmt(s[3]));});\n"
	" m.irqs.forEach(function(q){var g=cpug[q[0]];\n"
	"  var px=x(q[1]),py=rowy[q[0]];\n"
	"  el(g,'path',{d:'M'+(px-4)+' '+py+'L'+(px+4)+' '+py+'L'+px+' '+(py+7)+'Z',fill:'#d4a72c',"
	"'data-kind':'interrupt'},m.cpus[q[0]]+' takes an interrupt at '+fmt(q[1]));});\n"
	" m.lines.forEach(function(l){var g=el(svg,'g',{'data-kind':'line','data-name':l.name,"
	"'data-changes':l.ch.length});\n"
	"  el(g,'text',{x:4,y:y+15}).textContent=l.name+' line';\n"
	"  var lv=l.lv0,hi=y+3,lo=y+H-3,d='M'+L+' '+(lv?hi:lo);\n"
	"  l.ch.forEach(function(c){var px=x(c[0]);d+='L'+px+' '+(lv?hi:lo);lv=c[1];d+='L'+px+' '+(lv?hi:lo);\n"
	"   el(g,'circle',{cx:px,cy:lv?hi:lo,r:1.5,fill:'#0969da','data-kind':'level'},\n"
	"    c[2]+' at '+fmt(c[0]));});\n"
	"  d+='L'+(L+W)+' '+(lv?hi:lo);\n"
	"  el(g,'path',{d:d,fill:'none',stroke:'#0969da','stroke-width':1.5},l.name);y+=H+G;});\n"
	" m.pins.forEach(function(p){var g=el(svg,'g',{'data-kind':'pin','data-name':p.name});\n"
	"  el(g,'text',{x:4,y:y+15}).textContent=p.name+' IRQ';\n"
	"  el(g,'rect',{x:L,y:y,width:W,height:H,fill:'#fafafa'});\n"
	"  p.eps.forEach(function(e){el(g,'rect',{x:x(e[0]),y:y+3,width:Math.max(x(e[1])-x(e[0]),1),"
	"height:H-6,fill:e[3]?'#ffd8b5':'#b6e3ff',stroke:'#54aeff','data-kind':'episode',"
	"'data-episode':e[2],'data-open':e[3]},\n"
	"   e[4]+', '+fmt(e[0])+' to '+fmt(e[1])+(e[3]?' (still open at the end)':''));});\n"
	"  p.ans.forEach(function(a){var px=x(a[0]);\n"
	"   el(g,'rect',{x:px-1,y:y,width:3,height:H,fill:ANS[a[1]]||'#000','data-kind':'answer',"
	"'data-answer':a[1],'data-sink':a[2]},\n"
	"    a[4]+' at '+fmt(a[0]));});\n"
	"  y+=H+G;});\n"
	" if(m.mark&&m.mark[0]>=st&&m.mark[0]<=m.end){var mx=x(m.mark[0]);\n"
	"  el(svg,'line',{x1:mx,x2:mx,y1:top-4,y2:top+nrows*(H+G),stroke:'#cf222e','stroke-width':2,"
	"'stroke-dasharray':'4 3','data-kind':'violation'},m.mark[1]+' at '+fmt(m.mark[0]));}\n"
	" y+=8;m.threads.forEach(function(t,i){var lx=L+(i%6)*150,ly=y+Math.floor(i/6)*18;\n"
	"  var g=el(svg,'g',{'data-kind':'thread','data-name':t[1]});\n"
	"  el(g,'rect',{x:lx,y:ly,width:12,height:12,fill:color(t[0])});\n"
	"  el(g,'text',{x:lx+16,y:ly+10}).textContent=t[1];});\n"
	" var eps=0,ans=0;m.pins.forEach(function(p){eps+=p.eps.length;ans+=p.ans.length;});\n"
	" fig.querySelector('.counts').textContent=m.cpus.length+' CPUs, '+m.threads.length+' threads, '+\n"
	"  m.lines.length+' interrupt lines, '+m.pins.length+' IRQ pins, '+eps+' service episodes, '+\n"
	"  ans+' answers and reports, '+m.irqs.length+' interrupts taken, '+fmt(m.start)+' to '+fmt(m.end)+\n"
	"  (m.window?'; a long run: drawn from where its last 50,000 marks begin':'')+\n"
	"  (m.cut?'; the trace kept its first '+m.kept+' of '+m.records+' records, so the run goes on after '+fmt(m.end):'')+'.';\n"
	" fig.setAttribute('data-drawn','1');}\n"
	"document.querySelectorAll('figure.timeline').forEach(function(fig){\n"
	" var m=JSON.parse(fig.querySelector('script.run').textContent),zoom=1;\n"
	" draw(fig,m,zoom);\n"
	" fig.querySelectorAll('button[data-zoom]').forEach(function(b){b.addEventListener('click',function(){\n"
	"  zoom=Math.min(64,Math.max(1,zoom*parseFloat(b.getAttribute('data-zoom'))));draw(fig,m,zoom);});});});\n"
	"})();\n";

void sim_html_page_begin(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
	sim_html_escape(f, title);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", page_style);
}

void sim_html_page_end(FILE *f)
{
	fprintf(f, "<script>\n%s</script>\n</body>\n</html>\n", page_script);
}
