/* SPDX-License-Identifier: MIT */
/*
 * metal-progargs: the bare-metal start code lays out a thread's argument
 * block (metal/x86_64/progargs.c) byte for byte as the simulator's runtime
 * does (sim/src/runtime/args.c). progargs-test.sh runs tests/metal/block.uks
 * on the simulator with `block-dump` in place of edu-driver (the same
 * arguments), which writes each thread's block to DUMP.P; this program lays
 * out the same threads with the port's code from the scenario's metal
 * table (uksim export-metal, compiled in) and compares. The machine-given
 * fields are set as the simulator has them: each device's handle from the
 * simulator's block, its IOAPIC pin the scenario's (the firmware's on
 * metal), its MSI source its index (edu i is MSI source i on metal); the
 * one field that differs by design is the window size (the page metal
 * maps, the BAR's size in the simulator), checked apart.
 * Usage: progargs_test DUMP
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ukern/progargs.h>

#include "metal.h"
#include "scenario.h"

struct uk_arch metal_arch;

unsigned scn_edu_of(unsigned dev)
{
	return dev;
}

static unsigned char *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *b = malloc(UK_PROGARGS_SLOT_SIZE);
	*n = b ? fread(b, 1, UK_PROGARGS_SLOT_SIZE, f) : 0;
	fclose(f);
	return b;
}

int main(int argc, char **argv)
{
	const struct metal_scenario *s = &metal_scenario;
	int fails = 0;
	if (argc != 2) {
		fprintf(stderr, "usage: progargs_test DUMP\n");
		return 2;
	}
	for (unsigned d = 0; d < s->ndevices && d < METAL_MAX_EDU; d++)
		metal_arch.edu[d].gsi = s->devices[d].line;
	for (unsigned t = 0; t < s->nthreads; t++) {
		char path[4096];
		size_t n = 0;
		snprintf(path, sizeof(path), "%s.%u", argv[1], t);
		unsigned char *sim = read_file(path, &n);
		if (!sim || n < sizeof(struct uk_progargs_hdr)) {
			printf("FAIL: %s: no block from the simulator\n", path);
			return 1;
		}
		const struct uk_progargs_hdr *h = (const void *)sim;
		struct uk_progarg_dev *sd = (void *)(sim + h->devices_off);
		uint32_t regs[METAL_MAX_EDU] = {0};
		for (unsigned d = 0; d < h->ndevices && d < METAL_MAX_EDU; d++)
			regs[d] = sd[d].regs;
		unsigned char metal[METAL_PROGARGS_MAX];
		uint32_t size = metal_progargs_layout(&metal_arch, s, t, regs, metal, sizeof(metal));
		struct uk_progarg_dev *md = (void *)(metal + h->devices_off);
		for (unsigned d = 0; size == n && d < h->ndevices; d++) {
			if (md[d].regs_size != UK_PAGE_SIZE) {
				printf("FAIL: thread %u: device %u's window is %u bytes, not the page "
				       "metal maps\n", t, d, md[d].regs_size);
				fails++;
			}
			md[d].regs_size = sd[d].regs_size;
		}
		if (size != n || memcmp(metal, sim, n) != 0) {
			printf("FAIL: thread %u (%s): metal's block (%u bytes) is not the simulator's "
			       "(%zu bytes)\n", t, s->threads[t].name, size, n);
			for (size_t i = 0; i < n && i < size; i++)
				if (metal[i] != sim[i]) {
					printf("  first difference at byte %zu: metal %02x, simulator %02x\n", i,
					       metal[i], sim[i]);
					break;
				}
			fails++;
		} else {
			printf("ok: thread %u (%s): %u bytes, %u arguments, %u devices, as the simulator's\n",
			       t, s->threads[t].name, size, h->nargs, h->ndevices);
		}
		free(sim);
	}
	return fails ? 1 : 0;
}
