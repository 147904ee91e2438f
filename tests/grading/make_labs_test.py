#!/usr/bin/env python3
"""scripts/make-labs on scratch trees: markers in every file type, misspelled markers,
paths from the caller's folder, never into solutions/, never over someone's work without
--force (and then with a backup).

    make_labs_test.py SOURCE_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

SOURCE = os.path.abspath(sys.argv[1])
failures = []


def expect(condition, what):
    if not condition:
        failures.append(what)


def make_tree(scratch, files):
    """A tiny instructor tree: scripts/make-labs, a one-lab manifest and the given solution files."""
    tree = os.path.join(scratch, "tree")
    os.makedirs(os.path.join(tree, "scripts"))
    shutil.copy(os.path.join(SOURCE, "scripts", "make-labs"), os.path.join(tree, "scripts"))
    with open(os.path.join(tree, "labs.json"), "w") as f:
        json.dump({"labs": [{"id": "lab01", "folder": "lab01_x"}]}, f)
    for rel, text in files.items():
        path = os.path.join(tree, "solutions", "lab01_x", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    return tree


def run(tree, *args, cwd=None):
    return subprocess.run([os.path.join(tree, "scripts", "make-labs"), *args], cwd=cwd or tree,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


GOOD = "int twice(int x) {\n    // BEGIN SOLUTION\n    return 2 * x;\n    // END SOLUTION\n}\n"

with tempfile.TemporaryDirectory() as scratch:
    # Every C++ file type is transformed: the solution line never reaches labs/.
    tree = make_tree(scratch, {"a.cpp": GOOD, "b.h": GOOD, "c.cc": GOOD, "d.inl": GOOD, "README.md": "# x\n"})
    r = run(tree)
    expect(r.returncode == 0, f"a clean tree: exit {r.returncode}\n{r.stdout}")
    for name in ("a.cpp", "b.h", "c.cc", "d.inl"):
        text = open(os.path.join(tree, "labs", "lab01_x", name)).read()
        expect("return 2 * x" not in text and 'nnlab::todo("lab01", "twice");' in text, f"{name} not stubbed:\n{text}")

with tempfile.TemporaryDirectory() as scratch:
    # A marker outside C++ source, and misspelled markers, are errors naming file:line.
    for name, text, needle in [
        ("README.md", "intro\n// BEGIN SOLUTION\nanswer\n// END SOLUTION\n", "README.md:2"),
        ("a.cpp", "int f() {\n    // BEGIN SOLUTIONS\n    return 1;\n    // END SOLUTION\n}\n", "a.cpp:2"),
        ("a.cpp", "int f() {\n    //BEGIN SOLUTION\n    return 1;\n}\n", "a.cpp:2"),
        ("a.cpp", "int f() {\n    // begin solution\n    return 1;\n    // end solution\n}\n", "a.cpp:2"),
        ("a.hpp", "int f() {\n    return 1;  // END_SOLUTION\n}\n", "a.hpp:2"),
        ("CMakeLists.txt", "# BEGIN SOLUTION\n", "CMakeLists.txt:1"),
    ]:
        shutil.rmtree(os.path.join(scratch, "tree"), ignore_errors=True)
        tree = make_tree(scratch, {name: text})
        r = run(tree)
        expect(r.returncode != 0 and needle in r.stdout, f"{needle}: exit {r.returncode}\n{r.stdout}")
        expect(not os.path.exists(os.path.join(tree, "labs")), f"{needle}: labs/ written despite the error")

with tempfile.TemporaryDirectory() as scratch:
    tree = make_tree(scratch, {"a.cpp": GOOD})
    # --out is relative to the caller's folder; from inside solutions/ it is refused.
    r = run(tree, "--out", ".", cwd=os.path.join(tree, "solutions"))
    expect(r.returncode != 0 and "refusing to write into" in r.stdout, f"--out . in solutions/: {r.stdout}")
    expect(sorted(os.listdir(os.path.join(tree, "solutions"))) == ["lab01_x"], "something was written into solutions/")
    os.makedirs(os.path.join(scratch, "elsewhere"))
    r = run(tree, "--out", "mine", cwd=os.path.join(scratch, "elsewhere"))
    expect(r.returncode == 0 and os.path.exists(os.path.join(scratch, "elsewhere", "mine", "lab01_x", "a.cpp")),
           f"--out mine from another folder: {r.stdout}")

    # A lab file that differs (a student's work) is not overwritten without --force.
    run(tree)
    mine = os.path.join(tree, "labs", "lab01_x", "a.cpp")
    with open(mine, "w") as f:
        f.write("int twice(int x) { return x + x; }  // my work\n")
    r = run(tree)
    expect(r.returncode == 1 and "a.cpp" in r.stdout and "my work" in open(mine).read(),
           f"overwrote a differing file without --force: {r.stdout}")
    r = run(tree, "--check", "labs")
    expect(r.returncode == 1 and "differs" in r.stdout, f"--check did not report the difference: {r.stdout}")
    r = run(tree, "--force")
    backups = [d for d in os.listdir(tree) if d.startswith("labs.backup-")]
    expect(r.returncode == 0 and len(backups) == 1, f"--force: exit {r.returncode}, backups {backups}\n{r.stdout}")
    if backups:
        kept = open(os.path.join(tree, backups[0], "lab01_x", "a.cpp")).read()
        expect("my work" in kept, "the backup does not hold the overwritten work")
    expect("nnlab::todo" in open(mine).read(), "--force did not regenerate the file")

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
