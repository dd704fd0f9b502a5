"""Read files into Articles (corpus files) or Drafts (anything a user adds).

Corpus files are Markdown or plain text and are read as they are on disk, because every offset
the index stores points into that exact text. Other formats (HTML, PDF, DOCX) are converted into
a Draft first, each by its own module in ``ingest/formats/``; ``ingest add`` writes the Draft into
the corpus as Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from footnote.types import Article, ArticleMeta
from ingest.decode import decode_text
from ingest.errors import IngestError
from ingest.frontmatter import split_front_matter

CORPUS_SUFFIXES = (".md", ".markdown", ".txt")
# A saved web page under a text file's name: its markup and scripts would be read, and quoted, as text.
_HTML_PAGE = re.compile(r"\A\s*(?:<!--(?:[^-]|-(?!->))*-->\s*)*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE)
ADD_SUFFIXES = (*CORPUS_SUFFIXES, ".html", ".htm", ".pdf", ".docx")


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Article files of a corpus folder, in a stable order; hidden and temporary files skipped."""
    if not corpus_dir.is_dir():
        raise IngestError(corpus_dir, "corpus folder does not exist")
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file()
        and p.suffix.lower() in CORPUS_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
        and p.name.lower() != "readme.md"
    )


def article_id(path: Path, corpus_dir: Path) -> str:
    return PurePosixPath(path.relative_to(corpus_dir)).as_posix()


def load_article(path: Path, corpus_dir: Path, max_bytes: int) -> Article:
    aid = article_id(path, corpus_dir)
    content = decode_text(path.read_bytes(), aid, max_bytes)
    return parse_article(aid, content)


def parse_article(aid: str, content: str) -> Article:
    if _HTML_PAGE.match(content):
        raise IngestError(aid, "this is a web page (HTML), not Markdown or text: `footnote add` converts it")
    if aid.lower().endswith(".txt"):
        meta, body_start = ArticleMeta(), 0
    else:
        meta, body_start = split_front_matter(content, aid)
    if not content[body_start:].strip():
        raise IngestError(aid, "article has front matter but no text")
    return Article(id=aid, content=content, body_start=body_start, meta=meta)


@dataclass
class Draft:
    """An article on its way into the corpus: body text plus proposed, editable metadata."""

    body: str
    meta: ArticleMeta
    stem: str  # suggested file name without extension


def read_document(name: str, data: bytes, max_bytes: int) -> Draft:
    """Convert an uploaded or local file into a Draft, proposing metadata the file itself holds."""
    suffix = PurePosixPath(name).suffix.lower()
    stem = PurePosixPath(name).stem
    if suffix not in ADD_SUFFIXES:
        raise IngestError(name, f"unsupported file type {suffix or '(none)'}; use one of {', '.join(ADD_SUFFIXES)}")
    if len(data) > max_bytes:
        raise IngestError(name, f"file is {len(data):,} bytes, over the limit of {max_bytes:,} bytes")
    # each format's converter is imported only when a file of that format comes in
    if suffix == ".pdf":
        from ingest.formats.pdf import read_pdf

        draft = read_pdf(name, data)
    elif suffix == ".docx":
        from ingest.formats.word import read_docx

        draft = read_docx(name, data)
    else:
        text = decode_text(data, name, max_bytes)
        if suffix in (".html", ".htm") or _HTML_PAGE.match(text):  # a saved page, whatever its name
            from ingest.formats.web import html_to_draft

            draft = html_to_draft(text, name)
        elif suffix == ".txt":
            from ingest.formats.plain import plain_text_to_markdown

            draft = Draft(body=plain_text_to_markdown(text), meta=ArticleMeta(), stem=stem)
        else:
            meta, start = split_front_matter(text, name)
            draft = Draft(body=text[start:].lstrip("\n"), meta=meta, stem=stem)
    draft.stem = draft.stem or stem
    if not draft.body.strip():
        raise IngestError(name, "no article text found in the file")
    return draft
