#!/bin/sh
# SPDX-License-Identifier: MIT
# Issue 14, defects 5, 6, 8, 9 and 10: what uksim run, explore and replay
# print. Each block says which defect it covers.
# Usage: test_explorer_cli.sh UKSIM EXPLORER_DIR WRONGCPU_SO COIN_SO
set -u
UKSIM=$1
DIR=$2
WRONGCPU=$3
COIN=$4
. "$(dirname "$0")/cli_lib.sh"

lacks() { # FILE TEXT DESCRIPTION
	if grep -q -- "$2" "$tmp/$1"; then echo "FAIL: $3: '$2' in $1"; cat "$tmp/$1"
		fails=$((fails + 1)); else echo "ok: $3"; fi
}

# --- 5: a program's own random choice is labelled as such.
expect 1 "coin: explore finds tails" -- "$UKSIM" explore "$DIR/coin.uks" --load "$COIN" --runs 200 -j 1
contains out "makes its own random choice" "5: the story names the program's own choice"
lacks out "windowed timeline action" "5: not a windowed timeline action"

# --- 6: an expectation is reported where it was first broken.
expect 1 "late: run fails" -- "$UKSIM" run "$DIR/late.uks"
contains out "went wrong at 110us (110000 ns)" "6: run points at the missed deadline"
contains out "d0 asserted at 70us was not served within 40us" "6: run says which assertion"
expect 1 "late: explore" -- "$UKSIM" explore "$DIR/late.uks" --runs 5 -j 1 --json
python3 - "$tmp/out" <<'PY' || fails=$((fails + 1))
import json, sys
v = [json.loads(l) for l in open(sys.argv[1]) if '"violation"' in l][0]
assert v["time_ns"] == 110000, v
print("ok: 6: explore reports the violation at 110000 ns, not at the end")
PY
tok=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$tmp/out" | head -n 1)
expect 1 "late: replay" -- "$UKSIM" replay "$DIR/late.uks" --token "$tok"
contains out "violation expect at 110000 ns" "6: replay reports 110000 ns"
# The story's events end at the time it went wrong.
python3 - "$tmp/out" <<'PY' || fails=$((fails + 1))
import re, sys
lines = open(sys.argv[1]).read().split("The last")[1].splitlines()[1:]
times = [int(m.group(1)) for l in lines if (m := re.match(r"\s+(\d+) ns ", l))]
assert times and max(times) <= 110000, times
print("ok: 6: the story's events end by 110000 ns")
PY

expect 1 "count: explore" -- "$UKSIM" explore "$DIR/count.uks" --runs 3 -j 1 --json
python3 - "$tmp/out" <<'PY' || fails=$((fails + 1))
import json, sys
v = [json.loads(l) for l in open(sys.argv[1]) if '"violation"' in l][0]
assert 20000 < v["time_ns"] < 30000 and "nobody-cared #1 on d0's line" in v["message"], v
print("ok: 6: a count is broken by the event that passes its bound")
PY
expect 1 "handled: run" -- "$UKSIM" run "$DIR/handled.uks"
contains out "went wrong at 304.16us (304160 ns)" "6: a kept count (handled) is broken by the third episode"
expect 1 "handled: explore" -- "$UKSIM" explore "$DIR/handled.uks" --runs 3 -j 1 --json
python3 - "$tmp/out" <<'PY' || fails=$((fails + 1))
import json, sys
v = [json.loads(l) for l in open(sys.argv[1]) if '"violation"' in l][0]
assert 300000 < v["time_ns"] < 310000 and "handled #3 of d0" in v["message"], v
print("ok: 6: explore reports handled #3 of d0, not the end of the run")
PY
expect 1 "wakeup: run" -- "$UKSIM" run "$DIR/wakeup.uks"
contains out "went wrong at 501.258us (501258 ns)" "6: a wake-up bound breaks when the bound ran out"
contains out "a wake-up of bus took 966.82us (the first over 100us)" "6: ... naming the wake-up"

# --- 8: one wording for latency failures, with units and "never served".
expect 1 "never: run" -- "$UKSIM" run "$DIR/never.uks"
contains out "(never served)" "8: run says never served"
expect 1 "never: explore" -- "$UKSIM" explore "$DIR/never.uks" --runs 5 -j 1
contains out "not met (never served): d1 asserted at 300us was never served" "8: explore says never served"
lacks out "saw 0)" "8: no bare number"
tok=$(sed -n 's/.*--token \(uk2-[^ ]*\).*/\1/p' "$tmp/out" | head -n 1)
expect 1 "never: replay" -- "$UKSIM" replay "$DIR/never.uks" --token "$tok"
contains out "not met (never served)" "8: replay says never served"
expect 1 "late: explore (served late)" -- "$UKSIM" explore "$DIR/late.uks" --runs 5 -j 1
contains out "not met (saw 48.644us)" "8: a late wait comes with its unit"

# --- 9: a kernel check that breaks in explore: the token first, exit 3.
expect 3 "kernel check: explore exits 3" -- "$UKSIM" explore "$DIR/kernel-check.uks" --load "$WRONGCPU" --runs 20 -j 1
contains out "violation kernel-invariant in schedule 0" "9: the kernel check is reported"
contains out "replay --token\|--token uk2-" "9: with its replay token"
tok=$(sed -n 's/.*--token \(uk2-[^ ]*\).*/\1/p' "$tmp/out" | head -n 1)
expect 3 "9: replay of that token exits 3 too" -- "$UKSIM" replay "$DIR/kernel-check.uks" --load "$WRONGCPU" --token "$tok"
contains out "sched: policy placed a thread outside its affinity" "9: replay shows the same check"
expect 3 "kernel check: explore --json" -- "$UKSIM" explore "$DIR/kernel-check.uks" --load "$WRONGCPU" --runs 20 -j 1 --json
contains out '"id":"kernel-invariant"' "9: JSON violation line"
contains out '"token":"uk2-' "9: JSON token"

# --- 10: command-line gaps.
expect 1 "10: run --trace --vcd" -- "$UKSIM" run "$DIR/late.uks" --trace "$tmp/t.json" --vcd "$tmp/t.vcd"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['traceEvents']" "$tmp/t.json" \
	&& echo "ok: 10: run --trace writes Chrome JSON" || { echo "FAIL: run --trace"; fails=$((fails + 1)); }
grep -q 'enddefinitions' "$tmp/t.vcd" && echo "ok: 10: run --vcd writes VCD" || {
	echo "FAIL: run --vcd"; fails=$((fails + 1)); }
expect 0 "10: --version" -- "$UKSIM" --version
build=$(echo "$tok" | cut -d- -f3)
contains out "build $build" "10: --version prints the build id tokens carry ($build)"
expect 1 "10: replay --json" -- "$UKSIM" replay "$DIR/late.uks" --token "$(
	"$UKSIM" explore "$DIR/late.uks" --runs 1 -j 1 --json | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')" --json
python3 - "$tmp/out" <<'PY' || fails=$((fails + 1))
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("time_ns", "cpu", "departures", "statistics", "exit"):
    assert k in d, k
assert d["time_ns"] == 110000 and isinstance(d["departures"], list), d
for k in ("end_ns", "steps", "decisions", "departures", "interrupts_taken", "switches"):
    assert k in d["statistics"], k
print("ok: 10: replay --json has time, CPU, departures and statistics")
PY
expect 0 "10: --first with bounded" -- "$UKSIM" explore demo:race --strategy bounded --preemptions 1 --first -j 1
lacks out "space exhausted" "10: --first does not claim the space was exhausted"
contains out "stopped at the first violation" "10: it says where it stopped"
expect 0 "10: -j1 is accepted" -- "$UKSIM" explore demo:race --runs 3 -j1 -q
expect 2 "10: --runs -1 exits 2" -- "$UKSIM" explore demo:race --runs -1
expect 2 "10: --runs 0 exits 2" -- "$UKSIM" explore demo:race --runs 0
expect 2 "10: a mistyped option" -- "$UKSIM" explore demo:race --rnus 5
contains err "did you mean '--runs'?" "10: did-you-mean"
expect 2 "10: a mistyped run option" -- "$UKSIM" run "$DIR/late.uks" --sed 3
contains err "did you mean '--seed'?" "10: did-you-mean on run"
LC_ALL=C expect 1 "10: run in the C locale" -- "$UKSIM" run "$DIR/late.uks"
lacks out "✓" "10: no check mark in an ASCII locale"
lacks out "✗" "10: no cross in an ASCII locale"
if locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$'; then
	LC_ALL=C.UTF-8 expect 1 "10: run in a UTF-8 locale" -- "$UKSIM" run "$DIR/late.uks"
	contains out "✗" "10: marks in a UTF-8 locale"
fi
expect 1 "10: explore prints the uksim that ran" -- "$UKSIM" explore "$DIR/late.uks" --runs 1 -j 1
contains out "replay: $UKSIM replay " "10: the replay line names $UKSIM"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
