"""A real browser: JupyterLab on 127.0.0.1, Debian's Chromium driven by Playwright.

The fixture notebook shows ``descent_explorer``; the test runs it, moves the first slider
with the keyboard and asserts that the picture the browser shows changed and that no
error appeared. Skipped without /usr/bin/chromium unless LOSSVIZ_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
FIXTURE = Path(__file__).parent / "fixtures" / "explorer.ipynb"
ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_MS = 120_000  # kernel start and first import on a busy two-core machine


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


@pytest.fixture
def lab(tmp_path: Path):
    """A JupyterLab server serving a copy of the fixture notebook, isolated from the user's settings."""
    _require_chromium()
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(FIXTURE, work / "explorer.ipynb")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "IPYTHONDIR": str(tmp_path / "ipython"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
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


def test_slider_moved_with_keyboard_redraws_the_explorer(lab: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(f"{lab}/lab/tree/explorer.ipynb")
            page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget && window.jupyterapp.shell.currentWidget.sessionContext")
            page.wait_for_function("window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.connectionStatus === 'connected'")
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
        finally:
            browser.close()
