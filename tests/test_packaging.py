"""The set-up promises: one package list for pip and conda, pinned CI, a light import."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# conda-forge names that differ from PyPI's
CONDA_TO_PYPI = {"pytorch-cpu": "torch"}


def requirement(spec: str) -> tuple[str, str]:
    """('name', 'lower bound') from 'name>=1.2'."""
    match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(?:>=\s*([0-9][^,\s]*))?", spec.strip())
    assert match, f"unexpected requirement {spec!r}"
    return match.group(1).lower().replace("_", "-"), match.group(2) or ""


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs.extend(extra)
    return dict(requirement(spec) for spec in specs)


def environment_requirements() -> dict[str, str]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    names: dict[str, str] = {}
    for entry in environment["dependencies"]:
        for spec in entry["pip"] if isinstance(entry, dict) else [entry]:
            if spec.startswith("-e") or spec.split("=")[0] in ("python", "pip"):
                continue
            name, bound = requirement(spec)
            names[CONDA_TO_PYPI.get(name, name)] = bound
    return names


def test_environment_yml_and_pyproject_name_the_same_packages_and_bounds():
    assert environment_requirements() == pyproject_requirements()


def test_environment_yml_installs_this_package_in_editable_mode():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(entry["pip"] for entry in environment["dependencies"] if isinstance(entry, dict))
    assert "-e ." in pip


def test_ci_constraints_pin_every_requirement_and_torch_to_the_cpu_wheel():
    pins = {}
    for line in (ROOT / "requirements" / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    missing = set(pyproject_requirements()) - set(pins)
    assert not missing, f"not pinned for CI: {sorted(missing)}"
    # An unpinned or newer torch pulls a CUDA build of several GB.
    assert pins["torch"] == "2.13.0"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "./course test" in readme and "./course lab" in readme
    assert re.search(r"^\./course test$", (ROOT / ".ci" / "run").read_text(), re.MULTILINE)


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert notebook.name in readme, f"README does not list {notebook.name}"


def test_import_lossviz_loads_no_torch_matplotlib_or_ipywidgets():
    code = (
        "import sys, lossviz, lossviz.check, lossviz.losses, lossviz.activations, lossviz.descent, lossviz.data\n"
        "print(sorted(m for m in ('torch', 'matplotlib', 'ipywidgets') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_plot_and_widgets_load_on_first_use():
    code = "import sys, lossviz; lossviz.plot; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"
