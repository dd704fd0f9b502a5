"""YAML front matter: read it without moving the body, write it back in a stable order."""

from __future__ import annotations

import re

import yaml
from pydantic import ValidationError

from footnote.types import ArticleMeta, normalise_tags
from ingest.errors import IngestError

_FENCE = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)


def split_front_matter(text: str, source: str) -> tuple[ArticleMeta, int]:
    """Return the metadata and the offset where the body starts (0 when there is none)."""
    match = _FENCE.match(text)
    if not match:
        if text.startswith("---\n"):
            raise IngestError(source, "front matter starts with '---' but is never closed")
        return ArticleMeta(), 0
    try:
        data = yaml.safe_load(match.group(1) or "") or {}
    except yaml.YAMLError as exc:
        problem = str(exc).splitlines()[0]
        mark = _error_line(exc)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise IngestError(source, f"malformed YAML front matter{where}: {problem}") from None
    if not isinstance(data, dict):
        raise IngestError(source, "front matter must be a mapping of fields (key: value)")
    return parse_meta(data, source), match.end()


def _error_line(exc: yaml.YAMLError):
    """Where to send the reader: an unclosed quote or bracket is reported where it opened (YAML's
    context mark), not where the parser ran out of text lines later; anything else where the parser
    gave up. Marks count lines of the front matter, which starts on the file's second line."""
    context = getattr(exc, "context", None) or ""
    if getattr(exc, "context_mark", None) is not None and ("scanning" in context or "flow" in context):
        return exc.context_mark
    return getattr(exc, "problem_mark", None)


def parse_meta(data: dict, source: str) -> ArticleMeta:
    try:
        return ArticleMeta.model_validate({str(k): v for k, v in data.items()})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()
        )
        raise IngestError(source, f"front matter has wrong types: {problems}") from None


def clean_tags(tags: list[str] | tuple[str, ...] | str | None, source: str) -> list[str]:
    """Tags as a user gave them (each value may hold several, comma-separated), normalised
    (footnote.types.normalise_tags) or refused naming ``source``."""
    values = [tags] if isinstance(tags, str) else list(tags or [])
    try:
        return normalise_tags([tag for value in values for tag in normalise_tags(value)])
    except ValueError as exc:
        raise IngestError(source, f"bad tag: {exc}") from None


def render_article(meta: ArticleMeta, body: str) -> str:
    return f"---\n{_dump(meta.front_matter())}---\n\n{body}"


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def with_tags(text: str, source: str, tags: list[str]) -> str:
    """The file's text with its front matter's ``tags`` set (removed when empty), all else kept.

    Only the front matter is rewritten, from the fields as the file has them (same order, same
    values, unknown fields too); the body keeps every byte. A file without front matter gets one
    holding just the tags.
    """
    split_front_matter(text, source)  # refuses a file whose front matter is broken
    tags = clean_tags(tags, source)
    match = _FENCE.match(text)
    data = (yaml.safe_load(match.group(1) or "") or {}) if match else {}
    if tags:
        data["tags"] = tags
    else:
        data.pop("tags", None)
    if not match:
        return f"---\n{_dump(data)}---\n\n{text}" if data else text
    rest = text[match.end() :]
    if not data:
        return rest.removeprefix("\n")
    return f"---\n{_dump(data)}---\n{rest}"
