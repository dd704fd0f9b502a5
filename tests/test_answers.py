"""Answers are verbatim, cited sentences; every quote is checked against its article at its span."""

from __future__ import annotations

import pytest

from assistant.chain import QuestionError
from assistant.evaluate import answer_questions, read_corpus
from assistant.metrics import score_run
from tests.conftest import (
    CHECK_QUESTIONS,
    CLOSING_QUESTIONS,
    CODA_QUESTIONS,
    CONFIRM_QUESTIONS,
    ENCORE_QUESTIONS,
    EPILOGUE_QUESTIONS,
    EXTRA_QUESTIONS,
    FINAL_QUESTIONS,
    FINALE_QUESTIONS,
    HOLDOUT_QUESTIONS,
    LAMI_KIM,
    LAST_QUESTIONS,
    LATER_QUESTIONS,
    NEXT_QUESTIONS,
    REPO,
    RESERVE_QUESTIONS,
    SEALED_QUESTIONS,
    SEED_QUESTIONS,
    SEEDS,
    SPARE_QUESTIONS,
    VERIFY_QUESTIONS,
    load_questions,
)

QUESTION_SETS = [
    SEED_QUESTIONS,
    EXTRA_QUESTIONS,
    HOLDOUT_QUESTIONS,
    CONFIRM_QUESTIONS,
    VERIFY_QUESTIONS,
    FINAL_QUESTIONS,
    CHECK_QUESTIONS,
    SEALED_QUESTIONS,
    RESERVE_QUESTIONS,
    SPARE_QUESTIONS,
    LATER_QUESTIONS,
    NEXT_QUESTIONS,
    LAST_QUESTIONS,
    CLOSING_QUESTIONS,
    CODA_QUESTIONS,
    ENCORE_QUESTIONS,
    FINALE_QUESTIONS,
    EPILOGUE_QUESTIONS,
]
# Every set after extra was written blind, to check a round of changes on questions it never saw;
# their numbers are in docs/benchmarks.md and docs/answering.md. The targets are enforced on the
# seeds, our first set, coda and encore (once their rounds were done) and finale (at its one blind
# scoring). The other blind sets do not all meet them: epilogue, the last, scored 0.833 answer_hit.
TARGET_SETS = [SEED_QUESTIONS, EXTRA_QUESTIONS, CODA_QUESTIONS, ENCORE_QUESTIONS, FINALE_QUESTIONS]


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


@pytest.mark.parametrize("questions", TARGET_SETS, ids=lambda p: p.name)
def test_answer_targets_hold_on_the_target_sets(seeds_assistant, questions):
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
    "question",
    [
        "What is the GDP of South Korea?",
        "How many troops has China sent to fight for Russia?",
        # near misses: the passages found have a number, a country, a poll, but not the one asked for
        "How many 155-mm artillery shells has South Korea supplied to Ukraine via the United States?",
        "In which Russian region are the North Korean troops deployed?",
        "Which polling organization carried out the survey showing most South Koreans oppose arming Ukraine?",
        "What's the name of the South Korean intelligence agency behind the estimate of Russian payments?",
        "Which self-propelled howitzer model would South Korea provide?",
        "What were the exact dates of the NATO 75th anniversary summit in Washington?",
    ],
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
    from assistant.names import missing_names

    lexical = seeds_assistant.index.lexical
    assert missing_names("How much oil did Iran sell to North Korea?", [], lexical) == ["Iran"]
    assert missing_names("Why did Pakistan object?", [], lexical) == ["Pakistan"]
    assert missing_names("Which American system is the Cheongung II compared to?", [], lexical) == []


def test_an_acronym_of_a_name_the_passages_spell_out_is_not_missing(seeds_assistant):
    """The article says "U.N. Security Council"; UNSC is the same body, China is not in the corpus."""
    from assistant.names import missing_names

    question = "How many UNSC resolutions condemning NK's missile programs does the NATO article mention?"
    sources = seeds_assistant.retriever.retrieve(question).sources
    assert missing_names(question, sources, seeds_assistant.index.lexical) == []
    assert missing_names("How many UNSC resolutions did China veto?", sources, seeds_assistant.index.lexical) == [
        "China"
    ]


def test_a_country_typed_in_lower_case_is_still_a_name(seeds_assistant):
    from assistant.names import missing_names

    lexical = seeds_assistant.index.lexical
    assert missing_names("what drones is iran supplying to russia", [], lexical) == ["iran"]
    assert missing_names("what is russia paying north korea", [], lexical) == []
    answer = seeds_assistant.ask("what drones is iran supplying to russia")
    assert answer.abstained and "iran" in answer.text


def test_a_capital_typed_in_lower_case_still_stands_for_its_country(seeds_assistant):
    """ "kyiv's backers" finds the sentence about "Ukraine’s arms suppliers"."""
    answer = seeds_assistant.ask("how long have kyiv's backers been arming it, per the lami kim piece")
    assert any("After two-and-a-half years of support" in c.quote for c in answer.citations), answer.text


def test_a_why_question_quotes_the_reason_that_follows_the_claim(seeds_assistant):
    answer = seeds_assistant.ask(
        "Why does the author argue that arming Ukraine directly may not be a proportional response?"
    )
    quotes = [c.quote for c in answer.citations]
    claim = next(i for i, q in enumerate(quotes) if "proportional response" in q)
    assert "does not directly target South Korean lives" in quotes[claim + 1]
    assert answer.citations[claim + 1].start > answer.citations[claim].end


SPEECH = """My fellow citizens, tonight I want to talk about the bridges we build.
I have asked Congress for forty billion dollars to repair bridges in every state. My plan puts
welders and engineers to work, and I will sign it the day it reaches my desk.

I also want to speak about schools. I believe every child deserves a classroom with clean air,
and my budget triples the money for school repairs.
"""

REPORT = """Analysts at the institute reviewed the national budget for bridges this year.
The budget asks Congress for forty billion dollars to repair bridges in every state. The plan
puts welders and engineers to work, according to the transport ministry.

The review also covers schools. The budget triples the money for school repairs, and the
ministry expects classrooms with clean air in every district.
"""


def _one_article_assistant(tmp_path, embedder, body: str, author: str):
    from tests.conftest import _assistant_over

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "remarks.md").write_text(f"---\ntitle: Remarks on bridges\nauthor: '{author}'\n---\n\n{body}")
    return _assistant_over(folder, tmp_path / "index", embedder)


def test_an_authors_note_is_quoted_only_for_questions_about_the_author(seeds_assistant):
    from assistant.answer_type import is_author_note

    about_her_argument = seeds_assistant.ask(
        "What is the opening move in Lami Kim's graduated set of responses to Russia?"
    )
    assert not any(is_author_note(c.quote) for c in about_her_argument.citations)
    about_her = seeds_assistant.ask("Who wrote the article about North Korean troops fighting in Ukraine?")
    assert any(is_author_note(c.quote) and "Lami Kim" in c.quote for c in about_her.citations)


def test_a_follow_up_also_quotes_the_next_step_after_what_the_earlier_question_found(seeds_assistant):
    earlier = "Can President Yoon change the Foreign Trade Act on his own?"
    answer = seeds_assistant.ask("Whose support would he need then?", history=[earlier])
    assert not answer.abstained
    quotes = [c.quote for c in answer.citations]
    found = next(i for i, q in enumerate(quotes) if "does not have the authority" in q)
    assert "would require National Assembly support" in quotes[found + 1]


def test_a_speaker_a_first_person_text_never_names_is_not_a_missing_name(tmp_path, embedder):
    """A transcript does not name who speaks: "What did President Obama say…" is answered from it."""
    speech = _one_article_assistant(tmp_path, embedder, SPEECH, author="")
    answer = speech.ask("How much money did President Obama ask Congress for to repair bridges?")
    assert not answer.abstained, answer.text
    assert any("forty billion dollars" in c.quote for c in answer.citations)


def test_a_name_missing_from_a_third_person_article_is_still_refused(tmp_path, embedder):
    report = _one_article_assistant(tmp_path, embedder, REPORT, author="Jane Roe")
    answer = report.ask("How much money did President Obama ask Congress for to repair bridges?")
    assert answer.abstained and "Obama" in answer.text


def test_a_country_named_another_way_is_not_a_missing_name(seeds_assistant):
    """The article says "U.K." and "U.S. Department of Defense"; Britain, London and the Pentagon are
    the same governments, so the questions are answered, not refused for a missing name."""
    for question, quoted in [
        ("What did Britain's depleted reserves mean for its readiness?", "U.K.’s military readiness"),
        ("Does the troops article reflect official Pentagon policy?", "U.S. Department of Defense"),
    ]:
        answer = seeds_assistant.ask(question)
        assert not answer.abstained, answer.text
        assert any(quoted in c.quote for c in answer.citations), answer.text


def test_a_capital_standing_for_its_government_counts_as_the_countrys_name(seeds_assistant):
    """ "Pyongyang" in the question finds the sentence that says "North Korea"."""
    answer = seeds_assistant.ask("What could Pyongyang spend the Russian payments on?")
    assert any("allocate funds toward enhancing its military capabilities" in c.quote for c in answer.citations)


def test_what_someone_said_is_refused_when_no_quote_names_them(seeds_assistant):
    answer = seeds_assistant.ask(
        "What did Japan's prime minister say about North Korea-Russia ties at the NATO summit?"
    )
    assert answer.abstained and "Japan's prime minister" in answer.text


def test_what_a_writer_of_the_corpus_says_is_answered_from_her_article(seeds_assistant):
    """Lami Kim wrote the article, so none of its sentences names her as the one speaking."""
    answer = seeds_assistant.ask(
        "If Seoul's goal in arming Ukraine is deterrence, what does Lami Kim say remains unanswered?"
    )
    assert not answer.abstained, answer.text


def test_what_an_unnamed_first_person_speaker_said_is_answered(tmp_path, embedder):
    speech = _one_article_assistant(tmp_path, embedder, SPEECH, author="")
    answer = speech.ask("What did President Obama say about school repairs?")
    assert not answer.abstained, answer.text
    assert any("triples the money for school repairs" in c.quote for c in answer.citations)


def test_a_question_about_each_article_quotes_both(seeds_assistant):
    answer = seeds_assistant.ask(
        "Both pieces reach back to the Korean War. In what connection does each one bring it up?"
    )
    assert not answer.abstained, answer.text
    assert len({c.article_id for c in answer.citations}) == 2, answer.text
    assert any("since the Korean War in the 1950s" in c.quote for c in answer.citations)


def test_a_question_about_the_photo_is_answered_from_its_caption_and_credit(seeds_assistant):
    """A caption shares no words with the argument, so retrieval alone never reaches it."""
    for question in (
        "What does the photograph accompanying the article on North Korean troops show?",
        "who is credited for the photo in the lami kim article",
    ):
        answer = seeds_assistant.ask(question)
        quotes = " ".join(c.quote for c in answer.citations)
        assert "PHOTO: A soldier keeps watch at the Demilitarized Zone" in quotes, answer.text
        assert "(Woohae Cho/The New York Times)" in quotes, answer.text
    follow_up = seeds_assistant.ask("what does it show?", history=["Who took the photograph in the troops article?"])
    assert any("A soldier keeps watch" in c.quote for c in follow_up.citations), follow_up.text


def test_a_corpus_without_photos_says_so(tmp_path, embedder):
    report = _one_article_assistant(tmp_path, embedder, REPORT, author="Jane Roe")
    answer = report.ask("What does the photo in the bridges report show?")
    assert answer.abstained and "no photo caption" in answer.text


def test_where_the_authors_institute_is_is_answered_from_the_authors_note(seeds_assistant):
    answer = seeds_assistant.ask("Where is the institute that employs Lami Kim located?")
    assert any("based in Hawaii" in c.quote for c in answer.citations), answer.text


def test_a_figurative_picture_is_not_a_photo(seeds_assistant):
    answer = seeds_assistant.ask("What bigger picture of Russia's aims does Lami Kim paint?")
    assert not any(c.quote.startswith("PHOTO") for c in answer.citations), answer.text


def test_what_a_country_did_is_refused_when_no_quote_names_it(seeds_assistant):
    """South Korea's $394 million says nothing of Japan's aid, however alike the sentences read."""
    for question in (
        "How much aid has Japan given Ukraine this year?",
        "Has Japan agreed to send weapons to Ukraine?",
        "Does the article say what Japan pledged to Ukraine at the NATO summit?",
    ):
        answer = seeds_assistant.ask(question)
        assert answer.abstained and "Japan" in answer.text, (question, answer.text)


def test_a_country_named_a_sentence_or_two_earlier_still_acts_in_the_quote(seeds_assistant):
    """ "Seoul can expand upon its current phased approach … The first step could be … This could
    mean providing Ukraine with … dual-use equipment": the writer names the actor once."""
    answer = seeds_assistant.ask("What dual-use equipment could Seoul provide to Ukraine?")
    assert any("sensors, cameras and communication systems" in c.quote for c in answer.citations), answer.text


REACTION = """Seoul said on Monday that it would consider sending air defense systems to Ukraine.
The Kremlin warned that any such delivery would be a grave mistake and would damage relations.
"""


def test_how_someone_responded_needs_a_quote_in_which_they_respond(seeds_assistant, tmp_path, embedder):
    """The sentence that reports Yoon's statement names Russia too, as the country Seoul responds to."""
    answer = seeds_assistant.ask("How did the Kremlin respond to Yoon's statement that Seoul \"won't sit idle\"?")
    assert answer.abstained and "the Kremlin" in answer.text
    report = _one_article_assistant(tmp_path, embedder, REACTION, author="Jane Roe")
    answer = report.ask("How did the Kremlin respond to Seoul's plan to send air defense systems?")
    assert not answer.abstained, answer.text
    assert any("The Kremlin warned" in c.quote for c in answer.citations)


def test_what_someone_announced_needs_a_quote_in_which_they_speak(seeds_assistant):
    answer = seeds_assistant.ask(
        "What concrete aid package did Yoon actually announce for Ukraine while in Washington for the NATO meetings?"
    )
    assert answer.abstained and "Yoon" in answer.text


def test_an_acronym_built_on_word_parts_is_not_a_missing_name(seeds_assistant):
    """DMZ stands for the Demilitarized Zone of the photo caption (initials D and Z)."""
    answer = seeds_assistant.ask("who took the DMZ photo and when was it taken")
    assert not answer.abstained, answer.text
    assert any("Woohae Cho" in c.quote for c in answer.citations)


def test_a_country_in_initials_the_corpus_never_uses_is_not_missing(seeds_assistant):
    answer = seeds_assistant.ask("What did Zelensky say the first clashes with DPRK troops would usher in?")
    assert any("new chapter of instability" in c.quote for c in answer.citations), answer.text


def test_a_calibre_does_not_count_shells(seeds_assistant):
    answer = seeds_assistant.ask("How many artillery shells has North Korea shipped to Russia so far?")
    assert answer.abstained, answer.text


def test_a_follow_up_is_answered_about_its_own_words_not_the_earlier_answer(seeds_assistant):
    answer = seeds_assistant.ask(
        "When does it come into force?",
        history=["What agreement did Kim Jong Un and Putin sign at their summit, according to the NATO piece?"],
    )
    assert answer.abstained, answer.text  # "last month's summit" dates the summit, not the treaty
    answer = seeds_assistant.ask(
        "What does North Korea's military gain from fighting there?",
        history=["What did Zelensky say the first battles with North Korea mean for the world?"],
    )
    assert any("large-scale combat experience" in c.quote for c in answer.citations), answer.text


def test_a_question_about_a_proposal_passing_is_not_answered_by_the_proposal(seeds_assistant):
    answer = seeds_assistant.ask(
        "Did the Democratic Party's bill requiring Assembly approval for lethal weapons transfers pass?"
    )
    assert answer.abstained and "says whether it pass" in answer.text, answer.text


def test_where_a_writer_of_the_corpus_works_is_answered_from_her_note(seeds_assistant):
    """Her name is all the question shares with the note, too little to pass the confidence check."""
    answer = seeds_assistant.ask("Where does Lami Kim work?")
    assert any("Daniel K. Inouye Asia-Pacific Center" in c.quote for c in answer.citations), answer.text


def test_who_wrote_an_article_named_by_its_title_is_answered_from_that_articles_note(seeds_assistant):
    """The title matches the retrieved passage, not any one sentence, which may come from the other article."""
    answer = seeds_assistant.ask(
        "Who wrote the analysis of what North Korea's role in Ukraine means for South Korea, and where is she based?"
    )
    assert any(c.quote.startswith("Lami Kim is a professor") for c in answer.citations), answer.text


def test_a_capital_typed_in_lower_case_with_a_possessive_is_still_a_name(seeds_assistant):
    answer = seeds_assistant.ask(
        "what do the two articles say about beijing's position on the north korea-russia alignment"
    )
    assert answer.abstained and "beijing" in answer.text, answer.text
