"""The course's coursework tooling: nbgrader assignments, a sandbox, and a grader that a
submission cannot subvert. The command line is ``lossviz-course`` (``lossviz.coursework.cli``).

Modules, one job each:

- ``course``: the instructor's operations (generate, collect, autograde, feedback, export)
  and the learner's ``student``;
- ``runner``: grading one submission: learner cells in the sandbox, tests in the grader;
- ``sandbox``: the bubblewrap sandbox, its limits and its process;
- ``channel``: the plain-data channel between grader and sandbox;
- ``cells``: what the grader reads from a notebook (answer and test cells, hidden regions);
- ``nbgrader_steps``: the execution and feedback steps swapped into nbgrader's pipeline;
- ``_inside``: the worker that runs inside the sandbox.

``import lossviz`` does not import this package, and importing it loads neither nbgrader
nor torch: those load when an operation needs them.
"""

from __future__ import annotations

from . import course
from .course import *  # noqa: F403 (the operations; course.py lists them in its __all__)
from .sandbox import Limits

__all__ = [*course.__all__, "Limits"]
