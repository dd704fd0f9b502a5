"""Check a quote: is this text in the corpus, where, and exactly how?

``check_quote(index, text)`` answers with a verdict and the places it found:

- ``exact``: the quote is in an article as written, up to whitespace, curly or straight quotation
  marks and apostrophes, dashes (hyphen, en and em dash, ``--``) and "…" written as "...";
  Markdown markup (``#``, ``*``, list bullets) between words does not count either.
- ``close``: nearly: words changed, added or dropped, or an ellipsis joining parts of one article.
  The differences are listed word by word against the article's true text.
- ``not_found``: the closest passages, which are not a match.

Every match is a span of the article's text exactly as the citations index into it
(``footnote.types``: one coordinate system end to end): ``match.text == content[start:end]``.

How it is fast on thousands of articles: the article texts are cut into words (``words``), every
run of three words is a key in one sorted array (``runs``), a quote's runs find the candidate
stretches, and only those are aligned word by word (``align``) and judged (``verdict``). The
``index`` answers one quote; the ``checker`` keeps it in step with a live ingest.index.Index,
built lazily from the index's search snapshot (ingest.search_index) and rebuilt when its passages
change. The modules, one job each:

- ``types``: the answer (QuoteCheck, Match, Difference, Verdict, QuoteError);
- ``words``: normalising and tokenising quote and article alike;
- ``quote``: cleaning a pasted quote and what of it to look for;
- ``articles``: the articles' exact texts and places;
- ``runs``: the word-run index and candidate stretches;
- ``align``: alignment and the differences;
- ``verdict``: the rules and thresholds;
- ``index`` and ``checker``: the check, and the index kept current.

docs/benchmarks.md ("Check a quote") has the measurements behind the verdict rules.
"""

from __future__ import annotations

import threading
import weakref
from pathlib import Path

from assistant.check.articles import article_text
from assistant.check.checker import QuoteChecker
from assistant.check.index import CheckIndex
from assistant.check.quote import clean_quote
from assistant.check.types import Match, QuoteCheck, QuoteError, Verdict
from assistant.check.words import tokenize

# What the rest of Footnote uses; the thresholds and building blocks stay in their modules.
__all__ = [
    "CheckIndex",
    "Match",
    "QuoteCheck",
    "QuoteChecker",
    "QuoteError",
    "Verdict",
    "article_text",
    "check_quote",
    "checker_for",
    "clean_quote",
    "tokenize",
]

_checkers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_checkers_lock = threading.Lock()


def checker_for(index, corpus_dir: Path | None = None) -> QuoteChecker:
    """The QuoteChecker of an index (one per index and corpus folder, kept while the index lives)."""
    with _checkers_lock:
        by_dir = _checkers.setdefault(index, {})
        key = str(corpus_dir if corpus_dir is not None else index.settings.corpus_dir)
        if key not in by_dir:
            by_dir[key] = QuoteChecker(index, corpus_dir, weak=True)
        return by_dir[key]


def check_quote(index, text: str, corpus_dir: Path | None = None) -> QuoteCheck:
    """Is ``text`` in the corpus of ``index`` (an ingest.index.Index), where, and exactly how?

    ``corpus_dir``: the folder the index was synced from (default: the index's settings). Raises
    QuoteError when there is nothing to check.
    """
    return checker_for(index, corpus_dir).check(text)
