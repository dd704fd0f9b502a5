"""The answer's passages are re-ranked by what the answer model read in them
(assistant.answer.extractive.reranked): retrieval score plus ``rerank_weight`` times the best logit
among each passage's sentences, passages the model did not read below the ones it did."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answer.extractive import ScoredSentence, reranked
from assistant.metrics import gold_spans, reciprocal_rank
from assistant.retriever import Retrieval
from tests.conftest import SEEDS, load_questions, question_sets


def source(pid: str, score: float):
    from footnote.types import Source

    return Source(article_id="a.md", title="A", passage_id=pid, start=0, end=4, text="Text", score=score)


def read(src, logit: float) -> ScoredSentence:
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


def test_over_every_seed_question_set_the_answers_passages_rank_the_evidence_higher(seeds_assistant):
    """What the setting is for, on the seeds as given: against retrieval's own order for the same
    query, the evidence moves up more often than down and its mean reciprocal rank rises."""
    corpus = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.iterdir() if p.is_file()}
    before, after = [], []
    for path in question_sets().values():
        for q in load_questions(path):
            if not q["answerable"]:
                continue
            answer = seeds_assistant.ask(q["question"], q.get("history", []))
            retrieval = seeds_assistant.retriever.retrieve(answer.search_query)
            assert sorted(s.passage_id for s in answer.sources) == sorted(s.passage_id for s in retrieval.sources)
            gold = gold_spans(q, corpus)
            before.append(reciprocal_rank([(s.article_id, s.start, s.end) for s in retrieval.sources], gold))
            after.append(reciprocal_rank([(s.article_id, s.start, s.end) for s in answer.sources], gold))
    up = sum(b > a for a, b in zip(before, after, strict=True))
    down = sum(b < a for a, b in zip(before, after, strict=True))
    assert len(before) > 400
    assert up > 2 * down
    assert np.mean(after) > np.mean(before) + 0.01
