#!/usr/bin/env python3
"""scripts/release, tried as a new student would: the handout's README commands from a clean
copy build it, every lab test fails on its TODO and the grade is 0 of the full total; with
the solution files copied in, full marks and a trained model. Also: a partial release
(--labs) holds only those labs, hidden tests are left out, and release refuses unsafe
destinations.

    release_test.py SOURCE_DIR DATA_DIR [--quick]   (--quick: no build, the structure only)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SOURCE, DATA = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
QUICK = "--quick" in sys.argv
SKIP = shutil.ignore_patterns("build", "build-*", "runs", ".git", "mnist", "fashion-mnist", ".fetch-*", "labs.backup-*")
HIDDEN_TEST = '''
// A hidden test (the fixture the release test adds): graded, never in the handout.
GRADED_TEST(Lab03Relu, HiddenLargeNegativeInput, 10, hidden) {
    EXPECT_EQ(1, 1);
}
'''
failures = []


def expect(condition, what):
    if not condition:
        failures.append(what)


def run(args, cwd, ok=True, env=None):
    done = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    if ok and done.returncode != 0:
        sys.exit(f"FAILED ({done.returncode}): {' '.join(args)}\n{done.stdout[-6000:]}")
    return done


def readme_commands(readme):
    """The command lines of the README's sh blocks, in order, but those that install packages
    with sudo (CI installs from the top README's apt line)."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", open(readme).read(), re.S):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line and "sudo " not in line:
                commands.append(line)
    return commands


# What each README command must do in a fresh handout whose labs are all TODOs: exit 0, or
# fail (the tests fail on their TODOs; reset without a terminal refuses without --yes).
# `nnlab watch` is interactive: tools.nnlab_command drives it in a terminal.
MUST_FAIL = ("ctest ", "nnlab test", "nnlab reset")
INTERACTIVE = ("nnlab watch",)


def run_readme_line(line, student, env):
    """Runs one README line as the student's shell would (bash, from the handout's folder,
    with the setup's PATH line in effect)."""
    env = dict(env, PATH=os.path.join(student, "build/student/bin") + os.pathsep + env["PATH"])
    return run(["bash", "-c", line], cwd=student, ok=False, env=env)


with tempfile.TemporaryDirectory(prefix="nnlab-release-") as scratch:
    os.chmod(scratch, 0o755)  # as root, nnlab-grade runs the tests as nobody, who must reach them
    # An instructor tree with one hidden test added to lab03 (its total grows by 10).
    src = os.path.join(scratch, "src")
    shutil.copytree(SOURCE, src, ignore=SKIP, symlinks=True)
    with open(os.path.join(src, "tests/labs/lab03_relu_test.cpp"), "a") as f:
        f.write(HIDDEN_TEST)
    path = os.path.join(src, "tests/labs/lab03_relu_test.cpp")
    text = open(path).read()
    open(path, "w").write(re.sub(r"NNLAB_LAB\(lab03, (\"[^\"]*\"), 100\)", r"NNLAB_LAB(lab03, \1, 110)", text))
    manifest = json.load(open(os.path.join(src, "labs.json")))
    for lab in manifest["labs"]:
        if lab["id"] == "lab03":
            lab["points"] = 110
    json.dump(manifest, open(os.path.join(src, "labs.json"), "w"), indent=2)
    release = os.path.join(src, "scripts", "release")

    # Unsafe destinations are refused.
    r = run([release, os.path.join(src, "handout")], cwd=scratch, ok=False)
    expect(r.returncode != 0 and "inside the source tree" in r.stdout, f"release into the source tree: {r.stdout}")
    busy = os.path.join(scratch, "busy")
    os.makedirs(busy)
    open(os.path.join(busy, "notes.txt"), "w").write("mine\n")
    r = run([release, "busy"], cwd=scratch, ok=False)
    expect(r.returncode != 0 and "not empty" in r.stdout and os.listdir(busy) == ["notes.txt"],
           f"release into a non-empty folder: {r.stdout}")

    # A partial release: only those labs, their tests, no trainer; the hidden test left out.
    run([release, "part", "--labs", "lab01-lab03"], cwd=scratch)
    part = os.path.join(scratch, "part")
    ids = [l["id"] for l in json.load(open(os.path.join(part, "labs.json")))["labs"]]
    expect(ids == ["lab01", "lab02", "lab03"], f"partial release has labs {ids}")
    expect(sorted(os.listdir(os.path.join(part, "labs"))) == ["lab01_matrix", "lab02_linear", "lab03_relu"],
           f"partial release labs/: {os.listdir(os.path.join(part, 'labs'))}")
    expect(not os.path.exists(os.path.join(part, "tests/labs/lab04_cross_entropy_test.cpp")), "lab04's test released")
    expect(not os.path.exists(os.path.join(part, "tools/train")), "the trainer is in a release without lab06")
    lab03 = open(os.path.join(part, "tests/labs/lab03_relu_test.cpp")).read()
    expect("Hidden" not in lab03 and "NNLAB_LAB(lab03, \"ReLU\", 100)" in lab03, "the hidden test reached the handout")
    expect([l["points"] for l in json.load(open(os.path.join(part, "labs.json")))["labs"]] == [100, 100, 100],
           "the released lab03 total is not its visible points")
    # Releasing again keeps the starters already handed out: a TODO comment edited since in
    # lab01's solution reaches the handout only with --update-starters.
    lab01_rel = "labs/lab01_matrix/matrix_ops.cpp"
    released = open(os.path.join(part, lab01_rel)).read()
    solution = os.path.join(src, "solutions/lab01_matrix/matrix_ops.cpp")
    revised = open(solution).read().replace("// TODO(lab01)", "// TODO(lab01, revised)", 1)
    open(solution, "w").write(revised)
    run([os.path.join(src, "scripts", "make-labs"), "--force"], cwd=src)
    r = run([release, "part", "--labs", "lab01-lab03"], cwd=scratch, ok=False)
    expect(r.returncode == 0 and open(os.path.join(part, lab01_rel)).read() == released
           and open(os.path.join(part, ".nnlab/pristine", lab01_rel)).read() == released
           and "kept " + lab01_rel in r.stdout, f"re-release kept lab01's starter: {r.stdout}")
    r = run([release, "part", "--labs", "lab01-lab03", "--update-starters"], cwd=scratch, ok=False)
    expect(r.returncode == 0 and "revised" in open(os.path.join(part, lab01_rel)).read(),
           f"--update-starters: {r.stdout}")
    # Releasing again over a previous release replaces it.
    r = run([release, "part", "--labs", "lab01,lab02"], cwd=scratch, ok=False)
    expect(r.returncode == 0 and not os.path.exists(os.path.join(part, "labs/lab03_relu")),
           f"re-release over a previous release: {r.stdout}")
    for dirpath, _, files in os.walk(part):
        for name in files:
            expect("solutions" not in name, f"a file named for solutions: {os.path.join(dirpath, name)}")
    expect(not os.path.exists(os.path.join(part, "solutions")) and not os.path.exists(os.path.join(part, "tests/grading")),
           "solutions/ or the instructor's tests in the handout")
    expect(not os.path.exists(os.path.join(part, "tools/grade/autograder")), "the instructor's autograder in the handout")
    # A comment a student reads makes sense in the handout: it never sends them to solutions/.
    for dirpath, dirs, files in os.walk(part):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files:
            path = os.path.join(dirpath, name)
            try:
                lines = open(path, encoding="utf-8").read().splitlines()
            except (UnicodeDecodeError, OSError):
                continue
            for number, line in enumerate(lines, 1):
                comment = line.split("//", 1)[1] if "//" in line else line.lstrip()[1:] if line.lstrip().startswith("#") else ""
                expect("solutions/" not in comment,
                       f"{os.path.relpath(path, part)}:{number} names solutions/, which a handout has not: {line.strip()}")

    if not QUICK:
        # The full handout, used as a student would from a clean copy.
        run([release, "handout"], cwd=scratch)
        student = os.path.join(scratch, "student")
        shutil.copytree(os.path.join(scratch, "handout"), student)
        os.makedirs(os.path.join(student, "data"), exist_ok=True)
        if os.path.isdir(os.path.join(DATA, "mnist")):  # the data, as if fetched before
            os.symlink(os.path.join(DATA, "mnist"), os.path.join(student, "data", "mnist"))
        env = dict(os.environ, CMAKE_BUILD_PARALLEL_LEVEL="2")
        commands = readme_commands(os.path.join(student, "README.md"))
        expect("cmake --workflow --preset student" in commands, f"README commands: {commands}")
        lab01 = os.path.join(student, "labs/lab01_matrix/matrix_ops.cpp")
        stub = open(lab01).read()
        for line in commands:
            if "train" in line or line.startswith(INTERACTIVE):
                continue  # train: after the labs are done, below
            r = run_readme_line(line, student, env)
            must_fail = line.startswith(MUST_FAIL)
            expect((r.returncode != 0) == must_fail, f"{line}: exit {r.returncode}\n{r.stdout[-3000:]}")
        expect(open(lab01).read() == stub, "a README command changed the student's lab file")
        if "nnlab handin" in commands:
            expect(os.path.isfile(os.path.join(student, "handin.zip")), "nnlab handin wrote no handin.zip")
        grade = os.path.join(student, "build/student/bin/nnlab-grade")
        results = os.path.join(scratch, "todo.json")
        run([grade, "--json", results], cwd=student)
        graded = json.load(open(results))
        not_todo = [t["name"] for t in graded["tests"] if t["score"] != 0 or "still a TODO" not in t["output"]]
        expect(graded["score"] == 0 and not not_todo and len(graded["tests"]) > 0,
               f"the handout: score {graded['score']}, not failing on a TODO: {not_todo}")
        full = sum(l["points"] for l in json.load(open(os.path.join(student, "labs.json")))["labs"])
        # The solution files copied in: full marks and a trained model.
        for lab in json.load(open(os.path.join(student, "labs.json")))["labs"]:
            for f in lab["student_files"]:
                shutil.copy(os.path.join(SOURCE, "solutions", lab["folder"], f), os.path.join(student, "labs", lab["folder"], f))
        run(["cmake", "--build", "--preset", "student"], cwd=student, env=env)
        r = run([grade, "--require-full", "--json", results], cwd=student, ok=False)
        expect(r.returncode == 0 and json.load(open(results))["score"] == full, f"solutions in the handout:\n{r.stdout}")
        train = [c for c in commands if "train" in c]
        expect(len(train) == 1, f"the README's train command: {train}")
        r = run_readme_line(train[0], student, env)
        expect(r.returncode == 0, f"{train[0]}: exit {r.returncode}\n{r.stdout[-3000:]}")
        models = [os.path.join(d, "model.bin") for d, _, files in os.walk(os.path.join(student, "runs")) if "model.bin" in files]
        expect(len(models) == 1, f"a trained model in runs/: {models}")

for f in failures:
    print("FAIL:", f)
print("release: " + ("structure checked" if QUICK else "handout built, 0 with TODOs, full marks with the solutions, trained"))
sys.exit(1 if failures else 0)
