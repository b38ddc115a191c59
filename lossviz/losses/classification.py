"""Classification losses: cross entropy and its relatives, focal and Dice losses.

Conventions shared by the class-index losses (``cross_entropy``, ``nll_loss``,
``softmax_focal_loss``), exactly as ``torch.nn.functional``:

- shapes: ``input`` is ``(C,)``, ``(N, C)`` or ``(N, C, d1, ..., dk)``; the class dimension
  is 0 for a 1-d input and 1 otherwise. Index targets have the input's shape without the
  class dimension (``()``, ``(N,)``, ``(N, d1, ..., dk)``), probability targets the
  input's own shape. The per-sample loss (``reduction="none"``) has the target-index shape.
- every one of them is ``-sum_c coef_c * log p_c`` for a per-sample coefficient vector
  ``coef`` (the target distribution times the class weights), so one helper builds
  ``coef`` and one computes ``log p``; the gradient w.r.t. the logits is then
  ``p * sum_c coef_c - coef`` (``softmax - onehot`` without weights or smoothing).

Targets are probabilities in [0, 1] wherever torch's documentation says so; torch does
not check them, lossviz refuses others on purpose (each docstring says so): a target of
2 or -1 passed by mistake would otherwise give a loss that is not a cross entropy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _reduction
from .._stable import log_sigmoid, log_softmax, sigmoid
from .._validate import as_float, as_index, flag, in_range, one_of, positive, probabilities, same_shape
from ._registry import loss

__all__ = [
    "cross_entropy",
    "nll_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "kl_div",
    "multilabel_soft_margin_loss",
    "sigmoid_focal_loss",
    "softmax_focal_loss",
    "dice_loss",
]

# torch's binary_cross_entropy clamps each log at -100 so p = 0 or 1 gives a finite loss,
# and its backward divides by max(p (1 - p), 1e-12) so the gradient there is finite too.
# torch's 1e-12 is a C++ float constant: in float64 it is 9.99999996e-13, not 1e-12.
LOG_CLAMP = -100.0
BCE_GRAD_EPSILON = float(np.float32(1e-12))

_PROBABILITY_TARGETS = """
    Targets outside [0, 1] are refused (a ValueError naming the target): torch computes
    a number for them without a word, but it is not a cross entropy of anything."""


# --------------------------------------------------------------------------- shared helpers


def _class_axis(input: np.ndarray) -> int:
    """torch's class dimension: 0 for a 1-d input, else 1."""
    if input.ndim == 0:
        raise ValueError("input must have a class dimension: shape (C,), (N, C) or (N, C, d1, ...), got a scalar")
    return 0 if input.ndim == 1 else 1


def _class_vector(name: str, value: Any, num_classes: int, axis: int, ndim: int) -> np.ndarray:
    """A per-class array of shape (C,) (``weight``, ``alpha``), reshaped to broadcast along ``axis``."""
    array = as_float(name, value)
    if array.shape != (num_classes,):
        raise ValueError(f"{name} must hold one entry per class, shape ({num_classes},), got shape {array.shape}")
    shape = [1] * ndim
    shape[axis] = num_classes
    return array.reshape(shape)


@dataclass(frozen=True)
class _ClassTargets:
    """What a class-index loss needs from its target, all of the input's shape unless noted.

    ``dist``: the target distribution per sample (one-hot, smoothed, or the given
    probabilities; zero where ignored); ``coef``: ``dist`` times the class weights;
    ``valid``: per sample (loss shape), False where ``target == ignore_index``;
    ``denominator``: what ``reduction="mean"`` divides by; ``index``: the target held
    class indices (so a coefficient of 0 means "not this class", whatever its log p).
    """

    axis: int
    dist: np.ndarray
    coef: np.ndarray
    valid: np.ndarray
    denominator: float
    index: bool

    def weighted_sum(self, terms: np.ndarray) -> np.ndarray:
        """``sum_c coef_c * terms_c`` per sample. With index targets a class whose coefficient
        is 0 contributes 0 even where its term is infinite: torch picks the target's entry,
        so a masked (-inf) logit of another class leaves the loss finite."""
        with np.errstate(invalid="ignore"):  # 0 * -inf, replaced just below
            products = self.coef * terms
        if self.index:
            products = np.where(self.coef != 0, products, 0.0)
        return np.sum(products, axis=self.axis)


def _class_targets(
    input: np.ndarray,
    target: Any,
    weight: Any = None,
    ignore_index: int | None = None,
    label_smoothing: Any = 0.0,
    *,
    allow_probabilities: bool = False,
    weight_name: str = "weight",
) -> _ClassTargets:
    """Validate ``target`` (and ``weight``) against ``input`` and build the loss coefficients.

    Index targets (integers): ``dist = (1 - eps) onehot + eps / C``, ``mean`` divides by
    the summed weight of the non-ignored targets (torch's weighted mean, also when
    smoothing). Probability targets (floats of the input's shape, only with
    ``allow_probabilities``): ``dist = (1 - eps) target + eps / C``, ``mean`` divides by the
    number of samples whatever the weights.
    """
    axis = _class_axis(input)
    num_classes = input.shape[axis]
    sample_shape = input.shape[:axis] + input.shape[axis + 1 :]
    smoothing = in_range("label_smoothing", label_smoothing, 0.0, 1.0)
    # torch's rule: a target of the input's own shape holds probabilities, any other shape indices.
    probability_target = allow_probabilities and np.shape(target) == input.shape
    if probability_target:
        if not np.issubdtype(np.asarray(target).dtype, np.floating):
            raise TypeError(
                f"target of the input's shape {input.shape} holds class probabilities and must be float, "
                f"got dtype {np.asarray(target).dtype} (class indices have no class dimension)"
            )
        probs = as_float("target", target)
        same_shape("input", input, "target", probs)
        probabilities("target", probs)
        if ignore_index is not None and ignore_index >= 0:
            raise ValueError(f"ignore_index is not supported for probability targets (as in torch), got {ignore_index}")
    else:
        index = as_index("target", target, num_classes, ignore_index)
        if index.shape != sample_shape:
            raise ValueError(
                f"target of class indices must have the input's shape without the class dimension "
                f"{sample_shape}, got {index.shape}"
            )
    class_weight = (
        np.ones([num_classes if i == axis else 1 for i in range(input.ndim)])
        if weight is None
        else _class_vector(weight_name, weight, num_classes, axis, input.ndim)
    )
    if probability_target:
        dist = (1.0 - smoothing) * probs + smoothing / num_classes
        valid = np.ones(sample_shape, dtype=bool)
        return _ClassTargets(axis, dist, dist * class_weight, valid, input.size // num_classes, False)
    valid = index != ignore_index if ignore_index is not None else np.ones(sample_shape, dtype=bool)
    chosen = np.expand_dims(np.where(valid, index, 0), axis)
    onehot = np.arange(num_classes).reshape(class_weight.shape) == chosen
    dist = ((1.0 - smoothing) * onehot + smoothing / num_classes) * np.expand_dims(valid, axis)
    target_weight = np.sum(onehot * class_weight, axis=axis) * valid
    # np.float64, not float: when every target is ignored, 0/0 must give NaN, not ZeroDivisionError.
    return _ClassTargets(axis, dist, dist * class_weight, valid, np.sum(target_weight), True)


def _pull_back_classes(local: np.ndarray, targets: _ClassTargets, grad_output: Any, reduction: str) -> np.ndarray:
    """``local`` (the input's shape) times the upstream of its sample, exactly 0 on ignored
    samples: when every target is ignored torch's mean is 0/0 = NaN, yet its gradient is
    0, as the ignored samples never reach the division."""
    return _reduction.pull_back(
        local, grad_output, reduction, axis=targets.axis, denominator=targets.denominator, where=targets.valid
    )


def _elementwise_weight(name: str, value: Any, shape: tuple[int, ...]) -> np.ndarray | float:
    """``weight``/``pos_weight`` broadcast to ``shape`` (1.0 when None), as torch broadcasts them."""
    if value is None:
        return 1.0
    array = as_float(name, value)
    try:
        broadcast = np.broadcast_shapes(array.shape, shape)
    except ValueError:
        broadcast = None
    if broadcast != shape:
        raise ValueError(f"{name} must broadcast to the input's shape {shape}, got shape {array.shape}")
    return array


def _binary_inputs(input_name: str, input: Any, target_name: str, target: Any) -> tuple[np.ndarray, np.ndarray]:
    """Float input and a target of probabilities in [0, 1] of the same shape."""
    x = as_float(input_name, input)
    t = as_float(target_name, target)
    same_shape(input_name, x, target_name, t)
    probabilities(target_name, t)
    return x, t


def _bce_with_logits_elementwise(x: np.ndarray, t: np.ndarray, pos_weight: Any = 1.0) -> np.ndarray:
    """torch's per-element form ``(1 - t) x - (1 + (pos_weight - 1) t) log sigmoid(x)``.

    Stable against overflow (finite at +-1e4). For a tiny loss (x = -30, t = 0) the
    subtraction costs relative precision; lossviz keeps torch's form so values agree.
    """
    return (1.0 - t) * x - (1.0 + (pos_weight - 1.0) * t) * log_sigmoid(x)


# --------------------------------------------------------------------------- cross entropy, nll


@loss(
    formula=r"\ell_n = -\sum_c w_c\, q_{n,c} \log \frac{e^{x_{n,c}}}{\sum_k e^{x_{n,k}}},\quad "
    r"q_{n} = (1-\varepsilon)\, \mathrm{onehot}(y_n) + \tfrac{\varepsilon}{C}",
    torch="torch.nn.functional.cross_entropy",
    view="classes", topic="classification",
)
def cross_entropy(
    input: Any,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> np.ndarray:
    """Cross entropy between softmax(``input``) and ``target``, as ``torch.nn.functional.cross_entropy``.

    Parameters
    ----------
    input : array_like
        Logits ``(C,)``, ``(N, C)`` or ``(N, C, d1, ..., dk)``: classes on dim 1 (dim 0 for 1-d).
    target : array_like
        Integer class indices of shape ``()``, ``(N,)`` or ``(N, d1, ..., dk)``, or float
        class probabilities of the input's shape.
    weight : array_like, optional
        ``(C,)``, one weight per class.
    ignore_index : int, default -100
        Index targets equal to it contribute nothing (not allowed >= 0 with probabilities).
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: one loss per sample, the index-target shape; else their (weighted) mean or sum.
    label_smoothing : float, default 0.0
        ``eps`` in [0, 1]: the target distribution becomes ``(1 - eps) target + eps / C``.

    Returns
    -------
    ndarray
        A scalar, or the index-target shape for ``"none"``.

    Raises
    ------
    TypeError
        If ``input`` is not real numbers, an index target not integers, or a probability
        target not floats.
    ValueError
        If a shape is wrong, a class index is out of range, ``label_smoothing`` is outside
        [0, 1], ``reduction`` is unknown, or probability targets lie outside [0, 1].
    {probabilities}

    Notes
    -----
    ``l_n = -sum_c w_c q_nc log_softmax(x_n)_c`` with the target distribution ``q_n``.
    Derivative ``dl_n/dx_nc = p_nc * sum_k w_k q_nk - w_c q_nc``, i.e.
    ``softmax(x) - onehot(y)`` without weight or smoothing.

    torch conventions that surprise:

    - ``reduction="mean"`` with index targets divides by ``sum_n w_{y_n}`` over non-ignored
      samples, not by N (also for the smoothing term); with probability targets it divides
      by the number of samples, ignoring the weights.
    - samples with ``target == ignore_index`` contribute 0; if all are ignored, ``mean``
      is NaN (0/0) while the gradient is 0.
    - smoothing spreads ``eps`` over all C classes, weighted by each class's own weight.
    - a logit of -inf (a masked class) other than the target's leaves the loss finite.

    Examples
    --------
    >>> from lossviz.losses import cross_entropy
    >>> logits = [[2.0, 0.5, -1.0], [0.0, 1.0, 3.0]]
    >>> float(cross_entropy(logits, [0, 2]))
    0.20557866
    >>> cross_entropy.grad(logits, [0, 2])
    array([[-0.10720148,  0.0876452 ,  0.01955629],
           [ 0.02100503,  0.0570976 , -0.07810263]])
    >>> float(cross_entropy(logits, [0, 2], label_smoothing=0.1))
    0.36391199
    """
    return _reduction.reduce(-target.weighted_sum(log_softmax(input, target.axis)), reduction, target.denominator)


@cross_entropy.arguments
def _cross_entropy_arguments(
    input: Any, target: Any, weight: Any, ignore_index: Any, reduction: Any, label_smoothing: Any
) -> tuple[Any, ...]:
    logits = as_float("input", input)
    _reduction.check(reduction)
    targets = _class_targets(logits, target, weight, ignore_index, label_smoothing, allow_probabilities=True)
    return logits, targets, weight, ignore_index, reduction, label_smoothing


@cross_entropy.gradient
def cross_entropy_grad(
    input: np.ndarray, target: _ClassTargets, weight: Any, ignore_index: int, reduction: str, label_smoothing: float,
    *, grad_output: Any,
) -> np.ndarray:
    """``(softmax(x) * sum_c coef_c - coef) * upstream``, shape of ``input``."""
    # p = exp(log p), as torch's log_softmax backward does, so p - 1 rounds the same way.
    p = np.exp(log_softmax(input, target.axis))
    local = p * np.sum(target.coef, axis=target.axis, keepdims=True) - target.coef
    return _pull_back_classes(local, target, grad_output, reduction)


@loss(formula=r"\ell_n = -w_{y_n}\, x_{n, y_n}", torch="torch.nn.functional.nll_loss", view="classes", topic="classification")
def nll_loss(
    input: Any, target: Any, weight: Any = None, ignore_index: int = -100, reduction: str = "mean"
) -> np.ndarray:
    """Negative log likelihood, as ``torch.nn.functional.nll_loss``: picks ``-w_y * input[y]``.

    Parameters
    ----------
    input : array_like
        Log-probabilities (e.g. from ``log_softmax``), ``(C,)``, ``(N, C)`` or
        ``(N, C, d1, ..., dk)``.
    target : array_like of int
        Class indices, ``()``, ``(N,)`` or ``(N, d1, ..., dk)``.
    weight : array_like, optional
        ``(C,)``, one weight per class.
    ignore_index : int, default -100
        Targets equal to it contribute nothing.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: one loss per sample, the target's shape; else their (weighted) mean or sum.

    Returns
    -------
    ndarray
        A scalar, or the target's shape for ``"none"``.

    Raises
    ------
    TypeError
        If ``input`` is not real numbers, or ``target`` not integers.
    ValueError
        If a shape is wrong, a class index is out of range, or ``reduction`` is unknown.

    Notes
    -----
    ``l_n = -w_{y_n} x_{n, y_n}``. Derivative ``-w_{y_n}`` at the target class, 0 elsewhere
    (the loss is linear in ``input``). torch conventions that surprise: ``input`` is NOT
    normalised (nll_loss applies no log_softmax: ``cross_entropy = nll_loss(log_softmax(x))``);
    ``mean`` divides by ``sum_n w_{y_n}`` over non-ignored samples; all ignored gives
    ``mean`` NaN, gradient 0; a -inf in another class than the target's is ignored.

    Examples
    --------
    >>> from lossviz.losses import nll_loss
    >>> log_probs = [[-0.2, -1.8, -3.0], [-3.1, -2.1, -0.1]]
    >>> float(nll_loss(log_probs, [0, 2]))
    0.15
    >>> nll_loss.grad(log_probs, [0, 2])
    array([[-0.5,  0. ,  0. ],
           [ 0. ,  0. , -0.5]])
    """
    return _reduction.reduce(-target.weighted_sum(input), reduction, target.denominator)


@nll_loss.arguments
def _nll_arguments(input: Any, target: Any, weight: Any, ignore_index: Any, reduction: Any) -> tuple[Any, ...]:
    log_probs = as_float("input", input)
    _reduction.check(reduction)
    return log_probs, _class_targets(log_probs, target, weight, ignore_index), weight, ignore_index, reduction


@nll_loss.gradient
def nll_loss_grad(
    input: np.ndarray, target: _ClassTargets, weight: Any, ignore_index: int, reduction: str, *, grad_output: Any
) -> np.ndarray:
    """``-coef * upstream`` (``-w_y`` at the target class), shape of ``input``."""
    # 0 - coef, not -coef: the classes the loss never touches get 0, not -0.
    return _pull_back_classes(0.0 - target.coef, target, grad_output, reduction)


# --------------------------------------------------------------------------- binary


def _binary_arguments(input: Any, target: Any, weight: Any, reduction: Any) -> tuple[Any, ...]:
    """The check of binary_cross_entropy: probabilities in [0, 1] for both."""
    p, y = _binary_inputs("input", input, "target", target)
    probabilities("input", p)
    return p, y, _elementwise_weight("weight", weight, p.shape), _reduction.check(reduction)


@loss(
    formula=r"\ell = -w\,[\,y \max(\log p, -100) + (1-y) \max(\log(1-p), -100)\,]",
    torch="torch.nn.functional.binary_cross_entropy",
    view="probability", topic="classification",
)
def binary_cross_entropy(input: Any, target: Any, weight: Any = None, reduction: str = "mean") -> np.ndarray:
    """Binary cross entropy of probabilities, as ``torch.nn.functional.binary_cross_entropy``.

    Parameters
    ----------
    input : array_like
        Predicted probabilities in [0, 1], any shape.
    target : array_like
        Target probabilities (or 0/1 labels) in [0, 1], ``input``'s shape.
    weight : array_like, optional
        Broadcastable to ``input``'s shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: the per-element losses; else their mean or sum.

    Returns
    -------
    ndarray
        A scalar, or ``input``'s shape for ``"none"``.

    Raises
    ------
    TypeError
        If an array is not real numbers.
    ValueError
        If a shape is wrong, ``input`` or ``target`` lies outside [0, 1], or ``reduction``
        is unknown.
    {probabilities}

    Notes
    -----
    ``l = -w [y log p + (1 - y) log(1 - p)]`` with each log clamped at -100, so p exactly
    0 or 1 gives a finite loss (at most 100 w). Derivative ``w (p - y) / (p (1 - p))``;
    torch divides by ``max(p (1 - p), 1e-12)`` instead, so at p = 0 or 1 the gradient is
    ``+-1e12 w`` (1 / float32(1e-12); 0 when y = p), not the clamp's 0 slope; lossviz
    returns torch's value.

    Examples
    --------
    >>> from lossviz.losses import binary_cross_entropy
    >>> float(binary_cross_entropy([0.9, 0.2, 0.6], [1.0, 0.0, 0.0]))
    0.4149316
    >>> binary_cross_entropy.grad([0.9, 0.2, 0.6], [1.0, 0.0, 0.0])
    array([-0.37037037,  0.41666667,  0.83333333])
    """
    with np.errstate(divide="ignore"):  # log(0) = -inf, then clamped
        losses = (target - 1.0) * np.maximum(np.log1p(-input), LOG_CLAMP) - target * np.maximum(np.log(input), LOG_CLAMP)
    return _reduction.reduce(losses * weight, reduction)


binary_cross_entropy.arguments(_binary_arguments)


@binary_cross_entropy.gradient
def binary_cross_entropy_grad(input: np.ndarray, target: np.ndarray, weight: Any, reduction: str, *, grad_output: Any) -> np.ndarray:
    """``w (p - y) / max((1 - p) p, 1e-12) * upstream`` (torch's backward), shape of ``input``."""
    local = weight * ((input - target) / np.maximum((1.0 - input) * input, BCE_GRAD_EPSILON))
    return _reduction.pull_back(np.broadcast_to(local, input.shape), grad_output, reduction)


@loss(
    formula=r"\ell = w\,[\,(1-y)\,x - (1 + (p_w - 1)\,y) \log \sigma(x)\,]",
    torch="torch.nn.functional.binary_cross_entropy_with_logits",
    view="logit", topic="classification",
)
def binary_cross_entropy_with_logits(
    input: Any, target: Any, weight: Any = None, reduction: str = "mean", pos_weight: Any = None
) -> np.ndarray:
    """Sigmoid + binary cross entropy in one stable step, as torch's ``binary_cross_entropy_with_logits``.

    Parameters
    ----------
    input : array_like
        Logits, any shape.
    target : array_like
        Target probabilities (or 0/1 labels) in [0, 1], ``input``'s shape.
    weight : array_like, optional
        Broadcastable to ``input``'s shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: the per-element losses; else their mean or sum.
    pos_weight : array_like, optional
        Multiplies only the positive (``y``) term; broadcast from the right, so ``(C,)``
        is one weight per class for ``(N, C)`` input.

    Returns
    -------
    ndarray
        A scalar, or ``input``'s shape for ``"none"``.

    Raises
    ------
    TypeError
        If an array is not real numbers.
    ValueError
        If a shape is wrong, ``target`` lies outside [0, 1], or ``reduction`` is unknown.
    {probabilities}

    Notes
    -----
    ``l = -w [p_w y log sigma(x) + (1 - y) log(1 - sigma(x))]``, computed as
    ``w [(1 - y) x - (1 + (p_w - 1) y) log sigma(x)]`` with ``log sigma(x) = min(x, 0) -
    log1p(e^-|x|)``: finite for logits of +-1e4. Derivative ``w [(1 + (p_w - 1) y)
    sigma(x) - p_w y]``, i.e. ``sigma(x) - y`` without weights.

    Examples
    --------
    >>> from lossviz.losses import binary_cross_entropy_with_logits
    >>> float(binary_cross_entropy_with_logits([2.0, -1.0, 0.5], [1.0, 0.0, 0.0]))
    0.47142223
    >>> binary_cross_entropy_with_logits.grad([2.0, -1.0, 0.5], [1.0, 0.0, 0.0])
    array([-0.03973431,  0.08964714,  0.20748644])
    >>> float(binary_cross_entropy_with_logits([2.0, -1.0, 0.5], [1.0, 0.0, 0.0], pos_weight=[3.0]))
    0.5560409
    """
    return _reduction.reduce(weight * _bce_with_logits_elementwise(input, target, pos_weight), reduction)


@binary_cross_entropy_with_logits.arguments
def _bce_with_logits_arguments(input: Any, target: Any, weight: Any, reduction: Any, pos_weight: Any) -> tuple[Any, ...]:
    x, y = _binary_inputs("input", input, "target", target)
    w = _elementwise_weight("weight", weight, x.shape)
    return x, y, w, _reduction.check(reduction), _elementwise_weight("pos_weight", pos_weight, x.shape)


@binary_cross_entropy_with_logits.gradient
def binary_cross_entropy_with_logits_grad(
    input: np.ndarray, target: np.ndarray, weight: Any, reduction: str, pos_weight: Any, *, grad_output: Any
) -> np.ndarray:
    """``w [(1 + (p_w - 1) y) sigma(x) - p_w y] * upstream``, shape of ``input``."""
    # torch's arrangement (p_w y + 1 - y) sigma - p_w y, so sigma - y rounds as torch's does.
    local = weight * ((pos_weight * target + 1.0 - target) * sigmoid(input) - pos_weight * target)
    return _reduction.pull_back(np.broadcast_to(local, input.shape), grad_output, reduction)


@loss(
    formula=r"\ell = y \log y - y\,x \quad(\text{log\_target: } e^{y} (y - x))",
    torch="torch.nn.functional.kl_div",
    view="log_probability", topic="classification",
)
def kl_div(input: Any, target: Any, reduction: str = "mean", log_target: bool = False) -> np.ndarray:
    """Pointwise KL divergence, as ``torch.nn.functional.kl_div`` (argument order is torch's!).

    Parameters
    ----------
    input : array_like
        Log-probabilities of the model (e.g. ``log_softmax``), any shape.
    target : array_like
        Probabilities (>= 0), or log-probabilities with ``log_target=True``; ``input``'s shape.
    reduction : {"mean", "batchmean", "sum", "none"}, default "mean"
        ``"mean"`` averages over every element (torch warns that this is rarely the KL
        divergence); ``"batchmean"`` divides the sum by ``input.shape[0]`` (the sum itself
        for a 0-d input), which is the true KL per sample.
    log_target : bool, default False
        Whether ``target`` holds log-probabilities.

    Returns
    -------
    ndarray
        A scalar, or ``input``'s shape for ``"none"``.

    Raises
    ------
    TypeError
        If an array is not real numbers, or ``log_target`` is not a bool.
    ValueError
        If the shapes differ, ``reduction`` is unknown, or a target is negative with
        ``log_target=False`` (torch returns NaN; lossviz refuses it on purpose: no
        probability is negative).

    Notes
    -----
    ``l = y (log y - x)`` with ``0 log 0 = 0`` (torch's ``xlogy``), or with ``log_target``
    ``l = e^y (y - x)``. Derivative w.r.t. ``input``: ``-y`` (``-e^y``). ``input`` is
    log q and ``target`` is p, giving KL(p || q): the reverse of the ``kl(input, target)``
    reading.

    Examples
    --------
    >>> from lossviz.losses import kl_div
    >>> float(kl_div([-1.0, -0.5, -2.0], [0.2, 0.5, 0.3], reduction="batchmean"))
    0.00678233
    >>> kl_div.grad([-1.0, -0.5, -2.0], [0.2, 0.5, 0.3], reduction="batchmean")
    array([-0.06666667, -0.16666667, -0.1       ])
    """
    if log_target:
        losses = np.exp(target) * (target - input)
    else:
        losses = target * np.log(np.where(target > 0, target, 1.0)) - target * input  # xlogy: 0 log 0 = 0
    return _reduction.reduce(losses, *_kl_reduction(reduction, input))


def _kl_reduction(reduction: str, x: np.ndarray) -> tuple[str, float | None]:
    """(the plain reduction, its denominator): ``batchmean`` is a mean over dim 0."""
    if reduction == "batchmean":
        return "mean", x.shape[0] if x.ndim else 1
    return reduction, None


@kl_div.arguments
def _kl_arguments(input: Any, target: Any, reduction: Any, log_target: Any) -> tuple[Any, ...]:
    x = as_float("input", input)
    y = as_float("target", target)
    same_shape("input", x, "target", y)
    one_of("reduction", reduction, (*_reduction.REDUCTIONS, "batchmean"))
    if not flag("log_target", log_target) and np.any(y < 0):
        raise ValueError("target must hold probabilities >= 0 (log_target=False), got a negative entry")
    return x, y, reduction, bool(log_target)


@kl_div.gradient
def kl_div_grad(input: np.ndarray, target: np.ndarray, reduction: str, log_target: bool, *, grad_output: Any) -> np.ndarray:
    """``-target * upstream`` (``-exp(target)`` with ``log_target``), shape of ``input``."""
    plain, denominator = _kl_reduction(reduction, input)
    local = -np.exp(target) if log_target else -target
    return _reduction.pull_back(local, grad_output, plain, denominator=denominator)


@loss(
    formula=r"\ell_n = -\frac{1}{C} \sum_c w_c\,[\,y_{n,c} \log \sigma(x_{n,c}) + (1-y_{n,c}) \log \sigma(-x_{n,c})\,]",
    torch="torch.nn.functional.multilabel_soft_margin_loss",
    view=None, topic="classification",
)
def multilabel_soft_margin_loss(input: Any, target: Any, weight: Any = None, reduction: str = "mean") -> np.ndarray:
    """One-vs-all logistic loss averaged over classes, as torch's ``multilabel_soft_margin_loss``.

    Parameters
    ----------
    input : array_like
        Logits ``(N, C)`` or ``(C,)``.
    target : array_like
        0/1 labels (or probabilities) in [0, 1], ``input``'s shape.
    weight : array_like, optional
        Broadcastable to ``input`` (typically ``(C,)``).
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: one loss per sample, ``(N,)`` (``()`` for 1-d input); else their mean or sum.

    Returns
    -------
    ndarray
        A scalar, or ``(N,)`` (``()``) for ``"none"``.

    Raises
    ------
    TypeError
        If an array is not real numbers.
    ValueError
        If a shape is wrong, ``target`` lies outside [0, 1], or ``reduction`` is unknown.
    {probabilities}

    Notes
    -----
    ``l_n = -(1/C) sum_c w_c [y log sigma(x) + (1 - y) log sigma(-x)]``; the class mean is
    always taken, whatever ``reduction``, and divides by C even with weights (torch's
    convention). Derivative ``w_c (sigma(x) - y) / C``.

    Examples
    --------
    >>> from lossviz.losses import multilabel_soft_margin_loss
    >>> float(multilabel_soft_margin_loss([[2.0, -1.0, 0.5]], [[1.0, 0.0, 1.0]]))
    0.30475556
    >>> multilabel_soft_margin_loss.grad([[2.0, -1.0, 0.5]], [[1.0, 0.0, 1.0]])
    array([[-0.03973431,  0.08964714, -0.12584689]])
    """
    elementwise = -(target * log_sigmoid(input) + (1.0 - target) * log_sigmoid(-input)) * weight
    return _reduction.reduce(np.sum(elementwise, axis=-1) / input.shape[-1], reduction)


@multilabel_soft_margin_loss.arguments
def _multilabel_soft_arguments(input: Any, target: Any, weight: Any, reduction: Any) -> tuple[Any, ...]:
    x, y = _binary_inputs("input", input, "target", target)
    if x.ndim not in (1, 2):
        raise ValueError(f"input must have shape (N, C) or (C,), got {x.shape}")
    return x, y, _elementwise_weight("weight", weight, x.shape), _reduction.check(reduction)


@multilabel_soft_margin_loss.gradient
def multilabel_soft_margin_loss_grad(
    input: np.ndarray, target: np.ndarray, weight: Any, reduction: str, *, grad_output: Any
) -> np.ndarray:
    """``w ((1 - y) sigma(x) - y sigma(-x)) / C * upstream``, shape of ``input``."""
    # (1 - y) sigma(x) - y sigma(-x) = sigma(x) - y, written so neither term cancels for 0/1 labels.
    local = weight * ((1.0 - target) * sigmoid(input) - target * sigmoid(-input)) / input.shape[-1]
    return _reduction.pull_back(np.broadcast_to(local, input.shape), grad_output, reduction, axis=-1)


# --------------------------------------------------------------------------- beyond torch


@loss(
    formula=r"\ell = \alpha_t\,(1-p_t)^{\gamma}\,\mathrm{BCE}(x, y),\quad p = \sigma(x),\ "
    r"p_t = p\,y + (1-p)(1-y),\ \alpha_t = \alpha y + (1-\alpha)(1-y)",
    torch="torchvision.ops.sigmoid_focal_loss",
    wrt=("inputs",),
    view="logit", topic="imbalance",
)
def sigmoid_focal_loss(
    inputs: Any, targets: Any, alpha: float = 0.25, gamma: float = 2, reduction: str = "none"
) -> np.ndarray:
    """Focal loss of RetinaNet (Lin et al. 2017), exactly as ``torchvision.ops.sigmoid_focal_loss``.

    Parameters
    ----------
    inputs : array_like
        Logits, any shape.
    targets : array_like
        0/1 labels (or probabilities) in [0, 1], ``inputs``' shape.
    alpha : float, default 0.25
        Weight of the positive class, in [0, 1]; -1 (torchvision's documented "off")
        switches the alpha weighting off.
    gamma : float, default 2
        The focusing exponent, >= 0.
    reduction : {"none", "mean", "sum"}, default "none"
        torchvision's default is ``"none"``: the per-element losses.

    Returns
    -------
    ndarray
        ``inputs``' shape for ``"none"``, else a scalar.

    Raises
    ------
    TypeError
        If an array is not real numbers, or ``alpha`` not a real number.
    ValueError
        If the shapes differ, ``targets`` lie outside [0, 1], ``alpha`` or ``gamma`` is out
        of range, or ``reduction`` is unknown.
    {probabilities}

    Notes
    -----
    ``l = alpha_t (1 - p_t)^gamma BCE_with_logits(x, y)`` with ``p = sigma(x)``,
    ``p_t = p y + (1 - p)(1 - y)``, ``alpha_t = alpha y + (1 - alpha)(1 - y)``. With
    ``gamma = 0`` and ``alpha = -1`` it is plain BCE with logits. Derivative, with
    ``m = 1 - p_t``: ``alpha_t [m^gamma (sigma(x) - y) + gamma m^(gamma-1) sigma(x)
    sigma(-x) (1 - 2y) BCE]``. lossviz computes ``1 - p_t`` as ``p (1 - y) + sigma(-x) y``
    rather than by the subtraction torchvision does, so tiny losses (confident, correct
    predictions) keep their relative precision; values agree with torchvision to
    rounding elsewhere.

    Examples
    --------
    >>> from lossviz.losses import sigmoid_focal_loss
    >>> sigmoid_focal_loss([2.0, -1.0, 0.5], [1.0, 0.0, 0.0])
    array([0.00045089, 0.01699354, 0.2830587 ])
    >>> sigmoid_focal_loss.grad([2.0, -1.0, 0.5], [1.0, 0.0, 0.0])
    array([-0.00121774,  0.03943585,  0.39461387])
    """
    one_minus_pt = sigmoid(inputs) * (1.0 - targets) + sigmoid(-inputs) * targets
    return _reduction.reduce(alpha * one_minus_pt**gamma * _bce_with_logits_elementwise(inputs, targets), reduction)


@sigmoid_focal_loss.arguments
def _sigmoid_focal_arguments(inputs: Any, targets: Any, alpha: Any, gamma: Any, reduction: Any) -> tuple[Any, ...]:
    """(x, y, alpha_t per element: ``alpha`` arrives at the forward already as alpha_t, gamma, reduction)."""
    x, y = _binary_inputs("inputs", inputs, "targets", targets)
    if isinstance(alpha, bool) or not np.isscalar(alpha) or not np.isreal(alpha):
        raise TypeError(f"alpha must be a real number, got {alpha!r}")
    if alpha >= 0:
        alpha_t = in_range("alpha", alpha, 0.0, 1.0) * y + (1.0 - alpha) * (1.0 - y)
    elif alpha == -1:
        alpha_t = 1.0
    else:
        raise ValueError(f"alpha must lie in [0, 1], or be -1 to switch it off, got {alpha}")
    return x, y, alpha_t, positive("gamma", gamma, allow_zero=True), _reduction.check(reduction)


@sigmoid_focal_loss.gradient
def sigmoid_focal_loss_grad(
    inputs: np.ndarray, targets: np.ndarray, alpha: Any, gamma: float, reduction: str, *, grad_output: Any
) -> np.ndarray:
    """``alpha_t [m^gamma (sigma - y) + gamma m^gamma (sigma(x) sigma(-x) / m) (1 - 2y) BCE] * upstream``."""
    x, y = inputs, targets
    p, q = sigmoid(x), sigmoid(-x)
    m = p * (1.0 - y) + q * y
    modulator = m**gamma
    # gamma m^(gamma-1) p q as gamma m^gamma (p q / m): p q / m <= max(p, q) stays finite when m -> 0.
    pq_over_m = np.divide(p * q, m, out=np.zeros_like(m), where=m > 0)
    d_modulator = gamma * modulator * pq_over_m * (1.0 - 2.0 * y)
    local = alpha * (modulator * (p - y) + d_modulator * _bce_with_logits_elementwise(x, y))
    return _reduction.pull_back(local, grad_output, reduction)


@loss(
    formula=r"\ell_n = -\sum_c \alpha_c\, q_{n,c}\,(1 - p_{n,c})^{\gamma} \log p_{n,c},\quad p_n = \mathrm{softmax}(x_n),\ "
    r"q_n = (1-\varepsilon)\,\mathrm{onehot}(y_n) + \tfrac{\varepsilon}{C}",
    torch=None,
    view="classes", topic="imbalance",
)
def softmax_focal_loss(
    input: Any, target: Any, alpha: Any = None, gamma: float = 2.0, reduction: str = "mean", label_smoothing: float = 0.0
) -> np.ndarray:
    """Multi-class focal loss of Lin et al. 2017 (arXiv:1708.02002) on softmax probabilities.

    Follows the definition of ``kornia.losses.focal_loss`` (``-alpha_t (1 - p_t)^gamma
    log p_t`` with ``p_t`` the target class's softmax probability) and, for
    ``label_smoothing``, Keras' ``CategoricalFocalCrossentropy``: the one-hot target
    becomes ``q = (1 - eps) onehot + eps / C`` and every class contributes its own focal
    term, ``-alpha_c q_c (1 - p_c)^gamma log p_c``. Unlike kornia the default reduction is
    ``"mean"`` (a plain mean over samples), so ``gamma=0, alpha=None`` is exactly
    ``cross_entropy(input, target)``, also with smoothing; unlike Keras, ``alpha`` defaults
    to None (no weighting; Keras uses 0.25) and no probability is clipped (log-softmax is
    stable without it).

    Parameters
    ----------
    input : array_like
        Logits, ``(C,)``, ``(N, C)`` or ``(N, C, d1, ..., dk)`` as ``cross_entropy``.
    target : array_like of int
        Class indices, the input's shape without the class dimension.
    alpha : float or array_like, optional
        A scalar >= 0 (kornia's, Keras'), a per-class ``(C,)`` array (``alpha_c``), or None for 1.
    gamma : float, default 2.0
        The focusing exponent, >= 0.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: one loss per sample, the target's shape; else their mean or sum.
    label_smoothing : float, default 0.0
        ``eps`` in [0, 1], as Keras'.

    Returns
    -------
    ndarray
        A scalar, or the target's shape for ``"none"``.

    Raises
    ------
    TypeError
        If ``input`` is not real numbers, or ``target`` not integers.
    ValueError
        If a shape is wrong, a class index is out of range, ``alpha``, ``gamma`` or
        ``label_smoothing`` is out of range, or ``reduction`` is unknown.

    Notes
    -----
    With ``u_c = log p_c`` and ``m_c = 1 - p_c``, each term's slope is
    ``g_c = -alpha_c q_c [m_c^gamma - gamma m_c^(gamma-1) p_c u_c]``, and through log-softmax
    ``dl/dx = G (g / G - p)`` with ``G = sum_c g_c`` (for a one-hot target exactly
    ``g_y (onehot - p)``). ``m^(gamma-1) u`` is computed as ``m^gamma (u / m)`` with
    ``u / m -> -1`` as ``m -> 0``, so p = 1 gives 0, not NaN.

    Examples
    --------
    >>> from lossviz.losses import softmax_focal_loss
    >>> logits = [[2.0, 0.5, -1.0], [0.0, 1.0, 3.0]]
    >>> float(softmax_focal_loss(logits, [0, 2]))
    0.0076185
    >>> softmax_focal_loss.grad(logits, [0, 2])
    array([[-0.01364234,  0.01115363,  0.00248871],
           [ 0.00145299,  0.00394963, -0.00540261]])
    >>> float(softmax_focal_loss(logits, [0, 2], label_smoothing=0.1))
    0.15358965
    """
    terms, _ = _focal_terms(input, target, gamma, slopes=False)
    return _reduction.reduce(np.sum(terms, axis=target.axis), reduction)


def _focal_terms(logits: np.ndarray, targets: _ClassTargets, gamma: float, *, slopes: bool) -> tuple[np.ndarray, Any]:
    """Per class: ``-coef_c (1 - p_c)^gamma log p_c``, and (``slopes``) its derivative in ``log p_c``.

    Only classes with a nonzero coefficient count (the others are exactly 0, even where
    log p is -inf), so without smoothing this is the target class's term alone.
    """
    log_p = log_softmax(logits, targets.axis)
    counted = targets.coef != 0
    m = -np.expm1(log_p)  # 1 - p without cancellation as p -> 1
    modulator = m**gamma
    terms = np.where(counted, -targets.coef * modulator * log_p, 0.0)
    if not slopes:
        return terms, None
    u_over_m = np.divide(log_p, m, out=np.full_like(m, -1.0), where=m > 0)
    d_terms = np.where(counted, -targets.coef * (modulator - gamma * modulator * u_over_m * np.exp(log_p)), 0.0)
    return terms, (d_terms, np.exp(log_p))


@softmax_focal_loss.arguments
def _softmax_focal_arguments(
    input: Any, target: Any, alpha: Any, gamma: Any, reduction: Any, label_smoothing: Any
) -> tuple[Any, ...]:
    """The targets carry alpha as their class weights (a scalar alpha scales every class)."""
    logits = as_float("input", input)
    scalar_alpha = alpha is not None and np.ndim(alpha) == 0
    if scalar_alpha:
        alpha = positive("alpha", alpha, allow_zero=True)
        weights = np.full(logits.shape[_class_axis(logits)], alpha)
    else:
        weights = alpha
    targets = _class_targets(logits, target, weights, label_smoothing=label_smoothing, weight_name="alpha")
    gamma = positive("gamma", gamma, allow_zero=True)
    return logits, targets, alpha, gamma, _reduction.check(reduction), label_smoothing


@softmax_focal_loss.gradient
def softmax_focal_loss_grad(
    input: np.ndarray, target: _ClassTargets, alpha: Any, gamma: float, reduction: str, label_smoothing: float,
    *, grad_output: Any,
) -> np.ndarray:
    """``G (g / G - p) * upstream`` (see the forward's notes), shape of ``input``."""
    _, (d_terms, p) = _focal_terms(input, target, gamma, slopes=True)
    total = np.sum(d_terms, axis=target.axis, keepdims=True)
    share = np.divide(d_terms, total, out=np.zeros_like(d_terms), where=total != 0)
    return _reduction.pull_back(total * (share - p), grad_output, reduction, axis=target.axis)


@loss(
    formula=r"\ell_n = 1 - \frac{2 \sum_i p_{n,i} t_{n,i} + s}{\sum_i p_{n,i} + \sum_i t_{n,i} + s}",
    torch=None,
    view=None, topic="imbalance",
)
def dice_loss(input: Any, target: Any, smooth: float = 1.0, reduction: str = "mean") -> np.ndarray:
    """Soft Dice loss per sample: one minus the soft overlap of a predicted and a target mask.

    Follows DETR's ``dice_loss`` (facebookresearch/detr, models/segmentation.py), with its
    defaults.

    Parameters
    ----------
    input : array_like
        Probabilities in [0, 1] (e.g. sigmoid of mask logits), ``(N, *)``: each sample is
        flattened over all dims but the first (a dimension of size 0 is allowed).
    target : array_like
        0/1 mask or soft mask in [0, 1], ``input``'s shape.
    smooth : float, default 1.0
        ``s`` added to numerator and denominator (DETR's 1 keeps an empty mask predicted
        empty at loss 0); >= 0.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: one loss per sample, ``(N,)``; else their mean (over samples) or sum.

    Returns
    -------
    ndarray
        A scalar, or ``(N,)`` for ``"none"``.

    Raises
    ------
    TypeError
        If an array is not real numbers.
    ValueError
        If a shape is wrong, ``input`` or ``target`` lies outside [0, 1], ``smooth < 0``,
        or ``reduction`` is unknown.

    Notes
    -----
    ``l_n = 1 - (2 sum_i p t + s) / (sum_i p + sum_i t + s)``. Derivative
    ``dl_n/dp_i = -(2 t_i D - (2 I + s)) / D^2`` with ``I = sum p t`` and
    ``D = sum p + sum t + s``. Differences from DETR: lossviz takes probabilities (DETR
    applies the sigmoid itself) and reduces with ``reduction`` where DETR divides the sum
    by its number of boxes. No torch counterpart.

    Examples
    --------
    >>> from lossviz.losses import dice_loss
    >>> p = [[0.9, 0.1, 0.8], [0.2, 0.3, 0.1]]
    >>> t = [[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]
    >>> float(dice_loss(p, t))
    0.31089744
    >>> dice_loss.grad(p, t)
    array([[-0.11284722,  0.09548611, -0.11284722],
           [ 0.0887574 ,  0.0887574 , -0.29585799]])
    """
    p, t = _per_sample(input), _per_sample(target)
    intersection, total = _dice_sums(p, t, smooth)
    return _reduction.reduce(1.0 - (2.0 * intersection + smooth) / total, reduction)


def _per_sample(array: np.ndarray) -> np.ndarray:
    """``(N, *)`` as ``(N, features)``; fine for a dimension of size 0 too."""
    return array.reshape(array.shape[0], int(np.prod(array.shape[1:])))


@dice_loss.arguments
def _dice_arguments(input: Any, target: Any, smooth: Any, reduction: Any) -> tuple[Any, ...]:
    p, t = _binary_inputs("input", input, "target", target)
    if p.ndim < 2:
        raise ValueError(f"input must have shape (N, *) with a batch dimension, got {p.shape}")
    probabilities("input", p)
    return p, t, positive("smooth", smooth, allow_zero=True), _reduction.check(reduction)


def _dice_sums(p: np.ndarray, t: np.ndarray, s: float) -> tuple[np.ndarray, np.ndarray]:
    """Per sample: the soft intersection sum p t, and the denominator sum p + sum t + s."""
    return np.sum(p * t, axis=1), np.sum(p, axis=1) + np.sum(t, axis=1) + s


@dice_loss.gradient
def dice_loss_grad(input: np.ndarray, target: np.ndarray, smooth: float, reduction: str, *, grad_output: Any) -> np.ndarray:
    """``-(2 t D - (2 I + s)) / D^2 * upstream`` per sample, shape of ``input``."""
    p, t = _per_sample(input), _per_sample(target)
    intersection, total = _dice_sums(p, t, smooth)
    local = -(2.0 * t * total[:, None] - (2.0 * intersection + smooth)[:, None]) / total[:, None] ** 2
    return _reduction.pull_back(local, grad_output, reduction, axis=1).reshape(input.shape)


for _function in (cross_entropy, binary_cross_entropy, binary_cross_entropy_with_logits, multilabel_soft_margin_loss, sigmoid_focal_loss):
    _function.__doc__ = _function.__doc__.replace("{probabilities}", _PROBABILITY_TARGETS)
