#!/usr/bin/env bash
# metal-export: `uksim export-metal` compiles the metal subset of a scenario
# into the image's C table and refuses the rest.
#  - every file in unsupported/ is refused with exit 2 and the
#    FILE:LINE:COL its first line names ("# expect: LINE:COL: fragment"),
#    the fragment, and a caret under the source line;
#  - scenarios/metal/shared-edu.uks becomes a table that compiles against
#    metal/x86_64/scenario.h with its 1,000 raises in time order, and
#    --qemu-args asks QEMU for its CPUs and its edu devices at their slots.
# No QEMU needed. Usage: export-test.sh UKSIM SRCDIR TMPDIR
set -u
uksim=$1 src=$2 tmp=$3
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
mkdir -p "$tmp"
cd "$src/tests/metal/unsupported" || exit 1
for f in *.uks; do
	first=$(head -1 "$f")
	loc=${first#\# expect: }
	pos=${loc%%: *} frag=${loc#*: }
	"$uksim" export-metal "$f" >"$tmp/out.c" 2>"$tmp/err"
	rc=$?
	head=$(head -1 "$tmp/err")
	[ "$rc" -eq 2 ] || fail "$f: exit $rc, expected 2"
	case "$head" in
	"$f:$pos: error: not supported on metal: "*) ;;
	*) fail "$f: first line '$head' does not start with '$f:$pos: error: not supported on metal: '" ;;
	esac
	case "$head" in *"$frag"*) ;; *) fail "$f: message lacks '$frag'" ;; esac
	grep -q '^ *^' "$tmp/err" || fail "$f: no caret line"
	[ -s "$tmp/out.c" ] && fail "$f: a table was written for a refused scenario"
done
cd "$src" || exit 1
scn=scenarios/metal/shared-edu.uks
if ! "$uksim" export-metal "$scn" >"$tmp/table.c" 2>"$tmp/err"; then
	fail "$scn: refused:"
	cat "$tmp/err"
else
	gcc -std=gnu11 -Wall -Wextra -Werror -c -I "$src/metal/x86_64" -o "$tmp/table.o" "$tmp/table.c" ||
		fail "$scn: the table does not compile"
	n=$(grep -c '^	{ [0-9]*ull, 0x[0-9a-f]*, [0-9]* },$' "$tmp/table.c")
	[ "$n" -eq 1000 ] || fail "$scn: $n raises in the table, expected 1000"
	grep -q '\.nactions = 1000,' "$tmp/table.c" || fail "$scn: .nactions is not 1000"
	sed -n 's/^	{ \([0-9]*\)ull, 0x[0-9a-f]*, [0-9]* },$/\1/p' "$tmp/table.c" | sort -n -c ||
		fail "$scn: the raises are not in time order"
	grep -q '{ "count handled(edu0) >= 250", 54, 3, METAL_SCN_HANDLED, METAL_SCN_GE, 0, 250ull }' \
		"$tmp/table.c" || fail "$scn: the expectation 'handled edu0 at least 250' is not in the table"
fi
args=$("$uksim" export-metal --qemu-args "$scn")
[ "$args" = "-smp 2 -device edu,addr=4 -device edu,addr=8" ] ||
	fail "$scn: --qemu-args gave '$args'"
if [ "$fails" -eq 0 ]; then
	echo "ok: $(ls "$src"/tests/metal/unsupported/*.uks | wc -l) unsupported scenarios refused at their positions; shared-edu exported"
	exit 0
fi
exit 1
