"""The narrow channel between the trusted grader and a learner's sandboxed code.

Only plain data crosses it, as JSON: ``None``, booleans, integers, floats (NaN and
infinities included), complex numbers, strings, numpy arrays and scalars of boolean,
integer, float or complex dtype, and lists, tuples and string-keyed dicts of those. Never
a pickle, never an object with methods: what arrives is rebuilt from these types alone, so
whatever the sending side did to its own interpreter, the receiving side gets numbers.

A function cannot cross. When the grader passes a function to a learner's answer (a test
calling ``central_difference(np.sin, x, h)``), the function stays in the grader and the
answer receives a stand-in that asks the grader to call it, again with plain data only.
Neither can an object: when an answer is a class (a ``Value`` with operators and
``backward()``), its instances stay in the sandbox and the grader holds handles to them
(``lossviz.coursework.remote``), whose every use is a request to the sandbox.

Messages are framed as an 8-byte length and a JSON body, and a body longer than
``MAX_MESSAGE`` bytes is refused before it is read.

Examples
--------
>>> import numpy as np
>>> wire = encode((np.array([1.5, np.nan]), 2, "mean"))
>>> decode(wire)
(array([1.5, nan]), 2, 'mean')
>>> decode(encode(np.float32(0.5))).dtype
dtype('float32')
"""

from __future__ import annotations

import base64
import json
import math
import os
import select
import struct
import time
from typing import Any, Callable

import numpy as np

__all__ = [
    "AnswerError",
    "ChannelError",
    "Endpoint",
    "MAX_MESSAGE",
    "decode",
    "encode",
    "error_reply",
    "rebuilt_error",
    "read_message",
    "write_message",
]

MAX_MESSAGE = 64 * 2**20  # bytes of one message: a float64 array of 8 million entries
MAX_DEPTH = 32  # nesting of lists, tuples and dicts
MAX_DIMS = 32
# Little-endian (or byte-order free) dtypes of the kinds b, i, u, f, c: nothing with objects.
DTYPES = frozenset(
    ["|b1", "|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "<f2", "<f4", "<f8", "<c8", "<c16"]
)
_HEADER = struct.Struct(">Q")


class ChannelError(Exception):
    """A value that cannot cross the channel, or a message that breaks its rules."""


class AnswerError(Exception):
    """An exception raised on the other side whose type is not one of Python's built-in
    exceptions; the message starts with the type's name."""


# Exceptions re-raised as themselves: a test may expect, say, a ValueError from an answer.
_BUILT_IN = {
    error.__name__: error
    for error in (
        ArithmeticError, AssertionError, AttributeError, FloatingPointError, IndexError, KeyError,
        LookupError, MemoryError, NameError, NotImplementedError, OverflowError, RecursionError,
        RuntimeError, TimeoutError, TypeError, ValueError, ZeroDivisionError,
    )
}
MESSAGE_TEXT = 2000  # characters of an error message that cross


def error_reply(error: BaseException) -> dict[str, Any]:
    """The reply that reports ``error`` (its type's name and message, shortened)."""
    return {"error": {"type": type(error).__name__[:100], "message": str(error)[:MESSAGE_TEXT]}}


def rebuilt_error(reply: dict[str, Any]) -> Exception:
    """The exception an ``error_reply`` reports: a built-in type by name, else AnswerError.

    >>> rebuilt_error({"error": {"type": "ValueError", "message": "x < 0"}})
    ValueError('x < 0')
    >>> rebuilt_error({"error": {"type": "SystemExit", "message": "1"}})
    AnswerError('SystemExit: 1')
    """
    error = reply.get("error")
    error = error if isinstance(error, dict) else {}
    name, message = str(error.get("type", "Error"))[:100], str(error.get("message", ""))[:MESSAGE_TEXT]
    if name in _BUILT_IN:
        return _BUILT_IN[name](message)
    return AnswerError(f"{name}: {message}" if message else name)


# --------------------------------------------------------------------------- values


def _float(value: float) -> Any:
    return value if math.isfinite(value) else {"t": "float", "v": repr(value)}


def _array(value: np.ndarray) -> dict[str, Any]:
    if value.dtype.kind not in "biufc" or value.dtype.fields is not None:
        raise ChannelError(f"arrays of dtype {value.dtype} cannot cross (numbers only)")
    little = np.asarray(value, dtype=value.dtype.newbyteorder("<"), order="C")  # keeps 0-d arrays 0-d
    return {"dtype": little.dtype.str, "shape": list(little.shape), "b64": base64.b64encode(little.tobytes()).decode()}


def encode(
    value: Any,
    callback: Callable[[Callable[..., Any]], int] | None = None,
    other: Callable[[Any], dict[str, Any] | None] | None = None,
    _depth: int = 0,
) -> Any:
    """``value`` as JSON-ready data. ``callback(f)`` gives the handle of a function ``f``;
    ``other(value)`` may tag any other value (an object that crosses by handle), or return
    None. Without them, anything but plain data raises ChannelError."""
    if _depth > MAX_DEPTH:
        raise ChannelError(f"values nested deeper than {MAX_DEPTH} levels cannot cross")
    deeper = _depth + 1
    if value is None or isinstance(value, (bool, str)):
        return value
    if value is NotImplemented:
        return {"t": "notimplemented"}
    if isinstance(value, np.ndarray):
        return {"t": "array", **_array(value)}
    if isinstance(value, np.generic):
        return {"t": "scalar", **_array(np.asarray(value))}
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _float(float(value))
    if isinstance(value, complex):
        return {"t": "complex", "re": _float(value.real), "im": _float(value.imag)}
    if isinstance(value, list):
        return [encode(item, callback, other, deeper) for item in value]
    if isinstance(value, tuple):
        return {"t": "tuple", "v": [encode(item, callback, other, deeper) for item in value]}
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise ChannelError("a dict cannot cross unless all its keys are strings")
        return {"t": "dict", "v": [[key, encode(item, callback, other, deeper)] for key, item in value.items()]}
    tagged = other(value) if other is not None else None
    if tagged is not None:
        return tagged
    if callable(value) and callback is not None:
        return {"t": "callback", "id": callback(value)}
    raise ChannelError(
        f"a {type(value).__module__}.{type(value).__qualname__} cannot cross: answers take and return "
        "numbers, strings, numpy arrays, and lists, tuples and dicts of them"
    )


def _decoded_float(data: Any) -> float:
    if isinstance(data, dict) and data.get("t") == "float" and data.get("v") in ("nan", "inf", "-inf"):
        return float(data["v"])
    if isinstance(data, (int, float)) and not isinstance(data, bool):
        return float(data)
    raise ChannelError(f"not a float: {str(data)[:80]}")


def _decoded_array(data: dict[str, Any]) -> np.ndarray:
    dtype, shape, b64 = data.get("dtype"), data.get("shape"), data.get("b64")
    if dtype not in DTYPES:
        raise ChannelError(f"dtype {str(dtype)[:40]!r} cannot cross")
    if not (isinstance(shape, list) and len(shape) <= MAX_DIMS and all(type(n) is int and n >= 0 for n in shape)):
        raise ChannelError("an array's shape must be a list of non-negative integers")
    if not isinstance(b64, str):
        raise ChannelError("an array's data must be base64 text")
    try:
        raw = base64.b64decode(b64, validate=True)
    except ValueError as error:
        raise ChannelError(f"an array's data is not base64: {error}") from None
    dtype = np.dtype(dtype)
    if len(raw) != math.prod(shape) * dtype.itemsize:
        raise ChannelError("an array's data does not match its shape and dtype")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))


def decode(
    data: Any,
    callback: Callable[[int], Callable[..., Any]] | None = None,
    other: Callable[[dict[str, Any]], Any] | None = None,
    _depth: int = 0,
) -> Any:
    """The value ``data`` encodes, built from plain types only. ``callback(id)`` makes the
    stand-in of a function handle, ``other(data)`` the value of an object handle; without
    them such handles are refused."""
    if _depth > MAX_DEPTH:
        raise ChannelError(f"values nested deeper than {MAX_DEPTH} levels cannot cross")
    deeper = _depth + 1
    if data is None or isinstance(data, (bool, int, str)):
        return data
    if isinstance(data, float):
        return data
    if isinstance(data, list):
        return [decode(item, callback, other, deeper) for item in data]
    if not isinstance(data, dict):
        raise ChannelError(f"unexpected {type(data).__name__}")
    tag = data.get("t")
    if tag == "float":
        return _decoded_float(data)
    if tag == "complex":
        return complex(_decoded_float(data.get("re")), _decoded_float(data.get("im")))
    if tag == "array":
        return _decoded_array(data)
    if tag == "scalar":
        array = _decoded_array(data)
        if array.shape != ():
            raise ChannelError("a scalar must have shape ()")
        return array[()]
    if tag == "tuple" and isinstance(data.get("v"), list):
        return tuple(decode(item, callback, other, deeper) for item in data["v"])
    if tag == "dict" and isinstance(data.get("v"), list):
        items = data["v"]
        if not all(isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) for item in items):
            raise ChannelError("a dict must be a list of [string key, value] pairs")
        return {key: decode(item, callback, other, deeper) for key, item in items}
    if tag == "notimplemented":
        return NotImplemented
    if tag == "callback" and callback is not None and type(data.get("id")) is int:
        return callback(data["id"])
    if tag == "object" and other is not None and type(data.get("id")) is int:
        return other(data)
    raise ChannelError(f"unexpected value {json.dumps(data)[:80]}")


# --------------------------------------------------------------------------- framing


def _no_constants(name: str) -> Any:
    raise ChannelError(f"{name} is not JSON (non-finite floats are sent tagged)")


def write_message(fd: int, message: dict[str, Any]) -> None:
    """Send one message (a JSON object) on file descriptor ``fd``."""
    body = json.dumps(message, allow_nan=False, separators=(",", ":")).encode()
    if len(body) > MAX_MESSAGE:
        raise ChannelError(f"a message of {len(body)} bytes is over the limit of {MAX_MESSAGE}")
    view = memoryview(_HEADER.pack(len(body)) + body)
    while view:
        view = view[os.write(fd, view):]


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    chunks, left = [], size
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise TimeoutError("no answer before the time limit")
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the channel")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_message(fd: int, deadline: float | None = None) -> dict[str, Any]:
    """Receive one message from ``fd``; ``deadline`` is a ``time.monotonic()`` time.

    Raises TimeoutError past the deadline, EOFError when the writer is gone and
    ChannelError for a message that is too long or not a JSON object.
    """
    (size,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size, deadline))
    if size > MAX_MESSAGE:
        raise ChannelError(f"a message of {size} bytes is over the limit of {MAX_MESSAGE}")
    body = _read_exactly(fd, size, deadline)
    try:
        message = json.loads(body, parse_constant=_no_constants)
    except (ValueError, RecursionError) as error:
        raise ChannelError(f"a message is not JSON: {str(error)[:200]}") from None
    if not isinstance(message, dict):
        raise ChannelError("a message must be a JSON object")
    return message


class Endpoint:
    """One side of the channel: numbered requests, replies, and requests served while a
    reply is awaited (a callback asked for in the middle of a call).

    ``serve(message)`` answers an incoming request with a dict that becomes the reply.
    """

    def __init__(self, read_fd: int, write_fd: int, serve: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        self.read_fd, self.write_fd, self.serve = read_fd, write_fd, serve
        self._next = 0

    def request(self, message: dict[str, Any], deadline: float | None = None) -> dict[str, Any]:
        """Send ``message`` and return its reply, serving the other side's requests meanwhile."""
        self._next += 1
        number = self._next
        write_message(self.write_fd, {**message, "id": number})
        while True:
            incoming = read_message(self.read_fd, deadline)
            if "reply" in incoming:
                if incoming["reply"] != number:
                    raise ChannelError(f"a reply to request {str(incoming['reply'])[:20]} came while {number} was awaited")
                return incoming
            self.answer(incoming)

    def answer(self, incoming: dict[str, Any]) -> None:
        """Serve one request and send its reply."""
        if type(incoming.get("id")) is not int or not isinstance(incoming.get("op"), str):
            raise ChannelError("a request needs an integer id and an op")
        write_message(self.write_fd, {**self.serve(incoming), "reply": incoming["id"]})
