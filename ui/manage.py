"""The Corpus tab's Manage section: remove an article (asked, then confirmed), re-index it, edit its tags.

``CorpusTab`` takes these handlers in (ui/corpus.py lays them out); like the tab's others they
return what the page shows, by name where there is more than one view, and run without a browser.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from ingest.errors import IngestError
from ingest.library import Library
from ui.render import md_text
from ui.updates import Updates, warn


class ManageHandlers:
    """What the Manage section's buttons do to the chosen article of ``self.library``."""

    library: Library

    def request_removal(self, ref: str | None) -> Updates:
        """First step of removing: name the article and ask to confirm."""
        try:
            article_id = self._resolve(ref)
        except IngestError as exc:
            hidden = gr.update(visible=False)
            return {"pending": None, "prompt": "", "confirm_box": hidden, "status": self._status(plain(exc), ok=False)}
        title = next((a.title for a in self.library.articles() if a.id == article_id), article_id)
        prompt = f"Remove “{title}” ({article_id}) from the corpus folder and the index? This cannot be undone."
        return {"pending": article_id, "prompt": md_text(prompt), "confirm_box": gr.update(visible=True), "status": ""}

    def confirm_removal(self, article_id: str | None) -> Updates:
        """Second step of removing: remove the article the user confirmed, from the folder and the index."""
        done = {"pending": None, "confirm_box": gr.update(visible=False)}
        if not article_id:
            return done | {"status": self._status("Nothing to remove.", ok=False)}
        try:
            self.library.remove(article_id)
        except IngestError as exc:
            return done | {"status": self._status(plain(exc), ok=False)}
        return done | {"status": self._status(f"Removed {article_id}.")}

    def cancel_removal(self) -> Updates:
        return {
            "pending": None,
            "confirm_box": gr.update(visible=False),
            "status": self._status("Nothing was removed."),
        }

    def reindex(self, ref: str | None, progress: Callable = gr.Progress()) -> str:
        """Index one article again from its file, e.g. after it was edited by hand."""
        try:
            article_id = self._resolve(ref)
            article = self.library.article(article_id)
            n = self.library.index.index_article(article, progress=lambda done, what: progress(done, desc=what))
        except IngestError as exc:
            return self._status(plain(exc), ok=False)
        return self._status(f"Re-indexed {article_id}: {n} passages.")

    def article_tags(self, ref: str | None) -> Any:
        """The chosen article's tags in the Manage box, comma-separated, ready to edit and save."""
        if not (ref or "").strip():
            return gr.update(value="", placeholder="Choose an article first")
        try:
            article_id = self._resolve(ref)
            tags = self.library.article(article_id).meta.tags
        except IngestError:
            return gr.update(value="", placeholder="")
        if article_id.lower().endswith(".txt"):
            return gr.update(value="", placeholder="A plain-text article cannot hold tags")
        return gr.update(value=", ".join(tags), placeholder="No tags yet: e.g. defence, korea")

    def set_tags(self, ref: str | None, tags: str, progress: Callable = gr.Progress()) -> Updates:
        """Give the chosen article these tags (comma-separated; none removes them all): written into its
        front matter and re-indexed. A bad tag or a plain-text article is refused, and nothing changes."""
        try:
            article_id = self._resolve(ref)
            article = self.library.set_tags(
                article_id, tags or "", progress=lambda done, what: progress(done, desc=what)
            )
        except IngestError as exc:
            return {"status": self._status(plain(exc), ok=False)}  # the box keeps the text to correct
        saved = article.meta.tags
        done = f"Tags of {article_id}: {', '.join(saved)}." if saved else f"{article_id} has no tags now."
        return {"tags": ", ".join(saved), "status": self._status(done)}

    def _resolve(self, ref: str | None) -> str:
        """An article id from a picker value or, through the API, an id, file name or stem."""
        if not (ref or "").strip():
            raise IngestError("article", "choose an article first")
        return self.library.resolve(ref.strip())

    def _status(self, message: str, ok: bool = True) -> str:
        if not ok:
            warn(message)
        return md_text(message)


def plain(exc: IngestError) -> str:
    """An ingest error as a user reads it: what it is about, then what went wrong."""
    return f"{exc.source}: {exc.problem}"
