#!/usr/bin/env bash
# qemu-run.sh: build the bare-metal image (metal/x86_64) for a scenario and
# boot it in QEMU.
#
# Usage: scripts/qemu-run.sh [--timeout SECONDS] [--kvm] [--checking | --no-checking]
#                            [--time-scale N] [--smp N] [--no-icount]
#                            [--fixed | SCENARIO]
#
# SCENARIO (default scenarios/metal/shared-edu.uks) is compiled into the
# image by `uksim export-metal` (the subset of .uks that runs on metal:
# docs/porting.md); a scenario outside it is refused with file:line:col and
# exit 2. QEMU gets what the scenario asks for: -smp (its CPUs, unless --smp)
# and its edu devices at their PCI slots. The image drives the timeline from
# the LAPIC timer and prints the expectations, the counts and the verdict as
# `uksim run` does. --fixed runs the image's fixed program instead (no
# scenario): the boot check, 1,000 raises on two edu devices sharing a
# line, 100 over MSI, and the IPC round trip (metal-boot's run).
#
# Scenario runs use -icount shift=0,sleep=off: guest time advances 1 ns per
# instruction, so the timeline is paced by the work the guest does (under
# plain TCG the guest clock is the host's, and TCG runs the kernel so slowly
# that a 10 ms timeline coalesces into a handful of episodes), and a run is
# repeatable. --no-icount turns it off; --kvm implies it.
#
# --time-scale N stretches a scenario's timeline N times (its raises come N
# times further apart; every figure is still real time). The default is 1,
# except with --kvm where the host's KVM is PVM (kvm_pvm loaded: the KVM of
# our development VM, which emulates a guest's ring 0 at about 1 us an
# instruction, docs/porting.md): there it is 5000, and shared-edu's 10 ms
# become 50 s. The run says so. --kvm's default timeout is 10 minutes.
#
# The image is libukern's checking build (UK_CHECKING: I1..I10 after every
# kernel step) except with --kvm, which builds it without the checks, in
# its own directory, unless --checking is given too (--no-checking builds a
# TCG run's image without them, for figures beside KVM's): KVM runs are for
# the figures, and on our development VM KVM emulates ring 0
# (docs/porting.md), where the checks multiply the run's length.
#
# Runs qemu-system-x86_64 under TCG (or KVM with --kvm), -nographic: the
# serial console is this script's standard output. The kernel leaves through
# isa-debug-exit (iobase 0xf4); QEMU then exits with (code << 1) | 1, which
# is mapped back to uksim's exit codes: 0 the run's expectations met, 1 one
# failed, 2 bad usage or scenario, 3 an internal error (and a timeout, or a
# QEMU that stopped without the debug exit: a triple fault with -no-reboot).
#
# The image is built in $UKERN_METAL_BUILD (default: build-metal/ at the
# root; its nochecks/ for the build without checks); the uksim that
# compiles the scenario is $UKSIM (default: the root's build/sim/uksim,
# else uksim on PATH).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/find-uksim.sh"
out=${UKERN_METAL_BUILD:-$root/build-metal}
timeout_s=
accel=tcg
smp=
icount=1
fixed=0
scenario=
checking=
time_scale=
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
	--kvm) accel=kvm; icount=0; shift ;;
	--smp) smp=${2:?--smp needs a count}; shift 2 ;;
	--no-icount) icount=0; shift ;;
	--checking) checking=1; shift ;;
	--no-checking) checking=0; shift ;;
	--time-scale)
		time_scale=${2:?--time-scale needs a factor}
		case "$time_scale" in
		'' | *[!0-9]* | 0*) echo "qemu-run: --time-scale takes a whole number from 1" >&2; exit 2 ;;
		esac
		shift 2 ;;
	--fixed) fixed=1; shift ;;
	-h|--help) sed -n '2,49p' "$0"; exit 0 ;;
	-*) echo "qemu-run: unknown option $1" >&2; exit 2 ;;
	*)
		[ -z "$scenario" ] || { echo "qemu-run: one scenario at a time" >&2; exit 2; }
		scenario=$1; shift ;;
	esac
done
if [ -z "$timeout_s" ]; then
	timeout_s=120
	[ "$accel" = kvm ] && timeout_s=600
fi
if [ "$fixed" = 1 ] && [ -n "$scenario" ]; then
	echo "qemu-run: --fixed runs no scenario; give one or the other" >&2
	exit 2
fi
qemu=$(command -v qemu-system-x86_64) || {
	echo "qemu-run: qemu-system-x86_64 not found: install qemu-system-x86 (UKERN_METAL_DEPS=1 bash scripts/install-deps.sh)" >&2
	exit 2
}
if [ -z "$checking" ]; then
	checking=1
	[ "$accel" = kvm ] && checking=0
fi
[ "$checking" = 0 ] && out=$out/nochecks
mkdir -p "$out" && out=$(cd "$out" && pwd) || exit 3
make_args=(CHECKING="$checking")
if [ "$fixed" = 1 ]; then
	qemu_args=(-smp "${smp:-2}" -device edu,addr=4 -device edu,addr=8)
else
	if [ -z "$scenario" ]; then
		# The default, named relative to the root as uksim run would.
		cd "$root" || exit 3
		scenario=scenarios/metal/shared-edu.uks
	fi
	find_uksim qemu-run
	# The subset check first: a scenario the image cannot run is exit 2,
	# with its file:line:col, before anything is built.
	args=$("$uksim" export-metal --qemu-args "$scenario") || exit $?
	read -r -a qemu_args <<<"$args"
	if [ -n "$smp" ]; then
		qemu_args[1]=$smp # -smp N comes first
	fi
	if [ -z "$time_scale" ]; then
		time_scale=1
		[ "$accel" = kvm ] && [ -d /sys/module/kvm_pvm ] && time_scale=5000
	fi
	make_args+=(SCENARIO="$scenario" SCENARIO_CWD="$PWD" UKSIM="$uksim" TIME_SCALE="$time_scale")
fi
if ! make -s -C "$root/metal/x86_64" O="$out" WERROR=1 -j2 "${make_args[@]}" >"$out/make.log" 2>&1; then
	echo "qemu-run: building the image failed:" >&2
	cat "$out/make.log" >&2
	exit 3
fi

accel_args=(-accel tcg)
[ "$fixed" = 0 ] && [ "$icount" = 1 ] && accel_args+=(-icount shift=0,sleep=off)
[ "$accel" = kvm ] && accel_args=(-accel kvm) # (-cpu host fails on this nested host: MSR 0x10a)
timeout --kill-after=5 "$timeout_s" "$qemu" "${accel_args[@]}" "${qemu_args[@]}" -m 256M \
	-kernel "$out/ukern-metal.bin" -nographic -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null
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
