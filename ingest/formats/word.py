"""Word documents (DOCX): paragraphs, headings as Markdown headings, and the core properties."""

from __future__ import annotations

import io
from pathlib import PurePosixPath

from footnote.types import ArticleMeta
from ingest.errors import IngestError
from ingest.load import Draft


def read_docx(name: str, data: bytes) -> Draft:
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
