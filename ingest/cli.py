"""`python -m ingest`: keep the index in step with corpus/ and grow the corpus from files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from footnote.settings import get_settings
from ingest.errors import IngestError

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
) -> None:
    """Write each file into the corpus as Markdown with front matter, and index it."""
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
            article = library.add(draft, name=name, overrides=overrides)
            verb = "updated" if article.id in known else "added"  # same file name: a new version
            typer.echo(f"{verb} {article.id}: {article.title}")
        except IngestError as exc:
            errors.append(exc)
    if errors:
        _fail(errors)


@app.command("list")
def list_articles() -> None:
    """The indexed articles with their metadata and passage counts."""
    for info in _library().articles():
        byline = ", ".join(x for x in (info.author, info.publisher, info.published) if x)
        typer.echo(f"{info.id}\t{info.title}\t{byline}\t{info.passages} passages")


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


def main() -> None:
    app()
