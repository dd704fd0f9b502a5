"""`python -m assistant`: ask the corpus, collect quotes, evaluate on a question set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assistant.chain import QuestionError
from footnote.settings import get_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


def _assistant():
    from assistant.chain import Assistant
    from ingest.index import Index

    settings = get_settings()
    index = Index(settings)
    if index.store.count() == 0:
        report = index.sync(settings.corpus_dir, show_bar=True)
        for err in report.errors:
            typer.echo(f"warning: {err}", err=True)
    return Assistant(index, settings)


def _print_sources(answer) -> None:
    if not answer.citations:
        return
    typer.echo("\nSources:")
    for c in answer.citations:
        where = ", ".join(x for x in (c.section, f"paragraph {c.paragraph}" if c.paragraph else "") if x)
        typer.echo(f"[{c.n}] {c.attribution()} — {c.article_id}" + (f" ({where})" if where else ""))


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="your question")],
    as_json: Annotated[bool, typer.Option("--json", help="print the whole answer structure as JSON")] = False,
) -> None:
    """Answer a question with verbatim, cited sentences from the corpus."""
    try:
        answer = _assistant().ask(question)
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
    count: Annotated[int, typer.Option(help="how many quotes")] = 5,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The best verbatim quotes on a topic, each with author, title, publisher and date."""
    try:
        answer = _assistant().quotes(topic, count=count)
    except QuestionError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
        return
    for c in answer.citations:
        typer.echo(f"“{c.quote}”\n    — {c.attribution()}\n")


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
