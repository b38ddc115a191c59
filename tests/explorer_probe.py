"""After nbval has run a notebook top to bottom in its kernel, every explorer's every control
is moved in that same kernel: one more item per notebook, ``<notebook>::every control moved``.

This is what a learner does after "Run All": the exercises have rebound their globals,
and they go back to a Play section and move the sliders. Each slider is set to its ends
and a middle value, each choice to every option (for the loss and activation explorers:
every loss, and every control of that loss); after each move the explorer must show no
error and hold a picture. Widgets made with ``ipywidgets.interact`` get the same moves,
with their function called on the values (``interactive`` swallows exceptions).

This module is a pytest plugin (the repository's ``conftest.py`` loads it): it adds the
item right after the notebook's last cell, so it shares nbval's kernel (and, under
xdist's loadscope, the notebook's worker): the notebook runs once for both.
``-k "not moved"`` leaves it out.
"""

from __future__ import annotations

import json
from queue import Empty
from typing import Any

import pytest

NAME = "every control moved"

# Runs in the notebook's kernel after its last cell; prints one JSON line.
PROBE = r'''
import json as _json
import ipywidgets as _widgets
import matplotlib.pyplot as _plt
from lossviz.explorer import Explorer as _Explorer, _range as _span


def _values(control):
    if isinstance(control, _widgets.Dropdown):
        return [option[1] if isinstance(option, tuple) else option for option in control.options]
    if isinstance(control, _widgets.SelectionSlider):
        values = [value for _, value in control.options]
        return [values[0], values[len(values) // 2], values[-1]]
    low, high = _span(control)
    middle = low + round((high - low) / control.step / 2) * control.step
    return [low, int(middle) if isinstance(control, _widgets.IntSlider) else middle, high]


def _move(explorer, name, value, failures, label):
    try:
        explorer.update(**{name: value})
    except Exception as error:
        failures.append(f"{label}: {name}={value!r}: {type(error).__name__}: {error}")
        return 0
    if explorer.message.value or not explorer.image.value:
        failures.append(f"{label}: {name}={value!r} left the message {explorer.message.value!r}")
    return 1


_moved, _failures, _count = 0, [], 0
for _explorer in list(_Explorer.instances):
    _count += 1
    _label = f"{_explorer._title}"
    _choices = _explorer.controls.get("name")
    for _choice in (_values(_choices) if _choices is not None else [None]):
        if _choice is not None:
            _moved += _move(_explorer, "name", _choice, _failures, _label)
        for _name, _control in list(_explorer.controls.items()):
            if _name == "name":
                continue
            _start = _control.value
            for _value in _values(_control):
                _moved += _move(_explorer, _name, _value, _failures, f"{_label} {_choice or ''}")
            _explorer.update(**{_name: _start})

for _widget in list(_widgets.Widget.widgets.values()):
    if isinstance(_widget, _widgets.interactive):
        _count += 1
        for _control in _widget.kwargs_widgets:
            _start = _control.value
            for _value in _values(_control):
                _control.value = _value
                try:
                    _widget.f(**_widget.kwargs)
                    _moved += 1
                except Exception as error:
                    _failures.append(f"interact {_widget.f.__name__}: {_control.description}={_value!r}: {type(error).__name__}: {error}")
                finally:
                    _plt.close("all")
            _control.value = _start

print("PROBE " + _json.dumps({"explorers": _count, "moved": _moved, "failures": _failures}))
'''


class ExplorerProbe(pytest.Item):
    """Runs PROBE in the kernel nbval left after the notebook's last cell."""

    def runtest(self) -> None:
        kernel = self.parent.kernel
        if kernel is None or not kernel.is_alive():
            pytest.fail("the notebook's kernel is not running: an earlier cell failed it")
        timeout = self.config.option.nbval_cell_timeout
        msg_id = kernel.execute_cell_input(PROBE, allow_stdin=False)
        text, errors = [], []
        try:
            kernel.await_reply(msg_id, timeout=timeout)
            while True:
                message = kernel.get_message(stream="iopub", timeout=timeout)
                if message["parent_header"].get("msg_id") != msg_id:
                    continue
                content = message["content"]
                if message["msg_type"] == "stream":
                    text.append(content["text"])
                elif message["msg_type"] == "error":
                    errors.append(f"{content['ename']}: {content['evalue']}")
                elif message["msg_type"] == "status" and content["execution_state"] == "idle":
                    break
        except Empty:
            pytest.fail(f"moving the controls took more than {timeout} s")
        assert not errors, "moving the controls raised: " + "; ".join(errors)
        line = next((line for line in "".join(text).splitlines() if line.startswith("PROBE ")), None)
        assert line is not None, "".join(text)[-2000:]
        result = json.loads(line[len("PROBE ") :])
        assert not result["failures"], "\n".join(result["failures"])
        if self.uses_widgets():
            assert result["explorers"] >= 1, (
                "no explorer in the kernel: were the notebook's cells run before this item? "
                "(it moves the controls after the last cell; -k that selects it alone runs no cell)"
            )
            assert result["moved"] >= 3 * result["explorers"], f"too few moves: {result}"

    def uses_widgets(self) -> bool:
        return any(
            "explorer(" in cell.source or "interact" in cell.source for cell in self.parent.nb.cells if cell.cell_type == "code"
        )

    def reportinfo(self) -> tuple[Any, int, str]:
        return self.path, 0, f"{self.parent.nodeid}::{NAME}"


@pytest.hookimpl(tryfirst=True)  # before -k and -m deselect: a probe is deselected like any item
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Insert an ``ExplorerProbe`` after each notebook's last collected cell."""
    from nbval.plugin import IPyNbFile

    result: list[pytest.Item] = []
    for position, item in enumerate(items):
        result.append(item)
        parent = item.parent
        following = items[position + 1] if position + 1 < len(items) else None
        if isinstance(parent, IPyNbFile) and (following is None or following.parent is not parent):
            result.append(ExplorerProbe.from_parent(parent, name=NAME))
    items[:] = result
