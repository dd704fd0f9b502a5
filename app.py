"""Footnote's web app: a chat whose answers are quoted sentences, the sources beside it, and the corpus.

Everything that comes from an article or a user (quotes, titles, questions, file names) is
escaped before it reaches the page: the corpus is other people's text, to be read, never run.
The chat's Markdown is therefore built here from the answer's citations, with every quoted
character escaped, rather than passed through from ``Answer.text``.

``python app.py`` syncs the index with corpus/ and serves the app (settings: footnote.settings).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import ipaddress
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.chain import Assistant, QuestionError, clean_question
from assistant.retriever import Filters
from footnote.settings import Settings, get_settings
from footnote.types import Answer, ArticleMeta, Citation, RefusalReason, Source
from ingest.errors import IngestError
from ingest.fetch import fetch_draft
from ingest.library import ArticleInfo, Library, derive_title, slugify
from ingest.load import ADD_SUFFIXES, Draft

EXAMPLES = (
    "How much is Russia expected to pay North Korea per soldier?",
    "What could Russia give North Korea in return?",
    "How has South Korea helped Ukraine so far?",
)
ANSWER, QUOTES = "answer", "quotes"
TABLE_HEADERS = ["Title", "Author", "Published", "Passages", "Added", "Article id"]
PREVIEW_CHARS = 1500
CLOSEST_SHOWN = 3  # passages shown as "not an answer" when the corpus does not answer
# What the browser keeps of the conversation; a stored value of another format is not read.
STORAGE_FORMAT = 1
MAX_STORED_TURNS = 200  # a few kB each: well inside the 5 MB a browser gives a site's localStorage
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# Markdown and LaTeX would act on these characters; CommonMark shows any of them when backslashed.
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]()<>#+\-.!|~$=:^@]")


@dataclass
class Turn:
    """One exchange: the question as answered (cleaned, maybe shortened), how, and the answer."""

    question: str
    mode: str
    answer: Answer


class UserInputError(ValueError):
    """Input the app refuses with a message fit to show, e.g. a date filter that is not a date."""


# --- escaping ------------------------------------------------------------------------------------


def md_text(text: str) -> str:
    """Text for a Markdown message that is displayed exactly: no tags, links, emphasis or maths."""
    return _MARKDOWN_SPECIAL.sub(r"\\\g<0>", html.escape(text, quote=False))


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def warn(message: str) -> None:
    """A toast; Gradio renders toast text as HTML, so it is escaped like everything else."""
    gr.Warning(esc(message))


# --- the chat's Markdown --------------------------------------------------------------------------


def answer_blocks(turn: Turn) -> list[str]:
    """The reply as Markdown blocks, yielded one by one to stream it; [n] are the citation numbers."""
    answer = turn.answer
    blocks = [f"_{md_text(answer.notice)}_"] if answer.notice else []
    if turn.mode == QUOTES:
        blocks += [f"“{md_text(c.quote)}” — {md_text(c.attribution())} \\[{c.n}\\]" for c in answer.citations]
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
        return [f"“{md_text(c.quote)}” \\[{c.n}\\]" for c in citations]
    blocks = []
    for group in groups.values():
        head = group[0]
        byline = ", ".join(x for x in (head.author, head.publisher, head.published) if x)
        title = f"**{md_text(head.title)}**" + (f" ({md_text(byline)})" if byline else "") + ":"
        blocks.append("\n".join([title] + [f"- “{md_text(c.quote)}” \\[{c.n}\\]" for c in group]))
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
    return ("Quotes on: " if mode == QUOTES else "") + md_text(question)


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
    if answer.citations:
        chosen = selected or answer.citations[0].n
        every_open = turn.mode == QUOTES  # quotes are for picking: each with its copy button in view
        cards = "".join(_citation_card(c, c.n == chosen, every_open or c.n == chosen) for c in answer.citations)
        heading = "Quotes" if turn.mode == QUOTES else "Sources"
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
    asked = ("quotes on " if turn.mode == QUOTES else "") + f"“{esc(turn.question)}”"
    return f'<p class="fn-note fn-earlier">Of an earlier answer, to {asked}. Click an answer to see its sources.</p>'


def _citation_card(c: Citation, is_selected: bool, is_open: bool) -> str:
    start, end = c.start - c.passage_start, c.end - c.passage_start
    passage = f"{esc(c.passage_text[:start])}<mark>{esc(c.passage_text[start:end])}</mark>{esc(c.passage_text[end:])}"
    copy_text = f"“{c.quote}” — {c.attribution()}"
    classes = "fn-source fn-selected" if is_selected else "fn-source"
    return (
        f'<details class="{classes}" id="fn-cite-{c.n}"{" open" if is_open else ""}>'
        f'<summary><span class="fn-n">[{c.n}]</span> <span class="fn-title">{esc(c.title)}</span></summary>'
        f"{_facts(c.author, c.published, c.publisher, c.section, c.paragraph, c.article_id, c.url)}"
        f'<blockquote class="fn-passage">{passage}</blockquote>'
        f'<button type="button" class="fn-copy" data-copy="{esc(copy_text)}">Copy quote with attribution</button>'
        "</details>"
    )


def _closest_card(s: Source) -> str:
    return (
        '<details class="fn-source fn-closest" open>'
        f'<summary><span class="fn-badge">not an answer</span> <span class="fn-title">{esc(s.title)}</span></summary>'
        f"{_facts(s.author, s.published, s.publisher, s.section, s.paragraph, s.article_id, s.url)}"
        f'<blockquote class="fn-passage">{esc(s.text)}</blockquote></details>'
    )


def _facts(author, published, publisher, section, paragraph, article_id, url) -> str:
    """Where the passage comes from; unknown fields say so instead of vanishing."""
    rows = [
        ("Author", author or "not given"),
        ("Date", published or "not given"),
        ("Publisher", publisher),
        ("Section", section or "opening"),
        ("Paragraph", paragraph or ""),
        ("Article", article_id),
        ("URL", url),  # shown as text: a link from an article could point anywhere
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
        kind = "Quotes on" if turn.mode == QUOTES else "Question"
        lines += [f"## {i}. {kind}: {turn.question}", ""]
        if answer.notice:
            lines += [f"*{answer.notice}*", ""]
        lines += [answer.text or "(no quotes found)", ""]
        if answer.citations:
            lines += ["**Sources**", ""]
            for c in answer.citations:
                where = ", ".join(x for x in (c.section, f"paragraph {c.paragraph}" if c.paragraph else "") if x)
                lines.append(f"[{c.n}] {c.attribution()}. {c.article_id}" + (f", {where}" if where else "") + ".")
                lines.append(f"    “{c.quote}”" + (f" <{c.url}>" if c.url else ""))
            lines.append("")
    return "\n".join(lines)


# --- the conversation kept in the browser -------------------------------------------------------------


def stored_conversation(turns: list[Turn]) -> dict:
    """What the browser keeps: each turn as it was answered, enough to redraw it, its sources, its export.

    Citations carry their quote and passage, so a reloaded turn shows the sources it was answered
    from, with the same numbers, even if the corpus has changed since.
    """
    return {"format": STORAGE_FORMAT, "turns": [_stored_turn(t) for t in turns[-MAX_STORED_TURNS:]]}


def _stored_turn(turn: Turn) -> dict:
    """Retrieved passages are dropped except those a refusal shows: they are most of the weight."""
    answer = turn.answer
    shown = [] if answer.citations else [s.model_copy(update={"sentences": []}) for s in answer.sources[:CLOSEST_SHOWN]]
    kept = answer.model_copy(update={"sources": shown})
    return {"question": turn.question, "mode": turn.mode, "answer": kept.model_dump(mode="json")}


def restored_turns(stored: Any) -> list[Turn]:
    """The turns a browser sent back; anything unreadable (an older format, edited by hand) gives none.

    All or nothing: a history with a turn missing would misnumber the ones after it.
    """
    if not isinstance(stored, dict) or stored.get("format") != STORAGE_FORMAT:
        return []
    items = stored.get("turns")
    if not isinstance(items, list):
        return []
    try:
        return [_restored_turn(item) for item in items[-MAX_STORED_TURNS:]]
    except (TypeError, KeyError, ValueError):  # pydantic's ValidationError is a ValueError
        return []


def _restored_turn(item: dict) -> Turn:
    question, mode = item["question"], item["mode"]
    if not isinstance(question, str) or mode not in (ANSWER, QUOTES):
        raise ValueError("not a turn")
    return Turn(question, mode, Answer.model_validate(item["answer"]))


def browser_storage(settings: Settings) -> tuple[str, str]:
    """The localStorage key and the secret Gradio encrypts the stored conversation with.

    localStorage is per origin (host and port), so two apps on different ports never mix; the key
    also names the corpus and index, so another corpus served later at the same address does not
    show this one's conversation. Both are derived rather than random so that a restarted app
    still reads what the browser kept. The secret keeps the conversation from lying in the
    browser's files as plain text; it hides nothing from someone who can open the app.
    """
    store = f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else settings.index_dir.resolve()
    identity = f"{settings.corpus_dir.resolve()}|{store}|{settings.collection}"
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()
    return f"footnote-conversation-{digest[:16]}", digest[16:48]


# --- filters and drafts ----------------------------------------------------------------------------


def make_filters(article_ids: list[str] | None, author: str | None, date_from: str, date_to: str) -> Filters | None:
    dates = [(date_from or "").strip(), (date_to or "").strip()]
    for date in dates:
        if date and not _ISO_DATE.match(date):
            raise UserInputError(f"“{date}” is not a date: write it as 2024, 2024-11 or 2024-11-07.")
    filters = Filters(tuple(article_ids or ()), (author or "").strip(), dates[0], dates[1])
    return filters if filters.active() else None


def draft_from_text(text: str) -> Draft:
    """Pasted text as a Draft. No stem: the library then names the file after the title, typed or derived."""
    body = (text or "").strip("\n")
    if not body.strip():
        raise IngestError("pasted text", "there is no text to add; paste the article first")
    return Draft(body=body, meta=ArticleMeta(), stem="")


def article_file_name(draft: Draft, overrides: dict[str, str]) -> str:
    """The corpus file an add writes: named after the file or page read, else after the title.

    The app passes this name to ``Library.add``, so the name it warns about is the one written.
    """
    title = overrides.get("title") or draft.meta.title or derive_title(draft.body, draft.stem)
    return slugify(draft.stem or title) + ".md"


def article_choices(articles: list[ArticleInfo]) -> tuple[list[tuple[str, str]], list[str]]:
    """Picker choices: (title — id, id) per article, and the known authors.

    Pickers also accept typed ids: API callers never receive the choice updates a page gets.
    """
    choices = [(f"{a.title} — {a.id}", a.id) for a in articles]
    return choices, sorted({a.author for a in articles if a.author})


def table_rows(articles: list[ArticleInfo], query: str = "") -> list[list[Any]]:
    words = (query or "").lower().split()
    rows = []
    for a in articles:
        haystack = " ".join((a.title, a.author, a.publisher, a.published, a.id)).lower()
        if all(w in haystack for w in words):
            added = dt.datetime.fromtimestamp(a.added).strftime("%Y-%m-%d %H:%M") if a.added else ""
            rows.append([a.title, a.author, a.published, a.passages, added, a.id])
    return rows


# --- the app ---------------------------------------------------------------------------------------


class FootnoteApp:
    """The handlers behind every button, callable without a browser (that is how they are tested)."""

    def __init__(self, settings: Settings, library: Library | None = None, assistant: Assistant | None = None):
        if library is None:
            from ingest.index import Index

            library = Library(settings, Index(settings))
        self.settings = settings
        self.library = library
        self.assistant = assistant or Assistant(library.index, settings)
        self.export_dir = Path(tempfile.mkdtemp(prefix="footnote-export-"))

    # --- chat ----------------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        mode: str,
        article_ids: list[str] | None,
        author: str | None,
        date_from: str,
        date_to: str,
        turns: list[Turn],
    ) -> Iterator[tuple]:
        """Answer and stream the reply; outputs: chat, turns, source picker, sources, question box, status."""
        # and two for the page alone (see ``_view``): the conversation the browser keeps, and untouched
        try:
            filters = make_filters(article_ids, author, date_from, date_to)
        except UserInputError as exc:
            yield self._refused(turns, question, str(exc))
            return
        yield from self._answer(question, mode, filters, turns, keep_on_error=question)

    def retry(self, mode, article_ids, author, date_from, date_to, turns: list[Turn]) -> Iterator[tuple]:
        """Ask the last question again, with the mode and filters as they are now."""
        if not turns:
            yield self._refused(turns, "", "There is no question to retry yet.")
            return
        yield from self.ask(turns[-1].question, mode, article_ids, author, date_from, date_to, turns[:-1])

    def undo(self, turns: list[Turn]) -> tuple:
        """Drop the last exchange and give its question back for editing."""
        if not turns:
            return self._view(turns, "", settled=True)
        return self._view(turns[:-1], turns[-1].question, "The last exchange was removed.", settled=True)

    def clear(self) -> tuple:
        return self._view([], "", settled=True)

    def restore(self, stored: Any, turns: list[Turn], untouched: bool = True) -> tuple:
        """Redraw the conversation the browser kept as a page opens; outputs: chat, turns, picker, sources, untouched.

        It runs on page load and whenever the kept value changes, because the browser reads it as
        the page starts, before or after the load event. Only a page whose conversation nothing has
        touched yet is filled: every later change of the kept value is the page's own save, and
        redrawing it then would bring back turns a Clear or Undo had just removed. Once filled, the
        page is touched, so the second of the two calls a page start makes changes nothing.
        """
        restored = restored_turns(stored) if untouched and not turns else []
        if not restored:
            return (gr.skip(),) * 5
        return *self._view(restored, "", settled=True)[:4], False

    def stored(self, turns: list[Turn]) -> dict:
        """The value the browser keeps, written with every settled change to the conversation.

        A cleared conversation is stored as one with no turns, never as None: the browser skips
        writing an empty value and would keep the old conversation.
        """
        return stored_conversation(turns)

    def show_source(self, selected: int | None, turns: list[Turn], shown: int | None = None) -> str:
        """Open citation ``selected`` of the answer in the panel: the latest, or the one clicked in the chat."""
        return sources_html(turn_shown(turns, shown), selected, earlier=is_earlier(turns, shown))

    def show_turn(self, turns: list[Turn], event: gr.SelectData) -> tuple:
        """Show the sources of the answer (or question) clicked in the chat; outputs: picker, sources, shown.

        Each answer numbers its sources from [1]: the [2] of an earlier answer is its own second
        source, which the panel can only show once that answer is chosen.
        """
        index = event.index if isinstance(event.index, int) else event.index[0]
        if not 0 <= index // 2 < len(turns):  # the question still being answered
            return (gr.skip(),) * 3
        shown = None if index // 2 == len(turns) - 1 else index // 2
        return *self._sources_view(turns, shown), shown

    def export(self, turns: list[Turn]) -> str | None:
        if not turns:
            warn("There is nothing to export yet: ask a question first.")
            return None
        now = dt.datetime.now()
        path = self.export_dir / f"footnote-conversation-{now:%Y%m%d-%H%M%S}.md"
        path.write_text(conversation_markdown(turns, now), encoding="utf-8")
        return str(path)

    def _answer(self, question, mode, filters, turns, keep_on_error) -> Iterator[tuple]:
        try:
            shown = clean_question(question)[0]
        except QuestionError as exc:
            yield self._refused(turns, keep_on_error, str(exc))
            return
        yield self._view(turns, "", pending=(shown, mode))
        history = [t.question for t in turns]
        if mode == QUOTES:
            answer = self.assistant.quotes(question, filters)
        elif self.assistant.llm is not None:
            answer = None
            for answer in self.assistant.stream(question, history, filters):  # the model's own pace
                partial = Turn(answer.question, mode, answer)
                yield self._view(turns, "", pending=(shown, mode), partial="\n\n".join(answer_blocks(partial)))
        else:
            answer = self.assistant.ask(question, history, filters)
        turn = Turn(answer.question, mode, answer)
        blocks = answer_blocks(turn)
        for i in range(1, len(blocks)):
            yield self._view(turns, "", pending=(turn.question, mode), partial="\n\n".join(blocks[:i]))
        yield self._view([*turns, turn], "", answer.notice or _filters_note(filters), settled=True)

    def _refused(self, turns, question, message) -> tuple:
        warn(message)
        return self._view(turns, question, message)

    def _view(self, turns, question, status="", pending=None, partial="", settled=False) -> tuple:
        """All chat outputs at once: chat, turns, picker, sources, question box, status, kept, untouched.

        A ``settled`` view (an answer complete, an exchange undone, the chat cleared) redraws the
        source picker and panel and gives the browser the conversation to keep, in this same update,
        so what it keeps is never older than what the page shows. Views on the way there (the
        question pending, a streaming answer, a refusal) leave all three as they are. Every view
        marks the page as touched: from then on a late-arriving kept value is never redrawn.
        """
        if settled:
            picker, panel = self._sources_view(turns, None)
            kept = self.stored(turns)
        else:
            picker, panel, kept = gr.update(), gr.update(), gr.skip()
        return chat_messages(turns, pending, partial), turns, picker, panel, question, md_text(status), kept, False

    def _sources_view(self, turns: list[Turn], shown: int | None) -> tuple:
        """Source picker and panel for one turn (``shown``; None is the latest)."""
        turn = turn_shown(turns, shown)
        citations = turn.answer.citations if turn else []
        picker = gr.update(
            choices=[(f"[{c.n}]", c.n) for c in citations],
            value=citations[0].n if citations else None,
            visible=bool(citations),
        )
        return picker, sources_html(turn, earlier=is_earlier(turns, shown))

    # --- corpus ---------------------------------------------------------------------------------
    def corpus_views(self, query: str = "", chosen: list[str] | None = None) -> tuple:
        """Table and pickers after any change: table, manage picker, filter picker, author picker.

        The article filter keeps its choices that still exist, so a removed article cannot
        silently keep restricting the answers.
        """
        articles = self.library.articles()
        ids = {a.id for a in articles}
        choices, authors = article_choices(articles)
        return (
            table_rows(articles, query),
            gr.update(choices=choices, value=None),
            gr.update(choices=choices, value=[i for i in chosen or [] if i in ids]),
            gr.update(choices=authors),
        )

    def filter_table(self, query: str) -> list[list[Any]]:
        return table_rows(self.library.articles(), query)

    def propose_file(self, path: str | None) -> tuple:
        """Read an uploaded file into a draft; outputs are the add form (see ``_form``)."""
        if not path:
            return self._form(None, "")
        name = Path(path).name
        try:
            draft = self.library.draft_from_file(name, Path(path).read_bytes())
        except IngestError as exc:
            return self._form(None, _plain(exc), ok=False)
        return self._form(draft, f"Read {name}: check the details below, then add it." + self._same_name_note(draft))

    def propose_text(self, text: str) -> tuple:
        try:
            draft = draft_from_text(text)
        except IngestError as exc:
            return self._form(None, _plain(exc), ok=False)
        ready = "Text ready: give its title and author if you know them, then add it."
        return self._form(draft, ready + self._same_name_note(draft))

    def propose_url(self, url: str) -> tuple:
        try:
            draft = fetch_draft(url, self.settings.max_file_bytes, allow_local=not serves_others(self.settings))
        except IngestError as exc:
            return self._form(None, _plain(exc), ok=False)
        read = "Page read: check the details and the text, then add it."
        return self._form(draft, read + self._same_name_note(draft))

    def add(
        self,
        draft: Draft | None,
        title: str,
        author: str,
        published: str,
        publisher: str,
        url: str,
        progress: Callable = gr.Progress(),
    ) -> tuple:
        """Write the draft into the corpus and index it: askable as soon as this returns.

        A draft whose file name an article already has is not added: the user is asked first
        (``replace``), since adding it would overwrite that article.
        """
        return self._add(draft, [title, author, published, publisher, url], None, progress)

    def replace(
        self,
        draft: Draft | None,
        title: str,
        author: str,
        published: str,
        publisher: str,
        url: str,
        confirmed: str | None,
        progress: Callable = gr.Progress(),
    ) -> tuple:
        """Add over the article the user agreed to replace, and only that one.

        If the name changed since (a new title for pasted text), the user is asked again.
        """
        return self._add(draft, [title, author, published, publisher, url], confirmed, progress)

    def cancel_replace(self, replacing: str | None) -> tuple:
        """Outputs: the name waiting for confirmation, the confirm box, the status."""
        message = f"Nothing was added: {replacing} is unchanged." if replacing else "Nothing was added."
        return None, gr.update(visible=False), md_text(message)

    def _add(self, draft: Draft | None, values: list[str], confirmed: str | None, progress: Callable) -> tuple:
        fields = dict(zip(("title", "author", "published", "publisher", "url"), values, strict=True))
        overrides = {k: v.strip() for k, v in fields.items() if v and v.strip()}
        if draft is None:
            return self._form_kept(draft, "Choose a file, paste text or fetch a URL first.")
        if not _ISO_DATE.match(overrides.get("published", "2000")):
            return self._form_kept(draft, f"“{overrides['published']}” is not a date: write it as 2024-11-07.")
        name = article_file_name(draft, overrides)
        existing = self._title_of(name)
        if existing is not None and name != confirmed:
            return self._ask_to_replace(draft, name, existing)
        try:
            article = self.library.add(
                draft, name=name, overrides=overrides, progress=lambda done, what: progress(done, desc=what)
            )
        except IngestError as exc:
            return self._form_kept(draft, _plain(exc))
        if existing is None:
            return self._form(None, f"Added “{article.title}” as {article.id}. It can be asked about now.")
        done = f"Replaced {name} (“{existing}”) with the new text, “{article.title}”. It can be asked about now."
        return self._form(None, done)

    def _title_of(self, article_id: str) -> str | None:
        """The title of the article with this id, or None when there is no such file."""
        if not (self.library.corpus_dir / article_id).is_file():
            return None
        return next((a.title for a in self.library.articles() if a.id == article_id), article_id)

    def _same_name_note(self, draft: Draft) -> str:
        """Said as soon as a draft is read, so the replacement does not come as a surprise at Add."""
        name = article_file_name(draft, {})
        existing = self._title_of(name)
        if existing is None:
            return ""
        return (
            f" Note: the corpus already has an article named {name} (“{existing}”); "
            "adding this one will replace it, after you confirm."
        )

    def _form(self, draft: Draft | None, status: str, ok: bool = True) -> tuple:
        """Add-form outputs: draft, title, author, published, publisher, url, preview, replacing, confirm box, status.

        ``replacing`` is the file name waiting for the user to confirm its replacement.
        """
        if not ok:
            warn(status)
        no_question = (None, gr.update(visible=False))
        if draft is None:
            return None, gr.update(value="", placeholder=""), "", "", "", "", "", *no_question, md_text(status)
        meta, body = draft.meta, draft.body
        preview = body[:PREVIEW_CHARS] + ("…" if len(body) > PREVIEW_CHARS else "")
        title = gr.update(value=meta.title, placeholder=f"If left empty: {derive_title(body, draft.stem)}")
        fields = (meta.author, meta.published, meta.publisher, meta.url)
        return draft, title, *fields, preview, *no_question, md_text(status)

    def _form_kept(self, draft: Draft | None, problem: str) -> tuple:
        """A refused add leaves what the user typed in place, so it can be corrected."""
        warn(problem)
        return draft, *[gr.update()] * 6, None, gr.update(visible=False), md_text(problem)

    def _ask_to_replace(self, draft: Draft, name: str, existing: str) -> tuple:
        """Nothing is written: the form stays, and the confirm box asks about this very file name."""
        question = (
            f"An article named {name} is already in the corpus: “{existing}”. Adding this one will replace it "
            "(its text and passages; the old version is not kept). Replace it?"
        )
        warn(f"An article named {name} is already in the corpus: confirm to replace it.")
        return draft, *[gr.update()] * 6, name, gr.update(visible=True), md_text(question)

    def request_removal(self, ref: str | None) -> tuple:
        """First step of removing: name the article and ask to confirm.

        Outputs: pending id, confirm prompt, confirm box, status.
        """
        try:
            article_id = self._resolve(ref)
        except IngestError as exc:
            return None, "", gr.update(visible=False), self._status(_plain(exc), ok=False)
        title = next((a.title for a in self.library.articles() if a.id == article_id), article_id)
        prompt = f"Remove “{title}” ({article_id}) from the corpus folder and the index? This cannot be undone."
        return article_id, md_text(prompt), gr.update(visible=True), ""

    def confirm_removal(self, article_id: str | None) -> tuple:
        """Outputs: pending id, confirm box, status."""
        done = (None, gr.update(visible=False))
        if not article_id:
            return *done, self._status("Nothing to remove.", ok=False)
        try:
            self.library.remove(article_id)
        except IngestError as exc:
            return *done, self._status(_plain(exc), ok=False)
        return *done, self._status(f"Removed {article_id}.")

    def cancel_removal(self) -> tuple:
        return None, gr.update(visible=False), self._status("Nothing was removed.")

    def reindex(self, ref: str | None, progress: Callable = gr.Progress()) -> str:
        """Index one article again from its file, e.g. after it was edited by hand."""
        try:
            article_id = self._resolve(ref)
            article = self.library.article(article_id)
            n = self.library.index.index_article(article, progress=lambda done, what: progress(done, desc=what))
        except IngestError as exc:
            return self._status(_plain(exc), ok=False)
        return self._status(f"Re-indexed {article_id}: {n} passages.")

    def _resolve(self, ref: str | None) -> str:
        """An article id from a picker value or, through the API, an id, file name or stem."""
        if not (ref or "").strip():
            raise IngestError("article", "choose an article first")
        return self.library.resolve(ref.strip())

    def _status(self, message: str, ok: bool = True) -> str:
        if not ok:
            warn(message)
        return md_text(message)

    # --- layout --------------------------------------------------------------------------------
    def build(self) -> gr.Blocks:
        with gr.Blocks(title="Footnote", analytics_enabled=False) as blocks:
            gr.Markdown(
                "# Footnote\nAnswers made only of sentences quoted from the articles, each with its source.",
                elem_id="fn-header",
            )
            with gr.Tabs():
                with gr.Tab("Ask", id="ask"):
                    chat = self._chat_tab()
                with gr.Tab("Corpus", id="corpus"):
                    corpus = self._corpus_tab()
            views = [corpus["table"], corpus["manage"], chat["articles"], chat["author"]]
            view_inputs = [corpus["search"], chat["articles"]]
            blocks.load(self.corpus_views, view_inputs, views, api_name=False)
            # The browser reads what it kept as the page starts, racing the load event: either may come
            # first, so both restore; ``restore`` fills only a page whose conversation is untouched.
            gr.on([blocks.load, chat["saved"].change], **chat["restore"], api_name=False, queue=False)
            for event in corpus["changes"]:
                event.then(self.corpus_views, view_inputs, views, api_name=False)
            gr.api(self.answer_data, api_name="answer_data", concurrency_id="chat", concurrency_limit=4)
        blocks.queue(default_concurrency_limit=1)
        return blocks

    def answer_data(self, question: str, history: list[str]) -> dict:
        """The whole answer as data, for scripts: citations with their spans, passages, scores.

        The chat endpoint returns display Markdown; this is what a program checks citations with.
        """
        try:
            return self.assistant.ask(question, list(history or [])).model_dump()
        except QuestionError as exc:
            return {"error": str(exc)}

    def _chat_tab(self) -> dict:
        choices, authors = article_choices(self.library.articles())
        turns = gr.State([])
        shown = gr.State(None)  # the turn whose sources the panel shows, when not the latest
        key, secret = browser_storage(self.settings)
        saved = gr.BrowserState(None, storage_key=key, secret=secret)
        untouched = gr.State(True)  # nothing has changed this page's conversation yet: see ``restore``
        with gr.Row(equal_height=False, elem_id="fn-chat-row"):
            with gr.Column(scale=3, min_width=420):
                chatbot = gr.Chatbot(
                    elem_id="fn-chat",
                    show_label=False,
                    height="62vh",
                    latex_delimiters=[],
                    buttons=[],
                    feedback_options=None,
                    placeholder="**Ask about the articles in the corpus.** Every answer is made of sentences "
                    "quoted word for word, each numbered with its source; when the articles do not say, "
                    "Footnote says so.",
                    examples=[{"text": q} for q in EXAMPLES],
                )
                with gr.Row(elem_id="fn-ask-row"):
                    question = gr.Textbox(
                        show_label=False,
                        placeholder="Ask a question, or give a topic in Quotes mode",
                        scale=6,
                        lines=1,
                        max_lines=6,
                        elem_id="fn-question",
                        autofocus=True,
                    )
                    ask = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="fn-ask")
                with gr.Row(elem_id="fn-tools"):
                    mode = gr.Radio(
                        [("Answer", ANSWER), ("Quotes", QUOTES)],
                        value=ANSWER,
                        show_label=False,
                        container=False,
                        elem_id="fn-mode",
                        scale=1,
                        min_width=220,
                    )
                    retry = gr.Button("Retry", size="sm", scale=0, min_width=72, elem_id="fn-retry")
                    undo = gr.Button("Undo", size="sm", scale=0, min_width=72, elem_id="fn-undo")
                    clear = gr.Button("Clear", size="sm", scale=0, min_width=72, elem_id="fn-clear")
                    export = gr.Button("Export", size="sm", scale=0, min_width=72, elem_id="fn-export")
                status = gr.Markdown(elem_id="fn-chat-status")
                exported = gr.File(label="Conversation (Markdown)", visible=False, elem_id="fn-exported")
                with gr.Accordion("Filters: search only some articles", open=False, elem_id="fn-filters"):
                    articles = gr.Dropdown(
                        label="Articles",
                        multiselect=True,
                        choices=choices,
                        allow_custom_value=True,
                        elem_id="fn-filter-articles",
                    )
                    with gr.Row():
                        author = gr.Dropdown(
                            label="Author",
                            choices=authors,
                            allow_custom_value=True,
                            value=None,
                            elem_id="fn-filter-author",
                        )
                        date_from = gr.Textbox(label="Published from", placeholder="2024-01-01", elem_id="fn-from")
                        date_to = gr.Textbox(label="Published until", placeholder="2024-12-31", elem_id="fn-to")
            with gr.Column(scale=2, min_width=340, elem_id="fn-sources-column"):
                picker = gr.Radio(label="Show source", choices=[], visible=False, elem_id="fn-picker")
                sources = gr.HTML(EMPTY_SOURCES, elem_id="fn-sources-panel", js_on_load=COPY_JS, padding=False)

        filters = [mode, articles, author, date_from, date_to]
        # The page's chat events write the conversation the browser keeps in the same update as the chat
        # they draw (see ``_view``), so a reload never finds an older one. API clients keep none: their
        # endpoints, the same handlers with no trigger on the page, send it to a state nobody reads.
        outputs = [chatbot, turns, picker, sources, question, status, saved, untouched]
        api_outputs = [chatbot, turns, picker, sources, question, status, gr.State(None), untouched]
        chat_queue = {"concurrency_id": "chat", "concurrency_limit": 4}
        ask_inputs = [question, *filters, turns]
        changes = [
            ask.click(self.ask, ask_inputs, outputs, api_name=False, **chat_queue),
            question.submit(self.ask, ask_inputs, outputs, api_name=False, **chat_queue),
            chatbot.example_select(_example_text, None, question, api_name=False).then(
                self.ask, ask_inputs, outputs, api_name=False, **chat_queue
            ),
            retry.click(self.retry, [*filters, turns], outputs, api_name=False, **chat_queue),
            undo.click(self.undo, turns, outputs, api_name=False),
            clear.click(self.clear, None, outputs, api_name=False),
            chatbot.clear(self.clear, None, outputs, api_name=False),
        ]
        for change in changes:
            change.then(lambda: None, None, shown, api_name=False, queue=False)  # the panel is back on the latest
        gr.on([], self.ask, ask_inputs, api_outputs, api_name="ask", **chat_queue)
        gr.on([], self.retry, [*filters, turns], api_outputs, api_name="retry", **chat_queue)
        gr.on([], self.undo, turns, api_outputs, api_name="undo")
        gr.on([], self.clear, None, api_outputs, api_name="clear")
        picker.input(self.show_source, [picker, turns, shown], sources, api_name="show_source").then(
            None, picker, None, js=SCROLL_JS
        )
        chatbot.select(self.show_turn, turns, [picker, sources, shown], api_name=False, queue=False)
        export.click(self.export, turns, exported, api_name="export").then(
            lambda path: gr.update(visible=bool(path)), exported, exported, api_name=False
        )
        restore = {
            "fn": self.restore,
            "inputs": [saved, turns, untouched],
            "outputs": [chatbot, turns, picker, sources, untouched],
        }
        return {"articles": articles, "author": author, "saved": saved, "restore": restore}

    def _corpus_tab(self) -> dict:
        choices, _ = article_choices(self.library.articles())
        draft = gr.State(None)
        replacing = gr.State(None)  # the file name the user is asked to confirm replacing
        pending_removal = gr.State(None)
        with gr.Row():
            search = gr.Textbox(
                show_label=False, placeholder="Search titles, authors, dates…", scale=3, elem_id="fn-search"
            )
        table = gr.Dataframe(
            headers=TABLE_HEADERS,
            datatype=["str", "str", "str", "number", "str", "str"],
            interactive=False,
            wrap=True,
            column_widths=["38%", "14%", "10%", "8%", "13%", "17%"],
            elem_id="fn-table",
            max_height=360,
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                gr.Markdown("### Add an article")
                with gr.Tabs():
                    with gr.Tab("Upload a file"):
                        upload = gr.File(
                            label=f"One file: {' '.join(ADD_SUFFIXES)}",
                            file_types=list(ADD_SUFFIXES),
                            type="filepath",
                            elem_id="fn-upload",
                        )
                    with gr.Tab("Paste text"):
                        pasted = gr.Textbox(label="Article text", lines=8, max_lines=20, elem_id="fn-paste")
                        use_text = gr.Button("Use this text", size="sm", elem_id="fn-use-text")
                    with gr.Tab("From a URL"), gr.Row():
                        url_in = gr.Textbox(label="Web address", placeholder="https://…", scale=4, elem_id="fn-url-in")
                        fetch = gr.Button("Fetch", size="sm", scale=1, elem_id="fn-fetch")
                with gr.Row():
                    title = gr.Textbox(label="Title", elem_id="fn-meta-title", scale=2)
                    author = gr.Textbox(label="Author", elem_id="fn-meta-author")
                with gr.Row():
                    published = gr.Textbox(label="Published", placeholder="2024-11-07", elem_id="fn-meta-published")
                    publisher = gr.Textbox(label="Publisher", elem_id="fn-meta-publisher")
                    url = gr.Textbox(label="URL", elem_id="fn-meta-url")
                preview = gr.Textbox(
                    label="Text to be added (beginning)", lines=5, max_lines=10, interactive=False, elem_id="fn-preview"
                )
                add = gr.Button("Add to corpus", variant="primary", elem_id="fn-add")
                add_status = gr.Markdown(elem_id="fn-add-status")
                with gr.Group(visible=False, elem_id="fn-replace") as replace_box, gr.Row():
                    replace_yes = gr.Button("Yes, replace it", variant="stop", size="sm", elem_id="fn-replace-yes")
                    replace_no = gr.Button("Cancel", size="sm", elem_id="fn-replace-no")
            with gr.Column(scale=2):
                gr.Markdown("### Manage")
                manage = gr.Dropdown(
                    label="Article", choices=choices, value=None, allow_custom_value=True, elem_id="fn-manage"
                )
                with gr.Row():
                    reindex = gr.Button("Re-index", size="sm", elem_id="fn-reindex")
                    remove = gr.Button("Remove…", size="sm", variant="stop", elem_id="fn-remove")
                with gr.Group(visible=False, elem_id="fn-confirm") as confirm_box:
                    prompt = gr.Markdown(elem_id="fn-confirm-prompt")
                    with gr.Row():
                        confirm = gr.Button("Yes, remove it", variant="stop", size="sm", elem_id="fn-confirm-yes")
                        cancel = gr.Button("Cancel", size="sm", elem_id="fn-confirm-no")
                manage_status = gr.Markdown(elem_id="fn-manage-status")

        form = [draft, title, author, published, publisher, url, preview, replacing, replace_box, add_status]
        fields = [draft, title, author, published, publisher, url]
        reads = {"concurrency_id": "corpus-read", "concurrency_limit": 2}
        writes = {"concurrency_id": "corpus-write", "concurrency_limit": 1}
        search.change(self.filter_table, search, table, api_name=False)
        upload.upload(self.propose_file, upload, form, api_name="propose_file", **reads)
        upload.clear(self.propose_file, upload, form, api_name=False)
        use_text.click(self.propose_text, pasted, form, api_name="propose_text", **reads)
        fetch.click(self.propose_url, url_in, form, api_name="propose_url", **reads)
        added = add.click(self.add, fields, form, api_name="add", **writes)
        replaced = replace_yes.click(self.replace, [*fields, replacing], form, api_name="replace", **writes)
        replace_no.click(self.cancel_replace, replacing, [replacing, replace_box, add_status], api_name=False)
        for event in (added, replaced):
            event.then(_upload_after_add, draft, upload, api_name=False)
        remove.click(
            self.request_removal,
            manage,
            [pending_removal, prompt, confirm_box, manage_status],
            api_name="request_removal",
        )
        confirm_outputs = [pending_removal, confirm_box, manage_status]
        removed = confirm.click(self.confirm_removal, pending_removal, confirm_outputs, api_name="remove", **writes)
        cancel.click(self.cancel_removal, None, confirm_outputs, api_name=False)
        reindexed = reindex.click(self.reindex, manage, manage_status, api_name="reindex", **writes)
        return {"table": table, "manage": manage, "search": search, "changes": [added, replaced, removed, reindexed]}


def _upload_after_add(draft: Draft | None) -> Any:
    """An added file leaves the upload box (the draft is gone); a refused one stays to be fixed."""
    return gr.update() if draft is not None else None


def _example_text(evt: gr.SelectData) -> str:
    return evt.value["text"]


def _filters_note(filters: Filters | None) -> str:
    if filters is None:
        return ""
    parts = []
    if filters.article_ids:
        parts.append(f"{len(filters.article_ids)} chosen article(s)")
    if filters.author:
        parts.append(f"author “{filters.author}”")
    if filters.date_from or filters.date_to:
        parts.append(f"published {filters.date_from or '…'} to {filters.date_to or '…'}")
    return "Searched only " + ", ".join(parts) + "."


def _plain(exc: IngestError) -> str:
    return f"{exc.source}: {exc.problem}"


# --- page assets -------------------------------------------------------------------------------------

# Copy buttons live in the sources panel; navigator.clipboard needs a secure context (localhost or
# https), so plain-http access from another machine falls back to a hidden textarea.
COPY_JS = """
element.addEventListener('click', async (event) => {
  const button = event.target.closest('button.fn-copy');
  if (!button) return;
  const text = button.dataset.copy;
  try {
    await navigator.clipboard.writeText(text);
  } catch (err) {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  const label = button.textContent;
  button.textContent = 'Copied';
  setTimeout(() => { button.textContent = label; }, 1500);
});
"""

SCROLL_JS = """
(n) => {
  const card = document.getElementById('fn-cite-' + n);
  if (card) card.scrollIntoView({block: 'nearest', behavior: 'smooth'});
}
"""

CSS = """
.gradio-container { max-width: 1500px !important; }
#fn-header h1 { margin-bottom: 0; font-size: 1.6rem; }
#fn-header p { margin-top: 0.2rem; color: var(--body-text-color-subdued); }
#fn-tools { align-items: center; }
#fn-sources-column { position: sticky; top: 0.5rem; align-self: flex-start; }
#fn-sources-panel { max-height: 78vh; overflow-y: auto; }
.fn-sources h3 { margin: 0 0 0.6rem; font-size: 1.05rem; }
.fn-empty, .fn-note { color: var(--body-text-color-subdued); font-size: 0.92rem; line-height: 1.5; }
.fn-empty { padding: 1rem; border: 1px dashed var(--border-color-primary); border-radius: 8px; }
.fn-earlier { margin: 0 0 0.6rem; padding: 0.35rem 0.6rem; border-radius: 6px;
  border-left: 3px solid var(--color-accent); background: var(--background-fill-secondary); }
#fn-chat .message { cursor: pointer; }
.fn-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.55rem 0.8rem;
  margin-bottom: 0.6rem; background: var(--block-background-fill); }
.fn-source.fn-selected { border-color: var(--color-accent); box-shadow: 0 0 0 1px var(--color-accent); }
.fn-source summary { cursor: pointer; font-weight: 600; line-height: 1.4; }
.fn-n { color: var(--color-accent); font-variant-numeric: tabular-nums; }
.fn-facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.8rem; margin: 0.5rem 0;
  font-size: 0.85rem; }
.fn-facts dt { color: var(--body-text-color-subdued); }
.fn-facts dd { margin: 0; overflow-wrap: anywhere; }
/* the table uses a monospace font inside itself (its own --font), hence the named font */
#fn-table * { font-family: "Source Sans Pro", system-ui, sans-serif !important; }
.fn-passage { white-space: pre-wrap; margin: 0.4rem 0; padding: 0.5rem 0.75rem; font-size: 0.93rem;
  line-height: 1.55; border-left: 3px solid var(--border-color-primary); background: var(--background-fill-secondary); }
.fn-passage mark { background: #fde68a; color: #1f2937; padding: 0 0.1em; border-radius: 2px; }
.fn-badge { display: inline-block; font-size: 0.75rem; font-weight: 600; text-transform: uppercase;
  letter-spacing: 0.03em; padding: 0.05rem 0.45rem; border-radius: 999px; background: #fee2e2; color: #991b1b; }
.fn-copy { font-size: 0.8rem; padding: 0.2rem 0.6rem; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--border-color-primary); background: var(--button-secondary-background-fill); }
.fn-copy:hover { background: var(--button-secondary-background-fill-hover); }
"""


# Fonts ship with Gradio and are served by the app itself: the page makes no outside requests.
THEME = gr.themes.Soft(
    primary_hue="indigo",
    neutral_hue="slate",
    font=[gr.themes.LocalFont("Source Sans Pro", weights=(400, 700)), "system-ui", "sans-serif"],
)


# --- starting the server ---------------------------------------------------------------------------


def exposure_problem(settings: Settings) -> str | None:
    """Why the app must not start with these settings: reachable from other machines without a password."""
    has_user, has_password = bool(settings.auth_username), bool(settings.auth_password)
    if has_user != has_password:
        return "Set both FOOTNOTE_AUTH_USERNAME and FOOTNOTE_AUTH_PASSWORD, or neither."
    if is_loopback(settings.host) or has_user or settings.allow_public:
        return None
    return (
        f"Refusing to listen on {settings.host} without a password: anyone on the network could read and "
        "change the corpus. Set FOOTNOTE_AUTH_USERNAME and FOOTNOTE_AUTH_PASSWORD, listen on 127.0.0.1, "
        "or set FOOTNOTE_ALLOW_PUBLIC=true if that is really intended."
    )


def serves_others(settings: Settings) -> bool:
    """Whether people on other machines can use the app: then it must not fetch local addresses for them."""
    return settings.allow_public or not is_loopback(settings.host)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def launch(blocks: gr.Blocks, settings: Settings, **options: Any):
    """Serve the app as settings say; ``options`` (e.g. prevent_thread_lock) go to Gradio's launch."""
    auth = (settings.auth_username, settings.auth_password) if settings.auth_username else None
    return blocks.launch(
        server_name=settings.host,
        server_port=settings.port,
        auth=auth,
        max_file_size=settings.max_file_bytes,
        theme=THEME,
        css=CSS,
        ssr_mode=False,
        footer_links=["api"],
        **options,
    )


def main() -> int:
    settings = get_settings()
    problem = exposure_problem(settings)
    if problem:
        print(f"footnote: {problem}", file=sys.stderr)
        return 2
    app = FootnoteApp(settings)
    report = app.library.sync(show_bar=True)
    print(f"Index: {report.summary()}", file=sys.stderr)
    for error in report.errors:
        print(f"warning: not indexed: {error}", file=sys.stderr)
    launch(app.build(), settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
