"""Passages are exact slices of their article, follow its structure, and lose no text."""

from __future__ import annotations

from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest

from footnote.settings import Settings
from footnote.types import Article, Passage
from ingest.chunk import SECTION_SEPARATOR, chunk_article, is_markdown
from ingest.load import corpus_files, load_article, parse_article
from ingest.segment import heading_level, heading_span, segment
from tools.paths import shared_dir

REPO = Path(__file__).resolve().parents[1]
SHARED = shared_dir()
TARGET = Settings().passage_chars


def real_articles() -> list[Article]:
    folders = [REPO / "corpus", SHARED / "seeds", SHARED / "bench" / "chunking_eval" / "corpus"]
    out = []
    for folder in folders:
        if folder.is_dir():
            out += [load_article(p, folder, 10**9) for p in corpus_files(folder)]
    return out


LONG_SENTENCE = " ".join(["word"] * 900)  # 4,500 characters without a full stop
TRICKY = {
    "headings.md": (
        "---\ntitle: Tricky\n---\n\n# Part one\n\nFirst paragraph. It has two sentences.\n\n"
        "## Chapter A\nText right under a heading.\n### Deeper\n\nDeep text.\n## Chapter B\n\nB text here.\n"
        "# Part two\n\nLast words.\n"
    ),
    "wiki.md": (
        " = Valkyria Chronicles III = \n Senjō no Valkyria 3 is a game . It was released in 2011 . \n"
        " = = Gameplay = = \n The game plays like its predecessors . \n = = = Music = = = \n"
        " Hitoshi Sakimoto wrote the music . \n = Another article = \n Its first line . \n"
    ),
    "lists.md": "Intro line:\n\n- first item\n- second item, longer\n  continued here\n1. numbered\n2) other\n\nEnd.\n",
    "wrapped.md": (
        "This paragraph is hard\nwrapped at a narrow\nwidth without any\ncarriage returns, and it\n"
        "goes on. Then a second\nsentence follows here.\n"
    ),
    "crlf.md": "# Head\r\n\r\nLine one of text.\r\nLine two of text.\r\n\r\n# Next\r\n\r\nMore.\r\n",
    "long.md": f"# Long\n\n{LONG_SENTENCE}\n\nShort after.\n",
    "unicode.md": (
        "# Ünïcödé – “quotes”\n\nKim Jong Un’s 🚀 launch — ‘again’. 한국어 문장입니다. 日本語の文。\n\n"
        "Combining: e\u0301 a\u0308. Zero\u200bwidth. Tabs\tand  spaces.\n"
    ),
    "plain.txt": (
        "A Title Line\n\nFirst paragraph of plain text. Another sentence.\n\nShort Heading\n\nMore text here.\n"
    ),
    "no_structure.md": "x" * 3000,
    "tables.md": "note | 2017 | 2016\nrevenue | 10 | 9\ncosts | 5 | 4\n\nThe table shows revenue.\n",
}


def tricky_articles() -> list[Article]:
    return [parse_article(name, text) for name, text in TRICKY.items()]


def all_articles() -> list[Article]:
    return real_articles() + tricky_articles()


_ARTICLES = {a.id: a for a in all_articles()}


@cache
def chunked(article_id: str, target: int = TARGET) -> list[Passage]:
    return chunk_article(_ARTICLES[article_id], target)


def heading_blocks(article: Article):
    return [b for b in segment(article.content, article.body_start, is_markdown(article.id)) if b.kind == "heading"]


def check_passages(article: Article, passages: list[Passage], target: int) -> None:
    content = article.content
    assert passages, article.id
    for i, p in enumerate(passages):
        assert p.index == i
        assert p.article_id == article.id
        assert content[p.start : p.end] == p.text, (article.id, i)
        assert article.body_start <= p.start < p.end <= len(content)
        assert p.text == p.text.strip() or not p.text.strip(), "passages start and end on text"
        assert p.sentences, (article.id, i)
        assert p.sentences[0].start == p.start and p.sentences[-1].end == p.end
        for s, t in pairwise(p.sentences):
            assert s.end <= t.start, "sentences in order, not overlapping"
        for s in p.sentences:
            assert p.start <= s.start < s.end <= p.end
            assert content[s.start : s.end].strip() == content[s.start : s.end]
        if len(p.sentences) > 1 and p.end - p.start > target:
            # only a single over-long sentence (after the headings that open it) may exceed the target
            assert p.sentences[-2].end - p.start <= target
    for a, b in pairwise(passages):
        assert a.end <= b.start, "passages do not overlap"


@pytest.mark.parametrize("article", all_articles(), ids=lambda a: a.id)
def test_passages_are_exact_slices(article):
    check_passages(article, chunked(article.id), TARGET)


@pytest.mark.parametrize("target", [120, 300, 2000])
@pytest.mark.parametrize("article", tricky_articles(), ids=lambda a: a.id)
def test_invariants_hold_at_any_size(article, target):
    check_passages(article, chunk_article(article, target), target)


@pytest.mark.parametrize("article", all_articles(), ids=lambda a: a.id)
def test_a_heading_only_ever_opens_a_passage(article):
    """A passage never runs across a heading: a heading is the first text of the passage after it
    (so a headline is searched and quoted with its lede), never in the middle of one."""
    passages = chunked(article.id)
    headings = {(h.start, h.end) for h in heading_blocks(article)}
    for h in heading_blocks(article):
        holding = [p for p in passages if p.start < h.end and h.start < p.end]
        assert len(holding) == 1, (article.id, article.content[h.start : h.end])
        spans = [(x.start, x.end) for x in holding[0].sentences]
        assert (h.start, h.end) in spans
        assert all(x in headings for x in spans[: spans.index((h.start, h.end))])


@pytest.mark.parametrize("article", all_articles(), ids=lambda a: a.id)
def test_no_text_is_lost(article):
    """Every letter or digit of the body is in a passage or in a heading line."""
    passages = chunked(article.id)
    covered = bytearray(len(article.content))
    for p in passages:
        covered[p.start : p.end] = b"\x01" * (p.end - p.start)
    for h in heading_blocks(article):
        line_start = article.content.rfind("\n", 0, h.start) + 1
        line_end = article.content.find("\n", h.end)
        line_end = len(article.content) if line_end < 0 else line_end
        covered[line_start:line_end] = b"\x01" * (line_end - line_start)
    body = article.content
    missing = [i for i in range(article.body_start, len(body)) if body[i].isalnum() and not covered[i]]
    assert not missing, (article.id, body[missing[0] : missing[0] + 60])


def test_sections_are_heading_paths():
    article = parse_article("headings.md", TRICKY["headings.md"])
    headings = {(h.start, h.end) for h in heading_blocks(article)}

    def first_words(p: Passage) -> str:
        """A passage's text after the headings that open it, to its first full stop."""
        first = next(x for x in p.sentences if (x.start, x.end) not in headings)
        return article.content[first.start : p.end].split(".")[0]

    by_text = {first_words(p): p.section for p in chunk_article(article, TARGET)}
    assert by_text["First paragraph"] == "Part one"
    assert by_text["Text right under a heading"] == SECTION_SEPARATOR.join(["Part one", "Chapter A"])
    assert by_text["Deep text"] == SECTION_SEPARATOR.join(["Part one", "Chapter A", "Deeper"])
    assert by_text["B text here"] == SECTION_SEPARATOR.join(["Part one", "Chapter B"])
    assert by_text["Last words"] == "Part two"


def test_wiki_headings_are_headings():
    article = parse_article("wiki.md", TRICKY["wiki.md"])
    sections = [p.section for p in chunk_article(article, TARGET)]
    assert sections == [
        "Valkyria Chronicles III",
        "Valkyria Chronicles III › Gameplay",
        "Valkyria Chronicles III › Gameplay › Music",
        "Another article",
    ]
    assert heading_level("= = Gameplay = =", True) == 2
    assert heading_span("a = b = c", 0, True, True) is None
    assert heading_span("==== Front", 0, True, True) is None  # unbalanced: not a heading


def test_passages_end_at_paragraphs_when_they_can():
    paragraphs = [" ".join(f"Sentence {p}.{s} is here." for s in range(6)) for p in range(8)]
    article = parse_article("paras.md", "\n\n".join(paragraphs) + "\n")
    passages = chunk_article(article, 400)
    starts = {article.content.find(p) for p in paragraphs}
    assert len(passages) < len(paragraphs)
    assert all(p.start in starts for p in passages)


def test_long_sentence_is_cut_but_kept_exact():
    article = parse_article("long.md", TRICKY["long.md"])
    passages = chunk_article(article, TARGET)
    text = "".join(p.text for p in passages).replace(" ", "").replace("\n", "")
    assert text == ("Long" + LONG_SENTENCE + "Short after.").replace(" ", "")
    assert max(x.end - x.start for p in passages for x in p.sentences) <= 1500


def test_real_passages_are_near_the_target():
    sizes = [p.end - p.start for a in real_articles() for p in chunked(a.id)]
    assert sizes
    inside = sum(TARGET // 4 <= s <= TARGET for s in sizes) / len(sizes)
    assert inside > 0.6, inside
