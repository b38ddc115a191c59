"""Every notebook's exercises can be graded: its solutions, graded in the sandbox as a
learner's submission, pass every test cell; blank answers fail every one; and what
feedback shows of a test cell holds no hidden line.

One sandboxed grading per notebook (``lossviz.coursework.course.check``), seconds each.
The tests are split by notebook: ``tests/conftest.py`` makes each notebook its own work
unit for pytest-xdist, so the two tests of a notebook share its grading and the workers
share the notebooks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lossviz.coursework import cells as nbcells
from lossviz.coursework import course as cw

from .coursework_support import FIXTURE, NOTEBOOKS, hidden_lines, points, read, require_sandbox

# nbgrader 0.9.6 with SQLAlchemy 2 warns about its own session handling; not ours to fix.
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")]

GRADED = [notebook for notebook in NOTEBOOKS if points(notebook)] + [FIXTURE]

_reports: dict[str, dict[str, Any]] = {}


@pytest.fixture
def checked(notebook: Path) -> dict[str, Any]:
    """The notebook's tests run on its own solutions and on blank answers (sandboxed,
    as a submission), once per notebook: both tests below read the same run."""
    require_sandbox()
    if notebook.stem not in _reports:
        _reports[notebook.stem] = cw.check([notebook], jobs=1)[notebook.stem]
    return _reports[notebook.stem]


def test_every_notebook_with_exercises_is_graded() -> None:
    assert FIXTURE in GRADED and len(GRADED) > 1, "no notebook of the course has exercises?"


@pytest.mark.parametrize("notebook", GRADED, ids=lambda path: path.stem)
def test_solutions_pass_and_blank_answers_fail_every_test(checked: Any, notebook: Path) -> None:
    assert cw.problems(checked) == []
    assert set(checked["solutions"]["tests"]) == set(points(notebook))
    assert checked["solutions"]["notes"] == [] and checked["solutions"]["warnings"] == []


@pytest.mark.parametrize("notebook", GRADED, ids=lambda path: path.stem)
def test_feedback_outputs_show_no_hidden_test(checked: Any, notebook: Path) -> None:
    """What feedback shows of a test cell (its visible part's outputs, or the fact that a
    hidden test failed) never holds a hidden line."""
    secret = set(hidden_lines(notebook)) - {line.strip() for cell in read(notebook).cells
                                            for line in nbcells.split_hidden(cell.source).shown.splitlines()
                                            if nbcells.kind(cell) == nbcells.TESTS}
    for run in ("solutions", "blank"):
        for test_id, tested in checked[run]["tests"].items():
            shown = str(tested["feedback"])
            assert not [line for line in secret if line in shown], f"{test_id} ({run})"
