"""The repository stands alone, and `pytest` runs what `./course test` runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# A clone holds only this repository: no folder beside it, no tracker to look numbers up in.
# The sibling folder's name is put together here, so that this file does not name it itself.
BESIDE = "/".join(["..", "shared"])
OUTSIDE = re.compile(re.escape(BESIDE) + "|" + re.escape("/work/" + "shared") + r"|\b[Ii]ssue\s*#?\d+")
# A markdown document a file mentions (README.md, docs/grading.md): it must be one of the
# repository's own, so no text sends a reader to a document a clone does not have.
DOCUMENT = re.compile(r"[\w./-]*\w\.md\b")


def documents_missing(line: str, documents: list[str]) -> list[str]:
    """The markdown documents ``line`` mentions that are not among ``documents`` (the
    repository's own, as paths from its root; a mention may give the path or its end)."""
    def ours(mention: str) -> bool:
        path = mention.removeprefix("./")
        return any(document == path or document.endswith("/" + path) for document in documents)

    return [mention for mention in DOCUMENT.findall(line) if not ours(mention)]


def tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    return [ROOT / name for name in listed.stdout.decode().split("\0") if name]


def test_outside_pattern_catches_what_it_should():
    for text in (f"see {BESIDE}/notes.txt", "as issue 12 asks", "Issue #3"):
        assert OUTSIDE.search(text), text
    for text in ("an issue with numbers", "tissue 3", "the shared style", "issues"):
        assert not OUTSIDE.search(text), text


def test_documents_missing_names_only_documents_the_repository_lacks():
    documents = ["README.md", "CONTRIBUTING.md", "docs/grading.md"]
    assert documents_missing("the layout is in NOTES.md and docs/grading.md", documents) == ["NOTES.md"]
    assert documents_missing("see other/README.md", documents) == ["other/README.md"]
    assert documents_missing("see grading.md, README.md and ./CONTRIBUTING.md", documents) == []
    assert documents_missing("a .md file, an md5 sum", documents) == []


def test_no_file_refers_to_anything_outside_the_repository():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    found = []
    documents = [str(path.relative_to(ROOT)) for path in tracked_files() if path.suffix == ".md"]
    for path in tracked_files():
        if not path.is_file() or path == Path(__file__).resolve():  # this file names the patterns
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary
        for number, line in enumerate(text.splitlines(), 1):
            match = OUTSIDE.search(line)
            for mention in ([match.group(0)] if match else []) + documents_missing(line, documents):
                found.append(f"{path.relative_to(ROOT)}:{number}: {mention!r}")
    assert not found, "references to things a clone does not have:\n" + "\n".join(found)


def course_pytest_arguments() -> list[str]:
    """The arguments `./course test` adds to pytest, read from the script itself."""
    script = (ROOT / "course").read_text()
    line = next(line for line in script.splitlines() if "-m pytest" in line)
    return line.split("-m pytest", 1)[1].replace('"$@"', "").split()


def collected(arguments: list[str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *arguments, "--collect-only", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return sorted(line for line in result.stdout.splitlines() if "::" in line)


@pytest.mark.slow
def test_plain_pytest_collects_what_course_test_collects():
    extra = course_pytest_arguments()
    # ./course adds only the parallel schedule, which changes where tests run, not which
    # (xdist's workers each collect, and it stops if they differ); everything else lives
    # in pyproject.toml and conftest.py. So plain pytest's collection is ./course test's.
    assert extra == ["-n", "2", "--dist", "loadscope"], extra
    plain = collected([])
    kinds = {"doctests": "lossviz/", "tests": "tests/", "notebooks": "notebooks/"}
    for kind, prefix in kinds.items():
        assert any(name.startswith(prefix) for name in plain), f"pytest collects no {kind}"
    notebooks = sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))
    probed = sorted(name.split("::")[0].removeprefix("notebooks/") for name in plain if name.endswith("::every control moved"))
    assert probed == notebooks, "each notebook's controls are moved after its last cell"
