#!/usr/bin/env python3
"""nnlab_test.py NNLAB SOURCE [BUILD_DIR] — tests the student's `nnlab` command on a scratch copy.

The copy has the project's labs.json, labs/ and tests/labs/ (and, as a handout has, .nnlab/pristine/).
cmake and nnlab-grade are stand-ins (NNLAB_CMAKE, NNLAB_GRADE) so every case is fast and
deterministic: the fake grader passes a lab's two tests when its files hold no
nnlab::todo( call (a line marked UNREACHABLE does not count: no test reaches it), reports a
TODO as the real one does ("lab03 · ReLU::forward is still a TODO (…)"), and fails (skips) the
test a "FAKE-FAIL: Suite.Name" ("FAKE-SKIP: …") comment names, first; the fake cmake fails when a lab file contains
"SYNTAX ERROR".
With BUILD_DIR (an instructor build), one last case runs the real cmake and nnlab-grade.
Each case prints nothing when it passes; a failure says what was expected and what came.
"""
import hashlib
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

NNLAB, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
REAL_BUILD = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None

FAKE_GRADE = r'''#!/usr/bin/env python3
import json, os, re, sys
args = sys.argv[1:]
manifest = args[args.index("--manifest") + 1]
records = args[args.index("--records") + 1]
labs = [args[i + 1] for i, a in enumerate(args) if a == "--lab"]
root = os.path.dirname(manifest)
out = []
for lab in json.load(open(manifest))["labs"]:
    if labs and lab["id"] not in labs:
        continue
    text = "".join(open(os.path.join(root, "labs", lab["folder"], f)).read() for f in lab["student_files"])
    where = f"labs/{lab['folder']}/{lab['student_files'][0]}"
    for name in re.findall(r"FAKE-SKIP: (\S+)", text):
        out.append({"lab": lab["id"], "test": name, "points": 0, "max_points": 10, "status": "skipped",
                    "blocked_by": "", "where": "", "message": "MNIST is not in data/mnist; fetch it with: "
                    "cmake -P data/fetch.cmake mnist"})
    for name in re.findall(r"FAKE-FAIL: (\S+)", text):
        out.append({"lab": lab["id"], "test": name, "points": 0, "max_points": 10, "status": "failed",
                    "blocked_by": "", "message": "Expected: 1\n  Actual: 0", "where": where + ":1"})
    reached = "".join(line for line in text.splitlines(True) if "UNREACHABLE" not in line)
    called = re.search(r'nnlab::todo\("[^"]*", "([^"]*)"\)', reached)
    for n in (1, 2):
        todo = called is not None
        status = "todo" if todo else "passed"
        message = f"{lab['id']} · {called.group(1)} is still a TODO ({where}:{n})" if todo else ""
        out.append({"lab": lab["id"], "test": f"Suite.Test{n}", "points": 0 if todo else 50, "max_points": 50,
                    "status": status, "blocked_by": "", "message": message, "where": f"{where}:{n}"})
        if "--verbose" in args:
            print(f"{status.upper()}  {lab['id']}  Suite.Test{n}")
json.dump(out, open(records, "w"))
'''

FAKE_CMAKE = r'''#!/usr/bin/env python3
import os, sys, glob
build = sys.argv[sys.argv.index("--build") + 1]
os.makedirs(build, exist_ok=True)
with open(os.path.join(build, "cmake-calls.txt"), "a") as log:
    log.write(" ".join(sys.argv[1:]) + "\n")
root = os.path.dirname(build)
targets = sys.argv[sys.argv.index("--target") + 1:]
for path in sorted(glob.glob(os.path.join(root, "labs", "*", "*.cpp"))):
    lab = os.path.basename(os.path.dirname(path)).split("_")[0]
    if lab + "_test" in targets and "SYNTAX ERROR" in open(path).read():
        print(f"{os.path.relpath(path, root)}:3:1: error: expected ';' before 'SYNTAX'")
        sys.exit(1)
'''

failures = []


def check(condition, what, output=""):
    if not condition:
        failures.append(what + ("\n--- output ---\n" + output if output else ""))


class Scratch:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="nnlab-test-")
        self.root = os.path.join(self.dir, "project")
        os.makedirs(self.root)
        shutil.copy(os.path.join(SOURCE, "labs.json"), self.root)
        shutil.copytree(os.path.join(SOURCE, "labs"), os.path.join(self.root, "labs"))
        # nnlab-grade reads the points beside the tests, in the tests/ of the manifest's folder.
        shutil.copytree(os.path.join(SOURCE, "tests", "labs"), os.path.join(self.root, "tests", "labs"))
        shutil.copytree(os.path.join(SOURCE, "labs"), os.path.join(self.root, ".nnlab", "pristine", "labs"))
        self.build = os.path.join(self.root, "build")
        tools = os.path.join(self.dir, "tools")
        os.makedirs(tools)
        self.env = dict(os.environ, NNLAB_CMAKE=self.tool(tools, "cmake", FAKE_CMAKE),
                        NNLAB_GRADE=self.tool(tools, "nnlab-grade", FAKE_GRADE))
        self.manifest = json.load(open(os.path.join(self.root, "labs.json")))

    @staticmethod
    def tool(folder, name, text):
        path = os.path.join(folder, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)
        return path

    def argv(self, *args):
        return [NNLAB, "--root", self.root, "--build-dir", self.build, *args]

    def run(self, *args, stdin=subprocess.DEVNULL):
        p = subprocess.run(self.argv(*args), env=self.env, stdin=stdin, capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout + p.stderr

    def lab_file(self, lab_id):
        lab = next(l for l in self.manifest["labs"] if l["id"] == lab_id)
        return os.path.join(self.root, "labs", lab["folder"], lab["student_files"][0])

    def solve(self, lab_id):  # the stand-in grader passes a lab whose file has no TODO call
        path = self.lab_file(lab_id)
        text = open(path).read()
        open(path, "w").write(re.sub(r"nnlab::todo\([^;]*\);", "/* written */", text))

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def test_status_test_hint(s):
    code, out = s.run("status")
    check(code == 0, f"status exits 0, got {code}", out)
    check(re.search(r"lab01\s+Matrix operations\s+2 of 2 failing \(0/100\), 6 TODOs left", out) is not None,
          "status: lab01 has 2 of 2 failing and 6 TODOs left", out)
    check("Next: lab01" in out, "status names lab01 as the next lab", out)

    code, out = s.run("test")
    check(code == 1, f"test of an unfinished lab exits 1, got {code}", out)
    check("TODO  lab01  Suite.Test1" in out and "lab01: 0 of 2 tests pass (0/100 points)" in out,
          "test (the current lab, lab01) shows the grader's lines and the count", out)
    calls = open(os.path.join(s.build, "cmake-calls.txt")).read()
    check(f"--build {s.build} --target lab01_test nnlab-grade" in calls, "test builds lab01 first", calls)

    s.solve("lab01")
    code, out = s.run("test", "lab01")
    check(code == 0 and "lab01 is done. Next: lab02" in out, "a finished lab passes and names the next", out)
    code, out = s.run("status")
    check(re.search(r"lab01\s+Matrix operations\s+done \(100/100\)", out) is not None and "Next: lab02" in out,
          "status: lab01 done, next lab02", out)

    code, out = s.run("hint")  # the current lab is now lab02; its first TODO is the constructor
    check(code == 0 and "lab02 · Linear::Linear" in out and "Level 1" in out and "Level 2" not in out,
          "the first hint is level 1 of lab02's first TODO", out)
    code, out = s.run("hint", "lab02")
    check("Level 2" in out and "Level 3" not in out, "the second hint is level 2", out)
    code, out = s.run("hint", "lab02", "--level", "3")
    check("Level 3" in out and "he_normal" in out, "--level 3 shows the plan", out)
    code, out = s.run("hint", "lab02", "--todo", "Linear::backward")
    check("lab02 · Linear::backward" in out and "Level 1" in out, "--todo picks another TODO", out)
    code, out = s.run("hint", "lab02", "--todo", "Nope")
    check(code == 1 and "no hint for 'Nope'" in out, "an unknown TODO is an error naming it", out)
    levels = json.load(open(os.path.join(s.root, ".nnlab", "hints.json")))
    check(levels == {"lab02": {"Linear::Linear": 3, "Linear::backward": 1}}, f"hints.json records the levels: {levels}")
    code, out = s.run("status")
    check("hints: Linear::Linear level 3, Linear::backward level 1" in out, "status shows the hints used", out)

    open(s.lab_file("lab03"), "a").write("\nSYNTAX ERROR\n")
    code, out = s.run("test", "lab03")
    check(code == 1 and "does not compile" in out and "expected ';'" in out, "a compile error is shown, exit 1", out)
    code, out = s.run("status")
    check(re.search(r"lab03\s+ReLU\s+does not compile: labs/lab03_relu/relu.cpp:3:1: error", out) is not None,
          "status shows a lab that does not compile with its first error", out)


def test_hint_follows_the_failing_test(s):
    """nnlab hint shows the hint of what the student is stuck on: the first failing or TODO
    test of the last run (its TODO, else the hint whose "tests" name it), not the first TODO."""
    for lab in ("lab01", "lab02"):
        s.solve(lab)
        s.run("test", lab)
    path = s.lab_file("lab03")
    pristine = open(path).read()
    s.solve("lab03")
    open(path, "a").write("\n// FAKE-FAIL: Lab03Relu.ShapeMismatch\n")
    code, out = s.run("test", "lab03")
    check(code == 1 and "Start with Lab03Relu.ShapeMismatch" in out, "lab03's shape test fails", out)
    code, out = s.run("hint")
    check(code == 0 and "(Lab03Relu.ShapeMismatch failed in your last test run)" in out and
          "lab03 · ReLU::backward" in out and "Level 1" in out,
          "every TODO written, a backward test failing: the hint is ReLU::backward's", out)

    # forward written, backward still a TODO, but a forward test fails first: forward's hint.
    forward_done = re.sub(r'nnlab::todo\("lab03", "ReLU::forward"\);', "/* written */", pristine)
    open(path, "w").write(forward_done + "\n// FAKE-FAIL: Lab03Relu.ForwardHandValues\n")
    s.run("test", "lab03")
    code, out = s.run("hint")
    check("(Lab03Relu.ForwardHandValues failed in your last test run)" in out and "lab03 · ReLU::forward" in out,
          "a failing forward test before backward's TODO: the hint is ReLU::forward's, not the first TODO left", out)

    # Only the TODO left: the test that hit it names it.
    open(path, "w").write(forward_done)
    s.run("test", "lab03")
    code, out = s.run("hint")
    check("(Suite.Test1 hit the TODO ReLU::backward in your last test run)" in out and "lab03 · ReLU::backward" in out
          and "Level 2" in out, "a test that hit a TODO: that TODO's hint (level 2 now: level 1 was shown)", out)
    progress = json.load(open(os.path.join(s.root, ".nnlab", "progress.json")))
    check(progress["lab03"].get("stuck") == "Suite.Test1" and progress["lab03"].get("stuck_todo") == "ReLU::backward",
          f"progress.json records what lab03 is stuck on: {progress.get('lab03')}")


def test_next_after_a_finished_lab(s):
    """Next: names the real next step: a lab whose tests pass is done even with an
    nnlab::todo call left where no test reaches it; a reset lab is the current one again."""
    s.solve("lab01")
    path = s.lab_file("lab01")
    text = open(path).read().replace("/* written */", 'nnlab::todo("lab01", "matmul");  // UNREACHABLE after a return', 1)
    open(path, "w").write(text)
    code, out = s.run("test", "lab01")
    check(code == 0 and "lab01 is done. Next: lab02 (Linear layer): nnlab test lab02" in out,
          "a finished lab with an unreachable TODO call names lab02 next, not itself", out)
    code, out = s.run("status")
    check("Next: lab02" in out, "status agrees: Next: lab02", out)
    code, out = s.run("hint")
    check("lab02 · Linear::Linear" in out, "hint is for lab02, the current lab", out)
    s.solve("lab02")
    s.solve("lab04")  # a later lab done before lab03
    s.run("test", "lab04")
    code, out = s.run("test", "lab02")
    check(code == 0 and "lab02 is done. Next: lab03 (ReLU): nnlab test lab03" in out,
          "with lab04 already done, the lab after lab02 is lab03", out)
    s.solve("lab03")
    code, out = s.run("test", "lab03")
    check(code == 0 and "lab03 is done. Next: lab05" in out, "after lab03 (lab04 done before), Next: lab05", out)
    s.solve("lab05")
    open(s.lab_file("lab05"), "a").write("\n// FAKE-SKIP: Lab05Sgd.MnistOneEpochAbove95Percent\n")
    code, out = s.run("test", "lab05")
    check(code == 1 and "The tests that ran pass; 1 was skipped: MNIST is not in data/mnist; fetch it with: cmake -P "
          "data/fetch.cmake mnist; then nnlab test lab05 again" in out and "Start with" not in out,
          "lab05 with a skipped MNIST test: fetch the data, not 'start with' the skipped test", out)
    code, out = s.run("status")
    check(re.search(r"lab05\s+SGD training loop\s+the tests that ran pass, 1 skipped \(100/110\)", out) is not None and
          "Next: lab05's tests pass but some were skipped: MNIST is not in data/mnist; fetch it with: cmake -P "
          "data/fetch.cmake mnist; then nnlab test lab05" in out, "status: Next: fetch MNIST, then test lab05", out)
    code, out = s.run("reset", "lab01", "--yes")
    check(code == 0, "reset lab01", out)
    code, out = s.run("hint")
    check("lab01 · matmul" in out, "after a reset the lab is current again (its last test run was of other files)", out)


def test_reset(s):
    path = s.lab_file("lab02")
    pristine = open(path).read()
    mine = pristine.replace("namespace nnlab {", "namespace nnlab {\n// my work in progress", 1)
    open(path, "w").write(mine)
    code, out = s.run("reset", "lab02")
    check(code == 1 and "--yes" in out and open(path).read() == mine,
          "reset without --yes on a non-terminal refuses and changes nothing", out)
    code, out = s.run("reset", "lab02", "--yes")
    check(code == 0 and open(path).read() == pristine, "reset --yes restores the release version", out)
    backups = os.path.join(s.root, ".nnlab", "backups")
    kept = [os.path.join(d, f) for d, _, files in os.walk(backups) for f in files]
    check(len(kept) == 1 and open(kept[0]).read() == mine, f"the student's file is kept as a backup: {kept}", out)
    code, out = s.run("reset", "lab99", "--yes")
    check(code == 1 and "no lab 'lab99'" in out, "an unknown lab is an error naming it", out)


def test_handin(s):
    out_zip = os.path.join(s.dir, "mine.zip")
    code, out = s.run("handin", "--out", out_zip)
    check(code == 0 and os.path.exists(out_zip), "handin writes the zip", out)
    if not os.path.exists(out_zip):
        return
    expected = sorted(f"labs/{l['folder']}/{f}" for l in s.manifest["labs"] for f in l["student_files"])
    with zipfile.ZipFile(out_zip) as z:
        names = sorted(z.namelist())
        check(names == sorted(expected + ["HANDIN.txt"]), f"the zip holds every student file and HANDIN.txt: {names}")
        listed = {}
        for line in z.read("HANDIN.txt").decode().splitlines():
            digest, name = line.split("  ", 1)
            listed[name] = digest
        check(sorted(listed) == expected, f"HANDIN.txt lists every student file: {sorted(listed)}")
        for name in expected:
            data = z.read(name)
            check(data == open(os.path.join(s.root, name), "rb").read(), f"{name} in the zip is the student's file")
            check(listed.get(name) == hashlib.sha256(data).hexdigest(), f"HANDIN.txt has {name}'s SHA-256")
    os.remove(s.lab_file("lab06"))
    code, out = s.run("handin", "--out", os.path.join(s.dir, "broken.zip"))
    check(code == 1 and "missing" in out and "momentum.cpp" in out and not os.path.exists(os.path.join(s.dir, "broken.zip")),
          "a missing file is an error naming it, and no zip is written", out)


def test_watch(s):
    """watch in a terminal (a pty): two file changes, a hint, q — under a time limit."""
    s.solve("lab01")
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(NNLAB, s.argv("watch"), s.env)
    seen = ""

    def wait_for(text, seconds=15):
        nonlocal seen
        deadline = time.time() + seconds
        while time.time() < deadline:
            if text in seen:
                return True
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(fd, 4096).decode(errors="replace")
                except OSError:
                    break
        return text in seen

    try:
        ok = wait_for("lab01 is done. On to lab02") and wait_for("Watching labs/")
        check(ok and "First failing: Suite.Test1" in seen, "watch moves past the finished lab01 and shows lab02's first failure", seen)
        check("\033[H\033[2J" in seen, "watch clears the screen", seen)
        mark = len(seen)
        time.sleep(0.3)
        s.solve("lab02")  # change 1: lab02 is done → on to lab03
        ok = wait_for("On to lab03") and wait_for("lab03: 0 of 2 tests pass")
        check(ok, "after a change watch reruns: lab02 done, on to lab03", seen[mark:])
        wait_for("Watching labs/")
        mark = len(seen)
        time.sleep(0.3)
        open(s.lab_file("lab03"), "a").write("\nSYNTAX ERROR\n")  # change 2
        check(wait_for("lab03 does not compile") and wait_for("expected ';'"), "a second change reruns and shows the error",
              seen[mark:])
        wait_for("Watching labs/")
        os.write(fd, b"h")
        check(wait_for("lab03 · ReLU::forward") and wait_for("Level 1"), "h shows a hint", seen[mark:])
        os.write(fd, b"q")
        deadline = time.time() + 10
        status = None
        while time.time() < deadline and status is None:
            wait_for("\0", 0.2)  # keep reading so the child never blocks on a full pty
            done, raw = os.waitpid(pid, os.WNOHANG)
            if done:
                status = os.waitstatus_to_exitcode(raw)
        check(status == 0, f"q quits with status 0 (got {status})", seen[-500:])
    finally:
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)


def test_real_tools():
    """The real cmake and nnlab-grade of an instructor build: its records are read."""
    s = Scratch()
    try:
        env = {k: v for k, v in s.env.items() if k not in ("NNLAB_CMAKE", "NNLAB_GRADE")}
        p = subprocess.run([NNLAB, "--root", s.root, "--build-dir", REAL_BUILD, "test", "lab03"], env=env,
                           capture_output=True, text=True, timeout=600)
        out = p.stdout + p.stderr
        check(p.returncode == 0 and re.search(r"lab03: (\d+) of \1 tests pass \(100/100 points\)", out) is not None,
              "with the real grader, the instructor build's lab03 passes", out)
    finally:
        s.cleanup()


def main():
    for case in (test_status_test_hint, test_hint_follows_the_failing_test, test_next_after_a_finished_lab, test_reset,
                 test_handin, test_watch):
        s = Scratch()
        try:
            case(s)
        except Exception as e:  # a crash in a case is a failure of that case, the others still run
            failures.append(f"{case.__name__}: {type(e).__name__}: {e}")
        finally:
            s.cleanup()
    if REAL_BUILD:
        test_real_tools()
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
