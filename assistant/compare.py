"""What each article says on one question, side by side, and a topic's quotes in order of time.

Both read the corpus one article at a time with the answer model, so every article gets its own
best sentences instead of the two or three articles that win a corpus-wide search:

- ``compare``: for each article the search finds on the topic, its best quotes and its own
  answerability (the same fitted probability and threshold the answerer refuses by). Articles
  above the threshold *speak to it*, in order of publication (undated last); the others are listed
  as not addressing it. Where two articles answer the question directly (the answer model scores
  each one's best quote as an answer, logit ≥ 0), their answers are one point seen twice: the pair
  is shown side by side, and flagged when their figures differ.
- ``timeline``: the topic's quotes across the corpus, one per passage, in order of publication.

Quotes are ``cite`` spans: verbatim at their offsets, as everywhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.answer.compose import cite
from assistant.answer.extractive import ExtractiveAnswerer, ScoredSentence, best_per_passage
from assistant.answer.mentions import no_mention, whole_name
from assistant.retriever import Filters, HybridRetriever
from footnote.attribution import paste
from footnote.types import Citation

UNDATED = "9999"  # sorts after every date
DIRECT = 0.0  # logit at which the answer model reads a quote as answering the question itself
_NUMBER = re.compile(r"\d[\d,.]*")


@dataclass
class ArticleSays:
    """One article on the topic: its best quotes and how sure the model is that it addresses it."""

    article_id: str
    title: str
    author: str
    published: str
    publisher: str
    answerability: float
    quotes: list[Citation] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)  # the answer model's logit for each quote


@dataclass
class SamePoint:
    """Two articles on one point; ``differs`` when they give different figures."""

    first: Citation
    second: Citation
    differs: bool


@dataclass
class Comparison:
    topic: str
    speaking: list[ArticleSays]  # by publication date, undated last
    silent: list[ArticleSays]  # searched, but below the answerability threshold
    same_points: list[SamePoint]
    notice: str = ""  # why no article speaks to it, when that is known ("No article mentions …")

    def markdown(self) -> str:
        """The comparison as Markdown, every quote with its full attribution (for export)."""
        lines = [f"# What the articles say: {self.topic}", ""]
        if self.notice:
            lines += [f"*{self.notice}*", ""]
        for a in self.speaking:
            byline = ", ".join(x for x in (a.author, a.publisher, a.published) if x)
            lines += [f"## {a.title}", *([f"*{byline}*"] if byline else []), ""]
            lines += [paste(c.quote, c, "markdown") + "\n" for c in a.quotes]
        if self.same_points:
            lines += ["## On the same point", ""]
            for p in self.same_points:
                flag = " (different figures)" if p.differs else ""
                lines += [f"- {p.first.title}: “{p.first.quote}”", f"  - {p.second.title}: “{p.second.quote}”{flag}"]
            lines.append("")
        if self.silent:
            lines += ["## Not addressing it", "", *[f"- {a.title} ({a.article_id})" for a in self.silent], ""]
        return "\n".join(lines).rstrip() + "\n"


class Comparer:
    """Reads the corpus article by article with the extractive answerer's model and settings."""

    def __init__(self, retriever: HybridRetriever, reader: ExtractiveAnswerer, articles: int = 8, per_article: int = 2):
        self.retriever = retriever
        # which articles to read: those with a passage among the best 5 per article compared
        self.wide = HybridRetriever(index=retriever.index, k=5 * articles)
        self.reader = reader
        self.articles = articles  # most articles compared
        self.per_article = per_article  # quotes shown per article

    def unmentioned(self, topic: str) -> str:
        """ "No article mentions “X”." when the topic names what no article mentions, else "": each
        article's best sentences would then be about something else (assistant/answer/mentions.py)."""
        absent = self.reader.unmentioned(topic)
        return no_mention(whole_name(topic, absent[0])) if absent else ""

    def compare(self, topic: str, filters: Filters | None = None) -> Comparison:
        notice = self.unmentioned(topic)
        if notice:
            return Comparison(topic, [], [], [], notice)
        vector = self.retriever.index.embedder.embed_one(topic)  # one encoding for every search below
        ids = self._articles(topic, filters, vector)
        said = [self._article(topic, aid, filters, vector) for aid in ids]
        said = [a for a in said if a is not None]
        threshold = self.reader.settings.min_answerability
        speaking = sorted((a for a in said if a.answerability >= threshold), key=lambda a: a.published or UNDATED)
        silent = [a for a in said if a.answerability < threshold]
        return Comparison(topic, speaking, silent, self._same_points(speaking))

    def timeline(self, topic: str, filters: Filters | None = None, count: int = 12) -> list[Citation]:
        """The topic's best quotes, one per passage, ordered by their article's publication date;
        none when the topic names what no article mentions (``unmentioned``)."""
        if self.unmentioned(topic):
            return []
        vector = self.retriever.index.embedder.embed_one(topic)
        picked: list[ScoredSentence] = []
        for aid in self._articles(topic, filters, vector):
            reading = self._read(topic, aid, filters, vector)
            if reading is not None:
                picked += best_per_passage(reading[1])[: self.per_article]
        picked.sort(key=lambda s: -s.logit)
        picked = picked[:count]
        picked.sort(key=lambda s: (s.source.published or UNDATED, s.source.article_id, s.start))
        return [cite(i + 1, s.source, s.start, s.end) for i, s in enumerate(picked)]

    def _articles(self, topic: str, filters: Filters | None, vector) -> list[str]:
        found = self.wide.retrieve(topic, filters, vector)
        return list(dict.fromkeys(s.article_id for s in found.sources))[: self.articles]

    def _read(self, topic: str, article_id: str, filters: Filters | None, vector):
        only = replace(filters or Filters(), article_ids=(article_id,))
        retrieval = self.retriever.retrieve(topic, only, vector)
        reading = self.reader.read(topic, retrieval)
        if not reading.sentences:
            return None
        return self.reader.answerability.probability(reading.features), reading.sentences

    def _article(self, topic: str, article_id: str, filters: Filters | None, vector) -> ArticleSays | None:
        reading = self._read(topic, article_id, filters, vector)
        if reading is None:
            return None
        p, ranked = reading
        head = ranked[0].source
        best = best_per_passage(ranked)[: self.per_article]
        quotes = [cite(i + 1, s.source, s.start, s.end) for i, s in enumerate(best)]
        scores = [s.logit for s in best]
        return ArticleSays(article_id, head.title, head.author, head.published, head.publisher, p, quotes, scores)

    @staticmethod
    def _same_points(speaking: list[ArticleSays]) -> list[SamePoint]:
        direct = [a for a in speaking if a.scores and a.scores[0] >= DIRECT]
        return [
            SamePoint(a.quotes[0], b.quotes[0], _figures(a.quotes[0].quote) != _figures(b.quotes[0].quote))
            for i, a in enumerate(direct)
            for b in direct[i + 1 :]
        ]


def _figures(text: str) -> set[str]:
    return {m.group().rstrip(".,") for m in _NUMBER.finditer(text)}
