/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the .uks parser: the input is a scenario file. The
 * oracle is the sanitizers (no crash, no leak, no undefined behaviour) plus
 * a few consistency checks: an accepted scenario hashes the same twice and
 * its references are in range; a rejected one has a located error message.
 * Includes and `load` are disabled so the fuzzer never touches the disk.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "sim/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_refs(const struct uks_scenario *s)
{
	for (size_t i = 0; i < s->nactions; i++) {
		const struct uks_action *a = &s->actions[i];
		if (a->earliest > a->latest)
			abort();
		/* Suspend and resume name no target; the machine is theirs. */
		if (a->kind == UKS_ACT_SUSPEND || a->kind == UKS_ACT_RESUME)
			continue;
		size_t lim = a->kind == UKS_ACT_KILL ? s->nprocesses : s->ndevices;
		if (a->target < 0 || (size_t)a->target >= lim)
			abort();
	}
	for (size_t i = 0; i < s->nprocesses; i++)
		for (size_t j = 0; j < s->processes[i].ncaps; j++) {
			const struct uks_cap *c = &s->processes[i].caps[j];
			if (c->kind != UKS_CAP_NOPREEMPT && c->ref < 0)
				abort();
		}
	if (s->machine.cpus < 1 || s->machine.cpus > UKS_MAX_CPUS)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uks_scenario *s = NULL;
	struct uks_diag d;
	uks_diag_init(&d);
	int rc = uks_parse_string_flags("fuzz.uks", (const char *)data, size, NULL,
					UKS_PARSE_NO_INCLUDE, &s, &d);
	if (rc == 0) {
		if (!s || d.set || uks_scenario_hash(s) != uks_scenario_hash(s))
			abort();
		check_refs(s);
		uks_scenario_free(s);
	} else {
		if (s || !d.set || !d.message || !d.file)
			abort();
		char *r = uks_diag_format(&d);
		if (!r || strncmp(r, "fuzz.uks:", 9))
			abort();
		g_free(r);
	}
	uks_diag_clear(&d);
	return 0;
}
