"""Small seeded datasets made in code: nothing is downloaded.

Each function takes a ``seed`` and returns numpy arrays; the same seed gives the same data.
"""

from __future__ import annotations

import numpy as np


def line(
    n: int = 20,
    *,
    slope: float = 2.0,
    intercept: float = 1.0,
    noise: float = 0.3,
    outlier: tuple[float, float] | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Points (x, y) near y = slope x + intercept, x in [0, 1]; optional extra ``outlier`` (x, y)."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0, 1, n))
    y = slope * x + intercept + noise * rng.standard_normal(n)
    if outlier is not None:
        x, y = np.append(x, outlier[0]), np.append(y, outlier[1])
    return x, y


def blobs(
    n: int = 100, *, centers: int = 2, spread: float = 0.8, dim: int = 2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points (n, dim) around ``centers`` centres on a circle of radius 2; labels (n,) int."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % centers
    angles = 2 * np.pi * np.arange(centers) / centers
    centres = np.zeros((centers, dim))
    centres[:, 0], centres[:, 1 % dim] = 2 * np.cos(angles), 2 * np.sin(angles)
    points = centres[labels] + spread * rng.standard_normal((n, dim))
    return points, labels


def moons(n: int = 100, *, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles (n, 2), labels (n,) in {0, 1}: not linearly separable."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2
    angle = rng.uniform(0, np.pi, n)
    x = np.where(labels == 0, np.cos(angle), 1 - np.cos(angle))
    y = np.where(labels == 0, np.sin(angle), 0.5 - np.sin(angle))
    points = np.stack([x, y], axis=1) + noise * rng.standard_normal((n, 2))
    return points, labels


def regression(
    n: int = 200, *, features: int = 3, noise: float = 0.1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A smooth nonlinear target: inputs (n, features) in [-2, 2], targets (n,)."""
    rng = np.random.default_rng(seed)
    inputs = rng.uniform(-2, 2, (n, features))
    weights = np.linspace(1.0, 0.2, features)
    targets = np.sin(inputs @ weights) + 0.5 * inputs[:, 0] ** 2 + noise * rng.standard_normal(n)
    return inputs, targets
