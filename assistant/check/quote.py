"""Reading a pasted quote: cleaning it, and which of its tokens to look for.

A pasted quote carries the writer's marks as well as the article's words: ellipses at either end
("… and then"), ellipses joining parts, quotation marks around it and the stop that ends it. These
helpers decide what is looked for, before any lookup, so every front end checks the same text.
"""

from __future__ import annotations

import unicodedata

from assistant.check.types import QuoteError
from assistant.check.words import ELLIPSIS, Tokens, tokenize

MAX_QUOTE_CHARS = 20_000

_QUOTE_MARKS = frozenset("\"'")
_CLOSING = frozenset(".,;:")


def clean_quote(text: str) -> str:
    """The quote as checked: control characters out, NFC, at most MAX_QUOTE_CHARS."""
    text = "".join(ch if unicodedata.category(ch)[0] != "C" or ch in "\n\t" else " " for ch in text or "")
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        raise QuoteError("Please paste the text to check.")
    if len(text) > MAX_QUOTE_CHARS:
        raise QuoteError(f"The quote is over {MAX_QUOTE_CHARS:,} characters; check it in parts.")
    return text


def prepare(text: str) -> tuple[str, Tokens, int, int]:
    """The quote, its tokens, and the range to look for (without ellipses at either end)."""
    quote = clean_quote(text)
    q = tokenize(quote)
    lo, hi = 0, len(q)
    while lo < hi and q.values[lo] == ELLIPSIS:  # "… and then": the quote starts mid-sentence
        lo += 1
    while hi > lo and q.values[hi - 1] == ELLIPSIS:
        hi -= 1
    if not any(lo <= i < hi for i in q.words):
        raise QuoteError("The quote has no words to look for.")
    return quote, q, lo, hi


def edge_marks(q: Tokens, lo: int, hi: int) -> set[int]:
    """Quotation marks around a quote, and the stop or comma that ends it, are the writer's, not the
    article's: soft (they count when the article has them, and are no difference when it does not)."""
    soft = set()
    i = lo
    while i < hi and q.values[i] in _QUOTE_MARKS:
        soft.add(i)
        i += 1
    j = hi - 1
    while j > i and (q.values[j] in _QUOTE_MARKS or q.values[j] in _CLOSING):
        soft.add(j)
        j -= 1
    return soft


def split_parts(q: Tokens, lo: int, hi: int) -> list[tuple[int, int]]:
    """Token ranges between ellipses, each with at least one word."""
    parts, start = [], lo
    for i in range(lo, hi + 1):
        if i == hi or q.values[i] == ELLIPSIS:
            if any(start <= w < i for w in q.words):
                parts.append((start, i))
            start = i + 1
    return parts
