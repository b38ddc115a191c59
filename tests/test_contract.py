"""Every registered loss and activation keeps the DESIGN.md contract.

Names, argument names and defaults follow torch wherever torch has the function: a learner
who knows lossviz knows torch. Checked against the installed torch, not against a list.
"""

from __future__ import annotations

import ast
import inspect

import pytest

from lossviz.activations import REGISTRY as ACTIVATIONS
from lossviz.check import resolve_torch
from lossviz.losses import REGISTRY as LOSSES

FUNCTIONS = {**{f"loss:{k}": v for k, v in LOSSES.items()}, **{f"activation:{k}": v for k, v in ACTIVATIONS.items()}}
# torch arguments that lossviz deliberately leaves out: deprecated or device/in-place details.
NOT_MIRRORED = {"size_average", "reduce", "inplace", "_stacklevel", "dtype", "out", "training", "generator"}


def torch_parameters(path: str) -> dict[str, object]:
    """Argument name -> default of a torch function (``inspect.Parameter.empty`` if none).

    C builtins (gelu, softplus, prelu, ...) carry no Python signature; their docstrings
    open with one, e.g. ``softplus(input, beta=1, threshold=20) -> Tensor``, so parse that.
    """
    function = resolve_torch(path)
    try:
        return {name: p.default for name, p in inspect.signature(function).parameters.items()}
    except (ValueError, TypeError):
        header = function.__doc__.strip().splitlines()[0]
        arguments = ast.parse(f"def f{header[header.index('('):header.index(')') + 1]}: pass").body[0].args
        defaults = [inspect.Parameter.empty] * (len(arguments.args) - len(arguments.defaults))
        defaults += [ast.literal_eval(default) for default in arguments.defaults]
        return {argument.arg: default for argument, default in zip(arguments.args, defaults)}


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
    theirs = {name: default for name, default in torch_parameters(function.torch).items() if name not in NOT_MIRRORED}
    ours = {name: p.default for name, p in inspect.signature(function.forward).parameters.items()}
    assert list(ours) == list(theirs)
    assert ours == theirs
