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
(title and section included) uses it, a typing variant of it or another form of it ("Nigerian"
and "Nigeria"; `ingest.search_index.Snapshot.knows`), or an article's author or publisher has it
as a word. Demonyms English forms irregularly ("French" and "France", "Dutch" and "the
Netherlands"): either counts for the other. "America", "American", "Britain", "British" and
"English" are never refused (articles as often write "U.S." and "U.K.", whose letters the index
does not keep as words), nor are honorifics ("Dr Tedros": articles often drop them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from assistant.answer.kinds import CALENDAR
from footnote.text import FUNCTION_WORDS, words

# A word of two letters or more, of any alphabet, possibly possessive; hyphens separate words
# ("Moscow-Pyongyang"), and a word with an apostrophe inside ("O'Brien") is left out. Whether it
# is capitalised, with no capital inside, is tested on the word (`_capitalised`).
_WORD = re.compile(r"(?<![\w.])(?<!\w['’])([^\W\d_]{2,})(?:['’]s?)?(?![\w'’])(?!\.\w)")
_QUESTION_START = re.compile(r"^[\W_]*$")
_SENTENCE_END = re.compile(r"[.!?:;][\"”’)]*\s*[\"“‘(]*$")
_CREDITS = ("author", "publisher")
_INITIALS = "america american americans britain british briton britons english"
_HONORIFICS = "mr mrs ms mx dr prof sir dame lord"
_NEVER_REFUSED = frozenset(f"{_INITIALS} {_HONORIFICS} {CALENDAR}".split())
_OFFICES = (
    "president vice prime minister secretary chancellor premier governor senator mayor general admiral "
    "colonel king queen prince princess pope chairman chairwoman chair ambassador envoy judge justice "
    "commissioner director chief ceo emir sheikh"
)
_TITLES = frozenset(f"{_OFFICES} {_HONORIFICS}".split())
# Demonyms that are not the country's name plus an ending (those are forms, `Snapshot.knows`).
_IRREGULAR = {
    "french": "france",
    "spanish": "spain",
    "irish": "ireland",
    "dutch": "netherlands holland",
    "swiss": "switzerland",
    "welsh": "wales",
    "scottish": "scotland",
    "scots": "scotland",
    "danish": "denmark",
    "danes": "denmark",
    "finnish": "finland",
    "finns": "finland",
    "filipino": "philippines",
    "filipinos": "philippines",
    "emirati": "emirates",
    "emiratis": "emirates",
    "ivorian": "ivoire",
    "malagasy": "madagascar",
    "azeri": "azerbaijan",
    "kiwi": "zealand",
    "portuguese": "portugal",
    "polish": "poland",
    "poles": "poland",
    "norwegian": "norway",
    "norwegians": "norway",
    "peruvian": "peru",
    "peruvians": "peru",
    "cypriot": "cyprus",
    "senegalese": "senegal",
    "turkish": "türkiye",
    "burmese": "myanmar",
    "kosovar": "kosovo",
    "mozambican": "mozambique",
    "greek": "greece",
    "panamanian": "panama",
    "laotian": "laos",
    "catalan": "catalonia",
}
_FORMS: dict[str, set[str]] = {}
for _demonym, _countries in _IRREGULAR.items():
    for _country in _countries.split():
        _FORMS.setdefault(_demonym, set()).add(_country)
        _FORMS.setdefault(_country, set()).add(_demonym)


def _capitalised(word: str) -> bool:
    return word[0].isupper() and word[1:].islower()


def no_mention(name: str) -> str:
    """The notice of a refusal for a name, or a topic, that no article mentions."""
    return f"No article mentions “{name}”."


# A run of capitalised words, "of"/"for" (and "the" after them) allowed inside: "European Central
# Bank", "Bank of England", "Ministry for the Environment". Not "and": "France and Germany" are two.
_NAME_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+(?:(?:of|for|de|du|la)\s+(?:the\s+)?)?[A-Z][\w'’.-]*)*")
_POSSESSIVE = re.compile(r"['’]s?$")
_INITIALISM = re.compile(r"(?:[A-Z]\.)+")  # "U.S.": its full stop ends no sentence


def whole_name(question: str, name: str) -> str:
    """The full name a refused word is part of, as the question writes it: "European Central Bank"
    for "Central", so the notice names what the reader asked about. A run's first word is left out
    when it opens the question or a sentence, or is a function word ("What", "Did"); a full stop
    ends a run ("Lagarde. Then"), but not an initialism's ("the U.S. Federal Reserve")."""
    for match in _NAME_RUN.finditer(question):
        before = question[: match.start()]
        opens = bool(_QUESTION_START.match(before) or _SENTENCE_END.search(before))
        runs: list[list[str]] = [[]]
        for token in match.group().split():
            if opens or (not runs[-1] and token.lower() in FUNCTION_WORDS):
                opens = False
                continue
            word = _POSSESSIVE.sub("", token.rstrip(",;:?!"))
            ends = word.endswith(".") and not _INITIALISM.fullmatch(word)
            runs[-1].append(word.rstrip(".") if ends else word)
            if ends:  # the next word opens a sentence
                runs.append([])
                opens = True
        for run in runs:
            if any(name in w.split("-") for w in run):  # "Royce" is in "Rolls-Royce"
                return " ".join(run)
    return name


def names(question: str) -> list[str]:
    """The names in a question as typed: capitalised words, not the first word of a sentence,
    not function words or months, no abbreviations, and not a name that follows a title
    ("President Biden", "Prime Minister Kishida", "Dr Tedros"): articles often call people by their
    office alone, and a speech's transcript never names its speaker."""
    found = []
    titled_until = -1  # where the last title, or a name run after one, ends
    for match in _WORD.finditer(question):
        word = match.group(1)
        if not _capitalised(word):
            titled_until = -1
            continue
        before = question[: match.start()]
        if titled_until >= 0 and not question[titled_until : match.start()].strip(" ."):
            titled_until = match.end()
            continue
        titled_until = match.end() if word.lower() in _TITLES else -1
        if _QUESTION_START.match(before) or _SENTENCE_END.search(before):
            continue
        if word.lower() not in FUNCTION_WORDS and word.lower() not in _NEVER_REFUSED:
            found.append(word)
    return list(dict.fromkeys(found))


def known(name: str, knows: Callable[[str], bool]) -> bool:
    """Whether some passage uses the name, a variant of it (``knows``), or its other form as a
    demonym or country ("French" and "France")."""
    return knows(name) or any(knows(form) for form in _FORMS.get(name.lower(), ()))


def unmentioned(
    question: str, knows: Callable[[str], bool], front_matter: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """The question's names that no article mentions (``absent``)."""
    return absent(names(question), knows, front_matter)


def absent(
    candidates: Iterable[str], knows: Callable[[str], bool], front_matter: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """Of these names, the ones no article mentions: ``knows`` is the corpus's vocabulary test
    (`ingest.search_index.SearchIndex.knows`), ``front_matter`` each article's metadata, whose
    authors and publishers the passages need not name. One test for the question's names and a
    topic's (assistant/answer/extractive.py, ``nowhere``)."""
    missing = [name for name in candidates if name.lower() not in _NEVER_REFUSED and not known(name, knows)]
    if missing:
        credited = {w for meta in front_matter.values() for key in _CREDITS for w in words(str(meta.get(key) or ""))}
        missing = [name for name in missing if name.lower() not in credited]
    return missing
