"""One valid call of every registered loss and activation, at any size.

``sample(name, size)`` returns the positional arguments (the required ones, and the
softmax family's ``dim``, whose default torch deprecates: every other option keeps its
default) of a typical call of the function ``name`` whose first
argument holds about ``size`` numbers, drawn from a seeded generator. The memory
benchmark calls every function at ten million elements with them; the contract tests
call every function through them (as torch's test suite keeps its sample inputs beside
its operators).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

__all__ = ["SAMPLES", "sample"]

_CLASSES = 10  # classes per sample (classification, margin and face losses)
_FEATURES = 16  # embedding width


def _rows(size: int, width: int) -> int:
    return max(size // width, 1)


def _elementwise(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    return (rng.normal(0.0, 3.0, size),)


def _pair(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    return rng.normal(0.0, 3.0, size), rng.normal(0.0, 3.0, size)


def _signs(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    return rng.normal(0.0, 2.0, size), rng.choice([-1.0, 1.0], size)


def _logits(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    n = _rows(size, _CLASSES)
    return rng.normal(0.0, 2.0, (n, _CLASSES)), rng.integers(0, _CLASSES, n)


def _probabilities(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    return rng.uniform(0.01, 0.99, size), rng.uniform(0.0, 1.0, size)


def _logits_and_probabilities(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    return rng.normal(0.0, 2.0, size), rng.uniform(0.0, 1.0, size)


def _multilabel(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    n = _rows(size, _CLASSES)
    target = np.full((n, _CLASSES), -1)
    target[:, :3] = np.argsort(rng.random((n, _CLASSES)), axis=1)[:, :3]  # three target classes each
    return rng.normal(0.0, 1.0, (n, _CLASSES)), target


def _boxes(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    def boxes(n: int) -> np.ndarray:
        corner = rng.uniform(0.0, 10.0, (n, 2))
        return np.concatenate([corner, corner + rng.uniform(0.5, 5.0, (n, 2))], axis=1)

    n = _rows(size, 4)
    return boxes(n), boxes(n)


def _embeddings(count: int) -> Callable[[int, np.random.Generator], tuple[Any, ...]]:
    def draw(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
        n = _rows(size, _FEATURES)
        return tuple(rng.normal(0.0, 1.0, (n, _FEATURES)) for _ in range(count))

    return draw


def _labelled_pairs(labels: tuple[int, int]) -> Callable[[int, np.random.Generator], tuple[Any, ...]]:
    def draw(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
        x1, x2 = _embeddings(2)(size, rng)
        return x1, x2, rng.choice(labels, len(x1))

    return draw


def _center(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    (features,) = _embeddings(1)(size, rng)
    return features, rng.integers(0, _CLASSES, len(features)), rng.normal(0.0, 1.0, (_CLASSES, _FEATURES))


def _cosines(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    n = _rows(size, _CLASSES)
    return rng.uniform(-1.0, 1.0, (n, _CLASSES)), rng.integers(0, _CLASSES, n)


def _gaussian(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    return rng.normal(0.0, 3.0, size), rng.normal(0.0, 3.0, size), rng.uniform(0.1, 2.0, size)


def _poisson(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    return rng.normal(0.0, 1.0, size), rng.poisson(2.0, size).astype(np.float64)


def _ranking(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    return rng.normal(0.0, 1.0, size), rng.normal(0.0, 1.0, size), rng.choice([-1.0, 1.0], size)


def _kl(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    return np.log(rng.uniform(0.01, 1.0, size)), rng.uniform(0.0, 1.0, size)


def _rows_of_features(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    """``(N, 10)``: a class or feature dimension for the softmax family and glu."""
    return (rng.normal(0.0, 3.0, (_rows(size, _CLASSES), _CLASSES)),)


def _along_rows(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    """The softmax family along dim 1 (their default, dim=None, is deprecated in torch)."""
    return (*_rows_of_features(size, rng), 1)


def _prelu(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    (x,) = _rows_of_features(size, rng)
    return x, rng.uniform(0.0, 0.5, _CLASSES)


def _threshold(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    return rng.normal(0.0, 3.0, size), 0.5, -1.0


def _dice(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    n = _rows(size, 100)
    return rng.uniform(0.0, 1.0, (n, 100)), (rng.random((n, 100)) < 0.3).astype(np.float64)


def _multilabel_soft(size: int, rng: np.random.Generator) -> tuple[Any, ...]:
    n = _rows(size, _CLASSES)
    return rng.normal(0.0, 2.0, (n, _CLASSES)), (rng.random((n, _CLASSES)) < 0.3).astype(np.float64)


SAMPLES: dict[str, Callable[[int, np.random.Generator], tuple[Any, ...]]] = {
    # losses
    "mse_loss": _pair,
    "l1_loss": _pair,
    "smooth_l1_loss": _pair,
    "huber_loss": _pair,
    "poisson_nll_loss": _poisson,
    "gaussian_nll_loss": _gaussian,
    "rmse": _pair,
    "mape": _pair,
    "log_cosh": _pair,
    "quantile": _pair,
    "cross_entropy": _logits,
    "nll_loss": _logits,
    "binary_cross_entropy": _probabilities,
    "binary_cross_entropy_with_logits": _logits_and_probabilities,
    "kl_div": _kl,
    "multilabel_soft_margin_loss": _multilabel_soft,
    "sigmoid_focal_loss": _logits_and_probabilities,
    "softmax_focal_loss": _logits,
    "dice_loss": _dice,
    "hinge_embedding_loss": _signs,
    "multi_margin_loss": _logits,
    "multilabel_margin_loss": _multilabel,
    "soft_margin_loss": _signs,
    "margin_ranking_loss": _ranking,
    "hinge": _signs,
    "multiclass_hinge": _logits,
    "squared_hinge": _signs,
    "triplet_margin_loss": _embeddings(3),
    "cosine_embedding_loss": _labelled_pairs((-1, 1)),
    "contrastive_loss": _labelled_pairs((0, 1)),
    "center_loss": _center,
    "arcface_loss": _cosines,
    "cosface_loss": _cosines,
    "sphereface_loss": _cosines,
    "iou_loss": _boxes,
    "giou_loss": _boxes,
    "diou_loss": _boxes,
    "ciou_loss": _boxes,
    # activations
    **{name: _elementwise for name in (
        "relu", "relu6", "leaky_relu", "rrelu", "elu", "selu", "celu", "softshrink", "hardshrink",
        "sigmoid", "tanh", "logsigmoid", "softsign", "hardtanh", "hardsigmoid", "tanhshrink",
        "gelu", "silu", "mish", "softplus", "hardswish",
    )},
    "prelu": _prelu,
    "threshold": _threshold,
    "softmax": _along_rows,
    "log_softmax": _along_rows,
    "softmin": _along_rows,
    "glu": _rows_of_features,
}


def sample(name: str, size: int, seed: int = 0) -> tuple[Any, ...]:
    """The required arguments of one typical call of ``name``, its first holding about ``size`` numbers."""
    return SAMPLES[name](size, np.random.default_rng(seed))
