"""The embedder: normalised vectors, in input order, each distinct text encoded once (real model)."""

from __future__ import annotations

import numpy as np


def test_vectors_come_back_in_input_order_and_normalised(embedder):
    texts = ["A short one.", "A longer sentence about artillery shells and air defence systems.", "Mid length."]
    together = embedder.embed(texts)
    alone = np.stack([embedder.embed_one(t) for t in texts])
    assert np.allclose(together, alone, atol=1e-5)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_repeated_texts_are_encoded_once_and_counted_in_progress(embedder, monkeypatch):
    encoded: list[str] = []
    real = embedder._model.encode

    def counting(sentences, **kwargs):
        encoded.extend(sentences)
        return real(sentences, **kwargs)

    monkeypatch.setattr(embedder._model, "encode", counting)
    texts = ["Total revenue rose.", "Net income fell.", "Total revenue rose.", "Total revenue rose."]
    done: list[int] = []
    vectors = embedder.embed(texts, progress=done.append)
    assert sorted(encoded) == ["Net income fell.", "Total revenue rose."]
    assert sum(done) == len(texts)
    assert np.allclose(vectors[0], vectors[2]) and np.allclose(vectors[0], vectors[3])
    assert not np.allclose(vectors[0], vectors[1])
