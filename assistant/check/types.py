"""What a quote check answers: the verdict, the places found, and how the quote differs at each.

These are the types the CLI, the web app and the MCP tool show or serialise, kept apart from the
machinery that finds them so front ends read one small module.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from assistant.check.verdict import MAX_MATCHES
from footnote.types import Citation, Placed


class Verdict(StrEnum):
    EXACT = "exact"
    CLOSE = "close"
    NOT_FOUND = "not_found"


class QuoteError(ValueError):
    """A quote that cannot be checked as given (empty, no words, too long), fit to show the user."""


class Difference(BaseModel):
    """One place where the quote and the article differ, word by word.

    ``kind``: ``changed`` (the quote has ``quote`` where the article has ``article``), ``added``
    (words only the quote has) or ``dropped`` (words of the article the quote leaves out).
    ``start``/``end`` locate the article's side (an empty span for ``added``).
    """

    kind: str
    quote: str
    article: str
    start: int
    end: int


class Match(Placed):
    """A place in an article: its span, its exact text, who said it, and how the quote differs."""

    start: int
    end: int
    text: str  # the article's text at the span, verbatim
    attribution: str = ""  # author, “title”, publisher, date (as Citation.attribution)
    differences: list[Difference] = Field(default_factory=list)
    part: int = 1  # which part of the quote (parts are joined by an ellipsis), from 1
    similarity: float = 0.0  # share of words in common (Dice), 1.0 for an exact match

    def citation(self, n: int = 1) -> Citation:
        """This match as a numbered citation, for front ends that show or copy citations."""
        return Citation(
            **self.placement(),
            n=n,
            quote=self.text,
            start=self.start,
            end=self.end,
            passage_start=self.start,
            passage_end=self.end,
            passage_text=self.text,
        )

    def public(self) -> dict:
        """The fields the CLI's --json prints."""
        return self.model_dump(include={"article_id", "start", "end", "text", "attribution", "differences", "part"})


class QuoteCheck(BaseModel):
    quote: str
    verdict: Verdict
    # exact: every place the quote is (best first); close: the best place, one match per part when
    # an ellipsis joins parts; not_found: the closest passages, which are not a match.
    matches: list[Match] = Field(default_factory=list)

    def summary(self) -> str:
        if self.verdict == Verdict.EXACT:
            n = len(self.matches)
            places = "1 place" if n == 1 else f"the first {n} places" if n == MAX_MATCHES else f"{n} places"
            return f"In the corpus as written: {places} below."
        if self.verdict == Verdict.CLOSE:
            n = sum(len(m.differences) for m in self.matches)
            differs = f"{n} difference{'s' * (n != 1)}"
            if len(self.matches) > 1:
                parts = f"{len(self.matches)} parts of one article joined by an ellipsis"
                return f"Nearly in the corpus: {parts}{', ' + differs if n else ''}. The article's text is below."
            return f"Nearly in the corpus: {differs}. The article's true text is below."
        return "Not in the corpus. The closest passages (not a match):"

    def public(self) -> dict:
        return {"verdict": self.verdict.value, "matches": [m.public() for m in self.matches]}
