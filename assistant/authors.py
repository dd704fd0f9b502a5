"""Questions that name one of the corpus's authors: "What does Lami Kim say about public opinion?"

Read as typed, such a question goes to the author's biography: BM25 finds the name there ("Lami
Kim is a professor at …"), and the answer model reads the question as one about the person, so
the answer is refused or quotes the biography. What the reader means is "what do this author's
articles say about public opinion". So the chain (assistant/chain.py) also asks it that way: the
name taken out of the question, the author's articles as the filter, and keeps whichever reading
the answer model finds more answerable. A question about the person ("Who is Lami Kim?") keeps
the name: without it too little is left to ask, and read with it the biography answers best.

Names come from the articles' front matter (``author``), never from the text, so "Kim Jong Un"
in a question is left alone unless an article in the corpus is by Kim Jong Un.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any

from assistant.retriever import Filters
from footnote.text import FUNCTION_WORDS, words

# Several authors in one field: "A, B and C", "A; B", "A & B".
_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.IGNORECASE)


def author_names(article_meta: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Every author named in the corpus's front matter, longest first (so "Lami Kim" is found
    before a shorter name inside it)."""
    names = {n.strip() for meta in article_meta.values() for n in _SEPARATORS.split(str(meta.get("author", "")))}
    return sorted((n for n in names if len(n.split()) >= 2), key=lambda n: (-len(n), n))


@lru_cache(maxsize=4096)  # compiled once per author, not once per question (re keeps only 512)
def _pattern(name: str) -> re.Pattern[str]:
    """The name as typed in a question: any case, any spacing, optionally "by" before it and a
    possessive after it ("the article by Lami Kim", "Lami Kim's view")."""
    parts = r"\s+".join(re.escape(p) for p in name.split())
    return re.compile(rf"(?:\bby\s+)?(?<!\w){parts}(?!\w)(?:['’]s\b)?", re.IGNORECASE)


def named_author(text: str, names: Iterable[str]) -> str:
    """The first of ``names`` that ``text`` mentions (full name only), or ""."""
    return next((n for n in names if _pattern(n).search(text)), "")


def without_name(text: str, name: str) -> str:
    """``text`` with the author's name (and a "by" before it, a possessive after it) taken out."""
    out = _pattern(name).sub(" ", text)
    out = re.sub(r"\s+([,.;:?!])", r"\1", out)
    out = re.sub(r"^[\s,;:]+", "", out)
    return " ".join(out.split())


def content_words(text: str) -> int:
    return sum(1 for w in words(text.lower()) if w not in FUNCTION_WORDS)


def about_their_articles(
    question: str, history: list[str], filters: Filters | None, query: str, names: Iterable[str]
) -> tuple[str, list[str], Filters, str] | None:
    """The question asked of the named author's articles: (question, history, filters, author),
    or None when the search query names no author, or leaves too little to ask without the name
    (fewer than two content words: "Who is Lami Kim?")."""
    name = named_author(query, names)
    if not name or content_words(without_name(query, name)) < 2:
        return None
    filters = filters or Filters()
    if not filters.author:
        filters = replace(filters, author=name)
    return without_name(question, name), [without_name(h, name) for h in history], filters, name
