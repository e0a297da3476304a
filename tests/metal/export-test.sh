#!/usr/bin/env bash
# metal-export: `uksim export-metal` compiles the metal subset of a scenario
# into the image's C table and refuses the rest.
#  - every file in unsupported/ is refused with exit 2 and the
#    FILE:LINE:COL its first line names ("# expect: LINE:COL: fragment"),
#    the fragment, and a caret under the source line;
#  - scenarios/metal/shared-edu.uks becomes a table that compiles against
#    metal/x86_64/scenario.h with its 1,000 raises in time order, and
#    --qemu-args asks QEMU for its CPUs and its edu devices at their slots;
#  - each thread's row names its program and carries its arguments as the
#    simulator's argument block does (name, enum uk_progarg_kind, ref, num,
#    string) and its process's caps (tests/metal/args.uks);
#  - the ring-3 image builds, freestanding, with the runtime's own programs
#    and argument-block reader in it (sim/src/runtime: the image's table
#    names edu-driver and irq-driver), whether or not QEMU is here.
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
	grep -q '{ "count handled(edu0) >= 200", 58, 3, METAL_SCN_HANDLED, METAL_SCN_GE, 0, 200ull }' \
		"$tmp/table.c" || fail "$scn: the expectation 'handled edu0 at least 200' is not in the table"
fi
grep -q '^	{ "drv0.main", "edu-driver", 100, 0x1ull, 0x1, 0x1, 2, args0 },$' "$tmp/table.c" ||
	fail "$scn: drv0.main's row does not name edu-driver with its caps and 2 arguments"
# A thread's arguments, as its block carries them: kinds 7 device, 6
# identifier, 2 time (ukern/progargs.h); ref -1 unless it names something.
scn=tests/metal/args.uks
if ! "$uksim" export-metal "$scn" >"$tmp/args.c" 2>"$tmp/err"; then
	fail "$scn: refused:"
	cat "$tmp/err"
else
	gcc -std=gnu11 -Wall -Wextra -Werror -c -I "$src/metal/x86_64" -o "$tmp/args.o" "$tmp/args.c" ||
		fail "$scn: the table does not compile"
	want='static const struct metal_scn_arg args0[] = {
	{ "device", 7, 0, 0ull, "edu0" },
	{ "mistake", 6, -1, 0ull, "ack-before-clear" },
	{ "work", 2, -1, 3000ull, 0 },
	{ 0 }
};
static const struct metal_scn_arg args1[] = {
	{ "device", 7, 1, 0ull, "edu1" },
	{ 0 }
};'
	got=$(sed -n '/^static const struct metal_scn_arg args0/,/^};$/p;/^static const struct metal_scn_arg args1/,/^};$/p' "$tmp/args.c")
	[ "$got" = "$want" ] || fail "$scn: the arguments are not the block's: $got"
	grep -q '^	{ "drv0.main", "edu-driver", 90, 0x1ull, 0x1, 0x1, 3, args0 },$' "$tmp/args.c" ||
		fail "$scn: drv0.main's row is wrong"
	# mmio(D) gives device memory as pci(D) does.
	grep -q '^	{ "drv1.main", "edu-driver", 100, 0x2ull, 0x2, 0x2, 1, args1 },$' "$tmp/args.c" ||
		fail "$scn: drv1.main's row is wrong"
fi
scn=scenarios/metal/shared-edu.uks
args=$("$uksim" export-metal --qemu-args "$scn")
[ "$args" = "-smp 2 -device edu,addr=4 -device edu,addr=8" ] ||
	fail "$scn: --qemu-args gave '$args'"
img="$tmp/image"
if ! make -s -C "$src/metal/x86_64" O="$img" WERROR=1 -j2 "$img/user/hello.bin" >"$tmp/make.log" 2>&1; then
	fail "the ring-3 image does not build:"
	cat "$tmp/make.log"
else
	for sym in rt_prog_edu_driver rt_prog_irq_driver sim_prog_has sim_prog_device_map rt_progargs_load; do
		nm "$img/user/hello.elf" | grep -q " T $sym\$" || fail "the ring-3 image lacks $sym"
	done
	for f in progargs_read programs_edu programs_irq; do
		[ -f "$img/user/rt/$f.o" ] || fail "sim/src/runtime/$f.c was not built into the ring-3 image"
	done
fi
if [ "$fails" -eq 0 ]; then
	echo "ok: $(ls "$src"/tests/metal/unsupported/*.uks | wc -l) unsupported scenarios refused at their positions; shared-edu exported; the ring-3 image holds the runtime's programs"
	exit 0
fi
exit 1
