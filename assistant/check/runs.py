"""The word-run index: where in thousands of articles a quote could be, without reading them.

The article texts are cut into words (the same normalisation as the quote), every run of three
words gets a 63-bit key (three 21-bit word ids, so keys sort by their first words and a one- or
two-word quote is a key range), and the keys sit in one sorted numpy array beside each word's
position. A quote's runs are looked up with a binary search; hits on one article whose diagonal
(article position minus quote position) agrees are one candidate stretch. Only candidates are then
aligned (align.py), which is what keeps a check within milliseconds.
"""

from __future__ import annotations

import threading
import zlib
from dataclasses import dataclass

import numpy as np

from assistant.check.articles import ArticleText
from assistant.check.words import WORD_RE, Tokens, word_key

RUN = 3  # words per key
_BITS = 21
_MASK = (1 << _BITS) - 1
MAX_POSTINGS = 400  # a run of words this common says nothing about where a quote is
MAX_CANDIDATES = 10  # stretches aligned at most (as many as MAX_MATCHES)
SHORT = 8  # quotes of fewer words are also looked up by pairs of words


@dataclass(frozen=True)
class Words:
    ids: np.ndarray  # int64 word ids, one per word of the article's region
    starts: np.ndarray  # int64 character offset of each word


class Vocabulary:
    """Word → 21-bit id; past 2 million distinct words, ids are hashed (a collision only adds a
    candidate, which alignment then rejects). Grows only: a removed article's words keep their ids."""

    def __init__(self):
        self._ids: dict[str, int] = {}  # word_key → id
        self._surface: dict[str, int] = {}  # a word as written → id (most words repeat: one lookup)
        self._lock = threading.Lock()

    def get(self, key: str) -> int | None:
        return self._ids.get(key)

    def _add(self, raw: str) -> int:
        key = word_key(raw)
        wid = self._ids.get(key)
        if wid is None:
            n = len(self._ids) + 1
            wid = self._ids[key] = n if n < _MASK else 1 + zlib.crc32(key.encode()) % (_MASK - 1)
        self._surface[raw] = wid
        return wid

    def ids(self, raws: list[str]) -> np.ndarray:
        with self._lock:
            surface, add = self._surface, self._add
            return np.fromiter((surface.get(r) or add(r) for r in raws), dtype=np.int64, count=len(raws))


def article_words(article: ArticleText, vocab: Vocabulary) -> Words:
    a, z = article.region
    found = list(WORD_RE.finditer(article.content, a, z))
    ids = vocab.ids([m.group() for m in found])
    return Words(ids, np.fromiter((m.start() for m in found), dtype=np.int64, count=len(found)))


def run_keys(ids: np.ndarray) -> np.ndarray:
    """The key of the run of RUN words starting at each word (past the end: word id 0)."""
    padded = np.concatenate([ids, np.zeros(RUN - 1, dtype=np.int64)]).astype(np.uint64)
    n = len(ids)
    return (padded[:n] << np.uint64(2 * _BITS)) | (padded[1 : n + 1] << np.uint64(_BITS)) | padded[2 : n + 2]


class RunIndex:
    """An immutable word-run index over some articles, and the candidate stretches of a quote."""

    def __init__(self, articles: list[ArticleText], vocab: Vocabulary | None = None, words=None):
        """``words``: article version → its Words, reused from a previous build."""
        self.vocab = vocab or Vocabulary()
        self.articles = sorted(articles, key=lambda x: x.article_id)
        self.by_id = {x.article_id: i for i, x in enumerate(self.articles)}
        self.words: dict[tuple[str, str], Words] = {}
        for art in self.articles:
            key = (art.article_id, art.version)
            self.words[key] = (words or {}).get(key) or article_words(art, self.vocab)
        per = [self.words[(x.article_id, x.version)] for x in self.articles]
        counts = np.array([len(w.ids) for w in per], dtype=np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)  # first global word of each
        self.word_starts = np.concatenate([w.starts for w in per]) if per else np.zeros(0, dtype=np.int64)
        keys = np.concatenate([run_keys(w.ids) for w in per]) if per else np.zeros(0, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.positions = order.astype(np.int64)  # global word position of each sorted key

    def __len__(self) -> int:
        return len(self.articles)

    def _ids(self, q: Tokens, lo: int, hi: int) -> list[int | None]:
        return [self.vocab.get(word_key(q.values[i])) for i in q.words if lo <= i < hi]

    def _hits(self, ids: list[int | None], run: int) -> tuple[np.ndarray, np.ndarray]:
        """(quote word position, global article word position) of every run of ``run`` words both
        share. Keys sort by their first words, so a run shorter than RUN is a range of keys."""
        qpos = [i for i in range(len(ids) - run + 1) if None not in ids[i : i + run]]
        if not qpos:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        low = []
        for i in qpos:
            key = 0
            for k in range(RUN):
                key = (key << _BITS) | (ids[i + k] if k < run else 0)
            low.append(key)
        low = np.array(low, dtype=np.uint64)
        high = low | np.uint64((1 << (_BITS * (RUN - run))) - 1)
        lo = np.searchsorted(self.keys, low, side="left")
        hi = np.searchsorted(self.keys, high, side="right")
        counts = hi - lo
        rare = (counts > 0) & (counts <= MAX_POSTINGS)
        if not rare.any():  # only common runs: use them, cut
            rare = counts > 0
            hi = np.minimum(hi, lo + MAX_POSTINGS)
        qi, pos = [], []
        for k in np.flatnonzero(rare):
            qi.append(np.full(hi[k] - lo[k], qpos[k], dtype=np.int64))
            pos.append(self.positions[lo[k] : hi[k]])
        if not qi:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(qi), np.concatenate(pos)

    def _candidates(self, ids: list[int | None]) -> list[tuple[int, int, int, int]]:
        """(score, article index, first word, end word) of the stretches worth aligning, best first."""
        n = len(ids)
        qi, pos = self._hits(ids, min(RUN, n))
        if n > 2 and (n < SHORT or not len(qi)):
            # a short quote with a word changed in the middle may keep no run of three: pairs too
            qi2, pos2 = self._hits(ids, 2)
            qi, pos = np.concatenate([qi, qi2]), np.concatenate([pos, pos2])
        if not len(qi):
            return []
        art = np.searchsorted(self.offsets, pos, side="right") - 1
        diag = pos - qi  # where the quote would start in the article, by this hit
        tolerance = max(16, n)  # words dropped or added inside the quote shift the diagonal
        # one sortable number per hit: its article, then its diagonal (kept apart by more than tolerance)
        key = art * (int(self.offsets[-1]) + 4 * tolerance + 4 * n + 16) + (diag + 2 * n + 2 * tolerance)
        order = np.argsort(key, kind="stable")
        key, qi, art, diag = key[order], qi[order], art[order], diag[order]
        ends = np.searchsorted(key, key + tolerance, side="right")
        dense = np.argsort(-(ends - np.arange(len(key))), kind="stable")[: 4 * MAX_CANDIDATES]
        found = []
        for k in dense:  # the densest stretches of diagonals, each scored by the quote words it covers
            e = ends[k]
            found.append((len(set(qi[k:e].tolist())), int(k), int(e)))
        found.sort(key=lambda c: (-c[0], c[1]))
        slack = 4 + n // 10
        out: list[tuple[int, int, int, int]] = []
        taken: list[tuple[int, int]] = []
        for score, k, e in found:
            if any(k < b and a < e for a, b in taken):
                continue
            taken.append((k, e))
            a = int(art[k])
            w0 = max(int(self.offsets[a]), int(diag[k]) - slack)
            w1 = min(int(self.offsets[a + 1]), int(diag[e - 1]) + n + slack)
            out.append((score, a, w0, w1))
            if len(out) == MAX_CANDIDATES:
                break
        top = out[0][0] if out else 0
        return [c for c in out if c[0] >= max(1, top / 2)]

    def _window(self, a: int, w0: int, w1: int) -> tuple[int, int]:
        """Characters of global words w0..w1 of article a (to the region's edges at its ends)."""
        article = self.articles[a]
        start = article.region[0] if w0 <= self.offsets[a] else int(self.word_starts[w0])
        end = article.region[1] if w1 >= self.offsets[a + 1] else int(self.word_starts[w1])
        return start, end
