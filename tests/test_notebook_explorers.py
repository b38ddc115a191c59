"""Every notebook run top to bottom in a real kernel, then every explorer's every control moved.

This is what a learner does after "Run All": the exercises have rebound their globals,
and they go back to a Play section and move the sliders. Each slider is set to its ends
and a middle value, each choice to every option (for the loss and activation explorers:
every loss, and every control of that loss); after each move the explorer must show no
error and hold a picture. Widgets made with ``ipywidgets.interact`` get the same moves,
with their function called on the values (``interactive`` swallows exceptions).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))

pytestmark = pytest.mark.slow

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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_run_all_then_move_every_control(path: Path, tmp_path: Path) -> None:
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    uses_widgets = any(
        "explorer(" in cell.source or "interact" in cell.source for cell in notebook.cells if cell.cell_type == "code"
    )
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE))
    # Run where the notebook lives, as a learner does (relative paths, the course's files).
    # Every cell takes seconds. ipykernel 7 now and then loses a reply and both sides wait
    # forever; so a cell gets 120 s, and a run cut short that way is repeated once.
    from nbclient.exceptions import CellTimeoutError

    run = nbformat.from_dict(json.loads(json.dumps(notebook)))
    try:
        NotebookClient(run, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    except CellTimeoutError:
        run = nbformat.from_dict(json.loads(json.dumps(notebook)))
        NotebookClient(run, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    notebook = run
    stream = "".join(output.get("text", "") for output in notebook.cells[-1].outputs if output.get("output_type") == "stream")
    result = json.loads(next(line for line in stream.splitlines() if line.startswith("PROBE "))[6:])
    assert not result["failures"], "\n".join(result["failures"])
    if uses_widgets:
        assert result["explorers"] >= 1 and result["moved"] >= 3 * result["explorers"], result
