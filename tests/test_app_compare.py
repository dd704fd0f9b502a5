"""The Ask tab's "Compare the sources" and "Timeline" modes, the paste styles, and their endpoints.

Real components throughout: the corpus copied, indexed with the bundled model, the app served.
Two dated articles on the seed question join the (undated) seeds, and a hostile article sits in the
corpus from the start, so that what an article says is shown as text.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from gradio_client import Client

from footnote.attribution import STYLES, paste
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
from ui.compare import comparison_data
from ui.render import COMPARE, TIMELINE, conversation_markdown, md_text, sources_html
from ui.storage import restored_turns, stored_conversation

QUESTION = "Should South Korea send weapons to Ukraine?"
EARLY, LATE = "seoul-arms-2023.md", "seoul-arms-2024.md"
EARLY_BODY = (
    "South Korea should send weapons to Ukraine directly, the Seoul defence committee argued, "
    "because artillery shells are what Kyiv lacks most.\n"
)
LATE_BODY = (
    "South Korea should not send weapons to Ukraine, the opposition said in June, warning that "
    "sending 300 howitzers would weaken its own defences.\n"
)
HOSTILE_ID = "quillmarsh.md"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with served_corpus(tmp_path_factory.mktemp("compare")) as running:
        corpus = running.settings.corpus_dir
        write_article(corpus / HOSTILE_ID, HOSTILE_BODY, title=HOSTILE_TITLE, author=HOSTILE_AUTHOR)
        write_article(corpus / EARLY, EARLY_BODY, title="Seoul weighs arms for Kyiv", published="2023-01-01")
        write_article(corpus / LATE, LATE_BODY, title="No howitzers for Kyiv", author="Ben Cho", published="2024-06-01")
        assert running.library.sync().ok
        yield running


@pytest.fixture
def chat(served) -> AskTab:
    return served.app.ask_tab


def settled(chat: AskTab, text: str, mode: str, turns=(), filters=([], None, "", "")) -> dict:
    views = ask(chat, text, mode, turns, filters)
    assert "kept" in views[-1]
    return views[-1]


def verbatim(served, citation) -> bool:
    return served.library.article(citation.article_id).content[citation.start : citation.end] == citation.quote


def test_compare_shows_each_speaking_article_in_order_of_publication(chat, served):
    view = settled(chat, QUESTION, COMPARE)

    [turn] = view["turns"]
    comparison = turn.comparison
    speaking = comparison.speaking
    assert {LAMI_KIM, EARLY, LATE} <= {a.article_id for a in speaking}
    dates = [a.published or "9999" for a in speaking]
    assert dates == sorted(dates) and [a.article_id for a in speaking][:2] == [EARLY, LATE]  # undated last
    reply = reply_of(view["chat"])
    assert view["chat"][-2]["content"] == "Compare the sources on: " + md_text(QUESTION)
    places = [reply.index(f"**{md_text(a.title)}**") for a in speaking]
    assert places == sorted(places)
    # every quote verbatim, numbered [1], [2], … across the comparison, and a card in the panel
    quotes = [c for a in speaking for c in a.quotes]
    assert [c.n for c in quotes] == list(range(1, len(quotes) + 1)) == [c.n for c in turn.answer.citations]
    panel = view["sources"]
    for c in quotes:
        assert verbatim(served, c)
        assert f"“{md_text(c.quote)}” \\[{c.n}\\]" in reply
        assert f'id="fn-cite-{c.n}"' in panel and html.escape(c.passage_text[c.start - c.passage_start :][:40]) in panel
    blocks = re.findall(r'<section class="fn-compare-block" data-article="([^"]+)"', panel)
    assert blocks == [html.escape(a.article_id) for a in speaking]
    assert view["picker"]["choices"] == [(f"[{c.n}]", c.n) for c in quotes]
    # the reader view opens on a compared quote
    assert "fn-reader-quote" in chat.reader(view["turns"], None, quotes[-1].n)
    for a in comparison.silent:
        assert md_text(a.title) in reply.split("_Not addressing it:_")[1]
        assert "Not addressing it: " in panel
    for p in comparison.same_points:
        assert f"\\[{p.first.n}\\]" in reply and f"\\[{p.second.n}\\]" in reply


def test_the_export_of_a_comparison_is_its_markdown(chat):
    turns = settled(chat, QUESTION, COMPARE)["turns"]

    text = Path(chat.export(turns)).read_text(encoding="utf-8")

    assert turns[-1].comparison.markdown() in text
    assert "## 1. Compared: " + QUESTION in text
    for c in turns[-1].answer.citations:
        assert paste(c.quote, c, "markdown") in text


def test_filters_apply_to_a_comparison(chat):
    view = settled(chat, QUESTION, COMPARE, filters=([LAMI_KIM, LATE], None, "", ""))
    assert {a.article_id for a in view["turns"][-1].comparison.speaking} <= {LAMI_KIM, LATE}
    assert "chosen article" in view["status"]

    dated = settled(chat, QUESTION, COMPARE, filters=([], None, "2024", ""))["turns"][-1].comparison
    assert [a.article_id for a in dated.speaking + dated.silent] == [LATE]


def test_a_hostile_article_is_compared_as_text(chat):
    view = settled(chat, "What does the harbour of Quillmarsh export?", COMPARE)

    comparison = view["turns"][-1].comparison
    assert HOSTILE_ID in [a.article_id for a in comparison.speaking + comparison.silent]
    panel, reply = view["sources"], reply_of(view["chat"])
    for shown in (panel, reply):
        assert "<img" not in shown and "<script" not in shown
    assert html.escape(HOSTILE_TITLE) in panel or html.escape(HOSTILE_TITLE) in reply
    assert md_text(HOSTILE_TITLE) in reply
    if any(a.article_id == HOSTILE_ID for a in comparison.speaking):
        assert html.escape(HOSTILE_AUTHOR) in panel and html.escape(SCRIPT_PAYLOAD) in panel


def test_a_timeline_orders_the_quotes_by_date_undated_last(chat, served):
    view = settled(chat, QUESTION, TIMELINE)

    citations = view["turns"][-1].answer.citations
    ids = [c.article_id for c in citations]
    assert EARLY in ids and LATE in ids and LAMI_KIM in ids
    assert (
        max(ids.index(EARLY), ids.index(EARLY)) < ids.index(LATE) < min(i for i, a in enumerate(ids) if a == LAMI_KIM)
    )
    dated = [c.published for c in citations if c.published]
    assert dated == sorted(dated) and citations[-1].published == ""
    assert [c.n for c in citations] == list(range(1, len(citations) + 1))
    reply = reply_of(view["chat"])
    lines = reply.split("  \n")
    assert len(lines) == len(citations)
    for line, c in zip(lines, citations, strict=True):
        assert line == f"{md_text(c.published or 'undated')} — “{md_text(c.quote)}” \\[{c.n}\\]"
        assert verbatim(served, c) and f'id="fn-cite-{c.n}"' in view["sources"]
    assert view["chat"][-2]["content"] == "Timeline of: " + md_text(QUESTION)


def test_a_timeline_keeps_to_the_author_and_dates_asked(chat):
    by_kim = settled(chat, QUESTION, TIMELINE, filters=([], "Lami Kim", "", ""))["turns"][-1].answer.citations
    assert by_kim and {c.author for c in by_kim} == {"Lami Kim"}

    in_range = settled(chat, QUESTION, TIMELINE, filters=([], None, "2023", "2023-12-31"))["turns"][-1]
    assert {c.article_id for c in in_range.answer.citations} == {EARLY}


def test_each_card_carries_the_quote_in_every_paste_style(chat):
    for mode in (COMPARE, TIMELINE):
        view = settled(chat, QUESTION, mode)
        panel = view["sources"]
        for c in view["turns"][-1].answer.citations:
            card = panel[panel.index(f'id="fn-cite-{c.n}"') :]
            button = card[: card.index("</button>")]
            for style in STYLES:
                attr = re.search(rf'data-paste-{style}="([^"]*)"', button)
                assert attr and html.unescape(attr.group(1)) == paste(c.quote, c, style)
            assert (
                html.unescape(re.search(r'data-copy="([^"]*)"', button).group(1)) == f"“{c.quote}” — {c.attribution()}"
            )


def test_compare_and_timeline_turns_survive_a_reload(chat):
    turns = settled(chat, QUESTION, COMPARE)["turns"]
    turns = settled(chat, QUESTION, TIMELINE, turns)["turns"]

    kept = json.loads(json.dumps(settled(chat, "North Korean soldiers", "quotes", turns)["kept"]))
    view = chat.restore(kept, [])

    restored = view["turns"]
    assert [t.mode for t in restored] == [COMPARE, TIMELINE, "quotes"]
    assert view["chat"] == settled(chat, "North Korean soldiers", "quotes", turns)["chat"]
    for before, after in zip(turns, restored[:2], strict=True):
        assert sources_html(after) == sources_html(before)
    assert comparison_data(restored[0].comparison) == comparison_data(turns[0].comparison)
    now = dt.datetime(2026, 1, 1)
    assert conversation_markdown(restored[:2], now) == conversation_markdown(turns, now)
    assert restored_turns(stored_conversation(restored)) and len(restored_turns(kept)) == 3


def test_the_compare_and_timeline_endpoints_return_data(served):
    client = Client(served.url, verbose=False)

    compared = client.predict(QUESTION, [], "", "", "", [], api_name="/compare")
    timeline = client.predict(QUESTION, [], "Lami Kim", "", "", [], api_name="/timeline")

    expected = served.app.assistant.compare(QUESTION)
    assert compared == json.loads(json.dumps(comparison_data(expected)))
    assert [a["article_id"] for a in compared["speaking"]][:2] == [EARLY, LATE]
    assert timeline["citations"] and {c["author"] for c in timeline["citations"]} == {"Lami Kim"}
    assert "error" in client.predict(QUESTION, [], "", "soon", "", [], api_name="/timeline")
    assert IMG_PAYLOAD not in json.dumps(compared)  # the hostile article does not speak to this question
