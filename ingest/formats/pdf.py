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
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text.strip():
        raise IngestError(name, "PDF has no text layer (scanned images only?); run OCR first")
    meta = ArticleMeta(title=str(info.get("/Title") or ""), author=str(info.get("/Author") or ""))
    return Draft(body=text, meta=meta, stem=PurePosixPath(name).stem)
