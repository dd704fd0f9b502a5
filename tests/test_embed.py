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
    model = embedder.model()
    real = model.encode

    def counting(sentences, **kwargs):
        encoded.extend(sentences)
        return real(sentences, **kwargs)

    monkeypatch.setattr(model, "encode", counting)
    distinct = [f"Line {i} of the quarterly report." for i in range(10)]  # a batch: sentence-transformers
    texts = [*distinct, distinct[0], distinct[0], distinct[3]]
    done: list[int] = []
    vectors = embedder.embed(texts, progress=done.append)
    assert sorted(encoded) == sorted(distinct)
    assert sum(done) == len(texts)
    assert np.allclose(vectors[0], vectors[10]) and np.allclose(vectors[3], vectors[12])
    assert not np.allclose(vectors[0], vectors[1])


def test_a_question_is_encoded_by_onnx_runtime_on_one_thread_and_a_corpus_by_torch_on_all(embedder, monkeypatch):
    """One thread for tiny inputs removes the latency tail on 2 cores (and torch need not load to
    answer); bulk indexing keeps both cores."""
    import torch

    engines: list[tuple[str, int]] = []
    model, onnx = embedder.model(), embedder.onnx()
    real_torch, real_onnx = model.encode, onnx.encode

    def on_torch(sentences, **kwargs):
        engines.append(("torch", torch.get_num_threads()))
        return real_torch(sentences, **kwargs)

    def on_onnx(sentences):
        engines.append(("onnx", onnx.session.get_session_options().intra_op_num_threads))
        return real_onnx(sentences)

    monkeypatch.setattr(model, "encode", on_torch)
    monkeypatch.setattr(onnx, "encode", on_onnx)
    before = torch.get_num_threads()
    embedder.embed_one("How much is Russia expected to pay per soldier?")
    embedder.embed([f"Sentence number {i} about the budget." for i in range(40)])
    assert engines[0] == ("onnx", 1)
    assert engines[1:] and all(e == ("torch", before) for e in engines[1:])
    assert torch.get_num_threads() == before
