/* SPDX-License-Identifier: MIT */
/*
 * Programs that misbehave as host code, for uksim's crash, exit and hang
 * reports (issue 15, defect 9; docs/running.md, "When a program crashes,
 * exits or hangs"). Each yields `rounds` times (kernel steps, with the other
 * CPU's spinner racing it), then:
 *   segv-program   writes to address 16            (SIGSEGV)
 *   abort-program  calls abort()                    (SIGABRT)
 *   exit-program   calls exit(0): uksim would otherwise end with 0
 *   _exit-program  calls _exit(0), which skips atexit handlers
 *   hang-program   loops for ever without a kernel step
 *   overflow-program  recurses until its fiber's stack runs into the guard
 *                  page (SIGSEGV on a stack with no room: the report must
 *                  come from the alternate signal stack)
 *   segv-sometimes-program  faults only where the explorer departs from
 *                  the default of its choice (never in virtual-time order),
 *                  so each strategy's own token (r, p, s) is what names it
 * The rounds a crash takes depend on the schedule (the `choose` argument:
 * the explorer's choice of 1 + 0..3 extra rounds), so the virtual time of
 * the crash does too: a replay must give the same one.
 */
#include <sim/programs.h>
#include <ukern/user.h>

#include <stdlib.h>
#include <unistd.h>

/* Where the compiler cannot see that the write faults. Not null: a
 * sanitizer build (UBSan) would stop at a null store before the fault. */
static int *volatile nowhere = (int *)16;

static void some_rounds(struct uk_user *u)
{
	uint64_t rounds = sim_prog_num(u, "rounds", 3);
	rounds += sim_prog_choose(u, 4, 0);
	for (uint64_t i = 0; i < rounds; i++) {
		uk_user_work(u, 1000);
		uk_sys_yield(u);
	}
}

static void segv_program(struct uk_user *u)
{
	some_rounds(u);
	*nowhere = 42;
}

static void abort_program(struct uk_user *u)
{
	some_rounds(u);
	abort();
}

static void exit_program(struct uk_user *u)
{
	some_rounds(u);
	exit(0);
}

static void quick_exit_program(struct uk_user *u)
{
	some_rounds(u);
	_exit(0);
}

/* Not a tail call: each frame keeps its own bytes. The bound is far beyond
 * any fiber stack (512 bytes a frame). */
static unsigned deeper(unsigned n)
{
	volatile unsigned char frame[512];
	if (n > 100000000u)
		return 0;
	frame[n % sizeof(frame)] = (unsigned char)n;
	return deeper(n + 1) + frame[(n * 7) % sizeof(frame)];
}

static void overflow_program(struct uk_user *u)
{
	some_rounds(u);
	sim_prog_note(u, SIM_NOTE_CLAIM, 0, deeper(0));
}

static void segv_sometimes_program(struct uk_user *u)
{
	uint64_t rounds = sim_prog_num(u, "rounds", 3);
	for (uint64_t i = 0; i < rounds; i++) {
		uk_user_work(u, 1000);
		uk_sys_yield(u);
	}
	if (sim_prog_choose(u, 4, 0) != 0)
		*nowhere = 42;
}

static void hang_program(struct uk_user *u)
{
	some_rounds(u);
	for (volatile uint64_t spin = 0;; spin++)
		;
}

static const struct uks_arg_spec faulty_args[] = {
	{"rounds", UKS_ARG_INT, NULL, false, "3", "yields before it misbehaves"},
};

UKERN_PLUGIN;

const struct sim_program ukern_programs[] = {
	{"segv-program", segv_program, faulty_args, 1, "faults (SIGSEGV)", NULL, 0},
	{"abort-program", abort_program, faulty_args, 1, "aborts (SIGABRT)", NULL, 0},
	{"exit-program", exit_program, faulty_args, 1, "calls exit(0)", NULL, 0},
	{"_exit-program", quick_exit_program, faulty_args, 1, "calls _exit(0)", NULL, 0},
	{"overflow-program", overflow_program, faulty_args, 1, "overflows its stack", NULL, 0},
	{"segv-sometimes-program", segv_sometimes_program, faulty_args, 1,
	 "faults unless its choice takes the default", NULL, 0},
	{"hang-program", hang_program, faulty_args, 1, "loops for ever in host code", NULL, 0},
	{0},
};
