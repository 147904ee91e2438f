#!/usr/bin/env python3
"""Hostile submissions (tests/grading/submissions/, see its README) graded with one shared
grading build: each gets the right points and statuses, and a valid results.json.

    hostile_test.py SOURCE_DIR NNLAB_GRADE GRADING_TREE

Each submission is the solutions' lab files with the fixture's files laid over them (so a
lab the fixture does not touch is correct), graded with --lab to keep it short.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

SOURCE, GRADE, TREE = (os.path.abspath(a) for a in sys.argv[1:4])
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "submissions")
MANIFEST = json.load(open(os.path.join(SOURCE, "labs.json")))["labs"]
failures = []


def expect(condition, what):
    if not condition:
        failures.append(what)


def submission(scratch, name, with_solutions=True):
    """The solution files of every lab, then the fixture's files over them."""
    sub = os.path.join(scratch, name)
    os.makedirs(sub, exist_ok=True)
    if with_solutions:
        for lab in MANIFEST:
            for f in lab["student_files"]:
                os.makedirs(os.path.join(sub, "labs", lab["folder"]), exist_ok=True)
                shutil.copy(os.path.join(SOURCE, "solutions", lab["folder"], f), os.path.join(sub, "labs", lab["folder"], f))
    if name in os.listdir(FIXTURES):
        shutil.copytree(os.path.join(FIXTURES, name), sub, dirs_exist_ok=True)
    return sub


def grade(scratch, sub, labs, *extra):
    """Grades; returns (exit status, output, records by test, results.json)."""
    records, results = os.path.join(scratch, "records.json"), os.path.join(scratch, "results.json")
    for f in (records, results):
        if os.path.exists(f):
            os.remove(f)
    args = [GRADE, "--submission", sub, "--build-dir", TREE, "--records", records, "--json", results, *extra]
    for lab in labs:
        args += ["--lab", lab]
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900)
    out = done.stdout.decode("utf-8", "replace")
    try:
        with open(results, encoding="utf-8") as f:  # strict: invalid UTF-8 fails here
            gradescope = json.load(f)
        rows = {r["test"]: r for r in json.load(open(records, encoding="utf-8"))}
    except (OSError, ValueError) as e:
        failures.append(f"{sub}: no valid results ({e})\n{out[-3000:]}")
        return done.returncode, out, {}, {"tests": [], "score": -1}
    check_gradescope(gradescope, sub)
    return done.returncode, out, rows, gradescope


def check_gradescope(g, where):
    """The fields Gradescope documents, with their types."""
    for key, kind in [("score", (int, float)), ("execution_time", (int, float)), ("output", str), ("visibility", str),
                      ("stdout_visibility", str), ("tests", list)]:
        expect(isinstance(g.get(key), kind), f"{where}: results.json '{key}' is {g.get(key)!r}")
    for t in g["tests"]:
        for key, kind in [("name", str), ("number", str), ("score", (int, float)), ("max_score", (int, float)),
                          ("status", str), ("output", str), ("visibility", str), ("tags", list)]:
            expect(isinstance(t.get(key), kind), f"{where}: test {t.get('name')} '{key}' is {t.get(key)!r}")
        expect(t["status"] in ("passed", "failed") and 0 <= t["score"] <= t["max_score"], f"{where}: {t}")
    expect(g["score"] == sum(t["score"] for t in g["tests"]), f"{where}: score is not the sum of the tests")


def lab_score(rows, lab):
    return sum(r["points"] for r in rows.values() if r["lab"] == lab)


def statuses(rows, lab):
    return {name.split(".")[1]: r["status"] for name, r in rows.items() if r["lab"] == lab}


with tempfile.TemporaryDirectory(prefix="nnlab-hostile-") as scratch:
    # A header that redefines the assertions is ignored; the .cpp's macros stay in it: 0.
    rc, out, rows, g = grade(scratch, submission(scratch, "macro_header"), ["lab01"])
    expect(rc == 0 and lab_score(rows, "lab01") == 0 and len(rows) == 11, f"macro_header: lab01 {lab_score(rows, 'lab01')}\n{out}")

    # Forged records on every descriptor: every test fails, none passes.
    rc, out, rows, g = grade(scratch, submission(scratch, "forged_records"), ["lab03"])
    expect(lab_score(rows, "lab03") == 0 and set(statuses(rows, "lab03").values()) == {"failed"},
           f"forged_records: {statuses(rows, 'lab03')}")

    # exit(0) / _exit(0) mid-test fail as unreported; abort() is a crash named by its signal.
    rc, out, rows, g = grade(scratch, submission(scratch, "exit_abort"), ["lab03"])
    s = statuses(rows, "lab03")
    expect(lab_score(rows, "lab03") == 0 and s.get("ForwardHandValues") == "failed" and s.get("ShapeMismatch") == "failed"
           and s.get("BackwardHandValues") == "crashed", f"exit_abort: {s}")
    expect("stopped without reporting" in rows.get("Lab03Relu.ForwardHandValues", {}).get("message", "")
           and "crashed: SIGABRT" in rows.get("Lab03Relu.BackwardHandValues", {}).get("message", ""),
           f"exit_abort messages: {[r['message'] for r in rows.values()]}")

    # A segfault: every test (all call forward) crashed: SIGSEGV.
    rc, out, rows, g = grade(scratch, submission(scratch, "segfault"), ["lab03"])
    expect(set(statuses(rows, "lab03").values()) == {"crashed"} and
           all("crashed: SIGSEGV" in r["message"] for r in rows.values()), f"segfault: {statuses(rows, 'lab03')}")

    # An endless loop that ignores SIGTERM: timeouts, killed; the forward test still passes.
    rc, out, rows, g = grade(scratch, submission(scratch, "endless_loop"), ["lab03"], "--timeout", "2", "--grace", "1")
    s = statuses(rows, "lab03")
    expect(lab_score(rows, "lab03") == 20 and s.get("ForwardHandValues") == "passed" and s.get("BackwardHandValues") == "timeout",
           f"endless_loop: {s}")

    # Invalid UTF-8 in a message: results.json valid (checked on load), the bytes replaced.
    rc, out, rows, g = grade(scratch, submission(scratch, "invalid_utf8"), ["lab03"])
    msg = rows.get("Lab03Relu.ForwardHandValues", {}).get("message", "")
    expect("bad bytes" in msg and "\ufffd" in msg and lab_score(rows, "lab03") == 0, f"invalid_utf8: {msg!r}")

    # Malformed records from student code: those tests are not graded; forward's test passes.
    rc, out, rows, g = grade(scratch, submission(scratch, "malformed_score"), ["lab03"])
    s = statuses(rows, "lab03")
    expect(lab_score(rows, "lab03") == 20 and s.get("ForwardHandValues") == "passed" and s.get("BackwardHandValues") == "failed"
           and "not graded" in rows.get("Lab03Relu.BackwardHandValues", {}).get("message", ""), f"malformed_score: {s}")

    # A compile error in lab03: 0 with the compiler's errors; lab01 still full; lab05, which
    # uses lab03, graded with its ReLU tests blocked by lab03.
    rc, out, rows, g = grade(scratch, submission(scratch, "compile_error"), ["lab01", "lab03", "lab05"])
    lab05 = [r for r in rows.values() if r["lab"] == "lab05"]
    expect(lab_score(rows, "lab01") == 100 and lab_score(rows, "lab03") == 0 and "does not compile" in out
           and "error" in g["output"] and "relu.cpp" in g["output"], f"compile_error:\n{out[-3000:]}")
    expect(any(r["status"] == "blocked" and r["blocked_by"] == "lab03" for r in lab05),
           f"compile_error: lab05 not blocked by lab03: {[(r['test'], r['status'], r['blocked_by']) for r in lab05]}")

    # Nothing handed in: every lab 0 "not handed in", out of the full total.
    rc, out, rows, g = grade(scratch, submission(scratch, "empty", with_solutions=False), [])
    full = sum(l["points"] for l in MANIFEST)
    expect(g["score"] == 0 and sum(t["max_score"] for t in g["tests"]) == full and "not handed in: labs/lab01_matrix" in out,
           f"empty: score {g['score']} of {sum(t['max_score'] for t in g['tests'])}\n{out[-2000:]}")

    # A zip with a path that climbs out is refused, nothing written outside.
    evil = os.path.join(scratch, "evil.zip")
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../escaped.cpp", "int x;\n")
        z.writestr("labs/lab01_matrix/matrix_ops.cpp", "int y;\n")
    rc, out, rows, g = grade(scratch, evil, ["lab01"])
    expect(g["score"] == 0 and "unsafe path" in out and not os.path.exists(os.path.join(TREE, "escaped.cpp")),
           f"evil zip:\n{out[-2000:]}")

    # Includes outside the lab folders, common/ and the compiler's headers: refused before
    # compiling (0, the file and the include named), nothing of the included file shown, fast.
    passwd = [l.strip() for l in open("/etc/passwd") if l.strip()][:3]
    for name, named in [("include_solution", "solutions/lab03_relu/relu.cpp"), ("include_absolute", '"/etc/passwd"'),
                        ("include_proc", '"/proc/self/fd/1"'), ("include_macro", "includes /etc/passwd")]:
        began = time.time()
        rc, out, rows, g = grade(scratch, submission(scratch, name), ["lab03"])
        took = time.time() - began
        expect(rc == 0 and lab_score(rows, "lab03") == 0 and "refused: labs/lab03_relu/relu.cpp" in out and named in out
               and all(r["message"].startswith("refused: labs/lab03_relu/relu.cpp") for r in rows.values()),
               f"{name}: lab03 {lab_score(rows, 'lab03')}\n{out[-2000:]}")
        expect(not any(line in out or line in g["output"] for line in passwd), f"{name}: /etc/passwd shown\n{out[-2000:]}")
        expect(took < 60, f"{name}: took {took:.0f} s")

    # A compiler that never finishes: stopped at the build time limit; out of address space:
    # "ran out of memory", both named.
    began = time.time()
    rc, out, rows, g = grade(scratch, submission(scratch, "compile_bomb"), ["lab03"], "--build-timeout", "5")
    expect(lab_score(rows, "lab03") == 0 and "the build did not finish within 5 s" in out and time.time() - began < 60,
           f"compile_bomb (time): {time.time() - began:.0f} s\n{out[-2000:]}")
    rc, out, rows, g = grade(scratch, submission(scratch, "compile_bomb"), ["lab03"], "--build-memory", "300")
    expect(lab_score(rows, "lab03") == 0 and "the compiler ran out of memory (virtual memory exhausted, limit 300 MiB" in out,
           f"compile_bomb (memory):\n{out[-2000:]}")

    # A folder whose labs/ is a symbolic link (to the solutions): refused, not graded.
    linked = os.path.join(scratch, "symlink_dir")
    os.makedirs(linked)
    os.symlink(os.path.join(SOURCE, "solutions"), os.path.join(linked, "labs"))
    rc, out, rows, g = grade(scratch, linked, ["lab03"])
    expect(lab_score(rows, "lab03") == 0 and "labs/lab03_relu/relu.cpp is reached through a symbolic link" in out,
           f"symlink_dir:\n{out[-2000:]}")

    # A lab file over 1 MiB: "too large", with its size, not "not handed in".
    big = submission(scratch, "too_large")
    with open(os.path.join(big, "labs", "lab03_relu", "relu.cpp"), "a") as f:
        f.write("// padding\n" * 100000)
    size = os.path.getsize(os.path.join(big, "labs", "lab03_relu", "relu.cpp"))
    rc, out, rows, g = grade(scratch, big, ["lab03"])
    expect(lab_score(rows, "lab03") == 0 and f"too large ({size} bytes, limit 1048576): labs/lab03_relu/relu.cpp" in out,
           f"too_large:\n{out[-2000:]}")

    # A file planted in the staged labs/ (a header shadowing common/core/todo.hpp) and an
    # instructor header changed there, as an earlier student's test could: both undone
    # before the next submission is built, which gets its full marks.
    planted = os.path.join(TREE, "labs", "core", "todo.hpp")
    os.makedirs(os.path.dirname(planted), exist_ok=True)
    with open(planted, "w") as f:
        f.write("#error planted\n")
    header = os.path.join(TREE, "labs", "lab03_relu", "relu.hpp")
    with open(header, "a") as f:
        f.write("#error changed\n")
    rc, out, rows, g = grade(scratch, submission(scratch, "solutions_only"), ["lab03"])
    expect(lab_score(rows, "lab03") == 100 and not os.path.exists(os.path.dirname(planted))
           and open(header).read() == open(os.path.join(SOURCE, "labs", "lab03_relu", "relu.hpp")).read(),
           f"planted files: lab03 {lab_score(rows, 'lab03')}\n{out[-2000:]}")

    # A setsid daemon double-forked by the test: killed; none outlives the grader.
    def escapees():
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if open(f"/proc/{pid}/comm").read().strip() == "nnlab-escapee":
                    found.append(pid)
            except OSError:
                pass
        return found

    rc, out, rows, g = grade(scratch, submission(scratch, "escaped_daemon"), ["lab03"])
    expect(lab_score(rows, "lab03") == 100 and not escapees(), f"escaped_daemon: lab03 {lab_score(rows, 'lab03')}, "
           f"daemons left: {escapees()}\n{out[-2000:]}")
    for pid in escapees():  # never leave one behind, even when the test fails
        os.kill(int(pid), 9)

    # Code that forges its own records from a static constructor cannot be stopped (it runs
    # in the test's process before main): it is flagged REVIEW, file:line and construct, in
    # the table and the Gradescope output, points unchanged. The solutions are not flagged.
    rc, out, rows, g = grade(scratch, submission(scratch, "forge_ctor"), ["lab03"])
    expect("REVIEW" in out and "labs/lab03_relu/relu.cpp:" in out and "the environment (getenv/environ)" in out
           and "REVIEW: flagged for the instructor" in g["output"] + "".join(t["output"] for t in g["tests"]),
           f"forge_ctor not flagged:\n{out[-2000:]}")
    rc, out, rows, g = grade(scratch, submission(scratch, "solutions_only"), ["lab03"])
    expect("REVIEW" not in out and lab_score(rows, "lab03") == 100, f"solutions flagged:\n{out[-2000:]}")

    # A class (--submissions, the CSV): the REVIEW flag in the status column, the daemon of
    # one student killed before the gradebook is written (it cannot rewrite it later), the
    # others' rows intact. worker0 is the shared tree (a link), so nothing is built afresh.
    batch = os.path.join(scratch, "batch")
    for name in ("forge_ctor", "escaped_daemon", "solutions_only"):
        shutil.copytree(submission(scratch, name), os.path.join(batch, "students", name))
    os.makedirs(os.path.join(batch, "trees"))
    os.symlink(TREE, os.path.join(batch, "trees", "worker0"))
    gradebook = os.path.join(batch, "grades.csv")
    done = subprocess.run([GRADE, "--submissions", os.path.join(batch, "students"), "--csv", gradebook, "--build-dir",
                           os.path.join(batch, "trees"), "--jobs", "1", "--lab", "lab03"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900)
    written = open(gradebook).read() if os.path.exists(gradebook) else ""
    time.sleep(1)
    rows_csv = {line.split(",")[0]: line for line in written.splitlines()[1:]}
    expect(done.returncode == 0 and rows_csv.get("forge_ctor", "").count("REVIEW lab03 labs/lab03_relu/relu.cpp:") == 1
           and rows_csv.get("solutions_only", "").endswith(",,,100,,,,100,ok")
           and rows_csv.get("escaped_daemon", "").endswith(",,,100,,,,100,REVIEW lab03 labs/lab03_relu/relu.cpp:12: starting processes")
           and open(gradebook).read() == written and not escapees(),
           f"batch: exit {done.returncode}\n{written}\n{done.stdout.decode('utf-8', 'replace')[-2000:]}")
    for pid in escapees():
        os.kill(int(pid), 9)

    # Ctrl-C stops the whole run: exit 130, no test process left behind.
    import signal
    sub = submission(scratch, "endless_loop")
    proc = subprocess.Popen([GRADE, "--submission", sub, "--build-dir", TREE, "--lab", "lab03", "--timeout", "60"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def test_processes():
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                cmdline = open(f"/proc/{pid}/cmdline", "rb").read()
            except OSError:
                continue
            if b"lab03_test\0--gtest_filter=" in cmdline and TREE.encode() in cmdline:
                found.append(pid)
        return found

    deadline = time.time() + 300
    while not test_processes() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    time.sleep(1)  # inside a test now (the backward ones loop)
    proc.send_signal(signal.SIGINT)
    try:
        rc = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = "still running 10 s after Ctrl-C"
    time.sleep(0.5)
    expect(rc == 130 and not test_processes(), f"Ctrl-C: exit {rc}, test processes left: {test_processes()}")

for f in failures:
    print("FAIL:", f)
print(f"hostile submissions: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
