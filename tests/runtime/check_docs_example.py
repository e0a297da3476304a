#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Build and run the complete plug-in example of docs/running.md.

Usage: check_docs_example.py RUNNING_MD SOURCE_ROOT UKSIM -- CC...

The first ```c block of section 7 is compiled as a shared object against the
source tree's headers (warnings are errors), and the scenario block that
loads "mydriver.so" is run with uksim: the documented interface must be the
one uksim has.
"""
import os
import re
import subprocess
import sys
import tempfile


def blocks(text):
    return re.findall(r"^```(\w*)\n(.*?)^```", text, flags=re.M | re.S)


def main(argv):
    if len(argv) < 6 or "--" not in argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    sep = argv.index("--")
    doc, root, uksim = argv[1:4]
    cc = argv[sep + 1:]
    text = open(doc, encoding="utf-8").read()
    sec = text[text.index("## 7. "):]
    sec = sec[:sec.index("\n## 8. ")]
    found = blocks(sec)
    code = next((b for lang, b in found if lang == "c"), None)
    scen = next((b for lang, b in found if 'load "mydriver.so"' in b), None)
    if code is None or scen is None:
        print("FAIL: section 7 has no C example or no scenario loading mydriver.so")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "mydriver.c")
        with open(src, "w", encoding="utf-8") as f:
            f.write(code)
        inc = [f"-I{os.path.join(root, d, 'include')}" for d in ("sim", "libukern", "hwmodel")]
        cmd = cc + ["-shared", "-fPIC", "-std=gnu11", "-Wall", "-Wextra", "-Werror"] + inc + [
            "-o", os.path.join(tmp, "mydriver.so"), src]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print("FAIL: the example does not compile:\n" + r.stdout + r.stderr)
            return 1
        uks = os.path.join(tmp, "x.uks")
        with open(uks, "w", encoding="utf-8") as f:
            f.write(scen)
        r = subprocess.run([uksim, "run", uks], capture_output=True, text=True)
        print(r.stdout + r.stderr)
        if r.returncode != 0:
            print(f"FAIL: uksim run exited {r.returncode}")
            return 1
    print("ok: the example compiles and its scenario passes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
