#!/usr/bin/env bash
# libukern must port to bare metal unchanged. This test proves three things:
#  1. every source compiles with -ffreestanding and links with -nostdlib, and
#     the only symbols it needs from outside are the uk_arch_* calls of arch.h;
#  2. the built library has no writable file-scope data (all state hangs off
#     an instance);
#  3. no libukern file includes glib, stdio, stdlib, string.h, pthread, or a
#     sim/ or hwmodel/ header.
# Usage: check_libukern.sh SRCDIR CC LIBUKERN.a SOURCE...
set -u
srcdir=$1 cc=$2 lib=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

objs=()
for src in "$@"; do
	# Named after the path below libukern/: ipc/grant.c and
	# ipc/transfer/grant.c are two objects.
	rel=${src##*/libukern/}
	obj="$tmp/$(echo "${rel%.c}" | tr / _).o"
	if ! $cc -std=gnu11 -ffreestanding -nostdlib -fno-stack-protector -fno-pic -O2 -Wall -Wextra \
		-DUK_CHECKING=1 -I"$srcdir/libukern/include" -I"$srcdir/libukern" -c "$src" -o "$obj" 2>"$tmp/cc.err"; then
		echo "FAIL: $src does not compile freestanding:"
		head -20 "$tmp/cc.err"
		fails=$((fails + 1))
	fi
	objs+=("$obj")
done
if [ "$fails" -eq 0 ]; then
	if ! $cc -nostdlib -no-pie -Wl,-r -o "$tmp/ukern-freestanding.o" "${objs[@]}" 2>"$tmp/ld.err"; then
		echo "FAIL: freestanding link:"
		head -20 "$tmp/ld.err"
		fails=$((fails + 1))
	else
		undef=$(nm -u "$tmp/ukern-freestanding.o" | awk '{print $2}' | grep -v '^uk_arch_' || true)
		if [ -n "$undef" ]; then
			echo "FAIL: the freestanding kernel needs symbols no bare-metal port provides:"
			echo "$undef" | sed 's/^/  /'
			fails=$((fails + 1))
		else
			echo "ok: $# sources build freestanding; outside symbols are uk_arch_* only"
		fi
	fi
fi

# nm's B/D (and b/d for file-local) are writable data; constant tables must
# be relocation-free (arrays of chars, not of pointers) to show as r/R. Ops
# tables (models, behaviours, transfer strategies) are filled by code into
# an instance's storage for that reason (uk_irq_builtins_init).
writable=$(nm --defined-only "$lib" 2>/dev/null | awk '$2 ~ /^[BbDdGgSs]$/ {print $3}' || true)
if [ -n "$writable" ]; then
	echo "FAIL: writable file-scope data in $lib:"
	echo "$writable" | sed 's/^/  /' | head -20
	fails=$((fails + 1))
else
	echo "ok: no writable file-scope data in libukern"
fi

bad=$(grep -rnE '#[[:space:]]*include[[:space:]]*[<"](glib|gio|gmodule|stdio\.h|stdlib\.h|string\.h|pthread\.h|unistd\.h|sim/|hwmodel/)' \
	"$srcdir/libukern" || true)
if [ -n "$bad" ]; then
	echo "FAIL: libukern includes what bare metal lacks:"
	echo "$bad" | sed 's/^/  /'
	fails=$((fails + 1))
else
	echo "ok: libukern includes only freestanding and ukern headers"
fi

echo "$fails failed"
[ "$fails" -eq 0 ]
