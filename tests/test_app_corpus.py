"""The Corpus tab: its handlers called directly, and the corpus endpoints driven through gradio_client.

Toasts (gr.Warning) become UserWarnings outside a request, which is how the tests see that a
refusal was shown to the user.
"""

from __future__ import annotations

import time

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from gradio_client.utils import Status

from tests.app_support import (
    BEAVERS,
    NO_FILTERS,
    OTTERS,
    OTTERS_QUESTION,
    OTTERS_REVISED,
    SEED_QUESTION,
    SEED_QUOTE,
    ask,
    reply_of,
    write_article,
)
from ui.corpus import CorpusTab, draft_from_text
from ui.render import ANSWER, md_text


@pytest.fixture
def corpus(served) -> CorpusTab:
    return served.app.corpus_tab


def recorder() -> tuple[list, object]:
    calls: list[tuple[float, str]] = []
    return calls, lambda fraction, desc=None: calls.append((fraction, desc))


def answer_to(served, question: str):
    return ask(served.app.ask_tab, question)[-1]["turns"][-1].answer


def test_the_article_table_is_searched_by_title_author_and_id(corpus):
    every = corpus.filter_table("")

    assert [row[0] for row in corpus.filter_table("nato anniversary")] == [
        "Yoon at NATO’s 75th Anniversary: Curbing the North Korea-Russia Partnership"
    ]
    assert [row[1] for row in corpus.filter_table("lami")] == ["Lami Kim"]
    assert [row[5] for row in corpus.filter_table("response.md")] == ["north-korea-in-ukraine-south-korea-response.md"]
    assert corpus.filter_table("no such words") == []
    assert len(every) == 2 and all(row[3] > 0 for row in every)


def test_add_a_file_ask_about_it_reindex_and_remove_it(corpus, served, tmp_path):
    path = write_article(tmp_path / "otters.md", OTTERS, title="Otters of Lake Vell", author="Ann Example")
    form = corpus.propose_file(str(path))
    assert (form["title"]["value"], form["author"], form["published"]) == ("Otters of Lake Vell", "Ann Example", "")
    assert "crayfish" in form["preview"]
    calls, progress = recorder()

    title, author = form["title"]["value"], form["author"]
    added = corpus.add(form["draft"], title, author, "2023-04-01", "Lake Gazette", "", progress=progress)

    assert added["draft"] is None and "Added “Otters of Lake Vell” as otters" in added["status"]
    assert calls and calls[-1][0] == 1.0 and "Embedding passages" in calls[-1][1]
    info = next(a for a in served.library.articles() if a.id == "otters.md")
    assert (info.author, info.published, info.publisher) == ("Ann Example", "2023-04-01", "Lake Gazette")
    assert [row[0] for row in corpus.corpus_views("otters")["table"]] == ["Otters of Lake Vell"]
    assert [c.article_id for c in answer_to(served, OTTERS_QUESTION).citations] == ["otters.md"]

    calls, progress = recorder()
    assert corpus.reindex("otters", progress=progress) == md_text("Re-indexed otters.md: 1 passages.")
    assert calls

    asked = corpus.request_removal("otters.md")
    assert asked["pending"] == "otters.md" and asked["confirm_box"]["visible"] is True
    assert md_text("Remove “Otters of Lake Vell” (otters.md)") in asked["prompt"]
    assert corpus.cancel_removal()["pending"] is None and (served.settings.corpus_dir / "otters.md").exists()
    removed = corpus.confirm_removal(asked["pending"])
    assert removed["status"] == md_text("Removed otters.md.") and removed["confirm_box"]["visible"] is False
    assert "otters.md" not in {a.id for a in served.library.articles()}
    assert not (served.settings.corpus_dir / "otters.md").exists()
    assert "otters.md" not in {s.article_id for s in answer_to(served, OTTERS_QUESTION).sources}


def test_the_same_text_under_another_name_is_refused(corpus, served, tmp_path):
    original = write_article(tmp_path / "original.md", OTTERS, title="Otters")
    copy = write_article(tmp_path / "copy.md", OTTERS, title="Otters again")
    corpus.add(corpus.propose_file(str(original))["draft"], "", "", "", "", "")
    try:
        draft = corpus.propose_file(str(copy))["draft"]
        with pytest.warns(UserWarning, match="same text as the article already in the corpus"):
            refused = corpus.add(draft, "Otters again", "", "", "", "")
        assert refused["draft"] is draft
        assert "copy.md" not in {a.id for a in served.library.articles()}
    finally:
        served.library.remove("original.md")


def test_adding_under_a_name_already_in_the_corpus_asks_before_replacing(corpus, served, tmp_path):
    path = write_article(tmp_path / "otters.md", OTTERS, title="Otters of Lake Vell")
    corpus.add(corpus.propose_file(str(path))["draft"], "", "", "", "", "")
    otters_file = served.settings.corpus_dir / "otters.md"
    try:
        write_article(path, OTTERS_REVISED, title="Otters of Lake Vell, revised")
        form = corpus.propose_file(str(path))
        assert md_text("already has an article named otters.md (“Otters of Lake Vell”)") in form["status"]

        with pytest.warns(UserWarning, match="otters.md is already in the corpus: confirm to replace it"):
            asked = corpus.add(form["draft"], "", "", "", "", "")
        assert asked["draft"] is form["draft"] and asked["replacing"] == "otters.md"
        assert asked["replace_box"]["visible"] is True
        assert md_text("An article named otters.md is already in the corpus: “Otters of Lake Vell”.") in asked["status"]
        assert "eat mostly crayfish" in otters_file.read_text(encoding="utf-8")  # nothing written yet

        assert corpus.cancel_replace(asked["replacing"]) == {
            "replacing": None,
            "replace_box": {"__type__": "update", "visible": False},
            "status": md_text("Nothing was added: otters.md is unchanged."),
        }
        done = corpus.replace(form["draft"], "", "", "", "", "", asked["replacing"])

        assert done["draft"] is None and done["replace_box"]["visible"] is False
        assert md_text("Replaced otters.md (“Otters of Lake Vell”) with the new text") in done["status"]
        assert "eat mostly perch" in otters_file.read_text(encoding="utf-8")
        assert [a.title for a in served.library.articles() if a.id == "otters.md"] == ["Otters of Lake Vell, revised"]
        answer = answer_to(served, OTTERS_QUESTION)
        assert [c.article_id for c in answer.citations] == ["otters.md"] and "perch" in answer.citations[0].quote
    finally:
        served.library.remove("otters.md")


def test_a_confirmation_covers_only_the_article_it_named(corpus, served):
    """Pasted text is named after its title: a new title after confirming may hit another article."""
    corpus.add(draft_from_text(OTTERS), "Otters", "", "", "", "")
    corpus.add(draft_from_text(BEAVERS), "Beavers", "", "", "", "")
    try:
        draft = draft_from_text(OTTERS_REVISED)
        with pytest.warns(UserWarning, match="otters.md is already in the corpus"):
            replacing = corpus.add(draft, "Otters", "", "", "", "")["replacing"]

        with pytest.warns(UserWarning, match="beavers.md is already in the corpus"):
            asked_again = corpus.replace(draft, "Beavers", "", "", "", "", replacing)

        assert asked_again["replacing"] == "beavers.md"
        assert "forty new dams" in served.library.article("beavers.md").body
        replaced = corpus.replace(draft, "Beavers", "", "", "", "", "beavers.md")
        assert md_text("Replaced beavers.md") in replaced["status"]
    finally:
        served.library.remove("otters.md")
        served.library.remove("beavers.md")


def test_pasted_text_becomes_an_article_with_a_derived_title(corpus, served):
    body = "Beavers in the Vell valley built forty new dams in 2023, the valley trust counted."
    form = corpus.propose_text(body)
    assert form["title"]["value"] == ""
    assert form["title"]["placeholder"].startswith("If left empty: Beavers in the Vell valley")

    status = corpus.add(form["draft"], "", "", "", "", "")["status"]

    article_id = "beavers-in-the-vell-valley-built-forty-new-dams-in-2023-the.md"  # named after the title
    assert md_text(article_id) in status
    article = served.library.article(article_id)
    assert (
        article.meta.title_derived
        and article.meta.title == "Beavers in the Vell valley built forty new dams in 2023, the…"
    )
    served.library.remove(article_id)
    titled = corpus.add(corpus.propose_text(body)["draft"], "Vell valley beavers", "", "", "", "")["status"]
    assert md_text("vell-valley-beavers.md") in titled
    served.library.remove("vell-valley-beavers.md")
    with pytest.warns(UserWarning, match="no text to add"):
        assert corpus.propose_text(" \n ")["draft"] is None


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("table.csv", b"a,b\n1,2\n", "unsupported file type .csv"),
        ("empty.md", b"", "file is empty"),
        ("noise.txt", bytes(range(256)) * 8, "binary"),
        ("broken.pdf", b"%PDF-1.4 this is not really a PDF", "not a readable PDF"),
        ("unclosed.md", b"---\ntitle: x\n\nbody text", "front matter starts with '---' but is never closed"),
    ],
)
def test_unreadable_files_are_refused_in_plain_words(corpus, tmp_path, name, data, problem):
    path = tmp_path / name
    path.write_bytes(data)

    with pytest.warns(UserWarning, match=problem.split(" ")[0]):
        form = corpus.propose_file(str(path))

    assert form["draft"] is None
    assert md_text(problem) in form["status"]


def test_a_file_over_the_size_limit_is_refused(corpus, served, tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"word " * (served.settings.max_file_bytes // 5 + 1))

    with pytest.warns(UserWarning, match="over the limit"):
        form = corpus.propose_file(str(path))

    assert form["draft"] is None and md_text("over the limit") in form["status"]


def test_add_refuses_a_missing_draft_and_a_date_that_is_not_one(corpus):
    with pytest.warns(UserWarning, match="Choose a file"):
        assert corpus.add(None, "", "", "", "", "")["draft"] is None
    draft = draft_from_text("Herring prices rose in the spring.")

    with pytest.warns(UserWarning, match="is not a date"):
        refused = corpus.add(draft, "Herring", "", "next Tuesday", "", "")

    assert refused["draft"] is draft and "title" not in refused  # what was typed stays to be corrected


def test_removing_or_reindexing_an_unknown_article_says_so(corpus):
    with pytest.warns(UserWarning, match="no such article"):
        asked = corpus.request_removal("no-such-article.md")
    assert asked["pending"] is None and asked["confirm_box"]["visible"] is False
    assert asked["status"] == md_text("no-such-article.md: no such article in the corpus")
    with pytest.warns(UserWarning, match="choose an article first"):
        corpus.reindex("")


# --- through the API ------------------------------------------------------------------------------------


def test_api_adds_an_article_answers_from_it_and_removes_it(client, served, tmp_path):
    path = write_article(tmp_path / "otters.md", OTTERS, title="Otters of Lake Vell", author="Ann Example")

    title, author, *_ = client.predict(handle_file(str(path)), api_name="/propose_file")
    added = client.predict(title["value"], author, "2023-04-01", "", "", api_name="/add")
    chat, *_ = client.predict(OTTERS_QUESTION, ANSWER, *NO_FILTERS, api_name="/ask")
    prompt, _ = client.predict("otters", api_name="/request_removal")
    removed = client.predict(api_name="/remove")

    assert "Added" in added[-1]
    assert md_text("crayfish") in reply_of(chat)
    assert "Otters of Lake Vell" in prompt
    assert removed == md_text("Removed otters.md.")
    assert "otters.md" not in {a.id for a in served.library.articles()}


def test_api_callers_confirm_a_replacement_too(client, served, tmp_path):
    path = write_article(tmp_path / "otters.md", OTTERS, title="Otters of Lake Vell")
    client.predict(handle_file(str(path)), api_name="/propose_file")
    client.predict("", "", "", "", "", api_name="/add")
    try:
        write_article(path, OTTERS_REVISED, title="Otters of Lake Vell, revised")
        client.predict(handle_file(str(path)), api_name="/propose_file")

        asked = client.predict("", "", "", "", "", api_name="/add")[-1]
        replaced = client.predict("", "", "", "", "", api_name="/replace")[-1]

        assert md_text("An article named otters.md is already in the corpus") in asked and "Replace it?" in asked
        assert md_text("Replaced otters.md") in replaced
        assert "perch" in served.library.article("otters.md").body
    finally:
        served.library.remove("otters.md")


def test_api_refuses_an_unsupported_upload(client, tmp_path):
    path = tmp_path / "tool.exe"
    path.write_bytes(b"MZ" + bytes(100))

    with pytest.raises(AppError, match="Invalid file type"):
        client.predict(handle_file(str(path)), api_name="/propose_file")


def test_a_question_is_answered_while_an_article_is_being_indexed(served, tmp_path):
    """Indexing is paused by holding the index's write lock, exactly where embedding would run."""
    path = write_article(tmp_path / "beavers.md", "Beavers built forty dams on the Vell in 2023.\n", title="Beavers")
    indexing, asking = Client(served.url, verbose=False), Client(served.url, verbose=False)
    indexing.predict(handle_file(str(path)), api_name="/propose_file")

    with served.library.index.write_lock:
        job = indexing.submit("", "", "", "", "", api_name="/add")
        wait_until(lambda: (served.settings.corpus_dir / "beavers.md").exists(), "the add to start indexing")
        chat, *_ = asking.predict(SEED_QUESTION, ANSWER, *NO_FILTERS, api_name="/ask")
        assert md_text(SEED_QUOTE) in reply_of(chat)
        assert not job.done() and job.status().code in (Status.PROCESSING, Status.PROGRESS)

    assert "Added" in job.result()[-1]
    served.library.remove("beavers.md")


def wait_until(condition, what: str, patience: float = 60.0) -> None:
    deadline = time.monotonic() + patience
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)
