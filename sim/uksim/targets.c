/* SPDX-License-Identifier: MIT */
/* Targets for explore and replay (see targets.h). */
#include "targets.h"
#include "faults.h"

#include <glib.h>
#include <sim/demo.h>
#include <sim/runtime.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* A scenario file: parsed with the built-in programs, checked, and made an
 * explorer target by the runtime. */
struct scenario_priv {
	struct sim_registry *reg;
	struct uks_scenario *s;
};

static void close_scenario(struct uksim_target *ut)
{
	struct scenario_priv *p = ut->priv;
	sim_scenario_target_fini(&ut->t);
	uks_scenario_free(p->s);
	sim_registry_free(p->reg);
	free(p);
}

static int open_scenario(const char *path, int64_t window_ns, const char *const *sets,
			 const char *const *loads, struct uksim_target *out, char *err,
			 size_t errlen)
{
	struct scenario_priv *p = calloc(1, sizeof(*p));
	struct uks_diag d;
	struct uks_catalog cat;
	uks_diag_init(&d);
	size_t nloads = loads ? g_strv_length((char **)loads) : 0;
	if (!p || sim_registry_create(loads, nloads, &p->reg, err, errlen) != 0) {
		free(p);
		return -1;
	}
	sim_registry_catalog(p->reg, false, &cat);
	if (uks_parse_file_set(path, &cat, sets, sets ? g_strv_length((char **)sets) : 0, &p->s,
			       &d) != 0 ||
	    sim_registry_load_scenario(p->reg, p->s, &d) != 0 ||
	    sim_runtime_check(p->s, p->reg, &d) != 0) {
		char *msg = uks_diag_format(&d);
		snprintf(err, errlen, "%s", msg ? msg : "bad scenario");
		free(msg);
		uks_diag_clear(&d);
		uks_scenario_free(p->s);
		sim_registry_free(p->reg);
		free(p);
		return -1;
	}
	struct sim_runtime_options o = {.registry = p->reg,
					.race_window_ns = window_ns > 0 ? (uint64_t)window_ns : 0};
	if (sim_scenario_target(p->s, &o, &out->t) != 0) {
		snprintf(err, errlen, "out of memory");
		uks_scenario_free(p->s);
		sim_registry_free(p->reg);
		free(p);
		return -1;
	}
	for (size_t i = 0; i < p->s->nexpects; i++)
		if (p->s->expects[i].kind == UKS_EXPECT_VIOLATION)
			snprintf(out->expect_violation, sizeof(out->expect_violation), "%s",
				 p->s->expects[i].name);
	out->memory = p->s->machine.memory;
	out->priv = p;
	out->close = close_scenario;
	return 0;
}

int uksim_target_open(const char *spec, int64_t window_ns, struct uksim_target *out, char *err,
		      size_t errlen)
{
	return uksim_target_open_set(spec, window_ns, NULL, NULL, out, err, errlen);
}

int uksim_target_open_set(const char *spec, int64_t window_ns, const char *const *sets,
			  const char *const *loads, struct uksim_target *out, char *err,
			  size_t errlen)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", spec);
	if (!strncmp(spec, "demo:", 5) && sets && sets[0]) {
		snprintf(err, errlen, "--set applies to scenario files, not to '%s'", spec);
		return -1;
	}
	if (!strcmp(spec, "demo:race")) {
		sim_demo_race_target(&out->t);
		snprintf(out->expect_violation, sizeof(out->expect_violation), "lost-update");
	} else if (!strncmp(spec, "demo:", 5)) {
		snprintf(err, errlen, "unknown built-in target '%s' (known: demo:race)", spec);
		return -1;
	} else if (open_scenario(spec, window_ns, sets, loads, out, err, errlen) != 0) {
		return -1;
	}
	if (window_ns >= 0)
		out->t.race_window_ns = (uint64_t)window_ns;
	/* Every host thread that runs it gets the crash and hang reports. */
	if (!uksim_faults_wrap(&out->t)) {
		snprintf(err, errlen, "out of memory");
		uksim_target_close(out);
		return -1;
	}
	return 0;
}

void uksim_target_close(struct uksim_target *ut)
{
	uksim_faults_unwrap(&ut->t);
	if (ut->close)
		ut->close(ut);
}
