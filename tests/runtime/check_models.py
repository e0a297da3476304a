#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Each kernel's IRQ interface: the pitfall pairs of scenarios/models/ (issue 13).

For every model directory (sel4, zircon, linux, fiasco, and any other):
  - flagship.uks, the flagship in that kernel's native form, and every
    other scenario that is not part of a pair pass `uksim run` and
    MODELS_FIXED_RUNS random schedules;
  - at least MIN_PAIRS pairs NAME-found.uks / NAME-fixed.uks, which differ
    in their last line only; the found file's last line ends with
    `; expect violation ID`;
  - both files of a pair open with a comment with a `# Source:` line (the
    kernel's issue, commit or function the pitfall comes from);
  - the fixed file passes `uksim run` and MODELS_FIXED_RUNS random
    schedules;
  - pct finds the found file's expected violation, as the first violation,
    within MODELS_FOUND_RUNS schedules.
And `uksim compare scenarios/irq/flagship-shared-level.uks
scenarios/models/*/flagship.uks --runs MODELS_FIXED_RUNS` prints one row per
file (five with the four kernels), each passing with no violation.
And the machine's generic features under every model: the scenarios of
MACHINE (affinity, per-CPU lines, suspend and wake), whose drivers are
`native-driver`, pass MODELS_FIXED_RUNS random schedules with
`--set irq-model=M` for each model M.
The full figures are 10,000 and 10,000 (the defaults); the test suite runs
a subset (meson.build sets 2,000 each) and docs/irq-models.md has the full
run's numbers.
Usage: check_models.py UKSIM MODELS_DIR [MODEL...]"""
import json
import os
import pathlib
import re
import subprocess
import sys
import time

MIN_PAIRS = 3
REQUIRED = ["sel4", "zircon", "linux", "fiasco"]
MODELS = ["managarm"] + REQUIRED
MACHINE = ["affinity-move", "percpu-timer", "suspend-wake", "suspend-resume"]
FOUND_RUNS = int(os.environ.get("MODELS_FOUND_RUNS", "10000"))
FIXED_RUNS = int(os.environ.get("MODELS_FIXED_RUNS", "10000"))
FOUND_LINE = re.compile(r"; expect violation ([\w-]+)$")

uksim, root = sys.argv[1], pathlib.Path(sys.argv[2])
only = sys.argv[3:]
bad = []


def fail(msg):
    bad.append(msg)
    print("FAIL:", msg, flush=True)


def uk(*args):
    return subprocess.run([uksim, *map(str, args)], capture_output=True, text=True)


def explore(path, strategy, runs):
    args = ["explore", path, "--strategy", strategy, "--runs", runs, "-q", "--json",
            "--no-shrink", "--first"]
    t0 = time.monotonic()
    r = uk(*args)
    secs = time.monotonic() - t0
    lines = [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]
    viol = [l for l in lines if l.get("type") == "violation"]
    summary = next((l for l in lines if l.get("type") == "summary"), None)
    return r.returncode, viol, summary, secs, r.stderr


def passes(path, what):
    """uksim run, then FIXED_RUNS random schedules: no violation."""
    r = uk("run", path, "--seed", "1")
    if r.returncode != 0:
        fail(f"{what}: uksim run --seed 1 exits {r.returncode}\n{r.stdout[-2000:]}{r.stderr}")
        return None
    rc, viol, summ, secs, err = explore(path, "random", FIXED_RUNS)
    ran = summ["schedules"] if summ else 0
    if rc != 0 or viol or ran != FIXED_RUNS:
        first = f"{viol[0]['id']} in schedule {viol[0]['run']}: {viol[0]['message']}" if viol else "-"
        fail(f"{what}: {FIXED_RUNS} random schedules: exit {rc}, {ran} ran, first {first}\n{err}")
        return None
    return secs


def sourced(path):
    lines = path.read_text().splitlines()
    head = []
    for l in lines:
        if not l.startswith("#"):
            break
        head.append(l)
    return bool(head) and any(re.match(r"#\s*Source:\s*\S", l) for l in head)


models = sorted(d.name for d in root.iterdir() if d.is_dir())
for m in REQUIRED:
    if m not in models and (not only or m in only):
        fail(f"scenarios/models/{m}/ is missing")
print(f"{'model/pair':34} {'expects':22} {'pct':>6} fixed random")
for m in models:
    if only and m not in only:
        continue
    d = root / m
    flag = d / "flagship.uks"
    if not flag.exists():
        fail(f"{m}: flagship.uks is missing")
    else:
        secs = passes(flag, f"{m}/flagship.uks")
        if secs is not None:
            print(f"{m + '/flagship':34} {'-':22} {'-':>6} {FIXED_RUNS} pass in {secs:.1f} s",
                  flush=True)
    # Any other scenario of the directory (a model's own feature) passes too.
    for f in sorted(d.glob("*.uks")):
        if f.name == "flagship.uks" or re.search(r"-(found|fixed)\.uks$", f.name):
            continue
        secs = passes(f, f"{m}/{f.name}")
        if secs is not None:
            print(f"{m + '/' + f.stem:34} {'-':22} {'-':>6} {FIXED_RUNS} pass in {secs:.1f} s",
                  flush=True)
    pairs = sorted(p.name[: -len("-found.uks")] for p in d.glob("*-found.uks"))
    if len(pairs) < MIN_PAIRS:
        fail(f"{m}: {len(pairs)} pairs; at least {MIN_PAIRS} are needed")
    for name in pairs:
        found, fixed = d / f"{name}-found.uks", d / f"{name}-fixed.uks"
        label = f"{m}/{name}"
        if not fixed.exists():
            fail(f"{label}: {fixed.name} is missing")
            continue
        a, b = found.read_text().splitlines(), fixed.read_text().splitlines()
        while a and not a[-1].strip():
            a.pop()
        while b and not b[-1].strip():
            b.pop()
        if len(a) != len(b) or a[:-1] != b[:-1]:
            fail(f"{label}: the pair must differ in its last line only")
            continue
        want = FOUND_LINE.search(a[-1])
        if not want or FOUND_LINE.search(b[-1]):
            fail(f"{label}: the found file's last line must end `; expect violation ID` "
                 "and the fixed file's must not")
            continue
        want = want.group(1)
        for f in (found, fixed):
            if not sourced(f):
                fail(f"{f.relative_to(root)}: its opening comment has no '# Source:' line")
            c = uk("check", f)
            if c.returncode != 0:
                fail(f"{f.relative_to(root)}: uksim check exits {c.returncode}\n{c.stdout}{c.stderr}")
        rc, viol, summ, _, err = explore(found, "pct", FOUND_RUNS)
        at = viol[0]["run"] if viol else None
        if rc != 0 or not viol or viol[0]["id"] != want:
            got = f"{viol[0]['id']} in schedule {at}" if viol else "nothing"
            fail(f"{label}-found: pct did not find {want} first in {FOUND_RUNS} schedules "
                 f"(exit {rc}, found {got})\n{err}")
        secs = passes(fixed, f"{label}-fixed")
        print(f"{label:34} {want:22} {str(at):>6} "
              f"{(str(FIXED_RUNS) + ' pass in ' + format(secs, '.1f') + ' s') if secs else 'FAIL'}",
              flush=True)
if not only:
    for name in MACHINE:
        path = root.parent / "irq" / f"{name}.uks"
        for m in MODELS:
            r = uk("explore", path, "--set", f"irq-model={m}", "--runs", FIXED_RUNS, "-q",
                   "--json", "--no-shrink", "--first")
            lines = [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]
            viol = [l for l in lines if l.get("type") == "violation"]
            summ = next((l for l in lines if l.get("type") == "summary"), None)
            ran = summ["schedules"] if summ else 0
            if r.returncode != 0 or viol or ran != FIXED_RUNS:
                first = f"{viol[0]['id']}: {viol[0]['message']}" if viol else "-"
                fail(f"irq/{name}.uks under {m}: exit {r.returncode}, {ran} ran, first {first}\n"
                     f"{r.stderr}")
            else:
                print(f"machine: {name + ' under ' + m:40} {ran} pass")
    flags = [root.parent / "irq" / "flagship-shared-level.uks"] + \
        sorted(root.glob("*/flagship.uks"))
    r = uk("compare", *flags, "--runs", FIXED_RUNS, "--json")
    try:
        rows = json.loads(r.stdout)["rows"]
    except (ValueError, KeyError):
        rows = None
        fail(f"uksim compare of the flagships gave no JSON (exit {r.returncode})\n{r.stderr}")
    if rows is not None:
        if r.returncode != 0 or len(rows) != len(flags) or len(rows) < 1 + len(REQUIRED):
            fail(f"uksim compare of {len(flags)} flagships: exit {r.returncode}, {len(rows)} rows")
        for row in rows:
            ex = row.get("explore") or {}
            ok = row["verdict"] == "pass" and ex.get("violations") == 0 and \
                ex.get("schedules") == FIXED_RUNS
            print(f"compare: {row['scenario']:28} {row['verdict']:6} "
                  f"{ex.get('schedules')} schedules, {ex.get('violations')} violations")
            if not ok:
                fail(f"compare: {row['file']}: {row['verdict']}, {ex}")
sys.exit(1 if bad else 0)
