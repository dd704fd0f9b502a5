"""The check index: one quote in, a verdict and its places out.

A CheckIndex is the run index (runs.py) over a fixed set of articles plus what a check needs on
top: aligning the candidate stretches (align.py), applying the verdict rules (verdict.py), and, when
nothing matches, finding the closest passages with the search index's BM25. It is immutable; the
QuoteChecker (checker.py) builds a new one when the indexed passages change.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from assistant.check.align import Aligned, align
from assistant.check.articles import ArticleText
from assistant.check.quote import edge_marks, prepare, split_parts
from assistant.check.runs import RunIndex, Vocabulary
from assistant.check.types import Match, QuoteCheck, Verdict
from assistant.check.verdict import CLOSEST, MAX_MATCHES, joined_reading
from assistant.check.words import Tokens
from footnote.text import QUESTION_WORDS, stems


class CheckIndex(RunIndex):
    """An immutable word-run index over some articles. ``check`` answers one quote."""

    def __init__(
        self, articles: list[ArticleText], vocab: Vocabulary | None = None, words=None, lexical=None, snapshot=None
    ):
        """``words``: article version → its Words, reused from a previous build. ``lexical`` and
        ``snapshot``: the ingest.search_index index and the snapshot the articles come from, whose BM25
        finds the closest passages when nothing matches."""
        super().__init__(articles, vocab, words)
        self.search_index = lexical
        self.snapshot = snapshot

    def _aligned(self, quote: str, q: Tokens, lo: int, hi: int, part: int) -> list[Aligned]:
        """Alignments of quote tokens lo:hi at each candidate stretch, best first."""
        q = replace(q, soft=q.soft | edge_marks(q, lo, hi))
        out: list[Aligned] = []
        exact_score = None
        for score, a, w0, w1 in self._candidates(self._ids(q, lo, hi)):
            if exact_score is not None and score < exact_score:
                break  # only stretches as good as an exact one can be exact too
            found = align(quote, q, lo, hi, self.articles[a], *self._window(a, w0, w1), part)
            if found is None:
                continue
            out.append(found)
            if found.exact and exact_score is None:
                exact_score = score
        out.sort(key=lambda x: (not x.exact, -x.similarity))
        return out

    # --- the check ---------------------------------------------------------------------------------
    def check(self, text: str) -> QuoteCheck:
        quote, q, lo, hi = prepare(text)
        whole = self._aligned(quote, q, lo, hi, 1)
        exact = [x for x in whole if x.exact]
        if exact:
            return QuoteCheck(quote=quote, verdict=Verdict.EXACT, matches=[self._match(x) for x in exact[:MAX_MATCHES]])
        parts = split_parts(q, lo, hi)
        if len(parts) > 1:
            joined = self._joined(quote, q, parts)
            if joined:
                return QuoteCheck(quote=quote, verdict=Verdict.CLOSE, matches=[self._match(x) for x in joined])
        if whole and whole[0].close:
            return QuoteCheck(quote=quote, verdict=Verdict.CLOSE, matches=[self._match(whole[0])])
        return QuoteCheck(quote=quote, verdict=Verdict.NOT_FOUND, matches=self._closest(quote, q, lo, hi, whole))

    def measure(self, text: str) -> dict | None:
        """What the verdict rules read, for the best place of the whole quote (None: no candidate):
        the share of its words in order in the article stretch (coverage), the share of the
        stretch's words that are the quote's (precision), and the places they differ (groups)."""
        quote, q, lo, hi = prepare(text)
        found = self._aligned(quote, q, lo, hi, 1)
        if not found:
            return None
        x = found[0]
        return {"coverage": x.coverage, "precision": x.precision, "groups": x.groups, "words": x.quote_words}

    def _joined(self, quote: str, q: Tokens, parts: list[tuple[int, int]]) -> list[Aligned] | None:
        """Each part of an ellipsis-joined quote, in order, in one article: the best such reading."""
        found = [[x for x in self._aligned(quote, q, lo, hi, k + 1) if x.close] for k, (lo, hi) in enumerate(parts)]
        return joined_reading(found)

    def _closest(self, quote: str, q: Tokens, lo: int, hi: int, aligned: list[Aligned]) -> list[Match]:
        """The passages nearest the quote, marked as not a match: those around the candidate
        stretches and BM25's best, ranked by the share of the quote's content words they have (a
        paraphrase keeps its subject's words, not their order)."""
        said = quote[q.starts[lo] : q.ends[hi - 1]]
        pool = [(x, x.article.passage_bounds(x.start, x.end)) for x in aligned]
        if self.search_index is not None and self.snapshot is not None:
            scores = self.snapshot.bm25(self.search_index.query_terms(said))
            for i in np.argsort(-scores)[: 2 * CLOSEST] if len(scores) else []:
                p = self.snapshot.stored[int(i)].passage
                if scores[i] > 0 and p.article_id in self.by_id:
                    found = align(quote, q, lo, hi, self.articles[self.by_id[p.article_id]], p.start, p.end, 1)
                    if found is not None:
                        pool.append((found, (p.start, p.end)))
        wanted = stems(said) - QUESTION_WORDS
        ranked = []
        for x, (start, end) in pool:
            shared = len(wanted & stems(x.article.content[start:end])) / max(len(wanted), 1)
            ranked.append((-shared, -x.similarity, x.article.article_id, start, end, x))
        out, taken = [], set()
        for *_, aid, start, end, x in sorted(ranked, key=lambda r: r[:5]):
            if (aid, start, end) not in taken:
                taken.add((aid, start, end))
                out.append(self._match(x, start, end, with_differences=False))
        return out[:CLOSEST]

    def _match(self, x: Aligned, start: int | None = None, end: int | None = None, with_differences=True) -> Match:
        art = x.article
        start = x.start if start is None else start
        end = x.end if end is None else end
        section, paragraph = art.place(start)
        meta = art.meta
        match = Match(
            article_id=art.article_id,
            title=meta.get("title") or art.article_id,
            author=meta.get("author", "") or "",
            published=meta.get("published", "") or "",
            publisher=meta.get("publisher", "") or "",
            url=meta.get("url", "") or "",
            section=section,
            paragraph=paragraph,
            start=start,
            end=end,
            text=art.content[start:end],
            differences=x.differences if with_differences else [],
            part=x.part,
            similarity=round(1.0 if x.exact else x.similarity, 4),
        )
        match.attribution = match.citation().attribution()
        return match
