/* SPDX-License-Identifier: MIT */
/*
 * The explorer: runs a target under many schedules, looking for one that
 * breaks it, and makes any schedule it finds replayable and small.
 *
 * A target is anything that builds a simulation with the engine
 * configuration the explorer hands it (chooser, seed, race window), runs
 * it, and judges it (a scenario, the engine demo, a test's own machine).
 * Strategies:
 *   random   each run uses the random chooser with its own seed;
 *   pct      probabilistic concurrency testing (Burckhardt et al., ASPLOS
 *            2010): random priorities over CPUs and interrupt sources, the
 *            highest-priority candidate runs, and at D-1 random change
 *            points the running CPU drops below all others; the change
 *            points fall only on choices that matter: interrupt placements
 *            and the CPU picks near kernel events (engine's sync_events:
 *            IRQ transitions, IPC, blocking, waking), docs/exploring.md;
 *   bounded  every schedule that departs from virtual-time order in at most
 *            K places (CPU picks, interrupt placements, windowed actions),
 *            by iterative deepening, saying when the space is exhausted.
 * Any schedule can be written as a scripted one: the list of (choice index,
 * option) where it departs from the defaults. Replay tokens carry that list,
 * and shrinking removes its entries while the same violation still happens.
 *
 * Runs share nothing: with -j workers each run's seed depends only on the
 * master seed and the run's index, and results are merged in index order,
 * so any -j gives the same results.
 */
#ifndef SIM_EXPLORE_H
#define SIM_EXPLORE_H

#include <sim/engine.h>

struct sim_names;

enum sim_strategy { SIM_STRAT_RANDOM = 0, SIM_STRAT_PCT, SIM_STRAT_BOUNDED, SIM_STRAT_SCRIPT };

const char *sim_strategy_name(enum sim_strategy s);
int sim_strategy_parse(const char *name, enum sim_strategy *out);

struct sim_deviation {
	uint32_t index;  /* the choice's number in the run */
	uint8_t choice;  /* the option taken instead of the default */
};

/* Everything needed to run one schedule again. */
struct sim_schedule {
	enum sim_strategy strategy;
	uint64_t seed;              /* random, pct */
	unsigned depth;             /* pct: D (D-1 change points) */
	uint64_t horizon;           /* pct: k, the choices that matter a run is expected to make */
	struct sim_deviation *dev;  /* script: sorted by index (owned) */
	size_t ndev;
};

void sim_schedule_fini(struct sim_schedule *s);
int sim_schedule_copy(struct sim_schedule *dst, const struct sim_schedule *src);

/* What one run came to. */
struct sim_outcome {
	enum sim_result result;
	bool violation;             /* the target's verdict */
	char violation_id[32];      /* "I3", "L1", "deadlock", "expect", ... */
	char message[512];
	uint64_t time_ns;           /* when it went wrong */
	unsigned cpu;
	uint64_t trace_hash;
	uint64_t decisions, steps;
	uint64_t irq_signature;     /* hash of the order of IRQ transitions */
	struct sim_decision *dlog;  /* the choices made (owned), if recorded */
	size_t dlog_len;
	/* With ecfg->trace_limit > 0 the target hands over its trace records
	 * (owned; for exporters and stories) and the machine's CPU count. */
	struct sim_trace trace;
	unsigned ncpus;
	/* With the trace: the scenario's names for its ids (owned; NULL
	 * otherwise). */
	struct sim_names *names;
};

void sim_outcome_fini(struct sim_outcome *o);

struct sim_token_object;

struct sim_target {
	const char *name;
	uint64_t hash;              /* content hash of what is run (the scenario) */
	uint64_t race_window_ns;
	void *ctx;
	/* Build, run and judge one simulation with the engine configured by
	 * `ecfg` (the target adds its own settings: CPUs, trace, step bound).
	 * Must fill `out` (result, violation, trace hash, decisions; the
	 * decision log when ecfg->record_decisions), and pass ecfg->stack_pool
	 * and ecfg->ram_cache on to the engine and machine it creates. May be called from
	 * several threads at once with the same ctx. Returns 0, or -1 on an
	 * internal error (message in out->message). */
	int (*run)(void *ctx, const struct sim_engine_config *ecfg, struct sim_outcome *out);
	/* The shared objects whose code it runs, in load order (replay tokens
	 * bind them); none for a target of built-in code only. */
	const struct sim_token_object *objects;
	size_t nobjects;
};

/* Run one schedule of `t`. With `record`, the decision log is kept. */
int sim_run_schedule(const struct sim_target *t, const struct sim_schedule *s, bool record,
		     struct sim_outcome *out);
/* The same, keeping up to `trace_limit` trace records in out->trace. */
int sim_run_schedule_traced(const struct sim_target *t, const struct sim_schedule *s, bool record,
			    size_t trace_limit, struct sim_outcome *out);

/* The same on a stack pool the caller keeps across runs (one per host
 * thread): what the explorer's workers do. */
int sim_run_schedule_pooled(const struct sim_target *t, const struct sim_schedule *s, bool record,
			    size_t trace_limit, struct sim_stack_pool *pool, struct sim_outcome *out);

/* And on a RAM cache too (hwmodel/mem.h), also one per host thread. */
int sim_run_schedule_cached(const struct sim_target *t, const struct sim_schedule *s, bool record,
			    size_t trace_limit, struct sim_stack_pool *pool,
			    struct hw_ram_cache *ram, struct sim_outcome *out);

/* sim_run_schedule_cached without the trace's hash (out->trace_hash is not
 * the trace's): what the explorer's workers run when no one compares
 * traces; the hash costs a few percent of a run. */
int sim_run_schedule_unhashed(const struct sim_target *t, const struct sim_schedule *s,
			      bool record, struct sim_stack_pool *pool, struct hw_ram_cache *ram,
			      struct sim_outcome *out);

/* The schedule the calling host thread is running (inside
 * sim_run_schedule* or an explorer run), or NULL: for uksim's report of a
 * program that crashes or hangs, made by a signal handler on that thread.
 * Async-signal-safe (a thread-local read). */
const struct sim_schedule *sim_schedule_running(void);

/* A plain-words account of a run's departures from virtual-time order and
 * of the last trace records before it went wrong (out->trace must be
 * kept). Returns a malloc'd string. */
char *sim_story(const struct sim_outcome *o, unsigned context_records);
/* What a SIM_CHOICE_VALUE decision was about, as one word: "window" (where
 * a windowed timeline action falls), "program" (a program's own choice,
 * sim_prog_choose) or "value". */
const char *sim_decision_value_kind(const struct sim_decision *d);

/* The scripted form of a run: its departures from the defaults. */
int sim_schedule_from_log(const struct sim_decision *log, size_t n, struct sim_schedule *out);

struct sim_explore_config {
	enum sim_strategy strategy;
	uint64_t seed;
	uint64_t runs;              /* random/pct: schedules to run; bounded: a cap (0: none) */
	double time_s;              /* stop after this much host time (0: no limit) */
	unsigned depth;             /* pct: D, default 3 */
	unsigned preemptions;       /* bounded: K, default 2 */
	unsigned jobs;              /* worker threads, default 1 */
	unsigned shard, nshards;    /* run only indices with index % nshards == shard */
	bool check_determinism;     /* run each schedule twice and compare hashes */
	bool stop_on_first;         /* stop at the first violation (lowest index) */
	bool keep_irq_signatures;   /* fill res->irq_signatures (to merge shards) */
	/* Called from the thread that called sim_explore, now and then. */
	void (*progress)(void *ctx, uint64_t done, uint64_t total, uint64_t violations,
			 double seconds);
	void *progress_ctx;
};

struct sim_explore_result {
	uint64_t schedules;         /* runs made */
	uint64_t violations;        /* runs that broke the target */
	uint64_t decisions;         /* choices over all runs */
	uint64_t distinct_irq;      /* distinct orders of IRQ transitions seen */
	/* With keep_irq_signatures: those orders' signatures, sorted, so that
	 * shards can be merged into the count one machine would give. */
	uint64_t *irq_signatures;
	size_t nirq_signatures;
	double seconds;             /* host time */
	bool exhausted;             /* bounded: every schedule up to K was run */
	unsigned bound;             /* bounded: the K reached */
	uint64_t parent_runs;       /* bounded: runs made again to list a schedule's
				     * children (not in `schedules`) */
	bool nondeterministic;      /* --check-determinism found a difference */
	uint64_t nondet_index;
	/* The violation with the lowest run index, if any. */
	bool found;
	uint64_t found_index;
	struct sim_schedule found_schedule;
	struct sim_outcome found_outcome;
	char error[640];            /* internal error, if sim_explore returned -1 */
	/* When the error came from one schedule's run (it could not be built
	 * or stopped with an error of its own): that schedule, to replay. */
	bool error_in_run;
	struct sim_schedule error_schedule;
};

int sim_explore(const struct sim_target *t, const struct sim_explore_config *cfg,
		struct sim_explore_result *res);
void sim_explore_result_fini(struct sim_explore_result *res);

/* Shrink a violating schedule: the result is scripted, no longer, and still
 * breaks the target with the same violation id. Stages: the empty schedule,
 * ddmin over the departures, then single drops until none can go (the
 * result is 1-minimal). A budget is optional (0: none); when one stops the
 * work early, `complete` is false and out_of_runs / out_of_time says which. */
struct sim_shrink_config {
	uint64_t max_runs;          /* runs, the first (the schedule as found) included */
	double max_seconds;         /* host time */
	/* Called after each run with the runs made and the departures left
	 * (NULL: none); for a progress line on long runs. */
	void (*progress)(void *ctx, uint64_t runs, size_t departures);
	void *progress_ctx;
};

struct sim_shrink_stats {
	uint64_t runs;              /* runs made */
	size_t from;                /* departures of the schedule as found */
	bool complete;              /* 1-minimal: no single departure can go */
	bool out_of_runs, out_of_time; /* the budget that stopped it, if one did */
};

int sim_shrink_budgeted(const struct sim_target *t, const struct sim_schedule *in,
			const char *violation_id, const struct sim_shrink_config *cfg,
			struct sim_schedule *out, struct sim_shrink_stats *st);
/* The same with a budget of runs only (0: none). */
int sim_shrink(const struct sim_target *t, const struct sim_schedule *in, const char *violation_id,
	       unsigned budget, struct sim_schedule *out, unsigned *runs_used);

/* Replay tokens ("uk2-...", shell-safe text, see docs/exploring.md): the
 * format version, the target's hash, the build id, the build's invariant
 * checks and the shared objects loaded, the strategy and its parameters,
 * and the deviations. A schedule replays only where all of them are the
 * same. Encoding returns a malloc'd string. Decoding checks each one and
 * says which differs (returns -1 with the reason in err).
 *
 * sim_token_encode/decode take this build with no shared objects. */
char *sim_token_encode(uint64_t target_hash, const struct sim_schedule *s);
int sim_token_decode(const char *token, uint64_t target_hash, struct sim_schedule *out, char *err,
		     size_t errlen);

/* A shared object a run loads code from: its path as given (for messages)
 * and the first 64 bits of the SHA-256 of its file when it was loaded. */
struct sim_token_object {
	const char *name;
	uint64_t hash;
};

/* What a token binds besides the target and the build's revision. */
struct sim_token_env {
	bool checking;                          /* invariant checks built in */
	const struct sim_token_object *objects; /* in load order */
	size_t nobjects;
};

/* This build with the target's shared objects. */
struct sim_token_env sim_token_env_of(const struct sim_target *t);
char *sim_token_encode_env(uint64_t target_hash, const struct sim_token_env *env,
			   const struct sim_schedule *s);
int sim_token_decode_env(const char *token, uint64_t target_hash, const struct sim_token_env *env,
			 struct sim_schedule *out, char *err, size_t errlen);

/* An id of this build of the simulator (the replay token refuses others). */
uint64_t sim_build_id(void);
/* Whether this build checks the kernel's invariants (meson -Dchecking). */
bool sim_build_checking(void);

/* Choosers used by the explorer (the state is made per run). */
struct sim_pct_state;
struct sim_script_state;
const struct sim_chooser_ops *sim_chooser_pct(void);
const struct sim_chooser_ops *sim_chooser_script(void);

#endif /* SIM_EXPLORE_H */
