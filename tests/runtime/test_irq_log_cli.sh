#!/bin/sh
# SPDX-License-Identifier: MIT
# uksim run --irq-log (issue 16): the kernel's IRQ log records in words,
# after the expectations and before `result:`, in the JSON's irq_log array,
# or in a file; the kinds' counts agree with the run's own statistics, every
# kind seen has its records, the rest of the output is unchanged, the exit
# codes stay the verdict's, and a FILE that cannot be written is refused
# (exit 2) before anything runs.
# Usage: test_irq_log_cli.sh UKSIM SCENARIO_DIR TESTS_METAL_DIR
set -u
UKSIM=$1
SCN=$2/irq/kill-owing-driver.uks
FAILING=$3/msi-overlap.uks
. "$(dirname "$0")/cli_lib.sh"

# The human report with the records in it.
expect 0 "run --irq-log" -- "$UKSIM" run --irq-log "$SCN"
cp "$tmp/out" "$tmp/human"
contains human "^irq-log: [0-9]* records$" "the irq-log header"
contains human "^  kinds: raise " "the kinds line"
contains human "^  [0-9]* ns cpu [0-9-]* detach: sink [0-9]* detaches from pin [0-9]*, which counts as its NAK$" \
	"a detach of a sink that owed an answer, in words"
contains human "^  [0-9]* ns cpu [0-9-]* nobody-cared: pin [0-9]*: nobody cared (episode [0-9]*)$" \
	"the nobody-cared report, in words"
contains human "stalls for 100.000 ms, then retries" "the stall, in words"
# Between the last expectation and `result:`.
python3 - "$tmp/human" >"$tmp/order" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
head = lines.index(next(l for l in lines if l.startswith("irq-log: ")))
res = lines.index(next(l for l in lines if l.startswith("result: ")))
last_expect = max(i for i, l in enumerate(lines) if l.startswith("  \u2713") or l.startswith("  ok "))
print("order ok" if last_expect < head < res else "order wrong: %d %d %d" % (last_expect, head, res))
PY
contains order "order ok" "the records come after the expectations, before result:"

# Without the option the output is what it was: the same lines minus the log.
expect 0 "run without --irq-log" -- "$UKSIM" run "$SCN"
cp "$tmp/out" "$tmp/plain"
python3 - "$tmp/human" "$tmp/plain" >"$tmp/same" <<'PY'
import sys
h = open(sys.argv[1]).read().splitlines()
p = open(sys.argv[2]).read().splitlines()
a = h.index(next(l for l in h if l.startswith("irq-log: ")))
b = h.index(next(l for l in h if l.startswith("result: ")))
print("same" if h[:a] + h[b:] == p and not any(l.startswith("irq-log") for l in p) else "differs")
PY
contains same "^same$" "the rest of the report is unchanged, and no log without the option"

# JSON: the array, each kind's count against the run's statistics, and
# every kind of the kinds line has its records.
expect 0 "run --json --irq-log" -- "$UKSIM" run --json --irq-log "$SCN"
cp "$tmp/out" "$tmp/json"
python3 - "$tmp/json" "$tmp/human" >"$tmp/check" <<'PY'
import json, re, sys
j = json.load(open(sys.argv[1]))
log, st = j["irq_log"], j["stats"]
n = {}
for r in log:
    n[r["kind"]] = n.get(r["kind"], 0) + 1
    assert r["text"].startswith("%d ns cpu " % r["t"]), r
    assert (" %s: " % r["kind"]) in r["text"], r
bad = []
# stats.naks counts the drivers' own NAKs; the log also has the NAK of a
# sink detached while it owed an answer (its detach record's argument 1).
owed = sum(1 for r in log if r["kind"] == "detach" and r["arg"] == 1)
if owed != 1:
    bad.append("%d detaches that owed, not 1" % owed)
n["nak"] = n.get("nak", 0) - owed
for kind, stat in (("raise", "raised"), ("begin", "episodes"), ("ack", "acks"), ("nak", "naks"),
                   ("nobody-cared", "nobody_cared"), ("stall", "stalls"), ("ack-timeout", "timeouts")):
    if n.get(kind, 0) != st[stat]:
        bad.append("%s %d != stats.%s %d" % (kind, n.get(kind, 0), stat, st[stat]))
if j.get("irq_log_complete") is not True:
    bad.append("irq_log_complete is not true")
human = open(sys.argv[2]).read().splitlines()
kinds = next(l for l in human if l.startswith("  kinds: "))[len("  kinds: "):]
counted = {k: int(v) for k, v in (x.rsplit(" ", 1) for x in kinds.split(", "))}
n["nak"] += owed
if counted != n:
    bad.append("kinds line %s != JSON %s" % (counted, n))
records = [l for l in human if re.match(r"  \d+ ns cpu ", l)]
if [l[2:] for l in records] != [r["text"] for r in log]:
    bad.append("the human records are not the JSON's texts")
for kind in ("raise", "begin", "seq", "ack", "nak", "end", "mask", "eoi", "stall",
             "nobody-cared", "attach", "detach"):
    if not n.get(kind):
        bad.append("no %s record" % kind)
print("counts ok" if not bad else "; ".join(bad))
PY
contains check "^counts ok$" "the JSON irq_log: kinds agree with the statistics and the human lines"
expect 0 "run --json without --irq-log" -- "$UKSIM" run --json "$SCN"
if grep -q '"irq_log"' "$tmp/out"; then echo "FAIL: irq_log without the option"; fails=$((fails + 1));
else echo "ok: no irq_log array unless asked"; fi

# --irq-log=FILE: the same lines in FILE, the output as without the option.
expect 0 "run --irq-log=FILE" -- "$UKSIM" run --irq-log="$tmp/log.txt" "$SCN"
if cmp -s "$tmp/out" "$tmp/plain"; then echo "ok: the output is unchanged with a FILE"; else
	echo "FAIL: the output changed with --irq-log=FILE"; fails=$((fails + 1)); fi
sed -n '/^irq-log: /,/^result: /p' "$tmp/human" | sed '$d' >"$tmp/want.txt"
if cmp -s "$tmp/log.txt" "$tmp/want.txt"; then echo "ok: FILE holds the same records"; else
	echo "FAIL: FILE differs from the inline records"; diff "$tmp/log.txt" "$tmp/want.txt" | head
	fails=$((fails + 1)); fi

# A failing scenario keeps its exit code, and its log shows why.
expect 1 "a failing run with --irq-log still exits 1" -- "$UKSIM" run --irq-log "$FAILING"
contains out "nobody-cared: pin [0-9]*: nobody cared" "the failing run's nobody-cared record"

# The records' flags come from the kernel's log (the trace has none): a
# driver that answers with a kick and a clear says so on its ACKs.
expect 0 "run --irq-log on reset-kick" -- "$UKSIM" run --irq-log "$(dirname "$SCN")/reset-kick.uks"
contains out "^  [0-9]* ns cpu [0-9-]* ack: sink [0-9]* ACKs sequence [0-9]* on pin [0-9]* (by kick|clear)$" \
	"an ACK's flags, from the kernel's log"

# A FILE that cannot be written: exit 2, named, and nothing run.
expect 2 "--irq-log=FILE in a missing folder" -- "$UKSIM" run --irq-log="$tmp/no/such/dir/log" "$SCN"
contains err "uksim run: --irq-log: cannot write $tmp/no/such/dir/log" "the bad FILE is named"
if [ -s "$tmp/out" ]; then echo "FAIL: a run happened"; fails=$((fails + 1)); else
	echo "ok: nothing ran"; fi
expect 2 "--irq-log= (empty)" -- "$UKSIM" run --irq-log= "$SCN"

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
