#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""uksim report (issue 14): one self-contained HTML file, checked in a real
headless browser.

Writes a report of two scenarios (one with a violation, one without),
opens it in Debian's chromium (--headless --dump-dom, so its inline script
runs and draws), and checks what was drawn against the run itself: the
verdict table against `uksim explore --json`, and each timeline figure
against the Chrome trace `uksim explore --trace` writes of the same run
(CPUs, threads, thread stretches, interrupts taken, interrupt lines,
service episodes, answers). Also: nothing is fetched from anywhere, the
same run writes the same bytes, and bad arguments exit 2 with a message.

Skips (exit 77) only when no chromium is installed; CI installs it
(scripts/install-deps.sh).

A long run (millions of choices) is drawn from where its last 50,000 marks
begin, with the state before them, and the page says so.

Usage: check_report.py UKSIM SCENARIO_DIR TEST_SCENARIO_DIR
"""
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

RUNS = "300"
OPTS = ["--runs", RUNS, "-j", "1", "--seed", "1"]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def find_browser():
    for name in (os.environ.get("UKSIM_CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


class Dom(html.parser.HTMLParser):
    """The elements of the dumped page: tag, attributes, the figure and
    table row they sit in, and their text."""

    def __init__(self):
        super().__init__()
        self.elems = []
        self.figure = None
        self.stack = []
        self.rows = []
        self.cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "figure":
            self.figure = a.get("id")
        if tag == "tr" and "data-target" in a:
            self.rows.append({"target": a["data-target"], "cells": []})
        if tag == "td" and self.rows:
            self.cell = ""
        self.elems.append((tag, a, self.figure))

    def handle_endtag(self, tag):
        if tag == "figure":
            self.figure = None
        if tag == "td" and self.cell is not None:
            self.rows[-1]["cells"].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)


def chrome_counts(path):
    """What the Chrome trace export shows of a run."""
    ev = json.load(open(path))["traceEvents"]
    cpus = sum(1 for e in ev if e.get("ph") == "M" and e["name"] == "thread_name"
               and e.get("pid") == 1)
    slices = [e for e in ev if e.get("ph") == "X" and e.get("cat") == "thread"]
    answers = {"irq.ack", "irq.nak", "irq.kick", "irq.nobody-cared", "irq.ack-timeout",
               "irq.stall"}
    return {
        "cpus": cpus,
        "threads": sorted({e["name"] for e in slices}),
        "slices": len(slices),
        "interrupts": sum(1 for e in ev if e.get("ph") == "i" and e["name"] == "interrupt"),
        "lines": sorted({e["name"][:-len(" level")] for e in ev if e.get("ph") == "C"
                         and e.get("pid") == 3 and e["name"].endswith(" level")}),
        "pins": sorted({e["name"] for e in ev if e.get("ph") == "b" and e.get("cat") == "irq"}),
        "episodes": sum(1 for e in ev if e.get("ph") == "b" and e.get("cat") == "irq"),
        "answers": sum(1 for e in ev if e.get("ph") == "i" and e.get("pid") == 2
                       and e["name"] in answers),
    }


def drawn_counts(dom, fig):
    els = [(t, a) for t, a, f in dom.elems if f == fig]
    kind = lambda k: [a for t, a in els if a.get("data-kind") == k]
    return {
        "cpus": len(kind("cpu")),
        "threads": sorted({a["data-name"] for a in kind("thread")}),
        "slices": len(kind("slice")),
        "interrupts": len(kind("interrupt")),
        "lines": sorted({a["data-name"] for a in kind("line")}),
        "pins": sorted({a["data-name"] for a in kind("pin")}),
        "episodes": len(kind("episode")),
        "answers": len(kind("answer")),
    }


def check_bad_args(uksim, scn, tmp):
    out = os.path.join(tmp, "bad.html")
    copy = os.path.join(tmp, "copy.uks")
    shutil.copy(scn, copy)
    before = open(copy).read()
    os.mkdir(os.path.join(tmp, "empty"))
    cases = [
        ([], "uksim report: usage"),
        ([copy, scn], "must end in .html"),
        ([out], "which target"),
        ([out, os.path.join(tmp, "no-such.uks")], "no-such.uks"),
        ([os.path.join(tmp, "no-dir", "x.html"), scn], "cannot write"),
        ([tmp, scn], "must end in .html"),
        ([out, scn, "--runs", "0"], "--runs"),
        ([out, os.path.join(tmp, "empty")], "no scenario files"),
        ([out, scn, "--strategy", "nope"], "unknown strategy"),
        ([out, scn, "--rnus", "3"], "did you mean '--runs'"),
    ]
    for args, words in cases:
        p = run([uksim, "report"] + args)
        if p.returncode != 2:
            fail("uksim report %s exited %d, expected 2\n%s%s" % (" ".join(args), p.returncode,
                                                                   p.stdout, p.stderr))
        if words not in p.stderr:
            fail("uksim report %s: the message does not say %r:\n%s" % (" ".join(args), words,
                                                                        p.stderr))
        if os.path.exists(out):
            fail("uksim report %s left a report behind after exit 2" % " ".join(args))
    if open(copy).read() != before:
        fail("uksim report x.uks ... overwrote the scenario")
    print("ok: bad arguments exit 2 with a message and write nothing")


def main():
    uksim, scndir = sys.argv[1], sys.argv[2]
    bad = os.path.join(scndir, "irq", "ack-before-clear.uks")
    good = os.path.join(scndir, "irq", "flagship-shared-level.uks")
    more = sys.argv[3]
    targets = [bad, good, os.path.join(more, "shrink-shared-msi.uks")]
    long_run = os.path.join(more, "long-linux-shared.uks")
    with tempfile.TemporaryDirectory() as tmp:
        check_bad_args(uksim, good, tmp)
        browser = find_browser()
        if not browser:
            print("SKIP: no chromium installed (apt-get install chromium, or "
                  "scripts/install-deps.sh); the report cannot be checked in a browser")
            sys.exit(77)

        out = os.path.join(tmp, "report.html")
        p = run([uksim, "report", out] + targets + OPTS + ["-q"])
        code = p.returncode
        page = open(out).read()
        # Self-contained: nothing to fetch, no fonts, no links out.
        for bad_ref in ("src=", "<link", "@import", "url(", "http://", "https://", "@font-face"):
            probe = page.replace("http://www.w3.org/2000/svg", "")
            if bad_ref in probe:
                fail("the report refers to something outside itself: %r" % bad_ref)
        # Deterministic: the same run writes the same bytes.
        out2 = os.path.join(tmp, "report2.html")
        run([uksim, "report", out2] + targets + OPTS + ["-q"])
        if open(out2).read() != page:
            fail("two reports of the same run differ")
        print("ok: the report is self-contained and the same run writes the same bytes")

        # What explore says of each target, and the Chrome trace of the
        # run the report draws (the shrunk violation, or virtual time).
        expected = []
        for i, t in enumerate(targets):
            tr = os.path.join(tmp, "t%d.json" % i)
            p = run([uksim, "explore", t] + OPTS + ["--json", "--trace", tr])
            lines = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
            summary = [l for l in lines if l["type"] == "summary"][0]
            viol = [l for l in lines if l["type"] == "violation"]
            expected.append((t, summary, viol[0] if viol else None, chrome_counts(tr)))
        # The exit code is explore's: the worst over the targets.
        if code != max(s["exit"] for _, s, _, _ in expected):
            fail("uksim report exited %d, explore says %s" % (code, [s["exit"] for _, s, _, _
                                                                      in expected]))

        profile = os.path.join(tmp, "profile")
        p = run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                 "--user-data-dir=" + profile, "--dump-dom", "file://" + out])
        if p.returncode != 0 or "<svg" not in p.stdout:
            fail("chromium drew nothing (exit %d)\n%s" % (p.returncode, p.stderr[-2000:]))
        dom = Dom()
        dom.feed(p.stdout)

        if [r["target"] for r in dom.rows] != targets:
            fail("verdict table rows %s, expected %s" % ([r["target"] for r in dom.rows],
                                                         targets))
        for row, (t, summary, viol, chrome) in zip(dom.rows, expected):
            want = [t, str(summary["schedules"]), str(summary["violations"]), summary["verdict"]]
            if row["cells"] != want:
                fail("verdict row %s, explore --json says %s" % (row["cells"], want))
        print("ok: the verdict table says what explore --json says")

        figs = [a["id"] for t, a, f in dom.elems if t == "figure"]
        if len(figs) != len(targets):
            fail("%d timeline figures for %d targets" % (len(figs), len(targets)))
        for fig, (t, summary, viol, chrome) in zip(figs, expected):
            attrs = [a for tg, a, f in dom.elems if tg == "figure" and a.get("id") == fig][0]
            if attrs.get("data-drawn") != "1":
                fail("%s: the page's script did not draw its timeline" % t)
            drawn = drawn_counts(dom, fig)
            if drawn != chrome:
                fail("%s: drawn %s\n  but the run's Chrome trace has %s" % (t, drawn, chrome))
            # The scenario's names, not kernel ids ("nicdrv.main", "nic0").
            bare = [n for n in drawn["threads"] + drawn["lines"] + drawn["pins"]
                    if re.match(r"^(thread|pin|line|controller) \d", n)]
            if bare:
                fail("%s: drawn under bare ids %s" % (t, bare))
            if drawn["cpus"] < 1 or drawn["episodes"] < 1 or not drawn["threads"]:
                fail("%s: an empty picture %s" % (t, drawn))
            marks = sum(1 for tg, a, f in dom.elems if f == fig
                        and a.get("data-kind") == "violation")
            if marks != (1 if viol else 0):
                fail("%s: %d violation marks drawn, explore found %s" % (t, marks,
                                                                          viol and viol["id"]))
            cpu_names = [a["data-name"] for tg, a, f in dom.elems
                         if f == fig and a.get("data-kind") == "cpu"]
            if cpu_names != ["CPU %d" % i for i in range(chrome["cpus"])]:
                fail("%s: CPU rows %s" % (t, cpu_names))
            print("ok: %s: drawn %d CPUs, %d threads (%s), %d episodes, %d answers, "
                  "%d interrupts, lines %s, as in its trace"
                  % (os.path.basename(t), drawn["cpus"], len(drawn["threads"]),
                     ", ".join(drawn["threads"]), drawn["episodes"], drawn["answers"],
                     drawn["interrupts"], ", ".join(drawn["lines"])))

        # Each violation: its id, its story and both replay commands.
        viols = [a for t, a, f in dom.elems if a.get("data-violation")]
        want = [v["id"] for _, _, v, _ in expected if v]
        if [a["data-violation"] for a in viols] != want:
            fail("violations in the page %s, explore found %s"
                 % ([a["data-violation"] for a in viols], want))
        for _, _, v, _ in expected:
            if not v:
                continue
            for key in ("token", "shrunk_token"):
                if "replay %s --token %s" % (v["target"], v[key]) not in page:
                    fail("the page lacks the replay command of the %s %s" % (key, v[key]))
        if page.count('<pre class="story">') != len(want):
            fail("expected %d stories" % len(want))
        print("ok: each violation has its story and replay commands")

        check_long(uksim, browser, long_run, tmp)
        check_demo(uksim, browser, tmp)


def check_demo(uksim, browser, tmp):
    """A target without a kernel: the engine's tasks are drawn on their CPUs."""
    out = os.path.join(tmp, "demo.html")
    p = run([uksim, "report", out, "demo:race", "--runs", "20", "-j", "1", "-q"])
    if p.returncode != 0:
        fail("uksim report demo:race exited %d\n%s" % (p.returncode, p.stderr))
    p = run([browser, "--headless", "--no-sandbox", "--disable-gpu",
             "--user-data-dir=" + os.path.join(tmp, "profile"), "--dump-dom", "file://" + out])
    dom = Dom()
    dom.feed(p.stdout)
    tasks = sorted(a["data-name"] for t, a, f in dom.elems if a.get("data-kind") == "thread")
    slices = sorted({a["data-thread"] for t, a, f in dom.elems if a.get("data-kind") == "slice"})
    if tasks != ["task 0", "task 1"] or slices != tasks:
        fail("demo:race drew tasks %s and stretches of %s" % (tasks, slices))
    print("ok: demo:race draws its two tasks")


def check_long(uksim, browser, scn, tmp):
    out = os.path.join(tmp, "long.html")
    p = run([uksim, "report", out, scn, "--runs", "1", "-j", "1", "-q"])
    if p.returncode != 0 or not os.path.exists(out):
        fail("uksim report of a long run exited %d\n%s" % (p.returncode, p.stderr))
    p = run([browser, "--headless", "--no-sandbox", "--disable-gpu",
             "--user-data-dir=" + os.path.join(tmp, "profile"), "--dump-dom", "file://" + out])
    dom = Dom()
    dom.feed(p.stdout)
    fig = [a for t, a, f in dom.elems if t == "figure"]
    if len(fig) != 1 or fig[0].get("data-drawn") != "1":
        fail("the long run's timeline was not drawn")
    marks = sum(1 for t, a, f in dom.elems if a.get("data-kind") in
                ("slice", "interrupt", "level", "episode", "answer"))
    cpus = sum(1 for t, a, f in dom.elems if a.get("data-kind") == "cpu")
    # Each CPU's last stretch and each open episode can come on top.
    if marks > 50000 + 2 * cpus + 16 or marks < 10000:
        fail("the long run drew %d marks, expected about 50,000" % marks)
    if "a long run: drawn from where its last 50,000 marks begin" not in p.stdout:
        fail("the page does not say that it draws the long run's end only")
    if cpus < 1 or not any(a.get("data-kind") == "thread" for t, a, f in dom.elems):
        fail("the long run's picture has no CPUs or threads")
    print("ok: a long run is drawn from where its last %d marks begin" % marks)


if __name__ == "__main__":
    main()
