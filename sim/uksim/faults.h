/* SPDX-License-Identifier: MIT */
/*
 * When a program crashes, exits or hangs (docs/running.md, "When a program
 * crashes, exits or hangs"). Loaded programs run as host code in uksim's
 * process, on the simulated threads' fibers. uksim names the program, its
 * thread, the virtual time and a replay command with its token, on stderr,
 * and exits 3:
 *   CRASH  SIGSEGV, SIGBUS, SIGFPE, SIGILL or SIGABRT (abort) in a run;
 *   EXIT   exit(), quick_exit(), _exit() or _Exit() called in a run;
 *   HANG   no kernel step for --hang-timeout seconds of host time (a loop in
 *          host code: only a host-time watchdog sees it).
 * The handlers run on an alternate signal stack and use only
 * async-signal-safe calls; what they print of the target is formatted
 * before the runs (uksim_faults_begin).
 */
#ifndef UKSIM_FAULTS_H
#define UKSIM_FAULTS_H

#include <math.h>
#include <stdbool.h>

struct sim_target;
struct sim_schedule;

/* The default of --hang-timeout, in seconds. */
#define UKSIM_HANG_TIMEOUT_DEFAULT 30.0
/* --hang-timeout not given (NAN: any number given is a choice). */
#define UKSIM_HANG_UNSET NAN
/* Whether a --hang-timeout as given is out of range (negative, or more
 * than a year): the command then says so and exits 2. */
bool uksim_hang_bad(double s);

/* --hang-timeout S: seconds of host time without a kernel step before a run
 * is reported as hung (0: no watchdog; default UKSIM_HANG_TIMEOUT_DEFAULT,
 * none when a debugger is attached). `var` is a gdouble, initially
 * UKSIM_HANG_UNSET. */
#define UKSIM_HANG_ENTRY(var)                                                                  \
	{"hang-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &(var),                                    \
	 "report a run as hung after S seconds of host time without a kernel step (default "    \
	 "30; 0: never)", "S"}

/* Install the handlers (once, in main). */
void uksim_faults_init(void);

/* Before the runs of one target: the replay command is "PROG replay NAME
 * ARGS --token ..." (`args` as from uksim_replay_args, plus any --window),
 * and the token binds `t`'s hash and shared objects. `hang_s` is
 * --hang-timeout as given (UKSIM_HANG_UNSET: the default). Returns false when memory
 * runs out (reports then say less). */
bool uksim_faults_begin(const struct sim_target *t, const char *name, const char *args,
			double hang_s);
/* After them (on the thread that called begin, its workers joined). */
void uksim_faults_end(void);

/* Wrap `t->run` so that every host thread that runs it has the alternate
 * stack and the watchdog (explorer workers are made inside the explorer);
 * uksim_faults_unwrap before the target is freed. */
bool uksim_faults_wrap(struct sim_target *t);
void uksim_faults_unwrap(struct sim_target *t);

/* Arm the calling host thread (what the wrapper does): the alternate
 * signal stack and the watchdog's timer, once per thread. */
void uksim_faults_arm_thread(void);

/* The schedule a run of this host thread follows when no explorer call
 * says so (uksim run: the random chooser's seed, or virtual-time order);
 * NULL to forget it. */
void uksim_faults_set_schedule(const struct sim_schedule *s);

#endif /* UKSIM_FAULTS_H */
