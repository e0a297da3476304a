#!/usr/bin/env bash
# metal-progargs: the bare-metal start code writes a thread's argument block
# as the simulator's runtime does (progargs_test.c says how it compares).
# No QEMU needed. Usage: progargs-test.sh UKSIM BLOCK_DUMP_SO PROGARGS_TEST SRCDIR TMPDIR
set -u
uksim=$1 so=$2 test=$3 src=$4 tmp=$5
mkdir -p "$tmp" && rm -f "$tmp"/block.*
# The same threads with block-dump in place of edu-driver.
sed 's/program edu-driver(/program block-dump(/' "$src/tests/metal/block.uks" >"$tmp/block-sim.uks"
UKERN_BLOCK_DUMP="$tmp/block" "$uksim" run --load "$so" "$tmp/block-sim.uks" >"$tmp/run.log" 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
	echo "FAIL: uksim run of the block-dump scenario exited $rc:"
	cat "$tmp/run.log"
	exit 1
fi
"$test" "$tmp/block"
