"""Runs inside the sandbox: executes a learner's cells and answers the grader's calls.

Started as ``python -m lossviz.coursework._inside READ_FD WRITE_FD``. Everything here is in
the learner's reach (their cells run in this interpreter and may change any of it), so it
decides nothing: it only relays. The grader decodes every reply as plain data and runs
every test itself.

Requests (see ``lossviz.coursework.channel``):

- ``run``: run one cell's source; reply ``ok`` or the error (name, message, traceback)
  and the first few kilobytes the cell printed.
- ``names``: for each name, whether the learner's namespace holds a function, a value
  (sent as data, or as a handle when it is an object or a class) or nothing.
- ``call``: call the learner's function ``name``, or the method ``name`` of the object
  ``object``, with decoded arguments; reply with the encoded result or the error. A
  function argument arrives as a handle: calling the stand-in sends a ``callback`` request
  back to the grader. A special method the object's class lacks replies ``missing``.
- ``getattr``, ``setattr``: an attribute of an object.
- ``builtin``: ``bool``, ``len``, ``repr``, ``str``, ``format``, ``float``, ``int`` or
  ``list`` of an object.

Objects (anything but plain data) stay here: replies carry a handle and the object's
class's handle; the grader's stand-ins send their operations back by handle.
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


BUILTINS = {"bool": bool, "len": len, "repr": repr, "str": str, "format": format, "float": float,
            "int": int, "list": list}


class Worker:
    def __init__(self, read_fd: int, write_fd: int) -> None:
        from ._shell import make_shell
        from .channel import Endpoint

        self.shell = make_shell()
        self.endpoint = Endpoint(read_fd, write_fd, self.serve)
        self.objects: dict[int, Any] = {}  # handle -> object (kept alive, so ids stay unique)
        self.handles: dict[int, int] = {}  # id(object) -> handle

    # ------------------------------------------------------------------ objects by handle

    def export(self, value: Any) -> dict[str, Any]:
        """The handle of an object that is not plain data (the same object, the same handle)."""
        handle = self.handles.get(id(value))
        if handle is None or self.objects.get(handle) is not value:
            handle = len(self.objects) + 1
            self.objects[handle], self.handles[id(value)] = value, handle
        tagged = {"t": "object", "id": handle, "name": str(getattr(type(value), "__name__", "object"))[:100]}
        if isinstance(value, type):
            tagged.update(is_class=True, class_name=str(value.__name__)[:100])
        else:
            tagged["class"] = self.export(type(value))["id"]
        return tagged

    def imported(self, data: dict[str, Any]) -> Any:
        from .channel import ChannelError

        if data["id"] not in self.objects:
            raise ChannelError(f"no object with handle {data['id']}")
        return self.objects[data["id"]]

    def encode(self, value: Any) -> Any:
        from .channel import encode

        return encode(value, other=self.export)

    def decode(self, data: Any) -> Any:
        from .channel import decode

        return decode(data, self.stand_in, self.imported)

    def target(self, message: dict[str, Any]) -> Any:
        return self.objects[message["object"]] if "object" in message else None

    # ------------------------------------------------------------------ requests

    def serve(self, message: dict[str, Any]) -> dict[str, Any]:
        from .channel import error_reply

        op = message["op"]
        if op == "run":
            return self.run(str(message.get("source", "")))
        if op == "names":
            return {"names": {str(name): self.describe(str(name)) for name in message.get("names", [])}}
        handlers = {"call": self.call, "getattr": self.get, "setattr": self.set, "builtin": self.builtin}
        if op not in handlers:
            return {"error": {"type": "ValueError", "message": f"unknown request {op!r}"}}
        printed = _Capped(0)  # what an answer prints while tested is not shown anywhere
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = printed
        try:
            result = handlers[op](message)
            return result if isinstance(result, dict) and "missing" in result else {"value": self.encode(result)}
        except BaseException as error:  # noqa: BLE001 (SystemExit and KeyboardInterrupt too)
            return error_reply(error)
        finally:
            sys.stdout, sys.stderr = saved
            close_figures()

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
        from .channel import ChannelError

        if name not in self.shell.user_ns:
            return {"kind": "missing"}
        value = self.shell.user_ns[name]
        if callable(value) and not isinstance(value, type):
            return {"kind": "function"}
        try:
            return {"kind": "value", "value": self.encode(value)}
        except ChannelError as error:
            return {"kind": "unsupported", "why": str(error)[:2000]}

    def call(self, message: dict[str, Any]) -> Any:
        name = str(message.get("name"))
        owner = self.target(message)
        if owner is None:
            function = self.shell.user_ns.get(name)
            if not callable(function):
                raise NameError(f"{name!r} is not a function here")
        elif name.startswith("__") and name.endswith("__"):
            # Python looks special methods up on the class; one the class lacks is "missing"
            # (the grader then does what Python does: try the other operand, or TypeError).
            method = getattr(type(owner), name, None)
            if method is None:
                return {"missing": True}
            function = method.__get__(owner, type(owner)) if hasattr(method, "__get__") else method
        else:
            function = getattr(owner, name)
        args = self.decode(message.get("args", {"t": "tuple", "v": []}))
        kwargs = self.decode(message.get("kwargs", {"t": "dict", "v": []}))
        return function(*args, **kwargs)

    def get(self, message: dict[str, Any]) -> Any:
        return getattr(self.target(message), str(message.get("name")))

    def set(self, message: dict[str, Any]) -> None:
        setattr(self.target(message), str(message.get("name")), self.decode(message.get("value")))

    def builtin(self, message: dict[str, Any]) -> Any:
        function = BUILTINS[str(message.get("name"))]
        return function(self.target(message), *self.decode(message.get("args", {"t": "tuple", "v": []})))

    def stand_in(self, handle: int) -> Any:
        """A function that asks the grader to call its function ``handle``."""
        from .channel import rebuilt_error

        def call_grader(*args: Any, **kwargs: Any) -> Any:
            reply = self.endpoint.request({"op": "callback", "handle": handle, "args": self.encode(args), "kwargs": self.encode(kwargs)})
            if "error" in reply:
                raise rebuilt_error(reply)
            return self.decode(reply.get("value"))

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
