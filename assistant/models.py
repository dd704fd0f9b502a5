"""What the assistant hands to its callers (CLI, app, evaluation): typed, serialisable, checkable."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Source(BaseModel):
    """A retrieved passage with everything needed to show it and cite it."""

    passage_id: str
    article_id: str
    title: str
    author: str = ""
    published: str = ""
    publisher: str = ""
    url: str = ""
    section: str = ""
    paragraph: int = 0
    start: int
    end: int
    text: str
    score: float = 0.0
    sentences: list[tuple[int, int]] = Field(default_factory=list)

    def byline(self) -> str:
        return ", ".join(x for x in (self.author, self.publisher, self.published) if x)


class Citation(BaseModel):
    """One numbered citation: a verbatim quote, its span in the article, and the passage around it."""

    n: int
    article_id: str
    title: str
    author: str = ""
    published: str = ""
    publisher: str = ""
    url: str = ""
    section: str = ""
    paragraph: int = 0
    quote: str
    start: int
    end: int
    passage_start: int
    passage_end: int
    passage_text: str

    def attribution(self) -> str:
        """Ready to paste: author, "title", publisher, date; only the parts that are known."""
        parts = [self.author, f"“{self.title}”", self.publisher, self.published]
        return ", ".join(p for p in parts if p and p != "“”")


class Answer(BaseModel):
    question: str
    text: str  # Markdown, with [n] markers that index into citations
    abstained: bool = False
    citations: list[Citation] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)  # retrieved passages, best first
    search_query: str = ""  # what was retrieved with (differs from question for follow-ups)
    notice: str = ""  # e.g. the LLM failed and the extractive answer is shown instead
    written_by: str = "extractive"  # "llm" when a language model wrote the text (verified)
