"""Quotes ready to paste: each attribution style says exactly what is known, and never alters the quote."""

from __future__ import annotations

import pytest

from footnote.attribution import STYLES, bibtex_key, long_date, paste
from footnote.types import Placed

KIM = Placed(
    article_id="north-korea-in-ukraine-south-korea-response.md",
    title="What North Korea’s Fight in Ukraine Means for South Korea",
    author="Lami Kim",
    published="2024-11-05",
    publisher="War on the Rocks",
    url="https://example.org/kim",
)
QUOTE = "Russia is expected to pay $2,000 per soldier per month."


def test_plain():
    assert paste("Seoul will not sit idle", KIM, "plain") == (
        "“Seoul will not sit idle,” Lami Kim, "
        "“What North Korea’s Fight in Ukraine Means for South Korea,” War on the Rocks, 2024-11-05."
    )
    assert paste(QUOTE, KIM, "plain").startswith(f"“{QUOTE}” Lami Kim, “What North Korea’s")  # its own stop


def test_chicago_note():
    assert paste(QUOTE, KIM, "chicago") == (
        f"“{QUOTE}”\n\nLami Kim, “What North Korea’s Fight in Ukraine Means for South Korea,” "
        "*War on the Rocks*, November 5, 2024, https://example.org/kim."
    )


def test_markdown_links_the_title():
    assert paste(QUOTE, KIM, "markdown") == (
        f"> {QUOTE}\n>\n> — Lami Kim, [What North Korea’s Fight in Ukraine Means for South Korea]"
        "(https://example.org/kim), War on the Rocks, 2024-11-05"
    )


def test_bibtex_entry():
    entry = paste(QUOTE, KIM, "bibtex")
    assert entry.startswith("@online{kim2024what,\n")
    assert "  author = {Lami Kim},\n" in entry and "  url = {https://example.org/kim},\n" in entry
    assert "  note = {Quoted: ``Russia is expected to pay \\$2,000 per soldier per month.''}\n}" in entry


@pytest.mark.parametrize("style", STYLES)
def test_unknown_facts_are_left_out_not_guessed(style):
    bare = Placed(article_id="notes.txt", title="Notes")
    text = paste(QUOTE, bare, style)
    assert "Notes" in text and "None" not in text and ", ," not in text and "**" not in text


@pytest.mark.parametrize("style", STYLES)
def test_the_quote_is_never_altered(style):
    quote = "He said: “we act” — and 13% agreed {really}."
    text = paste(quote, KIM, style)
    plain = text.replace("\\", "") if style == "bibtex" else text
    assert quote in plain


def test_dates_and_keys():
    assert [long_date(d) for d in ("2024-11-05", "2024-03", "2024", "spring 2024")] == [
        "November 5, 2024",
        "March 2024",
        "2024",
        "spring 2024",
    ]
    assert bibtex_key(Placed(article_id="a.md", title="Ödön’s Überblick", author="Zoë Ōta")) == "otaodon"


def test_a_title_last_takes_the_full_stop_inside_its_marks():
    titled = Placed(article_id="a.md", title="Seoul Weighs Its Options", author="Lami Kim")
    assert paste("We act", titled, "plain") == "“We act,” Lami Kim, “Seoul Weighs Its Options.”"
    assert paste("We act", titled, "chicago") == "“We act”\n\nLami Kim, “Seoul Weighs Its Options.”"


def test_an_unknown_style_is_refused():
    with pytest.raises(ValueError, match="unknown attribution style 'apa'"):
        paste(QUOTE, KIM, "apa")
