#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scripts/mutate.py's mutant schema (docs/testing.md, "Mutant schemata"):
every mutant of a small C file, built once as a schema and selected by
UKMUT_ID, must behave exactly as the same mutant built on its own, and the
schema with UKMUT_ID unset as the original. The file has what the schema
must handle: static and external functions, void and value returns, a
pointer return, a function-pointer parameter, an array parameter,
recursion, a static table, a multi-line signature, a call through a
function's address taken before the switch, #line-sensitive __LINE__."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import mutate  # noqa: E402

SOURCE = r'''/* a test file */
#include <stdio.h>
#include <stdlib.h>

struct acc { long sum; int n; };

static int table[4] = {3, 1, 4, 1};

static long fold(const int *v, int n, long (*op)(long, int))
{
	long r = 0;
	for (int i = 0; i < n; i++)
		r = op(r, v[i]);
	return r;
}

static long add(long a, int b) { return a + b; }

long fact(int n)
{
	if (n <= 1)
		return 1;
	return n * fact(n - 1);
}

static void push(struct acc *a,
		 int v)
{
	if (v > 2 && a->n < 10)
		a->sum += v;
	a->n++;
}

static int *pick(int idx[2])
{
	return &table[idx[0] == 1 ? 1 : 2];
}

int line_here(void)
{
	return __LINE__ + 0;
}

int main(int argc, char **argv)
{
	(void)argv;
	struct acc a = {0, 0};
	for (int i = 0; i < 4; i++)
		push(&a, table[i]);
	int idx[2] = {argc, 0};
	long (*f)(int) = fact;
	printf("%ld %ld %d %d %ld %d\n", fold(table, 4, add), f(5), a.n, *pick(idx), a.sum,
	       line_here());
	return 0;
}
'''


def build(cc, path, out):
    r = subprocess.run([cc, "-std=gnu11", "-O1", "-w", "-o", out, path],
                       capture_output=True, text=True)
    return r.returncode == 0


def run(exe, env_id):
    env = dict(os.environ)
    env.pop("UKMUT_ID", None)
    if env_id is not None:
        env["UKMUT_ID"] = str(env_id)
    r = subprocess.run([exe], capture_output=True, text=True, env=env, timeout=10)
    return r.returncode, r.stdout


def main():
    cc = os.environ.get("CC", "cc")
    with tempfile.TemporaryDirectory() as d:
        mutants = mutate.enumerate_file("t.c", SOURCE)
        assert len(mutants) > 20, f"too few mutants to test the schema: {len(mutants)}"
        text, number = mutate.schematize(SOURCE, mutants)
        # Left out: exactly the file-scope table's constants (line 7),
        # which are built on their own.
        out = sorted(m["id"] for m in mutants if m["id"] not in number)
        if not out or any(not i.startswith("t.c:7:") for i in out):
            print(f"FAIL: the schema leaves out {out}")
            return 1
        mutants = [m for m in mutants if m["id"] in number]
        orig_c = os.path.join(d, "orig.c")
        open(orig_c, "w").write(SOURCE)
        schema_c = os.path.join(d, "schema.c")
        open(schema_c, "w").write(text)
        if not build(cc, orig_c, os.path.join(d, "orig")) or not build(cc, schema_c, os.path.join(d, "schema")):
            print("FAIL: the original or the schema does not build")
            subprocess.run([cc, "-std=gnu11", "-c", "-o", os.devnull, schema_c])
            return 1
        want = run(os.path.join(d, "orig"), None)
        for env_id in (None, 0, len(mutants) + 1):
            got = run(os.path.join(d, "schema"), env_id)
            if got != want:
                print(f"FAIL: schema with UKMUT_ID={env_id} gives {got}, the original {want}")
                return 1
        differ = 0
        for m in mutants:
            one = os.path.join(d, "one.c")
            open(one, "w").write(mutate.apply(SOURCE, m["edits"]))
            if not build(cc, one, os.path.join(d, "one")):
                print(f"skip {m['id']}: does not compile on its own")
                continue
            alone = run(os.path.join(d, "one"), None)
            schema = run(os.path.join(d, "schema"), number[m["id"]])
            if alone != schema:
                print(f"FAIL: {m['id']}: built alone {alone}, in the schema {schema}")
                return 1
            differ += alone != want
        # The test is worth something only if mutants change the output.
        if differ < len(mutants) // 3:
            print(f"FAIL: only {differ} of {len(mutants)} mutants change the output")
            return 1
        print(f"ok: {len(mutants)} mutants, each the same in the schema as alone; "
              f"{differ} change the output")
        return 0


if __name__ == "__main__":
    sys.exit(main())
