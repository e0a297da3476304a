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
# The directories themselves: every *.uks below them, still exit 0.
if ! "$UKSIM" check "$@" >"${TMPDIR:-/tmp}/uks-check-dirs.$$"; then
	echo "FAIL: uksim check $*"
	fails=$((fails + 1))
elif [ "$(grep -c ': ok (' "${TMPDIR:-/tmp}/uks-check-dirs.$$")" -ne "$n" ]; then
	echo "FAIL: uksim check on the directories did not check all $n files"
	fails=$((fails + 1))
fi
rm -f "${TMPDIR:-/tmp}/uks-check-dirs.$$"
echo "$n files, $fails failed"
[ "$n" -gt 0 ] && [ "$fails" -eq 0 ]
