"""Loaders read what users have, and refuse what they should not index, naming file and problem."""

from __future__ import annotations

import pytest

from footnote.types import ArticleMeta
from ingest.errors import IngestError
from ingest.frontmatter import render_article
from ingest.load import parse_article, read_document

LIMIT = 1_000_000


def test_markdown_front_matter_is_read_and_body_offsets_point_into_the_file():
    text = "---\ntitle: On Deterrence\nauthor: A. Writer\npublished: 2024-11-07\n---\n\nBody sentence one.\n"
    article = parse_article("a.md", text)
    assert article.meta.title == "On Deterrence"
    assert article.meta.published == "2024-11-07"
    assert article.content == text
    assert text[article.body_start :] == "\nBody sentence one.\n"


def test_markdown_without_front_matter_is_all_body():
    article = parse_article("a.md", "# Heading\n\nJust text.\n")
    assert article.body_start == 0 and article.meta == ArticleMeta()


def test_plain_text_heading_lines_become_markdown_headings_and_nothing_else_changes():
    draft = read_document("seed.txt", b"Intro sentence.\nA Short Heading\nBody sentence.", LIMIT)
    assert draft.body == "Intro sentence.\n## A Short Heading\nBody sentence."


def test_html_keeps_the_text_and_drops_scripts_styles_frames_and_handlers():
    html = """<html><head><title>Seoul's Choice</title><style>p{color:red}</style>
    <script>alert('x')</script></head><body><article><h1>Seoul's Choice</h1>
    <p onclick="steal()">South Korea weighs arming Ukraine directly, a step it has long avoided.</p>
    <iframe src="https://evil.example"></iframe><p>Public opinion is overwhelmingly against such a move.</p>
    </article></body></html>"""
    draft = read_document("page.html", html.encode(), LIMIT)
    assert "arming Ukraine directly" in draft.body and "overwhelmingly against" in draft.body
    for bad in ("alert", "color:red", "steal", "iframe", "evil.example", "<"):
        assert bad not in draft.body
    assert draft.meta.title == "Seoul's Choice"


def test_latin1_and_utf16_text_are_decoded():
    text = "Café policy in Zürich: a naïve résumé."
    assert read_document("a.txt", text.encode("latin-1"), LIMIT).body == text
    assert read_document("b.txt", text.encode("utf-16"), LIMIT).body == text


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.md", b"", "empty"),
        ("blank.txt", b"   \n\t\n", "empty"),
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, "binary"),
        ("bad.md", b"---\ntitle: [unclosed\n---\ntext\n", "malformed YAML"),
        ("types.md", b"---\ntitle: {a: 1}\n---\ntext\n", "wrong types"),
        ("when.md", b"---\npublished: next Tuesday\n---\ntext\n", "“next Tuesday” is not a date: write it as"),
        ("list.md", b"---\n- just\n- a list\n---\ntext\n", "mapping"),
        ("open.md", b"---\ntitle: never closed\ntext\n", "never closed"),
        ("only-meta.md", b"---\ntitle: x\n---\n\n", "no article text"),
        ("huge.txt", b"word " * (LIMIT // 5 + 1), "over the limit"),
        ("slides.pptx", b"whatever", "unsupported file type"),
        ("scan.pdf", b"%PDF-1.4 not really a pdf", "PDF"),
    ],
)
def test_bad_files_are_refused_with_file_and_problem_named(name, data, problem):
    with pytest.raises(IngestError) as info:
        read_document(name, data, LIMIT)
    assert info.value.source == name
    assert problem.lower() in info.value.problem.lower()
    assert str(info.value).startswith(f"{name}: ")


def test_rendered_front_matter_round_trips():
    meta = ArticleMeta(title="T: with colon", author="Lami Kim", title_derived=True)
    article = parse_article("x.md", render_article(meta, "Body."))
    assert article.meta == meta and article.body.strip() == "Body."


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2024-11-07", "2024-11-07"),
        ("2024-11", "2024-11"),
        ("2024", "2024"),
        ("2024-11-07T09:30:00Z", "2024-11-07T09:30:00Z"),
        ("7 November 2024", "2024-11-07"),
        ("Nov. 7th, 2024", "2024-11-07"),
        ("November 2024", "2024-11"),
        ("2024/11/07", "2024-11-07"),
        ("Thursday, 7 November 2024", "2024-11-07"),
        ("Sept. 7, 2024", "2024-09-07"),
        ("", ""),
    ],
)
def test_a_publication_date_is_read_as_iso_text(written, iso):
    """Filters and the timeline compare dates as text, so every date is ISO once read."""
    text = f"---\npublished: '{written}'\n---\nThe text.\n"
    assert parse_article("a.md", text).meta.published == iso


def test_a_web_page_saved_as_markdown_is_converted_when_added_and_refused_in_the_corpus():
    """Its markup and scripts would otherwise be indexed, and quoted, as the article's text."""
    page = (
        "<!DOCTYPE html><html><head><title>Lithium in Chile</title><script>alert('x')</script></head>"
        "<body><article><h1>Lithium in Chile</h1><p>Chile holds a third of the world's lithium reserves, and "
        "the state now takes a majority stake in new mines.</p></article></body></html>"
    )
    draft = read_document("chile.md", page.encode(), LIMIT)
    assert "third of the world's lithium" in draft.body
    assert "<" not in draft.body and "alert" not in draft.body
    with pytest.raises(IngestError, match="web page"):
        parse_article("chile.md", page)


@pytest.mark.parametrize("written", ["2024-13-45", "2024-02-30", "0000", "2024-13", "next Tuesday", "soon"])
def test_a_publication_date_that_is_not_one_is_refused_naming_the_file(written):
    with pytest.raises(IngestError, match="is not a date") as info:
        parse_article("a.md", f"---\npublished: '{written}'\n---\nThe text.\n")
    assert info.value.source == "a.md"


def test_yaml_dates_years_and_times_are_iso_text():
    """YAML reads 2024 as a number and an unquoted date or time as one: each is kept as ISO text."""
    for written, iso in [
        ("2024", "2024"),
        ("2024-11-07", "2024-11-07"),
        ("2024-11-07 09:30:00", "2024-11-07T09:30:00"),
    ]:
        assert parse_article("a.md", f"---\npublished: {written}\n---\nThe text.\n").meta.published == iso


def test_markdown_that_opens_with_comments_is_markdown():
    """HTML comments are Markdown too (editors keep notes in them); forty of them are read as fast
    as one: the test for a saved web page looks past them in one pass."""
    text = "<!-- draft note -->\n" * 40 + "# Herons\n\nHerons of the Vell estuary nest in March.\n"
    assert "nest in March" in parse_article("herons.md", text).body
    assert "<!--" in read_document("herons.md", text.encode(), LIMIT).body
