#!/usr/bin/env bash
# The main job: explore the flagship race scenarios with PCT (10,000
# schedules each, all cores), print what was found (with a replay command
# and the story of the schedule) and a verdict table.
#   flagship-shared-level  two devices share a level IOAPIC line; correct
#                          drivers must survive every schedule
#   flagship-reset-window  a device reset inside a window races the drivers;
#                          the explorer must find the schedule that breaks it
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./build/sim/uksim explore scenarios/irq/flagship-shared-level.uks \
	scenarios/irq/flagship-reset-window.uks --strategy pct --runs 10000 "$@"
