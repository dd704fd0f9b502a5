"""Articles converted from PDF keep their page numbers: each citation says on which page its quote
starts, and the page survives in the front matter, the index and the answer."""

from __future__ import annotations

from assistant.chain import Assistant
from tests.test_bad_input import pdf_of_pages

PAGES = [
    "The Vell harbour authority met on Monday to review the winter season.",
    "",  # a page with no text layer (a full-page photograph)
    "Harbour dues rose to 14 crowns per tonne of cargo after the review.",
    "Dredging of the outer channel is planned for the following spring.",
]


def test_a_pdf_article_cites_the_page_of_its_quote(library, settings):
    article = library.add(library.draft_from_file("harbour.pdf", pdf_of_pages(PAGES)))
    assert article.meta.pages[0] == 0 and len(article.meta.pages) == 4
    assert "pages:" in article.content.split("\n---", 1)[0]  # kept in the front matter
    dues = article.content.index("Harbour dues rose")
    body = article.body_start
    assert [article.page_at(article.content.index(p[:20], body)) for p in PAGES if p] == [1, 3, 4]
    assert article.page_at(dues) == 3

    answer = Assistant(library.index, settings).ask("How much are the harbour dues per tonne?")
    cited = [c for c in answer.citations if c.article_id == article.id]
    assert cited and cited[0].page == 3 and "14 crowns per tonne" in cited[0].quote
    assert article.content[cited[0].start : cited[0].end] == cited[0].quote


def test_articles_not_from_a_pdf_have_no_page(library, settings):
    answer = Assistant(library.index, settings).ask("How much is Russia expected to pay North Korea per soldier?")
    assert answer.citations and all(c.page == 0 for c in answer.citations)


def test_the_page_is_shown_with_the_citation_in_the_app_and_its_export(library, settings):
    import datetime as dt

    from ui.render import ANSWER, Turn, citation_card, conversation_markdown

    library.add(library.draft_from_file("harbour.pdf", pdf_of_pages(PAGES)))
    answer = Assistant(library.index, settings).ask("How much are the harbour dues per tonne?")
    cited = next(c for c in answer.citations if c.article_id == "harbour.md")
    assert "<dt>Page</dt><dd>3</dd>" in citation_card(cited, is_selected=True, is_open=True)
    exported = conversation_markdown([Turn(answer.question, ANSWER, answer)], dt.datetime(2026, 1, 1))
    assert f"[{cited.n}] " in exported and "page 3." in exported
