/* SPDX-License-Identifier: MIT */
/*
 * cmocka tests of libukern/lib: error names and the freestanding memory
 * routines (compiled into this test under other names, so they do not
 * replace libc's).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <ukern/err.h>

void *ukfs_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *ukfs_memmove(void *dst, const void *src, size_t n);
void *ukfs_memset(void *dst, int c, size_t n);
int ukfs_memcmp(const void *a, const void *b, size_t n);

static void err_names(void **state)
{
	(void)state;
	assert_string_equal(uk_err_name(UK_OK), "UK_OK");
	assert_string_equal(uk_err_name(UK_EPERM), "UK_EPERM");
	assert_string_equal(uk_err_name(UK_EFUTURE), "UK_EFUTURE");
	assert_string_equal(uk_err_name(UK_EKILLED), "UK_EKILLED");
	assert_string_equal(uk_err_name(UK_EKILLED - 1), "UK_E?");
	assert_string_equal(uk_err_name(5), "UK_E?");
}

static void fs_memcpy_memset(void **state)
{
	(void)state;
	unsigned char a[64], b[64];
	for (int i = 0; i < 64; i++)
		a[i] = (unsigned char)(i * 7);
	assert_ptr_equal(ukfs_memset(b, 0xab, sizeof(b)), b);
	for (int i = 0; i < 64; i++)
		assert_int_equal(b[i], 0xab);
	assert_ptr_equal(ukfs_memcpy(b + 3, a, 50), b + 3);
	assert_memory_equal(b + 3, a, 50);
	assert_int_equal(b[2], 0xab);
	assert_int_equal(b[53], 0xab);
	assert_int_equal(ukfs_memcmp(a, a, 64), 0);
	assert_true(ukfs_memcmp(a, b, 1) < 0);
	assert_true(ukfs_memcmp(b, a, 1) > 0);
}

static void fs_memmove_overlap(void **state)
{
	(void)state;
	unsigned char buf[32], ref[32];
	for (int shift = -5; shift <= 5; shift++) {
		for (int i = 0; i < 32; i++)
			buf[i] = ref[i] = (unsigned char)i;
		ukfs_memmove(buf + 10 + shift, buf + 10, 12);
		memmove(ref + 10 + shift, ref + 10, 12);
		assert_memory_equal(buf, ref, sizeof(buf));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(err_names),
		cmocka_unit_test(fs_memcpy_memset),
		cmocka_unit_test(fs_memmove_overlap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
