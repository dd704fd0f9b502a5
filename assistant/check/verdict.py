"""The verdict rules: when an alignment is close enough, and when an ellipsis-joined quote is.

The thresholds live here, in one place, because they were chosen together on measurements
(docs/benchmarks.md, "Check a quote": chosen on the chunking_eval quotes, confirmed on the seed
quotes) and ``tools/bench_check.py`` quotes them in its report. Alignment (align.py) measures; this
module only judges what it measured.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from assistant.check.words import ELLIPSIS, tokenize

if TYPE_CHECKING:
    from assistant.check.align import Aligned

MAX_MATCHES = 10  # exact occurrences listed at most (the same text in several articles)
CLOSEST = 3  # passages shown when nothing matches

MIN_COVERAGE = 0.7  # share of the quote's words found, in order, in the article span
MIN_PRECISION = 0.55  # share of the article span's words that the quote has
MAX_GROUPS_PER_WORD = 0.12  # difference groups per quote word (a paraphrase breaks into many)
MIN_GROUPS_ALLOWED = 2  # ...but a short quote may always differ in this many places


def is_close(x: Aligned) -> bool:
    """Exact, or enough of the quote's words in order in the stretch, few extra words in the
    stretch, and few places where they differ (a paraphrase keeps words but breaks into many)."""
    allowed = max(MIN_GROUPS_ALLOWED, MAX_GROUPS_PER_WORD * x.quote_words)
    return x.exact or (x.coverage >= MIN_COVERAGE and x.precision >= MIN_PRECISION and x.groups <= allowed)


def joined_reading(found: list[list[Aligned]]) -> list[Aligned] | None:
    """Each part of an ellipsis-joined quote, in order, in one article: the best such reading.

    ``found``: for each part, its close alignments. None when no one article holds every part in
    order (then the quote is not close as a joined quote)."""
    best, best_score = None, -1.0
    for article_id in sorted({x.article.article_id for x in found[0]}):
        reading, at = [], -1
        for options in found:
            here = sorted(
                (x for x in options if x.article.article_id == article_id and x.start >= at),
                key=lambda x: (not x.exact, -x.similarity, x.start),
            )
            if not here:
                break
            reading.append(here[0])
            at = here[0].end
        if len(reading) == len(found):
            score = sum(x.matched_words for x in reading)
            if score > best_score:
                best, best_score = reading, score
    return merge_quoted_ellipses(best) if best else None


def merge_quoted_ellipses(reading: list[Aligned]) -> list[Aligned]:
    """Parts that the article itself joins with an ellipsis are one part (the quote kept its "…")."""
    merged = [reading[0]]
    for x in reading[1:]:
        prev = merged[-1]
        between = tokenize(x.article.content, prev.end, x.start)
        if [v for i, v in enumerate(between.values) if i not in between.soft] == [ELLIPSIS]:
            merged[-1] = replace(
                prev,
                end=x.end,
                differences=prev.differences + x.differences,
                quote_words=prev.quote_words + x.quote_words,
                matched_words=prev.matched_words + x.matched_words,
                article_words=prev.article_words + x.article_words,
                groups=prev.groups + x.groups,
                exact=prev.exact and x.exact,
            )
        else:
            merged.append(x)
    return [replace(x, part=k + 1) for k, x in enumerate(merged)]
