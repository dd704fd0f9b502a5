"""Answers do not depend on what else the process is doing: eight questions asked at once, while an
unrelated article is added, get the answers each gets when asked alone.

The app answers four requests at a time (and the API more), and readers add articles while others
ask. Anything shared between requests (the stemmer, the BM25 snapshot, the answer model's session,
Chroma's client) that is not safe to share shows here as an answer that differs from the one asked
alone: a quote from the wrong sentence, a torn search, an exception.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.chain import Assistant
from footnote.types import ArticleMeta
from ingest.load import Draft
from tests.conftest import load_questions, question_sets

# An article about nothing the questions ask, so adding it changes no answer (and a changed
# answer is a bug, not the corpus growing).
UNRELATED = Draft(
    body="\n\n".join(
        f"The heron colony on the Vell estuary counted {n} nesting pairs in spring survey number {n}. "
        "Volunteers rowed out at dawn, logged each nest on waterproof paper and left before the tide turned."
        for n in range(12, 60)
    ),
    meta=ArticleMeta(title="Herons of the Vell estuary", author="A. Warden", published="2025-05-02"),
    stem="vell-herons",
)


def answered(answer) -> tuple:
    """What a reader sees of an answer: its text, and each citation's article and span."""
    return answer.text, answer.abstained, [(c.article_id, c.start, c.end, c.quote) for c in answer.citations]


@pytest.fixture
def questions() -> list[str]:
    """Sixteen questions of a blind set, answerable and not, so threads overlap on every path."""
    rows = load_questions(question_sets()["seeds-blind-s6"])
    return [q["question"] for q in rows if not q.get("history")][:16]


def test_eight_threads_asking_while_an_article_is_added_get_the_answers_asked_alone(library, settings, questions):
    questions = questions[::2]  # eight, three unanswerable: every thread asks all eight, each from its own start
    assistant = Assistant(library.index, settings)
    before = {q: answered(assistant.ask(q)) for q in questions}
    start = threading.Barrier(9)

    def ask_many(offset: int) -> list[tuple[str, tuple]]:
        start.wait()
        return [(q, answered(assistant.ask(q))) for q in questions[offset:] + questions[:offset]]

    def add_article() -> None:
        start.wait()
        library.add(UNRELATED)

    with ThreadPoolExecutor(max_workers=9) as pool:
        added = pool.submit(add_article)
        runs = [pool.submit(ask_many, i) for i in range(8)]
        results = [pair for run in runs for pair in run.result()]
        added.result()
    after = {q: answered(assistant.ask(q)) for q in questions}

    assert library.article(UNRELATED.stem + ".md").meta.title == "Herons of the Vell estuary"
    assert len(results) == 8 * len(questions)
    # A new article changes the corpus's word statistics, which may reorder close candidates: each
    # answer given meanwhile is the one asked alone before the article came in or after it, never
    # a mixture of the two states, a torn search or an error.
    assert [q for q, got in results if got not in (before[q], after[q])] == []


def test_eight_threads_asking_at_once_get_exactly_the_answers_asked_alone(corpus_assistant, questions):
    alone = {q: answered(corpus_assistant.ask(q)) for q in questions}
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda q: (q, answered(corpus_assistant.ask(q))), questions * 2))
    assert [q for q, got in results if got != alone[q]] == []
