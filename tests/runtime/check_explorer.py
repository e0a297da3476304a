#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The explorer on what researchers hand it (issue 14, defects 1 to 3).

  shrink   a PCT schedule of thousands of departures shrinks to a 1-minimal
           one (dropping any single departure loses the violation), with no
           budget unless asked for; a budget that cuts shrinking short is
           said, with its value;
  bounded  `--strategy bounded --preemptions 3 --runs N` on a schedule of
           millions of choices runs N schedules in bounded memory (its
           children are made as they are needed), and honours --time;
  pct      on that long run PCT finds the bug random finds, because its
           change points fall on the choices that matter.

Usage: check_explorer.py UKSIM SCENARIO_DIR MODE [--sanitized]"""
import json
import os
import resource
import subprocess
import sys
import time

uksim, scen, mode = sys.argv[1], sys.argv[2], sys.argv[3]
sanitized = "--sanitized" in sys.argv[4:]
bad = []


def fail(msg):
    bad.append(msg)
    print("FAIL:", msg, flush=True)


def uk(*args, limit_as=None, timeout=600):
    def pre():
        if limit_as and not sanitized:
            resource.setrlimit(resource.RLIMIT_AS, (limit_as, limit_as))
    return subprocess.run([uksim, *map(str, args)], capture_output=True, text=True,
                          preexec_fn=pre, timeout=timeout)


def jlines(out):
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")]


# Replay tokens: uk2-HASH-BUILD-ENV-SCHEDULE, a scripted SCHEDULE being "s"
# and departures "<distance from the previous index>.<option>" in base 36.
def b36(n):
    d = "0123456789abcdefghijklmnopqrstuvwxyz"
    s = ""
    while True:
        s = d[n % 36] + s
        n //= 36
        if n == 0:
            return s


def departures(token):
    head, sched = token.rsplit("-", 1)
    assert sched.startswith("s"), token
    devs, idx = [], 0
    for part in filter(None, sched[1:].split("_")):
        dist, opt = part.split(".")
        idx += int(dist, 36)
        devs.append((idx, int(opt, 36)))
    return head, devs


def token_of(head, devs):
    parts, prev = [], 0
    for idx, opt in devs:
        parts.append(b36(idx - prev) + "." + b36(opt))
        prev = idx
    return head + "-s" + "_".join(parts)


def check_shrink():
    path = os.path.join(scen, "shrink-shared-msi.uks")
    r = uk("explore", path, "--strategy", "pct", "--runs", 2000, "--first", "-j", 2, "-q", "--json")
    v = [l for l in jlines(r.stdout) if l.get("type") == "violation"]
    if r.returncode != 1 or not v:
        fail(f"pct finds nothing: exit {r.returncode}\n{r.stdout[-1500:]}{r.stderr[-1500:]}")
        return
    v = v[0]
    print(f"pct: {v['id']} in schedule {v['run']}; shrunk from {v.get('departures')} to "
          f"{v.get('shrunk_departures')} departures in {v.get('shrink_runs')} runs, "
          f"complete {v.get('shrink_complete')}", flush=True)
    if v.get("shrink_complete") is not True:
        fail(f"shrinking did not finish: {json.dumps(v)[-400:]}")
    head, devs = departures(v["shrunk_token"])
    if len(devs) != v.get("shrunk_departures"):
        fail(f"the token has {len(devs)} departures, the JSON says {v.get('shrunk_departures')}")
    if len(devs) > 8:
        fail(f"{len(devs)} departures left (the bug needs one)")
        return
    # The shrunk schedule still breaks the same way ...
    r = uk("replay", path, "--token", v["shrunk_token"], "--json", "-q")
    got = jlines(r.stdout)
    if r.returncode != 1 or not got or got[0].get("violation") != v["id"]:
        fail(f"the shrunk token does not replay the violation: exit {r.returncode} {r.stdout[-500:]}")
    # ... and without any one of its departures it does not (1-minimal).
    for i in range(len(devs)):
        t = token_of(head, devs[:i] + devs[i + 1:])
        r = uk("replay", path, "--token", t, "--json", "-q")
        got = jlines(r.stdout)
        if not got or got[0].get("violation") == v["id"]:
            fail(f"departure {i} ({devs[i]}) can go and the violation stays: not 1-minimal")
    # A budget is only there when asked for, and then it is said.
    r = uk("explore", path, "--strategy", "pct", "--runs", 2000, "--first", "-j", 2,
           "--shrink-budget", 5)
    if "shrinking stopped by its budget of 5 runs" not in r.stdout:
        fail(f"a shrink budget that cut the work short is not said:\n{r.stdout[:1200]}{r.stderr[-500:]}")
    r = uk("explore", path, "--strategy", "pct", "--runs", 2000, "--first", "-j", 2,
           "--shrink-budget", 5, "--json", "-q")
    v = [l for l in jlines(r.stdout) if l.get("type") == "violation"]
    if not v or v[0].get("shrink_complete") is not False or v[0].get("shrink_budget_runs") != 5:
        fail(f"--json does not say the shrink budget: {r.stdout[:800]}")


checks = {"shrink": check_shrink}
checks[mode]()
if bad:
    print(f"{len(bad)} failure(s)")
    sys.exit(1)
print("all ok")
