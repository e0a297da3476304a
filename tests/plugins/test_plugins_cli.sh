#!/bin/sh
# SPDX-License-Identifier: MIT
# The commands of docs/designs.md, "Writing a policy plug-in", as a user
# types them: each scenario of tests/plugins/ beside the shared objects it
# loads, `uksim run` with the plug-in (passes), with the built-in baseline
# through --set (its expectations fail: exit 1), `uksim compare` of the two
# (exit 1 too, as one design fails),
# the objects on the command line (--load) instead of `load` lines, and an
# unknown scheduler (exit 2, file:line:col, did you mean).
# A scheduler whose setup fails stops every run with an error (exit 3), and
# explore names the run's replay token before it says so (issue 14, defect 9).
# Usage: test_plugins_cli.sh UKSIM SRC_DIR NOWAKE_SO FIXED_RETRY_SO EDGE_MASKED_SO HOLD_SO TWOPASS_SO
#        BAD_INIT_SO
set -u
UKSIM=$1
SRC=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$SRC"/*.uks "$3" "$4" "$5" "$6" "$7" "$8" "$tmp"/
cd "$tmp" || exit 1
fails=0

expect() { # CODE DESCRIPTION -- COMMAND...
	code=$1; what=$2; shift 3
	"$@" >out 2>err
	rc=$?
	if [ "$rc" -ne "$code" ]; then
		echo "FAIL: $what: exit $rc, expected $code"; cat out err
		fails=$((fails + 1))
	else
		echo "ok: $what"
	fi
}
contains() { # FILE TEXT DESCRIPTION
	if grep -q -- "$2" "$1"; then echo "ok: $3"; else
		echo "FAIL: $3: '$2' not in $1"; cat "$1"; fails=$((fails + 1)); fi
}

expect 0 "no-preempt-on-wake meets its expectations" -- "$UKSIM" run nowake-latency.uks
contains out "latency irq(d0) >= 850us  (saw 9" "waits of ~0.9 ms"
expect 1 "the fixed scheduler does not" -- "$UKSIM" run nowake-latency.uks --set scheduler=fixed
contains out "latency irq(d0) >= 850us  (saw 4" "waits of ~4 us"
expect 1 "compare the two (exit 1: fixed fails)" -- "$UKSIM" compare nowake-latency.uks \
	--vary scheduler=fixed,no-preempt-on-wake
contains out "scheduler=no-preempt-on-wake  pass" "the plug-in's row"

expect 0 "fixed-retry: 21 stalls" -- "$UKSIM" run fixed-retry-stalls.uks
expect 1 "managarm: not 21" -- "$UKSIM" run fixed-retry-stalls.uks --set irq-model=managarm
contains out "count stalls(d0) == 21  (saw 2)" "2 stalls"

expect 0 "edge-masked loses the edge" -- "$UKSIM" run edge-masked-lost-edge.uks

# A transfer strategy: the same bytes as physmap, twice the page walks.
walks() { # TRANSFER -> "walks bytes result"
	"$UKSIM" run twopass-walks.uks --set transfer="$1" --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["stats"]["page_walks"], d["stats"]["copied_bytes"], d["result"])'
}
two=$(walks two-pass)
phys=$(walks physmap)
if [ -n "$two" ] && [ -n "$phys" ] && python3 - "$two" "$phys" <<'PY'
import sys
w2, b2, r2 = sys.argv[1].split()
w1, b1, r1 = sys.argv[2].split()
ok = r2 == r1 == "pass" and b2 == b1 and int(b1) > 0 and int(w2) == 2 * int(w1) and int(w1) > 0
sys.exit(0 if ok else 1)
PY
then echo "ok: two-pass walks twice ($two vs $phys)"; else
	echo "FAIL: two-pass walks: '$two' vs physmap '$phys'"; fails=$((fails + 1)); fi

# Without `load` lines: the objects named on the command line.
grep -v '^load ' nowake-latency.uks >noload.uks
expect 0 "--load instead of a load line" -- "$UKSIM" run noload.uks --load ./nowake_sched.so
expect 2 "without the object, the name is unknown" -- "$UKSIM" run noload.uks
contains err "noload.uks:16:44: error: unknown scheduler 'no-preempt-on-wake'" "named at its position"
expect 0 "the same object by a load line and --load is one object" -- \
	"$UKSIM" run nowake-latency.uks --load ./nowake_sched.so
expect 0 "check --load" -- "$UKSIM" check noload.uks --load ./nowake_sched.so
expect 2 "check without it" -- "$UKSIM" check noload.uks
expect 1 "compare --load" -- "$UKSIM" compare noload.uks --load ./nowake_sched.so \
	--vary scheduler=fixed,no-preempt-on-wake
contains out "scheduler=no-preempt-on-wake  pass" "compare --load: the plug-in's row"
# Its replay line binds the loaded object, so it replays (a failure: exit 1).
"$UKSIM" compare noload.uks --load ./nowake_sched.so --vary scheduler=fixed --runs 3 -j 1 >out 2>err
replay=$(grep -o "uksim replay .*" out | head -1 | sed 's/^uksim //')
if [ -n "$replay" ]; then
	# shellcheck disable=SC2086
	expect 1 "compare's replay line with --load replays" -- "$UKSIM" $replay
else
	echo "FAIL: compare printed no replay line"; cat out err; fails=$((fails + 1))
fi
expect 0 "explore --load" -- "$UKSIM" explore noload.uks --load ./nowake_sched.so --runs 20 -j 1 -q
expect 2 "explore without it" -- "$UKSIM" explore noload.uks --runs 20 -j 1 -q

expect 2 "a typo in --set" -- "$UKSIM" run nowake-latency.uks --set scheduler=no-preempt-on-wak
contains err "unknown scheduler 'no-preempt-on-wak'" "unknown scheduler"
contains err "did you mean 'no-preempt-on-wake'?" "did you mean"

# A run that stops with an error of its own: explore prints its token first.
expect 3 "a scheduler whose setup fails: run exits 3" -- \
	"$UKSIM" run noload.uks --load ./nowake_sched.so --load ./bad_init.so --set scheduler=failing-init
expect 3 "... and explore exits 3" -- \
	"$UKSIM" explore noload.uks --load ./nowake_sched.so --load ./bad_init.so --set scheduler=failing-init --runs 5 -j 1
contains err "the run below failed; replay: " "explore names the failed run's replay line"
replay=$(grep -o "replay: .* --token [^ ]*" err | head -1 | sed 's/^replay: [^ ]* //')
if [ -n "$replay" ]; then
	# shellcheck disable=SC2086
	expect 3 "the failed run's token replays it (exit 3 again)" -- "$UKSIM" $replay
else
	echo "FAIL: explore printed no token for the failed run"; cat out err; fails=$((fails + 1))
fi

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
