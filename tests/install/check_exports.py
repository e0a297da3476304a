#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fail if a shared library defines a dynamic symbol outside its prefixes.

Usage: check_exports.py NM LIBRARY PREFIX...

Every symbol `nm -D --defined-only` lists must start with one of PREFIX,
except the few the toolchain defines in every shared object by itself.
"""
import subprocess
import sys

# Made by the linker or by crti.o/crtn.o, never by our sources: the
# .init/.fini entry points and the section-boundary symbols of the GNU
# linker's default script.
TOOLCHAIN = {"_init", "_fini", "_edata", "_end", "__bss_start"}


def main(argv):
    if len(argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    nm, lib, prefixes = argv[1], argv[2], tuple(argv[3:])
    out = subprocess.run([nm, "-D", "--defined-only", "-P", lib],
                         check=True, capture_output=True, text=True).stdout
    names = []
    for line in out.splitlines():
        fields = line.split()
        if len(fields) < 2:
            continue
        names.append(fields[0].split("@")[0])  # name@@VERSION -> name
    if not names:
        print(f"FAIL: {lib} defines no dynamic symbol at all")
        return 1
    bad = sorted(n for n in names if n not in TOOLCHAIN and not n.startswith(prefixes))
    for n in bad:
        print(f"FAIL: {lib} exports {n}")
    if bad:
        print(f"{len(bad)} of {len(names)} exported names lack the prefixes {', '.join(prefixes)}")
        return 1
    print(f"ok: {len(names)} exported names, all {' or '.join(prefixes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
