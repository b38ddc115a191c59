"""Runs inside the sandbox: executes a learner's cells and answers the grader's calls.

Started as ``python -m lossviz.coursework._inside READ_FD WRITE_FD``. Everything here is in
the learner's reach (their cells run in this interpreter and may change any of it), so it
decides nothing: it only relays. The grader decodes every reply as plain data and runs
every test itself.

Requests (see ``lossviz.coursework.channel``):

- ``run``: run one cell's source; reply ``ok`` or the error (name, message, traceback)
  and the first few kilobytes the cell printed.
- ``names``: for each name, whether the learner's namespace holds a function, a value
  (sent as data) or nothing usable.
- ``call``: call the learner's function ``name`` with decoded arguments; reply with the
  encoded result or the error. A function argument arrives as a handle: calling the
  stand-in sends a ``callback`` request back to the grader.
"""

from __future__ import annotations

import io
import os
import sys
import traceback
from typing import Any

from ._shell import close_figures

CELL_OUTPUT = 16 * 2**10  # characters of a cell's printed output sent back (instructor's view)


class _Capped(io.TextIOBase):
    """A text stream that keeps the first ``limit`` characters and drops the rest."""

    def __init__(self, limit: int) -> None:
        self.limit, self.parts, self.size = limit, [], 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        room = self.limit - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(len(text), room)
        return len(text)

    def getvalue(self) -> str:
        return "".join(self.parts)


class Worker:
    def __init__(self, read_fd: int, write_fd: int) -> None:
        from ._shell import make_shell
        from .channel import Endpoint

        self.shell = make_shell()
        self.endpoint = Endpoint(read_fd, write_fd, self.serve)

    def serve(self, message: dict[str, Any]) -> dict[str, Any]:
        op = message["op"]
        if op == "run":
            return self.run(str(message.get("source", "")))
        if op == "names":
            return {"names": {str(name): self.describe(str(name)) for name in message.get("names", [])}}
        if op == "call":
            return self.call(message)
        return {"error": {"type": "ValueError", "message": f"unknown request {op!r}"}}

    def run(self, source: str) -> dict[str, Any]:
        printed = _Capped(CELL_OUTPUT)
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = printed
        self.shell.last_error = None
        try:
            result = self.shell.run_cell(source, store_history=False)
        finally:
            sys.stdout, sys.stderr = saved
        close_figures()
        reply: dict[str, Any] = {"status": "ok" if result.success else "error", "stdout": printed.getvalue()}
        if not result.success:
            name, message, text = self.shell.last_error or ("Error", "the cell failed", "")
            reply.update(ename=name[:100], evalue=message[:2000], traceback=text[:CELL_OUTPUT])
        return reply

    def describe(self, name: str) -> dict[str, Any]:
        from .channel import ChannelError, encode

        if name not in self.shell.user_ns:
            return {"kind": "missing"}
        value = self.shell.user_ns[name]
        if callable(value):
            return {"kind": "function"}
        try:
            return {"kind": "value", "value": encode(value)}
        except ChannelError as error:
            return {"kind": "unsupported", "why": str(error)[:2000]}

    def call(self, message: dict[str, Any]) -> dict[str, Any]:
        from .channel import ChannelError, decode, encode, error_reply

        function = self.shell.user_ns.get(str(message.get("name")))
        if not callable(function):
            return {"error": {"type": "NameError", "message": f"{message.get('name')!r} is not a function here"}}
        printed = _Capped(0)  # what an answer prints while tested is not shown anywhere
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = printed
        try:
            args = decode(message.get("args", {"t": "tuple", "v": []}), self.stand_in)
            kwargs = decode(message.get("kwargs", {"t": "dict", "v": []}), self.stand_in)
            result = function(*args, **kwargs)
        except BaseException as error:  # noqa: BLE001 (SystemExit and KeyboardInterrupt too)
            return error_reply(error)
        finally:
            sys.stdout, sys.stderr = saved
            close_figures()
        try:
            return {"value": encode(result)}
        except ChannelError as error:
            return {"error": {"type": "TypeError", "message": str(error)}}

    def stand_in(self, handle: int) -> Any:
        """A function that asks the grader to call its function ``handle``."""
        from .channel import decode, encode, rebuilt_error

        def call_grader(*args: Any, **kwargs: Any) -> Any:
            reply = self.endpoint.request({"op": "callback", "handle": handle, "args": encode(args), "kwargs": encode(kwargs)})
            if "error" in reply:
                raise rebuilt_error(reply)
            return decode(reply.get("value"))

        return call_grader

    def loop(self) -> None:
        from .channel import read_message

        while True:
            try:
                message = read_message(self.endpoint.read_fd)
            except EOFError:
                return
            self.endpoint.answer(message)


def main(argv: list[str]) -> int:
    read_fd, write_fd = int(argv[0]), int(argv[1])
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # the learner's code reads nothing from the grader but the channel
    try:
        Worker(read_fd, write_fd).loop()
    except Exception:  # noqa: BLE001 (reported on stderr, which the grader keeps a little of)
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
