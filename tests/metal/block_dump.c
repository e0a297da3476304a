/* SPDX-License-Identifier: MIT */
/*
 * metal-progargs: `block-dump` takes edu-driver's arguments and writes the
 * raw argument block the simulator's runtime gave its thread to
 * $UKERN_BLOCK_DUMP.P (P: its process's index), for progargs_test.c to
 * compare with the block the bare-metal start code lays out.
 */
#include <stdio.h>
#include <stdlib.h>

#include <sim/programs.h>
#include <ukern/progargs.h>

UKERN_PLUGIN;

static void block_dump(struct uk_user *u)
{
	static const uint64_t slot = UK_PROGARGS_SLOT(0); /* one thread per process */
	struct uk_progargs_hdr h;
	const char *prefix = getenv("UKERN_BLOCK_DUMP");
	if (!prefix || uk_user_read(u, slot, &h, sizeof(h)) != 0 || h.size > UK_PROGARGS_SLOT_SIZE) {
		sim_prog_note(u, SIM_NOTE_REJECTED, -1, 0);
		return;
	}
	unsigned char *b = malloc(h.size);
	char path[4096];
	snprintf(path, sizeof(path), "%s.%u", prefix, h.process);
	FILE *f = fopen(path, "wb");
	if (!b || !f || uk_user_read(u, slot, b, h.size) != 0 || fwrite(b, 1, h.size, f) != h.size)
		sim_prog_note(u, SIM_NOTE_REJECTED, -1, 0);
	if (f)
		fclose(f);
	free(b);
}

static const char *const mistakes[] = {"none", "ack-before-clear", NULL};
/* edu-driver's (sim/src/scenario/catalog.c), so the parser gives both the same arguments. */
static const struct uks_arg_spec block_dump_args[] = {
	{"device", UKS_ARG_DEVICE, NULL, true, NULL, "the edu device"},
	{"mistake", UKS_ARG_ENUM, mistakes, false, "none", "as edu-driver's"},
	{"work", UKS_ARG_TIME, NULL, false, "2us", "as edu-driver's"},
};

const struct sim_program ukern_programs[] = {
	{"block-dump", block_dump, block_dump_args, 3, "writes its argument block to a file", NULL, 0},
	{0},
};
