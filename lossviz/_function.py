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

One path for the arguments: a call and a ``.grad`` call both bind their arguments to
the forward's signature (so ``.grad`` has the forward's defaults, whatever the gradient
function declares) and, when the function has an argument check (``@f.arguments``), pass
them through it once. The forward and the gradient then receive the checked values by
name, so the two cannot disagree about what is valid.
"""

from __future__ import annotations

import functools
import inspect
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
        self.signature = inspect.signature(forward)
        self._grad: Callable[..., Any] | None = None
        self._check: Callable[..., tuple[Any, ...]] | None = None
        self.grad = self._vjp()

    @property
    def name(self) -> str:
        return self.forward.__name__

    def checked(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The call's arguments by name, the forward's defaults filled in, after the check."""
        bound = self.signature.bind(*args, **kwargs)
        bound.apply_defaults()
        values = bound.arguments
        if self._check is None:
            return dict(values)
        result = self._check(**values)
        if not isinstance(result, tuple) or len(result) != len(values):
            raise TypeError(f"{self.name}'s argument check must return one value per argument {tuple(values)}")
        return dict(zip(values, result))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(**self.checked(*args, **kwargs))

    def _vjp(self) -> Callable[..., Any]:
        """``.grad``: with the forward's signature plus ``grad_output``, for help() and tab completion."""

        def grad(*args: Any, grad_output: Any = None, **kwargs: Any) -> Any:
            if self._grad is None:
                raise NotImplementedError(f"{self.name} has no analytic gradient yet")
            return self._grad(**self.checked(*args, **kwargs), grad_output=grad_output)

        output = inspect.Parameter("grad_output", inspect.Parameter.KEYWORD_ONLY, default=None)
        grad.__signature__ = self.signature.replace(
            parameters=[*self.signature.parameters.values(), output], return_annotation=inspect.Signature.empty
        )
        grad.__name__ = grad.__qualname__ = f"{self.name}.grad"
        grad.__doc__ = (
            f"Vector-Jacobian product of {self.name} w.r.t. {', '.join(self.wrt)}: ``grad_output`` "
            "(default: ones of the output's shape) times d(output)/d(argument)."
        )
        return grad

    def gradient(self, grad: Callable[..., Any]) -> Callable[..., Any]:
        """Decorator that attaches the analytic gradient.

        It takes the forward's arguments by name (checked, when there is a check) and
        the keyword ``grad_output``.
        """
        self._grad = grad
        return grad

    def arguments(self, check: Callable[..., tuple[Any, ...]]) -> Callable[..., tuple[Any, ...]]:
        """Decorator that attaches the one argument check of the forward and the gradient.

        It takes the forward's arguments by name (defaults filled in) and returns their
        checked values (float arrays, validated options, ...) as a tuple in the forward's
        argument order; it raises for anything invalid, naming the argument.
        """
        self._check = check
        return check

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
