"""YAML front matter: read it without moving the body, write it back in a stable order."""

from __future__ import annotations

import re

import yaml
from pydantic import ValidationError

from footnote.types import ArticleMeta
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
        raise IngestError(source, f"malformed YAML front matter: {problem}") from None
    if not isinstance(data, dict):
        raise IngestError(source, "front matter must be a mapping of fields (key: value)")
    return parse_meta(data, source), match.end()


def parse_meta(data: dict, source: str) -> ArticleMeta:
    try:
        return ArticleMeta.model_validate({str(k): v for k, v in data.items()})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise IngestError(source, f"front matter has wrong types: {problems}") from None


def render_article(meta: ArticleMeta, body: str) -> str:
    header = yaml.safe_dump(meta.front_matter(), sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{header}---\n\n{body}"
