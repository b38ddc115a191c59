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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _reduction
from .._stable import log_sigmoid, log_softmax, sigmoid
from .._validate import as_float, as_index, in_range, one_of, positive, probabilities, same_shape
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
    ``denominator``: what ``reduction="mean"`` divides by.
    """

    axis: int
    dist: np.ndarray
    coef: np.ndarray
    valid: np.ndarray
    denominator: float


def _class_targets(
    input: np.ndarray,
    target: Any,
    weight: Any = None,
    ignore_index: int | None = None,
    label_smoothing: float = 0.0,
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
        return _ClassTargets(axis, dist, dist * class_weight, valid, input.size // num_classes)
    valid = index != ignore_index if ignore_index is not None else np.ones(sample_shape, dtype=bool)
    chosen = np.expand_dims(np.where(valid, index, 0), axis)
    onehot = np.arange(num_classes).reshape(class_weight.shape) == chosen
    dist = ((1.0 - smoothing) * onehot + smoothing / num_classes) * np.expand_dims(valid, axis)
    target_weight = np.sum(onehot * class_weight, axis=axis) * valid
    # np.float64, not float: when every target is ignored, 0/0 must give NaN, not ZeroDivisionError.
    return _ClassTargets(axis, dist, dist * class_weight, valid, np.sum(target_weight))


def _masked_upstream(grad_output: Any, targets: _ClassTargets, reduction: str) -> np.ndarray:
    """d(reduced)/d(per-sample loss), exactly 0 on ignored samples (as torch), with a class axis.

    When every target is ignored torch's mean is 0/0 = NaN, yet its gradient is 0: the
    ignored samples never reach the division. Masking reproduces that.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        upstream = _reduction.reduce_backward(grad_output, targets.valid.shape, reduction, targets.denominator)
    return np.expand_dims(np.where(targets.valid, upstream, 0.0), targets.axis)


def _reduce_classes(losses: np.ndarray, targets: _ClassTargets, reduction: str) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):  # all ignored: mean is 0/0 = NaN, as torch
        return _reduction.reduce(losses, reduction, targets.denominator)


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

    Shapes: ``input`` (logits) ``(C,)``, ``(N, C)`` or ``(N, C, d1, ..., dk)``, classes on dim
    1 (dim 0 for 1-d). ``target``: integer class indices of shape ``()``, ``(N,)`` or
    ``(N, d1, ..., dk)``, or float class probabilities of the input's shape. ``weight``: ``(C,)``.
    Output: the index-target shape for ``reduction="none"``, else a scalar.

    Formula: ``l_n = -sum_c w_c q_nc log_softmax(x_n)_c`` with the target distribution
    ``q_n = (1 - eps) onehot(y_n) + eps / C`` (or ``(1 - eps) target_n + eps / C``), ``eps``
    = ``label_smoothing``. Derivative: ``dl_n/dx_nc = p_nc * sum_k w_k q_nk - w_c q_nc``,
    i.e. ``softmax(x) - onehot(y)`` without weight or smoothing.

    torch conventions that surprise:
    - ``reduction="mean"`` with index targets divides by ``sum_n w_{y_n}`` over non-ignored
      samples, not by N (also for the smoothing term); with probability targets it divides
      by the number of samples, ignoring the weights.
    - samples with ``target == ignore_index`` contribute 0; if all are ignored, ``mean``
      is NaN (0/0) while the gradient is 0. ``ignore_index`` >= 0 is an error with
      probability targets.
    - smoothing spreads ``eps`` over all C classes, weighted by each class's own weight.

    lossviz is stricter than torch: probability targets must lie in [0, 1].
    """
    logits = as_float("input", input)
    _reduction.check(reduction)
    targets = _class_targets(logits, target, weight, ignore_index, label_smoothing, allow_probabilities=True)
    losses = -np.sum(targets.coef * log_softmax(logits, targets.axis), axis=targets.axis)
    return _reduce_classes(losses, targets, reduction)


@cross_entropy.gradient
def cross_entropy_grad(
    input: Any,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
    *,
    grad_output: Any = None,
) -> np.ndarray:
    """``(softmax(x) * sum_c coef_c - coef) * upstream``, shape of ``input``."""
    logits = as_float("input", input)
    _reduction.check(reduction)
    targets = _class_targets(logits, target, weight, ignore_index, label_smoothing, allow_probabilities=True)
    # p = exp(log p), as torch's log_softmax backward does, so p - 1 rounds the same way.
    p = np.exp(log_softmax(logits, targets.axis))
    local = p * np.sum(targets.coef, axis=targets.axis, keepdims=True) - targets.coef
    return local * _masked_upstream(grad_output, targets, reduction)


@loss(formula=r"\ell_n = -w_{y_n}\, x_{n, y_n}", torch="torch.nn.functional.nll_loss", view="classes", topic="classification")
def nll_loss(
    input: Any, target: Any, weight: Any = None, ignore_index: int = -100, reduction: str = "mean"
) -> np.ndarray:
    """Negative log likelihood, as ``torch.nn.functional.nll_loss``: picks ``-w_y * input[y]``.

    Shapes: ``input`` (log-probabilities, e.g. from log_softmax) ``(C,)``, ``(N, C)`` or
    ``(N, C, d1, ..., dk)``; ``target`` integer class indices ``()``, ``(N,)`` or
    ``(N, d1, ..., dk)``; ``weight`` ``(C,)``. Output: the target's shape for ``"none"``.

    Formula: ``l_n = -w_{y_n} x_{n, y_n}``. Derivative: ``-w_{y_n}`` at the target class,
    0 elsewhere (the loss is linear in ``input``).

    torch conventions that surprise: ``input`` is NOT normalised (nll_loss applies no
    log_softmax: ``cross_entropy = nll_loss(log_softmax(x))``); ``mean`` divides by
    ``sum_n w_{y_n}`` over non-ignored samples; all ignored gives ``mean`` NaN, gradient 0.
    """
    log_probs = as_float("input", input)
    _reduction.check(reduction)
    targets = _class_targets(log_probs, target, weight, ignore_index)
    losses = -np.sum(targets.coef * log_probs, axis=targets.axis)
    return _reduce_classes(losses, targets, reduction)


@nll_loss.gradient
def nll_loss_grad(
    input: Any,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    *,
    grad_output: Any = None,
) -> np.ndarray:
    """``-coef * upstream`` (``-w_y`` at the target class), shape of ``input``."""
    log_probs = as_float("input", input)
    _reduction.check(reduction)
    targets = _class_targets(log_probs, target, weight, ignore_index)
    return -targets.coef * _masked_upstream(grad_output, targets, reduction)


# --------------------------------------------------------------------------- binary


@loss(
    formula=r"\ell = -w\,[\,y \max(\log p, -100) + (1-y) \max(\log(1-p), -100)\,]",
    torch="torch.nn.functional.binary_cross_entropy",
    view="probability", topic="classification",
)
def binary_cross_entropy(input: Any, target: Any, weight: Any = None, reduction: str = "mean") -> np.ndarray:
    """Binary cross entropy of probabilities, as ``torch.nn.functional.binary_cross_entropy``.

    Shapes: ``input`` (probabilities in [0, 1]) and ``target`` (in [0, 1]) of any equal
    shape; ``weight`` broadcastable to it. Output: that shape for ``"none"``.

    Formula: ``l = -w [y log p + (1 - y) log(1 - p)]`` with each log clamped at -100, so
    p exactly 0 or 1 gives a finite loss (at most 100 w). Derivative:
    ``w (p - y) / (p (1 - p))``; torch divides by ``max(p (1 - p), 1e-12)`` instead, so at
    p = 0 or 1 the gradient is ``+-1e12 w`` (1 / float32(1e-12); 0 when y = p), not the clamp's 0 slope;
    lossviz returns torch's value.
    """
    p, y = _binary_inputs("input", input, "target", target)
    probabilities("input", p)
    w = _elementwise_weight("weight", weight, p.shape)
    _reduction.check(reduction)
    with np.errstate(divide="ignore"):  # log(0) = -inf, then clamped
        losses = (y - 1.0) * np.maximum(np.log1p(-p), LOG_CLAMP) - y * np.maximum(np.log(p), LOG_CLAMP)
    return _reduction.reduce(losses * w, reduction)


@binary_cross_entropy.gradient
def binary_cross_entropy_grad(
    input: Any, target: Any, weight: Any = None, reduction: str = "mean", *, grad_output: Any = None
) -> np.ndarray:
    """``w (p - y) / max((1 - p) p, 1e-12) * upstream`` (torch's backward), shape of ``input``."""
    p, y = _binary_inputs("input", input, "target", target)
    probabilities("input", p)
    w = _elementwise_weight("weight", weight, p.shape)
    _reduction.check(reduction)
    local = (p - y) / np.maximum((1.0 - p) * p, BCE_GRAD_EPSILON)
    return w * local * _reduction.reduce_backward(grad_output, p.shape, reduction)


@loss(
    formula=r"\ell = w\,[\,(1-y)\,x - (1 + (p_w - 1)\,y) \log \sigma(x)\,]",
    torch="torch.nn.functional.binary_cross_entropy_with_logits",
    view="logit", topic="classification",
)
def binary_cross_entropy_with_logits(
    input: Any, target: Any, weight: Any = None, reduction: str = "mean", pos_weight: Any = None
) -> np.ndarray:
    """Sigmoid + binary cross entropy in one stable step, as torch's ``binary_cross_entropy_with_logits``.

    Shapes: ``input`` (logits) and ``target`` (in [0, 1]) of any equal shape; ``weight``
    and ``pos_weight`` broadcastable to it (``pos_weight`` typically ``(C,)``, one per class
    along the last dimension). Output: that shape for ``"none"``.

    Formula: ``l = -w [p_w y log sigma(x) + (1 - y) log(1 - sigma(x))]``, computed as
    ``w [(1 - y) x - (1 + (p_w - 1) y) log sigma(x)]`` with ``log sigma(x) = min(x, 0) -
    log1p(e^-|x|)``: finite for logits of +-1e4. Derivative: ``w [(1 + (p_w - 1) y) sigma(x)
    - p_w y]``, i.e. ``sigma(x) - y`` without weights.

    torch conventions: ``pos_weight`` multiplies only the positive (``y``) term; it
    broadcasts from the right, so a ``(C,)`` pos_weight is per class for ``(N, C)`` input.
    lossviz is stricter than torch: targets must lie in [0, 1].
    """
    x, y = _binary_inputs("input", input, "target", target)
    w = _elementwise_weight("weight", weight, x.shape)
    pw = _elementwise_weight("pos_weight", pos_weight, x.shape)
    _reduction.check(reduction)
    return _reduction.reduce(w * _bce_with_logits_elementwise(x, y, pw), reduction)


@binary_cross_entropy_with_logits.gradient
def binary_cross_entropy_with_logits_grad(
    input: Any,
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    pos_weight: Any = None,
    *,
    grad_output: Any = None,
) -> np.ndarray:
    """``w [(1 + (p_w - 1) y) sigma(x) - p_w y] * upstream``, shape of ``input``."""
    x, y = _binary_inputs("input", input, "target", target)
    w = _elementwise_weight("weight", weight, x.shape)
    pw = _elementwise_weight("pos_weight", pos_weight, x.shape)
    _reduction.check(reduction)
    # torch's arrangement (p_w y + 1 - y) sigma - p_w y, so sigma - y rounds as torch's does.
    local = (pw * y + 1.0 - y) * sigmoid(x) - pw * y
    return w * local * _reduction.reduce_backward(grad_output, x.shape, reduction)


@loss(
    formula=r"\ell = y \log y - y\,x \quad(\text{log\_target: } e^{y} (y - x))",
    torch="torch.nn.functional.kl_div",
    view="log_probability", topic="classification",
)
def kl_div(input: Any, target: Any, reduction: str = "mean", log_target: bool = False) -> np.ndarray:
    """Pointwise KL divergence, as ``torch.nn.functional.kl_div`` (argument order is torch's!).

    Shapes: ``input`` (log-probabilities of the model, e.g. log_softmax) and ``target``
    (probabilities, or log-probabilities with ``log_target=True``) of any equal shape.

    Formula: ``l = y (log y - x)`` with ``0 log 0 = 0`` (torch's ``xlogy``), or with
    ``log_target`` ``l = e^y (y - x)``. Derivative w.r.t. ``input``: ``-y`` (``-e^y``).

    torch conventions that surprise: ``input`` is log q and ``target`` is p, giving
    KL(p || q), the reverse of the ``kl(input, target)`` reading; ``reduction="mean"``
    averages over every element (torch warns that this is rarely the KL divergence);
    ``"batchmean"`` divides the sum by ``input.shape[0]`` (the sum itself for a 0-d input),
    which is the true KL per sample. lossviz is stricter than torch: a negative target
    with ``log_target=False`` is an error (torch returns NaN).
    """
    x, y, denominator = _kl_inputs(input, target, reduction, log_target)
    if log_target:
        losses = np.exp(y) * (y - x)
    else:
        losses = y * np.log(np.where(y > 0, y, 1.0)) - y * x  # xlogy: 0 log 0 = 0
    return _reduction.reduce(losses, _kl_reduction(reduction), denominator)


def _kl_inputs(input: Any, target: Any, reduction: str, log_target: bool) -> tuple[np.ndarray, np.ndarray, float | None]:
    """Validated (input, target, denominator); ``batchmean`` is a mean over dim 0."""
    x = as_float("input", input)
    y = as_float("target", target)
    same_shape("input", x, "target", y)
    one_of("reduction", reduction, (*_reduction.REDUCTIONS, "batchmean"))
    if not isinstance(log_target, (bool, np.bool_)):
        raise TypeError(f"log_target must be a bool, got {log_target!r}")
    if not log_target and np.any(y < 0):
        raise ValueError("target must hold probabilities >= 0 (log_target=False), got a negative entry")
    denominator = (x.shape[0] if x.ndim else 1) if reduction == "batchmean" else None
    return x, y, denominator


def _kl_reduction(reduction: str) -> str:
    return "mean" if reduction == "batchmean" else reduction


@kl_div.gradient
def kl_div_grad(
    input: Any, target: Any, reduction: str = "mean", log_target: bool = False, *, grad_output: Any = None
) -> np.ndarray:
    """``-target * upstream`` (``-exp(target)`` with ``log_target``), shape of ``input``."""
    x, y, denominator = _kl_inputs(input, target, reduction, log_target)
    local = -np.exp(y) if log_target else -y
    return local * _reduction.reduce_backward(grad_output, x.shape, _kl_reduction(reduction), denominator)


@loss(
    formula=r"\ell_n = -\frac{1}{C} \sum_c w_c\,[\,y_{n,c} \log \sigma(x_{n,c}) + (1-y_{n,c}) \log \sigma(-x_{n,c})\,]",
    torch="torch.nn.functional.multilabel_soft_margin_loss",
    view=None, topic="classification",
)
def multilabel_soft_margin_loss(input: Any, target: Any, weight: Any = None, reduction: str = "mean") -> np.ndarray:
    """One-vs-all logistic loss averaged over classes, as torch's ``multilabel_soft_margin_loss``.

    Shapes: ``input`` (logits) and ``target`` (0/1 labels, or probabilities) ``(N, C)`` or
    ``(C,)``; ``weight`` broadcastable to them (typically ``(C,)``). Output ``(N,)`` (``()``
    for 1-d input) for ``"none"``.

    Formula: ``l_n = -(1/C) sum_c w_c [y log sigma(x) + (1 - y) log sigma(-x)]``; the
    class mean is always taken, whatever ``reduction``. Derivative:
    ``w_c (sigma(x) - y) / C``. torch conventions: the mean over classes divides by C even
    with weights. lossviz is stricter than torch: targets must lie in [0, 1].
    """
    x, y, w = _multilabel_inputs(input, target, weight, reduction)
    elementwise = -(y * log_sigmoid(x) + (1.0 - y) * log_sigmoid(-x)) * w
    return _reduction.reduce(np.sum(elementwise, axis=-1) / x.shape[-1], reduction)


def _multilabel_inputs(input: Any, target: Any, weight: Any, reduction: str) -> tuple[np.ndarray, np.ndarray, Any]:
    x, y = _binary_inputs("input", input, "target", target)
    if x.ndim not in (1, 2):
        raise ValueError(f"input must have shape (N, C) or (C,), got {x.shape}")
    _reduction.check(reduction)
    return x, y, _elementwise_weight("weight", weight, x.shape)


@multilabel_soft_margin_loss.gradient
def multilabel_soft_margin_loss_grad(
    input: Any, target: Any, weight: Any = None, reduction: str = "mean", *, grad_output: Any = None
) -> np.ndarray:
    """``w ((1 - y) sigma(x) - y sigma(-x)) / C * upstream``, shape of ``input``."""
    x, y, w = _multilabel_inputs(input, target, weight, reduction)
    # (1 - y) sigma(x) - y sigma(-x) = sigma(x) - y, written so neither term cancels for 0/1 labels.
    local = w * ((1.0 - y) * sigmoid(x) - y * sigmoid(-x)) / x.shape[-1]
    upstream = _reduction.reduce_backward(grad_output, x.shape[:-1], reduction)
    return local * upstream[..., np.newaxis]


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

    Shapes: ``inputs`` (logits) and ``targets`` (0/1 labels, or probabilities) of any
    equal shape; output that shape for ``reduction="none"`` (torchvision's default!).

    Formula: ``l = alpha_t (1 - p_t)^gamma BCE_with_logits(x, y)`` with ``p = sigma(x)``,
    ``p_t = p y + (1 - p)(1 - y)``, ``alpha_t = alpha y + (1 - alpha)(1 - y)``; a negative
    ``alpha`` (torchvision documents -1) switches the alpha weighting off. With
    ``gamma = 0`` and ``alpha = -1`` it is plain BCE with logits.

    Derivative, with ``m = 1 - p_t``: ``alpha_t [m^gamma (sigma(x) - y) + gamma m^(gamma-1)
    sigma(x) sigma(-x) (1 - 2y) BCE]``.

    lossviz computes ``1 - p_t`` as ``p (1 - y) + sigma(-x) y`` rather than by the
    subtraction torchvision does, so tiny losses (confident, correct predictions) keep
    their relative precision; values agree with torchvision to rounding elsewhere.
    """
    x, y, alpha_t, g = _focal_inputs(inputs, targets, alpha, gamma, reduction)
    one_minus_pt = sigmoid(x) * (1.0 - y) + sigmoid(-x) * y
    return _reduction.reduce(alpha_t * one_minus_pt**g * _bce_with_logits_elementwise(x, y), reduction)


def _focal_inputs(inputs: Any, targets: Any, alpha: float, gamma: float, reduction: str) -> tuple[Any, ...]:
    x, y = _binary_inputs("inputs", inputs, "targets", targets)
    if isinstance(alpha, bool) or not np.isscalar(alpha) or not np.isreal(alpha):
        raise TypeError(f"alpha must be a real number, got {alpha!r}")
    if alpha >= 0:
        alpha_t = in_range("alpha", alpha, 0.0, 1.0) * y + (1.0 - alpha) * (1.0 - y)
    elif alpha == -1:
        alpha_t = 1.0
    else:
        raise ValueError(f"alpha must lie in [0, 1], or be -1 to switch it off, got {alpha}")
    g = positive("gamma", gamma, allow_zero=True)
    _reduction.check(reduction)
    return x, y, alpha_t, g


@sigmoid_focal_loss.gradient
def sigmoid_focal_loss_grad(
    inputs: Any,
    targets: Any,
    alpha: float = 0.25,
    gamma: float = 2,
    reduction: str = "none",
    *,
    grad_output: Any = None,
) -> np.ndarray:
    """``alpha_t [m^gamma (sigma - y) + gamma m^gamma (sigma(x) sigma(-x) / m) (1 - 2y) BCE] * upstream``."""
    x, y, alpha_t, g = _focal_inputs(inputs, targets, alpha, gamma, reduction)
    p, q = sigmoid(x), sigmoid(-x)
    m = p * (1.0 - y) + q * y
    modulator = m**g
    # gamma m^(gamma-1) p q as gamma m^gamma (p q / m): p q / m <= max(p, q) stays finite when m -> 0.
    pq_over_m = np.divide(p * q, m, out=np.zeros_like(m), where=m > 0)
    d_modulator = g * modulator * pq_over_m * (1.0 - 2.0 * y)
    local = alpha_t * (modulator * (p - y) + d_modulator * _bce_with_logits_elementwise(x, y))
    return local * _reduction.reduce_backward(grad_output, x.shape, reduction)


@loss(
    formula=r"\ell_n = -\alpha_{y_n}\,(1 - p_{n,y_n})^{\gamma} \log p_{n,y_n},\quad p_n = \mathrm{softmax}(x_n)",
    torch=None,
    view="classes", topic="imbalance",
)
def softmax_focal_loss(
    input: Any, target: Any, alpha: Any = None, gamma: float = 2.0, reduction: str = "mean"
) -> np.ndarray:
    """Multi-class focal loss of Lin et al. 2017 (arXiv:1708.02002) on softmax probabilities.

    Formula (the definition of ``kornia.losses.focal_loss``): ``l_n = -alpha_t (1 - p_t)^gamma
    log p_t`` with ``p_t`` the softmax probability of the target class; ``alpha`` may be a
    scalar (kornia), a per-class array ``(C,)`` giving ``alpha_t = alpha[y_n]`` (as the
    usual per-class generalisation), or None for 1. Unlike kornia the default reduction
    is ``"mean"`` (a plain mean over samples), so ``gamma=0, alpha=None`` is exactly
    ``cross_entropy(input, target)``.

    Shapes: as ``cross_entropy`` with index targets: ``input`` ``(C,)``, ``(N, C)`` or
    ``(N, C, d1, ..., dk)``, ``target`` without the class dimension. No torch counterpart.

    Derivative, with ``u = log p_t`` and ``m = 1 - p_t``: ``dl/dx = dl/du (onehot - p)``,
    ``dl/du = -alpha_t [m^gamma - gamma m^(gamma-1) p_t u]``; ``m^(gamma-1) u`` is computed as
    ``m^gamma (u / m)`` with ``u / m -> -1`` as ``m -> 0``, so p_t = 1 gives 0, not NaN.
    """
    logits = as_float("input", input)
    targets, scale, g = _softmax_focal_targets(logits, target, alpha, gamma, reduction)
    log_pt = np.sum(targets.dist * log_softmax(logits, targets.axis), axis=targets.axis)
    one_minus_pt = -np.expm1(log_pt)  # no cancellation as p_t -> 1
    return _reduction.reduce(-scale * one_minus_pt**g * log_pt, reduction)


def _softmax_focal_targets(
    logits: np.ndarray, target: Any, alpha: Any, gamma: float, reduction: str
) -> tuple[_ClassTargets, Any, float]:
    """Targets (alpha as the class weights), alpha_t per sample, and gamma."""
    scalar_alpha = alpha is not None and np.ndim(alpha) == 0
    if scalar_alpha:
        positive("alpha", alpha, allow_zero=True)
    targets = _class_targets(logits, target, None if scalar_alpha else alpha, weight_name="alpha")
    g = positive("gamma", gamma, allow_zero=True)
    _reduction.check(reduction)
    alpha_t = float(alpha) if scalar_alpha else np.sum(targets.coef, axis=targets.axis)
    return targets, alpha_t, g


@softmax_focal_loss.gradient
def softmax_focal_loss_grad(
    input: Any, target: Any, alpha: Any = None, gamma: float = 2.0, reduction: str = "mean", *, grad_output: Any = None
) -> np.ndarray:
    """``dl/du (onehot - softmax(x)) * upstream`` (see the forward's docstring), shape of ``input``."""
    logits = as_float("input", input)
    targets, scale, g = _softmax_focal_targets(logits, target, alpha, gamma, reduction)
    log_p = log_softmax(logits, targets.axis)
    log_pt = np.sum(targets.dist * log_p, axis=targets.axis)
    one_minus_pt = -np.expm1(log_pt)
    u_over_m = np.divide(log_pt, one_minus_pt, out=np.full_like(log_pt, -1.0), where=one_minus_pt > 0)
    modulator = one_minus_pt**g
    d_log_pt = -scale * (modulator - g * modulator * u_over_m * np.exp(log_pt))
    upstream = _reduction.reduce_backward(grad_output, log_pt.shape, reduction)
    return np.expand_dims(d_log_pt * upstream, targets.axis) * (targets.dist - np.exp(log_p))


@loss(
    formula=r"\ell_n = 1 - \frac{2 \sum_i p_{n,i} t_{n,i} + s}{\sum_i p_{n,i} + \sum_i t_{n,i} + s}",
    torch=None,
    view=None, topic="imbalance",
)
def dice_loss(input: Any, target: Any, smooth: float = 1.0, reduction: str = "mean") -> np.ndarray:
    """Soft Dice loss per sample, with DETR's defaults (facebookresearch/detr, ``dice_loss``).

    Shapes: ``input`` (probabilities, e.g. sigmoid of mask logits) and ``target`` (0/1 mask
    or soft mask in [0, 1]) of equal shape ``(N, *)``; each sample ``n`` is flattened over
    all dims but the first. Output ``(N,)`` for ``"none"``.

    Formula: ``l_n = 1 - (2 sum_i p t + s) / (sum_i p + sum_i t + s)`` with ``s = smooth``
    added to numerator and denominator (DETR uses s = 1; it keeps an empty mask predicted
    empty at loss 0). Derivative: ``dl_n/dp_i = -(2 t_i D - (2 I + s)) / D^2`` with
    ``I = sum p t`` and ``D = sum p + sum t + s``.

    Differences from DETR: lossviz takes probabilities (DETR applies the sigmoid itself)
    and reduces with ``reduction`` ("mean" over samples) where DETR divides the sum by its
    number of boxes. No torch counterpart.
    """
    p, t, s = _dice_inputs(input, target, smooth, reduction)
    intersection, total = _dice_sums(p, t, s)
    return _reduction.reduce(1.0 - (2.0 * intersection + s) / total, reduction)


def _dice_inputs(input: Any, target: Any, smooth: float, reduction: str) -> tuple[np.ndarray, np.ndarray, float]:
    p, t = _binary_inputs("input", input, "target", target)
    if p.ndim < 2:
        raise ValueError(f"input must have shape (N, *) with a batch dimension, got {p.shape}")
    probabilities("input", p)
    s = positive("smooth", smooth, allow_zero=True)
    _reduction.check(reduction)
    return p.reshape(len(p), -1), t.reshape(len(t), -1), s


def _dice_sums(p: np.ndarray, t: np.ndarray, s: float) -> tuple[np.ndarray, np.ndarray]:
    """Per sample: the soft intersection sum p t, and the denominator sum p + sum t + s."""
    return np.sum(p * t, axis=1), np.sum(p, axis=1) + np.sum(t, axis=1) + s


@dice_loss.gradient
def dice_loss_grad(
    input: Any, target: Any, smooth: float = 1.0, reduction: str = "mean", *, grad_output: Any = None
) -> np.ndarray:
    """``-(2 t D - (2 I + s)) / D^2 * upstream`` per sample, shape of ``input``."""
    p, t, s = _dice_inputs(input, target, smooth, reduction)
    intersection, total = _dice_sums(p, t, s)
    local = -(2.0 * t * total[:, None] - (2.0 * intersection + s)[:, None]) / total[:, None] ** 2
    upstream = _reduction.reduce_backward(grad_output, (len(p),), reduction)
    return (local * upstream[:, None]).reshape(np.shape(input))
