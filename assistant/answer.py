"""The default answerer: no LLM, only verbatim sentences from the retrieved passages.

Each sentence of the top passages is scored against the question by meaning (embedding cosine)
and by the question's rare words it contains (IDF-weighted overlap). The best few are quoted
whole, each with its own citation. When the best evidence is weak, or the question hinges on
words the corpus never uses, the answer says the corpus does not answer, and shows the closest
passages as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.answer_type import (
    acting_country,
    asked_outcome,
    asks_affiliation,
    expected_type,
    has_answer_of_type,
    is_author_note,
    speaker,
)
from assistant.attribution import named_writer, names_country, speaker_exempt, speaks, writers
from assistant.models import Answer, Citation, Source
from assistant.names import missing_names
from assistant.retriever import Retrieval
from assistant.sentences import (
    CAPTION,
    QUESTION_WORDS,
    STEMMER,
    ScoredSentence,
    corpus_sentences,
    found_words,
    next_sentence,
    overlap,
    query_weights,
    same_sentence,
    stems,
)

REFUSAL = "The corpus does not answer this question."


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
        if outcome and not any(stems(outcome) <= stems(sent.text) for sent in chosen):
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
        own = stems(question) - QUESTION_WORDS - _ASKED_FOR if question and question != query else set()
        fits = [
            s
            for s in scored
            if s.score >= floor
            and has_answer_of_type(kind, s.text, query)
            and (not own or own & found_words(question, s.text))
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
        passage = found_words(retrieval.query, scored[0].source.text)
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
        weights = query_weights(self.index.lexical.term_stats(retrieval.query))
        w = c.meaning_weight
        out = []
        for (source, s, e, text, prior), cos in zip(candidates, cosines, strict=True):
            shared = overlap(weights, retrieval.query, text)
            score = w * float(cos) + (1 - w) * shared + prior
            out.append(ScoredSentence(source, s, e, text, float(cos), shared, score))
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
            if any(same_sentence(sent, other) for other in chosen):
                continue
            chosen.append(sent)
        return chosen


# What a typed follow-up asks for, which the answer need not repeat: "Who is the source for that figure?"
_ASKED_FOR = frozenset(STEMMER.stemWords(["source", "figure", "number", "amount", "sum", "date", "time", "name"]))
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
        if after and len(out) < limit + 1 and not any(same_sentence(after, other) for other in out):
            out.insert(out.index(sent) + 1, after)
    return out


# Not "picture" or "image": "the bigger picture", "Russia's image" are about the argument.
_PHOTO_Q = re.compile(r"\b(photo\w*|captions?)\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def captions(snap) -> dict[str, list[ScoredSentence]]:
    """Each article's photo captions, with the date and credit that follow them in their paragraph."""
    found: dict[str, list[ScoredSentence]] = {}
    for sent in corpus_sentences(snap):
        taken = found.get(sent.source.article_id, [])
        if not CAPTION.search(sent.text) or any(c.start <= sent.start < c.end for c in taken):
            continue
        caption = [sent]
        while len(caption) < 3 and (after := next_sentence(caption[-1])):
            caption.append(after)
        found.setdefault(sent.source.article_id, []).extend(caption)
    return found


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
