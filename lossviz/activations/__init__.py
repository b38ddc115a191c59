"""Every activation: numpy forward, hand-derived derivative, LaTeX formula, torch counterpart.

``REGISTRY`` maps each name to its ``Function``; the submodules group them by topic:
``saturating`` (sigmoid, tanh, ...), ``rectifiers`` (relu and its relatives), ``smooth``
(gelu, silu, mish, softplus, hardswish) and ``normalising`` (softmax family, glu).
"""

from ._registry import REGISTRY
from .normalising import *  # noqa: F403
from .rectifiers import *  # noqa: F403
from .saturating import *  # noqa: F403
from .smooth import *  # noqa: F403

__all__ = ["REGISTRY", *REGISTRY]
