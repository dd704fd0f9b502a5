"""The embedding model, loaded once per process from the package that ships it, on the engine
that suits the input (see ``Embedder``)."""

from __future__ import annotations

import threading
import warnings
from collections import Counter
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest import runtime

# Inputs this small (a question, a few sentences) are encoded on one thread. On a 2-core laptop,
# waking a second OpenMP thread for a 20-word-piece input costs more than it saves and makes
# the slow tail: query encoding p50 30 → 17 ms, p95 109 → 20 ms (docs/retrieval.md).
_ONE_THREAD_UP_TO = 8


class Embedder:
    """all-MiniLM-L6-v2, normalised so dot product is cosine.

    Two engines give the same vectors (cosine ≥ 0.9999, checked when the export is built and by
    ``make bench`` on every benchmark question). ONNX Runtime encodes everything: questions on one
    thread, what is indexed in batches on every core, at the speed of torch (143 vs 140 sentences
    a second, measured) and without importing torch and sentence-transformers, which took 7 of
    the 10 seconds a first ``make run`` spent before indexing anything. sentence-transformers is
    the reference the exports are checked against, builds them, and stands in when there is no
    cache folder or an export fails. Each engine loads on first use.

    Texts are encoded longest first in small batches: similar lengths pad less. Inputs are cut at
    ``max_tokens``: the index embeds sentences, which are nearly always shorter, and attention
    cost grows with the square of the longest input in a batch (docs/retrieval.md has the numbers).
    """

    dimension = 384  # all-MiniLM-L6-v2's hidden size, checked when the model loads

    def __init__(self, model_path: str, batch_size: int = 16, max_tokens: int = 128, cache_dir: Path | None = None):
        self.model_path = model_path
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.cache_dir = cache_dir
        self._model = None
        self._onnx: _OnnxEncoder | bool | None = None  # False: tried and unavailable
        self._onnx_batches: _OnnxEncoder | None = None  # the same export on every core
        self._lock = threading.Lock()

    def embed(self, texts: list[str], progress=None) -> np.ndarray:
        """One normalised vector per text. Repeated texts are encoded once: corpora repeat
        sentences (boilerplate, table rows, dialogue turns; 23% of the benchmark's characters)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        unique = list(dict.fromkeys(texts))
        copies = Counter(texts)
        onnx = self.onnx() if len(unique) <= _ONE_THREAD_UP_TO else self.onnx_batches()
        order = sorted(range(len(unique)), key=lambda i: -len(unique[i]))
        vectors = np.zeros((len(unique), self.dimension), dtype=np.float32)
        for lo in range(0, len(order), self.batch_size):
            idx = order[lo : lo + self.batch_size]
            batch = [unique[i] for i in idx]
            vectors[idx] = onnx.encode(batch) if onnx else self._encode_torch(batch, small=len(unique))
            if progress is not None:
                progress(sum(copies[unique[i]] for i in idx))
        row = {text: i for i, text in enumerate(unique)}
        return vectors[[row[t] for t in texts]]

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def embed_torch(self, texts: list[str]) -> np.ndarray:
        """The sentence-transformers reference, whatever the input size (the ONNX path's check)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._encode_torch(texts, small=0)  # sentence-transformers batches by itself

    def _encode_torch(self, batch: list[str], small: int) -> np.ndarray:
        model = self.model()
        with self._lock, _threads(1 if 0 < small <= _ONE_THREAD_UP_TO else None):
            # the lock: torch on 2 cores, concurrent encodes only slow each other down
            return model.encode(
                batch,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )

    def model(self):
        """The sentence-transformers model, loaded on first use."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()  # a "Loading weights" bar on every CLI call is noise
                    model = SentenceTransformer(self.model_path, device="cpu", local_files_only=True)
                    model.max_seq_length = self.max_tokens
                    if model.get_embedding_dimension() != self.dimension:
                        raise ValueError(f"{self.model_path}: {model.get_embedding_dimension()} dimensions, not 384")
                    self._model = model
        return self._model

    def onnx(self) -> _OnnxEncoder | None:
        """The ONNX Runtime encoder: exported from the torch model into the cache on first use
        (and checked against it), loaded from there afterwards; None when it cannot be had."""
        if self._onnx is None:
            with _EXPORT_LOCK:
                if self._onnx is None:
                    self._onnx = self._load_onnx() or False
        return self._onnx or None

    def onnx_batches(self) -> _OnnxEncoder | None:
        """The ONNX encoder on every core, for indexing's batches (None: torch instead)."""
        if self._onnx_batches is None and self.onnx() is not None:
            with _EXPORT_LOCK:
                if self._onnx_batches is None:
                    self._onnx_batches = _OnnxEncoder(self.onnx().path, self.model_path, self.max_tokens, threads=0)
        return self._onnx_batches

    def _load_onnx(self) -> _OnnxEncoder | None:
        if self.cache_dir is None:
            return None
        path = runtime.cached_path(self.cache_dir, "question-encoder", [Path(self.model_path) / "model.safetensors"])
        try:
            if not path.exists():
                self._export(path)
            return _OnnxEncoder(path, self.model_path, self.max_tokens)
        except Exception as exc:
            warnings.warn(f"question encoder: ONNX Runtime unavailable ({exc}); using torch", stacklevel=3)
            return None

    def _export(self, path: Path) -> None:
        import torch

        model = self.model()
        bert = model[0].auto_model

        class MeanPooled(torch.nn.Module):
            """What sentence-transformers computes for this model: mean of the token vectors, normalised."""

            def __init__(self) -> None:
                super().__init__()
                self.bert = bert

            def forward(self, input_ids, attention_mask, token_type_ids):
                hidden = self.bert(
                    input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
                ).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                return torch.nn.functional.normalize(mean, dim=-1)

        enc = model.tokenizer(["a question", "and a longer sentence"], padding=True, return_tensors="pt")
        example = (enc["input_ids"], enc["attention_mask"], enc["token_type_ids"])

        def check(tmp: Path) -> None:
            got = _OnnxEncoder(tmp, self.model_path, self.max_tokens).encode(PROBE)
            want = self.embed_torch(PROBE)
            worst = float(np.min(np.sum(got * want, axis=1)))
            if worst < 0.9999:
                raise RuntimeError(f"the export differs from sentence-transformers (cosine {worst:.6f})")

        runtime.export(MeanPooled().eval(), example, path, "embedding", check)


# Texts of every length up to the truncation point: the export must match torch on all of them.
PROBE = [
    "How much is Russia expected to pay North Korea per soldier?",
    "Seoul",
    "The deal, signed in June, commits each side to help the other if attacked. " * 12,
]


class _OnnxEncoder:
    """The exported encoder with the bundled tokenizer.json: no torch, no transformers.

    ``threads``: 1 for questions (short: one core, see above); 0 lets ONNX Runtime use every core."""

    def __init__(self, path: Path, model_path: str, max_tokens: int, threads: int = 1):
        self.path = path
        self.session = runtime.session(path, threads=threads)
        self.tokenizer = runtime.tokenizer(model_path, max_tokens)
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        feed = runtime.feed(self.tokenizer.encode_batch(texts))
        with self._lock:
            return self.session.run(["embedding"], feed)[0]


_EXPORT_LOCK = threading.Lock()


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


@lru_cache(maxsize=4)
def load_embedder(
    model_path: str, batch_size: int = 16, max_tokens: int = 128, cache_dir: Path | None = None
) -> Embedder:
    """One model per process: it is the slowest thing to load and is safe to share."""
    return Embedder(model_path, batch_size, max_tokens, cache_dir)


def embedder_for(settings) -> Embedder:
    return load_embedder(
        settings.model_path(), settings.embed_batch_size, settings.embed_max_tokens, Path(settings.cache_dir)
    )
