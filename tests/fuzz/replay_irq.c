/* SPDX-License-Identifier: MIT */
/*
 * Plain (non-libFuzzer) driver for fuzz_irq, built in every build:
 *
 *   replay_irq FILE|DIR...           run each input (a corpus) once
 *   replay_irq -v FILE               ... printing the decoded operations
 *   replay_irq --random N [--seed S] [--expect-failure] [--save FILE]
 *                                    run N seeded pseudo-random inputs
 *   replay_irq --random N --expect-failure-with TEXT
 *                                    ... until one fails with TEXT in its
 *                                    message (other failures are counted
 *                                    and passed over)
 *
 * Exit 0 when every input passed (or, with --expect-failure, when one
 * failed: the planted-bug tests use that), 1 otherwise, 2 on bad usage.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fuzz_irq.h"

static uint8_t buf[1 << 20];

static int run_file(const char *path)
{
	char msg[512];
	FILE *in = fopen(path, "rb");
	size_t n;

	if (!in) {
		perror(path);
		return 1;
	}
	n = fread(buf, 1, sizeof(buf), in);
	fclose(in);
	if (fuzz_irq_run(buf, n, msg, sizeof(msg))) {
		fprintf(stderr, "%s: FAILED: %s\n", path, msg);
		return 1;
	}
	return 0;
}

static int run_path(const char *path, unsigned *count)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int bad = 0;

	if (stat(path, &st) != 0) {
		perror(path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	if (!(d = opendir(path)))
		return 1;
	while ((de = readdir(d))) {
		char sub[4096];
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		bad |= run_path(sub, count);
	}
	closedir(d);
	return bad;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int run_random(unsigned long n, uint64_t seed, const char *save, int expect_failure,
		      const char *with)
{
	char msg[512];
	uint64_t s = seed ? seed : 1;
	clock_t t0 = clock();
	unsigned long other = 0;

	for (unsigned long i = 0; i < n; i++) {
		size_t len = 2 + xorshift(&s) % 400;
		for (size_t k = 0; k < len; k++)
			buf[k] = (uint8_t)xorshift(&s);
		if (fuzz_irq_run(buf, len, msg, sizeof(msg))) {
			if (with && !strstr(msg, with)) {
				other++;
				continue;
			}
			double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
			printf("random input %lu (seed %llu) failed after %.3f s: %s\n", i,
			       (unsigned long long)seed, secs, msg);
			if (other)
				printf("(%lu earlier inputs failed otherwise)\n", other);
			if (save) {
				FILE *out = fopen(save, "wb");
				if (out) {
					fwrite(buf, 1, len, out);
					fclose(out);
				}
			}
			return expect_failure ? 0 : 1;
		}
	}
	printf("%lu random inputs passed in %.3f s\n", n - other,
	       (double)(clock() - t0) / CLOCKS_PER_SEC);
	if (other) {
		printf("%lu failed otherwise than with '%s'\n", other, with);
		return 1;
	}
	return expect_failure ? 1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long random_n = 0;
	uint64_t seed = 1;
	const char *save = NULL, *with = NULL;
	int expect_failure = 0, bad = 0, paths = 0;
	unsigned count = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--random") && i + 1 < argc)
			random_n = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--save") && i + 1 < argc)
			save = argv[++i];
		else if (!strcmp(argv[i], "--expect-failure"))
			expect_failure = 1;
		else if (!strcmp(argv[i], "--expect-failure-with") && i + 1 < argc) {
			expect_failure = 1;
			with = argv[++i];
		}
		else if (!strcmp(argv[i], "-v"))
			fuzz_irq_set_verbose(1);
		else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: %s [-v] [--random N [--seed S] [--save F] "
					"[--expect-failure | --expect-failure-with TEXT]] [FILE|DIR...]\n", argv[0]);
			return 2;
		} else {
			paths++;
			bad |= run_path(argv[i], &count);
		}
	}
	if (paths)
		printf("%u corpus inputs, %s\n", count, bad ? "FAILED" : "all passed");
	if (random_n)
		bad |= run_random(random_n, seed, save, expect_failure, with);
	return bad;
}
