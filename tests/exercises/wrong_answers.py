"""The runner for wrong-answer tables: each plausible mistake must fail the visible tests.

A graded exercise is two cells: an answer cell (nbgrader ``solution``) whose
``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region the learner writes, and right after
it a tests cell whose code outside ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``
is what the learner sees and runs: the *visible tests*. A wrong-answer table lists, per
exercise, plausible mistakes (a dropped factor, a sign slip, the wrong reduction, an
ignored argument, abs of a signed quantity, a transposed result, an answer a few percent
off a threshold); the runner proves that the visible tests reject each one, with a
message that names the problem.

Format: one file per notebook with graded exercises, ``tests/exercises/test_<stem>.py``::

    from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit


    class TestWrongAnswers(WrongAnswerTests):
        notebook = "01_derivatives_numerically"
        wrong = {
            "01-central-difference": [  # the answer cell's grade_id
                Wrong(
                    "ignores h: always steps by 1e-5",  # the mistake, in words
                    "return (f(x + 1e-5) - f(x - 1e-5)) / 2e-5",  # the learner's code
                    "central_difference(x^3, 2, h=0.1)",  # what the failure must say
                ),
                Wrong("a forward difference", edit("f(x - h)) / (2 * h)", "f(x)) / h"), "is wrong"),
            ],
        }

- ``code`` replaces the solution region, indented to the region's level, as a learner's
  code replaces the ``# YOUR CODE HERE`` stub; ``edit(old, new)`` instead replaces the one
  occurrence of ``old`` in the solution region(s) (a one-character slip in a long answer).
- The visible tests must raise ``error`` (default ``AssertionError``: ``gradcheck``'s and
  ``assert_close``'s failures are ones) with ``message`` in its text: the words that tell
  the learner what is wrong (the case, the entry, the quantity).

How it runs: the notebook's code cells are executed in order, in-process and in one
namespace, as Run All does. At an answer cell with a table, each wrong answer is tried in
a copy of that namespace (arrays, dicts and lists copied too, so a mistake that mutates
one cannot leak into the next attempt): the answer cell with the wrong code, then the visible tests. The
instructor's solution is tried the same way and must pass, or the table proves nothing.
Then the real answer cell and the whole tests cell run and the notebook goes on. So a
notebook runs once, however many wrong answers its tables hold.

Every table class also checks that each graded exercise has at least ``MIN_WRONG``
mistakes, that no table names an exercise the notebook lacks, and that the answer and tests
cells open with the header lines by which a learner tells them apart at a glance::

    # YOUR ANSWER · Exercise 2 (2 points)
    # TESTS · Exercise 2 (2 points) · run this cell to check your answer
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import re
import textwrap
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest

from tests.coursework_support import is_answer, is_tests, nbgrader

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
MIN_WRONG = 3

SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION[ \t]*$", re.M | re.S)
HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[ \t]*\n.*?^[ \t]*### END HIDDEN TESTS[ \t]*\n?", re.M | re.S)
ANSWER_HEADER = re.compile(r"# YOUR ANSWER · (?P<name>[^()]+?) \((?P<points>\d+) (?P<unit>points?)\)")
TESTS_HEADER = re.compile(
    r"# TESTS · (?P<name>[^()]+?) \((?P<points>\d+) (?P<unit>points?)\) · run this cell to check your answer"
)


@dataclass(frozen=True)
class Edit:
    """Replace the one occurrence of ``old`` in the solution region(s) by ``new``."""

    old: str
    new: str


def edit(old: str, new: str) -> Edit:
    return Edit(old, new)


@dataclass(frozen=True)
class Wrong:
    """One plausible mistake: what it is, the learner's code, what the failure must say."""

    mistake: str
    code: str | Edit
    message: str
    error: type[BaseException] = AssertionError


@dataclass(frozen=True)
class Outcome:
    """What running the visible tests after an answer did."""

    error: BaseException | None

    @property
    def passed(self) -> bool:
        return self.error is None

    def describe(self) -> str:
        if self.error is None:
            return "the visible tests passed"
        return f"{type(self.error).__name__}: {self.error}"


# --------------------------------------------------------------------------- cells


def read(stem: str) -> Any:
    return nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)


def exercises(notebook: Any) -> dict[str, tuple[Any, Any]]:
    """grade_id of each answer cell -> (answer cell, the tests cell right after it)."""
    cells = notebook.cells
    found = {}
    for position, cell in enumerate(cells):
        if is_answer(cell):
            tests = cells[position + 1] if position + 1 < len(cells) else None
            assert tests is not None and is_tests(tests), f"{nbgrader(cell)['grade_id']}: no tests cell after it"
            found[nbgrader(cell)["grade_id"]] = (cell, tests)
    return found


def visible(tests_source: str) -> str:
    """The tests cell as the student version shows it: without the hidden region."""
    return HIDDEN.sub("", tests_source)


def answer_with(answer_source: str, code: str | Edit) -> str:
    """The answer cell with ``code`` in place of the solution (see the module docstring)."""
    regions = list(SOLUTION.finditer(answer_source))
    assert regions, "the answer cell has no solution region"
    if isinstance(code, Edit):
        hits = sum(region.group(2).count(code.old) for region in regions)
        assert hits == 1, f"edit: {code.old!r} occurs {hits} times in the solution, not once"
        region = next(region for region in regions if code.old in region.group(2))
        start, end = region.span(2)
        return answer_source[:start] + region.group(2).replace(code.old, code.new) + answer_source[end:]
    assert len(regions) == 1, "the answer cell has several solution regions: give the mistake as edit(old, new)"
    region = regions[0]
    body = textwrap.indent(textwrap.dedent(code).strip("\n") + "\n", region.group(1))
    return answer_source[: region.start()] + body + answer_source[region.end() :]


# --------------------------------------------------------------------------- running


def _copy(namespace: dict[str, Any]) -> dict[str, Any]:
    """The namespace with its arrays, and the dicts and lists that may hold arrays, copied."""

    def copied(value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return value.copy()
        if isinstance(value, (dict, list)):
            try:
                return copy.deepcopy(value)
            except Exception:  # noqa: BLE001 - e.g. a list of generators: share it
                return value
        return value

    return {name: value if name.startswith("_") else copied(value) for name, value in namespace.items()}


def _run(source: str, namespace: dict[str, Any], name: str) -> None:
    import matplotlib.pyplot as plt

    try:
        exec(compile(source, name, "exec"), namespace)
    finally:
        plt.close("all")


def attempt(namespace: dict[str, Any], answer: str, tests: str, grade_id: str) -> Outcome:
    """Run ``answer`` then ``tests`` in a copy of ``namespace``; an error in the tests is the outcome."""
    scope = _copy(namespace)
    _run(answer, scope, f"<{grade_id}: answer>")  # a wrong answer that does not even define is a broken table
    try:
        _run(tests, scope, f"<{grade_id}: visible tests>")
    except Exception as error:  # noqa: BLE001 - any failure is an outcome to judge
        return Outcome(error)
    return Outcome(None)


@dataclass
class NotebookRun:
    """Per exercise: the solution's outcome on the visible tests, and each mistake's."""

    solution: dict[str, Outcome]
    mistakes: dict[tuple[str, str], Outcome]


def run_notebook(stem: str, table: dict[str, list[Wrong]]) -> NotebookRun:
    import matplotlib.pyplot as plt

    notebook = read(stem)
    found = exercises(notebook)
    answers = {id(answer): grade_id for grade_id, (answer, _) in found.items()}
    run = NotebookRun({}, {})
    namespace: dict[str, Any] = {"__name__": "__main__"}
    output = io.StringIO()
    previous_backend = plt.get_backend()
    plt.switch_backend("agg")
    cwd = os.getcwd()
    try:
        os.chdir(NOTEBOOKS)
        with warnings.catch_warnings(), contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            warnings.simplefilter("default")  # as in a notebook, not the test suite's filters
            for number, cell in enumerate(notebook.cells):
                if cell.cell_type != "code":
                    continue
                grade_id = answers.get(id(cell))
                if grade_id in table:
                    tests = visible(found[grade_id][1].source)
                    run.solution[grade_id] = attempt(namespace, cell.source, tests, grade_id)
                    for wrong in table[grade_id]:
                        answer = answer_with(cell.source, wrong.code)
                        run.mistakes[(grade_id, wrong.mistake)] = attempt(namespace, answer, tests, grade_id)
                _run(cell.source, namespace, f"<{stem} cell {number}>")
    finally:
        os.chdir(cwd)
        plt.switch_backend(previous_backend)
    return run


# --------------------------------------------------------------------------- the tests


def _cases(cls: type) -> list[Any]:
    return [
        pytest.param(grade_id, wrong, id=f"{grade_id}: {wrong.mistake}")
        for grade_id, mistakes in cls.wrong.items()
        for wrong in mistakes
    ]


class WrongAnswerTests:
    """Subclass as ``TestWrongAnswers`` with ``notebook`` (its stem) and ``wrong`` (the table)."""

    notebook: str = ""
    wrong: dict[str, list[Wrong]] = {}

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "wrong_answer" in metafunc.fixturenames:
            metafunc.parametrize(("grade_id", "wrong_answer"), _cases(type(self)))

    @pytest.fixture(scope="class")
    @classmethod
    def run(cls) -> NotebookRun:
        return run_notebook(cls.notebook, cls.wrong)

    def test_every_graded_exercise_has_a_table(self) -> None:
        found = exercises(read(self.notebook))
        assert found, f"{self.notebook} has no graded exercises: it needs no table"
        assert not set(self.wrong) - set(found), f"no such exercise in {self.notebook}: {sorted(set(self.wrong) - set(found))}"
        for grade_id in found:
            count = len(self.wrong.get(grade_id, []))
            assert count >= MIN_WRONG, f"{grade_id}: {count} wrong answers in its table, at least {MIN_WRONG} needed"
            mistakes = [wrong.mistake for wrong in self.wrong[grade_id]]
            assert len(set(mistakes)) == len(mistakes), f"{grade_id}: two mistakes share a description"

    def test_answer_and_tests_cells_open_with_their_headers(self) -> None:
        for grade_id, (answer, tests) in exercises(read(self.notebook)).items():
            points = int(nbgrader(tests)["points"])
            first_answer, first_tests = answer.source.splitlines()[0], tests.source.splitlines()[0]
            answer_header = ANSWER_HEADER.fullmatch(first_answer)
            tests_header = TESTS_HEADER.fullmatch(first_tests)
            assert answer_header, f"{grade_id}: the answer cell must open with '# YOUR ANSWER · <name> (<n> points)', not {first_answer!r}"
            assert tests_header, f"{grade_id}: the tests cell must open with '{TESTS_HEADER.pattern}', not {first_tests!r}"
            assert answer_header["name"] == tests_header["name"], f"{grade_id}: the two headers name different exercises"
            for header in (answer_header, tests_header):
                assert int(header["points"]) == points, f"{grade_id}: a header says {header['points']} points, the tests cell is worth {points}"
                assert header["unit"] == ("point" if points == 1 else "points"), f"{grade_id}: '1 point', 'n points'"

    def test_the_solution_passes_the_visible_tests(self, run: NotebookRun) -> None:
        assert run.solution.keys() == self.wrong.keys()
        for grade_id, outcome in run.solution.items():
            assert outcome.passed, f"{grade_id}: the instructor's solution fails its own visible tests: {outcome.describe()}"

    def test_the_visible_tests_reject_the_wrong_answer(self, run: NotebookRun, grade_id: str, wrong_answer: Wrong) -> None:
        outcome = run.mistakes[(grade_id, wrong_answer.mistake)]
        assert not outcome.passed, (
            f"{grade_id}: the visible tests accept a wrong answer ({wrong_answer.mistake}); "
            "add a visible test that catches it"
        )
        assert isinstance(outcome.error, wrong_answer.error), f"{grade_id}: expected {wrong_answer.error.__name__}, got {outcome.describe()}"
        assert wrong_answer.message in str(outcome.error), (
            f"{grade_id} ({wrong_answer.mistake}): the failure does not say {wrong_answer.message!r}:\n{outcome.describe()}"
        )
