"""Aligning a quote with a stretch of an article, word by word, and listing where they differ.

Only the candidate stretches the run index finds are aligned (difflib on tokens), so the cost is a
few small alignments per quote. The alignment measures what the verdict rules (verdict.py) judge:
how many of the quote's words line up in order, how many words the stretch has, and the places
they differ, each located in the article's true text so a front end can show it.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.check.articles import ArticleText
from assistant.check.types import Difference
from assistant.check.verdict import is_close
from assistant.check.words import SENTENCE_END, Tokens, tokenize

GAP_COST = 0.5  # tokens of alignment gap that cost as much as one matched token is worth


@dataclass
class Aligned:
    """One alignment of (a part of) the quote with a stretch ``start:end`` of an article."""

    article: ArticleText
    part: int
    start: int
    end: int
    differences: list[Difference]
    quote_words: int
    matched_words: int
    article_words: int
    groups: int
    exact: bool

    @property
    def coverage(self) -> float:
        return self.matched_words / max(self.quote_words, 1)

    @property
    def precision(self) -> float:
        return self.matched_words / max(self.article_words, 1)

    @property
    def similarity(self) -> float:
        return 2 * self.matched_words / max(self.quote_words + self.article_words, 1)

    @property
    def close(self) -> bool:
        return is_close(self)


def _is_word(value: str) -> bool:
    return value[:1].isalnum()


def _chain(blocks: list[tuple[int, int, int]]) -> tuple[int, int]:
    """The run of matching blocks worth most: matched tokens minus GAP_COST per token of gap between
    them (Kadane's maximum-sum run). Drops stray one-word matches far from the quote's place."""
    best, best_range = -1.0, (0, 0)
    score, first = 0.0, 0
    for k, (i, j, n) in enumerate(blocks):
        if k > first:
            pi, pj, pn = blocks[k - 1]
            gap = max(i - (pi + pn), j - (pj + pn))
            score -= GAP_COST * gap
        if score < 0:
            score, first = 0.0, k
        score += n
        if score > best:
            best, best_range = score, (first, k + 1)
    return best_range


def _edge(window: Tokens, content: str, at: int, want: int, step: int) -> int:
    """How many article tokens next to a matched block pair with ``want`` unmatched quote tokens at
    the quote's edge (a changed first or last word), without crossing a sentence or line end."""
    taken, j = 0, at
    while taken < want:
        nxt = j + step
        if nxt < 0 or nxt >= len(window):
            break
        a, b = (window.ends[nxt], window.starts[j]) if step < 0 else (window.ends[j], window.starts[nxt])
        if "\n" in content[a:b]:
            break
        if window.values[nxt if step < 0 else j] in SENTENCE_END:
            break
        j, taken = nxt, taken + 1
    return taken


def _trim(i: int, j: int, soft: set[int], offset: int) -> tuple[int, int]:
    """The range i:j without soft tokens at its ends."""
    while i < j and i + offset in soft:
        i += 1
    while j > i and j - 1 + offset in soft:
        j -= 1
    return i, j


def _words_in(values: Iterable[str]) -> int:
    return sum(1 for v in values if _is_word(v))


def align(quote: str, q: Tokens, lo: int, hi: int, article: ArticleText, a: int, z: int, part: int) -> Aligned | None:
    """Align quote tokens ``lo:hi`` with the article's text ``content[a:z]``.

    Case counts first; when that is not exact, case is ignored too (then shown as a difference) and
    the alignment that lines up more words wins: a quote typed in capitals is still found, and a
    heading that differs only in case does not capture a sentence."""
    window = tokenize(article.content, a, z)
    if not len(window) or hi <= lo:
        return None
    found = _align_by(quote, q, lo, hi, article, window, part, q.values[lo:hi], window.values)
    if found is None or not found.exact:
        folded = _align_by(quote, q, lo, hi, article, window, part, q.folded[lo:hi], window.folded)
        if found is None or (folded and (folded.matched_words, -folded.groups) > (found.matched_words, -found.groups)):
            found = folded
    return found


def _align_by(quote, q: Tokens, lo, hi, article: ArticleText, window: Tokens, part: int, qcmp, wcmp) -> Aligned | None:
    content = article.content
    qv = q.values[lo:hi]
    matcher = difflib.SequenceMatcher(None, qcmp, wcmp, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return None
    f, t = _chain(blocks)
    blocks = blocks[f:t]
    qs, js = blocks[0].a, blocks[0].b
    qe, je = blocks[-1].a + blocks[-1].size, blocks[-1].b + blocks[-1].size
    # unmatched quote words at either edge: changed (paired with the article's neighbours) or added
    want_head = sum(1 for i in range(qs) if lo + i not in q.soft)
    want_tail = sum(1 for i in range(qe, len(qv)) if lo + i not in q.soft)
    head = _edge(window, content, js, want_head, -1) if want_head else 0
    tail = _edge(window, content, je - 1, want_tail, +1) if want_tail else 0
    pieces: list[tuple[int, int, int, int]] = [(0, qs, js - head, js)]  # (quote i1, i2, article j1, j2)
    pieces += [(b1.a + b1.size, b2.a, b1.b + b1.size, b2.b) for b1, b2 in itertools.pairwise(blocks)]
    pieces.append((qe, len(qv), je, je + tail))
    for b in blocks:  # matched but for case: "north" in the quote, "North" in the article
        k = 0
        while k < b.size:
            if qv[b.a + k] == window.values[b.b + k]:
                k += 1
                continue
            e = k
            while e < b.size and qv[b.a + e] != window.values[b.b + e]:
                e += 1
            pieces.append((b.a + k, b.a + e, b.b + k, b.b + e))
            k = e
    pieces.sort()
    j_first, j_last = js - head, je + tail
    start, end = window.starts[j_first], window.ends[j_last - 1]
    differences = []
    for i1, i2, j1, j2 in pieces:
        i1, i2 = _trim(i1, i2, q.soft, lo)
        j1, j2 = _trim(j1, j2, window.soft, 0)
        if i1 < i2 or j1 < j2:  # a missing list bullet or blockquote mark is no difference
            differences.append(_difference(quote, q, lo, window, content, i1, i2, j1, j2))
    matched = sum(_words_in(qv[b.a : b.a + b.size]) for b in blocks)
    return Aligned(
        article=article,
        part=part,
        start=start,
        end=end,
        differences=differences,
        quote_words=max(_words_in(qv), 1),
        matched_words=matched,
        article_words=max(_words_in(window.values[j_first:j_last]), 1),
        groups=len(differences),
        exact=not differences,
    )


def _difference(quote: str, q: Tokens, lo: int, window: Tokens, content: str, i1, i2, j1, j2) -> Difference:
    said = quote[q.starts[lo + i1] : q.ends[lo + i2 - 1]] if i1 < i2 else ""
    if j1 < j2:
        start, end = window.starts[j1], window.ends[j2 - 1]
    else:  # nothing on the article's side: the point after the previous article token
        start = end = window.ends[j1 - 1] if j1 > 0 else window.starts[0]
    kind = "changed" if said and j1 < j2 else "added" if said else "dropped"
    return Difference(kind=kind, quote=said, article=content[start:end], start=start, end=end)
