"""The IPython shell that runs notebook cells, for the grader and inside the sandbox alike.

No kernel: an ``InteractiveShell`` in the current process, so magics, ``display`` and
``get_ipython()`` work as in a notebook. History is off (no thread, no file), tracebacks
are plain text, and the last error is kept as ``shell.last_error`` = (name, message,
traceback text) instead of being printed.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["close_figures", "make_shell"]


def make_shell() -> Any:
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "nocolor"
    shell = InteractiveShell.instance(config=config)
    shell.last_error = None

    def record(etype: type, evalue: BaseException, stb: list[str]) -> None:
        shell.last_error = (etype.__name__, str(evalue), "\n".join(stb))

    shell._showtraceback = record
    # A cell's last expression is shown as its value alone, as a notebook shows it (no "Out[0]:").
    shell.displayhook.write_output_prompt = lambda: None
    return shell


def close_figures() -> None:
    """Close every pyplot figure, as the notebook's inline backend does after each cell."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        try:
            pyplot.close("all")
        except Exception:  # noqa: BLE001 (a learner may have broken pyplot; not the grader's concern)
            pass
