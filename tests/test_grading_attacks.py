"""Hostile submissions: each attack is contained, and honest submissions keep full marks.

Every attack is an answer to the fixture notebook's exercises (``square``, ``square_grad``
with ``gradcheck``, ``cube``) that is *wrong unless the attack works*: it computes the
wrong value, then tries to make the grader accept it, or to steal the right one, or to
harm the grader, the gradebook, other students or the machine. Contained means: the wrong
answer scores 0; other students' grades are unchanged; nothing is written outside the
sandbox; the grader (lossviz, its installation) is unchanged; no process outlives grading;
feedback holds no hidden test.

The attacks run in two autograde runs of the same course (two at a time, as a class would
be graded): a first with honest students and a planter, a second with every other attack
between honest students. Old grades must survive the second run.

(``collect`` with a student id such as ``../../x`` is refused before anything is written:
test_coursework.py::test_collect_refuses_student_ids_that_are_not_plain_names.)
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import socket
import sqlite3
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

import lossviz
from lossviz.coursework import course as cw

from .coursework_support import (
    FIXTURE, ROOT, Course, cells_by_id, code, hidden_lines, is_tests, points, require_sandbox, solutions,
)

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")]

FULL = sum(points(FIXTURE).values())
# 20 s: long enough for the memory attack to fill 1 GiB even on a loaded machine.
LIMITS = cw.Limits(timeout=20.0, memory=2**30, processes=32)
MARK = "987654"  # a background `sleep` that must not survive grading
WRONG = {
    "fx-square": "def square(x):\n    return 2 * np.asarray(x, dtype=float)\n",
    "fx-square-grad": "def square_grad(x):\n    return -np.asarray(x, dtype=float)\n",
    "fx-cube": "def cube(x):\n    return 0 * np.asarray(x, dtype=float)\n",
}


def attacks(course_root: Path, outside: Path, port: int) -> dict[str, dict[str, str]]:
    """Student id -> answers (grade_id -> code); the exercises not named get wrong answers."""
    where = {"ROOT": course_root, "REPO": ROOT, "OUTSIDE": outside, "PORT": port, "MARK": MARK}
    return {
        # --- answers that try to make the tests accept a wrong value
        "shadow": {
            "fx-square": code("""
                def assert_close(*args, **kwargs):
                    return None
                def square(x):
                    return 2 * np.asarray(x, dtype=float)
            """),
            "fx-square-grad": code("""
                def gradcheck(*args, **kwargs):
                    return None
                def square_grad(x):
                    return -np.asarray(x, dtype=float)
            """),
        },
        "patch": {
            "fx-square": code("""
                import numpy, lossviz.check as check
                numpy.isclose = lambda *args, **kwargs: numpy.ones(numpy.broadcast(*args[:2]).shape, dtype=bool)
                numpy.allclose = lambda *args, **kwargs: True
                if hasattr(check, "GradcheckReport"):
                    check.GradcheckReport.passed = property(lambda self: True)
                check.assert_close = check.gradcheck = lambda *args, **kwargs: None
                assert_close = gradcheck = check.gradcheck
                def square(x):
                    return 2 * np.asarray(x, dtype=float)
            """),
        },
        "transformer": {
            "fx-square": code("""
                get_ipython().input_transformers_cleanup.append(lambda lines: [])
                def square(x):
                    return 2 * np.asarray(x, dtype=float)
            """),
        },
        "stack-walk": {
            "fx-square-grad": code("""
                import sys
                from lossviz.check import numeric_grad
                def square_grad(x):
                    frame = sys._getframe(1)
                    while frame is not None:
                        f = frame.f_locals.get("f")
                        if callable(f) and f is not square_grad:
                            return numeric_grad(f, x)
                        frame = frame.f_back
                    return -np.asarray(x, dtype=float)
            """),
        },
        "fake-array": {
            "fx-square": code("""
                class Anything:  # looks like the right array to numpy, equals everything
                    def __init__(self, x): self.x = np.asarray(x, dtype=float)
                    def __array__(self, dtype=None, copy=None): return self.x ** 2
                    def __eq__(self, other): return True
                    def __float__(self): return float(self.x ** 2)
                def square(x):
                    return Anything(x)
            """),
        },
        # --- answers that try to steal the right value
        "read-source": {
            "fx-square": code("""
                import glob, json
                def steal():
                    for path in glob.glob("<ROOT>/source/*/*.ipynb") + glob.glob("<ROOT>/release/*/*.ipynb") \\
                            + glob.glob("<REPO>/tests/fixtures/coursework/*.ipynb") + glob.glob("<REPO>/notebooks/*.ipynb"):
                        for cell in json.load(open(path))["cells"]:
                            source = "".join(cell["source"])
                            if "def square(" in source and "BEGIN SOLUTION" in source:
                                return source
                stolen = steal()
                if stolen:
                    exec(stolen)
                else:
                    def square(x):
                        return 2 * np.asarray(x, dtype=float)
            """, **where),
        },
        "copy-other": {
            "fx-square": code("""
                import json
                try:
                    cells = json.load(open("<ROOT>/submitted/honest-early/exercises/exercises.ipynb"))["cells"]
                    exec(next("".join(c["source"]) for c in cells if "def square(" in "".join(c["source"])))
                except OSError:
                    def square(x):
                        return 2 * np.asarray(x, dtype=float)
            """, **where),
        },
        "network": {
            "fx-square": code("""
                import socket
                def square(x):
                    try:
                        socket.create_connection(("127.0.0.1", <PORT>), timeout=3).close()
                        return np.asarray(x, dtype=float) ** 2
                    except OSError:
                        return 2 * np.asarray(x, dtype=float)
            """, **where),
        },
        "read-plant": {  # the planter (graded in the first run) left the right answer in /tmp and /dev/shm
            "fx-square": code("""
                import os
                planted = [p for p in ("/tmp/lossviz-plant.py", "/dev/shm/lossviz-plant.py") if os.path.exists(p)]
                if planted:
                    exec(open(planted[0]).read())
                else:
                    def square(x):
                        return 2 * np.asarray(x, dtype=float)
            """),
        },
        # --- answers that try to harm the grader, the gradebook or other students
        "sql": {
            "fx-square": code("""
                import sqlite3
                try:
                    db = sqlite3.connect("file:<ROOT>/gradebook.db?mode=rw", uri=True)
                    db.execute("UPDATE grade SET extra_credit = 99")
                    db.execute("UPDATE grade SET auto_score = 0, manual_score = 0")
                    db.commit()
                except sqlite3.Error:
                    pass
                def square(x):
                    return 2 * np.asarray(x, dtype=float)
            """, **where),
        },
        "delete": {
            "fx-square": code("""
                import os, shutil
                for path in ("<ROOT>/gradebook.db", "<ROOT>/grading/status.json"):
                    try:
                        os.remove(path)
                    except OSError:
                        pass
                shutil.rmtree("<ROOT>/submitted", ignore_errors=True)
                shutil.rmtree("<OUTSIDE>", ignore_errors=True)
                def square(x):
                    return 2 * np.asarray(x, dtype=float)
            """, **where),
        },
        "append-check": {
            "fx-square": code("""
                import lossviz.check, os, site, sys
                targets = [lossviz.check.__file__, os.path.join(os.path.dirname(lossviz.__file__), "pwned.py"),
                           "<OUTSIDE>/pwned.txt"]
                targets += [os.path.join(folder, "sitecustomize.py") for folder in site.getsitepackages()]
                for target in targets:
                    try:
                        with open(target, "a") as handle:
                            handle.write("\\ndef gradcheck(*args, **kwargs):\\n    return None\\n")
                    except OSError:
                        pass
                def square(x):
                    return 2 * np.asarray(x, dtype=float)
            """, **where),
        },
        "background": {
            "fx-square": code("""
                import ctypes, os, subprocess, time
                subprocess.Popen(["sleep", "<MARK>"], start_new_session=True)
                if os.fork() == 0:
                    os.setsid()
                    if os.fork() == 0:
                        ctypes.CDLL(None).prctl(15, b"lossviz-daemon", 0, 0, 0)  # PR_SET_NAME
                        while True:
                            time.sleep(0.2)
                            try:
                                open("<OUTSIDE>/background.txt", "a").write("still here\\n")
                            except OSError:
                                pass
                    os._exit(0)
                time.sleep(0.5)
                def square(x):
                    return 2 * np.asarray(x, dtype=float)
            """, **where),
        },
        "kill-all": {  # right answers, then the last answer cell kills every process it can see
            "fx-square": solutions(FIXTURE)["fx-square"],
            "fx-square-grad": solutions(FIXTURE)["fx-square-grad"],
            "fx-cube": code("""
                import os, signal
                def cube(x):
                    return np.asarray(x, dtype=float) ** 3
                os.kill(-1, signal.SIGKILL)
                os.kill(os.getppid(), signal.SIGKILL)
                os._exit(1)  # if the kills left it standing
            """),
        },
        "garbage-channel": {  # a wrong answer, and garbage written where the grader reads replies
            "fx-square": code("""
                import os, sys
                os.write(int(sys.argv[-1]), b"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x05hello" + b"{" * 100)
                def square(x):
                    return 2 * np.asarray(x, dtype=float)
            """),
            "fx-square-grad": solutions(FIXTURE)["fx-square-grad"],
        },
        "leak-hidden": {  # records the hidden tests' inputs, then prints them in a later cell
            "fx-square": code("""
                seen = []
                def square(x):
                    seen.append(repr(x))
                    return 2 * np.asarray(x, dtype=float)
            """),
            "fx-square-grad": code("""
                marker = "LEAK" + "ED"  # the marker is in the output only, not in this source
                print(marker, seen)
                raise RuntimeError(marker + " ".join(seen))
            """),
        },
        # --- answers that try to exhaust the machine
        "big-output": {  # a right answer that prints 100 MB: it keeps its marks, the grader its memory
            "fx-square": code("""
                import os
                print("x" * 100_000_000)
                os.write(1, b"y" * 100_000_000)
                def square(x):
                    print("z" * 10_000_000)
                    return np.asarray(x, dtype=float) ** 2
            """),
            "fx-square-grad": solutions(FIXTURE)["fx-square-grad"],
            "fx-cube": solutions(FIXTURE)["fx-cube"],
        },
        "memory": {
            "fx-square": code("""
                def square(x):
                    hog = np.ones(3 * 2**30 // 8)  # 3 GiB
                    return np.asarray(x, dtype=float) ** 2
            """),
            "fx-cube": code("""
                import os, time
                def cube(x):
                    ready, report = os.pipe()
                    for _ in range(6):  # each under the per-process limit, together over it
                        if os.fork() == 0:
                            try:
                                hog = np.ones(300 * 2**20 // 8)
                                os.write(report, b"1")
                                time.sleep(60)
                            finally:
                                os._exit(0)
                    held = b"".join(os.read(ready, 1) for _ in range(6))
                    time.sleep(2)  # all six hold their memory: the grader must have stopped this by now
                    return np.asarray(x, dtype=float) ** 3 if held == b"111111" else 0 * np.asarray(x, dtype=float)
            """),
        },
        "cpu": {
            "fx-square": code("""
                import os
                for _ in range(2):
                    if os.fork() == 0:
                        while True:
                            pass
                def square(x):
                    while True:
                        pass
            """),
        },
        "fork-bomb": {
            "fx-cube": code("""
                import os, time
                def cube(x):
                    forks = 0
                    try:
                        while forks < 200:
                            if os.fork() == 0:
                                time.sleep(60)
                                os._exit(0)
                            forks += 1
                    except OSError:
                        pass
                    return np.asarray(x, dtype=float) ** 3 if forks == 200 else 0 * np.asarray(x, dtype=float)
            """),
        },
        "exit": {
            "fx-square": code("""
                import sys
                def square(x):
                    sys.exit(0)
            """),
            "fx-square-grad": code("""
                import os
                def square_grad(x):
                    os._exit(0)
            """),
        },
    }


PLANT = code("""
    import os
    right = "def square(x):\\n    return np.asarray(x, dtype=float) ** 2\\n"
    for path in ("/tmp/lossviz-plant.py", "/dev/shm/lossviz-plant.py", "/tmp/work/../lossviz-plant.py"):
        try:
            open(path, "w").write(right)
        except OSError:
            pass
    def square(x):
        return 2 * np.asarray(x, dtype=float)
""")


def edit_tests(nb: Any) -> None:
    """A learner who deletes the visible tests of fx-square and gives that test cell 100 points."""
    cell = cells_by_id(nb, is_tests)["fx-square-tests"]
    cell.source = "pass"
    cell.metadata.nbgrader["points"] = 100


def add_bonus(nb: Any) -> None:
    """A learner who adds a graded cell of their own worth 100 points."""
    bonus = nbformat.v4.new_code_cell("pass")
    bonus.metadata["nbgrader"] = {"grade": True, "grade_id": "fx-bonus", "locked": True, "points": 100,
                                  "schema_version": 3, "solution": False, "task": False}
    nb.cells.append(bonus)


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def processes_named(*names: str) -> list[str]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
        if any(name in command or name == comm for name in names):
            found.append(f"{pid}: {comm}: {command[:80]}")
    return found


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_sandbox()
    course = Course(tmp_path_factory.mktemp("attacked"))
    course.release(FIXTURE)
    outside = tmp_path_factory.mktemp("outside")
    (outside / "keep.txt").write_text("the instructor's file")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    site_packages = [Path(p) for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    before = {
        "lossviz": tree_digest(Path(lossviz.__file__).parent),
        "site": {folder: sorted(p.name for p in folder.iterdir()) for folder in site_packages},
        "outside": tree_digest(outside),
    }

    # First run: honest students, and a planter whose files the next run's reader looks for.
    course.submit("honest-early", FIXTURE, solutions(FIXTURE))
    course.submit("wrong-early", FIXTURE, dict(solutions(FIXTURE), **{"fx-cube": WRONG["fx-cube"]}))
    course.submit("planter", FIXTURE, dict(WRONG, **{"fx-square": PLANT}))
    first = course.grade(limits=LIMITS)
    early = {student: course.scores(student, "exercises") for student in ("honest-early", "wrong-early")}

    # Second run: every attack, between honest students.
    plans = attacks(course.root, outside, listener.getsockname()[1])
    for student, answers in plans.items():
        course.submit(student, FIXTURE, dict(WRONG, **answers))
    course.submit("edit-tests", FIXTURE, WRONG, edit=edit_tests)
    course.submit("bonus", FIXTURE, WRONG, edit=add_bonus)
    for number in range(3):
        course.submit(f"honest-{number}", FIXTURE, solutions(FIXTURE))
    second = course.grade(students=[*plans, "edit-tests", "bonus", "honest-0", "honest-1", "honest-2"], limits=LIMITS)
    listener.close()
    cw.feedback(course.root)
    return {"course": course, "outside": outside, "before": before, "first": first, "second": second, "early": early,
            "site_packages": site_packages, "attacks": [*plans, "edit-tests", "bonus", "planter"]}


def test_honest_submissions_keep_full_marks(attacked: dict[str, Any]) -> None:
    course = attacked["course"]
    for student in ("honest-early", "honest-0", "honest-1", "honest-2"):
        assert cw.total(course.root, "exercises", student) == (FULL, FULL), student
    assert cw.total(course.root, "exercises", "wrong-early")[0] == FULL - points(FIXTURE)["fx-cube-tests"]


def test_earlier_grades_are_unchanged_by_later_attacks(attacked: dict[str, Any]) -> None:
    course = attacked["course"]
    for student, scores in attacked["early"].items():
        assert course.scores(student, "exercises") == scores, student
    with sqlite3.connect(course.root / "gradebook.db") as db:
        assert db.execute("SELECT COUNT(*) FROM grade WHERE extra_credit IS NOT NULL AND extra_credit != 0").fetchone() == (0,)


@pytest.mark.parametrize(
    "student",
    ["shadow", "patch", "transformer", "stack-walk", "fake-array", "read-source", "copy-other", "network", "read-plant",
     "sql", "delete", "append-check", "background", "cpu", "fork-bomb", "memory", "exit", "edit-tests", "bonus",
     "garbage-channel", "leak-hidden"],
)
def test_a_wrong_answer_scores_zero_whatever_else_it_does(attacked: dict[str, Any], student: str) -> None:
    course, outcome = attacked["course"], attacked["second"][(student, "exercises")]
    assert outcome.graded, outcome.error
    assert outcome.max_score == FULL, "a learner cannot change what an exercise is worth"
    scores = course.scores(student, "exercises")
    expected_right = {"garbage-channel": {"fx-square-grad-tests"}}.get(student, set())
    for grade_id, (score, max_score) in scores.items():
        assert score == (max_score if grade_id in expected_right else 0.0), f"{student}: {grade_id} scored {score}"


def test_what_the_attacks_triggered_is_reported(attacked: dict[str, Any]) -> None:
    second = attacked["second"]

    def notes(student: str) -> str:
        return " | ".join(second[(student, "exercises")].notes + second[(student, "exercises")].warnings)

    assert "time limit" in notes("cpu")
    assert "memory limit" in notes("memory")
    assert "test cell fx-square-tests was edited" in notes("edit-tests")
    assert "points" in notes("edit-tests"), "nbgrader's warning about the changed points is shown"
    assert "grading channel" in notes("garbage-channel")
    assert "'fx-bonus' is not one of the assignment's cells" in notes("bonus")
    assert "checksum" not in notes("edit-tests"), "nbgrader's warning that every submission triggers is not"


def test_an_answer_that_kills_its_own_sandbox_loses_only_that_exercise(attacked: dict[str, Any]) -> None:
    course = attacked["course"]
    scores = course.scores("kill-all", "exercises")
    assert {grade_id: score for grade_id, (score, _) in scores.items()} == dict(points(FIXTURE), **{"fx-cube-tests": 0.0})


def test_output_floods_are_cut_and_a_right_answer_keeps_its_marks(attacked: dict[str, Any]) -> None:
    course = attacked["course"]
    assert cw.total(course.root, "exercises", "big-output") == (FULL, FULL)
    notebook = cw.autograded_notebook(course.root, "big-output", "exercises")
    assert notebook.stat().st_size < 200_000, "the 100 MB of output is not in the graded notebook"
    assert (course.root / "grading" / "status.json").stat().st_size < 200_000


def test_the_grader_and_its_installation_are_unchanged(attacked: dict[str, Any]) -> None:
    before = attacked["before"]
    assert tree_digest(Path(lossviz.__file__).parent) == before["lossviz"]
    for folder in attacked["site_packages"]:
        assert sorted(p.name for p in folder.iterdir()) == before["site"][folder]


def test_nothing_is_written_or_deleted_outside_the_sandbox(attacked: dict[str, Any]) -> None:
    course = attacked["course"]
    assert tree_digest(attacked["outside"]) == attacked["before"]["outside"]
    assert (course.root / "gradebook.db").is_file() and (course.root / "grading" / "status.json").is_file()
    assert cw.submitted_notebook(course.root, "honest-early", "exercises").is_file()
    assert not Path("/tmp/lossviz-plant.py").exists() and not Path("/dev/shm/lossviz-plant.py").exists()


def test_no_process_outlives_grading(attacked: dict[str, Any]) -> None:
    assert processes_named(f"sleep {MARK}", "lossviz-daemon") == []


def test_feedback_shows_no_hidden_test_and_nothing_the_answers_recorded(attacked: dict[str, Any]) -> None:
    course = attacked["course"]
    visible = {line.strip() for cell in course.release(FIXTURE).cells for line in cell.source.splitlines()}
    hidden = [line for line in hidden_lines(FIXTURE) if line not in visible]
    for student in attacked["attacks"]:
        page = cw.feedback_page(course.root, student, "exercises")
        text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page.read_text())))
        assert not [line for line in hidden if line in text], student
        assert "LEAKED" not in text, student
