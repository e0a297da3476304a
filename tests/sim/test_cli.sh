#!/usr/bin/env bash
# Tests of the uksim command line: exit codes, usage on stderr, JSON output.
# Usage: test_cli.sh PATH/TO/uksim
set -u
UKSIM=$1
SCENARIOS=${2:-}
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect CODE DESCRIPTION -- COMMAND...: runs COMMAND, checks its exit code.
expect() {
	local code=$1 what=$2
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ "$rc" -ne "$code" ]; then
		echo "FAIL: $what: exit $rc, expected $code"
		sed 's/^/  stderr: /' "$tmp/err" | head -5
		fails=$((fails + 1))
		return 1
	fi
	echo "ok: $what"
}

# contains FILE PATTERN DESCRIPTION
contains() {
	if ! grep -q -- "$2" "$tmp/$1"; then
		echo "FAIL: $3: $1 lacks '$2'"
		fails=$((fails + 1))
	fi
}

expect 2 "no command" -- "$UKSIM"
contains err "Usage: uksim COMMAND" "usage on stderr without a command"

expect 2 "unknown command" -- "$UKSIM" frobnicate
contains err "unknown command 'frobnicate'" "unknown command named"
contains err "Usage: uksim COMMAND" "usage on stderr for an unknown command"
[ -s "$tmp/out" ] && { echo "FAIL: unknown command wrote to stdout"; fails=$((fails + 1)); }

expect 2 "unknown option" -- "$UKSIM" bench --frobnicate
contains err "Unknown option --frobnicate" "unknown option named"
contains err "Usage:" "usage on stderr for an unknown option"

expect 2 "unknown benchmark" -- "$UKSIM" bench no_such_bench
contains err "unknown benchmark 'no_such_bench'" "unknown benchmark named"

expect 0 "--version" -- "$UKSIM" --version
contains out "^uksim [0-9]" "version printed"

expect 0 "help" -- "$UKSIM" help
contains out "explore" "help lists explore"
expect 0 "help bench" -- "$UKSIM" help bench
contains out "--json" "help bench shows --json"
expect 2 "help of an unknown command" -- "$UKSIM" help frobnicate

for cmd in; do
	expect 2 "$cmd not built yet" -- "$UKSIM" $cmd x.uks
	contains err "not built yet" "$cmd says it is not built"
done

# explore and replay, on the built-in lost-update race.
expect 0 "explore demo:race (random)" -- "$UKSIM" explore demo:race --runs 300 -j 2 --json \
	--trace "$tmp/race.json" --vcd "$tmp/race.vcd"
python3 - "$tmp/out" "$tmp/race.json" <<'PY' || { echo "FAIL: explore --json / --trace output"; fails=$((fails + 1)); }
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()]
v = [l for l in lines if l["type"] == "violation"]
s = [l for l in lines if l["type"] == "summary"]
assert len(v) == 1 and len(s) == 1, lines
assert v[0]["id"] == "lost-update" and v[0]["token"].startswith("uk2-"), v
assert s[0]["schedules"] == 300 and s[0]["verdict"] == "expected violation found", s
open(sys.argv[1] + ".token", "w").write(v[0]["shrunk_token"] + " " + v[0]["token"])
t = json.load(open(sys.argv[2]))
ev = t["traceEvents"]
assert any(e.get("ph") == "M" and e.get("name") == "thread_name" for e in ev)
assert any(e.get("ph") == "X" or e.get("ph") == "i" or e.get("ph") == "M" for e in ev)
PY
head -1 "$tmp/race.vcd" | grep -q '^\$date' || { echo "FAIL: VCD header"; fails=$((fails + 1)); }
grep -q '^\$enddefinitions \$end' "$tmp/race.vcd" || { echo "FAIL: VCD definitions"; fails=$((fails + 1)); }
read -r shrunk full < "$tmp/out.token"
expect 0 "replay the shrunk token" -- "$UKSIM" replay demo:race --token "$shrunk" --json
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["violation"]=="lost-update", o' "$tmp/out" ||
	{ echo "FAIL: replay shows the violation"; fails=$((fails + 1)); }
expect 0 "replay the full token twice, same trace" -- "$UKSIM" replay demo:race --token "$full" --json
cp "$tmp/out" "$tmp/replay1"
"$UKSIM" replay demo:race --token "$full" --json >"$tmp/replay2" 2>/dev/null
cmp -s "$tmp/replay1" "$tmp/replay2" || { echo "FAIL: replay is not exact"; fails=$((fails + 1)); }
expect 2 "replay a token of another scenario" -- "$UKSIM" replay demo:race --token uk2-0000000000000001-00000000-c-s
contains err "another version of this scenario" "token mismatch explained"
expect 2 "replay a uk1 token" -- "$UKSIM" replay demo:race --token uk1-0000000000000001-00000000-s
contains err "run the explorer again" "uk1 refusal says what to do"
# The build's invariant checks are in the token: the other setting is refused.
flipped=$(echo "$full" | sed 's/^\(uk2-[0-9a-f]*-[0-9a-f]*-\)c/\1N/; s/^\(uk2-[0-9a-f]*-[0-9a-f]*-\)n/\1c/; s/^\(uk2-[0-9a-f]*-[0-9a-f]*-\)N/\1n/')
expect 2 "replay a token of a build with the other checking flag" -- "$UKSIM" replay demo:race --token "$flipped"
contains err "invariant checks" "checking mismatch explained"
expect 2 "replay a malformed token" -- "$UKSIM" replay demo:race --token garbage
contains err "malformed replay token" "malformed token explained"
expect 0 "explore demo:race (pct)" -- "$UKSIM" explore demo:race --strategy pct --runs 2000 -q --no-shrink
expect 0 "explore demo:race (bounded)" -- "$UKSIM" explore demo:race --strategy bounded --preemptions 1 -q
contains out "expected violation found" "bounded finds the race"
expect 1 "explore demo:race with no window finds nothing" -- "$UKSIM" explore demo:race --strategy bounded --window 0 --preemptions 3 -q
contains out "space exhausted" "bounded says the space is exhausted"
expect 2 "explore an unknown target" -- "$UKSIM" explore demo:nothing
expect 2 "explore with a bad shard" -- "$UKSIM" explore demo:race --shard 3/2
expect 2 "explore with a bad strategy" -- "$UKSIM" explore demo:race --strategy guess

# Timelines of real runs: IRQ episodes, lines, run queues, IPC flows.
if [ -n "$SCENARIOS" ]; then
	expect 0 "explore the reset-window flagship with timelines" -- "$UKSIM" explore \
		"$SCENARIOS/irq/flagship-reset-window.uks" --strategy bounded --first -j 1 \
		--trace "$tmp/flag.json" --vcd "$tmp/flag.vcd"
	contains out "It takes 1 departure" "the story of the shrunk schedule"
	expect 0 "explore the VFS scenario with a timeline" -- "$UKSIM" explore \
		"$SCENARIOS/ipc/vfs-open.uks" --runs 1 -q --trace "$tmp/vfs.json"
	python3 - "$tmp/flag.json" "$tmp/vfs.json" "$tmp/flag.vcd" <<'PY' || { echo "FAIL: timelines"; fails=$((fails + 1)); }
import json, sys
flag = json.load(open(sys.argv[1]))["traceEvents"]
phases = {e["ph"] for e in flag}
assert {"M", "X", "b", "e", "C", "i"} <= phases, phases
assert any(e["name"].startswith("ready on CPU") for e in flag if e["ph"] == "C")
assert any(e["name"].endswith(" level") for e in flag if e["ph"] == "C")
vfs = json.load(open(sys.argv[2]))["traceEvents"]
s = sum(e["ph"] == "s" for e in vfs); f = sum(e["ph"] == "f" for e in vfs)
assert s > 0 and s == f, (s, f)
vcd = open(sys.argv[3]).read().split("$enddefinitions $end")
assert len(vcd) == 2 and "$var wire 1" in vcd[0] and ".in_service" in vcd[0] and ".seq" in vcd[0]
times = [int(l[1:]) for l in vcd[1].splitlines() if l.startswith("#")]
assert times == sorted(times) and len(times) > 2, times
PY
	# In virtual-time order alone the reset-window race cannot happen.
	expect 1 "an expected violation not found exits 1" -- "$UKSIM" explore \
		"$SCENARIOS/irq/flagship-reset-window.uks" --strategy bounded --preemptions 0 -q
	contains out "expected violation NOT found" "the verdict says it was not found"
	# Every violation the explorer finds in the library replays to its trace hash.
	for f in $(grep -rl "^[[:space:]]*violation\|expect violation" "$SCENARIOS" --include='*.uks'); do
		for strat in pct bounded; do
			expect 0 "$strat finds the violation of $(basename "$f")" -- "$UKSIM" explore "$f" \
				--strategy $strat --preemptions 3 --runs 10000 --first --no-shrink -j 2 --json
			read -r tok hash < <(python3 -c 'import json,sys
v=[json.loads(l) for l in open(sys.argv[1]) if "\"violation\"" in l and json.loads(l)["type"]=="violation"][0]
print(v["token"], v["trace_hash"])' "$tmp/out")
			expect 0 "replay of $(basename "$f") ($strat)" -- "$UKSIM" replay "$f" --token "$tok" --json
			python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["trace_hash"]==sys.argv[2], (o, sys.argv[2])' \
				"$tmp/out" "$hash" || { echo "FAIL: replay hash of $f"; fails=$((fails + 1)); }
		done
	done
	# Reused fiber stacks and simulated RAM must not leak from one run into
	# the next: every schedule runs twice, on warm and on cold workers.
	expect 0 "the flagship is deterministic on reused workers" -- "$UKSIM" explore \
		"$SCENARIOS/irq/flagship-shared-level.uks" --runs 200 -j 2 --check-determinism -q
	expect 0 "explore a directory and print the verdict table" -- "$UKSIM" explore "$SCENARIOS/xfer" --runs 20 -q
	contains out "^target " "verdict table"
fi

# Issue 15, defects 5-8: hostile file names, directories and sizes.
mkdir -p "$tmp/h/sub"
cat >"$tmp/h/one.uks" <<'UKS'
machine { cpus 1 }
process p {
  thread main program spinner prio 0
}
expect { end-by 1ms }
UKS
# Defect 5: symlink loops are walked once, not forever (main hung here).
ln -s . "$tmp/h/self"
ln -s .. "$tmp/h/sub/up"
expect 0 "check a directory with symlink loops" -- timeout 60 "$UKSIM" check "$tmp/h"
[ "$(grep -c 'one.uks: ok' "$tmp/out")" -eq 1 ] || { echo "FAIL: one.uks not checked exactly once"; fails=$((fails + 1)); }
contains err "a symlink loop" "the loop is named"
expect 0 "explore a directory with symlink loops" -- timeout 60 "$UKSIM" explore "$tmp/h" --runs 2 -j 1 -q
rm "$tmp/h/self" "$tmp/h/sub/up"
# Defect 7: a name that is not UTF-8 still gives valid UTF-8 JSON.
bad=$(printf "$tmp/h/bad\\377\\376name.uks")
cp "$tmp/h/one.uks" "$bad"
for cmd in check run; do
	expect 0 "$cmd --json on a non-UTF-8 file name" -- "$UKSIM" $cmd --json "$bad"
	python3 -c 'import json,sys; o=json.loads(open(sys.argv[1],"rb").read().decode("utf-8")); assert "\ufffd" in o["file"], o' "$tmp/out" ||
		{ echo "FAIL: $cmd --json output is not valid UTF-8 JSON"; fails=$((fails + 1)); }
done
expect 0 "explore --json --trace on a non-UTF-8 file name" -- "$UKSIM" explore --json "$bad" --runs 1 -j 1 --trace "$tmp/h.json"
python3 - "$tmp/out" "$tmp/h.json" <<'PY' || { echo "FAIL: explore --json / --trace not valid UTF-8 JSON"; fails=$((fails + 1)); }
import json, sys
for l in open(sys.argv[1], "rb").read().decode("utf-8").splitlines():
    json.loads(l)
json.loads(open(sys.argv[2], "rb").read().decode("utf-8"))
PY
rm "$bad"
# Defect 6: -j is bounded, and checked against memory before any worker starts.
sed 's/cpus 1/cpus 1 memory 64GiB/' "$tmp/h/one.uks" >"$tmp/h/big.uks"
expect 2 "explore -j 5000" -- "$UKSIM" explore "$tmp/h/one.uks" -j 5000 --runs 1 -q
contains err "-j 5000 cannot be met: .* allows -j [0-9]* at most" "-j says what it can meet"
# (A sanitizer build cannot start under ulimit -v: its shadow memory alone
# is larger. Then this check is skipped.)
if { (bash -c 'ulimit -v 4000000; exec "$0" --version' "$UKSIM") >/dev/null 2>&1; } 2>/dev/null; then
	expect 2 "explore 64 GiB workers under ulimit -v" -- bash -c 'ulimit -v 4000000; exec "$0" explore "$1" -j 2 --runs 1 -q' "$UKSIM" "$tmp/h/big.uks"
	contains err "not even one worker fits" "the address-space limit is named"
else
	echo "skip: uksim does not start under ulimit -v (a sanitizer build)"
fi
# Defect 8: a file past the size limit is reported at its LINE:COL.
{ echo "# big"; for i in $(seq 11000); do printf '#%099d\n' 0; done; } >"$tmp/h/huge.uks"
expect 2 "check a file past the size limit" -- "$UKSIM" check "$tmp/h/huge.uks"
contains err "huge.uks:10383:90: error: file is larger than" "the size error has LINE:COL"
rm -rf "$tmp/h"
# Defect 1: two server threads on one endpoint keep PI exact (main: the
# checking build's pi_check fired within a few hundred schedules, exit 3).
cat >"$tmp/pi2.uks" <<'UKS'
machine { cpus 2; priority-inheritance on; timeslice 100us }
endpoint pci { queue fifo }
process srv {
  thread a program pci-server(endpoint = pci, work = 40us) prio 20
  thread b program pci-server(endpoint = pci, work = 40us) prio 20
  caps endpoint(pci, receive)
}
process lodrv { thread main program pci-driver(server = pci, calls = 20, period = 30us) prio 100; caps endpoint(pci, send) }
process hidrv { thread main program pci-driver(server = pci, calls = 20, period = 30us) prio 130; caps endpoint(pci, send) }
expect { end-by 20ms }
UKS
expect 0 "two PCI servers on one endpoint, 1000 schedules, PI exact" -- "$UKSIM" explore "$tmp/pi2.uks" --runs 1000 -j 2 -q --no-shrink
sed 's/queue fifo/queue priority/; s/cpus 2/cpus 3/' "$tmp/pi2.uks" >"$tmp/pi3.uks"
expect 0 "the same with a priority queue on 3 CPUs" -- "$UKSIM" explore "$tmp/pi3.uks" --runs 500 -j 2 -q --no-shrink
# Defect 3: an ACK that lands at or just after the ACK deadline, before the
# timer is taken, comes after the timeout report (the deadline wins ties), in
# the kernel and in L5 alike. The flagship shared level line with 9 us of
# driver work against a 10 us timeout: correct drivers, no violation in
# 3,000 random schedules (main: L5 "ACK timeout passed without a report").
cat >"$tmp/late-ack.uks" <<'UKS'
machine { cpus 2; ack-timeout 10us }
device nic0 { kind scripted; irq ioapic 10 level high; status clear-on-read; pci 0:3.0 }
device disk0 { kind scripted; irq ioapic 10 level high; status write-1-to-clear; pci 0:4.0 }
process nicdrv {
  thread main program irq-driver(device = nic0, mistake = none, work = 9us) prio 100 cpu 0
  caps irq(nic0), pci(nic0)
}
process diskdrv {
  thread main program irq-driver(device = disk0, mistake = none, work = 9us) prio 100 cpu 1
  caps irq(disk0), pci(disk0)
}
timeline {
  at 10us assert nic0
  at 60us assert disk0
  at 110us assert nic0
  at 110us..130us assert disk0
  at 200us assert nic0
  at +1us assert disk0
  repeat 4 every 100us from 300us {
    assert nic0
  }
}
expect {
  invariants on
  no-deadlock
  end-by 10ms
}
UKS
expect 0 "a late ACK and the ACK timeout agree, 3000 schedules" -- "$UKSIM" explore "$tmp/late-ack.uks" --runs 3000 -j 2 -q --no-shrink

expect 0 "bench --list" -- "$UKSIM" bench --list
for b in fiber_switch event_queue pthread_handoff; do
	contains out "^$b " "bench --list shows $b"
done

expect 0 "bench --json decision_fast" -- "$UKSIM" bench --json decision_fast
if ! python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
o = json.loads(lines[0])
assert o["bench"] == "decision_fast" and o["unit"] == "ns" and o["value"] > 0, o
' "$tmp/out"; then
	echo "FAIL: bench --json output"
	fails=$((fails + 1))
fi

expect 0 "demo" -- "$UKSIM" demo
contains out "result       done" "demo finishes"
expect 0 "demo --json" -- "$UKSIM" demo --json --chooser random --seed 9
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["result"]=="done" and o["ok"]' "$tmp/out" ||
	{ echo "FAIL: demo --json"; fails=$((fails + 1)); }
cp "$tmp/out" "$tmp/first"
expect 0 "demo --json again" -- "$UKSIM" demo --json --chooser random --seed 9
cmp -s "$tmp/out" "$tmp/first" || { echo "FAIL: same seed, different output"; fails=$((fails + 1)); }

expect 1 "demo deadlock fails its expectation" -- "$UKSIM" demo --deadlock
contains out "waits on lock B" "deadlock names what the task waits on"
expect 2 "demo bad chooser" -- "$UKSIM" demo --chooser fastest
contains err "unknown chooser" "bad chooser named"
expect 2 "demo stray argument" -- "$UKSIM" demo extra

echo "$fails failed"
[ "$fails" -eq 0 ]
