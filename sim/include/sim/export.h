/* SPDX-License-Identifier: MIT */
/*
 * Trace exporters and names.
 *
 *   Chrome/Perfetto trace-event JSON (open in ui.perfetto.dev or
 *   chrome://tracing): one track per CPU with the threads it ran and the
 *   interrupts it took, IRQ service episodes as async slices per pin, IPC
 *   calls as flows from caller to server, and counters (interrupt lines,
 *   threads ready to run).
 *
 *   VCD (GTKWave): per interrupt pin its line level, mask bit, remote IRR
 *   and in-service flag, and each sink's sequence number.
 *
 * Both read the records of a run's struct sim_trace (kept with a
 * trace_limit). Records are ordered by virtual time first (CPUs' clocks
 * interleave), stably, so equal times keep their order of emission.
 */
#ifndef SIM_EXPORT_H
#define SIM_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <sim/trace.h>

/* ---- the scenario's names for the kernel's and the machine's ids ----
 *
 * Trace records carry ids (thread 7, pin 0, sink 3, controller 0 pin 10);
 * a name table says what the scenario calls them: "nicdrv.main" for a
 * scenario thread, "vfs.worker#2" for the second thread a process made at
 * run time with program `worker`, "idle/cpu1" for a kernel thread, "nic0"
 * or "ioapic10" for a line, "nicdrv.main" for the sink its thread
 * attached. The runtime fills one after a traced run (sim_run_report,
 * sim_outcome); every exporter takes one, or NULL for bare ids. */
enum sim_name_kind {
	SIM_NAME_THREAD = 1,  /* a = tid */
	SIM_NAME_PROCESS,     /* a = the kernel's process id */
	SIM_NAME_PIN,         /* a = the kernel's IRQ pin id */
	SIM_NAME_SINK,        /* a = sink id */
	SIM_NAME_LINE,        /* a = controller (HW trace numbering), b = pin */
	SIM_NAME_MSI,         /* a = MSI source */
	SIM_NAME_DEVICE,      /* a = the machine's device index */
	SIM_NAME_ACTION,      /* a = timeline action index: what it does ("assert nic0") */
	/* A device's interrupt output: a = (controller << 32) | pin in the
	 * HW trace numbering (an MSI device: the MSI controller and its
	 * source), b = device index; the name is the device's. */
	SIM_NAME_DEVICE_LINE,
};

#define SIM_NAME_MAX 64

/* Controller numbers of HW_TRACE_LINE / HW_TRACE_MASK records (hwmodel's
 * own numbering; per-CPU local lines are numbered cpu * 8 + line), and the
 * MSI controller's for SIM_NAME_DEVICE_LINE. */
#define SIM_LINE_CTRL_IOAPIC 0u
#define SIM_LINE_CTRL_MSI 1u
#define SIM_LINE_CTRL_PLIC 2u
#define SIM_LINE_CTRL_PERCPU 3u

struct sim_name {
	uint32_t kind;
	uint64_t a, b;
	char name[SIM_NAME_MAX];
};

struct sim_names {
	struct sim_name *v;
	size_t n, cap;
};

void sim_names_init(struct sim_names *n);
void sim_names_fini(struct sim_names *n);
/* Set (or replace) a name; -1 when memory runs out. */
int sim_names_set(struct sim_names *n, enum sim_name_kind kind, uint64_t a, uint64_t b,
		  const char *name);
/* The name, or NULL (also for names == NULL). */
const char *sim_names_get(const struct sim_names *n, enum sim_name_kind kind, uint64_t a,
			  uint64_t b);
/* The name, or the bare id in words ("thread 7", "pin 0", "sink 3",
 * "controller 0 pin 10", "MSI source 2", "device 1"), into buf. */
const char *sim_names_say(const struct sim_names *n, enum sim_name_kind kind, uint64_t a,
			  uint64_t b, char *buf, size_t len);
/* Names that only the trace can give: each sink after the thread that
 * attached it (the thread running on the attaching CPU; "#2" for its second
 * sink). Call after the threads are named. */
int sim_names_from_trace(struct sim_names *n, const struct sim_trace *t);

/* The thread running on `cpu` at time `t` (from the trace's switches), or
 * NULL when the trace does not tell. */
const char *sim_names_running(const struct sim_names *n, const struct sim_trace *t, unsigned cpu,
			      uint64_t time, char *buf, size_t len);
/* A JSON object of the table, by kind and id: {"threads": {"7":
 * "nicdrv.main"}, "processes": {...}, "lines": {...} (kernel IRQ pin ids),
 * "sinks": {...}, "devices": {...}}; "{}" for NULL. */
void sim_names_print_json(FILE *f, const struct sim_names *n);

/* A short name for a trace kind ("irq.begin", "hw.line", "core.switch"),
 * or NULL for a kind nobody named. */
const char *sim_trace_kind_name(uint16_t kind);

/* One line in plain words for a record (for stories and logs), with the
 * scenario's names when `names` is not NULL. Every kind the simulator, the
 * kernel and the machine emit has its own wording (sim_trace_kinds). */
void sim_trace_describe(const struct sim_trace_rec *r, char *buf, size_t len);
void sim_trace_describe_named(const struct sim_trace_rec *r, const struct sim_names *names,
			      char *buf, size_t len);
/* Every trace kind known (up to `max` into out), for tests and tools;
 * returns how many there are. */
size_t sim_trace_kinds(uint16_t *out, size_t max);

/* Write the trace. Return 0, or -1 with errno set when writing fails. */
int sim_export_chrome(const struct sim_trace *t, unsigned ncpus, const char *title, FILE *out);
int sim_export_vcd(const struct sim_trace *t, const char *title, FILE *out);
/* The same with the scenario's names (NULL: bare ids). */
int sim_export_chrome_named(const struct sim_trace *t, const struct sim_names *names,
			    unsigned ncpus, const char *title, FILE *out);
int sim_export_vcd_named(const struct sim_trace *t, const struct sim_names *names,
			 const char *title, FILE *out);

/* Self-contained HTML (uksim report): no network, no external fonts.
 * sim_html_page_begin writes the head (title, style) and opens the body;
 * sim_html_page_end writes the one inline script, which draws every
 * timeline figure as SVG, and closes the page. Between them the caller
 * writes its own content, text escaped with sim_html_escape. */
void sim_html_page_begin(FILE *out, const char *title);
void sim_html_page_end(FILE *out);
void sim_html_escape(FILE *out, const char *s);
/* A timeline figure of a run: CPUs with the threads they ran and the
 * interrupts they took, interrupt lines, IRQ pins with their service
 * episodes and answers, named from `names` (NULL: bare ids). `id` names the figure in the page (unique). With
 * `mark` (else NULL) a vertical line at `mark_ns` says what went wrong.
 * Returns 0, or -1 when out of memory or writing fails. */
int sim_html_timeline(FILE *out, const struct sim_trace *t, const struct sim_names *names,
		      unsigned ncpus, const char *id, const char *caption, const char *mark,
		      uint64_t mark_ns);

/* Write `s` (NULL: "") as a JSON string, with its quotes. The result is
 * always valid UTF-8: a byte that does not start a well-formed UTF-8
 * sequence is written as \ufffd (U+FFFD); control characters are escaped.
 * Every JSON writer of sim and uksim uses these. */
void sim_json_string(FILE *f, const char *s);
/* The same with flags: SIM_JSON_SCRIPT also escapes < > & (JSON inside an
 * HTML <script> element, where "</" must not appear). */
#define SIM_JSON_SCRIPT 1u
void sim_json_write(FILE *f, const char *s, unsigned flags);
/* The same into a new NUL-terminated string (free() it); NULL when out of
 * memory. */
char *sim_json_quote(const char *s, unsigned flags);

/* The records sorted by time (stable); caller frees. NULL when empty or out
 * of memory (with *n = 0). */
struct sim_trace_rec *sim_trace_sorted(const struct sim_trace *t, size_t *n);

#endif /* SIM_EXPORT_H */
