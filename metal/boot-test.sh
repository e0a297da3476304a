#!/usr/bin/env bash
# metal-boot: the bare-metal image boots under QEMU (TCG, -smp 2) and every
# CPU reaches ring 3: each prints its line on the serial console from a
# ring-3 program that made real system calls. Then the shared-line run: two
# edu devices on one level IOAPIC pin, a ring-3 driver for each on its own
# CPU (the runtime's own edu-driver, sim/src/runtime/programs_edu.c),
# 1,000 raises: every raise cleared, no status bit left, 0 nobody-cared,
# 0 invariant violations, both CPUs handled episodes. (ACK-timeout reports
# are allowed: under TCG on a busy host a driver may take over 1 s.) Then
# edu 0 is switched to MSI and 100 more raises reach a third driver that way.
# The kernel's IRQ log is printed before the verdict (nothing lost, the
# first 200 records, uk_irq_event_format's words). The run exits 0
# through isa-debug-exit within 2 minutes. Skips (77) without
# qemu-system-x86_64.
# metal-boot-kvm (--kvm): the same run and checks under KVM (qemu-run.sh
# --kvm: the image without the invariant checks). Skips (77) with the reason
# when /dev/kvm cannot be opened read-write (CI machines have none); without
# QEMU it skips as metal-boot does, unless UKERN_METAL_DEPS=1 (then a missing
# QEMU is a failure). On our development VM, whose KVM emulates ring 0
# (docs/porting.md), the run takes about 2 minutes: it gets 6.
# Usage: boot-test.sh [--kvm] SRCDIR BUILDDIR
set -u
kvm=0
if [ "${1:-}" = --kvm ]; then
	kvm=1
	shift
fi
src=$1 out=$2
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	if [ "$kvm" = 1 ] && [ "${UKERN_METAL_DEPS:-0}" = 1 ]; then
		echo "FAIL: UKERN_METAL_DEPS=1 but qemu-system-x86_64 is not installed"
		exit 1
	fi
	echo "SKIP: qemu-system-x86_64 is not installed (UKERN_METAL_DEPS=1 bash scripts/install-deps.sh installs qemu-system-x86; CI does)"
	exit 77
fi
accel=()
limit=120
if [ "$kvm" = 1 ]; then
	limit=360
	if [ ! -e /dev/kvm ]; then
		echo "SKIP: /dev/kvm does not exist (no KVM on this machine: CI runs metal-boot under TCG only)"
		exit 77
	fi
	# The open QEMU will do: read-write (a missing kvm group membership or a
	# container without the device's cgroup permission fails here).
	if ! { exec 3<>/dev/kvm; } 2>/dev/null; then
		echo "SKIP: /dev/kvm exists but cannot be opened read-write by $(id -un) ($(ls -l /dev/kvm))"
		exit 77
	fi
	exec 3>&-
	accel=(--kvm)
fi
mkdir -p "$out"
log="$out/boot.log"
UKERN_METAL_BUILD="$out" bash "$src/scripts/qemu-run.sh" "${accel[@]}" --fixed --timeout "$limit" >"$log" 2>&1
rc=$?
# The console, without the firmware's terminal escapes.
tr -d '\033' <"$log" | grep -a -E '^(ukern|metal|\[cpu|boot|edu|cpu|irq|msi|ipc|syscall|kernel|thread|verdict|qemu-run|  kinds)' | sed 's/^/  | /'
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
expect "program 0 ran here"
expect "program 1 ran here"
expect "boot: PASS (2 cpus reached user mode)"
expect "metal: the two edu devices share one IOAPIC pin"
expect "irq: raises 1000, cleared 1000,"
expect "nobody-cared 0,"
expect "invariant violations 0"
expect "edu 0: cleared 500 raises"
expect "edu 1: cleared 500 raises"
expect "msi: edu 0 switched to MSI: raises 100, cleared 100"
expect "verdict: PASS"
if ! grep -a -q -E "^irq-log: [0-9]+ records, 0 lost \(the log holds [0-9]+\), the first 200 printed \(at most 200\), [0-9]+ not printed" "$log"; then
	echo "FAIL: no irq-log header (or records lost)"
	fails=$((fails + 1))
fi
if [ "$(grep -a -c -E '^  [0-9]+ ns cpu [0-9]+ [a-z-]+: ' "$log")" -ne 200 ]; then
	echo "FAIL: not 200 IRQ log records of the shared line's kinds on the console"
	fails=$((fails + 1))
fi
# The drivers are the runtime's own edu-driver (sim/src/runtime/programs_edu.c
# built into the ring-3 image), not a copy.
expect "metal: the driver of edu 0 runs edu-driver in ring 3"
expect "metal: the driver of edu 1 runs edu-driver in ring 3"
expect "metal: the MSI driver of edu 0 runs edu-driver in ring 3"
if grep -a -E -q "status at end [1-9a-f]" "$log"; then
	echo "FAIL: an edu status bit was left set at the end"
	fails=$((fails + 1))
fi
if grep -a -E -q "^cpu [0-9]+: episodes handled 0" "$log"; then
	echo "FAIL: a CPU handled no episode"
	fails=$((fails + 1))
fi
if grep -a -q "syscalls WRONG\|did NOT run here" "$log"; then
	echo "FAIL: a ring-3 program saw wrong system-call results or ran on the wrong CPU"
	fails=$((fails + 1))
fi
if [ "$fails" -eq 0 ]; then
	echo "ok: both CPUs booted into ring 3; the shared edu line ran 1,000 raises clean"
	exit 0
fi
exit 1
