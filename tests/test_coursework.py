"""The coursework round trip with nbgrader, through tools/coursework.py.

For every notebook in notebooks/ (the glob is read at collection time, so notebooks added
later are included): the student version is generated, keeps no solution and no hidden
test, and every test cell fails on its blank answers when autograded; a submission made
from the solutions scores full marks. With notebook 00 and the fixture notebook
tests/fixtures/coursework/exercises.ipynb: one wrong answer loses exactly its exercise's
points, and answers that raise or loop forever score zero for their exercise while the
rest of that notebook and the next notebook are still graded.

Submissions are made the way a learner makes them: by editing the released notebook's
answer cells. Autograding runs real kernels, so those tests are marked slow.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Callable

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "coursework" / "exercises.ipynb"
TOOL = ROOT / "tools" / "coursework.py"


def _load_tool() -> Any:
    # tools/ is not a package, and "coursework" is also the name of the course folder.
    spec = importlib.util.spec_from_file_location("lossviz_coursework_tool", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


cw = _load_tool()
NOTEBOOKS = cw.find_notebooks()
WELCOME = ROOT / "notebooks" / "00_welcome.ipynb"

# nbgrader 0.9.6 with SQLAlchemy 2 warns about its own session handling; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION", re.M | re.S)
HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[ \t]*\n(.*?)^[ \t]*### END HIDDEN TESTS", re.M | re.S)

# A per-cell limit for the tests that loop forever: long enough for any cell of 00 and the
# fixture on a loaded machine, short enough to keep the test quick.
LOOP_TIMEOUT = 20


STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]


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


def nbgrader(cell: Any) -> dict[str, Any]:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_answer(cell: Any) -> bool:
    return cell.cell_type == "code" and bool(nbgrader(cell).get("solution"))


def is_tests(cell: Any) -> bool:
    meta = nbgrader(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def cells_by_id(notebook: Any, keep: Callable[[Any], bool]) -> dict[str, Any]:
    return {nbgrader(cell)["grade_id"]: cell for cell in notebook.cells if keep(cell)}


def read(path: Path) -> Any:
    return nbformat.read(path, as_version=4)


def notebook_id(path: Path) -> str:
    return path.stem


class Course:
    """A throw-away nbgrader course directory shared by this module's tests; each notebook
    is generated once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.generated: set[str] = set()

    def release(self, notebook: Path) -> Any:
        assignment = notebook.stem
        if assignment not in self.generated:
            cw.generate([notebook], self.root)  # raises CourseworkError with nbgrader's log
            self.generated.add(assignment)
        return read(cw.release_notebook(self.root, assignment))

    def submit(self, student: str, notebook: Path, answers: dict[str, str]) -> None:
        """Submit the released notebook with the answer cells ``answers`` (grade_id -> code) filled in."""
        submission = self.release(notebook)
        cells = cells_by_id(submission, is_answer)
        for grade_id, code in answers.items():
            cells[grade_id].source = code
        path = cw.submitted_notebook(self.root, student, notebook.stem)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(submission, path)

    def grade(self, student: str, assignments: list[str], timeout: int | None = None) -> dict[str, Any]:
        outcomes = cw.autograde(self.root, students=[student], assignments=assignments, timeout=timeout)
        assert [outcome.assignment for outcome in outcomes] == assignments
        failed = [outcome.error for outcome in outcomes if outcome.error is not None]
        assert not failed, "\n".join(failed)
        return {outcome.assignment: outcome for outcome in outcomes}

    def scores(self, student: str, assignment: str) -> dict[str, tuple[float, float]]:
        return cw.scores(self.root, assignment, student)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    return Course(tmp_path_factory.mktemp("course"))


def solutions(notebook: Path) -> dict[str, str]:
    """grade_id -> the instructor's answer cell without the region markers: a perfect learner's answer."""
    markers = ("### BEGIN SOLUTION", "### END SOLUTION")
    return {
        grade_id: "\n".join(line for line in cell.source.splitlines() if line.strip() not in markers)
        for grade_id, cell in cells_by_id(read(notebook), is_answer).items()
    }


def points(notebook: Path) -> dict[str, float]:
    return {grade_id: float(nbgrader(cell)["points"]) for grade_id, cell in cells_by_id(read(notebook), is_tests).items()}


def skip_without_exercises(notebook: Path) -> None:
    if not points(notebook):
        pytest.skip(f"{notebook.name} has no graded exercises")


# --------------------------------------------------------------------------- every notebook


def test_there_are_notebooks() -> None:
    assert WELCOME in NOTEBOOKS


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=notebook_id)
def test_exercises_follow_the_course_format(notebook: Path) -> None:
    cells = read(notebook).cells
    for position, cell in enumerate(cells):
        meta = nbgrader(cell)
        if not meta:
            continue
        grade_id = meta["grade_id"]
        assert grade_id.startswith(notebook.stem.split("_")[0] + "-"), f"{grade_id}: ids start with the notebook's number"
        if is_answer(cell):
            assert not meta.get("grade") and not meta.get("locked"), f"{grade_id}: an answer cell is neither graded nor locked"
            assert SOLUTION.search(cell.source), f"{grade_id}: no ### BEGIN SOLUTION / ### END SOLUTION region"
            following = cells[position + 1] if position + 1 < len(cells) else None
            assert following is not None and is_tests(following), f"{grade_id}: its tests cell must come right after it"
            assert nbgrader(following)["grade_id"] == f"{grade_id}-tests"
        elif is_tests(cell):
            assert meta.get("locked"), f"{grade_id}: tests cells are locked"
            assert isinstance(meta.get("points"), int) and meta["points"] > 0, f"{grade_id}: points must be a positive int"
            assert HIDDEN.search(cell.source), f"{grade_id}: no ### BEGIN HIDDEN TESTS region"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=notebook_id)
def test_student_version_is_generated(course: Course, notebook: Path) -> None:
    student = course.release(notebook)  # raises CourseworkError with nbgrader's log if generating fails
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


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=notebook_id)
def test_every_test_fails_on_the_blank_student_version(course: Course, notebook: Path) -> None:
    skip_without_exercises(notebook)
    course.submit("blank", notebook, answers={})
    course.grade("blank", [notebook.stem])
    graded = cells_by_id(read(cw.autograded_notebook(course.root, "blank", notebook.stem)), is_tests)
    for grade_id, (score, max_score) in course.scores("blank", notebook.stem).items():
        assert max_score > 0 and score == 0, f"{grade_id} passes without an answer"
        assert any(output.output_type == "error" for output in graded[grade_id].outputs), f"{grade_id} raised nothing"


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=notebook_id)
def test_submission_of_the_solutions_scores_full_marks(course: Course, notebook: Path) -> None:
    skip_without_exercises(notebook)
    course.submit("solutions", notebook, answers=solutions(notebook))
    outcome = course.grade("solutions", [notebook.stem])[notebook.stem]
    scores = course.scores("solutions", notebook.stem)
    assert {grade_id: max_score for grade_id, (_, max_score) in scores.items()} == points(notebook)
    assert {grade_id: score for grade_id, (score, _) in scores.items()} == points(notebook)
    assert outcome.score == outcome.max_score == sum(points(notebook).values())


# --------------------------------------------------------------------------- wrong, raising, looping

# Answers to the fixture's exercises (fx-square, fx-square-grad, fx-cube) and 00's warm-up.
WRONG_SQUARE = "def square(x):\n    return 2 * np.asarray(x, dtype=float)\n"
RAISES = "def square_grad(x):\n    raise ValueError('not done yet')\n"
LOOPS = "def cube(x):\n    while True:\n        pass\n"
WRONG_WARMUP = "def squared_error_grad(prediction, target):\n    return prediction - target\n"


def fixture_answers(**replaced: str) -> dict[str, str]:
    answers = solutions(FIXTURE)
    answers.update({grade_id.replace("_", "-"): code for grade_id, code in replaced.items()})
    return answers


def test_fixture_answers_are_known() -> None:
    assert set(solutions(FIXTURE)) == {"fx-square", "fx-square-grad", "fx-cube"}
    assert set(solutions(WELCOME)) == {"00-warmup"}


@pytest.mark.slow
def test_one_wrong_answer_loses_exactly_its_points(course: Course, tmp_path: Path) -> None:
    course.submit("wrong", FIXTURE, fixture_answers(fx_square=WRONG_SQUARE))
    course.submit("wrong", WELCOME, {"00-warmup": WRONG_WARMUP})
    outcomes = course.grade("wrong", ["exercises", "00_welcome"])

    expected = dict(points(FIXTURE), **{"fx-square-tests": 0.0})
    assert {grade_id: score for grade_id, (score, _) in course.scores("wrong", "exercises").items()} == expected
    assert outcomes["exercises"].score == sum(points(FIXTURE).values()) - points(FIXTURE)["fx-square-tests"]
    assert course.scores("wrong", "00_welcome") == {"00-warmup-tests": (0.0, points(WELCOME)["00-warmup-tests"])}

    # The instructor's export holds the same totals.
    rows = {row["assignment"]: row for row in csv.DictReader(cw.export(course.root, tmp_path / "grades.csv").open()) if row["student_id"] == "wrong"}
    assert float(rows["exercises"]["score"]) == outcomes["exercises"].score
    assert float(rows["exercises"]["max_score"]) == sum(points(FIXTURE).values())

    # ...and the learner's feedback says what is wrong: which entry, expected vs got.
    [page] = cw.feedback(course.root, students=["wrong"], assignments=["exercises"])
    assert "square([1, -2]) is wrong" in page.read_text()


@pytest.mark.slow
def test_answers_that_raise_or_loop_forever_score_zero_and_the_rest_is_graded(course: Course) -> None:
    course.submit("crash", FIXTURE, fixture_answers(fx_square_grad=RAISES, fx_cube=LOOPS))
    course.submit("crash", WELCOME, solutions(WELCOME))
    # The looping notebook is graded first, so 00 shows that grading went on after it.
    outcomes = course.grade("crash", ["exercises", "00_welcome"], timeout=LOOP_TIMEOUT)

    expected = dict(points(FIXTURE), **{"fx-square-grad-tests": 0.0, "fx-cube-tests": 0.0})
    assert {grade_id: score for grade_id, (score, _) in course.scores("crash", "exercises").items()} == expected
    assert outcomes["00_welcome"].score == outcomes["00_welcome"].max_score == sum(points(WELCOME).values())

    graded = cells_by_id(read(cw.autograded_notebook(course.root, "crash", "exercises")), is_tests)
    errors = {grade_id: {output.get("ename") for output in cell.outputs if output.output_type == "error"} for grade_id, cell in graded.items()}
    assert errors["fx-square-grad-tests"] == {"ValueError"}
    assert "CellTimeoutError" in errors["fx-cube-tests"], "the loop was not stopped by the time limit"


# --------------------------------------------------------------------------- command line


def test_notebooks_are_chosen_by_number_name_or_path() -> None:
    assert cw.find_notebooks(["00"]) == [WELCOME]
    assert cw.find_notebooks(["00_welcome", str(WELCOME)]) == [WELCOME]
    with pytest.raises(cw.CourseworkError, match="00_welcome"):
        cw.find_notebooks(["99_missing"])


def test_collect_refuses_a_notebook_of_no_assignment(tmp_path: Path) -> None:
    stray = tmp_path / "notes.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), stray)
    with pytest.raises(cw.CourseworkError, match="not a notebook of a generated assignment"):
        cw.collect("someone", [stray], tmp_path / "course")


@pytest.mark.slow
def test_student_command_writes_student_versions_and_keeps_a_learners_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Once as the script `./course student` runs, then in-process (quicker) for the reruns.
    done = subprocess.run([sys.executable, str(TOOL), "student", "00", "--out", str(tmp_path)], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    student = tmp_path / "00_welcome.ipynb"
    assert f"student version: {student}" in done.stdout
    assert "raise NotImplementedError()" in student.read_text()
    assert [path.name for path in tmp_path.iterdir()] == [student.name], "the learner's command leaves only notebooks"

    student.write_text(student.read_text().replace("raise NotImplementedError()", "return 2 * (prediction - target)"))
    assert cw.main(["student", "00", "--out", str(tmp_path)]) == 0
    assert "kept" in capsys.readouterr().out
    assert "return 2 * (prediction - target)" in student.read_text()
    assert cw.main(["student", "00", "--out", str(tmp_path), "--force"]) == 0
    assert "raise NotImplementedError()" in student.read_text()
