"""The things that flow through Footnote, from a file on disk to a cited answer:
Article → Passage → (retrieved) Source → Citation → Answer.

Every span is a pair of character offsets into ``Article.content``: the article file exactly as
read from disk. One coordinate system end to end is what lets any quote be checked by slicing.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class ArticleMeta(BaseModel):
    """Bibliographic front matter. Empty means unknown: nothing here is ever guessed."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    title: str = ""
    title_derived: bool = False
    author: str = ""
    published: str = ""
    publisher: str = ""
    url: str = ""
    tags: list[str] = Field(default_factory=list)  # as written; compared case-insensitively
    # For an article converted from a PDF: where each page starts, in characters from the start of
    # the body (kept at ingest, so a citation can give its page).
    pages: list[int] = Field(default_factory=list)

    @field_validator("title", "author", "publisher", "url", mode="before")
    @classmethod
    def _text_or_empty(cls, value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return ", ".join(value)
        if not isinstance(value, str):
            raise ValueError(f"expected text, got {type(value).__name__}")
        return value

    @field_validator("published", mode="before")
    @classmethod
    def _date_text(cls, value: Any) -> Any:
        """ISO text (2024-11-07, or 2024-11 or 2024 when that is all that is known). YAML turns
        2024-11-07 into a date, and a date written out ("7 November 2024", "Nov 7, 2024") is
        read as one; anything else is refused, since filters and timelines sort by this text."""
        if value is None:
            return ""
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, int) and 1000 <= value <= 9999:  # `published: 2024`
            return str(value)
        if not isinstance(value, str):
            raise ValueError(f"expected a date, got {type(value).__name__}")
        return iso_date(value)

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> list[str]:
        return normalise_tags(value)

    def front_matter(self) -> dict[str, Any]:
        """Fields in a stable, readable order for writing back to a file (no ``tags`` when none)."""
        data = self.model_dump()
        if not data.get("title_derived"):
            data.pop("title_derived", None)
        if not data.get("tags"):
            data.pop("tags", None)
        if not data.get("pages"):
            data.pop("pages", None)
        return data


_ISO = re.compile(r"\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?")
_WRITTEN_DATES = (
    *("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y"),
    *("%B %Y", "%b %Y", "%Y/%m/%d"),
)


def iso_date(text: str) -> str:
    """A publication date as ISO text: as given when it is ISO already (a year, a month, a day, a
    time), from a date written out in English otherwise; "" for none. Raises ValueError."""
    text = " ".join(text.split())
    if not text:
        return text
    if _ISO.fullmatch(text):
        if _real_date(text[:10]):
            return text
        raise ValueError(f"“{text}” is not a date: no such day")
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.replace(".", ""))
    cleaned = re.sub(r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day,? ", "", cleaned, flags=re.IGNORECASE)
    cleaned = re.sub(r"\bSept\b", "Sep", cleaned, flags=re.IGNORECASE)
    for pattern in _WRITTEN_DATES:
        try:
            parsed = dt.datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
        return parsed.strftime("%Y-%m" if "%d" not in pattern else "%Y-%m-%d")
    raise ValueError(f"“{text}” is not a date: write it as 2024-11-07 (or 2024-11, or 2024)")


def _real_date(iso: str) -> bool:
    """Whether an ISO year, month or day (2024, 2024-11, 2024-11-07) exists."""
    try:
        dt.date.fromisoformat((iso + "-01-01")[:10] if len(iso) < 10 else iso)
    except ValueError:
        return False
    return True


MAX_TAG_CHARS = 100


def normalise_tags(value: Any) -> list[str]:
    """Tags from front matter or a user: a list of strings or one comma-separated string.

    Each is stripped with inner whitespace collapsed, empty ones dropped, and duplicates (compared
    case-insensitively) dropped; case is kept as first written. Anything else raises ValueError.
    """
    if value is None:
        return []
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, (list, tuple)):
        items = list(value)
        for item in items:
            if not isinstance(item, str):
                raise ValueError(f"each tag must be text, got {type(item).__name__} {item!r} (quote it)")
            if "," in item:
                raise ValueError(f"tag {item!r} contains a comma; give each tag as its own list item")
    else:
        raise ValueError(f"expected a list of tags or comma-separated text, got {type(value).__name__}")
    tags: list[str] = []
    seen: set[str] = set()
    for item in items:
        tag = " ".join(item.split())
        if not tag:
            continue
        if "|" in tag:
            raise ValueError(f"tag {tag!r} contains '|', which tags cannot hold")
        if len(tag) > MAX_TAG_CHARS:
            raise ValueError(f"tag {tag[:20]!r}… is over {MAX_TAG_CHARS} characters")
        if tag_key(tag) not in seen:
            seen.add(tag_key(tag))
            tags.append(tag)
    return tags


def tag_key(tag: str) -> str:
    """What two tags are compared by: case and spacing do not matter."""
    return " ".join(tag.split()).casefold()


@dataclass(frozen=True)
class Article:
    id: str  # file name relative to the corpus folder, with forward slashes
    content: str  # the whole file as read from disk
    body_start: int  # where the text after any front matter begins
    meta: ArticleMeta

    @property
    def body(self) -> str:
        return self.content[self.body_start :]

    @property
    def content_hash(self) -> str:
        return content_hash(self.content)

    @property
    def title(self) -> str:
        return self.meta.title or self.id

    @property
    def fingerprint(self) -> str:
        """The text with case and spacing ignored: two files with the same one are one article."""
        return " ".join(self.body.lower().split())

    def page_at(self, offset: int) -> int:
        """The PDF page holding ``content[offset]`` (1-based), or 0 when pages are unknown."""
        pages = self.meta.pages
        if not pages or offset < self.body_start or pages[-1] > len(self.body) or pages != sorted(pages):
            return 0  # no pages, or pages that no longer fit the text (edited by hand): say nothing
        return bisect.bisect_right(pages, offset - self.body_start)

    def page_breaks(self, start: int, end: int) -> list[tuple[int, int]]:
        """(offset, page) for each page that begins inside ``content[start:end]``, in order."""
        if not self.page_at(start):
            return []
        return [
            (self.body_start + at, n) for n, at in enumerate(self.meta.pages, 1) if start < self.body_start + at < end
        ]


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    """An exact slice of an article: ``article.content[start:end] == text``."""

    article_id: str
    index: int  # position of the passage in its article
    start: int
    end: int
    text: str
    section: str
    paragraph: int  # 1-based paragraph number of the passage's first sentence
    sentences: tuple[Span, ...] = field(default=())
    page: int = 0  # the PDF page it starts on (1-based); 0 when the article has no pages
    page_breaks: tuple[tuple[int, int], ...] = ()  # (offset, page) of pages beginning inside it

    @property
    def id(self) -> str:
        return f"{self.article_id}#{self.index}"


class RefusalReason(StrEnum):
    """Why an answer is a refusal, for front ends to show without parsing text."""

    NOTHING_FOUND = "nothing_found"  # no passage to read (empty corpus, filters exclude everything)
    NOT_ANSWERED = "not_answered"  # passages were read; none answers (the model's answerability is low)
    LLM_DECLINED = "llm_declined"  # the language model said the passages do not answer

    @property
    def message(self) -> str:
        return {
            RefusalReason.NOTHING_FOUND: "The corpus does not answer this question: no passage matches it.",
            RefusalReason.NOT_ANSWERED: "The corpus does not answer this question.",
            RefusalReason.LLM_DECLINED: "The corpus does not answer this question.",
        }[self]


class Placed(BaseModel):
    """Where a text sits: its article, that article's bibliographic data, and its section and
    paragraph. Shared by a retrieved passage and a citation of it."""

    article_id: str
    title: str
    author: str = ""
    published: str = ""
    publisher: str = ""
    url: str = ""
    section: str = ""
    paragraph: int = 0
    page: int = 0  # the PDF page the text starts on; 0 when not from a PDF

    def placement(self) -> dict:
        """These fields alone, to build a citation from a source."""
        return {name: getattr(self, name) for name in Placed.model_fields}


class Source(Placed):
    """A retrieved passage with everything needed to show it and cite it."""

    passage_id: str
    start: int
    end: int
    text: str
    score: float = 0.0  # retrieval's; under an extractive answer, plus rerank_weight x the model's best logit
    sentences: list[tuple[int, int]] = Field(default_factory=list)
    page_breaks: list[tuple[int, int]] = Field(default_factory=list)  # (offset, page) of pages starting inside

    def page_at(self, offset: int) -> int:
        """The PDF page of ``offset`` inside this passage (0 when not from a PDF)."""
        page = self.page
        for at, number in self.page_breaks:
            if at <= offset:
                page = number
        return page

    def byline(self) -> str:
        return ", ".join(x for x in (self.author, self.publisher, self.published) if x)


class Citation(Placed):
    """One numbered citation: a verbatim quote, its span in the article, and the passage around it."""

    n: int
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
    refusal_reason: RefusalReason | None = None  # set when abstained
    answerability: float | None = None  # the answer model's probability that the best quote answers
    citations: list[Citation] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)  # retrieved passages, best first
    search_query: str = ""  # what was retrieved with (differs from question for follow-ups)
    notice: str = ""  # e.g. the LLM failed and the extractive answer is shown instead
    written_by: str = "extractive"  # "llm" when a language model wrote the text (verified)
