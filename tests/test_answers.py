"""Answers are verbatim, cited sentences; every quote is checked against its article at its span."""

from __future__ import annotations

import pytest

from assistant.chain import QuestionError
from assistant.evaluate import answer_questions, read_corpus
from assistant.metrics import score_run
from tests.conftest import (
    EXTRA_QUESTIONS,
    HOLDOUT_QUESTIONS,
    LAMI_KIM,
    REPO,
    SEED_QUESTIONS,
    SEEDS,
    load_questions,
)

QUESTION_SETS = [SEED_QUESTIONS, EXTRA_QUESTIONS, HOLDOUT_QUESTIONS]
CALIBRATED_SETS = [SEED_QUESTIONS, EXTRA_QUESTIONS]  # the holdout set's numbers are reported, not yet met


def assert_quotes_exact(records, corpus):
    assert records
    for record in records:
        for c in record["citations"]:
            assert corpus[c["source"]][c["start"] : c["end"]] == c["quote"], (record["id"], c)
        for p in record["passages"]:
            assert p["source"] in corpus and 0 <= p["start"] < p["end"] <= len(corpus[p["source"]])


@pytest.mark.parametrize("questions", QUESTION_SETS, ids=lambda p: p.name)
def test_every_quote_is_verbatim_at_its_span_over_the_seeds(seeds_assistant, questions):
    records = answer_questions(seeds_assistant, load_questions(questions))
    assert_quotes_exact(records, read_corpus(SEEDS))


@pytest.mark.parametrize("questions", CALIBRATED_SETS, ids=lambda p: p.name)
def test_answer_targets_hold_on_every_question_set(seeds_assistant, questions):
    """Issue 4's targets: answers found, refusals right, quotes exact, on each set of questions."""
    asked = load_questions(questions)
    metrics = score_run(read_corpus(SEEDS), asked, answer_questions(seeds_assistant, asked))
    assert metrics["answer_hit"] >= 0.9, metrics
    assert metrics["abstain_recall"] >= 0.9, metrics
    assert metrics["abstain_precision"] >= 0.9, metrics
    assert metrics["quote_exact"] == 1.0, metrics


@pytest.mark.parametrize("questions", QUESTION_SETS, ids=lambda p: p.name)
def test_every_quote_is_verbatim_at_its_span_over_the_project_corpus(corpus_assistant, questions):
    records = answer_questions(corpus_assistant, load_questions(questions))
    assert_quotes_exact(records, read_corpus(corpus_assistant.settings.corpus_dir))


def test_soldier_pay_is_answered_from_the_lami_kim_article(corpus_assistant):
    answer = corpus_assistant.ask("How much is Russia expected to pay North Korea per soldier?")
    assert not answer.abstained
    cited = [c for c in answer.citations if "$2,000 per soldier per month" in c.quote]
    assert cited and cited[0].article_id == LAMI_KIM and cited[0].author == "Lami Kim"
    assert f"[{cited[0].n}]" in answer.text
    content = (REPO / "corpus" / LAMI_KIM).read_text(encoding="utf-8")
    assert content[cited[0].passage_start : cited[0].passage_end] == cited[0].passage_text


def test_citation_numbers_in_the_text_match_the_citations(corpus_assistant):
    answer = corpus_assistant.ask("Which advanced military technologies might Russia provide to North Korea?")
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for c in answer.citations:
        assert f"“{c.quote}” [{c.n}]" in answer.text


def test_two_articles_answer_grouped_by_article(corpus_assistant):
    answer = corpus_assistant.ask("Which advanced military technologies might Russia provide to North Korea?")
    articles = [c.article_id for c in answer.citations]
    if len(set(articles)) > 1:
        # grouped: all citations of one article are contiguous
        assert articles == sorted(articles, key=articles.index)
        for c in answer.citations:
            # each article's heading: title, byline, and the section the quotes come from
            heading = answer.text.split(f"**{c.title}**")[1].split("\n")[0]
            assert c.author in heading
            assert (f"“{c.section.split(' › ')[-1]}”" in heading) if c.section else heading == ":"


@pytest.mark.parametrize(
    "question", ["What is the GDP of South Korea?", "How many troops has China sent to fight for Russia?"]
)
def test_unanswerable_questions_are_refused_with_closest_passages(corpus_assistant, question):
    answer = corpus_assistant.ask(question)
    assert answer.abstained
    assert answer.citations == []
    assert "does not answer" in answer.text
    assert "not an answer" in answer.text
    assert answer.sources


def test_follow_up_is_retrieved_with_the_conversation(corpus_assistant):
    first = "How much is Russia expected to pay North Korea per soldier?"
    answer = corpus_assistant.ask("And how much in total per month?", history=[first])
    assert first in answer.search_query
    assert any("$20 million each month" in c.quote for c in answer.citations)


def test_self_contained_question_is_not_dragged_to_the_old_topic(corpus_assistant):
    answer = corpus_assistant.ask(
        "Which South Korean law would a direct supply of weapons to Ukraine violate?",
        history=["How much is Russia expected to pay North Korea per soldier?"],
    )
    assert answer.search_query == "Which South Korean law would a direct supply of weapons to Ukraine violate?"
    assert any("Foreign Trade Act" in c.quote for c in answer.citations)


@pytest.mark.parametrize("question", ["", "   ", "\x00\x01\x02"])
def test_empty_question_gets_a_plain_message(corpus_assistant, question):
    with pytest.raises(QuestionError, match="type a question"):
        corpus_assistant.ask(question)


def test_huge_question_with_control_characters_is_answered_not_crashed(corpus_assistant):
    question = "How much is Russia expected to pay per soldier?\x07\x1b " + "pay soldier " * 2000
    answer = corpus_assistant.ask(question)
    assert "characters" in answer.notice
    assert len(answer.question) <= 2000


def test_quotes_carry_full_attribution(corpus_assistant):
    answer = corpus_assistant.quotes("South Korean public opinion on arming Ukraine", count=3)
    assert 1 <= len(answer.citations) <= 3
    assert len({c.passage_start for c in answer.citations}) == len(answer.citations)
    poll = [c for c in answer.citations if "public opinion is overwhelmingly against" in c.quote]
    assert poll and poll[0].attribution().startswith("Lami Kim, “")


def test_answering_runs_the_model_on_the_question_only(corpus_assistant, monkeypatch):
    """Sentence vectors come from the index, so an answer costs one encode however many passages it reads."""
    embedder = corpus_assistant.index.embedder
    encoded: list[list[str]] = []
    real = embedder.embed

    def counting(texts, progress=None):
        encoded.append(list(texts))
        return real(texts, progress)

    monkeypatch.setattr(embedder, "embed", counting)
    question = "How much is Russia expected to pay North Korea per soldier?"
    answer = corpus_assistant.ask(question)
    assert not answer.abstained and answer.citations
    assert encoded == [[question]]


def test_a_country_the_corpus_never_names_is_missing_but_a_nationality_adjective_is_not(seeds_assistant):
    from assistant.answer import missing_names

    lexical = seeds_assistant.index.lexical
    assert missing_names("How much oil did Iran sell to North Korea?", [], lexical) == ["Iran"]
    assert missing_names("Why did Pakistan object?", [], lexical) == ["Pakistan"]
    assert missing_names("Which American system is the Cheongung II compared to?", [], lexical) == []
