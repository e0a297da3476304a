/* SPDX-License-Identifier: MIT */
/*
 * main.c: the ring-3 programs. Each runs in its own address space at
 * METAL_USER_CODE and reaches the kernel only through the ukern/user.h and
 * ukern/irq_sys.h wrappers, whose uk_syscall is the SYSCALL instruction
 * here (crt.S). The argument says which program (metal_user.h):
 *  - hello: a few system calls and a line on the console (the boot check);
 *  - raiser: the fixed run's timeline: raises interrupts on the edu
 *    devices, one at a time and then both at once, and times each until
 *    the device is clear;
 *  - the drivers, of the fixed run and of a scenario: the runtime's own
 *    programs (rt.c, METAL_PROGRAMS: sim/src/runtime's edu-driver ...).
 */
#include <ukern/devmem.h>
#include <ukern/irq_sys.h>
#include <ukern/user.h>

#include "../metal_user.h"

static unsigned put_u(char *p, uint64_t v)
{
	char tmp[20];
	unsigned n = 0, i = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		p[i++] = tmp[--n];
	return i;
}

static unsigned put_s(char *p, const char *s)
{
	unsigned i = 0;
	while (s[i]) {
		p[i] = s[i];
		i++;
	}
	return i;
}

static void puts_n(const char *s, unsigned n) { uk_syscall6(NULL, METAL_SYS_PUTS, (uint64_t)s, n, 0, 0, 0, 0); }

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t median(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

#define NULL_ROUNDS 512u

static void hello(unsigned index)
{
	uint64_t samples[NULL_ROUNDS];
	char line[96];
	unsigned n = 0;
	long null_rc = uk_sys_null(NULL);
	long tid = uk_sys_thread_id(NULL);
	long bad = uk_syscall6(NULL, 200, 0, 0, 0, 0, 0, 0); /* no such call: an error, no crash */
	long y = uk_sys_yield(NULL);
	bool ok = null_rc == 0 && tid > 0 && bad == UK_ENOSYS && y == 0;

	n += put_s(line + n, "hello from ring 3: program ");
	n += put_u(line + n, index);
	n += put_s(line + n, ", thread ");
	n += put_u(line + n, (uint64_t)tid);
	n += put_s(line + n, ok ? ", syscalls ok" : ", syscalls WRONG");
	puts_n(line, n);
	/* The cheapest kernel entry: SYSCALL, uk_syscall's lock and dispatch,
	 * SYSRET. */
	for (unsigned i = 0; i < NULL_ROUNDS; i++) {
		uint64_t t0 = rdtsc();
		uk_sys_null(NULL);
		samples[i] = rdtsc() - t0;
	}
	uk_syscall6(NULL, METAL_SYS_REPORT, index, ok, median(samples, NULL_ROUNDS), 0, 0, 0);
}

/* Device registers: the platform gave each program the edu devices' device
 * memory (issue 15's capability) and mapped device d at UK_DEVMEM_VA(d),
 * uncached; ring 3 reaches them with plain loads and stores. */
static uint32_t reg_read(uint64_t va)
{
	return *(volatile uint32_t *)va;
}

static void reg_write(uint64_t va, uint32_t v)
{
	*(volatile uint32_t *)va = v;
}

static void fail(const char *what, long rc)
{
	char line[96];
	unsigned n = put_s(line, what);
	n += put_s(line + n, " failed: -");
	n += put_u(line + n, (uint64_t)-rc);
	puts_n(line, n);
	uk_sys_thread_exit(NULL, 1);
}

/* Spins (with system calls, so the kernel runs) until the device's status
 * reads 0; false after `patience_ns` of the kernel's clock. Under QEMU's
 * single-threaded TCG a cross-CPU wake-up waits for the vCPU round robin
 * (up to 100 ms), so the patience is generous. */
static bool wait_clear(uint64_t bar, uint64_t patience_ns)
{
	uint64_t t0 = (uint64_t)uk_sys_clock(NULL);
	while (reg_read(bar + EDU_IRQ_STATUS) != 0)
		if ((uint64_t)uk_sys_clock(NULL) - t0 > patience_ns)
			return false;
	return true;
}

static void raiser(void)
{
	long ndev = uk_syscall6(NULL, METAL_SYS_EDU_INFO, 0, 2, 0, 0, 0, 0);
	uint64_t bar[2] = { 0, 0 }, sum = 0, max = 0, raises = 0, failures = 0;
	uint64_t samples[METAL_EDU_SINGLE];
	uint64_t patience = 10000000000ull; /* 10 s */

	if (ndev <= 0)
		fail("edu devices", ndev < 0 ? ndev : UK_ENOENT);
	while (uk_syscall6(NULL, METAL_SYS_EDU_INFO, 0, 3, 0, 0, 0, 0) == 0)
		uk_sys_sleep(NULL, 1000000); /* the IPC measurement first, undisturbed */
	for (long d = 0; d < ndev; d++) {
		bar[d] = UK_DEVMEM_VA(d); /* its registers, mapped by the platform */
		while (uk_syscall6(NULL, METAL_SYS_EDU_COUNT, (uint64_t)d, 0, 0, 0, 0, 0) == 0)
			uk_sys_sleep(NULL, 1000000);
	}
	for (unsigned i = 0; i < METAL_EDU_SINGLE; i++) {
		uint64_t b = bar[i % (unsigned)ndev];
		uint64_t t0 = rdtsc();
		reg_write(b + EDU_IRQ_RAISE, 1u << (i % 8));
		raises++;
		if (!wait_clear(b, patience)) {
			failures++;
			break;
		}
		uint64_t dt = rdtsc() - t0;
		sum += dt;
		samples[i] = dt;
		if (dt > max)
			max = dt;
	}
	for (unsigned i = 0; i < METAL_EDU_PAIRS && failures == 0; i++) {
		for (long d = 0; d < ndev; d++)
			reg_write(bar[d] + EDU_IRQ_RAISE, 0x100u << (i % 8));
		raises += 2;
		for (long d = 0; d < ndev; d++)
			if (!wait_clear(bar[d], patience))
				failures++;
		if (ndev == 1)
			raises--;
	}
	uint64_t med = failures ? 0 : median(samples, METAL_EDU_SINGLE);
	uint64_t msi_raises = 0;
	if (failures == 0) {
		uk_syscall6(NULL, METAL_SYS_MSI_PHASE, 1, 0, 0, 0, 0, 0);
		while (uk_syscall6(NULL, METAL_SYS_EDU_COUNT, 0, 2, 0, 0, 0, 0) == 0)
			uk_sys_sleep(NULL, 1000000);
		for (unsigned i = 0; i < METAL_EDU_MSI; i++) {
			reg_write(bar[0] + EDU_IRQ_RAISE, 1u << (i % 8));
			msi_raises++;
			if (!wait_clear(bar[0], patience)) {
				failures++;
				break;
			}
		}
	}
	uk_syscall6(NULL, METAL_SYS_EDU_DONE, raises, sum, max, failures, med, msi_raises);
	uk_sys_thread_exit(NULL, 0);
}

void user_main(uint64_t arg);
void user_main(uint64_t arg)
{
	unsigned role = (unsigned)(arg >> 8 & 0xff), index = (unsigned)(arg & 0xff);
	if (role == METAL_ROLE_HELLO)
		hello(index);
	else if (role == METAL_ROLE_RAISER)
		raiser();
	else if (role == METAL_ROLE_PROGRAM || role == METAL_ROLE_FIXED_PROGRAM)
		rt_program_start(arg);
	uk_sys_thread_exit(NULL, 0);
}
