/* SPDX-License-Identifier: MIT */
/* uksim run FILE: run one schedule of a scenario and check its expectations. */
#include "uksim.h"

int uksim_cmd_run(const struct uksim_cmd *cmd, int argc, char **argv)
{
	GOptionEntry entries[] = {{0}};
	if (!uksim_parse(cmd, entries, &argc, &argv))
		return UKSIM_EXIT_USAGE;
	fprintf(stderr, "uksim %s: not built yet in this version of ukern\n", cmd->name);
	return UKSIM_EXIT_USAGE;
}
