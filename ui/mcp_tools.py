"""The Model Context Protocol tools: what a desktop or coding assistant may call when FOOTNOTE_MCP=true.

Four read-only tools, each a typed method whose docstring is the description the assistant reads:
``ask``, ``quotes``, ``check_quote`` and ``list_articles``. Each answers with JSON text; every quote
in it is ``article_text[start:end]`` exactly (footnote.types: one coordinate system end to end).

Gradio serves MCP at ``/gradio_api/mcp/`` (streamable HTTP; ``/gradio_api/mcp/sse`` for SSE) and would
make every public API endpoint a tool, named after its Python function, the corpus-changing ones
(add, remove, ...) included. ``register`` adds the tools as API endpoints (``/mcp_ask``, ...);
``server_options`` is what Gradio's launch needs besides: a start-up step that cuts the MCP server's
tool list down to exactly these four (the other endpoints keep their names and shapes for
gradio_client), and, when the app has a login, a guard that asks the MCP endpoint for it too
(Gradio's own login check covers the page and its API, not the MCP endpoint).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import secrets
import warnings
from typing import Any

import gradio as gr
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.chain import Assistant, QuestionError
from assistant.check import QuoteError, check_quote
from assistant.retriever import Filters
from footnote.settings import Settings
from footnote.types import Answer, Citation, tag_key
from ingest.library import Library

MCP_PATH = "/gradio_api/mcp"
TOOLS = {name: f"/mcp_{name}" for name in ("ask", "quotes", "check_quote", "list_articles")}  # tool → endpoint
MAX_QUOTES = 20


class ToolError(ValueError):
    """A call the tool cannot answer as made (an unknown article or tag, an empty question), told to
    the assistant as the tool's error so that it can correct the call."""


class McpTools:
    """The tools over one library and assistant; ``register`` adds them to the Blocks being built."""

    def __init__(self, settings: Settings, library: Library, assistant: Assistant):
        self.settings = settings
        self.library = library
        self.assistant = assistant

    def register(self) -> None:
        """Add the tools as API endpoints of the Blocks being built. Not queued: Gradio's MCP server
        then calls them in process (a queued one it would call back over HTTP, without the login)."""
        for name, endpoint in TOOLS.items():
            gr.api(getattr(self, name), api_name=endpoint.lstrip("/"), queue=False)

    # --- the tools (docstrings, as Gradio reads them: the description, then one line per parameter) ---

    def ask(self, question: str, article_ids: list[str] | None = None, tag: str | None = None) -> str:
        """Answer a question from the policy articles in the Footnote corpus, with sentences quoted
        verbatim from them, each cited. The answer is made only of sentences copied from the articles,
        each followed by its citation marker [n]. When the articles do not answer the question, the
        tool refuses ("refused": true, with the reason) rather than guess: then tell the user that the
        corpus does not answer, instead of answering from memory. Each call is a new question (earlier
        calls are not remembered), so write the question in full.
        Answers with JSON: {"answer": the text with [n] markers, "refused": true or false, "refusal":
        why it refused or null, "notice": a note about the answer or "", "citations": [{"n", "quote",
        "article_id", "title", "attribution", "url", "section", "paragraph", "start", "end"}]}. Each
        quote is the article's text from character start to end, exactly; attribution (author,
        "title", publisher, date) is ready to paste.

        Args:
            question: the question, in full, in plain words
            article_ids: answer only from these articles (ids as list_articles gives them); omit for all
            tag: answer only from articles carrying this tag (see list_articles); omit for all articles
        """
        filters = self._filters(article_ids, tag)
        try:
            answer = self.assistant.ask(question, filters=filters)
        except QuestionError as exc:
            raise ToolError(str(exc)) from None
        return _json(
            {
                "answer": answer.text,
                "refused": answer.abstained,
                "refusal": _refusal(answer),
                "notice": answer.notice,
                "citations": [_citation(c) for c in answer.citations],
            }
        )

    def quotes(self, topic: str, count: int = 5, tag: str | None = None) -> str:
        """Find the best verbatim quotes on a topic in the policy articles of the Footnote corpus, one
        per passage, each with its attribution, ready to cite. Use it to gather quotations for
        writing; use ask to answer a question.
        Answers with JSON: {"topic": the topic as searched, "notice": why there are none (a name no
        article mentions) or "", "quotes": [{"n", "quote", "article_id",
        "title", "attribution", "url", "section", "paragraph", "start", "end"}]}, best first. Each
        quote is the article's text from character start to end, exactly.

        Args:
            topic: what the quotes should be about, in a few words or a question
            count: how many quotes at most (1 to 20)
            tag: quote only articles carrying this tag (see list_articles); omit for all articles
        """
        if not 1 <= count <= MAX_QUOTES:
            raise ToolError(f"count must be between 1 and {MAX_QUOTES}, not {count}.")
        filters = self._filters(None, tag)
        try:
            answer = self.assistant.quotes(topic, filters, count)
        except QuestionError as exc:
            raise ToolError(str(exc).replace("question", "topic")) from None
        return _json(
            {"topic": answer.question, "notice": answer.notice, "quotes": [_citation(c) for c in answer.citations]}
        )

    def check_quote(self, text: str) -> str:
        """Check whether a quotation is really in the policy articles of the Footnote corpus: where,
        and exactly how it differs. Use it before attributing a quotation to one of these articles.
        Verdicts: "exact" (in an article as written, up to quotation marks, apostrophes, dashes and
        whitespace), "close" (nearly: words changed, added or dropped, listed in "differences" against
        the article's true text) or "not_found" (the matches are then the closest passages, which are
        not a match).
        Answers with JSON: {"verdict", "summary": one sentence for the user, "matches": [{"article_id",
        "start", "end", "text", "attribution", "differences": [{"kind", "quote", "article", "start",
        "end"}], "part"}]}. Each match's text is the article's text from character start to end, exactly.

        Args:
            text: the quotation to check, as written (an ellipsis may join parts of one article)
        """
        try:
            result = check_quote(self.library.index, text, self.library.corpus_dir)
        except QuoteError as exc:
            raise ToolError(str(exc)) from None
        return _json({**result.public(), "summary": result.summary()})

    def list_articles(self, tag: str | None = None) -> str:
        """List the policy articles in the Footnote corpus: the sources that ask, quotes and
        check_quote draw on.
        Answers with JSON: {"articles": [{"id", "title", "author", "date", "publisher", "url",
        "tags"}], "tags": {each tag in the corpus: how many articles carry it}}; date is the
        publication date as ISO text, or "" when unknown.

        Args:
            tag: only the articles carrying this tag; omit for every article
        """
        wanted = tag_key(tag or "")
        if wanted:
            self._filters(None, tag)  # a tag no article carries is an error naming the tags, not an empty list
        articles = [
            {
                "id": info.id,
                "title": info.title,
                "author": info.author,
                "date": info.published,
                "publisher": info.publisher,
                "url": info.url,
                "tags": list(info.tags),
            }
            for info in self.library.articles()
            if not wanted or wanted in {tag_key(t) for t in info.tags}
        ]
        return _json({"articles": articles, "tags": self.library.tags()})

    # --- shared -------------------------------------------------------------------------------------

    def _filters(self, article_ids: list[str] | None, tag: str | None) -> Filters | None:
        """Filters for the call; an article id or a tag the corpus does not have is an error naming it."""
        ids = tuple(a.strip() for a in article_ids or () if a and a.strip())
        tags = (tag.strip(),) if tag and tag.strip() else ()
        if not ids and not tags:
            return None
        articles = self.library.index.search_index.snapshot().article_meta
        unknown = [a for a in ids if a not in articles]
        if unknown:
            raise ToolError(
                f"No article with id {', '.join(map(repr, unknown))} in the corpus; list_articles gives the ids."
            )
        filters = Filters(article_ids=ids, tags=tags)
        if filters.unknown_tags(articles):
            carried: dict[str, str] = {}
            for meta in articles.values():
                for t in meta.get("tags", ()):
                    carried.setdefault(tag_key(t), t)
            known = sorted(carried.values(), key=str.casefold)
            hint = f"tags in the corpus: {', '.join(known)}" if known else "no article has tags"
            raise ToolError(f"No article carries the tag {tags[0]!r}; {hint}.")
        return filters


def _citation(c: Citation) -> dict[str, Any]:
    return {
        "n": c.n,
        "quote": c.quote,
        "article_id": c.article_id,
        "title": c.title,
        "attribution": c.attribution(),
        "url": c.url,
        "section": c.section,
        "paragraph": c.paragraph,
        "start": c.start,
        "end": c.end,
    }


def _refusal(answer: Answer) -> str | None:
    if not answer.abstained:
        return None
    return answer.refusal_reason.message if answer.refusal_reason else answer.text


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


# --- serving: only these tools, and behind the app's login --------------------------------------


def server_options(settings: Settings) -> dict[str, Any]:
    """Gradio launch's ``app_kwargs`` for an app that serves MCP."""
    # Gradio warns, as it starts, of gr.State inputs among the endpoints it is about to make tools;
    # none of them is one of these tools.
    warnings.filterwarnings("ignore", message="This MCP server includes a tool that has a gr.State input")
    options: dict[str, Any] = {"lifespan": _only_footnote_tools}
    if settings.auth_username:
        options["middleware"] = [
            Middleware(RequireLogin, username=settings.auth_username, password=settings.auth_password)
        ]
    return options


@contextlib.asynccontextmanager
async def _only_footnote_tools(app):
    """At start-up, before any request: the MCP server lists and calls the tools of TOOLS and nothing
    else. Gradio maps tool names to endpoints in ``tool_to_endpoint``, which its listing, its calls and
    its /schema all go through; this app's other endpoints never become tools."""
    server = app.get_blocks().mcp_server_obj
    if server is not None:
        if not isinstance(getattr(server, "tool_to_endpoint", None), dict):
            raise RuntimeError("This Gradio's MCP server has no tool_to_endpoint: ui/mcp_tools.py needs updating.")
        server.tool_to_endpoint = {
            name: endpoint
            for name, endpoint in TOOLS.items()
            if server.get_block_fn_from_endpoint_name(endpoint) is not None
        }
    yield


class RequireLogin:
    """ASGI middleware: a request to the MCP endpoint needs the app's login, as HTTP Basic
    authentication (``Authorization: Basic base64(user:password)``) or the cookie of a login on the page."""

    def __init__(self, app: ASGIApp, username: str, password: str):
        self.app = app
        self.credentials = f"{username}:{password}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or MCP_PATH not in scope.get("path", ""):
            await self.app(scope, receive, send)
            return
        if self._logged_in(HTTPConnection(scope)):
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        else:
            refusal = PlainTextResponse(
                "Footnote's MCP server needs the app's login: send the header "
                "Authorization: Basic base64(FOOTNOTE_AUTH_USERNAME:FOOTNOTE_AUTH_PASSWORD).",
                status_code=401,
                headers={"WWW-Authenticate": 'Basic realm="Footnote", charset="UTF-8"'},
            )
            await refusal(scope, receive, send)

    def _logged_in(self, conn: HTTPConnection) -> bool:
        scheme, _, value = conn.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                given = base64.b64decode(value.strip(), validate=True)
            except (binascii.Error, ValueError):
                return False
            return secrets.compare_digest(given, self.credentials)
        gradio_app = conn.scope.get("app")  # Gradio's App: the page's logins
        cookie_id = getattr(gradio_app, "cookie_id", None)
        tokens = getattr(gradio_app, "tokens", None) or {}
        if cookie_id is None:
            return False
        token = conn.cookies.get(f"access-token-{cookie_id}") or conn.cookies.get(f"access-token-unsecure-{cookie_id}")
        return bool(token) and token in tokens
