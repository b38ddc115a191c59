"""The coursework round trip with nbgrader, through ``lossviz.coursework``.

For every notebook in notebooks/ (the glob is read at collection time, so notebooks added
later are included): its exercises follow the conventions the grader relies on; the student
version is generated and keeps no solution and no hidden test. That its solutions pass
every test cell and blank answers fail every one, graded in the sandbox, is in
test_coursework_checked.py (one notebook per work unit, so the test workers share them).

The whole nbgrader path (collect's layout, autograde, gradebook, export, feedback pages)
is exercised on 00 and the fixture notebook.

Also here: choosing notebooks, ``collect``'s checks, the command line, and that ``import
lossviz`` stays light. The grader's behaviour on wrong, raising, looping and crashing
answers is in test_grading.py; hostile submissions are in test_grading_attacks.py.
"""

from __future__ import annotations

import csv
import html
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import nbformat
import pytest

from lossviz.coursework import cells as nbcells
from lossviz.coursework import course as cw
from lossviz.coursework import sandbox

from .coursework_support import (
    FIXTURE, HIDDEN, NOTEBOOKS, ROOT, SOLUTION, STUB, WELCOME, Course, cells_by_id, hidden_lines, is_answer,
    is_tests, nbgrader, points, read, require_sandbox, solution_lines, solutions,
)

# nbgrader 0.9.6 with SQLAlchemy 2 warns about its own session handling; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

WRONG_SQUARE = "def square(x):\n    return 2 * np.asarray(x, dtype=float)\n"
WRONG_WARMUP = "def squared_error_grad(prediction, target):\n    return prediction - target\n"
# Right on the visible test's array, wrong on the hidden test's scalar.
WRONG_ON_SCALARS = "def square(x):\n    x = np.asarray(x, dtype=float)\n    return x ** 2 if x.ndim else 2 * x\n"


def notebook_id(path: Path) -> str:
    return path.stem


def without_regions(source: str, region: str, replacement: list[str]) -> list[str]:
    """The lines of ``source`` with each ``### BEGIN <region>`` ... ``### END <region>``
    block, markers included, replaced by ``replacement`` at the block's indentation."""
    lines, inside = [], False
    for line in source.splitlines():
        marker = line.strip()
        if marker == f"### BEGIN {region}":
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            lines.extend(indent + new for new in replacement)
        elif marker == f"### END {region}":
            inside = False
        elif not inside:
            lines.append(line)
    return lines


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    made = Course(tmp_path_factory.mktemp("course"))
    made.release(*NOTEBOOKS, FIXTURE)
    return made


# --------------------------------------------------------------------------- every notebook


def test_there_are_notebooks() -> None:
    assert WELCOME in NOTEBOOKS


@pytest.mark.parametrize("notebook", NOTEBOOKS + [FIXTURE], ids=notebook_id)
def test_exercises_follow_the_grader_conventions(notebook: Path) -> None:
    """The conventions docs/grading.md lists, which the grader relies on."""
    cells = read(notebook).cells
    prefix = "fx" if notebook == FIXTURE else notebook.stem.split("_")[0]
    ids = [nbgrader(cell)["grade_id"] for cell in cells if nbgrader(cell)]
    assert len(ids) == len(set(ids)), f"grade ids repeat: {ids}"
    for position, cell in enumerate(cells):
        meta = nbgrader(cell)
        if not meta:
            continue
        grade_id = meta["grade_id"]
        assert grade_id.startswith(prefix + "-"), f"{grade_id}: ids start with the notebook's number"
        if is_answer(cell):
            assert not meta.get("grade") and not meta.get("locked"), f"{grade_id}: an answer cell is neither graded nor locked"
            assert SOLUTION.search(cell.source), f"{grade_id}: no ### BEGIN SOLUTION / ### END SOLUTION region"
            names = nbcells.answer_names(cell.source)
            assert names, f"{grade_id}: an answer cell defines a function (or value) by name at its top level"
            stub = "\n".join(without_regions(cell.source, "SOLUTION", STUB))
            assert nbcells.answer_names(stub) == names, f"{grade_id}: the student version must define the same names"
            following = cells[position + 1] if position + 1 < len(cells) else None
            assert following is not None and is_tests(following), f"{grade_id}: its tests cell must come right after it"
            assert nbgrader(following)["grade_id"] == f"{grade_id}-tests"
        elif is_tests(cell):
            assert meta.get("locked"), f"{grade_id}: tests cells are locked"
            assert isinstance(meta.get("points"), int) and meta["points"] > 0, f"{grade_id}: points must be a positive int"
            assert HIDDEN.search(cell.source), f"{grade_id}: no ### BEGIN HIDDEN TESTS region"
            parts = nbcells.split_hidden(cell.source)  # raises if the markers are indented or unbalanced
            assert parts.hidden.strip(), f"{grade_id}: the hidden region is empty"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=notebook_id)
def test_student_version_is_generated(course: Course, notebook: Path) -> None:
    student = course.release(notebook)
    assert len(student.cells) == len(read(notebook).cells)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=notebook_id)
def test_source_notebook_tests_passed_when_it_was_run(notebook: Path) -> None:
    """The stored outputs come from a fresh run (nbval checks that): no test cell failed in it."""
    for grade_id, cell in cells_by_id(read(notebook), is_tests).items():
        errors = [output.get("ename") for output in cell.get("outputs", []) if output.output_type == "error"]
        assert cell.get("execution_count") is not None, f"{grade_id} was not run before the notebook was stored"
        assert not errors, f"{grade_id} failed in the stored run: {errors}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=notebook_id)
def test_student_version_has_no_solutions_hidden_tests_or_outputs(course: Course, notebook: Path) -> None:
    source, student = read(notebook), course.release(notebook)
    text = "\n".join(cell.source for cell in student.cells)
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    assert "BEGIN HIDDEN TESTS" not in text and "END HIDDEN TESTS" not in text

    # Each answer cell is its source with the solution region replaced by the stub, each
    # tests cell its source without the hidden region: nothing else may change.
    student_answers, student_tests = cells_by_id(student, is_answer), cells_by_id(student, is_tests)
    assert student_answers.keys() == cells_by_id(source, is_answer).keys()
    assert student_tests.keys() == cells_by_id(source, is_tests).keys()
    for grade_id, cell in cells_by_id(source, is_answer).items():
        assert student_answers[grade_id].source.splitlines() == without_regions(cell.source, "SOLUTION", STUB), grade_id
    for grade_id, cell in cells_by_id(source, is_tests).items():
        assert student_tests[grade_id].source.splitlines() == without_regions(cell.source, "HIDDEN TESTS", []), grade_id
    # ...and no region's code appears anywhere else in the student version either.
    for cell in source.cells:
        for region in SOLUTION.findall(cell.source) + HIDDEN.findall(cell.source):
            assert textwrap.dedent(region).strip() not in text, f"{nbgrader(cell)['grade_id']}: {region.strip()!r} is in the student version"

    for cell in student.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "a stored output could leak a result"


# --------------------------------------------------------------------------- checked, then graded


@pytest.mark.slow
def test_check_reports_tests_that_blank_answers_pass_or_solutions_fail(tmp_path: Path) -> None:
    require_sandbox()
    notebook = read(FIXTURE)
    tests = cells_by_id(notebook, is_tests)
    tests["fx-cube-tests"].source = "assert True\n### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS"
    tests["fx-square-tests"].source = tests["fx-square-tests"].source.replace("9.0", "10.0")
    path = tmp_path / "exercises.ipynb"
    nbformat.write(notebook, path)
    found = cw.problems(cw.check([path])["exercises"])
    assert found[0].startswith("fx-square-tests: the solutions fail it: NotCloseError: square(3) is wrong")
    assert found[1:] == ["fx-cube-tests: passes with blank answers (its tests do not call the answer)"]


@pytest.fixture(scope="module")
def graded(course: Course) -> dict[tuple[str, str], cw.Outcome]:
    """00 and the fixture submitted blank, with the solutions and with one wrong answer,
    through collect's folder layout and nbgrader's autograde, in one run."""
    require_sandbox()
    for notebook in (WELCOME, FIXTURE):
        course.submit("blank", notebook, answers={})
        course.submit("solutions", notebook, answers=solutions(notebook))
    course.submit("wrong", FIXTURE, dict(solutions(FIXTURE), **{"fx-square": WRONG_SQUARE}))
    course.submit("wrong", WELCOME, {"00-warmup": WRONG_WARMUP})
    course.submit("hidden", FIXTURE, dict(solutions(FIXTURE), **{"fx-square": WRONG_ON_SCALARS}))
    outcomes = course.grade()
    failed = [str(outcome) for outcome in outcomes.values() if not outcome.graded]
    assert not failed, "\n".join(failed)
    return outcomes


@pytest.mark.slow
@pytest.mark.parametrize("notebook", [WELCOME, FIXTURE], ids=notebook_id)
def test_autograde_scores_solutions_full_and_blank_zero(course: Course, graded: Any, notebook: Path) -> None:
    for student, expected in (("solutions", points(notebook)), ("blank", dict.fromkeys(points(notebook), 0.0))):
        scores = course.scores(student, notebook.stem)
        assert {grade_id: max_score for grade_id, (_, max_score) in scores.items()} == points(notebook)
        assert {grade_id: score for grade_id, (score, _) in scores.items()} == expected, student
        outcome = graded[(student, notebook.stem)]
        assert outcome.score == sum(expected.values()) and outcome.max_score == sum(points(notebook).values())
        assert outcome.warnings == [] and outcome.notes == [], "nothing to report on a clean submission"
    tests = cells_by_id(course.autograded("blank", notebook.stem), is_tests)
    for grade_id, cell in tests.items():
        assert {output.ename for output in cell.outputs if output.output_type == "error"} == {"NotImplementedError"}, grade_id


def _page_text(page: Path) -> str:
    """The feedback page as text: tags removed (code is split into highlighted spans), entities decoded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page.read_text())))


@pytest.mark.slow
def test_feedback_pages_show_no_hidden_tests_and_no_solutions(course: Course, graded: Any) -> None:
    pages = cw.feedback(course.root, students=["blank", "solutions", "wrong", "hidden"])
    assert len(pages) == 7
    for notebook in (WELCOME, FIXTURE):
        visible = {line.strip() for cell in course.release(notebook).cells for line in cell.source.splitlines()}
        hidden = [line for line in hidden_lines(notebook) if line not in visible]
        answers = [line for line in solution_lines(notebook) if line not in visible]
        assert hidden and answers, f"{notebook.stem}: nothing to look for"
        for student, secret in (("blank", hidden + answers), ("solutions", hidden), ("wrong", hidden)):
            text = _page_text(cw.feedback_page(course.root, student, notebook.stem))
            leaked = [line for line in secret if re.sub(r"\s+", " ", line) in text]
            assert not leaked, f"{notebook.stem} feedback for {student} shows hidden or solution code: {leaked}"
    blank = _page_text(cw.feedback_page(course.root, "blank", "exercises"))
    assert "NotImplementedError" in blank, "the learner sees why a test failed"
    # An answer that passes the visible tests and fails a hidden one: the learner learns
    # that, and not which input or value (the hidden assertion's message names both).
    assert course.scores("hidden", "exercises")["fx-square-tests"] == (0.0, 2.0)
    hidden = _page_text(cw.feedback_page(course.root, "hidden", "exercises"))
    assert "Hidden tests: failed (NotCloseError)" in hidden  # assert_close's AssertionError
    assert "square(3)" not in hidden and "expected 9" not in hidden
    graded_cell = cells_by_id(course.autograded("hidden", "exercises"), is_tests)["fx-square-tests"]
    assert "square(3) is wrong" in str(graded_cell.outputs), "the instructor's copy has the whole story"


@pytest.mark.slow
def test_one_wrong_answer_loses_exactly_its_points(course: Course, graded: Any, tmp_path: Path) -> None:
    expected = dict(points(FIXTURE), **{"fx-square-tests": 0.0})
    assert {grade_id: score for grade_id, (score, _) in course.scores("wrong", "exercises").items()} == expected
    assert graded[("wrong", "exercises")].score == sum(points(FIXTURE).values()) - points(FIXTURE)["fx-square-tests"]
    assert course.scores("wrong", "00_welcome") == {"00-warmup-tests": (0.0, points(WELCOME)["00-warmup-tests"])}

    # The instructor's export holds the same totals, each row saying it was graded.
    rows = {(row["student_id"], row["assignment"]): row for row in csv.DictReader(cw.export(course.root, tmp_path / "grades.csv").open())}
    assert float(rows[("wrong", "exercises")]["score"]) == graded[("wrong", "exercises")].score
    assert float(rows[("wrong", "exercises")]["max_score"]) == sum(points(FIXTURE).values())
    assert rows[("wrong", "exercises")]["status"] == "graded"
    assert rows[("wrong", "01_derivatives_numerically")]["status"] == "not submitted"

    # ...and the learner's feedback says what is wrong: which entry, expected vs got.
    assert "square([1, -2]) is wrong" in cw.feedback_page(course.root, "wrong", "exercises").read_text()


@pytest.mark.slow
def test_each_grading_is_recorded_and_the_gradebook_backed_up(course: Course, graded: Any) -> None:
    records = cw.status(course.root)
    for (student, assignment), outcome in graded.items():
        record = records[f"{student}/{assignment}"]
        assert record["status"] == "graded" and record["score"] == outcome.score
    backups = list((course.root / "grading" / "backups").glob("gradebook-*.db"))
    assert backups, "the gradebook made by generate was backed up before grading"


# --------------------------------------------------------------------------- command line and collect


def test_notebooks_are_chosen_by_number_name_start_or_path() -> None:
    folder = ROOT / "notebooks"
    assert cw.find_notebooks(["00"], folder) == [WELCOME]
    assert cw.find_notebooks(["00_welcome", str(WELCOME)], folder) == [WELCOME]
    assert [path.stem for path in cw.find_notebooks(["03_backprop"], folder)] == ["03_backpropagation"]
    with pytest.raises(cw.CourseworkError, match="00_welcome"):
        cw.find_notebooks(["99_missing"], folder)


def test_collect_refuses_a_notebook_of_no_assignment(course: Course, tmp_path: Path) -> None:
    stray = tmp_path / "notes.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), stray)
    with pytest.raises(cw.CourseworkError, match="not a notebook of a generated assignment"):
        cw.collect("someone", [stray], course.root)


@pytest.mark.parametrize("student", ["../../x", "..", ".", "a/b", "", "al ice", "x;rm"])
def test_collect_refuses_student_ids_that_are_not_plain_names(course: Course, tmp_path: Path, student: str) -> None:
    submission = tmp_path / "exercises.ipynb"
    nbformat.write(course.release(FIXTURE), submission)
    before = sorted(path for path in course.root.parent.rglob("*"))
    with pytest.raises(cw.CourseworkError, match="letters, digits"):
        cw.collect(student, [submission], course.root)
    assert sorted(path for path in course.root.parent.rglob("*")) == before, "nothing was written"


def test_collect_refuses_missing_paths_links_and_invalid_notebooks(course: Course, tmp_path: Path) -> None:
    with pytest.raises(cw.CourseworkError, match="no such file or folder"):
        cw.collect("alice", [tmp_path / "nowhere"], course.root)
    broken = tmp_path / "broken" / "exercises.ipynb"
    broken.parent.mkdir()
    broken.write_text('{"cells": [')
    with pytest.raises(cw.CourseworkError, match="not a valid notebook"):
        cw.collect("alice", [broken.parent], course.root)
    schemaless = tmp_path / "schemaless" / "exercises.ipynb"
    schemaless.parent.mkdir()
    schemaless.write_text('{"cells": 3, "nbformat": 4, "nbformat_minor": 5, "metadata": {}}')
    with pytest.raises(cw.CourseworkError, match="not a valid notebook"):
        cw.collect("alice", [schemaless], course.root)
    link = tmp_path / "linked" / "exercises.ipynb"
    link.parent.mkdir()
    link.symlink_to(course.root / "gradebook.db")
    with pytest.raises(cw.CourseworkError, match="not a regular file"):
        cw.collect("alice", [link.parent], course.root)
    assert not (course.root / "submitted" / "alice").exists()


def test_collect_copies_a_valid_notebook(course: Course, tmp_path: Path) -> None:
    submission = tmp_path / "exercises.ipynb"
    nbformat.write(course.release(FIXTURE), submission)
    [collected] = cw.collect("carol.b-2", [tmp_path], course.root)
    assert collected == cw.submitted_notebook(course.root, "carol.b-2", "exercises")
    assert collected.read_bytes() == submission.read_bytes()


def test_autograde_refuses_where_no_sandbox_starts(course: Course, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap on it
    monkeypatch.setattr(sandbox, "_AVAILABLE", {})
    with pytest.raises(cw.CourseworkError, match="--no-sandbox") as refused:
        cw.autograde(course.root)
    assert "bubblewrap" in str(refused.value)


def test_import_lossviz_stays_light() -> None:
    code = ("import sys, lossviz, lossviz.coursework, lossviz.coursework.course, lossviz.coursework.cli; "
            "print(sorted(name for name in ('nbgrader', 'torch', 'nbformat', 'IPython') if name in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.slow
def test_student_command_writes_student_versions_and_keeps_a_learners_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Once as the console script `./course student` runs, then in-process (quicker) for the reruns.
    script = Path(sys.executable).with_name("lossviz-course")
    done = subprocess.run([str(script), "student", "00", "--out", str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    student = tmp_path / "00_welcome.ipynb"
    assert f"student version: {student}" in done.stdout
    assert "raise NotImplementedError()" in student.read_text()
    assert [path.name for path in tmp_path.iterdir()] == [student.name], "the learner's command leaves only notebooks"

    from lossviz.coursework.cli import main

    student.write_text(student.read_text().replace("raise NotImplementedError()", "return 2 * (prediction - target)"))
    notebooks = ["--notebooks", str(ROOT / "notebooks")]
    assert main([*notebooks, "student", "00", "--out", str(tmp_path)]) == 0
    assert "kept" in capsys.readouterr().out
    assert "return 2 * (prediction - target)" in student.read_text()
    assert main([*notebooks, "student", "00", "--out", str(tmp_path), "--force"]) == 0
    assert "raise NotImplementedError()" in student.read_text()
