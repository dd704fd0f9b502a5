"""A passage's record in the index and back: the metadata the store writes to Chroma, and what the
search side and ``sync`` read from it (or from the saved search snapshot, which keeps the same
records). No Chroma here, so reading an index never has to import it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from footnote.types import Article, Passage, Span


@dataclass(frozen=True)
class IndexedArticle:
    article_id: str
    content_hash: str
    passages: int
    expected: int
    meta: dict[str, Any]
    chunking: str = ""

    @property
    def complete(self) -> bool:
        return self.passages == self.expected


@dataclass(frozen=True)
class StoredPassage:
    """A passage as the index returns it, with its article's metadata beside it."""

    passage: Passage
    meta: dict[str, Any]


ARTICLE_FIELDS = ("title", "title_derived", "author", "published", "publisher", "url")
TAG_SEPARATOR = "|"  # Chroma metadata values are scalars: tags are stored as "|defence|korea|"


def tags_value(tags: list[str] | tuple[str, ...]) -> str:
    """An article's tags as one metadata string ("" when it has none)."""
    return f"{TAG_SEPARATOR}{TAG_SEPARATOR.join(tags)}{TAG_SEPARATOR}" if tags else ""


def tags_of(value: Any) -> tuple[str, ...]:
    """The tags stored by ``tags_value`` (passages indexed before tags existed have none)."""
    return tuple(t for t in str(value or "").split(TAG_SEPARATOR) if t)


def indexed_articles(metadatas: Iterable[dict[str, Any]]) -> dict[str, IndexedArticle]:
    """Each article's index state, from its passages' records."""
    counts: dict[tuple[str, str], int] = {}
    first: dict[tuple[str, str], dict] = {}
    for meta in metadatas:
        key = (meta["article_id"], meta["content_hash"])
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, meta)
    out: dict[str, IndexedArticle] = {}
    for (aid, digest), n in counts.items():
        meta = first[(aid, digest)]
        state = IndexedArticle(aid, digest, n, int(meta["n_passages"]), article_meta(meta), meta.get("chunking", ""))
        # two hashes for one article can only be a crash between delete and add: keep neither
        out[aid] = state if aid not in out else IndexedArticle(aid, "", -1, 0, state.meta)
    return out


def passage_id(article: Article, passage: Passage) -> str:
    return f"{article.id}#{article.content_hash[:12]}#{passage.index}"


def mean_vector(vectors: np.ndarray) -> np.ndarray:
    """A passage's vector: its sentences' mean, normalised (as good as embedding the passage, and free)."""
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    return mean / (np.linalg.norm(mean) or 1.0)


def passage_record(article: Article, p: Passage, n: int, fields: dict, chunking: str) -> dict[str, Any]:
    """A passage's Chroma metadata: its article's ``fields``, where it sits, and its index state."""
    flat = [x for s in p.sentences for x in (s.start, s.end)]
    return {
        **fields,
        "article_id": article.id,
        "content_hash": article.content_hash,
        "n_passages": n,
        "chunking": chunking,
        "index": p.index,
        "start": p.start,
        "end": p.end,
        "section": p.section,
        "paragraph": p.paragraph,
        "page": article.page_at(p.start),
        "page_breaks": [x for pair in article.page_breaks(p.start, p.end) for x in pair] or [0],
        "sentences": flat or [p.start, p.end],
    }


def article_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """An article's metadata from a passage's: its fields, and ``tags`` as a tuple."""
    return {**{name: meta.get(name, "") for name in ARTICLE_FIELDS}, "tags": tags_of(meta.get("tags"))}


def _pairs(flat) -> tuple[tuple[int, int], ...]:
    """(offset, page) pairs from their flat metadata list ([0]: none; Chroma keeps no empty lists)."""
    flat = [int(x) for x in flat or ()]
    if len(flat) < 2:
        return ()
    return tuple((flat[i], flat[i + 1]) for i in range(0, len(flat) - 1, 2))


def stored_passage(text: str, meta: dict[str, Any]) -> StoredPassage:
    flat = list(meta["sentences"])
    sentences = tuple(Span(flat[i], flat[i + 1]) for i in range(0, len(flat), 2))
    passage = Passage(
        article_id=meta["article_id"],
        index=int(meta["index"]),
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=text,
        section=meta.get("section", ""),
        paragraph=int(meta.get("paragraph", 0)),
        sentences=sentences,
        page=int(meta.get("page", 0)),
        page_breaks=_pairs(meta.get("page_breaks")),
    )
    return StoredPassage(passage, article_meta(meta))
