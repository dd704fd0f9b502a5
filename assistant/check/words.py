"""Words and tokens: how a quote and an article's text are cut and normalised the same way.

Both sides go through ``tokenize``, so "exact" means exact up to what a pasted quote cannot be
trusted to keep: curly or straight quotation marks and apostrophes, the kind of dash, "…" written
"...", whitespace, and Markdown markup between words. Every token keeps its character span, so a
match is always a span of the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_WORD = r"[^\W_]+(?:['’‘ʼ][^\W_]+)*"
_TOKEN = re.compile(rf"(?P<w>{_WORD})|(?P<e>\.{{3,}}|…)|(?P<d>[-‐‑‒–—―−]+)|(?P<p>[^\w\s])")
WORD_RE = re.compile(_WORD)
_CHARS = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′ʼ´`", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
    }
)
_MARKUP = frozenset("#*=•")  # headings, emphasis, wiki headings, bullets: never part of what is said
_LINE_MARKUP = frozenset(">-+")  # a blockquote or a list bullet, at the start of a line
SENTENCE_END = frozenset(".!?")
ELLIPSIS = "..."


def _norm(raw: str) -> str:
    if raw.isascii():
        return raw
    text = raw.translate(_CHARS)
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def word_key(raw: str) -> str:
    """How a word is looked up: normalised and lower-cased."""
    return _norm(raw).lower()


@dataclass
class Tokens:
    """A text as tokens: words and punctuation marks, normalised, each with its character span."""

    values: list[str]
    starts: list[int]
    ends: list[int]
    words: list[int]  # indices of the word tokens
    soft: set[int]  # list bullets and blockquote marks opening a line: no difference when missing
    folded: list[str]  # values in lower case: alignment ignores case, differences then show it

    def __len__(self) -> int:
        return len(self.values)


def _at_line_start(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] == "\n"


def tokenize(text: str, start: int = 0, end: int | None = None) -> Tokens:
    """Tokens of ``text[start:end]`` with spans into ``text``. Whitespace separates; headings'
    ``#``, emphasis ``*`` and bullets ``•`` vanish; a dash, ``+`` or ``>`` opening a line is soft (a
    list bullet or a blockquote in Markdown, or a line break before a dash in a pasted quote)."""
    end = len(text) if end is None else end
    out = Tokens([], [], [], [], set(), [])
    for m in _TOKEN.finditer(text, start, end):
        kind, raw = m.lastgroup, m.group()
        soft = False
        if kind == "w":
            value = _norm(raw)
            out.words.append(len(out.values))
        elif kind == "e":
            value = ELLIPSIS
        elif kind == "d":
            value = "-"
            soft = _at_line_start(text, m.start()) and text[m.end() : m.end() + 1] in (" ", "\t")
            if not soft and out.values and out.values[-1] == "-" and not text[out.ends[-1] : m.start()].strip():
                out.ends[-1] = m.end()  # "– --" is one dash, however it was typed
                continue
        else:
            if raw in _MARKUP or unicodedata.category(raw) == "Cf":
                continue
            value = _norm(raw)
            soft = raw in _LINE_MARKUP and _at_line_start(text, m.start())
        if soft:
            out.soft.add(len(out.values))
        out.folded.append(value.lower() if kind == "w" else value)
        out.values.append(value)
        out.starts.append(m.start())
        out.ends.append(m.end())
    return out
