"""Small seeded datasets made in code: nothing is downloaded.

Each function takes a ``seed`` and returns numpy arrays; the same seed gives the same data.
Counts and scales are checked first, with a message naming the argument.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validate import positive

__all__ = ["line", "blobs", "moons", "regression"]


def _count(name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _seed(seed: Any) -> np.random.Generator:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    return np.random.default_rng(int(seed))


def line(
    n: int = 20,
    *,
    slope: float = 2.0,
    intercept: float = 1.0,
    noise: float = 0.3,
    outlier: tuple[float, float] | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Points near the line ``y = slope x + intercept``, x in [0, 1].

    Parameters
    ----------
    n : int, default 20
        How many points (>= 1), sorted by x.
    slope, intercept : float
    noise : float, default 0.3
        Standard deviation of the Gaussian noise on y (>= 0).
    outlier : (float, float), optional
        One extra point (x, y) appended at the end.
    seed : int, default 0

    Returns
    -------
    x, y : ndarray of shape (n,) or (n + 1,)

    Raises
    ------
    ValueError
        For ``n < 1``, negative ``noise``, an ``outlier`` that is not a pair, or a bad seed.

    Examples
    --------
    >>> x, y = line(3, noise=0.0)
    >>> bool(np.allclose(y, 2 * x + 1))
    True
    >>> line(2, outlier=(0.5, 9.0))[1][-1]
    np.float64(9.0)
    """
    n = _count("n", n)
    positive("noise", noise, allow_zero=True)
    rng = _seed(seed)
    x = np.sort(rng.uniform(0, 1, n))
    y = slope * x + intercept + noise * rng.standard_normal(n)
    if outlier is not None:
        pair = np.asarray(outlier, dtype=np.float64)
        if pair.shape != (2,):
            raise ValueError(f"outlier must be one point (x, y), got shape {pair.shape}")
        x, y = np.append(x, pair[0]), np.append(y, pair[1])
    return x, y


def blobs(
    n: int = 100, *, centers: int = 2, spread: float = 0.8, dim: int = 2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points around ``centers`` centres on a circle of radius 2, labelled by centre.

    Parameters
    ----------
    n : int, default 100
        How many points (>= 1); labels cycle 0, 1, ..., centers - 1.
    centers : int, default 2
        How many classes (>= 1).
    spread : float, default 0.8
        Standard deviation around each centre (>= 0).
    dim : int, default 2
        Dimensions of each point (>= 2; the circle lies in the first two).
    seed : int, default 0

    Returns
    -------
    points : ndarray of shape (n, dim)
    labels : ndarray of shape (n,), int

    Raises
    ------
    ValueError
        For a count below its minimum, a negative ``spread`` or a bad seed.

    Examples
    --------
    >>> points, labels = blobs(4, centers=2, spread=0.0)
    >>> points.round(6).tolist(), labels.tolist()
    ([[2.0, 0.0], [-2.0, 0.0], [2.0, 0.0], [-2.0, 0.0]], [0, 1, 0, 1])
    """
    n, centers, dim = _count("n", n), _count("centers", centers), _count("dim", dim, 2)
    positive("spread", spread, allow_zero=True)
    rng = _seed(seed)
    labels = np.arange(n) % centers
    angles = 2 * np.pi * np.arange(centers) / centers
    centres = np.zeros((centers, dim))
    centres[:, 0], centres[:, 1] = 2 * np.cos(angles), 2 * np.sin(angles)
    points = centres[labels] + spread * rng.standard_normal((n, dim))
    return points, labels


def moons(n: int = 100, *, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles: not linearly separable.

    Parameters
    ----------
    n : int, default 100
        How many points (>= 2); labels alternate 0, 1.
    noise : float, default 0.1
        Standard deviation of the Gaussian noise (>= 0).
    seed : int, default 0

    Returns
    -------
    points : ndarray of shape (n, 2)
    labels : ndarray of shape (n,), in {0, 1}

    Raises
    ------
    ValueError
        For ``n < 2``, negative ``noise`` or a bad seed.

    Examples
    --------
    >>> points, labels = moons(6)
    >>> points.shape, np.bincount(labels).tolist()
    ((6, 2), [3, 3])
    """
    n = _count("n", n, 2)
    positive("noise", noise, allow_zero=True)
    rng = _seed(seed)
    labels = np.arange(n) % 2
    angle = rng.uniform(0, np.pi, n)
    x = np.where(labels == 0, np.cos(angle), 1 - np.cos(angle))
    y = np.where(labels == 0, np.sin(angle), 0.5 - np.sin(angle))
    points = np.stack([x, y], axis=1) + noise * rng.standard_normal((n, 2))
    return points, labels


def regression(
    n: int = 200, *, features: int = 3, noise: float = 0.1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A smooth nonlinear target of a few features.

    Parameters
    ----------
    n : int, default 200
        How many samples (>= 1).
    features : int, default 3
        Inputs per sample (>= 1), uniform in [-2, 2].
    noise : float, default 0.1
        Standard deviation of the Gaussian noise on the target (>= 0).
    seed : int, default 0

    Returns
    -------
    inputs : ndarray of shape (n, features)
    targets : ndarray of shape (n,)

    Raises
    ------
    ValueError
        For a count below 1, negative ``noise`` or a bad seed.

    Examples
    --------
    >>> inputs, targets = regression(5, features=2)
    >>> inputs.shape, targets.shape
    ((5, 2), (5,))
    """
    n, features = _count("n", n), _count("features", features)
    positive("noise", noise, allow_zero=True)
    rng = _seed(seed)
    inputs = rng.uniform(-2, 2, (n, features))
    weights = np.linspace(1.0, 0.2, features)
    targets = np.sin(inputs @ weights) + 0.5 * inputs[:, 0] ** 2 + noise * rng.standard_normal(n)
    return inputs, targets
