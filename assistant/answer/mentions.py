"""Names in a question that no article mentions.

"Why did Brazil stop sharing H5N1 samples with the WHO in 2007?", asked of a corpus whose article
says Indonesia did, is read by the answer model as a question about the Indonesia sentence: one
swapped name is one word of twenty, and the sentence answers everything else. So is "How many
Nigerian officers serve in the Haiti mission?" of an article about Kenyan officers, and "How
have Houthi attacks affected traffic through the Strait of Hormuz?" of one about the Red Sea.
What these questions have in common is visible without reading: they name a place, a person or
a body that no article in the corpus uses. Then no quote can be about it, and the honest answer
is "No article mentions “Brazil”."

A name is a capitalised word of the question that is not its first word or a function word.
Abbreviations and words with capitals inside ("ROK", "U.K.", "BoJ", "McKinsey") are left out:
articles often spell out what they stand for. A name counts as mentioned when some passage
(title and section included) or some article's author or publisher uses it, a typing variant of
it or another form of it ("Nigerian" and "Nigeria"; `ingest.search_index.Snapshot.knows`).
"America", "American", "Britain" and "British" are never refused: articles as often say "U.S."
and "U.K.", whose letters the index does not keep as words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from footnote.text import FUNCTION_WORDS, words

# A capitalised word with no capital inside it, possibly possessive; hyphens separate words
# ("Moscow-Pyongyang").
_NAME = re.compile(r"(?<![\w.'’])([A-Z][a-zß-ÿ]+)(?:['’]s?)?(?![\w.]*[A-Z0-9])(?![\w'’])")
_QUESTION_START = re.compile(r"^[\W_]*$")
_SENTENCE_END = re.compile(r"[.!?:;][\"”’)]*\s*[\"“‘(]*$")
_CREDITS = ("author", "publisher")
_INITIALS = "america american americans britain british briton britons"
_CALENDAR = (
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday"
)
_NEVER_REFUSED = frozenset(f"{_INITIALS} {_CALENDAR}".split())
_OFFICES = (
    "president vice prime minister secretary chancellor premier governor senator mayor general admiral "
    "colonel king queen prince princess pope dr mr mrs ms sir dame lord chairman chairwoman chair "
    "ambassador envoy judge justice commissioner director chief ceo emir sheikh"
)
_TITLES = frozenset(_OFFICES.split())


def names(question: str) -> list[str]:
    """The names in a question as typed: capitalised words, not the first word of a sentence,
    not function words or months, no abbreviations, and not a name that follows a title
    ("President Biden", "Prime Minister Kishida"): articles often call people by their office
    alone, and a speech's transcript never names its speaker."""
    found = []
    titled_until = -1  # where the last title, or a name run after one, ends
    for match in _NAME.finditer(question):
        before = question[: match.start()]
        word = match.group(1)
        if titled_until >= 0 and not question[titled_until : match.start()].strip():
            titled_until = match.end()
            continue
        titled_until = match.end() if word.lower() in _TITLES else -1
        if _QUESTION_START.match(before) or _SENTENCE_END.search(before):
            continue
        if word.lower() not in FUNCTION_WORDS and word.lower() not in _NEVER_REFUSED:
            found.append(word)
    return list(dict.fromkeys(found))


def unmentioned(
    question: str, knows: Callable[[str], bool], front_matter: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """The question's names that no article mentions: ``knows`` is the corpus's vocabulary test
    (`ingest.search_index.SearchIndex.knows`), ``front_matter`` each article's metadata, whose
    authors and publishers the passages need not name."""
    absent = [name for name in names(question) if not knows(name)]
    if absent:
        credited = {w for meta in front_matter.values() for key in _CREDITS for w in words(str(meta.get(key) or ""))}
        absent = [name for name in absent if name.lower() not in credited]
    return absent
