"""The same code runs against a `chroma run` server when FOOTNOTE_CHROMA_HOST is set."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import chromadb
import pytest

from assistant.chain import Assistant
from footnote.settings import Settings
from ingest.index import Index
from ingest.library import Library
from tests.conftest import LAMI_KIM, REPO


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                chromadb.HttpClient(host="127.0.0.1", port=port).heartbeat()
                break
            except Exception:
                if proc.poll() is not None:
                    raise RuntimeError("chroma run exited") from None
                time.sleep(0.1)
        else:
            raise RuntimeError("chroma run did not answer")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_sync_ask_remove_through_a_chroma_server(chroma_server, tmp_path, embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    settings = Settings(
        corpus_dir=corpus, index_dir=tmp_path / "index", chroma_host="127.0.0.1", chroma_port=chroma_server
    )
    library = Library(settings, Index(settings, embedder=embedder))
    assert library.sync().ok
    assert not (tmp_path / "index" / "chroma").exists(), "server mode must not write an embedded store"
    # other processes write a server's store without touching our folder: no saved view may stand in
    assert library.index.search_index.saved is None
    assert not (tmp_path / "index" / "search-snapshot.npz").exists()

    answer = Assistant(library.index, settings).ask("How much is Russia expected to pay North Korea per soldier?")
    assert any(c.article_id == LAMI_KIM and "$2,000 per soldier per month" in c.quote for c in answer.citations)

    # a second process (here: a second client) sees the same index
    other = Index(settings, embedder=embedder)
    assert other.store.count() == library.index.store.count() > 0
    assert library.sync().passages_embedded == 0

    library.remove(LAMI_KIM)
    assert LAMI_KIM not in other.store.indexed_articles()
    assert all(meta["article_id"] != LAMI_KIM for _, _, meta in other.store.all_passages())
