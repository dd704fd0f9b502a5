"""LangChain interfaces to Footnote, for users who build LangChain pipelines on their corpus.

- ``FootnoteRetriever``: the hybrid retriever as a ``BaseRetriever``; each passage is a
  ``Document`` whose metadata carries its article, bibliography and exact character span.
- ``answer_chain``: the assistant's three steps (prepare → retrieve → answer) as one LCEL chain,
  taking a question (or an ``Ask``) and returning the same cited ``Answer`` as ``Assistant.ask``.

They wrap the very functions the CLI and the app call, so nothing here can drift from them. This
module is the only place the answer path imports LangChain, and only when someone asks for it:
importing ``langchain_core.runnables`` costs about a second, longer than a one-off answer.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict

from assistant.chain import Ask, Assistant, prepare
from assistant.retriever import Filters


class FootnoteRetriever(BaseRetriever):
    """A ``HybridRetriever`` (and optional filters) behind LangChain's retriever interface."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any  # assistant.retriever.HybridRetriever
    filters: Filters | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [
            Document(page_content=s.text, metadata=s.model_dump(exclude={"text"}), id=s.passage_id)
            for s in self.retriever.retrieve(query, self.filters).sources
        ]


def answer_chain(assistant: Assistant) -> Runnable:
    """question or ``Ask`` → ``Answer``, through the assistant's own steps."""

    def as_ask(question: str | Ask) -> Ask:
        return question if isinstance(question, Ask) else Ask(str(question))

    return (
        RunnableLambda(as_ask, name="question")
        | RunnableLambda(prepare, name="prepare")
        | RunnableLambda(assistant.retrieve, name="retrieve")
        | RunnableLambda(assistant.answer, name="answer")
    )
