#!/usr/bin/env python3
"""The manifest test: adding a lab takes a folder in solutions/, a test file and a manifest
entry — nothing else. In a scratch copy of the source tree it adds the throwaway lab of
fixtures/lab07_scale/, generates its student edition, builds the instructor edition and
grades it: lab07 must appear with its full points, and the total must grow by them.

    add_lab_test.py SOURCE_DIR DATA_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "lab07_scale")
# What the copy leaves out: build trees, runs, downloaded data, git's own files.
SKIP = shutil.ignore_patterns("build", "build-*", "runs", ".git", "mnist", "fashion-mnist", ".fetch-*")


def run(args, cwd):
    """Runs a command (an argument list, no shell); stops the test with its output on failure."""
    done = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        sys.exit(f"FAILED ({done.returncode}): {' '.join(args)}\n{done.stdout[-4000:]}")
    return done.stdout


def add_lab(tree):
    """The three steps of docs/maintainer.md: solutions folder, test file, manifest entry."""
    shutil.copytree(os.path.join(FIXTURE, "solutions", "lab07_scale"), os.path.join(tree, "solutions", "lab07_scale"))
    shutil.copy(os.path.join(FIXTURE, "lab07_scale_test.cpp"), os.path.join(tree, "tests", "labs"))
    manifest_path = os.path.join(tree, "labs.json")
    with open(manifest_path) as f:
        manifest = json.load(f)
    with open(os.path.join(FIXTURE, "manifest-entry.json")) as f:
        manifest["labs"].append(json.load(f))
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)
    return manifest


def main():
    source, data = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="nnlab-add-lab-") as scratch:
        os.chmod(scratch, 0o755)  # as root, nnlab-grade runs the tests as nobody, who must reach them
        tree = os.path.join(scratch, "nnlab")
        shutil.copytree(source, tree, ignore=SKIP, symlinks=True)
        manifest = add_lab(tree)

        # The student edition of the new lab: its solution region became a TODO call.
        run([os.path.join(tree, "scripts", "make-labs")], cwd=tree)
        with open(os.path.join(tree, "labs", "lab07_scale", "scale.cpp")) as f:
            stub = f.read()
        if 'nnlab::todo("lab07", "scale")' not in stub or "map_elements" in stub:
            sys.exit(f"make-labs did not turn lab07's solution into a TODO:\n{stub}")

        build = os.path.join(tree, "build")
        run(["cmake", "-S", tree, "-B", build, "-DNNLAB_EDITION=solutions", "-DNNLAB_BUILD_BENCH=OFF",
             "-DNNLAB_MANIFEST_TEST=OFF", "-DCMAKE_BUILD_TYPE=Release", f"-DNNLAB_DATA_DIR={data}"], cwd=tree)
        programs = [f"{lab['id']}_test" for lab in manifest["labs"]]
        run(["cmake", "--build", build, "-j", "2", "--target", "nnlab-grade", *programs], cwd=tree)

        results = os.path.join(scratch, "results.json")
        table = run([os.path.join(build, "bin", "nnlab-grade"), "--json", results], cwd=tree)
        with open(results) as f:
            graded = json.load(f)
        full = sum(lab["points"] for lab in manifest["labs"])
        lab07 = [t for t in graded["tests"] if "Lab07Scale" in t["name"]]
        problems = []
        if graded["score"] != full:
            problems.append(f"score {graded['score']}, expected the full {full} (lab07 included)")
        if sorted(t["score"] for t in lab07) != [40, 60]:
            problems.append(f"lab07's tests scored {[(t['name'], t['score']) for t in lab07]}, expected 60 and 40")
        if "lab07" not in table:
            problems.append("the score table has no lab07 row")
        if problems:
            sys.exit("\n".join(problems) + "\n" + table)
    print(f"lab07 added through the manifest: built, graded {full}/{full}")


if __name__ == "__main__":
    main()
