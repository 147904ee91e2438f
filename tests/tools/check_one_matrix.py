#!/usr/bin/env python3
"""check_one_matrix.py BUILD_DIR checked|unchecked — one definition of Matrix per program.

Matrix's element accessors are inline and differ with NNLAB_CHECKED_ELEMENTS (core/matrix.hpp).
A program whose labs saw the checked class and whose common/ saw the unchecked one would hold
two definitions of one class (an ODR violation). So every translation unit of the build agrees
with its edition (the student build: checked; the instructor build: unchecked), except
checked_matrix_test, which compiles the checked Matrix it tests into itself in either edition.
Reads the build's compile_commands.json (the presets export it). Prints nothing when it passes.
"""
import json
import os
import re
import shlex
import sys

build, edition = sys.argv[1], sys.argv[2]
commands = os.path.join(build, "compile_commands.json")
if not os.path.exists(commands):
    print(f"SKIP: no {commands} (configure with CMAKE_EXPORT_COMPILE_COMMANDS=ON, as the presets do)")
    sys.exit(0)
entries = json.load(open(commands))
problems, seen, own_matrix = [], 0, False
for e in entries:
    args = e["arguments"] if "arguments" in e else shlex.split(e["command"])
    output = e.get("output") or next((args[i + 1] for i, a in enumerate(args) if a == "-o"), "")
    target = re.search(r"CMakeFiles/([^/]+)\.dir/", output)
    target = target.group(1) if target else "?"
    checked = "-DNNLAB_CHECKED_ELEMENTS" in args
    expected = target == "checked_matrix_test" or edition == "checked"
    seen += 1
    where = "/".join(os.path.normpath(os.path.join(e["directory"], e["file"])).split("/")[-3:])
    own_matrix |= target == "checked_matrix_test" and where == "common/core/matrix.cpp"
    if checked != expected:
        problems.append(f"{target}: {where} is compiled "
                        f"{'with' if checked else 'without'} NNLAB_CHECKED_ELEMENTS, the rest of its build "
                        f"{'without' if checked else 'with'}")
if seen == 0:
    problems.append(f"{commands} lists no translation unit")
elif not own_matrix:
    problems.append("checked_matrix_test does not compile common/core/matrix.cpp itself: it would link "
                    "nnlab::core's Matrix, unchecked in the instructor edition")
for p in problems:
    print("FAIL: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
