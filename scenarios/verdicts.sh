#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run scenarios once (seed 1) and print a verdict table: by default the
# flagship IRQ races of scenarios/irq/, or the files/directories given.
#   scenarios/verdicts.sh [--uksim PATH] [FILE|DIR...]
# Exit 1 if a scenario without `expect violation` fails its expectations.
set -uo pipefail
cd "$(dirname "$0")/.."
uksim=./build/sim/uksim
if [ "${1:-}" = --uksim ]; then uksim=$2; shift 2; fi
[ $# -gt 0 ] || set -- scenarios/irq
files=()
for a in "$@"; do
	if [ -d "$a" ]; then while IFS= read -r f; do files+=("$f"); done < <(find "$a" -name '*.uks' | sort)
	else files+=("$a"); fi
done
printf '%-32s %-7s %-6s %-9s %-7s %-8s %s\n' scenario verdict met episodes nobody "virtual" "violations shown"
fail=0
for f in "${files[@]}"; do
	json=$("$uksim" run --json --seed 1 "$f" 2>/dev/null)
	rc=$?
	if [ $rc -ge 2 ]; then printf '%-32s ERROR (exit %d)\n' "$(basename "$f" .uks)" $rc; fail=1; continue; fi
	line=$(python3 -c '
import json, sys
d = json.loads(sys.argv[1])
met = sum(e["met"] for e in d["expectations"])
v = ",".join(sorted({x["id"] for x in d["violations"]})) or "-"
s = d["stats"]
print(d["scenario"], d["result"], "%d/%d" % (met, len(d["expectations"])), s["episodes"],
      s["nobody_cared"], "%.3fms" % (s["end_ns"] / 1e6), v)' "$json")
	read -r name result met ep nobody vt viol <<<"$line"
	expect_v=no; grep -Eq '^\s*(expect\s+)?violation\s' "$f" && expect_v=yes
	verdict=$result
	if [ "$expect_v" = yes ]; then verdict="$result*"; elif [ "$result" != pass ]; then fail=1; fi
	printf '%-32s %-7s %-6s %-9s %-7s %-8s %s\n' "$name" "$verdict" "$met" "$ep" "$nobody" "$vt" "$viol"
done
echo "(* expects a violation: one schedule need not show it; uksim explore searches for it)"
exit $fail
