"""What every answerer shares: turning chosen spans into a cited answer, and saying plainly that
the corpus does not answer.

A quote is always ``article text[start:end]`` taken from the retrieved passage that holds it
(``cite``), so it is verbatim by construction; an answerer only decides which spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from assistant.retriever import Retrieval
from footnote.types import Answer, Citation, RefusalReason, Source
from ingest.chunk import paragraph_at

REFUSAL = RefusalReason.NOT_ANSWERED.message  # what a language model is told to reply when it cannot answer


class Quoted(Protocol):
    """A span chosen for quoting: a sentence of a retrieved passage, or neighbouring sentences of it."""

    source: Source
    start: int
    end: int
    text: str


def compose(
    question: str, retrieval: Retrieval, chosen: Sequence[Quoted], answerability: float | None = None
) -> Answer:
    """Quotes grouped by article (best article first), in reading order within each article."""
    groups: dict[str, list[Quoted]] = {}
    for sent in chosen:
        groups.setdefault(sent.source.article_id, []).append(sent)
    citations: list[Citation] = []
    lines: list[str] = []
    several = len(groups) > 1
    for sentences in groups.values():
        sentences.sort(key=lambda s: s.start)
        if several:
            lines.append(article_heading(sentences))
        for sent in sentences:
            n = len(citations) + 1
            citations.append(cite(n, sent.source, sent.start, sent.end))
            lines.append(f"{'- ' if several else ''}“{sent.text}” [{n}]")
        if several:
            lines.append("")
    return Answer(
        question=question,
        text="\n".join(lines).strip() if several else "\n\n".join(lines),
        citations=citations,
        sources=retrieval.sources,
        search_query=retrieval.query,
        answerability=answerability,
    )


def article_heading(sentences: Sequence[Quoted]) -> str:
    """Who says it, when, and where in the article: "**Title** (Author, date), in “Section”:"."""
    head = sentences[0].source
    byline = head.byline()
    sections = list(dict.fromkeys(s.source.section.split(" › ")[-1] for s in sentences if s.source.section))
    where = ", in " + " and ".join(f"“{x}”" for x in sections[:2]) if sections else ""
    return f"**{head.title}**" + (f" ({byline})" if byline else "") + where + ":"


def cite(n: int, source: Source, start: int, end: int) -> Citation:
    """Citation ``n`` of ``content[start:end]``, a span inside ``source``."""
    return Citation(
        n=n,
        **(source.placement() | {"page": source.page_at(start), "paragraph": paragraph_of(source, start)}),
        quote=source.text[start - source.start : end - source.start],
        start=start,
        end=end,
        passage_start=source.start,
        passage_end=source.end,
        passage_text=source.text,
    )


def paragraph_of(source: Source, offset: int) -> int:
    """The article's paragraph number at ``offset`` in the passage (``ingest.chunk.paragraph_at``)."""
    return paragraph_at(source.article_id, source.text, source.start, source.section, source.paragraph, offset)


def refusal(
    question: str,
    retrieval: Retrieval,
    reason: RefusalReason = RefusalReason.NOT_ANSWERED,
    best: float | None = None,
    notice: str = "",
) -> Answer:
    """The corpus does not answer: say so plainly, and show the closest passages as "not an answer".
    ``notice``: why, when there is more to say than ``reason`` ("No article mentions “mpox”.")."""
    closest = retrieval.sources[:3]
    lines = [reason.message]
    if closest:
        lines.append("\nClosest passages (not an answer):")
        for s in closest:
            snippet = " ".join(s.text.split())
            snippet = snippet if len(snippet) <= 160 else snippet[:157].rsplit(" ", 1)[0] + "…"
            lines.append(f"- *{s.title}*, {s.section or 'opening'}: {snippet}")
    return Answer(
        question=question,
        text="\n".join(lines),
        abstained=True,
        refusal_reason=reason,
        answerability=best,
        notice=notice,
        sources=retrieval.sources,
        search_query=retrieval.query,
    )
