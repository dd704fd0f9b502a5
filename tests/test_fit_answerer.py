"""The offline sweep that fits the answerer's settings (tools/fit_answerer.py) decides exactly as the
answerer does: what it chose on validation data is what the app then quotes or refuses."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.answer.extractive import ExtractiveAnswerer
from assistant.chain import Ask, prepare
from assistant.metrics import normalise
from tests.conftest import POLICY_DEV, load_questions, question_sets
from tools.fit_answerer import chosen_for, read_set, shown_passages, view


@pytest.fixture(scope="module")
def questions() -> list[dict]:
    """Answerable and unanswerable questions and follow-ups, on the seeds; two questions about a
    topic (assistant/topics.py), which the model alone would refuse; two asking for a detail the
    article leaves out (assistant/answer/kinds.py) and one naming a country neither article
    mentions (assistant/answer/mentions.py), which the model alone would answer."""
    topics = [
        {"id": "drones", "question": "What does the article say about drones?", "answerable": True, "evidence": []},
        {"id": "poll", "question": "Tell me about the poll.", "answerable": True, "evidence": []},
    ]
    details = [
        {
            "id": "pollster",
            "question": "Which polling firm ran the survey that found only 13 percent support for arming Ukraine?",
        },
        {"id": "shells", "question": "How many 155-mm shells has South Korea sent to Ukraine via the United States?"},
        # a name neither article uses (assistant/answer/mentions.py)
        {"id": "germany", "question": "How much military aid has Germany provided to Ukraine?"},
    ]
    details = [q | {"answerable": False, "evidence": []} for q in details]
    return load_questions(question_sets()["seeds-blind-s6"])[:16] + topics + details


@pytest.fixture(scope="module")
def reading(seeds_assistant, questions) -> list[dict]:
    return read_set(seeds_assistant, questions, depth=16)


def test_reading_leaves_the_assistant_as_it_was(seeds_assistant, questions):
    before = seeds_assistant.reader.settings
    assert len(read_set(seeds_assistant, questions[:2], depth=16)[0]["candidates"]) == 16
    assert seeds_assistant.reader.settings == before


# Every pair of the three settings' values, in four runs rather than eight: what the sweep gets
# wrong shows with one setting's value, or with two together.
@pytest.mark.parametrize(
    ("prior", "threshold", "context"), [(0.0, None, 0.0), (0.0, 0.6, 4.0), (2.0, None, 4.0), (2.0, 0.6, 0.0)]
)
def test_the_sweep_quotes_and_refuses_as_the_answerer_does(
    seeds_assistant, questions, reading, prior, threshold, context
):
    reader = seeds_assistant.reader
    settings = replace(reader.settings, prior_weight=prior, context_margin=context)
    if threshold is not None:
        settings = replace(settings, min_answerability=threshold)
    answerer = ExtractiveAnswerer(reader.index, settings, scorer=reader.scorer, answerability=reader.answerability)
    refused = joined = 0
    for q, record in zip(questions, reading, strict=True):
        ask, query, _ = prepare(Ask(q["question"], list(q.get("history", []))))
        answer = answerer.answer(ask.question, seeds_assistant.retriever.retrieve(query), ask.history)
        simulated = chosen_for(record, settings, reader.answerability)
        if simulated is None:
            refused += 1
            assert not answer.citations, q["question"]
        else:
            quoted = sorted(normalise(c.quote) for c in answer.citations)
            joined += sum(
                len(record["candidates"]) > 1 and c.quote not in {s["text"] for s in record["candidates"]}
                for c in answer.citations
            )
            assert quoted == sorted(normalise(c["text"]) for c in simulated), q["question"]
    assert refused < len(questions)
    assert sum(any(c["about"] for c in r["candidates"]) for r in reading) == 2  # topics were compared too
    details = [r for r in reading if r["id"] in {"pollster", "shells", "germany"}]
    unchecked = replace(settings, min_answerability=0.0)
    assert all(chosen_for(r, unchecked, reader.answerability) is None for r in details)  # refused by kind or name
    assert [r["id"] for r in reading if r["unmentioned"]] == ["germany"]
    if threshold is not None:
        assert refused > 0  # both branches were compared
    if context and threshold is None:
        assert joined > 0  # quotes of several sentences were compared too


@pytest.mark.parametrize("weight", [0.0, 0.5, 2.0])
def test_the_rerank_sweep_orders_passages_as_the_answer_shows_them(seeds_assistant, questions, reading, weight):
    reader = seeds_assistant.reader
    answerer = ExtractiveAnswerer(
        reader.index,
        replace(reader.settings, rerank_weight=weight),
        scorer=reader.scorer,
        answerability=reader.answerability,
    )
    moved = 0
    for q, record in zip(questions, reading, strict=True):
        ask, query, _ = prepare(Ask(q["question"], list(q.get("history", []))))
        retrieval = seeds_assistant.retriever.retrieve(query)
        shown = [(s.article_id, s.start, s.end) for s in answerer.answer(ask.question, retrieval).sources]
        assert shown_passages(record, reader.settings.candidates, weight) == shown, q["question"]
        moved += shown != [(s.article_id, s.start, s.end) for s in retrieval.sources]
    assert (moved > 0) == (weight > 0)


def test_the_sweep_quotes_headings_as_the_answerer_does(policy_dev_assistant):
    """On Markdown articles, whose headline and section headings are read as sentences: the first
    half of policy-dev-s15 (the headline and lede questions among them), where a heading scored
    best for some questions (quoted_runs). Read to the shipped depth only, which is all it needs."""
    questions = load_questions(POLICY_DEV / "questions.jsonl")[:30]
    reader = policy_dev_assistant.reader
    reading = read_set(policy_dev_assistant, questions, depth=reader.settings.candidates)
    headed = 0
    for q, record in zip(questions, reading, strict=True):
        ask, query, _ = prepare(Ask(q["question"], list(q.get("history", []))))
        answer = reader.answer(ask.question, policy_dev_assistant.retriever.retrieve(query), ask.history)
        simulated = chosen_for(record, reader.settings, reader.answerability)
        quoted = sorted(normalise(c.quote) for c in answer.citations)
        assert quoted == sorted(normalise(c["text"]) for c in simulated or []), q["question"]
        ranked = view(record, reader.settings.candidates, reader.settings.prior_weight)[1]
        headed += bool(ranked) and ranked[0]["heading"] != "" and simulated is not None  # a heading scored best
    assert headed > 0
