"""Read files into Articles (corpus files) or Drafts (anything a user adds).

Corpus files are Markdown or plain text and are read as they are on disk, because every offset
the index stores points into that exact text. Other formats (HTML, PDF, DOCX) are converted into
a Draft first; ``ingest add`` writes the Draft into the corpus as Markdown.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from footnote.types import Article, ArticleMeta
from ingest.decode import decode_text
from ingest.errors import IngestError
from ingest.frontmatter import split_front_matter
from ingest.segment import heading_span

CORPUS_SUFFIXES = (".md", ".markdown", ".txt")
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
    if suffix == ".pdf":
        draft = _read_pdf(name, data)
    elif suffix == ".docx":
        draft = _read_docx(name, data)
    else:
        text = decode_text(data, name, max_bytes)
        if suffix in (".html", ".htm"):
            draft = html_to_draft(text, name)
        elif suffix == ".txt":
            draft = Draft(body=plain_text_to_markdown(text), meta=ArticleMeta(), stem=stem)
        else:
            meta, start = split_front_matter(text, name)
            draft = Draft(body=text[start:].lstrip("\n"), meta=meta, stem=stem)
    draft.stem = draft.stem or stem
    if not draft.body.strip():
        raise IngestError(name, "no article text found in the file")
    return draft


def plain_text_to_markdown(text: str) -> str:
    """Mark plain-text heading lines as Markdown headings; every other character is kept."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        starts_block = i == 0 or _ends_block(lines[i - 1])
        if line.strip() and i + 1 < len(lines) and heading_span(line.strip(), 0, False, starts_block):
            out.append("## " + line.strip())
        else:
            out.append(line)
    return "\n".join(out)


def _ends_block(previous: str) -> bool:
    return not previous.strip() or bool(re.search(r"""[.!?…:;)\]"”'’]$""", previous.rstrip()))


def html_to_draft(html: str, name: str) -> Draft:
    """Boil a web page down to its article text: scripts, styles, frames and handlers never survive."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True, favor_recall=True
    )
    text = ""
    meta = ArticleMeta()
    if doc is not None:
        text = doc.text or ""
        meta = ArticleMeta(
            title=doc.title or "",
            author=doc.author or "",
            published=doc.date or "",
            publisher=doc.sitename or "",
            url=doc.url or "",
        )
    if not text.strip():
        text = _html_visible_text(html)
        if not meta.title:
            meta.title = _html_title(html)
    if not text.strip():
        raise IngestError(name, "no article text found in the HTML")
    return Draft(body=_paragraphs_blank_separated(text), meta=meta, stem=PurePosixPath(name).stem)


def _html_visible_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "iframe", "noscript", "template", "object", "embed", "svg"]):
        tag.decompose()
    return soup.get_text("\n")


def _html_title(html: str) -> str:
    from bs4 import BeautifulSoup

    title = BeautifulSoup(html, "html.parser").title
    return title.get_text(" ", strip=True) if title else ""


def _paragraphs_blank_separated(text: str) -> str:
    paragraphs = [" ".join(line.split()) for line in text.split("\n")]
    return "\n\n".join(p for p in paragraphs if p)


def _read_pdf(name: str, data: bytes) -> Draft:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata or {}
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise IngestError(name, f"not a readable PDF ({exc})") from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text.strip():
        raise IngestError(name, "PDF has no text layer (scanned images only?); run OCR first")
    meta = ArticleMeta(title=str(info.get("/Title") or ""), author=str(info.get("/Author") or ""))
    return Draft(body=text, meta=meta, stem=PurePosixPath(name).stem)


def _read_docx(name: str, data: bytes) -> Draft:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several unrelated types for a bad archive
        raise IngestError(name, f"not a readable DOCX file ({type(exc).__name__})") from None
    parts = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name or "").lower() if para.style is not None else ""
        parts.append(f"## {text}" if style.startswith("heading") else text)
    props = document.core_properties
    meta = ArticleMeta(
        title=props.title or "",
        author=props.author or "",
        published=props.created.date().isoformat() if props.created else "",
    )
    return Draft(body="\n\n".join(parts), meta=meta, stem=PurePosixPath(name).stem)
