"""What the coursework tests share: a throw-away course folder, submissions made the way a
learner makes them (editing the released notebook's answer cells), and readings of the
instructor's notebooks (solutions, points, hidden tests)."""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from pathlib import Path
from typing import Any, Callable

import nbformat
import pytest

from lossviz.coursework import course as cw
from lossviz.coursework.sandbox import Limits, SandboxUnavailable, check_available

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "coursework" / "exercises.ipynb"
NOTEBOOKS = cw.find_notebooks([], ROOT / "notebooks")
WELCOME = ROOT / "notebooks" / "00_welcome.ipynb"

SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION", re.M | re.S)
HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[ \t]*\n(.*?)^[ \t]*### END HIDDEN TESTS", re.M | re.S)
STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]


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


def code(text: str, **values: Any) -> str:
    """A cell's source written indented in a test: dedented, one final newline, and each
    ``<KEY>`` replaced by ``values[KEY]``."""
    text = textwrap.dedent(text).strip() + "\n"
    for key, value in values.items():
        text = text.replace(f"<{key}>", str(value))
    return text


def solutions(notebook: Path) -> dict[str, str]:
    """grade_id -> the instructor's answer cell without the region markers: a perfect learner's answer."""
    markers = ("### BEGIN SOLUTION", "### END SOLUTION")
    return {
        grade_id: "\n".join(line for line in cell.source.splitlines() if line.strip() not in markers)
        for grade_id, cell in cells_by_id(read(notebook), is_answer).items()
    }


def points(notebook: Path) -> dict[str, float]:
    return {grade_id: float(nbgrader(cell)["points"]) for grade_id, cell in cells_by_id(read(notebook), is_tests).items()}


def hidden_lines(notebook: Path) -> list[str]:
    """Every non-blank line of every hidden region of ``notebook``."""
    return [line.strip() for cell in read(notebook).cells for region in HIDDEN.findall(cell.source)
            for line in region.splitlines() if line.strip()]


def solution_lines(notebook: Path) -> list[str]:
    return [line.strip() for cell in read(notebook).cells for region in SOLUTION.findall(cell.source)
            for line in region.splitlines() if line.strip()]


def require_sandbox() -> None:
    """Skip where no sandbox can start, except as root or in CI: there the course's set-up
    installs bubblewrap, so a missing sandbox is a failure."""
    try:
        check_available()
    except SandboxUnavailable as error:
        if os.geteuid() == 0 or os.environ.get("CI"):
            pytest.fail(str(error))
        pytest.skip(str(error))


class Course:
    """A throw-away nbgrader course folder; each notebook is generated once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.generated: set[str] = set()

    def release(self, *notebooks: Path) -> Any:
        """Generate the notebooks not generated yet (in one nbgrader run); the first's
        student version."""
        pending = [notebook for notebook in notebooks if notebook.stem not in self.generated]
        if pending:
            cw.generate(pending, self.root)  # raises CourseworkError with nbgrader's log
            self.generated.update(notebook.stem for notebook in pending)
        return read(cw.release_notebook(self.root, notebooks[0].stem))

    def submit(self, student: str, notebook: Path, answers: dict[str, str],
               edit: Callable[[Any], None] | None = None) -> Path:
        """Submit the released notebook with the answer cells ``answers`` (grade_id -> code)
        filled in; ``edit`` may change the notebook further (as a learner could)."""
        submission = self.release(notebook)
        cells = cells_by_id(submission, is_answer)
        for grade_id, code in answers.items():
            cells[grade_id].source = code
        if edit is not None:
            edit(submission)
        path = cw.submitted_notebook(self.root, student, notebook.stem)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(submission, path)
        return path

    def grade(self, **options: Any) -> dict[tuple[str, str], cw.Outcome]:
        options.setdefault("jobs", 2)
        outcomes = cw.autograde(self.root, **options)
        return {(outcome.student, outcome.assignment): outcome for outcome in outcomes}

    def scores(self, student: str, assignment: str) -> dict[str, tuple[float, float]]:
        return cw.scores(self.root, assignment, student)

    def autograded(self, student: str, assignment: str) -> Any:
        return read(cw.autograded_notebook(self.root, student, assignment))

    def copy(self, root: Path) -> Course:
        """The same course (generated notebooks, submissions) in another folder."""
        shutil.copytree(self.root, root, dirs_exist_ok=True)
        twin = Course(root)
        twin.generated = set(self.generated)
        return twin


QUICK = Limits(timeout=10.0, memory=2**30)
"""Limits for tests of the fixture notebook (numpy only): a looping answer costs 10 s, not
60, and 1 GiB is plenty for it."""
