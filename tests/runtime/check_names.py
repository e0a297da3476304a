#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Scenario names everywhere (issue 14, defect 4).

Runs tests/runtime/scenarios/names-two-lines.uks (two drivers attach to two
lines in an order the schedule decides, so the kernel's pin and sink ids
change from seed to seed) and checks that

  - the VCD's signals carry the scenario's names (nic0.line, nic0.status,
    disk0.msi, nicdrv.main.seq, nic0.in_service, ...) and are the same, in
    the same order with the same identifiers, for every seed;
  - each named signal means the same thing in every run: disk0 is asserted
    twice (two episodes), nic0 once;
  - the Chrome trace names its thread slices and IRQ tracks after the
    scenario's threads and lines;
  - `run --json` and `replay --json` carry a names table and the thread of
    the violation, and the story of explore speaks names, not ids
    ("thread 7", "pin 0", "sink 3", "event 0x0180", "user 28928").

usage: check_names.py UKSIM SOURCE_ROOT
"""
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

uksim, root = sys.argv[1], Path(sys.argv[2])
two = str(root / "tests/runtime/scenarios/names-two-lines.uks")
abc = str(root / "scenarios/irq/ack-before-clear.uks")
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
    return ok


def run(*args):
    return subprocess.run([uksim, *args], capture_output=True, text=True, timeout=120)


def vcd_header_and_changes(path):
    text = Path(path).read_text()
    head, _, body = text.partition("$enddefinitions $end")
    defs = re.findall(r"\$var (\w+) (\d+) (\S+) (\S+) \$end", head)
    ids = {ident: name for _, _, ident, name in defs}
    changes = {}
    now = 0
    for line in body.splitlines():
        if line.startswith("#"):
            now = int(line[1:])
        elif line and line[0] in "01" and line[1:] in ids:
            changes.setdefault(ids[line[1:]], []).append((now, int(line[0])))
        elif line.startswith("b"):
            v, ident = line[1:].split()
            if ident in ids:
                changes.setdefault(ids[ident], []).append((now, int(v, 2)))
    return defs, changes


with tempfile.TemporaryDirectory() as tmp:
    headers = {}
    for seed in range(1, 9):
        vcd, trace = f"{tmp}/s{seed}.vcd", f"{tmp}/s{seed}.json"
        r = run("run", two, "--seed", str(seed), "--vcd", vcd, "--trace", trace)
        if not check(r.returncode == 0 and Path(vcd).exists(),
                     f"seed {seed}: run exits {r.returncode}: {r.stderr.strip()}"):
            continue
        defs, changes = vcd_header_and_changes(vcd)
        headers[seed] = defs
        names = {d[3] for d in defs}
        for want in ("nic0.line", "nic0.status", "disk0.status", "disk0.msi", "nicdrv.main.seq",
                     "diskdrv.main.seq", "nic0.in_service", "disk0.in_service", "nic0.level",
                     "nic0.mask", "nic0.cpu", "disk0.cpu"):
            check(want in names, f"seed {seed}: no VCD signal {want} (have {sorted(names)})")
        bare = [n for n in names if re.search(r"(^|[._])(pin|sink|ctrl)\d", n)]
        check(not bare, f"seed {seed}: VCD signals named by kernel ids: {bare}")
        # disk0 is asserted twice, nic0 once: two episodes against one.
        starts = {n: sum(1 for _, v in changes.get(n, []) if v == 1)
                  for n in ("nic0.in_service", "disk0.in_service")}
        check(starts == {"nic0.in_service": 1, "disk0.in_service": 2},
              f"seed {seed}: episodes per line {starts}, want nic0 1 and disk0 2")
        seq = {n: max((v for _, v in changes.get(n, [])), default=0)
               for n in ("nicdrv.main.seq", "diskdrv.main.seq")}
        check(seq == {"nicdrv.main.seq": 1, "diskdrv.main.seq": 2},
              f"seed {seed}: last sequence per sink {seq}, want nicdrv 1 and diskdrv 2")
        msi = max((v for _, v in changes.get("disk0.msi", [])), default=0)
        check(msi == 2, f"seed {seed}: disk0 sent {msi} MSI messages, want 2")
        st = changes.get("nic0.status", [])[1:]  # after the initial value
        check([v for _, v in st] == [1, 0], f"seed {seed}: nic0.status changes {st}, want 1 then 0")
        # Chrome: thread slices and IRQ tracks by name.
        ev = json.loads(Path(trace).read_text())["traceEvents"]
        slices = {e["name"] for e in ev if e.get("ph") == "X"}
        check({"nicdrv.main", "diskdrv.main"} <= slices,
              f"seed {seed}: Chrome thread slices {sorted(slices)}")
        check(not any(re.fullmatch(r"thread \d+", s) for s in slices),
              f"seed {seed}: Chrome slices named by thread id: {sorted(slices)}")
        tracks = {e["args"]["name"] for e in ev if e.get("ph") == "M" and e.get("pid") == 2
                  and e["name"] == "thread_name"}
        check({"nic0", "disk0"} <= tracks, f"seed {seed}: Chrome IRQ tracks {sorted(tracks)}")
        devtracks = {e["args"]["name"]: e["tid"] for e in ev if e.get("ph") == "M"
                     and e.get("pid") == 4 and e["name"] == "thread_name"}
        check(set(devtracks) == {"nic0", "disk0"}, f"seed {seed}: Chrome device tracks {devtracks}")
        msis = [e for e in ev if e.get("pid") == 4 and e.get("name") == "MSI message"]
        check(len(msis) == 2 and all(e["tid"] == devtracks.get("disk0") for e in msis),
              f"seed {seed}: Chrome MSI messages {msis}")
        episodes = {e["name"] for e in ev if e.get("ph") == "b"}
        check(episodes <= {"nic0", "disk0"} and episodes,
              f"seed {seed}: Chrome episodes named {sorted(episodes)}")
    if headers:
        first = next(iter(headers.values()))
        for seed, h in headers.items():
            check(h == first, f"seed {seed}: VCD signals differ from seed 1's:\n  {h}\n  {first}")

    # run --json: a names table and the violation's thread.
    r = run("run", abc, "--json")
    try:
        j = json.loads(r.stdout)
        check(j.get("names", {}).get("threads", {}) and
              {"nicdrv.main", "diskdrv.main"} <= set(j["names"]["threads"].values()),
              f"run --json: names {j.get('names')}")
        check(set(j.get("names", {}).get("lines", {}).values()) == {"nic0+disk0"},
              f"run --json: lines {j.get('names', {}).get('lines')}")
        v = j["violations"][0] if j.get("violations") else {}
        check(v.get("thread") in ("nicdrv.main", "diskdrv.main"),
              f"run --json: violation without its thread: {v}")
    except (ValueError, KeyError) as exc:
        check(False, f"run --json: {exc}: {r.stdout[:300]}")

    # Threads made at run time: the thread that carries out `kill diskdrv`
    # is named by its role, even though it has ended by the run's end.
    kill = str(root / "scenarios/irq/kill-owing-driver.uks")
    r = run("run", kill, "--json", "--trace", f"{tmp}/kill.json")
    try:
        threads = set(json.loads(r.stdout).get("names", {}).get("threads", {}).values())
        check(threads == {"nicdrv.main", "diskdrv.main", "diskdrv.kill", "idle/cpu0", "idle/cpu1"},
              f"kill-owing-driver: threads {sorted(threads)}")
        ev = json.loads(Path(f"{tmp}/kill.json").read_text())["traceEvents"]
        slices = {e["name"] for e in ev if e.get("ph") == "X"}
        check(not any(re.fullmatch(r"thread \d+", s) for s in slices),
              f"kill-owing-driver: Chrome slices named by thread id: {sorted(slices)}")
    except ValueError as exc:
        check(False, f"kill-owing-driver run --json: {exc}: {r.stdout[:300]}")

    # A kernel invariant's story: the check's own words ("pin 0") named too.
    r = run("explore", str(root / "scenarios/designs/managarm-2020-found.uks"), "--runs", "100",
            "--no-shrink", "-j", "1")
    out = r.stdout + r.stderr
    story = out[out.find("It "):]
    check("I4" in story and "com1+com3" in story and not re.search(r"\b(pin|sink) \d", story),
          f"managarm-2020-found: the story speaks ids:\n{story}")

    # The kernel's own check names its pin: run's violations say the line.
    r = run("run", str(root / "scenarios/designs/msi-no-retry-found.uks"), "--json")
    try:
        msgs = [v["message"] for v in json.loads(r.stdout)["violations"] if v["id"] == "I6"]
        check(msgs and all("the line of nvme0" in m and not re.search(r"\bpin \d", m) for m in msgs),
              f"msi-no-retry-found: I6 messages {msgs}")
    except (ValueError, KeyError) as exc:
        check(False, f"msi-no-retry-found run --json: {exc}: {r.stdout[:300]}")

    # explore: the story; replay --json.
    r = run("explore", abc, "--runs", "50", "--no-shrink", "--trace", f"{tmp}/x.json")
    out = r.stdout + r.stderr
    story = out[out.find("It "):]
    for pat in (r"\bthread \d", r"\bpin \d", r"\bsink \d", r"event 0x", r"\buser \d",
                r"core\.\w+ \d", r"irq\.\w+ \d", r"hw\.[\w-]+ \d"):
        m = re.search(pat, story)
        check(not m, f"explore story speaks ids ({pat}): ...{story[max(0, m.start() - 60):m.end() + 40] if m else ''}...")
    check("nicdrv.main" in story or "diskdrv.main" in story, f"explore story names no thread:\n{story}")
    tok = re.search(r"--token (\S+)", out)
    if check(tok, f"explore printed no token:\n{out}"):
        r = run("replay", abc, "--token", tok.group(1))
        check(re.search(r"on CPU \d \((nicdrv|diskdrv)\.main\)", r.stdout),
              f"replay names no thread on the violation's CPU:\n{r.stdout[:400]}")
        r = run("replay", abc, "--token", tok.group(1), "--json")
        try:
            j = json.loads(r.stdout)
            check(j.get("thread") in ("nicdrv.main", "diskdrv.main"),
                  f"replay --json: violation thread {j.get('thread')}")
            check({"nicdrv.main", "diskdrv.main"} <= set(j.get("names", {}).get("threads", {}).values()),
                  f"replay --json: names {j.get('names')}")
            check(all("thread" in d for d in j.get("departures", [])),
                  "replay --json: departures without their thread")
        except ValueError as exc:
            check(False, f"replay --json: {exc}: {r.stdout[:300]}")

if failures:
    print(f"{len(failures)} failures:")
    for f in failures:
        print(" -", f)
    sys.exit(1)
print("scenario names everywhere: ok")
