#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The first example of docs/scenario-language.md passes `uksim check` and
meets its own expectations under `uksim run` and a short `uksim explore`.

Usage: check_language_example.py SCENARIO_LANGUAGE_MD SOURCE_ROOT UKSIM

Issue 15: the example once gave a driver no capability for what it needs;
such a scenario must be refused by `check`, and the example must be one a
reader can copy and run.
"""
import os
import re
import subprocess
import sys
import tempfile


def main(argv):
    if len(argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    doc, root, uksim = argv[1:4]
    text = open(doc, encoding="utf-8").read()
    m = re.search(r"^```\n(.*?)^```", text, flags=re.M | re.S)
    if not m:
        print("FAIL: no example block")
        return 1
    example = m.group(1)
    fails = 0
    with tempfile.TemporaryDirectory() as tmp:
        # The example includes "../common/two-cpu.uksi", relative to a
        # directory of scenarios/.
        sub = os.path.join(tmp, "irq")
        os.makedirs(sub)
        os.symlink(os.path.join(root, "scenarios", "common"), os.path.join(tmp, "common"))
        path = os.path.join(sub, "example.uks")
        with open(path, "w", encoding="utf-8") as f:
            f.write(example)
        for what in (["check", path], ["run", path], ["explore", path, "--runs", "200", "-j", "1"]):
            r = subprocess.run([uksim] + what, capture_output=True, text=True)
            if r.returncode != 0:
                print(f"FAIL: uksim {what[0]} exits {r.returncode}")
                print(r.stdout + r.stderr)
                fails += 1
            else:
                print(f"ok: uksim {what[0]}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
