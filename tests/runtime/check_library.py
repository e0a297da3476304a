#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every scenario of the library passes `uksim check`; every one that does
not `expect violation` meets its expectations with `uksim run --seed 1`.
Prints a verdict table. Usage: check_library.py UKSIM SCENARIO_DIR"""
import pathlib
import re
import subprocess
import sys

uksim, root = sys.argv[1], pathlib.Path(sys.argv[2])
files = sorted(p for d in ("irq", "ipc", "sched", "xfer", "metal") for p in (root / d).glob("*.uks"))
bad = 0
if len(files) < 20:
    print(f"only {len(files)} scenarios; the library needs at least 20")
    bad += 1
for f in files:
    text = f.read_text()
    if not text.startswith("#"):
        print(f"{f}: does not open with a comment")
        bad += 1
    check = subprocess.run([uksim, "check", str(f)], capture_output=True, text=True)
    violation = re.search(r"^\s*(expect\s+)?violation\s", text, re.M) is not None
    if check.returncode != 0:
        verdict = "CHECK FAILED"
        bad += 1
    elif violation:
        verdict = "check ok (violation: the explorer's)"
    else:
        run = subprocess.run([uksim, "run", "--seed", "1", str(f)], capture_output=True, text=True)
        verdict = {0: "pass", 1: "FAIL"}.get(run.returncode, f"ERROR {run.returncode}")
        if run.returncode != 0:
            bad += 1
            print(run.stdout, run.stderr)
    print(f"{str(f.relative_to(root)):40} {verdict}")
sys.exit(1 if bad else 0)
