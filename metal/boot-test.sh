#!/usr/bin/env bash
# metal-boot: the bare-metal image boots under QEMU (TCG, -smp 2) and every
# CPU reaches ring 3: each prints its line on the serial console from a
# ring-3 program that made real system calls, and the run exits 0 through
# isa-debug-exit, within 2 minutes. Skips (77) without qemu-system-x86_64.
# Usage: boot-test.sh SRCDIR BUILDDIR
set -u
src=$1 out=$2
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	echo "SKIP: qemu-system-x86_64 is not installed (UKERN_METAL_DEPS=1 bash scripts/install-deps.sh installs qemu-system-x86; CI does)"
	exit 77
fi
mkdir -p "$out"
log="$out/boot.log"
UKERN_METAL_BUILD="$out" bash "$src/scripts/qemu-run.sh" --timeout 120 >"$log" 2>&1
rc=$?
# The console, without the firmware's terminal escapes.
tr -d '\033' <"$log" | grep -a -E '^(ukern|metal|\[cpu|verdict|qemu-run)' | sed 's/^/  | /'
fails=0
expect() {
	if ! grep -a -q -F "$1" "$log"; then
		echo "FAIL: the console has no line with: $1"
		fails=$((fails + 1))
	fi
}
[ "$rc" -eq 0 ] || { echo "FAIL: qemu-run.sh exited $rc, expected 0"; fails=$((fails + 1)); }
expect "metal: 2 cpus online"
expect "[cpu0 ring 3] hello from ring 3: program 0"
expect "[cpu1 ring 3] hello from ring 3: program 1"
expect "metal: cpu0: ring-3 entries 1"
expect "metal: cpu1: ring-3 entries 1"
expect "verdict: PASS (2 cpus reached user mode)"
if grep -a -q "syscalls WRONG\|did NOT run here" "$log"; then
	echo "FAIL: a ring-3 program saw wrong system-call results or ran on the wrong CPU"
	fails=$((fails + 1))
fi
if [ "$fails" -eq 0 ]; then
	echo "ok: both CPUs booted into ring 3 and made system calls"
	exit 0
fi
exit 1
