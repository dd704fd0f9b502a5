"""Plain text: heading lines become Markdown headings; every other character is kept."""

from __future__ import annotations

import re

from ingest.segment import heading_span


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
