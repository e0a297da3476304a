#!/usr/bin/env bash
# The benchmark build: release, link-time optimization, no invariant checks,
# and profile-guided optimization (gcc's -fprofile-generate/-use through
# meson's b_pgo). It builds once with instrumentation, trains on a fixed
# workload (exploration of the bundled scenarios, with seeds and strategies
# `uksim bench` does not use), and builds again with the profile.
#
#   scripts/bench-build.sh [DIR]          # default DIR: build-rel
#   ./DIR/sim/uksim bench
#
# `uksim bench` names the build on its first line ("profile-guided use").
# Without the profile (meson setup DIR -Dchecking=false -Dbuildtype=release
# -Db_lto=true -Dtests=false) the explorer is about 15% slower.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-rel}
opts=(-Dchecking=false -Dbuildtype=release -Db_lto=true -Dtests=false
	-Dc_args=-Wno-missing-profile)

if [ -f "$dir/build.ninja" ]; then
	meson configure "$dir" "${opts[@]}" -Db_pgo=generate >/dev/null
else
	meson setup "$dir" "${opts[@]}" -Db_pgo=generate >/dev/null
fi
ninja -C "$dir"
find "$dir" -name '*.gcda' -delete

# Training: what the explorer spends its time on. Exit codes are verdicts
# (1: a scenario's expectation failed in some schedule), not errors.
uksim="$dir/sim/uksim"
echo "training the profile ..."
for strategy in random pct; do
	for d in scenarios/irq scenarios/ipc scenarios/sched scenarios/xfer; do
		"$uksim" explore "$d" --strategy "$strategy" --runs 400 --seed 2026 -j 1 -q \
			--no-shrink >/dev/null 2>&1 || true
	done
done
"$uksim" explore scenarios/irq/flagship-shared-level.uks --strategy random --runs 20000 \
	--seed 7 -j 1 -q >/dev/null 2>&1 || true

meson configure "$dir" -Db_pgo=use >/dev/null
ninja -C "$dir"
echo "benchmark build ready: $uksim bench"
