"""Shared plumbing of the activations: argument checks, the chain rule, stable primitives.

Every activation reads its ``input`` through ``as_input`` and every element-wise
gradient returns ``vjp(f'(x), grad_output)``, so the checks and the chain rule live here
once; so do the overflow-free sigmoid, sech^2 and softplus several modules build on.
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


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) without overflow: exp of a non-positive number only."""
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))


def sech2(x: np.ndarray) -> np.ndarray:
    """1 - tanh(x)**2 as 4 e^{-2|x|} / (1 + e^{-2|x|})**2: accurate where tanh rounds to +-1."""
    z = np.exp(-2 * np.abs(x))
    return 4 * z / (1 + z) ** 2


def softplus(x: np.ndarray) -> np.ndarray:
    """log(1 + e^x) as max(x, 0) + log1p(e^{-|x|}): no overflow, no log(1) rounding."""
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
