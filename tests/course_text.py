"""Reading the course's notebooks as text: sections, bold terms, links, anchors, the glossary.

Shared by the tests of the course as a whole (test_glossary.py, test_course_links.py,
test_notation.py). Everything here works on the markdown a reader sees; code cells are not
read.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
GLOSSARY = "A1_glossary"
WELCOME = "00_welcome"
# The notebooks written before the rule "a term is defined in bold in the Definition
# section" (see test_glossary.py for how their terms are read).
FIRST_NOTEBOOKS = ("01_derivatives_numerically", "02_chain_rule", "03_backpropagation", "04_gradient_descent")


def paths(folder: Path = NOTEBOOKS) -> list[Path]:
    """The course's notebooks in the course's order: 00 ... 21, then the appendix A1."""
    return sorted(folder.glob("[0-9A-Z]*.ipynb"))


def stems(folder: Path = NOTEBOOKS) -> list[str]:
    return [path.stem for path in paths(folder)]


def number(stem: str) -> str:
    """'05' for '05_mse_rmse', 'A1' for 'A1_glossary'."""
    return stem.split("_", 1)[0]


@functools.lru_cache(maxsize=None)
def markdown(path: Path) -> tuple[str, ...]:
    """The source of each markdown cell, in order."""
    cells = nbformat.read(path, as_version=4).cells
    return tuple(cell.source for cell in cells if cell.cell_type == "markdown")


# --------------------------------------------------------------------------- markdown text

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)
LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")
LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+")


def without_fences(text: str) -> str:
    """The text with fenced code blocks blanked (their lines kept, so positions stay)."""
    return FENCE.sub(lambda match: "\n" * match.group(0).count("\n"), text)


def without_code(text: str) -> str:
    """The text without fenced blocks and with every inline code span blanked out."""
    return CODE_SPAN.sub(lambda match: " " * len(match.group(0)), without_fences(text))


def code_as_words(text: str) -> str:
    """The text without fenced blocks, inline code kept as its words (without backticks)."""
    return CODE_SPAN.sub(lambda match: match.group(2), without_fences(text))


def sections(path: Path) -> list[tuple[str, str]]:
    """(level-2 heading, its markdown) in order; text before the first level-2 heading has ''.

    Subsections (###...) belong to their level-2 section.
    """
    found: list[tuple[str, list[str]]] = [("", [])]
    for source in markdown(path):
        text = without_fences(source)
        start = 0
        for match in HEADING.finditer(text):
            if len(match.group(1)) == 2:
                found[-1][1].append(text[start : match.start()])
                found.append((match.group(2).strip(), []))
                start = match.end()
        found[-1][1].append(text[start:])
    return [(title, "\n\n".join(parts)) for title, parts in found]  # a cell ends a paragraph


def paragraphs(text: str) -> list[str]:
    """Blocks separated by blank lines; each list item and each heading is a block of its own."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            if current:
                blocks.append(current)
            current = []
        elif LIST_MARKER.match(line) or HEADING.match(line):
            if current:
                blocks.append(current)
            current = [line]
        else:
            current.append(line)
    if current:
        blocks.append(current)
    return ["\n".join(block) for block in blocks]


@dataclass(frozen=True)
class Bold:
    text: str  # the bold words, on one line
    opens: bool  # the first thing in its paragraph or list item: a label, like "**Sign.**"
    section: str  # its level-2 section


def bold_spans(path: Path) -> list[Bold]:
    found = []
    for section, text in sections(path):
        for block in paragraphs(text):
            content = CODE_SPAN.sub(lambda m: m.group(0).replace("*", "\0"), block)  # ** in code
            content = LIST_MARKER.sub("", content, count=1).lstrip()
            for match in BOLD.finditer(content):
                words = " ".join(match.group(1).replace("\0", "*").split())
                found.append(Bold(words, match.start() == 0, section))
    return found


# --------------------------------------------------------------------------- links and anchors


@dataclass(frozen=True)
class Link:
    text: str
    target: str  # as written: '05_mse_rmse.ipynb#Definition'
    cell: int  # index among the markdown cells

    @property
    def notebook(self) -> str:
        return self.target.split("#", 1)[0]

    @property
    def anchor(self) -> str | None:
        return self.target.split("#", 1)[1] if "#" in self.target else None


NOTEBOOK_TARGET = re.compile(r"^[^:#?]*\.ipynb(?:#.*)?$")


def notebook_links(path: Path) -> list[Link]:
    """Every markdown link whose target is a notebook (not in code spans or code blocks)."""
    return [
        Link(match.group("text"), match.group("target"), index)
        for index, source in enumerate(markdown(path))
        for match in LINK.finditer(without_code(source))
        if NOTEBOOK_TARGET.match(match.group("target"))
    ]


def heading_anchor(heading: str) -> str | None:
    """The id JupyterLab gives a heading: its rendered text with each space replaced by '-'.

    JupyterLab (``createHeaderId``) takes the heading element's ``textContent``. That text is
    predictable for plain words, inline code, emphasis and links, so those are rendered here;
    math is typeset by MathJax into text that depends on the renderer, so a heading with math
    has no anchor one can link to soundly (None).
    """
    if "$" in heading or "\\(" in heading:
        return None
    text = CODE_SPAN.sub(lambda match: match.group(2), heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images: their text
    text = re.sub(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1", r"\2", text)  # emphasis
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return text.replace(" ", "-")


def headings(path: Path) -> list[str]:
    return [match.group(2).strip() for source in markdown(path) for match in HEADING.finditer(without_fences(source))]


# --------------------------------------------------------------------------- terms and the glossary

ARTICLE = re.compile(r"^(?:the|a|an)\s+")
PARENTHESIS = re.compile(r"\(([^)]*)\)")
ALTERNATIVES = re.compile(r",\s*or\s+|\s+or\s+|,\s*and\s+|\s+and\s+")


def singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "as")):
        return word[:-1]
    return word


def normalise(term: str) -> str:
    """A term as compared: no markup, lower case, no article, no hyphens, singular, -ise."""
    text = term.replace("`", "").replace("$", "").replace("*", "").replace("\\", "")
    text = " ".join(text.split()).strip().strip(".:;,").strip().lower()
    text = ARTICLE.sub("", text)
    text = text.replace("-", " ").replace("ization", "isation").replace("izing", "ising")
    return " ".join(singular(word) for word in text.split())


def names(english: str) -> set[str]:
    """The names a glossary row answers to: its alternatives (' / '), each with and without
    its parenthesis, the parenthesis itself, and each name with and without ' loss'."""
    found = set()
    for alternative in english.split(" / "):
        bare = PARENTHESIS.sub("", alternative)
        found.add(normalise(bare))
        found.update(normalise(inner) for inner in PARENTHESIS.findall(alternative))
    found |= {name[: -len(" loss")] for name in found if name.endswith(" loss")}
    return {name for name in found if name}


def term_parts(term: str) -> list[str]:
    """A bold phrase naming several terms ('Dice and soft IoU', 'Quantile, or pinball'),
    split into them; each must be in the glossary."""
    return [part for part in ALTERNATIVES.split(term) if part.strip()]


def known(term: str, glossary_names: set[str]) -> bool:
    def one(part: str) -> bool:
        name = normalise(part)
        return name in glossary_names or (name + " loss") in glossary_names

    return one(term) or all(one(part) for part in term_parts(term))


@dataclass(frozen=True)
class Entry:
    english: str
    chinese: str
    meaning: str
    links: tuple[Link, ...]


ROW = re.compile(r"^\|(.+)\|[ \t]*$", re.M)


def table_rows(text: str) -> list[list[str]]:
    """The cells of every markdown table row (header and separator rows included)."""
    return [[cell.strip() for cell in match.group(1).split("|")] for match in ROW.finditer(text)]


def glossary_entries(path: Path) -> list[Entry]:
    """Every row of the glossary's term tables: | English | 中文 | meaning | introduced in |."""
    entries = []
    for index, source in enumerate(markdown(path)):
        rows = table_rows(without_fences(source))
        if not rows or [cell.lower() for cell in rows[0]] != ["english", "中文", "meaning", "introduced in"]:
            continue
        for cells in rows[2:]:
            links = tuple(
                Link(match.group("text"), match.group("target"), index) for match in LINK.finditer(cells[3])
            )
            entries.append(Entry(cells[0], cells[1], cells[2], links))
    return entries


def notation_symbols(path: Path, header: str) -> list[str]:
    """The first column of the table whose header row starts with ``header`` ('symbol')."""
    for source in markdown(path):
        rows = table_rows(without_fences(source))
        if rows and rows[0][0].lower() == header:
            return [cells[0] for cells in rows[2:]]
    return []
