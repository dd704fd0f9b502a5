"""`python -m assistant`: ask the corpus, collect quotes, compare articles, follow a topic through time,
check a quote, evaluate on a question set."""

from __future__ import annotations

import dataclasses
import json
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer

from assistant.chain import QuestionError
from footnote.attribution import STYLES, paste
from footnote.settings import get_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


def _index():
    """The index the settings name, built from the corpus folder first if it is empty."""
    from ingest.index import Index

    settings = get_settings()
    index = Index(settings)
    if not len(index.search_index):
        report = index.sync(settings.corpus_dir, show_bar=True)
        for err in report.errors:
            typer.echo(f"warning: {err}", err=True)
    return index


def _assistant():
    """The assistant over the settings' index. Its two ONNX models load in threads meanwhile: the
    sessions are built in C++ without the GIL, so they overlap with the imports and the index load
    instead of following them (about 0.3 s of a one-off question)."""
    settings = get_settings()
    loading = [threading.Thread(target=load, args=(settings,), daemon=True) for load in (_encoder, _scorer)]
    for thread in loading:
        thread.start()
    index = _index()
    from assistant.chain import Assistant

    for thread in loading:
        thread.join()
    return Assistant(index, settings)


def _encoder(settings) -> None:
    from ingest.embed import embedder_for

    embedder_for(settings).onnx()


def _scorer(settings) -> None:
    from assistant.scorer import load_scorer

    load_scorer(settings.model_path(), settings.cache_dir)


def _print_sources(answer) -> None:
    if not answer.citations:
        return
    typer.echo("\nSources:")
    for c in answer.citations:
        where = ", ".join(
            x
            for x in (c.section, f"paragraph {c.paragraph}" if c.paragraph else "", f"page {c.page}" if c.page else "")
            if x
        )
        typer.echo(f"[{c.n}] {c.attribution()} — {c.article_id}" + (f" ({where})" if where else ""))


def _tag_filters(assistant, tags: list[str] | None):
    """Filters for --tag; a tag no indexed article carries is named (ingest.cli.name_unknown_tags)."""
    from assistant.retriever import Filters
    from ingest.cli import name_unknown_tags

    if not tags:
        return None
    filters = Filters(tags=tuple(tags))
    articles = assistant.index.search_index.snapshot().article_meta
    name_unknown_tags(tags, [meta.get("tags", ()) for meta in articles.values()])
    return filters


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="your question")],
    as_json: Annotated[bool, typer.Option("--json", help="print the whole answer structure as JSON")] = False,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="only articles with this tag (repeatable)")] = None,
) -> None:
    """Answer a question with verbatim, cited sentences from the corpus."""
    assistant = _assistant()
    try:
        answer = assistant.ask(question, filters=_tag_filters(assistant, tag))
    except QuestionError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
        return
    if answer.notice:
        typer.echo(f"note: {answer.notice}\n")
    typer.echo(answer.text)
    _print_sources(answer)


@app.command()
def quote(
    topic: Annotated[str, typer.Argument(help="what the quotes should be about")],
    count: Annotated[int | None, typer.Option(help="how many quotes (default: FOOTNOTE_QUOTE_COUNT, 5)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="only articles with this tag (repeatable)")] = None,
    style: Annotated[
        str | None, typer.Option(help=f"print each quote ready to paste, attributed in one of: {', '.join(STYLES)}")
    ] = None,
) -> None:
    """The best verbatim quotes on a topic, each with author, title, publisher and date."""
    if style is not None and style not in STYLES:
        typer.echo(f"error: unknown style {style!r}; use one of {', '.join(STYLES)}", err=True)
        raise typer.Exit(2)
    assistant = _assistant()
    try:
        answer = assistant.quotes(topic, filters=_tag_filters(assistant, tag), count=count)
    except QuestionError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
        return
    if not answer.citations:  # nothing to quote: say why, rather than print nothing
        typer.echo(answer.notice or "No passage of the corpus matches this topic.")
    for c in answer.citations:
        typer.echo(paste(c.quote, c, style) + "\n" if style else f"“{c.quote}”\n    — {c.attribution()}\n")


@app.command()
def compare(
    topic: Annotated[str, typer.Argument(help="a question or topic")],
    as_json: Annotated[bool, typer.Option("--json", help="print the comparison as JSON")] = False,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="only articles with this tag (repeatable)")] = None,
) -> None:
    """What each article says on a topic, side by side (Markdown with full attributions)."""
    assistant = _assistant()
    try:
        result = assistant.compare(topic, filters=_tag_filters(assistant, tag))
    except QuestionError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(dataclasses.asdict(result), default=_jsonable, ensure_ascii=False, indent=2))
        return
    typer.echo(result.markdown())


@app.command()
def timeline(
    topic: Annotated[str, typer.Argument(help="a topic")],
    count: Annotated[int, typer.Option(help="how many quotes")] = 12,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="only articles with this tag (repeatable)")] = None,
) -> None:
    """The topic's quotes across the corpus in order of publication (undated articles last)."""
    assistant = _assistant()
    try:
        quotes = assistant.timeline(topic, filters=_tag_filters(assistant, tag), count=count)
    except QuestionError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if not quotes:  # say why, rather than print nothing
        typer.echo(assistant.unmentioned(topic) or "No passage of the corpus matches this topic.")
    for c in quotes:
        typer.echo(f"{c.published or 'undated'}  “{c.quote}”\n    — {c.attribution()}\n")


def _jsonable(value):
    return value.model_dump() if hasattr(value, "model_dump") else str(value)


def _quote_text(text: str | None, file: Path | None) -> str:
    """The quote from the argument or the file ('-': standard input); a usage error exits with 2."""
    if (text is None) == (file is None):
        problem = "give the quote as TEXT or with --file, not both" if text is not None else "no quote given"
        typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(2)
    if file is None:
        return text
    try:
        return sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        typer.echo(f"error: cannot read {file}: {exc}", err=True)
        raise typer.Exit(2) from None


def _print_check(result) -> None:
    typer.echo(f"{result.verdict.value}: {result.summary()}")
    for i, m in enumerate(result.matches, 1):
        where = ", ".join(x for x in (m.section, f"paragraph {m.paragraph}" if m.paragraph else "") if x)
        part = f"part {m.part}: " if len(result.matches) > 1 and result.verdict.value == "close" else ""
        typer.echo(f"\n[{i}] {part}{m.attribution} — {m.article_id}, characters {m.start}–{m.end}")
        if where:
            typer.echo(f"    {where}")
        typer.echo(f"    “{m.text}”")
        for d in m.differences:
            if d.kind == "changed":
                typer.echo(f"    changed: “{d.quote}” → the article has “{d.article}”")
            elif d.kind == "added":
                typer.echo(f"    added: “{d.quote}” is not in the article")
            else:
                typer.echo(f"    dropped: the article also has “{d.article}”")


@app.command()
def check(
    text: Annotated[str | None, typer.Argument(help="the quote to check (or use --file)")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="read the quote from a file ('-': stdin)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the verdict and matches as JSON")] = False,
) -> None:
    """Is this quote in the corpus, where, and exactly how? Exit 0 when exact, 1 when close or not
    found, 2 on a usage error."""
    from assistant.check import QuoteError, check_quote, clean_quote

    quote = _quote_text(text, file)
    try:
        clean_quote(quote)  # refuse an empty quote before opening the index
    except QuoteError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    settings = get_settings()
    index = _index()
    try:
        result = check_quote(index, quote, settings.corpus_dir)
    except QuoteError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(result.public(), ensure_ascii=False, indent=2))
    else:
        _print_check(result)
    raise typer.Exit(0 if result.verdict.value == "exact" else 1)


@app.command("eval")
def evaluate_command(
    corpus: Annotated[Path, typer.Option(help="folder of .md/.txt articles", exists=True, file_okay=False)],
    questions: Annotated[Path, typer.Option(help="question file (JSONL)", exists=True, dir_okay=False)],
    run_out: Annotated[Path, typer.Option(help="where to write the run file (JSONL)")],
) -> None:
    """Index CORPUS into a temporary store, answer QUESTIONS, write the run file, print metrics."""
    from assistant.evaluate import evaluate

    metrics = evaluate(corpus, questions, run_out, get_settings())
    typer.echo(json.dumps(metrics))


def main() -> None:
    app()
