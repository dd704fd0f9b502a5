"""The Corpus tab: the article table (searched, filtered by tag), adding an article (file, pasted text
or URL, with tags), and the Manage section, whose handlers (remove, re-index, edit tags) are in ui/manage.py.

The add form's handlers return the form by name (see ``_form``): the draft, its metadata fields, the
preview, the file name waiting for a replacement to be confirmed, the confirm box and the status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from footnote.settings import Settings
from footnote.types import ArticleMeta, iso_date
from ingest.errors import IngestError
from ingest.fetch import fetch_draft
from ingest.frontmatter import clean_tags
from ingest.library import Library, derive_title, slugify
from ingest.load import ADD_SUFFIXES, Draft
from ui.filters import (
    TABLE_HEADERS,
    TABLE_TYPES,
    TABLE_WIDTHS,
    article_choices,
    kept_tags,
    table_rows,
    tag_choices,
    tag_counts,
)
from ui.manage import ManageHandlers, plain
from ui.render import md_text
from ui.serve import serves_others
from ui.updates import Updates, bind, warn

PREVIEW_CHARS = 1500


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


@dataclass
class CorpusParts:
    """What the page wires across tabs: the views a corpus change refreshes, and those changes."""

    table: gr.Dataframe
    table_tags: gr.Dropdown  # the table's tag filter
    manage: gr.Dropdown
    search: gr.Textbox
    watch_status: gr.Markdown  # what the watched corpus folder last brought, and what failed
    changes: list[Any]  # the events after which the corpus has changed


class CorpusTab(ManageHandlers):
    """The corpus's handlers, callable without a browser (that is how they are tested), and its layout."""

    def __init__(self, settings: Settings, library: Library):
        self.settings = settings
        self.library = library
        self.watcher = None  # an ingest.watch.CorpusWatcher while the app watches the corpus folder

    def watch_view(
        self,
        seen: int,
        query: str = "",
        chosen: list[str] | None = None,
        chosen_tags: list[str] | None = None,
        table_tags: list[str] | None = None,
        managed: str | None = None,
    ) -> Updates:
        """After the watcher synced (``seen``: its sync count when this page last looked), the lists
        redrawn and the folder's status; nothing at all when it has not synced since."""
        if self.watcher is None or self.watcher.syncs == seen:
            return {}
        syncs, report = self.watcher.syncs, self.watcher.last_report
        lines = [f"Watching `{md_text(str(self.library.corpus_dir))}` for changes."]
        if report is not None and (report.added or report.updated or report.removed):
            changed = [
                f"{verb} {', '.join(md_text(a) for a in ids)}"
                for verb, ids in (("added", report.added), ("updated", report.updated), ("removed", report.removed))
                if ids
            ]
            lines.append("Last change indexed: " + "; ".join(changed) + ".")
        problems = self.watcher.problems()
        if problems:
            lines.append("Not indexed:\n" + "\n".join(f"- {md_text(str(p))}" for p in problems[-5:]))
        views = self.corpus_views(query, chosen, chosen_tags, table_tags, managed)
        return views | {"seen": syncs, "watch_status": "\n\n".join(lines)}

    def corpus_views(
        self,
        query: str = "",
        chosen: list[str] | None = None,
        chosen_tags: list[str] | None = None,
        table_tags: list[str] | None = None,
        managed: str | None = None,
    ) -> Updates:
        """Table and pickers after any change, the Ask tab's filters among them.

        The article and tag filters keep their choices that still exist, so a removed article or
        tag cannot silently keep restricting the answers; tag labels show the new counts. The
        article being managed stays chosen while it exists.
        """
        articles = self.library.articles()
        ids = {a.id for a in articles}
        choices, authors = article_choices(articles)
        counts = tag_counts(articles)
        tags = tag_choices(counts)
        table_tags = kept_tags(table_tags, counts)
        return {
            "table": table_rows(articles, query, table_tags),
            "table_tags": gr.update(choices=tags, value=table_tags),
            "manage": gr.update(choices=choices, value=managed if managed in ids else None),
            "article_filter": gr.update(choices=choices, value=[i for i in chosen or [] if i in ids]),
            "author_filter": gr.update(choices=authors),
            "tag_filter": gr.update(choices=tags, value=kept_tags(chosen_tags, counts)),
        }

    def filter_table(self, query: str, tags: list[str] | None = None) -> list[list[Any]]:
        """The table's rows matching the search words and carrying any of the chosen tags."""
        return table_rows(self.library.articles(), query, tags)

    # --- adding -----------------------------------------------------------------------------------
    def propose_file(self, path: str | None) -> Updates:
        """Read an uploaded file into a draft: the add form shows its details and the beginning of its text."""
        if not path:
            return self._form(None, "")
        name = Path(path).name
        try:
            draft = self.library.draft_from_file(name, Path(path).read_bytes())
        except IngestError as exc:
            return self._form(None, plain(exc), ok=False)
        read = f"Read {name}: check the details below, then add it."
        return self._form(draft, read + _tags_note(draft) + self._same_name_note(draft))

    def propose_text(self, text: str) -> Updates:
        try:
            draft = draft_from_text(text)
        except IngestError as exc:
            return self._form(None, plain(exc), ok=False)
        ready = "Text ready: give its title and author if you know them, then add it."
        return self._form(draft, ready + self._same_name_note(draft))

    def propose_url(self, url: str) -> Updates:
        try:
            draft = fetch_draft(url, self.settings.max_file_bytes, allow_local=not serves_others(self.settings))
        except IngestError as exc:
            return self._form(None, plain(exc), ok=False)
        read = "Page read: check the details and the text, then add it."
        return self._form(draft, read + _tags_note(draft) + self._same_name_note(draft))

    def add(
        self,
        draft: Draft | None,
        title: str,
        author: str,
        published: str,
        publisher: str,
        url: str,
        tags: str | None = None,
        progress: Callable = gr.Progress(),
    ) -> Updates:
        """Write the draft into the corpus and index it: askable as soon as this returns.

        ``tags`` (comma-separated) are added to any the draft already carries. A draft whose file
        name an article already has is not added: the user is asked first (``replace``), since
        adding it would overwrite that article.
        """
        return self._add(draft, [title, author, published, publisher, url], None, progress, tags)

    def replace(
        self,
        draft: Draft | None,
        title: str,
        author: str,
        published: str,
        publisher: str,
        url: str,
        confirmed: str | None,
        tags: str | None = None,
        progress: Callable = gr.Progress(),
    ) -> Updates:
        """Add over the article the user agreed to replace, and only that one.

        If the name changed since (a new title for pasted text), the user is asked again.
        """
        return self._add(draft, [title, author, published, publisher, url], confirmed, progress, tags)

    def cancel_replace(self, replacing: str | None) -> Updates:
        message = f"Nothing was added: {replacing} is unchanged." if replacing else "Nothing was added."
        return {"replacing": None, "replace_box": gr.update(visible=False), "status": md_text(message)}

    def _add(
        self, draft: Draft | None, values: list[str], confirmed: str | None, progress: Callable, tags: str | None = None
    ) -> Updates:
        fields = dict(zip(("title", "author", "published", "publisher", "url"), values, strict=True))
        overrides = {k: v.strip() for k, v in fields.items() if v and v.strip()}
        if draft is None:
            return self._form_kept(draft, "Choose a file, paste text or fetch a URL first.")
        try:  # ISO, or a date written out ("7 Nov 2024"), as in front matter (footnote.types.iso_date)
            if overrides.get("published"):
                overrides["published"] = iso_date(overrides["published"])
        except ValueError as exc:
            return self._form_kept(draft, f"{exc}.")
        name = article_file_name(draft, overrides)
        try:
            extra_tags = clean_tags(tags, name)  # refused before anything else is asked or written
        except IngestError as exc:
            return self._form_kept(draft, plain(exc))
        existing = self._title_of(name)
        if existing is not None and name != confirmed:
            return self._ask_to_replace(draft, name, existing)
        try:
            article = self.library.add(
                draft,
                name=name,
                overrides=overrides,
                progress=lambda done, what: progress(done, desc=what),
                tags=extra_tags,
                replace=existing is not None,  # the user confirmed replacing it
            )
        except IngestError as exc:
            return self._form_kept(draft, plain(exc))
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

    def _form(self, draft: Draft | None, status: str, ok: bool = True) -> Updates:
        """The whole add form: the draft, its fields and preview, no replacement pending, the status."""
        if not ok:
            warn(status)
        form = {"draft": draft, "replacing": None, "replace_box": gr.update(visible=False), "status": md_text(status)}
        if draft is None:
            fields = {"title": gr.update(value="", placeholder=""), "author": "", "published": "", "publisher": ""}
            return form | fields | {"url": "", "preview": ""}
        meta, body = draft.meta, draft.body
        title = gr.update(value=meta.title, placeholder=f"If left empty: {derive_title(body, draft.stem)}")
        fields = {"title": title, "author": meta.author, "published": meta.published, "publisher": meta.publisher}
        preview = body[:PREVIEW_CHARS] + ("…" if len(body) > PREVIEW_CHARS else "")
        return form | fields | {"url": meta.url, "preview": preview}

    def _form_kept(self, draft: Draft | None, problem: str) -> Updates:
        """A refused add leaves what the user typed in place, so it can be corrected."""
        warn(problem)
        return {"draft": draft, "replacing": None, "replace_box": gr.update(visible=False), "status": md_text(problem)}

    def _ask_to_replace(self, draft: Draft, name: str, existing: str) -> Updates:
        """Nothing is written: the form stays, and the confirm box asks about this very file name.

        ``replacing`` is the file name waiting for the user to confirm its replacement.
        """
        question = (
            f"An article named {name} is already in the corpus: “{existing}”. Adding this one will replace it "
            "(its text and passages; the old version is not kept). Replace it?"
        )
        warn(f"An article named {name} is already in the corpus: confirm to replace it.")
        return {"draft": draft, "replacing": name, "replace_box": gr.update(visible=True), "status": md_text(question)}

    # --- layout -----------------------------------------------------------------------------------
    def build(self) -> CorpusParts:
        known = self.library.articles()
        choices, _ = article_choices(known)
        draft = gr.State(None)
        replacing = gr.State(None)  # the file name the user is asked to confirm replacing
        pending_removal = gr.State(None)
        with gr.Row():
            search = gr.Textbox(
                label="Search", placeholder="Titles, authors, dates, tags…", scale=3, elem_id="fn-search"
            )
            table_tags = gr.Dropdown(
                label="Only articles tagged (any of)",
                multiselect=True,
                choices=tag_choices(tag_counts(known)),
                value=[],
                allow_custom_value=True,
                scale=2,
                elem_id="fn-table-tags",
            )
        watch_status = gr.Markdown(elem_id="fn-watch-status")
        table = gr.Dataframe(
            headers=TABLE_HEADERS,
            datatype=TABLE_TYPES,
            interactive=False,
            wrap=True,
            column_widths=TABLE_WIDTHS,
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
                    add_tags = gr.Textbox(label="Tags", placeholder="defence, korea", elem_id="fn-meta-tags")
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
                manage_tags = gr.Textbox(
                    label="Tags (comma-separated)", placeholder="Choose an article first", elem_id="fn-manage-tags"
                )
                save_tags = gr.Button("Save tags", size="sm", elem_id="fn-save-tags")
                with gr.Group(visible=False, elem_id="fn-confirm") as confirm_box:
                    prompt = gr.Markdown(elem_id="fn-confirm-prompt")
                    with gr.Row():
                        confirm = gr.Button("Yes, remove it", variant="stop", size="sm", elem_id="fn-confirm-yes")
                        cancel = gr.Button("Cancel", size="sm", elem_id="fn-confirm-no")
                manage_status = gr.Markdown(elem_id="fn-manage-status")

        # In the order of the API's return values.
        fields = dict(draft=draft, title=title, author=author, published=published, publisher=publisher, url=url)
        form = {**fields, "preview": preview, "replacing": replacing, "replace_box": replace_box, "status": add_status}
        field_inputs = list(fields.values())
        reads = {"concurrency_id": "corpus-read", "concurrency_limit": 2}
        writes = {"concurrency_id": "corpus-write", "concurrency_limit": 1}
        for picked in (search.change, table_tags.change):
            picked(self.filter_table, [search, table_tags], table, api_name=False)
        upload.upload(inputs=upload, **bind(self.propose_file, form), api_name="propose_file", **reads)
        upload.clear(inputs=upload, **bind(self.propose_file, form), api_name=False)
        use_text.click(inputs=pasted, **bind(self.propose_text, form), api_name="propose_text", **reads)
        fetch.click(inputs=url_in, **bind(self.propose_url, form), api_name="propose_url", **reads)
        # The tags come last, with a default, so API calls written before they existed still work.
        added = add.click(inputs=[*field_inputs, add_tags], **bind(self.add, form), api_name="add", **writes)
        replaced = replace_yes.click(
            inputs=[*field_inputs, replacing, add_tags], **bind(self.replace, form), api_name="replace", **writes
        )
        asked = {"replacing": replacing, "replace_box": replace_box, "status": add_status}
        replace_no.click(inputs=replacing, **bind(self.cancel_replace, asked), api_name=False)
        for event in (added, replaced):
            event.then(_after_add, draft, [upload, add_tags], api_name=False)
        removal = {"pending": pending_removal, "prompt": prompt, "confirm_box": confirm_box, "status": manage_status}
        remove.click(inputs=manage, **bind(self.request_removal, removal), api_name="request_removal")
        confirmed = {"pending": pending_removal, "confirm_box": confirm_box, "status": manage_status}
        removed = confirm.click(
            inputs=pending_removal, **bind(self.confirm_removal, confirmed), api_name="remove", **writes
        )
        cancel.click(inputs=None, **bind(self.cancel_removal, confirmed), api_name=False)
        reindexed = reindex.click(self.reindex, manage, manage_status, api_name="reindex", **writes)
        manage.change(self.article_tags, manage, manage_tags, api_name=False, queue=False)
        tagged = gr.on(
            [save_tags.click, manage_tags.submit],
            inputs=[manage, manage_tags],
            **bind(self.set_tags, {"tags": manage_tags, "status": manage_status}),
            api_name="set_tags",
            **writes,
        )
        return CorpusParts(
            table=table,
            table_tags=table_tags,
            manage=manage,
            search=search,
            watch_status=watch_status,
            changes=[added, replaced, removed, reindexed, tagged],
        )


def _after_add(draft: Draft | None) -> tuple[Any, Any]:
    """An added article leaves the upload box and the tags typed for it (the draft is gone); a refused
    one keeps both, to be fixed."""
    return (gr.update(), gr.update()) if draft is not None else (None, "")


def _tags_note(draft: Draft) -> str:
    """A file or page that already carries tags says so: tags typed in the form are added to them."""
    if not draft.meta.tags:
        return ""
    return f" It is tagged {', '.join(draft.meta.tags)}; tags typed below are added to these."
