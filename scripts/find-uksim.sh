# SPDX-License-Identifier: MIT
# Sourced by the metal scripts: find_uksim WHO sets $uksim to $UKSIM, else
# the tree's build/sim/uksim, else uksim on PATH; with none, it says so as
# WHO and exits 2. Needs $root (the source tree).
find_uksim() {
	uksim=${UKSIM:-}
	[ -n "$uksim" ] && return 0
	if [ -x "$root/build/sim/uksim" ]; then
		uksim=$root/build/sim/uksim
		return 0
	fi
	uksim=$(command -v uksim) || {
		echo "$1: no uksim: build it (meson setup build && ninja -C build) or set UKSIM" >&2
		exit 2
	}
}
