#!/bin/sh
# SPDX-License-Identifier: MIT
# Sweeps split with --shard I/N and put together again by uksim merge
# (issue 14, "sweeps on real engines").
#
#   test_sweep.sh UKSIM SCENARIO_DIR merge
#       merge against one unsharded run, both on this machine: JSON and
#       words, a bounded sweep, and merge's errors on bad input (exit 2).
#   test_sweep.sh UKSIM SCENARIO_DIR engines
#       one sharded sweep three ways, with the same merged result from
#       each: GNU parallel, a real single-node Slurm cluster (slurmctld,
#       slurmd and munged started here in a temporary folder, a 4-task job
#       array), and one machine without sharding. Skips (77) only when the
#       packages are missing: apt-get install slurm-wlm munge parallel
#       (scripts/install-deps.sh does it).
set -u
UKSIM=$1
SCN=$2
MODE=$3
case "$UKSIM" in /*) ;; *) UKSIM=$(pwd)/$UKSIM ;; esac
tmp=$(mktemp -d)
pids=""
cleanup() {
	# Only the daemons this test started, by their process ids.
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fails=0
ok() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; fails=$((fails + 1)); }

# The sweep: a design scenario whose first violation is schedule 6 of seed 2
# (in shard 2/4, not the first shard), and one without a violation, so that
# merge must keep targets apart and pick the lowest global index.
TARGETS="$SCN/designs/managarm-2020-found.uks $SCN/irq/mask-unmask-race.uks"
SWEEP="--runs 400 --seed 2 -j1"

# same_json A B DESCRIPTION: the same lines but for host time.
same_json() {
	if python3 - "$1" "$2" <<'PY'; then ok "$3"; else fail "$3"; fi
import json, sys
def load(path):
    out = []
    for line in open(path):
        if not line.strip():
            continue
        d = json.loads(line)
        for k in ("schedules_per_s", "seconds", "merged_shards"):
            d.pop(k, None)
        out.append(d)
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
if not a or a != b:
    print("  %s:" % sys.argv[1]); [print("   ", x) for x in a]
    print("  %s:" % sys.argv[2]); [print("   ", x) for x in b]
    sys.exit(1)
PY
}

# words FILE: the lines of the human output that the schedules decide
# (host time masked, merge's and explore's headers dropped).
words() {
	sed -e 's/ in [0-9.]* s ([0-9]*\/s)/ in T s (R\/s)/' -e '/^merged [0-9]* shard/d' \
		-e '/^exploring /d' -e 's/^\(\S*\)  *[0-9]*  *[0-9]*  /\1 N R  /' "$1"
}
same_words() {
	words "$1" >"$tmp/w1"
	words "$2" >"$tmp/w2"
	if [ -s "$tmp/w1" ] && cmp -s "$tmp/w1" "$tmp/w2"; then ok "$3"; else
		fail "$3"; diff "$tmp/w1" "$tmp/w2"; fi
}

# The reference: one machine, no shards.
# shellcheck disable=SC2086
"$UKSIM" explore $TARGETS $SWEEP --json >"$tmp/one.json" 2>"$tmp/one.err"
# shellcheck disable=SC2086
"$UKSIM" explore $TARGETS $SWEEP -q >"$tmp/one.txt" 2>>"$tmp/one.err"
if ! grep -q '"run":6,' "$tmp/one.json"; then
	echo "FAIL: the reference sweep did not find schedule 6 first:"; cat "$tmp/one.json" "$tmp/one.err"
	exit 1
fi

# merge_all NAME FILE...: merge FILES, as JSON into NAME.json and in words
# into NAME.txt, and compare both with the unsharded run.
merge_all() {
	name=$1
	shift
	"$UKSIM" merge --json "$@" >"$tmp/m-$name.json" 2>"$tmp/m-$name.err"
	rc=$?
	"$UKSIM" merge "$@" >"$tmp/m-$name.txt" 2>>"$tmp/m-$name.err"
	rc2=$?
	if [ "$rc" -ne 0 ] || [ "$rc2" -ne 0 ]; then
		fail "$name: merge exits $rc (--json) and $rc2"; cat "$tmp/m-$name.err"
	fi
	same_json "$tmp/one.json" "$tmp/m-$name.json" "$name: merged JSON = one machine's"
	same_words "$tmp/one.txt" "$tmp/m-$name.txt" "$name: merged words = one machine's"
}

if [ "$MODE" = merge ]; then
	merge_all one "$tmp/one.json"
	for i in 0 1 2 3; do
		# shellcheck disable=SC2086
		"$UKSIM" explore $TARGETS $SWEEP --json --shard $i/4 >"$tmp/s$i.json"
	done
	merge_all local "$tmp/s3.json" "$tmp/s1.json" "$tmp/s0.json" "$tmp/s2.json"
	# Shard 0 has violations too, all later than schedule 6.
	if grep -q '"run":6,' "$tmp/s2.json" && grep -q '"type":"violation","target":"[^"]*managarm-2020-found.uks","run":\([7-9]\|[1-9][0-9]\)' "$tmp/s0.json"; then
		ok "the first violation is in shard 2/4, shard 0/4 has a later one"
	else
		fail "the sweep no longer tests the lowest index across shards"
	fi
	# One file holding every shard, and standard input.
	cat "$tmp"/s?.json >"$tmp/cat.json"
	"$UKSIM" merge --json - <"$tmp/cat.json" >"$tmp/stdin.json"
	same_json "$tmp/one.json" "$tmp/stdin.json" "merge - (every shard in one stream)"

	# A bounded sweep: every shard lists the whole space and runs its share.
	B="$SCN/designs/no-buffer-found.uks --strategy bounded --preemptions 1 -j1 --json"
	# shellcheck disable=SC2086
	"$UKSIM" explore $B >"$tmp/b.json"
	for i in 0 1 2; do
		# shellcheck disable=SC2086
		"$UKSIM" explore $B --shard $i/3 >"$tmp/b$i.json"
	done
	# Each shard runs its third, not the whole space (it did before).
	if python3 - "$tmp/b.json" "$tmp"/b[0-2].json <<'PY'; then ok "bounded: the shards' schedules add up to one machine's"; else fail "bounded: the shards' schedules do not add up"; fi
import json, sys
def schedules(path):
    return [json.loads(l)["schedules"] for l in open(path) if '"summary"' in l][0]
one, parts = schedules(sys.argv[1]), [schedules(p) for p in sys.argv[2:]]
print("  one machine: %d schedules; shards: %s" % (one, parts))
sys.exit(0 if one > 3 and sum(parts) == one else 1)
PY
	"$UKSIM" merge --json "$tmp/b0.json" "$tmp/b1.json" "$tmp/b2.json" >"$tmp/bm.json"
	same_json "$tmp/b.json" "$tmp/bm.json" "bounded: three shards merged = one machine's"

	# Bad input: exit 2 and a clear reason.
	err() { # TEXT DESCRIPTION -- ARGS...
		text=$1; what=$2; shift 3
		"$UKSIM" merge "$@" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		if [ "$rc" -eq 2 ] && grep -q -- "$text" "$tmp/err"; then ok "$what"; else
			fail "$what: exit $rc"; cat "$tmp/out" "$tmp/err"; fi
	}
	err "1 of its 4 shards missing (2/4)" "a missing shard" -- "$tmp/s0.json" "$tmp/s1.json" "$tmp/s3.json"
	err "shard 1/4 given twice" "a shard given twice" -- "$tmp"/s?.json "$tmp/s1.json"
	# shellcheck disable=SC2086
	"$UKSIM" explore $TARGETS --runs 400 --seed 3 -j1 --json --shard 3/4 >"$tmp/seed3.json"
	err "its seed differs" "a shard of another seed" -- "$tmp/s0.json" "$tmp/s1.json" "$tmp/s2.json" "$tmp/seed3.json"
	# shellcheck disable=SC2086
	"$UKSIM" explore $TARGETS --runs 300 --seed 2 -j1 --json --shard 3/4 >"$tmp/runs300.json"
	err "its options differ" "a shard of another --runs" -- "$tmp/s0.json" "$tmp/s1.json" "$tmp/s2.json" "$tmp/runs300.json"
	printf 'exploring x\n' >"$tmp/words.txt"
	err "words.txt:1: not a JSON object" "words instead of JSON" -- "$tmp/words.txt"
	head -n 1 "$tmp/s2.json" >"$tmp/cut.json"
	err "a violation line without its summary" "a shard cut short" -- "$tmp/cut.json"
	err "cannot read" "a file that is not there" -- "$tmp/nothere.json"
	: >"$tmp/empty.json"
	err "no summary line" "an empty file" -- "$tmp/empty.json"
	err "which files" "no file" --
	echo "$fails failed"
	[ "$fails" -eq 0 ]
	exit
fi

# ---- engines: GNU parallel and a real Slurm ----
missing=""
parallel --version 2>/dev/null | grep -q "GNU parallel" || missing="$missing parallel"
for p in slurmctld slurmd sbatch sinfo; do
	command -v "$p" >/dev/null 2>&1 || [ -x "/usr/sbin/$p" ] || missing="$missing $p(slurm-wlm)"
done
for p in munged munge; do
	command -v "$p" >/dev/null 2>&1 || [ -x "/usr/sbin/$p" ] || missing="$missing $p(munge)"
done
if [ -n "$missing" ]; then
	echo "SKIP: missing:$missing; install them with apt-get install slurm-wlm munge parallel" \
		"(scripts/install-deps.sh does)"
	exit 77
fi
PATH=$PATH:/usr/sbin
export PATH

# 1. GNU parallel, four shards on this machine's cores.
mkdir "$tmp/par"
# Shards without the violation exit 1 ("expected violation NOT found"),
# so parallel's exit status is not the test's: the outputs are.
# shellcheck disable=SC2086
parallel --will-cite -j2 "$UKSIM" explore $TARGETS $SWEEP --json --shard {}/4 \
	'>' "$tmp/par/{}.json" ::: 0 1 2 3
merge_all parallel "$tmp"/par/*.json

# 2. A single-node Slurm cluster in $tmp/slurm: munged with a key made
# here, slurmctld and slurmd in the foreground (their pids are ours to
# stop), one node named after this host, a 4-task job array.
S=$tmp/slurm
mkdir -p "$S/state" "$S/spool" "$S/log" "$S/out"
chmod 711 "$tmp" "$S"
dd if=/dev/urandom of="$S/munge.key" bs=1024 count=1 2>/dev/null
chmod 600 "$S/munge.key"
munged --foreground --force --socket="$S/munge.sock" --key-file="$S/munge.key" \
	--log-file="$S/log/munged.log" --pid-file="$S/munged.pid" --seed-file="$S/munged.seed" \
	>"$S/log/munged.out" 2>&1 &
pids="$pids $!"
# Free ports for slurmctld and slurmd.
ports=$(python3 -c '
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
set -- $ports
host=$(hostname -s)
me=$(id -un)
cat >"$S/slurm.conf" <<EOF
ClusterName=uksweep
SlurmctldHost=$host(127.0.0.1)
SlurmUser=$me
SlurmdUser=$me
SlurmctldPort=$1
SlurmdPort=$2
AuthType=auth/munge
AuthInfo=socket=$S/munge.sock
CredType=cred/munge
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=sweep Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$S/slurm.conf"
slurm_logs() {
	for f in "$S"/log/*.log; do echo "--- $f"; tail -n 20 "$f"; done
}
i=0
until munge -S "$S/munge.sock" -n >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 50 ]; then fail "munged did not start"; slurm_logs; exit 1; fi
	sleep 0.1
done
slurmctld -D -i -f "$S/slurm.conf" >"$S/log/slurmctld.out" 2>&1 &
pids="$pids $!"
slurmd -D -f "$S/slurm.conf" >"$S/log/slurmd.out" 2>&1 &
pids="$pids $!"
i=0
until [ "$(sinfo -h -o %T 2>/dev/null)" = idle ]; do
	i=$((i + 1))
	if [ $i -gt 300 ]; then
		fail "Slurm did not come up (node state: $(sinfo -h -o %T 2>&1))"
		slurm_logs; cat "$S"/log/*.out; exit 1
	fi
	sleep 0.1
done
ok "a single-node Slurm cluster is up (node $host)"
cat >"$S/shard.sh" <<EOF
#!/bin/sh
"$UKSIM" explore $TARGETS $SWEEP --json --shard \$SLURM_ARRAY_TASK_ID/4 \
	>"$S/out/\$SLURM_ARRAY_TASK_ID.json"
echo \$? >"$S/out/\$SLURM_ARRAY_TASK_ID.rc"
EOF
chmod +x "$S/shard.sh"
if timeout 240 sbatch --wait --array=0-3 --job-name=uksweep --output="$S/out/%a.log" \
	--chdir="$(pwd)" "$S/shard.sh" >"$S/sbatch.out" 2>&1; then
	ok "sbatch --array=0-3 ran: $(cat "$S/sbatch.out")"
else
	fail "sbatch --wait --array=0-3: $(cat "$S/sbatch.out")"
	slurm_logs
fi
for t in 0 1 2 3; do
	rc=$(cat "$S/out/$t.rc" 2>/dev/null)
	case "$rc" in 0|1) ;; *) fail "array task $t: explore exit '$rc'"; cat "$S/out/$t.log" ;; esac
done
merge_all slurm "$S"/out/*.json

# 3. One machine, no shards: the reference merged, and as explore prints it.
merge_all one "$tmp/one.json"
echo "$fails failed"
[ "$fails" -eq 0 ]
