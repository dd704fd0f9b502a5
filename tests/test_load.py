"""A small version of `make loadtest`: concurrent API clients while articles are added; nothing fails."""

from __future__ import annotations

from tests.app_support import served_corpus
from tools.loadtest import run_load


def test_eight_clients_ask_while_articles_are_added(tmp_path):
    with served_corpus(tmp_path) as served:
        result = run_load(served.url, served.settings.corpus_dir, clients=8, per_client=2, additions=2)
    assert result.errors == []
    assert result.answers == 16 and result.added == 2
    assert result.citations > 0


def test_answer_data_endpoint_returns_checkable_citations(tmp_path):
    from gradio_client import Client

    with served_corpus(tmp_path) as served:
        client = Client(served.url, verbose=False)
        answer = client.predict(
            "How much is Russia expected to pay North Korea per soldier?", [], api_name="/answer_data"
        )
        refused = client.predict("   ", [], api_name="/answer_data")
    assert any("$2,000 per soldier per month" in c["quote"] for c in answer["citations"])
    assert refused == {"error": "Please type a question."}
