"""`./course lab` is the learner's JupyterLab: nbgrader's instructor interface is off there.

nbgrader is installed (the coursework tool and instructors use it) and enables, for every
JupyterLab of the venv, a menu, a "Create Assignment" cell toolbar, a "Validate" button and
server pages. `./course lab` puts a config folder first on JUPYTER_CONFIG_PATH that turns
them off. This starts the real command and asks the server what a browser would get.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SYS_PREFIX_CONFIG = ROOT / ".venv" / "etc" / "jupyter" / "jupyter_server_config.d" / "nbgrader.json"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0  # not listening yet


@pytest.mark.slow
def test_course_lab_hides_nbgrader_from_learners(tmp_path: Path) -> None:
    # The venv as installed turns nbgrader on everywhere: what ./course lab must undo.
    enabled = json.loads(SYS_PREFIX_CONFIG.read_text())["ServerApp"]["jpserver_extensions"]
    assert enabled and all(enabled.values())

    port = _free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "IPYTHONDIR": str(tmp_path / "ipython"),
    }
    command = [
        "./course", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        "--ServerApp.port_retries=0", "--ServerApp.token=", "--ServerApp.password=",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    log = tmp_path / "lab.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while _status(f"{url}/api/status") != 200:
            assert server.poll() is None, f"./course lab exited:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"./course lab did not answer:\n{log.read_text()[-3000:]}"
            time.sleep(0.5)
        with urllib.request.urlopen(f"{url}/lab", timeout=30) as response:
            page = response.read().decode()
        config = json.loads(re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.S).group(1))
        assert "@jupyter/nbgrader" in config["disabledExtensions"], "nbgrader's lab extension is on"
        assert _status(f"{url}/formgrader") == 404, "nbgrader's formgrader page is served"
        assert _status(f"{url}/api/status") == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
