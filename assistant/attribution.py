"""Who speaks and who acts in a question, and whether a quote has them do it.

"What did the Kremlin say", "How much aid has Japan given": a quote on the topic that does not
have that speaker speak, or that country act, does not answer, however close its words are.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.answer_type import is_author_note
from assistant.models import Source
from assistant.names import NAME, NAME_RUN, speaker_unknown
from assistant.places import country_mentions, country_of
from assistant.sentences import QUESTION_WORDS, ScoredSentence, corpus_sentences, found_words, lead_up, stems


def speaker_exempt(who: str, sources: list[Source], writers: str) -> bool:
    """Whether the speaker is named in none of their own sentences: a writer of the corpus ("what
    does Lami Kim say") or an unnamed first-person speaker."""
    names = NAME.findall(who)
    return (
        not (stems(who) - QUESTION_WORDS)
        or speaker_unknown(sources)
        or bool(names and all(n in writers for n in names))
    )


def speaks(who: str, text: str) -> bool:
    """Whether the text has the speaker say or do something, named with every word of the question's
    name for them ("Japan's prime minister", not only "Japan"; "Pyongyang" may be "North Korea").
    Being named is not enough: the sentence that reports what provoked a response names the
    responder too ("In response to the escalating military cooperation between Russia and North
    Korea, … Yoon … stated")."""
    return stems(who) - QUESTION_WORDS <= found_words(who, text) and acts_in(who, text)


# A speaker doing something with words: "the Kremlin warned", "Russia's foreign ministry has said".
_SPEAKS_AFTER = re.compile(
    r"(?:’s|'s)?(?: [\w-]+){0,3}? (?:(?:has|have|had|was|were|is|already|\w+ly) ){0,2}"
    r"(?:said|says|stated|warned|threatened|responded|reacted|replied|called|condemned|denied|announced|vowed|urged|"
    r"criticized|criticised|dismissed|rejected|welcomed|accused|insisted|protested|retorted|lamented|confirmed|"
    r"noted|argued|added|stressed|emphasi[sz]ed|told|declared|pledged|promised|committed|suggested|proposed|asked|"
    r"demanded|requested|offered|claimed|described|explained|announc\w*|say\w*|stat\w*)\b"
)


def acts_in(who: str, text: str) -> bool:
    """Whether the text has the speaker (by any name of their country) say or do something."""
    name = re.sub(r"^the ", "", who, flags=re.IGNORECASE)
    iso = country_of(name)
    spellings = {written for code, written in country_mentions(text) if iso and code == iso}
    spellings |= set(NAME.findall(who)[-1:])
    return any(_SPEAKS_AFTER.match(text, m.end()) for w in spellings for m in re.finditer(re.escape(w), text))


def named_writer(question: str, writers: str) -> str:
    """The full name of a writer of the corpus that the question uses ("Where does Lami Kim work?")."""
    return next((run for run in NAME_RUN.findall(question) if run in writers), "")


def names_country(name: str, chosen: list[ScoredSentence]) -> bool:
    """Whether a quote, or one of the two sentences before it in its passage, names the country by
    any of its names ("Seoul" for "South Korea"): writers name the actor once and go on ("Seoul
    can expand upon its current phased approach … The first step could be to increase its
    non-combat aid … This could mean providing Ukraine with … dual-use equipment")."""
    iso = country_of(name)
    return any(iso in {code for code, _ in country_mentions(text)} for sent in chosen for text in lead_up(sent, 2))


@lru_cache(maxsize=1)
def writers(snap) -> str:
    """Every author field, byline and author's note of the corpus, as one text to look names up in."""
    found = set()
    for sent in corpus_sentences(snap):
        found.add(sent.source.author or "")
        if is_author_note(sent.text):
            found.add(sent.text)
    return "\n".join(sorted(found))
