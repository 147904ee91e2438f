#!/usr/bin/env python3
"""check_no_leaks.py ROOT — fails when a lesson gives a solution away.

A lesson (a lab's README, the comments in its source files) says what to compute and the
shapes; the statements are the student's to write. This check takes every statement of
every solution region in solutions/ (the lines between "// BEGIN SOLUTION" and
"// END SOLUTION", comments dropped), normalises it (all whitespace removed, a trailing
';', '{' or '}' dropped) and fails when it appears in the same lab's README or in any
comment outside the regions (the TODO text the student sees), normalised the same way.
Statements shorter than MIN_CHARS normalised characters ("return y", "}") say nothing and
are skipped. The level-3 hints in labs.json are the step-by-step plans and may name calls:
they are not checked for statements; but every TODO of labs/ must have its three levels there.
"""
import re
import sys
from pathlib import Path

MIN_CHARS = 10


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", text)


def statements(lines):
    """The solution regions' code lines, normalised."""
    inside, found = False, []
    for number, line in lines:
        stripped = line.strip()
        if stripped.startswith("// BEGIN SOLUTION"):
            inside = True
        elif stripped.startswith("// END SOLUTION"):
            inside = False
        elif inside:
            code = normalise(line.split("//", 1)[0]).rstrip(";{}")
            if len(code) >= MIN_CHARS:
                found.append((number, code))
    return found


def lesson_comments(lines):
    """The comments outside the solution regions, as (line number, text)."""
    inside, found = False, []
    for number, line in lines:
        stripped = line.strip()
        if stripped.startswith("// BEGIN SOLUTION"):
            inside = True
        elif stripped.startswith("// END SOLUTION"):
            inside = False
        elif not inside and "//" in line:
            found.append((number, line.split("//", 1)[1]))
    return found


def missing_hints(root: Path):
    """Every TODO of labs/ has its three hint levels in labs.json, and every hint a TODO."""
    import json
    problems = []
    for lab in json.loads((root / "labs.json").read_text(encoding="utf-8"))["labs"]:
        hints = {h["todo"]: h.get("levels", []) for h in lab.get("hints", [])}
        todos = []
        for source in sorted((root / "labs" / lab["folder"]).glob("*.cpp")):
            todos += re.findall(r'nnlab::todo\("%s",\s*"([^"]+)"\)' % lab["id"], source.read_text(encoding="utf-8"))
        for todo in todos:
            if len(hints.get(todo, [])) != 3:
                problems.append(f"labs.json: {lab['id']} needs three hint levels for {todo}")
        for todo in hints:
            if todo not in todos:
                problems.append(f"labs.json: {lab['id']} has hints for {todo}, which is no TODO of labs/{lab['folder']}")
        problems += unmapped_tests(root, lab)
    return problems


def unmapped_tests(root: Path, lab):
    """`nnlab hint` shows the hint of the first failing test: every graded test of the lab is in
    the "tests" of exactly one of its hints, and every test a hint names exists."""
    graded = re.findall(r"^\s*GRADED_TEST\s*\(\s*(\w+)\s*,\s*(\w+)", (root / lab["test"]).read_text(encoding="utf-8"), re.M)
    graded = [f"{suite}.{name}" for suite, name in graded]
    owners = {}
    for h in lab.get("hints", []):
        for test in h.get("tests", []):
            owners.setdefault(test, []).append(h["todo"])
    problems = [f"labs.json: {lab['id']}: {test} is in the tests of {len(owners.get(test, []))} hints "
                f"({', '.join(owners.get(test, [])) or 'none'}); it belongs to exactly one" for test in graded
                if len(owners.get(test, [])) != 1]
    problems += [f"labs.json: {lab['id']}: the hint for {', '.join(todos)} names {test}, which is no graded test of "
                 f"{lab['test']}" for test, todos in owners.items() if test not in graded]
    return problems


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    leaks = []
    labs = sorted(p for p in (root / "solutions").glob("lab[0-9][0-9]_*") if p.is_dir())
    if not labs:
        print(f"check_no_leaks: no labs in {root / 'solutions'}", file=sys.stderr)
        return 1
    for lab in labs:
        sources = sorted(list(lab.glob("*.cpp")) + list(lab.glob("*.hpp")))
        code, lessons = [], []
        for source in sources:
            lines = list(enumerate(source.read_text(encoding="utf-8").splitlines(), 1))
            code += [(source, n, s) for n, s in statements(lines)]
            # The comments of one file read as one text, so a statement split over two
            # comment lines is still found.
            comments = lesson_comments(lines)
            if comments:
                lessons.append((source, "".join(normalise(t) for _, t in comments), comments))
        readme = lab / "README.md"
        if readme.exists():
            text = readme.read_text(encoding="utf-8")
            lessons.append((readme, normalise(text), list(enumerate(text.splitlines(), 1))))
        for source, number, statement in code:
            for lesson, text, lines in lessons:
                if statement in text:
                    where = next((n for n, t in lines if statement in normalise(t)), None)
                    place = f"{lesson.relative_to(root)}:{where}" if where else str(lesson.relative_to(root))
                    leaks.append(f"{place} gives away {source.relative_to(root)}:{number}: {statement}")
    leaks += missing_hints(root)
    if leaks:
        print("A lesson contains a statement of its solution (say what to compute, not how),", file=sys.stderr)
        print("or a TODO has no hints:", file=sys.stderr)
        for leak in leaks:
            print("  " + leak, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
