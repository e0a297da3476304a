#!/usr/bin/env bash
# metal-sim-vs-metal: scripts/sim-vs-metal.sh runs scenarios/metal/shared-edu.uks
# on the simulator and, compiled into the image, on QEMU (TCG, -icount), and
# prints one table. Both sides must pass: 0 nobody-cared, 0 unserved, no
# status bit left, and on metal both CPUs handled episodes, each thread
# running the runtime's own edu-driver in ring 3. And
# tests/metal/msi-overlap.uks fails on both sides with a nobody-cared. The
# IRQ log: the image prints its records after the counts, before the verdict
# (an `irq-log:` header, the kinds' counts, at most 200 records in
# uk_irq_event_format's words, the same words as `uksim run --irq-log`), and
# the table has a row per record kind whose begin records are each side's
# episodes. Also:
# qemu-run.sh refuses a scenario outside the metal subset with exit 2 and
# its file:line:col before building anything.
# Skips (77) without qemu-system-x86_64, unless UKERN_METAL_DEPS=1 (CI
# installs QEMU, so there a missing QEMU is a failure).
# Usage: sim-vs-metal-test.sh UKSIM SRCDIR BUILDDIR
set -u
uksim=$1 src=$2 out=$3
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	if [ "${UKERN_METAL_DEPS:-0}" = 1 ]; then
		echo "FAIL: UKERN_METAL_DEPS=1 but qemu-system-x86_64 is not installed"
		exit 1
	fi
	echo "SKIP: qemu-system-x86_64 is not installed (UKERN_METAL_DEPS=1 bash scripts/install-deps.sh installs qemu-system-x86; CI does)"
	exit 77
fi
mkdir -p "$out"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
cd "$src" || exit 1

# A scenario the image cannot run: exit 2 at its position, no QEMU run.
bad=tests/metal/unsupported/action-assert.uks
UKSIM=$uksim UKERN_METAL_BUILD="$out/image" bash scripts/qemu-run.sh "$bad" >"$out/bad.log" 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "qemu-run.sh $bad exited $rc, expected 2"
grep -q "^$bad:9:3: error: not supported on metal: timeline action assert" "$out/bad.log" ||
	fail "qemu-run.sh $bad did not name $bad:9:3: $(head -1 "$out/bad.log")"
grep -q "SeaBIOS\|ukern metal" "$out/bad.log" && fail "qemu-run.sh booted QEMU for a refused scenario"

UKSIM=$uksim UKERN_METAL_BUILD="$out/image" bash scripts/sim-vs-metal.sh --keep "$out/logs" \
	scenarios/metal/shared-edu.uks >"$out/table.txt" 2>&1
rc=$?
sed 's/^/  | /' "$out/table.txt"
tr -d '\033' <"$out/logs/metal.log" | grep -a -E '^(metal: (edu|scenario|drv)|scenario|  [✓✗~]|result|stats|  (irq|edu|cpu|kinds)|ipc|irq-log|verdict)' |
	sed 's/^/  metal | /'
[ "$rc" -eq 0 ] || fail "sim-vs-metal.sh exited $rc, expected 0"
row() { grep -E "^  $1 " "$out/table.txt"; }
row verdict | grep -q -E '^  verdict +pass +pass$' || fail "the verdicts are not pass, pass: $(row verdict)"
# The drivers on metal are the runtime's own edu-driver (sim/src/runtime/
# programs_edu.c built into the ring-3 image), not a copy.
for t in drv0.main drv1.main; do
	grep -a -q "^metal: $t runs edu-driver in ring 3 (the runtime's program" "$out/logs/metal.log" ||
		fail "metal does not say $t runs the runtime's edu-driver"
done
row nobody-cared | grep -q -E ' 0 +0$' || fail "nobody-cared is not 0 on both: $(row nobody-cared)"
row 'unserved raises' | grep -q -E ' 0 +0$' || fail "unserved is not 0 on both: $(row 'unserved raises')"
row 'status left set' | grep -q -E ' 0 +0$' || fail "a status bit was left: $(row 'status left set')"
row 'episodes handled per CPU' | grep -q -E 'cpu0 [1-9][0-9]*, cpu1 [1-9][0-9]*$' ||
	fail "a CPU handled no episode on metal: $(row 'episodes handled per CPU')"
row 'kernel entries' | grep -q -E ' [1-9][0-9]* +[1-9][0-9]*$' ||
	fail "no kernel entries counted: $(row 'kernel entries')"
grep -a -q "invariant violations" "$out/logs/metal.log" && ! grep -a -q ", 0 invariant violations" "$out/logs/metal.log" &&
	fail "the checking build's invariants failed on metal"

# The IRQ log on metal, and its rows in the table.
python3 - "$out/logs/metal.log" "$out/logs/sim.json" >"$out/irqlog.txt" <<'PY'
import json, re, sys
log = open(sys.argv[1], "rb").read().decode("utf-8", "replace").replace("\x1b", "").splitlines()
sim = json.load(open(sys.argv[2]))
bad = []
try:
    h = next(i for i, l in enumerate(log) if l.startswith("irq-log: "))
    v = next(i for i, l in enumerate(log) if l.startswith("verdict: "))
    r = next(i for i, l in enumerate(log) if l.startswith("result: "))
except StopIteration:
    print("no irq-log header, result or verdict line")
    sys.exit(0)
m = re.match(r"irq-log: (\d+) records, 0 lost \(the log holds \d+\), the first (\d+) printed "
             r"\(at most 200\), (\d+) not printed$", log[h])
if not (r < h < v) or not m:
    bad.append("header %r at %d, result at %d, verdict at %d" % (log[h], h, r, v))
else:
    total, shown, rest = map(int, m.groups())
    records = log[h + 2:v]
    if shown != min(total, 200) or rest != total - shown or len(records) != shown:
        bad.append("%d records, %d printed, %d lines" % (total, shown, len(records)))
    shape = lambda t: re.sub(r"\d+", "N", t)
    sim_shapes = {shape(x["text"]) for x in sim["irq_log"]}
    for l in records:
        if not re.match(r"  \d+ ns cpu \d+ [a-z-]+: ", l):
            bad.append("not a record: %r" % l)
        elif shape(l[2:]) not in sim_shapes:
            bad.append("metal words uksim run --irq-log does not use: %r" % l)
    kinds = log[h + 1]
    if not kinds.startswith("  kinds: raise ") or "attach 2" not in kinds:
        bad.append("kinds line %r" % kinds)
print("irq-log ok" if not bad else "; ".join(bad[:5]))
PY
grep -q "^irq-log ok$" "$out/irqlog.txt" || fail "the metal IRQ log: $(cat "$out/irqlog.txt")"
episodes=$(grep -E '^  episodes +[0-9]' "$out/table.txt" | awk '{print $2, $3}')
row 'IRQ log: begin records' | grep -q -E "^  IRQ log: begin records +${episodes% *} +${episodes#* }$" ||
	fail "begin records are not the episodes ($episodes): $(row 'IRQ log: begin records')"
for k in raise seq ack end mask eoi; do
	row "IRQ log: $k records" | grep -q -E ' [1-9][0-9]* +[1-9][0-9]*$' ||
		fail "no $k records on one side: $(row "IRQ log: $k records")"
done

# A run that must fail on both sides, the same way: overlapping raises on an
# MSI edu give a nobody-cared (tests/metal/msi-overlap.uks).
UKSIM=$uksim UKERN_METAL_BUILD="$out/image" bash scripts/sim-vs-metal.sh --keep "$out/logs-msi" \
	tests/metal/msi-overlap.uks >"$out/table-msi.txt" 2>&1
rc=$?
sed 's/^/  | /' "$out/table-msi.txt"
[ "$rc" -eq 1 ] || fail "sim-vs-metal.sh on msi-overlap exited $rc, expected 1 (an expectation failed)"
grep -q -E '^  verdict +fail +fail$' "$out/table-msi.txt" ||
	fail "msi-overlap: the verdicts are not fail, fail: $(grep -E '^  verdict ' "$out/table-msi.txt")"
grep -q -E '^  nobody-cared +[1-9][0-9]* +[1-9][0-9]*$' "$out/table-msi.txt" ||
	fail "msi-overlap: no nobody-cared on both sides: $(grep -E '^  nobody-cared ' "$out/table-msi.txt")"
grep -q -E '^  IRQ log: nobody-cared records +[1-9][0-9]* +[1-9][0-9]*$' "$out/table-msi.txt" ||
	fail "msi-overlap: no nobody-cared record in the IRQ logs: $(grep -E 'IRQ log: nobody' "$out/table-msi.txt")"
grep -a -q -E '^  [0-9]+ ns cpu [0-9]+ nobody-cared: pin [0-9]+: nobody cared \(episode [0-9]+\)' "$out/logs-msi/metal.log" ||
	fail "msi-overlap: the metal run printed no nobody-cared record"

if [ "$fails" -eq 0 ]; then
	echo "ok: shared-edu passes on the simulator and on QEMU, msi-overlap fails on both with a nobody-cared"
	exit 0
fi
exit 1
