/* SPDX-License-Identifier: MIT */
/* What `uksim explore` and `uksim replay` run: scenario files, or built-in
 * demonstration targets named "demo:NAME". */
#ifndef UKSIM_TARGETS_H
#define UKSIM_TARGETS_H

#include <sim/explore.h>

struct uksim_target {
	struct sim_target t;
	char name[256];
	char expect_violation[32]; /* the violation the target exists to show, or "" */
	uint64_t memory;           /* simulated RAM of one run in bytes (0: built-in, small) */
	void (*close)(struct uksim_target *ut);
	void *priv;
};

/* Open `spec`. `window_ns` overrides the target's race window when set
 * (>= 0). Returns 0, or -1 with a message (a bad spec or scenario: exit 2). */
int uksim_target_open(const char *spec, int64_t window_ns, struct uksim_target *out, char *err,
		      size_t errlen);
/* The same with machine settings (`--set KEY=VALUE`, NULL-terminated or
 * NULL) for a scenario file; a built-in target takes none. */
int uksim_target_open_set(const char *spec, int64_t window_ns, const char *const *sets,
			  const char *const *loads,
			  struct uksim_target *out, char *err, size_t errlen);
void uksim_target_close(struct uksim_target *ut);

#endif /* UKSIM_TARGETS_H */
