"""What kind of answer a question wants (a number, a date, a name), and whether a sentence has one.

A question asking "how many" is not answered by a sentence without a number, however close in
meaning it is. Without an NLI model this is the cheapest reliable check that the quoted sentences
actually answer, rather than merely talk about the same thing.
"""

from __future__ import annotations

import re

from assistant.places import country_of, is_country, is_nationality, is_place

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
# "the center where the author of the troops article teaches": the author's note answers it.
_AUTHOR_WORD = re.compile(r"\b(author|writer)s?\b", re.IGNORECASE)
_AFFILIATION = re.compile(
    r"\b(works?|teach(es)?|employ\w*|institut\w*|cent(er|re)|universit(y|ies)|affiliat\w*|professor|job|post)\b",
    re.IGNORECASE,
)
_NUMBER_Q = re.compile(  # not "what effect … on how long the war lasts": a "how" the question is about
    r"(?<!\bon )(?<!\bof )(?<!\babout )(?<!\baffect )(?<!\baffects )"
    r"\b(how (many|much|large|big|long|old|often)|how far (is|are|was|were|can|could|does|do|away)|"
    r"what (percentage|share|proportion|number|amount|sum|price|value|cost|size)|how many)\b|"
    r"\bwhat (is|was|are|were) (the|[\w ]+?[’']s) (\w+ ){0,2}(number|amount|sum|price|value|cost|size|budget|range|"
    r"distance|percentage|share|rate|rating|ratio|figure|total|toll|tally|count)\b|"
    r"\bwhat (would|will|does|do|did|might|could) (\w+ ){1,4}cost\b",  # "and what would they cost?"
    re.IGNORECASE,
)
# "What share opposed", "approval rating": a percentage or a fraction, not any number.
_SHARE_Q = re.compile(
    r"\b(what|which) (percentage|percent|share|proportion|fraction)\b|\bpercentage points?\b|"
    r"\bapproval rating\b|\b(interest|inflation|unemployment|growth|approval) rates?\b",
    re.IGNORECASE,
)
# "How long": a span of time ("two-and-a-half years", "since 2022"), not any number.
_DURATION_Q = re.compile(r"(?<!\bon )(?<!\bof )(?<!\babout )\bhow long\b", re.IGNORECASE)
# "How many people": a head count, which a sum of money or a percentage does not give.
_COUNT_Q = re.compile(r"\bhow many\b", re.IGNORECASE)
_MONEY_Q = re.compile(
    r"\b(pay|paid|pays|paying|cost|costs|budget|budgets|price|value|worth|spend|spends|spent|spending|fund|funding|"
    r"contribut\w*|salary|salaries|revenue|money|sales|invest\w*|compensat\w*)\b",
    re.IGNORECASE,
)
# "how far is / can", not "how far Seoul shifts its support"
_DISTANCE_Q = re.compile(r"\b(range|distance)\b|\bhow far (is|are|was|were|can|could|does|do|away)\b", re.IGNORECASE)
_THE_DATE = r"\b(what|which) (is|was|are|were) the (\w+ )?(date|year|day)s?\b"  # "what were the exact dates"
_DATE_Q = re.compile(
    rf"^\W*((and|but|so) )?when\b|[,;] (and |but )?when\b|\b(what|which) (date|year|month|day|time)\b|"
    rf"\bsince when\b|{_THE_DATE}",
    re.I,
)
_EXACT_DATE_Q = re.compile(rf"\bwhen exactly\b|\bexactly when\b|\b(what|which) (date|day|year)\b|{_THE_DATE}", re.I)
_PERSON_Q = re.compile(
    r"^\s*who (is|was|are|were)\b|\bwhat is the name of\b|"
    r"\b(which|what) ([\w-]+ ){0,3}(person|people|official|leader|minister|lawmaker|legislator|politician|analyst|"
    r"expert|scholar|diplomat|commander|spokes(wo)?man|spokesperson)s?\b",
    re.IGNORECASE,
)
# "Who stepped into the role of protector?" may be answered by a country or an organisation.
_ACTOR_Q = re.compile(r"^\W*(\w+,? ){0,2}(who|whom)\b", re.IGNORECASE)
_PLACE_Q = re.compile(
    r"^\s*where\b|\b(in|to|from|at) (which|what) (\w+ )?(region|city|country|province|town|place|area|state|oblast)\b|"
    r"\b(which|what) ([\w-]+ ){0,2}(countries|country|nations?|capitals?|cities)\b",
    re.IGNORECASE,
)
# "Where was the summit held?": not any place in a sentence that mentions the summit ("the war in
# Ukraine"), but one the meeting is said to be in or at.
_VENUE_Q = re.compile(
    r"^\W*where\b.*\b(held|hold|holds|holding|meet|meets|met|take place|took place|convene\w*|hosted|host)\b", re.I
)
_EVENT = re.compile(r"\b(summits?|meetings?|talks|conferences?|gatherings?|held|hosted|met|meet|convened|took place)\b")
_IN_AT = re.compile(r"\b(in|at)\s+(the\s+)?([A-Z][\w-]+(?:\s[A-Z][\w-]+)*)")
# "Which region / city": a country or a continent does not answer it.
_LOCAL_PLACE_Q = re.compile(r"\b(which|what) ([\w-]+ ){0,3}(region|city|province|town|area|oblast|district)\b", re.I)
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
_FIRST_WORDS = re.compile(r"^\W*([A-Z][a-z]+(?:[\s-][A-Z][a-z]+)*)")
# A byline or an author's note: "By Jane Roe", "Jane Roe is a professor at …".
_AUTHOR_NOTE = re.compile(
    r"^\s*(By\s+[A-Z][\w.’'-]+(\s+[A-Z][\w.’'-]+){1,3}\b|"
    r"[A-Z][\w’'-]+(\s+[A-Z]\.)?(\s+[A-Z][\w’'-]+){1,2}\s+(is|was|serves as)\s+(a|an|the)\s)"
)


# "What did Japan's prime minister say …": the answer is what that speaker said, so a quote that
# does not name the speaker does not answer, however close its topic.
_SPEECH_Q = re.compile(  # verbs in lower case: "the United States" does not "state"
    r"\b([Ww]hat|[Hh]ow) (\w+ ){0,3}?(did|does|has|have|do) (?P<speaker>(\S+ ){0,4}?\S+?)( \w+ly)? "
    r"((say|said|announce|commit|pledge|promise|claim|state|tell|told|offer|ask|request|demand|warn)\w*|"
    r"respond(s|ed)?|react(s|ed)?|repl(y|ies|ied))\b"
)
_PRONOUN = re.compile(r"^(he|she|they|it|we|you|i|him|her|them)$", re.IGNORECASE)
# The article or its author speaks in every sentence of it: "What does the NATO piece say …".
_THE_WRITING = re.compile(
    r"\b(articles?|pieces?|commentar(y|ies)|essays?|analysis|author|writer|report|op-ed|each|both|either)\b", re.I
)


def asks_affiliation(question: str) -> bool:
    """Whether the question asks where someone works or what post they hold."""
    return bool(_AFFILIATION.search(question))


# "Did the bill pass?": an outcome, which a sentence saying the bill was proposed does not report.
_OUTCOME_Q = re.compile(
    r"^\s*(?:and\s+)?(?:has|have|had|did|was|were|is|are|will)\b.*?\b(?P<verb>pass(?:ed)?|approved?|adopt(?:ed)?|"
    r"enact(?:ed)?|ratif(?:y|ied)|implement(?:ed)?|(?:take|taken|took) effect|(?:come|came) into force)\b",
    re.IGNORECASE,
)


def asked_outcome(question: str) -> str:
    """The outcome a yes/no question asks about ("passed", "take effect"), or ''."""
    m = _OUTCOME_Q.search(question)
    return m.group("verb") if m else ""


def speaker(question: str) -> str:
    """Whose words the question asks for ("Japan's prime minister"), or '' when it asks for none or
    for the article's own view."""
    m = _SPEECH_Q.search(question)
    if not m or _THE_WRITING.search(m.group("speaker")) or _PRONOUN.match(m.group("speaker")):
        return ""  # the article's own view, or someone an earlier question named
    return m.group("speaker")


# "How much aid has Japan given …", "Did the U.K. cut …": the country that acts in the question.
_SUBJECT_Q = re.compile(
    r"^\s*(?:(?:and|but|so)\s+)?(?:(?:(?:by|in|to|from|for|with|at|on|of)\s+)?(?:what|how|when|why|where|which|who|whom|whose)\b(?:\s+[\w’'-]+){0,4}?\s+)?"
    r"(?:did|does|do|has|have|had|is|are|was|were|will|would|could|should|can|might|may)\s+(?:the\s+)?(?P<rest>.+)",
    re.IGNORECASE,
)


# "Does the article say what Japan pledged …": the question inside the question.
_EMBEDDED_Q = re.compile(
    r"^\s*(?:does|did|do)\s+(?:\w+\s+){1,3}?(?:say|mention|report|state|tell(?: us)?|explain|indicate|note)s?\s+"
    r"(?:what|how|whether|if|when|why|where)\s+(?:the\s+)?(?P<rest>.+)",
    re.IGNORECASE,
)


def acting_country(question: str) -> str:
    """The country (or its capital, government or leader's seat) a question makes the subject of its
    verb, as the question spells it, or ''. An answer about what South Korea gave does not say
    what Japan gave, however alike the two sentences read."""
    m = _EMBEDDED_Q.match(question) or _SUBJECT_Q.match(question)
    if not m:
        return ""
    words = m.group("rest").split()[:3]
    for n in range(len(words), 0, -1):
        name = re.sub(r"(’s|'s)?[?,;:]*$", "", " ".join(words[:n]))
        if not name or not (name.islower() or all(w[:1].isupper() for w in name.split())):
            continue
        if country_of(name):
            return name
    return ""


def expected_type(question: str) -> str:
    """The kind of answer asked for: author, date, exact date, organisation, model name, person,
    actor (a person, a country or an organisation), venue, local place, place, percentage,
    duration, money, distance, count ("how many"), number or ''."""
    if _AUTHOR_Q.search(question) or (_AUTHOR_WORD.search(question) and _AFFILIATION.search(question)):
        return "author"
    if _DATE_Q.search(question):
        return "exact date" if _EXACT_DATE_Q.search(question) else "date"
    if _ORGANISATION_Q.search(question):
        return "organisation"
    if _MODEL_Q.search(question):
        return "model name"
    if _PERSON_Q.search(question):
        return "person"
    if _ACTOR_Q.search(question):
        return "actor"
    if _VENUE_Q.search(question):
        return "venue"
    if _LOCAL_PLACE_Q.search(question):
        return "local place"
    if _PLACE_Q.search(question):
        return "place"
    if _SHARE_Q.search(question):
        return "percentage"
    if _DURATION_Q.search(question):
        return "duration"
    if _NUMBER_Q.search(question):
        if _DISTANCE_Q.search(question):
            return "distance"
        if _MONEY_Q.search(question):
            return "amount of money"
        return "count" if _COUNT_Q.search(question) else "number"
    return ""


def has_answer_of_type(kind: str, text: str, question: str) -> bool:
    """Whether ``text`` holds an answer of that kind that the question does not already contain:
    "155-mm" in a sentence does not say how many 155-mm shells were sent."""
    if kind == "count":
        return any(
            not _in_question(m.group(), question)
            and m.group().lower() not in _NOT_COUNTS
            and not _YEAR.fullmatch(m.group())
            and not _ORDINAL.match(text, m.end())
            and not _is_money_or_share(text, m.start(), m.end())
            and not _UNIT_AFTER.match(text, m.end())
            and _counts(text, m.end(), question)
            for m in _NUMBER.finditer(text)
        )
    if (
        kind == "number"
    ):  # "how large is its army": not "the 1950s", "seven decades", nor "155-mm" unless a size is asked
        return any(
            not _in_question(m.group(), question)
            and not _YEAR.fullmatch(m.group())
            and (_MEASURE_Q.search(question) or not _UNIT_AFTER.match(text, m.end()))
            and not (
                _SIZE_Q.search(question) and (_TIME_AFTER.match(text, m.end()) or m.group().lower() in _TIME_WORDS)
            )
            for m in _NUMBER.finditer(text)
        )
    if kind == "duration" and _SINCE.search(text):
        return True  # "since the Korean War in the 1950s", however much of it the question repeats
    if kind in _PATTERNS:
        return any(not _in_question(m.group(), question) for m in _PATTERNS[kind].finditer(text))
    if kind == "person":
        names = _CAPITALISED_RUN.findall(text)
        named = any(_new_name(name, question) and name.split()[-1] not in _INSTITUTION for name in names)
        return named or _new_role(text, question)
    if kind == "actor":
        names = _capitalised(text) + _ACRONYM.findall(text)
        named = any(not _asked(n, question) and not is_nationality(n.split()[-1]) for n in names)
        return named or _new_role(text, question)
    if kind in ("organisation", "model name"):
        return any(_new_name(name, question) for name in _CAPITALISED.findall(text) + _ACRONYM.findall(text))
    if kind == "venue":
        return any(_venue_after(text, event.end(), question) for event in _EVENT.finditer(text))
    if kind == "local place":
        return any(
            not _asked(n, question) and is_place(n) and not is_country(n) and not _governs(n, text)
            for n in _CAPITALISED.findall(text)
        )
    if kind == "place":
        return any(not _asked(name, question) and is_place(name) for name in _capitalised(text))
    if kind == "author":
        return is_author_note(text)
    return True


def _governs(name: str, text: str) -> bool:
    """Whether a capital stands for its government in the text ("Seoul can expand …", "Moscow's
    demands"): it then names no place where something happened."""
    if not country_of(name):
        return False
    return bool(
        re.search(
            rf"\b{re.escape(name)}(’s|'s|\s+(can|could|should|would|will|may|might|must|has|have|had|"
            rf"is|was|said|says|insists?|wants?|needs?))\b",
            text,
        )
    )


_ACRONYM = re.compile(r"\b[A-Z]{2,}\b")
# The last word of a name that is a body, a law or an event, not a person: "National Assembly".
_INSTITUTION = frozenset(
    re.findall(
        r"\w+",
        "Assembly Party Council Agency Ministry Department Institute University Center Centre Forces Army Navy "
        "Union Nations Organization Organisation Committee Court Bank Times Post War Treaty Act Alliance Office "
        "Service Command Corporation Company Group Fund Summit Government Parliament Congress Senate House Zone",
    )
)
_SHARE = re.compile(
    r"\d[\d.,]*\s?(%|percent\b|per cent\b)|\b(half|a third|a quarter|two-thirds|three-quarters|majority|minority)\b",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"\b(\d[\d.,]*|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty|several|many|few|"
    r"half)[\w-]*\s(years?|months?|weeks?|days?|decades?|hours?)\b|\b(decades|years|months|weeks)\b",
    re.IGNORECASE,
)
_SINCE = re.compile(r"\b(since|until|ago)\b", re.IGNORECASE)
_PATTERNS = {
    "number": _NUMBER,
    "duration": _DURATION,
    "percentage": _SHARE,
    "amount of money": _MONEY,
    "distance": _DISTANCE,
    "date": _DATE,
    "exact date": _EXACT_DATE,
}


_YEAR = re.compile(r"(1[89]|20)\d\d")
_ORDINAL = re.compile(r"(st|nd|rd|th)\b")
# A count ("how many") is not a sum of money, a percentage, an ordinal, a year or a measure:
# "$394 million", "82 percent", "the 75th anniversary", "in 1973", "155-mm".
_NOT_COUNTS = frozenset(["percent", "decades", "years", "months", "weeks", "half", "million", "billion"])


# "How many UN Security Council resolutions …": what is counted, the first plural among the next words.
_COUNTED = re.compile(
    r"\bhow many (?:[\w.’'-]+ ){0,3}?(?!(?:does|was|has|is|its|this|his|as|us)\b)(?P<noun>[a-z][a-z-]+[^s\W]s)\b",
    re.IGNORECASE,
)


def _counts(text: str, end: int, question: str) -> bool:
    """Whether the number ending at text[end] counts what the question counts: "a dozen
    resolutions" answers "how many resolutions", not "how many nuclear warheads". A question whose
    counted thing is not a plain plural ("how many people", "how many of them") puts no limit."""
    asked = [m.group("noun").lower() for m in _COUNTED.finditer(question)]
    if not asked:
        return True
    stem = asked[-1][:5]
    return any(w.lower().startswith(stem) for w in re.findall(r"[\w-]+", text[end : end + 40])[:4])


def _is_money_or_share(text: str, start: int, end: int) -> bool:
    """Whether the number at text[start:end] is a sum of money ("$394 million") or a percentage."""
    return bool(re.search(r"[$€£¥₩]\s?$", text[:start]) or _SHARE_AFTER.match(text, end))


# A measure, not a count: "155-mm artillery shells" says nothing of how many shells.
_UNIT_AFTER = re.compile(
    r"-?\s?(mm|cm|km|kg|millimet\w*|centimet\w*|kilomet\w*|met(er|re)s?|miles?|inch\w*|tons?|tonnes?)\b"
)
_MEASURE_Q = re.compile(r"\b(size|calib(er|re)s?|range|length|weight|heavy|long|far|wide|tall)\b", re.IGNORECASE)
# A span of time says how long or how old, not how large: "seven decades" is no army's size.
_SIZE_Q = re.compile(r"\bhow (large|big)\b|\b(size|strength)\b", re.IGNORECASE)
_TIME_AFTER = re.compile(r"\s(decades?|years?|months?|weeks?|days?)\b", re.IGNORECASE)
_TIME_WORDS = frozenset(["decades", "years", "months", "weeks"])
_SHARE_AFTER = re.compile(
    r"\s?(%|percent\b|per cent\b|percentage\b)|\s(million|billion|trillion)?\s?(dollars|won|euros)\b"
)


# Policy writing often gives a source by office, not name: "a senior official in Yoon's office",
# "South Korea's national security advisor", "the intelligence agency".
_ROLE = re.compile(
    r"\b(officials?|advis[eo]rs?|agency|agencies|ministry|ministers?|spokes(wo)?man|spokesperson|intelligence|"
    r"lawmakers?|analysts?|experts?|diplomats?|commanders?|envoys?|ambassadors?|secretary|chief|officers?)\b",
    re.IGNORECASE,
)


def _new_role(text: str, question: str) -> bool:
    """An office or a body (official, advisor, agency) that the question does not already name."""
    return any(not _in_question(m.group(), question) for m in _ROLE.finditer(text))


def _venue_after(text: str, start: int, question: str) -> bool:
    """A place "in" or "at" which the event just named happened: within a few words, same clause."""
    window = re.split(r"[.;,]", text[start : start + 40])[0]
    names = [m.group(3) for m in _IN_AT.finditer(window)]
    return any(not _asked(name, question) and is_place(name) for name in names)


def _capitalised(text: str) -> list[str]:
    """Runs of capitalised words, and a country that opens the sentence ("Russia’s invitation …"):
    any other first word is capitalised only for starting it ("Most importantly", not the city)."""
    first = _FIRST_WORDS.match(text)
    return _CAPITALISED.findall(text) + ([first.group(1)] if first and is_country(first.group(1)) else [])


def _in_question(found: str, question: str) -> bool:
    """Whether the question already holds it; a number even when written differently around it
    ("155mm" for "155-mm")."""
    edge = r"\d" if found[:1].isdigit() else r"\w"
    return re.search(rf"(?<!{edge}){re.escape(found)}(?!{edge})", question, re.IGNORECASE) is not None


def is_author_note(sentence: str) -> bool:
    return bool(_AUTHOR_NOTE.search(sentence))


def _new_name(name: str, question: str) -> bool:
    """A name the question does not already hold that is not a place or a nationality ("North Korean")."""
    return not _asked(name, question) and not is_place(name) and not is_nationality(name.split()[-1])


def _asked(name: str, question: str) -> bool:
    """Whether the question already names it (Russia / Russian: the first five letters suffice)."""
    asked = question.lower()
    return all(word[:5] in asked for word in name.lower().split())
