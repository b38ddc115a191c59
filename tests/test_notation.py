"""One notation: the symbols of 00's notation table keep their meaning in every notebook.

What is checked. For the symbols most at risk, $x$, $y$, $\\hat y$, $p$, $z$, $w$, $\\sigma$
and $\\eta$ (each also with a subscript, $x_i$, $w_c$, $p_t$...), the markdown of every
notebook is searched for the ways English names a symbol's meaning:

- "$p$ is / are / denotes / stands for / means the <meaning>", "where $p$ is the ...";
- "$p$, the <meaning>" and "$p$ (the <meaning>)";
- "with / where / and $p$ the <meaning>";
- "the <meaning> $p$", "a <meaning> $p$" (up to four words before the symbol).

Each meaning found must contain a word of the symbol's meaning in the table (``MEANINGS``):
"the box width $w$", "$p$ is the number of positives" or "$y$, the activation's output"
fail; "the logit $z$", "$w_c$, the weight of class $c$" or "the same $x$" do not (a
meaning made only of words such as "same", "new", "first" names nothing, and "the slope
of $x$" says something about $x$, not what it is).

Limits. Only these phrasings are read, so a redefinition written another way passes: by
an equation ("$y = \\tanh(x)$" could be a target made from an input or an activation's
output renamed), inside display math, in a table cell, in a plot label or in code. The
meaning words are a list, so a new but legitimate meaning (say "$x$ the radius of a
circle" in a geometry aside) fails until the list or the text changes; that is deliberate:
the table is the one place meanings are set. $\\delta$ is not guarded: the table makes it
the gradient with respect to a pre-activation, while Huber's loss has a `delta` argument
that torch names so; $a$, $L$, $N$, $C$ and $g$ are not guarded either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import course_text as text

# The symbols guarded, as LaTeX inside $...$, and the words of their meaning in 00's table.
SYMBOLS = {
    "x": r"x",
    "y": r"y",
    "y_hat": r"\\(?:hat|widehat)\s*\{?\s*y\s*\}?",
    "p": r"p",
    "z": r"z",
    "w": r"w",
    "sigma": r"\\sigma",
    "eta": r"\\eta",
}
MEANINGS = {
    "x": {"input", "feature", "argument", "sample", "point", "embedding", "prediction", "logit", "score",
          "pre-activation", "value", "number", "anchor", "image"},
    "y": {"target", "label", "class", "true", "truth", "observed", "observation", "answer", "outcome",
          "ground", "identity", "sign"},
    "y_hat": {"prediction", "predicted", "output", "estimate", "forecast", "fit", "model", "mean", "median",
              "quantile", "value"},
    "p": {"probability", "chance", "sigmoid", "softmax", "fraction", "rate", "frequency", "share",
          "confidence", "predicted", "prediction"},
    "z": {"logit", "pre-activation", "score", "argument", "input"},
    "w": {"weight", "slope", "parameter", "coefficient", "factor", "pos_weight"},
    "sigma": {"sigmoid", "logistic"},
    "eta": {"learning", "rate", "step"},
}
# Words that say which one, not what: a meaning made only of these names nothing.
NOT_A_MEANING = {
    "same", "new", "next", "previous", "current", "given", "first", "second", "third", "last", "other",
    "fixed", "single", "one", "two", "each", "every", "any", "some", "this", "that", "whole", "small",
    "large", "larger", "smaller", "big", "tiny", "positive", "negative", "scalar", "vector", "real",
    "random", "updated", "final", "initial", "optimal", "best", "old", "only", "entire", "corresponding",
    "measured", "computed", "learned", "trained", "typical", "starting", "start", "resulting", "shifted",
    "original", "of", "symbol", "variable", "its", "their", "our", "your", "own", "such", "far", "near",
}
# Nouns that name something else: in "the <words> $w$" (where the words before a symbol may
# be anything, "the update multiplies $w$"), only these make a meaning, and only when it is
# not the symbol's own.
OTHER_MEANINGS = {
    "width", "height", "edge", "corner", "coordinate", "count", "number", "depth", "layer", "dimension",
    "margin", "scale", "temperature", "variance", "deviation", "std", "noise", "radius", "angle",
    "distance", "momentum", "decay", "size", "length", "index", "time", "output", "loss", "error",
    "residual", "threshold", "bias", "mean", "median", "quantile", "gradient", "derivative", "level",
} | set().union(*MEANINGS.values())
PREPOSITIONS = {
    "of", "at", "to", "for", "from", "by", "in", "on", "over", "along", "through", "than", "into", "onto",
    "under", "near", "around", "between", "about", "per", "via", "like", "as", "and", "or", "with",
}
ARTICLE = r"(?i:the|a|an)"
VERB_AFTER = re.compile(r"\s+(?i:is|are|denotes|denote|stands for|means)\b")
PREPOSITION_AT_END = re.compile(r"\b(?:" + "|".join(sorted(PREPOSITIONS)) + r")$")


def math(symbol: str) -> str:
    """The symbol alone in inline math, with at most a sub- and a superscript: $p$, $p_t$,
    $w_{+}$, $\\hat y_i$, $p^\\star$ (not $p_y - 1$, a formula)."""
    script = r"(?:\{[^${}]{1,12}\}|\\?\w+|[*+-])"
    return r"\$\s*" + SYMBOLS[symbol] + r"(?:\s*_\s*" + script + r")?(?:\s*\^\s*" + script + r")?\s*\$"


def patterns(symbol: str) -> list[tuple[re.Pattern[str], bool]]:
    """(pattern, the meaning follows the symbol); case matters for the symbol only."""
    s = r"(?P<before>[\w'-]*)\s*" + math(symbol)
    gloss = r"(?P<gloss>" + ARTICLE + r"\b[^.;:,()\n$]{1,70})"
    return [
        (re.compile(s + r"\s+(?i:is|are|denotes|denote|stands for|means)\s+" + gloss), True),
        (re.compile(s + r",\s+" + gloss), True),
        (re.compile(s + r"\s+\(" + gloss), True),
        (re.compile(r"\b(?i:with|where|and)\s+" + s + r"\s+" + gloss), True),
        (re.compile(r"\b" + ARTICLE + r"\s+(?P<gloss>(?:[\w'-]+\s+){0,3}[\w'-]+)\s+" + math(symbol)), False),
    ]


@dataclass(frozen=True)
class Use:
    symbol: str
    meaning: str
    sentence: str


def words(phrase: str) -> list[str]:
    found = re.findall(r"[\w'-]+", phrase.lower())
    if found and found[0] in ("the", "a", "an"):
        found = found[1:]
    return [text.singular(word[:-2] if word.endswith("'s") else word) for word in found]


def judged(symbol: str, gloss: str, follows: bool) -> bool | None:
    """True: a meaning of the table; False: another meaning; None: not a meaning at all.

    After the symbol ("$p$ is the ..."), a meaning must use a word of the table's meaning;
    before it ("the ... $p$"), the words may be anything, so only a noun of another meaning
    counts against it.
    """
    found = words(gloss)
    if not found or all(word in NOT_A_MEANING for word in found):
        return None
    if PREPOSITION_AT_END.search(gloss.strip().lower()):
        return None  # "the scale of $x$", "the rate and $w$": about the symbol, not its name
    if follows:
        return bool(set(found) & MEANINGS[symbol])
    if found[-1] not in OTHER_MEANINGS:
        return None  # "the update multiplies $w$": the word before the symbol names nothing
    return found[-1] in MEANINGS[symbol] or bool(set(found) & MEANINGS[symbol])


def redefinitions(source: str) -> list[Use]:
    """The phrases of ``source`` (markdown) that give a guarded symbol another meaning."""
    prose = " ".join(text.code_as_words(source).split())
    found = []
    for symbol in SYMBOLS:
        for pattern, follows in patterns(symbol):
            for match in pattern.finditer(prose):
                if follows and match.group("before").lower() in PREPOSITIONS:
                    continue  # "the derivative of $f$ at $x$ is ...": $x$ is not the subject
                if follows and prose[match.end() :].lstrip().startswith("$"):
                    continue  # "$w$, the prediction $\\hat y$": the words name the next symbol
                if not follows and VERB_AFTER.match(prose[match.end() :]):
                    continue  # "for the center loss $y_i$ is the class": a new clause starts
                if judged(symbol, match.group("gloss"), follows) is False:
                    start, end = max(match.start() - 40, 0), min(match.end() + 20, len(prose))
                    found.append(Use(symbol, match.group("gloss").strip(), prose[start:end]))
    return found


@pytest.mark.parametrize("path", text.paths(), ids=lambda path: path.stem)
def test_the_notation_table_keeps_its_meanings(path: Path) -> None:
    if path.stem == text.WELCOME:
        pytest.skip("00 sets the notation")
    found = [use for source in text.markdown(path) for use in redefinitions(source)]
    assert not found, f"{path.stem} gives symbols of 00's notation table another meaning:\n" + "\n".join(
        f"  {use.symbol}: '{use.meaning}' in ...{use.sentence}..." for use in found
    )


def test_the_table_still_has_these_symbols() -> None:
    table = text.notation_symbols(text.NOTEBOOKS / f"{text.WELCOME}.ipynb", "symbol")
    joined = " ".join(table)
    for latex in ("$x$", "$y$", "$\\hat y$", "$p$", "$z$", "$w$", "$\\sigma$", "$\\eta$"):
        assert latex in joined, f"00's notation table no longer lists {latex}: update SYMBOLS here"


@pytest.mark.parametrize(
    "sentence",
    [
        "Let $w$ be given, and $h$ the height: the box width $w$ and its centre.",
        "Here $p$ is the number of positives in the batch.",
        "The output $y$, the activation's output, is bounded.",
        "where $z$ is the depth of the network",
        "with $\\sigma$ the standard deviation of the noise",
        "the noise level $\\sigma$ of the data",
        "and $\\eta$ the momentum",
        "$\\hat y$ denotes the label of the class",
        "$x_1$, the left edge of the box",
    ],
)
def test_a_redefinition_is_caught(sentence: str) -> None:
    assert redefinitions(sentence), f"not caught: {sentence}"


@pytest.mark.parametrize(
    "sentence",
    [
        "the logit $z$ and the probability $p = \\sigma(z)$",
        "$w_c$, the weight of class $c$, multiplies its loss",
        "at the same $x$ the slope of $x$ is larger",
        "where $y$ is the true class and $\\hat y$ the prediction of the model",
        "$p$ (the probability of yes) and $x$, the input features",
        "with $\\eta$ the learning rate and $w_+$ the `pos_weight`",
        "the sigmoid $\\sigma$ squashes any score; a large $z$ saturates it",
    ],
)
def test_a_use_of_the_table_is_not_flagged(sentence: str) -> None:
    assert not redefinitions(sentence), redefinitions(sentence)
