/* SPDX-License-Identifier: MIT */
/* Targets for explore and replay (see targets.h). */
#include "targets.h"

#include <sim/demo.h>
#include <stdio.h>
#include <string.h>

/* demo:race: the engine demo's lost-update race (sim/demo.h). */
static int demo_race_run(void *ctx, const struct sim_engine_config *ecfg, struct sim_outcome *out)
{
	(void)ctx;
	struct sim_demo_config cfg = {
		.cpus = 2, .race = true, .seed = ecfg->seed, .chooser_ops = ecfg->chooser,
		.chooser_state = ecfg->chooser_state, .window_ns = ecfg->race_window_ns,
		.record_decisions = ecfg->record_decisions, .trace_limit = ecfg->trace_limit,
		.stack_pool = ecfg->stack_pool,
	};
	struct sim_demo_result r;
	if (sim_demo_run(&cfg, &r) != 0) {
		snprintf(out->message, sizeof(out->message), "%.500s", r.message);
		return -1;
	}
	out->result = r.result;
	out->violation = r.lost_update || r.result != SIM_DONE;
	if (r.lost_update) {
		snprintf(out->violation_id, sizeof(out->violation_id), "lost-update");
		snprintf(out->message, sizeof(out->message),
			 "two read-modify-write sequences overlapped: an increment of the shared "
			 "counter was lost");
	} else if (r.result != SIM_DONE) {
		snprintf(out->violation_id, sizeof(out->violation_id), "%s", sim_result_name(r.result));
		snprintf(out->message, sizeof(out->message), "%.500s", r.message);
	}
	out->time_ns = r.virtual_ns;
	out->trace_hash = r.trace_hash;
	out->decisions = r.decisions;
	out->steps = r.steps;
	out->irq_signature = r.trace_hash;
	out->dlog = r.dlog;
	out->dlog_len = r.dlog_len;
	out->trace = r.trace;
	out->ncpus = 2;
	return 0;
}

int uksim_target_open(const char *spec, int64_t window_ns, struct uksim_target *out, char *err,
		      size_t errlen)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", spec);
	if (!strcmp(spec, "demo:race")) {
		out->t = (struct sim_target){.name = "demo:race", .hash = 0x6465726163650001ull,
					     .race_window_ns = 50, .run = demo_race_run};
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
