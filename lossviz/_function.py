"""The object behind every loss and activation: a function with its analytic gradient.

A ``Function`` is called exactly like its torch counterpart and also carries

- ``.grad(*args, grad_output=None, **kwargs)``: the vector-Jacobian product with
  ``grad_output`` (default: ones of the output's shape) w.r.t. the arguments named in
  ``.wrt``; a single array when ``.wrt`` names one argument, else a tuple in that order;
- ``.formula``: the LaTeX of the definition;
- ``.torch``: the dotted path of the torch/torchvision counterpart, or ``None``;
- ``.wrt``: the names of the arguments ``.grad`` differentiates;
- ``.view``: how ``lossviz.views`` draws it as a function of one scalar (a key of
  ``lossviz.views.KINDS``, such as ``"regression"`` or ``"box"``), or ``None`` when it has
  no such view (a triplet of embeddings, a softmax along a dimension);
- ``.topic``: where the course treats it (a loss's entry of ``lossviz.losses.TOPICS``).
"""

from __future__ import annotations

import functools
from typing import Any, Callable


class Function:
    """A numpy function paired with its hand-derived gradient."""

    def __init__(
        self,
        forward: Callable[..., Any],
        *,
        formula: str,
        torch: str | None,
        wrt: tuple[str, ...] = ("input",),
        view: str | None = None,
        topic: str | None = None,
    ) -> None:
        functools.update_wrapper(self, forward)
        self.forward = forward
        self.formula = formula
        self.torch = torch
        self.wrt = wrt
        self.view = view
        self.topic = topic
        self._grad: Callable[..., Any] | None = None

    @property
    def name(self) -> str:
        return self.forward.__name__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def grad(self, *args: Any, grad_output: Any = None, **kwargs: Any) -> Any:
        """Vector-Jacobian product w.r.t. ``self.wrt`` (see the module docstring)."""
        if self._grad is None:
            raise NotImplementedError(f"{self.name} has no analytic gradient yet")
        return self._grad(*args, grad_output=grad_output, **kwargs)

    def gradient(self, grad: Callable[..., Any]) -> Callable[..., Any]:
        """Decorator that attaches the analytic gradient (keyword ``grad_output``)."""
        self._grad = grad
        return grad

    def __repr__(self) -> str:
        return f"<lossviz {self.name}: torch={self.torch!r}>"


_UNSET: Any = object()


def registrar(
    registry: dict[str, Function], *, view: str | None = None, topics: tuple[str, ...] | None = None
) -> Callable[..., Callable[[Callable[..., Any]], Function]]:
    """Make the decorator that wraps a forward function and records it in ``registry``.

    ``view``: the view a registration gets when it does not name one (activations are
    elementwise unless they say otherwise; a loss must say). ``topics``: when given, every
    registration names one of them as its ``topic``.
    """
    default_view = view

    def define(
        *,
        formula: str,
        torch: str | None,
        wrt: tuple[str, ...] = ("input",),
        view: str | None = _UNSET,
        topic: str | None = None,
    ) -> Callable[[Callable[..., Any]], Function]:
        if topics is not None and topic not in topics:
            raise ValueError(f"topic must be one of {topics}, got {topic!r}")
        chosen = default_view if view is _UNSET else view

        def wrap(forward: Callable[..., Any]) -> Function:
            function = Function(forward, formula=formula, torch=torch, wrt=wrt, view=chosen, topic=topic)
            if function.name in registry:
                raise ValueError(f"{function.name} is registered twice")
            registry[function.name] = function
            return function

        return wrap

    return define
