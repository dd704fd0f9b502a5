"""Keeping a check index in step with a live ingest.index.Index.

The index changes under the app (syncs, the watcher), and a check must see the passages the index
holds now. The QuoteChecker rebuilds its CheckIndex lazily, on the first check after the search
snapshot changes, and reuses what did not change: an unchanged article's text and words.
"""

from __future__ import annotations

import threading
import weakref
from pathlib import Path

from assistant.check.articles import articles_from_snapshot
from assistant.check.index import CheckIndex
from assistant.check.runs import Vocabulary
from assistant.check.types import QuoteCheck


class QuoteChecker:
    """The check index of one ingest.index.Index, rebuilt when the index's passages change."""

    def __init__(self, index, corpus_dir: Path | None = None, weak: bool = False):
        """``weak``: hold the index weakly (checker_for keeps one checker per live index)."""
        self._index = weakref.ref(index) if weak else (lambda: index)
        self.corpus_dir = Path(corpus_dir) if corpus_dir is not None else Path(index.settings.corpus_dir)
        self._lock = threading.Lock()
        self._vocab = Vocabulary()
        self._snapshot = None
        self._current: CheckIndex | None = None

    @property
    def index(self):
        index = self._index()
        if index is None:
            raise RuntimeError("the index of this quote checker is gone")
        return index

    def current(self) -> CheckIndex:
        """The check index for the index's current passages (built now if they changed)."""
        snapshot = self.index.search_index.snapshot()
        current = self._current
        if current is not None and self._snapshot is snapshot:
            return current
        with self._lock:
            snapshot = self.index.search_index.snapshot()
            if self._current is None or self._snapshot is not snapshot:
                previous = self._current
                known = {(a.article_id, a.version): a for a in previous.articles} if previous else None
                articles = articles_from_snapshot(snapshot, self.corpus_dir, self.index.settings.max_file_bytes, known)
                words = previous.words if previous else None
                self._current = CheckIndex(articles, self._vocab, words, self.index.search_index, snapshot)
                self._snapshot = snapshot
            return self._current

    def check(self, text: str) -> QuoteCheck:
        return self.current().check(text)
