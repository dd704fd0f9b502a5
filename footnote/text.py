"""Words and stems, the same everywhere (the index's BM25, the answerer's first-stage overlap, the
LLM verifier), and safe to call from the app's concurrent requests.

A PyStemmer object is not meant to be shared between threads, so each thread gets its own.
"""

from __future__ import annotations

import re
import threading

import Stemmer

WORD = re.compile(r"(?u)\b\w\w+\b")

# Words that say what kind of answer is wanted, not what it is about: they never count as evidence
# that a sentence is on the question's subject.
FUNCTION_WORDS = frozenset(
    [
        "a",
        "about",
        "according",
        "an",
        "and",
        "any",
        "are",
        "argue",
        "argues",
        "article",
        "articles",
        "as",
        "at",
        "author",
        "be",
        "been",
        "being",
        "but",
        "by",
        "can",
        "could",
        "describe",
        "did",
        "do",
        "does",
        "else",
        "exactly",
        "explain",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "in",
        "is",
        "it",
        "its",
        "kind",
        "many",
        "may",
        "mention",
        "mentioned",
        "might",
        "much",
        "of",
        "on",
        "or",
        "other",
        "said",
        "say",
        "says",
        "should",
        "some",
        "sort",
        "tell",
        "that",
        "the",
        "their",
        "them",
        "there",
        "these",
        "they",
        "think",
        "this",
        "those",
        "to",
        "type",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "would",
    ]
)

_local = threading.local()


def stemmer() -> Stemmer.Stemmer:
    """This thread's English Snowball stemmer."""
    s = getattr(_local, "stemmer", None)
    if s is None:
        s = _local.stemmer = Stemmer.Stemmer("english")
    return s


def words(text: str) -> list[str]:
    """Lower-cased words of two or more letters or digits, in order."""
    return WORD.findall(text.lower())


def stem_words(tokens: list[str]) -> list[str]:
    return stemmer().stemWords(tokens)


def stems(text: str) -> set[str]:
    return set(stem_words(words(text)))


QUESTION_WORDS = frozenset(Stemmer.Stemmer("english").stemWords(sorted(FUNCTION_WORDS)))
