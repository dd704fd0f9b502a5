"""The search side of the index: BM25 and the passages' vectors, in memory, derived from Chroma.

Chroma is the one persistent index; this is a view of it that can never disagree with it for long:
``refresh`` (called after every change to the store) lists the store's passage ids, fetches only
the passages it has not seen (text, metadata, vector, its sentences' vectors), drops the ones that
are gone, and swaps in a new immutable snapshot. Passage ids carry their article's content hash, so
an edited article is a removal plus an addition. Rebuilding the BM25 weights from the cached term
counts is a few vectorised numpy operations, so an incremental refresh costs what the changed
passages cost.

Title and section (the heading path) are part of each passage's lexical text, so "the NATO article"
or a question naming a section finds it. Readers use one snapshot per query and never wait on a
refresh.

With an embedded store the view is also saved beside it (ingest/saved.py) after every refresh, and
a new process starts from that file when it is current: answering then never opens Chroma.
"""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from bm25s.stopwords import STOPWORDS_EN
from rapidfuzz import process
from rapidfuzz.distance import OSA
from scipy import sparse

from footnote.text import stem_words
from ingest.records import IndexedArticle, StoredPassage, indexed_articles, stored_passage
from ingest.saved import SavedEntry, SavedSnapshot

if TYPE_CHECKING:
    from ingest.store import PassageStore

_WORD = re.compile(r"(?u)\b\w\w+\b")
_STOPWORDS = frozenset(STOPWORDS_EN)
K1, B = 1.2, 0.75  # BM25 (Lucene's formula)


@dataclass(frozen=True)
class TermStats:
    """How the corpus knows a query's words: the basis of the 'corpus does not say' decision."""

    terms: tuple[str, ...]
    known: tuple[bool, ...]
    idf: tuple[float, ...]


@dataclass
class _Entry(SavedEntry):
    """One passage as the search side keeps it: what is saved (ingest/saved.py), and the passage
    rebuilt from its record."""

    stored: StoredPassage


# Endings that make one form of a name from another (stems, as the index keeps them): demonyms and
# adjectives ("-ian", "-ese", "-i", "-ish"), plurals, and the endings the stemmer leaves or cuts
# ("Lebanon" and "Lebanese" share "leban"; "Israeli" is stemmed "isra", "Israel" "israel").
_ENDINGS = "a e i n o s y an ans ian ians ean eans ese es is ish er ers ern ic ics ia ies al el en ey ien les"
FORM_ENDINGS = frozenset(f"{_ENDINGS} land stan istan um on ist ists ism".split(" ")) | {""}


# Letters that are not a base letter plus a mark, as people type them without it.
_PLAIN = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "Æ": "Ae", "œ": "oe", "đ": "d"})


def unaccented(text: str) -> str:
    """``text`` without the accents of Latin letters ("é" → "e", "ø" → "o"): people type names without
    them. Only the combining diacritics block (U+0300-U+036F) is dropped, so Hangul syllables and
    kana come back as they were ("ガザ" stays "Gaza" in kana, not "カサ")."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not "\u0300" <= c <= "\u036f")
    return unicodedata.normalize("NFC", bare).translate(_PLAIN)


def word_forms(a: str, b: str) -> bool:
    """Whether two stems are forms of one word: four letters or more in common, then endings."""
    shared = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return shared >= 4 and a[shared:] in FORM_ENDINGS and b[shared:] in FORM_ENDINGS


class Snapshot:
    """An immutable view of every passage: ids in reading order, BM25 weights, vectors, neighbours."""

    def __init__(self, entries: list[_Entry], vocab: dict[str, int], dimension: int):
        entries = sorted(entries, key=lambda e: (e.stored.passage.article_id, e.stored.passage.index))
        self.vocab = vocab
        self.stored = [e.stored for e in entries]
        self.ids = [e.pid for e in entries]
        self._sentence_vectors = {e.pid: e.sentence_vectors for e in entries if e.sentence_vectors is not None}
        self.article_ids = np.array([e.stored.passage.article_id for e in entries], dtype=object)
        self.article_meta: dict[str, dict] = {}  # article id -> its bibliographic metadata and tags
        for e in entries:
            self.article_meta.setdefault(e.stored.passage.article_id, e.stored.meta)
        n = len(entries)
        self.vectors = np.stack([e.vector for e in entries]).astype(np.float32) if n else np.zeros((0, dimension))
        # previous / next passage of the same article (-1 at an article's ends)
        same = self.article_ids[1:] == self.article_ids[:-1] if n else np.zeros(0, dtype=bool)
        self.prev = np.full(n, -1)
        self.next = np.full(n, -1)
        self.prev[1:][same] = np.arange(n - 1)[same]
        self.next[:-1][same] = np.arange(1, n)[same]
        self.df = np.zeros(len(vocab) + 1)
        self.weights = sparse.csc_matrix((n, len(vocab) + 1), dtype=np.float32)
        if n:
            rows = np.repeat(np.arange(n), [len(e.terms) for e in entries])
            cols = np.concatenate([e.terms for e in entries])
            tf = np.concatenate([e.counts for e in entries]).astype(np.float64)
            lengths = np.array([e.length for e in entries], dtype=np.float64)
            np.add.at(self.df, cols, 1)
            idf = np.log(1 + (n - self.df + 0.5) / (self.df + 0.5))
            norm = K1 * (1 - B + B * lengths / max(lengths.mean(), 1.0))
            values = idf[cols] * tf * (K1 + 1) / (tf + norm[rows])
            self.weights = sparse.csc_matrix((values, (rows, cols)), shape=(n, len(vocab) + 1), dtype=np.float32)

    def __len__(self) -> int:
        return len(self.ids)

    def term_ids(self, terms: list[str]) -> list[int | None]:
        """Vocabulary id of each term, None when no passage uses it."""
        ids = [self.vocab.get(t) for t in terms]
        return [i if i is not None and i < len(self.df) and self.df[i] > 0 else None for i in ids]

    @cached_property
    def terms(self) -> list[str]:
        """The terms some passage uses, without accents, sorted (built on first use; a snapshot never
        changes): a question typed "Rene" or "Aviles" asks about the article's "René" and "Avilés"."""
        return sorted({unaccented(t) for t, i in self.vocab.items() if i < len(self.df) and self.df[i] > 0})

    def knows(self, term: str) -> bool:
        """Whether some passage uses the (stemmed) term or one it may be a word-form or typing
        variant of. A form shares at least its first four letters with the term, and what each has
        beyond what they share is an ending (``FORM_ENDINGS``): "Nigerian" and "Nigeria", "Ukrainian"
        and "Ukraine", "Iran" and "Iranian", "Lebanese" and "Lebanon". A shared beginning alone
        matched too much: "Indus" and "industry", "Portugal" and "port", "Reserve" and "research",
        "Penang" and "penalty". A typing slip keeps the first letter: one edit (a transposition is
        one) in a word of five to seven letters ("Gaurd", "Emmrich"), two from eight ("Karistadt",
        "Hugeunot"). Two edits in shorter words, or another first letter, matched too much:
        "Kremlin" and "remain", "China" and "chang", "Biden" and "widen"."""
        if self.term_ids([term])[0] is not None:
            return True
        term = unaccented(term)
        i = bisect.bisect_left(self.terms, term)
        if i < len(self.terms) and self.terms[i] == term:  # "Ales" of an article saying "Alès"
            return True
        if len(term) >= 4:
            i = bisect.bisect_left(self.terms, term[:4])
            while i < len(self.terms) and self.terms[i].startswith(term[:4]):
                if word_forms(term, self.terms[i]):
                    return True
                i += 1
        edits = 2 if len(term) >= 8 else 1 if len(term) >= 5 else 0
        if not edits:
            return False
        start = bisect.bisect_left(self.terms, term[0])  # a slip is rarely in the first letter
        same_start = self.terms[start : bisect.bisect_left(self.terms, chr(ord(term[0]) + 1))]
        return process.extractOne(term, same_start, scorer=OSA.distance, score_cutoff=edits) is not None

    def bm25(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every passage for these (stemmed) terms."""
        known = sorted({i for i in self.term_ids(terms) if i is not None})
        if not known or not len(self):
            return np.zeros(len(self), dtype=np.float32)
        return np.asarray(self.weights[:, known].sum(axis=1)).ravel()

    def dense(self, vector: np.ndarray) -> np.ndarray:
        """Cosine of every passage with a normalised query vector."""
        return self.vectors @ vector.astype(np.float32) if len(self) else np.zeros(0, dtype=np.float32)

    def sentence_vectors(self, pid: str) -> np.ndarray | None:
        """The stored vectors of a passage's sentences, in order (None: embed them instead)."""
        return self._sentence_vectors.get(pid)

    def mask(self, allowed: set[str] | None) -> np.ndarray | None:
        if allowed is None:
            return None
        return np.isin(self.article_ids, list(allowed))


class SearchIndex:
    """The in-memory view; ``open_store`` opens Chroma (only when the view must be read from it)."""

    def __init__(self, open_store: Callable[[], PassageStore], dimension: int, saved: SavedSnapshot | None = None):
        self._open_store = open_store
        self.dimension = dimension
        self.saved = saved
        self._vocab: dict[str, int] = {}
        self._entries: dict[str, _Entry] = {}
        self._refresh_lock = threading.Lock()
        self._snapshot = Snapshot([], {}, dimension)
        self._token = ""  # the generation at which this view is known to equal Chroma ("": unknown)
        if not self._load_saved():
            self.refresh()

    # --- keeping up with the store ------------------------------------------------------------
    def _load_saved(self) -> bool:
        token = self.saved.token() if self.saved else ""
        got = self.saved.load(self.dimension) if self.saved else None
        if got is None:
            return False
        entries, vocab = got
        self._vocab = {term: i for i, term in enumerate(vocab)}
        for e in entries:
            self._entries[e.pid] = _Entry(**vars(e), stored=stored_passage(e.text, e.meta))
        self._snapshot = Snapshot(list(self._entries.values()), dict(self._vocab), self.dimension)
        self._token = token
        return True

    def current(self) -> bool:
        """True while the view is known to equal the store: saved or loaded at the generation that
        is still current, so no write happened since. It then stands in for Chroma (``sync``'s
        is-anything-new check, the corpus list) and Chroma need not be opened."""
        return bool(self._token) and self.saved is not None and self.saved.token() == self._token

    def indexed_articles(self) -> dict[str, IndexedArticle]:
        """Each article's index state, from the view (the store's answer while ``current()``)."""
        return indexed_articles(e.meta for e in self._entries.values())

    def refresh(self) -> None:
        """Bring the view in step with the store: fetch new passages, forget removed ones; then save
        it if the store is embedded and no write started meanwhile (ingest/saved.py)."""
        with self._refresh_lock:
            token = (self.saved.token() or self.saved.bump()) if self.saved else ""
            changed = self._fetch(self._open_store())
            if not self.saved or (not changed and self._token == token):
                return  # nothing new, and the saved file already vouches for this view
            saved = self.saved.save(token, list(self._entries.values()), self._vocab_list(), self.dimension)
            self._token = token if saved else ""

    def _fetch(self, store: PassageStore) -> bool:
        listed = store.collection.get(include=["metadatas"])
        # An id names the article version and the passage's position, but a re-index under a new
        # chunker or new tags keeps ids: any change to a passage's record makes it new.
        current = dict(zip(listed["ids"], listed["metadatas"], strict=True))
        gone = [pid for pid, e in self._entries.items() if current.get(pid) != e.meta]
        new = sorted(pid for pid in current if pid not in self._entries or pid in gone)
        if not gone and not new and len(self._snapshot) == len(self._entries):
            return False
        for pid in gone:
            del self._entries[pid]
        batch = store._batch
        for lo in range(0, len(new), batch):
            got = store.collection.get(ids=new[lo : lo + batch], include=["documents", "metadatas", "embeddings"])
            sentences = store.sentence_vectors(
                {pid: len(meta["sentences"]) // 2 for pid, meta in zip(got["ids"], got["metadatas"], strict=True)}
            )
            for pid, text, meta, vector in zip(
                got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
            ):
                self._entries[pid] = self._entry(pid, text, meta, vector, sentences.get(pid))
        self._snapshot = Snapshot(list(self._entries.values()), dict(self._vocab), self.dimension)
        return True

    def _vocab_list(self) -> list[str]:
        words = [""] * len(self._vocab)
        for term, i in self._vocab.items():
            words[i] = term
        return words

    def _entry(self, pid: str, text: str, meta: dict, vector, sentence_vectors: np.ndarray | None) -> _Entry:
        lexical = f"{meta.get('title', '')}\n{meta.get('section', '')}\n{text}"
        stems = self.stems(lexical)
        ids = np.array([self._vocab.setdefault(t, len(self._vocab)) for t in stems], dtype=np.int64)
        terms, counts = np.unique(ids, return_counts=True)
        vector = np.asarray(vector, dtype=np.float32)
        return _Entry(
            pid=pid,
            text=text,
            meta=dict(meta),
            vector=vector,
            sentence_vectors=sentence_vectors,
            terms=terms,
            counts=counts,
            length=len(stems),
            stored=stored_passage(text, meta),
        )

    def snapshot(self) -> Snapshot:
        return self._snapshot

    def __len__(self) -> int:
        return len(self._snapshot)

    @property
    def ids(self) -> list[str]:
        return self._snapshot.ids

    @property
    def article_ids(self) -> list[str]:
        return list(self._snapshot.article_ids)

    # --- queries ------------------------------------------------------------------------------
    def stems(self, text: str) -> list[str]:
        """Lower-cased words of two or more characters, stop words removed, Snowball-stemmed."""
        words = [w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS]
        return stem_words(words)  # footnote.text: one stemmer per thread

    def query_terms(self, text: str) -> list[str]:
        return list(dict.fromkeys(self.stems(text)))

    def knows(self, word: str) -> bool:
        """Whether some passage uses the word or a typing or word-form variant of it (``Snapshot.knows``)."""
        snap = self._snapshot
        return all(snap.knows(s) for s in self.stems(word))  # a stop word is no name to look for

    def term_stats(self, text: str) -> TermStats:
        snap = self._snapshot
        terms = self.query_terms(text)
        ids = snap.term_ids(terms)
        n = max(len(snap), 1)
        idf = []
        for i in ids:
            df = snap.df[i] if i is not None else 0
            idf.append(float(np.log(1 + (n - df + 0.5) / (df + 0.5))))
        return TermStats(tuple(terms), tuple(i is not None for i in ids), tuple(idf))
