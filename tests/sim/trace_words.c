/* SPDX-License-Identifier: MIT */
/*
 * trace_words KIND...: each kind (hex) in plain words, one line each, as the
 * story renders a record of it with arguments 1, 2, 3 (CPU 0, and once
 * more from no CPU, as machine records come). For trace_words.py.
 */
#include <stdio.h>
#include <stdlib.h>

#include <sim/export.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		unsigned long kind = strtoul(argv[i], NULL, 16);
		struct sim_trace_rec r = {.time = 10, .kind = (uint16_t)kind, .cpu = 0, .a = 1, .b = 2, .c = 3};
		char buf[256];
		sim_trace_describe(&r, buf, sizeof(buf));
		printf("%04lx\t%s\n", kind, buf);
	}
	return 0;
}
