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
    engine = embedder.onnx_batches()
    real = engine.encode

    def counting(sentences):
        encoded.extend(sentences)
        return real(sentences)

    monkeypatch.setattr(engine, "encode", counting)
    distinct = [f"Line {i} of the quarterly report." for i in range(10)]  # a batch: every core
    texts = [*distinct, distinct[0], distinct[0], distinct[3]]
    done: list[int] = []
    vectors = embedder.embed(texts, progress=done.append)
    assert sorted(encoded) == sorted(distinct)
    assert sum(done) == len(texts)
    assert np.allclose(vectors[0], vectors[10]) and np.allclose(vectors[3], vectors[12])
    assert not np.allclose(vectors[0], vectors[1])


def test_a_question_is_encoded_on_one_thread_and_a_corpus_on_every_core(embedder, monkeypatch):
    """One thread for tiny inputs removes the latency tail on 2 cores; bulk indexing keeps both
    cores. Both run on ONNX Runtime: neither waits for torch to load."""
    engines: list[tuple[str, int]] = []
    for name, engine in (("question", embedder.onnx()), ("batch", embedder.onnx_batches())):
        real = engine.encode

        def recording(sentences, name=name, engine=engine, real=real):
            engines.append((name, engine.session.get_session_options().intra_op_num_threads))
            return real(sentences)

        monkeypatch.setattr(engine, "encode", recording)
    embedder.embed_one("How much is Russia expected to pay per soldier?")
    embedder.embed([f"Sentence number {i} about the budget." for i in range(40)])
    assert engines[0] == ("question", 1)
    assert engines[1:] and all(e == ("batch", 0) for e in engines[1:])  # 0: ONNX Runtime's every core


def test_indexing_on_onnx_runtime_gives_sentence_transformers_vectors(embedder):
    texts = [f"Sentence {i}: the committee met on {i} March to review the harbour budget." for i in range(30)]
    texts += ["Seoul", "A long one, " * 100]  # one word; past the 128 word pieces both engines cut at
    got = embedder.embed(texts)
    want = embedder.embed_torch(texts)
    assert np.min(np.sum(got * want, axis=1)) >= 0.9999
