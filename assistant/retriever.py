"""Hybrid retrieval: BM25 and dense scores fused per passage (a LangChain retriever through
``HybridRetriever.as_langchain()``, assistant/runnables.py).

Lexical search finds names, numbers and rare words that MiniLM blurs; dense search finds
paraphrases BM25 cannot. Both are computed for every passage from the in-memory snapshot that
ingest.search_index keeps in step with Chroma (a matrix product and a sparse column sum: a few
milliseconds), so fusion can use the scores themselves rather than ranks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from footnote.types import Source, tag_key
from ingest.records import StoredPassage


@dataclass(frozen=True)
class Filters:
    """Restrict answers to some articles, an author, a publication date range (ISO text), or
    articles carrying any of some tags (case-insensitive)."""

    article_ids: tuple[str, ...] = ()
    author: str = ""
    date_from: str = ""
    date_to: str = ""
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:  # one tag given as a string, or a list: still a tuple of tags
        object.__setattr__(self, "tags", (self.tags,) if isinstance(self.tags, str) else tuple(self.tags))

    def active(self) -> bool:
        return bool(self.article_ids or self.author or self.date_from or self.date_to or self._tag_keys())

    def admits(self, article_id: str, meta: dict[str, Any]) -> bool:
        if self.article_ids and article_id not in self.article_ids:
            return False
        wanted = self._tag_keys()
        if wanted and not wanted & {tag_key(t) for t in meta.get("tags", ())}:
            return False
        if self.author and self.author.lower() not in str(meta.get("author", "")).lower():
            return False
        published = str(meta.get("published", ""))
        if (self.date_from or self.date_to) and not published:
            return False
        if self.date_from and published < self.date_from:
            return False
        return not (self.date_to and published[: len(self.date_to)] > self.date_to)

    def unknown_tags(self, articles: dict[str, dict[str, Any]]) -> list[str]:
        """The filter's tags that none of these articles (id -> metadata) carries, as given."""
        known = {tag_key(t) for meta in articles.values() for t in meta.get("tags", ())}
        return [t for t in self.tags if tag_key(t) and tag_key(t) not in known]

    def _tag_keys(self) -> set[str]:
        return {tag_key(t) for t in self.tags} - {""}


@dataclass
class Retrieval:
    query: str
    vector: np.ndarray
    sources: list[Source] = field(default_factory=list)


@dataclass
class HybridRetriever:
    """Scores every passage of the in-memory snapshot (ingest.search_index) by meaning and by words.

    Dense cosine and BM25 are each standardised over the corpus (z-scores) and mixed, so a passage
    strong in both lists beats one strong in one; each passage then borrows a share of its best
    neighbour's score, since evidence often runs over a passage boundary. docs/retrieval.md has
    the measurements behind each step; the weights are the index's settings.
    """

    index: Any  # ingest.index.Index
    k: int = 8

    def retrieve(self, query: str, filters: Filters | None = None, vector: np.ndarray | None = None) -> Retrieval:
        """The best passages for ``query``; ``vector``: its embedding, when the caller already has it."""
        vector = self.index.embedder.embed_one(query) if vector is None else vector
        snap = self.index.search_index.snapshot()
        allowed = self._allowed_articles(filters, snap.article_meta)
        if not len(snap) or (allowed is not None and not allowed):
            return Retrieval(query, vector)
        dense = snap.dense(vector)
        lexical = snap.bm25(self.index.search_index.query_terms(query))
        scores = fuse(dense, lexical, self._setting("dense_weight", 0.4))
        scores = with_context(scores, snap.prev, snap.next, self._setting("context_weight", 0.2))
        mask = snap.mask(allowed)
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        top = top_indices(scores, self.k)
        sources = [to_source(snap.ids[i], snap.stored[i], float(scores[i])) for i in top]
        return Retrieval(query, vector, sources)

    def _setting(self, name: str, default: float) -> float:
        return float(getattr(getattr(self.index, "settings", None), name, default))

    @staticmethod
    def _allowed_articles(filters: Filters | None, articles: dict[str, dict]) -> set[str] | None:
        if filters is None or not filters.active():
            return None
        return {aid for aid, meta in articles.items() if filters.admits(aid, meta)}

    def as_langchain(self, filters: Filters | None = None):
        """This retriever as a LangChain ``BaseRetriever`` (passages as Documents)."""
        from assistant.runnables import FootnoteRetriever

        return FootnoteRetriever(retriever=self, filters=filters)


def standardise(scores: np.ndarray) -> np.ndarray:
    """z-scores; all zeros when the list says nothing (no query word known, or one passage)."""
    std = float(scores.std()) if len(scores) else 0.0
    if std < 1e-9:
        return np.zeros(len(scores), dtype=np.float32)
    return ((scores - scores.mean()) / std).astype(np.float32)


def fuse(dense: np.ndarray, lexical: np.ndarray, dense_weight: float) -> np.ndarray:
    """One score per passage from its cosine and its BM25 score, each standardised over the corpus."""
    return dense_weight * standardise(dense) + (1 - dense_weight) * standardise(lexical)


def with_context(scores: np.ndarray, prev: np.ndarray, nxt: np.ndarray, weight: float) -> np.ndarray:
    """Add ``weight`` × the better of the two neighbours' scores (same article only)."""
    if not weight or not len(scores):
        return scores
    floor = scores.min()
    before = np.where(prev >= 0, scores[np.maximum(prev, 0)], floor)
    after = np.where(nxt >= 0, scores[np.maximum(nxt, 0)], floor)
    return scores + weight * np.maximum(before, after)


def top_indices(scores: np.ndarray, k: int) -> list[int]:
    """Indices of the k best finite scores, best first (ties keep reading order)."""
    k = min(k, len(scores))
    if k <= 0:
        return []
    part = np.argpartition(-scores, k - 1)[:k]
    part = part[np.lexsort((part, -scores[part]))]
    return [int(i) for i in part if np.isfinite(scores[i])]


def to_source(pid: str, stored: StoredPassage, score: float) -> Source:
    p, meta = stored.passage, stored.meta
    return Source(
        passage_id=pid,
        article_id=p.article_id,
        title=meta.get("title") or p.article_id,
        author=meta.get("author", ""),
        published=meta.get("published", ""),
        publisher=meta.get("publisher", ""),
        url=meta.get("url", ""),
        section=p.section,
        paragraph=p.paragraph,
        page=p.page,
        page_breaks=list(p.page_breaks),
        start=p.start,
        end=p.end,
        text=p.text,
        score=score,
        sentences=[(s.start, s.end) for s in p.sentences],
    )
