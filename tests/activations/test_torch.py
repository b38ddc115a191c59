"""Every activation against torch autograd in float64: values and vector-Jacobian products.

Hypothesis draws shapes, options and inputs that mix ordinary values with the extremes
+-1e4, +-1e2 and with inputs EXACTLY on each kink; a second test pins the kinks (and
their float64 neighbours) deterministically and states the derivative chosen there.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from lossviz._validate import NonFiniteInputWarning
from lossviz.activations import REGISTRY

from .cases import CASES, EXTREMES, RTOL, atol_for, torch_function

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")  # no overflow, no 0/0


def test_cases_cover_every_activation():
    assert set(CASES) == set(REGISTRY)


def _compare(matches_torch, name: str, x: np.ndarray, *args, **kwargs):
    return matches_torch(
        REGISTRY[name],
        x,
        *args,
        torch_function=torch_function(name),
        rtol=RTOL.get(name, 1e-10),
        atol=atol_for(name, x),
        **kwargs,
    )


@pytest.mark.parametrize("name", sorted(REGISTRY))
@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_matches_torch_in_value_and_gradient(name, data, matches_torch):
    shape = data.draw(array_shapes(min_dims=1 if name == "glu" else 0, max_dims=3, max_side=4), label="shape")
    call = CASES[name](data.draw, shape)
    if name == "glu":  # the halved dim must have even size
        dim = call.kwargs["dim"] % len(shape)
        shape = shape[:dim] + (2 * data.draw(st.integers(1, 2)),) + shape[dim + 1 :]
    values = st.sampled_from(EXTREMES + call.kinks) | st.floats(-60, 60)
    x = data.draw(arrays(np.float64, shape, elements=values), label="input")
    _compare(matches_torch, name, x, *call.args, **call.kwargs)


# name -> (extra positional arguments, options, {kink: derivative there}). The derivative
# at each kink is torch's (recorded by running torch 2.13's autograd on these points, and
# re-checked against torch below), written out so the choice is visible.
KINKS = {
    "relu": ((), {}, {0.0: 0.0}),
    "relu6": ((), {}, {0.0: 0.0, 6.0: 0.0}),
    "leaky_relu": ((), {"negative_slope": 0.2}, {0.0: 0.2}),
    "prelu": ((np.array([0.25]),), {}, {0.0: 0.25}),
    "rrelu": ((), {}, {0.0: (1 / 8 + 1 / 3) / 2}),
    "elu": ((), {"alpha": 2.0}, {0.0: 2.0}),
    "selu": ((), {}, {0.0: 1.6732632423543772 * 1.0507009873554805}),
    "celu": ((), {"alpha": 2.0}, {0.0: 1.0}),
    "hardtanh": ((), {"min_val": -2.0, "max_val": 0.5}, {-2.0: 0.0, 0.5: 0.0}),
    "hardsigmoid": ((), {}, {-3.0: 0.0, 3.0: 0.0}),
    "hardswish": ((), {}, {-3.0: 0.0, 3.0: 1.0}),
    "threshold": ((), {"threshold": 1.5, "value": -1.0}, {1.5: 0.0}),
    "softshrink": ((), {"lambd": 0.5}, {-0.5: 0.0, 0.5: 0.0}),
    "hardshrink": ((), {"lambd": 0.5}, {-0.5: 0.0, 0.5: 0.0}),
    "softplus": ((), {"beta": 2.0, "threshold": 10.0}, {5.0: 1 / (1 + np.exp(-10.0))}),
    "softsign": ((), {}, {0.0: 1.0}),
}


@pytest.mark.parametrize("name", sorted(KINKS))
def test_derivative_at_each_kink_is_torchs(name, matches_torch):
    args, options, expected = KINKS[name]
    kinks = np.array(list(expected))
    function = REGISTRY[name]
    grad = function.grad(kinks, *args, **options)
    if name == "prelu":
        grad = grad[0]
    np.testing.assert_allclose(grad, list(expected.values()), rtol=1e-15, atol=0)
    # the kinks, their float64 neighbours on both sides and the extremes, all against torch
    around = np.concatenate([kinks, np.nextafter(kinks, -np.inf), np.nextafter(kinks, np.inf), EXTREMES])
    _compare(matches_torch, name, around, *args, **options)
    _compare(matches_torch, name, around, *args, **options, grad_output=np.ones_like(around))


def _nan_call(name: str) -> tuple[np.ndarray, tuple, dict]:
    """NaN among ordinary values, with options that put ordinary values on every piece."""
    x = np.array([np.nan, -2.0, -0.25, 0.0, 0.3, 1.5, 7.0, np.nan])
    args = (np.array([0.25]),) if name == "prelu" else ()
    kwargs = {"threshold": 0.5, "value": -1.0} if name == "threshold" else {}
    kwargs.update({"dim": 0} if name in ("softmax", "log_softmax", "softmin", "glu") else {})
    return x, args, kwargs


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_nan_stays_nan_forwards_as_in_torch_and_backwards(name):
    """Forwards NaN stays NaN, as torch's (threshold, softshrink and hardshrink once made it
    a number); backwards a NaN input has no derivative: NaN (torch's kernels pick a piece
    there by a comparison, differently in different kernels and CPU paths)."""
    import torch

    from lossviz.check import resolve_torch

    x, args, kwargs = _nan_call(name)
    function = REGISTRY[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonFiniteInputWarning)  # the NaN is the point here
        value = function(x, *args, **kwargs)
        grad = function.grad(x, *args, **kwargs)
    grad = grad[0] if name == "prelu" else grad
    theirs = (torch_function(name) or resolve_torch(function.torch))(torch.tensor(x), *map(torch.tensor, args), **kwargs)
    np.testing.assert_array_equal(np.isnan(value), np.isnan(theirs.numpy()))
    if name in ("softmax", "log_softmax", "softmin"):  # a NaN spreads over its slice
        assert np.isnan(value).all() and np.isnan(grad).all()
    elif name == "glu":  # a NaN gate has no derivative; a NaN in the linear half still has sigma(b)
        assert np.isnan(grad[-1]) and grad[0] == pytest.approx(1 / (1 + np.exp(-x[4])), rel=1e-15)
    else:
        assert np.isnan(value[[0, -1]]).all() and np.isfinite(value[1:-1]).all()
        assert np.isnan(grad[[0, -1]]).all() and np.isfinite(grad[1:-1]).all()


@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0), (2, 0, 4)], ids=str)
@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_a_dimension_of_size_0_gives_torchs_empty_result(name, shape, matches_torch):
    for dim in range(len(shape)):
        x = np.zeros(shape)
        assert REGISTRY[name](x, dim=dim).shape == shape
        assert REGISTRY[name].grad(x, dim=dim).shape == shape
        _compare(matches_torch, name, x, dim=dim)
