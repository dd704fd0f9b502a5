"""Serving the app: who may reach it, the password, and the API endpoints users' scripts call."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest
from gradio_client import Client

from tests.app_support import (
    NO_FILTERS,
    ROOT,
    SEED_QUESTION,
    SEED_QUOTE,
    isolated_settings,
    reply_of,
    serve,
    served_corpus,
)
from ui.app import FootnoteApp
from ui.render import ANSWER, md_text
from ui.serve import exposure_problem

# Every endpoint users' scripts may call: its parameters, and how many values it returns.
FORM = ["title", "author", "published", "publisher", "url"]
CHAT_FILTERS = ["mode", "article_ids", "author", "date_from", "date_to"]
ENDPOINTS = {
    "/answer_data": (["question", "history"], 1),
    "/check_quote": (["text"], 1),
    "/compare": (["topic", "article_ids", "author", "date_from", "date_to", "tags"], 1),
    "/timeline": (["topic", "article_ids", "author", "date_from", "date_to", "tags"], 1),
    "/ask": (["question", *CHAT_FILTERS, "tags"], 5),  # tags last: calls made before it still work
    "/retry": ([*CHAT_FILTERS, "tags"], 5),
    "/undo": ([], 5),
    "/clear": ([], 5),
    "/show_source": (["selected"], 1),
    "/export": ([], 1),
    "/propose_file": (["path"], 7),
    "/propose_text": (["text"], 7),
    "/propose_url": (["url"], 7),
    "/add": ([*FORM, "tags"], 7),
    "/replace": ([*FORM, "tags"], 7),
    "/request_removal": (["ref"], 2),
    "/remove": ([], 1),
    "/reindex": (["ref"], 1),
    "/set_tags": (["ref", "tags"], 2),
}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with served_corpus(tmp_path_factory.mktemp("app")) as running:
        yield running


def test_the_api_keeps_its_endpoints_and_their_shapes(served):
    api = Client(served.url, verbose=False).view_api(print_info=False, return_format="dict")

    shapes = {
        name: ([p["parameter_name"] for p in endpoint["parameters"]], len(endpoint["returns"]))
        for name, endpoint in api["named_endpoints"].items()
    }
    assert shapes == ENDPOINTS
    assert api["unnamed_endpoints"] == {}


def test_exposure_rules(tmp_path):
    def problem(**overrides):
        return exposure_problem(isolated_settings(tmp_path, **overrides))

    assert problem() is None
    assert problem(host="localhost") is None
    assert problem(host="::1") is None
    assert "Refusing to listen on 0.0.0.0" in problem(host="0.0.0.0")
    assert problem(host="0.0.0.0", auth_username="reader", auth_password="pw") is None
    assert problem(host="0.0.0.0", allow_public=True) is None
    assert "Set both" in problem(auth_username="reader")


def test_app_py_refuses_a_public_host_without_a_password(tmp_path):
    env = {
        **os.environ,
        "FOOTNOTE_HOST": "0.0.0.0",
        "FOOTNOTE_AUTH_USERNAME": "",
        "FOOTNOTE_AUTH_PASSWORD": "",
        "FOOTNOTE_ALLOW_PUBLIC": "false",
        "FOOTNOTE_CORPUS_DIR": str(tmp_path / "corpus"),
        "FOOTNOTE_INDEX_DIR": str(tmp_path / "index"),
    }

    run = subprocess.run([sys.executable, str(ROOT / "app.py")], env=env, capture_output=True, text=True, check=False)

    assert run.returncode == 2
    assert "Refusing to listen on 0.0.0.0 without a password" in run.stderr
    assert not (tmp_path / "index").exists()


def test_a_password_protects_the_page_and_the_api(served, tmp_path):
    settings = isolated_settings(
        tmp_path,
        corpus_dir=served.settings.corpus_dir,
        index_dir=served.settings.index_dir,
        auth_username="reader",
        auth_password="correct horse",
        max_file_bytes=2_000,
    )
    locked_app = FootnoteApp(settings, served.library, served.app.assistant)

    with serve(locked_app, settings) as locked, httpx.Client(base_url=locked.url) as browser:
        assert browser.get("/config").status_code == 401
        assert browser.post("/gradio_api/call/ask", json={"data": [SEED_QUESTION]}).status_code == 401
        assert browser.post("/gradio_api/upload", files={"files": ("a.md", b"text")}).status_code == 401
        with pytest.raises(ValueError, match="Could not login"):
            Client(locked.url, auth=("reader", "wrong"), verbose=False)
        client = Client(locked.url, auth=("reader", "correct horse"), verbose=False)
        chat, *_ = client.predict(SEED_QUESTION, ANSWER, *NO_FILTERS, api_name="/ask")
        assert md_text(SEED_QUOTE) in reply_of(chat)

        assert browser.post("/login", data={"username": "reader", "password": "correct horse"}).is_success
        assert browser.get("/config").status_code == 200
        assert browser.post("/gradio_api/upload", files={"files": ("a.md", b"x" * 1_000)}).status_code == 200
        too_big = browser.post("/gradio_api/upload", files={"files": ("b.md", b"x" * 3_000)})
        assert too_big.status_code == 413 and "maximum allowed size of 2000 bytes" in too_big.text
