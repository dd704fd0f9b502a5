"""The app's handlers called directly, and the running app driven through gradio_client.

Handlers are tested on the same FootnoteApp the server runs, so what passes here is what a page
or an API caller gets. Toasts (gr.Warning) become UserWarnings outside a request, which is how the
tests see that a refusal was shown to the user.
"""

from __future__ import annotations

import datetime as dt
import html
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import ClassVar

import gradio as gr
import httpx
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from gradio_client.utils import Status

from app import (
    ANSWER,
    EMPTY_SOURCES,
    QUOTES,
    FootnoteApp,
    Turn,
    browser_storage,
    chat_messages,
    conversation_markdown,
    draft_from_text,
    exposure_problem,
    md_text,
    restored_turns,
    sources_html,
)
from assistant.chain import MAX_QUESTION_CHARS
from footnote.types import Answer, Citation
from ingest.errors import IngestError
from ingest.fetch import NotPublicAddress, PublicHTTPConnection, WebOnlyRedirects, check_url, fetch_draft
from tests.app_support import (
    HOSTILE_AUTHOR,
    HOSTILE_TITLE,
    IMG_PAYLOAD,
    LINK_PAYLOAD,
    ROOT,
    SCRIPT_PAYLOAD,
    SEED_QUESTION,
    SEED_QUOTE,
    SEVERAL_QUOTES_QUESTION,
    free_port,
    isolated_settings,
    markers,
    serve,
    served_corpus,
    write_article,
)

NO_FILTERS = ([], None, "", "")
OTTERS = "The otters of Lake Vell eat mostly crayfish, according to a 2022 survey by the lake authority.\n"
OTTERS_QUESTION = "What do the otters of Lake Vell eat?"
OTTERS_REVISED = "The otters of Lake Vell eat mostly perch, a 2024 recount by the lake authority found.\n"
BEAVERS = "Beavers in the Vell valley built forty new dams in 2023, the valley trust counted.\n"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with served_corpus(tmp_path_factory.mktemp("app")) as running:
        yield running


@pytest.fixture
def app(served) -> FootnoteApp:
    return served.app


@pytest.fixture
def client(served) -> Client:
    return Client(served.url, verbose=False)


def ask(app: FootnoteApp, question: str, mode: str = ANSWER, turns=(), filters=NO_FILTERS) -> list[tuple]:
    """Every view the streaming handler yields: (chat, turns, picker, sources, question box, status).

    Its last two outputs, what the browser keeps and the page's untouched flag, are left off here:
    the tests of the kept conversation read them.
    """
    return [outputs[:6] for outputs in app.ask(question, mode, *filters, list(turns))]


def reply_of(chat: list) -> str:
    """The last message's text, from handler output (a string) or from the API (a list of parts)."""
    content = chat[-1]["content"]
    return content if isinstance(content, str) else "".join(part["text"] for part in content)


def recorder() -> tuple[list, object]:
    calls: list[tuple[float, str]] = []
    return calls, lambda fraction, desc=None: calls.append((fraction, desc))


# --- chat -----------------------------------------------------------------------------------------


def test_seed_question_streams_a_cited_answer(app):
    outputs = ask(app, SEED_QUESTION)

    pending_chat = outputs[0][0]
    assert pending_chat[-2]["content"] == md_text(SEED_QUESTION)
    assert "Searching the corpus" in pending_chat[-1]["content"]
    chat, turns, picker, panel, question_box, _ = outputs[-1]
    [turn] = turns
    answer = turn.answer
    cited = next(c for c in answer.citations if SEED_QUOTE in c.quote)
    reply = reply_of(chat)
    assert md_text(SEED_QUOTE) in reply
    assert markers(reply) == markers(answer.text) == [str(c.n) for c in answer.citations]
    assert f"<mark>{html.escape(cited.quote)}</mark>" in panel
    assert picker["choices"] == [(f"[{c.n}]", c.n) for c in answer.citations]
    assert picker["value"] == 1
    assert question_box == ""


def test_several_quotes_keep_their_numbers_in_chat_and_sources(app):
    outputs = ask(app, SEVERAL_QUOTES_QUESTION)

    chat, turns, _, panel, _, _ = outputs[-1]
    citations = turns[-1].answer.citations
    reply = reply_of(chat)
    assert len(citations) >= 2
    assert markers(reply) == markers(turns[-1].answer.text) == [str(c.n) for c in citations]
    for c in citations:
        assert md_text(c.quote) in reply
        assert f'id="fn-cite-{c.n}"' in panel
    partials = [reply_of(o[0]) for o in outputs[1:-1]]
    assert partials, "the reply should arrive in more than one piece"
    assert all(reply.startswith(p) for p in partials[1:])

    second = app.show_source(2, turns)
    assert 'class="fn-source fn-selected" id="fn-cite-2" open>' in second
    assert 'id="fn-cite-1" open' not in second


def clicked(index: int) -> gr.SelectData:
    """The event a page sends when message ``index`` of the chat is clicked (questions even, answers odd)."""
    return gr.SelectData(None, {"index": index, "value": ""})


def test_clicking_an_earlier_answer_shows_its_own_numbered_sources(app):
    turns = ask(app, SEVERAL_QUOTES_QUESTION)[-1][1]
    turns = ask(app, SEED_QUESTION, turns=turns)[-1][1]
    earlier, latest = turns[0].answer.citations, turns[1].answer.citations
    assert len(earlier) >= 2 and len(latest) == 1

    picker, panel, shown = app.show_turn(turns, clicked(1))
    second = app.show_source(2, turns, shown)

    assert shown == 0
    assert picker["choices"] == [(f"[{c.n}]", c.n) for c in earlier] and picker["value"] == 1
    assert f"Of an earlier answer, to “{html.escape(SEVERAL_QUOTES_QUESTION)}”" in panel
    assert f"<mark>{html.escape(earlier[0].quote)}</mark>" in panel
    assert 'class="fn-source fn-selected" id="fn-cite-2" open>' in second
    assert f"<mark>{html.escape(earlier[1].quote)}</mark>" in second
    assert app.show_turn(turns, clicked(0))[2] == 0  # its question works too
    picker, panel, shown = app.show_turn(turns, clicked(3))
    assert shown is None and panel == sources_html(turns[-1]) and "Of an earlier answer" not in panel
    assert app.show_source(1, turns[:1], 0) == sources_html(turns[0])  # after Undo, turn 0 is the latest
    assert app.show_turn(turns, clicked(5)) == ({"__type__": "update"},) * 3  # a question still being answered


def test_follow_up_question_is_searched_with_the_earlier_one(app):
    first = ask(app, SEED_QUESTION)[-1][1]

    turns = ask(app, "And how much in total per month?", turns=first)[-1][1]

    follow_up = turns[-1].answer
    assert len(turns) == 2
    assert SEED_QUESTION in follow_up.search_query
    assert any("$20 million" in c.quote for c in follow_up.citations)


def test_quotes_mode_lists_quotes_with_a_copy_button_each(app):
    topic = "North Korean soldiers"

    outputs = ask(app, topic, mode=QUOTES)

    chat, turns, _, panel, _, _ = outputs[-1]
    citations = turns[-1].answer.citations
    assert [c.quote for c in citations] == [c.quote for c in app.assistant.quotes(topic).citations]
    assert outputs[0][0][-2]["content"] == chat[-2]["content"] == "Quotes on: " + md_text(topic)
    for c in citations:
        assert f"“{md_text(c.quote)}” — {md_text(c.attribution())} \\[{c.n}\\]" in reply_of(chat)
        assert f'data-copy="{html.escape(f"“{c.quote}” — {c.attribution()}")}"' in panel
    assert panel.count('class="fn-copy"') == len(citations)


def test_unanswerable_question_shows_closest_passages_as_not_an_answer(app):
    chat, turns, picker, panel, _, _ = ask(app, "What is the capital of France?")[-1]

    assert turns[-1].answer.abstained
    assert "The corpus does not answer this question" in reply_of(chat)
    assert "not an answer" in panel
    assert panel.count('class="fn-source fn-closest"') == min(3, len(turns[-1].answer.sources)) > 0
    assert "<mark>" not in panel
    assert picker["visible"] is False


@pytest.mark.parametrize("question", ["", "   \n\t ", "\x00\x07\x1b"])
def test_empty_questions_get_a_plain_message(app, question):
    with pytest.warns(UserWarning, match="Please type a question"):
        outputs = ask(app, question)

    [(chat, turns, _, _, _, status)] = outputs
    assert chat == [] and turns == []
    assert status == md_text("Please type a question.")


def test_very_long_question_is_shortened_with_a_notice(app):
    question = " ".join([SEED_QUESTION] * 340)  # about 20,000 characters
    assert len(question) > 19_000

    chat, turns, _, _, _, status = ask(app, question)[-1]

    asked = turns[-1]
    assert len(asked.question) <= MAX_QUESTION_CHARS
    assert "only its beginning was used" in asked.answer.notice
    assert status == md_text(asked.answer.notice)
    assert reply_of(chat).startswith(f"_{md_text(asked.answer.notice)}_")


def test_control_characters_inside_a_question_are_dropped(app):
    turns = ask(app, "How much is Russia\x00 expected to pay\x1b North Korea per soldier?")[-1][1]

    assert turns[-1].question == SEED_QUESTION
    assert any(SEED_QUOTE in c.quote for c in turns[-1].answer.citations)


def test_filters_restrict_the_articles_searched(app, served):
    by_title = {a.title: a.id for a in served.library.articles()}
    yoon = next(aid for title, aid in by_title.items() if title.startswith("Yoon at NATO"))
    kim = next(a.id for a in served.library.articles() if a.author == "Lami Kim")

    only_yoon = ask(app, SEED_QUESTION, filters=([yoon], None, "", ""))[-1]
    by_kim = ask(app, "Yoon at the NATO summit", filters=([], "kim", "", ""))[-1]
    dated = ask(app, SEED_QUESTION, filters=([], None, "2024-01-01", "2024-12-31"))[-1]

    assert {s.article_id for s in only_yoon[1][-1].answer.sources} == {yoon}
    assert only_yoon[5] == md_text("Searched only 1 chosen article(s).")
    assert {s.article_id for s in by_kim[1][-1].answer.sources} == {kim}
    assert dated[1][-1].answer.sources == []  # the shipped articles carry no dates
    assert "No passage of the corpus came near" in dated[3]


def test_a_date_filter_that_is_not_a_date_is_refused(app):
    with pytest.warns(UserWarning, match="is not a date"):
        [(_, turns, _, _, question_box, status)] = ask(app, SEED_QUESTION, filters=([], None, "last week", ""))

    assert turns == []
    assert question_box == SEED_QUESTION
    assert "last week" in status


def test_retry_undo_and_clear(app):
    turns = ask(app, SEED_QUESTION)[-1][1]

    retried = list(app.retry(ANSWER, *NO_FILTERS, turns))[-1][1]
    _, undone, _, undone_panel, question_box, *_ = app.undo(retried)
    cleared_chat, cleared, _, cleared_panel, *_ = app.clear()

    assert [t.question for t in retried] == [SEED_QUESTION]
    assert [c.quote for c in retried[0].answer.citations] == [c.quote for c in turns[0].answer.citations]
    assert undone == [] and question_box == SEED_QUESTION and undone_panel == EMPTY_SOURCES
    assert cleared_chat == [] and cleared == [] and cleared_panel == EMPTY_SOURCES
    with pytest.warns(UserWarning, match="no question to retry"):
        list(app.retry(ANSWER, *NO_FILTERS, []))


def test_export_writes_the_conversation_with_citations_and_quotes(app):
    turns = ask(app, SEED_QUESTION)[-1][1]
    turns = ask(app, "North Korean soldiers", mode=QUOTES, turns=turns)[-1][1]

    text = Path(app.export(turns)).read_text(encoding="utf-8")

    assert f"## 1. Question: {SEED_QUESTION}" in text
    assert "## 2. Quotes on: North Korean soldiers" in text
    for turn in turns:
        for c in turn.answer.citations:
            assert f"[{c.n}] {c.attribution()}. {c.article_id}" in text
            assert f"“{c.quote}”" in text
    with pytest.warns(UserWarning, match="nothing to export"):
        assert app.export([]) is None


# --- the conversation kept in the browser ------------------------------------------------------------


SKIPPED_RESTORE = ({"__type__": "update"},) * 5  # what ``restore`` gives when it leaves the page as it is


def browser_round_trip(app: FootnoteApp, turns: list[Turn]) -> object:
    """What the page gets to keep, as JSON, the way the browser stores it and sends it back."""
    return json.loads(json.dumps(app.stored(turns)))


def test_a_reloaded_conversation_keeps_its_answers_sources_and_numbers(app):
    turns = ask(app, SEVERAL_QUOTES_QUESTION)[-1][1]
    turns = ask(app, "North Korean soldiers", mode=QUOTES, turns=turns)[-1][1]
    turns = ask(app, "What is the capital of France?", turns=turns)[-1][1]

    chat, restored, picker, panel, untouched = app.restore(browser_round_trip(app, turns), [])

    assert chat == chat_messages(turns)
    assert [(t.question, t.mode) for t in restored] == [(t.question, t.mode) for t in turns]
    for before, after in zip(turns, restored, strict=True):
        assert sources_html(after) == sources_html(before)
        for c in before.answer.citations:
            assert app.show_source(c.n, [after]) == app.show_source(c.n, [before])
    assert panel == sources_html(turns[-1]) and "not an answer" in panel
    assert picker["visible"] is False  # the latest turn is the unanswered one
    now = dt.datetime(2025, 1, 2, 3, 4)
    assert conversation_markdown(restored, now) == conversation_markdown(turns, now)
    assert Path(app.export(restored)).read_text(encoding="utf-8").count("## ") == 3
    assert untouched is False  # the other of the two restores a page start makes does nothing


def test_a_reloaded_conversation_goes_on_where_it_stopped(app):
    first = ask(app, SEED_QUESTION)[-1][1]
    _, restored, picker, *_ = app.restore(browser_round_trip(app, first), [])
    assert picker["choices"] == [(f"[{c.n}]", c.n) for c in first[-1].answer.citations]

    follow_up = ask(app, "And how much in total per month?", turns=restored)[-1][1]
    retried = list(app.retry(ANSWER, *NO_FILTERS, restored))[-1][1]

    assert SEED_QUESTION in follow_up[-1].answer.search_query
    assert [t.question for t in retried] == [SEED_QUESTION]
    assert app.restore(browser_round_trip(app, follow_up), follow_up) == SKIPPED_RESTORE
    assert app.stored([]) == {"format": 1, "turns": []}  # what Clear leaves in the browser


def test_the_browser_keeps_each_settled_conversation_in_the_same_update(app):
    """Kept with the view that shows it, never in a later step: a reload can fall between two events."""
    outputs = list(app.ask(SEED_QUESTION, ANSWER, *NO_FILTERS, []))
    *on_the_way, (_, turns, *_, kept, untouched) = outputs

    assert kept == app.stored(turns) and [t.question for t in turns] == [SEED_QUESTION]
    assert all(o[6] == gr.skip() for o in on_the_way)  # pending and streaming views keep nothing yet
    assert all(o[7] is False for o in outputs) and untouched is False
    assert app.undo(turns)[6:] == (app.stored([]), False)
    assert app.clear()[6:] == ({"format": 1, "turns": []}, False)
    with pytest.warns(UserWarning, match="no question to retry"):
        [refused] = app.retry(ANSWER, *NO_FILTERS, [])
    assert refused[6:] == (gr.skip(), False)  # nothing changed, nothing to write; still, the page was used


def test_a_kept_conversation_is_only_redrawn_on_a_page_nothing_has_touched(app):
    """After a Clear (or any turn) a late kept value must not bring the old turns back."""
    kept = browser_round_trip(app, ask(app, SEED_QUESTION)[-1][1])

    assert app.restore(kept, [], untouched=False) == SKIPPED_RESTORE
    chat, turns, *_, untouched = app.restore(kept, [], untouched=True)
    assert [t.question for t in turns] == [SEED_QUESTION] and len(chat) == 2 and untouched is False
    assert app.restore(None, [], untouched=True) == SKIPPED_RESTORE  # not read yet: a later call may fill it


@pytest.fixture(scope="module")
def stored_turn(served) -> dict:
    """One answered turn as the browser keeps it."""
    return browser_round_trip(served.app, ask(served.app, SEED_QUESTION)[-1][1])["turns"][0]


def _answer_with_broken_citation(turn: dict) -> dict:
    return {**turn, "answer": {**turn["answer"], "citations": [{"n": "one"}]}}


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda stored, turn: None, id="nothing"),
        pytest.param(lambda stored, turn: "not a conversation", id="text"),
        pytest.param(lambda stored, turn: [turn], id="older-bare-list"),
        pytest.param(lambda stored, turn: {**stored, "format": 0}, id="older-format"),
        pytest.param(lambda stored, turn: {**stored, "turns": "none"}, id="turns-not-a-list"),
        pytest.param(lambda stored, turn: {**stored, "turns": [turn, "a string"]}, id="one-bad-turn"),
        pytest.param(lambda stored, turn: {**stored, "turns": [{**turn, "mode": "shout"}]}, id="unknown-mode"),
        pytest.param(lambda stored, turn: {**stored, "turns": [{**turn, "question": 7}]}, id="question-not-text"),
        pytest.param(lambda stored, turn: {**stored, "turns": [{"question": "q", "mode": ANSWER}]}, id="no-answer"),
        pytest.param(
            lambda stored, turn: {**stored, "turns": [_answer_with_broken_citation(turn)]}, id="broken-citation"
        ),
    ],
)
def test_an_unreadable_stored_conversation_starts_empty(app, stored_turn, mangle):
    stored = mangle({"format": 1, "turns": [stored_turn]}, stored_turn)

    assert restored_turns(stored) == []
    assert app.restore(stored, []) == SKIPPED_RESTORE
    assert len(restored_turns({"format": 1, "turns": [stored_turn]})) == 1  # the unmangled one is read


def test_the_conversation_is_stored_per_corpus_and_survives_a_restart(tmp_path):
    one = browser_storage(isolated_settings(tmp_path / "one"))
    same_after_restart = browser_storage(isolated_settings(tmp_path / "one"))
    other = browser_storage(isolated_settings(tmp_path / "other"))

    assert one == same_after_restart
    assert one[0] != other[0] and one[1] != other[1]
    assert one[0].startswith("footnote-conversation-")


def test_article_text_and_questions_are_shown_never_run():
    quote = f"Fishermen say the herring {IMG_PAYLOAD} tastes of smoke."
    passage = f"Intro {SCRIPT_PAYLOAD}. {quote} Prices at {LINK_PAYLOAD} daily."
    start = passage.index(quote)
    citation = Citation(
        n=1,
        article_id="quillmarsh.md",
        title=HOSTILE_TITLE,
        author=HOSTILE_AUTHOR,
        url="javascript:window.__pwned=1",
        quote=quote,
        start=start,
        end=start + len(quote),
        passage_start=0,
        passage_end=len(passage),
        passage_text=passage,
    )
    answer = Answer(question="q", text=f"“{quote}” [1]", citations=[citation])
    turn = Turn(f"Herring? {SCRIPT_PAYLOAD} {LINK_PAYLOAD}", QUOTES, answer)

    messages = [m["content"] for m in chat_messages([turn])]
    panel = sources_html(turn)
    earlier = sources_html(turn, earlier=True)  # names the question the sources belong to

    for text in [*messages, panel, earlier]:
        assert "<img" not in text and "<script" not in text
    assert not any("](" in m for m in messages)  # Markdown would make a link of it
    assert "<a " not in panel and "href" not in panel
    assert html.escape(IMG_PAYLOAD) in panel and html.escape(LINK_PAYLOAD) in panel


# --- corpus ---------------------------------------------------------------------------------------


def test_the_article_table_is_searched_by_title_author_and_id(app):
    every = app.filter_table("")

    assert [row[0] for row in app.filter_table("nato anniversary")] == [
        "Yoon at NATO’s 75th Anniversary: Curbing the North Korea-Russia Partnership"
    ]
    assert [row[1] for row in app.filter_table("lami")] == ["Lami Kim"]
    assert [row[5] for row in app.filter_table("response.md")] == ["north-korea-in-ukraine-south-korea-response.md"]
    assert app.filter_table("no such words") == []
    assert len(every) == 2 and all(row[3] > 0 for row in every)


def test_add_a_file_ask_about_it_reindex_and_remove_it(app, served, tmp_path):
    path = write_article(tmp_path / "otters.md", OTTERS, title="Otters of Lake Vell", author="Ann Example")
    draft, title, author, published, _, _, preview, *_ = app.propose_file(str(path))
    assert (title["value"], author, published) == ("Otters of Lake Vell", "Ann Example", "")
    assert "crayfish" in preview
    calls, progress = recorder()

    added = app.add(draft, title["value"], author, "2023-04-01", "Lake Gazette", "", progress=progress)

    assert added[0] is None and "Added “Otters of Lake Vell” as otters" in added[-1]
    assert calls and calls[-1][0] == 1.0 and "Embedding passages" in calls[-1][1]
    info = next(a for a in served.library.articles() if a.id == "otters.md")
    assert (info.author, info.published, info.publisher) == ("Ann Example", "2023-04-01", "Lake Gazette")
    assert [row[0] for row in app.corpus_views("otters")[0]] == ["Otters of Lake Vell"]
    answer = ask(app, OTTERS_QUESTION)[-1][1][-1].answer
    assert [c.article_id for c in answer.citations] == ["otters.md"]

    calls, progress = recorder()
    assert app.reindex("otters", progress=progress) == md_text("Re-indexed otters.md: 1 passages.")
    assert calls

    pending, prompt, box, _ = app.request_removal("otters.md")
    assert pending == "otters.md" and box["visible"] is True
    assert md_text("Remove “Otters of Lake Vell” (otters.md)") in prompt
    assert app.cancel_removal()[0] is None and (served.settings.corpus_dir / "otters.md").exists()
    _, box, status = app.confirm_removal(pending)
    assert status == md_text("Removed otters.md.") and box["visible"] is False
    assert "otters.md" not in {a.id for a in served.library.articles()}
    assert not (served.settings.corpus_dir / "otters.md").exists()
    answer = ask(app, OTTERS_QUESTION)[-1][1][-1].answer
    assert "otters.md" not in {s.article_id for s in answer.sources}


def test_the_same_text_under_another_name_is_refused(app, served, tmp_path):
    original = write_article(tmp_path / "original.md", OTTERS, title="Otters")
    copy = write_article(tmp_path / "copy.md", OTTERS, title="Otters again")
    app.add(app.propose_file(str(original))[0], "", "", "", "", "")
    try:
        draft = app.propose_file(str(copy))[0]
        with pytest.warns(UserWarning, match="same text as the article already in the corpus"):
            refused = app.add(draft, "Otters again", "", "", "", "")
        assert refused[0] is draft
        assert "copy.md" not in {a.id for a in served.library.articles()}
    finally:
        served.library.remove("original.md")


def test_adding_under_a_name_already_in_the_corpus_asks_before_replacing(app, served, tmp_path):
    path = write_article(tmp_path / "otters.md", OTTERS, title="Otters of Lake Vell")
    app.add(app.propose_file(str(path))[0], "", "", "", "", "")
    otters_file = served.settings.corpus_dir / "otters.md"
    try:
        write_article(path, OTTERS_REVISED, title="Otters of Lake Vell, revised")
        draft, *_, note = app.propose_file(str(path))
        assert md_text("already has an article named otters.md (“Otters of Lake Vell”)") in note

        with pytest.warns(UserWarning, match="otters.md is already in the corpus: confirm to replace it"):
            kept, *_, replacing, box, question = app.add(draft, "", "", "", "", "")
        assert kept is draft and replacing == "otters.md" and box["visible"] is True
        assert md_text("An article named otters.md is already in the corpus: “Otters of Lake Vell”.") in question
        assert "eat mostly crayfish" in otters_file.read_text(encoding="utf-8")  # nothing written yet

        assert app.cancel_replace(replacing) == (
            None,
            {"__type__": "update", "visible": False},
            md_text("Nothing was added: otters.md is unchanged."),
        )
        done = app.replace(draft, "", "", "", "", "", replacing)

        assert done[0] is None and done[-2]["visible"] is False
        assert md_text("Replaced otters.md (“Otters of Lake Vell”) with the new text") in done[-1]
        assert "eat mostly perch" in otters_file.read_text(encoding="utf-8")
        assert [a.title for a in served.library.articles() if a.id == "otters.md"] == ["Otters of Lake Vell, revised"]
        answer = ask(app, OTTERS_QUESTION)[-1][1][-1].answer
        assert [c.article_id for c in answer.citations] == ["otters.md"] and "perch" in answer.citations[0].quote
    finally:
        served.library.remove("otters.md")


def test_a_confirmation_covers_only_the_article_it_named(app, served):
    """Pasted text is named after its title: a new title after confirming may hit another article."""
    app.add(draft_from_text(OTTERS), "Otters", "", "", "", "")
    app.add(draft_from_text(BEAVERS), "Beavers", "", "", "", "")
    try:
        draft = draft_from_text(OTTERS_REVISED)
        with pytest.warns(UserWarning, match="otters.md is already in the corpus"):
            replacing = app.add(draft, "Otters", "", "", "", "")[-3]

        with pytest.warns(UserWarning, match="beavers.md is already in the corpus"):
            asked_again = app.replace(draft, "Beavers", "", "", "", "", replacing)

        assert asked_again[-3] == "beavers.md"
        assert "forty new dams" in served.library.article("beavers.md").body
        assert md_text("Replaced beavers.md") in app.replace(draft, "Beavers", "", "", "", "", "beavers.md")[-1]
    finally:
        served.library.remove("otters.md")
        served.library.remove("beavers.md")


def test_api_callers_confirm_a_replacement_too(client, served, tmp_path):
    path = write_article(tmp_path / "otters.md", OTTERS, title="Otters of Lake Vell")
    client.predict(handle_file(str(path)), api_name="/propose_file")
    client.predict("", "", "", "", "", api_name="/add")
    try:
        write_article(path, OTTERS_REVISED, title="Otters of Lake Vell, revised")
        client.predict(handle_file(str(path)), api_name="/propose_file")

        asked = client.predict("", "", "", "", "", api_name="/add")[-1]
        replaced = client.predict("", "", "", "", "", api_name="/replace")[-1]

        assert md_text("An article named otters.md is already in the corpus") in asked and "Replace it?" in asked
        assert md_text("Replaced otters.md") in replaced
        assert "perch" in served.library.article("otters.md").body
    finally:
        served.library.remove("otters.md")


def test_pasted_text_becomes_an_article_with_a_derived_title(app, served):
    body = "Beavers in the Vell valley built forty new dams in 2023, the valley trust counted."
    draft, title, *_ = app.propose_text(body)
    assert title["value"] == "" and title["placeholder"].startswith("If left empty: Beavers in the Vell valley")

    status = app.add(draft, "", "", "", "", "")[-1]

    article_id = "beavers-in-the-vell-valley-built-forty-new-dams-in-2023-the.md"  # named after the title
    assert md_text(article_id) in status
    article = served.library.article(article_id)
    assert (
        article.meta.title_derived
        and article.meta.title == "Beavers in the Vell valley built forty new dams in 2023, the…"
    )
    served.library.remove(article_id)
    titled = app.add(app.propose_text(body)[0], "Vell valley beavers", "", "", "", "")[-1]
    assert md_text("vell-valley-beavers.md") in titled
    served.library.remove("vell-valley-beavers.md")
    with pytest.warns(UserWarning, match="no text to add"):
        assert app.propose_text(" \n ")[0] is None


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("table.csv", b"a,b\n1,2\n", "unsupported file type .csv"),
        ("empty.md", b"", "file is empty"),
        ("noise.txt", bytes(range(256)) * 8, "binary"),
        ("broken.pdf", b"%PDF-1.4 this is not really a PDF", "not a readable PDF"),
        ("unclosed.md", b"---\ntitle: x\n\nbody text", "front matter starts with '---' but is never closed"),
    ],
)
def test_unreadable_files_are_refused_in_plain_words(app, tmp_path, name, data, problem):
    path = tmp_path / name
    path.write_bytes(data)

    with pytest.warns(UserWarning, match=problem.split(" ")[0]):
        draft, *_, status = app.propose_file(str(path))

    assert draft is None
    assert md_text(problem) in status


def test_a_file_over_the_size_limit_is_refused(app, served, tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"word " * (served.settings.max_file_bytes // 5 + 1))

    with pytest.warns(UserWarning, match="over the limit"):
        draft, *_, status = app.propose_file(str(path))

    assert draft is None and md_text("over the limit") in status


def test_add_refuses_a_missing_draft_and_a_date_that_is_not_one(app):
    with pytest.warns(UserWarning, match="Choose a file"):
        assert app.add(None, "", "", "", "", "")[0] is None
    draft = draft_from_text("Herring prices rose in the spring.")

    with pytest.warns(UserWarning, match="is not a date"):
        refused = app.add(draft, "Herring", "", "7 Nov 2024", "", "")

    assert refused[0] is draft and refused[1] == {"__type__": "update"}


def test_removing_or_reindexing_an_unknown_article_says_so(app):
    with pytest.warns(UserWarning, match="no such article"):
        pending, _, box, status = app.request_removal("no-such-article.md")
    assert pending is None and box["visible"] is False
    assert status == md_text("no-such-article.md: no such article in the corpus")
    with pytest.warns(UserWarning, match="choose an article first"):
        app.reindex("")


# --- adding by URL ----------------------------------------------------------------------------------

PAGE = """<!doctype html><html><head><title>Herons of the Vell estuary</title>
<script>window.__pwned = 1</script></head><body><nav>Home | About</nav>
<article><h1>Herons of the Vell estuary</h1>
<p>Grey herons returned to the Vell estuary in 2021 after an absence of thirty years, the estuary board says.</p>
<p>The board counts forty nesting pairs on the east bank, most of them in the old alder wood.</p>
</article></body></html>"""


class _Site(http.server.BaseHTTPRequestHandler):
    """A small web site on loopback: the only web the tests can reach."""

    routes: ClassVar = {
        "/herons.html": (200, "text/html; charset=utf-8", PAGE.encode()),
        "/data.bin": (200, "application/octet-stream", bytes(range(256))),
        "/big.html": (200, "text/html", b"<p>" + b"x" * 50_000 + b"</p>"),
    }
    redirects: ClassVar = {"/to-file": "file:///etc/passwd", "/to-ftp": "ftp://127.0.0.1/herons.html"}
    requested: ClassVar[list[str]] = []  # every path asked for, to show that a refused fetch sent nothing

    def do_GET(self):
        self.requested.append(self.path)
        path = self.path.split("?", 1)[0]  # a query tells requests apart in ``requested``
        if path in self.redirects:
            self.send_response(302)
            self.send_header("Location", self.redirects[path])
            self.end_headers()
            return
        status, content_type, body = self.routes.get(path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if path != "/big.html":  # no length: the limit must hold while reading, too
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_web_page_is_fetched_into_a_draft_and_added(app, served, site):
    url = f"{site}/herons.html"

    draft, title, author, published, publisher, meta_url, preview, *_ = app.propose_url(url)

    assert title["value"] == "Herons of the Vell estuary" and meta_url == url
    assert "forty nesting pairs" in preview
    assert "__pwned" not in draft.body and "Home | About" not in draft.body
    status = app.add(draft, title["value"], author, published, publisher, meta_url)[-1]
    article_id = draft.stem + ".md"
    assert md_text(article_id) in status
    assert served.library.article(article_id).meta.url == url
    served.library.remove(article_id)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("", "please give the address of a web page"),
        ("file:///etc/passwd", "only http:// and https:// web addresses can be fetched"),
        ("javascript:alert(1)", "only http:// and https:// web addresses can be fetched"),
        ("http://reader:secret@127.0.0.1/", "addresses with a user name or password in them are not fetched"),
    ],
)
def test_addresses_that_are_not_web_pages_are_refused(app, url, problem):
    with pytest.raises(IngestError, match=problem):
        check_url(url)
    with pytest.warns(UserWarning, match=problem.split(" ")[0]):
        draft, *_, status = app.propose_url(url)
    assert draft is None and md_text(problem) in status


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/missing.html", "the server answered 404"),
        ("/data.bin", "not a web page or document"),
        ("/big.html", "the page is over the limit of 10,000 bytes"),
        ("/to-file", "Redirection to url 'file:///etc/passwd' is not allowed"),
        ("/to-ftp", "redirects to an address that is not http or https"),
    ],
)
def test_fetch_failures_are_said_plainly(site, path, problem):
    with pytest.raises(IngestError, match=problem):
        fetch_draft(site + path, max_bytes=10_000, allow_local=True)


def test_an_unreachable_address_is_reported():
    with pytest.raises(IngestError, match="could not reach the page"):
        fetch_draft(f"http://127.0.0.1:{free_port()}/", max_bytes=10_000, timeout=5, allow_local=True)


# --- an app others can reach fetches only public pages -------------------------------------------------


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://localhost/", "localhost resolves to 127.0.0.1, a loopback address (this machine)"),
        ("http://[::1]/", "::1 is a loopback address (this machine)"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1 is a loopback address (this machine)"),
        ("http://2130706433/", "2130706433 resolves to 127.0.0.1, a loopback address"),  # 127.0.0.1 as a number
        ("http://0.0.0.0/", "0.0.0.0 is the unspecified address (this machine)"),
        ("http://10.1.2.3/", "10.1.2.3 is a private-network address"),
        ("https://192.168.1.1/admin", "192.168.1.1 is a private-network address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://[fe80::1]/", "fe80::1 is a link-local address"),
        ("http://240.0.0.1/", "240.0.0.1 is a reserved address"),
        ("http://100.64.0.1/", "100.64.0.1 is a reserved address"),
    ],
)
def test_local_and_private_addresses_are_not_fetched_for_a_public_app(url, problem):
    with pytest.raises(IngestError) as refused:
        fetch_draft(url, max_bytes=10_000)

    assert refused.value.source == url
    assert refused.value.problem.startswith(f"not fetched: {problem}")
    assert refused.value.problem.endswith("an app that others can reach fetches only pages on the public internet")


def test_a_public_app_refuses_the_loopback_site_before_sending_anything(site):
    url = f"{site}/herons.html?from-a-public-app"

    with pytest.raises(IngestError, match=re.escape("127.0.0.1 is a loopback address")):
        fetch_draft(url, max_bytes=10_000)

    assert "/herons.html?from-a-public-app" not in _Site.requested
    assert fetch_draft(url, max_bytes=10_000, allow_local=True).meta.title == "Herons of the Vell estuary"


def test_a_redirect_to_a_private_address_is_refused_for_a_public_app():
    request = urllib.request.Request("https://news.example/story")

    with pytest.raises(
        NotPublicAddress, match=re.escape("redirects to http://10.1.2.3/admin, and 10.1.2.3 is a private")
    ):
        WebOnlyRedirects(allow_local=False).redirect_request(request, None, 302, "Found", {}, "http://10.1.2.3/admin")
    followed = WebOnlyRedirects(allow_local=True).redirect_request(request, None, 302, "Found", {}, "http://10.1.2.3/")
    assert followed.full_url == "http://10.1.2.3/"


def test_a_name_that_turns_local_after_the_check_is_caught_at_connect(site):
    """DNS rebinding: the name passed the check, then resolved to this machine when connecting."""
    port = int(site.rsplit(":", 1)[1])
    connection = PublicHTTPConnection("127.0.0.1", port, timeout=5)

    with pytest.raises(NotPublicAddress, match=re.escape("answered from 127.0.0.1, a loopback address")):
        connection.request("GET", "/herons.html?after-rebinding")

    assert "/herons.html?after-rebinding" not in _Site.requested


@pytest.mark.parametrize(
    "exposure",
    [
        {"allow_public": True},
        {"host": "0.0.0.0", "auth_username": "reader", "auth_password": "pw"},
    ],
    ids=["allow-public", "password-on-all-interfaces"],
)
def test_an_app_others_can_reach_does_not_fetch_local_pages(served, site, tmp_path, exposure):
    settings = isolated_settings(tmp_path, corpus_dir=served.settings.corpus_dir, **exposure)
    public_app = FootnoteApp(settings, served.library, served.app.assistant)

    with pytest.warns(UserWarning, match="not fetched"):
        draft, *_, status = public_app.propose_url(f"{site}/herons.html")

    assert draft is None
    assert md_text("not fetched: 127.0.0.1 is a loopback address (this machine)") in status
    assert served.app.propose_url(f"{site}/herons.html")[0] is not None  # the local app fetches it


# --- starting safely ----------------------------------------------------------------------------------


def test_exposure_rules(tmp_path):
    def problem(**overrides):
        return exposure_problem(isolated_settings(tmp_path, **overrides))

    assert problem() is None
    assert problem(host="localhost") is None
    assert problem(host="::1") is None
    assert "Refusing to listen on 0.0.0.0" in problem(host="0.0.0.0")
    assert problem(host="0.0.0.0", auth_username="reader", auth_password="pw") is None
    assert problem(host="0.0.0.0", allow_public=True) is None
    assert "Set both" in problem(auth_username="reader")


def test_app_py_refuses_a_public_host_without_a_password(tmp_path):
    env = {
        **os.environ,
        "FOOTNOTE_HOST": "0.0.0.0",
        "FOOTNOTE_AUTH_USERNAME": "",
        "FOOTNOTE_AUTH_PASSWORD": "",
        "FOOTNOTE_ALLOW_PUBLIC": "false",
        "FOOTNOTE_CORPUS_DIR": str(tmp_path / "corpus"),
        "FOOTNOTE_INDEX_DIR": str(tmp_path / "index"),
    }

    run = subprocess.run([sys.executable, str(ROOT / "app.py")], env=env, capture_output=True, text=True, check=False)

    assert run.returncode == 2
    assert "Refusing to listen on 0.0.0.0 without a password" in run.stderr
    assert not (tmp_path / "index").exists()


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


def test_api_adds_an_article_answers_from_it_and_removes_it(client, served, tmp_path):
    path = write_article(tmp_path / "otters.md", OTTERS, title="Otters of Lake Vell", author="Ann Example")

    title, author, *_ = client.predict(handle_file(str(path)), api_name="/propose_file")
    added = client.predict(title["value"], author, "2023-04-01", "", "", api_name="/add")
    chat, *_ = client.predict(OTTERS_QUESTION, ANSWER, *NO_FILTERS, api_name="/ask")
    prompt, _ = client.predict("otters", api_name="/request_removal")
    removed = client.predict(api_name="/remove")

    assert "Added" in added[-1]
    assert md_text("crayfish") in reply_of(chat)
    assert "Otters of Lake Vell" in prompt
    assert removed == md_text("Removed otters.md.")
    assert "otters.md" not in {a.id for a in served.library.articles()}


def test_api_refuses_an_unsupported_upload(client, tmp_path):
    path = tmp_path / "tool.exe"
    path.write_bytes(b"MZ" + bytes(100))

    with pytest.raises(AppError, match="Invalid file type"):
        client.predict(handle_file(str(path)), api_name="/propose_file")


def test_a_question_is_answered_while_an_article_is_being_indexed(served, tmp_path):
    """Indexing is paused by holding the index's write lock, exactly where embedding would run."""
    path = write_article(tmp_path / "beavers.md", "Beavers built forty dams on the Vell in 2023.\n", title="Beavers")
    indexing, asking = Client(served.url, verbose=False), Client(served.url, verbose=False)
    indexing.predict(handle_file(str(path)), api_name="/propose_file")

    with served.library.index.write_lock:
        job = indexing.submit("", "", "", "", "", api_name="/add")
        wait_until(lambda: (served.settings.corpus_dir / "beavers.md").exists(), "the add to start indexing")
        chat, *_ = asking.predict(SEED_QUESTION, ANSWER, *NO_FILTERS, api_name="/ask")
        assert md_text(SEED_QUOTE) in reply_of(chat)
        assert not job.done() and job.status().code in (Status.PROCESSING, Status.PROGRESS)

    assert "Added" in job.result()[-1]
    served.library.remove("beavers.md")


def wait_until(condition, what: str, patience: float = 60.0) -> None:
    deadline = time.monotonic() + patience
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_a_password_protects_the_page_and_the_api(served, tmp_path):
    settings = isolated_settings(
        tmp_path,
        corpus_dir=served.settings.corpus_dir,
        index_dir=served.settings.index_dir,
        auth_username="reader",
        auth_password="correct horse",
        max_file_bytes=2_000,
    )
    locked_app = FootnoteApp(settings, served.library, served.app.assistant)

    with serve(locked_app, settings) as locked, httpx.Client(base_url=locked.url) as browser:
        assert browser.get("/config").status_code == 401
        assert browser.post("/gradio_api/call/ask", json={"data": [SEED_QUESTION]}).status_code == 401
        assert browser.post("/gradio_api/upload", files={"files": ("a.md", b"text")}).status_code == 401
        with pytest.raises(ValueError, match="Could not login"):
            Client(locked.url, auth=("reader", "wrong"), verbose=False)
        client = Client(locked.url, auth=("reader", "correct horse"), verbose=False)
        chat, *_ = client.predict(SEED_QUESTION, ANSWER, *NO_FILTERS, api_name="/ask")
        assert md_text(SEED_QUOTE) in reply_of(chat)

        assert browser.post("/login", data={"username": "reader", "password": "correct horse"}).is_success
        assert browser.get("/config").status_code == 200
        assert browser.post("/gradio_api/upload", files={"files": ("a.md", b"x" * 1_000)}).status_code == 200
        too_big = browser.post("/gradio_api/upload", files={"files": ("b.md", b"x" * 3_000)})
        assert too_big.status_code == 413 and "maximum allowed size of 2000 bytes" in too_big.text
