#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The known-bad designs of scenarios/designs/ (issue 12, item 4).

For every pair NAME-found.uks / NAME-fixed.uks:
  - the two files differ in exactly one line, the design line: the found
    file's names the known-bad design and, after `;`, the violation it
    expects; the fixed file's names the correct design in the same place;
  - the fixed file asserts that episodes were handled;
  - the fixed file passes `uksim run` (virtual time, and seed 1) and
    DESIGNS_FIXED_RUNS random schedules (default 10,000);
  - pct finds the found file's expected violation, as the first violation,
    within DESIGNS_FOUND_RUNS schedules (default 10,000);
  - the found file's run on the default (virtual-time) schedule is
    recorded: at least MIN_DEFAULT_PASS found files must pass it (no
    violation, every other expectation met), so that only the explorer
    finds their bug.
At least MIN_PAIRS pairs, each listed in scenarios/designs/README.md.
Usage: check_designs.py UKSIM DESIGNS_DIR"""
import json
import os
import pathlib
import re
import subprocess
import sys
import time

MIN_PAIRS = 5
MIN_DEFAULT_PASS = 3
FOUND_RUNS = int(os.environ.get("DESIGNS_FOUND_RUNS", "10000"))
FIXED_RUNS = int(os.environ.get("DESIGNS_FIXED_RUNS", "10000"))

uksim, root = sys.argv[1], pathlib.Path(sys.argv[2])
bad = []

# The design line: a machine's IRQ model or a line's behaviour.
DESIGN = r"(machine \{ irq-model [\w-]+ \}|line (?:ioapic|msi|plic) \d+ \{ behaviour [\w-]+ \})"
FOUND_LINE = re.compile(DESIGN + r"; expect violation ([\w-]+)$")
FIXED_LINE = re.compile(DESIGN + r"$")


def fail(msg):
    bad.append(msg)
    print("FAIL:", msg)


def uk(*args):
    return subprocess.run([uksim, *map(str, args)], capture_output=True, text=True)


def explore(path, strategy, runs, first):
    args = ["explore", path, "--strategy", strategy, "--runs", runs, "-q", "--json", "--no-shrink"]
    if first:
        args.append("--first")
    t0 = time.monotonic()
    r = uk(*args)
    secs = time.monotonic() - t0
    lines = [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]
    viol = [l for l in lines if l.get("type") == "violation"]
    summary = next((l for l in lines if l.get("type") == "summary"), None)
    return r.returncode, viol, summary, secs, r.stderr


def design_name(line):
    return re.search(r"(?:irq-model|behaviour) ([\w-]+)", line).group(1)


readme = (root / "README.md").read_text() if (root / "README.md").exists() else ""
if not readme:
    fail("scenarios/designs/README.md is missing")
pairs = sorted(p.name[: -len("-found.uks")] for p in root.glob("*-found.uks"))
for f in root.glob("*.uks"):
    if not re.search(r"-(found|fixed)\.uks$", f.name):
        fail(f"{f.name}: not part of a pair (NAME-found.uks / NAME-fixed.uks)")
if len(pairs) < MIN_PAIRS:
    fail(f"only {len(pairs)} pairs; at least {MIN_PAIRS} are needed")

default_pass = []
print(f"{'pair':22} {'design (found / fixed)':44} {'expects':13} {'pct':>6} {'default':8} "
      f"fixed random")
for name in pairs:
    found, fixed = root / f"{name}-found.uks", root / f"{name}-fixed.uks"
    if not fixed.exists():
        fail(f"{name}: {fixed.name} is missing")
        continue
    a, b = found.read_text().splitlines(), fixed.read_text().splitlines()
    if not a or not a[0].startswith("#"):
        fail(f"{found.name}: does not open with a comment")
    diff = [i for i in range(max(len(a), len(b))) if (a[i:i + 1] or [None]) != (b[i:i + 1] or [None])]
    if len(a) != len(b) or len(diff) != 1:
        fail(f"{name}: the pair differs in {len(diff)} lines (lengths {len(a)}, {len(b)}); "
             "it must differ in the design line only")
        continue
    fl, xl = a[diff[0]].strip(), b[diff[0]].strip()
    m, x = FOUND_LINE.match(fl), FIXED_LINE.match(xl)
    if not m or not x:
        fail(f"{name}: line {diff[0] + 1} is not a design line pair:\n  {fl}\n  {xl}")
        continue
    bad_design, good_design, want = design_name(m.group(1)), design_name(x.group(1)), m.group(2)
    # The same statement with another name: the design is all that changes.
    if m.group(1).replace(bad_design, "") != x.group(1).replace(good_design, ""):
        fail(f"{name}: the design lines name different places: {m.group(1)} / {x.group(1)}")
    if bad_design == good_design:
        fail(f"{name}: found and fixed name the same design {bad_design}")
    if f"`{name}`" not in readme:
        fail(f"{name}: not listed in README.md")
    if not re.search(r"^\s*(handled \S+ at least [1-9]|count handled(\(\S+\))? >=? *[1-9])",
                     fixed.read_text(), re.M):
        fail(f"{fixed.name}: does not assert that episodes were handled")

    for f in (found, fixed):
        c = uk("check", f)
        if c.returncode != 0:
            fail(f"{f.name}: uksim check exits {c.returncode}\n{c.stdout}{c.stderr}")
    for opts in (["--chooser", "time"], ["--seed", "1"]):
        r = uk("run", fixed, *opts)
        if r.returncode != 0:
            fail(f"{fixed.name}: uksim run {' '.join(opts)} exits {r.returncode}\n{r.stdout}")

    # The found file on the default schedule: does it look healthy?
    r = uk("run", found, "--chooser", "time", "--json")
    try:
        rep = json.loads(r.stdout)
        healthy = not rep["violations"] and all(
            e["met"] for e in rep["expectations"] if not e["text"].startswith("violation "))
    except (ValueError, KeyError):
        fail(f"{found.name}: uksim run --json gave no report (exit {r.returncode})\n{r.stderr}")
        healthy = False
    if healthy:
        default_pass.append(name)

    rc, viol, summ, _, err = explore(found, "pct", FOUND_RUNS, True)
    at = viol[0]["run"] if viol else None
    if rc != 0 or not viol or viol[0]["id"] != want:
        got = f"{viol[0]['id']} in schedule {at}" if viol else "nothing"
        fail(f"{found.name}: pct did not find {want} first in {FOUND_RUNS} schedules "
             f"(exit {rc}, found {got})\n{err}")

    rc, viol, summ, secs, err = explore(fixed, "random", FIXED_RUNS, True)
    ran = summ["schedules"] if summ else 0
    if rc != 0 or viol or ran != FIXED_RUNS:
        first = f"{viol[0]['id']} in schedule {viol[0]['run']}: {viol[0]['message']}" if viol else "-"
        fail(f"{fixed.name}: {FIXED_RUNS} random schedules: exit {rc}, {ran} ran, first {first}\n{err}")
    print(f"{name:22} {bad_design + ' / ' + good_design:44} {want:13} {str(at):>6} "
          f"{'pass' if healthy else 'shows':8} {ran} pass in {secs:.1f} s")

if len(default_pass) < MIN_DEFAULT_PASS:
    fail(f"only {len(default_pass)} found files pass the default schedule ({', '.join(default_pass)}); "
         f"at least {MIN_DEFAULT_PASS} must, so that only the explorer finds their bug")
print(f"{len(pairs)} pairs; found files passing the default schedule: {', '.join(default_pass)}")
sys.exit(1 if bad else 0)
