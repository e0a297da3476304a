#!/usr/bin/env bash
# sim-vs-metal.sh: run one scenario on the simulator (`uksim run`) and on
# QEMU (scripts/qemu-run.sh, the scenario compiled into the metal image) and
# print one table side by side: verdict, episodes, handled (per device),
# nobody-cared, unserved, status left, kernel entries (system calls),
# interrupts, handled per CPU, IPC round trip and IRQ latency, then one row
# per kind of IRQ log record (raise, begin, seq, ack, nak, end, mask, ...):
# how many the kernel logged on each side (`uksim run --irq-log`'s records,
# the image's `irq-log:` counts over its whole log). A value one side cannot
# measure is "-", with the reason under the table.
#
# Usage: scripts/sim-vs-metal.sh [--seed N] [--timeout S] [--no-icount] [--keep DIR] SCENARIO
#
# The metal run uses QEMU's -icount shift=0,sleep=off (qemu-run.sh's
# default for scenarios): guest time is 1 ns per instruction, so two runs of
# the same image give the same counts; --no-icount runs plain TCG (guest
# time is the host's). The simulator's numbers are one schedule (seed 1 by
# default), in virtual time of its cost model; the metal numbers are QEMU's
# in instruction time. Neither is a hardware figure (docs/porting.md).
#
# Exit: 0 both runs met the scenario's expectations, 1 one did not, 2 bad
# usage or a scenario one side refuses, 3 an internal error (a QEMU timeout).
# The logs stay in DIR with --keep (sim.json, metal.log).
# $UKSIM: the uksim to use (default: the root's build/sim/uksim, else PATH).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/find-uksim.sh"
seed=1
timeout_s=120
qemu_opts=()
keep=
scenario=
while [ $# -gt 0 ]; do
	case "$1" in
	--seed) seed=${2:?--seed needs a number}; shift 2 ;;
	--timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
	--no-icount) qemu_opts+=(--no-icount); shift ;;
	--keep) keep=${2:?--keep needs a directory}; shift 2 ;;
	-h|--help) sed -n '2,22p' "$0"; exit 0 ;;
	-*) echo "sim-vs-metal: unknown option $1" >&2; exit 2 ;;
	*)
		[ -z "$scenario" ] || { echo "sim-vs-metal: one scenario at a time" >&2; exit 2; }
		scenario=$1; shift ;;
	esac
done
[ -n "$scenario" ] || { echo "usage: scripts/sim-vs-metal.sh [options] SCENARIO" >&2; exit 2; }
find_uksim sim-vs-metal
if [ -n "$keep" ]; then
	mkdir -p "$keep" || exit 2
	dir=$keep
else
	dir=$(mktemp -d) || exit 3
	trap 'rm -rf "$dir"' EXIT
fi

"$uksim" run --json --irq-log --seed "$seed" "$scenario" >"$dir/sim.json" 2>"$dir/sim.err"
sim_rc=$?
if [ "$sim_rc" -ge 2 ]; then
	echo "sim-vs-metal: uksim run exited $sim_rc:" >&2
	cat "$dir/sim.err" >&2
	exit "$sim_rc"
fi
UKSIM=$uksim bash "$root/scripts/qemu-run.sh" --timeout "$timeout_s" "${qemu_opts[@]}" "$scenario" \
	>"$dir/metal.log" 2>&1
metal_rc=$?
if [ "$metal_rc" -eq 2 ]; then
	echo "sim-vs-metal: the metal run refused the scenario:" >&2
	cat "$dir/metal.log" >&2
	exit 2
fi

icount=on
for o in "${qemu_opts[@]}"; do [ "$o" = --no-icount ] && icount=off; done
python3 - "$dir/sim.json" "$dir/metal.log" "$sim_rc" "$metal_rc" "$icount" <<'PY'
import json, re, sys

sim_path, metal_path, sim_rc, metal_rc, icount = sys.argv[1:]
sim = json.load(open(sim_path))
log = open(metal_path, "rb").read().decode("utf-8", "replace").replace("\x1b", "")
notes = []

def note(text):
    if text not in notes:
        notes.append(text)
    return "-%s" % ("*" * (notes.index(text) + 1))

def to_ns(v):
    """ "48.125us" -> 48125.0 (the units the image prints) """
    r = re.match(r"([\d.]+)(ns|us|ms|s)$", v)
    return float(r.group(1)) * {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[r.group(2)]

def us(ns):
    return "%.2fus" % (ns / 1000.0)

st = sim["stats"]
exp = {e["text"]: e for e in sim["expectations"]}
devices = [sim["names"]["devices"][k] for k in sorted(sim["names"]["devices"], key=int)]

# The simulator's side.
s = {}
s["verdict"] = sim["result"]
s["episodes"] = str(st["episodes"])
per = []
for d in devices:
    found = [x for t, x in exp.items() if t.startswith("count handled(%s) " % d)]
    per.append("%s %s" % (d, found[0]["observed"]) if found else None)
s["handled"] = str(st["handled"]) + (" (%s)" % ", ".join(p for p in per if p) if any(per) else "")
s["nobody-cared"] = str(st["nobody_cared"])
for name in ("unserved", "status-left"):
    found = [x for t, x in exp.items() if t.startswith("count %s " % name)]
    s[name] = str(found[0]["observed"]) if found else note(
        "uksim run reports %s only for an expectation on it; the scenario has none" % name)
s["syscalls"] = str(st["syscalls"])
s["interrupts"] = str(st["interrupts"])
s["per-cpu"] = note("uksim run does not report episodes per CPU")
s["ipc"] = note("the simulator measures IPC only for a `latency ipc(EP)` expectation "
                "(this scenario has no endpoint); `uksim bench` has the simulator's IPC figures")
lat = [(t, x) for t, x in exp.items() if t.startswith("latency irq(")]
if lat:
    worst = max(x["observed"] for t, x in lat)
    s["latency"] = "longest %s" % us(worst)
else:
    s["latency"] = note("uksim run reports IRQ latency only for a `latency irq(D)` expectation")

# The IRQ log's records per kind (the order of enum uk_irq_ev_kind).
KINDS = ["raise", "begin", "seq", "ack", "nak", "kick", "end", "mask", "eoi", "eos", "stall",
         "nobody-cared", "ack-timeout", "attach", "detach", "disable", "undelivered", "other"]
sim_kinds = {}
for r in sim.get("irq_log", []):
    k = r["kind"] if r["kind"] in KINDS else "other"
    sim_kinds[k] = sim_kinds.get(k, 0) + 1
sim_log_note = None if sim.get("irq_log_complete", False) else \
    "uksim run kept only part of the IRQ log (its trace was full)"

# The metal side.
m = {}
def grab(pattern, group=1, default=None):
    r = re.search(pattern, log, re.M)
    return r.group(group) if r else default

res = grab(r"^result: (\w+)")
if res is None:
    reason = "the metal run gave no result (exit %s)" % metal_rc
    for k in ("verdict", "episodes", "handled", "nobody-cared", "unserved", "status-left",
              "syscalls", "interrupts", "per-cpu", "ipc", "latency"):
        m[k] = note(reason)
    m["verdict"] = "none (exit %s)" % metal_rc
else:
    m["verdict"] = res
    irq = re.search(r"^  irq: (\d+) raises, (\d+) episodes, (\d+) handled, (\d+) ACKs, (\d+) NAKs, "
                    r"(\d+) nobody-cared", log, re.M)
    m["episodes"] = irq.group(2)
    devs = re.findall(r"^  (\S+): raises (\d+), handled (\d+), unserved (\d+), status left (\w+), "
                      r"irq latency max (\S+) mean (\S+)", log, re.M)
    m["handled"] = irq.group(3) + " (%s)" % ", ".join("%s %s" % (d[0], d[2]) for d in devs)
    m["nobody-cared"] = irq.group(6)
    m["unserved"] = str(sum(int(d[3]) for d in devs))
    m["status-left"] = str(sum(int(d[4], 16) != 0 for d in devs))
    m["syscalls"] = grab(r"^stats: (\d+) syscalls")
    m["interrupts"] = grab(r"^stats: .* (\d+) device interrupts")
    cpus = re.findall(r"^  cpu (\d+): episodes handled (\d+)", log, re.M)
    m["per-cpu"] = ", ".join("cpu%s %s" % c for c in cpus)
    same = grab(r"^ipc: same-CPU round trip .*median (\d+) ns")
    cross = grab(r"^ipc: cross-CPU round trip .*median (\d+) ns")
    m["ipc"] = ("%s same-CPU, %s cross-CPU (median)" % (us(int(same)), us(int(cross)))
                if same and cross else note("the image's IPC measurement did not finish"))
    if devs:
        longest = max((d[5] for d in devs), key=to_ns)
        m["latency"] = "longest %s; mean %s" % (longest, ", ".join("%s %s" % (d[0], d[6]) for d in devs))
    else:
        m["latency"] = note("the scenario has no device")

metal_kinds = None
head = re.search(r"^irq-log: (\d+) records, (\d+) lost", log, re.M)
kl = re.search(r"^irq-log: .*\n  kinds: (.*)$", log, re.M)
if head and kl:
    metal_kinds = {}
    if kl.group(1).strip() != "none":
        for item in kl.group(1).split(", "):
            name, n = item.rsplit(" ", 1)
            metal_kinds[name] = int(n)
    if int(head.group(2)):
        metal_log_note = "the image's IRQ log was full: %s records were not kept" % head.group(2)
    else:
        metal_log_note = None
else:
    metal_log_note = "the metal run printed no IRQ log (exit %s)" % metal_rc
for k in KINDS:
    if not sim_kinds.get(k) and not (metal_kinds or {}).get(k):
        continue
    key = "log:" + k
    s[key] = str(sim_kinds.get(k, 0)) + (note(sim_log_note) if sim_log_note else "")
    if metal_kinds is None:
        m[key] = note(metal_log_note)
    else:
        m[key] = str(metal_kinds.get(k, 0)) + (note(metal_log_note) if metal_log_note else "")

rows = [
    ("verdict", "verdict"),
    ("episodes", "episodes"),
    ("handled", "handled (ACKs + late ACKs)"),
    ("nobody-cared", "nobody-cared"),
    ("unserved", "unserved raises"),
    ("status-left", "status left set"),
    ("syscalls", "kernel entries (system calls)"),
    ("interrupts", "device interrupts"),
    ("per-cpu", "episodes handled per CPU"),
    ("ipc", "IPC round trip"),
    ("latency", "IRQ latency (raise to clear)"),
] + [("log:" + k, "IRQ log: %s records" % k) for k in KINDS if "log:" + k in s]
print("scenario %s (%s)" % (sim["scenario"], sim["file"]))
hs = "simulator (uksim run, seed %s)" % sim["seed"]
hm = "metal (QEMU TCG%s)" % (", -icount shift=0" if icount == "on" else "")
w0 = max(len(r[1]) for r in rows)
w1 = max([len(hs)] + [len(s[k]) for k, _ in rows])
print("  %-*s  %-*s  %s" % (w0, "", w1, hs, hm))
for k, label in rows:
    print("  %-*s  %-*s  %s" % (w0, label, w1, s[k], m[k]))
for i, n in enumerate(notes):
    print("  -%s %s" % ("*" * (i + 1), n))
print("  The simulator's times are its cost model's virtual time; the metal times are QEMU's"
      " instruction time%s, neither a hardware figure." % (" (1 ns per instruction)" if icount == "on" else
                                                          " (the host's clock under TCG)"))
PY
py_rc=$?
[ "$py_rc" -eq 0 ] || exit 3
[ "$metal_rc" -ge 2 ] && exit "$metal_rc"
[ "$sim_rc" -ne 0 ] || [ "$metal_rc" -ne 0 ] && exit 1
exit 0
