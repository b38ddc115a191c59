"""Every registered loss and activation keeps the DESIGN.md contract.

Names, argument names and defaults follow torch wherever torch has the function: a learner
who knows lossviz knows torch. Checked against the installed torch, not against a list.
"""

from __future__ import annotations

import inspect

import pytest

from lossviz.activations import REGISTRY as ACTIVATIONS
from lossviz.check import resolve_torch
from lossviz.losses import REGISTRY as LOSSES

FUNCTIONS = {**{f"loss:{k}": v for k, v in LOSSES.items()}, **{f"activation:{k}": v for k, v in ACTIVATIONS.items()}}
# torch arguments that lossviz deliberately leaves out: deprecated or device/in-place details.
NOT_MIRRORED = {"size_average", "reduce", "inplace", "_stacklevel", "dtype", "out", "training", "generator"}


def torch_signature(path: str) -> inspect.Signature | None:
    if not path.startswith("torch."):
        return None  # torchvision is not importable beside the CPU torch wheel
    try:
        return inspect.signature(resolve_torch(path))
    except (ValueError, TypeError):  # C builtins such as torch.sigmoid carry no signature
        return None


@pytest.mark.parametrize("key", sorted(FUNCTIONS))
def test_carries_formula_torch_path_docstring_and_gradient(key):
    function = FUNCTIONS[key]
    assert isinstance(function.formula, str) and function.formula.strip()
    assert function.torch is None or function.torch.startswith(("torch.", "torchvision."))
    assert function.__doc__ and len(function.__doc__.strip()) > 40
    assert function._grad is not None, f"{function.name} has no analytic gradient"
    parameters = inspect.signature(function.forward).parameters
    assert set(function.wrt) <= set(parameters), f"wrt names {function.wrt} are not arguments"
    grad_parameters = inspect.signature(function._grad).parameters
    assert "grad_output" in grad_parameters
    assert list(parameters) == [name for name in grad_parameters if name != "grad_output"]


@pytest.mark.parametrize("key", sorted(k for k, f in FUNCTIONS.items() if f.torch and f.torch.startswith("torch.")))
def test_name_and_arguments_match_torch(key):
    function = FUNCTIONS[key]
    assert function.torch.rsplit(".", 1)[1] == function.name
    resolve_torch(function.torch)  # the path exists in the installed torch
    theirs = torch_signature(function.torch)
    if theirs is None:
        pytest.skip(f"{function.torch} has no Python signature to compare")
    ours = inspect.signature(function.forward).parameters
    expected = [name for name in theirs.parameters if name not in NOT_MIRRORED]
    assert list(ours) == expected
    for name in expected:
        assert ours[name].default == theirs.parameters[name].default, f"default of {name}"
