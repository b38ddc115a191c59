"""``torchcheck``: a lossviz function's value and ``.grad`` against torch autograd.

torch is imported inside the functions, so ``import lossviz.check`` does not load it.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ._errors import TorchMismatchError

__all__ = ["TorchReport", "resolve_torch", "torchcheck"]


@dataclass
class TorchReport:
    """Result of ``torchcheck``: the largest relative differences from torch."""

    name: str
    value_error: float
    grad_errors: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        grads = ", ".join(f"d/d{name} {error:.1e}" for name, error in self.grad_errors.items())
        return f"{self.name} matches torch: value {self.value_error:.1e}, {grads} (max relative difference)"

    __repr__ = __str__


TorchReport.__module__ = "lossviz.check"


def relative_difference(ours: Any, theirs: Any, atol: float) -> float:
    """max |ours - theirs| / max(|ours|, |theirs|, atol), broadcast; equal values (NaN
    beside NaN included) differ by 0, and a NaN beside a number by inf."""
    ours, theirs = np.broadcast_arrays(np.asarray(ours, np.float64), np.asarray(theirs, np.float64))
    same = (ours == theirs) | (np.isnan(ours) & np.isnan(theirs))
    difference = np.where(same, 0.0, np.abs(ours - theirs))
    size = np.maximum(np.maximum(np.abs(ours), np.abs(theirs)), atol)
    with np.errstate(invalid="ignore"):
        error = np.where(same, 0.0, difference / np.where(size > 0, size, 1))
    return float(np.max(error, initial=0.0)) if np.all(np.isfinite(error)) else float("inf")


def resolve_torch(path: str) -> Callable[..., Any]:
    """The torch/torchvision callable at a dotted path such as ``torch.nn.functional.mse_loss``.

    Examples
    --------
    >>> from lossviz.check import resolve_torch
    >>> resolve_torch("torch.nn.functional.mse_loss").__name__
    'mse_loss'
    """
    module_name, _, attribute = path.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def _tensors(function: Any, bound: inspect.BoundArguments) -> dict[str, Any]:
    """Float arrays as float64 tensors (requiring grad if named in ``function.wrt``),
    integer arrays as int64 tensors; anything else is passed to torch as it is."""
    import torch

    tensors: dict[str, Any] = {}
    for name, value in bound.arguments.items():
        if isinstance(value, (np.ndarray, list)) or (isinstance(value, (float, int)) and name in function.wrt):
            array = np.asarray(value)
            if np.issubdtype(array.dtype, np.integer) and name not in function.wrt:
                tensors[name] = torch.as_tensor(array, dtype=torch.int64)
            else:
                tensors[name] = torch.tensor(array, dtype=torch.float64, requires_grad=name in function.wrt)
    return tensors


def torchcheck(
    function: Any,
    *args: Any,
    torch_function: Callable[..., Any] | None = None,
    grad_output: Any = None,
    rtol: float = 1e-10,
    atol: float = 1e-300,
    seed: int = 0,
    **kwargs: Any,
) -> TorchReport:
    """Compare a lossviz ``Function``'s value and ``.grad`` with torch autograd in float64.

    ``grad_output`` defaults to a seeded random array of the output's shape, so every
    entry of the vector-Jacobian product is exercised. Where torch's graph does not use an
    input (autograd returns no gradient for it), its gradient is taken as zeros.

    Parameters
    ----------
    function : lossviz Function
        A loss or activation (``.torch`` names its counterpart, ``.wrt`` the arguments
        ``.grad`` differentiates).
    *args, **kwargs
        The arguments, as for ``function`` (and passed to torch the same way: positional
        stays positional). Float arrays become float64 tensors, those named in
        ``function.wrt`` requiring grad; integer arrays become int64 tensors.
    torch_function : callable, optional
        The torch counterpart; by default ``resolve_torch(function.torch)``.
    grad_output : array_like, optional
        The upstream gradient; by default standard normal (``seed``) of the output's shape.
    rtol : float, default 1e-10
        Largest relative difference accepted (0 asks for equality).
    atol : float, default 1e-300
        The magnitude below which differences count as absolute.
    seed : int, default 0

    Returns
    -------
    TorchReport
        The largest relative differences of the value and of each gradient.

    Raises
    ------
    TorchMismatchError
        The value, a gradient or a gradient's shape differs from torch's (an
        ``AssertionError``; the message names which, by how much, and both arrays).

    Examples
    --------
    >>> import numpy as np
    >>> from lossviz.check import torchcheck
    >>> from lossviz.losses import mse_loss
    >>> torchcheck(mse_loss, np.array([0.5, 2.0]), np.array([1.0, 1.0]), rtol=0.0)
    mse_loss matches torch: value 0.0e+00, d/dinput 0.0e+00 (max relative difference)
    """
    import torch

    torch_function = torch_function or resolve_torch(function.torch)
    bound = inspect.signature(function.forward).bind(*args, **kwargs)
    tensors = _tensors(function, bound)
    ours = np.asarray(function(*args, **kwargs), dtype=np.float64)
    # Call torch the way the caller called lossviz: positional stays positional, keyword
    # stays keyword (torch keeps deprecated arguments such as size_average in its
    # positional slots, so re-binding everything positionally would shift them).
    positional_names = list(bound.arguments)[: len(args)]
    torch_args = [tensors.get(name, value) for name, value in zip(positional_names, args)]
    torch_kwargs = {name: tensors.get(name, value) for name, value in kwargs.items()}
    theirs = torch_function(*torch_args, **torch_kwargs)
    if grad_output is None:
        grad_output = np.random.default_rng(seed).standard_normal(ours.shape)
    grad_output = np.asarray(grad_output, dtype=np.float64)
    report = TorchReport(function.name, relative_difference(ours, theirs.detach().numpy(), atol))
    if report.value_error > rtol:
        raise TorchMismatchError(
            f"{function.name}: value differs from torch by {report.value_error:.2e} relative\n"
            f"ours  ={ours}\ntorch={theirs.detach().numpy()}"
        )
    wrt = [name for name in function.wrt if name in tensors]
    torch_grads = torch.autograd.grad(theirs, [tensors[name] for name in wrt], torch.as_tensor(grad_output), allow_unused=True)
    our_grads = function.grad(*args, grad_output=grad_output, **kwargs)
    if len(function.wrt) == 1:
        our_grads = (our_grads,)
    for name, mine, reference in zip(wrt, our_grads, torch_grads):
        # torch gives None for an input its graph does not use: the gradient there is 0
        reference = np.zeros(np.shape(mine)) if reference is None else reference.numpy()
        if np.shape(mine) != np.shape(reference):
            raise TorchMismatchError(f"{function.name}: d/d{name} has shape {np.shape(mine)}, torch's {np.shape(reference)}")
        report.grad_errors[name] = error = relative_difference(mine, reference, atol)
        if error > rtol:
            raise TorchMismatchError(
                f"{function.name}: d/d{name} differs from torch autograd by {error:.2e} relative\nours  ={mine}\ntorch={reference}"
            )
    return report
