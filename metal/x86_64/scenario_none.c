/* SPDX-License-Identifier: MIT */
/* No SCENARIO= given: an empty table, and the image runs its fixed boot
 * check and shared-line run (user.c). */
#include "scenario.h"

const struct metal_scenario metal_scenario = { .version = METAL_SCN_VERSION };
