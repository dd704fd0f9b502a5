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


def test_a_question_is_encoded_on_one_thread_and_a_corpus_on_all(embedder, monkeypatch):
    """One thread for tiny inputs removes the latency tail on 2 cores; bulk indexing keeps both."""
    import torch

    threads: list[int] = []
    real = embedder._model.encode

    def recording(sentences, **kwargs):
        threads.append(torch.get_num_threads())
        return real(sentences, **kwargs)

    monkeypatch.setattr(embedder._model, "encode", recording)
    before = torch.get_num_threads()
    embedder.embed_one("How much is Russia expected to pay per soldier?")
    embedder.embed([f"Sentence number {i} about the budget." for i in range(40)])
    assert threads[0] == 1
    assert threads[1:] and all(n == before for n in threads[1:])
    assert torch.get_num_threads() == before
