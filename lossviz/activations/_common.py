"""Shared plumbing of the activations: the input check and the chain rule.

Every activation reads its ``input`` through ``as_input`` (in its argument check) and
every gradient returns ``vjp(f'(x), grad_output)``, so the check and the chain rule live
here once (the stable primitives they build on are in ``lossviz._stable``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _reduction
from .._validate import as_float


def as_input(input: Any) -> np.ndarray:
    """``input`` as a float64 array (TypeError for non-numbers, warning for NaN/inf)."""
    return as_float("input", input)


def input_only(input: Any) -> tuple[np.ndarray]:
    """The argument check of an activation without options."""
    return (as_input(input),)


PLAIN_PARAMETERS = """
    Parameters
    ----------
    input : array_like
        Real numbers of any shape.

    Returns
    -------
    ndarray
        ``input``'s shape.

    Raises
    ------
    TypeError
        If ``input`` is not an array of real numbers.
"""


def document_plain(*functions: Any) -> None:
    """Write the one description of an option-less activation's argument into each docstring
    (at its ``{plain}`` mark), rather than a copy per function."""
    for function in functions:
        function.__doc__ = function.__doc__.replace("{plain}", PLAIN_PARAMETERS)


def keep_nan(x: np.ndarray, derivative: np.ndarray) -> np.ndarray:
    """``derivative``, NaN where ``x`` is NaN: a NaN input has no derivative, and NaN stays
    NaN. Piecewise derivatives need it, since a comparison with NaN picks a piece; torch's
    kernels disagree among themselves there (and between their vectorised and scalar paths)."""
    return np.where(np.isnan(x), np.nan, derivative)


def vjp(derivative: np.ndarray, grad_output: Any) -> np.ndarray:
    """Chain rule of an element-wise f: ``grad_output * f'(x)``; ``f'(x)`` itself if None.

    ``grad_output`` must have the output's shape (a reduction of ``"none"``).
    """
    return _reduction.pull_back(derivative, grad_output, "none")
