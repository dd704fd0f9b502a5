"""The reader view: a whole article beside the chat, scrolled to a quote and highlighted.

The page is built here, on the server, from escaped text only: the article's metadata on top, its
paragraphs as paragraphs, its Markdown headings as headings (their text escaped), and every quote
of the same answer in that article inside ``<mark>``. The quote that was clicked is the one mark
with ``id="fn-reader-quote"``; ui/assets.py READER_JS scrolls it into view. Nothing in an article
is ever read as markup, so nothing in it runs.

Citations index into ``Article.content`` (the file as read, front matter included); the reader
shows the body after the front matter. A citation whose span no longer holds its quote (the
article changed since the answer) is looked for again by its text, and said to be missing if gone.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from footnote.types import Article, Citation
from ui.render import esc

QUOTE_ID = "fn-reader-quote"
EMPTY_READER = '<div class="fn-reader fn-empty">Click a quote in the sources to read it in its article.</div>'
_HEADING = re.compile(r"[ \t]{0,3}(#{1,6})[ \t]+")
_LINE = re.compile(r"[^\n]*\n?")


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    n: int
    primary: bool


def locate(content: str, c: Citation) -> tuple[int, int] | None:
    """Where citation ``c`` is in ``content`` now: its own span, else the first place its quote is."""
    if 0 <= c.start < c.end <= len(content) and content[c.start : c.end] == c.quote:
        return c.start, c.end
    at = content.find(c.quote) if c.quote else -1
    return (at, at + len(c.quote)) if at >= 0 else None


def reader_html(article: Article, citations: list[Citation], n: int) -> str:
    """Article ``article`` with citation ``n`` marked and scrolled to, and the answer's others in it marked too.

    ``citations``: every citation of the answer (those of other articles are left out here).
    """
    chosen = next((c for c in citations if c.n == n), None)
    content = article.content
    marks, missing = [], []
    for c in citations:
        if c.article_id != article.id:
            continue
        span = locate(content, c)
        if span is None:
            missing.append(c.n)
        else:
            marks.append(Mark(max(span[0], article.body_start), span[1], c.n, c.n == n))
    marks = [m for m in marks if m.end > m.start]
    primary = next((m for m in marks if m.primary), None)
    head = _metadata(article)
    where = ""
    if chosen is not None:
        place = ", ".join(
            x for x in (f"section “{esc(chosen.section)}”" if chosen.section else "", _paragraph(chosen)) if x
        )
        where = f"Quote [{n}]" + (f", in {place}" if place else "")
        if primary is None:
            where += ": <strong>no longer in the article as quoted</strong> (it has changed since)"
        others = [m.n for m in marks if not m.primary]
        if others:
            where += ". Also marked: " + ", ".join(f"[{x}]" for x in others)
        where = f'<p class="fn-note fn-reader-where">{where}.</p>'
    if missing and (chosen is None or missing != [n]):
        gone = ", ".join(f"[{x}]" for x in missing)
        where += f'<p class="fn-note">Not found in the article as it is now: {gone}.</p>'
    return (
        f'<article class="fn-reader" data-article="{esc(article.id)}">{head}{where}'
        f'<div class="fn-reader-text">{body_html(content, article.body_start, marks)}</div></article>'
    )


def _paragraph(c: Citation) -> str:
    return f"paragraph {c.paragraph}" if c.paragraph else ""


def _metadata(article: Article) -> str:
    meta = article.meta
    rows = [
        ("Author", meta.author or "not given"),
        ("Publisher", meta.publisher),
        ("Date", meta.published or "not given"),
        ("URL", meta.url),  # as text: a link from an article could point anywhere
        ("Article", article.id),
    ]
    cells = "".join(f"<dt>{name}</dt><dd>{esc(value)}</dd>" for name, value in rows if value)
    return (
        f'<header class="fn-reader-head"><h2 class="fn-reader-title">{esc(article.title)}</h2>'
        f'<dl class="fn-facts">{cells}</dl></header>'
    )


def body_html(content: str, body_start: int, marks: list[Mark]) -> str:
    """The article's body, line by line: a Markdown heading as a heading, any other line as a paragraph."""
    out = []
    pos = body_start
    placed: set[str] = set()  # the clicked quote's id, once given
    for line in _LINE.finditer(content, body_start):
        raw = line.group()
        if not raw:
            break
        start = pos
        pos += len(raw)
        end = start + len(raw.rstrip("\r\n"))
        if not content[start:end].strip():
            continue
        heading = _HEADING.match(content, start, end)
        if heading:
            level = min(len(heading.group(1)) + 2, 6)  # the article's title is the reader's h2
            text = _marked(content, heading.end(), end, marks, placed)
            out.append(f'<h{level} class="fn-reader-heading">{text}</h{level}>')
        else:
            current = any(m.primary and m.start < end and m.end > start for m in marks)
            cls = ' class="fn-reader-current"' if current else ""
            out.append(f"<p{cls}>{_marked(content, start, end, marks, placed)}</p>")
    return "".join(out)


def _marked(content: str, start: int, end: int, marks: list[Mark], placed: set[str]) -> str:
    """``content[start:end]`` escaped, the parts inside a mark wrapped in ``<mark>``.

    A mark crossing a line is cut there; the clicked quote's id goes on its first piece only.
    """
    inside = [m for m in marks if m.start < end and m.end > start]
    if not inside:
        return esc(content[start:end])
    cuts = sorted({start, end, *(max(m.start, start) for m in inside), *(min(m.end, end) for m in inside)})
    out = []
    for a, b in itertools.pairwise(cuts):
        text = esc(content[a:b])
        over = [m for m in inside if m.start <= a and m.end >= b]
        if not over:
            out.append(text)
            continue
        primary = next((m for m in over if m.primary), None)
        numbers = " ".join(f"[{m.n}]" for m in over)
        if primary is not None:
            ident = "" if QUOTE_ID in placed else f' id="{QUOTE_ID}"'
            placed.add(QUOTE_ID)
            out.append(f'<mark class="fn-mark fn-primary"{ident} data-n="{primary.n}" title="{numbers}">{text}</mark>')
        else:
            out.append(f'<mark class="fn-mark" data-n="{over[0].n}" title="{numbers}">{text}</mark>')
    return "".join(out)
