#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What `meson install` gives a researcher, tried the way a researcher would.

Installs the build into a temporary DESTDIR (no root, nothing outside it),
then, with only `pkg-config ukern-sim` pointing at the staged prefix:

1. every public header of the tree is installed, and nothing else;
2. each installed header compiles on its own (C11, -Wall -Wextra -Werror),
   resolves every <sim/...>, <hwmodel/...>, <ukern/...> it includes from
   the staged prefix, and (gcc) every function it declares is exported by
   libukern-sim.so;
3. a one-file plug-in (oot_plugin.c, copied out of the tree) builds with
   `cc -shared -fPIC $(pkg-config --cflags ukern-sim)` and the installed
   uksim runs a scenario that loads it and judges its program;
4. a program embedding the simulator (embed.c) links with
   `pkg-config --libs ukern-sim` (shared) and `--static`, and runs.

Usage: test_install.py --meson M --build-dir B --source-root S --prefix P
       --bindir D --libdir D --includedir D --nm NM --sanitize V -- CC...
Exit 0 all passed, 1 a check failed, 77 (skipped) without meson on PATH or
pkg-config.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LAYERS = {"sim": "sim/include/sim", "hwmodel": "hwmodel/include/hwmodel",
          "ukern": "libukern/include/ukern"}
# Our own layers' headers must come from the staged prefix, never from the
# sources or from an earlier install on this machine.
OWN = tuple(f"/{layer}/" for layer in LAYERS)

failures = 0


def ok(what):
    print(f"ok: {what}")


def fail(what, detail=""):
    global failures
    failures += 1
    print(f"FAIL: {what}")
    if detail:
        print(detail.rstrip())


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def must(what, cmd, **kw):
    """Run cmd; on a non-zero exit record the failure and return None."""
    p = run(cmd, **kw)
    if p.returncode != 0:
        fail(f"{what}: exit {p.returncode}", " ".join(cmd) + "\n" + p.stdout + p.stderr)
        return None
    ok(what)
    return p


def staged(destdir, prefix, d):
    return os.path.join(destdir, os.path.join(prefix, d).lstrip("/"))


def deps_of(depfile):
    """The headers a -MD depfile lists."""
    text = open(depfile).read().replace("\\\n", " ")
    return [w for w in text.split(":", 1)[1].split() if w.endswith(".h")]


def check_deps(what, depfile, incdir):
    stray = [h for h in deps_of(depfile)
             if any(o in h for o in OWN) and not os.path.realpath(h).startswith(incdir + "/")]
    if stray:
        fail(f"{what}: headers from outside the staged prefix", "\n".join(stray))
    else:
        ok(f"{what}: every sim/, hwmodel/, ukern/ header from the staged prefix")


def declared_functions(aux, incdir):
    """Non-static functions the installed headers declare (gcc -aux-info)."""
    names = set()
    for line in open(aux):
        # /* FILE:LINE:NC */ extern TYPE name (ARGS);
        if not line.startswith("/* ") or "*/" not in line:
            continue
        where, decl = line[3:].split(" */", 1)
        if not os.path.realpath(where.split(":")[0]).startswith(incdir + "/"):
            continue
        decl = decl.strip()
        if decl.startswith("static"):
            continue
        head = decl.split(" (", 1)[0]
        names.add(head.replace("*", " ").split()[-1])
    return names


def main():
    ap = argparse.ArgumentParser()
    for opt in ("meson", "build-dir", "source-root", "prefix", "bindir", "libdir",
                "includedir", "nm", "sanitize"):
        ap.add_argument("--" + opt, required=True)
    ap.add_argument("cc", nargs="+")
    a = ap.parse_args()
    cc = a.cc
    if not a.meson:
        print("SKIP: no meson command on PATH to run meson install with")
        return 77
    if shutil.which("pkg-config") is None:
        print("SKIP: pkg-config is not installed (scripts/install-deps.sh installs it)")
        return 77

    tmp = tempfile.mkdtemp(prefix="ukern-install-")
    try:
        return check(a, cc, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check(a, cc, tmp):
    destdir = os.path.join(tmp, "stage")
    if must("meson install --destdir", [a.meson, "install", "-C", a.build_dir, "--no-rebuild",
                                         "--quiet", "--destdir", destdir]) is None:
        return 1
    prefix = staged(destdir, a.prefix, "")
    incdir = os.path.realpath(staged(destdir, a.prefix, a.includedir))
    libdir = staged(destdir, a.prefix, a.libdir)
    uksim = os.path.join(staged(destdir, a.prefix, a.bindir), "uksim")

    # 1. The public headers, all of them, and nothing else.
    # (Subfolders too: ukern/models/ has the IRQ models' own calls.)
    want = set()
    for layer, src in LAYERS.items():
        top = os.path.join(a.source_root, src)
        for root, _, files in os.walk(top):
            want |= {f"{layer}/{os.path.relpath(os.path.join(root, h), top)}"
                     for h in files if h.endswith(".h")}
    have = set()
    for root, _, files in os.walk(incdir):
        have |= {os.path.relpath(os.path.join(root, f), incdir) for f in files}
    if want - have:
        fail("public headers installed", "missing: " + " ".join(sorted(want - have)))
    elif have - want:
        fail("only public headers installed", "extra: " + " ".join(sorted(have - want)))
    else:
        ok(f"the {len(want)} public headers of sim/, hwmodel/, libukern/ installed, nothing else")
    for f in ("libukern-sim.so", "libukern-sim.a", "libukern.so", "libukern.a",
              "pkgconfig/ukern-sim.pc", "pkgconfig/ukern.pc"):
        if not os.path.exists(os.path.join(libdir, f)):
            fail(f"{a.libdir}/{f} installed")

    # pkg-config, as a researcher runs it, relocated to the staged prefix.
    # meson test points LD_LIBRARY_PATH at the build's libraries: the
    # programs below must find the staged ones.
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)
    pcdir = os.path.join(libdir, "pkgconfig")
    env["PKG_CONFIG_PATH"] = pcdir + os.pathsep + env.get("PKG_CONFIG_PATH", "")
    pc = ["pkg-config", f"--define-variable=prefix={prefix.rstrip('/')}"]
    p = must("pkg-config --cflags ukern-sim", pc + ["--cflags", "ukern-sim"], env=env)
    if p is None:
        return 1
    cflags = p.stdout.split()
    if f"-I{incdir}" not in [f"-I{os.path.realpath(f[2:])}" for f in cflags if f.startswith("-I")]:
        fail("the Cflags name the staged include directory", " ".join(cflags))
    p = must("pkg-config --print-requires-private ukern-sim",
             pc + ["--print-requires-private", "ukern-sim"], env=env)
    if p is not None and "glib-2.0" not in p.stdout:
        fail("glib-2.0 is a private requirement of ukern-sim", p.stdout)
    libs = must("pkg-config --libs ukern-sim", pc + ["--libs", "ukern-sim"], env=env)
    slibs = must("pkg-config --static --libs ukern-sim",
                 pc + ["--static", "--libs", "ukern-sim"], env=env)
    strict = ["-std=c11", "-Wall", "-Wextra", "-Werror"]

    # 2. Each header on its own; all of them with their dependencies and
    # their declarations.
    work = os.path.join(tmp, "work")  # nothing of the source tree here
    os.mkdir(work)
    alone = []
    for h in sorted(have):
        src = os.path.join(work, "one.c")
        with open(src, "w") as f:
            f.write(f"#include <{h}>\n")
        p = run(cc + strict + cflags + ["-fsyntax-only", src])
        if p.returncode != 0:
            alone.append(f"<{h}>:\n{p.stderr}")
    if alone:
        fail("each installed header compiles on its own", "\n".join(alone))
    else:
        ok("each installed header compiles on its own (C11, -Wall -Wextra -Werror)")
    src = os.path.join(work, "all.c")
    with open(src, "w") as f:
        f.writelines(f"#include <{h}>\n" for h in sorted(have))
    gcc = "clang" not in run(cc + ["--version"]).stdout
    aux = ["-aux-info", os.path.join(work, "all.aux")] if gcc else []
    if must("all installed headers in one file",
            cc + strict + cflags + aux + ["-c", "-MD", "-MF", os.path.join(work, "all.d"),
                                          "-o", os.path.join(work, "all.o"), src]):
        check_deps("all installed headers", os.path.join(work, "all.d"), incdir)
        if gcc:
            declared = declared_functions(os.path.join(work, "all.aux"), incdir)
            so = os.path.join(libdir, "libukern-sim.so")
            nm = run([a.nm, "-D", "--defined-only", "-P", so]).stdout
            exported = {line.split()[0].split("@")[0] for line in nm.splitlines() if line.strip()}
            missing = sorted(declared - exported)
            if not declared:
                fail("gcc -aux-info found the headers' declarations")
            elif missing:
                fail("libukern-sim.so defines what the headers declare",
                     "not exported: " + " ".join(missing))
            else:
                ok(f"libukern-sim.so defines all {len(declared)} functions the headers declare")
        else:
            print("skip: declared-versus-exported check (needs gcc's -aux-info)")

    # 3. The plug-in, out of the tree, and the installed uksim loading it.
    plugin_c = os.path.join(work, "oot_plugin.c")
    shutil.copy(os.path.join(HERE, "oot_plugin.c"), plugin_c)
    plugin = os.path.join(work, "oot_plugin.so")
    if must("the plug-in builds against the installed headers",
            cc + ["-shared", "-fPIC"] + strict + cflags +
            ["-MD", "-MF", os.path.join(work, "plugin.d"), plugin_c, "-o", plugin], cwd=work):
        check_deps("the plug-in", os.path.join(work, "plugin.d"), incdir)
    scenario = """load "oot_plugin.so"
device d0 { kind scripted; irq ioapic 6 level high; status write-1-to-clear }
process p { thread t program oot-driver(device = d0, count = 2); caps irq(d0), mmio(d0) }
timeline { at 10us assert d0; at 40us assert d0 }
expect { count acks(d0) == %d }
"""
    for name, acks in (("oot.uks", 2), ("oot-wrong.uks", 3)):
        with open(os.path.join(work, name), "w") as f:
            f.write(scenario % acks)
    with open(os.path.join(work, "builtin.uks"), "w") as f:
        f.write(scenario.replace('load "oot_plugin.so"\n', "")
                .replace("oot-driver", "irq-driver") % 2)

    def expect(what, code, cmd, text=None):
        p = run(cmd, env=env)
        out = p.stdout + p.stderr
        if p.returncode != code:
            fail(f"{what}: exit {p.returncode}, expected {code}", " ".join(cmd) + "\n" + out)
        elif text and text not in p.stdout:
            fail(f"{what}: '{text}' not in the output", out)
        else:
            ok(what)

    oot = os.path.join(work, "oot.uks")
    expect("the installed uksim runs the plug-in's program", 0,
           [uksim, "run", oot], "result: pass")
    expect("... and judges what it did", 1,
           [uksim, "run", os.path.join(work, "oot-wrong.uks")], "result: fail")

    # 3b. A scheduler plug-in, out of the tree, that changes a latency the
    # way its policy predicts: no-preempt-on-wake makes a woken driver wait
    # for the running thread's 1 ms slice to end. The scenario asserts the
    # size (every wait 0.85..1.01 ms under the plug-in); the built-in
    # `fixed` scheduler on the same scenario must serve in microseconds.
    sched_c = os.path.join(work, "nowake_sched.c")
    shutil.copy(os.path.join(a.source_root, "examples", "plugins", "nowake_sched.c"), sched_c)
    shutil.copy(os.path.join(a.source_root, "tests", "plugins", "nowake-latency.uks"),
                os.path.join(work, "nowake-latency.uks"))
    if must("the scheduler plug-in builds against the installed headers",
            cc + ["-shared", "-fPIC"] + strict + cflags +
            ["-MD", "-MF", os.path.join(work, "sched.d"), sched_c,
             "-o", os.path.join(work, "nowake_sched.so")], cwd=work):
        check_deps("the scheduler plug-in", os.path.join(work, "sched.d"), incdir)
    lat = os.path.join(work, "nowake-latency.uks")
    expect("the installed uksim runs the scheduler plug-in: waits of 0.85..1.01 ms", 0,
           [uksim, "run", lat], "result: pass")

    def longest_wait(extra):
        p = run([uksim, "run", lat, "--json"] + extra, env=env)
        try:
            rep = json.loads(p.stdout)
        except ValueError:
            fail("uksim run --json", p.stdout + p.stderr)
            return None
        seen = [e["observed"] for e in rep["expectations"] if e["text"].startswith("latency irq")]
        return max(seen) if seen else None

    slow, fast = longest_wait([]), longest_wait(["--set", "scheduler=fixed"])
    if slow is None or fast is None:
        fail("the longest IRQ wait under both schedulers", f"{slow} {fast}")
    elif not (850000 <= slow <= 1010000 and fast < 20000 and slow >= 100 * fast):
        fail("no-preempt-on-wake makes the longest wait one slice, fixed a few us",
             f"plug-in {slow} ns, fixed {fast} ns")
    else:
        ok(f"longest IRQ wait: plug-in {slow} ns, fixed {fast} ns (x{slow // fast})")

    # 4. A program embedding the simulator, linked both ways.
    embed_c = os.path.join(work, "embed.c")
    shutil.copy(os.path.join(HERE, "embed.c"), embed_c)
    # The libraries carry the build's sanitizers: the program links their runtime.
    san = [] if a.sanitize in ("", "none") else [f"-fsanitize={a.sanitize}"]
    embed = os.path.join(work, "embed")
    if libs and must("a program links the shared libukern-sim",
                     cc + strict + cflags + [embed_c, "-o", embed] + san +
                     libs.stdout.split() + [f"-Wl,-rpath,{libdir}"]):
        p = run(["ldd", embed], env=env)
        lib = [line for line in p.stdout.splitlines() if "libukern-sim.so" in line]
        if not lib or (libdir not in lib[0] and os.path.realpath(libdir) not in lib[0]):
            fail("it loads the staged libukern-sim.so", p.stdout + p.stderr)
        expect("... and runs a scenario loading the plug-in", 0, [embed, oot], "result: pass")
    embed_static = os.path.join(work, "embed-static")
    if slibs:
        # As docs/running.md says: the archive by name, or -l picks the .so.
        static_libs = ["-l:libukern-sim.a" if f == "-lukern-sim" else f
                       for f in slibs.stdout.split()]
        if must("a program links libukern-sim.a (pkg-config --static)",
                cc + strict + cflags + [embed_c, "-o", embed_static] + san + static_libs):
            if "libukern-sim.so" in run(["ldd", embed_static], env=env).stdout:
                fail("the static program does not load libukern-sim.so")
            expect("... and runs a scenario", 0,
                   [embed_static, os.path.join(work, "builtin.uks")], "result: pass")

    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
