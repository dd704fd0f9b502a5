"""Whether the passages name what the question names.

A question about China answered from passages that never mention China is the commonest
confident wrong answer of an extractive system: embeddings rate "China" close to "Russia". A name
counts as used when the corpus or the passages use it in any of its forms: a country's other
names, an acronym spelled out, a nationality adjective.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from itertools import combinations

from assistant.models import Source
from assistant.places import country_mentions, country_of, is_nationality, is_place
from assistant.sentences import corpus_sentences

NAME = re.compile(r"(?<![\w’'])[A-Z][\w’'.-]*[A-Za-z]")
NAME_RUN = re.compile(r"[A-Z][\w’'.-]*(?:\s+(?:of\s+|and\s+|the\s+)*[A-Z][\w’'.-]*)+")
_SENTENCE_START = re.compile(r"(?:^|[.?!:]\s+|\n)\s*$")
_COMPASS = frozenset(["Western", "Eastern", "Northern", "Southern", "West", "East", "North", "South"])
_TITLE_BEFORE = re.compile(
    r"\b(President|Prime Minister|Chancellor|Premier|Senator|Governor|Minister|Secretary|Ambassador|General|"
    r"Mr|Mrs|Ms|Dr)\.?\s+$"
)
_FIRST_PERSON = re.compile(r"\b(I|I’m|I'm|I’ve|I've|my|me|myself)\b")
_LOWER_WORD = re.compile(r"(?<![\w’'])[a-z]{3,}(?=(?:[’']s)?(?![\w’']))")  # "beijing's" too


def missing_names(question: str, sources: list[Source], lexical) -> list[str]:
    """Names, places and acronyms of the question that the corpus never uses at all.

    A question about China answered from passages that never mention China is the commonest
    confident wrong answer of an extractive system (embeddings rate "China" close to "Russia").
    Words capitalised only because they start a sentence are skipped, and so are nationality
    adjectives (American, Japanese; not Japan or Iran), which texts often put another way (U.S.),
    and people when the passages are an unnamed speaker's own words (speaker_unknown).
    A name counts as used when any part of it is in the corpus's vocabulary, its first five
    letters appear in a retrieved passage (Europe / European), a passage names the same
    country another way (Britain, London / the U.K.; the Pentagon / the U.S.), or it is the
    acronym of a name a passage spells out (UNSC / U.N. Security Council).
    """
    found = " ".join(f"{s.title} {s.text}" for s in sources)
    haystack = found.lower()
    countries = {iso for iso, _ in country_mentions(found)}
    initials = {acronym for run in NAME_RUN.findall(found) for acronym in _acronyms(run)}
    anonymous_speaker = speaker_unknown(sources)
    missing = []
    for match in list(NAME.finditer(question)) + _lower_case_countries(question):
        if _SENTENCE_START.search(question[: match.start()]) and match.group()[:1].isupper():
            continue
        word = match.group()
        name = word.title() if word.islower() else word  # a country typed in lower case
        if is_nationality(name) or name in _COMPASS:
            continue  # "American", "Western" for a text that says "U.S.": too often a paraphrase to refuse on
        if anonymous_speaker and (_TITLE_BEFORE.search(question[: match.start()]) or not is_place(name)):
            continue  # a person ("President Obama", not the city of Obama) may be the unnamed speaker
        parts = [p for p in re.split(r"[-’'.]", word.lower()) if len(p) >= 2 and p != "s"]
        if not parts or any(lexical.term_stats(p).known == (True,) for p in parts):
            continue
        if any(p[:5] in haystack for p in parts) or country_of(name) in countries or word in initials:
            continue  # Europe / European; Britain, London / the U.K.; UNSC / U.N. Security Council
        if word.isupper() and spelled_out_in(lexical.snapshot(), word):
            continue  # DMZ / the Demilitarized Zone of a photo caption that retrieval did not reach
        if word not in missing:
            missing.append(word)
    return missing


def speaker_unknown(sources: list[Source]) -> bool:
    """Whether the best passages are someone speaking in the first person (a speech, a transcript,
    an interview) whose article names no author: who speaks is then not in the words, so a
    question naming the speaker ("What did President Biden say about …") cannot be refused for
    that name. Analysis in the third person names its subjects, and their absence still counts."""
    text = " ".join(s.text for s in sources if not s.author)
    words = len(text.split())
    return words > 0 and len(_FIRST_PERSON.findall(text)) >= 0.01 * words


def _lower_case_countries(question: str) -> list[re.Match]:
    """Countries and capitals typed in lower case ("what drones is iran supplying", "beijing's
    position"): busy people do not capitalise, and a question about Iran is still not answered by
    passages about Russia."""
    return [m for m in _LOWER_WORD.finditer(question) if country_of(m.group().title())]


def _acronyms(run: str) -> set[str]:
    """The acronyms a run of names could have, one per stretch of its words: "the U.N. Security
    Council and North Korea" → UNSC, SC, NK, UNSCNK, …"""
    letters = []
    for word in run.split():
        if word[0].isupper():
            letters.append("".join(p[0] for p in word.split(".") if p) if "." in word.rstrip(".") else word[0])
    return {"".join(letters[i:j]) for i in range(len(letters)) for j in range(i + 2, len(letters) + 1)} | {
        letters[i] for i in range(len(letters)) if len(letters[i]) > 1
    }


@lru_cache(maxsize=1)
def _name_segments(snap) -> dict[str, list[list[str]]]:
    """Every stretch of two to six consecutive capitalised words in the corpus, lower-cased and
    without dots, filed by their initials ("dz": ["demilitarized", "zone"]): an acronym is then
    checked against the few stretches its letters could begin, not against every name."""
    found: dict[str, list[list[str]]] = defaultdict(list)
    for sent in corpus_sentences(snap):
        for run in NAME_RUN.findall(sent.text):
            words = [w.replace(".", "").lower() for w in run.split() if w[:1].isupper()]
            for i in range(len(words)):
                for j in range(i + 2, min(i + 6, len(words)) + 1):
                    found["".join(w[0] for w in words[i:j])].append(words[i:j])
    return found


def spelled_out_in(snap, acronym: str) -> bool:
    """Whether the corpus spells out the acronym: consecutive capitalised words each give their
    initial, in order, and may give further letters from inside them, as acronyms built on word
    parts do (DMZ / Demilitarized Zone, UNSC / U.N. Security Council). Acronyms of more than
    eight letters are taken for words."""
    letters = acronym.replace(".", "").lower()
    if not 2 <= len(letters) <= 8:
        return False
    segments = _name_segments(snap)
    for size in range(1, len(letters)):
        for rest in combinations(range(1, len(letters)), size):  # which letters start the other words
            initials = letters[0] + "".join(letters[i] for i in rest)
            if any(_spells(letters, words) for words in segments.get(initials, ())):
                return True
    return False


def _spells(letters: str, words: list[str]) -> bool:
    if not words or not letters:
        return not words and not letters
    if letters[0] != words[0][:1]:
        return False
    inner = iter(words[0][1:])
    for k in range(len(letters)):  # letters[1:k + 1] come from inside the first word
        if k and letters[k] not in inner:
            return False
        if _spells(letters[k + 1 :], words[1:]):
            return True
    return False
