#!/usr/bin/env python3
# Runs `uksim check` on every malformed scenario in a directory. Each file's
# first line says where its error must be reported and part of the message:
#   # expect: LINE:COL: message fragment
#   # expect: OTHERFILE:LINE:COL: message fragment   (an error in an include)
# The check must exit 2, name FILE:LINE:COL exactly on its first line, quote
# the fragment, show the source line with a caret, and agree in --json.
# Usage: check_bad.py UKSIM DIR
import json
import os
import re
import subprocess
import sys

uksim, bad_dir = sys.argv[1], sys.argv[2]
fails = 0
files = sorted(f for f in os.listdir(bad_dir) if f.endswith(".uks"))
for name in files:
    path = os.path.join(bad_dir, name)
    with open(path, "rb") as f:
        first = f.readline().decode()
    m = re.match(r"# expect: (?:(\S+):)?(\d+):(\d+): (.*)$", first.strip())
    if not m:
        print(f"FAIL: {name}: no '# expect: LINE:COL: message' first line")
        fails += 1
        continue
    efile = os.path.join(bad_dir, m.group(1)) if m.group(1) else path
    line, col, frag = int(m.group(2)), int(m.group(3)), m.group(4)
    r = subprocess.run([uksim, "check", path], capture_output=True, text=True)
    head = r.stderr.splitlines()[0] if r.stderr else ""
    want = f"{efile}:{line}:{col}: error: "
    problems = []
    if r.returncode != 2:
        problems.append(f"exit {r.returncode}, expected 2")
    if not head.startswith(want):
        problems.append(f"first line {head!r} does not start with {want!r}")
    if frag not in head:
        problems.append(f"message lacks {frag!r}")
    if "^" not in r.stderr:
        problems.append("no caret line")
    j = subprocess.run([uksim, "check", "--json", path], capture_output=True, text=True)
    try:
        o = json.loads(j.stdout)
        e = o["error"]
        if j.returncode != 2 or o["ok"] or (e["file"], e["line"], e["column"]) != (efile, line, col):
            problems.append(f"--json disagrees: {j.stdout.strip()}")
    except (ValueError, KeyError) as ex:
        problems.append(f"--json output unreadable ({ex}): {j.stdout!r}")
    if problems:
        fails += 1
        print(f"FAIL: {name}: " + "; ".join(problems))
        print("  " + r.stderr.replace("\n", "\n  "))
    else:
        print(f"ok: {name}: {head}")
# The directory as a whole: every file fails, so exit 2 with one report each.
r = subprocess.run([uksim, "check", bad_dir], capture_output=True, text=True)
if r.returncode != 2 or r.stderr.count(": error: ") != len(files):
    print(f"FAIL: uksim check {bad_dir}: exit {r.returncode}, "
          f"{r.stderr.count(': error: ')} errors for {len(files)} files")
    fails += 1
print(f"{len(files)} files, {fails} failed")
if len(files) < 30:
    print("FAIL: fewer than 30 malformed scenarios")
    fails += 1
sys.exit(1 if fails else 0)
