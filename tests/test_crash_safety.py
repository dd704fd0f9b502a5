"""Killing `ingest sync` at random moments never leaves the index out of step once sync runs again."""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from chromadb.api.shared_system_client import SharedSystemClient

from footnote.settings import Settings
from ingest.chunk import chunk_article
from ingest.index import Index
from ingest.load import corpus_files, load_article
from tests.conftest import SEEDS

ROUNDS = 6


def write_corpus(folder: Path, rng: random.Random) -> None:
    """Article-sized files cut from the seeds, some rewritten or removed each round."""
    paragraphs = [p for seed in sorted(SEEDS.iterdir()) for p in seed.read_text("utf-8").split("\n") if len(p) > 80]
    folder.mkdir(exist_ok=True)
    for existing in folder.glob("*.md"):
        if rng.random() < 0.2:
            existing.unlink()
    for i in range(40):
        if rng.random() < 0.5 or not (folder / f"a{i:02}.md").exists():
            body = "\n\n".join(rng.sample(paragraphs, 4))
            (folder / f"a{i:02}.md").write_text(
                f"---\ntitle: Article {i} v{rng.randint(0, 10**6)}\n---\n\n{body}\n", "utf-8"
            )


def sync_and_kill(env: dict, rng: random.Random) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "ingest", "sync"], env=env, stderr=subprocess.PIPE)
    seen = b""
    while b"Embedding passages" not in seen and proc.poll() is None:
        ready, _, _ = select.select([proc.stderr], [], [], 1.0)
        if ready:
            seen += os.read(proc.stderr.fileno(), 4096)
    time.sleep(rng.uniform(0.0, 2.5))
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()


def assert_index_matches_corpus(settings: Settings, embedder) -> None:
    # Another process wrote the store: drop Chroma's per-process cache so it is read from disk.
    SharedSystemClient.clear_system_cache()
    index = Index(settings, embedder=embedder)
    expected: dict[str, tuple[str, int]] = {}
    for path in corpus_files(settings.corpus_dir):
        article = load_article(path, settings.corpus_dir, settings.max_file_bytes)
        expected[article.id] = (article.content_hash, len(chunk_article(article, settings.passage_chars)))
    stored: dict[str, tuple[set[str], int]] = {}
    for _, _, meta in index.store.all_passages():
        hashes, n = stored.get(meta["article_id"], (set(), 0))
        stored[meta["article_id"]] = (hashes | {meta["content_hash"]}, n + 1)
    assert set(stored) == set(expected), "articles missing from or orphaned in Chroma"
    for aid, (digest, count) in expected.items():
        assert stored[aid] == ({digest}, count), aid
    passage_ids = sorted(pid for pid, _, _ in index.store.all_passages())
    assert sorted(index.search_index.ids) == passage_ids
    sentences = index.store.sentences.get(include=["metadatas"])
    assert sorted({m["passage_id"] for m in sentences["metadatas"]}) == passage_ids, "sentence vectors out of step"
    snap = index.search_index.snapshot()
    for pid, stored in zip(snap.ids, snap.stored, strict=True):
        assert len(snap.sentence_vectors(pid)) == len(stored.passage.sentences), pid


def test_random_sigkills_during_sync_are_repaired_by_the_next_sync(tmp_path, embedder):
    rng = random.Random(20261122)
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    env = os.environ | {"FOOTNOTE_CORPUS_DIR": str(settings.corpus_dir), "FOOTNOTE_INDEX_DIR": str(settings.index_dir)}
    interrupted = 0
    for _ in range(ROUNDS):
        write_corpus(settings.corpus_dir, rng)
        sync_and_kill(env, rng)
        try:
            assert_index_matches_corpus(settings, embedder)
        except AssertionError:
            interrupted += 1
    assert interrupted, "no kill landed before sync finished: the test exercised nothing"
    done = subprocess.run([sys.executable, "-m", "ingest", "sync"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert_index_matches_corpus(settings, embedder)
