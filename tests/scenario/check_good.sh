#!/usr/bin/env bash
# uksim check on the valid samples and on every scenario of the library:
# each must pass (exit 0, "FILE: ok"), and --json must agree.
# Usage: check_good.sh UKSIM DIR...
set -u
UKSIM=$1
shift
fails=0
n=0
while IFS= read -r -d '' f; do
	n=$((n + 1))
	if out=$("$UKSIM" check "$f" 2>&1) && [[ $out == "$f: ok"* ]]; then
		echo "ok: $out"
	else
		echo "FAIL: $f"
		echo "$out" | sed 's/^/  /'
		fails=$((fails + 1))
	fi
	if ! "$UKSIM" check --json "$f" | python3 -c 'import json,sys; o=json.load(sys.stdin); assert o["ok"], o'; then
		echo "FAIL: --json $f"
		fails=$((fails + 1))
	fi
done < <(find "$@" -name '*.uks' -print0 | sort -z)
# Several files at once: still 0.
mapfile -d '' all < <(find "$@" -name '*.uks' -print0 | sort -z)
if [ "${#all[@]}" -gt 0 ] && ! "$UKSIM" check "${all[@]}" >/dev/null; then
	echo "FAIL: checking all files at once"
	fails=$((fails + 1))
fi
echo "$n files, $fails failed"
[ "$n" -gt 0 ] && [ "$fails" -eq 0 ]
