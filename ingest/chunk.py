"""Passages: runs of whole sentences that never cross a heading, cut near a target size.

A passage ends where the author ended a paragraph once it holds half the target, and never grows
past the target unless one sentence is longer. Its section is the path of headings above it
("Article › Section"), which the lexical index reads too. A heading also opens the passage that
follows it, as one more span: a news article states its point in its headline and first
paragraph, so the headline must be searchable, embeddable and quotable like any sentence, and
the first passage reads as the article's own summary (docs/retrieval.md, "headline and lede").
The size was chosen by measurement (docs/retrieval.md). A passage is always an exact slice of
the article, so its text can be shown, highlighted and quoted without any bookkeeping beyond two
offsets.
"""

from __future__ import annotations

from footnote.types import Article, Passage, Span
from ingest.segment import segment

SECTION_SEPARATOR = " › "  # a passage's section is its heading path: "Part › Chapter"
# Bump when the same text would be cut into different passages, so stored indexes can tell.
CHUNKING_VERSION = 3


def chunking_key(target_chars: int) -> str:
    """What an index must record to know its passages match the current chunker and settings."""
    return f"v{CHUNKING_VERSION}:{target_chars}"


def is_markdown(article_id: str) -> bool:
    return article_id.lower().endswith((".md", ".markdown"))


def chunk_article(article: Article, target_chars: int) -> list[Passage]:
    blocks = segment(article.content, article.body_start, is_markdown(article.id))
    passages: list[Passage] = []
    section = ""
    path: list[tuple[int, str]] = []  # enclosing headings, outermost first: (level, text)
    paragraph_no = 0
    current: list[Span] = []
    current_paragraph = 0

    def flush() -> None:
        if current:
            a, z = current[0].start, current[-1].end
            passages.append(
                Passage(
                    article_id=article.id,
                    index=len(passages),
                    start=a,
                    end=z,
                    text=article.content[a:z],
                    section=section,
                    paragraph=current_paragraph,
                    sentences=tuple(current),
                )
            )
            current.clear()

    headings: list[Span] = []  # headings waiting to open the next passage
    opening: set[Span] = set()

    for block in blocks:
        if block.kind == "heading":
            flush()
            while path and path[-1][0] >= block.level:
                path.pop()
            path.append((block.level, article.content[block.start : block.end]))
            section = SECTION_SEPARATOR.join(text for _, text in path)
            headings.append(Span(block.start, block.end))
            continue
        paragraph_no += 1
        if current and _length(current) >= target_chars // 2:
            flush()  # prefer to end a passage where the author ended a paragraph
        if headings:
            current_paragraph = paragraph_no
            current.extend(headings)
            opening = set(headings)  # a heading stays with the text it opens, however long
            headings.clear()
        for sentence in block.sentences:
            if current and current[-1] not in opening and sentence.end - current[0].start > target_chars:
                flush()
            if not current:
                current_paragraph = paragraph_no
            current.append(sentence)
    flush()
    if headings:  # headings with no text after them (an outline's last entries) are text too
        current_paragraph = paragraph_no
        current.extend(headings)
        flush()
    return passages


def paragraph_at(article_id: str, text: str, start: int, section: str, first: int, offset: int) -> int:
    """The article's paragraph number at ``offset`` of a passage (``text``, from ``start``), whose
    first paragraph is ``first``: a passage holds several paragraphs, and the index keeps only its
    first one's number, so a citation or a checked quote counts the rest. The passage is cut into
    blocks as its article was (ingest/segment.py); its opening headings, which it holds without
    their "#" (or "=") but perhaps with closing markup ("Title #"), count for nothing, as here."""
    if not first:
        return 0  # unknown
    headings = {h.strip() for h in section.split(SECTION_SEPARATOR)}
    counted = [
        b
        for b in segment(text, 0, is_markdown(article_id), sentences=False)
        if b.kind == "paragraph"
        and b.start <= offset - start
        and text[b.start : b.end].strip().rstrip("#= \t") not in headings
    ]
    return first + max(len(counted) - 1, 0)


def _length(spans: list[Span]) -> int:
    return spans[-1].end - spans[0].start
