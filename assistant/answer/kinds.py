"""What kind of answer a question asks for, and whether the quotes chosen for it hold one.

"How many troops…" asks for a number, "When did…" for a date, "Who…" or "Which company…" for a
name. The answer model reads one sentence at a time and scores how well it answers; for a question
asking for a detail the article leaves out ("Which company is building the modules?" of an article
that never names one) the best sentence is the one about the modules, scored as an answer, and no
signal of the reading tells it from a real one (docs/answering.md). What it lacks is visible: it
holds no name, number or date that the question does not already hold. Readers of policy analysis
ask for such details all the time, and articles leave many out.

The check knows no article and no subject: a question form and a kind of token. A kind is only
asked for when the question begins with it (after "and", "so" and the like): "when" inside a
question is as often "what happens when…".
"""

from __future__ import annotations

import re
from enum import StrEnum

from footnote.text import stem_words


class Kind(StrEnum):
    NUMBER = "number"
    DATE = "date"
    NAME = "name"

    @property
    def missing(self) -> str:
        """The notice for an answer refused because no quote holds one."""
        return {
            Kind.NUMBER: "None of the passages found gives the number asked for.",
            Kind.DATE: "None of the passages found gives the date asked for.",
            Kind.NAME: "None of the passages found names who or what is asked for.",
        }[self]


# What may come before the question proper: "and", "so", "ok", "roughly", "do you know", …
_LEAD = (
    r"^\W*(?:(?:and|so|but|ok(?:ay)?|also|then|oh|hmm|right|well|roughly|approximately|about|exactly|"
    r"just|sorry|quick question|do you know|does it say|any idea|can you tell me|could you tell me|"
    r"tell me|remind me|i(?:'|’)?m wondering|i wonder|wondering)\W+)*"
)
# What a "which …" question names: "which company", "which three unions", "which food delivery app".
_NAMED = (
    r"compan(?:y|ies)|firms?|organi[sz]ations?|agenc(?:y|ies)|groups?|bod(?:y|ies)|banks?|institutes?|"
    r"universit(?:y|ies)|ministr(?:y|ies)|ministers?|officials?|countr(?:y|ies)|nations?|cit(?:y|ies)|"
    r"states?|part(?:y|ies)|newspapers?|outlets?|think[- ]tanks?|lenders?|insurers?|airlines?|ports?|"
    r"governments?|regions?|provinces?|towns?|people|persons?|politicians?|leaders?|president|"
    r"prime minister|general|envoys?|ambassadors?|negotiators?|contractors?|suppliers?|manufacturers?|"
    r"apps?|platforms?|unions?|donors?|members?|brands?|funds?|programmes?|programs?|laws?|acts?|"
    r"treat(?:y|ies)|plans?|operations?|missions?|vessels?|ships?"
)
_MEASURE = (
    r"share|percentage|percent|proportion|fraction|number|amount|sum|figure|price|rate|cost|fine|total|"
    r"value|budget|size|toll|count|premium|tariff|levy|salary|wage|fee|yield|margin"
)
_IS = r"(?:'s|’s| is| was| are| were| will be| would be)?"
# Up to three words between "which" and the noun ("which food delivery app"), none a verb: "what did
# Japan's prime minister say" asks what was said, not for a name.
_VERBS = r"do|does|did|is|was|are|were|has|have|had|will|would|can|could|should|say|says|said"
_MODIFIERS = r"(?:(?!(?:" + _VERBS + r")\b)[\w'’-]+ ){0,3}?"
ASKS = {
    Kind.NUMBER: re.compile(
        _LEAD + r"(?:(?:by|to|up to|at|for|in) )?(?:how (?:many|much|big|large|long|far|old|high|tall|deep|wide|"
        r"heavy|expensive)|(?:what|which)" + _IS + r" (?:the )?" + _MODIFIERS + r"(?:" + _MEASURE + r"))\b"
        r"|\bhow many\b",
        re.I,
    ),
    Kind.DATE: re.compile(
        _LEAD + r"(?:(?:since|until|till|by|from) )?(?:when|how soon|(?:in |on |during |at |by )?(?:what|which) "
        r"(?:year|date|month|day|decade|century|time|hours?|week))\b",
        re.I,
    ),
    Kind.NAME: re.compile(
        _LEAD
        + r"(?:who|whom|whose|(?:what (?:kind of |sort of )?|which "
        + _MODIFIERS
        + r")(?:"
        + _NAMED
        + r")|what"
        + _IS
        + r" (?:the )?name)\b",
        re.I,
    ),
}

_RUN_ON = re.compile(r"\b(what|who)s\b", re.I)


def _listed(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NUMBER_WORDS = _listed(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds "
    "thousand thousands million millions billion billions trillion dozen dozens half third thirds quarter "
    "quarters double doubled twice triple tripled percent none zero single first second third fourth fifth "
    "sixth seventh eighth ninth tenth fraction majority minority several few"
)
_DATE_WORDS = _listed(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow tonight ago "
    "week weeks month months year years decade decades century centuries spring summer autumn fall winter "
    "earlier later recently since until season weekend morning evening night "
    "during after before following end beginning era period war"
)
_DIGITS = re.compile(r"\d")
_TOKEN = re.compile(r"\w+")  # single digits too: "3.4%" is 3 and 4
_CAPITALISED = re.compile(r"\b[A-Z][\w'’.-]*")
# Months and weekdays: dates, not names (assistant/answer/mentions.py never refuses them either).
CALENDAR = (
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday"
)
_NOT_NAMES = _listed(
    "a an the this that these those it its in on at of for to by with from as and but or so if when while "
    "after before since until he she they we i you his her their our there here what who which why how "
    "yet also however although though because still even only some many most more all both each every "
    f"one no not {CALENDAR}"
)
_POSSESSIVE = re.compile(r"['’]s$")  # after the strip of trailing apostrophes and dots


# "Which Tokyo brokerage…", "Which Lloyd's syndicate…": a kind of thing named by a name picks out
# one by its name. A plain "which areas…" is as often answered by a description ("the most isolated
# areas"), and so is "which two factors…" ("inflation and rising wages"), so they ask for no kind.
_WHICH_NAMED = re.compile(_LEAD + r"(?:(?:in|on|at|from|to|by|for|with|of|under) )?which (?-i:[A-Z])", re.I)


def asked(question: str) -> set[Kind]:
    """The kinds of answer the question begins by asking for (empty for most questions)."""
    question = _RUN_ON.sub(r"\1's", question)  # "whats the fine", "whos the minister"
    kinds = {kind for kind, pattern in ASKS.items() if pattern.search(question)}
    if not kinds and _WHICH_NAMED.search(question):
        kinds.add(Kind.NAME)
    return kinds


def holds(kind: Kind, text: str, question: str) -> bool:
    """Whether ``text`` holds an answer of ``kind`` the question does not already hold: a number
    (digits or a number word), a date (a year, a month, a day, a span of time) or a capitalised
    word that is not a function word."""
    given = set(_TOKEN.findall(question.lower()))
    tokens = [t for t in _TOKEN.findall(text.lower()) if t not in given]
    if kind is Kind.NUMBER:
        return any(_DIGITS.search(t) or t in _NUMBER_WORDS for t in tokens)
    if kind is Kind.DATE:
        return any(_DIGITS.search(t) or t in _DATE_WORDS for t in tokens)
    return bool(names_in(text, question))


def names_in(text: str, question: str) -> list[str]:
    """The capitalised words of ``text`` that may name what the question asks for: not a function
    word, a month or a weekday, and not one of the question's own words or a form of one of its
    names ("Korea’s", "Korean", "Korea-Russia" for "Korea"). A sentence's first word counts:
    "Italcantieri won the contract" names the company, and a common word there ("Analysts at a
    Tokyo brokerage…") passes the check."""
    given = set(_TOKEN.findall(question.lower()))
    known = set(stem_words(list(given)))
    named = {m.group().strip("'’.-").lower() for m in _CAPITALISED.finditer(question)}
    found = []
    for match in _CAPITALISED.finditer(text):
        for part in _POSSESSIVE.sub("", match.group().strip("'’.-")).split("-"):
            word = part.strip(".").lower()
            if (
                part[:1].isupper()  # "Korea-based": "based" is no name
                and word not in _NOT_NAMES
                and word not in given
                and stem_words([word])[0] not in known
                and not any(same_name(word, n) for n in named)
            ):
                found.append(part)
    return found


def same_name(a: str, b: str) -> bool:
    """Whether two lower-cased words are forms of one name: one extends the other by at most three
    letters, the shorter having four at least ("korea" and "korean", "nigeria" and "nigerian"). Only
    the question's capitalised words are compared: "WhatsApp" is not a form of "what"."""
    short, long = sorted((a, b), key=len)
    return len(short) >= 4 and long.startswith(short) and len(long) - len(short) <= 3


def missing(question: str, texts: list[str]) -> Kind | None:
    """The kind the question asks for when none of ``texts`` (the quotes) holds one of any kind it
    asks for; None when it asks for no kind, or a quote holds one."""
    kinds = asked(question)
    if not kinds or any(holds(k, t, question) for k in kinds for t in texts):
        return None
    return sorted(kinds, key=list(Kind).index)[0]
