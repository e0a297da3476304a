#!/bin/sh
# SPDX-License-Identifier: MIT
# scenarios/metal/shared-edu.uks, the bare-metal port's default run, on the
# simulator (issue 16): two edu devices on one level line, two edu-drivers
# on different CPUs, 1,000 raises. `uksim run` and `uksim explore` give a
# clean verdict with nothing lost, both CPUs' drivers end episodes, and a
# mutant of the scenario whose driver ACKs before it acknowledges its
# device (the level line raises again into an episode nobody claims) is
# caught by explore, as is a driver that never acknowledges its device.
# Usage: test_edu_cli.sh UKSIM SCENARIO_DIR
set -u
UKSIM=$1
SCN=$2/metal/shared-edu.uks
. "$(dirname "$0")/cli_lib.sh"

# mutant NAME SED-EXPRESSION: the scenario with one change, beside the
# original so its include still resolves.
mutant() {
	sed "$2" "$SCN" >"$tmp/$1.uks"
	sed -i "s|include \"../common/|include \"$(cd "$(dirname "$SCN")/../common" && pwd)/|" "$tmp/$1.uks"
	if cmp -s "$SCN" "$tmp/$1.uks"; then echo "FAIL: mutant $1 changed nothing"; fails=$((fails + 1)); fi
}

expect 0 "check" -- "$UKSIM" check "$SCN"
contains out "1000 timeline actions" "1,000 raises"

# One run: every expectation met, nothing lost.
expect 0 "run" -- "$UKSIM" run --trace="$tmp/trace.json" "$SCN"
contains out "count nobody-cared == 0  (saw 0)" "no episode went unclaimed"
contains out "count unserved == 0  (saw 0)" "every raise cleared by its driver"
contains out "count status-left == 0  (saw 0)" "no status bit left at the end"
contains out "result: pass" "run passes"
# Both CPUs' drivers (pinned: drv0 on CPU 0, drv1 on CPU 1) ended episodes.
python3 - "$tmp/trace.json" >"$tmp/cpus" <<'PY'
import json, re, sys
ev = json.load(open(sys.argv[1]))
ev = ev["traceEvents"] if isinstance(ev, dict) else ev
acks = {}
for e in ev:
    m = re.match(r"(drv\d)\.main ACKs", e.get("args", {}).get("what", ""))
    if e.get("name") == "irq.ack" and m:
        acks[m.group(1)] = acks.get(m.group(1), 0) + 1
print("episodes ended per driver:", sorted(acks.items()))
print("both" if acks.get("drv0", 0) > 0 and acks.get("drv1", 0) > 0 else "one")
PY
cat "$tmp/cpus"
contains cpus "^both" "both CPUs' drivers ended episodes"

# The explorer: random and PCT schedules, all clean.
expect 0 "explore random" -- "$UKSIM" explore -j 2 --runs 300 "$SCN"
contains out "verdict: no violation" "random schedules: no violation"
expect 0 "explore pct" -- "$UKSIM" explore -j 2 --strategy pct --runs 200 "$SCN"
contains out "verdict: no violation" "pct schedules: no violation"

# Mutant 1: one driver ACKs before it writes the acknowledge register.
mutant ack-first 's/edu-driver(device = edu0, work = 2us)/edu-driver(device = edu0, work = 2us, mistake = ack-before-clear)/'
expect 1 "explore catches ack-before-clear" -- "$UKSIM" explore -j 2 --runs 300 --first "$tmp/ack-first.uks"
contains out "verdict: VIOLATION" "ack-before-clear: a violation"
contains out "nobody-cared" "ack-before-clear: nobody cared"
contains out "replay:" "ack-before-clear: a replay command"

# Mutant 2: edu1 served by the scripted device's irq-driver, which reads
# STATUS at 0x00 (the edu's identification: never 0) and clears it by a
# write there (read-only): edu1's raises are never acknowledged.
mutant wrong-driver 's/edu-driver(device = edu1, work = 2us)/irq-driver(device = edu1, work = 2us)/'
# Nobody-cared stays 0 here (the edu0 driver's ACK ends every episode):
# only the expectations on lost raises catch it.
expect 1 "a driver that never acknowledges fails the run" -- "$UKSIM" run "$tmp/wrong-driver.uks"
contains out "count nobody-cared == 0  (saw 0)" "never acknowledged: nobody-cared misses it"
contains out "count unserved == 0  (saw 500)" "never acknowledged: edu1's 500 raises unserved"
contains out "count status-left == 0  (saw 1)" "never acknowledged: edu1's status left set"

# An edu on an MSI source: the runtime enables MSI in its capability, the
# driver's attach routes the source; raises 5 us apart each end handled.
cat >"$tmp/msi.uks" <<EOS
machine { cpus 2 }
device e0 { kind edu; irq msi 3; pci 0:4.0 }
process d { thread t program edu-driver(device = e0) cpu 1; caps irq(e0), pci(e0) }
timeline { repeat 20 every 10us from 5us { raise e0 0x1; at +5us raise e0 0x2 } }
expect { count nobody-cared == 0; count unserved == 0; count status-left == 0; handled e0 at least 40 }
EOS
expect 0 "edu on MSI" -- "$UKSIM" run "$tmp/msi.uks"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
