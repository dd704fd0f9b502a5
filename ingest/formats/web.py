"""Web pages: the article text of an HTML page, and the metadata it declares."""

from __future__ import annotations

from pathlib import PurePosixPath

from footnote.types import ArticleMeta
from ingest.errors import IngestError
from ingest.load import Draft


def html_to_draft(html: str, name: str) -> Draft:
    """Boil a web page down to its article text: scripts, styles, frames and handlers never survive."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True, favor_recall=True
    )
    text = ""
    meta = ArticleMeta()
    if doc is not None:
        text = doc.text or ""
        meta = ArticleMeta(
            title=doc.title or "",
            author=doc.author or "",
            published=doc.date or "",
            publisher=doc.sitename or "",
            url=doc.url or "",
        )
    if not text.strip():
        text = _html_visible_text(html)
        if not meta.title:
            meta.title = _html_title(html)
    if not text.strip():
        raise IngestError(name, "no article text found in the HTML")
    return Draft(body=_paragraphs_blank_separated(text), meta=meta, stem=PurePosixPath(name).stem)


def _html_visible_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "iframe", "noscript", "template", "object", "embed", "svg"]):
        tag.decompose()
    return soup.get_text("\n")


def _html_title(html: str) -> str:
    from bs4 import BeautifulSoup

    title = BeautifulSoup(html, "html.parser").title
    return title.get_text(" ", strip=True) if title else ""


def _paragraphs_blank_separated(text: str) -> str:
    paragraphs = [" ".join(line.split()) for line in text.split("\n")]
    return "\n\n".join(p for p in paragraphs if p)
