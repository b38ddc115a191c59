"""The course reads as one book: its links lead somewhere, and each notebook says where it
stands.

- Links: every markdown link to a notebook (``[05](05_mse_rmse.ipynb)``, optionally with
  ``#anchor``) names, by its plain file name, a notebook in notebooks/. An anchor must be
  the id JupyterLab gives one of that notebook's headings: the heading's rendered text with
  each space replaced by "-" (``#Derivation,-step-by-step``). A heading with math has no id
  one can predict (MathJax renders it), so an anchor to one fails. A link whose text starts
  with a notebook number ("05", "A1") points to that notebook, so a copied link cannot
  silently lead elsewhere. Links inside code are not links and are not read.
- Opening: the first markdown cell starts with the title "# NN · Title" (NN the file's
  number), and, except in 00, its next paragraph starts with "Assumes" and links to the
  notebooks it builds on: at least one, and only notebooks before it in the course's order.
- Closing: the last markdown cell links to the next notebook in the course's order, except
  in the last notebook.
- The README's table of notebooks lists every notebook in the folder, and nothing else.

The course's order is the order of the file names: 00 ... 21, then the appendix A1. It is
read from the folder, so a notebook added later is checked as it lands.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tests import course_text as text

PATHS = text.paths()
ORDER = [path.stem for path in PATHS]
README = text.NOTEBOOKS.parent / "README.md"
NUMBER_TEXT = re.compile(r"^\W*([0-9]{2}|[A-Z][0-9])\b")


def broken_links(path: Path, folder: Path = text.NOTEBOOKS) -> list[str]:
    existing = {notebook.name: notebook for notebook in text.paths(folder)}
    problems = []
    for link in text.notebook_links(path):
        where = f"markdown cell {link.cell}: [{link.text}]({link.target})"
        target = existing.get(link.notebook)
        if target is None:
            problems.append(f"{where}: no notebook {link.notebook} in {folder.name}/")
            continue
        if link.anchor is not None:
            anchors = {text.heading_anchor(heading) for heading in text.headings(target)}
            if link.anchor not in anchors:
                problems.append(f"{where}: {link.notebook} has no heading with the id {link.anchor!r}")
        claimed = NUMBER_TEXT.match(link.text)
        if claimed and claimed.group(1) != text.number(target.stem):
            problems.append(f"{where}: the text says {claimed.group(1)}, the link goes to {target.stem}")
    return problems


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.stem)
def test_every_link_to_a_notebook_resolves(path: Path) -> None:
    problems = broken_links(path)
    assert not problems, f"{path.stem}: links that lead nowhere:\n" + "\n".join(problems)


def opening_problems(path: Path, order: list[str]) -> list[str]:
    cells = text.markdown(path)
    if not cells:
        return ["no markdown cell"]
    blocks = text.paragraphs(text.without_fences(cells[0]))
    title = f"# {text.number(path.stem)} · "
    if not blocks or not blocks[0].startswith(title):
        return [f"the first markdown cell must start with the title '{title}...'"]
    if path.stem == order[0]:
        return []
    assumes = blocks[1] if len(blocks) > 1 else ""
    if not assumes.startswith("Assumes"):
        return [f"after the title, a paragraph 'Assumes [NN](NN_topic.ipynb) (...)' must follow, not {assumes[:60]!r}"]
    position = order.index(path.stem)
    links = [link.notebook[: -len(".ipynb")] for link in text.notebook_links(path) if link.cell == 0 and link.target in assumes]
    if not links:
        return ["the 'Assumes' paragraph links to no notebook"]
    later = [stem for stem in links if stem not in order or order.index(stem) >= position]
    return [f"the 'Assumes' paragraph links to notebooks that do not come before it: {later}"] if later else []


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.stem)
def test_opens_with_its_title_and_what_it_assumes(path: Path) -> None:
    problems = opening_problems(path, ORDER)
    assert not problems, f"{path.stem}: " + "; ".join(problems)


def closing_problem(path: Path, order: list[str]) -> str | None:
    position = order.index(path.stem)
    if position == len(order) - 1:
        return None
    following = f"{order[position + 1]}.ipynb"
    last = len(text.markdown(path)) - 1
    linked = [link.notebook for link in text.notebook_links(path) if link.cell == last]
    if following not in linked:
        return f"its last markdown cell must link to the next notebook, {following} (it links to {linked or 'none'})"
    return None


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.stem)
def test_closes_with_a_link_to_the_next_notebook(path: Path) -> None:
    problem = closing_problem(path, ORDER)
    assert problem is None, f"{path.stem}: {problem}"


def test_readme_lists_every_notebook() -> None:
    listed = re.findall(r"^\| `([0-9A-Z]\w*)\.ipynb` \|", README.read_text(encoding="utf-8"), re.M)
    assert sorted(listed) == ORDER, f"the README's table lists {sorted(listed)}, the folder holds {ORDER}"


# --------------------------------------------------------------------------- the checks can fail


def write(folder: Path, stem: str, *cells: str) -> Path:
    path = folder / f"{stem}.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(cell) for cell in cells]), path)
    return path


def test_the_checks_catch_what_they_should(tmp_path: Path) -> None:
    write(tmp_path, "00_start", "# 00 · Start\n\nHello.", "Next: [01](01_next.ipynb).")
    good = write(
        tmp_path,
        "01_next",
        "# 01 · Next\n\nAssumes [00](00_start.ipynb) (the start).\n\nText.",
        "## Plain heading\n\n## With `code` and *stress*\n\n## With $x$ math",
        "See [here](00_start.ipynb#Nothing), [00](01_next.ipynb), [ok](01_next.ipynb#Plain-heading),\n"
        "[ok](01_next.ipynb#With-code-and-stress), [no](01_next.ipynb#With-$x$-math), "
        "`[code](99_none.ipynb)` and [gone](02_gone.ipynb).",
    )
    order = [path.stem for path in text.paths(tmp_path)]
    problems = broken_links(good, tmp_path)
    assert len(problems) == 4, problems
    assert "no heading with the id 'Nothing'" in problems[0] and "the text says 00" in problems[1]
    assert "'With-$x$-math'" in problems[2] and "no notebook 02_gone.ipynb" in problems[3]
    assert opening_problems(good, order) == []
    assert closing_problem(good, order) is None  # the last one
    assert closing_problem(tmp_path / "00_start.ipynb", order) is None

    late = write(tmp_path, "02_late", "# 02 · Late\n\nAssumes [03](03_later.ipynb).", "The end.")
    write(tmp_path, "03_later", "# 03 · Later\n\nIt assumes nothing.", "End.")
    order = [path.stem for path in text.paths(tmp_path)]
    assert "do not come before it: ['03_later']" in opening_problems(late, order)[0]
    assert "must follow" in opening_problems(tmp_path / "03_later.ipynb", order)[0]
    assert "02_late.ipynb" in closing_problem(good, order)
    assert "03_later.ipynb" in closing_problem(late, order)
    untitled = write(tmp_path, "04_untitled", "Assumes [00](00_start.ipynb).")
    assert "title '# 04 · ...'" in opening_problems(untitled, order + ["04_untitled"])[0]
