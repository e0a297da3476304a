/* SPDX-License-Identifier: MIT */
/*
 * hello.c: the first ring-3 program. It runs in its own address space at
 * METAL_USER_CODE and reaches the kernel only through the ukern/user.h
 * wrappers, whose uk_syscall is the SYSCALL instruction here (crt.c).
 */
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

void user_main(uint64_t index);
void user_main(uint64_t index)
{
	char line[96];
	unsigned n = 0;
	long null_rc = uk_sys_null(NULL);
	long tid = uk_sys_thread_id(NULL);
	long bad = uk_syscall6(NULL, 200, 0, 0, 0, 0, 0, 0); /* no such call: an error, no crash */
	long y = uk_sys_yield(NULL);

	n += put_s(line + n, "hello from ring 3: program ");
	n += put_u(line + n, index);
	n += put_s(line + n, ", thread ");
	n += put_u(line + n, (uint64_t)tid);
	n += put_s(line + n, null_rc == 0 && bad == UK_ENOSYS && y == 0 ? ", syscalls ok" : ", syscalls WRONG");
	uk_syscall6(NULL, METAL_SYS_PUTS, (uint64_t)line, n, 0, 0, 0, 0);
	uk_syscall6(NULL, METAL_SYS_REPORT, index, null_rc == 0 && tid > 0 && bad == UK_ENOSYS && y == 0,
		    0, 0, 0, 0);
	uk_sys_thread_exit(NULL, 0);
}
