/* SPDX-License-Identifier: MIT */
/*
 * Policies: the designs a scenario chooses by name. Four kinds, each an ops
 * table of libukern:
 *
 *   scheduler        struct uk_sched_ops       (ukern/sched.h)
 *   IRQ model        struct uk_irq_model_ops   (ukern/irq_model.h)
 *   behaviour        struct uk_irq_behaviour   (ukern/irq_model.h), per line
 *   transfer         struct uk_xfer_ops        (ukern/ipc.h)
 *
 * The registry (sim/runtime.h) holds the built-in ones and those of shared
 * objects. A shared object exports, beside or instead of ukern_programs[],
 *
 *	UKERN_PLUGIN;
 *	const struct sim_policy ukern_policies[] = {
 *		{UK_ABI_VERSION, SIM_POLICY_SCHEDULER, "edf", &edf_ops, "earliest deadline first"},
 *		{0},
 *	};
 *
 * and a scenario names them like built-ins: `machine { scheduler edf }`
 * after `load "edf.so"`. An entry of another ABI version is refused when
 * the object is loaded. docs/designs.md has a complete example of each kind.
 */
#ifndef SIM_POLICY_H
#define SIM_POLICY_H

#include <stddef.h>

#include <ukern/irq_model.h>
#include <ukern/sched.h>
#include <ukern/xfer.h>

enum sim_policy_kind {
	SIM_POLICY_SCHEDULER = 1,
	SIM_POLICY_IRQ_MODEL = 2,
	SIM_POLICY_BEHAVIOUR = 3,
	SIM_POLICY_TRANSFER = 4,
};
#define SIM_POLICY_KINDS 4

struct sim_policy {
	unsigned abi;              /* UK_ABI_VERSION */
	enum sim_policy_kind kind;
	const char *name;          /* what a scenario writes */
	const void *ops;           /* the table of that kind; must outlive the registry */
	const char *doc;           /* one line */
};

/* The symbol a shared object exports: a table ended by an entry whose name
 * is NULL. */
#define SIM_POLICIES_SYMBOL "ukern_policies"

/* Every shared object (of programs, policies or both) names the interface
 * version it was built against (UK_ABI_VERSION of ukern/irq_model.h) by
 * writing UKERN_PLUGIN; once, at file scope. An object of another version,
 * or of none, is refused when loaded: the tables' layout and the calls'
 * meaning may differ. */
#define SIM_ABI_SYMBOL "ukern_abi"
#define UKERN_PLUGIN const unsigned ukern_abi = UK_ABI_VERSION

/* "scheduler", "IRQ model", "controller behaviour", "transfer strategy". */
const char *sim_policy_kind_name(enum sim_policy_kind kind);

#endif /* SIM_POLICY_H */
