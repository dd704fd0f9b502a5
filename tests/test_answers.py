"""Answers are verbatim, cited sentences; every quote is checked against its article at its span."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answer.extractive import reranked
from assistant.answer.kinds import Kind
from assistant.chain import Ask, QuestionError, prepare
from assistant.evaluate import answer_questions, read_corpus
from assistant.metrics import gold_spans, reciprocal_rank, score_run
from assistant.retriever import Filters
from assistant.topics import topic_of
from footnote.types import RefusalReason
from tests.conftest import (
    LAMI_KIM,
    NEWS,
    NEWS_S16,
    POLICY,
    POLICY_DEV,
    POLICY_S16,
    REPO,
    SEEDS,
    load_questions,
    question_sets,
)
from tools.train_answer_model import SEED_HELD_OUT

QUESTION_SETS = list(question_sets().values())
# Floors a little under what the shipped model measured on the held-out blind sets, pooled (one set
# is 24 answerable and 16 unanswerable questions, where one question moves a metric by 0.04-0.06):
# 0.855 / 0.903 / 0.250 over the seven held-out sets with the answer-kind check (session 15;
# 0.855 / 0.850 / 0.152 without it), 0.855 / 0.919 / 0.304 with the mention check (session 16).
# Issue 13's targets (0.9 / 0.9 / 0.9) are not met: the model ranks sentences well but tells
# near-miss questions from answerable ones only weakly.
ANSWER_HIT_FLOOR = 0.8
ABSTAIN_PRECISION_FLOOR = 0.85
ABSTAIN_RECALL_FLOOR = 0.27
BLIND_SETS = [path for name, path in question_sets().items() if name in SEED_HELD_OUT]
# The newest two held-out sets, asked again over the Markdown copies of the seeds.
MARKDOWN_SETS = [path for name, path in question_sets().items() if name in {"seeds-blind-s6", "seeds-blind-s13"}]


_ANSWERED: dict[tuple[int, str], list[dict]] = {}


def answered(assistant, path) -> list[dict]:
    """The set's run records, answered once per assistant (two questions at a time: two cores)."""
    key = (id(assistant), str(path))
    if key not in _ANSWERED:
        _ANSWERED[key] = answer_questions(assistant, load_questions(path), workers=2)
    return _ANSWERED[key]


def assert_quotes_exact(records, corpus):
    assert records
    for record in records:
        for c in record["citations"]:
            assert corpus[c["source"]][c["start"] : c["end"]] == c["quote"], (record["id"], c)
        for p in record["passages"]:
            assert p["source"] in corpus and 0 <= p["start"] < p["end"] <= len(corpus[p["source"]])


@pytest.mark.parametrize("questions", QUESTION_SETS, ids=lambda p: p.name)
def test_every_quote_is_verbatim_at_its_span_over_the_seeds(seeds_assistant, questions):
    assert_quotes_exact(answered(seeds_assistant, questions), read_corpus(SEEDS))


def test_answers_on_the_held_out_blind_sets_stay_at_the_measured_level(seeds_assistant):
    """Answers found, refusals right, quotes exact, over the blind sets the model never trained on."""
    asked, records = [], []
    for path in BLIND_SETS:
        questions = load_questions(path)
        asked += [q | {"id": f"{path.stem}:{q['id']}"} for q in questions]
        records += [r | {"id": f"{path.stem}:{r['id']}"} for r in answered(seeds_assistant, path)]
    metrics = score_run(read_corpus(SEEDS), asked, records)
    assert metrics["answer_hit"] >= ANSWER_HIT_FLOOR, metrics
    assert metrics["abstain_precision"] >= ABSTAIN_PRECISION_FLOOR, metrics
    assert metrics["abstain_recall"] >= ABSTAIN_RECALL_FLOOR, metrics
    assert metrics["quote_exact"] == 1.0, metrics


@pytest.mark.parametrize(
    ("folder", "floors"),
    [
        # Measured when the set was added (session 14), after the model and its settings were fixed:
        # 0.861 / 0.600 / 0.125 and MRR 0.931; with the answer-kind check 0.861 / 0.667 / 0.167;
        # with the mention check (session 16, which read its answers) 0.861 / 0.800 / 0.333.
        (POLICY, (0.8, 0.7, 0.25, 0.85)),
        # The answer-kind check and the heading rule were designed on it: 0.667 / 0.583 / 0.292
        # before, 0.694 / 0.722 / 0.542 and MRR 0.907 with both (make bench, session 15);
        # 0.694 / 0.773 / 0.708 with session 16's checks.
        (POLICY_DEV, (0.6, 0.7, 0.62, 0.75)),
        # Held out in session 15: 0.694 / 0.818 / 0.375 before, 0.722 / 0.867 / 0.542 and MRR 0.839
        # with its checks; 0.722 / 0.905 / 0.792 with session 16's (designed reading its answers).
        (NEWS, (0.63, 0.8, 0.7, 0.7)),
        # Held out of session 16's design (make bench): 0.722 / 0.857 / 0.250, MRR 0.844.
        (POLICY_S16, (0.65, 0.7, 0.16, 0.75)),
        # Held out of session 16's design (make bench): 0.750 / 0.800 / 0.500, MRR 0.938.
        (NEWS_S16, (0.68, 0.7, 0.41, 0.85)),
    ],
    ids=lambda x: x.name if hasattr(x, "name") else None,
)
def test_on_articles_it_was_not_built_on_answers_stay_at_the_measured_level(assistant_over, folder, floors):
    """Five articles and 60 questions each, written blind by helpers who never saw Footnote (each
    set's README). The floors (answer_hit, abstain precision, abstain recall, MRR) sit one or two
    questions under what was measured; every quote must be exact."""
    questions = folder / "questions.jsonl"
    records = answered(assistant_over(folder), questions)
    metrics = score_run(read_corpus(folder / "corpus"), load_questions(questions), records)
    hit, precision, recall, mrr = floors
    assert metrics["quote_exact"] == 1.0, metrics
    assert metrics["answer_hit"] >= hit and metrics["mrr"] >= mrr, metrics
    assert metrics["abstain_precision"] >= precision and metrics["abstain_recall"] >= recall, metrics


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who carried out the September poll of 2,000 adults on offshore wind?", Kind.NAME),
        ("How much has the AES 0.5% import levy collected so far?", Kind.NUMBER),
        ("What's the helpline number for reporting heat law violations in Odisha?", Kind.NUMBER),
    ],
)
def test_a_detail_the_article_leaves_out_is_refused_naming_what_is_missing(policy_dev_assistant, question, kind):
    """The best sentence is about the poll, the levy, the law: the model scores it as an answer.
    It holds no name, no new number: the corpus does not give what was asked (assistant/answer/kinds.py)."""
    answer = policy_dev_assistant.ask(question)
    assert answer.abstained and answer.refusal_reason == RefusalReason.NOT_ANSWERED, answer.text
    assert answer.notice == kind.missing
    assert answer.sources and not answer.citations and "Closest passages (not an answer)" in answer.text


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("Why did Peru's central bank keep its benchmark rate at 5.25%?", "Peru"),
        ("How many Kenyan workers died of heatstroke in Odisha in 2025?", "Kenyan"),
        ("What did the Danish energy ministry change after the zero-bid offshore wind round?", "Danish"),
        # the corpus has "ports" and "industry": a shared beginning is not another form of a name
        ("Why did Portugal's ports stop Niger-bound containers?", "Portugal"),
        ("How did the Indus commission respond to the heatstroke deaths?", "Indus"),
    ],
)
def test_a_question_naming_what_no_article_mentions_is_refused_saying_so(policy_dev_assistant, question, name):
    """The article answers the same question of Indonesia, Odisha's workers, Germany: the model
    reads it as answered. No article in the corpus uses the name, so no quote can be about it
    (assistant/answer/mentions.py)."""
    answer = policy_dev_assistant.ask(question)
    assert answer.abstained and answer.refusal_reason == RefusalReason.NOT_ANSWERED, answer.text
    assert answer.notice == f"No article mentions “{name}”."
    assert answer.sources and not answer.citations and "Closest passages (not an answer)" in answer.text


@pytest.mark.parametrize(
    ("question", "evidence"),
    [
        ("How many suspected heatstroke deaths did Odisha record in 2025?", "71 suspected heatstroke deaths"),
        ("Who's the Cook Islands minister in charge of seabed minerals?", "Ruatapu Vainerere"),
        ("When exactly did the Sahel withdrawal from ECOWAS take effect?", "January 29, 2025"),
        # names the corpus uses in another form are mentioned (assistant/answer/mentions.py): a typing
        # slip, another form ("Niger"), the author named only in the front matter, and the country
        # of an article that says only "French"
        ("Why did Bank Indonesa leave its benchmark rate unchanged?", "Bank Indonesia left its benchmark rate"),
        ("Why are Nigerien containers detoured through Burkina Faso?", "Niger-bound containers now travel"),
        ("What does Maya Santoso report about Bank Indonesia's rate?", "Bank Indonesia left its benchmark rate"),
        ("Whose surveillance assets in coastal states did he say were not shared, France's?", "French and American"),
    ],
)
def test_a_detail_the_article_gives_is_quoted(policy_dev_assistant, question, evidence):
    answer = policy_dev_assistant.ask(question)
    assert not answer.abstained, answer.text
    assert any(evidence in c.quote for c in answer.citations), answer.text


def test_questions_about_a_topic_are_answered_from_its_mentions_or_refused(seeds_assistant, assistant_over):
    """tests/data/topics-s14: 118 topic questions written blind (70 answerable, 48 about a topic no
    article mentions). Measured when added (session 14), pooled: answer_hit 0.771, abstain precision
    0.778, recall 0.438; the model alone gave 0.714 / 0.571 / 0.250 (docs/answering.md). With the
    mention check (session 16) 0.757 / 0.794 / 0.563: six more right refusals ("Kursk", "the Sami",
    "Germany", "China", "the Indus Waters Treaty" twice), one answer lost ("trilateral coordination
    between Washington, Tokyo and Seoul": no article says "Tokyo")."""
    topics = REPO / "tests" / "data" / "topics-s14"
    asked, records, corpus = [], [], {}
    policy = assistant_over(POLICY)
    for name, assistant, folder in [
        ("policy-dev", policy, POLICY / "corpus"),
        ("policy-heldout", policy, POLICY / "corpus"),
        ("policy-heldout2", policy, POLICY / "corpus"),
        ("seeds-heldout", seeds_assistant, SEEDS),
        ("seeds-heldout2", seeds_assistant, SEEDS),
    ]:
        path = topics / f"{name}.jsonl"
        asked += [q | {"id": f"{name}:{q['id']}"} for q in load_questions(path)]
        records += [r | {"id": f"{name}:{r['id']}"} for r in answered(assistant, path)]
        corpus |= read_corpus(folder)
    metrics = score_run(corpus, asked, records)
    assert metrics["quote_exact"] == 1.0, metrics
    assert metrics["answer_hit"] >= 0.72, metrics
    assert metrics["abstain_precision"] >= 0.72 and metrics["abstain_recall"] >= 0.5, metrics


@pytest.mark.parametrize("questions", MARKDOWN_SETS, ids=lambda p: p.name)
def test_every_quote_is_verbatim_at_its_span_over_the_project_corpus(corpus_assistant, questions):
    """The same two articles as Markdown with front matter, as a user keeps them: every quote's span
    counts the front matter. Every seed set is answered whole over the plain-text copies above (the
    re-ranking test below needs their gold spans); the five sets on other articles, all Markdown,
    are answered whole in their own tests; here two of the seed sets are, whole, on the Markdown
    path. Every set is checked whole at least once, and front matter's offsets on the seeds by two
    (the seven held-out sets here took 53 s of the suite; all 22, six minutes)."""
    assert_quotes_exact(answered(corpus_assistant, questions), read_corpus(corpus_assistant.settings.corpus_dir))


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
    "question",
    [
        "What is the capital of France?",
        "What is the population of Mongolia?",
        "How many troops has China sent to fight for Russia?",
    ],
)
def test_unanswerable_questions_are_refused_with_closest_passages(corpus_assistant, question):
    answer = corpus_assistant.ask(question)
    assert answer.abstained
    assert answer.citations == []
    assert "does not answer" in answer.text
    assert "not an answer" in answer.text
    assert answer.sources


def test_a_question_none_of_whose_words_the_corpus_uses_is_refused(seeds_assistant):
    """Answered with the nearest sentences before session 13 (answerability 0.38: the regression
    reads unknown words as a paraphrase's)."""
    question = "What's a good recipe for kimchi jjigae?"
    _, retrieval, _ = seeds_assistant.retrieve(prepare(Ask(question)))
    reading = seeds_assistant.reader.read(question, retrieval)
    assert reading.features["unknown"] == 1.0
    answer = seeds_assistant.ask(question)
    assert answer.abstained and answer.refusal_reason == RefusalReason.NOT_ANSWERED
    assert answer.answerability == 0.0 and not answer.citations and answer.sources


def test_one_known_word_leaves_the_decision_to_the_regression(seeds_assistant):
    reader = seeds_assistant.reader
    features = {"best_logit": 2.0, "mean_top3": 1.0, "coverage": 0.1, "unknown": 0.9, "cosine": 0.6}
    assert reader.answerability.probability(features) > 0.5
    assert reader.answerability.probability(features | {"unknown": 1.0, "coverage": 0.0}) == 0.0


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


@pytest.mark.parametrize(
    "topic", ["South Korea's leverage over Moscow", "What should South Korea do?", "Seoul's response"]
)
def test_quotes_on_a_topic_named_by_a_heading_quote_sentences_not_the_heading(corpus_assistant, topic):
    """A section heading names the topic but says nothing about it; the model scores it high for a
    topic worded like it, and a quote list of headings would be useless to paste."""
    headings = {
        line.lstrip("#").strip()
        for path in (REPO / "corpus").glob("*.md")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    }
    quotes = [c.quote for c in corpus_assistant.quotes(topic, count=5).citations]
    assert quotes and not set(quotes) & headings, quotes


def test_quotes_on_what_no_article_mentions_are_none_and_say_so(corpus_assistant):
    """The closest sentences would be about something else, pasted as if on the topic."""
    answer = corpus_assistant.quotes("What the European Central Bank decided on rates")
    assert answer.abstained and not answer.citations and answer.sources
    assert answer.notice == "No article mentions “European Central Bank”."


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


def test_a_follow_up_about_public_opinion_is_answered_from_the_poll(seeds_assistant):
    answer = seeds_assistant.ask(
        "How did South Korean public opinion react?", history=["Should South Korea send weapons to Ukraine?"]
    )
    assert not answer.abstained, answer.text
    poll = ("13 percent", "public opinion is overwhelmingly against")
    assert any(phrase in c.quote for c in answer.citations for phrase in poll), answer.text


def test_a_broad_question_gets_quotes_not_a_refusal(seeds_assistant):
    answer = seeds_assistant.ask("What are South Korea's options?")
    assert not answer.abstained, answer.text
    assert len(answer.citations) >= 2
    assert answer.answerability is not None and answer.refusal_reason is None


def test_what_an_article_says_about_a_topic_is_quoted_from_the_sentences_that_mention_it(corpus_assistant):
    """The answer model finds no sentence that "answers" what the article says about drones (its
    answerability is under the threshold): the sentences that mention drones are what is asked
    for (assistant/topics.py)."""
    question = "What does the article say about drones?"
    answer = corpus_assistant.ask(question)
    assert not answer.abstained, answer.text
    assert answer.answerability < corpus_assistant.reader.settings.min_answerability
    assert answer.citations and all("drones" in c.quote for c in answer.citations), answer.text
    assert answer.notice == "Quoting the sentences that mention “drones”."
    assert [a.text for a in corpus_assistant.stream(question)][-1] == answer.text


def test_the_quotes_for_a_topic_mention_it_even_when_the_model_would_answer(corpus_assistant):
    """Read by the model alone, this was answered with the NATO piece's opening sentence, which
    does not mention Japan."""
    answer = corpus_assistant.ask("What does the NATO piece say about Japan?")
    assert not answer.abstained and answer.citations, answer.text
    assert all("Japan" in c.quote for c in answer.citations), answer.text


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("What does the article say about China?", "China"),
        ("Does either article mention arsenic contamination?", "arsenic contamination"),
        ("Is the Indus Waters Treaty discussed anywhere?", "the Indus Waters Treaty"),
    ],
)
def test_a_topic_no_article_mentions_is_refused_saying_so(corpus_assistant, question, topic):
    """A name the corpus never uses, or only words it never uses: the model would have answered the
    last two with the nearest sentences."""
    answer = corpus_assistant.ask(question)
    assert answer.abstained and answer.refusal_reason == RefusalReason.NOT_ANSWERED, answer.text
    assert answer.notice == f"No article mentions “{topic}”."
    assert answer.sources and not answer.citations


def test_a_topic_named_in_another_form_is_not_said_to_be_unmentioned(corpus_assistant):
    """The articles say "Japan", never "Japanese": "No article mentions “Japanese views”" would be
    false. The name is looked up as the mention check looks it up, forms included."""
    question = "What do the articles say about Japanese views?"
    assert topic_of(question) is not None
    answer = corpus_assistant.ask(question)
    assert "No article mentions" not in answer.notice, answer.text


def test_a_name_is_known_in_its_forms_and_without_accents_not_by_its_first_letters(
    policy_dev_assistant, assistant_over
):
    """The corpus's vocabulary test (ingest/search_index.py, ``Snapshot.knows``) on real indexes:
    forms and a typing slip of names the articles use, the accents of the s16 policy articles'
    "Villaseñor" and "Héctor", but not a word that merely begins the same ("ports", "industry")."""
    knows = policy_dev_assistant.index.search_index.knows
    assert knows("Nigerien") and knows("Indonesa")
    assert not knows("Portugal") and not knows("Indus")
    knows = assistant_over(POLICY_S16).index.search_index.knows
    assert knows("Villasenor") and knows("Hector")


def test_a_topic_whose_words_the_corpus_mostly_has_is_left_to_the_model(corpus_assistant):
    """ "salaries" is in no article, "soldier" is: the article may say it in other words ("pay")."""
    answer = corpus_assistant.ask("What does the article say about soldier salaries?")
    assert "No article mentions" not in answer.notice
    assert not answer.abstained and any("$2,000 per soldier" in c.quote for c in answer.citations), answer.text


def test_whether_an_article_mentions_something_is_answered_with_the_mention(seeds_assistant):
    answer = seeds_assistant.ask("Is Taiwan mentioned anywhere in either article?")
    assert not answer.abstained and answer.citations, answer.text
    assert all("Taiwan" in c.quote for c in answer.citations)


def test_a_topic_question_naming_the_author_reads_her_articles(corpus_assistant):
    answer = corpus_assistant.ask("What does Lami Kim say about public opinion?")
    assert "Searched only Lami Kim’s articles." in answer.notice
    assert "Quoting the sentences that mention “public opinion”." in answer.notice
    assert all("public opinion" in c.quote for c in answer.citations) and answer.citations, answer.text


def test_a_refusal_says_why_and_shows_the_closest_passages(seeds_assistant):
    answer = seeds_assistant.ask("What is the population of Mongolia?")
    assert answer.abstained and answer.refusal_reason == RefusalReason.NOT_ANSWERED
    assert answer.text.startswith(RefusalReason.NOT_ANSWERED.message)
    assert "not an answer" in answer.text and answer.sources and not answer.citations


def test_nothing_to_read_is_its_own_refusal_reason(seeds_assistant):
    answer = seeds_assistant.ask("How much is Russia paying?", filters=Filters(article_ids=("no-such-article.md",)))
    assert answer.abstained and answer.refusal_reason == RefusalReason.NOTHING_FOUND
    assert not answer.citations and not answer.sources


def test_a_question_naming_an_author_is_answered_from_their_articles(corpus_assistant):
    """Read with the name, the question goes to the author's biography and is refused; it is read as
    a question about her articles instead (assistant/authors.py)."""
    question = "What does Lami Kim say about public opinion?"
    answer = corpus_assistant.ask(question)
    assert not answer.abstained, answer.text
    assert answer.question == question
    assert "Searched only Lami Kim’s articles." in answer.notice
    assert any("public opinion is overwhelmingly against" in c.quote for c in answer.citations), answer.text
    assert {c.article_id for c in answer.citations} == {LAMI_KIM}
    assert [a.text for a in corpus_assistant.stream(question)][-1] == answer.text


def test_a_question_about_the_author_is_answered_from_the_biography(corpus_assistant):
    answer = corpus_assistant.ask("Who is Lami Kim?")
    assert not answer.abstained and not answer.notice, answer.text
    assert "professor" in answer.citations[0].quote


def test_an_answers_passages_and_a_refusals_closest_are_in_the_order_the_reading_gives(seeds_assistant):
    """Both questions' first three passages differ between retrieval and the answer model's reading."""
    a = seeds_assistant
    for question, refused in (
        ("Which advanced military technologies might Russia provide to North Korea?", False),
        ("How large is Japan's defense budget?", True),
    ):
        _, retrieval, _ = a.retrieve(prepare(Ask(question)))
        answer = a.ask(question)
        assert answer.abstained == refused
        expected = reranked(retrieval, a.reader.read(question, retrieval).sentences, a.reader.settings.rerank_weight)
        assert [s.passage_id for s in answer.sources] == [s.passage_id for s in expected.sources]
        assert [s.passage_id for s in answer.sources[:3]] != [s.passage_id for s in retrieval.sources[:3]]
        if refused:  # the closest passages shown are the re-ranked ones
            assert all(" ".join(s.text.split())[:60] in answer.text for s in answer.sources[:3])


def test_over_every_seed_question_set_the_answers_passages_rank_the_evidence_higher(seeds_assistant):
    """What re-ranking is for (docs/retrieval.md): against retrieval's own order for the same
    question, the evidence moves up more often than down and its mean reciprocal rank rises."""
    corpus = read_corpus(SEEDS)
    before, after = [], []
    for path in QUESTION_SETS:
        for q, record in zip(load_questions(path), answered(seeds_assistant, path), strict=True):
            if not q["answerable"]:
                continue
            _, retrieval, _ = seeds_assistant.retrieve(prepare(Ask(q["question"], list(q.get("history", [])))))
            shown = [(p["source"], p["start"], p["end"]) for p in record["passages"]]
            assert sorted(shown) == sorted((s.article_id, s.start, s.end) for s in retrieval.sources)
            gold = gold_spans(q, corpus)
            before.append(reciprocal_rank([(s.article_id, s.start, s.end) for s in retrieval.sources], gold))
            after.append(reciprocal_rank(shown, gold))
    up = sum(b > a for a, b in zip(before, after, strict=True))
    down = sum(b < a for a, b in zip(before, after, strict=True))
    assert len(before) > 400
    assert up > 2 * down
    assert np.mean(after) > np.mean(before) + 0.01
