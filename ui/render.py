"""What the page shows of a conversation: the chat's Markdown, the sources panel's HTML, the export.

Everything that comes from an article or a user (quotes, titles, questions, file names) is
escaped here before it reaches the page: the corpus is other people's text, to be read, never run.
The chat's Markdown is therefore built from the answer's citations, with every quoted character
escaped, rather than passed through from ``Answer.text``.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import Any

from footnote.attribution import STYLES, paste
from footnote.types import Answer, Citation, Placed, RefusalReason, Source

ANSWER, QUOTES = "answer", "quotes"  # the two modes: an answer to a question, or quotes on a topic
CHECK = "check"  # the third: is a pasted quote in the corpus, where, and exactly how (ui/check.py)
COMPARE, TIMELINE = "compare", "timeline"  # what each article says; a topic's quotes by date (ui/compare.py)
LISTED = (QUOTES, COMPARE, TIMELINE)  # modes whose quotes are for picking: every card open, copy button in view
CLOSEST_SHOWN = 3  # passages shown as "not an answer" when the corpus does not answer
# Markdown and LaTeX would act on these characters; CommonMark shows any of them when backslashed.
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]()<>#+\-.!|~$=:^@]")


@dataclass
class Turn:
    """One exchange: the question as answered (cleaned, maybe shortened), how, and the answer."""

    question: str
    mode: str
    answer: Answer
    check: Any = None  # CHECK mode: the assistant.check.QuoteCheck the answer's citations come from
    comparison: Any = None  # COMPARE mode: the assistant.compare.Comparison, its quotes numbered as citations


def md_text(text: str) -> str:
    """Text for a Markdown message that is displayed exactly: no tags, links, emphasis or maths."""
    return _MARKDOWN_SPECIAL.sub(r"\\\g<0>", html.escape(text, quote=False))


def flat(quote: str) -> str:
    """A quote on one line, for display: a quote may run over a line break of the article (the
    citation keeps the exact text), which would end a Markdown list item or an indented line."""
    return " ".join(quote.split())


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


# --- the chat's Markdown --------------------------------------------------------------------------


def answer_blocks(turn: Turn) -> list[str]:
    """The reply as Markdown blocks, yielded one by one to stream it; [n] are the citation numbers."""
    answer = turn.answer
    if turn.check is not None:
        from ui.check import check_blocks  # ui.check builds on this module

        return check_blocks(turn.check)
    if turn.mode in (COMPARE, TIMELINE):
        from ui.compare import compare_blocks  # ui.compare builds on this module

        return compare_blocks(turn)
    blocks = [f"_{md_text(answer.notice)}_"] if answer.notice else []
    if turn.mode == QUOTES:
        blocks += [f"“{md_text(flat(c.quote))}” — {md_text(c.attribution())} \\[{c.n}\\]" for c in answer.citations]
        if not answer.citations:
            blocks.append("No passage of the corpus matches this topic.")
    elif answer.written_by == "llm":
        # Written by a language model and verified: shown as text, every character escaped.
        blocks += [md_text(p) for p in answer.text.split("\n\n") if p.strip()]
    elif answer.abstained:
        reason = answer.refusal_reason or RefusalReason.NOT_ANSWERED
        blocks.append(md_text(reason.message))
        if answer.sources:
            blocks.append("_The closest passages are beside the chat, marked “not an answer”._")
    else:
        blocks += _cited_blocks(answer.citations)
    return blocks


def _cited_blocks(citations: list[Citation]) -> list[str]:
    """Quotes grouped by article, as the answerer composed them, so numbers read in order."""
    groups: dict[str, list[Citation]] = {}
    for c in citations:
        groups.setdefault(c.article_id, []).append(c)
    if len(groups) == 1:
        return [f"“{md_text(flat(c.quote))}” \\[{c.n}\\]" for c in citations]
    blocks = []
    for group in groups.values():
        head = group[0]
        byline = ", ".join(x for x in (head.author, head.publisher, head.published) if x)
        title = f"**{md_text(head.title)}**" + (f" ({md_text(byline)})" if byline else "") + ":"
        blocks.append("\n".join([title] + [f"- “{md_text(flat(c.quote))}” \\[{c.n}\\]" for c in group]))
    return blocks


def chat_messages(turns: list[Turn], pending: tuple[str, str] | None = None, partial: str = "") -> list[dict]:
    """Chatbot messages for the conversation; ``pending`` is a (question, mode) still being answered."""
    messages = []
    for turn in turns:
        messages.append({"role": "user", "content": _asked(turn.question, turn.mode)})
        messages.append({"role": "assistant", "content": "\n\n".join(answer_blocks(turn))})
    if pending is not None:
        messages.append({"role": "user", "content": _asked(*pending)})
        messages.append({"role": "assistant", "content": partial or "_Searching the corpus…_"})
    return messages


def _asked(question: str, mode: str) -> str:
    return ASKED.get(mode, "") + md_text(question)


ASKED = {QUOTES: "Quotes on: ", CHECK: "Check: ", COMPARE: "Compare the sources on: ", TIMELINE: "Timeline of: "}


# --- the sources panel (HTML) -------------------------------------------------------------------

EMPTY_SOURCES = (
    '<div class="fn-sources fn-empty">The sources of the latest answer appear here: each quoted '
    "sentence highlighted in its passage, with the article, author, date, section and paragraph.</div>"
)


def sources_html(turn: Turn | None, selected: int | None = None, earlier: bool = False) -> str:
    """Every citation of one answer, the selected one open; closest passages if it abstained.

    That answer is the latest unless ``earlier``: every answer numbers its sources from [1], so
    the panel says when the numbers it shows belong to an earlier answer.
    """
    if turn is None:
        return EMPTY_SOURCES
    answer = turn.answer
    which = _earlier_note(turn) if earlier else ""
    if turn.check is not None:
        from ui.check import check_sources_html

        return check_sources_html(turn.check, answer.citations, selected, which)
    if turn.comparison is not None:
        from ui.compare import comparison_sources_html

        return comparison_sources_html(turn.comparison, selected, which)
    if answer.citations:
        chosen = selected or answer.citations[0].n
        every_open = turn.mode in LISTED  # quotes are for picking: each with its copy button in view
        cards = "".join(citation_card(c, c.n == chosen, every_open or c.n == chosen) for c in answer.citations)
        heading = {QUOTES: "Quotes", TIMELINE: "Timeline"}.get(turn.mode, "Sources")
        return f'<div class="fn-sources"><h3>{heading}</h3>{which}{cards}</div>'
    if answer.sources:
        cards = "".join(_closest_card(s) for s in answer.sources[:CLOSEST_SHOWN])
        return (
            '<div class="fn-sources"><h3>Closest passages <span class="fn-badge">not an answer</span></h3>'
            f"{which}<p class='fn-note'>The corpus does not answer the question; these passages came nearest.</p>"
            f"{cards}</div>"
        )
    return f'<div class="fn-sources fn-empty">{which}No passage of the corpus came near this question.</div>'


def _earlier_note(turn: Turn) -> str:
    kind = {QUOTES: "quotes on ", CHECK: "a check of ", COMPARE: "a comparison on ", TIMELINE: "a timeline of "}
    asked = kind.get(turn.mode, "") + f"“{esc(turn.question)}”"
    return f'<p class="fn-note fn-earlier">Of an earlier answer, to {asked}. Click an answer to see its sources.</p>'


def citation_card(c: Citation, is_selected: bool, is_open: bool) -> str:
    start, end = c.start - c.passage_start, c.end - c.passage_start
    text = c.passage_text
    passage = f"{_unmarked(text[:start])}<mark>{esc(text[start:end])}</mark>{_unmarked(text[end:], mid_line=True)}"
    copy_text = f"“{c.quote}” — {c.attribution()}"
    classes = "fn-source fn-selected" if is_selected else "fn-source"
    return (
        f'<details class="{classes}" id="fn-cite-{c.n}"{" open" if is_open else ""}>'
        f'<summary><span class="fn-n">[{c.n}]</span> <span class="fn-title">{esc(c.title)}</span></summary>'
        f"{_facts(c)}"
        f'<blockquote class="fn-passage">{passage}</blockquote>'
        f'<button type="button" class="fn-copy" data-copy="{esc(copy_text)}"{paste_data(c)}>'
        "Copy quote with attribution</button> "
        f"{read_button(c.n)}"
        "</details>"
    )


def paste_data(c: Citation) -> str:
    """The quote ready to paste in each attribution style, for the copy button to pick from (ui/assets.py)."""
    return "".join(f' data-paste-{style}="{esc(paste(c.quote, c, style))}"' for style in STYLES)


def read_button(n: int) -> str:
    """Opens the whole article in the reader view at citation ``n`` (ui/assets.py SOURCES_JS)."""
    return f'<button type="button" class="fn-read" data-n="{int(n)}">Read it in the article</button>'


def facts_html(placed: Placed) -> str:
    return _facts(placed)


def _closest_card(s: Source) -> str:
    return (
        '<details class="fn-source fn-closest" open>'
        f'<summary><span class="fn-badge">not an answer</span> <span class="fn-title">{esc(s.title)}</span></summary>'
        f"{_facts(s)}"
        f'<blockquote class="fn-passage">{_unmarked(s.text)}</blockquote></details>'
    )


_HEADING_MARK = re.compile(r"(?m)^#{1,6}[ \t]+")
_HEADING_MARK_AFTER_BREAK = re.compile(r"(?<=\n)#{1,6}[ \t]+")


def _unmarked(text: str, mid_line: bool = False) -> str:
    """Passage text for a card, escaped, without the ``#`` that marks a Markdown heading (the
    reader renders headings; a card shows them as the words they are). ``mid_line``: the text
    starts inside a line (after a quote), so its first characters are not a line's start."""
    pattern = _HEADING_MARK_AFTER_BREAK if mid_line else _HEADING_MARK
    return esc(pattern.sub("", text))


def _facts(placed: Placed) -> str:
    """Where the passage comes from; unknown fields say so instead of vanishing."""
    rows = [
        ("Author", placed.author or "not given"),
        ("Date", placed.published or "not given"),
        ("Publisher", placed.publisher),
        ("Section", placed.section or "opening"),
        ("Paragraph", placed.paragraph or ""),
        ("Page", placed.page or ""),  # articles converted from PDF
        ("Article", placed.article_id),
        ("URL", placed.url),  # shown as text: a link from an article could point anywhere
    ]
    cells = "".join(f"<dt>{name}</dt><dd>{esc(value)}</dd>" for name, value in rows if value)
    return f'<dl class="fn-facts">{cells}</dl>'


def turn_shown(turns: list[Turn], shown: int | None) -> Turn | None:
    """The turn at index ``shown``, else the latest (also when ``shown`` no longer exists, after Undo)."""
    if not turns:
        return None
    return turns[shown] if shown is not None and 0 <= shown < len(turns) else turns[-1]


def is_earlier(turns: list[Turn], shown: int | None) -> bool:
    return shown is not None and 0 <= shown < len(turns) - 1


# --- export --------------------------------------------------------------------------------------


def conversation_markdown(turns: list[Turn], now: dt.datetime) -> str:
    """The conversation as a Markdown file to keep: each answer with its full citations."""
    lines = ["# Footnote conversation", "", f"Exported {now:%Y-%m-%d %H:%M}.", ""]
    for i, turn in enumerate(turns, 1):
        answer = turn.answer
        kind = {QUOTES: "Quotes on", CHECK: "Quote checked", COMPARE: "Compared", TIMELINE: "Timeline of"}.get(
            turn.mode, "Question"
        )
        lines += [f"## {i}. {kind}: {turn.question}", ""]
        if turn.check is not None:
            from ui.check import check_markdown

            lines += [check_markdown(turn.check), ""]
            continue
        if turn.comparison is not None:  # the comparison's own export, every quote fully attributed
            lines += [turn.comparison.markdown(), ""]
            continue
        if answer.notice:
            lines += [f"*{answer.notice}*", ""]
        lines += [answer.text or "(no quotes found)", ""]
        if answer.citations:
            lines += ["**Sources**", ""]
            for c in answer.citations:
                page = f"page {c.page}" if c.page else ""
                where = ", ".join(x for x in (c.section, f"paragraph {c.paragraph}" if c.paragraph else "", page) if x)
                lines.append(f"[{c.n}] {c.attribution()}. {c.article_id}" + (f", {where}" if where else "") + ".")
                lines.append(f"    “{flat(c.quote)}”" + (f" <{c.url}>" if c.url else ""))
            lines.append("")
    return "\n".join(lines)
