"""Hybrid retrieval: BM25 and dense search fused by reciprocal rank, as a LangChain retriever.

Lexical search finds names, numbers and rare words that MiniLM blurs; dense search finds
paraphrases BM25 cannot. Reciprocal-rank fusion needs no score calibration between the two.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.models import Source
from ingest.store import StoredPassage


@dataclass(frozen=True)
class Filters:
    """Restrict answers to some articles, an author, or a publication date range (ISO text)."""

    article_ids: tuple[str, ...] = ()
    author: str = ""
    date_from: str = ""
    date_to: str = ""

    def active(self) -> bool:
        return bool(self.article_ids or self.author or self.date_from or self.date_to)

    def admits(self, article_id: str, meta: dict[str, Any]) -> bool:
        if self.article_ids and article_id not in self.article_ids:
            return False
        if self.author and self.author.lower() not in str(meta.get("author", "")).lower():
            return False
        published = str(meta.get("published", ""))
        if (self.date_from or self.date_to) and not published:
            return False
        if self.date_from and published < self.date_from:
            return False
        if self.date_to and published[: len(self.date_to)] > self.date_to:
            return False
        return True


@dataclass
class Retrieval:
    query: str
    vector: np.ndarray
    sources: list[Source] = field(default_factory=list)


class HybridRetriever(BaseRetriever):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any  # ingest.index.Index
    k: int = 8
    candidates: int = 40
    rrf_k: int = 60

    def retrieve(self, query: str, filters: Filters | None = None) -> Retrieval:
        vector = self.index.embedder.embed_one(query)
        allowed = self._allowed_articles(filters)
        if allowed is not None and not allowed:
            return Retrieval(query, vector)
        where = {"article_id": {"$in": sorted(allowed)}} if allowed is not None else None
        dense = self.index.store.nearest(vector, self.candidates, where)
        lexical = self.index.lexical.search(query, self.candidates, allowed)
        fused = reciprocal_rank_fusion([dense, lexical], self.rrf_k)[: self.k]
        stored = self.index.store.get([pid for pid, _ in fused])
        scores = dict(fused)
        ids = [pid for pid, _ in fused]
        sources = [to_source(pid, sp, scores[pid]) for pid, sp in zip(ids, stored)]
        return Retrieval(query, vector, sources)

    def _allowed_articles(self, filters: Filters | None) -> set[str] | None:
        if filters is None or not filters.active():
            return None
        indexed = self.index.store.indexed_articles()
        return {aid for aid, state in indexed.items() if filters.admits(aid, state.meta)}

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [
            Document(page_content=s.text, metadata=s.model_dump(exclude={"text"}), id=s.passage_id)
            for s in self.retrieve(query).sources
        ]


def reciprocal_rank_fusion(rankings: list[list[tuple[str, float]]], k: int) -> list[tuple[str, float]]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, (pid, _) in enumerate(ranking, 1):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: -item[1])


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
        start=p.start,
        end=p.end,
        text=p.text,
        score=score,
        sentences=[(s.start, s.end) for s in p.sentences],
    )
