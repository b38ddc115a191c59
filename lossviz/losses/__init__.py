"""Every loss: numpy forward, hand-derived gradient, LaTeX formula, torch counterpart."""

from ._registry import REGISTRY

__all__ = ["REGISTRY", *REGISTRY]
