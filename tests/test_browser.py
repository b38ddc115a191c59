"""A real browser: JupyterLab on 127.0.0.1, Debian's Chromium driven by Playwright.

- The fixture notebook shows ``descent_explorer``; the test runs it, moves the first slider
  with the keyboard and asserts that the picture the browser shows changed, that it is
  drawn at the size it is shown, and that no error appeared.
- A notebook executed and saved as the course saves its notebooks (nbclient, widget state
  stored), then opened without running: every explorer shows its picture, both as a fresh
  clone sees it (untrusted: JupyterLab renders no widgets, the output's ``image/png`` shows)
  and as its author sees it (trusted: the widget, from the stored state). Never "Error
  displaying widget: model not found" nor ``Explorer(children=...)``.

Skipped without /usr/bin/chromium unless LOSSVIZ_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
FIXTURE = Path(__file__).parent / "fixtures" / "explorer.ipynb"
ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_MS = 120_000  # kernel start and first import on a busy two-core machine
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) for the browser test"
    if os.environ.get("LOSSVIZ_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_server(url: str, server: subprocess.Popen, log: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"jupyter lab exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/status", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise AssertionError(f"jupyter lab did not answer at {url} within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def _environment(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "IPYTHONDIR": str(tmp_path / "ipython"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }


@contextlib.contextmanager
def _serve(tmp_path: Path, work: Path) -> Iterator[str]:
    """A JupyterLab server serving ``work``, isolated from the user's settings."""
    env = _environment(tmp_path)
    env.pop("MPLBACKEND", None)
    port = _free_port()
    log = tmp_path / "lab.log"
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
        "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
        "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={work}",
        "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=work, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_server(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def lab(tmp_path: Path):
    """A JupyterLab server serving a copy of the fixture notebook."""
    _require_chromium()
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(FIXTURE, work / "explorer.ipynb")
    with _serve(tmp_path, work) as url:
        yield url


@contextlib.contextmanager
def _browser(device_scale_factor: float = 1.0) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=device_scale_factor)
            page.set_default_timeout(TIMEOUT_MS)
            yield page
        finally:
            browser.close()


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget && window.jupyterapp.shell.currentWidget.sessionContext")
    page.wait_for_function("window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.connectionStatus === 'connected'")


def test_slider_moved_with_keyboard_redraws_the_explorer(lab: str) -> None:
    with _browser() as page:
        _open(page, f"{lab}/lab/tree/explorer.ipynb")
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")

        picture = page.locator(".jp-OutputArea-output .widget-image").first
        picture.wait_for(state="visible")
        page.wait_for_function("document.querySelector('.jp-OutputArea-output .widget-image').naturalWidth > 0")
        source_before = picture.get_attribute("src")
        pixels_before = picture.screenshot()

        handle = page.locator(".jp-OutputArea-output .widget-slider .noUi-handle").first  # the lr slider
        readout = page.locator(".jp-OutputArea-output .widget-readout").first
        value_before = readout.inner_text()
        handle.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "before => document.querySelector('.jp-OutputArea-output .widget-image').src !== before", arg=source_before
        )
        page.wait_for_function("document.querySelector('.jp-OutputArea-output .widget-image').naturalWidth > 0")
        assert readout.inner_text() != value_before, "the slider did not move"
        pixels_after = picture.screenshot()
        assert pixels_after != pixels_before, "the explorer's picture did not change"

        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], .jp-OutputArea-output .widget-html-content pre")
        assert errors.count() == 0, f"error output: {errors.all_inner_texts()}"
        natural, shown = page.evaluate("(() => { const i = document.querySelector('.jp-OutputArea-output .widget-image'); return [i.naturalWidth, i.clientWidth]; })()")
        assert natural == 960 and 0.85 * natural <= shown <= natural, f"drawn {natural} px wide, shown {shown} px wide"


# A notebook as the course saves one: explorers in cells, executed, widget state stored.
SAVED_CELLS = [
    "import lossviz.widgets",
    "lossviz.widgets.loss_explorer(\"huber_loss\")",
    "x = 1.5\n\n\ndef one_weight_loss(w):\n    return (w * x) ** 2\n\n\ndef one_weight_grad(w):\n    return 2 * w * x**2",
    "lossviz.widgets.descent_explorer(one_weight_loss, one_weight_grad, lr=0.2, steps=12)",
    "x = [1.0, 2.0]  # a later cell rebinds the global",
]


def _saved_notebook(path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in SAVED_CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(notebook, path)


def _pictures_of_explorer_cells(page: Any) -> list[dict[str, Any]]:
    """For each cell with a widget output: what its output area shows, scrolled into view."""
    cells = page.evaluate(
        """() => { const nb = window.jupyterapp.shell.currentWidget.content; const found = [];
        nb.widgets.forEach((cell, i) => { const outputs = cell.model.toJSON().outputs || [];
          if (outputs.some(o => o.data && o.data['application/vnd.jupyter.widget-view+json'])) found.push(i); });
        return found; }"""
    )
    shown = []
    for index in cells:
        page.evaluate(f"async () => {{ const nb = window.jupyterapp.shell.currentWidget.content; nb.activeCellIndex = {index}; await nb.scrollToItem({index}, 'center'); }}")
        area = page.locator(".jp-Cell.jp-mod-active .jp-OutputArea")
        area.locator("img").first.wait_for(state="visible")
        page.wait_for_function("document.querySelector('.jp-Cell.jp-mod-active .jp-OutputArea img').naturalWidth > 0")
        shown.append(
            page.evaluate(
                """() => { const area = document.querySelector('.jp-Cell.jp-mod-active .jp-OutputArea');
                const image = area.querySelector('img');
                return {text: area.innerText, width: image.naturalWidth, shown: image.clientWidth,
                        widget: !!area.querySelector('.widget-image')}; }"""
            )
        )
    return shown


def test_saved_unexecuted_notebook_shows_every_explorer_picture(tmp_path: Path) -> None:
    _require_chromium()
    work = tmp_path / "work"
    work.mkdir()
    _saved_notebook(work / "saved.ipynb")
    import nbformat

    trusted = nbformat.read(work / "saved.ipynb", as_version=4)
    # Trust is kept per content: an identical copy would make saved.ipynb trusted too.
    trusted.cells.insert(0, nbformat.v4.new_markdown_cell("Opened by its author."))
    nbformat.write(trusted, work / "trusted.ipynb")
    subprocess.run(
        [sys.executable, "-m", "jupyter", "trust", str(work / "trusted.ipynb")], env=_environment(tmp_path), check=True, capture_output=True
    )
    with _serve(tmp_path, work) as url, _browser() as page:
        for name, widget in (("saved.ipynb", False), ("trusted.ipynb", True)):
            _open(page, f"{url}/lab/tree/{name}?reset")  # opened, never run; ?reset: no other tab restored
            assert page.evaluate("window.jupyterapp.shell.currentWidget.context.path") == name
            shown = _pictures_of_explorer_cells(page)
            assert len(shown) == 2, shown
            for output in shown:
                assert "Error displaying widget" not in output["text"] and "Explorer(" not in output["text"], output
                assert output["widget"] is widget, f"{name}: {'the widget from its saved state' if widget else 'the saved picture'} expected"
                assert output["width"] == 960 and output["shown"] >= 0.85 * 960, output

