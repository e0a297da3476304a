#!/bin/sh
# SPDX-License-Identifier: MIT
# --set on run, check, explore and replay, and uksim compare: rows, JSON,
# exit codes, errors with --set:LINE:COL and did-you-mean, --runs.
# Usage: test_compare_cli.sh UKSIM SCENARIO_DIR
set -u
UKSIM=$1
SCN=$2
FLAG=$SCN/irq/flagship-shared-level.uks
RESET=$SCN/irq/flagship-reset-window.uks
PCI=$SCN/ipc/pci-server-pi.uks
. "$(dirname "$0")/cli_lib.sh"

py() { # DESCRIPTION -- python code reading sys.argv[1:] ...
	what=$1; shift 2
	if python3 -c "$@"; then echo "ok: $what"; else
		echo "FAIL: $what"; fails=$((fails + 1)); fi
}

# ---- --set changes a run ----
expect 0 "run --set cpus=1" -- "$UKSIM" run "$PCI" --json --set cpus=1
cp "$tmp/out" "$tmp/cpus1.json"
expect 0 "run --set cpus=2" -- "$UKSIM" run "$PCI" --json --set cpus=2
cp "$tmp/out" "$tmp/cpus2.json"
py "cpus=1 and cpus=2 differ in IPIs" -- '
import json, sys
a, b = (json.load(open(f))["stats"] for f in sys.argv[1:])
assert a["ipis"] == 0 and b["ipis"] > 0, (a["ipis"], b["ipis"])
' "$tmp/cpus1.json" "$tmp/cpus2.json"

expect 0 "flagship as written" -- "$UKSIM" run "$FLAG" --json
cp "$tmp/out" "$tmp/managarm.json"
"$UKSIM" run "$FLAG" --json --set irq-model=sel4 >"$tmp/sel4.json" 2>/dev/null
py "irq-model=sel4 changes the statistics" -- '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
assert a["stats"] != b["stats"], "same stats"
assert a["trace_hash"] != b["trace_hash"]
' "$tmp/managarm.json" "$tmp/sel4.json"
expect 0 "the human report names the settings" -- "$UKSIM" run "$FLAG" --set irq-model=linux
contains out "settings: --set irq-model=linux" "settings line"

# ---- bad keys and values: exit 2, --set:LINE:COL, did you mean ----
expect 2 "run: unknown key" -- "$UKSIM" run "$FLAG" --set cpus=2 --set irq-modle=sel4
contains err "^--set:2:1: error: unknown machine statement 'irq-modle'" "error at --set:2:1"
contains err "did you mean 'irq-model'" "key suggestion"
contains err "expected one of: cpus, memory" "the valid keys listed"
expect 2 "run: bad value" -- "$UKSIM" run "$FLAG" --set irq-model=sel5
contains err "^--set:1:11: error: unknown IRQ model 'sel5'" "error at the value's column"
contains err "did you mean 'sel4'" "value suggestion"
contains err "managarm, sel4, linux, zircon" "the valid values listed"
expect 2 "run: no '='" -- "$UKSIM" run "$FLAG" --set cpus
expect 2 "run: two statements in one --set" -- "$UKSIM" run "$FLAG" --set "cpus=2; memory=1MiB"
expect 2 "run: setting the file cannot take" -- "$UKSIM" run "$FLAG" --set cpus=1
contains err "CPU 1 does not exist" "validated with the setting"
expect 2 "check: bad value" -- "$UKSIM" check "$FLAG" --set timeslice=5
contains err "^--set:1:11:" "check names --set"
expect 2 "explore: bad key" -- "$UKSIM" explore "$FLAG" --runs 1 -q --set cpuss=2
contains err "did you mean 'cpus'" "explore suggestion"
expect 2 "explore demo:race takes no --set" -- "$UKSIM" explore demo:race --runs 1 -q --set cpus=2

# ---- check --set: the hash follows the settings ----
"$UKSIM" check --json "$FLAG" >"$tmp/h0"
"$UKSIM" check --json "$FLAG" --set irq-model=linux >"$tmp/h1"
"$UKSIM" check --json "$FLAG" --set irq-model=linux >"$tmp/h2"
py "settings change the scenario hash, the same settings do not" -- '
import json, sys
h = [json.load(open(f))["hash"] for f in sys.argv[1:]]
assert h[0] != h[1] and h[1] == h[2], h
' "$tmp/h0" "$tmp/h1" "$tmp/h2"

# ---- explore and replay with --set ----
expect 0 "explore --set finds the reset window bug" -- "$UKSIM" explore "$RESET" --runs 200 -j 2 -q --no-shrink --set irq-model=managarm --set timeslice=1ms
contains out "replay: [^ ]*uksim replay .* --set irq-model=managarm --set timeslice=1ms --token" "replay line carries --set"
token=$(sed -n 's/.*--token \([^ ]*\)$/\1/p' "$tmp/out" | head -1)
expect 0 "replay with the same --set" -- "$UKSIM" replay "$RESET" --set irq-model=managarm --set timeslice=1ms --token "$token" -q
contains out "violation nobody-cared" "the violation again"
expect 2 "replay without the --set is refused" -- "$UKSIM" replay "$RESET" --token "$token" -q
expect 2 "replay with other settings is refused" -- "$UKSIM" replay "$RESET" --set irq-model=linux --set timeslice=1ms --token "$token" -q

# ---- compare ----
expect 2 "compare: no file" -- "$UKSIM" compare --vary cpus=1,2
expect 2 "compare: --vary without values" -- "$UKSIM" compare "$FLAG" --vary cpus
expect 2 "compare: --vary twice the same key" -- "$UKSIM" compare "$FLAG" --vary cpus=2 --vary cpus=3
expect 2 "compare: unknown key" -- "$UKSIM" compare "$FLAG" --vary irq-modle=sel4,linux
contains err "^--set:1:1: error: unknown machine statement 'irq-modle'" "compare error position"
contains err "did you mean 'irq-model'" "compare key suggestion"
expect 2 "compare: unknown value" -- "$UKSIM" compare "$FLAG" --vary irq-model=linux,zirkon
contains err "did you mean 'zircon'" "compare value suggestion"
contains err "design 'irq-model=zirkon'" "compare names the design"

"$UKSIM" compare "$FLAG" --vary irq-model=managarm,sel4,linux,zircon >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; then echo "ok: compare of four IRQ models exits $rc"; else
	echo "FAIL: compare of four IRQ models exits $rc"; cat "$tmp/out" "$tmp/err"; fails=$((fails + 1)); fi
n=$(grep -c '^irq-model=' "$tmp/out")
if [ "$n" -eq 4 ]; then echo "ok: four rows"; else
	echo "FAIL: $n rows for 4 values"; cat "$tmp/out"; fails=$((fails + 1)); fi
grep -q '^irq-model=managarm  *pass ' "$tmp/out" && echo "ok: managarm passes" ||
	{ echo "FAIL: managarm row"; cat "$tmp/out"; fails=$((fails + 1)); }
contains out "irq p50" "latency columns"

expect 0 "compare 2x2" -- "$UKSIM" compare "$PCI" --vary cpus=1,2 --vary transfer=physmap,window
n=$(grep -c '^cpus=[12] transfer=' "$tmp/out")
if [ "$n" -eq 4 ]; then echo "ok: four rows for 2x2"; else
	echo "FAIL: $n rows for 2x2"; cat "$tmp/out"; fails=$((fails + 1)); fi
# The first --vary varies slowest.
sed -n 's/^\(cpus=[12] transfer=[a-z]*\).*/\1/p' "$tmp/out" >"$tmp/order"
printf 'cpus=1 transfer=physmap\ncpus=1 transfer=window\ncpus=2 transfer=physmap\ncpus=2 transfer=window\n' >"$tmp/want"
if cmp -s "$tmp/order" "$tmp/want"; then echo "ok: cartesian order"; else
	echo "FAIL: order"; cat "$tmp/order"; fails=$((fails + 1)); fi

expect 0 "compare --json, two files" -- "$UKSIM" compare "$PCI" "$FLAG" --vary cpus=2,3 --set irq-model=linux --json
py "JSON: one object, a row per file x design" -- '
import json, sys
d = json.load(open(sys.argv[1]))
rows = d["rows"]
assert d["exit"] == 0 and len(rows) == 4, d
assert [r["design"] for r in rows] == ["cpus=2", "cpus=3"] * 2
assert rows[0]["file"].endswith("pci-server-pi.uks") and rows[2]["file"].endswith("flagship-shared-level.uks")
for r in rows:
    assert r["verdict"] == "pass" and r["exit"] == 0, r
    assert r["sets"][0] == "irq-model=linux", r["sets"]
    for k in ("episodes", "nobody_cared", "kernel_entries", "ipis", "tlb_invalidations", "host_ms"):
        assert isinstance(r[k], (int, float)), k
    assert r["explore"] is None
f = rows[2]["irq_latency_ns"]
assert f["served"] >= 10 and 0 < f["p50"] <= f["p99"] <= f["max"], f
assert rows[0]["irq_latency_ns"]["p50"] is None
assert rows[2]["settings"] == {"cpus": "2"}
' "$tmp/out"

expect 1 "compare --runs on the reset window" -- "$UKSIM" compare "$RESET" --vary irq-model=managarm,linux --runs 200 -j 2 --json
cp "$tmp/out" "$tmp/runs.json"
py "--runs reports violations with a replay line" -- '
import json, sys
d = json.load(open(sys.argv[1]))
m, l = d["rows"]
e = m["explore"]
assert e["schedules"] == 200 and e["violations"] > 0, e
assert e["first"]["id"] == "nobody-cared" and e["verdict"] == "expected violation found", e
assert "--set irq-model=managarm --token uk2-" in e["first"]["replay"], e
assert l["explore"]["violations"] == 0 and l["explore"]["exit"] == 1, l
open(sys.argv[2], "w").write(e["first"]["replay"])
' "$tmp/runs.json" "$tmp/replay"
# The replay command printed is the one to type.
set -- $(cat "$tmp/replay")
shift
expect 0 "compare's replay command replays" -- "$UKSIM" "$@" -q
contains out "violation nobody-cared" "the violation compare found"

expect 1 "compare --runs, human table" -- "$UKSIM" compare "$RESET" --vary irq-model=managarm,linux --runs 100 -j 1
contains out "schedules violations" "exploration columns"
contains out "irq-model=managarm: nobody-cared in schedule" "first violation line"
contains out "irq-model=linux: expected violation NOT found in 100 schedules" "explorer verdict line"

# A design the machine refuses: an error row, exit 2, nothing explored.
printf 'machine { cpus 2 }\ndevice d { kind scripted; irq msi 3 }\nprocess p { thread t program irq-driver(device = d); caps irq(d), mmio(d) }\ntimeline { at 10us assert d }\n' >"$tmp/msi.uks"
expect 2 "compare: the machine refuses every design" -- "$UKSIM" compare "$tmp/msi.uks" --vary cpus=1,2 --runs 10 --json
py "error rows, not explored" -- '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["exit"] == 2 and [r["verdict"] for r in d["rows"]] == ["error", "error"], d
assert all(r["explore"] is None for r in d["rows"])
' "$tmp/out"
n=$(grep -c "MSI needs a PCI device" "$tmp/err")
if [ "$n" -eq 2 ]; then echo "ok: one message per design"; else
	echo "FAIL: $n messages for 2 designs"; cat "$tmp/err"; fails=$((fails + 1)); fi

# --runs is deterministic whatever -j.
"$UKSIM" compare "$RESET" --vary cpus=2,3 --runs 100 -j 1 --json >"$tmp/j1"
"$UKSIM" compare "$RESET" --vary cpus=2,3 --runs 100 -j 2 --json >"$tmp/j2"
py "-j does not change what --runs finds" -- '
import json, sys
a, b = ([r["explore"] for r in json.load(open(f))["rows"]] for f in sys.argv[1:])
assert a == b, (a, b)
' "$tmp/j1" "$tmp/j2"

# The flagship and its native form under each model (scenarios/models/):
# one row each, labelled by scenario, no violation in 2,000 random
# schedules (issue 13 asks 10,000 of five: docs/irq.md says so).
expect 0 "the flagship across models" -- "$UKSIM" compare "$FLAG" \
	"$SCN/models/linux/flagship.uks" \
	"$SCN/models/sel4/flagship.uks" \
	"$SCN/models/zircon/flagship.uks" --runs 2000 --json
py "four rows, no violation" -- '
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
names = [r["scenario"] for r in rows]
assert names == ["flagship-shared-level", "flagship-linux", "flagship-sel4", "flagship-zircon"], names
for r in rows:
    assert r["verdict"] == "pass", r
    assert r["explore"]["schedules"] == 2000 and r["explore"]["violations"] == 0, r
' "$tmp/out"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
