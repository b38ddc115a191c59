"""The grader's stand-ins for a learner's objects and classes, which stay in the sandbox.

An exercise may ask for a class: a scalar autograd ``Value`` whose instances combine with
``+`` and ``*`` and have a ``backward()`` method. Its tests create instances, combine them
and read attributes. None of the learner's code may run in the grader, so the grader holds
*stand-ins*:

- ``RemoteClass``: the metaclass of the grader's stand-in for a learner's class. Calling it
  creates the instance in the sandbox, and ``isinstance(x, Value)`` holds for a stand-in
  of any instance of that class.
- ``RemoteObject``: the base of every stand-in instance. Each attribute read or write,
  method call, arithmetic operator (``x * y``, ``2 * x``, ``-x``), ``len``, ``bool``,
  ``repr``, ``float``, iteration and indexing is one request to the sandbox, where the
  learner's object does it. What comes back is plain data or another stand-in.

Stand-ins exist only in a notebook whose instructor's answer cell defines a class: there,
the learner's classes and the objects they make cross as handles; everywhere else only
plain data crosses (``Session.objects_allowed``). One sandbox object has one stand-in, so
``is`` behaves as in the sandbox. Comparisons are not sent: ``==`` and ``!=`` are identity
in the grader, ``<`` and the others raise TypeError, so a learner's object never sees what
a test compares it with. A special method the learner's class lacks behaves as in Python: the
other operand is tried, then ``TypeError``. When a sandbox is stopped and a new one
re-runs the learner's cells, the stand-in of a class bound to an answer's name finds the
class again by that name; a stand-in of an instance refuses every use.

What a stand-in returns is the learner's to decide: a test should compare numbers (the
``.data`` and ``.grad`` of a ``Value``) with its own code, never trust ``bool`` of an
object or the result of an operator it computes with the test's expected value.
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["RemoteClass", "RemoteObject", "link", "relink", "stand_in", "stand_in_class"]


def link(thing: Any) -> tuple[Any, tuple[int, int]]:
    """(session, (handle, generation)) of a stand-in class or instance. (A class keeps its
    own under another name than its instances' slot, which it would otherwise shadow.)"""
    if isinstance(thing, RemoteClass):
        return type.__getattribute__(thing, "_lossviz_class_link")
    return object.__getattribute__(thing, "_lossviz_link")


def stand_in_class(session: Any, ref: tuple[int, int], name: str) -> RemoteClass:
    cls = RemoteClass(name, (RemoteObject,), {"__slots__": (), "__module__": "learner", "__qualname__": name})
    relink(cls, session, ref)
    type.__setattr__(cls, "_lossviz_global", None)  # the answer name it is bound to, if any
    return cls


def relink(cls: RemoteClass, session: Any, ref: tuple[int, int]) -> None:
    """Point a class's stand-in at ``ref`` (the same class, in a restarted sandbox)."""
    type.__setattr__(cls, "_lossviz_class_link", (session, ref))


def stand_in(session: Any, ref: tuple[int, int], cls: RemoteClass) -> RemoteObject:
    made = object.__new__(cls)
    object.__setattr__(made, "_lossviz_link", (session, ref))
    return made


class RemoteClass(type):
    """Metaclass of the grader's stand-ins for a learner's classes."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        session, _ = link(cls)
        return session.use(cls, "call", "__call__", args, kwargs)

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        session, _ = link(cls)
        return session.use(cls, "getattr", name)

    def __repr__(cls) -> str:
        return f"<the learner's class {cls.__name__}>"


class RemoteObject:
    """Base of the grader's stand-ins for a learner's objects (see the module)."""

    __slots__ = ("_lossviz_link",)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        session, _ = link(self)
        return session.use(self, "getattr", name)

    def __setattr__(self, name: str, value: Any) -> None:
        session, _ = link(self)
        session.use(self, "setattr", name, value)

    def _builtin(self, name: str, *args: Any) -> Any:
        session, _ = link(self)
        return session.use(self, "builtin", name, args)

    def __bool__(self) -> bool:
        return _typed(self._builtin("bool"), bool, "bool")

    def __len__(self) -> int:
        return _typed(self._builtin("len"), int, "len")

    # Comparisons stay in the grader. Sent to the learner's object, ``answer == expected``
    # would show it the test's expected value and let it say True. ``==`` is identity (one
    # stand-in per sandbox object); ``<`` and the others are not supported.
    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return _typed(self._builtin("repr"), str, "repr")[:1000]

    def __str__(self) -> str:
        return _typed(self._builtin("str"), str, "str")[:1000]

    def __format__(self, spec: str) -> str:
        return _typed(self._builtin("format", spec), str, "format")[:1000]

    def __float__(self) -> float:
        return float(_typed(self._builtin("float"), float, "float"))

    def __int__(self) -> int:
        return _typed(self._builtin("int"), int, "int")

    def __iter__(self) -> Any:
        return iter(_typed(self._builtin("list"), list, "list"))


def _typed(value: Any, kind: type, what: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool) and what != "bool"):
        raise TypeError(f"{what}() of the learner's object gave a {type(value).__name__}, not a {kind.__name__}")
    return value


def _method(name: str, missing: Callable[[str, Any], Any]) -> Callable[..., Any]:
    def forward(self: RemoteObject, *args: Any, **kwargs: Any) -> Any:
        session, _ = link(self)
        result = session.use(self, "call", name, args, kwargs, missing=_MISSING)
        return missing(name, self) if result is _MISSING else result

    forward.__name__ = name
    return forward


_MISSING = object()


def _not_implemented(name: str, self: Any) -> Any:
    return NotImplemented


def _type_error(name: str, self: Any) -> Any:
    raise TypeError(f"the learner's {type(self).__name__} has no {name}")


# Operators: a missing one gives NotImplemented, so Python tries the other operand.
for _op in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor", "lshift", "rshift"):
    for _name in (f"__{_op}__", f"__r{_op}__", f"__i{_op}__"):
        setattr(RemoteObject, _name, _method(_name, _not_implemented))
# Unary operators, calls and containers: a missing one is a TypeError.
for _name in ("__neg__", "__pos__", "__abs__", "__invert__", "__call__", "__getitem__", "__setitem__",
              "__delitem__", "__contains__", "__round__"):
    setattr(RemoteObject, _name, _method(_name, _type_error))
del _op, _name
