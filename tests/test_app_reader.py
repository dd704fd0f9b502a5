"""The reader view: a citation's whole article, its metadata on top, the quote marked, the answer's others too.

Real answers from the served app; the reader's HTML is read back as a browser would read its text.
"""

from __future__ import annotations

import html
import re

import gradio as gr
import pytest

from tests.app_support import (
    HOSTILE_AUTHOR,
    HOSTILE_BODY,
    HOSTILE_TITLE,
    IMG_PAYLOAD,
    LINK_PAYLOAD,
    SCRIPT_PAYLOAD,
    SEED_QUESTION,
    SEED_QUOTE,
    SEVERAL_QUOTES_QUESTION,
    ask,
    served_corpus,
    write_article,
)
from ui.ask import AskTab
from ui.reader import EMPTY_READER, QUOTE_ID
from ui.render import CHECK

HOSTILE_ID = "quillmarsh.md"
HEADED = "headed.md"
HEADED_BODY = (
    "Opening words about the Vell valley.\n\n"
    "## Dams <b>and</b> beavers\n\n"
    "Beavers in the Vell valley built forty new dams in 2023, the valley trust counted.\n"
)
PRIMARY = re.compile(rf'<mark class="fn-mark fn-primary" id="{QUOTE_ID}"[^>]*>(.*?)</mark>', re.S)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with served_corpus(tmp_path_factory.mktemp("reader")) as running:
        corpus = running.settings.corpus_dir
        write_article(corpus / HOSTILE_ID, HOSTILE_BODY, title=HOSTILE_TITLE, author=HOSTILE_AUTHOR)
        write_article(corpus / HEADED, HEADED_BODY, title="Dams of the Vell", publisher="Vell Gazette")
        assert running.library.sync().ok
        yield running


@pytest.fixture
def chat(served) -> AskTab:
    return served.app.ask_tab


def text_of(page: str) -> str:
    """What a reader sees of some HTML: tags dropped, entities read."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_the_reader_shows_the_whole_article_at_the_quote(chat, served):
    turns = ask(chat, SEED_QUESTION)[-1]["turns"]
    cited = next(c for c in turns[-1].answer.citations if SEED_QUOTE in c.quote)
    article = served.library.article(cited.article_id)

    page = chat.reader(turns, None, cited.n)

    assert page.count(f'id="{QUOTE_ID}"') == 1
    [marked] = PRIMARY.findall(page)
    assert html.unescape(marked) == article.content[cited.start : cited.end] == cited.quote
    shown = text_of(page)
    for line in article.body.splitlines():
        if line.strip():
            assert line.lstrip("# ") in shown  # every paragraph and heading, headings without their "#"
    assert "seed:" not in shown  # the front matter is metadata, not text
    head = page[: page.index('<div class="fn-reader-text">')]
    assert html.escape(article.title) in head and "Lami Kim" in head and article.id in head
    assert "What North Korea’s Involvement in Ukraine Means for South Korea</h4>" in page  # a heading, as one
    assert f"Quote [{cited.n}], in section “{html.escape(cited.section)}”" in head


def test_other_quotes_of_the_same_answer_in_that_article_are_marked_too(chat, served):
    turns = ask(chat, SEVERAL_QUOTES_QUESTION)[-1]["turns"]
    citations = turns[-1].answer.citations
    first = citations[0]
    same = [c for c in citations if c.article_id == first.article_id and c.n != first.n]
    assert same, "the question's answer quotes one article more than once"

    page = chat.reader(turns, None, first.n)

    assert page.count(f'id="{QUOTE_ID}"') == 1
    for c in same:
        pieces = re.findall(rf'<mark class="fn-mark" data-n="{c.n}"[^>]*>(.*?)</mark>', page, re.S)
        assert html.unescape("".join(pieces)) == c.quote
    others = [c for c in citations if c.article_id != first.article_id]
    for c in others:
        assert f'data-n="{c.n}"' not in page


def test_a_hostile_article_renders_as_text(chat, served):
    turns = ask(chat, f"Fishermen in Quillmarsh say the herring {IMG_PAYLOAD} tastes of smoke.", CHECK)[-1]["turns"]
    [match] = turns[-1].check.matches
    assert match.article_id == HOSTILE_ID

    page = chat.reader(turns, None, 1)

    assert "<img" not in page and "<script" not in page and 'href="javascript' not in page
    shown = text_of(page)
    for payload in (SCRIPT_PAYLOAD, IMG_PAYLOAD, LINK_PAYLOAD, HOSTILE_TITLE, HOSTILE_AUTHOR):
        assert payload in shown
    [marked] = PRIMARY.findall(page)
    assert html.unescape(marked) == match.text


def test_headings_are_headings_made_of_escaped_text(chat):
    turns = ask(chat, "Beavers in the Vell valley built forty new dams in 2023", CHECK)[-1]["turns"]

    page = chat.reader(turns, None, 1)

    assert '<h4 class="fn-reader-heading">Dams &lt;b&gt;and&lt;/b&gt; beavers</h4>' in page
    assert "<b>" not in page
    assert "<dt>Publisher</dt><dd>Vell Gazette</dd>" in page
    [marked] = PRIMARY.findall(page)
    assert html.unescape(marked) == "Beavers in the Vell valley built forty new dams in 2023"


def test_clicking_a_quote_in_the_sources_opens_the_reader_in_their_place(chat):
    turns = ask(chat, SEED_QUESTION)[-1]["turns"]

    opened = chat.open_reader(turns, None, gr.SelectData(None, {"index": 1, "value": 1}))

    assert f'id="{QUOTE_ID}"' in opened["reader"]
    assert opened["reader_box"]["visible"] is True and opened["sources_box"]["visible"] is False
    assert chat.close_reader() == {"reader_box": gr.update(visible=False), "sources_box": gr.update(visible=True)}
    assert chat.reader(turns, None, 99) == EMPTY_READER
    assert chat.reader([], None, 1) == EMPTY_READER


def test_a_quote_the_article_no_longer_holds_at_its_span_is_found_again(chat, served):
    turns = ask(chat, "Beavers in the Vell valley built forty new dams in 2023", CHECK)[-1]["turns"]
    path = served.settings.corpus_dir / HEADED
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(original.replace("Opening words", "Some new opening words"), encoding="utf-8")
        [marked] = PRIMARY.findall(chat.reader(turns, None, 1))
        assert html.unescape(marked) == "Beavers in the Vell valley built forty new dams in 2023"
        path.write_text(original.replace("forty", "fifty"), encoding="utf-8")
        page = chat.reader(turns, None, 1)
        assert QUOTE_ID not in page and "no longer in the article as quoted" in page
    finally:
        path.write_text(original, encoding="utf-8")
