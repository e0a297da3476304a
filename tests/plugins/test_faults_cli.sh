#!/bin/sh
# SPDX-License-Identifier: MIT
# A loaded program that crashes (SIGSEGV, abort), calls exit or _exit, or
# loops for ever in host code, or overflows its stack
# (tests/plugins/faulty_programs.c): `uksim
# run`, `uksim explore` and `uksim replay` must each say which program and
# thread, when (virtual time), print a replay command with a token, and
# exit 3; the replay of a crash gives the same report. Without the fault
# reports uksim dies of the signal (exit 134, 139), ends with exit 0 from
# the program's exit(0), or hangs (stopped here by `timeout`: exit 124).
# Usage: test_faults_cli.sh UKSIM SRC_DIR FAULTY_SO
set -u
UKSIM=$1
SRC=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$3" "$tmp"/
cd "$tmp" || exit 1
fails=0
# Every command gets this long before it counts as hung itself.
LIMIT=60

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# run_expect CODE DESCRIPTION COMMAND...: run, keep stdout/stderr in out/err.
run_expect() {
	code=$1; desc=$2; shift 2
	timeout "$LIMIT" "$@" >out 2>err
	rc=$?
	if [ "$rc" -ne "$code" ]; then
		fail "$desc: exit $rc, expected $code"; sed 's/^/  | /' out err | tail -20
		return 1
	fi
	echo "ok: $desc"
	return 0
}

# check_report CLASS PROGRAM: stderr names the class, the program, the
# thread (drv.worker), the CPU and a virtual time, and gives a replay line.
check_report() {
	line=$(grep "^uksim: $1 in program '$2', thread drv.worker, on CPU 0 at [0-9]* ns" err)
	if [ -z "$line" ]; then
		fail "$what: no '$1 in program '$2', thread drv.worker' line"; sed 's/^/  | /' err
		return 1
	fi
	replay=$(grep -o "replay: .* replay .*--token uk2-[0-9a-z._-]*" err | head -1 | sed 's/^replay: //')
	if [ -z "$replay" ]; then
		fail "$what: no replay command"; sed 's/^/  | /' err
		return 1
	fi
	echo "ok: $what: $line"
	return 0
}

for kind in segv abort exit _exit hang overflow; do
	prog="$kind-program"
	sed "s/FAULTY/$prog/" "$SRC/faulty.uks" >"faulty-$kind.uks"
	# Only a hang needs the watchdog sooner than its default.
	watch=
	case $kind in
	hang) class=HANG; watch="--hang-timeout 1" ;;
	exit|_exit) class=EXIT ;;
	*) class=CRASH ;;
	esac
	for cmd in run explore; do
		# shellcheck disable=SC2086
		if [ "$cmd" = run ]; then
			set -- "$UKSIM" run "faulty-$kind.uks" --seed 7 $watch
		else
			set -- "$UKSIM" explore "faulty-$kind.uks" --runs 50 -j 2 -q $watch
		fi
		what="$cmd $prog"
		run_expect 3 "$what exits 3" "$@" || continue
		check_report "$class" "$prog" || continue
		first=$line
		# The token replays: the same program fails the same way again.
		what="replay of $cmd $prog"
		# shellcheck disable=SC2086
		run_expect 3 "$what exits 3" $replay $watch || continue
		check_report "$class" "$prog" || continue
		case $class in
		HANG) # host time differs; where it hangs does not
			a=$(echo "$first" | sed 's/: no kernel step.*//')
			b=$(echo "$line" | sed 's/: no kernel step.*//')
			[ "$a" = "$b" ] && echo "ok: $what hangs at the same place" ||
				fail "$what: '$b' differs from '$a'"
			grep -q "not replayed bit for bit" err && echo "ok: $what says so" ||
				fail "$what: no word that a hang is not replayed bit for bit" ;;
		*)	# the same, but for a host address (ASLR)
			a=$(echo "$first" | sed 's/ at 0x[0-9a-f]*)/)/')
			b=$(echo "$line" | sed 's/ at 0x[0-9a-f]*)/)/')
			[ "$a" = "$b" ] && echo "ok: $what: the same report" ||
				fail "$what: '$b' differs from '$a'" ;;
		esac
		case $kind in
		overflow) echo "$first" | grep -q "stack overflow" && echo "ok: $what: a stack overflow" ||
				fail "$what: not named a stack overflow: $first" ;;
		esac
	done
done

# A program that faults only off virtual-time order: each strategy's own
# token (r, p, s) names the schedule, and replays to the same report.
sed "s/FAULTY/segv-sometimes-program/" "$SRC/faulty.uks" >faulty-sometimes.uks
for strategy in random pct bounded; do
	what="explore --strategy $strategy segv-sometimes-program"
	# (bounded: every schedule with one departure, in the order it lists them)
	case $strategy in bounded) budget="--preemptions 1" ;; *) budget="--runs 50" ;; esac
	# shellcheck disable=SC2086
	run_expect 3 "$what exits 3" "$UKSIM" explore faulty-sometimes.uks --strategy $strategy \
		$budget -j 2 -q || continue
	check_report CRASH segv-sometimes-program || continue
	first=$line
	case $strategy in random) kind=r ;; pct) kind=p ;; *) kind=s ;; esac
	echo "$replay" | grep -q -- "-$kind[0-9a-z._]*\$" && echo "ok: $what: a '$kind' token" ||
		fail "$what: not a '$kind' token: $replay"
	what="replay of $what"
	# shellcheck disable=SC2086
	run_expect 3 "$what exits 3" $replay || continue
	check_report CRASH segv-sometimes-program || continue
	[ "$line" = "$first" ] && echo "ok: $what: the same report" ||
		fail "$what: '$line' differs from '$first'"
done

# No hang report with the watchdog off (--hang-timeout 0): stopped by timeout.
timeout 3 "$UKSIM" run faulty-hang.uks --hang-timeout 0 >out 2>err
rc=$?
[ "$rc" -eq 124 ] && echo "ok: --hang-timeout 0 turns the watchdog off" ||
	fail "--hang-timeout 0: exit $rc, expected timeout's 124"

for cmd in run explore replay; do
	token=
	[ "$cmd" = replay ] && token="--token uk2-x"
	# shellcheck disable=SC2086
	run_expect 2 "$cmd --hang-timeout -1 is refused" "$UKSIM" $cmd faulty-hang.uks \
		--hang-timeout -1 $token && { grep -q "hang-timeout takes seconds" err ||
		fail "$cmd --hang-timeout -1: no word why"; }
done

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
