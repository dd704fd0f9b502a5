"""The conversation kept in the browser: written with every settled view, read back as a page opens."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from assistant.check import check_quote
from tests.app_support import (
    NO_FILTERS,
    SEED_QUESTION,
    SEED_QUOTE,
    SEVERAL_QUOTES_QUESTION,
    ask,
    isolated_settings,
)
from ui.render import ANSWER, CHECK, COMPARE, QUOTES, TIMELINE, Turn, chat_messages, conversation_markdown, sources_html
from ui.storage import browser_storage, restored_turns, stored_conversation


def browser_round_trip(turns: list[Turn]) -> object:
    """What the page gets to keep, as JSON, the way the browser stores it and sends it back."""
    return json.loads(json.dumps(stored_conversation(turns)))


def test_a_reloaded_conversation_keeps_its_answers_sources_and_numbers(chat):
    turns = ask(chat, SEVERAL_QUOTES_QUESTION)[-1]["turns"]
    turns = ask(chat, "North Korean soldiers", mode=QUOTES, turns=turns)[-1]["turns"]
    turns = ask(chat, "What is the capital of France?", turns=turns)[-1]["turns"]

    view = chat.restore(browser_round_trip(turns), [])

    restored = view["turns"]
    assert view["chat"] == chat_messages(turns)
    assert [(t.question, t.mode) for t in restored] == [(t.question, t.mode) for t in turns]
    for before, after in zip(turns, restored, strict=True):
        assert sources_html(after) == sources_html(before)
        for c in before.answer.citations:
            assert chat.show_source(c.n, [after]) == chat.show_source(c.n, [before])
    assert view["sources"] == sources_html(turns[-1]) and "not an answer" in view["sources"]
    assert view["picker"]["visible"] is False  # the latest turn is the unanswered one
    now = dt.datetime(2025, 1, 2, 3, 4)
    assert conversation_markdown(restored, now) == conversation_markdown(turns, now)
    assert Path(chat.export(restored)).read_text(encoding="utf-8").count("## ") == 3
    assert view["untouched"] is False  # the other of the two restores a page start makes does nothing
    assert view.keys() == {"chat", "turns", "picker", "sources", "untouched"}  # the question box is left alone


def test_a_reloaded_conversation_goes_on_where_it_stopped(chat):
    first = ask(chat, SEED_QUESTION)[-1]["turns"]
    view = chat.restore(browser_round_trip(first), [])
    restored = view["turns"]
    assert view["picker"]["choices"] == [(f"[{c.n}]", c.n) for c in first[-1].answer.citations]

    follow_up = ask(chat, "And how much in total per month?", turns=restored)[-1]["turns"]
    retried = list(chat.retry(ANSWER, *NO_FILTERS, restored))[-1]["turns"]

    assert SEED_QUESTION in follow_up[-1].answer.search_query
    assert [t.question for t in retried] == [SEED_QUESTION]
    assert chat.restore(browser_round_trip(follow_up), follow_up) == {}  # a page with turns is left as it is
    assert stored_conversation([]) == {"format": 1, "turns": []}  # what Clear leaves in the browser


def test_the_browser_keeps_each_settled_conversation_in_the_same_update(chat):
    """Kept with the view that shows it, never in a later step: a reload can fall between two events."""
    views = list(chat.ask(SEED_QUESTION, ANSWER, *NO_FILTERS, []))
    *on_the_way, settled = views

    turns = settled["turns"]
    assert settled["kept"] == stored_conversation(turns) and [t.question for t in turns] == [SEED_QUESTION]
    assert all("kept" not in view for view in on_the_way)  # pending and streaming views keep nothing yet
    assert all(view["untouched"] is False for view in views)
    undone = chat.undo(turns)
    assert (undone["kept"], undone["untouched"]) == (stored_conversation([]), False)
    cleared = chat.clear()
    assert (cleared["kept"], cleared["untouched"]) == ({"format": 1, "turns": []}, False)
    with pytest.warns(UserWarning, match="no question to retry"):
        [refused] = chat.retry(ANSWER, *NO_FILTERS, [])
    assert "kept" not in refused and refused["untouched"] is False  # nothing to write; still, the page was used


def test_a_kept_conversation_is_only_redrawn_on_a_page_nothing_has_touched(chat):
    """After a Clear (or any turn) a late kept value must not bring the old turns back."""
    kept = browser_round_trip(ask(chat, SEED_QUESTION)[-1]["turns"])

    assert chat.restore(kept, [], untouched=False) == {}
    view = chat.restore(kept, [], untouched=True)
    assert [t.question for t in view["turns"]] == [SEED_QUESTION] and len(view["chat"]) == 2
    assert view["untouched"] is False
    assert chat.restore(None, [], untouched=True) == {}  # not read yet: a later call may fill it


@pytest.fixture(scope="module")
def stored_turn(served) -> dict:
    """One answered turn as the browser keeps it."""
    return browser_round_trip(ask(served.app.ask_tab, SEED_QUESTION)[-1]["turns"])["turns"][0]


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
def test_an_unreadable_stored_conversation_starts_empty(chat, stored_turn, mangle):
    stored = mangle({"format": 1, "turns": [stored_turn]}, stored_turn)

    assert restored_turns(stored) == []
    assert chat.restore(stored, []) == {}
    assert len(restored_turns({"format": 1, "turns": [stored_turn]})) == 1  # the unmangled one is read


def test_checks_comparisons_and_timelines_are_kept_and_an_unreadable_turn_is_skipped(chat):
    """Every mode is read back; a turn object that cannot be read costs that turn only, not the rest."""
    from ui.check import check_turn
    from ui.compare import compare_turn, comparison_data, timeline_turn

    question = "Should South Korea send weapons to Ukraine?"
    checked = check_turn(check_quote(chat.library.index, SEED_QUOTE, chat.library.corpus_dir))
    compared = compare_turn(chat.assistant.compare(question))
    timeline = timeline_turn(question, chat.assistant.timeline(question))
    turns = [*ask(chat, SEED_QUESTION)[-1]["turns"], checked, compared, timeline]

    restored = restored_turns(browser_round_trip(turns))

    assert [t.mode for t in restored] == ["answer", CHECK, COMPARE, TIMELINE]
    assert restored[1].check == checked.check and chat_messages(restored) == chat_messages(turns)
    assert comparison_data(restored[2].comparison) == comparison_data(compared.comparison)
    for before, after in zip(turns, restored, strict=True):
        assert sources_html(after) == sources_html(before)
    now = dt.datetime(2025, 1, 2, 3, 4)
    assert conversation_markdown(restored, now) == conversation_markdown(turns, now)

    kept = browser_round_trip(turns)
    kept["turns"][2] = {**kept["turns"][2], "comparison": {"topic": "broken"}}
    kept["turns"][1] = {**kept["turns"][1], "mode": "a mode of a later version"}
    assert [t.mode for t in restored_turns(kept)] == ["answer", TIMELINE]


def test_the_conversation_is_stored_per_corpus_and_survives_a_restart(tmp_path):
    one = browser_storage(isolated_settings(tmp_path / "one"))
    same_after_restart = browser_storage(isolated_settings(tmp_path / "one"))
    other = browser_storage(isolated_settings(tmp_path / "other"))

    assert one == same_after_restart
    assert one[0] != other[0] and one[1] != other[1]
    assert one[0].startswith("footnote-conversation-")
