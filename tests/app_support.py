"""What the tests of the app (tests/test_app_*.py, tests/test_browser.py) share: a real app on a copy of the corpus.

Everything is real: the corpus folder is copied, the index is built with the bundled model in a
temporary folder, and Gradio serves on a free loopback port. The model is loaded once per
process (``load_embedder`` caches it), so each test module only pays for indexing two articles.
"""

from __future__ import annotations

import re
import shutil
import socket
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import yaml

from footnote.settings import Settings
from ingest.index import Index
from ingest.library import Library
from ui.app import FootnoteApp
from ui.ask import AskTab
from ui.render import ANSWER
from ui.serve import launch
from ui.updates import Updates

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
ARTIFACTS = ROOT / "test-artifacts"

SEED_QUESTION = "How much is Russia expected to pay North Korea per soldier?"
SEED_QUOTE = "$2,000 per soldier per month"
# A question whose answer quotes more than one sentence, to check numbering and the source picker.
SEVERAL_QUOTES_QUESTION = "What technology could Russia give North Korea?"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Planted in an article to prove that article text is shown, never run.
SCRIPT_PAYLOAD = "<script>window.__pwned=1</script>"
IMG_PAYLOAD = '<img src=x onerror="window.__pwned=1">'
LINK_PAYLOAD = "[click](javascript:window.__pwned=1)"
HOSTILE_BODY = (
    f"The harbour of Quillmarsh exports pickled herring {SCRIPT_PAYLOAD} to eleven countries.\n\n"
    f"Fishermen in Quillmarsh say the herring {IMG_PAYLOAD} tastes of smoke.\n\n"
    f"The Quillmarsh herring guild posts its prices at {LINK_PAYLOAD} every morning.\n"
)
HOSTILE_TITLE = f"Quillmarsh herring {IMG_PAYLOAD}"
HOSTILE_AUTHOR = f"Mallory {SCRIPT_PAYLOAD}"

NO_FILTERS = ([], None, "", "")  # articles, author, published from, published until
OTTERS = "The otters of Lake Vell eat mostly crayfish, according to a 2022 survey by the lake authority.\n"
OTTERS_QUESTION = "What do the otters of Lake Vell eat?"
OTTERS_REVISED = "The otters of Lake Vell eat mostly perch, a 2024 recount by the lake authority found.\n"
BEAVERS = "Beavers in the Vell valley built forty new dams in 2023, the valley trust counted.\n"


@dataclass
class Served:
    app: FootnoteApp
    settings: Settings
    url: str

    @property
    def library(self) -> Library:
        return self.app.library


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_settings(workdir: Path, **overrides) -> Settings:
    """Settings for a temporary corpus and index, pinned so FOOTNOTE_* variables cannot leak in."""
    values = {
        "corpus_dir": workdir / "corpus",
        "index_dir": workdir / "index",
        "host": "127.0.0.1",
        "port": free_port(),
        "auth_username": "",
        "auth_password": "",
        "allow_public": False,
        "chroma_host": "",
    }
    return Settings(**{**values, **overrides})


def copied_library(workdir: Path) -> tuple[Settings, Library]:
    shutil.copytree(CORPUS, workdir / "corpus")
    settings = isolated_settings(workdir)
    library = Library(settings, Index(settings, settings.index_dir))
    report = library.sync()
    assert report.ok, report.errors
    return settings, library


@contextmanager
def serve(app: FootnoteApp, settings: Settings) -> Iterator[Served]:
    blocks = app.build()
    launch(blocks, settings, prevent_thread_lock=True, quiet=True)
    try:
        yield Served(app, settings, f"http://{settings.host}:{settings.port}")
    finally:
        blocks.close()


@contextmanager
def served_corpus(workdir: Path) -> Iterator[Served]:
    """The app on a fresh copy of the corpus, serving until the block ends."""
    settings, library = copied_library(workdir)
    with serve(FootnoteApp(settings, library), settings) as served:
        yield served


def write_article(path: Path, body: str, **meta: str) -> Path:
    """A Markdown article with YAML front matter, as a user would upload it."""
    header = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
    path.write_text(f"---\n{header}---\n\n{body}", encoding="utf-8")
    return path


def markers(text: str) -> list[str]:
    """Citation numbers in reading order, whether the brackets are Markdown-escaped or not."""
    return re.findall(r"\\?\[(\d+)\\?\]", text)


def ask(chat: AskTab, question: str, mode: str = ANSWER, turns=(), filters=NO_FILTERS, tags=()) -> list[Updates]:
    """Every view the streaming handler yields, by name: chat, turns, picker, sources, question, status, ...

    ``tags``: the Ask tab's tag filter (articles carrying any of them)."""
    return list(chat.ask(question, mode, *filters, list(turns), list(tags)))


def reply_of(chat: list) -> str:
    """The last message's text, from handler output (a string) or from the API (a list of parts)."""
    content = chat[-1]["content"]
    return content if isinstance(content, str) else "".join(part["text"] for part in content)


def clicked(index: int) -> gr.SelectData:
    """The event a page sends when message ``index`` of the chat is clicked (questions even, answers odd)."""
    return gr.SelectData(None, {"index": index, "value": ""})
