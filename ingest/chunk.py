"""Passages: runs of whole sentences that never cross a heading, cut near a target size.

A passage is always an exact slice of the article, so its text can be shown, highlighted and
quoted without any bookkeeping beyond two offsets.
"""

from __future__ import annotations

from footnote.models import Article, Passage, Span
from ingest.segment import segment


def is_markdown(article_id: str) -> bool:
    return article_id.lower().endswith((".md", ".markdown"))


def chunk_article(article: Article, target_chars: int) -> list[Passage]:
    blocks = segment(article.content, article.body_start, is_markdown(article.id))
    passages: list[Passage] = []
    section = ""
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

    for block in blocks:
        if block.kind == "heading":
            flush()
            section = article.content[block.start : block.end]
            continue
        paragraph_no += 1
        if current and _length(current) >= target_chars // 2:
            flush()  # prefer to end a passage where the author ended a paragraph
        for sentence in block.sentences:
            if current and _length(current) + (sentence.end - sentence.start) > target_chars:
                flush()
            if not current:
                current_paragraph = paragraph_no
            current.append(sentence)
    flush()
    return passages


def _length(spans: list[Span]) -> int:
    return spans[-1].end - spans[0].start


