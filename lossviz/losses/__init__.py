"""Every loss: numpy forward, hand-derived gradient, LaTeX formula, torch counterpart.

``REGISTRY`` maps each name to its ``Function``; the submodules group them by topic.
"""

from ._registry import REGISTRY, TOPICS
from .boxes import *  # noqa: F403
from .classification import *  # noqa: F403
from .embedding import *  # noqa: F403
from .margin import *  # noqa: F403
from .regression import *  # noqa: F403

__all__ = ["REGISTRY", "TOPICS", *REGISTRY]
