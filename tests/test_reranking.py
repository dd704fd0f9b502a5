"""The answer's passages are re-ranked by what the answer model read in them
(assistant.answer.extractive.reranked): retrieval score plus ``rerank_weight`` times the best logit
among each passage's sentences; a passage none of whose sentences was read counts as one logit below
the worst that was. (With the real model, over every seed question set: tests/test_answers.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answer.extractive import ScoredSentence, reranked
from assistant.retriever import Retrieval
from footnote.types import Source


def source(pid: str, score: float) -> Source:
    return Source(article_id="a.md", title="A", passage_id=pid, start=0, end=4, text="Text", score=score)


def read(src: Source, logit: float) -> ScoredSentence:
    return ScoredSentence(src, src.start, src.end, src.text, logit=logit)


@pytest.fixture
def retrieval() -> Retrieval:
    """Four passages in retrieval order, scores 3, 2, 1 and 0.5."""
    sources = [source("A", 3.0), source("B", 2.0), source("C", 1.0), source("D", 0.5)]
    return Retrieval("q", np.zeros(3), sources)


def order(r: Retrieval) -> list[str]:
    return [s.passage_id for s in r.sources]


def test_a_passage_the_model_reads_as_the_answer_moves_ahead(retrieval):
    a, b = retrieval.sources[:2]
    out = reranked(retrieval, [read(b, 2.0), read(a, -5.0)], weight=0.5)
    assert order(out) == ["B", "A", "C", "D"]
    assert [s.score for s in out.sources] == [3.0, 0.5, -2.0, -2.5]  # scores say why: 2 + 0.5 * 2, ...


def test_a_passage_not_read_counts_as_one_logit_below_the_worst_read(retrieval):
    c, d = retrieval.sources[2:]
    out = reranked(retrieval, [read(d, 5.0), read(c, 0.0)], weight=0.5)
    assert order(out) == ["D", "A", "B", "C"]  # A and B as if they read -1: 2.5 and 1.5
    assert [s.score for s in out.sources] == [3.0, 2.5, 1.5, 1.0]


def test_a_small_difference_in_reading_does_not_overturn_retrieval(retrieval):
    a, b = retrieval.sources[:2]
    assert order(reranked(retrieval, [read(b, 1.0), read(a, 0.0)], weight=0.5)) == ["A", "B", "C", "D"]


def test_weight_zero_or_nothing_read_keeps_retrieval_order(retrieval):
    a, b = retrieval.sources[:2]
    assert reranked(retrieval, [read(b, 9.0)], weight=0.0) is retrieval
    assert reranked(retrieval, [], weight=0.5) is retrieval
    assert reranked(retrieval, [ScoredSentence(a, 0, 4, "Text")], weight=0.5) is retrieval  # never scored
