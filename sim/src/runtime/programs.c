/* SPDX-License-Identifier: MIT */
/*
 * The built-in program table. Names and argument specs are those of the
 * default catalog (sim/src/scenario/catalog.c), so `uksim check` and
 * `uksim run` agree on what a scenario may say; this table adds the code.
 */
#include "rt_int.h"

#include <string.h>

static const struct sim_program builtins[] = {
	{"irq-driver", rt_prog_irq_driver, NULL, 0, NULL, NULL, 0},
	{"irq-driver-kick", rt_prog_irq_driver_kick, NULL, 0, NULL, NULL, 0},
	{"line-driver", rt_prog_line_driver, NULL, 0, NULL, NULL, 0},
	{"linux-driver", rt_driver_linux, NULL, 0, NULL, NULL, 0},
	{"zircon-driver", rt_driver_zircon, NULL, 0, NULL, NULL, 0},
	{"sel4-driver", rt_driver_sel4, NULL, 0, NULL, NULL, 0},
	{"native-driver", rt_prog_native_driver, NULL, 0, NULL, NULL, 0},
	{"fiasco-driver", rt_driver_fiasco, NULL, 0, NULL, NULL, 0},
	{"edu-driver", rt_prog_edu_driver, NULL, 0, NULL, NULL, 0},
	{"vfs-client", rt_prog_vfs_client, NULL, 0, NULL, NULL, 0},
	{"vfs-server", rt_prog_vfs_server, NULL, 0, NULL, NULL, 0},
	{"fs-server", rt_prog_fs_server, NULL, 0, NULL, NULL, 0},
	{"pci-server", rt_prog_pci_server, NULL, 0, NULL, NULL, 0},
	{"pci-driver", rt_prog_pci_driver, NULL, 0, NULL, NULL, 0},
	{"load", rt_prog_load, NULL, 0, NULL, NULL, 0},
	{"mutex-holder", rt_prog_mutex_holder, NULL, 0, NULL, NULL, 0},
	{"mutex-waiter", rt_prog_mutex_waiter, NULL, 0, NULL, NULL, 0},
	{"nopreempt-driver", rt_prog_nopreempt_driver, NULL, 0, NULL, NULL, 0},
	{"spinner", rt_prog_spinner, NULL, 0, NULL, NULL, 0},
};

const struct sim_program *sim_builtin_programs(size_t *n)
{
	*n = sizeof(builtins) / sizeof(builtins[0]);
	return builtins;
}

/* A built-in with its arguments as the default catalog documents them. */
struct sim_program rt_builtin_with_spec(const struct sim_program *p)
{
	struct sim_program out = *p;
	const struct uks_program_spec *sp = uks_catalog_program(uks_default_catalog(), p->name);
	if (sp) {
		out.args = sp->args;
		out.nargs = sp->nargs;
		out.doc = sp->doc;
		out.needs = sp->needs;
		out.nneeds = sp->nneeds;
	}
	return out;
}
