"""The search side's passages saved beside the embedded Chroma store, so that reading an index
needs no Chroma.

Why: a one-off ``footnote ask`` spends more time importing chromadb and opening its client
(about a second) than answering. Everything a question needs (passage records, vectors, sentence
vectors, term counts) is already held in memory by ``ingest.search_index``; this module writes
that to one ``.npz`` file after every change and reads it back at start-up.

A saved file may be used only while it is exactly what Chroma holds. Chroma's own files are
touched even by readers, so the proof is a generation token of our own (``generation``, beside the
file), changed by every writer before and after it writes:

- a writer: ``bump()`` → write to Chroma → ``bump()`` → refresh from Chroma and save;
- anyone who refreshes from Chroma: read the token M, refresh, and save with M only if the token
  is still M afterwards.

A write that was under way during a refresh bumps the token when it ends, so a snapshot saved
with M is complete for M; a writer that crashed bumped on the way in, so no file vouches for a
half-written store and readers go to Chroma (and ``sync`` repairs it) as before. The worst a race
can do is leave no valid file: the next reader goes to Chroma and saves one.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FORMAT = 1  # bump when the saved layout changes: older files are then ignored, never misread


@dataclass
class SavedEntry:
    """One passage as saved: its Chroma record and what the search side derived from it."""

    pid: str
    text: str
    meta: dict
    vector: np.ndarray
    sentence_vectors: np.ndarray | None  # one row per sentence of the passage; None if not stored
    terms: np.ndarray  # vocabulary ids of its distinct terms (the BM25 side)
    counts: np.ndarray  # how often each occurs
    length: int  # number of terms


class SavedSnapshot:
    """``<index_dir>/search-snapshot.npz`` and its ``generation`` token."""

    def __init__(self, index_dir: Path):
        self.dir = Path(index_dir)
        self.path = self.dir / "search-snapshot.npz"
        self.token_path = self.dir / "generation"

    # --- the generation token -------------------------------------------------------------------
    def token(self) -> str:
        try:
            return self.token_path.read_text().strip()
        except OSError:
            return ""

    def bump(self) -> str:
        """A new token: whatever was saved before no longer vouches for the store. "" when the
        folder cannot be written (a read-only index: nothing is saved, every process reads Chroma)."""
        token = uuid.uuid4().hex
        tmp = self.token_path.with_suffix(f".{os.getpid()}.tmp")
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            tmp.write_text(token)
            tmp.replace(self.token_path)
        except OSError:
            tmp.unlink(missing_ok=True)
            return ""
        return token

    # --- the file ------------------------------------------------------------------------------
    def load(self, dimension: int) -> tuple[list[SavedEntry], list[str]] | None:
        """(entries, vocabulary) if the file is there, readable, and saved at the current token."""
        token = self.token()
        if not token or not self.path.exists():
            return None
        try:
            with np.load(self.path, allow_pickle=False) as data:
                head = json.loads(bytes(data["head"]).decode())
                if head.get("format") != FORMAT or head.get("generation") != token:
                    return None
                if head["dimension"] != dimension:
                    return None
                arrays = {name: data[name] for name in data.files if name != "head"}
            return _entries(head, arrays), head["vocab"]
        except Exception:  # damaged in any way (bad zip, missing array, bad JSON): Chroma answers instead
            return None

    def save(self, token: str, entries: list[SavedEntry], vocab: list[str], dimension: int) -> bool:
        """Write the file for ``token`` if the token is still current; True when it was written."""
        if not token:
            return False
        n = len(entries)
        has_sentences = np.array([e.sentence_vectors is not None for e in entries], dtype=bool)
        sentence_rows = [e.sentence_vectors for e in entries if e.sentence_vectors is not None]
        head = {
            "format": FORMAT,
            "generation": token,
            "dimension": dimension,
            "vocab": vocab,
            "ids": [e.pid for e in entries],
            "texts": [e.text for e in entries],
            "metas": [e.meta for e in entries],
            "lengths": [e.length for e in entries],
        }
        arrays = {
            "head": np.frombuffer(json.dumps(head).encode(), dtype=np.uint8),
            "vectors": np.stack([e.vector for e in entries]).astype(np.float32) if n else np.zeros((0, dimension)),
            "has_sentences": has_sentences,
            "sentence_counts": np.array([len(v) for v in sentence_rows], dtype=np.int64),
            "sentence_vectors": np.concatenate(sentence_rows).astype(np.float32)
            if sentence_rows
            else np.zeros((0, dimension), dtype=np.float32),
            "term_counts": np.array([len(e.terms) for e in entries], dtype=np.int64),
            "terms": np.concatenate([e.terms for e in entries]).astype(np.int64) if n else np.zeros(0, np.int64),
            "counts": np.concatenate([e.counts for e in entries]).astype(np.int64) if n else np.zeros(0, np.int64),
        }
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp.npz")
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as f:
                np.savez(f, **arrays)
            if self.token() != token:  # a write began meanwhile: this view may be out of date
                return False
            tmp.replace(self.path)
            return True
        except OSError:
            return False  # a read-only index folder: every process reads Chroma, as before
        finally:
            tmp.unlink(missing_ok=True)


def _entries(head: dict, arrays: dict[str, np.ndarray]) -> list[SavedEntry]:
    term_ends = np.cumsum(arrays["term_counts"])
    sentence_ends = np.cumsum(arrays["sentence_counts"])
    entries, s = [], 0
    for i, pid in enumerate(head["ids"]):
        lo = term_ends[i - 1] if i else 0
        sentences = None
        if arrays["has_sentences"][i]:
            start = sentence_ends[s - 1] if s else 0
            sentences = arrays["sentence_vectors"][start : sentence_ends[s]]
            s += 1
        entries.append(
            SavedEntry(
                pid=pid,
                text=head["texts"][i],
                meta=head["metas"][i],
                vector=arrays["vectors"][i],
                sentence_vectors=sentences,
                terms=arrays["terms"][lo : term_ends[i]],
                counts=arrays["counts"][lo : term_ends[i]],
                length=int(head["lengths"][i]),
            )
        )
    return entries
