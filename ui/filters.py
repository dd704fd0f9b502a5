"""What the pickers offer and keep: article, author and tag choices, the Corpus table's rows, and the
Ask tab's filters with the note that says what they restricted.

Tags are the readers' own text: they reach the page only as picker labels, table cells and
escaped Markdown (``md_text``), never as HTML.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from assistant.retriever import Filters
from footnote.types import tag_key
from ingest.library import ArticleInfo

# "Tags" is last so that the columns scripts read by position keep their places.
TABLE_HEADERS = ["Title", "Author", "Published", "Passages", "Added", "Article id", "Tags"]
TABLE_TYPES = ["str", "str", "str", "number", "str", "str", "str"]
TABLE_WIDTHS = ["30%", "13%", "9%", "7%", "12%", "16%", "13%"]
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class UserInputError(ValueError):
    """Input the app refuses with a message fit to show, e.g. a date filter that is not a date."""


def article_choices(articles: list[ArticleInfo]) -> tuple[list[tuple[str, str]], list[str]]:
    """Picker choices: (title — id, id) per article, and the known authors.

    Pickers also accept typed ids: API callers never receive the choice updates a page gets.
    """
    choices = [(f"{a.title} — {a.id}", a.id) for a in articles]
    return choices, sorted({a.author for a in articles if a.author})


def tag_counts(articles: list[ArticleInfo]) -> dict[str, int]:
    """``Library.tags()`` over articles already read: each tag, named as the first article (in id
    order) spells it, with how many articles carry it; ordered case-insensitively."""
    names: dict[str, str] = {}
    counts: dict[str, int] = {}
    for article in sorted(articles, key=lambda a: a.id):
        for tag in article.tags:
            names.setdefault(tag_key(tag), tag)
            counts[tag_key(tag)] = counts.get(tag_key(tag), 0) + 1
    return {names[key]: counts[key] for key in sorted(counts)}


def tag_choices(counts: dict[str, int]) -> list[tuple[str, str]]:
    """Tag picker choices, (``tag (n)``, tag), from ``tag_counts``: n articles carry the tag."""
    return [(f"{tag} ({n})", tag) for tag, n in counts.items()]


def kept_tags(chosen: list[str] | str | None, counts: dict[str, int]) -> list[str]:
    """The chosen tags that some article still carries, as the corpus now spells them.

    A tag no article carries any more leaves the selection, so it cannot silently empty the answers.
    """
    names = {tag_key(tag): tag for tag in counts}
    kept: list[str] = []
    for tag in [chosen] if isinstance(chosen, str) else chosen or []:
        name = names.get(tag_key(tag))
        if name is not None and name not in kept:
            kept.append(name)
    return kept


def chosen_tags(tags: list[str] | str | None) -> tuple[str, ...]:
    """A tag picker's value as tags: one tag given as text is one tag; blanks are dropped."""
    values = [tags] if isinstance(tags, str) else list(tags or [])
    return tuple(t.strip() for t in values if isinstance(t, str) and t.strip())


def table_rows(articles: list[ArticleInfo], query: str = "", tags: list[str] | str | None = None) -> list[list[Any]]:
    """The Corpus table: articles whose text fields hold every word of ``query`` and that carry any
    of ``tags`` (none: every article)."""
    words = (query or "").lower().split()
    wanted = {tag_key(t) for t in chosen_tags(tags)}
    rows = []
    for a in articles:
        if wanted and not wanted & {tag_key(t) for t in a.tags}:
            continue
        haystack = " ".join((a.title, a.author, a.publisher, a.published, a.id, *a.tags)).lower()
        if all(w in haystack for w in words):
            added = dt.datetime.fromtimestamp(a.added).strftime("%Y-%m-%d %H:%M") if a.added else ""
            rows.append([a.title, a.author, a.published, a.passages, added, a.id, ", ".join(a.tags)])
    return rows


def make_filters(
    article_ids: list[str] | None,
    author: str | None,
    date_from: str,
    date_to: str,
    tags: list[str] | str | None = None,
) -> Filters | None:
    dates = [(date_from or "").strip(), (date_to or "").strip()]
    for date in dates:
        if date and not ISO_DATE.match(date):
            raise UserInputError(f"“{date}” is not a date: write it as 2024, 2024-11 or 2024-11-07.")
    filters = Filters(tuple(article_ids or ()), (author or "").strip(), dates[0], dates[1], chosen_tags(tags))
    return filters if filters.active() else None


def refuse_unknown_tags(filters: Filters, articles: list[ArticleInfo]) -> None:
    """A tag no article carries is refused, naming the tags there are, rather than answered with nothing."""
    unknown = filters.unknown_tags({a.id: {"tags": a.tags} for a in articles})
    if not unknown:
        return
    known = list(tag_counts(articles))
    hint = "the tags in the corpus are " + ", ".join(f"“{t}”" for t in known) if known else "no article has tags"
    noun = "tag" if len(unknown) == 1 else "tags"
    raise UserInputError(f"No article carries the {noun} {_either(unknown, 'and')}: {hint}.")


def filters_note(filters: Filters | None) -> str:
    """What the answer was restricted to, shown under the chat (as escaped Markdown)."""
    if filters is None:
        return ""
    parts = []
    if filters.article_ids:
        parts.append(f"{len(filters.article_ids)} chosen article(s)")
    if filters.tags:
        parts.append(f"articles tagged {_either(filters.tags, 'or')}")
    if filters.author:
        parts.append(f"author “{filters.author}”")
    if filters.date_from and filters.date_to:
        parts.append(f"published {filters.date_from} to {filters.date_to}")
    elif filters.date_from or filters.date_to:
        parts.append(
            f"published from {filters.date_from}" if filters.date_from else f"published up to {filters.date_to}"
        )
    return "Searched only " + ", ".join(parts) + "."


def _either(tags: list[str] | tuple[str, ...], conjunction: str) -> str:
    quoted = [f"“{t}”" for t in tags]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" {conjunction} {quoted[-1]}"
