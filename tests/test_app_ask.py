"""The Ask tab: its handlers called directly, and the chat endpoints driven through gradio_client.

Handlers are tested on the same app the server runs, so what passes here is what a page or an API
caller gets. Toasts (gr.Warning) become UserWarnings outside a request, which is how the tests see
that a refusal was shown to the user.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from assistant.chain import MAX_QUESTION_CHARS
from tests.app_support import (
    NO_FILTERS,
    SEED_QUESTION,
    SEED_QUOTE,
    SEVERAL_QUOTES_QUESTION,
    ask,
    clicked,
    markers,
    reply_of,
)
from ui.render import ANSWER, EMPTY_SOURCES, QUOTES, md_text, sources_html


def test_seed_question_streams_a_cited_answer(chat):
    views = ask(chat, SEED_QUESTION)

    pending_chat = views[0]["chat"]
    assert pending_chat[-2]["content"] == md_text(SEED_QUESTION)
    assert "Searching the corpus" in pending_chat[-1]["content"]
    final = views[-1]
    [turn] = final["turns"]
    answer = turn.answer
    cited = next(c for c in answer.citations if SEED_QUOTE in c.quote)
    reply = reply_of(final["chat"])
    assert md_text(SEED_QUOTE) in reply
    assert markers(reply) == markers(answer.text) == [str(c.n) for c in answer.citations]
    assert f"<mark>{html.escape(cited.quote)}</mark>" in final["sources"]
    assert final["picker"]["choices"] == [(f"[{c.n}]", c.n) for c in answer.citations]
    assert final["picker"]["value"] == 1
    assert final["question"] == ""


def test_several_quotes_keep_their_numbers_in_chat_and_sources(chat):
    views = ask(chat, SEVERAL_QUOTES_QUESTION)

    turns, panel = views[-1]["turns"], views[-1]["sources"]
    citations = turns[-1].answer.citations
    reply = reply_of(views[-1]["chat"])
    assert len(citations) >= 2
    assert markers(reply) == markers(turns[-1].answer.text) == [str(c.n) for c in citations]
    for c in citations:
        assert md_text(c.quote) in reply
        assert f'id="fn-cite-{c.n}"' in panel
    partials = [reply_of(view["chat"]) for view in views[1:-1]]
    assert partials, "the reply should arrive in more than one piece"
    assert all(reply.startswith(p) for p in partials[1:])

    second = chat.show_source(2, turns)
    assert 'class="fn-source fn-selected" id="fn-cite-2" open>' in second
    assert 'id="fn-cite-1" open' not in second


def test_clicking_an_earlier_answer_shows_its_own_numbered_sources(chat):
    turns = ask(chat, SEVERAL_QUOTES_QUESTION)[-1]["turns"]
    turns = ask(chat, SEED_QUESTION, turns=turns)[-1]["turns"]
    earlier, latest = turns[0].answer.citations, turns[1].answer.citations
    assert len(earlier) >= 2 and len(latest) == 1

    view = chat.show_turn(turns, clicked(1))
    second = chat.show_source(2, turns, view["shown"])

    assert view["shown"] == 0
    assert view["picker"]["choices"] == [(f"[{c.n}]", c.n) for c in earlier] and view["picker"]["value"] == 1
    assert f"Of an earlier answer, to “{html.escape(SEVERAL_QUOTES_QUESTION)}”" in view["sources"]
    assert f"<mark>{html.escape(earlier[0].quote)}</mark>" in view["sources"]
    assert 'class="fn-source fn-selected" id="fn-cite-2" open>' in second
    assert f"<mark>{html.escape(earlier[1].quote)}</mark>" in second
    assert chat.show_turn(turns, clicked(0))["shown"] == 0  # its question works too
    view = chat.show_turn(turns, clicked(3))
    assert view["shown"] is None and view["sources"] == sources_html(turns[-1])
    assert "Of an earlier answer" not in view["sources"]
    assert chat.show_source(1, turns[:1], 0) == sources_html(turns[0])  # after Undo, turn 0 is the latest
    assert chat.show_turn(turns, clicked(5)) == {}  # a question still being answered: nothing changes


def test_follow_up_question_is_searched_with_the_earlier_one(chat):
    first = ask(chat, SEED_QUESTION)[-1]["turns"]

    turns = ask(chat, "And how much in total per month?", turns=first)[-1]["turns"]

    follow_up = turns[-1].answer
    assert len(turns) == 2
    assert SEED_QUESTION in follow_up.search_query
    assert any("$20 million" in c.quote for c in follow_up.citations)


def test_quotes_mode_lists_quotes_with_a_copy_button_each(chat):
    topic = "North Korean soldiers"

    views = ask(chat, topic, mode=QUOTES)

    messages, panel = views[-1]["chat"], views[-1]["sources"]
    citations = views[-1]["turns"][-1].answer.citations
    assert [c.quote for c in citations] == [c.quote for c in chat.assistant.quotes(topic).citations]
    assert views[0]["chat"][-2]["content"] == messages[-2]["content"] == "Quotes on: " + md_text(topic)
    for c in citations:
        assert f"“{md_text(c.quote)}” — {md_text(c.attribution())} \\[{c.n}\\]" in reply_of(messages)
        assert f'data-copy="{html.escape(f"“{c.quote}” — {c.attribution()}")}"' in panel
    assert panel.count('class="fn-copy"') == len(citations)


def test_unanswerable_question_shows_closest_passages_as_not_an_answer(chat):
    view = ask(chat, "What is the capital of France?")[-1]

    panel = view["sources"]
    assert view["turns"][-1].answer.abstained
    assert "The corpus does not answer this question" in reply_of(view["chat"])
    assert "not an answer" in panel
    assert panel.count('class="fn-source fn-closest"') == min(3, len(view["turns"][-1].answer.sources)) > 0
    assert "<mark>" not in panel
    assert view["picker"]["visible"] is False


@pytest.mark.parametrize("question", ["", "   \n\t ", "\x00\x07\x1b"])
def test_empty_questions_get_a_plain_message(chat, question):
    with pytest.warns(UserWarning, match="Please type a question"):
        views = ask(chat, question)

    [view] = views
    assert view["chat"] == [] and view["turns"] == []
    assert view["status"] == md_text("Please type a question.")


def test_very_long_question_is_shortened_with_a_notice(chat):
    question = " ".join([SEED_QUESTION] * 340)  # about 20,000 characters
    assert len(question) > 19_000

    view = ask(chat, question)[-1]

    asked = view["turns"][-1]
    assert len(asked.question) <= MAX_QUESTION_CHARS
    assert "only its beginning was used" in asked.answer.notice
    assert view["status"] == md_text(asked.answer.notice)
    assert reply_of(view["chat"]).startswith(f"_{md_text(asked.answer.notice)}_")


def test_control_characters_inside_a_question_are_dropped(chat):
    turns = ask(chat, "How much is Russia\x00 expected to pay\x1b North Korea per soldier?")[-1]["turns"]

    assert turns[-1].question == SEED_QUESTION
    assert any(SEED_QUOTE in c.quote for c in turns[-1].answer.citations)


def test_filters_restrict_the_articles_searched(chat, served):
    by_title = {a.title: a.id for a in served.library.articles()}
    yoon = next(aid for title, aid in by_title.items() if title.startswith("Yoon at NATO"))
    kim = next(a.id for a in served.library.articles() if a.author == "Lami Kim")

    only_yoon = ask(chat, SEED_QUESTION, filters=([yoon], None, "", ""))[-1]
    by_kim = ask(chat, "Yoon at the NATO summit", filters=([], "kim", "", ""))[-1]
    dated = ask(chat, SEED_QUESTION, filters=([], None, "2024-01-01", "2024-12-31"))[-1]

    assert {s.article_id for s in only_yoon["turns"][-1].answer.sources} == {yoon}
    assert only_yoon["status"] == md_text("Searched only 1 chosen article(s).")
    assert {s.article_id for s in by_kim["turns"][-1].answer.sources} == {kim}
    assert dated["turns"][-1].answer.sources == []  # the shipped articles carry no dates
    assert "No passage of the corpus came near" in dated["sources"]


def test_a_question_naming_an_author_says_it_searched_her_articles(chat, served):
    kim = next(a.id for a in served.library.articles() if a.author == "Lami Kim")
    view = ask(chat, "What does Lami Kim say about public opinion?")[-1]

    answer = view["turns"][-1].answer
    # A question about a topic also says which sentences it quotes (assistant/topics.py).
    notices = "Searched only Lami Kim’s articles. Quoting the sentences that mention “public opinion”."
    assert view["status"] == md_text(notices)
    assert not answer.abstained and {c.article_id for c in answer.citations} == {kim}
    assert any("public opinion is overwhelmingly against" in c.quote for c in answer.citations)


def test_a_date_filter_that_is_not_a_date_is_refused(chat):
    with pytest.warns(UserWarning, match="is not a date"):
        [view] = ask(chat, SEED_QUESTION, filters=([], None, "last week", ""))

    assert view["turns"] == []
    assert view["question"] == SEED_QUESTION
    assert "last week" in view["status"]


def test_retry_undo_and_clear(chat):
    turns = ask(chat, SEED_QUESTION)[-1]["turns"]

    retried = list(chat.retry(ANSWER, *NO_FILTERS, turns))[-1]["turns"]
    undone = chat.undo(retried)
    cleared = chat.clear()

    assert [t.question for t in retried] == [SEED_QUESTION]
    assert [c.quote for c in retried[0].answer.citations] == [c.quote for c in turns[0].answer.citations]
    assert undone["turns"] == [] and undone["question"] == SEED_QUESTION and undone["sources"] == EMPTY_SOURCES
    assert cleared["chat"] == [] and cleared["turns"] == [] and cleared["sources"] == EMPTY_SOURCES
    with pytest.warns(UserWarning, match="no question to retry"):
        list(chat.retry(ANSWER, *NO_FILTERS, []))


def test_export_writes_the_conversation_with_citations_and_quotes(chat):
    turns = ask(chat, SEED_QUESTION)[-1]["turns"]
    turns = ask(chat, "North Korean soldiers", mode=QUOTES, turns=turns)[-1]["turns"]

    text = Path(chat.export(turns)).read_text(encoding="utf-8")

    assert f"## 1. Question: {SEED_QUESTION}" in text
    assert "## 2. Quotes on: North Korean soldiers" in text
    for turn in turns:
        for c in turn.answer.citations:
            assert f"[{c.n}] {c.attribution()}. {c.article_id}" in text
            assert f"“{c.quote}”" in text
    with pytest.warns(UserWarning, match="nothing to export"):
        assert chat.export([]) is None


# --- through the API ------------------------------------------------------------------------------------


def test_api_answers_the_seed_question_with_a_citation(client):
    chat, picker, panel, question_box, status = client.predict(SEED_QUESTION, ANSWER, *NO_FILTERS, api_name="/ask")

    assert md_text(SEED_QUOTE) in reply_of(chat)
    assert markers(reply_of(chat)) == ["1"]
    assert "<mark>" in panel and SEED_QUOTE in panel
    assert picker["choices"] == [["[1]", 1]]
    assert question_box == "" and status == ""


def test_api_quote_mode(client):
    chat, _, panel, _, _ = client.predict("North Korean soldiers", QUOTES, *NO_FILTERS, api_name="/ask")

    quotes = [line for line in reply_of(chat).split("\n\n") if line.startswith("“")]
    assert len(quotes) == panel.count('class="fn-copy"') >= 2
    assert all("— Lami Kim" in q for q in quotes)
