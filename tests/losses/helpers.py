"""Helpers shared by the loss tests: torch's reductions, a grad_output-weighted gradcheck,
and the inputs (shapes, logits with planted extremes, targets) the classification tests draw.

Plain functions and constants, imported by the test modules (fixtures live in conftest).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from lossviz.check import gradcheck

# Classification tolerance: rtol 1e-10, with entries below ATOL judged absolutely (to
# ATOL * rtol): gradients such as ``softmax * sum(coef) - coef`` or ``sigmoid(x) - y``
# can cancel to a rounding residue whose *relative* difference from torch's means nothing.
ATOL = 1e-6
EXAMPLES = 25

REDUCTIONS = ("none", "mean", "sum")
# Input shapes per "shape kind": (C,), (N, C), (N, C, d1, d2).
CLASS_SHAPES = {"C": (4,), "NC": (5, 4), "NCdd": (3, 4, 2, 3)}


def logits(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """Normal logits with the extremes planted: +1e4 and -1e4 in the first entries."""
    x = 2.0 * np.random.default_rng(seed).standard_normal(shape)
    flat = x.reshape(-1)
    flat[: min(2, flat.size)] = [1e4, -1e4][: min(2, flat.size)]
    return x


def class_shapes(shape: tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
    """(C, index-target shape) for an input shape, torch's class dim being 1 (0 if 1-d)."""
    axis = 0 if len(shape) == 1 else 1
    return shape[axis], shape[:axis] + shape[axis + 1 :]


IGNORE_CASES = ("none", "some", "real-class", "all")


def index_target(shape: tuple[int, ...], case: str, seed: int) -> tuple[np.ndarray, int]:
    """Index targets and the ignore_index for one of IGNORE_CASES.

    "some": a few targets are -100 (torch's default); "real-class": ignore_index=1 is a
    valid class, so its samples drop out; "all": every target ignored (mean is NaN).
    """
    num_classes, target_shape = class_shapes(shape)
    rng = np.random.default_rng(seed)
    target = rng.integers(0, num_classes, target_shape)
    ignore_index = 1 if case == "real-class" else -100
    if case == "some":
        target.reshape(-1)[::3] = -100
    elif case == "all":
        target = np.full(target_shape, ignore_index)
    return target, ignore_index


BINARY_SHAPES = {"N": (6,), "NC": (4, 3), "NCd": (2, 3, 4)}


def probs_with_extremes(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """Uniform probabilities with exact 0 and 1 planted in the first entries."""
    p = np.random.default_rng(seed).uniform(0, 1, shape)
    p.reshape(-1)[:4] = [0.0, 1.0, 0.0, 1.0][: min(4, p.size)]
    return p


def binary_target(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """0/1 labels with soft labels mixed in; starts 0, 1, 1, 0 so every (p, y) corner occurs."""
    rng = np.random.default_rng(seed)
    y = np.where(rng.uniform(size=shape) < 0.5, rng.integers(0, 2, shape).astype(float), rng.uniform(size=shape))
    y.reshape(-1)[:4] = [0.0, 1.0, 1.0, 0.0][: min(4, y.size)]
    return y


LOGIT = st.one_of(st.floats(-5, 5), st.sampled_from([-1e4, 1e4, 0.0]))
PROBABILITY = st.one_of(st.floats(0, 1), st.sampled_from([0.0, 1.0]))
WEIGHT = st.floats(0.1, 3.0)


def arrays(draw: Any, elements: st.SearchStrategy, shape: tuple[int, ...]) -> np.ndarray:
    return np.array(draw(st.lists(elements, min_size=int(np.prod(shape)), max_size=int(np.prod(shape)))), dtype=float).reshape(shape)


@st.composite
def class_shape(draw: Any) -> tuple[int, ...]:
    """(C,), (N, C) or (N, C, d1, ..., dk) with small sizes; C may be 1."""
    num_classes = draw(st.integers(1, 5))
    kind = draw(st.sampled_from(["C", "NC", "NCd"]))
    if kind == "C":
        return (num_classes,)
    batch = draw(st.integers(1, 4))
    extra = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2))) if kind == "NCd" else ()
    return (batch, num_classes, *extra)


def torch_reduce(losses: Any, reduction: str) -> Any:
    """torch's ``reduction`` applied to a tensor of per-element losses."""
    return {"none": losses, "mean": losses.mean(), "sum": losses.sum()}[reduction]


def check_vjp(function: Any, x: np.ndarray, *args: Any, seed: int = 0, **kwargs: Any) -> None:
    """gradcheck of <g, loss(x)> for a random g, so .grad's grad_output path is checked too."""
    g = np.random.default_rng(seed).standard_normal(np.shape(function(x, *args, reduction="none", **kwargs)))
    gradcheck(
        lambda z: np.sum(g * function(z, *args, reduction="none", **kwargs)),
        x,
        lambda z: function.grad(z, *args, reduction="none", grad_output=g, **kwargs),
    )
