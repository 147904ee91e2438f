#!/usr/bin/env python3
"""plant_bugs.py [--labs lab01,lab04] [--build DIR] [--list] — do the graded tests catch small bugs?

For a maintainer (minutes per lab, not run in CI). Plants single-operator mutations, one at
a time, in the solution regions of solutions/ (the code students write):
    <  → <=     <= → <     >  → >=     >= → >      == → !=     != → ==
    +  → -      -  → +     *  → +      /  → *
    += → -=     -= → +=    *= → /=     /= → *=     std::max ↔ std::min
    for (int i = 0; …) → = 1,  for (int i = 1; …) → = 0      (off-by-one loop starts)
    Trans::No ↔ Trans::Yes                                    (a gemm transpose flag)
builds the lab's graded test program against the mutated copy in a scratch build of the
student edition (so Matrix element access is bounds-checked, as when grading), runs it and
reports per lab how many mutants were caught (a test failed, crashed or timed out) and
which survived. A mutant that does not compile is not counted. Exit 1 when a lab catches
less than --target (default 90%).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# (pattern, replacement, name). Binary operators must have a space on both sides, so
# templates (std::vector<int>), pointers (const Param*) and unary minus are left alone.
MUTATIONS = [
    (r"(?<=\s)<(?=\s)", "<=", "< → <="),
    (r"(?<=\s)<=(?=\s)", "<", "<= → <"),
    (r"(?<=\s)>(?=\s)", ">=", "> → >="),
    (r"(?<=\s)>=(?=\s)", ">", ">= → >"),
    (r"(?<=\s)==(?=\s)", "!=", "== → !="),
    (r"(?<=\s)!=(?=\s)", "==", "!= → =="),
    (r"(?<=\s)\+(?=\s)", "-", "+ → -"),
    (r"(?<=\s)-(?=\s)", "+", "- → +"),
    (r"(?<=\s)\*(?=\s)", "+", "* → +"),
    (r"(?<=\s)/(?=\s)", "*", "/ → *"),
    (r"(?<=\s)\+=(?=\s)", "-=", "+= → -="),
    (r"(?<=\s)-=(?=\s)", "+=", "-= → +="),
    (r"(?<=\s)\*=(?=\s)", "/=", "*= → /="),
    (r"(?<=\s)/=(?=\s)", "*=", "/= → *="),
    (r"std::max\b", "std::min", "max → min"),
    (r"std::min\b", "std::max", "min → max"),
    (r"(?<=for \(int \w = )0(?=;)", "1", "loop start 0 → 1"),
    (r"(?<=for \(int \w = )1(?=;)", "0", "loop start 1 → 0"),
    (r"Trans::No\b", "Trans::Yes", "Trans::No → Yes"),
    (r"Trans::Yes\b", "Trans::No", "Trans::Yes → No"),
]


def code_part(line):
    """The line without its comment and with string literals blanked (never mutated)."""
    code = line.split("//", 1)[0]
    return re.sub(r'"(\\.|[^"\\])*"', lambda m: '"' + " " * (len(m.group(0)) - 2) + '"', code)


def mutants(path):
    """Every (line number, new line, description) for the solution regions of one file."""
    lines = open(path, encoding="utf-8").read().split("\n")
    inside = False
    for i, line in enumerate(lines):
        s = line.strip()
        if s.startswith("// BEGIN SOLUTION"):
            inside = True
            continue
        if s.startswith("// END SOLUTION"):
            inside = False
            continue
        if not inside:
            continue
        code = code_part(line)
        for pattern, replacement, name in MUTATIONS:
            for m in re.finditer(pattern, code):
                new = line[: m.start()] + replacement + line[m.end():]
                yield i, new, name


def run(argv, timeout, cwd=None):
    try:
        p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return "timeout", ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--labs", default="", help="comma-separated lab ids (default: every lab)")
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "plant-bugs"), help="the scratch build folder")
    ap.add_argument("--target", type=float, default=90.0, help="the share (%%) of mutants each lab must catch")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds a mutant's test program may run")
    ap.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    args = ap.parse_args()

    manifest = json.load(open(os.path.join(ROOT, "labs.json")))
    labs = [l for l in manifest["labs"] if not args.labs or l["id"] in args.labs.split(",")]
    scratch = tempfile.mkdtemp(prefix="plant-bugs-")
    copy = os.path.join(scratch, "labs")
    shutil.copytree(os.path.join(ROOT, "solutions"), copy)
    try:
        if not args.list:
            code, out = run(["cmake", "-S", ROOT, "-B", args.build, "-DNNLAB_EDITION=labs", f"-DNNLAB_LABS_DIR={copy}",
                             "-DNNLAB_BUILD_BENCH=OFF", "-DNNLAB_MANIFEST_TEST=OFF", "-DCMAKE_BUILD_TYPE=RelWithDebInfo"], 600)
            if code != 0:
                print(out)
                return 2
        summary = []
        for lab in labs:
            program = os.path.join(args.build, "bin", lab["id"] + "_test")
            caught, survived, stillborn = 0, [], 0
            for source in lab["sources"]:
                path = os.path.join(copy, lab["folder"], source)
                original = open(path, encoding="utf-8").read()
                lines = original.split("\n")
                for number, new, name in mutants(path):
                    where = f"{lab['folder']}/{source}:{number + 1}"
                    if args.list:
                        print(f"{where}: {name}: {new.strip()}")
                        continue
                    mutated = lines.copy()
                    mutated[number] = new
                    with open(path, "w", encoding="utf-8") as f:
                        f.write("\n".join(mutated))
                    try:
                        code, out = run(["cmake", "--build", args.build, "--target", lab["id"] + "_test", "-j2"], 600)
                        if code != 0:
                            stillborn += 1
                            continue
                        code, out = run([program], args.timeout)
                        if code == 0:
                            survived.append(f"{where}: {name}: {new.strip()}")
                        else:
                            caught += 1
                    finally:
                        with open(path, "w", encoding="utf-8") as f:
                            f.write(original)
            if args.list:
                continue
            total = caught + len(survived)
            share = 100.0 * caught / total if total else 100.0
            summary.append((lab["id"], caught, total, stillborn, share))
            print(f"{lab['id']}: {caught} of {total} mutants caught ({share:.0f}%), {stillborn} did not compile", flush=True)
            for s in survived:
                print("  survived  " + s, flush=True)
        if args.list:
            return 0
        caught = sum(s[1] for s in summary)
        total = sum(s[2] for s in summary)
        print(f"all: {caught} of {total} caught ({100.0 * caught / max(total, 1):.0f}%)")
        return 1 if any(s[4] < args.target for s in summary) else 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
