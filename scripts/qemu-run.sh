#!/usr/bin/env bash
# qemu-run.sh: build the bare-metal image (metal/x86_64) and boot it in QEMU.
#
# Usage: scripts/qemu-run.sh [--timeout SECONDS] [--kvm] [--smp N] [SCENARIO]
#
# Runs qemu-system-x86_64 under TCG (or KVM with --kvm), -smp 2 by default,
# -nographic: the serial console (the kernel's log and verdict) is this
# script's standard output. The kernel leaves through isa-debug-exit
# (iobase 0xf4); QEMU then exits with (code << 1) | 1, which is mapped back
# to uksim's exit codes: 0 the run's expectations met, 1 one failed,
# 2 bad usage or scenario, 3 an internal error (and a timeout, or a QEMU
# that stopped without the debug exit: a triple fault with -no-reboot).
#
# Two QEMU edu devices sit in slots 4 and 8, whose INTA reach one PCI link
# and so one IOAPIC pin (the image reads and checks the routing).
#
# SCENARIO: not yet. A metal run will take the supported subset of .uks
# compiled into the image (metal/README.md); today the image runs a fixed
# program: the boot check (every CPU enters ring 3 and makes system calls)
# and the shared-line run (two ring-3 edu drivers on different CPUs, 1,000
# raises, many overlapping), and a scenario argument is refused with exit 2.
#
# The image is built in $UKERN_METAL_BUILD (default: build-metal/ at the root).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${UKERN_METAL_BUILD:-$root/build-metal}
timeout_s=120
accel=tcg
smp=2
scenario=
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
	--kvm) accel=kvm; shift ;;
	--smp) smp=${2:?--smp needs a count}; shift 2 ;;
	-h|--help) sed -n '2,20p' "$0"; exit 0 ;;
	-*) echo "qemu-run: unknown option $1" >&2; exit 2 ;;
	*) scenario=$1; shift ;;
	esac
done
if [ -n "$scenario" ]; then
	echo "qemu-run: $scenario: scenarios do not run on metal yet; with no argument the image runs its boot check (metal/README.md)" >&2
	exit 2
fi
qemu=$(command -v qemu-system-x86_64) || {
	echo "qemu-run: qemu-system-x86_64 not found: install qemu-system-x86 (UKERN_METAL_DEPS=1 bash scripts/install-deps.sh)" >&2
	exit 2
}
mkdir -p "$out"
if ! make -s -C "$root/metal/x86_64" O="$out" WERROR=1 -j2 >"$out/make.log" 2>&1; then
	echo "qemu-run: building the image failed:" >&2
	cat "$out/make.log" >&2
	exit 3
fi

accel_args=(-accel tcg)
[ "$accel" = kvm ] && accel_args=(-accel kvm) # (-cpu host fails on this nested host: MSR 0x10a)
timeout --kill-after=5 "$timeout_s" "$qemu" "${accel_args[@]}" -smp "$smp" -m 256M \
	-kernel "$out/ukern-metal.bin" -nographic -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-device edu,addr=4 -device edu,addr=8 </dev/null
rc=$?
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "qemu-run: no verdict within ${timeout_s} s (timeout)" >&2
	exit 3
fi
if [ $((rc & 1)) -eq 1 ]; then
	exit $(((rc - 1) >> 1))
fi
echo "qemu-run: QEMU exited with $rc without the kernel's debug exit (a triple fault?)" >&2
exit 3
