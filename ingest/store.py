"""The Chroma collections: the one persistent index, embedded or on a `chroma run` server.

Two collections: passages (text, metadata, and a vector that is the mean of its sentences'
vectors) and sentences (one vector per sentence, id ``<passage id>~<n>``), so the answerer scores
sentences without running the model. Each passage carries its article's content hash, passage
count and chunking key (ingest/records.py). That makes an article's index state checkable from
Chroma alone: complete when all of its passages for the current hash and chunker are there,
otherwise stale or half-written (a crash mid-way) and re-indexed by the next sync. An article's
sentences are written before its passages and deleted after them, so a complete article always
has them.

This is the only module that imports chromadb (a second of imports): ``ingest.index`` opens the
store when something is written, or when no saved search snapshot vouches for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import chromadb
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings

from footnote.settings import Settings
from footnote.types import Article, Passage
from ingest.embed import Embedder, load_embedder
from ingest.records import (
    ARTICLE_FIELDS,
    IndexedArticle,
    indexed_articles,
    mean_vector,
    passage_id,
    passage_record,
    tags_value,
)

if TYPE_CHECKING:
    from chromadb.api import ClientAPI


def make_client(settings: Settings, index_dir: Path | None = None) -> ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
    path = Path(index_dir or settings.index_dir) / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class ChromaEmbedding(EmbeddingFunction[Documents]):
    """Our model as Chroma's embedding function, so Chroma never falls back to downloading its own."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "footnote-minilm"

    def get_config(self) -> dict:
        return {"model_path": self.embedder.model_path}

    @staticmethod
    def build_from_config(config: dict) -> ChromaEmbedding:
        return ChromaEmbedding(load_embedder(config["model_path"]))

    def default_space(self) -> str:
        return "cosine"


class PassageStore:
    def __init__(self, client: ClientAPI, embedder: Embedder, collection: str, chunking: str = ""):
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
        return indexed_articles(self._all_metadatas())

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
        meta = {name: getattr(article.meta, name) for name in ARTICLE_FIELDS}
        meta["title"] = article.title
        meta["tags"] = tags_value(article.meta.tags)
        ids = [passage_id(article, p) for p in passages]
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
                metadatas=[passage_record(article, p, len(passages), meta, self.chunking) for p in chunk],
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
