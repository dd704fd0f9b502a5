"""The default answerer: no LLM, only verbatim sentences of the retrieved passages, chosen by
Footnote's own answer model (assistant/scorer.py).

Two steps, as in a retrieve-then-read pipeline:

1. **Candidates.** Every sentence of the top passages is scored cheaply: its stored embedding's
   cosine with the question, the share of the question's rare words (IDF-weighted) it holds, and a
   prior for its passage's retrieval rank. The best ``candidates`` go on; the rest cannot be worth
   the model's time (docs/answering.md measures how rarely the evidence falls below the cut).
2. **Reading.** The answer model reads the question with each candidate (its sentence, heading and
   previous sentence) and scores how well the sentence answers it. The sentences within
   ``quote_margin`` (in logits) of the best are the quotes, up to ``max_quotes``, grouped by article.
   A quote takes in the sentence just before or after it when that one scores within
   ``context_margin`` of the best (an answer often runs over two sentences, and a list or a figure
   is often introduced in one and given in the next), and neighbouring sentences of a passage are
   quoted as one span.
3. **Deciding.** The question's answerability is a probability from five signals: the best
   sentence's score and the mean of the best three; how much of the question's vocabulary
   (IDF-weighted) the best passage holds; how much of it the corpus never uses; and the best
   sentence's embedding cosine. The weights are
   a logistic regression fitted on SQuAD articles held out of the model's training
   (tools/fit_answerer.py; assistant/answer_model/answerability.json). Below ``min_answerability``
   (one setting, chosen on the same validation articles) the answer says the corpus does not
   answer, and shows the closest passages as such.

Quotes are slices of the article from a sentence's start to its (or its last neighbour's) end, so
they are verbatim by construction.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TypeVar

import numpy as np

from assistant.answer.compose import compose, refusal
from assistant.answer.kinds import missing
from assistant.answer.mentions import absent, no_mention, unmentioned, whole_name
from assistant.retriever import Retrieval
from assistant.scorer import MODEL_DIR, AnswerScorer, Candidate, load_scorer
from assistant.topics import Topic, names, topic_of
from footnote.text import QUESTION_WORDS, stem_words, words
from footnote.types import Answer, RefusalReason, Source
from ingest.chunk import SECTION_SEPARATOR

T = TypeVar("T")  # a sentence, as the answerer or the offline sweep holds it (``quoted_runs``)


@dataclass(frozen=True)
class AnswerSettings:
    """How sentences are chosen and when the answer is a refusal (docs/answering.md)."""

    max_quotes: int = 4  # quotes in one answer
    passages: int = 6  # retrieved passages whose sentences are candidates
    candidates: int = field(default_factory=lambda: int(_fitted()["candidates"]))  # read by the model
    min_answerability: float = field(default_factory=lambda: fitted_threshold())  # P(answerable) needed
    prior_weight: float = field(default_factory=lambda: float(_fitted()["prior_weight"]))  # see ``read``
    quote_margin: float = 2.0  # quote sentences within this many logits of the best
    context_margin: float = 3.0  # a quote takes in a neighbouring sentence within this many of the best
    passage_prior: float = 0.3  # first stage: added for the passage's rank, all of it for the first
    meaning_weight: float = 0.6  # first stage: weight * cosine + (1 - weight) * word overlap
    rerank_weight: float = 0.5  # passage order: retrieval score + weight * the best logit among its sentences

    @classmethod
    def from_settings(cls, settings) -> AnswerSettings:
        """The app's settings (footnote.settings.Settings); an unset number is the fitted one."""
        given = {
            "max_quotes": settings.max_quotes,
            "candidates": settings.answer_candidates,
            "min_answerability": settings.min_answerability,
            "quote_margin": settings.quote_margin,
            "context_margin": settings.context_margin,
            "rerank_weight": settings.rerank_weight,
        }
        return cls(**{k: v for k, v in given.items() if v is not None})


FEATURES = ("best_logit", "mean_top3", "coverage", "unknown", "cosine")


@dataclass(frozen=True)
class Answerability:
    """Logistic regression from the reading's signals (FEATURES) to P(the corpus answers)."""

    weights: tuple[float, ...]
    bias: float

    def probability(self, features: dict[str, float]) -> float:
        """The regression's probability; 0 when the corpus uses none of the question's words.

        The regression weighs the share of words no article uses upward: on the validation
        articles such a word marks a paraphrase ("atomic-powered subs") whose other words are
        found. When every word is unknown there is nothing to paraphrase: "What's a good recipe
        for kimchi jjigae?" scored 0.38 over the seeds and was answered with the nearest
        sentences. Of the 2,661 questions the refit reads (docs/answering.md), 6 unanswerable
        and 1 answerable ("What is septicemia?") have no known word."""
        if features["unknown"] >= 1.0 - 1e-9:
            return 0.0
        z = self.bias + sum(w * features[name] for w, name in zip(self.weights, FEATURES, strict=True))
        return float(1.0 / (1.0 + np.exp(-z)))


@lru_cache(maxsize=1)
def _fitted() -> dict:
    data = json.loads((MODEL_DIR / "answerability.json").read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{MODEL_DIR / 'answerability.json'}: features {data['features']} are not {FEATURES}")
    return data


def shipped_answerability() -> Answerability:
    """The regression fitted with the shipped model (tools/fit_answerer.py)."""
    return Answerability(tuple(_fitted()["weights"]), _fitted()["bias"])


def fitted_threshold() -> float:
    """The ``min_answerability`` chosen on the validation articles with the shipped model."""
    return float(_fitted()["min_answerability"])


@dataclass
class Reading:
    """What the answer model made of the retrieved passages: sentences best first, and the signals
    the answerability is computed from."""

    sentences: list[ScoredSentence]
    features: dict[str, float]


@dataclass
class ScoredSentence:
    """A sentence of a retrieved passage: where it is, and how well it answers."""

    source: Source
    start: int
    end: int
    text: str
    first_stage: float = 0.0
    cosine: float = 0.0
    logit: float = float("-inf")
    score: float = float("-inf")  # the logit plus ``prior_weight`` times the first-stage score
    order: int = 0  # its place among its passage's sentences: neighbours differ by one
    heading: str = ""  # "headline" (the article's title as its heading) or "section": not a sentence of the text

    @property
    def place(self) -> tuple[str, int]:
        return self.source.passage_id, self.order


def best_per_passage(ranked: Sequence[ScoredSentence]) -> list[ScoredSentence]:
    """Each passage's best sentence, in the order given, headings left out: what a list of quotes
    on a topic shows (``footnote quote``, the Quotes mode, compare and timeline). A heading names a
    topic ("Why the accord matters") but says nothing about it worth pasting."""
    seen: set[str] = set()
    out = []
    for sent in ranked:
        if not sent.heading and sent.source.passage_id not in seen:
            seen.add(sent.source.passage_id)
            out.append(sent)
    return out


@dataclass(frozen=True)
class Quote:
    """A span to quote: one sentence, or neighbouring sentences of one passage, as one slice of it."""

    source: Source
    start: int
    end: int
    text: str

    @classmethod
    def joining(cls, run: Sequence[ScoredSentence]) -> Quote:
        source, start, end = run[0].source, run[0].start, run[-1].end
        return cls(source, start, end, source.text[start - source.start : end - source.start])


class ExtractiveAnswerer:
    """Answers with the retrieved passages' own sentences, read by the answer model."""

    def __init__(
        self,
        index,
        settings: AnswerSettings | None = None,
        scorer: AnswerScorer | None = None,
        answerability: Answerability | None = None,
    ):
        self.index = index
        self.settings = settings or AnswerSettings()
        self.scorer = scorer or load_scorer(index.settings.model_path(), index.settings.cache_dir)
        self.answerability = answerability or shipped_answerability()
        # The last two readings, kept for the answer that follows a comparison of two
        # (assistant/chain.py reads a question naming an author both ways, then answers one).
        self._recent: tuple[tuple[tuple, Reading], ...] = ()

    def answer(self, question: str, retrieval: Retrieval, history: Sequence[str] = ()) -> Answer:
        reading = self.read(question, retrieval)
        if not reading.sentences:
            return refusal(question, retrieval, RefusalReason.NOTHING_FOUND)
        retrieval = reranked(retrieval, reading.sentences, self.settings.rerank_weight)
        p = self.answerability.probability(reading.features)
        topic = topic_of(question, history=bool(history))
        if topic is not None:
            about = about_topic(topic, reading.sentences)
            if about:
                answer = compose(question, retrieval, self.choose(about), p)
                answer.notice = f"Quoting the sentences that mention “{topic.text}”."
                return answer
            if self.nowhere(topic):
                notice = no_mention(topic.text)
                return refusal(question, retrieval, RefusalReason.NOT_ANSWERED, best=p, notice=notice)
        absent = self.unmentioned(question)
        if absent:
            return refusal(
                question,
                retrieval,
                RefusalReason.NOT_ANSWERED,
                best=p,
                notice=no_mention(whole_name(question, absent[0])),
            )
        if p < self.settings.min_answerability:
            return refusal(question, retrieval, RefusalReason.NOT_ANSWERED, best=p)
        quotes = self.choose(reading.sentences)
        kind = missing(question, [q.text for q in quotes])
        if kind is not None:
            return refusal(question, retrieval, RefusalReason.NOT_ANSWERED, best=p, notice=kind.missing)
        return compose(question, retrieval, quotes, p)

    def stream(self, question: str, retrieval: Retrieval, history: Sequence[str] = ()) -> Iterator[Answer]:
        """The answer a line at a time, so a front end shows quotes as they come; the last is whole."""
        answer = self.answer(question, retrieval, history)
        lines = answer.text.split("\n")
        for i in range(1, len(lines)):
            yield answer.model_copy(update={"text": "\n".join(lines[:i])})
        yield answer

    def nowhere(self, topic: Topic) -> bool:
        """Whether no article can mention the topic: each of its items holds a name no article
        mentions, in any form ("the Indus Waters Treaty", "The Baltic states"; a name is looked up as
        the mention check does, so "Ukrainian drones" is not nowhere in an article about Ukraine's
        drones), or only words the corpus never uses ("arsenic contamination", "mpox"). A common
        word the corpus lacks beside words it has is left to the model: "deportations of rejected
        asylum seekers" is answered from an article that says "returns"."""
        search = self.index.search_index

        def unknown(text: str) -> bool:
            stats = search.term_stats(text)
            return bool(stats.terms) and not any(stats.known)

        meta = search.snapshot().article_meta
        return all(unknown(item) or bool(absent(names(item), search.knows, meta)) for item in topic.items)

    def unmentioned(self, question: str) -> list[str]:
        """The names in the question that no article mentions (assistant/answer/mentions.py)."""
        search = self.index.search_index
        return unmentioned(question, search.knows, search.snapshot().article_meta)

    def answerable(self, question: str, retrieval: Retrieval) -> float:
        """P(the passages answer the question); 0 when there is nothing to read."""
        reading = self.read(question, retrieval)
        return self.answerability.probability(reading.features) if reading.sentences else 0.0

    def read(self, question: str, retrieval: Retrieval) -> Reading:
        """The candidates scored by the answer model, best first, and the answerability signals.

        A sentence's rank is its logit plus ``prior_weight`` times its first-stage score: the first
        stage knows what the model cannot (the passage's retrieval rank, the sentence's embedding
        cosine, the question's rare words), and the weight is fitted with the model
        (tools/fit_answerer.py).

        A follow-up was searched together with the question before it (``retrieval.query``); it is
        read both with that context and on its own words, so the sentence that answered the earlier
        question does not simply win again."""
        key = (question, retrieval.query, tuple(s.passage_id for s in retrieval.sources))
        recent = self._recent  # replaced whole below, so another thread sees the old tuple or the new
        for seen, reading in recent:
            if seen == key:
                return reading
        reading = self._read(question, retrieval)
        self._recent = ((key, reading), *recent[:1])
        return reading

    def _read(self, question: str, retrieval: Retrieval) -> Reading:
        candidates = self.candidates(retrieval)
        if not candidates:
            return Reading([], {})
        inputs = [self.candidate(s) for s in candidates]
        logits = self.scorer.logits(retrieval.query, inputs)
        if question and question != retrieval.query:
            logits = (logits + self.scorer.logits(question, inputs)) / 2
        for sent, logit in zip(candidates, logits, strict=True):
            sent.logit = float(logit)
            sent.score = sent.logit + self.settings.prior_weight * sent.first_stage
        ranked = sorted(candidates, key=lambda s: -s.score)
        return Reading(ranked, self.features(retrieval, ranked))

    def features(self, retrieval: Retrieval, ranked: list[ScoredSentence]) -> dict[str, float]:
        """The signals answerability is computed from (FEATURES): the model's best score and the mean
        of its best three (an answer is often stated, then elaborated, in neighbouring sentences); the share
        of the question's words (IDF-weighted, question words aside) in the best sentence's passage
        with its title and section; the share the corpus never uses (a name no article mentions);
        the best sentence cosine."""
        stats = self.index.search_index.term_stats(retrieval.query)
        weights = {t: idf for t, idf in zip(stats.terms, stats.idf, strict=True) if t not in QUESTION_WORDS}
        total = sum(weights.values())
        best = ranked[0].source
        found = set(stem_words(words(f"{best.title} {best.section} {best.text}")))
        unknown = {t for t, known in zip(stats.terms, stats.known, strict=True) if not known}
        logits = sorted((s.logit for s in ranked), reverse=True)
        return {
            "best_logit": logits[0],
            "mean_top3": float(np.mean(logits[:3])),
            "coverage": sum(w for t, w in weights.items() if t in found) / total if total else 1.0,
            "unknown": sum(w for t, w in weights.items() if t in unknown) / total if total else 0.0,
            "cosine": max(s.cosine for s in ranked),
        }

    def candidates(self, retrieval: Retrieval) -> list[ScoredSentence]:
        return candidate_sentences(self.index, retrieval, self.settings)

    @staticmethod
    def candidate(sent: ScoredSentence) -> Candidate:
        """What the model reads besides the sentence: the article's title and section, and the
        sentence before it in its passage (what "it" or "the deal" refers to)."""
        source = sent.source
        heading = " › ".join(x for x in (source.title, source.section) if x)
        before = [(s, e) for s, e in source.sentences if e <= sent.start]
        previous = source.text[before[-1][0] - source.start : before[-1][1] - source.start] if before else ""
        return Candidate(sent.text, heading, previous)

    def choose(self, scored: list[ScoredSentence]) -> list[Quote]:
        """The quotes (``quoted_runs``), each a slice of its passage."""
        runs = quoted_runs(scored, self.settings, lambda s: s.score, lambda s: s.place, lambda s: s.heading)
        return [Quote.joining(run) for run in runs]


def about_topic(topic: Topic, ranked: Sequence[ScoredSentence]) -> list[ScoredSentence]:
    """The read sentences that mention the topic a question asks about (assistant/topics.py), in
    the model's order: what "What does the article say about drones?" is answered with, whatever
    the answerability, because a sentence about drones is what it asks for."""
    return [s for s in ranked if topic.mentioned_in(s.text, f"{s.source.title} {s.source.section}")]


def reranked(retrieval: Retrieval, read: Sequence[ScoredSentence], weight: float) -> Retrieval:
    """The passages in the order the answer model's reading suggests: each scores its retrieval
    score plus ``weight`` times the best logit among its sentences, and a passage none of whose
    sentences was read (the first stage ranked them lower) scores as if its best were one below the
    lowest that was, so unread passages keep retrieval's order among themselves. Retrieval scores a
    passage by its words and its meaning as a whole; the model reads whether a sentence of it
    answers. Measured (docs/retrieval.md): the answer's passages rank the evidence higher on every
    set (MRR +0.006 chunking_eval, +0.022 SQuAD validation, +0.025 seed sets)."""
    best: dict[str, float] = {}
    for sent in read:
        if np.isfinite(sent.logit):
            best[sent.source.passage_id] = max(best.get(sent.source.passage_id, -np.inf), sent.logit)
    if not best or not weight:
        return retrieval
    floor = min(best.values()) - 1.0
    scored = [
        s.model_copy(update={"score": s.score + weight * best.get(s.passage_id, floor)}) for s in retrieval.sources
    ]
    return replace(retrieval, sources=sorted(scored, key=lambda s: -s.score))


def candidate_sentences(index, retrieval: Retrieval, settings: AnswerSettings) -> list[ScoredSentence]:
    """The sentences of the top passages worth reading, by the cheap first-stage score."""
    c = settings
    snap = index.search_index.snapshot()
    weights = query_weights(index.search_index.term_stats(retrieval.query))
    total = sum(weights.values())
    out: list[ScoredSentence] = []
    vectors: list[np.ndarray | None] = []
    seen: set[str] = set()
    for rank, source in enumerate(retrieval.sources[: c.passages]):
        stored = snap.sentence_vectors(source.passage_id)
        prior = c.passage_prior * (1 - rank / c.passages)
        spans = source.sentences or [(source.start, source.end)]
        headings = headings_of(source)
        for j, ((s, e), order) in enumerate(zip(spans, sentence_places(source, spans), strict=True)):
            text = source.text[s - source.start : e - source.start]
            key = " ".join(text.lower().split())
            if len(text.split()) < 3 or key in seen:
                continue
            seen.add(key)
            found = set(stem_words(words(text)))
            overlap = sum(w for t, w in weights.items() if t in found) / total if total else 0.0
            first = (1 - c.meaning_weight) * overlap + prior
            headline = " ".join(text.split()) == " ".join(source.title.split())
            heading = "" if text.strip() not in headings else "headline" if headline else "section"
            out.append(ScoredSentence(source, s, e, text, first_stage=first, order=order, heading=heading))
            vectors.append(stored[j] if stored is not None and j < len(stored) else None)
    if not out:
        return []
    missing = [i for i, v in enumerate(vectors) if v is None]  # an index written before sentence vectors
    if missing:
        for i, v in zip(missing, index.embedder.embed([out[i].text for i in missing]), strict=True):
            vectors[i] = v
    cosines = np.stack(vectors) @ retrieval.vector
    for sent, cos in zip(out, cosines, strict=True):
        sent.cosine = float(cos)
        sent.first_stage += c.meaning_weight * sent.cosine
    out.sort(key=lambda s: -s.first_stage)
    return out[: c.candidates]


def sentence_places(source: Source, spans: Sequence[tuple[int, int]]) -> list[int]:
    """Each sentence's place in its passage, numbered so that two sentences are neighbours (one
    apart) only when one runs on from the other in the same paragraph: nothing but spaces or one
    line break between them, and neither is a heading. A quote joined across a paragraph break or
    a heading would carry markup or a blank line into the middle of the quote."""
    headings = headings_of(source)

    def text(a: int, z: int) -> str:
        return source.text[a - source.start : z - source.start]

    places = [0]
    for (a, z), (b, y) in itertools.pairwise(spans):
        gap = text(z, b)
        runs_on = not gap.strip() and gap.count("\n") < 2 and not {text(a, z).strip(), text(b, y).strip()} & headings
        places.append(places[-1] + (1 if runs_on else 2))
    return places[: len(spans)]


def headings_of(source: Source) -> set[str]:
    """The headings above a passage (its section path: the article's H1 headline, then sections)."""
    return {h.strip() for h in source.section.split(SECTION_SEPARATOR) if h.strip()}


def quoted_runs(
    ranked: Sequence[T],
    settings: AnswerSettings,
    score: Callable[[T], float],
    place: Callable[[T], tuple[str, int]],
    heading: Callable[[T], str] = lambda s: "",
) -> list[list[T]]:
    """What is quoted, from sentences ranked best first: the best and those within ``quote_margin``
    of it, up to ``max_quotes``; each takes in a neighbour of its passage that scores within
    ``context_margin`` of the best; neighbours are joined, so every quote is one run of sentences
    of one passage, in reading order. Runs come best first.

    A heading is not a sentence of the text, so the margins are measured from the best sentence
    that is: an article's headline had been the whole answer to "Which countries left ECOWAS?"
    when the lede names them. A section heading is a label ("What the region should do next") and
    is never quoted; the headline, when it scores best of all, is quoted beside that sentence: a
    news headline often states the point.

    Generic over what a sentence is (``score``; ``place``, its passage and position there;
    ``heading``: "", "headline" or "section") so that tools/fit_answerer.py simulates exactly this
    on a stored reading."""
    c = settings
    text = [s for s in ranked if not heading(s)]
    if text and len(text) < len(ranked):
        runs = quoted_runs(text, settings, score, place)
        return [[ranked[0]], *runs] if heading(ranked[0]) == "headline" else runs
    best = score(ranked[0])
    chosen = [s for s in ranked if score(s) >= best - c.quote_margin][: c.max_quotes]
    places = {place(s) for s in chosen}
    context = [
        s
        for s in ranked
        if place(s) not in places
        and score(s) >= best - c.context_margin
        and any((place(s)[0], place(s)[1] + d) in places for d in (-1, 1))
    ]
    runs: list[list[T]] = []
    for s in sorted(chosen + context, key=place):
        if runs and place(runs[-1][-1]) == (place(s)[0], place(s)[1] - 1):
            runs[-1].append(s)
        else:
            runs.append([s])
    return sorted(runs, key=lambda run: -max(score(s) for s in run))


def query_weights(stats) -> dict[str, float]:
    """IDF of each of the question's words the corpus knows, but for words that only ask."""
    return {
        t: idf
        for t, known, idf in zip(stats.terms, stats.known, stats.idf, strict=True)
        if known and t not in QUESTION_WORDS
    }
