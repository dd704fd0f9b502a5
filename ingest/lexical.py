"""BM25 over the passages in Chroma, so the lexical and dense indexes can never disagree.

It is derived from the store's own documents rather than kept as a second source of truth:
rebuilding is cheap (bm25s, sparse matrices) and a crash can leave nothing to reconcile.
Title and section are part of each passage's lexical text, so "the NATO article" finds it.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN
from bm25s.tokenization import Tokenizer

_WORD = re.compile(r"(?u)\b\w\w+\b")
_STOPWORDS = frozenset(STOPWORDS_EN)

from ingest.store import PassageStore


@dataclass(frozen=True)
class TermStats:
    """How the corpus knows a query's words: the basis of the 'corpus does not say' decision."""

    terms: tuple[str, ...]
    known: tuple[bool, ...]
    idf: tuple[float, ...]


class LexicalIndex:
    def __init__(self, store: PassageStore):
        self.store = store
        self._lock = threading.Lock()
        self._stemmer = Stemmer.Stemmer("english")
        self.refresh()

    def refresh(self) -> None:
        """Rebuild from the store; called after every change to the store."""
        ids, texts, articles = [], [], []
        for pid, text, meta in self.store.all_passages():
            ids.append(pid)
            articles.append(meta["article_id"])
            texts.append(f"{meta.get('title', '')}\n{meta.get('section', '')}\n{text}")
        tokenizer = Tokenizer(stemmer=self._stemmer, stopwords="en")
        bm25 = bm25s.BM25()
        df = np.zeros(0)
        if texts:
            tokens = tokenizer.tokenize(texts, update_vocab=True, return_as="ids", show_progress=False)
            bm25.index(tokens, show_progress=False)
            vocab_size = len(tokenizer.get_vocab_dict())
            df = np.zeros(vocab_size + 1)
            for doc in tokens:
                df[list(set(doc))] += 1
        with self._lock:
            self.ids, self.article_ids, self._tokenizer, self._bm25, self._df = ids, articles, tokenizer, bm25, df

    def __len__(self) -> int:
        return len(self.ids)

    def _query_ids(self, text: str) -> tuple[list[str], list[int | None]]:
        """Stemmed query terms and their vocabulary ids (None: the corpus never uses the word).

        bm25s silently drops unknown words, but an unknown word is exactly what tells that the
        corpus cannot answer, so the query is tokenized here with the same rules.
        """
        words = [w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS]
        terms = list(dict.fromkeys(self._stemmer.stemWords(words)))
        vocab = self._tokenizer.get_vocab_dict()
        return terms, [vocab.get(t) for t in terms]

    def search(self, text: str, n: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """Passage ids with BM25 scores, best first; ``allowed`` restricts to some articles."""
        with self._lock:
            if not self.ids:
                return []
            _, ids = self._query_ids(text)
            known = [i for i in ids if i is not None]
            if not known:
                return []
            scores = self._bm25.get_scores(known)
            if allowed is not None:
                mask = np.array([a in allowed for a in self.article_ids])
                scores = np.where(mask, scores, 0.0)
            top = np.argsort(-scores)[:n]
            return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def term_stats(self, text: str) -> TermStats:
        with self._lock:
            terms, ids = self._query_ids(text)
            n = max(len(self.ids), 1)
            idf = []
            for i in ids:
                df = self._df[i] if i is not None and i < len(self._df) else 0
                idf.append(float(np.log(1 + (n - df + 0.5) / (df + 0.5))))
            return TermStats(tuple(terms), tuple(i is not None for i in ids), tuple(idf))
