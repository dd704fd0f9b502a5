"""The things that flow through Footnote, from a file on disk to a cited answer.

Every span is a pair of character offsets into ``Article.content``: the article file exactly as
read from disk. One coordinate system end to end is what lets any quote be checked by slicing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator


class ArticleMeta(BaseModel):
    """Bibliographic front matter. Empty means unknown: nothing here is ever guessed."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    title: str = ""
    title_derived: bool = False
    author: str = ""
    published: str = ""
    publisher: str = ""
    url: str = ""

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
        """YAML turns 2024-11-07 into a date; keep it as ISO text, refuse other types."""
        if value is None:
            return ""
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if not isinstance(value, str):
            raise ValueError(f"expected a date, got {type(value).__name__}")
        return value

    def front_matter(self) -> dict[str, Any]:
        """Fields in a stable, readable order for writing back to a file."""
        data = self.model_dump()
        if not data.get("title_derived"):
            data.pop("title_derived", None)
        return data


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

    @property
    def id(self) -> str:
        return f"{self.article_id}#{self.index}"
