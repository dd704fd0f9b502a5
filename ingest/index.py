"""The index as one object: embedder, Chroma store and BM25, kept in step by ``sync``.

Chroma is opened on first need: to write, or to read the passages when no saved search snapshot
vouches for it (ingest/saved.py). Answering from an index that nothing has changed since it was
last saved therefore never imports chromadb.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from footnote.settings import Settings
from footnote.types import Article, Passage, Span
from ingest.chunk import chunk_article, chunking_key
from ingest.embed import Embedder, embedder_for
from ingest.errors import IngestError
from ingest.load import corpus_files, load_article
from ingest.records import IndexedArticle
from ingest.saved import SavedSnapshot
from ingest.search_index import SearchIndex

if TYPE_CHECKING:
    from ingest.store import PassageStore

Progress = Callable[[float, str], None]  # (fraction done, what is happening)

_GROUP_SENTENCES = 8000  # embed this many sentences at a time: bounded memory on huge corpora


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    passages_embedded: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged, {self.passages_embedded} passages embedded, "
            f"{len(self.errors)} errors"
        )


class Index:
    def __init__(self, settings: Settings, index_dir: Path | None = None, embedder: Embedder | None = None):
        self.settings = settings
        self.embedder = embedder or embedder_for(settings)
        self.chunking = chunking_key(settings.passage_chars)
        self._index_dir = index_dir
        self._store: PassageStore | None = None
        self._store_lock = threading.Lock()
        # a server's store may be written by processes that never see our folder: always read it
        saved = None if settings.chroma_host else SavedSnapshot(Path(index_dir or settings.index_dir))
        self.search_index = SearchIndex(lambda: self.store, self.embedder.dimension, saved)
        self.write_lock = threading.Lock()  # one writer at a time; readers never wait on it

    @property
    def store(self) -> PassageStore:
        """The Chroma collections, opened on first use."""
        if self._store is None:
            with self._store_lock:
                if self._store is None:
                    from ingest.store import PassageStore, make_client

                    client = make_client(self.settings, self._index_dir)
                    self._store = PassageStore(client, self.embedder, self.settings.collection, self.chunking)
        return self._store

    def indexed_articles(self) -> dict[str, IndexedArticle]:
        """Each article's index state: from the in-memory view while it is known to equal the
        store, from Chroma otherwise (another process may have written since)."""
        if self.search_index.current():
            return self.search_index.indexed_articles()
        return self.store.indexed_articles()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A write to the store (the caller holds ``write_lock``): the saved snapshot stops vouching
        for the store while it is written, and the view is refreshed (and saved) after it
        (ingest/saved.py)."""
        saved = self.search_index.saved
        if saved:
            saved.bump()
        yield
        if saved:
            saved.bump()
        self.search_index.refresh()

    def sync(self, corpus_dir: Path, progress: Progress | None = None, show_bar: bool = False) -> SyncReport:
        """Make the index hold exactly the articles of ``corpus_dir``, embedding only what changed."""
        report = SyncReport()
        with self.write_lock:
            indexed = self.indexed_articles()
            loaded: list[Article] = []
            seen: set[str] = set()
            for path in corpus_files(corpus_dir):
                try:
                    loaded.append(load_article(path, corpus_dir, self.settings.max_file_bytes))
                except IngestError as exc:
                    report.errors.append(exc)
                    seen.add(exc.source)  # a file that fails to load keeps its old passages
            articles: list[Article] = []
            copies = _copies(loaded, indexed)
            for article in loaded:
                copied = copies.get(article.id)
                if copied:  # its text is indexed under the other name; refused like any bad file
                    problem = f"same text as {copied}, which is indexed; this copy is not"
                    report.errors.append(IngestError(article.id, problem))
                    if article.id in indexed:
                        seen.add(article.id)  # what it held before stays, as for a file that fails to load
                    continue
                seen.add(article.id)
                state = indexed.get(article.id)
                unchanged = (
                    state
                    and state.complete
                    and state.content_hash == article.content_hash
                    and state.chunking == self.chunking
                    # an index written before tags were stored lacks them: re-index to add them
                    and tuple(state.meta.get("tags") or ()) == tuple(article.meta.tags)
                )
                if unchanged:
                    report.unchanged.append(article.id)
                else:
                    (report.updated if state else report.added).append(article.id)
                    articles.append(article)
            gone = sorted(set(indexed) - seen)
            if not articles and not gone and self.search_index.current():
                return report  # the saved view vouches that the store holds exactly this corpus
            with self._writing():
                for aid in gone:
                    self.store.delete_article(aid)
                    report.removed.append(aid)
                report.passages_embedded = self._index_articles(articles, progress, show_bar)
                self.store.prune_sentences(seen)
        return report

    def index_article(self, article: Article, progress: Progress | None = None) -> int:
        with self.write_lock, self._writing():
            return self._index_articles([article], progress, show_bar=False)

    def remove_article(self, article_id: str) -> None:
        with self.write_lock, self._writing():
            self.store.delete_article(article_id)

    def _index_articles(self, articles: list[Article], progress: Progress | None, show_bar: bool) -> int:
        chunked = [(a, chunk_article(a, self.settings.passage_chars)) for a in articles]
        total = sum(len(_sentences(p)) for _, passages in chunked for p in passages)
        bar = tqdm(total=total, desc="Embedding passages", unit="sentence", disable=not show_bar or total == 0)
        done = 0

        def advance(n: int) -> None:
            nonlocal done
            done += n
            bar.update(n)
            if progress is not None and total:
                progress(done / total, f"Embedding passages: {done}/{total} sentences")

        group: list[tuple[Article, list[Passage]]] = []
        for item in chunked:
            group.append(item)
            if sum(len(_sentences(p)) for _, passages in group for p in passages) >= _GROUP_SENTENCES:
                self._embed_and_store(group, advance)
                group = []
        self._embed_and_store(group, advance)
        bar.close()
        return sum(len(p) for _, p in chunked)

    def _embed_and_store(self, group: list[tuple[Article, list[Passage]]], advance) -> None:
        """Embed every sentence once; passages get their sentences' mean (ingest.store.mean_vector)."""
        if not group:
            return
        texts = [article.content[s.start : s.end] for article, ps in group for p in ps for s in _sentences(p)]
        vectors = self.embedder.embed(texts, progress=advance)
        at = 0
        for article, passages in group:
            per_passage = []
            for p in passages:
                n = len(_sentences(p))
                per_passage.append(vectors[at : at + n])
                at += n
            self.store.put_article(article, passages, per_passage)


def _copies(loaded: list[Article], indexed: dict[str, IndexedArticle]) -> dict[str, str]:
    """Articles whose text another file already holds (``Article.fingerprint``), each with the one
    kept: the one the index already holds with this text, else the first by file name. Two files
    with one text would answer every question twice, from "two" articles."""
    groups: dict[str, list[Article]] = {}
    for article in loaded:
        groups.setdefault(article.fingerprint, []).append(article)
    out: dict[str, str] = {}
    for group in groups.values():
        if len(group) > 1:
            held = [a for a in group if (s := indexed.get(a.id)) and s.content_hash == a.content_hash]
            kept = (held or group)[0].id
            out |= {a.id: kept for a in group if a.id != kept}
    return out


def _sentences(passage: Passage) -> tuple[Span, ...]:
    """What gets a vector: the passage's sentences (the passage itself if it has none)."""
    return passage.sentences or (Span(passage.start, passage.end),)
