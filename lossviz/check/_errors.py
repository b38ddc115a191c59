"""The checks' exceptions: assertion errors whose message is the whole story.

In IPython and Jupyter an exception with ``_render_traceback_`` is shown as the lines it
returns instead of a traceback. A failing check in a learner's cell then shows the
learner's own lines that led to it and the check's message (the table of worst entries,
the wrong step, the entry that is off), not twenty frames of lossviz internals that the
learner did not write and cannot fix. Outside IPython nothing changes.
"""

from __future__ import annotations

import linecache
import os
import sysconfig
import traceback
from typing import Any

__all__ = ["CannotJudgeError", "DerivationError", "GradientCheckError", "NotCloseError", "TorchMismatchError"]

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Frames from these folders are machinery (lossviz, the standard library, installed
# packages such as IPython): the learner's code lives anywhere else.
_MACHINERY = tuple(
    os.path.join(os.path.abspath(path), "")
    for path in {_PACKAGE, *(sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib"))}
)


def _cell_name(filename: str) -> str | None:
    """IPython's name for a cell's code ("Cell In[5]"), if this file is a cell."""
    try:
        from IPython import get_ipython

        number = get_ipython().compile._filename_map.get(filename)  # noqa: SLF001 (no public API)
    except Exception:  # noqa: BLE001 (no IPython, no shell, another version: fall back)
        return None
    return None if number is None else f"Cell In[{number}]"


def _learner_frames(error: BaseException) -> list[str]:
    """One line per frame of the learner's code: where it is and the line of source."""
    lines = []
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        filename, function = frame.f_code.co_filename, frame.f_code.co_name
        if os.path.abspath(filename).startswith(_MACHINERY):
            continue
        place = f"{_cell_name(filename) or filename}, line {lineno}" + ("" if function == "<module>" else f", in {function}")
        source = linecache.getline(filename, lineno, frame.f_globals).strip()
        lines.append(f"{place}: {source}" if source else place)
    return lines


class _ShownWithoutTraceback(AssertionError):
    """An assertion error that IPython shows as the learner's lines and the message."""

    def _render_traceback_(self) -> list[str]:
        return [*_learner_frames(self), f"{type(self).__name__}: {self}"]


class GradientCheckError(_ShownWithoutTraceback):
    """Analytic and numeric gradients disagree; ``.report`` holds the details."""

    def __init__(self, report: Any) -> None:
        super().__init__(str(report))
        self.report = report


class CannotJudgeError(GradientCheckError):
    """gradcheck could not tell right from wrong at some entries: f's rounding noise (or
    its own noise) is as large as the differences it would judge. ``.report`` says which."""


class DerivationError(_ShownWithoutTraceback):
    """Two consecutive steps of a derivation are not equal."""


class NotCloseError(_ShownWithoutTraceback):
    """An answer (``assert_close``'s ``got``) differs from the expected value."""


class TorchMismatchError(_ShownWithoutTraceback):
    """A lossviz function's value or gradient differs from torch's."""


for _error in (CannotJudgeError, DerivationError, GradientCheckError, NotCloseError, TorchMismatchError):
    _error.__module__ = "lossviz.check"  # the name learners import and see
