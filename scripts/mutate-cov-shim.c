/* SPDX-License-Identifier: MIT */
/*
 * Linked into every program of scripts/mutate.sh's coverage build only
 * (docs/testing.md, "Test selection"), never into the project's own builds.
 *
 * gcov writes a process's counters at exit(). A process that dies by a
 * signal (a death test's child that hits uk_arch_fatal, i.e. abort()) or
 * leaves through _exit() writes nothing, so the lines only it ran would look
 * unexecuted, and a mutant on them would be called a survivor without a test
 * being run: unsound. This shim writes the counters on those paths too, then
 * lets the process die exactly as it would have (same signal, same code).
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

extern void __gcov_dump(void);
extern void __real__exit(int code);

static const int ukcov_signals[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS};
#define UKCOV_NSIG (sizeof ukcov_signals / sizeof ukcov_signals[0])
static struct sigaction ukcov_prev[UKCOV_NSIG];
static char ukcov_altstack[1 << 16];

static void ukcov_on_signal(int sig)
{
	__gcov_dump();
	/* Give the signal to whoever had it before (another copy of this shim
	 * in a shared object, or the default action): it kills the process
	 * the same way as without the shim. */
	for (unsigned i = 0; i < UKCOV_NSIG; i++)
		if (ukcov_signals[i] == sig)
			sigaction(sig, &ukcov_prev[i], NULL);
	raise(sig);
}

__attribute__((constructor)) static void ukcov_install(void)
{
	stack_t ss = {.ss_sp = ukcov_altstack, .ss_size = sizeof ukcov_altstack};
	sigaltstack(&ss, NULL);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ukcov_on_signal;
	sa.sa_flags = SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (unsigned i = 0; i < UKCOV_NSIG; i++)
		sigaction(ukcov_signals[i], &sa, &ukcov_prev[i]);
}

/* -Wl,--wrap=_exit sends the program's own _exit calls here. */
void __wrap__exit(int code)
{
	__gcov_dump();
	__real__exit(code);
}
