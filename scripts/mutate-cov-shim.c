/* SPDX-License-Identifier: MIT */
/*
 * Linked into every program of scripts/mutate.sh's coverage build only
 * (docs/testing.md, "Test selection"), never into the project's own builds.
 *
 * gcov writes a process's counters at exit(). A process that dies by a
 * signal (a death test's child that hits uk_arch_fatal, i.e. abort()) or
 * leaves through _exit() or the exit_group system call (uksim's crash
 * reporter) writes nothing, so the lines only it ran would look
 * unexecuted, and a mutant on them would be called a survivor without a test
 * being run: unsound. This shim writes the counters on those paths too, then
 * lets the process die exactly as it would have (same signal, same code).
 */
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

extern void __gcov_dump(void);
extern void __real__exit(int code);
extern long __real_syscall(long n, ...);

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

/* -Wl,--wrap=syscall: uksim's crash and exit reports end the process with
 * syscall(SYS_exit_group, code). Other calls pass through unchanged (six
 * integer arguments: all the x86-64 and aarch64 system call ABI has). */
long __wrap_syscall(long n, ...)
{
	va_list ap;
	long a[6];
	va_start(ap, n);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (n == SYS_exit_group) /* (not SYS_exit: one thread, and gcov dumps once) */
		__gcov_dump();
	return __real_syscall(n, a[0], a[1], a[2], a[3], a[4], a[5]);
}
