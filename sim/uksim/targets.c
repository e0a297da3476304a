/* SPDX-License-Identifier: MIT */
/* Targets for explore and replay (see targets.h). */
#include "targets.h"

#include <sim/demo.h>
#include <stdio.h>
#include <string.h>

int uksim_target_open(const char *spec, int64_t window_ns, struct uksim_target *out, char *err,
		      size_t errlen)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", spec);
	if (!strcmp(spec, "demo:race")) {
		sim_demo_race_target(&out->t);
		snprintf(out->expect_violation, sizeof(out->expect_violation), "lost-update");
	} else if (!strncmp(spec, "demo:", 5)) {
		snprintf(err, errlen, "unknown built-in target '%s' (known: demo:race)", spec);
		return -1;
	} else {
		snprintf(err, errlen, "%s: scenario files need the scenario runtime, which is not built "
				      "yet in this version of ukern (try demo:race)", spec);
		return -1;
	}
	if (window_ns >= 0)
		out->t.race_window_ns = (uint64_t)window_ns;
	return 0;
}

void uksim_target_close(struct uksim_target *ut)
{
	if (ut->close)
		ut->close(ut);
}
