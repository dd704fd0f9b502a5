"""`python -m ingest`: keep the index in step with corpus/ and grow the corpus from files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from footnote.settings import get_settings
from ingest.errors import IngestError, NameTaken

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


def _library():
    from ingest.index import Index
    from ingest.library import Library

    settings = get_settings()
    return Library(settings, Index(settings))


def _fail(errors: list[IngestError]) -> None:
    for err in errors:
        typer.echo(f"error: {err}", err=True)
    raise typer.Exit(1)


@app.command()
def sync() -> None:
    """Index new and changed articles of the corpus folder, drop deleted ones."""
    report = _library().sync(show_bar=True)
    typer.echo(report.summary())
    if not report.ok:
        _fail(report.errors)


@app.command()
def add(
    paths: Annotated[list[Path], typer.Argument(help="files to add (.md .txt .html .pdf .docx)")],
    title: Annotated[str | None, typer.Option(help="article title")] = None,
    author: Annotated[str | None, typer.Option()] = None,
    published: Annotated[str | None, typer.Option(help="publication date, e.g. 2024-11-07")] = None,
    publisher: Annotated[str | None, typer.Option()] = None,
    url: Annotated[str | None, typer.Option()] = None,
    name: Annotated[str | None, typer.Option(help="file name in the corpus (one path only)")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="a tag for the article (repeatable)")] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="overwrite an article that already has the file name")
    ] = False,
) -> None:
    """Write each file into the corpus as Markdown with front matter, and index it.

    A file name an article already has is refused unless --replace (or --name gives another)."""
    if name and len(paths) > 1:
        raise typer.BadParameter("--name applies to a single file")
    library = _library()
    overrides = {"title": title, "author": author, "published": published, "publisher": publisher, "url": url}
    errors: list[IngestError] = []
    for path in paths:
        try:
            if not path.is_file():
                raise IngestError(path, "no such file")
            draft = library.draft_from_file(path.name, path.read_bytes())
            known = {info.id for info in library.articles()}
            try:
                article = library.add(draft, name=name, overrides=overrides, tags=tag, replace=replace)
            except NameTaken as exc:
                raise IngestError(exc.source, f"{exc.problem}; --replace overwrites it, --name adds another") from None
            verb = "replaced" if article.id in known else "added"
            typer.echo(f"{verb} {article.id}: {article.title}{_tag_note(article.meta.tags)}")
        except IngestError as exc:
            errors.append(exc)
    if errors:
        _fail(errors)


@app.command("list")
def list_articles(
    tag: Annotated[list[str] | None, typer.Option("--tag", help="only articles with this tag (repeatable)")] = None,
) -> None:
    """The indexed articles with their metadata, passage counts and tags."""
    from footnote.types import tag_key

    wanted = {tag_key(t) for t in tag or ()}
    articles = _library().articles()
    name_unknown_tags(tag or [], [info.tags for info in articles])
    for info in articles:
        if wanted and not wanted & {tag_key(t) for t in info.tags}:
            continue
        byline = ", ".join(x for x in (info.author, info.publisher, info.published) if x)
        typer.echo(f"{info.id}\t{info.title}\t{byline}\t{info.passages} passages{_tag_column(info.tags)}")


def name_unknown_tags(asked: list[str], tag_lists) -> None:
    """A --tag no article carries is named, never answered with silence: a warning when another
    tag asked for matches, an error (exit 2) listing the corpus's tags when none does. ``tag_lists``:
    each article's tags, in order (a tag is spelled as its first article spells it, as `tags` does)."""
    from footnote.types import tag_key

    carried: dict[str, str] = {}
    for tags in tag_lists:
        for t in tags:
            carried.setdefault(tag_key(t), t)
    unknown = [t for t in asked if tag_key(t) not in carried]
    if unknown and {tag_key(t) for t in unknown} == {tag_key(t) for t in asked}:
        known = sorted(carried.values(), key=str.casefold)
        hint = f"; tags in the corpus: {', '.join(known)}" if known else "; no article has tags"
        typer.echo(f"error: no articles with tag {' or '.join(map(repr, unknown))}{hint}", err=True)
        raise typer.Exit(2)
    for t in unknown:
        typer.echo(f"warning: no articles with tag {t!r}", err=True)


def _tag_column(tags) -> str:
    return f"\ttags: {', '.join(tags)}" if tags else ""


def _tag_note(tags) -> str:
    return f" [tags: {', '.join(tags)}]" if tags else ""


@app.command("tags")
def list_tags() -> None:
    """Every tag with the number of articles that carry it."""
    for name, count in _library().tags().items():
        typer.echo(f"{name}\t{count} article{'s' if count != 1 else ''}")


@app.command("tag")
def tag_article(
    article: Annotated[str, typer.Argument(help="article id, file name or stem")],
    add: Annotated[list[str] | None, typer.Option("--add", help="a tag to add (repeatable)")] = None,
    remove: Annotated[list[str] | None, typer.Option("--remove", help="a tag to remove (repeatable)")] = None,
) -> None:
    """Add or remove an article's tags (in its file's front matter) and re-index it; shows its tags."""
    from footnote.types import tag_key
    from ingest.frontmatter import clean_tags

    library = _library()
    try:
        aid = library.resolve(article)
        dropped = {tag_key(t) for t in clean_tags(remove, aid)}
        kept = [t for t in library.article(aid).meta.tags if tag_key(t) not in dropped]
        updated = library.set_tags(aid, [*kept, *clean_tags(add, aid)]) if add or remove else library.article(aid)
    except IngestError as exc:
        _fail([exc])
    tags = updated.meta.tags
    typer.echo(f"{aid}: {', '.join(tags)}" if tags else f"{aid}: no tags")


@app.command()
def remove(article: Annotated[str, typer.Argument(help="article id, file name or stem")]) -> None:
    """Delete an article from the corpus folder and the index."""
    library = _library()
    try:
        aid = library.resolve(article)
        library.remove(aid)
    except IngestError as exc:
        _fail([exc])
    typer.echo(f"removed {aid}")


@app.command()
def watch(
    settle: Annotated[
        float, typer.Option(help="seconds a changed file must stay unchanged before it is indexed")
    ] = 1.0,
) -> None:
    """Keep the index in step with the corpus folder: index what is added, changed or removed there, until Ctrl-C."""
    import signal
    import threading
    import time

    from ingest.index import SyncReport
    from ingest.watch import CorpusWatcher

    library = _library()
    previous: set[tuple[str, str]] = set()

    def show(report: SyncReport) -> None:
        nonlocal previous
        stamp = time.strftime("%H:%M:%S")
        for verb, ids in (("added", report.added), ("updated", report.updated), ("removed", report.removed)):
            for aid in ids:
                typer.echo(f"{stamp} {verb} {aid}")
        if report.added or report.updated or report.removed or watcher.syncs == 1:
            typer.echo(f"{stamp} {report.summary()}")
        for err in report.errors:  # once while a file stays broken, not at every sync
            if (err.source, err.problem) not in previous:
                typer.echo(f"{stamp} error: {err}", err=True)
        previous = {(e.source, e.problem) for e in report.errors}

    # Ctrl-C (or a service manager's SIGTERM) only asks to stop: a KeyboardInterrupt raised in the
    # middle of the thread bookkeeping below could mark the watcher's thread stopped while it still
    # syncs, and the process would then hang on exit with a half-done sync.
    asked_to_stop = threading.Event()
    handlers = {sig: signal.signal(sig, lambda *_: asked_to_stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    watcher = CorpusWatcher(library.index, library.corpus_dir, settle=settle, on_sync=show)
    try:
        watcher.start()
        typer.echo(f"watching {library.corpus_dir} (Ctrl-C to stop)")
        while watcher.running and not asked_to_stop.wait(0.5):
            pass
    finally:
        watcher.stop()  # a sync in progress finishes first
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    typer.echo("stopped watching")


def main() -> None:
    app()
