#!/bin/sh
# SPDX-License-Identifier: MIT
# uksim run: exit codes, human and JSON output, --load; replay tokens of
# scenarios that load a shared object.
# Usage: test_run_cli.sh UKSIM SCENARIO_DIR MYDRIVER_SO MYDRIVER_REBUILT_SO
set -u
UKSIM=$1
SCN=$2
SO=$3
SO2=$4
. "$(dirname "$0")/cli_lib.sh"

expect 2 "no file" -- "$UKSIM" run
expect 2 "two files" -- "$UKSIM" run a.uks b.uks
expect 2 "missing file" -- "$UKSIM" run "$tmp/nope.uks"
printf 'device d { kind scripted }\nprocess p { thread t program irq-drivr(device = d) }\n' >"$tmp/bad.uks"
expect 2 "bad scenario" -- "$UKSIM" run "$tmp/bad.uks"
contains err "bad.uks:2:" "the error names file:line"
contains err "did you mean 'irq-driver'" "with a suggestion"

# Capabilities a program declares it needs (issue 15): `uksim check` and
# `run` refuse a thread whose process lacks one, at the program, naming the
# program, the capability and the argument, with exit 2 -- not a run that
# shows a misleading nobody-cared.
printf 'device d0 { kind scripted; irq ioapic 4 level high }\nprocess p { thread t program irq-driver(device = d0) }\ntimeline { at 10us assert d0 }\n' >"$tmp/noirq.uks"
expect 2 "check: a driver without irq(D)" -- "$UKSIM" check "$tmp/noirq.uks"
contains err "noirq.uks:2:30: error: program 'irq-driver' needs caps irq(d0): process 'p' does not hold it (argument device = d0)" "names program, cap and argument"
expect 2 "run: the same, before running" -- "$UKSIM" run "$tmp/noirq.uks"
contains err "needs caps irq(d0)" "run says the same"
printf 'device d0 { kind scripted; irq ioapic 4 level high }\nprocess p { thread t program irq-driver(device = d0); caps irq(d0) }\n' >"$tmp/nommio.uks"
expect 2 "check: a driver without its device memory" -- "$UKSIM" check "$tmp/nommio.uks"
contains err "nommio.uks:2:30: error: program 'irq-driver' needs caps mmio(d0) or pci(d0): process 'p' does not hold it (argument device = d0)" "names the device memory cap"
printf 'device d0 { kind scripted; irq ioapic 4 level high; pci 0:4.0 }\nprocess p { thread t program irq-driver(device = d0); caps irq(d0), pci(d0) }\n' >"$tmp/pci.uks"
expect 0 "check: pci(D) grants the device memory" -- "$UKSIM" check "$tmp/pci.uks"
printf 'endpoint e\nprocess c { thread t program vfs-client(server = e); caps endpoint(e, receive) }\nprocess s { thread t program fs-server(endpoint = e); caps endpoint(e) }\n' >"$tmp/nosend.uks"
expect 2 "check: a client without the send right" -- "$UKSIM" check "$tmp/nosend.uks"
contains err "nosend.uks:2:30: error: program 'vfs-client' needs caps endpoint(e, send): process 'c' does not hold it (argument server = e)" "names the endpoint right"
printf 'device d0 { kind scripted }\nprocess p { thread t program nopreempt-driver(device = d0, budget = 5us, work = 1us); caps mmio(d0) }\n' >"$tmp/nonp.uks"
expect 2 "check: no nopreempt(T)" -- "$UKSIM" check "$tmp/nonp.uks"
contains err "nonp.uks:2:30: error: program 'nopreempt-driver' needs caps nopreempt(...): process 'p' does not hold it" "names nopreempt"
printf 'load "%s"\ndevice d0 { kind scripted; irq ioapic 4 level high }\nprocess p { thread t program my-driver(device = d0); caps irq(d0) }\n' "$SO" >"$tmp/plugin.uks"
expect 2 "check: a loaded program's own declaration" -- "$UKSIM" check "$tmp/plugin.uks"
contains err "plugin.uks:3:30: error: program 'my-driver' needs caps mmio(d0) or pci(d0): process 'p' does not hold it (argument device = d0)" "a plug-in's needs"

expect 0 "flagship passes" -- "$UKSIM" run "$SCN/irq/flagship-shared-level.uks"
contains out "result: pass" "human result line"
contains out "flagship-shared-level.uks:47:3  count nobody-cared == 0" "one line per expectation with its position"
contains out "stats:" "statistics"

expect 0 "flagship --json --seed 7 --window 500" -- "$UKSIM" run "$SCN/irq/flagship-shared-level.uks" --json --seed 7 --window 500
python3 - "$tmp/out" <<'PY' || fails=$((fails + 1))
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("scenario", "result", "expectations", "violations", "seed", "stats"):
    assert k in d, k
assert d["result"] == "pass" and d["seed"] == 7, d
assert all(e["met"] for e in d["expectations"]) and "text" in d["expectations"][0]
print("ok: JSON object")
PY

expect 0 "flagship in virtual-time order" -- "$UKSIM" run "$SCN/irq/flagship-shared-level.uks" --chooser time
expect 2 "an unknown chooser" -- "$UKSIM" run "$SCN/irq/flagship-shared-level.uks" --chooser pct
"$UKSIM" run "$SCN/irq/flagship-shared-level.uks" --json --seed 3 >"$tmp/a"
"$UKSIM" run "$SCN/irq/flagship-shared-level.uks" --json --seed 3 >"$tmp/b"
if cmp -s "$tmp/a" "$tmp/b"; then echo "ok: a seed replays to the same report"; else
	echo "FAIL: seed 3 twice differs"; fails=$((fails + 1)); fi

cat >"$tmp/fail.uks" <<'UKS'
include "SCN/common/two-cpu.uksi"
device d { kind scripted; irq ioapic 3 level high; status write-1-to-clear }
process p { thread t program irq-driver(device = d, mistake = nak-all) prio 100; caps irq(d), mmio(d) }
timeline { at 10us assert d }
expect { count nobody-cared == 0
  end-by 1ms }
UKS
sed -i "s|SCN|$SCN|" "$tmp/fail.uks"
expect 1 "a failed expectation" -- "$UKSIM" run "$tmp/fail.uks"
contains out "✗\|^  NO " "the failed line is marked (✗, or NO outside a UTF-8 locale)"
contains out "went wrong at" "when and where it went wrong"
expect 1 "a failed expectation (--json)" -- "$UKSIM" run "$tmp/fail.uks" --json
python3 - "$tmp/out" <<'PY' || fails=$((fails + 1))
import json, sys
d = json.load(open(sys.argv[1]))
assert d["result"] == "fail"
v = d["violations"][0]
assert v["id"] == "nobody-cared" and v["time_ns"] > 10000 and "cpu" in v and v["message"], v
print("ok: JSON violations")
PY

cat >"$tmp/mine.uks" <<'UKS'
device d0 { kind scripted; irq ioapic 6 level high; status write-1-to-clear }
process p { thread t program my-driver(device = d0, count = 1); caps irq(d0), mmio(d0) }
timeline { at 10us assert d0 }
expect { count acks(d0) == 1 }
UKS
expect 2 "a program nobody has" -- "$UKSIM" run "$tmp/mine.uks"
expect 0 "--load runs a researcher's driver" -- "$UKSIM" run "$tmp/mine.uks" --load "$SO"
expect 2 "--load of a missing object" -- "$UKSIM" run "$tmp/mine.uks" --load "$tmp/nope.so"
contains err "no such file" "says what is missing"
printf 'load "%s"\n' "$SO" | cat - "$tmp/mine.uks" >"$tmp/mine2.uks"
expect 0 "a scenario's load line" -- "$UKSIM" run "$tmp/mine2.uks"

# A replay token binds the scenario's shared object by content (issue 12):
# rebuilt, the token is refused (exit 2) and the object named.
cp "$SO" "$tmp/x.so"
printf 'load "%s"\n' "$tmp/x.so" | cat - "$tmp/mine.uks" |
	sed 's/count acks(d0) == 1/count acks(d0) == 2/' >"$tmp/tok.uks"
expect 1 "explore a scenario that loads an object" -- "$UKSIM" explore "$tmp/tok.uks" --runs 3 -j 1 --no-shrink --json
tok=$(python3 -c 'import json,sys
print([d for d in map(json.loads, open(sys.argv[1])) if d["type"] == "violation"][0]["token"])' "$tmp/out")
short=$(sha256sum "$tmp/x.so" | cut -c1-8)
case "$tok" in
*".$short-"*) echo "ok: the token carries the object's hash" ;;
*) echo "FAIL: token $tok lacks .$short-"; fails=$((fails + 1)) ;;
esac
expect 1 "replay with the same object" -- "$UKSIM" replay "$tmp/tok.uks" --token "$tok" -q
contains out "violation expect" "the replay shows the violation"
flipped=$(echo "$tok" | sed 's/^\(uk2-[0-9a-f]*-[0-9a-f]*-\)c/\1N/; s/^\(uk2-[0-9a-f]*-[0-9a-f]*-\)n/\1c/; s/^\(uk2-[0-9a-f]*-[0-9a-f]*-\)N/\1n/')
expect 2 "replay with the other checking flag" -- "$UKSIM" replay "$tmp/tok.uks" --token "$flipped" -q
contains err "invariant checks" "says the checks differ"
cp "$SO2" "$tmp/x.so"
expect 2 "replay with the object rebuilt" -- "$UKSIM" replay "$tmp/tok.uks" --token "$tok" -q
contains err "shared object $tmp/x.so (token $short, now $(sha256sum "$tmp/x.so" | cut -c1-8)) differs" \
	"names the rebuilt object and both hashes"

# A machine with more MSI sources than the default 32 gets them.
cat >"$tmp/msi.uks" <<'UKS'
machine { cpus 1; controller msi sources 64 }
device d { kind scripted; irq msi 40; status write-1-to-clear; pci 0:4.0 }
process drv { thread main program irq-driver(device = d, count = 2) prio 100; caps irq(d), mmio(d) }
timeline { at 10us assert d; at 60us assert d }
expect { count handled(d) == 2 }
UKS
expect 0 "MSI source 40 of 64" -- "$UKSIM" run "$tmp/msi.uks"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
