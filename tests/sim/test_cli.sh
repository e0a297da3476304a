#!/usr/bin/env bash
# Tests of the uksim command line: exit codes, usage on stderr, JSON output.
# Usage: test_cli.sh PATH/TO/uksim
set -u
UKSIM=$1
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

for cmd in run explore replay; do
	expect 2 "$cmd not built yet" -- "$UKSIM" $cmd x.uks
	contains err "not built yet" "$cmd says it is not built"
done

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
