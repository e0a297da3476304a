#!/usr/bin/env bash
# The main job. Until the scenario library and the explorer land, it runs the
# engine demo under the time-faithful chooser and then a sweep of seeds under
# the random chooser, and checks each seed replays to the same trace hash.
set -euo pipefail
cd "$(dirname "$0")/.."
uksim=./build/sim/uksim
$uksim demo --cpus 2 --pairs 2 --rounds 100
echo
echo "random schedules (race window 200 ns), each run twice to check replay:"
printf '  %-6s %-8s %-18s %s\n' seed result "trace hash" replay
fail=0
for seed in 1 2 3 4 5 6 7 8; do
	a=$($uksim demo --json --chooser random --seed $seed)
	b=$($uksim demo --json --chooser random --seed $seed)
	res=$(echo "$a" | sed -n 's/.*"result":"\([a-z]*\)".*/\1/p')
	hash=$(echo "$a" | sed -n 's/.*"trace_hash":"\([0-9a-f]*\)".*/\1/p')
	same=same; [ "$a" = "$b" ] || { same=DIFFERS; fail=1; }
	[ "$res" = done ] || fail=1
	printf '  %-6s %-8s %-18s %s\n' $seed "$res" "$hash" $same
done
exit $fail
