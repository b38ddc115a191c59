"""Per-activation test cases: hypothesis strategies for the options and the exact kinks.

``CASES[name](draw, shape)`` draws the options of one call (extra positional arguments
and keyword arguments) for an input of ``shape`` and returns them with the points where
the activation's derivative jumps, so tests can put inputs EXACTLY on the kinks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from hypothesis import strategies as st

# Inputs torch must handle finitely; lossviz must give the same finite numbers.
EXTREMES = (1e4, -1e4, 1e2, -1e2, 0.0)

slopes = st.floats(-2, 2, allow_nan=False)
bounds = st.floats(-5, 5, allow_nan=False)
# celu: torch's backward divides by alpha in float32 (``1.0 / alpha.toFloat()`` in
# derivatives.yaml), so only alphas whose reciprocal is exact in float32 let its gradient be
# compared at 1e-10; test_celu_gradient_beats_torchs_float32_reciprocal covers the others.
# (A negative alpha makes exp(x / alpha) overflow at x = -1e4, in torch too.)
celu_alphas = st.sampled_from([0.25, 0.5, 1.0, 2.0, 4.0])


@dataclass
class Call:
    """One call's extra arguments, options and kinks (x values where f' jumps)."""

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    kinks: tuple[float, ...] = ()


def _no_options(kinks: tuple[float, ...] = ()) -> Callable[..., Call]:
    return lambda draw, shape: Call(kinks=kinks)


def _sorted_pair(draw: Any, names: tuple[str, str]) -> dict[str, float]:
    low, high = sorted((draw(bounds), draw(bounds)))
    return dict(zip(names, (low, high)))


def _dim(draw: Any, shape: tuple[int, ...]) -> dict[str, int]:
    ndim = max(len(shape), 1)
    return {"dim": draw(st.integers(-ndim, ndim - 1))}


def _prelu(draw: Any, shape: tuple[int, ...]) -> Call:
    channels = shape[1] if len(shape) >= 2 else 1
    size = draw(st.sampled_from(sorted({1, channels})))
    weight = np.array(draw(st.lists(slopes, min_size=size, max_size=size)))
    return Call(args=(weight,), kinks=(0.0,))


def _rrelu(draw: Any, shape: tuple[int, ...]) -> Call:
    return Call(kwargs=_sorted_pair(draw, ("lower", "upper")), kinks=(0.0,))


def _hardtanh(draw: Any, shape: tuple[int, ...]) -> Call:
    options = _sorted_pair(draw, ("min_val", "max_val"))
    return Call(kwargs=options, kinks=(options["min_val"], options["max_val"]))


def _threshold(draw: Any, shape: tuple[int, ...]) -> Call:
    options = {"threshold": draw(bounds), "value": draw(bounds)}
    return Call(kwargs=options, kinks=(options["threshold"],))


def _shrink(draw: Any, shape: tuple[int, ...]) -> Call:
    lambd = draw(st.floats(0, 3))
    return Call(kwargs={"lambd": lambd}, kinks=(-lambd, lambd))


def _softplus(draw: Any, shape: tuple[int, ...]) -> Call:
    # beta a power of two makes threshold / beta exact, so beta * kink == threshold exactly
    beta = draw(st.sampled_from([1.0, 2.0, 0.5, -1.0, -0.5]) | st.floats(0.1, 5))
    threshold = draw(st.floats(-20, 40))
    return Call(kwargs={"beta": beta, "threshold": threshold}, kinks=(threshold / beta,))


CASES: dict[str, Callable[[Any, tuple[int, ...]], Call]] = {
    "sigmoid": _no_options(),
    "tanh": _no_options(),
    "logsigmoid": _no_options(),
    "softsign": _no_options((0.0,)),
    "hardtanh": _hardtanh,
    "hardsigmoid": _no_options((-3.0, 3.0)),
    "tanhshrink": _no_options(),
    "relu": _no_options((0.0,)),
    "relu6": _no_options((0.0, 6.0)),
    "leaky_relu": lambda draw, shape: Call(kwargs={"negative_slope": draw(slopes)}, kinks=(0.0,)),
    "prelu": _prelu,
    "rrelu": _rrelu,
    "elu": lambda draw, shape: Call(kwargs={"alpha": draw(st.floats(-2, 3))}, kinks=(0.0,)),
    "selu": _no_options((0.0,)),
    "celu": lambda draw, shape: Call(kwargs={"alpha": draw(celu_alphas)}, kinks=(0.0,)),
    "threshold": _threshold,
    "softshrink": _shrink,
    "hardshrink": _shrink,
    "gelu": lambda draw, shape: Call(kwargs={"approximate": draw(st.sampled_from(["none", "tanh"]))}),
    "silu": _no_options(),
    "mish": _no_options(),
    "softplus": _softplus,
    "hardswish": _no_options((-3.0, 3.0)),
    "softmax": lambda draw, shape: Call(kwargs=_dim(draw, shape)),
    "log_softmax": lambda draw, shape: Call(kwargs=_dim(draw, shape)),
    "softmin": lambda draw, shape: Call(kwargs=_dim(draw, shape)),
    "glu": lambda draw, shape: Call(kwargs=_dim(draw, shape)),
}

# torch's own formula cancels for these: 1 - sigmoid(x) for x >> 0 (sigmoid, tanh),
# g_k - sum_j g_j p_j when one p_k ~ 1 (softmax family), 1 + erf(x) for x << 0 (gelu),
# x - tanh(x) near 0, 1 + x (1 - sigmoid(x)) near its root (silu, mish), ... So torch's
# result carries an ABSOLUTE error of a few eps times |grad_output| (times |x| for the
# second group), and the ulp differences between numpy's and torch's exp/tanh/erf show up
# there at more than 1e-10 relative. Entries smaller than 1e-4 (times max(1, |x|)) are
# compared absolutely, to 1e-14; every larger entry is still compared at 1e-10 relative.
CANCELLING_IN_TORCH = {"sigmoid", "tanh", "softmax", "log_softmax", "softmin"}
CANCELLING_IN_TORCH_TIMES_X = {"tanhshrink", "gelu", "silu", "mish", "glu"}


def atol_for(name: str, input: np.ndarray) -> float:
    """The magnitude floor for torchcheck (see CANCELLING_IN_TORCH); none otherwise."""
    if name in CANCELLING_IN_TORCH:
        return 1e-4
    if name in CANCELLING_IN_TORCH_TIMES_X:
        return 1e-4 * max(1.0, float(np.max(np.abs(input), initial=0.0)))
    return 1e-300


# hardsigmoid: torch's float64 backward multiplies by the float32 constant 1.0f/6.0f
# (0.1666666716..., 2.98e-8 relative off); lossviz returns the exact 1/6.
RTOL = {"hardsigmoid": 1e-7}


def torch_function(name: str) -> Callable[..., Any] | None:
    """torch callables whose arguments must be passed by keyword (torchcheck binds positionally)."""
    import torch.nn.functional as F

    if name == "gelu":
        return lambda input, approximate="none": F.gelu(input, approximate=approximate)
    return None
