"""docs/benchmarks.md is written by several benchmarks; each owns one marked section of it."""

from __future__ import annotations

import re
from pathlib import Path

from tools.paths import REPO

BENCHMARKS = REPO / "docs" / "benchmarks.md"


def write_section(name: str, markdown: str, path: Path = BENCHMARKS) -> None:
    """Replace the section between <!-- name:start --> and <!-- name:end -->, or append it."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
