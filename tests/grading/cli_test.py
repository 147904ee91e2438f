#!/usr/bin/env python3
"""nnlab-grade's command line on the instructor build: records and results.json for one
lab, a result that cannot be written, a bad manifest, an unknown lab.

    cli_test.py SOURCE_DIR NNLAB_GRADE
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SOURCE, GRADE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
failures = []
manifest_labs = json.load(open(os.path.join(SOURCE, "labs.json")))["labs"]


def expect(condition, what):
    if not condition:
        failures.append(what)


def grade(*args, env=None):
    done = subprocess.run([GRADE, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600,
                          env=env)
    return done.returncode, done.stdout


with tempfile.TemporaryDirectory(prefix="nnlab-grade-cli-") as scratch:
    records, results = os.path.join(scratch, "records.json"), os.path.join(scratch, "results.json")
    rc, out = grade("--lab", "lab03", "--verbose", "--records", records, "--json", results, "--require-full")
    rows = json.load(open(records))
    expect(rc == 0 and len(rows) == 6 and all(r["status"] == "passed" and r["points"] == r["max_points"] for r in rows),
           f"lab03 records: exit {rc}\n{out}")
    expect(set(rows[0]) == {"lab", "test", "points", "max_points", "status", "blocked_by", "message", "where"},
           f"record fields: {sorted(rows[0])}")
    expect("PASS  lab03  Lab03Relu.ForwardHandValues  20/20 pts" in out and "partial" in out, f"verbose lines:\n{out}")
    g = json.load(open(results))
    expect(g["score"] == 100 and [t["number"] for t in g["tests"]][:2] == ["3.1", "3.2"], f"results.json: {g['score']}")

    # Nothing built: every lab 0 "not built", out of the full total; never "complete".
    rc, out = grade("--bin", os.path.join(scratch, "empty-bin"), "--require-full", "--json", results)
    g = json.load(open(results))
    expect(rc == 1 and "not built" in out and "complete" not in out and g["score"] == 0
           and sum(t["max_score"] for t in g["tests"]) == sum(l["points"] for l in manifest_labs), f"nothing built: exit {rc}\n{out}")

    # lab03 did not build (the `grade` target removes its program): lab03 "does not compile",
    # and lab05, lab06 — which depend on it through lab05 — are blocked by lab03, not broken.
    partial_bin = os.path.join(scratch, "partial-bin")
    os.mkdir(partial_bin)
    os.chmod(scratch, 0o755)  # as root, the grader runs the tests as an unprivileged user
    for lab in ("lab01", "lab02", "lab04"):
        shutil.copy2(os.path.join(os.path.dirname(GRADE), lab + "_test"), partial_bin)
    rc, out = grade("--bin", partial_bin)
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip().startswith("lab0")}
    expect("does not compile" in lines.get("lab03", "") and "100/100" in lines.get("lab02", ""), f"lab03 not built:\n{out}")
    expect(all("blocked by lab03" in lines.get(lab, "") for lab in ("lab05", "lab06")), f"labs after lab03:\n{out}")

    # A result file that cannot be written: exit 3 naming it, nothing claimed.
    bad = os.path.join(scratch, "no-such-folder", "results.json")
    rc, out = grade("--lab", "lab03", "--json", bad)
    expect(rc == 3 and bad in out and "Wrote" not in out, f"unwritable --json: exit {rc}\n{out}")
    rc, out = grade("--lab", "lab03", "--records", "/dev/null")
    expect(rc == 3 and "not a regular file" in out, f"--records /dev/null: exit {rc}\n{out}")

    # A manifest whose points do not add up to the tests' points; an unknown lab.
    manifest = json.load(open(os.path.join(SOURCE, "labs.json")))
    manifest["labs"][2]["points"] = 90
    manifest["labs"][2]["test"] = os.path.join(SOURCE, manifest["labs"][2]["test"])
    for lab in manifest["labs"]:
        lab["test"] = os.path.join(SOURCE, lab["test"])
    wrong = os.path.join(scratch, "labs.json")
    json.dump(manifest, open(wrong, "w"))
    rc, out = grade("--manifest", wrong)
    expect(rc == 2 and "lab03_relu_test.cpp" in out and "add up to 100" in out, f"points mismatch: exit {rc}\n{out}")
    open(wrong, "w").write("{ not json")
    rc, out = grade("--manifest", wrong)
    expect(rc == 2 and wrong in out, f"broken manifest: exit {rc}\n{out}")
    rc, out = grade("--lab", "lab99")
    expect(rc == 2 and "lab99" in out, f"--lab lab99: exit {rc}\n{out}")
    # Without MNIST, lab05's MNIST tests skip and the rest pass: "Next:" says to fetch the
    # data, not to go back to lab05's README.
    empty = os.path.join(scratch, "no-data")
    os.makedirs(empty)
    rc, out = grade("--lab", "lab05", env=dict(os.environ, NNLAB_DATA_DIR=empty))
    expect(rc == 0 and re.search(r"Next: lab05's tests pass but \d+ were skipped: MNIST is not in .*no-data/mnist; "
                                 r"fetch it with: cmake -P data/fetch.cmake mnist; then grade again", out) is not None
           and "lab05's README" not in out, f"lab05 without MNIST, Next:\n{out}")

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
