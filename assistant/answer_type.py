"""What kind of answer a question wants (a number, a date, a name), and whether a sentence has one.

A question asking "how many" is not answered by a sentence without a number, however close in
meaning it is. Without an NLI model this is the cheapest reliable check that the quoted sentences
actually answer, rather than merely talk about the same thing.
"""

from __future__ import annotations

import re

# Words that say what kind of answer is wanted or glue a question together, not what it is about:
# shared by the follow-up detector and the refusal decision.
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

_NUMBER_Q = re.compile(
    r"\b(how (many|much|large|big|long|far|old|often)|what (percentage|share|proportion|number|amount|sum|price|"
    r"value|cost|size)|how many)\b",
    re.IGNORECASE,
)
_DATE_Q = re.compile(r"^\s*when\b|\b(what|which) (date|year|month|day|time)\b|\bsince when\b", re.IGNORECASE)
_PERSON_Q = re.compile(r"^\s*who\b|\bwhat is the name of\b|\bwhich (person|official|leader|minister)\b", re.IGNORECASE)

_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
    r"thousand|million|billion|dozen|half|several|percent|decades|years|months|weeks)\b",
    re.IGNORECASE,
)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(
    rf"\b({_MONTHS})\b|\b(1[89]\d\d|20\d\d)s?\b|\b(last|this|next|previous|coming) (week|month|year|decade)|"
    r"\b(ago|yesterday|today|recently|in recent years|decades?|since)\b|’s (summit|meeting)|'s (summit|meeting)",
)
_CAPITALISED_RUN = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z]+(?:\s+[A-Z]\.)*(?:\s+[A-Z][a-z]+)+)")


def expected_type(question: str) -> str:
    if _DATE_Q.search(question):
        return "date"
    if _PERSON_Q.search(question):
        return "person"
    if _NUMBER_Q.search(question):
        return "number"
    return ""


def has_answer_of_type(kind: str, text: str, question: str) -> bool:
    if kind == "number":
        return bool(_NUMBER.search(text))
    if kind == "date":
        return bool(_DATE.search(text))
    if kind == "person":
        asked = question.lower()
        return any(name.lower() not in asked for name in _CAPITALISED_RUN.findall(text))
    return True
