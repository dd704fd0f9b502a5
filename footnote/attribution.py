"""A quote ready to paste, in the attribution style the reader's publication uses.

Every style is built from the same known facts (author, title, publisher, date, URL) and leaves out
what is unknown rather than guessing it; the quote itself is never altered. Styles:

- ``plain``: “Quote,” Author, “Title,” Publisher, Date. (A quote ending in a full stop keeps it.)
- ``chicago``: the quote, then a Chicago-style note (Author, “Title,” *Publisher*, Month D, YYYY, URL).
- ``markdown``: the quote as a block quote, attributed with the title linked to the article's URL.
- ``bibtex``: a BibTeX ``@online`` entry for the article, the quote in its ``note``.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from typing import Protocol

STYLES = ("plain", "chicago", "markdown", "bibtex")


class Bibliographic(Protocol):
    """What a citation knows about its article (footnote.types.Placed has all of it)."""

    article_id: str
    title: str
    author: str
    published: str
    publisher: str
    url: str


def paste(quote: str, source: Bibliographic, style: str = "plain") -> str:
    """``quote`` with its attribution in ``style`` (one of STYLES)."""
    if style not in STYLES:
        raise ValueError(f"unknown attribution style {style!r}; use one of {', '.join(STYLES)}")
    return {"plain": _plain, "chicago": _chicago, "markdown": _markdown, "bibtex": _bibtex}[style](quote, source)


def long_date(published: str) -> str:
    """ISO dates as a reader writes them: 2024-11-05 → November 5, 2024 (partial dates kept partial)."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", published.strip())
    if not m:
        return published.strip()
    year, month, day = m.groups()
    if not month or not 1 <= int(month) <= 12:
        return year
    name = calendar.month_name[int(month)]
    return f"{name} {int(day)}, {year}" if day else f"{name} {year}"


def _join(parts: list[str]) -> str:
    return ", ".join(p for p in parts if p)


def _american(text: str) -> str:
    """Commas after a closing quotation mark go inside it, as American style wants."""
    return text.replace("”,", ",”")


def _ended(text: str) -> str:
    """``text`` with its closing full stop, inside a final closing quotation mark."""
    return text[:-1] + ".”" if text.endswith("”") else text + "."


def _plain(quote: str, s: Bibliographic) -> str:
    title = f"“{s.title}”" if s.title else ""
    who = _join([s.author, title, s.publisher, s.published])
    if not who:
        return f"“{_unquoted(quote)}”"
    # the quote keeps its own final stop (it is verbatim); otherwise the comma goes inside the marks
    ends = _unquoted(quote).endswith((".", "!", "?", "…"))
    return _ended(f"“{_unquoted(quote)}” {_american(who)}" if ends else _american(f"“{_unquoted(quote)}”, {who}"))


def _chicago(quote: str, s: Bibliographic) -> str:
    title = f"“{s.title}”" if s.title else ""
    note = _join([s.author, title, f"*{s.publisher}*" if s.publisher else "", long_date(s.published), s.url])
    return f"“{_unquoted(quote)}”" + (f"\n\n{_ended(_american(note))}" if note else "")


def _markdown(quote: str, s: Bibliographic) -> str:
    title = f"[{_md(s.title)}]({s.url})" if s.title and s.url else f"*{_md(s.title)}*" if s.title else ""
    who = _join([_md(s.author), title, _md(s.publisher), s.published])
    lines = [f"> {line}" if line else ">" for line in _unquoted(quote).split("\n")]
    return "\n".join(lines) + (f"\n>\n> — {who}" if who else "")


def _bibtex(quote: str, s: Bibliographic) -> str:
    fields = {
        "author": s.author,
        "title": s.title,
        "organization": s.publisher,
        "date": s.published,
        "url": s.url,
        "note": f"Quoted: ``{_unquoted(quote)}''",
    }
    body = ",\n".join(f"  {name} = {{{_tex(value)}}}" for name, value in fields.items() if value)
    return f"@online{{{bibtex_key(s)},\n{body}\n}}"


def bibtex_key(s: Bibliographic) -> str:
    """author surname + year + first title word, in ASCII: kim2024north."""
    surname = s.author.split(",")[0].split()[-1] if s.author.strip() else ""
    year = (re.match(r"\d{4}", s.published or "") or [""])[0]
    first = next((w for w in re.findall(r"\w+", s.title) if len(w) > 3), "") or s.article_id.split(".")[0]
    key = "".join(_ascii(x).lower() for x in (surname, year, first))
    return re.sub(r"[^a-z0-9]", "", key) or "footnote"


def _unquoted(quote: str) -> str:
    """The quote without quotation marks around the whole of it (the style adds its own)."""
    text = quote.strip()
    return text[1:-1] if len(text) > 1 and text[0] in '“"' and text[-1] in '”"' else text


def _md(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


def _tex(text: str) -> str:
    return re.sub(r"([{}\\&%$#_^~])", r"\\\1", text)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
