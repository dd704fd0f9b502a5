"""Footnote's entry points: ``python app.py`` serves the web app, and ``footnote`` (the console
script) is every command in one place.

``python app.py`` (or ``footnote serve``) syncs the index with corpus/, watches the folder, and
serves the app on 127.0.0.1 (settings: footnote.settings). The page itself is the ``ui`` package,
imported only to serve: ``footnote ask`` answers without loading Gradio.

``footnote ask|quote|compare|timeline|check|eval`` are ``python -m assistant …``; ``footnote add|sync|list|remove|…``
are ``python -m ingest …``: the same commands, registered here once more.
"""

from __future__ import annotations

import sys

import typer

from assistant.cli import app as assistant_commands
from ingest.cli import app as ingest_commands

cli = typer.Typer(add_completion=False, no_args_is_help=True, help="Footnote: answers quoted from your articles.")
for _group in (ingest_commands, assistant_commands):
    cli.registered_commands.extend(_group.registered_commands)


@cli.command()
def serve() -> None:
    """Index the corpus folder, keep watching it, and serve the web app (as `python app.py`)."""
    raise typer.Exit(main())


def main() -> int:
    from footnote.settings import get_settings
    from ui.app import FootnoteApp
    from ui.serve import exposure_problem, launch

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
    if settings.watch:
        app.watch()
    launch(app.build(), settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
