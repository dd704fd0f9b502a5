"""Under a running app, the corpus folder keeps itself indexed: files added, edited, renamed and
deleted on disk show in answers through the app's API within seconds, with no restart, and the
Corpus tab shows what changed and what could not be indexed."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from gradio_client import Client

from tests.app_support import (
    BEAVERS,
    OTTERS,
    OTTERS_QUESTION,
    OTTERS_REVISED,
    FootnoteApp,
    copied_library,
    serve,
    write_article,
)
from ui.render import md_text

DEADLINE = 90.0  # seconds to wait for the watcher: an event awaited, not a speed requirement


def eventually(check: Callable[[], object]) -> object:
    """Poll until ``check`` returns something true; fail with its last value after DEADLINE."""
    end = time.monotonic() + DEADLINE
    while True:
        value = check()
        if value or time.monotonic() > end:
            assert value, "the running app never reflected the change on disk"
            return value
        time.sleep(0.25)


@pytest.fixture(scope="module")
def watched(tmp_path_factory):
    settings, library = copied_library(tmp_path_factory.mktemp("watched"))
    app = FootnoteApp(settings, library)
    with serve(app, settings) as served:
        app.watch()
        yield served, Client(served.url, verbose=False)
        app.watcher.stop()


def cited(client: Client, question: str) -> set[str]:
    answer = client.predict(question, [], api_name="/answer_data")
    return {c["article_id"] for c in answer.get("citations", [])}


def quoted(client: Client, question: str) -> str:
    answer = client.predict(question, [], api_name="/answer_data")
    return " ".join(c["quote"] for c in answer.get("citations", []))


def test_files_added_edited_renamed_and_deleted_on_disk_show_in_answers(watched):
    served, client = watched
    corpus = served.settings.corpus_dir

    write_article(corpus / "otters.md", OTTERS, title="Otters of Lake Vell", author="Lake Authority")
    eventually(lambda: "otters.md" in cited(client, OTTERS_QUESTION))
    assert "crayfish" in quoted(client, OTTERS_QUESTION)

    write_article(corpus / "otters.md", OTTERS_REVISED, title="Otters of Lake Vell", author="Lake Authority")
    eventually(lambda: "perch" in quoted(client, OTTERS_QUESTION))
    assert "crayfish" not in quoted(client, OTTERS_QUESTION)

    (corpus / "otters.md").rename(corpus / "vell-otters.md")
    eventually(lambda: "vell-otters.md" in cited(client, OTTERS_QUESTION))
    assert "otters.md" not in cited(client, OTTERS_QUESTION)
    assert "otters.md" not in {a.id for a in served.library.articles()}

    (corpus / "vell-otters.md").unlink()
    eventually(lambda: not cited(client, OTTERS_QUESTION) & {"otters.md", "vell-otters.md"})


def test_the_corpus_tab_shows_what_the_watcher_indexed_and_what_it_could_not(watched):
    served, _ = watched
    corpus = served.settings.corpus_dir
    tab = served.app.corpus_tab
    seen = served.app.watcher.syncs

    write_article(corpus / "beavers.md", BEAVERS, title="Beavers of the Vell valley")
    (corpus / "broken.md").write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    broken, beavers = md_text("broken.md"), md_text("beavers.md")  # as the status shows them: escaped
    view = eventually(lambda: (v := tab.watch_view(seen)) and broken in v.get("watch_status", "") and v)
    assert beavers in view["watch_status"] and "Not indexed" in view["watch_status"]
    assert any("beavers.md" in row for row in view["table"])
    assert tab.watch_view(view["seen"]) == {}  # nothing new since: the page is left as it is
