"""The grader on the fixture notebook: the channel, the sandbox, and answers that are wrong,
raise, loop, crash or cannot be graded at all.

Hostile submissions are in test_grading_attacks.py; the course notebooks in
test_coursework.py. These tests start real sandboxes (about a second each), so most are
marked slow.
"""

from __future__ import annotations

import csv
import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lossviz.coursework import course as cw
from lossviz.coursework.channel import AnswerError, ChannelError, decode, encode, rebuilt_error
from lossviz.coursework.runner import AnswerStopped, Session, bind_answers
from lossviz.coursework.sandbox import Limits

from .coursework_support import (
    FIXTURE, QUICK, ROOT, WELCOME, Course, cells_by_id, code, is_answer, is_tests, points, require_sandbox, solutions,
)

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

RAISES = "def square_grad(x):\n    raise ValueError('not done yet')\n"
LOOPS = "def cube(x):\n    while True:\n        pass\n"
CRASHES = "import os\ndef square_grad(x):\n    os._exit(3)\n"
LOOPS_AT_TOP = "while True:\n    pass\ndef square(x):\n    return np.asarray(x, dtype=float) ** 2\n"
WRONG_SQUARE = "def square(x):\n    return 2 * np.asarray(x, dtype=float)\n"


def fixture_answers(**replaced: str) -> dict[str, str]:
    answers = solutions(FIXTURE)
    answers.update({grade_id.replace("_", "-"): code for grade_id, code in replaced.items()})
    return answers


def test_fixture_answers_are_known() -> None:
    assert set(solutions(FIXTURE)) == {"fx-square", "fx-square-grad", "fx-cube"}
    assert points(FIXTURE) == {"fx-square-tests": 2.0, "fx-square-grad-tests": 3.0, "fx-cube-tests": 1.0}


# --------------------------------------------------------------------------- the channel


@pytest.mark.parametrize(
    "value",
    [
        None, True, 3, -2**70, 0.1, math.inf, -math.inf, 1 + 2j, "mean", [1, [2.5, "x"]], (1, (2,)), {"a": (1, 2.0)},
        np.float32(0.5), np.int64(-7), np.bool_(True), np.complex128(1 - 1j),
        np.arange(6, dtype=np.int16).reshape(2, 3), np.array([[1.5, np.nan]], dtype=">f8"), np.zeros((0, 3)),
        np.array(2.0), np.array([True, False]), np.array([1 + 1j], dtype=np.complex64), np.arange(12.0)[::3],
    ],
    ids=repr,
)
def test_plain_data_crosses_unchanged(value: Any) -> None:
    wire = json.loads(json.dumps(encode(value), allow_nan=False))  # what actually crosses: JSON text
    back = decode(wire)
    assert type(back) is type(value) or isinstance(value, np.ndarray) and type(back) is np.ndarray
    if isinstance(value, (np.ndarray, np.generic)):
        assert back.dtype == value.dtype.newbyteorder("=") and np.shape(back) == np.shape(value)
        np.testing.assert_array_equal(back, value)
    else:
        assert back == value


def test_nan_stays_nan() -> None:
    assert math.isnan(decode(json.loads(json.dumps(encode(math.nan)))))


@pytest.mark.parametrize(
    "value",
    [object(), np.array([object()]), np.array(["a"]), {1: 2}, lambda x: x, print, b"bytes", np.datetime64("2020-01-01"),
     np.zeros(2, dtype=[("a", "f8")]), [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
    ids=["object", "object array", "str array", "int keys", "lambda", "builtin", "bytes", "datetime", "structured", "deep"],
)
def test_anything_else_is_refused(value: Any) -> None:
    with pytest.raises(ChannelError, match="cannot cross"):
        encode(value)


@pytest.mark.parametrize(
    "wire",
    [
        {"t": "array", "dtype": "|O", "shape": [1], "b64": ""},
        {"t": "array", "dtype": "<f8", "shape": [2], "b64": "AAAAAAAAAAA="},  # 8 bytes for 2 floats
        {"t": "array", "dtype": "<f8", "shape": [-1], "b64": ""},
        {"t": "array", "dtype": "<f8", "shape": [1], "b64": "not base64!"},
        {"t": "callback", "id": 1},
        {"t": "pickle", "v": "gASVAAAAAAAAAAA="},
        {"t": "float", "v": "1e400"},
        {"__class__": "os.system"},
    ],
    ids=["object dtype", "short data", "negative shape", "bad base64", "unasked callback", "pickle", "float text", "class"],
)
def test_malformed_data_is_refused(wire: Any) -> None:
    with pytest.raises(ChannelError):
        decode(wire)


def test_errors_come_back_as_built_in_types_or_answer_errors() -> None:
    assert type(rebuilt_error({"error": {"type": "ZeroDivisionError", "message": "x"}})) is ZeroDivisionError
    for name in ("SystemExit", "KeyboardInterrupt", "GeneratorExit", "BaseException", "os.system"):
        assert type(rebuilt_error({"error": {"type": name, "message": "m"}})) is AnswerError


@pytest.fixture
def session() -> Any:
    require_sandbox()
    opened = Session(QUICK, isolated=True, max_restarts=2)
    yield opened
    opened.close()


@pytest.mark.slow
def test_an_answer_is_called_with_plain_data_and_functions_stay_in_the_grader(session: Session) -> None:
    session.run_learner_cell("cell 1", code('''
        import numpy as np
        calls = []
        def central(f, x, h):
            calls.append(f.__qualname__)
            return (f(x + h) - f(x - h)) / (2 * h)
        def pair(x):
            return x.astype(np.float32), [x.shape, x.dtype.str]
        def later():
            return kept(1.0)
        def keep(f):
            global kept
            kept = f
            return 0
        def fails(x):
            raise ValueError(f"x must be positive, got {x}")
        rate = 0.5
    '''))
    assert set(session.names(["central", "rate", "missing"])) == {"central", "rate", "missing"}
    assert session.names(["rate"])["rate"] == {"kind": "value", "value": 0.5}
    session.deadline = time.monotonic() + 20
    assert session.call("central", (lambda v: v**2, np.array([3.0]), 0.5), {}) == pytest.approx([6.0])
    assert session.call("central", (np.exp, 1 + 0j, 1e-6), {}) == pytest.approx(math.e)  # complex arguments too
    assert session.call("central", (lambda v: v**3,), {"x": np.array([2.0]), "h": 0.1}) == pytest.approx([12.01])
    single, shape = session.call("pair", (np.arange(3.0).reshape(1, 3),), {})
    assert single.dtype == np.float32 and shape == [(1, 3), "<f8"]
    # The learner's code got stand-ins that call back, never the grader's functions.
    assert session.names(["calls"])["calls"]["value"] == ["Worker.stand_in.<locals>.call_grader"] * 3
    # A function given to one call cannot be called by the learner's code later.
    session.call("keep", (lambda v: v,), {})
    with pytest.raises(RuntimeError, match="only be called while your answer runs"):
        session.call("later", (), {})
    with pytest.raises(ValueError, match="must be positive, got -1"):
        session.call("fails", (-1,), {})
    with pytest.raises(TypeError, match="plain data"):
        session.call("pair", (object(),), {})


@pytest.mark.slow
def test_a_learners_class_is_used_through_stand_ins(session: Session) -> None:
    """An exercise may be a class (a scalar autograd Value): the grader works with
    stand-ins whose every use runs in the sandbox."""
    session.run_learner_cell("cell 1", code('''
        class Value:
            def __init__(self, data):
                self.data, self.grad = float(data), 0.0
            def __add__(self, other):
                return Value(self.data + (other.data if isinstance(other, Value) else other))
            __radd__ = __add__
            def __mul__(self, other):
                return Value(self.data * (other.data if isinstance(other, Value) else other))
            def __neg__(self):
                return Value(-self.data)
            def __repr__(self):
                return f"Value({self.data})"
            def scaled(self, factor=1.0):
                return Value(self.data * factor)
            def __eq__(self, other):  # would pass `answer == expected`, and see `expected`
                seen.append(repr(other))
                return True
            __hash__ = object.__hash__
            def __lt__(self, other):
                seen.append(repr(other))
                return True
        seen = []
        def peek():
            return list(seen)
        kept = []
        def keep(value):
            kept.append(value)
            return value
    '''))
    namespace: dict[str, Any] = {}
    bind_answers(namespace, session, "class Value:\n    pass\n", [], "fx-value")
    Value = namespace["Value"]
    session.deadline = time.monotonic() + 20
    x, y = Value(2.0), Value(3.0)
    z = x * y + 1
    assert isinstance(z, Value) and not isinstance(1.0, Value) and type(z).__name__ == "Value"
    assert (z.data, (2 + x).data, (-x).data, x.scaled(factor=4).data) == (7.0, 4.0, -2.0, 8.0)
    assert repr(z) == "Value(7.0)" and bool(z) is True
    x.grad = 5.0
    assert x.grad == 5.0 and y.grad == 0.0
    assert session.call("keep", (x,), {}) is x, "the same object comes back as the same stand-in"
    assert x == x and x != y and x is not y
    assert not (x == 6.0) and x != 6.0, "== is identity in the grader, not the learner's __eq__"
    with pytest.raises(TypeError, match="not supported"):
        x < 6.0
    assert session.call("peek", (), {}) == [], "a comparison never shows the learner's object the other operand"
    with pytest.raises(TypeError, match="unsupported operand"):
        x @ y  # the learner's class has no __matmul__: Python's own error
    with pytest.raises(TypeError, match="no __invert__"):
        ~x
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        x.missing
    session.sandbox.stop("a test stops it")  # type: ignore[union-attr]
    with pytest.raises(AnswerStopped, match="sandbox that was stopped"):
        x.data
    assert Value(1.5).data == 1.5, "a new sandbox: the class's stand-in works again"


@pytest.mark.slow
def test_objects_cross_only_where_an_exercise_asks_for_a_class(session: Session) -> None:
    """In a notebook whose exercises are functions, an object answer is refused, not
    handed to the tests as a stand-in whose operators the learner's code would decide."""
    session.run_learner_cell("cell 1", code('''
        class Anything:
            def __eq__(self, other):
                return True
        def square(x):
            return Anything()
        class cube:
            def __new__(cls, x):
                return Anything()
        rate = Anything()
    '''))
    namespace: dict[str, Any] = {}
    notes: list[str] = []
    instructor = "def square(x):\n    return x * x\ndef cube(x):\n    return x ** 3\nrate = 0.1\n"
    bind_answers(namespace, session, instructor, notes, "fx-answers")
    session.deadline = time.monotonic() + 20
    with pytest.raises(TypeError, match="returned something that is not plain data"):
        namespace["square"](3.0)
    assert "cube" not in namespace and "rate" not in namespace
    assert [note.split(" (")[0] for note in notes] == ["fx-answers: cube is not plain data", "fx-answers: rate is not plain data"]
    assert all("asks for a function or plain data" in note for note in notes)


@pytest.mark.slow
def test_a_call_past_the_time_limit_is_stopped_and_the_sandbox_restarts(session: Session) -> None:
    session.run_learner_cell("cell 1", "import time\ndef slow(s):\n    time.sleep(s)\n    return s\nmarker = 7\n")
    session.deadline = time.monotonic() + 2
    started = time.monotonic()
    with pytest.raises(AnswerStopped, match="time limit"):
        session.call("slow", (60,), {})
    assert time.monotonic() - started < 10
    session.deadline = time.monotonic() + 20
    assert session.call("slow", (0,), {}) == 0  # a new sandbox, the learner's cells re-run
    assert session.restarts == 1 and session.names(["marker"])["marker"]["value"] == 7


# --------------------------------------------------------------------------- the sandbox


@pytest.mark.slow
def test_the_sandbox_sees_only_the_system_python_and_lossviz(session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import lossviz

    monkeypatch.setenv("LOSSVIZ_INSTRUCTOR_SECRET", "s3cret")  # before the sandbox starts (on first use)
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "gradebook.db").write_text("grades")
    probe = code(f'''
        import os, socket, resource
        def exists(path):
            return os.path.exists(path)
        def writable(path):
            try:
                with open(path, "a"):
                    return True
            except OSError:
                return False
        def network():
            try:
                socket.create_connection(("1.1.1.1", 53), timeout=2).close()
                return True
            except OSError:
                return False
        env = sorted(os.environ)
        limits = {{name: resource.getrlimit(getattr(resource, name))[0]
                  for name in ("RLIMIT_AS", "RLIMIT_NPROC", "RLIMIT_FSIZE", "RLIMIT_CPU", "RLIMIT_NOFILE", "RLIMIT_CORE")}}
        uid = os.getuid()
        pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    ''')
    outputs = session.run_learner_cell("probe", probe)
    assert not any(output["output_type"] == "error" for output in outputs), outputs
    session.deadline = time.monotonic() + 20
    call = session.call
    hidden = [tmp_path / "course" / "gradebook.db", ROOT / "notebooks", ROOT / "tests", ROOT / ".git", ROOT / "README.md",
              ROOT / "coursework", Path("/etc/passwd"), Path.home() / ".bash_history", Path("/var")]
    for path in [path for path in hidden if path.exists()]:
        assert not call("exists", (str(path),), {}), f"the sandbox sees {path}"
    assert call("exists", (lossviz.__file__,), {}), "lossviz is importable"
    assert not call("writable", (lossviz.__file__,), {}), "lossviz is read-only"
    assert call("writable", ("/tmp/work/scratch.txt",), {}), "the learner has a writable folder"
    assert not call("network", (), {})
    names = {name: decode(info["value"]) for name, info in session.names(["env", "limits", "uid", "pids"]).items()}
    assert "LOSSVIZ_INSTRUCTOR_SECRET" not in names["env"]
    limits = names["limits"]
    assert limits["RLIMIT_AS"] == QUICK.memory and limits["RLIMIT_NPROC"] == QUICK.processes
    assert limits["RLIMIT_FSIZE"] == QUICK.file_bytes and limits["RLIMIT_CORE"] == 0
    assert names["uid"] != 0, "learners' code never runs as root"
    assert len(names["pids"]) <= 4, f"the sandbox sees only its own processes: {names['pids']}"


# --------------------------------------------------------------------------- answers that fail


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    made = Course(tmp_path_factory.mktemp("grading"))
    made.release(FIXTURE, WELCOME)
    return made


@pytest.mark.slow
def test_answers_that_raise_loop_or_crash_score_zero_and_the_rest_is_graded(course: Course) -> None:
    require_sandbox()
    course.submit("crash", FIXTURE, fixture_answers(fx_square_grad=RAISES, fx_cube=LOOPS))
    course.submit("exits", FIXTURE, fixture_answers(fx_square_grad=CRASHES))
    course.submit("stuck", FIXTURE, fixture_answers(fx_square=LOOPS_AT_TOP))
    outcomes = course.grade(students=["crash", "exits", "stuck"], limits=QUICK)

    def scored(student: str) -> dict[str, float]:
        return {grade_id: score for grade_id, (score, _) in course.scores(student, "exercises").items()}

    assert scored("crash") == dict(points(FIXTURE), **{"fx-square-grad-tests": 0.0, "fx-cube-tests": 0.0})
    assert scored("exits") == dict(points(FIXTURE), **{"fx-square-grad-tests": 0.0}), "graded on after the crash"
    assert scored("stuck") == dict(points(FIXTURE), **{"fx-square-tests": 0.0}), "graded on without the stuck cell"
    errors = {grade_id: {output.get("ename") for output in cell.outputs if output.output_type == "error"}
              for grade_id, cell in cells_by_id(course.autograded("crash", "exercises"), is_tests).items()}
    assert errors["fx-square-grad-tests"] == {"ValueError"}
    assert errors["fx-cube-tests"] == {"AnswerStopped"}, "the loop was stopped by the time limit"
    assert any("time limit" in note for note in outcomes[("crash", "exercises")].notes)
    assert any("exit code 3" in note for note in outcomes[("exits", "exercises")].notes)
    assert any("time limit" in note and "grading went on without it" in note for note in outcomes[("stuck", "exercises")].notes)


@pytest.mark.slow
def test_a_notebook_that_cannot_be_graded_is_reported_not_scored_zero(course: Course, tmp_path: Path) -> None:
    require_sandbox()
    course.submit("gone", FIXTURE, fixture_answers())
    course.grade(students=["gone"], limits=QUICK)
    assert course.scores("gone", "exercises")["fx-square-tests"] == (2.0, 2.0)  # an earlier, good grading
    # The same student's notebook replaced by one that is not JSON, another's missing a cell.
    cw.submitted_notebook(course.root, "gone", "exercises").write_text('{"cells": [')
    course.submit("renamed", FIXTURE, fixture_answers(),
                  edit=lambda nb: cells_by_id(nb, is_answer)["fx-cube"].metadata.nbgrader.update(grade_id="fx-cubed"))
    outcomes = course.grade(students=["gone", "renamed"], limits=QUICK)

    assert outcomes[("gone", "exercises")].error.startswith("invalid notebook")
    assert outcomes[("renamed", "exercises")].error == "cells missing or renamed: fx-cube"
    assert "UNGRADABLE: cells missing or renamed: fx-cube" in str(outcomes[("renamed", "exercises")])
    rows = {row["student_id"]: row for row in csv.DictReader(cw.export(course.root, tmp_path / "grades.csv").open())
            if row["assignment"] == "exercises"}
    for student in ("gone", "renamed"):
        assert rows[student]["score"] == rows[student]["raw_score"] == "", "not a zero"
        assert rows[student]["status"].startswith("ungradable: ")
    assert not cw.autograded_notebook(course.root, "gone", "exercises").exists(), "no stale grading stands"
    assert cw.status(course.root)["gone/exercises"]["status"] == "ungradable"


@pytest.mark.slow
def test_parallel_grading_gives_the_results_of_serial_grading(course: Course, tmp_path: Path) -> None:
    require_sandbox()
    students = {
        "p-right": fixture_answers(),
        "p-wrong": fixture_answers(fx_square=WRONG_SQUARE),
        "p-raises": fixture_answers(fx_square_grad=RAISES),
        "p-exits": fixture_answers(fx_square_grad=CRASHES),
        "p-blank": {},
    }
    for student, answers in students.items():
        course.submit(student, FIXTURE, answers)
    serial = course.copy(tmp_path / "serial")
    parallel = course.copy(tmp_path / "parallel")
    one = serial.grade(students=list(students), jobs=1, limits=QUICK)
    two = parallel.grade(students=list(students), jobs=2, limits=QUICK)

    def graded(twin: Course, outcomes: Any) -> dict[str, Any]:
        return {
            student: (outcomes[(student, "exercises")].score, outcomes[(student, "exercises")].notes,
                      twin.scores(student, "exercises"),
                      [cell.outputs for cell in twin.autograded(student, "exercises").cells if cell.cell_type == "code"])
            for student in students
        }

    assert graded(serial, one) == graded(parallel, two)


@pytest.mark.slow
def test_without_the_sandbox_the_grades_are_the_same(course: Course, tmp_path: Path) -> None:
    require_sandbox()
    course.submit("n-wrong", FIXTURE, fixture_answers(fx_square=WRONG_SQUARE, fx_square_grad=RAISES))
    sandboxed = course.copy(tmp_path / "sandboxed")
    plain = course.copy(tmp_path / "plain")
    sandboxed.grade(students=["n-wrong"], limits=QUICK)
    plain.grade(students=["n-wrong"], limits=QUICK, sandbox=False)
    assert sandboxed.scores("n-wrong", "exercises") == plain.scores("n-wrong", "exercises")
    assert plain.scores("n-wrong", "exercises")["fx-cube-tests"] == (1.0, 1.0)


@pytest.mark.slow
def test_plain_nbgrader_autograde_uses_the_sandboxed_step(course: Course) -> None:
    """The course folder's nbgrader settings replace nbgrader's Execute step, so graders
    who run nbgrader themselves (a JupyterHub exchange) get the same protection."""
    require_sandbox()
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    from lossviz.coursework.nbgrader_steps import configure

    course.submit("plain-nbgrader", FIXTURE, fixture_answers(fx_square=WRONG_SQUARE))
    config = configure(Config(), course.root)
    config.SandboxedExecute.timeout = QUICK.timeout
    result = NbGraderAPI(config=config).autograde("exercises", "plain-nbgrader")
    assert result["success"], result["log"]
    assert course.scores("plain-nbgrader", "exercises")["fx-square-tests"] == (0.0, 2.0)
    assert course.scores("plain-nbgrader", "exercises")["fx-square-grad-tests"] == (3.0, 3.0)


def test_the_course_folder_config_is_the_packages(tmp_path: Path) -> None:
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT / "coursework")).load_config()
    names = [step.__name__ for step in config.Autograde.autograde_preprocessors]
    assert "SandboxedExecute" in names and "Execute" not in names
    assert [step.__name__ for step in config.GenerateFeedback.preprocessors][0] == "FeedbackWithoutHiddenTests"
    assert Path(config.CourseDirectory.root) == ROOT / "coursework"


def test_limits_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="Limits.memory must be positive"):
        Limits(memory=0)
    with pytest.raises(ValueError, match="like 2G"):
        from lossviz.coursework.sandbox import parse_size

        parse_size("lots")


def test_the_unprivileged_sandbox_command_starts_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """Instructors run as themselves: the command built for a non-root user must work too
    (here it runs as whoever runs the tests; as root the kernel simply allows it)."""
    import subprocess
    import sys

    from lossviz.coursework import sandbox

    require_sandbox()
    monkeypatch.setattr(sandbox.os, "geteuid", lambda: 1000)
    command = sandbox.bwrap_command([sys.executable, "-s", "-c", "import lossviz, os; print(os.getcwd())"], QUICK)
    monkeypatch.undo()
    assert command.count("bwrap") == 1 and "setpriv" not in command and "--unshare-pid" in command
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == sandbox.WORKDIR


@pytest.mark.slow
def test_an_instructor_notebook_that_fails_before_its_exercises_is_reported(tmp_path: Path) -> None:
    require_sandbox()
    import nbformat

    notebook = nbformat.read(FIXTURE, as_version=4)
    notebook.cells.insert(2, nbformat.v4.new_code_cell("import a_module_that_is_not_installed"))
    broken = tmp_path / "notebooks" / "exercises.ipynb"
    broken.parent.mkdir()
    nbformat.write(notebook, broken)
    course = Course(tmp_path / "course")
    course.submit("alice", broken, fixture_answers())
    [outcome] = course.grade(limits=QUICK).values()
    assert outcome.graded and outcome.score == sum(points(FIXTURE).values())
    assert outcome.warnings == [
        "the instructor's notebook itself failed in cell(s) 3 before the first exercise; its tests may fail "
        "for everyone: run `lossviz-course check exercises`"
    ]


def test_a_course_under_tmp_is_seen_inside_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clone under /tmp (its .venv and lossviz there) must stay visible: the sandbox's own
    /tmp is mounted first and the course's folders onto it, not hidden under it."""
    import subprocess
    import sys
    import tempfile

    from lossviz.coursework import sandbox

    require_sandbox()
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        marker = Path(folder) / "course.txt"
        marker.write_text("the course under /tmp")
        Path(folder).chmod(0o755)
        marker.chmod(0o644)
        paths = sandbox._read_only_paths()
        monkeypatch.setattr(sandbox, "_read_only_paths", lambda: [*paths, Path(folder)])
        command = sandbox.bwrap_command([sys.executable, "-s", "-c", f"print(open({str(marker)!r}).read())"], QUICK)
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "the course under /tmp"
