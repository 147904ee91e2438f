#!/usr/bin/env python3
"""check_lab_labels.py SOURCE BUILD_DIR — `ctest -L labNN` selects exactly lab NN's graded tests.

1. In this build: every test of a lab (labNN.Suite.Name, or labNN.all_tests before the
   program was first built) has the one label labNN; build.labNN has build and labNN; and
   `ctest -N -L labNN` lists the lab's build and every graded test of its test file.
2. In a fresh configure of SOURCE (nothing built, so nothing discovered yet): `ctest -N -L lab01`
   lists build.lab01 and lab01.all_tests, which runs the whole program after the build (not the
   build alone, as when gtest's unlabelled placeholder stood there).
A lab that needs data also runs data.fetch_mnist first (its fixture), and nothing else.
Prints nothing when it passes.
"""
import json
import re
import subprocess
import sys
import tempfile

SOURCE, BUILD = sys.argv[1], sys.argv[2]
failures = []


def tests_of(build, *args):
    out = subprocess.run(["ctest", "--show-only=json-v1", *args], cwd=build, capture_output=True, text=True, check=True)
    return {t["name"]: {p["name"]: p["value"] for p in t.get("properties", [])} for t in json.loads(out.stdout)["tests"]}


manifest = json.load(open(f"{SOURCE}/labs.json"))["labs"]
everything = tests_of(BUILD)
for lab in manifest:
    lab_id = lab["id"]
    graded = re.findall(r"^\s*GRADED_TEST\s*\(\s*(\w+)\s*,\s*(\w+)", open(f"{SOURCE}/{lab['test']}").read(), re.M)
    for name, props in everything.items():
        if name.startswith(lab_id + ".") and props.get("LABELS") != [lab_id]:
            failures.append(f"{name} has labels {props.get('LABELS')}, expected ['{lab_id}']")
    if everything.get(f"build.{lab_id}", {}).get("LABELS") != ["build", lab_id]:
        failures.append(f"build.{lab_id} has labels {everything.get(f'build.{lab_id}', {}).get('LABELS')}")
    selected = set(tests_of(BUILD, "-L", f"^{lab_id}$"))
    if f"{lab_id}.all_tests" in selected:
        expected = {f"build.{lab_id}", f"{lab_id}.all_tests"}
    else:
        expected = {f"build.{lab_id}"} | {f"{lab_id}.{suite}.{name}" for suite, name in graded}
    if lab.get("needs_data"):
        expected.add("data.fetch_mnist")  # the fixture that fetches MNIST first (and only MNIST)
    if selected != expected:
        failures.append(f"ctest -L {lab_id} selects {sorted(selected)}, expected {sorted(expected)}")

with tempfile.TemporaryDirectory(prefix="nnlab-labels-") as fresh:
    subprocess.run(["cmake", "-S", SOURCE, "-B", fresh, "-DNNLAB_EDITION=labs", "-DNNLAB_BUILD_BENCH=OFF"],
                   capture_output=True, text=True, check=True)
    first = manifest[0]["id"]
    selected = tests_of(fresh, "-L", f"^{first}$")
    if set(selected) != {f"build.{first}", f"{first}.all_tests"} or selected[f"{first}.all_tests"].get("DEPENDS") != [
            f"build.{first}"]:
        failures.append(f"fresh tree: ctest -L {first} selects {sorted(selected)}, expected build.{first} and then "
                        f"{first}.all_tests")
    placeholder = tests_of(fresh).get(f"{first}_test_NOT_BUILT", {})
    if placeholder and not placeholder.get("DISABLED"):
        failures.append(f"fresh tree: {first}_test_NOT_BUILT (no label, no program) still runs")

for f in failures:
    print("FAIL: " + f, file=sys.stderr)
sys.exit(1 if failures else 0)
