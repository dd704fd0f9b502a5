"""Hybrid retrieval: score fusion, neighbour context, and the search view kept in step with Chroma.

The index tests use the real model and a real Chroma in a temporary folder (conftest's ``index``).
"""

from __future__ import annotations

import numpy as np
import pytest

from assistant.retriever import Filters, HybridRetriever, fuse, standardise, top_indices, with_context
from ingest.search_index import SearchIndex

# --- fusion, pure functions ---------------------------------------------------------------------


def test_found_by_both_lists_outranks_found_by_one():
    # passage 0: top of both lists; 1: top dense only; 2: top lexical only; the rest: nothing
    dense = np.array([0.80, 0.80, 0.20, 0.1, 0.1, 0.1, 0.1, 0.1])
    lexical = np.array([7.0, 0.0, 7.0, 0, 0, 0, 0, 0])
    for weight in (0.2, 0.4, 0.5, 0.8):
        order = top_indices(fuse(dense, lexical, weight), 3)
        assert order[0] == 0, weight
        assert set(order) == {0, 1, 2}


def test_fusion_without_known_words_is_dense_order():
    dense = np.array([0.1, 0.9, 0.5, 0.3])
    lexical = np.zeros(4)
    assert top_indices(fuse(dense, lexical, 0.4), 4) == [1, 2, 3, 0]


def test_standardise_is_safe_on_constant_scores():
    assert not standardise(np.ones(5)).any()
    assert not standardise(np.zeros(0)).any()


def test_neighbour_context_stays_inside_an_article():
    scores = np.array([0.0, 5.0, 0.0, 0.0])
    # passages 0-1 are one article, 2-3 another
    prev = np.array([-1, 0, -1, 2])
    nxt = np.array([1, -1, 3, -1])
    out = with_context(scores, prev, nxt, 0.5)
    assert out[0] == pytest.approx(2.5)  # borrows from its neighbour 1
    assert out[2] == pytest.approx(0.0)  # 1 is in another article: nothing to borrow
    assert out[1] == pytest.approx(5.0)
    assert with_context(scores, prev, nxt, 0.0) is scores


def test_top_indices_drops_excluded_and_keeps_reading_order_on_ties():
    scores = np.array([1.0, -np.inf, 2.0, 1.0, -np.inf])
    assert top_indices(scores, 10) == [2, 0, 3]
    assert top_indices(scores, 1) == [2]
    assert top_indices(np.zeros(0), 3) == []


# --- the search view over a real index ----------------------------------------------------------

ARTICLES = {
    "alpha.md": "---\ntitle: Alpha\n---\n\n# Harbours\n\nThe zyxquartz harbour opened in 1921. Ships came daily.\n\n"
    "# Trade\n\nGrain left through the harbour every autumn.\n",
    "beta.md": "---\ntitle: Beta\n---\n\nThe mountain railway climbs to the pass. It was finished in 1934.\n",
    "gamma.md": "---\ntitle: Gamma\nauthor: Jane Roe\npublished: 2024-05-01\n---\n\n"
    "Coffee growers met in the valley to set prices for the season.\n",
}


def write(settings, name: str, text: str) -> None:
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    (settings.corpus_dir / name).write_text(text, encoding="utf-8")


def assert_in_step(index) -> None:
    """The incremental view equals the store, and equals a view rebuilt from scratch."""
    got = index.store.collection.get(include=["documents", "embeddings"])
    store = {pid: (doc, vec) for pid, doc, vec in zip(got["ids"], got["documents"], got["embeddings"], strict=True)}
    snap = index.search_index.snapshot()
    assert sorted(snap.ids) == sorted(store)
    for i, pid in enumerate(snap.ids):
        assert snap.stored[i].passage.text == store[pid][0]
        assert np.allclose(snap.vectors[i], store[pid][1], atol=1e-6)
    # every passage has one stored vector per sentence, and no sentence belongs to nothing
    sentences = index.store.sentences.get(include=["metadatas"])
    assert {m["passage_id"] for m in sentences["metadatas"]} == set(store)
    assert len(sentences["ids"]) == sum(len(s.passage.sentences) for s in snap.stored)
    for pid, stored in zip(snap.ids, snap.stored, strict=True):
        assert snap.sentence_vectors(pid).shape == (len(stored.passage.sentences), index.embedder.dimension)
    fresh = SearchIndex(lambda: index.store, index.embedder.dimension).snapshot()
    # the view saved beside the store (ingest/saved.py) is the same view, read without Chroma
    saved = SearchIndex(no_store, index.embedder.dimension, index.search_index.saved).snapshot()
    assert fresh.ids == snap.ids == saved.ids
    assert [s.passage for s in saved.stored] == [s.passage for s in snap.stored]
    assert saved.article_meta == snap.article_meta
    assert np.array_equal(saved.vectors, snap.vectors)
    for pid in snap.ids:
        assert np.array_equal(saved.sentence_vectors(pid), snap.sentence_vectors(pid))
    for query in ("zyxquartz harbour", "railway pass", "coffee prices valley", "grain autumn"):
        terms = index.search_index.query_terms(query)
        assert np.allclose(fresh.bm25(terms), snap.bm25(terms), atol=1e-5), query
        assert np.array_equal(saved.bm25(terms), snap.bm25(terms)), query


def no_store():
    raise AssertionError("the saved search snapshot should have answered without opening Chroma")


def bm25_hits(index, text: str) -> list[tuple[str, float]]:
    """Passage ids with a BM25 score for ``text``, best first."""
    snap = index.search_index.snapshot()
    scores = snap.bm25(index.search_index.query_terms(text))
    return [(snap.ids[i], float(scores[i])) for i in np.argsort(-scores, kind="stable") if scores[i] > 0]


def test_lexical_view_follows_add_update_remove(settings, index):
    for name, text in ARTICLES.items():
        write(settings, name, text)
    assert index.sync(settings.corpus_dir).ok
    assert_in_step(index)
    assert bm25_hits(index, "zyxquartz")[0][0].startswith("alpha.md#")
    assert index.search_index.term_stats("zyxquartz").known == (True,)

    # update: the rare word moves from alpha to beta
    write(settings, "alpha.md", ARTICLES["alpha.md"].replace("zyxquartz", "stone"))
    write(settings, "beta.md", ARTICLES["beta.md"].replace("railway", "zyxquartz railway"))
    report = index.sync(settings.corpus_dir)
    assert sorted(report.updated) == ["alpha.md", "beta.md"]
    assert_in_step(index)
    hits = bm25_hits(index, "zyxquartz")
    assert [pid.split("#")[0] for pid, _ in hits] == ["beta.md"]

    # remove: its words are no longer known, its passages are gone
    (settings.corpus_dir / "beta.md").unlink()
    assert index.sync(settings.corpus_dir).removed == ["beta.md"]
    assert_in_step(index)
    assert bm25_hits(index, "zyxquartz") == []
    assert index.search_index.term_stats("zyxquartz railway").known == (False, False)
    assert not any(pid.startswith("beta.md#") for pid in index.search_index.ids)

    # single-article paths of the index keep it in step too
    index.remove_article("gamma.md")
    assert_in_step(index)
    assert not any(pid.startswith("gamma.md#") for pid in index.search_index.ids)


def test_refresh_without_changes_keeps_the_snapshot(settings, index):
    write(settings, "beta.md", ARTICLES["beta.md"])
    assert index.sync(settings.corpus_dir).ok
    before = index.search_index.snapshot()
    index.search_index.refresh()
    assert index.search_index.snapshot() is before


def test_retriever_returns_exact_slices_and_honours_filters(settings, index):
    for name, text in ARTICLES.items():
        write(settings, name, text)
    assert index.sync(settings.corpus_dir).ok
    retriever = HybridRetriever(index=index, k=3)
    retrieval = retriever.retrieve("When did the zyxquartz harbour open?")
    top = retrieval.sources[0]
    assert top.article_id == "alpha.md"
    assert top.section == "Harbours"
    content = (settings.corpus_dir / "alpha.md").read_text(encoding="utf-8")
    for s in retrieval.sources:
        text = (settings.corpus_dir / s.article_id).read_text(encoding="utf-8")
        assert text[s.start : s.end] == s.text
        assert all(s.start <= a < b <= s.end for a, b in s.sentences)
    assert "1921" in content[top.start : top.end]
    scores = [s.score for s in retrieval.sources]
    assert scores == sorted(scores, reverse=True)

    only_beta = retriever.retrieve("When did the zyxquartz harbour open?", Filters(article_ids=("beta.md",)))
    assert {s.article_id for s in only_beta.sources} == {"beta.md"}
    assert retriever.retrieve("harbour", Filters(article_ids=("missing.md",))).sources == []
    by_author = retriever.retrieve("harbour railway coffee", Filters(author="roe"))
    assert {s.article_id for s in by_author.sources} == {"gamma.md"}
    by_date = retriever.retrieve("harbour railway coffee", Filters(date_from="2024-01-01"))
    assert {s.article_id for s in by_date.sources} == {"gamma.md"}


def test_a_headline_is_searched_and_quoted_with_its_lede(settings, index):
    """A plain-text news article's headline (a heading) opens its first passage, so a question in
    the headline's words finds that passage and the headline's span is inside it."""
    text = "Harbour strike ends after nine days\n\nDock workers returned on Monday. Ships are unloading again.\n"
    write(settings, "news.txt", text)
    write(settings, "other.txt", "Weather\n\nRain fell on the harbour all week. The ferries ran late.\n")
    assert index.sync(settings.corpus_dir).ok
    top = HybridRetriever(index=index, k=1).retrieve("When did the harbour strike end?").sources[0]
    assert top.article_id == "news.txt"
    assert top.start == 0 and top.text.startswith("Harbour strike ends after nine days")
    assert (0, len("Harbour strike ends after nine days")) in [tuple(s) for s in top.sentences]


def test_retriever_on_an_empty_index(index):
    assert HybridRetriever(index=index).retrieve("anything at all").sources == []


def test_rechunked_article_with_the_same_ids_is_refetched(settings, index):
    """Same content, other passage size: ids can repeat with other spans; the view must follow."""
    from ingest.chunk import chunk_article
    from ingest.load import parse_article

    text = "---\ntitle: Long\n---\n\n" + " ".join(f"Sentence number {i} talks about topic {i}." for i in range(40))
    article = parse_article("long.md", text)
    for target in (600, 250):
        passages = chunk_article(article, target)
        sentences = [index.embedder.embed([article.content[x.start : x.end] for x in p.sentences]) for p in passages]
        index.store.put_article(article, passages, sentences)
        index.search_index.refresh()
        assert_in_step(index)
        stored = index.search_index.snapshot().stored
        assert len(stored) == len(passages) and all(s.passage.end - s.passage.start <= target for s in stored)


def test_a_passage_vector_is_the_mean_of_its_sentence_vectors(settings, index):
    """Only sentences are embedded; a passage's meaning is their normalised mean (docs/retrieval.md)."""
    write(settings, "alpha.md", ARTICLES["alpha.md"])
    assert index.sync(settings.corpus_dir).ok
    snap = index.search_index.snapshot()
    for pid, stored, vector in zip(snap.ids, snap.stored, snap.vectors, strict=True):
        p = stored.passage
        sentences = index.embedder.embed([p.text[s.start - p.start : s.end - p.start] for s in p.sentences])
        assert np.allclose(snap.sentence_vectors(pid), sentences, atol=1e-5)
        mean = sentences.mean(axis=0)
        assert np.allclose(vector, mean / np.linalg.norm(mean), atol=1e-5)


def test_changing_the_passage_size_rechunks_an_existing_index(settings, index, embedder):
    from ingest.index import Index

    write(
        settings, "long.md", "---\ntitle: Long\n---\n\n" + " ".join(f"Fact {i} is about topic {i}." for i in range(80))
    )
    assert index.sync(settings.corpus_dir).added == ["long.md"]
    before = len(index.search_index)
    smaller = Index(settings.model_copy(update={"passage_chars": 200}), embedder=embedder)
    report = smaller.sync(settings.corpus_dir)
    assert report.updated == ["long.md"]
    assert len(smaller.search_index) > before
    assert all(s.passage.end - s.passage.start <= 200 for s in smaller.search_index.snapshot().stored)
    assert_in_step(smaller)
    assert smaller.sync(settings.corpus_dir).unchanged == ["long.md"]
