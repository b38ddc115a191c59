#!/usr/bin/env python
"""The course's graded exercises with nbgrader: student versions, collecting, autograding.

Every notebook ``notebooks/NN_topic.ipynb`` is the instructor's source (solutions in) of
one nbgrader assignment ``NN_topic`` whose only notebook is ``NN_topic.ipynb``. The course
directory is ``coursework/`` (configured by ``coursework/nbgrader_config.py``).

Instructors::

    tools/coursework.py generate [NOTEBOOK ...]          student versions -> coursework/release/
    tools/coursework.py collect STUDENT PATH ...          a student's notebooks -> coursework/submitted/
    tools/coursework.py autograde [NOTEBOOK ...] [--student ID ...] [--timeout SECONDS]
    tools/coursework.py feedback [NOTEBOOK ...] [--student ID ...]   HTML -> coursework/feedback/
    tools/coursework.py export [--to grades.csv]

Learners::

    tools/coursework.py student [NOTEBOOK ...] [--out student] [--force]

A NOTEBOOK is named by its number (``03``), its name (``03_backprop``) or its path; none
means every notebook. The nbgrader API reports failure as ``success: False`` instead of
raising: every call here is checked and a failure raises ``CourseworkError`` with its log.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
COURSE = ROOT / "coursework"
CONFIG = COURSE / "nbgrader_config.py"
STUDENT = ROOT / "student"


class CourseworkError(RuntimeError):
    """An nbgrader step failed; the message holds nbgrader's log."""


# --------------------------------------------------------------------------- notebooks


def find_notebooks(names: Sequence[str] = (), folder: Path = NOTEBOOKS) -> list[Path]:
    """The course notebooks named by number, name or path (all of them when none is named)."""
    available = sorted(folder.glob("[0-9A-Z]*.ipynb"))
    if not names:
        return available
    chosen = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.is_file():
            chosen.append(path.resolve())
            continue
        stem = path.name.removesuffix(".ipynb")
        matches = [nb for nb in available if nb.stem == stem or nb.stem.split("_", 1)[0] == stem]
        if len(matches) != 1:
            known = ", ".join(nb.stem for nb in available) or "none"
            raise CourseworkError(f"no single notebook matches {name!r}; the notebooks are: {known}")
        chosen.append(matches[0])
    return list(dict.fromkeys(chosen))


# --------------------------------------------------------------------------- nbgrader


def api(root: Path = COURSE, *, timeout: int | None = None) -> Any:
    """An ``NbGraderAPI`` for the course directory ``root``, configured by ``CONFIG``.

    ``timeout`` overrides the per-cell time limit of autograding (seconds).
    """
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    # nbgrader runs the `alembic` executable of its environment to open the gradebook, so
    # that environment's bin/ must be on PATH even when .venv is not activated.
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([scripts, os.environ.get("PATH", "")])
    config = PyFileConfigLoader(CONFIG.name, path=str(CONFIG.parent)).load_config()
    config.CourseDirectory.root = str(Path(root).resolve())
    if timeout is not None:
        config.Execute.timeout = int(timeout)
    return NbGraderAPI(config=config)


def _checked(result: dict[str, Any], what: str) -> dict[str, Any]:
    if not result.get("success"):
        raise CourseworkError(f"{what} failed\n{result.get('log', '')}\n{result.get('error', '')}".rstrip())
    return result


def source_notebook(root: Path, assignment: str) -> Path:
    return Path(root) / "source" / assignment / f"{assignment}.ipynb"


def release_notebook(root: Path, assignment: str) -> Path:
    return Path(root) / "release" / assignment / f"{assignment}.ipynb"


def submitted_notebook(root: Path, student: str, assignment: str) -> Path:
    return Path(root) / "submitted" / student / assignment / f"{assignment}.ipynb"


def autograded_notebook(root: Path, student: str, assignment: str) -> Path:
    return Path(root) / "autograded" / student / assignment / f"{assignment}.ipynb"


def generate(notebooks: Iterable[Path], root: Path = COURSE) -> list[Path]:
    """Make the student version of each notebook; return the released notebooks' paths.

    Each notebook becomes assignment ``<stem>`` (copied to ``source/<stem>/``) and is
    recorded, with its graded cells, in the course's gradebook.
    """
    grader = api(root)
    released = []
    for notebook in notebooks:
        assignment = notebook.stem
        source = source_notebook(root, assignment)
        if source.parent.exists():
            shutil.rmtree(source.parent)  # a stale copy must not outlive its notebook
        source.parent.mkdir(parents=True)
        shutil.copy2(notebook, source)
        _checked(grader.generate_assignment(assignment), f"generating the student version of {assignment}")
        released.append(release_notebook(root, assignment))
    return released


def collect(student: str, paths: Iterable[Path], root: Path = COURSE) -> list[Path]:
    """Copy a student's notebooks (files, or folders of them) into ``submitted/<student>/``.

    A notebook belongs to the assignment of its file name, which must have been generated.
    """
    files: list[Path] = []
    for path in map(Path, paths):
        files.extend(sorted(path.glob("*.ipynb")) if path.is_dir() else [path])
    if not files:
        raise CourseworkError("no notebooks to collect")
    collected = []
    for path in files:
        assignment = path.stem
        if not source_notebook(root, assignment).is_file():
            raise CourseworkError(f"{path} is not a notebook of a generated assignment (run generate first)")
        target = submitted_notebook(root, student, assignment)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        collected.append(target)
    return collected


@dataclass
class Outcome:
    """The result of autograding one student's notebook."""

    student: str
    assignment: str
    score: float | None = None
    max_score: float | None = None
    error: str | None = None

    def __str__(self) -> str:
        if self.error is not None:
            return f"{self.student:16s} {self.assignment:28s} FAILED: {self.error.splitlines()[0]}"
        return f"{self.student:16s} {self.assignment:28s} {self.score:g} / {self.max_score:g}"


def found(root: Path = COURSE, stage: str = "submitted") -> list[tuple[str, str]]:
    """Every (student, assignment) with a notebook in ``stage`` ("submitted", "autograded"), sorted."""
    notebooks = Path(root).glob(f"{stage}/*/*/*.ipynb")
    return sorted({(nb.parent.parent.name, nb.parent.name) for nb in notebooks if nb.stem == nb.parent.name})


def autograde(
    root: Path = COURSE,
    *,
    students: Sequence[str] = (),
    assignments: Sequence[str] = (),
    timeout: int | None = None,
) -> list[Outcome]:
    """Autograde the submissions of ``students`` for ``assignments`` (default: all, sorted).

    Assignments are graded in the order given. Each notebook is graded on its own: one that
    cannot be graded at all (its kernel died) is reported in its ``Outcome`` and the others
    are still graded. Cells that raise or run past ``timeout`` just score zero.
    """
    grader = api(root, timeout=timeout)
    pending = found(root, "submitted")
    order = list(assignments) or sorted({assignment for _, assignment in pending})
    outcomes = []
    for assignment in order:
        for student, submitted in pending:
            if submitted != assignment or (students and student not in students):
                continue
            outcome = Outcome(student, assignment)
            try:
                _checked(grader.autograde(assignment, student), f"autograding {assignment} of {student}")
                outcome.score, outcome.max_score = total(root, assignment, student)
            except CourseworkError as error:
                outcome.error = str(error)
            outcomes.append(outcome)
    return outcomes


@contextlib.contextmanager
def gradebook(root: Path = COURSE) -> Iterator[Any]:
    """The course's nbgrader ``Gradebook``, closed afterwards."""
    from nbgrader.api import Gradebook

    with Gradebook(api(root).coursedir.db_url) as opened:
        yield opened


def scores(root: Path, assignment: str, student: str) -> dict[str, tuple[float, float]]:
    """grade_id -> (score, max_score) of every graded cell of an autograded notebook."""
    with gradebook(root) as book:
        notebook = book.find_submission_notebook(assignment, assignment, student)
        return {grade.name: (float(grade.score), float(grade.max_score)) for grade in notebook.grades}


def total(root: Path, assignment: str, student: str) -> tuple[float, float]:
    """(score, max_score) of a student's autograded assignment."""
    with gradebook(root) as book:
        submission = book.find_submission(assignment, student)
        return float(submission.score), float(submission.max_score)


def feedback(
    root: Path = COURSE, *, students: Sequence[str] = (), assignments: Sequence[str] = ()
) -> list[Path]:
    """HTML feedback (scores and test output per exercise) for autograded submissions."""
    grader = api(root)
    made = []
    for student, assignment in found(root, "autograded"):
        if (students and student not in students) or (assignments and assignment not in assignments):
            continue
        _checked(grader.generate_feedback(assignment, student), f"feedback on {assignment} for {student}")
        made.append(Path(root) / "feedback" / student / assignment / f"{assignment}.html")
    return made


def export(root: Path = COURSE, to: Path | None = None) -> Path:
    """Write every student's score per assignment to a CSV file (nbgrader's CSV format)."""
    from nbgrader.plugins import CsvExportPlugin

    destination = Path(to) if to is not None else Path(root) / "grades.csv"
    with gradebook(root) as book:
        CsvExportPlugin(to=str(destination)).export(book)
    return destination


def student(notebooks: Iterable[Path], out: Path = STUDENT, *, force: bool = False) -> tuple[list[Path], list[Path]]:
    """Student versions for self-learners in ``out``; returns (written, kept).

    Works in a throw-away course directory so no gradebook is made. An existing student
    notebook holds the learner's work, so it is kept unless ``force``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    pending = [nb for nb in notebooks if force or not (out / nb.name).exists()]
    kept = [out / nb.name for nb in notebooks if nb not in pending]
    written = []
    with tempfile.TemporaryDirectory(prefix="lossviz-student-") as scratch:
        for released in generate(pending, Path(scratch)):
            target = out / released.name
            shutil.copyfile(released, target)
            written.append(target)
    return written, kept


# --------------------------------------------------------------------------- command line


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tools/coursework.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    notebook_help = "notebooks by number (03), name (03_backprop) or path; default: all"

    command = commands.add_parser("generate", help="instructor: student versions into coursework/release/")
    command.add_argument("notebooks", nargs="*", help=notebook_help)

    command = commands.add_parser("collect", help="instructor: copy a student's notebooks into coursework/submitted/")
    command.add_argument("student", help="the student's id (a folder name)")
    command.add_argument("paths", nargs="+", type=Path, help="the student's notebooks, or folders holding them")

    command = commands.add_parser("autograde", help="instructor: run and score submitted notebooks")
    command.add_argument("notebooks", nargs="*", help=notebook_help)
    command.add_argument("--student", action="append", default=[], help="only this student (repeatable)")
    command.add_argument("--timeout", type=int, help="seconds a cell may run before it is stopped and scores zero (default: coursework/nbgrader_config.py)")

    command = commands.add_parser("feedback", help="instructor: HTML feedback into coursework/feedback/")
    command.add_argument("notebooks", nargs="*", help=notebook_help)
    command.add_argument("--student", action="append", default=[], help="only this student (repeatable)")

    command = commands.add_parser("export", help="instructor: scores of every student to a CSV file")
    command.add_argument("--to", type=Path, default=COURSE / "grades.csv", help="the CSV file (default: coursework/grades.csv)")

    command = commands.add_parser("student", help="learner: student versions (no solutions) into ./student")
    command.add_argument("notebooks", nargs="*", help=notebook_help)
    command.add_argument("--out", type=Path, default=STUDENT, help="folder for the student notebooks (default: ./student)")
    command.add_argument("--force", action="store_true", help="overwrite student notebooks that already exist (loses your answers)")
    return parser


def _assignment_names(names: Sequence[str]) -> list[str]:
    return [nb.stem for nb in find_notebooks(names)] if names else []


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # nbgrader 0.9.6's gradebook trips SQLAlchemy 2's session warnings; they are not the user's concern.
    warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session")
    try:
        if args.command == "generate":
            for released in generate(find_notebooks(args.notebooks)):
                print(f"student version: {released.relative_to(ROOT)}")
        elif args.command == "collect":
            for submitted in collect(args.student, args.paths):
                print(f"collected: {submitted.relative_to(ROOT)}")
        elif args.command == "autograde":
            outcomes = autograde(students=args.student, assignments=_assignment_names(args.notebooks), timeout=args.timeout)
            if not outcomes:
                print("nothing to grade: collect submissions first", file=sys.stderr)
                return 1
            for outcome in outcomes:
                print(outcome)
            failed = [outcome for outcome in outcomes if outcome.error is not None]
            for outcome in failed:
                print(f"\n{outcome.error}", file=sys.stderr)
            return 1 if failed else 0
        elif args.command == "feedback":
            for page in feedback(students=args.student, assignments=_assignment_names(args.notebooks)):
                print(f"feedback: {page.relative_to(ROOT)}")
        elif args.command == "export":
            print(f"grades: {export(to=args.to)}")
        elif args.command == "student":
            written, kept = student(find_notebooks(args.notebooks), args.out, force=args.force)
            for path in written:
                print(f"student version: {path}")
            for path in kept:
                print(f"kept (has your work; --force overwrites): {path}")
    except CourseworkError as error:
        print(f"coursework: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
