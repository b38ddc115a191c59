"""Shared plumbing of the activations: argument checks, the chain rule, stable primitives.

Every activation reads its ``input`` through ``as_input`` and every element-wise
gradient returns ``vjp(f'(x), grad_output)``, so the checks and the chain rule live here
once (the stable primitives they build on are in ``lossviz._stable``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_float, in_range, same_shape


def as_input(input: Any) -> np.ndarray:
    """``input`` as a float64 array (TypeError for non-numbers, warning for NaN/inf)."""
    return as_float("input", input)


def real(name: str, value: Any) -> float:
    """A real scalar option (``negative_slope``, ``alpha``, ...); TypeError otherwise."""
    return in_range(name, value, -np.inf, np.inf)


def upstream(output: np.ndarray, grad_output: Any) -> np.ndarray:
    """``grad_output`` checked against the output's shape; ones of that shape if None."""
    if grad_output is None:
        return np.ones_like(output)
    grad_output = as_float("grad_output", grad_output)
    same_shape("output", output, "grad_output", grad_output)
    return grad_output


def vjp(derivative: np.ndarray, grad_output: Any) -> np.ndarray:
    """Chain rule of an element-wise f: ``grad_output * f'(x)``; ``f'(x)`` itself if None."""
    return derivative if grad_output is None else upstream(derivative, grad_output) * derivative
