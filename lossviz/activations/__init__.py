"""Every activation: numpy forward, hand-derived derivative, LaTeX formula, torch counterpart."""

from ._registry import REGISTRY

__all__ = ["REGISTRY", *REGISTRY]
