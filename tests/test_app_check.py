"""The Ask tab's "Check a quote" mode, called as the page calls it, and the ``check_quote`` API endpoint.

Real components throughout: the corpus copied, indexed with the bundled model, the app served.
A hostile article sits in the corpus from the start, so that what an article says is shown as text.
"""

from __future__ import annotations

import datetime as dt
import html

import pytest
from gradio_client import Client

from assistant.check import check_quote
from tests.app_support import (
    HOSTILE_AUTHOR,
    HOSTILE_BODY,
    HOSTILE_TITLE,
    IMG_PAYLOAD,
    SCRIPT_PAYLOAD,
    ask,
    reply_of,
    served_corpus,
    write_article,
)
from tests.conftest import LAMI_KIM
from ui.ask import AskTab
from ui.render import CHECK, conversation_markdown, md_text
from ui.storage import restored_turns, stored_conversation

# The seed article says "South Korea’s" (a curly apostrophe); the user pastes a straight one.
TRUE_SENTENCE = "According to South Korea’s intelligence agency, Russia is expected to pay $2,000 per soldier per month"
PASTED = "According to South Korea's intelligence agency, Russia is expected to pay $2,000 per soldier per month"
ONE_WORD_CHANGED = PASTED.replace("$2,000", "$3,000")
PARAPHRASE = "Seoul's spies think Moscow gives Pyongyang a monthly two-thousand-dollar fee for each of its troops."
UNRELATED = "Penguins in the Antarctic summer are fond of sardines and krill."
HOSTILE_ID = "quillmarsh.md"
HOSTILE_SENTENCE = f"Fishermen in Quillmarsh say the herring {IMG_PAYLOAD} tastes of smoke."


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with served_corpus(tmp_path_factory.mktemp("check")) as running:
        corpus = running.settings.corpus_dir
        write_article(corpus / HOSTILE_ID, HOSTILE_BODY, title=HOSTILE_TITLE, author=HOSTILE_AUTHOR)
        assert running.library.sync().ok
        yield running


@pytest.fixture
def chat(served) -> AskTab:
    return served.app.ask_tab


def check(chat: AskTab, text: str, turns=()) -> dict:
    [view] = ask(chat, text, CHECK, turns)
    return view


def test_a_quote_with_straight_quotes_is_in_the_corpus_exactly_as_written(chat, served):
    view = check(chat, PASTED)

    [turn] = view["turns"]
    [match] = turn.check.matches
    content = served.library.article(LAMI_KIM).content
    assert turn.check.verdict == "exact"
    assert match.article_id == LAMI_KIM
    assert match.text == content[match.start : match.end] == TRUE_SENTENCE
    reply = reply_of(view["chat"])
    assert "In the corpus, exactly as written" in reply
    assert "Lami Kim" in reply and "South Korea’s intelligence agency" in reply
    panel = view["sources"]
    assert "In the corpus, exactly as written" in panel
    assert f'<blockquote class="fn-passage">{html.escape(TRUE_SENTENCE)}</blockquote>' in panel
    assert html.escape(match.attribution) in panel
    assert 'id="fn-cite-1"' in panel and 'class="fn-read" data-n="1"' in panel
    assert view["picker"]["choices"] == [("[1]", 1)]
    assert view["question"] == ""


def test_one_word_changed_is_close_with_the_difference_shown_word_by_word(chat):
    view = check(chat, ONE_WORD_CHANGED)

    [turn] = view["turns"]
    [match] = turn.check.matches
    assert turn.check.verdict == "close"
    assert match.text == TRUE_SENTENCE
    assert [(d.kind, d.quote, d.article) for d in match.differences] == [("changed", "3", "2")]
    reply = reply_of(view["chat"])
    assert "Close\\: 1 difference" in reply
    assert "<del>3</del><ins>2</ins>" in reply
    panel = view["sources"]
    assert "Close: 1 difference" in panel
    assert "pay $<del>3</del><ins>2</ins>,000 per soldier" in panel
    assert f'<blockquote class="fn-passage">{html.escape(TRUE_SENTENCE)}</blockquote>' in panel


@pytest.mark.parametrize("text", [PARAPHRASE, UNRELATED])
def test_a_paraphrase_or_an_unrelated_text_is_not_found_with_the_closest_passages(chat, served, text):
    view = check(chat, text)

    [turn] = view["turns"]
    assert turn.check.verdict == "not_found"
    assert turn.check.matches, "the closest passages are shown"
    reply = reply_of(view["chat"])
    assert "Not in the corpus" in reply and "not a match" in reply
    panel = view["sources"]
    assert "Not in the corpus" in panel
    assert panel.count('<span class="fn-badge">not a match</span>') == len(turn.check.matches)
    assert "fn-copy" not in panel  # a passage that is not a match is not offered as a quote
    for m in turn.check.matches:
        assert m.text == served.library.article(m.article_id).content[m.start : m.end]
        assert html.escape(m.text) in panel


@pytest.mark.parametrize("text", ["", "   \n ", "word " * 5_000])
def test_a_quote_that_cannot_be_checked_is_a_toast_and_stays_in_the_box(chat, text):
    with pytest.warns(UserWarning):
        view = check(chat, text)

    assert view["question"] == text
    assert view["turns"] == []
    assert "sources" not in view


def test_hostile_quote_text_is_shown_as_text(chat):
    text = f"{SCRIPT_PAYLOAD} The herring {IMG_PAYLOAD} sings [click](javascript:alert(1)) at dawn."
    view = check(chat, text)

    shown = reply_of(view["chat"][-2:-1]) + reply_of(view["chat"]) + view["sources"]
    assert "<script" not in shown and "<img" not in shown and "href=" not in shown
    assert "](javascript" not in reply_of(view["chat"][-2:-1])  # Markdown: the link's brackets escaped
    assert reply_of(view["chat"][-2:-1]) == "Check: " + md_text(text)


def test_hostile_article_text_is_shown_as_text(chat, served):
    view = check(chat, HOSTILE_SENTENCE)

    [turn] = view["turns"]
    [match] = turn.check.matches
    assert turn.check.verdict == "exact" and match.article_id == HOSTILE_ID
    panel, reply = view["sources"], reply_of(view["chat"])
    for shown in (panel, reply):
        assert "<img" not in shown and "<script" not in shown
    assert html.escape(HOSTILE_SENTENCE) in panel
    assert html.escape(HOSTILE_TITLE) in panel and html.escape(HOSTILE_AUTHOR) in panel


def test_a_check_joins_the_conversation_its_export_and_the_browsers_store(chat):
    answered = ask(chat, "How much is Russia expected to pay North Korea per soldier?")[-1]["turns"]
    view = check(chat, ONE_WORD_CHANGED, answered)

    turns = view["turns"]
    assert [t.mode for t in turns] == ["answer", CHECK]
    assert reply_of(view["chat"][-2:-1]).startswith("Check: ")
    assert view["kept"] == stored_conversation(turns)
    assert [t.mode for t in restored_turns(view["kept"])] == ["answer", CHECK]  # survives a reload
    exported = conversation_markdown(turns, dt.datetime(2026, 1, 1))
    assert "Quote checked: " + ONE_WORD_CHANGED in exported
    assert "“3” where the article has “2”" in exported


def test_filters_do_not_apply_to_a_check_and_the_page_says_so(chat):
    [view] = list(chat.ask(PASTED, CHECK, [LAMI_KIM], None, "", "", [], []))

    assert view["turns"][-1].check.verdict == "exact"
    assert "filters do not apply" in view["status"]


def test_the_check_quote_endpoint_returns_the_public_json(served):
    client = Client(served.url, verbose=False)

    result = client.predict(PASTED, api_name="/check_quote")

    expected = check_quote(served.library.index, PASTED, served.library.corpus_dir).public()
    assert result == expected
    assert result["verdict"] == "exact"
    [match] = result["matches"]
    assert set(match) == {"article_id", "start", "end", "text", "attribution", "differences", "part"}
    assert match["text"] == TRUE_SENTENCE and match["article_id"] == LAMI_KIM
    close = client.predict(ONE_WORD_CHANGED, api_name="/check_quote")
    assert close["verdict"] == "close"
    assert close["matches"][0]["differences"][0]["kind"] == "changed"
    assert "error" in client.predict("  ", api_name="/check_quote")
