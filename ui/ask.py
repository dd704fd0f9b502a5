"""The Ask tab: the chat, its tools and filters, and the sources panel beside it.

Every chat handler returns one view by name (see ``_view``): the chat, the conversation, the
source picker and panel, the question box, the status line, what the browser keeps, and whether
anything has touched this page's conversation yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.chain import Assistant, QuestionError, clean_question
from assistant.check import QuoteError, check_quote
from footnote.settings import Settings
from ingest.errors import IngestError
from ingest.library import Library
from ui.assets import READER_JS, SCROLL_JS, SOURCES_JS
from ui.check import check_turn
from ui.compare import compare_turn, paste_style_picker, timeline_turn
from ui.filters import (
    UserInputError,
    article_choices,
    filters_note,
    make_filters,
    refuse_unknown_tags,
    tag_choices,
    tag_counts,
)
from ui.reader import EMPTY_READER, reader_html
from ui.render import (
    ANSWER,
    CHECK,
    COMPARE,
    EMPTY_SOURCES,
    QUOTES,
    TIMELINE,
    Turn,
    answer_blocks,
    chat_messages,
    conversation_markdown,
    esc,
    is_earlier,
    md_text,
    sources_html,
    turn_shown,
)
from ui.storage import browser_storage, restored_turns, stored_conversation
from ui.updates import Updates, bind, warn

MODES = [("Answer", ANSWER), ("Quotes", QUOTES), ("Check a quote", CHECK)]
MODES += [("Compare the sources", COMPARE), ("Timeline", TIMELINE)]
EXAMPLES = (
    "How much is Russia expected to pay North Korea per soldier?",
    "What could Russia give North Korea in return?",
    "How has South Korea helped Ukraine so far?",
)


@dataclass
class AskParts:
    """What the page wires across tabs: the filter pickers the corpus refreshes, and the restore."""

    articles: gr.Dropdown
    author: gr.Dropdown
    tags: gr.Dropdown
    saved: gr.BrowserState
    restore: dict[str, Any]  # Gradio event arguments (fn, inputs, outputs) of ``AskTab.restore``
    style_saved: gr.BrowserState  # the paste style the copy buttons use (ui/compare.py)
    style_restore: dict[str, Any]


class AskTab:
    """The chat's handlers, callable without a browser (that is how they are tested), and its layout."""

    def __init__(self, settings: Settings, library: Library, assistant: Assistant, export_dir: Path):
        self.settings = settings
        self.library = library
        self.assistant = assistant
        self.export_dir = export_dir

    # --- handlers ---------------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        mode: str,
        article_ids: list[str] | None,
        author: str | None,
        date_from: str,
        date_to: str,
        turns: list[Turn],
        tags: list[str] | None = None,
    ) -> Iterator[Updates]:
        """Answer and stream the reply: the chat, the source picker and panel, the question box, the status.

        ``tags`` (last, so that callers from before it keep working) restricts the search to articles
        carrying any of them; a tag no article carries is refused. In ``CHECK`` mode the question is
        a quote to look for in the whole corpus (the filters do not apply).
        """
        if mode == CHECK:
            filtered = any([article_ids, author, (date_from or "").strip(), (date_to or "").strip(), tags])
            yield self._check(question, turns, filtered)
            return
        try:
            filters = make_filters(article_ids, author, date_from, date_to, tags)
            if filters is not None and filters.tags:
                refuse_unknown_tags(filters, self.library.articles())
        except UserInputError as exc:
            yield self._refused(turns, question, str(exc))
            return
        if mode in (COMPARE, TIMELINE):
            yield from self._compare(question, mode, filters, turns)
            return
        yield from self._answer(question, mode, filters, turns, keep_on_error=question)

    def retry(
        self, mode, article_ids, author, date_from, date_to, turns: list[Turn], tags: list[str] | None = None
    ) -> Iterator[Updates]:
        """Ask the last question again, with the mode and filters as they are now."""
        if not turns:
            yield self._refused(turns, "", "There is no question to retry yet.")
            return
        yield from self.ask(turns[-1].question, mode, article_ids, author, date_from, date_to, turns[:-1], tags)

    def undo(self, turns: list[Turn]) -> Updates:
        """Drop the last exchange and give its question back for editing."""
        if not turns:
            return self._view(turns, "", settled=True)
        return self._view(turns[:-1], turns[-1].question, "The last exchange was removed.", settled=True)

    def clear(self) -> Updates:
        return self._view([], "", settled=True)

    def restore(self, stored: Any, turns: list[Turn], untouched: bool = True) -> Updates:
        """Redraw the conversation the browser kept as a page opens.

        It runs on page load and whenever the kept value changes, because the browser reads it as
        the page starts, before or after the load event. Only a page whose conversation nothing has
        touched yet is filled: every later change of the kept value is the page's own save, and
        redrawing it then would bring back turns a Clear or Undo had just removed. Once filled, the
        page is touched, so the second of the two calls a page start makes changes nothing.
        """
        restored = restored_turns(stored) if untouched and not turns else []
        if not restored:
            return {}
        view = self._view(restored, "", settled=True)
        return {name: view[name] for name in ("chat", "turns", "picker", "sources", "untouched")}

    def show_source(self, selected: int | None, turns: list[Turn], shown: int | None = None) -> str:
        """Open citation ``selected`` of the answer in the panel: the latest, or the one clicked in the chat."""
        return sources_html(turn_shown(turns, shown), selected, earlier=is_earlier(turns, shown))

    def show_turn(self, turns: list[Turn], event: gr.SelectData) -> Updates:
        """Show the sources of the answer (or question) clicked in the chat, and remember which is shown.

        Each answer numbers its sources from [1]: the [2] of an earlier answer is its own second
        source, which the panel can only show once that answer is chosen.
        """
        index = event.index if isinstance(event.index, int) else event.index[0]
        if not 0 <= index // 2 < len(turns):  # the question still being answered
            return {}
        shown = None if index // 2 == len(turns) - 1 else index // 2
        return {**self._sources_view(turns, shown), "shown": shown}

    def export(self, turns: list[Turn]) -> str | None:
        if not turns:
            warn("There is nothing to export yet: ask a question first.")
            return None
        now = dt.datetime.now()
        path = self.export_dir / f"footnote-conversation-{now:%Y%m%d-%H%M%S}.md"
        path.write_text(conversation_markdown(turns, now), encoding="utf-8")
        return str(path)

    def check_data(self, text: str) -> dict:
        """Is this text in the corpus, where, and exactly how: the verdict and matches as data, for scripts.

        ``{"verdict": "exact" | "close" | "not_found", "matches": [{"article_id", "start", "end",
        "text", "attribution", "differences", "part"}]}``, as ``python -m assistant check --json``.
        """
        try:
            return check_quote(self.library.index, text, self.library.corpus_dir).public()
        except QuoteError as exc:
            return {"error": str(exc)}

    def reader(self, turns: list[Turn], shown: int | None, n: int | None) -> str:
        """The reader view: the article of citation ``n`` of the answer shown, at the quote."""
        turn = turn_shown(turns, shown)
        citations = turn.answer.citations if turn else []
        cited = next((c for c in citations if c.n == n), None)
        if cited is None:
            return EMPTY_READER
        try:
            article = self.library.article(cited.article_id)
        except (IngestError, OSError):
            return f'<div class="fn-reader fn-empty">{esc(cited.article_id)} is no longer in the corpus.</div>'
        return reader_html(article, citations, cited.n)

    def open_reader(self, turns: list[Turn], shown: int | None, event: gr.SelectData) -> Updates:
        """A quote clicked in the sources panel: its article in the reader, in place of the sources."""
        try:
            n = int(event.index if not isinstance(event.index, list) else event.index[0])
        except (TypeError, ValueError):
            return {}
        return {
            "reader": self.reader(turns, shown, n),
            "reader_box": gr.update(visible=True),
            "sources_box": gr.update(visible=False),
        }

    def close_reader(self) -> Updates:
        return {"reader_box": gr.update(visible=False), "sources_box": gr.update(visible=True)}

    def answer_data(self, question: str, history: list[str]) -> dict:
        """The whole answer as data, for scripts: citations with their spans, passages, scores.

        The chat endpoint returns display Markdown; this is what a program checks citations with.
        """
        try:
            return self.assistant.ask(question, list(history or [])).model_dump()
        except QuestionError as exc:
            return {"error": str(exc)}

    def _check(self, text: str, turns: list[Turn], filtered: bool) -> Updates:
        """A check's view: the verdict in the chat, the matches in the sources panel; a refusal keeps the text."""
        try:
            checked = check_quote(self.library.index, text, self.library.corpus_dir)
        except QuoteError as exc:
            return self._refused(turns, text, str(exc))
        note = "Checked against the whole corpus: the filters do not apply to a check." if filtered else ""
        return self._view([*turns, check_turn(checked)], "", note, settled=True)

    def _compare(self, question, mode, filters, turns) -> Iterator[Updates]:
        """What each article says on the topic, or its quotes in order of publication (ui/compare.py)."""
        try:
            shown = clean_question(question)[0]
        except QuestionError as exc:
            yield self._refused(turns, question, str(exc))
            return
        yield self._view(turns, "", pending=(shown, mode))
        if mode == COMPARE:
            turn = compare_turn(self.assistant.compare(question, filters))
        else:
            quotes = self.assistant.timeline(question, filters)
            turn = timeline_turn(shown, quotes, "" if quotes else self.assistant.unmentioned(question))
        yield self._view([*turns, turn], "", filters_note(filters), settled=True)

    def _answer(self, question, mode, filters, turns, keep_on_error) -> Iterator[Updates]:
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
                streamed = Turn(answer.question, mode, answer)
                yield self._view(turns, "", pending=(shown, mode), partial="\n\n".join(answer_blocks(streamed)))
        else:
            answer = self.assistant.ask(question, history, filters)
        turn = Turn(answer.question, mode, answer)
        blocks = answer_blocks(turn)
        for i in range(1, len(blocks)):
            yield self._view(turns, "", pending=(turn.question, mode), partial="\n\n".join(blocks[:i]))
        yield self._view([*turns, turn], "", answer.notice or filters_note(filters), settled=True)

    def _refused(self, turns, question, message) -> Updates:
        warn(message)
        return self._view(turns, question, message)

    def _view(self, turns, question, status="", pending=None, partial="", settled=False) -> Updates:
        """The chat, the conversation, the question box and status; settled, also the sources and what is kept.

        A ``settled`` view (an answer complete, an exchange undone, the chat cleared) redraws the
        source picker and panel and gives the browser the conversation to keep, in this same update,
        so what it keeps is never older than what the page shows. Views on the way there (the
        question pending, a streaming answer, a refusal) leave all three as they are. Every view
        marks the page as touched: from then on a late-arriving kept value is never redrawn.
        """
        view = {
            "chat": chat_messages(turns, pending, partial),
            "turns": turns,
            "question": question,
            "status": md_text(status),
            "untouched": False,
        }
        if settled:
            view |= self._sources_view(turns, None) | {"kept": stored_conversation(turns)}
        return view

    def _sources_view(self, turns: list[Turn], shown: int | None) -> Updates:
        """Source picker and panel for one turn (``shown``; None is the latest)."""
        turn = turn_shown(turns, shown)
        citations = turn.answer.citations if turn else []
        picker = gr.update(
            choices=[(f"[{c.n}]", c.n) for c in citations],
            value=citations[0].n if citations else None,
            visible=bool(citations),
        )
        return {"picker": picker, "sources": sources_html(turn, earlier=is_earlier(turns, shown))}

    # --- layout -----------------------------------------------------------------------------------
    def build(self) -> AskParts:
        known = self.library.articles()
        choices, authors = article_choices(known)
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
                        placeholder="Ask a question, give a topic in Quotes mode, or paste a quote to check",
                        scale=6,
                        lines=1,
                        max_lines=6,
                        elem_id="fn-question",
                        autofocus=True,
                    )
                    ask = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="fn-ask")
                with gr.Row(elem_id="fn-tools"):
                    mode = gr.Radio(
                        [*MODES],
                        value=ANSWER,
                        show_label=False,
                        container=False,
                        elem_id="fn-mode",
                        scale=1,
                        min_width=420,
                    )
                    small = {"size": "sm", "scale": 0, "min_width": 72}
                    retry = gr.Button("Retry", elem_id="fn-retry", **small)
                    undo = gr.Button("Undo", elem_id="fn-undo", **small)
                    clear = gr.Button("Clear", elem_id="fn-clear", **small)
                    export = gr.Button("Export", elem_id="fn-export", **small)
                status = gr.Markdown(elem_id="fn-chat-status")
                exported = gr.File(label="Conversation (Markdown)", visible=False, elem_id="fn-exported")
                with gr.Accordion("Filters: search only some articles", open=False, elem_id="fn-filters"):
                    with gr.Row():
                        articles = gr.Dropdown(
                            label="Articles",
                            multiselect=True,
                            choices=choices,
                            allow_custom_value=True,
                            elem_id="fn-filter-articles",
                            scale=3,
                        )
                        tags = gr.Dropdown(
                            label="Tags (articles with any of them)",
                            multiselect=True,
                            choices=tag_choices(tag_counts(known)),
                            value=[],
                            allow_custom_value=True,
                            elem_id="fn-filter-tags",
                            scale=2,
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
                with gr.Column(elem_id="fn-sources-box") as sources_box:
                    _style, style_saved, style_restore = paste_style_picker(key, secret)
                    picker = gr.Radio(label="Show source", choices=[], visible=False, elem_id="fn-picker")
                    sources = gr.HTML(EMPTY_SOURCES, elem_id="fn-sources-panel", js_on_load=SOURCES_JS, padding=False)
                # The reader view: a quote clicked in the sources opens its whole article here.
                with gr.Column(visible=False, elem_id="fn-reader-box") as reader_box:
                    back = gr.Button("← Back to the sources", size="sm", elem_id="fn-reader-back")
                    reader = gr.HTML(EMPTY_READER, elem_id="fn-reader-panel", padding=False)

        filters = [mode, articles, author, date_from, date_to]
        # The page's chat events write the conversation the browser keeps in the same update as the chat
        # they draw (see ``_view``), so a reload never finds an older one. API clients keep none: their
        # endpoints, the same handlers with no trigger on the page, send it to a state nobody reads.
        # The order is that of the API's return values.
        view = {
            "chat": chatbot,
            "turns": turns,
            "picker": picker,
            "sources": sources,
            "question": question,
            "status": status,
            "kept": saved,
            "untouched": untouched,
        }
        api_view = {**view, "kept": gr.State(None)}
        chat_queue = {"concurrency_id": "chat", "concurrency_limit": 4}
        page = {"api_name": False, **chat_queue}
        # The tag filter comes after the conversation, as the endpoints' last parameter (with a default),
        # so API calls written before it existed still work.
        ask_inputs = [question, *filters, turns, tags]
        changes = [
            ask.click(inputs=ask_inputs, **bind(self.ask, view), **page),
            question.submit(inputs=ask_inputs, **bind(self.ask, view), **page),
            chatbot.example_select(_example_text, None, question, api_name=False).then(
                inputs=ask_inputs, **bind(self.ask, view), **page
            ),
            retry.click(inputs=[*filters, turns, tags], **bind(self.retry, view), **page),
            undo.click(inputs=turns, **bind(self.undo, view), api_name=False),
            clear.click(inputs=None, **bind(self.clear, view), api_name=False),
            chatbot.clear(inputs=None, **bind(self.clear, view), api_name=False),
        ]
        reading = {"reader": reader, "reader_box": reader_box, "sources_box": sources_box}
        for change in changes:
            change.then(lambda: None, None, shown, api_name=False, queue=False)  # the panel is back on the latest
            change.then(inputs=None, **bind(self.close_reader, reading), api_name=False, queue=False)
        api = partial(gr.on, [])  # an endpoint with no trigger on the page
        api(inputs=ask_inputs, **bind(self.ask, api_view), api_name="ask", **chat_queue)
        api(inputs=[*filters, turns, tags], **bind(self.retry, api_view), api_name="retry", **chat_queue)
        api(inputs=turns, **bind(self.undo, api_view), api_name="undo")
        api(inputs=None, **bind(self.clear, api_view), api_name="clear")
        picker.input(self.show_source, [picker, turns, shown], sources, api_name="show_source").then(
            None, picker, None, js=SCROLL_JS
        )
        panel = {"picker": picker, "sources": sources, "shown": shown}
        chatbot.select(inputs=turns, **bind(self.show_turn, panel), api_name=False, queue=False).then(
            inputs=None, **bind(self.close_reader, reading), api_name=False, queue=False
        )
        sources.select(inputs=[turns, shown], **bind(self.open_reader, reading), api_name=False, queue=False).then(
            None, None, None, js=READER_JS, api_name=False, queue=False
        )
        back.click(inputs=None, **bind(self.close_reader, reading), api_name=False, queue=False)
        export.click(self.export, turns, exported, api_name="export").then(
            lambda path: gr.update(visible=bool(path)), exported, exported, api_name=False
        )
        restored = {"chat": chatbot, "turns": turns, "picker": picker, "sources": sources, "untouched": untouched}
        restore = {"inputs": [saved, turns, untouched], **bind(self.restore, restored)}
        return AskParts(articles, author, tags, saved, restore, style_saved, style_restore)


def _example_text(evt: gr.SelectData) -> str:
    return evt.value["text"]
