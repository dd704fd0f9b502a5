"""The Ask tab's "Compare the sources" and "Timeline" modes (assistant/compare.py), and their endpoints.

A comparison becomes a turn of the conversation like an answer: its quotes, numbered consecutively
across the articles, are the turn's citations, so the sources panel shows them as cards and the
reader view opens them at the quote. A timeline is a turn whose citations are in order of
publication. Everything from an article or a user is escaped here, as in ui/render.py.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import gradio as gr

from assistant.chain import QuestionError
from assistant.compare import ArticleSays, Comparison, SamePoint
from footnote.types import Answer, Citation
from ui.filters import UserInputError, make_filters, refuse_unknown_tags
from ui.render import COMPARE, TIMELINE, Turn, citation_card, esc, md_text

UNDATED = "undated"
SHORT = "short"  # the copy button's own text: “quote” — attribution
PASTE_CHOICES = [
    ("“Quote” — attribution", SHORT),
    ("Plain", "plain"),
    ("Chicago note", "chicago"),
    ("Markdown", "markdown"),
    ("BibTeX", "bibtex"),
]
# The copy buttons (ui/assets.py COPY_JS) read the chosen style from the page as they copy.
STYLE_JS = "(style) => { window.fnPasteStyle = style; return style; }"
NOT_ADDRESSING = "Not addressing it"


# --- turns ----------------------------------------------------------------------------------------


def compare_turn(comparison: Comparison) -> Turn:
    """The comparison as a turn: every speaking article's quotes renumbered [1], [2], … in reading order."""
    numbered = _numbered(comparison)
    citations = [c for a in numbered.speaking for c in a.quotes]
    answer = Answer(question=comparison.topic, text=numbered.markdown(), citations=citations)
    return Turn(comparison.topic, COMPARE, answer, comparison=numbered)


def timeline_turn(topic: str, citations: list[Citation], notice: str = "") -> Turn:
    """The timeline as a turn: its quotes, already in order of publication, are its citations."""
    text = "\n".join(f"{c.published or UNDATED} — “{c.quote}” [{c.n}]" for c in citations)
    return Turn(topic, TIMELINE, Answer(question=topic, text=text, citations=citations, notice=notice))


def _numbered(comparison: Comparison) -> Comparison:
    n = 0
    renumbered: dict[tuple[str, int, int], Citation] = {}
    speaking = []
    for a in comparison.speaking:
        quotes = []
        for c in a.quotes:
            n += 1
            quotes.append(renumbered.setdefault(_key(c), c.model_copy(update={"n": n})))
        speaking.append(replace(a, quotes=quotes))
    points = [
        SamePoint(renumbered.get(_key(p.first), p.first), renumbered.get(_key(p.second), p.second), p.differs)
        for p in comparison.same_points
    ]
    return Comparison(comparison.topic, speaking, list(comparison.silent), points)


def _key(c: Citation) -> tuple[str, int, int]:
    return (c.article_id, c.start, c.end)


# --- the chat -------------------------------------------------------------------------------------


def compare_blocks(turn: Turn) -> list[str]:
    """The reply in the chat, as escaped Markdown blocks: a comparison, or a timeline's dated lines."""
    if turn.comparison is None:
        lines = [f"{md_text(c.published or UNDATED)} — “{md_text(c.quote)}” \\[{c.n}\\]" for c in turn.answer.citations]
        noted = [f"_{md_text(turn.answer.notice)}_"] if turn.answer.notice else []
        return [*noted, "  \n".join(lines) if lines else "No passage of the corpus matches this topic."]
    comparison: Comparison = turn.comparison
    blocks = [f"_{md_text(comparison.notice)}_"] if comparison.notice else []
    blocks += [_article_block(a) for a in comparison.speaking]
    if not comparison.speaking:
        blocks.append("No article of the corpus addresses this.")
    if comparison.silent:
        blocks.append(f"_{NOT_ADDRESSING}:_ " + "; ".join(md_text(a.title or a.article_id) for a in comparison.silent))
    if comparison.same_points:
        rows = ["**On the same point**", "", "| | |", "|---|---|"]
        for p in comparison.same_points:
            flag = " **(different figures)**" if p.differs else ""
            rows.append(f"| {_pointed(p.first)} | {_pointed(p.second)}{flag} |")
        blocks.append("\n".join(rows))
    return blocks


def _article_block(a: ArticleSays) -> str:
    byline = ", ".join(x for x in (a.author, a.publisher) if x)
    head = f"**{md_text(a.title or a.article_id)}**" + (f" — {md_text(byline)}" if byline else "")
    head += f" ({md_text(a.published or UNDATED)})"
    return "\n".join([head, *[f"- “{md_text(c.quote)}” \\[{c.n}\\]" for c in a.quotes]])


def _pointed(c: Citation) -> str:
    return f"{md_text(c.title)}: “{md_text(c.quote)}” \\[{c.n}\\]"


# --- the sources panel ----------------------------------------------------------------------------


def comparison_sources_html(comparison: Comparison, selected: int | None, which: str = "") -> str:
    """One block per speaking article (its byline and its quotes' cards), the silent ones, the same points."""
    chosen = selected or 1
    blocks = []
    for a in comparison.speaking:
        byline = ", ".join(x for x in (a.author, a.publisher, a.published or UNDATED) if x)
        cards = "".join(citation_card(c, c.n == chosen, True) for c in a.quotes)
        blocks.append(
            f'<section class="fn-compare-block" data-article="{esc(a.article_id)}">'
            f'<h4 class="fn-compare-title">{esc(a.title or a.article_id)}</h4>'
            f'<p class="fn-note fn-byline">{esc(byline)}</p>{cards}</section>'
        )
    if not blocks:
        blocks.append("<p class='fn-note'>No article of the corpus addresses this.</p>")
    if comparison.silent:
        names = "; ".join(esc(a.title or a.article_id) for a in comparison.silent)
        blocks.append(f'<p class="fn-note fn-silent">{NOT_ADDRESSING}: {names}</p>')
    if comparison.same_points:
        pairs = "".join(_same_point_html(p) for p in comparison.same_points)
        blocks.append(f'<section class="fn-same-points"><h4>On the same point</h4>{pairs}</section>')
    return f'<div class="fn-sources fn-compare"><h3>What each article says</h3>{which}{"".join(blocks)}</div>'


def _same_point_html(p: SamePoint) -> str:
    flag = '<span class="fn-badge">different figures</span>' if p.differs else ""
    sides = "".join(
        f'<div class="fn-side"><span class="fn-n">[{c.n}]</span> <b>{esc(c.title)}</b>: “{esc(c.quote)}”</div>'
        for c in (p.first, p.second)
    )
    return f'<div class="fn-same-point">{flag}<div class="fn-sides">{sides}</div></div>'


# --- as data: the API and the browser's store -----------------------------------------------------


def comparison_data(comparison: Comparison) -> dict:
    """The comparison as JSON-ready data (``dataclasses.asdict``'s shape, citations as dicts)."""

    def article(a: ArticleSays) -> dict:
        fields = {k: v for k, v in vars(a).items() if k != "quotes"}
        return {**fields, "quotes": [c.model_dump(mode="json") for c in a.quotes]}

    return {
        "topic": comparison.topic,
        "notice": comparison.notice,
        "speaking": [article(a) for a in comparison.speaking],
        "silent": [article(a) for a in comparison.silent],
        "same_points": [
            {"first": p.first.model_dump(mode="json"), "second": p.second.model_dump(mode="json"), "differs": p.differs}
            for p in comparison.same_points
        ],
    }


def comparison_from_data(data: dict) -> Comparison:
    """``comparison_data`` read back; raises TypeError, KeyError or ValueError on anything else."""

    def article(d: dict) -> ArticleSays:
        quotes = [Citation.model_validate(c) for c in d["quotes"]]
        fields = {k: d[k] for k in ("article_id", "title", "author", "published", "publisher")}
        if not all(isinstance(v, str) for v in fields.values()):
            raise ValueError("not an article")
        return ArticleSays(**fields, answerability=float(d["answerability"]), quotes=quotes, scores=list(d["scores"]))

    points = [
        SamePoint(Citation.model_validate(p["first"]), Citation.model_validate(p["second"]), bool(p["differs"]))
        for p in data["same_points"]
    ]
    speaking = [article(a) for a in data["speaking"]]
    notice = str(data.get("notice", ""))  # kept before notices were
    return Comparison(str(data["topic"]), speaking, [article(a) for a in data["silent"]], points, notice)


class CompareApi:
    """The ``compare`` and ``timeline`` endpoints: the same filters as the chat, the results as data."""

    def __init__(self, library, assistant):
        self.library = library
        self.assistant = assistant

    def compare(
        self,
        topic: str,
        article_ids: list[str] | None = None,
        author: str = "",
        date_from: str = "",
        date_to: str = "",
        tags: list[str] | None = None,
    ) -> dict:
        """What each article says on ``topic``: ``{"topic", "speaking", "silent", "same_points"}``."""
        return self._run(
            lambda f: comparison_data(self.assistant.compare(topic, f)), article_ids, author, date_from, date_to, tags
        )

    def timeline(
        self,
        topic: str,
        article_ids: list[str] | None = None,
        author: str = "",
        date_from: str = "",
        date_to: str = "",
        tags: list[str] | None = None,
    ) -> dict:
        """The topic's quotes in order of publication, undated last: ``{"topic", "citations"}``."""

        def run(f):
            return {"topic": topic, "citations": [c.model_dump(mode="json") for c in self.assistant.timeline(topic, f)]}

        return self._run(run, article_ids, author, date_from, date_to, tags)

    def _run(self, fn, article_ids, author, date_from, date_to, tags) -> dict[str, Any]:
        try:
            filters = make_filters(article_ids, author, date_from, date_to, tags)
            if filters is not None and filters.tags:
                refuse_unknown_tags(filters, self.library.articles())
            return fn(filters)
        except (UserInputError, QuestionError) as exc:
            return {"error": str(exc)}


# --- the paste style ------------------------------------------------------------------------------


def paste_style_picker(key: str, secret: str) -> tuple[gr.Dropdown, gr.BrowserState, dict[str, Any]]:
    """The style the copy buttons paste in, remembered by the browser (beside the conversation's key).

    Returns the picker, what the browser keeps, and the restore event's arguments (the page runs it
    on load and when the kept value arrives, as the conversation's).
    """
    style = gr.Dropdown(PASTE_CHOICES, value=SHORT, label="Copy quotes as", elem_id="fn-paste-style", interactive=True)
    saved = gr.BrowserState(SHORT, storage_key=f"{key}-paste-style", secret=secret)
    style.change(_kept_style, style, saved, js=STYLE_JS, api_name=False, queue=False)
    return style, saved, {"fn": _restored_style, "inputs": saved, "outputs": style}


def _kept_style(style: str) -> Any:
    return style if style in dict(map(reversed, PASTE_CHOICES)) else gr.skip()


def _restored_style(stored: Any) -> Any:
    return _kept_style(stored) if isinstance(stored, str) else gr.skip()
