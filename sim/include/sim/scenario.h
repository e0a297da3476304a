/* SPDX-License-Identifier: MIT */
/*
 * The scenario model: what a .uks file (with its includes resolved) says,
 * validated, in plain C structs for the runtime to execute.
 *
 * Everything hangs off one struct uks_scenario and is freed by
 * uks_scenario_free. Strings and arrays are owned by the scenario. Every
 * item carries the position it was written at, so the runtime can name
 * file:line:column in its own messages. References between items (a thread
 * argument naming a device, a timeline action naming a process) are
 * resolved to indices into the scenario's arrays.
 *
 * The language is described in docs/scenario-language.md.
 */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uks_catalog.h"

/* Where an item was written. `file` points into the scenario's file list
 * (the main file first, then each included file as its path was joined). */
struct uks_pos {
	const char *file;
	uint32_t line, col; /* 1-based; col counts bytes */
};

/* Sanity limits; exceeding one is a scenario error, not a crash. */
#define UKS_MAX_FILE_BYTES (1u << 20)
#define UKS_MAX_INCLUDE_DEPTH 16
#define UKS_MAX_FILES 64
#define UKS_MAX_TOKEN 256
#define UKS_MAX_STRING 1024
#define UKS_MAX_NAME 31 /* device, process, endpoint, thread names */
#define UKS_MAX_DEVICES 256
#define UKS_MAX_PROCESSES 256
#define UKS_MAX_THREADS 64 /* per process */
#define UKS_MAX_ENDPOINTS 256
#define UKS_MAX_LINES 64 /* line blocks: the kernel keeps settings for 64 lines */
#define UKS_MAX_ARGS 32
#define UKS_MAX_CAPS 64
#define UKS_MAX_ACTIONS 100000 /* after expanding `repeat` */
#define UKS_MAX_EXPECTS 1024
#define UKS_MAX_CPUS 64
#define UKS_MAX_TIME_NS 3600000000000ull /* one hour of virtual time */
#define UKS_IOAPIC_PINS 24
#define UKS_DEFAULT_MSI_SOURCES 32
#define UKS_MAX_MSI_SOURCES 256
#define UKS_MAX_PLIC_SOURCES 1023

/* ---- values (program and device-kind arguments) ---- */

enum uks_value_kind {
	UKS_VAL_INT,      /* num */
	UKS_VAL_TIME,     /* num in ns */
	UKS_VAL_SIZE,     /* num in bytes */
	UKS_VAL_BOOL,     /* num 0 or 1 */
	UKS_VAL_STRING,   /* str */
	UKS_VAL_IDENT,    /* str: an enum choice, or unchecked identifier */
	UKS_VAL_DEVICE,   /* str is the name, ref the device index */
	UKS_VAL_PROCESS,  /* ref: process index */
	UKS_VAL_ENDPOINT, /* ref: endpoint index */
};

struct uks_arg {
	struct uks_pos pos;
	const char *name;
	enum uks_value_kind kind;
	uint64_t num;
	struct uks_pos value_pos;
	const char *str; /* the text for strings and identifiers, else NULL */
	int ref;         /* index for references, else -1 */
};

/* ---- machine ---- */

struct uks_machine {
	struct uks_pos pos;   /* of the last machine block; all zero if none */
	uint32_t cpus;        /* 1..64, default 1 */
	uint64_t memory;      /* bytes, multiple of 4 KiB, default 64 MiB */
	const char *cost;     /* cost preset, default "skylake" */
	/* Policies by name (sim/policy.h); each with where it was written
	 * (all zero when defaulted), for errors found once shared objects are
	 * loaded. */
	const char *irq_model;/* default "managarm" */
	const char *transfer; /* default "physmap" */
	const char *scheduler;/* default "fixed" */
	struct uks_pos irq_model_pos, transfer_pos, scheduler_pos;
	uint64_t timeslice_ns;/* default 1 ms */
	bool priority_inheritance; /* default on */
	bool ipc_handoff;          /* default on: cfg.ipc_handoff of the kernel */
	uint64_t ack_timeout_ns;   /* default 1 s */
	bool nak_on_timeout;       /* default off: NAK on behalf of sinks that time out */
	/* The Linux model's spurious-IRQ statistic, scaled (0: the real
	 * 100,000 and 99,900 of kernel/irq/spurious.c). */
	uint64_t linux_window, linux_threshold;
	struct uks_pos linux_pos; /* where the last of the two was written */
	/* The seL4 model: when a line is unmasked, 0 at issue (seL4), 1 at
	 * bind (host->model_param[2], ukern/models/sel4.h). */
	uint32_t sel4_unmask_at;
	uint32_t msi_sources;      /* default 32 */
	uint32_t plic_sources;     /* 0: no PLIC */
};

/* ---- devices ---- */

/* PERCPU: one CPU's own local line (`irq percpu N cpu C`: LAPIC LVT input,
 * GIC PPI), edge only; line blocks (`line percpu N`) cover every CPU's. */
enum uks_line_kind { UKS_LINE_NONE, UKS_LINE_IOAPIC, UKS_LINE_MSI, UKS_LINE_PLIC, UKS_LINE_PERCPU };
#define UKS_PERCPU_LINES 8 /* local lines per CPU */
enum uks_trigger { UKS_TRIGGER_EDGE, UKS_TRIGGER_LEVEL };
enum uks_polarity { UKS_POLARITY_HIGH, UKS_POLARITY_LOW };
enum uks_status_mode {
	UKS_STATUS_DEFAULT,        /* the kind's own */
	UKS_STATUS_CLEAR_ON_READ,
	UKS_STATUS_WRITE1_CLEAR,
};

struct uks_device {
	struct uks_pos pos;
	const char *name;
	const char *kind;          /* a device kind of the catalog */
	struct uks_arg *args;      /* kind(args...) */
	size_t nargs;
	enum uks_line_kind line_kind;
	uint32_t line;             /* IOAPIC pin, MSI source, PLIC source, local line */
	uint32_t line_cpu;         /* PERCPU: the CPU whose line it is */
	enum uks_trigger trigger;  /* MSI, PERCPU: always edge */
	enum uks_polarity polarity;
	struct uks_pos line_pos;
	enum uks_status_mode status;
	bool pci;                  /* placed on PCI at bus:dev.fn */
	uint8_t pci_bus, pci_dev, pci_fn;
};

/* ---- interrupt lines ---- */

/* `line ioapic 10 { model linux  behaviour mask-in-service }`: settings of
 * one interrupt line, shared by every device on it. */
struct uks_line {
	struct uks_pos pos;
	enum uks_line_kind kind;   /* never UKS_LINE_NONE */
	uint32_t line;             /* IOAPIC pin, MSI source or PLIC source */
	const char *model;         /* IRQ model, NULL: the machine's */
	struct uks_pos model_pos;
	const char *behaviour;     /* controller behaviour, NULL: the controller's */
	struct uks_pos behaviour_pos;
	bool wake;                 /* `wake`: may wake a suspended machine */
};

/* ---- endpoints (IPC) ---- */

enum uks_queue { UKS_QUEUE_FIFO, UKS_QUEUE_PRIORITY };

struct uks_endpoint {
	struct uks_pos pos;
	const char *name;
	enum uks_queue queue;      /* default fifo */
	const char *transfer;      /* NULL: the machine's */
	struct uks_pos transfer_pos;
};

/* ---- processes ---- */

struct uks_thread {
	struct uks_pos pos;
	const char *name;
	const char *program;
	struct uks_pos program_pos;
	/* The catalog entry, or NULL for a program only known at run time
	 * (allowed by the catalog or by a `load` line; args then unchecked). */
	const struct uks_program_spec *spec;
	struct uks_arg *args;
	size_t nargs;
	uint8_t prio;              /* 0..255, higher runs first; default 100 */
	uint64_t affinity;         /* bit per CPU; all CPUs by default */
	struct uks_pos affinity_pos; /* where cpu/affinity was written */
};

enum uks_cap_kind {
	UKS_CAP_IRQ,        /* ref: device; may wait/ack/nak/kick its IRQ */
	UKS_CAP_PCI,        /* ref: device on PCI; maps its BAR, touches its config space */
	UKS_CAP_ENDPOINT,   /* ref: endpoint; rights */
	UKS_CAP_NOPREEMPT,  /* budget_ns: may enter no-preemption sections */
	UKS_CAP_MMIO,       /* ref: device; maps its register window */
};

#define UKS_RIGHT_SEND (1u << 0)
#define UKS_RIGHT_RECEIVE (1u << 1)

struct uks_cap {
	struct uks_pos pos;
	enum uks_cap_kind kind;
	const char *target; /* the name written, for irq/pci/endpoint */
	struct uks_pos target_pos;
	int ref;
	uint32_t rights;    /* endpoint: UKS_RIGHT_* (both by default) */
	uint64_t budget_ns; /* nopreempt */
};

struct uks_process {
	struct uks_pos pos;
	const char *name;
	struct uks_thread *threads;
	size_t nthreads;
	struct uks_cap *caps;
	size_t ncaps;
};

/* ---- timeline ---- */

enum uks_action_kind {
	UKS_ACT_ASSERT,    /* raise the device's line (level: stays up) */
	UKS_ACT_DEASSERT,  /* lower it */
	UKS_ACT_PULSE,     /* raise and lower: one edge */
	UKS_ACT_COMPLETE,  /* the device finishes its work and signals */
	UKS_ACT_RESET,     /* reset the device (`spurious`: it raises once) */
	UKS_ACT_SPURIOUS,  /* an interrupt the device cannot claim */
	UKS_ACT_KILL,      /* fault: kill a process */
	UKS_ACT_DROP_EDGE, /* fault: the next edge of the device is lost */
	UKS_ACT_DELAY,     /* fault: the device's next response comes late */
	UKS_ACT_ROUTE,     /* route DEVICE cpu N: its line goes to CPU N (irq_set_affinity) */
	UKS_ACT_SUSPEND,   /* suspend the machine (no target) */
	UKS_ACT_RESUME,    /* resume it (no target) */
	UKS_ACT_RAISE,     /* raise EDU BITS: write BITS to an edu's interrupt raise register */
};

enum uks_time_kind {
	UKS_AT_ABSOLUTE, /* at 10us */
	UKS_AT_RELATIVE, /* at +5us: after the previous action (file order) */
	UKS_AT_WINDOW,   /* at 10us..20us: the explorer places it */
};

struct uks_action {
	struct uks_pos pos;
	enum uks_action_kind kind;
	enum uks_time_kind time_kind; /* as written */
	/* Resolved bounds in ns from the start: equal unless a window is
	 * involved (a window, or relative to an action placed in one). */
	uint64_t earliest, latest;
	int prev;         /* UKS_AT_RELATIVE: index of the action it follows */
	uint64_t offset;  /* UKS_AT_RELATIVE: the +offset */
	const char *target_name;
	struct uks_pos target_pos;
	int target;       /* device index, or process index for KILL */
	uint64_t duration;/* DELAY: how late */
	uint32_t cpu;     /* ROUTE: the CPU */
	struct uks_pos cpu_pos;
	bool spurious;    /* RESET ... spurious */
	uint32_t bits;    /* RAISE: the value written to the raise register (non-zero) */
	struct uks_pos bits_pos;
	uint32_t repeat;  /* 0, or 1+ the iteration of the `repeat` it came from */
};

/* ---- expectations ---- */

enum uks_expect_kind {
	UKS_EXPECT_COUNT,       /* count NAME(REF) OP value */
	UKS_EXPECT_LATENCY,     /* latency NAME(REF) OP value (ns) */
	UKS_EXPECT_NO_DEADLOCK,
	UKS_EXPECT_VIOLATION,   /* the explorer must find violation `name` */
};

enum uks_cmp { UKS_CMP_EQ, UKS_CMP_NE, UKS_CMP_LT, UKS_CMP_LE, UKS_CMP_GT, UKS_CMP_GE };

struct uks_expect {
	struct uks_pos pos;
	enum uks_expect_kind kind;
	const char *name;        /* counter, metric or violation ID */
	enum uks_arg_type ref_type; /* UKS_ARG_NONE or the kind of ref */
	const char *ref_name;    /* as written, or NULL for a total */
	struct uks_pos ref_pos;
	int ref;                 /* index, or -1 for a total */
	enum uks_cmp cmp;
	uint64_t value;
};

/* ---- the scenario ---- */

struct uks_load {
	struct uks_pos pos;
	const char *path; /* resolved relative to the file that says it */
};

struct uks_scenario {
	const char *name;      /* `scenario "x"`, else the main file's base name */
	const char **files;    /* main file first, then includes */
	size_t nfiles;
	struct uks_machine machine;
	struct uks_device *devices;
	size_t ndevices;
	struct uks_line *lines;    /* per-line settings, each line at most once */
	size_t nlines;
	struct uks_endpoint *endpoints;
	size_t nendpoints;
	struct uks_process *processes;
	size_t nprocesses;
	struct uks_action *actions; /* file order, `repeat` expanded */
	size_t nactions;
	struct uks_expect *expects;
	size_t nexpects;
	bool invariants;       /* check I1..I10 (default on) */
	uint64_t end_by_ns;    /* 0: run until quiet */
	struct uks_load *loads;
	size_t nloads;
	struct uks_scenario_priv *priv; /* string storage */
	/* The machine settings given from outside the file (uks_parse_file_set),
	 * one KEY=VALUE per line as given, or NULL. Part of the hash. */
	const char *sets;
};

/* ---- diagnostics ---- */

/* The first error found. All strings are owned by the diag. */
struct uks_diag {
	bool set;
	char *file;
	uint32_t line, col, len; /* len: columns to underline (>= 1) */
	char *message;   /* e.g. "unknown device kind 'scriptd'" */
	char *source;    /* the offending line, without its newline */
	char *expected;  /* "expected one of: a, b" or NULL */
	char *hint;      /* "did you mean 'scripted'?" or NULL */
	char *note;      /* e.g. "included from a.uks:3" or NULL */
};

void uks_diag_init(struct uks_diag *d);
/* Fill `d` for a name that is not one of `names` (found after parsing, e.g.
 * a policy only checked once shared objects are loaded): "unknown WHAT
 * 'word'", the known names, and the nearest one. */
void uks_diag_unknown(struct uks_diag *d, const struct uks_pos *pos, const char *what,
		      const char *word, const char *const *names);
void uks_diag_clear(struct uks_diag *d);
/* The full report: "FILE:LINE:COL: error: MESSAGE\n", the source line, a
 * caret line, then expected/hint/note lines. Free with g_free/free. */
char *uks_diag_format(const struct uks_diag *d);

/* ---- parsing ---- */

#define UKS_PARSE_NO_INCLUDE (1u << 0) /* `include` is an error: never read a file (fuzzing) */

/* Parse and validate the file at `path` with its includes (resolved
 * relative to the including file). `cat` NULL means the default catalog.
 * Returns 0 and sets *out, or returns -1, sets *out to NULL and fills
 * `diag` (if not NULL). */
int uks_parse_file(const char *path, const struct uks_catalog *cat, struct uks_scenario **out,
		   struct uks_diag *diag);

/* The same for text in memory; `name` is used in positions and as the base
 * for includes. `text` need not be NUL-terminated. */
int uks_parse_string(const char *name, const char *text, size_t len,
		     const struct uks_catalog *cat, struct uks_scenario **out,
		     struct uks_diag *diag);
int uks_parse_string_flags(const char *name, const char *text, size_t len,
			   const struct uks_catalog *cat, unsigned flags,
			   struct uks_scenario **out, struct uks_diag *diag);

/* Machine settings from outside the file (`uksim run --set KEY=VALUE`):
 * each KEY=VALUE is read as the statement `KEY VALUE` of a machine block
 * after the main file, so keys and values are exactly the machine block's
 * (docs/scenario-language.md section 3) and later ones win. Errors name the
 * source UKS_SET_SOURCE, line N for the Nth setting, with the column in the
 * text as given. Validation sees the settings. The settings are kept in
 * s->sets and change the scenario's hash. */
#define UKS_SET_SOURCE "--set"
int uks_parse_file_set(const char *path, const struct uks_catalog *cat, const char *const *sets,
		       size_t nsets, struct uks_scenario **out, struct uks_diag *diag);
int uks_parse_string_set(const char *name, const char *text, size_t len,
			 const struct uks_catalog *cat, const char *const *sets, size_t nsets,
			 struct uks_scenario **out, struct uks_diag *diag);

void uks_scenario_free(struct uks_scenario *s);

/* A 64-bit hash of the normalized model (not of the text: whitespace,
 * comments, file and scenario names and positions do not change it; any
 * value does). The same on every host. */
uint64_t uks_scenario_hash(const struct uks_scenario *s);

/* Names of enum values as the language spells them. */
const char *uks_action_name(enum uks_action_kind k);
const char *uks_cmp_name(enum uks_cmp c);

#endif /* SIM_SCENARIO_H */
