"""The two steps lossviz changes in nbgrader's pipeline, and the course's nbgrader settings.

nbgrader's formats, release, collect, gradebook, late penalties and scoring stay as they
are. Two preprocessors are replaced, and one is added:

- ``SandboxedExecute`` replaces ``Execute`` in ``autograde``: instead of running the
  submission in a Jupyter kernel of the grader's own (where the learner's code could
  change the tests, the grader or the gradebook), it grades the submission with
  ``lossviz.coursework.runner`` and writes the test cells' outputs from that run. nbgrader
  then scores as always: a test cell with an error output scores zero.
- ``FeedbackWithoutHiddenTests`` runs first in ``generate_feedback``: test cells lose their
  hidden region and get the outputs a learner may see (a hidden test's failure is named,
  never shown); answer cells lose their outputs.

- ``ForgetUnknownCells`` runs first when a submission is sanitized: a cell that claims
  nbgrader metadata with a ``grade_id`` the assignment does not have (a learner's own
  "graded" cell worth 100 points) becomes an ordinary cell, with a warning; nbgrader
  alone would fail the whole submission on it.

``configure(config, root)`` applies all three and the course's other settings; the course
folder's ``nbgrader_config.py`` calls it, so plain ``nbgrader autograde`` is sandboxed too.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Float, Int, Unicode

from . import cells as nbcells
from .sandbox import Limits, parse_size

__all__ = ["FeedbackWithoutHiddenTests", "ForgetUnknownCells", "PRECOMPUTED", "SandboxedExecute", "configure", "digest"]

# Results graded ahead (in parallel) by lossviz.coursework.course.autograde, keyed by
# (student, assignment, notebook) -> (digest of the submitted file, result).
PRECOMPUTED: dict[tuple[str, str, str], tuple[str, dict[str, Any]]] = {}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class GradingError(Exception):
    """The submission could not be graded (nbgrader reports the autograde as failed)."""


class SandboxedExecute(NbGraderPreprocessor):
    """Grade a submission with the learner's code in a sandbox and the tests in the grader."""

    timeout = Float(60.0, help="seconds a cell, or one call of a learner's function, may run").tag(config=True)
    memory = Unicode("2G", help="memory of the sandbox (address space per process, and all its processes together)").tag(config=True)
    cpu_seconds = Int(600, help="CPU seconds per sandbox process").tag(config=True)
    processes = Int(32, help="processes and threads in the sandbox").tag(config=True)
    sandbox = Bool(True, help="run learners' code in a bubblewrap sandbox (False: a plain child process)").tag(config=True)

    def limits(self) -> Limits:
        return Limits(timeout=self.timeout, memory=parse_size(self.memory), cpu_seconds=self.cpu_seconds, processes=self.processes)

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        from nbgrader.coursedir import CourseDirectory

        from .runner import TrustedRunner

        ids = resources["nbgrader"]
        student, assignment, notebook = ids["student"], ids["assignment"], ids["notebook"]
        course = CourseDirectory(config=self.config)
        submitted = Path(course.format_path(course.submitted_directory, student, assignment)) / f"{notebook}.ipynb"
        text = submitted.read_text(errors="replace")
        ahead = PRECOMPUTED.pop((student, assignment, notebook), None)
        if ahead is not None and ahead[0] == digest(text):
            result = ahead[1]
        else:
            if self.sandbox:
                from .sandbox import check_available

                check_available()
            source = Path(course.format_path(course.source_directory, ".", assignment)) / f"{notebook}.ipynb"
            runner = TrustedRunner(source.read_text(), self.limits(), isolated=self.sandbox)
            try:
                result = runner.grade(text)
            finally:
                runner.close()
        if result.get("status") != "graded":
            raise GradingError(f"{student}/{assignment}/{notebook} could not be graded: {result.get('cause')}")
        apply_result(nb, result)
        return nb, resources


def apply_result(nb: Any, result: dict[str, Any]) -> None:
    """Write a grading result's outputs into the (sanitized) submission ``nb``."""
    from nbformat import from_dict

    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        cell.outputs = []
        cell.metadata.pop("lossviz", None)  # a learner may have planted some: ours only
        cell_id, cell_kind = nbcells.grade_id(cell), nbcells.kind(cell)
        if cell_kind == nbcells.TESTS:
            # A test cell with no result must not pass: nbgrader scores "no error" as full marks.
            ran = result["tests"].get(cell_id) or {
                "outputs": [{"output_type": "error", "ename": "NotGraded", "evalue": "this test cell was not run", "traceback": []}],
                "feedback": [{"output_type": "stream", "name": "stdout", "text": "This test cell was not run.\n"}],
            }
            cell.outputs = [from_dict(output) for output in ran["outputs"]]
            cell.metadata["lossviz"] = {"feedback": ran["feedback"]}
        elif cell_kind == nbcells.ANSWER and cell_id in result["answers"]:
            cell.outputs = [from_dict(output) for output in result["answers"][cell_id]["outputs"]]


class ForgetUnknownCells(NbGraderPreprocessor):
    """Make cells whose ``grade_id`` the assignment does not have ordinary cells."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        from nbgrader.api import Gradebook

        ids = resources["nbgrader"]
        with Gradebook(ids["db_url"]) as book:
            known = {cell.name for cell in book.find_notebook(ids["notebook"], ids["assignment"]).source_cells}
        for cell in nb.cells:
            cell_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if "nbgrader" in cell.get("metadata", {}) and cell_id not in known:
                self.log.warning("Cell %r is not one of the assignment's cells: graded as an ordinary cell", cell_id)
                del cell.metadata["nbgrader"]
        return nb, resources


class FeedbackWithoutHiddenTests(NbGraderPreprocessor):
    """Feedback shows a test cell without its hidden region and with the outputs a learner
    may see; answer cells without outputs (so nothing the learner's code printed while
    hidden tests ran can come back in the feedback)."""

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        from nbformat import from_dict

        cell_kind = nbcells.kind(cell)
        if cell_kind == nbcells.TESTS:
            try:
                cell.source = nbcells.split_hidden(cell.source).shown
            except ValueError:
                cell.source = "# (the tests of this exercise are not shown)"
            cell.outputs = [from_dict(output) for output in cell.metadata.get("lossviz", {}).get("feedback", [])]
        elif cell_kind == nbcells.ANSWER:
            cell.outputs = []
        cell.metadata.pop("lossviz", None)
        return cell, resources


def configure(config: Any, root: str | Path) -> Any:
    """The course's nbgrader settings on a traitlets ``config``, for course folder ``root``."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds, GetGrades, IgnorePattern, LimitOutput,
        OverwriteCells, OverwriteKernelspec, SaveAutoGrades,
    )

    config.CourseDirectory.root = str(Path(root).resolve())
    config.Autograde.sanitize_preprocessors = [
        ForgetUnknownCells, ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata,
    ]
    config.Autograde.autograde_preprocessors = [
        SandboxedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
        SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
    ]
    config.GenerateFeedback.preprocessors = [FeedbackWithoutHiddenTests, GetGrades, CSSHTMLHeaderPreprocessor]
    # The student version keeps the signature and docstring and replaces the solution region.
    config.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    return config
