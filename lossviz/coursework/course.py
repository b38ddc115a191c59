"""The course's graded exercises with nbgrader: student versions, collecting, autograding.

Every notebook ``notebooks/NN_topic.ipynb`` is the instructor's source (solutions in) of
one nbgrader assignment ``NN_topic`` whose only notebook is ``NN_topic.ipynb``. The course
folder (``coursework/`` by default) holds nbgrader's usual layout::

    source/NN_topic/NN_topic.ipynb                copied from notebooks/ by generate
    release/NN_topic/NN_topic.ipynb               the student version (no solutions, no hidden tests)
    submitted/<student>/NN_topic/NN_topic.ipynb   a student's work (collect)
    autograded/, feedback/, gradebook.db          made by autograde / feedback
    grading/status.json                           how each submission's grading went
    grading/backups/                              the gradebook as it was before each autograde

The nbgrader API reports failure as ``success: False`` instead of raising: every call here
is checked and a failure raises ``CourseworkError`` with its log.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from .sandbox import Limits, SandboxUnavailable

__all__ = [
    "CourseworkError",
    "Outcome",
    "autograde",
    "check",
    "collect",
    "export",
    "feedback",
    "find_notebooks",
    "generate",
    "problems",
    "status",
    "student",
]

STUDENT_ID = re.compile(r"[A-Za-z0-9_.-]+")
MAX_NOTEBOOK_BYTES = 20 * 2**20
KEPT_BACKUPS = 20


class CourseworkError(RuntimeError):
    """A coursework step failed; the message says which and why (with nbgrader's log)."""


# --------------------------------------------------------------------------- notebooks


def find_notebooks(names: Sequence[str] = (), folder: Path | str = "notebooks") -> list[Path]:
    """The course notebooks named by number (``03``), name or the start of a name
    (``03_backprop``), or path; all of them when none is named.
    """
    folder = Path(folder)
    available = sorted(folder.glob("[0-9A-Z]*.ipynb"))
    if not names:
        if not available:
            raise CourseworkError(f"no notebooks in {folder}/: run this from the course's folder or pass --notebooks")
        return available
    chosen = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.is_file():
            chosen.append(path.resolve())
            continue
        stem = path.name.removesuffix(".ipynb")
        matches = [nb for nb in available if stem in (nb.stem, nb.stem.split("_", 1)[0])]
        matches = matches or [nb for nb in available if nb.stem.startswith(stem) and "_" in stem]
        if len(matches) != 1:
            known = ", ".join(nb.stem for nb in available) or "none"
            problem = "more than one notebook" if matches else "no notebook"
            raise CourseworkError(f"{problem} matches {name!r}; the notebooks are: {known}")
        chosen.append(matches[0].resolve())
    return list(dict.fromkeys(chosen))


def _check_id(value: str, what: str) -> str:
    if not STUDENT_ID.fullmatch(value) or set(value) == {"."}:
        raise CourseworkError(f"{what} {value!r} is not allowed: use letters, digits, '_', '.' and '-' only (and not '.' or '..')")
    return value


# --------------------------------------------------------------------------- nbgrader


def api(root: Path | str, *, limits: Limits | None = None, sandbox: bool = True) -> Any:
    """An ``NbGraderAPI`` for course folder ``root`` with the course's settings."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    from .nbgrader_steps import configure

    # nbgrader runs the `alembic` executable of its environment to open the gradebook, so
    # that environment's bin/ must be on PATH even when the venv is not activated.
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([scripts, os.environ.get("PATH", "")])
    config = configure(Config(), root)
    if limits is not None:
        config.SandboxedExecute.timeout = float(limits.timeout)
        config.SandboxedExecute.memory = str(limits.memory)
        config.SandboxedExecute.cpu_seconds = int(limits.cpu_seconds)
        config.SandboxedExecute.processes = int(limits.processes)
    config.SandboxedExecute.sandbox = sandbox
    return NbGraderAPI(config=config)


def _existing(root: Path | str) -> Path:
    """``root`` when it is a course folder (it has a gradebook), else a CourseworkError."""
    if not (Path(root) / "gradebook.db").is_file():
        raise CourseworkError(f"{root} is not a course folder (no gradebook.db): run generate first, or pass --course")
    return Path(root)


def _checked(result: dict[str, Any], what: str) -> dict[str, Any]:
    if not result.get("success"):
        raise CourseworkError(f"{what} failed\n{result.get('log', '')}\n{result.get('error', '')}".rstrip())
    return result


def source_notebook(root: Path | str, assignment: str) -> Path:
    return Path(root) / "source" / assignment / f"{assignment}.ipynb"


def release_notebook(root: Path | str, assignment: str) -> Path:
    return Path(root) / "release" / assignment / f"{assignment}.ipynb"


def submitted_notebook(root: Path | str, student: str, assignment: str) -> Path:
    return Path(root) / "submitted" / student / assignment / f"{assignment}.ipynb"


def autograded_notebook(root: Path | str, student: str, assignment: str) -> Path:
    return Path(root) / "autograded" / student / assignment / f"{assignment}.ipynb"


def feedback_page(root: Path | str, student: str, assignment: str) -> Path:
    return Path(root) / "feedback" / student / assignment / f"{assignment}.html"


def generate(notebooks: Iterable[Path], root: Path | str = "coursework") -> list[Path]:
    """Make the student version of each notebook; return the released notebooks' paths.

    Each notebook becomes assignment ``<stem>`` (copied to ``source/<stem>/``) and is
    recorded, with its graded cells, in the course's gradebook.
    """
    grader = api(root)
    released = []
    for notebook in notebooks:
        assignment = _check_id(Path(notebook).stem, "a notebook name")
        source = source_notebook(root, assignment)
        if source.parent.exists():
            shutil.rmtree(source.parent)  # a stale copy must not outlive its notebook
        source.parent.mkdir(parents=True)
        shutil.copy2(notebook, source)
        _checked(grader.generate_assignment(assignment), f"generating the student version of {assignment}")
        released.append(release_notebook(root, assignment))
    return released


def _validated(path: Path) -> bytes:
    """The bytes of notebook ``path`` after checking it is a regular file and a valid notebook."""
    import nbformat

    if path.is_symlink() or not path.is_file():
        raise CourseworkError(f"{path} is not a regular file (collect copies notebooks, not links)")
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise CourseworkError(f"{path} is {size / 2**20:.0f} MB; notebooks over {MAX_NOTEBOOK_BYTES // 2**20} MB are refused")
    data = path.read_bytes()
    try:
        nbformat.validate(nbformat.reads(data.decode(), as_version=4))
    except Exception as error:  # noqa: BLE001 (any decoding, JSON or schema failure)
        first = str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__
        raise CourseworkError(f"{path} is not a valid notebook: {first}") from None
    return data


def collect(student: str, paths: Iterable[Path | str], root: Path | str = "coursework") -> list[Path]:
    """Copy a student's notebooks (files, or folders of them) into ``submitted/<student>/``.

    The id may hold letters, digits, ``_``, ``.`` and ``-``. A notebook belongs to the
    assignment of its file name, which must have been generated; each is checked with
    nbformat before anything is copied.
    """
    _check_id(student, "the student id")
    files: list[Path] = []
    for path in map(Path, paths):
        if not path.exists() and not path.is_symlink():
            raise CourseworkError(f"{path}: no such file or folder")
        files.extend(sorted(path.glob("*.ipynb")) if path.is_dir() and not path.is_symlink() else [path])
    if not files:
        raise CourseworkError("no notebooks to collect")
    checked = []
    for path in files:
        assignment = path.stem
        if not STUDENT_ID.fullmatch(assignment) or not source_notebook(root, assignment).is_file():
            raise CourseworkError(f"{path} is not a notebook of a generated assignment (run generate first)")
        checked.append((assignment, _validated(path)))
    submitted = (Path(root) / "submitted").resolve()
    collected = []
    for assignment, data in checked:
        target = submitted_notebook(root, student, assignment)
        if submitted not in target.resolve().parents:
            raise CourseworkError(f"{target} is outside {submitted}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        collected.append(target)
    return collected


# --------------------------------------------------------------------------- autograding


@dataclass
class Outcome:
    """How grading one student's notebook went."""

    student: str
    assignment: str
    score: float | None = None
    max_score: float | None = None
    error: str | None = None  # set when the notebook could not be graded: the cause
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def graded(self) -> bool:
        return self.error is None

    def __str__(self) -> str:
        head = f"{self.student:16s} {self.assignment:28s}"
        if self.error is not None:
            return f"{head} UNGRADABLE: {self.error.splitlines()[0]}"
        line = f"{head} {self.score:g} / {self.max_score:g}"
        extra = [f"warning: {text}" for text in self.warnings] + [f"note: {text}" for text in self.notes]
        return line + "".join(f"\n{'':45s}{text}" for text in extra)


def found(root: Path | str, stage: str = "submitted") -> list[tuple[str, str]]:
    """Every (student, assignment) with a notebook in ``stage`` ("submitted", "autograded"), sorted."""
    notebooks = Path(root).glob(f"{stage}/*/*/*.ipynb")
    return sorted({(nb.parent.parent.name, nb.parent.name) for nb in notebooks if nb.stem == nb.parent.name})


def _status_path(root: Path | str) -> Path:
    return Path(root) / "grading" / "status.json"


def status(root: Path | str) -> dict[str, dict[str, Any]]:
    """"<student>/<assignment>" -> how its last autograde went (status, cause, score, ...)."""
    path = _status_path(root)
    return json.loads(path.read_text()) if path.is_file() else {}


def _write_status(root: Path | str, records: dict[str, dict[str, Any]]) -> None:
    path = _status_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(records, indent=1, sort_keys=True))
    temporary.replace(path)


def backup_gradebook(root: Path | str) -> Path | None:
    """Copy ``gradebook.db`` (consistently, with SQLite's backup) to ``grading/backups/``;
    keep the newest ``KEPT_BACKUPS``. Returns the copy, or None when there is no gradebook."""
    database = Path(root) / "gradebook.db"
    if not database.is_file():
        return None
    folder = Path(root) / "grading" / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    copy = folder / f"gradebook-{stamp}.db"
    with contextlib.closing(sqlite3.connect(database)) as source, contextlib.closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    for old in sorted(folder.glob("gradebook-*.db"))[:-KEPT_BACKUPS]:
        old.unlink()
    return copy


# nbgrader's log lines that every submission produces, and that say nothing about it: the
# test cells' checksums differ because the released versions have no hidden tests.
_ROUTINE = (
    re.compile(r"Attribute 'checksum' for cell (?P<cell>\S+) has changed"),
    re.compile(r"Removing existing (assignment|notebook)"),
)


def _warnings(log: str, test_ids: set[str]) -> list[str]:
    warnings = []
    for line in log.splitlines():
        if "WARNING" not in line:
            continue
        text = line.split("WARNING", 1)[1].lstrip(" ]|:")
        routine = _ROUTINE[0].search(text)
        if (routine and routine.group("cell") in test_ids) or _ROUTINE[1].search(text):
            continue
        warnings.append(f"nbgrader: {text}")
    return warnings


class _Runners:
    """One trusted runner per assignment, started when first needed and closed when its
    last submission is graded."""

    def __init__(self, root: Path, limits: Limits, isolated: bool, counts: dict[str, int]) -> None:
        self.root, self.limits, self.isolated = root, limits, isolated
        self.left = dict(counts)
        self.runners: dict[str, Any] = {}
        self.lock = threading.Lock()
        self.starting: dict[str, threading.Event] = {}

    def _runner(self, assignment: str) -> Any:
        from .runner import TrustedRunner

        with self.lock:
            event = self.starting.get(assignment)
            first = event is None
            if first:
                event = self.starting[assignment] = threading.Event()
        if first:
            try:
                self.runners[assignment] = TrustedRunner(
                    source_notebook(self.root, assignment).read_text(), self.limits, isolated=self.isolated
                )
            except Exception as error:  # noqa: BLE001 (every submission of it gets the cause)
                self.runners[assignment] = error
            finally:
                event.set()
        event.wait()
        return self.runners[assignment]

    def grade(self, student: str, assignment: str) -> tuple[str, dict[str, Any]]:
        text = ""
        try:
            text = submitted_notebook(self.root, student, assignment).read_bytes().decode(errors="replace")
            runner = self._runner(assignment)
            if isinstance(runner, Exception):
                return text, {"status": "ungradable", "cause": f"grader error: {runner}"}
            result = runner.grade(text)
            failed = runner.ready.get("failed_cells")
            if failed and result.get("status") == "graded":
                result.setdefault("warnings", []).append(
                    f"the instructor's notebook itself failed in cell(s) {', '.join(map(str, failed))} before the "
                    f"first exercise; its tests may fail for everyone: run `lossviz-course check {assignment}`")
            return text, result
        finally:
            with self.lock:
                self.left[assignment] -= 1
                done = self.left[assignment] == 0
            if done:
                runner = self.runners.pop(assignment, None)
                if runner is not None and not isinstance(runner, Exception):
                    runner.close()

    def close(self) -> None:
        for runner in self.runners.values():
            if not isinstance(runner, Exception):
                runner.close()


def autograde(
    root: Path | str = "coursework",
    *,
    students: Sequence[str] = (),
    assignments: Sequence[str] = (),
    timeout: float | None = None,
    jobs: int | None = None,
    sandbox: bool = True,
    limits: Limits | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Autograde the submissions of ``students`` for ``assignments`` (default: all).

    Each notebook runs in a sandbox of its own (``sandbox=False`` opts out) while its tests
    run in the grader; ``jobs`` notebooks at a time (default: the number of cores), with the
    same results as one at a time. Only this process writes the gradebook, after backing
    it up. A notebook that cannot be graded is reported with its cause (``Outcome.error``),
    recorded as such in ``grading/status.json`` and left out of the gradebook; the others are
    still graded. ``progress`` is called with each outcome as it is recorded.
    """
    from .nbgrader_steps import digest

    root = Path(root)
    limits = limits or Limits()
    if timeout is not None:
        limits = replace(limits, timeout=float(timeout))
    if sandbox:
        from .sandbox import check_available

        try:
            check_available()
        except SandboxUnavailable as error:
            raise CourseworkError(str(error)) from None
    jobs = jobs or len(os.sched_getaffinity(0))
    if jobs < 1:
        raise CourseworkError(f"jobs must be at least 1, got {jobs}")
    pending = [
        (student, assignment)
        for student, assignment in found(root, "submitted")
        if (not students or student in students) and (not assignments or assignment in assignments)
    ]
    order = {name: index for index, name in enumerate(assignments)}
    pending.sort(key=lambda pair: (order.get(pair[1], len(order)), pair[1], pair[0]))
    invalid = [pair for pair in pending if not STUDENT_ID.fullmatch(pair[0])]
    pending = [pair for pair in pending if pair not in invalid]
    if not pending:
        return [Outcome(s, a, error="not graded: the folder name is not a valid student id") for s, a in invalid]
    backup_gradebook(root)
    grader = api(root, limits=limits, sandbox=sandbox)
    records = status(root)
    counts: dict[str, int] = {}
    for _, assignment in pending:
        counts[assignment] = counts.get(assignment, 0) + 1
    runners = _Runners(root, limits, sandbox, counts)
    outcomes = []
    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(runners.grade, student, assignment): (student, assignment) for student, assignment in pending}
            for future in as_completed(futures):
                student, assignment = futures[future]
                try:
                    text, result = future.result()
                except Exception as error:  # noqa: BLE001 (one submission's failure is its own)
                    text, result = "", {"status": "ungradable", "cause": f"grader error: {error}"}
                outcome = _record(grader, root, student, assignment, text, result)
                records[f"{student}/{assignment}"] = {
                    "status": "graded" if outcome.graded else "ungradable",
                    "cause": outcome.error,
                    "score": outcome.score,
                    "max_score": outcome.max_score,
                    "warnings": outcome.warnings,
                    "notes": outcome.notes,
                    "submission_sha256": digest(text) if text else None,
                    "graded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                }
                _write_status(root, records)
                outcomes.append(outcome)
                if progress is not None:
                    progress(outcome)
    finally:
        runners.close()
    outcomes += [Outcome(s, a, error="not graded: the folder name is not a valid student id") for s, a in invalid]
    rank = {pair: index for index, pair in enumerate(pending + invalid)}
    return sorted(outcomes, key=lambda outcome: rank[(outcome.student, outcome.assignment)])


def _record(grader: Any, root: Path, student: str, assignment: str, text: str, result: dict[str, Any]) -> Outcome:
    """Hand a grading result to nbgrader (this process alone writes the gradebook); an
    ungradable notebook instead leaves no grade or feedback of an earlier run behind."""
    from nbgrader.api import Gradebook, MissingEntry

    from .nbgrader_steps import PRECOMPUTED, digest

    started = time.monotonic()
    outcome = Outcome(student, assignment, notes=list(result.get("notes", [])))
    if result.get("status") == "graded":
        key = (student, assignment, assignment)
        PRECOMPUTED[key] = (digest(text), result)
        try:
            done = _checked(grader.autograde(assignment, student, force=True, create=True), f"autograding {assignment} of {student}")
            outcome.score, outcome.max_score = total(root, assignment, student)
            outcome.warnings = list(result.get("warnings", [])) + _warnings(done["log"], set(result.get("tests", {})))
        except CourseworkError as error:
            outcome.error = f"nbgrader could not record it: {error}"
        finally:
            PRECOMPUTED.pop(key, None)
    else:
        outcome.error = str(result.get("cause") or "unknown cause")
    if outcome.error is not None:
        with Gradebook(grader.coursedir.db_url) as book:
            book.update_or_create_student(student)
            with contextlib.suppress(MissingEntry):
                book.remove_submission(assignment, student)
        shutil.rmtree(root / "autograded" / student / assignment, ignore_errors=True)
        shutil.rmtree(root / "feedback" / student / assignment, ignore_errors=True)
    outcome.seconds = float(result.get("seconds", 0.0)) + time.monotonic() - started
    return outcome


def check(
    notebooks: Iterable[Path], *, jobs: int | None = None, sandbox: bool = True, limits: Limits | None = None
) -> dict[str, dict[str, Any]]:
    """Check that each notebook's exercises can be graded: its own solutions, submitted as
    a learner's notebook and graded as ``autograde`` grades (in a sandbox, through the
    channel), pass every test cell; blank answers (each raising NotImplementedError, as
    the student version's) fail every one. No course folder or gradebook is involved.

    Returns notebook name -> {"solutions": result, "blank": result} (see
    ``lossviz.coursework.runner.grade``); ``problems(report)`` lists what is wrong.
    """
    from .runner import TrustedRunner

    limits = limits or Limits()
    if sandbox:
        from .sandbox import check_available

        try:
            check_available()
        except SandboxUnavailable as error:
            raise CourseworkError(str(error)) from None

    def one(notebook: Path) -> dict[str, Any]:
        text = Path(notebook).read_text()
        runner = TrustedRunner(text, limits, isolated=sandbox)
        try:
            return {"solutions": runner.grade(text), "blank": runner.grade(text, blank=True)}
        finally:
            runner.close()

    notebooks = list(notebooks)
    with ThreadPoolExecutor(max_workers=jobs or len(os.sched_getaffinity(0))) as pool:
        return dict(zip((Path(nb).stem for nb in notebooks), pool.map(one, notebooks)))


def problems(report: dict[str, Any]) -> list[str]:
    """What ``check`` found wrong with one notebook (empty when all is well)."""
    found = []
    for run in ("solutions", "blank"):
        if report[run].get("status") != "graded":
            found.append(f"the {run} could not be graded: {report[run].get('cause')}")
    if found:
        return found
    for test_id, solved in report["solutions"]["tests"].items():
        if not solved["passed"]:
            error = next((o for o in solved["outputs"] if o["output_type"] == "error"), {})
            found.append(f"{test_id}: the solutions fail it: {error.get('ename')}: {error.get('evalue')}")
    for test_id, blank in report["blank"]["tests"].items():
        errors = {o["ename"] for o in blank["outputs"] if o["output_type"] == "error"}
        if blank["passed"]:
            found.append(f"{test_id}: passes with blank answers (its tests do not call the answer)")
        elif errors != {"NotImplementedError"}:
            found.append(f"{test_id}: fails blank answers for another reason: {', '.join(sorted(errors))}")
    return found


@contextlib.contextmanager
def gradebook(root: Path | str = "coursework") -> Iterator[Any]:
    """The course's nbgrader ``Gradebook``, closed afterwards."""
    from nbgrader.api import Gradebook

    with Gradebook(api(_existing(root)).coursedir.db_url) as opened:
        yield opened


def scores(root: Path | str, assignment: str, student: str) -> dict[str, tuple[float, float]]:
    """grade_id -> (score, max_score) of every graded cell of an autograded notebook."""
    with gradebook(root) as book:
        notebook = book.find_submission_notebook(assignment, assignment, student)
        return {grade.name: (float(grade.score), float(grade.max_score)) for grade in notebook.grades}


def total(root: Path | str, assignment: str, student: str) -> tuple[float, float]:
    """(score, max_score) of a student's autograded assignment."""
    with gradebook(root) as book:
        submission = book.find_submission(assignment, student)
        return float(submission.score), float(submission.max_score)


def feedback(
    root: Path | str = "coursework", *, students: Sequence[str] = (), assignments: Sequence[str] = ()
) -> list[Path]:
    """HTML feedback (scores, and the visible tests' output per exercise) for autograded
    submissions; hidden tests and solutions are never in it."""
    grader = api(_existing(root))
    made = []
    for student, assignment in found(root, "autograded"):
        if (students and student not in students) or (assignments and assignment not in assignments):
            continue
        _checked(grader.generate_feedback(assignment, student), f"feedback on {assignment} for {student}")
        made.append(feedback_page(root, student, assignment))
    return made


def export(root: Path | str = "coursework", to: Path | str | None = None) -> Path:
    """Every student's score per assignment as CSV: nbgrader's columns, and ``status``.

    ``status`` is ``graded``, ``not submitted`` (score 0, as nbgrader counts it) or
    ``ungradable: <cause>``, whose scores are left empty: not a zero.
    """
    destination = Path(to) if to is not None else Path(root) / "grades.csv"
    records = status(root)
    keys = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
            "raw_score", "late_submission_penalty", "score", "max_score", "status"]
    from nbgrader.api import MissingEntry

    with gradebook(root) as book, destination.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=keys)
        writer.writeheader()
        for assignment in book.assignments:
            for person in book.students:
                row = {
                    "assignment": assignment.name, "duedate": assignment.duedate or "", "student_id": person.id,
                    "last_name": person.last_name or "", "first_name": person.first_name or "",
                    "email": person.email or "", "max_score": assignment.max_score,
                }
                record = records.get(f"{person.id}/{assignment.name}", {})
                try:
                    submission = book.find_submission(assignment.name, person.id)
                except MissingEntry:
                    if record.get("status") == "ungradable":
                        row.update(timestamp="", raw_score="", late_submission_penalty="", score="",
                                   status=f"ungradable: {record.get('cause')}")
                    else:
                        row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0, score=0.0, status="not submitted")
                else:
                    penalty = submission.late_submission_penalty or 0.0
                    row.update(timestamp=submission.timestamp or "", raw_score=submission.score,
                               late_submission_penalty=penalty, score=max(0.0, submission.score - penalty), status="graded")
                writer.writerow(row)
    return destination


def student(notebooks: Iterable[Path], out: Path | str = "student", *, force: bool = False) -> tuple[list[Path], list[Path]]:
    """Student versions for self-learners in ``out``; returns (written, kept).

    Works in a throw-away course folder so no gradebook is made. An existing student
    notebook holds the learner's work, so it is kept unless ``force``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    notebooks = list(notebooks)
    pending = [nb for nb in notebooks if force or not (out / Path(nb).name).exists()]
    kept = [out / Path(nb).name for nb in notebooks if nb not in pending]
    written = []
    with tempfile.TemporaryDirectory(prefix="lossviz-student-") as scratch:
        for released in generate(pending, Path(scratch)):
            target = out / released.name
            shutil.copyfile(released, target)
            written.append(target)
    return written, kept
