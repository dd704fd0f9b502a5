"""The answer chain: question (+ conversation) → search query → passages → cited answer.

Three named steps (``prepare``, ``retrieve``, ``answer``) that the CLI, the app and the evaluation
all run through ``Assistant``. ``Assistant.runnable()`` offers the same steps as a LangChain LCEL
chain (assistant/runnables.py); LangChain is imported only then, since its import alone costs
more than a one-off ``footnote ask`` may take.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from assistant.answer import Answerer, AnswerSettings, ExtractiveAnswerer, cite
from assistant.answer.compose import refusal
from assistant.answer.extractive import best_per_passage
from assistant.authors import about_their_articles, author_names
from assistant.compare import Comparer, Comparison
from assistant.followup import search_query
from assistant.retriever import Filters, HybridRetriever, Retrieval
from footnote.settings import Settings
from footnote.types import Answer, Citation, RefusalReason

MAX_QUESTION_CHARS = 2000


@dataclass
class Ask:
    question: str
    history: list[str] = field(default_factory=list)
    filters: Filters | None = None
    # The question as searched and read, when that is not as typed: a question naming an author is
    # read as one about their articles (assistant/authors.py). Answers always carry ``question``.
    read_as: str = ""


class QuestionError(ValueError):
    """A question that cannot be asked as typed, with a message fit to show the user."""


def clean_question(text: str) -> tuple[str, str]:
    """Strip control characters and cap the length; returns (question, notice)."""
    text = "".join(ch if unicodedata.category(ch)[0] != "C" or ch in "\n\t" else " " for ch in text or "")
    text = " ".join(text.split())
    if not text:
        raise QuestionError("Please type a question.")
    notice = ""
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS].rsplit(" ", 1)[0]
        notice = f"Your question was over {MAX_QUESTION_CHARS:,} characters; only its beginning was used."
    return text, notice


def prepare(ask: Ask) -> tuple[Ask, str, str]:
    """Step 1: the cleaned question and history, the search query, and any notice for the user."""
    question, notice = clean_question(ask.question)
    history = [clean_question(h)[0] for h in ask.history if h and h.strip()]
    return Ask(question, history, ask.filters), search_query(question, history), notice


def with_notice(answer: Answer, notice: str) -> Answer:
    """The question's notice first, then the answerer's own (e.g. the LLM fell back)."""
    answer.notice = " ".join(x for x in (notice, answer.notice) if x)
    return answer


def as_asked(answer: Answer, ask: Ask) -> Answer:
    """The answer to the question as the user typed it, however it was read."""
    answer.question = ask.question
    return answer


class Assistant:
    """Everything a front end needs: ask, stream, quote. Built once per process."""

    def __init__(self, index, settings: Settings):
        self.index = index
        self.settings = settings
        self.retriever = HybridRetriever(index=index, k=settings.top_k)
        # The extractive answerer reads passages with the answer model: it answers by default,
        # stands in when a language model fails, and picks quotes().
        self.reader = ExtractiveAnswerer(index, AnswerSettings.from_settings(settings))
        self.llm = None  # the language model answerer, when one is configured
        if settings.llm_backend != "none":
            from assistant.answer.llm import LLMAnswerer  # LangChain's chat models load only when used

            self.llm = LLMAnswerer(
                settings, fallback=self.reader, embed=index.embedder.embed, unmentioned=self.reader.unmentioned
            )
        self.answerer: Answerer = self.llm or self.reader
        self.comparer = Comparer(self.retriever, self.reader)
        self._authors: tuple[object, list[str]] = (None, [])  # (snapshot, its authors' names)

    def authors(self) -> list[str]:
        """The corpus's authors (front matter), worked out once per version of the index."""
        snap = self.index.search_index.snapshot()
        if self._authors[0] is not snap:
            self._authors = (snap, author_names(snap.article_meta))
        return self._authors[1]

    # --- the steps ------------------------------------------------------------------------------
    def retrieve(self, step: tuple[Ask, str, str]) -> tuple[Ask, Retrieval, str]:
        """Step 2: the passages for the search query, within the filters.

        A question that names one of the corpus's authors is also searched as a question about
        their articles, and the one the answer model finds more answerable is kept
        (assistant/authors.py)."""
        ask, query, notice = step
        retrieval = self.retriever.retrieve(query, ask.filters)
        names = self.authors()
        other = about_their_articles(ask.question, ask.history, ask.filters, query, names) if names else None
        if other is None:
            return ask, retrieval, notice
        question, history, filters, author = other
        alternative = self.retriever.retrieve(search_query(question, history), filters)
        if self.reader.answerable(question, alternative) <= self.reader.answerable(ask.question, retrieval):
            return ask, retrieval, notice
        read = Ask(ask.question, ask.history, filters, read_as=question)
        return read, alternative, " ".join(x for x in (notice, f"Searched only {author}’s articles.") if x)

    def answer(self, step: tuple[Ask, Retrieval, str]) -> Answer:
        """Step 3: the cited answer (or refusal) from the passages."""
        ask, retrieval, notice = step
        return with_notice(as_asked(self.answerer.answer(self.wording(ask), retrieval, ask.history), ask), notice)

    def wording(self, ask: Ask) -> str:
        """What the answerer is given: the answer model reads the question as searched; a language
        model reads it as typed (it knows what "Lami Kim's view" asks, and the passages are already
        the author's)."""
        return (ask.read_as or ask.question) if self.answerer is self.reader else ask.question

    def runnable(self):
        """The three steps as a LangChain runnable (Ask → Answer), for LangChain pipelines."""
        from assistant.runnables import answer_chain

        return answer_chain(self)

    # --- what front ends call -------------------------------------------------------------------
    def ask(self, question: str, history: list[str] | None = None, filters: Filters | None = None) -> Answer:
        return self.answer(self.retrieve(prepare(Ask(question, list(history or []), filters))))

    def stream(
        self, question: str, history: list[str] | None = None, filters: Filters | None = None
    ) -> Iterator[Answer]:
        """Partial answers as the text grows; the last one is the complete answer."""
        ask, retrieval, notice = self.retrieve(prepare(Ask(question, list(history or []), filters)))
        for partial in self.answerer.stream(self.wording(ask), retrieval, ask.history):
            yield with_notice(as_asked(partial, ask), notice)

    def compare(self, topic: str, filters: Filters | None = None) -> Comparison:
        """What each article says on ``topic``, side by side (assistant/compare.py)."""
        return self.comparer.compare(clean_question(topic)[0], filters)

    def unmentioned(self, topic: str) -> str:
        """The notice for a topic naming what no article mentions, or "" (assistant/compare.py)."""
        return self.comparer.unmentioned(clean_question(topic)[0])

    def timeline(self, topic: str, filters: Filters | None = None, count: int = 12) -> list[Citation]:
        """The topic's quotes across the corpus in order of publication (assistant/compare.py)."""
        return self.comparer.timeline(clean_question(topic)[0], filters, count)

    def quotes(self, topic: str, filters: Filters | None = None, count: int | None = None) -> Answer:
        """The best verbatim quotes on a topic, one per passage, ready to paste with attribution.

        No quotes, and a notice saying so, when the topic names what no article mentions ("the
        European Central Bank"): the closest sentences would be about something else
        (assistant/answer/mentions.py)."""
        question, notice = clean_question(topic)
        retrieval = self.retriever.retrieve(question, filters)
        unmentioned = self.comparer.unmentioned(question)
        if unmentioned:
            return with_notice(refusal(question, retrieval, RefusalReason.NOT_ANSWERED, notice=unmentioned), notice)
        picked = best_per_passage(self.reader.read(question, retrieval).sentences)[: count or self.settings.quote_count]
        citations = [cite(i + 1, s.source, s.start, s.end) for i, s in enumerate(picked)]
        text = "\n\n".join(f"“{c.quote}” — {c.attribution()} [{c.n}]" for c in citations)
        return Answer(
            question=question,
            text=text,
            citations=citations,
            sources=retrieval.sources,
            search_query=question,
            notice=notice,
        )
