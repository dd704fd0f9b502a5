"""Answering: from a question and its retrieved passages to a cited answer, or a plain refusal.

Every answerer satisfies ``Answerer``; the chain (assistant/chain.py) holds one and never asks
which kind it is.

- ``extractive``: the default. Footnote's answer model (assistant/scorer.py) reads the passages'
  sentences and decides whether they answer; the answer is made of those sentences, verbatim.
- ``llm``: a language model writes the answer from the passages; ``verify`` checks every sentence
  against them before anyone sees it (``claims`` reads the generated text). The extractive
  answerer is its fallback.
- ``compose``: what both share: citing a span, composing quotes into an answer, refusing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from assistant.answer.compose import REFUSAL, cite, compose, refusal
from assistant.answer.extractive import AnswerSettings, ExtractiveAnswerer
from assistant.retriever import Retrieval
from footnote.types import Answer


@runtime_checkable
class Answerer(Protocol):
    """Answers one question from its retrieval; ``stream`` yields growing partial answers, the
    last one complete (and equal to what ``answer`` returns)."""

    def answer(self, question: str, retrieval: Retrieval, history: Sequence[str] = ()) -> Answer: ...

    def stream(self, question: str, retrieval: Retrieval, history: Sequence[str] = ()) -> Iterator[Answer]: ...


__all__ = ["REFUSAL", "AnswerSettings", "Answerer", "ExtractiveAnswerer", "cite", "compose", "refusal"]
