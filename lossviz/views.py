"""Any loss or activation as a function of one scalar, with its derivative.

A loss takes arrays (a batch of predictions and targets, of logits and class labels, of
boxes); to draw it as a curve, all but one number must be held fixed. How that is done is
a *kind* of view (``KINDS``), and each loss names its kind where it is registered
(``@loss(..., view="box")``, stored as ``Function.view``), so that adding a loss never
edits this module or the plotting one. Activations are elementwise unless they say
otherwise.

This module is numbers only (no matplotlib): ``lossviz.plot`` draws what it returns and
``lossviz.widgets`` asks it again for every slider value.

Examples
--------
>>> from lossviz import views
>>> shown = views.view("huber_loss", target=0.5, delta=1.0)
>>> shown.xlabel
'prediction x'
>>> shown.value(np.array([0.5, 1.0, 3.5]))
array([0.   , 0.125, 2.5  ])
>>> shown.derivative(np.array([0.5, 1.0, 3.5]))
array([0. , 0.5, 1. ])
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from . import activations, losses

__all__ = [
    "View",
    "Kind",
    "KINDS",
    "FLAT_FRACTION",
    "GRID_POINTS",
    "kind_of",
    "view",
    "parameters",
    "viewable",
    "find_kinks",
    "flat_spans",
]

# Where the derivative is below this fraction of its largest magnitude, all the way to the
# edge of the grid, the function is flat: a sigmoid's saturation, ReLU's dead side, IoU
# without overlap. Plots shade those regions.
FLAT_FRACTION = 0.05

GRID_POINTS = 401


@dataclass(frozen=True)
class View:
    """A function of one scalar with its derivative, both mapping a grid (n,) to (n,).

    Attributes
    ----------
    label : str
        The function's name with the parameter values it is drawn at.
    xlabel : str
        What ``x`` is (a prediction, a logit, a box's shift...).
    x : ndarray of shape (GRID_POINTS,)
        The grid it is best drawn on.
    value, derivative : callable
        ``f(x)`` and ``f'(x)`` for an array ``x`` of any length.
    """

    label: str
    xlabel: str
    x: np.ndarray
    value: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Kind:
    """How a family of functions becomes a function of one scalar ``x``.

    Attributes
    ----------
    xlabel : str
        What ``x`` stands for.
    x : (float, float)
        The range of ``x`` worth drawing.
    target : (float, float) or tuple of int or None
        A (low, high) range for a real target, the allowed labels, or None (fixed).
    default_target : float
        The target drawn when none is given.
    arguments : callable
        ``arguments(x, target)`` builds the function's leading positional arguments.
    slope : callable
        Turns the gradient w.r.t. the first argument into ``d f / d x``.
    """

    xlabel: str
    x: tuple[float, float]
    target: tuple[float, float] | tuple[int, ...] | None
    default_target: float
    arguments: Callable[[np.ndarray, float], tuple[Any, ...]]
    slope: Callable[[np.ndarray], np.ndarray]

    @property
    def leading(self) -> int:
        """How many positional arguments the kind fills (the rest are parameters)."""
        return len(self.arguments(np.zeros(1), self.default_target))


def _elementwise(x: np.ndarray, target: float) -> tuple[Any, ...]:
    return (x,)


def _pointwise(x: np.ndarray, target: float) -> tuple[Any, ...]:
    return x, np.full_like(x, target)


def _ranking(x: np.ndarray, target: float) -> tuple[Any, ...]:
    return x, np.zeros_like(x), np.full_like(x, target)


def _first_class(x: np.ndarray, target: float) -> tuple[Any, ...]:
    """Three classes, the true class 0 has logit x, the others 0."""
    logits = np.zeros((x.size, 3))
    logits[:, 0] = x
    return logits, np.zeros(x.size, dtype=np.int64)


BOX_TARGET = np.array([0.0, 0.0, 2.0, 2.0])


def _shifted_box(x: np.ndarray, target: float) -> tuple[Any, ...]:
    """A 2x2 predicted box shifted right by x (and up by 0.5) against the 2x2 target box."""
    boxes = np.stack([x, np.full_like(x, 0.5), x + 2.0, np.full_like(x, 2.5)], axis=1)
    return boxes, np.broadcast_to(BOX_TARGET, boxes.shape).copy()


def _same(g: np.ndarray) -> np.ndarray:
    return g


KINDS: dict[str, Kind] = {
    "elementwise": Kind("x", (-7.0, 7.0), None, 0.0, _elementwise, _same),
    "regression": Kind("prediction x", (-4.0, 4.0), (-2.0, 2.0), 0.0, _pointwise, _same),
    "count": Kind("log rate x", (-3.0, 3.0), (0.0, 5.0), 1.0, _pointwise, _same),
    "logit": Kind("logit x", (-6.0, 6.0), (0.0, 1.0), 1.0, _pointwise, _same),
    # Not closer to 0 and 1: BCE's slope (p - y) / (p (1 - p)) grows without bound there.
    "probability": Kind("probability x", (0.01, 0.99), (0.0, 1.0), 1.0, _pointwise, _same),
    "log_probability": Kind("log-probability x", (-5.0, 0.0), (0.0, 1.0), 0.5, _pointwise, _same),
    "sign": Kind("score x", (-3.0, 3.0), (1, -1), 1.0, _pointwise, _same),
    "ranking": Kind("score difference x", (-3.0, 3.0), (1, -1), 1.0, _ranking, _same),
    "classes": Kind("logit of the true class x", (-6.0, 6.0), None, 0.0, _first_class, lambda g: g[:, 0]),
    "box": Kind("shift of the predicted box x", (-4.0, 4.0), None, 0.0, _shifted_box, lambda g: g[:, 0] + g[:, 2]),
}


def _resolve(function: Any) -> Any:
    if isinstance(function, str):
        for registry in (losses.REGISTRY, activations.REGISTRY):
            if function in registry:
                return registry[function]
        raise ValueError(f"function must be a registered loss or activation name, got {function!r}")
    if not callable(function):
        raise TypeError(f"function must be a Function or a registered name, got {type(function).__name__}")
    return function


def _name(function: Any) -> str:
    return getattr(function, "name", getattr(function, "__name__", "f"))


def kind_of(function: Any) -> Kind | None:
    """The kind of view ``function`` declared where it was registered, or None.

    Parameters
    ----------
    function : Function or str
        A registered loss or activation, or its name. A plain callable with ``.grad`` and
        no ``.view`` counts as elementwise.

    Returns
    -------
    Kind or None
        None when the function has no view as a function of one scalar.

    Raises
    ------
    ValueError
        For an unknown name, or a ``.view`` that is not a key of ``KINDS``.

    Examples
    --------
    >>> kind_of("giou_loss").xlabel
    'shift of the predicted box x'
    >>> kind_of("softmax") is None
    True
    """
    function = _resolve(function)
    name = getattr(function, "view", "elementwise")
    if name is None:
        return None
    if name not in KINDS:
        raise ValueError(f"{_name(function)}.view must be one of {sorted(KINDS)} or None, got {name!r}")
    return KINDS[name]


def _signature(function: Any) -> dict[str, inspect.Parameter]:
    forward = getattr(function, "forward", function)
    return dict(inspect.signature(forward).parameters)


def parameters(function: Any) -> dict[str, inspect.Parameter]:
    """The parameters a view leaves free: those after the arguments its kind fills.

    Parameters
    ----------
    function : Function or str
        A registered loss or activation with a view.

    Returns
    -------
    dict of str to inspect.Parameter
        In signature order (``reduction`` included; ``view`` sets it to ``"none"``).

    Raises
    ------
    ValueError
        When the function has no view.

    Examples
    --------
    >>> list(parameters("huber_loss"))
    ['reduction', 'delta', 'weight']
    >>> list(parameters("leaky_relu"))
    ['negative_slope']
    """
    function = _resolve(function)
    kind = kind_of(function)
    if kind is None:
        raise ValueError(f"{_name(function)} has no view as a function of one scalar")
    return dict(list(_signature(function).items())[kind.leading :])


def viewable(registry: Mapping[str, Any]) -> list[str]:
    """The names in ``registry`` that have a view, in the course's order of topics.

    Parameters
    ----------
    registry : mapping of str to Function
        ``lossviz.losses.REGISTRY`` or ``lossviz.activations.REGISTRY``.

    Returns
    -------
    list of str
        Losses sorted by ``lossviz.losses.TOPICS`` (stable: registration order within a
        topic); functions without a topic keep their registration order.

    Examples
    --------
    >>> names = viewable(losses.REGISTRY)
    >>> names[:4]
    ['mse_loss', 'l1_loss', 'smooth_l1_loss', 'huber_loss']
    >>> "triplet_margin_loss" in names
    False
    """
    names = [name for name, function in registry.items() if kind_of(function) is not None]

    def order(name: str) -> int:
        topic = getattr(registry[name], "topic", None)
        return losses.TOPICS.index(topic) if topic in losses.TOPICS else -1

    return sorted(names, key=order)


def _first_argument_grad(function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> np.ndarray:
    """The gradient w.r.t. the first argument, whatever else ``function.wrt`` holds."""
    grads = function.grad(*args, **kwargs)
    if len(getattr(function, "wrt", ("input",))) == 1:
        return np.asarray(grads)
    first = next(iter(_signature(function)))
    return np.asarray(grads[function.wrt.index(first)])


def _label(name: str, params: Mapping[str, Any]) -> str:
    shown = ", ".join(f"{key}={value:g}" if isinstance(value, (int, float)) else f"{key}={value!r}" for key, value in params.items())
    return f"{name}({shown})" if shown else name


def view(function: Any, *, target: float | None = None, **params: Any) -> View:
    """``function`` as a function of one scalar ``x``, with its derivative.

    Activations: ``x -> f(x, **params)``. Losses: ``x`` is the prediction (or logit, or
    box shift: see ``KINDS`` and the loss's ``.view``) for a fixed ``target``; the value is
    the per-element loss (``reduction="none"``) and the derivative its gradient w.r.t. ``x``.

    Parameters
    ----------
    function : Function or str
        A registered loss or activation, or its name.
    target : float, optional
        The target the loss is drawn against (default: its kind's ``default_target``);
        ignored by kinds whose target is fixed.
    **params
        The function's own parameters (``delta``, ``margin``, ``negative_slope``...).

    Returns
    -------
    View

    Raises
    ------
    ValueError
        For a function with no view (``softmax`` acts along a dimension,
        ``triplet_margin_loss`` needs three embeddings) or an unknown name.
    TypeError
        For a parameter the function does not take.

    Examples
    --------
    >>> shown = view("relu")
    >>> shown.value(np.array([-1.0, 2.0])), shown.derivative(np.array([-1.0, 2.0]))
    (array([0., 2.]), array([0., 1.]))
    >>> view("cross_entropy").value(np.array([0.0]))  # logits (0, 0, 0): log 3
    array([1.09861229])
    >>> view("softmax")
    Traceback (most recent call last):
    ...
    ValueError: softmax has no view as a function of one scalar (it acts along a dimension or on several arrays)
    """
    function = _resolve(function)
    kind = kind_of(function)
    name = _name(function)
    if kind is None:
        raise ValueError(f"{name} has no view as a function of one scalar (it acts along a dimension or on several arrays)")
    unknown = set(params) - set(list(_signature(function))[kind.leading :])
    if unknown:
        raise TypeError(f"{name} has no parameter {', '.join(sorted(unknown))}")
    target = kind.default_target if target is None else target
    if "reduction" in _signature(function):
        params = {**params, "reduction": "none"}

    def value(x: np.ndarray) -> np.ndarray:
        return np.asarray(function(*kind.arguments(np.asarray(x, dtype=np.float64), target), **params), dtype=np.float64)

    def derivative(x: np.ndarray) -> np.ndarray:
        args = kind.arguments(np.asarray(x, dtype=np.float64), target)
        return np.asarray(kind.slope(_first_argument_grad(function, args, params)), dtype=np.float64)

    shown = {key: val for key, val in params.items() if key != "reduction"}
    if kind.target is not None:
        shown = {"target": target, **shown}
    return View(_label(name, shown), kind.xlabel, np.linspace(*kind.x, GRID_POINTS), value, derivative)


def find_kinks(derivative: Callable[[np.ndarray], np.ndarray], x: np.ndarray, *, refine: int = 64) -> np.ndarray:
    """Where ``f'`` jumps (``f`` has a kink) between points of the grid ``x``.

    A step of the sampled derivative larger than 2% of its range is refined ``refine``
    times: a smooth derivative spreads the step over the sub-steps, a jump keeps it in one.

    Parameters
    ----------
    derivative : callable
        ``f'`` on an array.
    x : ndarray of shape (n,)
        An increasing grid.
    refine : int, default 64
        Sub-steps per suspicious interval.

    Returns
    -------
    ndarray
        The kinks' positions, to within ``(x[1] - x[0]) / refine``.

    Examples
    --------
    >>> find_kinks(np.sign, np.linspace(-1, 1, 11))  # |x| has its kink at 0
    array([0.])
    >>> find_kinks(np.cos, np.linspace(-1, 1, 11))  # sin is smooth
    array([], dtype=float64)
    """
    x = np.asarray(x, dtype=np.float64)
    dy = derivative(x)
    steps = np.abs(np.diff(dy))
    span = float(np.nanmax(dy) - np.nanmin(dy)) if dy.size else 0.0
    candidates = np.flatnonzero(steps > 0.02 * span) if span > 0 else np.array([], dtype=int)
    if candidates.size == 0:
        return np.array([])
    fractions = np.linspace(0.0, 1.0, refine + 1)
    fine = x[candidates, None] + (x[candidates + 1] - x[candidates])[:, None] * fractions
    fine_steps = np.abs(np.diff(derivative(fine.ravel()).reshape(fine.shape), axis=1))
    biggest = np.argmax(fine_steps, axis=1)
    rows = np.arange(candidates.size)
    is_jump = fine_steps[rows, biggest] > 0.5 * steps[candidates]
    positions = (fine[rows, biggest] + fine[rows, biggest + 1])[is_jump] / 2
    # A kink exactly on a grid point shows up in both neighbouring intervals: merge them.
    merged: list[list[float]] = []
    for position in positions:
        if merged and position - merged[-1][-1] <= 2 * (x[1] - x[0]):
            merged[-1].append(position)
        else:
            merged.append([position])
    return np.array([np.mean(group) for group in merged])


def flat_spans(x: np.ndarray, dy: np.ndarray, fraction: float = FLAT_FRACTION) -> list[tuple[float, float]]:
    """The regions touching either end of ``x`` where ``|f'| < fraction * max|f'|``.

    Parameters
    ----------
    x, dy : ndarray of shape (n,)
        A grid and the derivative on it.
    fraction : float, default FLAT_FRACTION

    Returns
    -------
    list of (float, float)
        At most two spans, each from an end of ``x`` to the last flat grid point.

    Raises
    ------
    ValueError
        When ``x`` and ``dy`` differ in shape.

    Examples
    --------
    >>> x = np.linspace(-3, 3, 7)
    >>> flat_spans(x, (x > 0).astype(float))  # ReLU's dead side
    [(-3.0, 0.0)]
    """
    x, magnitude = np.asarray(x, dtype=np.float64), np.abs(np.asarray(dy, dtype=np.float64))
    if x.shape != magnitude.shape or x.ndim != 1:
        raise ValueError(f"x and dy must be 1-D of one shape, got {x.shape} and {magnitude.shape}")
    largest = float(np.nanmax(magnitude)) if magnitude.size else 0.0
    if largest == 0:
        return []
    flat = magnitude < fraction * largest
    if flat.all():
        return [(float(x[0]), float(x[-1]))]
    spans = []
    if flat[0]:
        spans.append((float(x[0]), float(x[int(np.argmin(flat)) - 1])))  # up to the last flat point
    if flat[-1]:
        spans.append((float(x[x.size - int(np.argmin(flat[::-1]))]), float(x[-1])))
    return spans
