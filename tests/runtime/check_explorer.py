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

Usage: check_explorer.py UKSIM SCENARIO_DIR MODE [RACEDRIVER_SO] [--sanitized]"""
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


LONG = "long-linux-shared.uks"


def summary_of(r):
    return next((l for l in jlines(r.stdout) if l.get("type") == "summary"), None)


def check_bounded():
    path = os.path.join(scen, LONG)
    # Bounded memory: 4 GB of address space at most (not under ASan, which
    # reserves far more), and the largest resident set measured after.
    runs = 6
    t0 = time.monotonic()
    r = uk("explore", path, "--strategy", "bounded", "--preemptions", 3, "--runs", runs,
           "-j", 2, "-q", "--json", "--no-shrink", limit_as=4 << 30)
    secs = time.monotonic() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    s = summary_of(r)
    print(f"bounded --preemptions 3 --runs {runs}: exit {r.returncode} in {secs:.1f} s, "
          f"max RSS {rss_mb:.0f} MB, {s['decisions_per_schedule'] if s else '-'} choices per schedule",
          flush=True)
    if r.returncode != 0 or not s:
        fail(f"bounded exits {r.returncode}: {r.stdout[-600:]}{r.stderr[-600:]}")
        return
    if s["decisions_per_schedule"] < 1e6:
        fail(f"the scenario is not long: {s['decisions_per_schedule']} choices per schedule")
    if s["schedules"] != runs or s["exhausted"]:
        fail(f"--runs {runs} not honoured: {s['schedules']} schedules, exhausted {s['exhausted']}")
    if rss_mb > 256:
        fail(f"max RSS {rss_mb:.0f} MB (bound: 256 MB)")
    # --time stops it too, with no --runs at all.
    t0 = time.monotonic()
    r = uk("explore", path, "--strategy", "bounded", "--preemptions", 3, "--time", 2,
           "-j", 2, "-q", "--json", "--no-shrink", limit_as=4 << 30)
    secs = time.monotonic() - t0
    s = summary_of(r)
    print(f"bounded --preemptions 3 --time 2: exit {r.returncode} in {secs:.1f} s, "
          f"{s and s['schedules']} schedules", flush=True)
    if r.returncode != 0 or not s or s["exhausted"] or s["schedules"] < 1:
        fail(f"--time 2: exit {r.returncode}: {r.stdout[-600:]}{r.stderr[-600:]}")
    elif secs > 90:
        fail(f"--time 2 took {secs:.0f} s")


def first_violation(path, strategy, runs, *extra):
    r = uk("explore", path, "--strategy", strategy, "--runs", runs, "--first", "-j", 2, "-q",
           "--json", "--no-shrink", *extra)
    v = [l for l in jlines(r.stdout) if l.get("type") == "violation"]
    s = summary_of(r)
    return r, (v[0] if v else None), s


def check_pct():
    if len(sys.argv) < 5 or sys.argv[4].startswith("--"):
        fail("usage: check_explorer.py UKSIM DIR pct RACEDRIVER_SO")
        return
    so = sys.argv[4]
    path = os.path.join(scen, "pct-long-race.uks")
    runs = 100
    found = {}
    for strategy in ("random", "pct"):
        r, v, s = first_violation(path, strategy, runs, "--load", so)
        print(f"{strategy}: exit {r.returncode}, first violation "
              f"{v['id'] + ' in schedule ' + str(v['run']) if v else 'none'} "
              f"({s and s['schedules']} schedules, "
              f"{s and s['decisions_per_schedule']:.0f} choices each)", flush=True)
        if not s:
            fail(f"{strategy}: exit {r.returncode}: {r.stdout[-500:]}{r.stderr[-500:]}")
            continue
        if s["decisions_per_schedule"] < 1e6:
            fail(f"the run is not long: {s['decisions_per_schedule']} choices per schedule")
        found[strategy] = v
    if not found.get("random"):
        fail("random does not find the lost update (the scenario no longer races)")
    if not found.get("pct"):
        fail(f"pct finds nothing in {runs} schedules where random finds the lost update")
    elif found["pct"]["id"] != "expect" or "rejected" not in found["pct"]["message"]:
        fail(f"pct finds something else: {found['pct']}")


checks = {"shrink": check_shrink, "bounded": check_bounded, "pct": check_pct}
checks[mode]()
if bad:
    print(f"{len(bad)} failure(s)")
    sys.exit(1)
print("all ok")
