/* SPDX-License-Identifier: MIT */
/* Shared pieces of the uksim command line. */
#ifndef UKSIM_H
#define UKSIM_H

#include <glib.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes, everywhere (docs/design.md section 5). */
enum uksim_exit {
	UKSIM_EXIT_OK = 0,       /* expectations met */
	UKSIM_EXIT_FAILED = 1,   /* an expectation failed */
	UKSIM_EXIT_USAGE = 2,    /* bad usage or bad input */
	UKSIM_EXIT_INTERNAL = 3, /* internal error */
};

struct uksim_cmd {
	const char *name;
	const char *params;   /* shown after the name in usage, e.g. "FILE..." */
	const char *summary;
	/* Runs the command; argv[0] is the command's name. `uksim help CMD`
	 * calls it with --help. Returns an exit code. */
	int (*main)(const struct uksim_cmd *cmd, int argc, char **argv);
};

/* Parse `argc/argv` (argv[0] is the command name) with `entries`. On a bad
 * option prints the error and the usage on stderr and returns false. */
gboolean uksim_parse(const struct uksim_cmd *cmd, GOptionEntry *entries, int *argc, char ***argv);
/* The uksim being run, as it was invoked (argv[0]: "uksim",
 * "./build/sim/uksim", ...), for the commands it prints. */
const char *uksim_program(void);


/* `--set KEY=VALUE` (repeatable), the same in every command that reads a
 * scenario: overrides a setting of the scenario's machine block. */
/* --load SO (repeatable): programs and policies of a shared object, for
 * every command that reads a scenario. */
#define UKSIM_LOAD_ENTRY(var)                                                                  \
	{"load", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &(var),                                    \
	 "load the programs and policies of a shared object (repeatable)", "SO"}

#define UKSIM_SET_ENTRY(var)                                                                   \
	{"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &(var),                                       \
	 "override a machine setting of the scenario (repeatable), e.g. cpus=1, irq-model=sel4", \
	 "KEY=VALUE"}

/* The settings as they go on a command line: " --set K=V" for each,
 * shell-quoted when needed; "" for none (NULL). g_free the result. */
char *uksim_set_args(const char *const *sets);
/* The same, followed by " --load SO" for each shared object. */
char *uksim_replay_args(const char *const *sets, const char *const *loads);

struct sim_registry;
struct uks_scenario;
/* Parse `file` with the registry's catalog (`lenient`: programs loaded on
 * the command line are allowed) and the machine settings `sets` (NULL or
 * NULL-terminated), load its objects and check its programs. On a bad
 * scenario prints the error and returns UKSIM_EXIT_USAGE. */
int uksim_scenario_open(const char *file, struct sim_registry *reg, gboolean lenient,
			const char *const *sets, struct uks_scenario **out);

/* The scenario files named by `paths`: a file (or demo:NAME) as given, a
 * directory as the *.uks files below it, sorted, each directory once: a
 * symlink loop or a second link to a directory is skipped with a note on
 * stderr ("uksim CMD: ..."). Appends g_strdup'd paths to `out`. */
void uksim_collect_scenarios(const char *cmd, char **paths, int n, GPtrArray *out);

/* The most workers (-j) any command runs. */
#define UKSIM_MAX_JOBS 1024u

/* Whether `*jobs` workers on a machine of `ram` bytes of simulated memory
 * fit this host: at most UKSIM_MAX_JOBS, within the address space left
 * (RLIMIT_AS) and the memory available. A default (`given` false) shrinks to
 * what fits. Otherwise prints what the host can meet ("uksim CMD: TARGET:
 * ...") and returns UKSIM_EXIT_USAGE; UKSIM_EXIT_OK when it fits. */
int uksim_jobs_fit(const char *cmd, const char *target, uint64_t ram, unsigned *jobs,
		   gboolean given);

/* "I/N" (--shard, and the shards' JSON) -> 0 with *i < *n, or -1. */
int uksim_parse_shard(const char *s, unsigned *i, unsigned *n);

/* Write a run's trace to `json` (Chrome trace events) and `vcd`, each
 * when not NULL. UKSIM_EXIT_OK, or UKSIM_EXIT_USAGE after saying which
 * file could not be written ("uksim CMD: cannot write F"). */
struct sim_trace;
struct sim_names;
int uksim_write_traces(const char *cmd, const struct sim_trace *t, const struct sim_names *names,
		       unsigned ncpus, const char *name, const char *json, const char *vcd);

/* Write `s` as a JSON string (with quotes) to `f`. */
void uksim_json_string(FILE *f, const char *s);

int uksim_cmd_bench(const struct uksim_cmd *cmd, int argc, char **argv);
int uksim_cmd_check(const struct uksim_cmd *cmd, int argc, char **argv);
int uksim_cmd_export_metal(const struct uksim_cmd *cmd, int argc, char **argv);
int uksim_cmd_run(const struct uksim_cmd *cmd, int argc, char **argv);
int uksim_cmd_explore(const struct uksim_cmd *cmd, int argc, char **argv);
int uksim_cmd_replay(const struct uksim_cmd *cmd, int argc, char **argv);
int uksim_cmd_demo(const struct uksim_cmd *cmd, int argc, char **argv);
int uksim_cmd_merge(const struct uksim_cmd *cmd, int argc, char **argv);
int uksim_cmd_compare(const struct uksim_cmd *cmd, int argc, char **argv);
int uksim_cmd_report(const struct uksim_cmd *cmd, int argc, char **argv);

/* What `uksim explore` found for one target, handed to a sink (uksim
 * report) while it is still alive: copy what is needed. */
struct uksim_target;
struct sim_explore_result;
struct sim_schedule;
struct sim_shrink_stats;
struct sim_outcome;
struct uksim_explored {
	const struct uksim_target *ut;
	const struct sim_explore_result *r;
	const char *verdict;        /* as explore prints it */
	int code;                   /* its exit code */
	const char *replay;         /* the replay command, NULL when nothing was found */
	const char *shrunk_replay;  /* the same for the shrunk schedule, or NULL */
	const struct sim_schedule *shrunk;    /* or NULL */
	const struct sim_shrink_stats *shrink; /* or NULL */
	const char *shrink_cut;     /* why shrinking stopped short, or NULL */
	const struct sim_outcome *shown; /* the run drawn (trace kept): the shrunk
					  * violation, or virtual-time order */
	const char *story;          /* sim_story of `shown`, NULL without a violation */
};

/* Receives explore's results (uksim report). `begin` takes the positional
 * arguments left after the options (argv[0] the command) and may consume
 * its own from the front; `target` and `end` return an exit code (0 ok). */
struct uksim_explore_sink {
	int (*begin)(void *ctx, int *argc, char ***argv);
	int (*target)(void *ctx, const struct uksim_explored *e);
	int (*end)(void *ctx);
	void *ctx;
};

/* `uksim explore`'s options, search and output, with each target's result
 * also handed to `sink` (NULL: plain explore). */
int uksim_explore_into(const struct uksim_cmd *cmd, int argc, char **argv,
		       const struct uksim_explore_sink *sink);

#endif /* UKSIM_H */
