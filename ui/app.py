"""The page: a header, the Ask and Corpus tabs, and the wiring between them."""

from __future__ import annotations

import tempfile
from pathlib import Path

import gradio as gr

from assistant.chain import Assistant
from footnote.settings import Settings
from ingest.library import Library
from ingest.watch import CorpusWatcher
from ui.ask import AskTab
from ui.compare import CompareApi
from ui.corpus import CorpusTab
from ui.mcp_tools import McpTools
from ui.updates import bind


class FootnoteApp:
    """The app's two tabs over one library and assistant; ``build`` lays out the page."""

    def __init__(self, settings: Settings, library: Library | None = None, assistant: Assistant | None = None):
        if library is None:
            from ingest.index import Index

            library = Library(settings, Index(settings))
        self.settings = settings
        self.library = library
        self.assistant = assistant or Assistant(library.index, settings)
        export_dir = Path(tempfile.mkdtemp(prefix="footnote-export-"))
        self.ask_tab = AskTab(settings, library, self.assistant, export_dir)
        self.corpus_tab = CorpusTab(settings, library)
        self.watcher: CorpusWatcher | None = None

    def watch(self) -> CorpusWatcher:
        """Keep the index in step with the corpus folder while the app runs (ingest/watch.py): files
        added, changed or removed there by hand, sync tools or git are indexed within seconds, and
        open pages refresh their article lists and show what could not be indexed."""
        if self.watcher is None:
            self.watcher = CorpusWatcher(self.library.index, self.library.corpus_dir, initial_sync=False)
        self.watcher.start()
        self.corpus_tab.watcher = self.watcher
        return self.watcher

    def build(self) -> gr.Blocks:
        with gr.Blocks(title="Footnote", analytics_enabled=False) as blocks:
            gr.Markdown(
                "# Footnote\nAnswers made only of sentences quoted from the articles, each with its source.",
                elem_id="fn-header",
            )
            with gr.Tabs():
                with gr.Tab("Ask", id="ask"):
                    ask = self.ask_tab.build()
                with gr.Tab("Corpus", id="corpus"):
                    corpus = self.corpus_tab.build()
            views = {
                "table": corpus.table,
                "table_tags": corpus.table_tags,
                "manage": corpus.manage,
                "article_filter": ask.articles,
                "author_filter": ask.author,
                "tag_filter": ask.tags,
            }
            # What each page has chosen, kept across a redraw while it still exists (CorpusTab.corpus_views).
            chosen = [corpus.search, ask.articles, ask.tags, corpus.table_tags, corpus.manage]
            refresh = {"inputs": chosen, **bind(self.corpus_tab.corpus_views, views)}
            blocks.load(**refresh, api_name=False)
            # The browser reads what it kept as the page starts, racing the load event: either may come
            # first, so both restore; ``AskTab.restore`` fills only a page whose conversation is untouched.
            gr.on([blocks.load, ask.saved.change], **ask.restore, api_name=False, queue=False)
            gr.on([blocks.load, ask.style_saved.change], **ask.style_restore, api_name=False, queue=False)
            for event in corpus.changes:
                event.then(**refresh, api_name=False)
            # The watcher syncs in its own thread; each page looks every two seconds whether it
            # synced since the page last looked, and if so redraws the lists and the folder's status.
            seen = gr.State(0)
            tick = gr.Timer(2.0)
            polled = {**views, "seen": seen, "watch_status": corpus.watch_status}
            tick.tick(
                inputs=[seen, *chosen],
                **bind(self.corpus_tab.watch_view, polled),
                api_name=False,
                queue=False,
            )
            gr.api(self.ask_tab.answer_data, api_name="answer_data", concurrency_id="chat", concurrency_limit=4)
            gr.api(self.ask_tab.check_data, api_name="check_quote", concurrency_id="chat", concurrency_limit=4)
            side = CompareApi(self.library, self.assistant)  # ui/compare.py: what each article says; by date
            gr.api(side.compare, api_name="compare", concurrency_id="chat", concurrency_limit=4)
            gr.api(side.timeline, api_name="timeline", concurrency_id="chat", concurrency_limit=4)
            if self.settings.mcp:  # the tools a desktop assistant may call (read-only): ui/mcp_tools.py
                McpTools(self.settings, self.library, self.assistant).register()
        blocks.queue(default_concurrency_limit=1)
        return blocks
