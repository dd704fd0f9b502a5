"""A scripted OpenAI-compatible chat-completions server on loopback, for the LLM tests.

It speaks just enough of the protocol for the real ``openai`` / ``langchain_openai`` client code:
``POST /v1/chat/completions`` as JSON (``stream: false``) or as server-sent events
(``stream: true``: ``data: {chunk}`` lines ending with ``data: [DONE]``), and ``GET /v1/models``.
It also answers Ollama's ``POST /api/chat`` (newline-delimited JSON), for ``ChatOllama``.
Each test scripts the next replies (text, HTTP status, delay) and reads back the requests the
server received. The server runs in a background thread and stops when the test ends.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "stub-model"


@dataclass
class Reply:
    """One scripted reply: the assistant's text, or an HTTP error status, after an optional delay."""

    text: str = ""
    status: int = 200
    delay: float = 0.0
    # A function of the request body can stand in for ``text`` (e.g. to answer from the prompt).
    make: Callable[[dict], str] | None = None


@dataclass
class StubServer:
    host: str = "127.0.0.1"
    replies: list[Reply] = field(default_factory=list)
    default: Reply = field(default_factory=lambda: Reply(status=500))
    requests: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer((self.host, 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self.replies[:] = list(replies)

    def next_reply(self) -> Reply:
        with self._lock:
            return self.replies.pop(0) if self.replies else self.default

    def record(self, body: dict) -> None:
        with self._lock:
            self.requests.append(body)

    def wait(self, seconds: float) -> None:
        """Sleep, but wake up at once when the server is stopping."""
        self._stopping.wait(seconds)

    def start(self) -> StubServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def _chunks(text: str) -> list[str]:
    """Split a reply into small pieces, as a model streams tokens (words with their spacing)."""
    return re.findall(r"\S+\s*|\s+", text) or [""]


def _handler(server: StubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._json(200, {"object": "list", "data": [{"id": MODEL, "object": "model", "owned_by": "stub"}]})
            else:
                self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except json.JSONDecodeError:
                self._json(400, {"error": {"message": "bad json", "type": "invalid_request_error"}})
                return
            path = self.path.rstrip("/")
            if not path.endswith(("/chat/completions", "/api/chat")):
                self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
                return
            server.record(body)
            reply = server.next_reply()
            if reply.delay:
                server.wait(reply.delay)
            try:
                if reply.status != 200 and path.endswith("/api/chat"):
                    self._json(reply.status, {"error": "scripted failure"})
                    return
                if reply.status != 200:
                    self._json(reply.status, {"error": {"message": "scripted failure", "type": "server_error"}})
                    return
                text = reply.make(body) if reply.make else reply.text
                if path.endswith("/api/chat"):
                    self._ollama(body, text)
                elif body.get("stream"):
                    self._stream(body, text)
                else:
                    self._json(200, _completion(body, text))
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                pass

        def _json(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, body: dict, text: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            created, cid = int(time.time()), "chatcmpl-stub"
            pieces = [{"role": "assistant", "content": ""}] + [{"content": c} for c in _chunks(text)]
            for delta in pieces:
                self._event(_chunk(cid, created, body, delta, None))
            self._event(_chunk(cid, created, body, {}, "stop"))
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

        def _ollama(self, body: dict, text: str) -> None:
            """Ollama streams one JSON object per line and ends with ``done: true``."""
            model = body.get("model", MODEL)
            pieces = _chunks(text) if body.get("stream", True) else [text]
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Connection", "close")
            self.end_headers()
            stamp = "2025-01-01T00:00:00Z"
            for piece in pieces:
                line = {"model": model, "created_at": stamp, "message": {"role": "assistant", "content": piece}}
                self.wfile.write(json.dumps({**line, "done": False}).encode() + b"\n")
                self.wfile.flush()
            end = {"model": model, "created_at": stamp, "message": {"role": "assistant", "content": ""}}
            self.wfile.write(json.dumps({**end, "done": True, "done_reason": "stop"}).encode() + b"\n")
            self.wfile.flush()
            self.close_connection = True

        def _event(self, payload: dict) -> None:
            self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
            self.wfile.flush()

    return Handler


def _completion(body: dict, text: str) -> dict:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", MODEL),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def _chunk(cid: str, created: int, body: dict, delta: dict, finish: str | None) -> dict:
    return {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": created,
        "model": body.get("model", MODEL),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
