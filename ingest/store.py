"""The Chroma collections: the one persistent index, embedded or on a `chroma run` server.

Two collections: passages (text, metadata, and a vector that is the mean of its sentences'
vectors) and sentences (one vector per sentence, id ``<passage id>~<n>``), so the answerer scores
sentences without running the model. Each passage carries its article's content hash, passage
count and chunking key. That makes an article's index state checkable from Chroma alone:
complete when all of its passages for the current hash and chunker are there, otherwise stale
or half-written (a crash mid-way) and re-indexed by the next sync. An article's sentences are
written before its passages and deleted after them, so a complete article always has them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from footnote.settings import Settings
from footnote.types import Article, Passage, Span
from ingest.embed import ChromaEmbedding, Embedder


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


_ARTICLE_FIELDS = ("title", "title_derived", "author", "published", "publisher", "url")
TAG_SEPARATOR = "|"  # Chroma metadata values are scalars: tags are stored as "|defence|korea|"


def tags_value(tags: list[str] | tuple[str, ...]) -> str:
    """An article's tags as one metadata string ("" when it has none)."""
    return f"{TAG_SEPARATOR}{TAG_SEPARATOR.join(tags)}{TAG_SEPARATOR}" if tags else ""


def tags_of(value: Any) -> tuple[str, ...]:
    """The tags stored by ``tags_value`` (passages indexed before tags existed have none)."""
    return tuple(t for t in str(value or "").split(TAG_SEPARATOR) if t)


def make_client(settings: Settings, index_dir: Path | None = None) -> chromadb.api.ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
    path = Path(index_dir or settings.index_dir) / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class PassageStore:
    def __init__(self, client: chromadb.api.ClientAPI, embedder: Embedder, collection: str, chunking: str = ""):
        self.embedder = embedder
        self.chunking = chunking  # ingest.chunk.chunking_key of the passages this store writes
        function = ChromaEmbedding(embedder)
        space = {"hnsw": {"space": "cosine"}}
        self.collection = client.get_or_create_collection(collection, embedding_function=function, configuration=space)
        self.sentences = client.get_or_create_collection(
            f"{collection}-sentences", embedding_function=function, configuration=space
        )
        self._batch = max(1, min(client.get_max_batch_size(), 5000))

    # --- what is indexed -------------------------------------------------------------------
    def indexed_articles(self) -> dict[str, IndexedArticle]:
        counts: dict[tuple[str, str], int] = {}
        first: dict[tuple[str, str], dict] = {}
        for meta in self._all_metadatas():
            key = (meta["article_id"], meta["content_hash"])
            counts[key] = counts.get(key, 0) + 1
            first.setdefault(key, meta)
        out: dict[str, IndexedArticle] = {}
        for (aid, digest), n in counts.items():
            meta = first[(aid, digest)]
            state = IndexedArticle(
                aid, digest, n, int(meta["n_passages"]), _article_meta(meta), meta.get("chunking", "")
            )
            # two hashes for one article can only be a crash between delete and add: keep neither
            out[aid] = state if aid not in out else IndexedArticle(aid, "", -1, 0, state.meta)
        return out

    def _all_metadatas(self):
        offset = 0
        while True:
            got = self.collection.get(include=["metadatas"], limit=self._batch, offset=offset)
            yield from got["metadatas"]
            if len(got["ids"]) < self._batch:
                return
            offset += self._batch

    def count(self) -> int:
        return self.collection.count()

    # --- writing -------------------------------------------------------------------------------
    def put_article(self, article: Article, passages: list[Passage], sentence_vectors: list[np.ndarray]) -> None:
        """Replace an article's passages, given each passage's sentence vectors (one row per sentence).

        Old passages go first and new ones last, so a crash leaves the article missing or
        complete, never mixed.
        """
        self.delete_article(article.id)
        meta = {name: getattr(article.meta, name) for name in _ARTICLE_FIELDS}
        meta["title"] = article.title
        meta["tags"] = tags_value(article.meta.tags)
        ids = [_passage_id(article, p) for p in passages]
        rows = [(f"{pid}~{j}", pid, v) for pid, vs in zip(ids, sentence_vectors, strict=True) for j, v in enumerate(vs)]
        for lo in range(0, len(rows), self._batch):
            chunk = rows[lo : lo + self._batch]
            self.sentences.add(
                ids=[sid for sid, _, _ in chunk],
                embeddings=np.stack([v for _, _, v in chunk]),
                metadatas=[{"article_id": article.id, "passage_id": pid} for _, pid, _ in chunk],
            )
        vectors = np.stack([mean_vector(vs) for vs in sentence_vectors]) if passages else np.zeros((0, 1))
        for lo in range(0, len(passages), self._batch):
            chunk = passages[lo : lo + self._batch]
            self.collection.add(
                ids=ids[lo : lo + len(chunk)],
                embeddings=vectors[lo : lo + len(chunk)],
                documents=[p.text for p in chunk],
                metadatas=[_passage_meta(article, p, len(passages), meta, self.chunking) for p in chunk],
            )

    def delete_article(self, article_id: str) -> None:
        self.collection.delete(where={"article_id": article_id})
        self.sentences.delete(where={"article_id": article_id})

    def prune_sentences(self, article_ids: set[str]) -> None:
        """Drop sentences of articles that have no passages: left by a crash inside delete_article."""
        known = set()
        offset = 0
        while True:
            got = self.sentences.get(include=["metadatas"], limit=self._batch, offset=offset)
            known.update(m["article_id"] for m in got["metadatas"])
            if len(got["ids"]) < self._batch:
                break
            offset += self._batch
        for aid in sorted(known - article_ids):
            self.sentences.delete(where={"article_id": aid})

    # --- reading -------------------------------------------------------------------------------
    def all_passages(self):
        """(id, text, metadata) of every passage, in pages so memory stays bounded."""
        offset = 0
        while True:
            got = self.collection.get(include=["documents", "metadatas"], limit=self._batch, offset=offset)
            yield from zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            if len(got["ids"]) < self._batch:
                return
            offset += self._batch

    def sentence_vectors(self, passages: dict[str, int]) -> dict[str, np.ndarray]:
        """Each passage's sentence vectors, given its number of sentences; absent when incomplete."""
        wanted = [f"{pid}~{j}" for pid, n in passages.items() for j in range(n)]
        found: dict[str, np.ndarray] = {}
        for lo in range(0, len(wanted), self._batch):
            got = self.sentences.get(ids=wanted[lo : lo + self._batch], include=["embeddings"])
            found.update(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32), strict=True))
        out = {}
        for pid, n in passages.items():
            rows = [found.get(f"{pid}~{j}") for j in range(n)]
            if n and all(r is not None for r in rows):
                out[pid] = np.stack(rows)
        return out


def _passage_id(article: Article, passage: Passage) -> str:
    return f"{article.id}#{article.content_hash[:12]}#{passage.index}"


def mean_vector(vectors: np.ndarray) -> np.ndarray:
    """A passage's vector: its sentences' mean, normalised (as good as embedding the passage, and free)."""
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    return mean / (np.linalg.norm(mean) or 1.0)


def _passage_meta(article: Article, p: Passage, n: int, article_meta: dict, chunking: str) -> dict[str, Any]:
    flat = [x for s in p.sentences for x in (s.start, s.end)]
    return {
        **article_meta,
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


def _article_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """An article's metadata from a passage's: its fields, and ``tags`` as a tuple."""
    return {**{name: meta.get(name, "") for name in _ARTICLE_FIELDS}, "tags": tags_of(meta.get("tags"))}


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
    return StoredPassage(passage, _article_meta(meta))
