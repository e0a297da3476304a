/* SPDX-License-Identifier: MIT */
/* uksim check FILE...: validate scenario files without running them. */
#include "uksim.h"

int uksim_cmd_check(const struct uksim_cmd *cmd, int argc, char **argv)
{
	GOptionEntry entries[] = {{NULL}};
	if (!uksim_parse(cmd, entries, &argc, &argv))
		return UKSIM_EXIT_USAGE;
	fprintf(stderr, "uksim %s: not built yet in this version of ukern\n", cmd->name);
	return UKSIM_EXIT_USAGE;
}
