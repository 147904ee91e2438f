#!/usr/bin/env python3
"""The Gradescope bundle on a simulated autograder root: autograder.zip holds setup.sh,
run_autograder and the project without solutions/; run_autograder writes a results.json
with Gradescope's fields for a full-marks submission (zipped, in a folder of its own), an
empty one and hostile ones.

    autograder_test.py SOURCE_DIR NNLAB_GRADE GRADING_TREE

setup.sh installs packages and is not run here; run_autograder is pointed (by its
environment variables) at this build's nnlab-grade and the shared grading tree, and at this
project, which the test first checks the bundle's copy is identical to.
"""
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

SOURCE, GRADE, TREE = (os.path.abspath(a) for a in sys.argv[1:4])
HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = json.load(open(os.path.join(SOURCE, "labs.json")))["labs"]
FULL = sum(l["points"] for l in MANIFEST)
failures = []


def expect(condition, what):
    if not condition:
        failures.append(what)


with tempfile.TemporaryDirectory(prefix="nnlab-autograder-") as scratch:
    bundle = os.path.join(scratch, "autograder.zip")
    subprocess.run(["cmake", f"-DSOURCE={SOURCE}", f"-DSTAGE={scratch}/stage", f"-DOUT={bundle}", "-P",
                    os.path.join(SOURCE, "tools/grade/autograder/make_bundle.cmake")], check=True, stdout=subprocess.DEVNULL)
    root = os.path.join(scratch, "autograder")
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
        z.extractall(os.path.join(root, "source"))
    expect("setup.sh" in names and "run_autograder" in names and "labs.json" in names, f"bundle top level: {names[:20]}")
    expect(not any(n.startswith(("solutions", "tests/grading", "tests/tools")) for n in names), "solutions or instructor tests in the bundle")
    for lab in MANIFEST:
        expect(lab["test"] in names, f"{lab['test']} not in the bundle")
        same = filecmp.cmp(os.path.join(SOURCE, lab["test"]), os.path.join(root, "source", lab["test"]), shallow=False)
        expect(same, f"the bundle's {lab['test']} differs from the project's")

    def run_autograder(files):
        """A fresh submission folder and results folder; returns results.json."""
        for d in ("submission", "results"):
            shutil.rmtree(os.path.join(root, d), ignore_errors=True)
        os.makedirs(os.path.join(root, "submission"))
        for rel, src in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, "submission", rel)), exist_ok=True)
            shutil.copy(src, os.path.join(root, "submission", rel))
        env = dict(os.environ, NNLAB_AUTOGRADER_ROOT=root, NNLAB_GRADE=GRADE, NNLAB_GRADE_TREE=TREE,
                   NNLAB_AUTOGRADER_SOURCE=SOURCE)
        done = subprocess.run(["bash", os.path.join(root, "source", "run_autograder")], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=1200)
        expect(done.returncode == 0, f"run_autograder exit {done.returncode}")
        try:
            with open(os.path.join(root, "results", "results.json"), encoding="utf-8") as f:
                results = json.load(f)
        except (OSError, ValueError) as e:
            failures.append(f"no valid results.json ({e}):\n{done.stdout.decode('utf-8', 'replace')[-3000:]}")
            return {"score": -1, "tests": []}
        for key in ("score", "execution_time", "output", "visibility", "stdout_visibility", "tests"):
            expect(key in results, f"results.json has no '{key}'")
        for t in results["tests"]:
            expect(set(t) == {"name", "number", "score", "max_score", "status", "output", "visibility", "tags"},
                   f"a test's fields: {sorted(t)}")
        expect(sum(t["max_score"] for t in results["tests"]) == FULL, "the tests do not add up to the full total")
        return results

    solutions = {os.path.join(l["folder"], f): os.path.join(SOURCE, "solutions", l["folder"], f)
                 for l in MANIFEST for f in l["student_files"]}  # <folder>/<file>: the second place looked in
    r = run_autograder(solutions)
    expect(r["score"] == FULL, f"full marks: {r['score']} of {FULL}")
    r = run_autograder({})
    expect(r["score"] == 0 and "not handed in" in r["output"], f"empty: {r['score']}\n{r.get('output')}")
    hostile = dict(solutions)
    hostile["lab01_matrix/matrix_ops.cpp"] = os.path.join(HERE, "submissions/macro_header/labs/lab01_matrix/matrix_ops.cpp")
    hostile["lab01_matrix/matrix_ops.hpp"] = os.path.join(HERE, "submissions/macro_header/labs/lab01_matrix/matrix_ops.hpp")
    r = run_autograder(hostile)
    lab01 = [t for t in r["tests"] if t["tags"] == ["lab01"]]
    expect(len(lab01) == 11 and all(t["score"] == 0 for t in lab01) and r["score"] < FULL,
           f"assertion macros redefined: lab01 {[t['score'] for t in lab01]}, total {r['score']}")

for f in failures:
    print("FAIL:", f)
print(f"autograder: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
