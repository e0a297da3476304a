#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every trace record kind has a plain-words rendering.

Reads the kinds from the headers that define them (the engine's enum in
sim/trace.h, the kernel's UK_TRACE_* in ukern/*.h and the IRQ events of
ukern/irq_log.h, the machine's HW_TRACE_* in hwmodel/trace.h), renders each
with the trace_words helper, and fails for any kind that comes out as a bare
number ("event 0x0380 1 2 3") or as its short name and three numbers
("irq.stall 1 2 3"): a new kind needs its own wording in
sim/src/export/words.c.

usage: trace_words.py TRACE_WORDS SOURCE_ROOT
"""
import re
import subprocess
import sys
from pathlib import Path

helper, root = sys.argv[1], Path(sys.argv[2])

headers = [root / "sim/include/sim/trace.h", root / "hwmodel/include/hwmodel/trace.h"]
headers += sorted((root / "libukern/include/ukern").glob("*.h"))

defs = {}      # macro name -> expression text
kinds = {}     # kind name -> value
irq_events = {}
for h in headers:
    text = h.read_text()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    for m in re.finditer(r"^#define\s+((?:UK|HW)_TRACE_\w+)\s+(\(?[^\n]*)$", text, re.M):
        defs[m.group(1)] = m.group(2).strip()
    for m in re.finditer(r"enum\s+(\w+)\s*\{(.*?)\};", text, re.S):
        name, body = m.groups()
        for e in re.finditer(r"(\w+)\s*=\s*(0x[0-9a-fA-F]+|\d+)", body):
            if name == "sim_trace_kind":
                kinds[e.group(1)] = int(e.group(2), 0)
            elif name == "uk_irq_ev_kind":
                irq_events[e.group(1)] = int(e.group(2), 0)


def value(expr, depth=0):
    expr = re.sub(r"\b(0x[0-9a-fA-F]+|\d+)[uU]\b", r"\1", expr)
    expr = re.sub(r"\(uint16_t\)", "", expr)
    for name in sorted(defs, key=len, reverse=True):
        if re.search(r"\b%s\b" % name, expr) and depth < 8:
            expr = re.sub(r"\b%s\b" % name, "(%s)" % value(defs[name], depth + 1), expr)
    return expr


skip = {"UK_TRACE_CORE_BASE", "UK_TRACE_IRQ_BASE", "UK_TRACE_IPC_BASE", "HW_TRACE_BASE",
        "HW_TRACE_LAST"}
for name, expr in defs.items():
    if name in skip or name.startswith("UK_TRACE_IRQ(") or "(kind)" in expr or name == "UK_TRACE_IRQ":
        continue
    try:
        kinds[name] = eval(value(expr), {}, {})
    except Exception as exc:  # noqa: BLE001 - a macro we cannot read is a test bug
        print(f"cannot evaluate {name} = {expr}: {exc}")
        sys.exit(1)
base = eval(value(defs["UK_TRACE_IRQ_BASE"]), {}, {})
for name, v in irq_events.items():
    kinds["UK_TRACE_IRQ(%s)" % name] = base + v

if len(kinds) < 60:
    print(f"only {len(kinds)} kinds found in the headers: the scan is broken")
    sys.exit(1)

byval = {}
for name, v in kinds.items():
    byval.setdefault(v, name)
out = subprocess.run([helper] + ["%x" % v for v in sorted(byval)], check=True,
                     capture_output=True, text=True).stdout
bad = []
for line in out.splitlines():
    k, words = line.split("\t", 1)
    v = int(k, 16)
    if words.startswith("event 0x") or re.fullmatch(r"[a-z][\w.\-]* 1 2 3", words):
        bad.append(f"  {byval[v]} (0x{v:04x}): \"{words}\"")
if bad:
    print(f"{len(bad)} of {len(byval)} trace kinds have no plain-words rendering:")
    print("\n".join(bad))
    sys.exit(1)
print(f"all {len(byval)} trace kinds have a plain-words rendering")
