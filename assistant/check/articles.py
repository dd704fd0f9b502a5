"""The articles the checker reads: their exact text, the indexed region, and their places.

A match must be a span of the article's text exactly as citations index into it (footnote.types:
one coordinate system end to end), so the text is the article file as the index read it, checked
by content hash; only when that file is gone or changed is the text rebuilt from the passages.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

from footnote.types import content_hash
from ingest.chunk import paragraph_at


@dataclass(frozen=True)
class ArticleText:
    """One article as the checker reads it: its text, where the indexed body is, and its places."""

    article_id: str
    version: str  # content hash (prefix), so an edited article is a new version
    content: str
    region: tuple[int, int]  # from the first passage's start to the last passage's end
    meta: dict
    passages: tuple[tuple[int, int, str, int], ...] = ()  # (start, end, section, paragraph), in order

    def place(self, pos: int) -> tuple[str, int]:
        """Section and paragraph at ``pos``: the passage's section, and the paragraph ``pos`` is in
        (counted as a citation counts it, ``ingest.chunk.paragraph_at``)."""
        if not self.passages:
            return "", 0
        i = max(0, bisect.bisect_right([p[0] for p in self.passages], pos) - 1)
        start, end, section, first = self.passages[i]
        return section, paragraph_at(self.article_id, self.content[start:end], start, section, first, pos)

    def passage_bounds(self, start: int, end: int) -> tuple[int, int]:
        """The passages around a span, whole."""
        if not self.passages:
            return start, end
        starts = [p[0] for p in self.passages]
        i = max(0, bisect.bisect_right(starts, start) - 1)
        j = max(i, bisect.bisect_right(starts, max(start, end - 1)) - 1)
        return min(start, self.passages[i][0]), max(end, self.passages[j][1])


def article_text(article, passages=()) -> ArticleText:
    """An ArticleText from an ingest Article (footnote.types) and, optionally, its passages."""
    passages = sorted(passages, key=lambda p: p.start)
    region = (
        (passages[0].start, max(p.end for p in passages)) if passages else (article.body_start, len(article.content))
    )
    places = tuple((p.start, p.end, p.section, p.paragraph) for p in passages)
    meta = {"title": article.title, **article.meta.model_dump(include={"author", "published", "publisher", "url"})}
    return ArticleText(article.id, article.content_hash[:12], article.content, region, meta, places)


def articles_from_snapshot(snapshot, corpus_dir: Path | None, max_bytes: int, known: dict | None = None):
    """The articles of an ingest.search_index snapshot, with their full text.

    The text is the article file, exactly as the index read it (the same content hash), so spans
    agree with citations; when the file is missing or has changed since it was indexed, the text is
    rebuilt from the passages (gaps between them become newlines): the indexed text, still verbatim
    wherever a passage was.
    ``known``: (article id, version) → ArticleText already read.
    """
    grouped: dict[tuple[str, str], list] = {}
    for pid, stored in zip(snapshot.ids, snapshot.stored, strict=True):
        aid = stored.passage.article_id
        grouped.setdefault((aid, pid[len(aid) + 1 :].split("#", 1)[0]), []).append(stored)
    best: dict[str, tuple[str, list]] = {}  # one version per article (two only after a crash mid-write)
    for (aid, version), stored in grouped.items():
        if aid not in best or len(stored) > len(best[aid][1]):
            best[aid] = (version, stored)
    out = []
    for aid, (version, stored) in best.items():
        if known and (aid, version) in known:
            out.append(known[(aid, version)])
            continue
        passages = sorted((s.passage for s in stored), key=lambda p: p.start)
        places = tuple((p.start, p.end, p.section, p.paragraph) for p in passages)
        region = (passages[0].start, max(p.end for p in passages))
        content = _indexed_text(Path(corpus_dir), aid, version, max_bytes) if corpus_dir is not None else None
        if content is None:
            chars = ["\n"] * region[1]
            for p in passages:
                chars[p.start : p.end] = p.text
            content = "".join(chars)
        out.append(ArticleText(aid, version, content, region, dict(stored[0].meta), places))
    return out


def _indexed_text(corpus_dir: Path, aid: str, version: str, max_bytes: int) -> str | None:
    """The article file's text if it is the version the index holds (same content hash), else None.
    Plain UTF-8 is tried first (fast); anything else is decoded as ingest.load reads it."""
    from ingest.errors import IngestError
    from ingest.load import load_article

    path = corpus_dir / aid
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        if content_hash(text).startswith(version):
            return text
    except UnicodeDecodeError:
        pass
    try:
        text = load_article(path, corpus_dir, max_bytes).content
    except (IngestError, OSError):
        return None
    return text if content_hash(text).startswith(version) else None
