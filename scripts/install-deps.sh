#!/usr/bin/env bash
# Installs the Debian 12 packages ukern needs to build and test, if missing.
# Uses sudo when not run as root.
set -euo pipefail
pkgs=(meson ninja-build pkg-config gcc libglib2.0-dev check libcmocka-dev python3)
# The sweep test (sweep-engines) runs one sharded sweep through GNU parallel
# and a real single-node Slurm cluster it starts itself, and the report-html
# test opens uksim report's page in a real headless browser. They are large
# downloads a newcomer does not need to get going: CI sets UKERN_SWEEP_DEPS=1
# and UKERN_REPORT_DEPS=1 (.ci/run); without them those two tests skip and
# say why.
if [ "${UKERN_SWEEP_DEPS:-0}" = 1 ]; then
	pkgs+=(slurm-wlm munge parallel)
fi
if [ "${UKERN_REPORT_DEPS:-0}" = 1 ]; then
	pkgs+=(chromium)
fi
# The bare-metal tests (metal-boot, metal-sim-vs-metal) boot the image in
# QEMU; without qemu-system-x86 they skip and say why. CI sets UKERN_METAL_DEPS=1.
if [ "${UKERN_METAL_DEPS:-0}" = 1 ]; then
	pkgs+=(qemu-system-x86)
fi
if [ "${UKERN_FUZZ_DEPS:-0}" = 1 ]; then
	pkgs+=(clang libclang-rt-14-dev afl++)
fi
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
	exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
