"""PDF files: the text layer, page by page, and the document's title and author."""

from __future__ import annotations

import io
from pathlib import PurePosixPath

from footnote.types import ArticleMeta
from ingest.errors import IngestError
from ingest.load import Draft


def read_pdf(name: str, data: bytes) -> Draft:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata or {}
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise IngestError(name, f"not a readable PDF ({exc})") from None
    text, starts = "", []
    for number, page in enumerate(pages, 1):
        if page.strip():
            text += "\n\n" if text else ""
            starts.append((number, len(text)))
            text += page.strip()
    if not text.strip():
        raise IngestError(name, "PDF has no text layer (scanned images only?); run OCR first")
    # where each page starts in the body: a page without text starts where the next page with text does
    offsets = []
    for number in range(1, len(pages) + 1):
        later = [at for n, at in starts if n >= number]
        offsets.append(later[0] if later else len(text))
    meta = ArticleMeta(
        title=str(info.get("/Title") or ""),
        author=str(info.get("/Author") or ""),
        pages=offsets if len(pages) > 1 else [],
    )
    return Draft(body=text, meta=meta, stem=PurePosixPath(name).stem)
