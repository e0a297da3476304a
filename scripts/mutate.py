#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Mutation testing of libukern and hwmodel (docs/testing.md, "Mutation testing").

Run through scripts/mutate.sh. Enumerates mutants deterministically from a
fixed list of files per area and a fixed set of operators, builds each one in
a scratch copy of the tree (never in the repository), runs the fast tests
against it until one fails, and prints the kill rate per area, the survivors
and the equivalent mutants (scripts/mutate-equivalent.txt).
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

# The files of each area, fixed: adding or removing one changes the figures,
# so it is a reviewed change of this list, not a glob.
AREAS = {
    "irq": [
        "libukern/irq/chip.c",
        "libukern/irq/pin.c",
        "libukern/irq/sink.c",
        "libukern/irq/stall.c",
        "libukern/irq/model.c",
        "libukern/irq/irq_kobj.c",
        "libukern/irq/irq_port.c",
        "libukern/irq/sys_irq.c",
    ],
    "core": [
        "libukern/core/cap.c",
        "libukern/core/kobj.c",
        "libukern/core/process.c",
        "libukern/core/thread.c",
        "libukern/core/syscall.c",
        "libukern/core/sched.c",
        "libukern/core/mutex.c",
        "libukern/core/futex.c",
        "libukern/core/timer.c",
        "libukern/core/nopreempt.c",
        "libukern/core/frame.c",
        "libukern/core/vm.c",
        "libukern/core/user.c",
    ],
    "ipc": [
        "libukern/ipc/endpoint.c",
        "libukern/ipc/reply.c",
        "libukern/ipc/notification.c",
        "libukern/ipc/grant.c",
        "libukern/ipc/xfer.c",
        "libukern/ipc/sys_ipc.c",
        "libukern/ipc/transfer/physmap.c",
        "libukern/ipc/transfer/window.c",
        "libukern/ipc/transfer/grant.c",
    ],
    "hwmodel": [
        "hwmodel/src/ioapic.c",
        "hwmodel/src/lapic.c",
        "hwmodel/src/msi.c",
        "hwmodel/src/plic.c",
        "hwmodel/src/intc.c",
        "hwmodel/src/pci.c",
        "hwmodel/src/mem.c",
        "hwmodel/src/mmu.c",
        "hwmodel/src/tlb.c",
        "hwmodel/src/evq.c",
    ],
}

OPERATORS = ("cmp", "logic", "const", "call", "check", "neg")

# The test command: every test of `meson test` that runs in seconds. Left
# out, by name: the install and portability suites (they install or compile
# the library apart; a behaviour mutant cannot fail them), this test itself,
# and the four runs that take 10 s or more each (they repeat, at length, what
# the short scenario and CLI tests already run). Also plugins-faults: it
# checks uksim's report of a crashing plug-in (sim/uksim/faults.c, in no
# area) and sometimes fails on the unmutated tree (the crash address of a
# replay differs), and a failure counts as a kill. The metal suite: its
# images are compiled apart, freestanding, so they never run a mutant of a
# schema (UKMUT_ID is read by a constructor the image does not run), and
# the simulator half of metal-sim-vs-metal runs a scenario that the
# scenario tests run too; it took 14 s a mutant. mutate-schema tests this
# script, not the kernel. And the four slowest of the rest (3 to 4 s each):
# runtime-models, runtime-edu, explore-pct-long, explore-bounded-long, whole
# explorations whose kernel paths the short runtime and explorer tests run
# too; together they were half of what a surviving mutant cost, and none of
# them killed one of the first 670 mutants of the full run.
EXCLUDED_SUITES = {"install", "portability", "mutate", "fuzz", "metal"}
EXCLUDED_TESTS = {"report-html", "scenario-check-good", "sweep-engines", "uksim-cli",
                  "plugins-faults", "mutate-schema", "runtime-models", "runtime-edu",
                  "explore-pct-long", "explore-bounded-long"}

NOT_CALLS = {"uk_arch_fatal"}
COMPARE = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}
KEYWORDS = {"return", "if", "while", "for", "switch", "sizeof", "do", "else", "case",
            "goto", "break", "continue", "default", "typedef", "struct", "union", "enum",
            "static", "const", "unsigned", "signed", "int", "char", "void", "bool",
            "long", "short", "float", "double", "volatile", "extern", "inline", "register"}


def mask_code(text):
    """Blank comments, string and character literals and preprocessor lines
    (keeping every offset), so operators only see code."""
    out = list(text)
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c in " \t":
            i += 1
            continue
        if at_line_start and c == "#":
            # A preprocessor line, with its continuations.
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out[i] = " "
                    i += 2
                    continue
                out[i] = " "
                i += 1
            continue
        at_line_start = False
        if c == "\n":
            at_line_start = True
            i += 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                if text[k] != "\n":
                    out[k] = " "
            i = j
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                out[i] = " "
                i += 1
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            for k in range(i + 1, min(j, n)):
                out[k] = " "
            i = j + 1
        else:
            i += 1
    return "".join(out)


MATES = {"(": ")", ")": "(", "{": "}", "}": "{"}


def match_pair(code, i, step=1):
    """Offset of the bracket matching the one at i, searching forward (or,
    with step -1, backward from a closing one), or -1."""
    this, mate = code[i], MATES[code[i]]
    depth = 0
    for j in range(i, len(code) if step > 0 else -1, step):
        if code[j] == this:
            depth += 1
        elif code[j] == mate:
            depth -= 1
            if depth == 0:
                return j
    return -1


def in_declaration_brackets(code, pos):
    """True for a constant inside [...] of an array declaration or a
    designated initializer: changing a size is rarely a behaviour."""
    ls = code.rfind("\n", 0, pos) + 1
    le = code.find("\n", pos)
    line = code[ls:le]
    col = pos - ls
    lb = line.rfind("[", 0, col)
    if lb < 0 or "]" in line[lb:col]:
        return False
    before = line[:lb].rstrip()
    if before.strip() in ("", ",", "{"):
        return True  # a designated initializer: [3] = ...
    # `type name[N]`, a variable or a parameter (whose size C ignores).
    decl = re.search(r"(\w+)\s*\**\s*(\w+)$", before)
    return bool(decl) and decl.group(1) not in ("return", "case", "sizeof", "else", "do", "goto")


def enumerate_file(path, text):
    """Every mutant of one file: (line, op, edits, describe), in file order.
    edits are (start, end, replacement) on the original text."""
    code = mask_code(text)
    found = []

    def add(op, pos, edits):
        found.append((pos, op, edits))

    for m in re.finditer(r"<<=|>>=|<<|>>|->|<=|>=|==|!=|<|>", code):
        tok = m.group(0)
        if tok in COMPARE:
            add("cmp", m.start(), [(m.start(), m.end(), COMPARE[tok])])
    for m in re.finditer(r"&&|\|\|", code):
        add("logic", m.start(), [(m.start(), m.end(), "||" if m.group(0) == "&&" else "&&")])
    for m in re.finditer(r"(?<![\w.])(0[xX][0-9a-fA-F]+|[0-9]+)([uUlL]*)(?![\w.])", code):
        lit = m.group(1)
        value = int(lit, 16) if lit[:2].lower() == "0x" else int(lit, 8 if len(lit) > 1 and lit[0] == "0" else 10)
        if in_declaration_brackets(code, m.start()):
            continue
        # `= {0}` zeroes a whole object; {1} only sets its first member,
        # which the code then always assigns: not a behaviour.
        if re.search(r"\{\s*$", code[:m.start()][-8:]) and re.match(r"\s*\}", code[m.end():]):
            continue
        new = value - 1 if value else 1
        rep = (hex(new) if lit[:2].lower() == "0x" else str(new)) + m.group(2)
        add("const", m.start(), [(m.start(), m.end(1) + len(m.group(2)), rep)])
    # if / while conditions: negate; an if whose body is only a return: drop it.
    for m in re.finditer(r"\b(if|while)\s*\(", code):
        op_paren = m.end() - 1
        close = match_pair(code, op_paren)
        if close < 0:
            continue
        # `do { } while (x);` is a loop condition too; fine to negate.
        add("neg", m.start(), [(op_paren + 1, op_paren + 1, "!("), (close, close, ")")])
        if m.group(1) == "if":
            rest = code[close + 1:]
            body = re.match(r"\s*(\{\s*)?return\b[^;{}]*;(\s*\})?", rest)
            if body and bool(body.group(1)) == bool(body.group(2)):
                add("check", m.start(), [(op_paren + 1, close, "0")])
    # Call statements: `name(...);` or `a->b(...);` standing alone.
    for m in re.finditer(r"(?m)^[ \t]*((?:\(void\)\s*)?[A-Za-z_][\w]*(?:(?:->|\.)[A-Za-z_]\w*|\[[^\]\n]*\])*)\s*\(", code):
        head = m.group(1)
        first = re.match(r"(?:\(void\)\s*)?([A-Za-z_]\w*)", head).group(1)
        # uk_arch_fatal reports a broken kernel invariant (an assert): no
        # correct run reaches it, so dropping it is not a behaviour to test.
        if first in KEYWORDS or first in NOT_CALLS:
            continue
        open_paren = m.end() - 1
        close = match_pair(code, open_paren)
        if close < 0:
            continue
        after = re.match(r"\s*;", code[close + 1:])
        if not after:
            continue
        start = m.start(1)
        end = close + 1 + after.end()
        # Keep the line count: the statement becomes `;` plus its newlines.
        add("call", start, [(start, end, ";" + "\n" * text[start:end].count("\n"))])
    found.sort(key=lambda f: (f[0], OPERATORS.index(f[1])))
    mutants = []
    count = {}
    for pos, op, edits in found:
        line = text.count("\n", 0, pos) + 1
        count[(line, op)] = count.get((line, op), 0) + 1
        mutants.append({"id": f"{path}:{line}:{op}:{count[(line, op)]}",
                        "file": path, "line": line, "op": op, "edits": edits, "pos": pos})
    return mutants


def apply(text, edits):
    for start, end, rep in sorted(edits, reverse=True):
        text = text[:start] + rep + text[end:]
    return text


def line_of(text, line):
    lines = text.split("\n")
    return lines[line - 1].strip() if line <= len(lines) else ""


STORAGE = {"static", "inline", "__inline__", "extern", "_Noreturn"}


def functions_of(code):
    """The function definitions of a file (masked code): a list of dicts with
    the offsets of the declaration's start, the name, the parameter list's
    parentheses and the body's braces; None for a definition the schema
    cannot take (a variadic one, or a declarator it does not read)."""
    found = []
    depth = 0
    decl_start = 0
    i, n = 0, len(code)
    while i < n:
        c = code[i]
        if c == "{":
            if depth == 0:
                j = i - 1
                while j >= 0 and code[j].isspace():
                    j -= 1
                close = match_pair(code, j, -1) if j >= 0 and code[j] == ")" else -1
                end = match_pair(code, i)
                if close >= 0 and end >= 0:
                    found.append(read_function(code, decl_start, close, j, i, end))
                    i = end + 1
                    decl_start = i
                    continue
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                decl_start = i + 1
        elif c == ";" and depth == 0:
            decl_start = i + 1
        i += 1
    return [f for f in found if f]


def read_function(code, decl_start, lp, rp, lb, rb):
    name = re.search(r"([A-Za-z_]\w*)\s*$", code[:lp])
    if not name:
        return None
    prefix = code[decl_start:name.start()]
    if "(" in prefix or "=" in prefix:
        return None  # an attribute, a function returning a function pointer
    ret = " ".join(w for w in prefix.replace("*", " * ").split() if w not in STORAGE)
    if not ret:
        return None
    args = []
    params = code[lp + 1:rp]
    parts, depth, cur = [], 0, ""
    for ch in params:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch in "([" and 1 or (ch in ")]" and -1 or 0)
        cur += ch
    parts.append(cur)
    for part in parts:
        part = part.strip()
        if part == "..." or not part:
            return None
        if part == "void" and len(parts) == 1:
            break
        fp = re.search(r"\(\s*\*\s*([A-Za-z_]\w*)\s*\)", part)
        if fp:
            args.append(fp.group(1))
            continue
        part = re.sub(r"(\s*\[[^\]]*\])+$", "", part)
        arg = re.search(r"([A-Za-z_]\w*)$", part)
        if not arg or arg.group(1) in KEYWORDS:
            return None
        args.append(arg.group(1))
    return {"name": name.group(1), "name_at": name.start(1), "lp": lp, "rp": rp, "lb": lb,
            "rb": rb, "ret": ret, "void": ret == "void", "args": args}


SCHEMA_HEAD = ("#pragma GCC diagnostic ignored \"-Wmissing-prototypes\"\n"
               "#pragma GCC diagnostic ignored \"-Wnested-externs\"\n"
               "extern char *getenv(const char *) __attribute__((weak)); "
               "static unsigned ukmut_id; "
               "__attribute__((constructor)) static void ukmut_init(void) "
               "{ const char *s = getenv ? getenv(\"UKMUT_ID\") : 0; unsigned v = 0; "
               "while (s && *s >= '0' && *s <= '9') v = v * 10 + (unsigned)(*s++ - '0'); "
               "ukmut_id = v; }\n#line 1\n")


def schematize(text, mutants):
    """One source holding many mutants (a mutant schema): every function
    with mutants gets one copy per mutant, the mutant applied, appended at
    the end of the file under a #line of the original; the function itself
    starts with a switch on ukmut_id (read from $UKMUT_ID at start-up)
    that calls the copy. With UKMUT_ID unset the program is the original.
    Line numbers of the original are kept (nothing inserted adds a line),
    and the original functions keep their addresses. Returns the text and
    {mutant id: its number}; a mutant outside every function the schema can
    take is left out (built on its own)."""
    code = mask_code(text)
    funcs = functions_of(code)
    number = {}
    by_func = {}
    for m in mutants:
        lo = min(e[0] for e in m["edits"])
        hi = max(e[1] for e in m["edits"])
        f = next((f for f in funcs if f["lb"] < lo and hi <= f["rb"]), None)
        if f is None:
            continue
        number[m["id"]] = len(number) + 1
        by_func.setdefault(f["lb"], (f, []))[1].append(m)
    inserts = []  # (offset, text), applied back to front
    tail = []
    for lb, (f, ms) in sorted(by_func.items()):
        params = " ".join(text[f["lp"]:f["rp"] + 1].split())
        call_args = ", ".join(f["args"])
        protos, cases = [], []
        for m in ms:
            k = number[m["id"]]
            copy = f"{f['name']}__ukm{k}"
            protos.append(f"extern {f['ret']} {copy}{params};")
            if f["void"]:
                cases.append(f"case {k}: {copy}({call_args}); return;")
            else:
                cases.append(f"case {k}: return {copy}({call_args});")
            body = apply(text[f["lb"]:f["rb"] + 1],
                         [(s - f["lb"], e - f["lb"], r) for s, e, r in m["edits"]])
            line = text.count("\n", 0, f["name_at"]) + 1
            tail.append(f"\n#line {line}\n{f['ret']} {copy}{text[f['lp']:f['lb']]}{body}\n")
        inserts.append((lb + 1, " " + " ".join(protos) +
                        " if (__builtin_expect(ukmut_id != 0, 0)) switch (ukmut_id) { "
                        + " ".join(cases) + " default: break; }"))
    out = text
    for at, ins in sorted(inserts, reverse=True):
        out = out[:at] + ins + out[at:]
    return SCHEMA_HEAD + out + "".join(tail), number


def enumerate_all(root, areas):
    result = []
    for area in areas:
        for path in AREAS[area]:
            with open(os.path.join(root, path), encoding="utf-8") as f:
                text = f.read()
            for m in enumerate_file(path, text):
                m["area"] = area
                result.append(m)
    return result


def load_equivalents(root):
    eq = {}
    path = os.path.join(root, "scripts", "mutate-equivalent.txt")
    if os.path.exists(path):
        for n, raw in enumerate(open(path, encoding="utf-8"), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 1)
            if len(parts) < 2:
                sys.exit(f"{path}:{n}:1: a mutant id needs a reason")
            eq[parts[0]] = parts[1]
    return eq


def sample(mutants, n, seed):
    """n mutants, spread evenly over the areas, each area in the order of a
    hash of (seed, id): deterministic on any machine and Python version."""
    by_area = {}
    for m in mutants:
        by_area.setdefault(m["area"], []).append(m)
    for lst in by_area.values():
        lst.sort(key=lambda m: hashlib.sha256(f"{seed}:{m['id']}".encode()).hexdigest())
    picked = []
    areas = list(by_area)
    i = 0
    while len(picked) < n and any(by_area.values()):
        lst = by_area[areas[i % len(areas)]]
        if lst:
            picked.append(lst.pop(0))
        i += 1
    # Round-robin over the areas: a run stopped early has a share of each.
    return picked


def tree_files(root):
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z", "-c", "-o", "--exclude-standard"],
                             check=True, capture_output=True).stdout.decode()
        files = [f for f in out.split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, dirs, names in os.walk(root):
            rel = os.path.relpath(d, root)
            dirs[:] = [x for x in dirs if not x.startswith((".", "build"))]
            files += [os.path.normpath(os.path.join(rel, x)) for x in names]
    return [f for f in files if not f.startswith("build") and os.path.isfile(os.path.join(root, f))]


def sync_tree(root, dest):
    """Copy the tree into dest, writing only files whose content differs, so
    ninja's incremental build stays incremental."""
    for rel in tree_files(root):
        src, dst = os.path.join(root, rel), os.path.join(dest, rel)
        data = open(src, "rb").read()
        if os.path.exists(dst) and open(dst, "rb").read() == data:
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as f:
            f.write(data)
        shutil.copymode(src, dst)


COVERAGE_FORMAT = 1  # bump when the cache's content or meaning changes


def tree_hash(root):
    """SHA-256 of every file of the tree (names and contents): the coverage
    cache is valid for exactly this source, tests included."""
    h = hashlib.sha256(f"mutate-coverage {COVERAGE_FORMAT}\n".encode())
    h.update(repr((sorted(EXCLUDED_SUITES), sorted(EXCLUDED_TESTS), AREAS)).encode())
    # The script's own files change no test's coverage (the shim and the
    # test command, just above, do).
    skip = {"scripts/mutate.py", "scripts/mutate.sh", "scripts/mutate-equivalent.txt"}
    for rel in sorted(f for f in tree_files(root) if f not in skip):
        h.update(rel.encode() + b"\0")
        h.update(hashlib.sha256(open(os.path.join(root, rel), "rb").read()).digest())
    return h.hexdigest()


_RUN_SEQ = [0]


def leftovers(token):
    """The processes whose environment carries this run's token."""
    mark = f"UKMUT_RUN={token}".encode()
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/environ", "rb") as f:
                if mark in f.read().split(b"\0"):
                    found.append(int(d))
        except OSError:
            pass
    return found


def run_in_group(cmd, cwd, env, timeout):
    """Run a test in its own process group; its exit code, or "timeout".
    A test that times out is killed with everything it started, and so is
    whatever a test leaves running: a test runner's forked children (a
    mutant that loops) would otherwise go on eating the machine after the
    runner is gone. Check puts each test's child in a process group of its
    own, so the group is not enough: every process started for the test
    carries a token in its environment, and after the test every process
    that has it is killed."""
    _RUN_SEQ[0] += 1
    token = f"{os.getpid()}.{threading.get_ident()}.{_RUN_SEQ[0]}"
    env = dict(env, UKMUT_RUN=token)
    # A process group of its own, in this session: a new session (setsid)
    # would also be a new scheduler autogroup, which Linux weighs as much as
    # the whole rest of the machine whatever the nice value, so `nice -n 19
    # scripts/mutate.sh` would not yield to anything.
    group = {"process_group": 0} if sys.version_info >= (3, 11) else {"start_new_session": True}
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **group)
    try:
        code = p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        code = "timeout"
    for _ in range(5):
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        rest = [pid for pid in leftovers(token) if pid != p.pid]
        for pid in rest:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if not rest:
            break
    p.wait()
    return code


def test_env(t):
    env = dict(os.environ)
    env.update(t["env"] or {})
    env.setdefault("MALLOC_PERTURB_", "165")
    return env


class Coverage:
    """Which tests execute which lines of the mutated files.

    Built once per source (cached under WORK/cov, keyed by tree_hash): a
    build with gcov instrumentation (-O0, so lines are not merged or moved),
    each test of the command run alone, and gcov's JSON read after each for
    the files of every area. A mutant then runs only the tests that execute
    its lines (Coverage.select)."""

    def __init__(self, root, work, ninja_jobs):
        self.root = root
        self.dir = os.path.join(work, "cov")
        self.src = os.path.join(self.dir, "src")
        self.build = os.path.join(self.dir, "build")
        self.ninja_jobs = ninja_jobs
        self.data = None

    def load_or_build(self, log):
        """Load or build the coverage; False (after saying why) when it
        cannot be had: the caller then runs the whole command."""
        key = tree_hash(self.root)
        path = os.path.join(self.dir, f"coverage-{key[:20]}.json")
        if os.path.exists(path):
            self.data = json.load(open(path, encoding="utf-8"))
            log(f"mutate: coverage of {len(self.data['tests'])} tests from the cache ({path})")
            return True
        if not shutil.which("gcc") or not shutil.which("gcov"):
            log("mutate: warning: no gcc or gcov: no test selection, every mutant runs the whole command")
            return False
        t0 = time.monotonic()
        os.makedirs(self.dir, exist_ok=True)
        sync_tree(self.root, self.src)
        shim_src = os.path.join(self.root, "scripts", "mutate-cov-shim.c")
        shim = os.path.join(self.dir, "ukcov-shim-%s.o" % hashlib.sha256(
            open(shim_src, "rb").read()).hexdigest()[:12])
        subprocess.run(["gcc", "-c", "-O1", "-fPIC", "-o", shim, shim_src], check=True)
        marker = os.path.join(self.build, "ukcov-shim")
        if os.path.exists(self.build) and (not os.path.exists(marker)
                                           or open(marker).read() != shim):
            shutil.rmtree(self.build)  # linked with another shim: start again
        if not os.path.exists(os.path.join(self.build, "build.ninja")):
            # gcc, whose gcov reads the counters. -O0: each line keeps its
            # own code. Atomic counters: a line run by several threads is
            # never counted 0. The shim writes the counters of processes
            # that die by a signal, _exit or syscall(SYS_exit_group).
            r = subprocess.run(["meson", "setup", self.build, self.src, "-Dwerror=false",
                                "-Db_coverage=true", "-Doptimization=0",
                                "-Dc_args=-fprofile-update=atomic",
                                f"-Dc_link_args=['{shim}','-Wl,--wrap=_exit','-Wl,--wrap=syscall','-lgcov']"],
                               env=dict(os.environ, CC="gcc"), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
            if r.returncode:
                log(f"mutate: warning: the coverage build cannot be set up in {self.build}: "
                    "no test selection")
                return False
            with open(marker, "w") as f:
                f.write(shim)
        r = subprocess.run(["ninja", "-C", self.build, f"-j{self.ninja_jobs}"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode:
            log(f"mutate: warning: the coverage build fails in {self.build}: no test selection")
            return False
        tests = [t for t in json.loads(subprocess.run(["meson", "introspect", "--tests"],
                                                      cwd=self.build, check=True,
                                                      capture_output=True).stdout)
                 if t["name"] not in EXCLUDED_TESTS
                 and not any(s.split(":")[-1] in EXCLUDED_SUITES for s in t["suite"])]
        area_files = {f for files in AREAS.values() for f in files}
        gcnos = []
        for d, _, names in os.walk(self.build):
            gcnos += [os.path.join(d, n) for n in names if n.endswith(".gcno")]
        self.clear_counters()
        # With no counters, gcov gives every file's executable lines and
        # functions; keep the objects that hold a file of an area.
        files = {}
        objects = []
        for gcno, f, entry in self.gcov(sorted(gcnos)):
            if f in area_files:
                info = files.setdefault(f, {"exec": set(), "funcs": set(), "tests": {}})
                info["exec"].update(ln["line_number"] for ln in entry["lines"])
                info["funcs"].update((fn["start_line"], fn["end_line"]) for fn in entry["functions"])
                if gcno not in objects:
                    objects.append(gcno)
        missing = area_files - set(files)
        if missing:
            sys.exit("mutate: no coverage object for " + ", ".join(sorted(missing)))
        always = []
        for i, t in enumerate(tests):
            self.clear_counters()
            code = run_in_group(t["cmd"], t["workdir"] or self.build, test_env(t),
                                20 * (t["timeout"] or 300))
            if code not in (0, 77):
                # It may have stopped early, so its lines are not known:
                # it runs against every mutant that runs tests at all.
                always.append(t["name"])
                log(f"mutate: warning: test {t['name']} fails in the coverage build (exit {code}): "
                    "every mutant with a build runs it")
            for _, f, entry in self.gcov(objects):
                if f in files:
                    hit = files[f]["tests"]
                    for ln in entry["lines"]:
                        if ln["count"] > 0:
                            hit.setdefault(str(ln["line_number"]), set()).add(i)
        self.data = {"tests": [t["name"] for t in tests], "always": always,
                     "files": {f: {"exec": sorted(v["exec"]), "funcs": sorted(v["funcs"]),
                                   "tests": {ln: sorted(ix) for ln, ix in v["tests"].items()}}
                               for f, v in files.items()}}
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            json.dump(self.data, out)
        os.replace(path + ".tmp", path)
        log(f"mutate: coverage of {len(tests)} tests built in {time.monotonic() - t0:.0f} s ({path})")
        return True

    def clear_counters(self):
        for d, _, names in os.walk(self.build):
            for n in names:
                if n.endswith(".gcda"):
                    os.unlink(os.path.join(d, n))

    def gcov(self, gcnos):
        """(object, source file relative to the tree, gcov's JSON entry) of
        every source file the objects hold."""
        scratch = os.path.join(self.dir, "gcov")
        os.makedirs(scratch, exist_ok=True)
        for i in range(0, len(gcnos), 200):
            chunk = gcnos[i:i + 200]
            out = subprocess.run(["gcov", "--json-format", "--stdout"] + chunk, cwd=scratch,
                                 capture_output=True, check=True).stdout.decode()
            for line in out.splitlines():
                if not line.strip():
                    continue
                d = json.loads(line)
                data = d.get("data_file", "")
                obj = data[:-5] + ".gcno" if data.endswith(".gcda") else data
                for entry in d["files"]:
                    full = os.path.normpath(os.path.join(d["current_working_directory"], entry["file"]))
                    rel = os.path.relpath(full, self.src)
                    if not rel.startswith(".."):
                        yield obj, rel, entry

    def select(self, m, text):
        """The tests a mutant must run: a list of names; None for the full
        command (coverage cannot tell which tests reach the mutated code);
        [] when no test executes its lines (a survivor, without a build)."""
        info = self.data["files"].get(m["file"])
        if info is None:
            return None
        ends = [m["pos"]] + [e[0] for e in m["edits"]] + [max(e[0], e[1] - 1) for e in m["edits"]]
        first = text.count("\n", 0, min(ends)) + 1
        last = text.count("\n", 0, max(ends)) + 1
        # Outside every function (a file-scope table or initializer), or on
        # lines with no code of their own (declarations, initializers, sizes,
        # a macro's arguments): the code they change runs elsewhere.
        if not any(s <= first and last <= e for s, e in info["funcs"]):
            return None
        lines = set(range(first, last + 1))
        if not lines & set(info["exec"]):
            return None
        # A case label decides where the switch jumps: that code is the
        # switch's line, not the label's.
        ls = text.rfind("\n", 0, m["pos"]) + 1
        if re.search(r"\bcase\b", text[ls:m["pos"]]):
            return None
        hit = set()
        for ln in lines:
            hit.update(info["tests"].get(str(ln), ()))
        # (Tests that failed in the coverage build may have stopped before
        # reaching the line: they run whenever their coverage is not known.)
        return [self.data["tests"][i] for i in sorted(hit)] + self.data["always"]


class Worker:
    def __init__(self, root, work, index, ninja_jobs, only_tests, skip_suites=()):
        self.root = root
        self.src = os.path.join(work, f"w{index}", "src")
        self.build = os.path.join(work, f"w{index}", "build")
        self.ninja_jobs = ninja_jobs
        self.only_tests = set(only_tests.split(",")) if only_tests else None
        self.skip_suites = set(skip_suites)
        self.tests = []
        self.targets = []
        self.depends = {}
        self.kills = {}
        self.schema = True

    def setup(self):
        sync_tree(self.root, self.src)
        if not os.path.exists(os.path.join(self.build, "build.ninja")):
            subprocess.run(["meson", "setup", self.build, self.src, "-Dwerror=false"],
                           check=True, stdout=subprocess.DEVNULL)
        if not self.ninja():
            sys.exit(f"mutate: the unmutated tree does not build in {self.build}")
        tests = json.loads(subprocess.run(["meson", "introspect", "--tests"], cwd=self.build,
                                          check=True, capture_output=True).stdout)
        self.tests = [t for t in tests if t["name"] not in EXCLUDED_TESTS
                      and not any(s.split(":")[-1] in EXCLUDED_SUITES | self.skip_suites
                                  for s in t["suite"])]
        if self.only_tests:
            self.tests = [t for t in tests if t["name"] in self.only_tests]
            if len(self.tests) != len(self.only_tests):
                sys.exit("mutate: --tests names a test that does not exist")
        targets = json.loads(subprocess.run(["meson", "introspect", "--targets"], cwd=self.build,
                                            check=True, capture_output=True).stdout)
        by_id = {t["id"]: t["filename"] for t in targets}
        self.depends = {t["name"]: {os.path.relpath(f, self.build) for d in t["depends"]
                                    for f in by_id.get(d, [])} for t in self.tests}
        needed = {f for t in self.tests for d in t["depends"] for f in by_id.get(d, [])}
        # With --tests, build only what those tests name (a quick check of a
        # new test); the full command builds everything, so nothing a test
        # uses indirectly can be stale.
        if self.only_tests:
            self.targets = sorted(os.path.relpath(f, self.build) for f in needed)

    def ninja(self, targets=None):
        # Only what the selected tests need (all of it for the full command).
        targets = self.targets if targets is None else targets
        r = subprocess.run(["ninja", "-C", self.build, f"-j{self.ninja_jobs}"] + targets,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=1800)
        return r.returncode == 0

    def outdated(self):
        """True if some target is out of date (a dry run of the whole build)."""
        r = subprocess.run(["ninja", "-C", self.build, "-n"] + self.targets,
                           capture_output=True, text=True)
        return "ninja: no work to do." not in r.stdout

    def run_test(self, t, timeout, env=None):
        t0 = time.monotonic()
        code = run_in_group(t["cmd"], t["workdir"] or self.build, dict(test_env(t), **(env or {})),
                            timeout)
        return code, time.monotonic() - t0

    def baseline(self):
        """Run every selected test unmutated: all must pass; order them
        fastest first, and give each a timeout from its own duration."""
        timed = []
        for t in self.tests:
            code, secs = self.run_test(t, t["timeout"] or 300)
            if code not in (0, 77):
                sys.exit(f"mutate: test {t['name']} fails on the unmutated tree (exit {code})")
            timed.append((secs, t["name"], t))
        timed.sort(key=lambda x: (x[0], x[1]))
        self.tests = [t for _, _, t in timed]
        for secs, _, t in timed:
            t["mutate_timeout"] = max(30.0, 20 * secs)

    def order(self, area):
        """The area's own suite first, then the tests that killed most so
        far, then the fastest."""
        rank = {t["name"]: i for i, t in enumerate(self.tests)}
        return sorted(self.tests, key=lambda t: (
            not any(s.split(":")[-1] == area for s in t["suite"]),
            -self.kills.get(t["name"], 0), rank[t["name"]]))

    def choose(self, m, orig, coverage):
        """The tests a mutant runs, in order, and the targets they need
        (None: everything); tests None when no test executes its lines."""
        m["before"] = line_of(orig, m["line"])
        m["after"] = line_of(apply(orig, m["edits"]), m["line"])
        tests = self.order(m["area"])
        m["mode"] = "all"
        if coverage is None:
            return tests, None
        names = coverage.select(m, orig)
        if names is None:
            return tests, None
        # Tests the coverage run did not see (--tests naming an excluded
        # one) are always run.
        known = set(coverage.data["tests"])
        chosen = set(names)
        tests = [t for t in tests if t["name"] in chosen or t["name"] not in known]
        m["mode"] = "selected"
        if not tests:
            m["mode"] = "uncovered"
            return None, None
        return tests, sorted({f for t in tests for f in self.depends.get(t["name"], ())})

    def run_mutant(self, m, coverage=None):
        """Build one mutant on its own and run its tests."""
        path = os.path.join(self.src, m["file"])
        orig = open(os.path.join(self.root, m["file"]), encoding="utf-8").read()
        tests, targets = self.choose(m, orig, coverage)
        if tests is None:
            return "survived", "no test executes the line"
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.write(apply(orig, m["edits"]))
            if not self.ninja(targets):
                return "nocompile", ""
            result = self.run_tests(tests)
            # A test may run a program it does not declare (a script that
            # finds uksim by itself): if anything else is out of date, build
            # everything and run the selected tests again before calling the
            # mutant a survivor.
            if result[0] == "survived" and targets is not None and self.outdated():
                if not self.ninja():
                    return "nocompile", ""
                result = self.run_tests(tests)
            return result
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(orig)

    def run_file(self, file, mutants, coverage, record, log):
        """Every mutant of one file. They are built together, once, as a
        mutant schema (schematize), and each runs its tests with
        UKMUT_ID=N; a mutant the schema cannot hold, or every mutant of a
        schema that does not compile, is built on its own (run_mutant)."""
        path = os.path.join(self.src, file)
        orig = open(os.path.join(self.root, file), encoding="utf-8").read()
        alone = list(mutants)
        if self.schema:
            text, number = schematize(orig, mutants)
            held = [m for m in mutants if m["id"] in number]
            runs = []
            for m in held:
                tests, _ = self.choose(m, orig, coverage)
                if tests is None:
                    record(m, "survived", "no test executes the line")
                else:
                    runs.append((m, tests))
            alone = [m for m in mutants if m["id"] not in number]
            if runs:
                try:
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(text)
                    if self.ninja():
                        for m, tests in runs:
                            record(m, *self.run_tests(tests, {"UKMUT_ID": str(number[m["id"]])}))
                    else:
                        log(f"mutate: warning: the schema of {file} does not build: "
                            f"its {len(runs)} mutants are built one by one")
                        alone += [m for m, _ in runs]
                finally:
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(orig)
        for m in alone:
            record(m, *self.run_mutant(m, coverage))

    def run_tests(self, tests, env=None):
        for t in tests:
            code, _ = self.run_test(t, t["mutate_timeout"], env)
            if code not in (0, 77):
                # The order only saves time: a mutant is killed or not
                # whatever the order, only the test named may differ.
                self.kills[t["name"]] = self.kills.get(t["name"], 0) + 1
                return "killed", t["name"] + (" (timeout)" if code == "timeout" else "")
        return "survived", ""


def load_results(path):
    done = {}
    if path and os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                done[parts[0]] = parts[1:]
    return done


def main():
    ap = argparse.ArgumentParser(prog="scripts/mutate.sh", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--area", action="append", choices=sorted(AREAS),
                    help="only this area (repeatable; default: all four)")
    ap.add_argument("--list", action="store_true", help="print the mutants and exit")
    ap.add_argument("--sample", type=int, metavar="N", help="run N mutants, spread over the areas")
    ap.add_argument("--seed", default="1", metavar="S", help="seed of --sample (default 1)")
    ap.add_argument("--only", action="append", metavar="ID", help="run this mutant id (repeatable)")
    ap.add_argument("--tests", metavar="NAMES",
                    help="only these tests (comma-separated), e.g. to see whether a new test kills a mutant")
    ap.add_argument("--skip-suite", action="append", default=[], metavar="SUITE",
                    help="leave this meson suite out (e.g. hwmodel: do kernel-level tests see hwmodel bugs?)")
    ap.add_argument("-j", type=int, default=1, metavar="N", help="parallel workers (default 1)")
    ap.add_argument("--work", metavar="DIR", help="scratch directory (default: $TMPDIR/ukern-mutate-UID)")
    ap.add_argument("--results", metavar="FILE",
                    help="append each outcome to FILE and skip mutants already in it (resume a long run)")
    ap.add_argument("--report", action="store_true",
                    help="run nothing: summarize the outcomes recorded in --results")
    ap.add_argument("--no-select", action="store_true",
                    help="run the whole test command against every mutant, without coverage-based "
                    "test selection (slow; to check that selection changes no outcome)")
    ap.add_argument("--no-schema", action="store_true",
                    help="build every mutant on its own instead of a file's mutants together "
                    "(a mutant schema); slow; to check that the schema changes no outcome")
    ap.add_argument("--min-kill", type=float, metavar="PCT",
                    help="exit 1 if an area's kill rate (or, with --sample, the overall one) is below PCT")
    args = ap.parse_args()

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    areas = args.area or list(AREAS)
    mutants = enumerate_all(root, areas)
    equivalents = load_equivalents(root)
    known = {m["id"] for m in mutants}
    for mid in equivalents:
        if mid not in known and mid.split(":")[0] in {f for a in areas for f in AREAS[a]}:
            print(f"mutate: warning: scripts/mutate-equivalent.txt names {mid}, which no longer exists")
    if args.only:
        mutants = [m for m in mutants if m["id"] in args.only]
    if args.sample:
        mutants = sample(mutants, args.sample, args.seed)

    if args.list:
        for m in mutants:
            text = open(os.path.join(root, m["file"]), encoding="utf-8").read()
            eq = "  [equivalent]" if m["id"] in equivalents else ""
            print(f"{m['id']}\t{line_of(text, m['line'])}  ->  {line_of(apply(text, m['edits']), m['line'])}{eq}")
        counts = {}
        for m in mutants:
            counts[m["area"]] = counts.get(m["area"], 0) + 1
        print("# " + ", ".join(f"{a}: {c}" for a, c in counts.items()) + f"; total {len(mutants)}")
        return 0

    work = args.work or os.path.join(os.environ.get("TMPDIR", "/tmp"), f"ukern-mutate-{os.getuid()}")
    os.makedirs(work, exist_ok=True)
    done = load_results(args.results)
    todo = [m for m in mutants if m["id"] not in done and m["id"] not in equivalents]
    if args.report:
        print(f"mutate: {len(mutants)} mutants in {', '.join(areas)}; "
              f"{len(mutants) - len(todo)} recorded in {args.results} or equivalent", flush=True)
    else:
        print(f"mutate: {len(mutants)} mutants in {', '.join(areas)}; {len(todo)} to run, "
              f"{len(mutants) - len(todo)} already recorded or equivalent; work in {work}", flush=True)

    outcomes = {mid: v for mid, v in done.items()}
    if args.report:
        todo = []
    if todo:
        jobs = max(1, args.j)
        workers = [Worker(root, work, i, 2 if jobs == 1 else 1, args.tests, args.skip_suite) for i in range(jobs)]
        t0 = time.monotonic()
        coverage = None
        if not args.no_select:
            coverage = Coverage(root, work, 2 if jobs == 1 else jobs)
            if not coverage.load_or_build(lambda msg: print(msg, flush=True)):
                coverage = None
        for w in workers:
            w.setup()
        workers[0].baseline()
        for w in workers[1:]:
            order = [t["name"] for t in workers[0].tests]
            by_name = {t["name"]: t for t in w.tests}
            w.tests = [dict(by_name[n], mutate_timeout=workers[0].tests[i]["mutate_timeout"])
                       for i, n in enumerate(order)]
        print(f"mutate: {len(workers[0].tests)} tests in the command, stopping at the first failure"
              + ("" if coverage is None else "; each mutant runs only those that execute its lines")
              + ": " + " ".join(t["name"] for t in workers[0].tests), flush=True)
        results_file = open(args.results, "a", encoding="utf-8") if args.results else None
        import threading
        lock = threading.Lock()

        def record(m, status, detail):
            # The last column says how the tests were chosen: all (the
            # whole command), selected (by coverage), uncovered (none).
            with lock:
                outcomes[m["id"]] = [status, detail, m.get("before", ""), m.get("after", ""),
                                     m.get("mode", "all")]
                print(f"{m['id']}\t{status}\t{detail}", flush=True)
                if results_file:
                    results_file.write("\t".join([m["id"]] + outcomes[m["id"]]) + "\n")
                    results_file.flush()

        def log(msg):
            with lock:
                print(msg, flush=True)

        for w in workers:
            w.schema = not args.no_schema
        # One job a file: its mutants share one build (the schema). The
        # biggest files first, so the workers end together.
        by_file = {}
        for m in todo:
            by_file.setdefault(m["file"], []).append(m)
        files = sorted(by_file, key=lambda f: (-len(by_file[f]), f))
        if jobs == 1:
            for f in files:
                workers[0].run_file(f, by_file[f], coverage, record, log)
        else:
            from concurrent.futures import ThreadPoolExecutor
            import queue
            free = queue.Queue()
            for w in workers:
                free.put(w)

            def one(f):
                w = free.get()
                try:
                    w.run_file(f, by_file[f], coverage, record, log)
                finally:
                    free.put(w)
            with ThreadPoolExecutor(jobs) as pool:
                list(pool.map(one, files))
        modes = {}
        for m in todo:
            modes[m.get("mode", "all")] = modes.get(m.get("mode", "all"), 0) + 1
        print(f"mutate: ran {len(todo)} mutants in {time.monotonic() - t0:.0f} s"
              + ("" if coverage is None else
                 f" (tests selected by coverage: {modes.get('selected', 0)}; the full command, "
                 f"coverage cannot tell: {modes.get('all', 0)}; executed by no test, not built: "
                 f"{modes.get('uncovered', 0)})"), flush=True)

    return report(root, mutants, outcomes, equivalents, args)


def report(root, mutants, outcomes, equivalents, args):
    rows = {}
    survivors = []
    for m in mutants:
        r = rows.setdefault(m["area"], {"mutants": 0, "killed": 0, "survived": 0, "equivalent": 0,
                                        "nocompile": 0})
        r["mutants"] += 1
        if m["id"] in equivalents:
            r["equivalent"] += 1
            continue
        status = outcomes.get(m["id"], ["notrun"])[0]
        if status in r:
            r[status] += 1
        if status == "survived":
            survivors.append(m)
    print()
    print(f"{'area':<8} {'mutants':>7} {'run':>5} {'killed':>6} {'survived':>8} {'equiv':>5} "
          f"{'nocompile':>9} {'kill rate':>9}")
    failing = False
    tk = ts = 0
    for area, r in rows.items():
        counted = r["killed"] + r["survived"]
        tk += r["killed"]
        ts += r["survived"]
        rate = 100.0 * r["killed"] / counted if counted else float("nan")
        run = counted + r["nocompile"]
        print(f"{area:<8} {r['mutants']:>7} {run:>5} {r['killed']:>6} {r['survived']:>8} "
              f"{r['equivalent']:>5} {r['nocompile']:>9} {rate:>8.1f}%")
        if args.min_kill is not None and not args.sample and counted and rate < args.min_kill:
            failing = True
    total_rate = 100.0 * tk / (tk + ts) if tk + ts else float("nan")
    print(f"{'all':<8} {'':>7} {'':>5} {tk:>6} {ts:>8} {'':>5} {'':>9} {total_rate:>8.1f}%")
    if args.min_kill is not None and args.sample and (tk + ts == 0 or total_rate < args.min_kill):
        failing = True
    if survivors:
        print("\nSurvivors (file:line, operator, the line before -> after):")
        for m in survivors:
            o = outcomes[m["id"]]
            before, after = (o[2], o[3]) if len(o) >= 4 else ("", "")
            print(f"  {m['file']}:{m['line']}  {m['op']}:{m['id'].rsplit(':', 1)[1]}  {before}  ->  {after}")
    listed = [m for m in mutants if m["id"] in equivalents]
    if listed:
        print("\nEquivalent (scripts/mutate-equivalent.txt, not counted):")
        for m in listed:
            print(f"  {m['id']}  {equivalents[m['id']]}")
    if args.min_kill is not None:
        print(f"\nmutate: {'FAIL' if failing else 'ok'}: threshold {args.min_kill}%")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
