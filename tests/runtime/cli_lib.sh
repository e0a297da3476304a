# SPDX-License-Identifier: MIT
# What the command-line tests of tests/runtime share; sourced by each
# (`. "$(dirname "$0")/cli_lib.sh"`). A scratch folder $tmp removed on exit,
# a failure count $fails, and two checks that print ok/FAIL lines:
#   expect CODE DESCRIPTION -- COMMAND...   the command exits CODE
#                                           (its stdout/stderr in $tmp/out, $tmp/err)
#   contains FILE TEXT DESCRIPTION          $tmp/FILE holds TEXT
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

expect() { # CODE DESCRIPTION -- COMMAND...
	code=$1; what=$2; shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$code" ]; then
		echo "FAIL: $what: exit $rc, expected $code"; cat "$tmp/out" "$tmp/err"
		fails=$((fails + 1))
	else
		echo "ok: $what"
	fi
}
contains() { # FILE TEXT DESCRIPTION
	if grep -q -- "$2" "$tmp/$1"; then echo "ok: $3"; else
		echo "FAIL: $3: '$2' not in $1"; cat "$tmp/$1"; fails=$((fails + 1)); fi
}
