"""Sentences of the retrieved passages, and the question's words they hold.

What the answerer scores and quotes is a sentence; what it compares is stemmed words, where a
country the question names one way and a sentence another ("Kyiv" / "Ukraine") is the same word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import Stemmer

from assistant.answer_type import FUNCTION_WORDS
from assistant.models import Source
from assistant.places import capitalised_if_typed_lower, country_mentions
from assistant.retriever import to_source

_WORD = re.compile(r"(?u)\b\w\w+\b")
STEMMER = Stemmer.Stemmer("english")
# Words that say what kind of answer is wanted, not what it is about: they never count as
# evidence, and their absence from the corpus says nothing.
QUESTION_WORDS = frozenset(STEMMER.stemWords(sorted(FUNCTION_WORDS)))


@dataclass
class ScoredSentence:
    source: Source
    start: int
    end: int
    text: str
    cosine: float
    overlap: float
    score: float


def stems(text: str) -> set[str]:
    return set(STEMMER.stemWords(_WORD.findall(text.lower())))


# A photo's caption or credit: "PHOTO: A soldier keeps watch …", "(Woohae Cho/The New York Times)".
CAPTION = re.compile(r"^\s*(PHOTO|Photo|IMAGE|Image|Caption|CAPTION|Credit)\b|^\s*\([^()]+/[^()]+\)\s*$")
_CAPTION_WORDS = frozenset(STEMMER.stemWords(["photo", "photograph", "picture", "image", "caption", "credit"]))


def found_words(question: str, text: str) -> set[str]:
    """The question's words a text contains: its own words, and the question's name for a country
    the text names another way (the question's "Kyiv" or "Britain" for the text's "Ukraine" or
    "U.K."); policy writing uses capitals for governments all the time. A caption is about the
    photo, whatever word the question uses for it."""
    words = stems(text)
    if CAPTION.search(text):
        words |= _CAPTION_WORDS
    named = {iso for iso, _ in country_mentions(text)}
    for iso, name in country_mentions(capitalised_if_typed_lower(question)):
        if iso in named:
            words |= stems(name)
    return words


def query_weights(stats) -> dict[str, float]:
    return {
        t: idf
        for t, known, idf in zip(stats.terms, stats.known, stats.idf, strict=True)
        if known and t not in QUESTION_WORDS
    }


def overlap(weights: dict[str, float], question: str, text: str) -> float:
    total = sum(weights.values())
    if not total:
        return 0.0
    found = found_words(question, text)
    return sum(w for t, w in weights.items() if t in found) / total


def same_sentence(a: ScoredSentence, b: ScoredSentence) -> bool:
    if a.source.article_id == b.source.article_id and a.start < b.end and b.start < a.end:
        return True
    return " ".join(a.text.lower().split()) == " ".join(b.text.lower().split())


def next_sentence(sent: ScoredSentence) -> ScoredSentence | None:
    source = sent.source
    for start, end in source.sentences:
        if start >= sent.end:
            gap = source.text[sent.end - source.start : start - source.start]
            if "\n" in gap:
                return None  # the paragraph ended
            text = source.text[start - source.start : end - source.start]
            return ScoredSentence(source, start, end, text, sent.cosine, sent.overlap, sent.score)
    return None


def lead_up(sent: ScoredSentence, before: int) -> list[str]:
    """A sentence's text and that of up to ``before`` sentences preceding it in its passage."""
    source = sent.source
    i = sum(1 for start, _ in source.sentences if start < sent.start)
    return [sent.text] + [
        source.text[s - source.start : e - source.start] for s, e in source.sentences[max(i - before, 0) : i]
    ]


def corpus_sentences(snap, article_id: str | None = None) -> Iterator[ScoredSentence]:
    """Every sentence of the corpus (or of one article), unscored: for the parts of an article that
    retrieval on the question never reaches (author's notes, captions)."""
    for pid, stored in zip(snap.ids, snap.stored, strict=True):
        if article_id is not None and stored.passage.article_id != article_id:
            continue
        source = to_source(pid, stored, 0.0)
        for s, e in source.sentences:
            yield ScoredSentence(source, s, e, source.text[s - source.start : e - source.start], 0.0, 0.0, 0.0)
