#!/usr/bin/env bash
# The structured random-syscall torture (tests/sim/test_torture.c) at soak
# length: 10^7 calls per seed by default, against a build with the checking
# kernel (the default build; the IRQ invariants and the kernel's asserts on).
#
#   scripts/soak.sh [-b BUILD_DIR] [-n CALLS] [-c CPUS] [SEED...]
#
# Prints, per seed, the outcome table (calls by system call and result), the
# message, transfer and IRQ counts, the leak check, host and virtual time.
# Exits non-zero if any seed fails. docs/testing.md keeps the figures of a run.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build calls=10000000 cpus=2
while getopts "b:n:c:h" o; do
	case $o in
	b) build=$OPTARG ;;
	n) calls=$OPTARG ;;
	c) cpus=$OPTARG ;;
	*) sed -n '2,11p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(15)
bin=$build/tests/sim/test_torture
if [ ! -x "$bin" ]; then
	echo "soak: no $bin: build first (meson setup $build && ninja -C $build)" >&2
	exit 2
fi
status=0
for s in "${seeds[@]}"; do
	echo "=== seed $s, $calls calls, $cpus CPUs"
	start=$(date +%s.%N)
	# A Check test case has a 600 s limit; a soak run may take longer.
	if ! TORTURE_SEED=$s TORTURE_CALLS=$calls TORTURE_CPUS=$cpus TORTURE_VERBOSE=1 \
		CK_RUN_SUITE=torture CK_TIMEOUT_MULTIPLIER=20 "$bin"; then
		status=1
	fi
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" 'BEGIN { printf "seed wall time %.1f s\n", b - a }'
done
exit $status
