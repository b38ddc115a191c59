"""The accuracy, cost and speed benchmarks compute what they claim (no timings asserted here)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import fd_accuracy, functions, gradcheck_cost
from lossviz.check import gradcheck


def test_fd_accuracy_meets_its_targets(capsys):
    assert fd_accuracy.main() == 0
    out = capsys.readouterr().out
    assert "central float64" in out and "met" in out and "NOT MET" not in out
    table = fd_accuracy.table()
    for row in table.values():
        assert row[("central", "float64")] <= 1e-9 and row[("complex", "float64")] <= 1e-13
        # float32 is orders of magnitude worse: the reason checks run in float64
        assert row[("central", "float32")] > 100 * row[("central", "float64")]
    for row in fd_accuracy.at_default_step().values():
        assert row["central"] <= 1e-9 and row["complex"] <= 1e-14 and row["forward"] <= 1e-6


def _same_function_in_torch(name, x, f, grad, f_torch):
    torch = pytest.importorskip("torch")
    x_t = torch.tensor(x, requires_grad=True)
    value = f_torch(x_t)
    assert float(value.detach()) == pytest.approx(f(x), rel=1e-12), name
    (autograd,) = torch.autograd.grad(value, x_t)
    np.testing.assert_allclose(grad(x), autograd.numpy(), rtol=1e-10, atol=1e-15, err_msg=name)
    gradcheck(f, x, grad)


def test_speed_benchmark_compares_the_same_function():
    speed = pytest.importorskip("benchmarks.gradcheck_speed")
    for case in speed.cases(200):
        _same_function_in_torch(*case)


def test_the_three_kinds_are_the_same_functions_in_torch():
    for name, case in functions.three_kinds(300).items():
        _same_function_in_torch(name, *case)
    # the log-sum-exp's gradient is tiny next to f, as its description says
    x, f, grad, _ = functions.three_kinds(2000)["log-sum-exp"]
    assert grad(x).min() < 1e-8 * f(x) and f(x) > 10


def test_the_cost_benchmark_counts_every_evaluation():
    x, f, grad, _ = functions.three_kinds(100)["softplus"]
    evaluations, seconds, floor = gradcheck_cost.measure(f, x, grad, repeats=1)
    assert 2 * 100 <= evaluations <= 1.5 * 2 * 100 and seconds > 0 and floor > 0
    # the floor is time spent inside f during that same check: never more than the check
    assert floor <= seconds


def test_the_fast_benchmark_hands_torch_the_gradient_it_is_given():
    torch = pytest.importorskip("torch")
    fast = pytest.importorskip("benchmarks.gradcheck_fast")
    x, f, grad, f_torch = functions.three_kinds(50)["mse_loss"]
    x_t = torch.tensor(x, requires_grad=True)
    (given,) = torch.autograd.grad(fast.with_gradient(f_torch, lambda v: 3 * grad(v))(x_t), x_t)
    np.testing.assert_allclose(given.numpy(), 3 * grad(x), rtol=1e-15)
    assert fast.torch_fast(fast.with_gradient(f_torch, grad), x)
    assert not fast.torch_fast(fast.with_gradient(f_torch, lambda v: -grad(v)), x)
