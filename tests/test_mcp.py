"""The MCP server (FOOTNOTE_MCP=true): a real app on loopback, talked to with the official `mcp`
Python client over streamable HTTP. Exactly four read-only tools, typed and described; every quote
they return is the article's text at its span; with a login set, the MCP endpoint wants it too."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from tests.app_support import (
    OTTERS,
    OTTERS_QUESTION,
    SEED_QUESTION,
    SEED_QUOTE,
    FootnoteApp,
    copied_library,
    isolated_settings,
    serve,
    write_article,
)

MCP = "/gradio_api/mcp/"
TOOLS = {"ask", "quotes", "check_quote", "list_articles"}
SEED_ARTICLE = "north-korea-in-ukraine-south-korea-response.md"
OTHER_ARTICLE = "yoon-at-nato-north-korea-russia.md"
OTTERS_ARTICLE = "otters.md"
# A whole sentence of the seed article, as a reader would paste it.
EXACT_SENTENCE = (
    "According to South Korea’s intelligence agency, Russia is expected to pay $2,000 per soldier per month, "
    "totaling $20 million each month."
)


def call(url: str, work: Callable[[ClientSession], Awaitable[Any]], headers: dict[str, str] | None = None) -> Any:
    """Open an MCP session on the app's endpoint (initialize), run ``work`` in it, close it."""

    async def run():
        async with (
            httpx.AsyncClient(headers=headers, timeout=httpx.Timeout(None)) as http,
            streamable_http_client(url + MCP, http_client=http) as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await work(session)

    return asyncio.run(run())


def tool(url: str, name: str, headers: dict[str, str] | None = None, **arguments: Any):
    """One tool call's result (CallToolResult)."""
    return call(url, lambda session: session.call_tool(name, arguments), headers)


def data(result) -> dict:
    """A successful tool call's JSON answer."""
    assert not result.isError, result.content
    [content] = result.content
    return json.loads(content.text)


def error(result) -> str:
    assert result.isError, result.content
    return " ".join(c.text for c in result.content)


def assert_verbatim(corpus: Path, quotes: list[dict], text_key: str = "quote") -> None:
    """Each quote is its article's text at its span: the file as the library stores it, sliced."""
    assert quotes
    for q in quotes:
        content = (corpus / q["article_id"]).read_text(encoding="utf-8")
        assert content[q["start"] : q["end"]] == q[text_key]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("mcp")
    _, library = copied_library(workdir)
    write_article(library.corpus_dir / OTTERS_ARTICLE, OTTERS, title="Otters of Lake Vell", tags=["Wildlife"])
    assert library.sync().ok
    settings = isolated_settings(workdir, corpus_dir=library.corpus_dir, index_dir=library.settings.index_dir, mcp=True)
    with serve(FootnoteApp(settings, library), settings) as running:
        yield running


def test_exactly_the_four_tools_with_descriptions_and_typed_parameters(served):
    listed = call(served.url, lambda session: session.list_tools()).tools
    tools = {t.name: t for t in listed}

    assert set(tools) == TOOLS
    for t in listed:
        assert len(t.description) > 80, t.name
        assert all(p.get("description") for p in t.inputSchema["properties"].values()), t.name

    def schema(name):
        s = tools[name].inputSchema
        return {p: {k: v for k, v in d.items() if k != "description"} for p, d in s["properties"].items()}, s.get(
            "required", []
        )

    text, maybe_text = {"type": "string"}, {"oneOf": [{"type": "null"}, {"type": "string"}]}
    maybe_list = {"oneOf": [{"type": "null"}, {"type": "array", "items": {"type": "string"}}]}
    assert schema("ask") == ({"question": text, "article_ids": maybe_list, "tag": maybe_text}, ["question"])
    assert schema("quotes") == (
        {"topic": text, "count": {"type": "integer", "default": 5}, "tag": maybe_text},
        ["topic"],
    )
    assert schema("check_quote") == ({"text": text}, ["text"])
    assert schema("list_articles") == ({"tag": maybe_text}, [])
    assert "refuse" in tools["ask"].description and "[n]" in tools["ask"].description


def test_ask_cites_the_seed_quote_verbatim_at_its_span(served):
    answer = data(tool(served.url, "ask", question=SEED_QUESTION))

    assert answer["refused"] is False and answer["refusal"] is None
    citations = answer["citations"]
    assert_verbatim(served.settings.corpus_dir, citations)
    seed = next(c for c in citations if SEED_QUOTE in c["quote"])
    assert seed["article_id"] == SEED_ARTICLE
    title = "What North Korea’s Fight in Ukraine Means for South Korea, and How Seoul Should Respond"
    assert seed["title"] == title and seed["attribution"] == f"Lami Kim, “{title}”"
    assert served.library.article(SEED_ARTICLE).content[seed["start"] : seed["end"]] == seed["quote"]
    assert [c["n"] for c in citations] == list(range(1, len(citations) + 1))
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer["answer"])} == {c["n"] for c in citations}


def test_ask_keeps_to_the_articles_and_the_tag_it_is_given(served):
    elsewhere = data(tool(served.url, "ask", question=SEED_QUESTION, article_ids=[OTHER_ARTICLE]))
    assert all(c["article_id"] == OTHER_ARTICLE for c in elsewhere["citations"])
    assert not any(SEED_QUOTE in c["quote"] for c in elsewhere["citations"])

    otters = data(tool(served.url, "ask", question=OTTERS_QUESTION, tag="wildlife"))
    assert otters["citations"] and {c["article_id"] for c in otters["citations"]} == {OTTERS_ARTICLE}
    assert_verbatim(served.settings.corpus_dir, otters["citations"])

    refused = data(tool(served.url, "ask", question=SEED_QUESTION, tag="Wildlife"))
    assert not any(SEED_QUOTE in c["quote"] for c in refused["citations"])

    unknown = tool(served.url, "ask", question=SEED_QUESTION, article_ids=["no-such-article.md"])
    assert "No article with id 'no-such-article.md'" in error(unknown)
    assert "tags in the corpus: Wildlife" in error(tool(served.url, "ask", question=SEED_QUESTION, tag="economy"))
    assert "Please type a question" in error(tool(served.url, "ask", question="   "))


def test_ask_refuses_what_the_corpus_does_not_answer(served):
    answer = data(tool(served.url, "ask", question="What is the boiling point of liquid nitrogen on Mars?"))
    assert answer["refused"] is True
    assert "does not answer" in answer["refusal"]
    assert answer["citations"] == []


def test_quotes_are_verbatim_with_attribution(served):
    found = data(tool(served.url, "quotes", topic="Russian payments to North Korea for soldiers", count=3))

    quotes = found["quotes"]
    assert 1 <= len(quotes) <= 3
    assert_verbatim(served.settings.corpus_dir, quotes)
    assert all(q["attribution"] and q["title"] for q in quotes)
    assert any(SEED_QUOTE in q["quote"] for q in quotes)

    tagged = data(tool(served.url, "quotes", topic="what otters eat", tag="wildlife"))["quotes"]
    assert tagged and {q["article_id"] for q in tagged} == {OTTERS_ARTICLE}
    assert "between 1 and 20" in error(tool(served.url, "quotes", topic="soldiers", count=0))
    elsewhere = data(tool(served.url, "quotes", topic="What the European Central Bank decided on rates"))
    assert elsewhere == {
        "topic": "What the European Central Bank decided on rates",
        "notice": "No article mentions “European Central Bank”.",
        "quotes": [],
    }


def test_list_articles_with_their_metadata_and_tags(served):
    listed = data(tool(served.url, "list_articles"))

    by_id = {a["id"]: a for a in listed["articles"]}
    assert set(by_id) == {SEED_ARTICLE, OTHER_ARTICLE, OTTERS_ARTICLE}
    assert by_id[SEED_ARTICLE]["author"] == "Lami Kim"
    assert by_id[SEED_ARTICLE]["title"].startswith("What North Korea’s Fight in Ukraine")
    assert by_id[OTTERS_ARTICLE]["tags"] == ["Wildlife"]
    assert set(by_id[SEED_ARTICLE]) == {"id", "title", "author", "date", "publisher", "url", "tags"}
    assert listed["tags"] == {"Wildlife": 1}

    assert [a["id"] for a in data(tool(served.url, "list_articles", tag="WILDLIFE"))["articles"]] == [OTTERS_ARTICLE]
    assert "Wildlife" in error(tool(served.url, "list_articles", tag="economy"))


def test_check_quote_finds_an_exact_sentence_and_a_misquote(served):
    exact = data(tool(served.url, "check_quote", text=EXACT_SENTENCE))
    assert exact["verdict"] == "exact"
    assert [m["article_id"] for m in exact["matches"]] == [SEED_ARTICLE]
    assert exact["matches"][0]["text"] == EXACT_SENTENCE
    assert_verbatim(served.settings.corpus_dir, exact["matches"], text_key="text")
    assert exact["summary"].startswith("In the corpus as written")

    misquote = data(tool(served.url, "check_quote", text=EXACT_SENTENCE.replace("intelligence", "spy")))
    assert misquote["verdict"] == "close"
    [match] = misquote["matches"]
    [difference] = match["differences"]
    assert (difference["kind"], difference["quote"], difference["article"]) == ("changed", "spy", "intelligence")
    content = (served.settings.corpus_dir / SEED_ARTICLE).read_text(encoding="utf-8")
    assert content[difference["start"] : difference["end"]] == "intelligence"
    assert_verbatim(served.settings.corpus_dir, [match], text_key="text")

    assert "paste the text" in error(tool(served.url, "check_quote", text=" "))


def test_no_other_endpoint_is_a_tool_and_the_api_keeps_them(served):
    """add, remove, reindex, ... are not tools, not even when called by name; gradio_client still has them."""
    for name in ("add", "remove", "reindex", "request_removal", "answer_data", "mcp_ask"):
        assert "Unknown tool" in error(tool(served.url, name))
    with httpx.Client(base_url=served.url) as http:
        schema = http.get(MCP + "schema").json()
    assert {t["name"] for t in schema} == TOOLS

    named = Client(served.url, verbose=False).view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/ask", "/add", "/remove", "/reindex", "/answer_data"} <= set(named)
    assert {"/mcp_ask", "/mcp_quotes", "/mcp_check_quote", "/mcp_list_articles"} <= set(named)


def test_a_login_guards_the_mcp_endpoint(served, tmp_path):
    settings = isolated_settings(
        tmp_path,
        corpus_dir=served.settings.corpus_dir,
        index_dir=served.settings.index_dir,
        auth_username="reader",
        auth_password="correct horse",
        mcp=True,
    )
    locked_app = FootnoteApp(settings, served.library, served.app.assistant)

    def basic(user, password):
        return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}

    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
    }
    streams = {"Accept": "application/json, text/event-stream"}
    with serve(locked_app, settings) as locked, httpx.Client(base_url=locked.url) as http:
        for headers in ({}, basic("reader", "wrong"), basic("someone", "correct horse"), {"Authorization": "Basic !!"}):
            refused = http.post(MCP, json=initialize, headers={**streams, **headers})
            assert refused.status_code == 401, headers
            assert refused.headers["WWW-Authenticate"].startswith("Basic")
        assert http.get(MCP + "schema").status_code == 401
        assert http.get(MCP.rstrip("/")).status_code == 401
        assert http.get(MCP + "sse").status_code == 401
        with pytest.raises(BaseException) as failed:  # the client's task group wraps the HTTP error
            call(locked.url, lambda session: session.list_tools())
        assert "401" in repr(failed.value) or "Unauthorized" in repr(failed.value)

        assert http.post(MCP, json=initialize, headers={**streams, **basic("reader", "correct horse")}).is_success
        login = basic("reader", "correct horse")
        assert {t.name for t in call(locked.url, lambda session: session.list_tools(), login).tools} == TOOLS
        answer = data(tool(locked.url, "ask", login, question=SEED_QUESTION))
        assert any(SEED_QUOTE in c["quote"] for c in answer["citations"])

        # A login on the page (Gradio's cookie) is as good as the header.
        assert http.post("/login", data={"username": "reader", "password": "correct horse"}).is_success
        assert http.get(MCP + "schema").status_code == 200


def test_without_the_setting_there_is_no_mcp_endpoint(served, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADIO_MCP_SERVER", "true")  # Gradio's own switch: the setting decides, not it
    settings = isolated_settings(tmp_path, corpus_dir=served.settings.corpus_dir, index_dir=served.settings.index_dir)
    plain = FootnoteApp(settings, served.library, served.app.assistant)

    with serve(plain, settings) as running, httpx.Client(base_url=running.url) as http:
        assert http.get(MCP + "schema").status_code == 404
        named = Client(running.url, verbose=False).view_api(print_info=False, return_format="dict")["named_endpoints"]
        assert not any(name.startswith("/mcp_") for name in named)
