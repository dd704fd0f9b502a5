"""The embedding model, loaded once per process from the package that ships it."""

from __future__ import annotations

import threading
from collections import Counter
from contextlib import contextmanager
from functools import lru_cache

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

# Inputs this small (a question, a few sentences) are encoded on one thread. On a 2-core laptop,
# waking a second OpenMP thread for a 20-word-piece input costs more than it saves and makes
# the slow tail: query encoding p50 30 → 17 ms, p95 109 → 20 ms (docs/retrieval.md).
_ONE_THREAD_UP_TO = 8


class Embedder:
    """all-MiniLM-L6-v2 through sentence-transformers, normalised so dot product is cosine.

    Texts are encoded longest first in small batches: similar lengths pad less. Inputs are cut at
    ``max_tokens``: the index embeds sentences, which are nearly always shorter, and attention
    cost grows with the square of the longest input in a batch (docs/retrieval.md has the numbers).
    """

    def __init__(self, model_path: str, batch_size: int = 16, max_tokens: int = 128):
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a "Loading weights" bar on every CLI call is noise
        self.model_path = model_path
        self.batch_size = batch_size
        self._model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
        self._model.max_seq_length = max_tokens
        self._lock = threading.Lock()

    def embed(self, texts: list[str], progress=None) -> np.ndarray:
        """One normalised vector per text. Repeated texts are encoded once: corpora repeat
        sentences (boilerplate, table rows, dialogue turns; 23% of the benchmark's characters)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        unique = list(dict.fromkeys(texts))
        copies = Counter(texts)
        order = sorted(range(len(unique)), key=lambda i: -len(unique[i]))
        vectors = np.zeros((len(unique), self.dimension), dtype=np.float32)
        for lo in range(0, len(order), self.batch_size):
            idx = order[lo : lo + self.batch_size]
            with self._lock, _threads(1 if len(unique) <= _ONE_THREAD_UP_TO else None):
                # the lock: torch on 2 cores, concurrent encodes only slow each other down
                vectors[idx] = self._model.encode(
                    [unique[i] for i in idx],
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
            if progress is not None:
                progress(sum(copies[unique[i]] for i in idx))
        row = {text: i for i, text in enumerate(unique)}
        return vectors[[row[t] for t in texts]]

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    @property
    def dimension(self) -> int:
        return self._model.get_embedding_dimension()


@contextmanager
def _threads(n: int | None):
    """Run torch on ``n`` threads for the block (None: leave it), then restore the setting."""
    import torch  # here, not at the top: `--help` and the app's first paint need not load torch

    previous = torch.get_num_threads()
    if n is not None and n != previous:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if torch.get_num_threads() != previous:
            torch.set_num_threads(previous)


@lru_cache(maxsize=2)
def load_embedder(model_path: str, batch_size: int = 16, max_tokens: int = 128) -> Embedder:
    """One model per process: it is the slowest thing to load and is safe to share."""
    return Embedder(model_path, batch_size, max_tokens)


def embedder_for(settings) -> Embedder:
    return load_embedder(settings.model_path(), settings.embed_batch_size, settings.embed_max_tokens)


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
