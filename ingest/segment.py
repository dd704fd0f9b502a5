"""Find an article's headings, paragraphs and sentences, as offsets into its content.

Answers quote whole sentences and cite paragraphs, so the structure is located once, here, and
everything downstream slices the original text with these offsets instead of copying it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import syntok.segmenter as syntok

from footnote.types import Span

_MD_HEADING = re.compile(r"(#{1,6})[ \t]+(.+?)[ \t#]*$")
# MediaWiki headings, also in the spaced form of dumps: "= Title =", "= = Section = =".
_WIKI_HEADING = re.compile(r"((?:=[ \t]?){1,6})[ \t]*([^=\s](?:.*?[^=\s])?)[ \t]*((?:=[ \t]?){1,6})$")
_LIST_ITEM = re.compile(r"([-*+]|\d{1,3}[.)])[ \t]+\S")
_ENDS_PARAGRAPH = re.compile(r"""[.!?…:;)\]"”'’]$""")
_LONGEST_SENTENCE = 1500


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" or "paragraph"
    start: int
    end: int
    sentences: tuple[Span, ...] = ()
    level: int = 0  # heading level (1 = top); 0 for paragraphs


def segment(content: str, start: int, markdown: bool, sentences: bool = True) -> list[Block]:
    """Headings and paragraphs of ``content[start:]``; each paragraph with its sentences, unless
    ``sentences`` is false (counting paragraphs needs none, and splitting is most of the cost)."""
    blocks: list[Block] = []
    para: list[tuple[int, int]] = []  # (start, end) of the current paragraph's lines

    def close() -> None:
        if para:
            a, z = para[0][0], para[-1][1]
            blocks.append(Block("paragraph", a, z, tuple(split_sentences(content, a, z)) if sentences else ()))
            para.clear()

    for a, z in _lines(content, start):
        line = content[a:z]
        if not line.strip():
            close()
            continue
        lead = len(line) - len(line.lstrip())
        a += lead
        line = line.strip()
        heading = heading_span(line, a, markdown, starts_block=not para)
        if heading:
            close()
            blocks.append(Block("heading", *heading, level=heading_level(line, markdown)))
            continue
        if para and _LIST_ITEM.match(line):
            close()
        para.append((a, z))
        if _ENDS_PARAGRAPH.search(line) or not markdown:
            close()
    close()
    return blocks


def _lines(content: str, start: int):
    """(start, end) of each line, end excluding the newline and trailing spaces."""
    pos = start
    while pos < len(content):
        nl = content.find("\n", pos)
        end = len(content) if nl < 0 else nl
        stripped = end
        while stripped > pos and content[stripped - 1] in " \t":
            stripped -= 1
        yield pos, stripped
        pos = end + 1


def heading_span(line: str, a: int, markdown: bool, starts_block: bool) -> tuple[int, int] | None:
    if markdown:
        match = _MD_HEADING.match(line) or _wiki_heading(line)
        if match:
            return a + match.start(2), a + match.end(2)
        return None
    # Plain text has no markup: a short line without closing punctuation stands for a heading.
    words = line.split()
    if (
        starts_block
        and 1 <= len(words) <= 14
        and len(line) <= 100
        and line[0].isupper()
        and not re.search(r"""[.,;:!)\]"”'’]$""", line)
    ):
        return a, a + len(line)
    return None


def heading_level(line: str, markdown: bool) -> int:
    """1 for a top heading; plain-text headings (no markup) count as level 1."""
    if markdown:
        match = _MD_HEADING.match(line)
        if match:
            return len(match.group(1))
        match = _wiki_heading(line)
        if match:
            return match.group(1).count("=")
    return 1


def _wiki_heading(line: str) -> re.Match | None:
    match = _WIKI_HEADING.match(line)
    if match and match.group(1).count("=") == match.group(3).count("="):
        return match
    return None


def split_sentences(content: str, start: int, end: int) -> list[Span]:
    """Sentence spans inside one paragraph; ends are trimmed of trailing whitespace."""
    text = content[start:end]
    starts: list[int] = []
    for paragraph in syntok.analyze(text):
        for sentence in paragraph:
            if sentence:
                starts.append(sentence[0].offset)
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    spans = []
    for i, s in enumerate(starts):
        e = starts[i + 1] if i + 1 < len(starts) else len(text)
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.extend(_cap_length(text, s, e, start))
    return spans


def _cap_length(text: str, s: int, e: int, base: int) -> list[Span]:
    """Text without punctuation can form one enormous 'sentence'; cut it at spaces."""
    out = []
    while e - s > _LONGEST_SENTENCE:
        cut = text.rfind(" ", s + _LONGEST_SENTENCE // 2, s + _LONGEST_SENTENCE)
        cut = cut if cut > s else s + _LONGEST_SENTENCE
        end = cut
        while end > s and text[end - 1].isspace():
            end -= 1
        out.append(Span(base + s, base + end))
        s = cut
        while s < e and text[s].isspace():
            s += 1
    out.append(Span(base + s, base + e))
    return out
