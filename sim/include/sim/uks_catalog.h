/* SPDX-License-Identifier: MIT */
/*
 * The catalog: the names a scenario may use that the language itself does
 * not fix (programs and their arguments, device kinds, cost presets, IRQ
 * models, transfer strategies, scheduler policies, counters, latency
 * metrics, violation IDs). The parser checks names against it and suggests
 * the nearest one for a misspelling.
 *
 * A catalog is plain constant tables. The runtime plugs in its real program
 * registry by copying uks_default_catalog() and pointing `programs` at its
 * own table (or by building one from scratch).
 */
#ifndef SIM_UKS_CATALOG_H
#define SIM_UKS_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

/* The type of a program or device-kind argument, and of the optional
 * reference a counter or latency metric takes. */
enum uks_arg_type {
	UKS_ARG_NONE = 0, /* counters/metrics: takes no reference */
	UKS_ARG_INT,      /* plain integer, no unit */
	UKS_ARG_TIME,     /* duration: 10us (stored in ns) */
	UKS_ARG_SIZE,     /* size: 4KiB or plain bytes (stored in bytes) */
	UKS_ARG_BOOL,     /* on | off */
	UKS_ARG_STRING,   /* "text" */
	UKS_ARG_ENUM,     /* one identifier of `choices` */
	UKS_ARG_DEVICE,   /* the name of a device of the scenario */
	UKS_ARG_PROCESS,  /* the name of a process of the scenario */
	UKS_ARG_ENDPOINT, /* the name of an endpoint of the scenario */
};

struct uks_arg_spec {
	const char *name;
	enum uks_arg_type type;
	const char *const *choices; /* UKS_ARG_ENUM: NULL-terminated */
	bool required;
	const char *def; /* documentation only: the runtime applies defaults */
	const char *doc;
};

/* A capability a program needs, as a function of its arguments: the
 * process running it must hold KIND on the object that argument `arg`
 * names (a device or an endpoint), or KIND outright when `arg` is NULL.
 * An optional argument left out needs nothing. */
enum uks_need_kind {
	UKS_NEED_IRQ = 1,   /* caps irq(D) */
	UKS_NEED_PCI,       /* caps pci(D) */
	UKS_NEED_SEND,      /* caps endpoint(E, send) */
	UKS_NEED_RECEIVE,   /* caps endpoint(E, receive) */
	UKS_NEED_NOPREEMPT, /* caps nopreempt(T) */
	UKS_NEED_MMIO,      /* caps mmio(D), or pci(D): the device's registers */
};

struct uks_cap_need {
	enum uks_need_kind kind;
	const char *arg;
};

/* A program (a registered C function run by a thread) or a device kind. */
struct uks_program_spec {
	const char *name;
	const struct uks_arg_spec *args;
	size_t nargs;
	const char *doc;
	const struct uks_cap_need *needs; /* programs: what they need (may be NULL) */
	size_t nneeds;
};

/* A counter (`count NAME(REF) OP N`) or a latency metric (`latency
 * NAME(REF) OP TIME`). `ref` is UKS_ARG_NONE, _DEVICE, _PROCESS or
 * _ENDPOINT; with `ref_optional` the reference may be left out (a total). */
struct uks_metric_spec {
	const char *name;
	enum uks_arg_type ref;
	bool ref_optional;
	const char *doc;
};

struct uks_catalog {
	const struct uks_program_spec *programs;
	size_t nprograms;
	const struct uks_program_spec *device_kinds;
	size_t ndevice_kinds;
	const struct uks_metric_spec *counters;
	size_t ncounters;
	const struct uks_metric_spec *latencies;
	size_t nlatencies;
	/* NULL-terminated name lists. */
	const char *const *cost_presets;
	const char *const *irq_models;
	const char *const *transfers;
	const char *const *schedulers;
	const char *const *behaviours; /* controller behaviours of `line` blocks */
	const char *const *violations;
	/* Accept program names the catalog does not list (their arguments are
	 * kept unchecked). A scenario with a `load "x.so"` line gets the same
	 * leniency for itself, since its programs are only known at run time. */
	bool allow_unknown_programs;
};

/* The planned built-ins (see docs/scenario-language.md). Constant. */
const struct uks_catalog *uks_default_catalog(void);

const struct uks_program_spec *uks_catalog_program(const struct uks_catalog *cat,
						   const char *name);
const struct uks_program_spec *uks_catalog_device_kind(const struct uks_catalog *cat,
						       const char *name);
const struct uks_metric_spec *uks_catalog_counter(const struct uks_catalog *cat, const char *name);
const struct uks_metric_spec *uks_catalog_latency(const struct uks_catalog *cat, const char *name);
/* Index of `name` in a NULL-terminated list, or -1. */
int uks_name_index(const char *const *list, const char *name);

#endif /* SIM_UKS_CATALOG_H */
