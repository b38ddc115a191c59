"""Grading one submission: the learner's cells in a sandbox, every test in the grader.

Two processes take part, and learner code runs in only one of them:

- the **sandbox** (``lossviz.coursework.sandbox``) runs the learner's notebook: every code
  cell of the submission, in order, except the test cells;
- the **grader** (this module, a process of its own per submission) runs the instructor's
  notebook from the course's ``source/`` folder: its ordinary cells as they are, and each
  test cell with its hidden tests. Where the instructor's notebook has an answer cell, the
  grader binds each name that cell defines to a *proxy*: calling it sends the arguments
  as plain data to the sandbox, where the learner's function of that name runs, and its
  result comes back as plain data (``lossviz.coursework.channel``).

The two walk the notebook together, one test cell at a time: the sandbox runs the
learner's cells up to a test cell, then the grader runs its cells up to and including
that test, so each test sees the learner's state as it is at that point of the notebook.

Nothing the learner's code does to its own interpreter (redefining ``gradcheck``, patching
numpy, walking the stack, input transformers) reaches the grader, and the grader's
verdict is decided by the grader's code on the values returned.

A cell or call that runs past the time limit, or a sandbox that dies, is stopped; the test
cell waiting for it fails, and a new sandbox re-runs the learner's cells so far (skipping
a cell that was stopped) before grading goes on. A notebook that cannot be graded at all
(invalid JSON, answer or test cells missing or renamed, a sandbox that does not start or
does not re-run the same way) comes back as ``ungradable`` with its cause.

Startup is shared: a *trusted runner* process per assignment runs the instructor's cells
before the first answer cell once, then forks one child per submission (``TrustedRunner``).
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import asdict
from typing import Any, Callable

from . import cells as nbcells
from . import remote
from .channel import ChannelError, decode, encode, error_reply, read_message, rebuilt_error, write_message
from .remote import RemoteClass, RemoteObject
from .sandbox import Limits, Sandbox, SandboxStopped

__all__ = ["AnswerStopped", "Session", "TrustedRunner", "Ungradable", "bind_answers", "grade", "notebook_problem"]

TRUSTED_ENV = {
    "MPLBACKEND": "Agg",
    "PYTHONHASHSEED": "0",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


class Ungradable(Exception):
    """The notebook cannot be graded; the message is the cause an instructor reads."""


class AnswerStopped(RuntimeError):
    """A learner's answer did not return: it ran past the time limit or its process died."""


# --------------------------------------------------------------------------- outputs


def _stream(text: str, name: str = "stdout") -> dict[str, Any]:
    return {"output_type": "stream", "name": name, "text": text}


def _error_output(name: str, message: str, text: str) -> dict[str, Any]:
    return {"output_type": "error", "ename": name, "evalue": message, "traceback": text.splitlines() or [f"{name}: {message}"]}


def execute(shell: Any, source: str) -> tuple[bool, list[dict[str, Any]]]:
    """Run one cell of trusted code; (succeeded, its outputs as nbformat dicts)."""
    from IPython.utils.capture import capture_output

    from ._shell import close_figures

    shell.last_error = None
    with capture_output() as captured:
        result = shell.run_cell(source, store_history=False)
    close_figures()
    outputs = []
    if captured.stdout:
        outputs.append(_stream(captured.stdout))
    if captured.stderr:
        outputs.append(_stream(captured.stderr, "stderr"))
    for shown in captured.outputs:
        if "text/plain" in shown.data:
            outputs.append({"output_type": "display_data", "data": {"text/plain": shown.data["text/plain"]}, "metadata": {}})
    if not result.success:
        outputs.append(_error_output(*(shell.last_error or ("Error", "the cell failed", ""))))
    return result.success, outputs


# --------------------------------------------------------------------------- the notebook plan


def notebook_problem(text: str) -> str | None:
    """Why ``text`` is not a valid notebook (nbformat's schema), or None if it is one."""
    import nbformat

    try:
        nbformat.validate(nbformat.reads(text, as_version=4))
    except Exception as error:  # noqa: BLE001 (any parse or schema failure: the file is not a notebook)
        first = str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__
        return f"invalid notebook: {first}"
    return None


def _parse(text: str) -> dict[str, Any]:
    """The notebook in ``text`` as plain JSON with each cell's source as one string.

    (nbformat validates before grading starts; here nbformat is not imported at all, since
    its JSON-schema dependencies take seconds to load in every process.)
    """
    import json

    try:
        notebook = json.loads(text)
        cells = notebook["cells"]
        for cell in cells:
            source = cell.get("source", "")
            cell["source"] = "".join(source) if isinstance(source, list) else str(source)
            cell.setdefault("metadata", {})
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise Ungradable(f"invalid notebook: {error}") from None
    return notebook


def _segments(notebook: dict[str, Any], test_ids: set[str]) -> list[tuple[list[tuple[int, Any]], str]]:
    """The code cells up to each test cell: [(cells before it as (position, cell), test id)].

    Cells after the last test cell cannot change a grade and are left out.
    """
    segments, current, seen = [], [], set()
    for position, cell in enumerate(notebook["cells"], 1):
        if cell.get("cell_type") != "code":
            continue
        cell_id = nbcells.grade_id(cell)
        if cell_id in test_ids:
            if cell_id not in seen:
                seen.add(cell_id)
                segments.append((current, cell_id))
                current = []
            continue  # a duplicated test cell is not run either
        current.append((position, cell))
    return segments


def _check_structure(source: dict[str, Any], submission: dict[str, Any]) -> None:
    expected = nbcells.graded_sequence(source["cells"])
    kinds = dict((cell_id, cell_kind) for cell_kind, cell_id in expected)
    found = [cell_id for _, cell_id in nbcells.graded_sequence(
        cell for cell in submission["cells"] if nbcells.grade_id(cell) in kinds)]
    wanted = [cell_id for _, cell_id in expected]
    if found == wanted:
        return
    missing = [cell_id for cell_id in wanted if cell_id not in found]
    if missing:
        raise Ungradable(f"cells missing or renamed: {', '.join(missing)}")
    raise Ungradable(f"cells out of order: expected {', '.join(wanted)}; found {', '.join(found)}")


def _edited_tests(source: dict[str, Any], submission: dict[str, Any]) -> list[str]:
    """Warnings for test cells whose code the learner changed (they are graded as written
    by the instructor anyway)."""

    def lines(text: str) -> list[str]:
        return [line.rstrip() for line in text.splitlines() if line.strip()]

    allowed: dict[str, list[list[str]]] = {}
    for cell in source["cells"]:
        if nbcells.kind(cell) == nbcells.TESTS:
            # As released (hidden region removed), or as in the source (the instructor's own
            # notebook graded as a submission, which `check` does).
            allowed[nbcells.grade_id(cell)] = [lines(cell["source"])]
            with contextlib.suppress(ValueError):
                allowed[nbcells.grade_id(cell)].append(lines(nbcells.split_hidden(cell["source"]).shown))
    warnings, seen = [], set()
    for cell in submission["cells"]:
        cell_id = nbcells.grade_id(cell)
        if cell_id in allowed and cell_id not in seen:
            seen.add(cell_id)
            if lines(cell["source"]) not in allowed[cell_id]:
                warnings.append(f"test cell {cell_id} was edited by the learner; it was graded as the instructor wrote it")
    return warnings


# --------------------------------------------------------------------------- one submission


class Session:
    """The sandbox of one submission, restarted and replayed when it is stopped.

    ``blank=True`` grades the blank student version without a sandbox: no learner cell
    runs, and every answer raises NotImplementedError as the student version's stubs do.
    """

    def __init__(self, limits: Limits, isolated: bool, max_restarts: int, *, blank: bool = False) -> None:
        self.limits, self.isolated, self.max_restarts, self.blank = limits, isolated, max_restarts, blank
        self.sandbox: Sandbox | None = None
        self.done: list[tuple[str, str]] = []  # (label, source) of learner cells run so far
        self.restarts = 0
        self.startup_seconds: list[float] = []
        self.deadline = 0.0  # of the trusted cell now running
        self._callbacks: list[dict[int, Callable[..., Any]]] = []
        self.generation = 0  # of the sandbox now running: stand-ins of an older one are dead
        self._stand_ins: dict[tuple[int, int], Any] = {}
        # The learner's objects cross as stand-ins only once an exercise asks for a class;
        # until then (and in every notebook without one) only plain data crosses.
        self.objects_allowed = False

    # The grader's side of a callback: a learner's answer calls a function a test gave it.
    def serve(self, message: dict[str, Any]) -> dict[str, Any]:
        if message.get("op") != "callback":
            return {"error": {"type": "ValueError", "message": "the grader only answers callbacks"}}
        handle = message.get("handle")
        function = next((frame[handle] for frame in reversed(self._callbacks) if handle in frame), None)
        if function is None:
            return {"error": {"type": "RuntimeError", "message": "a function given to your answer can only be called while your answer runs"}}
        try:
            args, kwargs = self.received(message.get("args")), self.received(message.get("kwargs"))
            if not isinstance(args, tuple) or not isinstance(kwargs, dict):
                raise ChannelError("callback arguments must be a tuple and a dict")
            return {"value": encode(function(*args, **kwargs), other=self._export)}
        except Exception as error:  # noqa: BLE001 (reported to the learner's code as its exception)
            return error_reply(error)

    def _start(self) -> Sandbox:
        self.generation += 1
        sandbox = Sandbox(self.limits, self.serve, isolated=self.isolated)
        started = time.monotonic()
        try:
            sandbox.request({"op": "run", "source": ""}, started + max(self.limits.timeout, 120))
        except SandboxStopped as stop:
            output = sandbox.output.decode(errors="replace").strip()[-1500:]
            raise Ungradable(f"the sandbox did not start: {stop}" + (f"\n{output}" if output else "")) from None
        self.startup_seconds.append(time.monotonic() - started)
        return sandbox

    def ensure(self) -> Sandbox:
        """The running sandbox, restarted with the learner's cells re-run if it was stopped."""
        if self.sandbox is not None and self.sandbox.stopped_because is None:
            return self.sandbox
        if self.sandbox is not None:
            self.sandbox.close()
            self.restarts += 1
            if self.restarts > self.max_restarts:
                raise Ungradable(f"the sandbox was stopped {self.restarts} times; last: {self.sandbox.stopped_because}")
        began = time.monotonic()
        self.sandbox = self._start()
        for label, source in self.done:
            reply = self._run(source)
            if reply is None:
                raise Ungradable(f"{label} did not run the same way again after a restart: {self.sandbox.stopped_because}")
        self.deadline += time.monotonic() - began  # re-running is not the current cell's time
        return self.sandbox

    def _run(self, source: str) -> dict[str, Any] | None:
        assert self.sandbox is not None
        try:
            return self.sandbox.request({"op": "run", "source": source}, time.monotonic() + self.limits.timeout)
        except SandboxStopped:
            return None

    def run_learner_cell(self, label: str, source: str) -> list[dict[str, Any]]:
        """Run one of the learner's cells; the outputs an instructor sees for it."""
        if self.blank:
            return []
        self.ensure()
        reply = self._run(source)
        if reply is None:
            assert self.sandbox is not None
            return [_error_output("CellStopped", f"this cell was stopped: {self.sandbox.stopped_because}", "")]
        self.done.append((label, source))
        outputs = [_stream(str(reply.get("stdout", "")))] if reply.get("stdout") else []
        if reply.get("status") != "ok":
            outputs.append(_error_output(str(reply.get("ename", "Error")), str(reply.get("evalue", "")), str(reply.get("traceback", ""))))
        return outputs

    def names(self, names: list[str]) -> dict[str, Any]:
        if self.blank:
            return {name: {"kind": "function"} for name in names}
        sandbox = self.ensure()
        try:
            reply = sandbox.request({"op": "names", "names": names}, time.monotonic() + self.limits.timeout)
        except SandboxStopped:
            return {}
        found = reply.get("names")
        return found if isinstance(found, dict) else {}

    # Objects of the learner's (instances, classes) cross as handles; see remote.py.
    def _export(self, value: Any) -> dict[str, Any] | None:
        if not isinstance(value, (RemoteObject, RemoteClass)):
            return None
        session, (handle, generation) = remote.link(value)
        if session is not self or generation != self.generation:
            raise AnswerStopped("an object of the learner's from a sandbox that was stopped cannot be used")
        return {"t": "object", "id": handle}

    def _object(self, data: dict[str, Any]) -> Any:
        ref = (data["id"], self.generation)
        if ref not in self._stand_ins:
            name = str(data.get("class_name") or data.get("name") or "object")[:100]
            if data.get("is_class"):
                self._stand_ins[ref] = remote.stand_in_class(self, ref, name)
            else:
                if type(data.get("class")) is not int:
                    raise ChannelError("an object needs its class's handle")
                cls = self._object({"id": data["class"], "is_class": True, "class_name": data.get("name")})
                self._stand_ins[ref] = remote.stand_in(self, ref, cls)
        return self._stand_ins[ref]

    def received(self, data: Any) -> Any:
        """Decode what the sandbox sent: plain data, and stand-ins for its objects if an
        exercise asks for a class (otherwise an object is refused with ChannelError)."""
        return decode(data, other=self._object if self.objects_allowed else None)

    def _send(self, message: dict[str, Any], values: dict[str, Any], what: str) -> dict[str, Any]:
        """Send ``message`` with ``values`` (field -> value) encoded, functions among them
        as callbacks valid while it runs; the reply, or AnswerStopped, or the answer's error."""
        sandbox = self.ensure()
        handles: dict[int, Callable[..., Any]] = {}

        def register(function: Callable[..., Any]) -> int:
            handle = sum(len(frame) for frame in self._callbacks) + len(handles) + 1
            handles[handle] = function
            return handle

        try:
            message = {**message, **{field: encode(value, register, self._export) for field, value in values.items()}}
        except ChannelError as error:
            raise TypeError(f"{what} can only be given plain data here: {error}") from None
        self._callbacks.append(handles)
        try:
            reply = sandbox.request(message, self.deadline)
        except SandboxStopped as stop:
            raise AnswerStopped(f"{what} did not return: {stop}") from None
        finally:
            self._callbacks.pop()
        if "error" in reply:
            raise rebuilt_error(reply)
        return reply

    def _value(self, reply: dict[str, Any], what: str) -> Any:
        try:
            return self.received(reply.get("value"))
        except ChannelError as error:
            raise TypeError(f"{what} returned something that is not plain data: {error}") from None

    def call(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Call the learner's function ``name``."""
        if self.blank:
            raise NotImplementedError()
        reply = self._send({"op": "call", "name": name}, {"args": args, "kwargs": kwargs}, f"{name}(...)")
        return self._value(reply, name)

    def use(self, thing: Any, op: str, name: str, *rest: Any, missing: Any = None) -> Any:
        """One use of a learner's object or class ``thing`` (a stand-in): ``op`` is call
        (``rest``: args, kwargs), getattr, setattr (``rest``: the value) or builtin
        (``rest``: args)."""
        if self.blank:
            raise NotImplementedError()
        _, (handle, generation) = remote.link(thing)
        global_name = type.__getattribute__(thing, "_lossviz_global") if isinstance(thing, RemoteClass) else None
        if global_name is not None:
            self.ensure()
            if generation != self.generation:  # a restarted sandbox: find the class by its name again
                found = self.names([global_name]).get(global_name, {})
                value = self.received(found.get("value")) if found.get("kind") == "value" else None
                if not isinstance(value, RemoteClass):
                    raise AnswerStopped(f"{global_name} is no longer a class after the sandbox was restarted")
                handle, generation = remote.link(value)[1]
                remote.relink(thing, self, (handle, generation))
                self._stand_ins[(handle, generation)] = thing
        if generation != self.generation or self.sandbox is None or self.sandbox.stopped_because is not None:
            raise AnswerStopped("this object of the learner's lived in a sandbox that was stopped")
        fields = {"call": ("args", "kwargs"), "getattr": (), "setattr": ("value",), "builtin": ("args",)}[op]
        what = f"{name}(...)" if op == "call" else f"{op} {name}"
        reply = self._send({"op": op, "object": handle, "name": name}, dict(zip(fields, rest)), what)
        if reply.get("missing"):
            return missing
        return self._value(reply, what)

    def close(self) -> None:
        if self.sandbox is not None:
            self.sandbox.close()
        if not self.isolated:
            # Without a process namespace, what the learner's code left running (even
            # detached: this process is their subreaper) is killed here.
            from .sandbox import descendants, kill

            for pid in descendants(os.getpid())[1:]:
                kill(pid)


def _become_subreaper() -> None:
    """Orphans of this process's descendants become its children (Linux prctl), so none escapes ``close``."""
    import ctypes

    PR_SET_CHILD_SUBREAPER = 36
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _proxy(session: Session, name: str) -> Callable[..., Any]:
    def answer(*args: Any, **kwargs: Any) -> Any:
        return session.call(name, args, kwargs)

    answer.__name__ = answer.__qualname__ = name
    answer.__doc__ = f"The learner's {name}, run in their sandbox."
    return answer


def bind_answers(namespace: dict[str, Any], session: Session, source: str, notes: list[str], cell_id: str) -> None:
    """Bind, in ``namespace``, the names the instructor's answer cell ``source`` defines to
    the learner's versions: functions to proxies, the classes the instructor's cell defines
    to stand-ins, other values to plain data; a name the learner's notebook lacks, or
    gives an object where plain data is due, is removed."""
    try:
        names, classes = nbcells.answer_names(source), nbcells.answer_classes(source)
    except SyntaxError:
        names, classes = [], set()
    if classes:
        session.objects_allowed = True  # the tests will hold the learner's objects
    found = session.names(names)
    for name in names:
        info = found.get(name) if isinstance(found.get(name), dict) else {"kind": "missing"}
        if info.get("kind") == "function":
            namespace[name] = _proxy(session, name)
            continue
        if info.get("kind") == "value":
            try:
                namespace[name] = _answer_value(session, name, info.get("value"), name in classes)
                continue
            except ChannelError as error:
                info = {"kind": "unsupported", "why": str(error)}
        namespace.pop(name, None)
        if info.get("kind") == "unsupported":
            notes.append(f"{cell_id}: {name} is not plain data ({str(info.get('why'))[:200]})")


def _answer_value(session: Session, name: str, data: Any, is_class: bool) -> Any:
    """The grader's value of a learner's answer ``name`` that is not a function: the stand-in
    of a class where the exercise asks for one, plain data otherwise."""
    if not is_class:
        if isinstance(data, dict) and data.get("t") == "object":
            raise ChannelError("a class or an object where the exercise asks for a function or plain data")
        return decode(data)
    value = session.received(data)
    if not isinstance(value, RemoteClass):
        raise ChannelError(f"the exercise asks for a class, not a {type(value).__name__}")
    type.__setattr__(value, "_lossviz_global", name)  # found again by name after a restart
    return value


def _run_tests(shell: Any, session: Session, source: str) -> dict[str, Any]:
    """Run a test cell part by part: (visible, hidden, after). Feedback gets the visible
    parts' outputs, and of the hidden part only whether it failed."""
    try:
        parts = nbcells.split_hidden(source)
        pieces = [("visible", parts.visible), ("hidden", parts.hidden), ("after", parts.after)]
    except ValueError:
        pieces = [("hidden", source)]  # not split: show nothing of it
    session.deadline = time.monotonic() + session.limits.timeout
    outputs: list[dict[str, Any]] = []
    feedback: list[dict[str, Any]] = []
    passed = True
    for part, code in pieces:
        if not code.strip():
            continue
        succeeded, produced = execute(shell, code)
        outputs += produced
        if part != "hidden":
            feedback += produced
        elif not succeeded:
            name = next((o["ename"] for o in produced if o["output_type"] == "error"), "an error")
            feedback.append(_stream(f"Hidden tests: failed ({name}). Your answer passes the tests shown above "
                                    "but not the hidden ones: check it on other inputs (shapes, signs, edge cases).\n"))
        if not succeeded:
            passed = False
            break
    if not any(output["output_type"] == "error" for output in outputs) and not passed:
        outputs.append(_error_output("Error", "the tests failed", ""))
    return {"passed": passed, "outputs": outputs, "feedback": feedback}


def grade(
    shell: Any, source: dict[str, Any], prefix: int, submission_text: str, limits: Limits, isolated: bool, *, blank: bool = False
) -> dict[str, Any]:
    """Grade one submission against the instructor's ``source`` notebook whose first
    ``prefix`` cells have already run in ``shell`` (``blank``: see ``Session``). Returns a
    JSON-ready result."""
    result: dict[str, Any] = {"status": "graded", "cause": None, "tests": {}, "answers": {}, "notes": [], "warnings": []}
    session = None
    started = time.monotonic()
    try:
        submission = _parse(submission_text)
        _check_structure(source, submission)
        result["warnings"] = _edited_tests(source, submission)
        test_ids = {cell_id for cell_kind, cell_id in nbcells.graded_sequence(source["cells"]) if cell_kind == nbcells.TESTS}
        ours, theirs = _segments(source, test_ids), _segments(submission, test_ids)
        session = Session(limits, isolated, max_restarts=2 * len(test_ids) + 2, blank=blank)
        for (our_cells, test_id), (their_cells, _) in zip(ours, theirs):
            for position, cell in their_cells:
                if not cell["source"].strip():
                    continue
                label = f"cell {position}" + (f" ({nbcells.grade_id(cell)})" if nbcells.grade_id(cell) else "")
                outputs = session.run_learner_cell(label, cell["source"])
                if nbcells.kind(cell) == nbcells.ANSWER and nbcells.grade_id(cell) not in result["answers"]:
                    result["answers"][nbcells.grade_id(cell)] = {"outputs": outputs}
                if outputs and outputs[-1].get("ename") == "CellStopped":
                    result["notes"].append(f"{label}: {outputs[-1]['evalue']}; grading went on without it")
            for position, cell in our_cells:
                if position <= prefix:
                    continue  # ran once, before this submission
                if nbcells.kind(cell) == nbcells.ANSWER:
                    bind_answers(shell.user_ns, session, cell["source"], result["notes"], nbcells.grade_id(cell))
                else:
                    session.deadline = time.monotonic() + limits.timeout
                    execute(shell, cell["source"])
            test_cell = next(cell for cell in source["cells"] if nbcells.grade_id(cell) == test_id)
            result["tests"][test_id] = _run_tests(shell, session, test_cell["source"])
            for output in result["tests"][test_id]["outputs"]:
                if output.get("ename") == "AnswerStopped":
                    result["notes"].append(f"{test_id}: {output['evalue']}")
    except Ungradable as error:
        result.update(status="ungradable", cause=str(error), tests={}, answers={})
    finally:
        if session is not None:
            session.close()
            result["restarts"] = session.restarts
            result["sandbox_startup_seconds"] = session.startup_seconds
    result["seconds"] = time.monotonic() - started
    return result


# --------------------------------------------------------------------------- the trusted runner


def _prefix_end(source: dict[str, Any]) -> int:
    """The number of cells before the first answer cell (they run once per assignment)."""
    for position, cell in enumerate(source["cells"], 1):
        if nbcells.kind(cell) == nbcells.ANSWER:
            return position - 1
    return len(source["cells"])


def serve(socket_path: str) -> None:
    """The trusted runner: read the assignment from stdin, run its prefix, then fork one
    child per connection on ``socket_path``; each child grades one submission."""
    from ._shell import make_shell

    control = os.dup(1)
    os.dup2(2, 1)  # anything the instructor's cells print stays off the control pipe
    setup = read_message(0)
    limits, isolated = Limits(**setup["limits"]), bool(setup["isolated"])
    source = _parse(setup["source"])
    shell = make_shell()
    prefix = _prefix_end(source)
    started = time.monotonic()
    failed = [position for position, cell in enumerate(source["cells"][:prefix], 1)
              if cell.get("cell_type") == "code" and not execute(shell, cell["source"])[0]]
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(64)
    write_message(control, {"ready": True, "prefix_seconds": time.monotonic() - started, "failed_cells": failed})
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    while True:
        readable = select.select([listener, 0], [], [])[0]
        if 0 in readable and not os.read(0, 1 << 16):
            return  # the orchestrator is done with this assignment
        if listener not in readable:
            continue
        connection, _ = listener.accept()
        if os.fork() == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            listener.close()
            _become_subreaper()
            code = 0
            try:
                job = read_message(connection.fileno())
                result = grade(shell, source, prefix, job["submission"], limits, isolated, blank=bool(job.get("blank")))
                write_message(connection.fileno(), result)
            except BaseException:  # noqa: BLE001 (reported to the orchestrator, which marks the notebook)
                code = 1
                try:
                    write_message(connection.fileno(), {"status": "ungradable", "cause": "grader error: " + traceback.format_exc()[-1500:]})
                except OSError:
                    pass
            finally:
                os._exit(code)
        connection.close()


class TrustedRunner:
    """A trusted runner process for one assignment (see ``serve``); ``grade`` may be called
    from several threads at once, each submission is graded in a child of its own."""

    def __init__(self, source_text: str, limits: Limits, *, isolated: bool = True) -> None:
        self.folder = tempfile.mkdtemp(prefix="lossviz-grader-")
        self.socket_path = os.path.join(self.folder, "socket")
        env = {**os.environ, **TRUSTED_ENV, "IPYTHONDIR": os.path.join(self.folder, "ipython")}
        with open(os.path.join(self.folder, "stderr"), "wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-s", "-m", "lossviz.coursework.runner", self.socket_path],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, cwd=self.folder, env=env,
            )
        assert self.process.stdin is not None and self.process.stdout is not None
        write_message(self.process.stdin.fileno(), {"source": source_text, "limits": asdict(limits), "isolated": isolated})
        try:
            self.ready = read_message(self.process.stdout.fileno())
        except (EOFError, ChannelError) as error:
            self.close()
            raise RuntimeError(f"the trusted runner did not start ({error}):\n{self._stderr()}") from None

    def _stderr(self) -> str:
        try:
            with open(os.path.join(self.folder, "stderr"), errors="replace") as stderr:
                return stderr.read()[-2000:]
        except OSError:
            return ""

    def grade(self, submission_text: str, *, blank: bool = False) -> dict[str, Any]:
        """The result of grading ``submission_text`` (``blank``: the blank student version,
        without running it; see ``Session``)."""
        problem = notebook_problem(submission_text)
        if problem is not None:
            return {"status": "ungradable", "cause": problem}
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.connect(self.socket_path)
            write_message(connection.fileno(), {"submission": submission_text, "blank": blank})
            try:
                return read_message(connection.fileno())
            except (EOFError, ChannelError) as error:
                return {"status": "ungradable", "cause": f"grader error: the grading process ended ({error})"}

    def close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    serve(argv[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
