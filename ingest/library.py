"""The corpus folder and its index together: what the CLI and the app call to grow the corpus.

``corpus/`` is the source of truth. Every change writes the folder first (atomically) and then
the index; if indexing fails the folder is put back, and ``sync`` repairs anything a crash left.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from footnote.settings import Settings
from footnote.types import Article, ArticleMeta, iso_date, tag_key
from ingest.errors import IngestError, NameTaken
from ingest.frontmatter import clean_tags, render_article, with_tags
from ingest.index import Index, Progress, SyncReport
from ingest.load import Draft, corpus_files, load_article, parse_article, read_document


@dataclass(frozen=True)
class ArticleInfo:
    id: str
    title: str
    author: str
    published: str
    publisher: str
    url: str
    passages: int
    added: float  # file modification time
    tags: tuple[str, ...] = ()


class Library:
    def __init__(self, settings: Settings, index: Index, corpus_dir: Path | None = None):
        self.settings = settings
        self.index = index
        self.corpus_dir = Path(corpus_dir or settings.corpus_dir)
        self.corpus_dir.mkdir(parents=True, exist_ok=True)
        # absolute, so an article's path (resolved against escapes, ``_path_of``) is always inside it
        self.corpus_dir = self.corpus_dir.resolve()
        self._adding = threading.Lock()

    def sync(self, progress: Progress | None = None, show_bar: bool = False) -> SyncReport:
        return self.index.sync(self.corpus_dir, progress, show_bar)

    def articles(self) -> list[ArticleInfo]:
        indexed = self.index.indexed_articles()
        out = []
        for aid, state in sorted(indexed.items()):
            path = self.corpus_dir / aid
            meta = state.meta
            out.append(
                ArticleInfo(
                    id=aid,
                    title=meta.get("title") or aid,
                    author=meta.get("author", ""),
                    published=meta.get("published", ""),
                    publisher=meta.get("publisher", ""),
                    url=meta.get("url", ""),
                    passages=state.passages,
                    added=path.stat().st_mtime if path.exists() else 0.0,
                    tags=tuple(meta.get("tags", ())),
                )
            )
        return out

    def tags(self) -> dict[str, int]:
        """Every tag of the indexed articles with how many carry it, by name (case-insensitive:
        the spelling of the first article, in id order, names the tag)."""
        names: dict[str, str] = {}
        counts: dict[str, int] = {}
        for info in self.articles():
            for tag in info.tags:
                key = tag_key(tag)
                names.setdefault(key, tag)
                counts[key] = counts.get(key, 0) + 1
        return {names[key]: counts[key] for key in sorted(counts)}

    def set_tags(self, article_id: str, tags: list[str], progress: Progress | None = None) -> Article:
        """Write these tags into the article's front matter and re-index it; on failure nothing changes.

        Only the front matter's ``tags`` changes (ingest.frontmatter.with_tags); the body keeps every byte.
        """
        path = self._path_of(article_id)
        if article_id.lower().endswith(".txt"):
            raise IngestError(article_id, "a plain-text article has no front matter to hold tags; add it as Markdown")
        current = self.article(article_id)
        wanted = clean_tags(tags, article_id)
        if wanted == current.meta.tags:
            return current
        article = parse_article(article_id, with_tags(current.content, article_id, wanted))
        self._write_and_index(path, article, progress)
        return article

    def article(self, article_id: str) -> Article:
        path = self._path_of(article_id)
        return load_article(path, self.corpus_dir, self.settings.max_file_bytes)

    def resolve(self, ref: str) -> str:
        """An article id from its id, file name or file stem, as a user would type it."""
        ids = [PurePosixPath(p.relative_to(self.corpus_dir)).as_posix() for p in corpus_files(self.corpus_dir)]
        for aid in ids:
            if ref in (aid, PurePosixPath(aid).name, PurePosixPath(aid).stem):
                return aid
        raise IngestError(ref, "no such article in the corpus")

    def draft_from_file(self, name: str, data: bytes) -> Draft:
        return read_document(name, data, self.settings.max_file_bytes)

    def add(
        self,
        draft: Draft,
        name: str | None = None,
        overrides: dict[str, str] | None = None,
        progress: Progress | None = None,
        tags: list[str] | None = None,
        replace: bool = False,
    ) -> Article:
        """Write a draft into the corpus as Markdown and index it; on any failure, nothing changes.

        ``tags`` are added to any the draft's front matter already has. A file name an article
        already has is refused unless ``replace``: writing it would overwrite that article, which
        the user must have agreed to (the app asks; ``footnote add --replace``)."""
        meta = draft.meta.model_copy(update={k: v for k, v in (overrides or {}).items() if v})
        if tags:
            meta.tags = clean_tags([*meta.tags, *clean_tags(tags, name or draft.stem)], name or draft.stem)
        if not meta.title:
            meta.title, meta.title_derived = derive_title(draft.body, draft.stem), True
        elif overrides and overrides.get("title"):
            meta.title_derived = False
        file_name = safe_file_name(name) if name else slugify(draft.stem or meta.title) + ".md"
        try:  # written into the front matter as ISO text, as it is read back ("7 Nov 2024": 2024-11-07)
            meta.published = iso_date(meta.published)
        except ValueError as exc:
            raise IngestError(file_name, str(exc)) from None
        article = parse_article(file_name, render_article(meta, draft.body.strip("\n")))
        target = self.corpus_dir / file_name
        with self._adding:  # two adds of one new name at once (two app sessions): the second is refused
            if target.exists() and not replace:
                raise NameTaken(file_name, f"the corpus already has an article by this name ({self._title_of(target)})")
            duplicate = self.find_duplicate(article)
            if duplicate:
                raise IngestError(file_name, f"same text as the article already in the corpus: {duplicate}")
            self._write_and_index(target, article, progress)
        return article

    def _title_of(self, path: Path) -> str:
        try:
            return f"“{load_article(path, self.corpus_dir, self.settings.max_file_bytes).title}”"
        except IngestError:
            return "a file that does not load"

    def _write_and_index(self, path: Path, article: Article, progress: Progress | None) -> None:
        """Write the article's file, then index it; if indexing fails, put the file back as it was."""
        previous = path.read_bytes() if path.exists() else None
        write_atomic(path, article.content)
        try:
            self.index.index_article(article, progress)
        except BaseException:
            if previous is None:
                path.unlink(missing_ok=True)
            else:
                write_atomic(path, previous)  # the very bytes it had
            raise

    def remove(self, article_id: str) -> None:
        path = self._path_of(article_id)
        self.index.remove_article(article_id)
        path.unlink()

    def find_duplicate(self, article: Article) -> str | None:
        fingerprint = article.fingerprint
        for path in corpus_files(self.corpus_dir):
            other_id = PurePosixPath(path.relative_to(self.corpus_dir)).as_posix()
            if other_id == article.id:
                continue
            try:
                other = load_article(path, self.corpus_dir, self.settings.max_file_bytes)
            except IngestError:
                continue
            if other.fingerprint == fingerprint:
                return other_id
        return None

    def _path_of(self, article_id: str) -> Path:
        path = (self.corpus_dir / safe_file_name(article_id, keep_dirs=True)).resolve()
        if not path.is_file():
            raise IngestError(article_id, "no such article in the corpus")
        return path


def derive_title(body: str, stem: str) -> str:
    """A short descriptive title from the text's first heading or words; marked as derived."""
    for line in body.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            words = line.split()
            return " ".join(words[:12]) + ("…" if len(words) > 12 else "")
    return stem.replace("-", " ").replace("_", " ").strip() or "Untitled"


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].strip("-") or "article"


def safe_file_name(name: str, keep_dirs: bool = False) -> str:
    """Refuse names that would write outside the corpus folder instead of quietly fixing them."""
    if "\x00" in name:
        raise IngestError(repr(name), "file name contains a NUL byte")
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise IngestError(name, "absolute paths are not allowed; give a file name")
    parts = re.split(r"[\\/]", name)
    if any(part in ("..", ".") for part in parts) or (not keep_dirs and len(parts) > 1):
        raise IngestError(name, "file name tries to leave the corpus folder")
    if not name.strip() or any(part.startswith(".") for part in parts):
        raise IngestError(name, "file name is empty or hidden")
    if not name.lower().endswith((".md", ".markdown", ".txt")):
        name = slugify(PurePosixPath(name).stem) + ".md"
    return name


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write a temporary file beside the target, fsync it, then rename over: never a half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


__all__ = ["ArticleInfo", "ArticleMeta", "Library", "derive_title", "safe_file_name", "slugify", "write_atomic"]
