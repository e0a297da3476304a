/* SPDX-License-Identifier: MIT */
/*
 * An AFL++-compatible main() for the libFuzzer-style targets.
 *
 * Built with afl-clang-fast it uses AFL++'s shared-memory persistent mode
 * (__AFL_LOOP); built with any other compiler it runs one input read from
 * the file named on the command line, or from stdin, so a crash found by
 * afl-fuzz can be replayed under gdb without AFL++ installed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
#endif

static size_t read_all(FILE *in, uint8_t *buf, size_t cap)
{
	size_t n = 0, r;
	while (n < cap && (r = fread(buf + n, 1, cap - n, in)) > 0)
		n += r;
	return n;
}

int main(int argc, char **argv)
{
#ifdef __AFL_FUZZ_TESTCASE_LEN
	(void)argc;
	(void)argv;
	__AFL_INIT();
	unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
	while (__AFL_LOOP(10000)) {
		size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
		LLVMFuzzerTestOneInput(buf, len);
	}
	return 0;
#else
	static uint8_t buf[1 << 20];
	FILE *in = stdin;
	size_t n;

	if (argc > 1 && !(in = fopen(argv[1], "rb"))) {
		perror(argv[1]);
		return 2;
	}
	n = read_all(in, buf, sizeof(buf));
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
#endif
}
