"""The glossary (A1) is complete, and every row of it points to a notebook that exists.

Which terms a notebook defines, the one rule these tests apply:

- In every notebook, each bold phrase in its Definition section (the level-2 heading
  "Definition" with its subsections) is a term defined there: that is where the template
  puts definitions, so bold in that section means "defined here" (use italics to stress a
  word instead).
- Notebooks 01-04 were written before that rule and define terms in running text of other
  sections too (01's **vector-Jacobian product** in its checks, 03's **He initialisation**
  in a picture, 04's **minibatch** and **epoch** in a section of their own). In them every
  bold phrase inside running text counts as well; a bold phrase that *opens* a paragraph or
  a list item is a label (**Sign.**, **Torch check.**, a pitfall's first words) and does not.
- 00 sets no terms in bold (its bold stresses instructions); what it defines is its
  notation table, and every symbol of that table must have a row in the glossary's own
  notation table.

A bold phrase that names several terms ("Dice and soft IoU", "Quantile, or pinball") needs
a row for each. A term matches a row when the two are equal after normalising (case,
markup, articles, hyphens, plurals, -ize/-ise), with or without a trailing "loss"; a row
answers to each of its names separated by " / " in its English cell and to the text of
their parentheses ("mean squared error (MSE)" answers to both).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tests import course_text as text

GLOSSARY = text.NOTEBOOKS / f"{text.GLOSSARY}.ipynb"
HAN = re.compile(r"[\u4e00-\u9fff]")
DEFINING = [path for path in text.paths() if path.stem not in (text.GLOSSARY, text.WELCOME)]


def defined_terms(path: Path, legacy: bool | None = None) -> list[str]:
    """The terms ``path`` defines, by the rule in this module's docstring (``legacy``: one of 01-04)."""
    legacy = path.stem in text.FIRST_NOTEBOOKS if legacy is None else legacy
    return [
        bold.text
        for bold in text.bold_spans(path)
        if bold.section.lower().startswith("definition") or (legacy and not bold.opens)
    ]


@pytest.fixture(scope="module")
def entries() -> list[text.Entry]:
    if not GLOSSARY.exists():
        pytest.fail(f"{GLOSSARY.name} is missing")
    found = text.glossary_entries(GLOSSARY)
    assert found, f"{GLOSSARY.name} has no table headed | English | 中文 | meaning | introduced in |"
    return found


@pytest.fixture(scope="module")
def glossary_names(entries: list[text.Entry]) -> set[str]:
    return {name for entry in entries for name in text.names(entry.english)}


@pytest.mark.parametrize("path", DEFINING, ids=lambda path: path.stem)
def test_every_term_a_notebook_defines_is_in_the_glossary(path: Path, glossary_names: set[str]) -> None:
    missing = [term for term in defined_terms(path) if not text.known(term, glossary_names)]
    assert not missing, (
        f"{path.stem} defines terms (in bold) that {GLOSSARY.name} lacks; add a row for each, "
        f"or, if a phrase is not a term, do not set it in bold there: {missing}"
    )


def test_every_symbol_of_the_notation_table_is_in_the_glossary() -> None:
    welcome = text.NOTEBOOKS / f"{text.WELCOME}.ipynb"
    symbols = text.notation_symbols(welcome, "symbol")
    assert len(symbols) >= 10, f"00's notation table not found (symbols read: {symbols})"
    listed = text.notation_symbols(GLOSSARY, "symbol")
    missing = [symbol for symbol in symbols if symbol not in listed]
    assert not missing, f"{GLOSSARY.name}'s notation table lacks these symbols of 00's: {missing}"


def test_every_entry_points_to_a_notebook_that_exists(entries: list[text.Entry]) -> None:
    existing = {path.name: path for path in text.paths()}
    problems = []
    for entry in entries:
        if len(entry.links) != 1:
            problems.append(f"{entry.english}: {len(entry.links)} links in 'introduced in', one expected")
            continue
        link = entry.links[0]
        if link.notebook not in existing or link.notebook == GLOSSARY.name:
            problems.append(f"{entry.english}: {link.target} is not a notebook of the course")
        elif link.anchor is not None:
            anchors = {text.heading_anchor(heading) for heading in text.headings(existing[link.notebook])}
            if link.anchor not in anchors:
                problems.append(f"{entry.english}: {link.notebook} has no heading with the id {link.anchor!r}")
    assert not problems, "\n".join(problems)


def test_every_entry_has_a_chinese_term_and_a_meaning(entries: list[text.Entry]) -> None:
    bad = [entry.english for entry in entries if not HAN.search(entry.chinese) or len(entry.meaning.split()) < 3]
    assert not bad, f"rows without a Chinese term or a meaning of a few words: {bad}"


def test_no_name_is_given_to_two_entries(entries: list[text.Entry]) -> None:
    owners: dict[str, list[str]] = {}
    for entry in entries:
        for name in text.names(entry.english):
            owners.setdefault(name, []).append(entry.english)
    shared = {name: rows for name, rows in owners.items() if len(rows) > 1}
    assert not shared, f"names given to several rows: {shared}"


def test_every_loss_and_activation_of_lossviz_is_named_in_the_glossary() -> None:
    from lossviz.activations import REGISTRY as ACTIVATIONS
    from lossviz.losses import REGISTRY as LOSSES

    glossary = "\n".join(text.markdown(GLOSSARY))
    named = set(re.findall(r"`([\w.]+)`", glossary))
    missing = sorted(set(LOSSES) - named) + sorted(set(ACTIVATIONS) - named)
    assert not missing, f"lossviz functions that no glossary row names in code font: {missing}"


# --------------------------------------------------------------------------- the rule itself


def notebook(tmp_path: Path, stem: str, *cells: str) -> Path:
    path = tmp_path / f"{stem}.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(cell) for cell in cells]), path)
    return path


def test_the_rule_reads_definitions_and_skips_labels_and_emphasis(tmp_path: Path) -> None:
    topic = notebook(
        tmp_path,
        "09_topic",
        "# 09 · Topic\n\nSome **emphasis** in the introduction.",
        "## Definition\n\n**Weighted cross-entropy.** A **logit** is\n**log-odds** across a line break.",
        "### A subsection\n\nStill the **Definition** section.",
        "## Derivation\n\nThe **measured** slope.\n\n- **A label.** Then text.",
    )
    assert defined_terms(topic) == ["Weighted cross-entropy.", "logit", "log-odds", "Definition"]
    first = notebook(
        tmp_path,
        "03_first",
        "## Picture\n\n**Initialisation.** Gain 1 is **LeCun initialisation**; `x**2` is code.",
        "## Pitfalls\n\n- **Shapes.** The **1/N** matters.",
    )
    assert defined_terms(first, legacy=True) == ["LeCun initialisation", "1/N"]
    assert defined_terms(first, legacy=False) == []


def test_terms_match_rows_by_their_names() -> None:
    names = text.names("mean squared error (MSE) / L2 loss") | text.names("quantile loss / pinball loss")
    names |= text.names("Dice loss") | text.names("soft IoU loss") | text.names("logit")
    for term in ("MSE", "the mean squared error", "L2", "Quantile, or pinball", "Dice and soft IoU", "Logits."):
        assert text.known(term, names), term
    for term in ("mean absolute error", "Dice and hard IoU", "squared error", "logistic"):
        assert not text.known(term, names), term
