"""lossviz: the numerics, plots and widgets of the lossviz course.

``import lossviz`` loads only numpy-based modules; ``lossviz.plot`` and
``lossviz.widgets`` (matplotlib, ipywidgets) load on first use, and torch is imported
only inside the functions that compare with it.
"""

import importlib
from typing import Any

from . import activations, check, losses

__version__ = "0.1.0"
__all__ = ["activations", "check", "data", "descent", "explorer", "graph", "losses", "plot", "views", "widgets"]

_LAZY = ("data", "descent", "explorer", "graph", "plot", "views", "widgets")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'lossviz' has no attribute {name!r}")
