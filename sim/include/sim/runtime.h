/* SPDX-License-Identifier: MIT */
/*
 * The scenario runtime: a validated scenario (sim/scenario.h) becomes a
 * booted simulated machine with its devices, processes and timeline; one
 * schedule runs; the expectations are judged. See docs/running.md.
 *
 *   sim_registry_create()       built-in programs (+ shared objects)
 *   sim_registry_catalog()      the catalog to parse with
 *   uks_parse_file()            the scenario
 *   sim_registry_load_scenario()  its `load "x.so"` lines
 *   sim_runtime_check()         every program known, arguments typed
 *   sim_runtime_run()           one schedule -> struct sim_run_report
 *   sim_report_print_human/json()
 *
 * The explorer's view of the same thing is sim_scenario_target().
 * Nothing here has writable global state: runs of the same scenario may go
 * on in several threads at once (the scenario and the registry are only
 * read).
 */
#ifndef SIM_RUNTIME_H
#define SIM_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sim/engine.h>
#include <sim/explore.h>
#include <sim/policy.h>
#include <sim/programs.h>
#include <sim/scenario.h>

/* ---- the program registry ---- */

struct sim_registry;

/* Built-ins plus the programs of each shared object in `so_paths`.
 * Returns 0, or -1 with a reason in err (missing file, missing symbol,
 * duplicate name). */
int sim_registry_create(const char *const *so_paths, size_t nso, struct sim_registry **out,
			char *err, size_t errlen);
/* Add the programs and policies of one shared object (dlopen). Loading the
 * same file again, under any path that names it, is a no-op; one whose
 * tables were refused is refused again. */
int sim_registry_load(struct sim_registry *r, const char *path, char *err, size_t errlen);
/* The scenario's own `load` lines; on error `diag` names the line. */
int sim_registry_load_scenario(struct sim_registry *r, const struct uks_scenario *s,
			       struct uks_diag *diag);
/* The shared objects loaded so far, in load order: each one's path as
 * given and the first 64 bits of the SHA-256 of its file when loaded.
 * Fills up to `max` entries of `out` (the names point into the registry)
 * and returns how many there are. */
size_t sim_registry_objects(const struct sim_registry *r, struct sim_token_object *out,
			    size_t max);
void sim_registry_free(struct sim_registry *r);
const struct sim_program *sim_registry_find(const struct sim_registry *r, const char *name);
/* A policy's ops table by kind and name (sim/policy.h), or NULL. */
const void *sim_registry_policy(const struct sim_registry *r, enum sim_policy_kind kind,
				const char *name);
/* The names of one kind, built-in first, as a NULL-terminated list. */
const char *const *sim_registry_policy_names(const struct sim_registry *r,
					     enum sim_policy_kind kind);
/* The i-th policy of any kind, or NULL past the end. */
const struct sim_policy *sim_registry_policy_at(const struct sim_registry *r, size_t i);
/* The default catalog with the registry's programs and policies. The
 * catalog points into the registry's lists, which loading another object
 * (sim_registry_load, sim_registry_load_scenario) replaces: take the
 * catalog again after a load. `allow_unknown` for a
 * run that will load shared objects named on the command line. The
 * catalog points into the registry: keep the registry alive. */
void sim_registry_catalog(const struct sim_registry *r, bool allow_unknown,
			  struct uks_catalog *out);

/* ---- options ---- */

#define SIM_RUNTIME_DEFAULT_WINDOW_NS 1000u /* the race window when none is given */
#define SIM_RUNTIME_WINDOW_STEPS 16u        /* places a windowed action may take */

struct sim_runtime_options {
	const struct sim_registry *registry; /* NULL: built-ins only */
	uint64_t race_window_ns;   /* 0: SIM_RUNTIME_DEFAULT_WINDOW_NS */
	size_t trace_limit;        /* trace records kept (0: hash only) */
	uint64_t step_bound;       /* 0: engine default */
	/* Without `end-by`, the run stops this long after the last timeline
	 * action (IRQ stalls retry forever); 0: ack-timeout + 1 s. */
	uint64_t quiet_ns;
	/* Keep every served `latency irq(D)` wait in the report
	 * (irq_latency_ns); off by default, as the explorer needs none. */
	bool keep_latencies;
	/* Keep a copy of the kernel's IRQ log in the report (irq_log): the
	 * records with their flags and steps, which the trace lacks. */
	bool keep_irq_log;
};

/* Every program of the scenario known and its arguments well typed. */
/* How the argument block (ukern/progargs.h) gives a scenario argument, for
 * whoever lays blocks out (the runtime; `uksim export-metal` for the metal
 * image's start code): its kind (UK_PROGARG_*), and what it names (a
 * device, endpoint or process index; unchecked identifiers, of a loaded
 * program without a spec, name one of those by its name), or -1. */
uint32_t sim_progarg_kind(enum uks_value_kind k);
int32_t sim_progarg_ref(const struct uks_scenario *s, const struct uks_arg *a);

int sim_runtime_check(const struct uks_scenario *s, const struct sim_registry *r,
		      struct uks_diag *diag);

/* ---- one run ---- */

struct sim_expect_verdict {
	const struct uks_expect *e;
	bool met;
	bool never;            /* latency: an event was never served */
	uint64_t observed;     /* the counter / latency (ns) seen */
	/* The expectation as written; filled only when it is not met (the
	 * explorer judges every schedule and words only what failed): for a
	 * met one, sim_expect_text(v->e, ...) words it. */
	char text[192];
	/* Unmet: when it was first broken (the deadline an assertion missed,
	 * the event that took a count past its bound; the end of the run when
	 * only the end can tell) and what broke it, in words ("" if nothing
	 * more than `observed` can be said). */
	uint64_t broken_ns;
	char why[160];
};

/* What an expectation's verdict saw, in the one wording every command
 * uses: "saw 3", "saw 49.963us", "never served: an assertion of d0 waits
 * for ever (longest served: 5.9us)". */
void sim_expect_observed(const struct sim_expect_verdict *v, char *buf, size_t len);
/* An expectation as written ("count handled(d0) >= 1000"). */
void sim_expect_text(const struct uks_expect *x, char *buf, size_t len);
/* A time in the scenario language's units ("12us", "1.5ms", "49.963us"). */
void sim_format_time(uint64_t ns, char *buf, size_t len);

/* The violation id of a kernel consistency check that stopped the run
 * (uk_arch_fatal): a bug in ukern or a loaded policy. The run's result is
 * an error (exit 3), and the explorer still hands back its replay token. */
#define SIM_KERNEL_INVARIANT "kernel-invariant"

struct sim_violation {
	char id[32];           /* "I3", "L1", "deadlock", "nobody-cared", "expect", ... */
	uint64_t time_ns;
	int cpu;               /* -1: not tied to one CPU */
	char message[320];
};

struct sim_run_stats {
	uint64_t end_ns, steps, decisions, switches, preemptions, syscalls, ipis;
	uint64_t irq_episodes, raised, handled, acks, naks, nobody_cared, timeouts, stalls;
	uint64_t rejected, spurious, dropped_edges, irq_violations;
	uint64_t nopreempt_sections, budget_overruns, ipc_calls, ipc_handoffs, copied_bytes, page_walks;
	uint64_t tlb_shootdowns, threads_exited, threads_killed, timeline_actions;
	/* Interrupts the kernel took (timer ticks, device and spurious
	 * interrupts) and TLB invalidations done on any CPU (a shootdown
	 * invalidates on each CPU it reaches). */
	uint64_t interrupts, tlb_flushes;
	/* What the interrupt controllers did to edges themselves (all
	 * controllers, all pins): lost (on a masked pin, undeliverable) and
	 * held across a mask; `dropped_edges` above counts the timeline's
	 * drop-edge faults instead. */
	uint64_t controller_dropped, controller_held;
	uint64_t irq_disabled; /* lines the Linux model's statistic disabled */
	/* The same per controller (the totals above are IOAPIC + MSI + PLIC),
	 * and the LAPICs of all CPUs: dropped = refused while software-
	 * disabled, held = kept in IRR behind a vector of the same or a higher
	 * priority class in service. MSI holds nothing (it cannot be masked). */
	struct sim_ctrl_stats {
		uint64_t dropped, held, coalesced;
	} ioapic, msi, plic, lapic;
	/* Power management and affinity: suspends, resumes (any cause),
	 * resumes by a wake line's interrupt, lines moved to another CPU. */
	uint64_t suspends, resumes, wakeups, irq_moves;
};

struct sim_run_report {
	const char *scenario;
	uint64_t seed;
	enum sim_result result;        /* deadlocks of idle servers count as SIM_DONE */
	bool all_met;
	bool internal_error;           /* the run could not be built or ran into SIM_ERROR */
	bool bad_scenario;             /* ... because the machine refused the scenario (exit 2) */
	struct sim_expect_verdict *expects;
	size_t nexpects;
	struct sim_violation *violations; /* what the run showed, in time order */
	size_t nviolations;
	struct sim_run_stats stats;
	uint64_t trace_hash, irq_signature;
	char message[1024];            /* the engine's last word, or the internal error */
	/* With options.trace_limit: the records (owned). */
	struct sim_trace_rec *trace;
	size_t trace_len;
	/* With the trace: the scenario's names for the ids in it (owned). */
	struct sim_names *names;
	/* With ecfg->record_decisions: the decision log (owned). */
	struct sim_decision *dlog;
	size_t dlog_len;
	/* With options.keep_latencies: each assertion's wait until it was
	 * served (`latency irq(D)`: the first clear of its device's status
	 * after it), all devices, sorted (owned); and the assertions never
	 * served (not counting those a device reset dropped). */
	uint64_t *irq_latency_ns;
	size_t nirq_latency;
	uint64_t irq_unserved;
	/* With options.keep_irq_log: the kernel's IRQ log as the run left it
	 * (owned), in the order of the trace's IRQ records (the kernel appends
	 * a record, then traces it), and how many records it could not hold. */
	struct uk_irq_event *irq_log;
	size_t irq_log_len;
	uint64_t irq_log_lost;
};

/* Build, run and judge one schedule. `ecfg` gives the chooser, its state,
 * the seed and record_decisions (NULL: the time chooser with `seed`);
 * the race window comes from ecfg when it sets one, else from `o`.
 * Returns 0 (the report is filled, even for internal errors: see
 * `internal_error`), or -1 when memory runs out. */
int sim_runtime_run(const struct uks_scenario *s, const struct sim_runtime_options *o,
		    const struct sim_engine_config *ecfg, uint64_t seed, struct sim_run_report *out);
void sim_run_report_fini(struct sim_run_report *r);

/* Human output: one line per expectation with its verdict and position,
 * the statistics, and on failure when/where it went wrong. */
void sim_report_print_human(FILE *f, const struct uks_scenario *s, const struct sim_run_report *r);
/* One JSON object: scenario, result, expectations, violations, seed, stats. */
void sim_report_print_json(FILE *f, const struct uks_scenario *s, const struct sim_run_report *r);
/* "pass", "fail", "error". */
const char *sim_report_result(const struct sim_run_report *r);

/* ---- where a run is: crash and hang reports ---- */

/* The run in progress on the calling host thread, as a signal handler
 * can see it (uksim's reports of a program that crashes, exits or hangs,
 * docs/running.md). Strings point into the run's scenario and machine. */
struct sim_run_where {
	const void *run;        /* this run (changes from run to run) */
	const char *scenario;   /* the scenario's name */
	bool on_cpu;            /* a simulated CPU's fiber runs (else the engine's own loop) */
	unsigned cpu;           /* that CPU */
	uint64_t time_ns;       /* its virtual clock (else the latest of all CPUs) */
	uint64_t steps;         /* the engine's decision points so far: progress */
	const char *fiber;      /* the running fiber's name (the kernel's program name) */
	const void *stack_lo;   /* its stack's lowest usable byte (a guard page below) */
	size_t stack_size;      /* and its size (0: unknown) */
	/* The scenario's names of the running thread and its program; NULL
	 * when the fiber is none of the scenario's threads (a kill thread, a
	 * CPU's boot thread). */
	const char *process, *thread, *program;
};

/* Fill `out` and return true while the calling host thread is inside a
 * run's engine (sim_runtime_run, and so every explorer run); false
 * otherwise. Async-signal-safe: plain reads of the run's state, no locks,
 * no allocation, nothing added to a fiber switch. */
bool sim_runtime_where(struct sim_run_where *out);

/* ---- the explorer's target ---- */

/* Fill `out` for sim_explore/sim_run_schedule: `run` builds, runs and
 * judges one simulation. The outcome is a violation when an invariant or
 * liveness property broke, a deadlock or livelock happened, or an
 * expectation failed (id "expect"); for an `expect violation ID` scenario,
 * showing ID is reported as the violation ID. `s` and `o->registry` must
 * outlive the target. The target lists the registry's shared objects as
 * loaded now (out->objects), which replay tokens bind. Returns 0, or -1
 * when memory runs out. */
int sim_scenario_target(const struct uks_scenario *s, const struct sim_runtime_options *o,
			struct sim_target *out);
void sim_scenario_target_fini(struct sim_target *t);

#endif /* SIM_RUNTIME_H */
