"""What the page shows of articles and questions: escaped, so shown and never run."""

from __future__ import annotations

import html

import pytest

from footnote.types import Answer, Citation, RefusalReason, Source
from tests.app_support import HOSTILE_AUTHOR, HOSTILE_TITLE, IMG_PAYLOAD, LINK_PAYLOAD, SCRIPT_PAYLOAD
from ui.render import ANSWER, QUOTES, Turn, answer_blocks, chat_messages, md_text, sources_html


def cited_in(passage: str, quote: str, **fields) -> Citation:
    """Citation [1] of ``quote``, found in ``passage`` (the passage opens its article)."""
    start = passage.index(quote)
    return Citation(
        n=1,
        quote=quote,
        start=start,
        end=start + len(quote),
        passage_start=0,
        passage_end=len(passage),
        passage_text=passage,
        **fields,
    )


def test_article_text_and_questions_are_shown_never_run():
    quote = f"Fishermen say the herring {IMG_PAYLOAD} tastes of smoke."
    passage = f"Intro {SCRIPT_PAYLOAD}. {quote} Prices at {LINK_PAYLOAD} daily."
    citation = cited_in(
        passage,
        quote,
        article_id="quillmarsh.md",
        title=HOSTILE_TITLE,
        author=HOSTILE_AUTHOR,
        url="javascript:window.__pwned=1",
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


@pytest.mark.parametrize("reason", list(RefusalReason))
def test_a_refusal_says_why_from_its_reason_not_its_text(reason):
    answer = Answer(question="q", text="Whatever the answerer wrote.", abstained=True, refusal_reason=reason)

    assert answer_blocks(Turn("q", ANSWER, answer)) == [md_text(reason.message)]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("date_from", "date_to", "note"),
    [
        ("2025-01-01", "2025-06-30", "Searched only published 2025-01-01 to 2025-06-30."),
        ("2025-01-01", "", "Searched only published from 2025-01-01."),
        ("", "2025-06-30", "Searched only published up to 2025-06-30."),
    ],
)
def test_the_note_under_a_dated_search_says_the_range_in_words(date_from, date_to, note):
    from assistant.retriever import Filters
    from ui.filters import filters_note

    assert filters_note(Filters(date_from=date_from, date_to=date_to)) == note


@pytest.mark.unit
def test_a_passage_card_shows_headings_as_words_not_markdown():
    passage = "## A quiet strategy\nJapan holds stakes in mines. Prices fell.\n### What next\nMore # signs stay."
    quote = "Japan holds stakes in mines."
    citation = cited_in(passage, quote, article_id="japan.md", title="Japan")
    closest = Source(
        article_id="japan.md", title="Japan", passage_id="japan.md:0", text=passage, start=0, end=len(passage)
    )
    cited = sources_html(Turn("q", ANSWER, Answer(question="q", text=f"“{quote}” [1]", citations=[citation])))
    refused = sources_html(Turn("q", ANSWER, Answer(question="q", text="-", abstained=True, sources=[closest])))

    for panel in (cited, refused):
        assert "A quiet strategy" in panel and "What next" in panel and "More # signs stay." in panel
        assert "##" not in panel
    assert f"<mark>{quote}</mark>" in cited
