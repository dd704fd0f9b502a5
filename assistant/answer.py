"""The default answerer: no LLM, only verbatim sentences from the retrieved passages.

Each sentence of the top passages is scored against the question by meaning (embedding cosine)
and by the question's rare words it contains (IDF-weighted overlap). The best few are quoted
whole, each with its own citation. When the best evidence is weak, or the question hinges on
words the corpus never uses, the answer says the corpus does not answer, and shows the closest
passages as such.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import Stemmer

from assistant.answer_type import (
    FUNCTION_WORDS,
    acting_country,
    asked_outcome,
    asks_affiliation,
    expected_type,
    has_answer_of_type,
    is_author_note,
    speaker,
)
from assistant.models import Answer, Citation, Source
from assistant.places import country_mentions, country_of, is_nationality, is_place
from assistant.retriever import Retrieval, to_source

REFUSAL = "The corpus does not answer this question."
_WORD = re.compile(r"(?u)\b\w\w+\b")
_STEMMER = Stemmer.Stemmer("english")


# Words that say what kind of answer is wanted, not what it is about: they never count as
# evidence, and their absence from the corpus says nothing.
QUESTION_WORDS = frozenset(_STEMMER.stemWords(sorted(FUNCTION_WORDS)))


@dataclass(frozen=True)
class Calibration:
    """The refuse/answer decision and quote selection, fitted on the development questions.

    confidence = best sentence cosine + coverage, where coverage is the IDF-weighted share of the
    question's words found in the best passage (words the corpus never uses count as not found).
    See docs/answering.md.
    """

    min_confidence: float = 0.55
    meaning_weight: float = 0.6  # sentence score = weight * cosine + (1 - weight) * overlap
    keep_ratio: float = 0.75  # quote sentences scoring at least this share of the best
    min_keep: float = 0.35
    typed_focus: float = 0.9  # a typed answer's sentence needs this share of the best overlap
    passage_prior: float = 0.3  # added to a sentence's score for its passage's rank: all of it for the first
    own_words: float = 0.5  # a follow-up's cosine: this share with the follow-up alone, the rest with both questions


@dataclass(frozen=True)
class Confidence:
    cosine: float
    coverage: float
    value: float


@dataclass
class ScoredSentence:
    source: Source
    start: int
    end: int
    text: str
    cosine: float
    overlap: float
    score: float


class ExtractiveAnswerer:
    def __init__(self, index, max_quotes: int = 4, calibration: Calibration | None = None, passages: int = 6):
        self.index = index
        self.max_quotes = max_quotes
        self.calibration = calibration or Calibration()
        self.passages = passages

    def answer(self, question: str, retrieval: Retrieval) -> Answer:
        scored = self.score_sentences(retrieval, question)
        kind = expected_type(question)
        writer = named_writer(question, writers(self.index.lexical.snapshot()))
        if writer and asks_affiliation(question):
            kind = "author"  # "Where does Lami Kim work?": her author's note says, however little else matches
        if kind != "author" and not _ABOUT_AUTHOR.search(question):
            # an author's note answers questions about the author; "Lami Kim's plan" is about her argument
            scored = [s for s in scored if not is_author_note(s.text)]
        missing = missing_names(question, retrieval.sources, self.index.lexical)
        if missing:
            reason = f"{REFUSAL} None of the passages found mentions {', '.join(missing)}."
            return refusal(question, retrieval, reason)
        if _PHOTO_Q.search(retrieval.query):  # the caption is the evidence, however weakly the passages match
            return self.caption_answer(question, retrieval)
        if not scored or (self.confidence(retrieval, scored).value < self.calibration.min_confidence and not writer):
            return refusal(question, retrieval)
        if kind == "author":
            return self.author_answer(question, retrieval, scored, writer)
        chosen = self.across_articles(scored) if _ACROSS_ARTICLES.search(question) else self.choose(scored)
        if not chosen:  # no sentence scores even min_keep: nothing worth quoting
            return refusal(question, retrieval)
        if _WHY_Q.search(question) or retrieval.query != question:
            chosen = with_next(chosen, self.max_quotes)
        if kind:
            chosen = self.typed(kind, scored, chosen, retrieval.query, question)
            if not chosen:
                return refusal(question, retrieval, f"{REFUSAL} The passages found give no {kind} for it.")
        who = speaker(question)
        if who and not speaker_exempt(who, retrieval.sources, writers(self.index.lexical.snapshot())):
            chosen = self.spoken(who, scored, chosen, kind, retrieval.query)
            if not chosen:
                return refusal(question, retrieval, f"{REFUSAL} None of the passages found reports what {who} said.")
        outcome = asked_outcome(question)
        if outcome and not any(_stems(outcome) <= _stems(sent.text) for sent in chosen):
            return refusal(question, retrieval, f"{REFUSAL} None of the passages found says whether it {outcome}.")
        doer = acting_country(question)
        if doer and not names_country(doer, chosen):
            return refusal(question, retrieval, f"{REFUSAL} No passage found says this of {doer}.")
        return compose(question, retrieval, chosen)

    def typed(
        self, kind: str, scored: list[ScoredSentence], chosen: list[ScoredSentence], query: str, question: str = ""
    ) -> list[ScoredSentence]:
        """For a typed question, the strong sentences that hold an answer of that type *and* are about
        the question's specifics (a dollar figure in a sentence about something else does not say
        what Poland paid), drawn from every strong sentence, not only the best few: the one with
        the number may rank fifth. ``query`` includes the earlier question a follow-up leans on,
        so a name or number from that question is not taken for the answer; and a follow-up's own
        words must be in the sentence too ("When does it come into force?" after a question about
        the summit is not answered by the summit's date)."""
        c = self.calibration
        floor = max(scored[0].score * c.keep_ratio, c.min_keep)
        focus = c.typed_focus * max(s.overlap for s in chosen)
        own = _stems(question) - QUESTION_WORDS - _ASKED_FOR if question and question != query else set()
        fits = [
            s
            for s in scored
            if s.score >= floor
            and has_answer_of_type(kind, s.text, query)
            and (not own or own & _found(question, s.text))
        ]
        if not any(s.overlap >= focus for s in fits):
            return []
        return self.choose(fits, best=scored[0].score)

    def spoken(
        self, who: str, scored: list[ScoredSentence], chosen: list[ScoredSentence], kind: str, query: str
    ) -> list[ScoredSentence]:
        """For "what did the Kremlin say": the quotes chosen if one has the speaker speak, or else the
        sentences of the best sentence's article worth quoting at all that do (of the question's type,
        if it has one), or none. The words around the speaker ("Seoul's plan to send air defense
        systems") match the sentence that reports what provoked the response better than the
        response itself, which an article reports next to it, not in another article."""
        if any(speaks(who, sent.text) for sent in chosen):
            return chosen
        fits = [
            s
            for s in scored
            if s.score >= self.calibration.min_keep
            and s.source.article_id == scored[0].source.article_id
            and speaks(who, s.text)
            and (not kind or has_answer_of_type(kind, s.text, query))
        ]
        return self.choose(fits) if fits else []

    def author_answer(
        self, question: str, retrieval: Retrieval, scored: list[ScoredSentence], writer: str = ""
    ) -> Answer:
        """Who wrote it, or who the named writer is: the byline or author's note of the article the
        question is about, or of the article the named writer wrote.

        The article is the one of the best passage: retrieval matched the question's other words
        against titles and sections as well as text ("the analysis of what North Korea's role in
        Ukraine means for South Korea" is a title), sentences only against text. Its note is
        usually its last paragraph, which those words would never retrieve.
        """
        article_id = None if writer else retrieval.sources[0].article_id
        author = writer or scored[0].source.author
        notes = [
            sent
            for sent in corpus_sentences(self.index.lexical.snapshot(), article_id)
            if (is_author_note(sent.text) and (not writer or writer in sent.text))
            or (author and author in sent.text and len(sent.text.split()) <= 40)
        ]
        if not notes:
            return refusal(question, retrieval, f"{REFUSAL} The article found does not say who wrote it.")
        return compose(question, retrieval, notes[:1])

    def caption_answer(self, question: str, retrieval: Retrieval) -> Answer:
        """What a photo shows, where and when it was taken, who took it: its caption and credit.

        A caption shares almost no words with the article's argument, so retrieval on the
        question rarely reaches it; the photo of the best-ranked article that has one is meant.
        """
        by_article = captions(self.index.lexical.snapshot())
        for source in retrieval.sources:
            if source.article_id in by_article:
                return compose(question, retrieval, by_article[source.article_id])
        return refusal(question, retrieval, f"{REFUSAL} The articles found have no photo caption.")

    def confidence(self, retrieval: Retrieval, scored: list[ScoredSentence]) -> Confidence:
        stats = self.index.lexical.term_stats(retrieval.query)
        weights = {t: idf for t, idf in zip(stats.terms, stats.idf, strict=True) if t not in QUESTION_WORDS}
        total = sum(weights.values()) or 1.0
        passage = _found(retrieval.query, scored[0].source.text)
        coverage = sum(w for t, w in weights.items() if t in passage) / total
        cosine = max(s.cosine for s in scored)
        return Confidence(cosine, coverage, cosine + coverage)

    def score_sentences(self, retrieval: Retrieval, question: str = "") -> list[ScoredSentence]:
        """Each sentence of the top passages, scored by meaning and by the question's words it holds,
        plus a prior for its passage's rank: retrieval judged the passage with its neighbours and
        both kinds of match, so of two sentences equally close to the question the one in the best
        passage is the likelier answer (measured: docs/answering.md, round 6). A follow-up is
        searched together with the question before it, but asks for something new: its meaning is
        half measured against its own words, or the earlier answer wins again ("What does North
        Korea's military gain from fighting there?" after Zelensky's words about those battles)."""
        candidates: list[tuple[Source, int, int, str, float]] = []
        vectors: list[np.ndarray | None] = []
        snap = self.index.lexical.snapshot()
        c = self.calibration
        for rank, source in enumerate(retrieval.sources[: self.passages]):
            stored = snap.sentence_vectors(source.passage_id)
            prior = c.passage_prior * (1 - rank / self.passages)
            for j, (s, e) in enumerate(source.sentences or [(source.start, source.end)]):
                text = source.text[s - source.start : e - source.start]
                if len(text.split()) >= 3:
                    candidates.append((source, s, e, text, prior))
                    vectors.append(stored[j] if stored is not None and j < len(stored) else None)
        if not candidates:
            return []
        missing = [i for i, v in enumerate(vectors) if v is None]  # an index written before sentence vectors
        if missing:
            for i, v in zip(missing, self.index.embedder.embed([candidates[i][3] for i in missing]), strict=True):
                vectors[i] = v
        cosines = np.stack(vectors) @ retrieval.vector
        if question and question != retrieval.query:  # a follow-up, searched with the question before it
            own = np.stack(vectors) @ self.index.embedder.embed_one(question)
            cosines = (1 - c.own_words) * cosines + c.own_words * own
        weights = _query_weights(self.index.lexical.term_stats(retrieval.query))
        w = c.meaning_weight
        out = []
        for (source, s, e, text, prior), cos in zip(candidates, cosines, strict=True):
            overlap = _overlap(weights, retrieval.query, text)
            score = w * float(cos) + (1 - w) * overlap + prior
            out.append(ScoredSentence(source, s, e, text, float(cos), overlap, score))
        out.sort(key=lambda x: -x.score)
        return out

    def across_articles(self, scored: list[ScoredSentence]) -> list[ScoredSentence]:
        """For "what does each article say …": up to three sentences from each of the two best
        articles, each measured against its own article's best, so one source's stronger wording
        does not crowd the other out of the comparison."""
        by_article: dict[str, list[ScoredSentence]] = {}
        for sent in scored:
            by_article.setdefault(sent.source.article_id, []).append(sent)
        per_article = max(self.max_quotes - 1, 1)
        chosen = []
        for sentences in list(by_article.values())[:2]:
            chosen += self.choose(sentences)[:per_article]
        return chosen

    def choose(self, scored: list[ScoredSentence], best: float | None = None) -> list[ScoredSentence]:
        """The best sentence, and those close to it, without repeats."""
        c = self.calibration
        best = scored[0].score if best is None else best
        chosen: list[ScoredSentence] = []
        for sent in scored:
            if len(chosen) >= self.max_quotes or sent.score < max(best * c.keep_ratio, c.min_keep):
                break
            if any(_same_sentence(sent, other) for other in chosen):
                continue
            chosen.append(sent)
        return chosen


# What a typed follow-up asks for, which the answer need not repeat: "Who is the source for that figure?"
_ASKED_FOR = frozenset(_STEMMER.stemWords(["source", "figure", "number", "amount", "sum", "date", "time", "name"]))
_ABOUT_AUTHOR = re.compile(
    r"\b(author|writer|wrote|professor|affiliat\w*|works? (for|at)|employ\w*|institute|institution|teach\w*|"
    r"credentials)\b|^\s*who is\b",
    re.I,
)
# A comparison: the answer must quote every source, not the one that matches best.
_ACROSS_ARTICLES = re.compile(
    r"\b(both|each) (of the (two )?)?(articles?|pieces?|authors?|op-eds?|commentar(y|ies))\b|"
    r"\b(the|these) two (articles|pieces|authors|op-eds)\b|\bcompar\w+ the (articles|pieces|two)\b",
    re.IGNORECASE,
)
_WHY_Q = re.compile(r"^\s*(and |but |so )?why\b|\bwhat (is|are|was|were) the reasons?\b", re.IGNORECASE)


def with_next(chosen: list[ScoredSentence], limit: int) -> list[ScoredSentence]:
    """Each of the two best sentences with the sentence that follows it in its paragraph, for a
    "why" question and for a follow-up. Writers state a claim, then give the reason ("…not a
    proportional response. Russia's invitation … does not directly target South Korean lives.");
    and a follow-up ("And if Moscow refuses?") asks for the next step of what the earlier question
    found, which the search text (both questions) ranks below the sentence that answered it."""
    out = list(chosen)
    for sent in chosen[:2]:
        after = next_sentence(sent)
        if after and len(out) < limit + 1 and not any(_same_sentence(after, other) for other in out):
            out.insert(out.index(sent) + 1, after)
    return out


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


_NAME = re.compile(r"(?<![\w’'])[A-Z][\w’'.-]*[A-Za-z]")
_SENTENCE_START = re.compile(r"(?:^|[.?!:]\s+|\n)\s*$")


_COMPASS = frozenset(["Western", "Eastern", "Northern", "Southern", "West", "East", "North", "South"])
_TITLE_BEFORE = re.compile(
    r"\b(President|Prime Minister|Chancellor|Premier|Senator|Governor|Minister|Secretary|Ambassador|General|"
    r"Mr|Mrs|Ms|Dr)\.?\s+$"
)
_FIRST_PERSON = re.compile(r"\b(I|I’m|I'm|I’ve|I've|my|me|myself)\b")


def speaker_unknown(sources: list[Source]) -> bool:
    """Whether the best passages are someone speaking in the first person (a speech, a transcript,
    an interview) whose article names no author: who speaks is then not in the words, so a
    question naming the speaker ("What did President Biden say about …") cannot be refused for
    that name. Analysis in the third person names its subjects, and their absence still counts."""
    text = " ".join(s.text for s in sources if not s.author)
    words = len(text.split())
    return words > 0 and len(_FIRST_PERSON.findall(text)) >= 0.01 * words


_LOWER_WORD = re.compile(r"(?<![\w’'])[a-z]{3,}(?=(?:[’']s)?(?![\w’']))")  # "beijing's" too


def _lower_case_countries(question: str) -> list[re.Match]:
    """Countries and capitals typed in lower case ("what drones is iran supplying", "beijing's
    position"): busy people do not capitalise, and a question about Iran is still not answered by
    passages about Russia."""
    return [m for m in _LOWER_WORD.finditer(question) if country_of(m.group().title())]


_NAME_RUN = re.compile(r"[A-Z][\w’'.-]*(?:\s+(?:of\s+|and\s+|the\s+)*[A-Z][\w’'.-]*)+")


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
def name_runs(snap) -> frozenset[str]:
    """Every run of capitalised words in the corpus, for acronyms a question may use for them."""
    return frozenset(run for sent in corpus_sentences(snap) for run in _NAME_RUN.findall(sent.text))


def spells_out(acronym: str, run: str) -> bool:
    """Whether two or more consecutive words of the run could be what the acronym stands for: each
    word gives its initial, in order, and may give further letters from inside it, as acronyms
    built on word parts do (DMZ / Demilitarized Zone, UNSC / U.N. Security Council)."""
    words = [w.replace(".", "").lower() for w in run.split() if w[:1].isupper()]
    letters = acronym.replace(".", "").lower()
    return any(_spells(letters, words[i:j]) for i in range(len(words)) for j in range(i + 2, len(words) + 1))


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


def speaker_exempt(who: str, sources: list[Source], writers: str) -> bool:
    """Whether the speaker is named in none of their own sentences: a writer of the corpus ("what
    does Lami Kim say") or an unnamed first-person speaker."""
    names = _NAME.findall(who)
    return (
        not (_stems(who) - QUESTION_WORDS)
        or speaker_unknown(sources)
        or bool(names and all(n in writers for n in names))
    )


def speaks(who: str, text: str) -> bool:
    """Whether the text has the speaker say or do something, named with every word of the question's
    name for them ("Japan's prime minister", not only "Japan"; "Pyongyang" may be "North Korea").
    Being named is not enough: the sentence that reports what provoked a response names the
    responder too ("In response to the escalating military cooperation between Russia and North
    Korea, … Yoon … stated")."""
    return _stems(who) - QUESTION_WORDS <= _found(who, text) and acts_in(who, text)


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
    iso = country_of(name.title() if name.islower() else name)
    spellings = {written for code, written in country_mentions(text) if iso and code == iso}
    spellings |= set(_NAME.findall(who)[-1:])
    return any(_SPEAKS_AFTER.match(text, m.end()) for w in spellings for m in re.finditer(re.escape(w), text))


def named_writer(question: str, writers: str) -> str:
    """The full name of a writer of the corpus that the question uses ("Where does Lami Kim work?")."""
    return next((run for run in _NAME_RUN.findall(question) if run in writers), "")


def names_country(name: str, chosen: list[ScoredSentence]) -> bool:
    """Whether a quote, or one of the two sentences before it in its passage, names the country by
    any of its names ("Seoul" for "South Korea"): writers name the actor once and go on ("Seoul
    can expand upon its current phased approach … The first step could be to increase its
    non-combat aid … This could mean providing Ukraine with … dual-use equipment")."""
    iso = country_of(name.title() if name.islower() else name)
    return any(iso in {code for code, _ in country_mentions(text)} for sent in chosen for text in lead_up(sent, 2))


# Not "picture" or "image": "the bigger picture", "Russia's image" are about the argument.
_PHOTO_Q = re.compile(r"\b(photo\w*|captions?)\b", re.IGNORECASE)


def corpus_sentences(snap, article_id: str | None = None) -> Iterator[ScoredSentence]:
    """Every sentence of the corpus (or of one article), unscored: for the parts of an article that
    retrieval on the question never reaches (author's notes, captions)."""
    for pid, stored in zip(snap.ids, snap.stored, strict=True):
        if article_id is not None and stored.passage.article_id != article_id:
            continue
        source = to_source(pid, stored, 0.0)
        for s, e in source.sentences:
            yield ScoredSentence(source, s, e, source.text[s - source.start : e - source.start], 0.0, 0.0, 0.0)


@lru_cache(maxsize=1)
def captions(snap) -> dict[str, list[ScoredSentence]]:
    """Each article's photo captions, with the date and credit that follow them in their paragraph."""
    found: dict[str, list[ScoredSentence]] = {}
    for sent in corpus_sentences(snap):
        taken = found.get(sent.source.article_id, [])
        if not _CAPTION.search(sent.text) or any(c.start <= sent.start < c.end for c in taken):
            continue
        caption = [sent]
        while len(caption) < 3 and (after := next_sentence(caption[-1])):
            caption.append(after)
        found.setdefault(sent.source.article_id, []).extend(caption)
    return found


@lru_cache(maxsize=1)
def writers(snap) -> str:
    """Every author field, byline and author's note of the corpus, as one text to look names up in."""
    found = set()
    for sent in corpus_sentences(snap):
        found.add(sent.source.author or "")
        if is_author_note(sent.text):
            found.add(sent.text)
    return "\n".join(sorted(found))


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
    initials = {acronym for run in _NAME_RUN.findall(found) for acronym in _acronyms(run)}
    anonymous_speaker = speaker_unknown(sources)
    missing = []
    for match in list(_NAME.finditer(question)) + _lower_case_countries(question):
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
        if word.isupper() and any(spells_out(word, run) for run in name_runs(lexical.snapshot())):
            continue  # DMZ / the Demilitarized Zone of a photo caption that retrieval did not reach
        if word not in missing:
            missing.append(word)
    return missing


def _query_weights(stats) -> dict[str, float]:
    return {
        t: idf
        for t, known, idf in zip(stats.terms, stats.known, stats.idf, strict=True)
        if known and t not in QUESTION_WORDS
    }


def _stems(text: str) -> set[str]:
    return set(_STEMMER.stemWords(_WORD.findall(text.lower())))


# A photo's caption or credit: "PHOTO: A soldier keeps watch …", "(Woohae Cho/The New York Times)".
_CAPTION = re.compile(r"^\s*(PHOTO|Photo|IMAGE|Image|Caption|CAPTION|Credit)\b|^\s*\([^()]+/[^()]+\)\s*$")
_CAPTION_WORDS = frozenset(_STEMMER.stemWords(["photo", "photograph", "picture", "image", "caption", "credit"]))


def _found(question: str, text: str) -> set[str]:
    """The question's words a text contains: its own words, and the question's name for a country
    the text names another way (the question's "Kyiv" or "Britain" for the text's "Ukraine" or
    "U.K."); policy writing uses capitals for governments all the time. A caption is about the
    photo, whatever word the question uses for it."""
    stems = _stems(text)
    if _CAPTION.search(text):
        stems |= _CAPTION_WORDS
    named = {iso for iso, _ in country_mentions(text)}
    if question[1:].islower():  # typed without capitals: "how long have kyiv's backers …"
        question = " ".join(w[:1].upper() + w[1:] for w in question.split())
    for iso, name in country_mentions(question):
        if iso in named:
            stems |= _stems(name)
    return stems


def _overlap(weights: dict[str, float], question: str, text: str) -> float:
    total = sum(weights.values())
    if not total:
        return 0.0
    stems = _found(question, text)
    return sum(w for t, w in weights.items() if t in stems) / total


def _same_sentence(a: ScoredSentence, b: ScoredSentence) -> bool:
    if a.source.article_id == b.source.article_id and a.start < b.end and b.start < a.end:
        return True
    return " ".join(a.text.lower().split()) == " ".join(b.text.lower().split())


def compose(question: str, retrieval: Retrieval, chosen: list[ScoredSentence]) -> Answer:
    """Quotes grouped by article (best article first), in reading order within each article."""
    groups: dict[str, list[ScoredSentence]] = {}
    for sent in chosen:
        groups.setdefault(sent.source.article_id, []).append(sent)
    citations: list[Citation] = []
    lines: list[str] = []
    several = len(groups) > 1
    for sentences in groups.values():
        sentences.sort(key=lambda s: s.start)
        if several:
            lines.append(article_heading(sentences))
        for sent in sentences:
            n = len(citations) + 1
            citations.append(cite(n, sent.source, sent.start, sent.end))
            lines.append(f"{'- ' if several else ''}“{sent.text}” [{n}]")
        if several:
            lines.append("")
    return Answer(
        question=question,
        text="\n".join(lines).strip() if several else "\n\n".join(lines),
        citations=citations,
        sources=retrieval.sources,
        search_query=retrieval.query,
    )


def article_heading(sentences: list[ScoredSentence]) -> str:
    """Who says it, when, and where in the article: "**Title** (Author, date), in “Section”:"."""
    head = sentences[0].source
    byline = head.byline()
    sections = list(dict.fromkeys(s.source.section.split(" › ")[-1] for s in sentences if s.source.section))
    where = ", in " + " and ".join(f"“{x}”" for x in sections[:2]) if sections else ""
    return f"**{head.title}**" + (f" ({byline})" if byline else "") + where + ":"


def cite(n: int, source: Source, start: int, end: int) -> Citation:
    return Citation(
        n=n,
        article_id=source.article_id,
        title=source.title,
        author=source.author,
        published=source.published,
        publisher=source.publisher,
        url=source.url,
        section=source.section,
        paragraph=source.paragraph,
        quote=source.text[start - source.start : end - source.start],
        start=start,
        end=end,
        passage_start=source.start,
        passage_end=source.end,
        passage_text=source.text,
    )


def refusal(question: str, retrieval: Retrieval, reason: str = "") -> Answer:
    closest = retrieval.sources[:3]
    lines = [reason or REFUSAL]
    if closest:
        lines.append("\nClosest passages (not an answer):")
        for s in closest:
            snippet = " ".join(s.text.split())
            snippet = snippet if len(snippet) <= 160 else snippet[:157].rsplit(" ", 1)[0] + "…"
            lines.append(f"- *{s.title}*, {s.section or 'opening'}: {snippet}")
    return Answer(
        question=question,
        text="\n".join(lines),
        abstained=True,
        sources=retrieval.sources,
        search_query=retrieval.query,
    )
