"""Shared fixtures: real model, real Chroma in temporary folders, the real seed articles."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from footnote.settings import Settings
from tools.paths import shared_dir

REPO = Path(__file__).resolve().parents[1]
SHARED = shared_dir()
SEEDS = SHARED / "seeds"
SEED_QUESTIONS = SHARED / "eval" / "seed_questions.jsonl"
MANIFEST = REPO / "tests" / "data" / "questions" / "manifest.json"
POLICY = REPO / "tests" / "data" / "policy-blind-s14"  # blind questions on articles the project was not built on
POLICY_DEV = REPO / "tests" / "data" / "policy-dev-s15"  # the same, but the answer-kind check was designed on it
NEWS = REPO / "tests" / "data" / "news-blind-s15"  # news reports and analyses
# Written blind after session 16's checks were designed looking at the three sets above: held out.
POLICY_S16 = REPO / "tests" / "data" / "policy-blind-s16"
NEWS_S16 = REPO / "tests" / "data" / "news-blind-s16"


def question_sets() -> dict[str, Path]:
    """Every question set on the seeds, by name, from the manifest (tests/data/questions)."""
    sets = json.loads(MANIFEST.read_text(encoding="utf-8"))["sets"]
    return {s["name"]: (SHARED if s.get("shared") else REPO) / s["file"] for s in sets}


LAMI_KIM = "north-korea-in-ukraine-south-korea-response.md"


def load_questions(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def embedder():
    """The bundled all-MiniLM-L6-v2, loaded once: it is the slowest thing in the suite."""
    from ingest.embed import embedder_for

    return embedder_for(Settings())


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")


@pytest.fixture
def index(settings, embedder):
    from ingest.index import Index

    return Index(settings, embedder=embedder)


@pytest.fixture
def library(settings, index):
    """A library over a copy of the project's corpus/, indexed."""
    from ingest.library import Library

    shutil.copytree(REPO / "corpus", settings.corpus_dir)
    lib = Library(settings, index)
    assert lib.sync().ok
    return lib


def _assistant_over(folder: Path, tmp: Path, embedder):
    from assistant.chain import Assistant
    from ingest.index import Index

    settings = Settings(corpus_dir=folder, index_dir=tmp)
    index = Index(settings, embedder=embedder)
    assert index.sync(folder).ok
    return Assistant(index, settings)


@pytest.fixture(scope="session")
def seeds_assistant(tmp_path_factory, embedder):
    """An assistant over ../shared/seeds exactly as given (plain .txt files)."""
    return _assistant_over(SEEDS, tmp_path_factory.mktemp("seeds-index"), embedder)


@pytest.fixture(scope="session")
def assistant_over(tmp_path_factory, embedder):
    """An assistant over one of the evaluation sets in tests/data (its ``corpus/``), built once per
    set: ``assistant_over(POLICY)``."""
    built: dict[Path, object] = {}

    def over(folder: Path):
        if folder not in built:
            index_dir = tmp_path_factory.mktemp(f"{folder.name}-index")
            built[folder] = _assistant_over(folder / "corpus", index_dir, embedder)
        return built[folder]

    return over


@pytest.fixture(scope="session")
def policy_dev_assistant(assistant_over):
    """An assistant over the five articles of tests/data/policy-dev-s15, where checks are designed."""
    return assistant_over(POLICY_DEV)


@pytest.fixture(scope="session")
def corpus_assistant(tmp_path_factory, embedder):
    """An assistant over the project's own corpus/ (Markdown with front matter)."""
    folder = tmp_path_factory.mktemp("corpus") / "corpus"
    shutil.copytree(REPO / "corpus", folder)
    return _assistant_over(folder, tmp_path_factory.mktemp("corpus-index"), embedder)


@pytest.fixture
def run(tmp_path):
    """The command lines as a user runs them (``run("ingest", "add", ...)``), on a copy of corpus/:
    from the folder holding it, named as the default names it (relative: ``corpus``)."""
    import os
    import subprocess
    import sys

    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    env = os.environ | {"FOOTNOTE_CORPUS_DIR": "corpus", "FOOTNOTE_INDEX_DIR": str(tmp_path / "index")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, env=env, cwd=tmp_path)

    run.corpus = corpus
    return run


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The real app, served on loopback over a fresh copy of corpus/, for one test module."""
    from tests.app_support import served_corpus

    with served_corpus(tmp_path_factory.mktemp("app")) as running:
        yield running


@pytest.fixture
def chat(served):
    """The served app's Ask tab, whose handlers the tests call as the page does."""
    return served.app.ask_tab


@pytest.fixture
def client(served):
    """A gradio_client on the served app's API, as users' scripts connect."""
    from gradio_client import Client

    return Client(served.url, verbose=False)


# Test kinds, by file: `pytest -m unit` runs the ones that need no model, store or server (seconds);
# `integration` load the real models and stores; `browser` drive Chromium against a real app server.
UNIT_FILES = {
    "test_chunking.py",
    "test_architecture.py",
    "test_settings.py",
    "test_attribution.py",
    "test_workspace.py",
    "test_loading.py",
    "test_app_render.py",
    "test_app_updates.py",
    "test_reranking.py",
    "test_topics.py",
    "test_kinds.py",
}
BROWSER_FILES = {"test_browser.py"}


def pytest_collection_modifyitems(items):
    for item in items:
        name = item.path.name
        kind = "unit" if name in UNIT_FILES else "browser" if name in BROWSER_FILES else "integration"
        item.add_marker(getattr(pytest.mark, kind))
