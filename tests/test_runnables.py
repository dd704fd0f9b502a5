"""Footnote inside LangChain pipelines: the retriever as a BaseRetriever and the answer steps as an
LCEL chain give exactly what the CLI and the app get (assistant/runnables.py)."""

from __future__ import annotations

from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable

from assistant.chain import Ask
from assistant.retriever import Filters
from ingest.load import load_article
from tests.conftest import LAMI_KIM

PAY = "How much is Russia expected to pay North Korea per soldier?"


def test_the_answer_chain_is_the_assistants_own_steps(corpus_assistant):
    chain = corpus_assistant.runnable()
    assert isinstance(chain, Runnable)
    got = chain.invoke(PAY)
    assert got.model_dump() == corpus_assistant.ask(PAY).model_dump()
    assert any("$2,000 per soldier per month" in c.quote for c in got.citations)
    # a follow-up, as an Ask with its conversation
    follow = chain.invoke(Ask("And how many soldiers?", [PAY]))
    assert follow.model_dump() == corpus_assistant.ask("And how many soldiers?", [PAY]).model_dump()


def test_the_retriever_gives_passages_as_documents_with_their_exact_span(corpus_assistant):
    retriever = corpus_assistant.retriever.as_langchain()
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke(PAY)
    sources = corpus_assistant.retriever.retrieve(PAY).sources
    assert [d.id for d in docs] == [s.passage_id for s in sources]
    top = docs[0]
    assert isinstance(top, Document) and top.metadata["article_id"] == LAMI_KIM
    settings = corpus_assistant.settings
    article = load_article(settings.corpus_dir / LAMI_KIM, settings.corpus_dir, settings.max_file_bytes)
    assert article.content[top.metadata["start"] : top.metadata["end"]] == top.page_content


def test_the_retriever_keeps_its_filters(corpus_assistant):
    retriever = corpus_assistant.retriever.as_langchain(Filters(article_ids=("yoon-at-nato-north-korea-russia.md",)))
    docs = retriever.invoke(PAY)
    assert docs and {d.metadata["article_id"] for d in docs} == {"yoon-at-nato-north-korea-russia.md"}
