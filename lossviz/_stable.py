"""Numerically stable primitives shared by losses and activations.

Each avoids the overflow or cancellation of its textbook form; they exist once so that a
loss built on softmax or sigmoid rounds exactly as the activation of the same name.
"""

from __future__ import annotations

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) without overflow: exp of a non-positive number only."""
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))


def softplus(x: np.ndarray) -> np.ndarray:
    """log(1 + e^x) as max(x, 0) + log1p(e^{-|x|}): no overflow, no log(1) rounding."""
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def log_sigmoid(x: np.ndarray) -> np.ndarray:
    """log sigmoid(x) = min(x, 0) - log1p(e^-|x|) = -softplus(-x), torch's stable form."""
    return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))


def sech2(x: np.ndarray) -> np.ndarray:
    """1 - tanh(x)**2 as 4 e^{-2|x|} / (1 + e^{-2|x|})**2: accurate where tanh rounds to +-1."""
    z = np.exp(-2 * np.abs(x))
    return 4 * z / (1 + z) ** 2


def log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """x - logsumexp(x) along ``axis``: shifting by the max keeps exp() in [0, 1].

    An empty ``x`` (a dimension of size 0) gives an empty result, as torch's does.
    """
    if x.size == 0:
        return np.array(x, dtype=np.float64)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """exp(x - max) / sum along ``axis``: every exponent <= 0, so no overflow (empty: empty)."""
    if x.size == 0:
        return np.array(x, dtype=np.float64)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
