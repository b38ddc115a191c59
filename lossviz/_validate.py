"""Argument checks shared by losses and activations.

Every check runs before any arithmetic and raises an error whose message names the
argument and says what was expected, so a learner sees *which* input is wrong.
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import Any

import numpy as np

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


class NonFiniteInputWarning(RuntimeWarning):
    """An input holds NaN or inf; the result will carry it."""


def outside_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning point at the first caller outside lossviz.

    For ``warnings.warn`` called in the function that calls this one: however many
    lossviz frames (a ``Function``, its argument check, a helper) lie in between, the
    warning names the learner's line.
    """
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level


def _array(name: str, value: Any) -> np.ndarray:
    """``value`` as a numpy array; what numpy would take wrongly is refused by name.

    A numpy masked array would lose its mask (numpy's functions see every entry), and a
    torch tensor that requires grad cannot become an array at all; both get an error
    that says what to pass instead.
    """
    if isinstance(value, np.ma.MaskedArray):
        raise TypeError(
            f"{name} is a numpy masked array, whose mask lossviz would ignore: pass "
            f"{name}.filled(value) or {name}.compressed() (only the entries you mean)"
        )
    if getattr(value, "requires_grad", False) and hasattr(value, "detach"):
        raise TypeError(
            f"{name} is a torch tensor that requires grad: pass {name}.detach() "
            "(lossviz computes its own gradients, with .grad)"
        )
    try:
        return np.asarray(value)
    except Exception as error:  # ragged lists and the like
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}") from error


def as_float(name: str, value: Any) -> np.ndarray:
    """``value`` as a float64 array; TypeError for non-numbers, a warning for NaN/inf."""
    array = _array(name, value)
    if array.dtype == bool or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise TypeError(f"{name} must be an array of real numbers, got dtype {array.dtype}")
    array = array.astype(np.float64, copy=False)
    if not np.isfinite(array).all():
        warnings.warn(f"{name} contains NaN or inf", NonFiniteInputWarning, stacklevel=outside_stacklevel())
    return array


def as_index(name: str, value: Any, num_classes: int, ignore_index: int | None = None) -> np.ndarray:
    """Class indices as int64 in ``[0, num_classes)`` (``ignore_index`` entries allowed)."""
    array = _array(name, value)
    if not np.issubdtype(array.dtype, np.integer) or array.dtype == bool:
        raise TypeError(
            f"{name} must hold integer class indices, got dtype {array.dtype} "
            "(for class probabilities pass a float array of the input's shape)"
        )
    array = array.astype(np.int64, copy=False)
    valid = array if ignore_index is None else array[array != ignore_index]
    if valid.size and (valid.min() < 0 or valid.max() >= num_classes):
        raise ValueError(
            f"{name} holds class index {valid.min() if valid.min() < 0 else valid.max()}, "
            f"outside [0, {num_classes})"
        )
    return array


def same_shape(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{name_b} must have the shape of {name_a} {a.shape}, got {b.shape}")


def broadcast(*named: tuple[str, np.ndarray]) -> tuple[int, ...]:
    """The shape the named arrays broadcast to, as torch broadcasts them; else name the first misfit."""
    (first_name, first), *rest = named
    shape, names = first.shape, first_name
    for name, array in rest:
        try:
            shape = np.broadcast_shapes(shape, array.shape)
        except ValueError:
            raise ValueError(f"{name} of shape {array.shape} does not broadcast against {names} {shape}") from None
        names = f"{names} and {name}"
    return shape


def probabilities(name: str, array: np.ndarray) -> np.ndarray:
    """Check every entry lies in [0, 1] (NaN passes through to the NaN warning)."""
    if np.any((array < 0) | (array > 1)):
        raise ValueError(f"{name} must hold probabilities in [0, 1], got values in [{np.nanmin(array)}, {np.nanmax(array)}]")
    return array


def _real_scalar(name: str, value: Any) -> None:
    if isinstance(value, bool) or not np.isscalar(value) or not np.isreal(value):
        raise TypeError(f"{name} must be a real number, got {value!r}")


def real(name: str, value: Any) -> float:
    """Any real scalar option (a slope, a margin, ``alpha``, ...); not NaN."""
    return in_range(name, value, -np.inf, np.inf)


def positive(name: str, value: Any, *, allow_zero: bool = False) -> float:
    """A real scalar > 0 (or >= 0 with ``allow_zero``)."""
    _real_scalar(name, value)
    if value < 0 or (value == 0 and not allow_zero) or np.isnan(value):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value}")
    return float(value)


def in_range(name: str, value: Any, low: float, high: float) -> float:
    """A real scalar in the closed interval [low, high]."""
    _real_scalar(name, value)
    if not low <= value <= high:
        raise ValueError(f"{name} must lie in [{low}, {high}], got {value}")
    return float(value)


def flag(name: str, value: Any) -> bool:
    """True or False (numpy's bools too), nothing else."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def one_of(name: str, value: Any, choices: tuple[Any, ...]) -> Any:
    if isinstance(value, np.ndarray) or value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")
    return value


def axis(name: str, dim: int, ndim: int) -> int:
    """A torch-style ``dim`` (negative counts from the end) as a non-negative axis."""
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {dim!r}")
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise ValueError(f"{name}={dim} is out of range for an input with {ndim} dimensions")
    return int(dim) % max(ndim, 1)
