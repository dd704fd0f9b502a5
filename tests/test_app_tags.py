"""Collections by tag in the app: the Ask tab's tag filter, and the Corpus tab's tag column, tag
filter, tag editing and tags on adding. Handlers are called on the app the server runs (real
model, real Chroma, real files), and the new parameters are also driven through gradio_client.

The two shipped articles are tagged for the whole module: Lami Kim's ``korea, ukraine`` and the
Yoon article ``Korea, nato`` (so "korea" is one tag of two articles, spelt as the first one has it).
A test that changes tags puts them back.
"""

from __future__ import annotations

import pytest
from gradio_client import Client

from ingest.frontmatter import split_front_matter
from tests.app_support import (
    IMG_PAYLOAD,
    NO_FILTERS,
    OTTERS,
    OTTERS_QUESTION,
    SCRIPT_PAYLOAD,
    ask,
    reply_of,
    served_corpus,
)
from tests.conftest import LAMI_KIM
from ui.ask import EXAMPLES, AskTab
from ui.corpus import CorpusTab
from ui.render import ANSWER, QUOTES, md_text

KIM = LAMI_KIM
YOON = "yoon-at-nato-north-korea-russia.md"
# Unfiltered, this question is answered from both articles.
QUESTION = EXAMPLES[1]
TAGS = {KIM: "korea, ukraine", YOON: ["Korea", "nato"]}
CHOICES = [("korea (2)", "korea"), ("nato (1)", "nato"), ("ukraine (1)", "ukraine")]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with served_corpus(tmp_path_factory.mktemp("app")) as running:
        for article_id, tags in TAGS.items():
            running.library.set_tags(article_id, tags)
        yield running


@pytest.fixture
def chat(served) -> AskTab:
    return served.app.ask_tab


@pytest.fixture
def corpus(served) -> CorpusTab:
    return served.app.corpus_tab


@pytest.fixture
def retagged(served):
    """For a test that changes the Yoon article's tags: they are put back afterwards."""
    yield served
    served.library.set_tags(YOON, TAGS[YOON])


def cited(view) -> set[str]:
    return {c.article_id for c in view["turns"][-1].answer.citations}


def searched(view) -> set[str]:
    return {s.article_id for s in view["turns"][-1].answer.sources}


def recorder() -> tuple[list, object]:
    calls: list[tuple[float, str]] = []
    return calls, lambda fraction, desc=None: calls.append((fraction, desc))


# --- the Ask tab ----------------------------------------------------------------------------------


def test_a_tag_filter_answers_and_quotes_only_from_tagged_articles(chat):
    everything = ask(chat, QUESTION)[-1]
    nato = ask(chat, QUESTION, tags=["NATO"])[-1]  # tags match whatever their case
    either = ask(chat, QUESTION, tags=["nato", "ukraine"])[-1]
    quotes = ask(chat, "North Korea and Russia", mode=QUOTES, tags=["nato"])[-1]

    assert cited(everything) == {KIM, YOON} and everything["status"] == ""
    assert cited(nato) == searched(nato) == {YOON}
    assert nato["status"] == md_text("Searched only articles tagged “NATO”.")
    assert cited(either) == {KIM, YOON}
    assert either["status"] == md_text("Searched only articles tagged “nato” or “ukraine”.")
    assert cited(quotes) == {YOON}
    mixed = ask(chat, QUESTION, filters=([KIM], None, "", ""), tags=["nato"])[-1]  # every filter applies
    assert mixed["turns"][-1].answer.citations == [] and searched(mixed) == set()
    assert mixed["status"] == md_text("Searched only 1 chosen article(s), articles tagged “nato”.")


def test_retry_keeps_the_tag_filter(chat):
    turns = ask(chat, QUESTION)[-1]["turns"]

    retried = list(chat.retry(ANSWER, *NO_FILTERS, turns, ["nato"]))[-1]

    assert cited(retried) == {YOON} and len(retried["turns"]) == 1


def test_a_tag_no_article_carries_is_refused_naming_the_tags_there_are(chat):
    with pytest.warns(UserWarning, match="No article carries the tag “defence”"):
        [view] = ask(chat, QUESTION, tags=["nato", "defence"])

    assert view["turns"] == [] and view["question"] == QUESTION
    assert md_text("the tags in the corpus are “korea”, “nato”, “ukraine”.") in view["status"]


def test_the_pickers_count_articles_per_tag_and_follow_the_corpus(corpus, retagged):
    views = corpus.corpus_views()
    assert views["tag_filter"]["choices"] == views["table_tags"]["choices"] == CHOICES

    corpus.set_tags(YOON, "nato, Review")
    after = corpus.corpus_views("", [], ["NATO", "korea", "gone"], ["ukraine", "nato"], YOON)

    counts = [("korea (1)", "korea"), ("nato (1)", "nato"), ("Review (1)", "Review"), ("ukraine (1)", "ukraine")]
    assert after["tag_filter"]["choices"] == after["table_tags"]["choices"] == counts
    assert after["tag_filter"]["value"] == ["nato", "korea"]  # as the corpus spells them; "gone" left
    assert after["table_tags"]["value"] == ["ukraine", "nato"]
    assert after["manage"]["value"] == YOON  # still chosen, its tags still in the box

    corpus.set_tags(YOON, "")
    untagged = corpus.corpus_views("", [], ["nato", "korea"], ["nato"], YOON)

    assert untagged["tag_filter"]["choices"] == [("korea (1)", "korea"), ("ukraine (1)", "ukraine")]
    assert untagged["tag_filter"]["value"] == ["korea"]  # a tag no article carries leaves the selection
    assert untagged["table_tags"]["value"] == [] and len(untagged["table"]) == 2  # so the table shows all


# --- the Corpus tab -------------------------------------------------------------------------------


def test_the_table_shows_and_filters_by_tags(corpus):
    every = corpus.filter_table("")

    assert {row[5]: row[6] for row in every} == {KIM: "korea, ukraine", YOON: "Korea, nato"}
    assert [row[5] for row in corpus.filter_table("", ["NATO"])] == [YOON]
    assert [row[5] for row in corpus.filter_table("", ["nato", "ukraine"])] == [KIM, YOON]
    assert [row[5] for row in corpus.filter_table("kim", ["korea"])] == [KIM]  # words and tags together
    assert [row[5] for row in corpus.filter_table("nato", ["ukraine"])] == []
    assert corpus.filter_table("", ["no such tag"]) == []


def test_editing_tags_rewrites_the_front_matter_and_the_table(corpus, retagged, chat):
    path = retagged.settings.corpus_dir / YOON
    before = path.read_text(encoding="utf-8")
    body = before[split_front_matter(before, YOON)[1] :]
    assert corpus.article_tags(YOON)["value"] == "Korea, nato"
    calls, progress = recorder()

    saved = corpus.set_tags(YOON, " Defence,nato ,  defence, ", progress=progress)

    assert saved == {"tags": "Defence, nato", "status": md_text(f"Tags of {YOON}: Defence, nato.")}
    after = path.read_text(encoding="utf-8")
    meta, start = split_front_matter(after, YOON)
    assert meta.tags == ["Defence", "nato"] and after[start:] == body  # the text keeps every byte
    assert meta.title == split_front_matter(before, YOON)[0].title
    assert calls and calls[-1][0] == 1.0
    assert corpus.article_tags("yoon-at-nato-north-korea-russia")["value"] == "Defence, nato"
    table = corpus.corpus_views("", None, None, ["defence"])["table"]
    assert [(row[5], row[6]) for row in table] == [(YOON, "Defence, nato")]
    assert cited(ask(chat, QUESTION, tags=["defence"])[-1]) == {YOON}

    cleared = corpus.set_tags(YOON, "  ")

    assert cleared == {"tags": "", "status": md_text(f"{YOON} has no tags now.")}
    assert "tags" not in path.read_text(encoding="utf-8").split("\n---\n")[0]
    with pytest.warns(UserWarning, match="No article carries the tag “Defence”"):
        ask(chat, QUESTION, tags=["Defence"])


@pytest.mark.parametrize(
    ("tags", "problem"),
    [("nato, a|b", "which tags cannot hold"), ("nato, " + "x" * 101, "over 100 characters"), ("", "")],
)
def test_a_bad_tag_is_refused_and_nothing_changes(corpus, served, tags, problem):
    path = served.settings.corpus_dir / YOON
    before, counts = path.read_bytes(), served.library.tags()
    ref = YOON if problem else ""
    problem = problem or "choose an article first"

    with pytest.warns(UserWarning, match=problem):
        refused = corpus.set_tags(ref, tags)

    assert "tags" not in refused  # the box keeps what was typed, to be corrected
    assert md_text(problem) in refused["status"]
    assert path.read_bytes() == before and served.library.tags() == counts


def test_a_plain_text_article_cannot_hold_tags(corpus, served):
    path = served.settings.corpus_dir / "notes.txt"
    path.write_text("The otters of Lake Vell eat mostly crayfish.\n", encoding="utf-8")
    assert served.library.sync().ok
    try:
        assert "cannot hold tags" in corpus.article_tags("notes.txt")["placeholder"]
        with pytest.warns(UserWarning, match="plain-text article has no front matter"):
            refused = corpus.set_tags("notes.txt", "wildlife")
        assert "tags" not in refused and md_text("notes.txt: a plain-text article") in refused["status"]
        assert path.read_text(encoding="utf-8") == "The otters of Lake Vell eat mostly crayfish.\n"
    finally:
        served.library.remove("notes.txt")


def test_tags_given_when_adding_an_article(corpus, served, chat, tmp_path):
    path = tmp_path / "otters.md"
    path.write_text(f"---\ntitle: Otters of Lake Vell\ntags: [wildlife]\n---\n\n{OTTERS}", encoding="utf-8")
    form = corpus.propose_file(str(path))
    assert md_text("It is tagged wildlife; tags typed below are added to these.") in form["status"]

    with pytest.warns(UserWarning, match="bad tag"):
        refused = corpus.add(form["draft"], "", "", "", "", "", "lakes|rivers")
    assert refused["draft"] is form["draft"] and not (served.settings.corpus_dir / "otters.md").exists()

    added = corpus.add(form["draft"], "", "", "", "", "", "Lakes, wildlife")
    try:
        assert md_text("Added “Otters of Lake Vell” as otters.md.") in added["status"]
        assert served.library.article("otters.md").meta.tags == ["wildlife", "Lakes"]
        assert [(row[5], row[6]) for row in corpus.filter_table("", ["lakes"])] == [("otters.md", "wildlife, Lakes")]
        assert cited(ask(chat, OTTERS_QUESTION, tags=["lakes"])[-1]) == {"otters.md"}
        assert ("Lakes (1)", "Lakes") in corpus.corpus_views()["tag_filter"]["choices"]
    finally:
        served.library.remove("otters.md")


def test_tags_are_shown_as_text_never_run(corpus, retagged, chat):
    saved = corpus.set_tags(YOON, f"nato, {IMG_PAYLOAD}")

    assert IMG_PAYLOAD not in saved["status"] and md_text(IMG_PAYLOAD) in saved["status"]
    assert saved["tags"] == f"nato, {IMG_PAYLOAD}"  # a textbox value: shown as typed
    view = ask(chat, QUESTION, tags=[IMG_PAYLOAD])[-1]
    assert cited(view) == {YOON}
    assert view["status"] == md_text(f"Searched only articles tagged “{IMG_PAYLOAD}”.") and "<img" not in view["status"]
    with pytest.warns(UserWarning):
        [refused] = ask(chat, QUESTION, tags=[SCRIPT_PAYLOAD])
    assert "<script" not in refused["status"] and md_text(SCRIPT_PAYLOAD) in refused["status"]
    assert (f"{IMG_PAYLOAD} (1)", IMG_PAYLOAD) in corpus.corpus_views()["tag_filter"]["choices"]


# --- through the API ------------------------------------------------------------------------------


def test_api_sets_tags_and_asks_with_a_tag_filter(served, retagged):
    client = Client(served.url, verbose=False)

    tags, status = client.predict("yoon-at-nato-north-korea-russia", "nato, Review", api_name="/set_tags")
    chat, _, panel, _, note = client.predict(QUESTION, ANSWER, *NO_FILTERS, ["review"], api_name="/ask")
    unfiltered, *_ = client.predict(QUESTION, ANSWER, *NO_FILTERS, api_name="/ask")  # as called before tags

    assert tags == "nato, Review" and status == md_text(f"Tags of {YOON}: nato, Review.")
    assert f"<dd>{YOON}</dd>" in panel and f"<dd>{KIM}</dd>" not in panel
    assert note == md_text("Searched only articles tagged “review”.")
    assert reply_of(chat) != reply_of(unfiltered)
    _, refused = client.predict(YOON, "a|b", api_name="/set_tags")
    assert "contains" in refused and served.library.article(YOON).meta.tags == ["nato", "Review"]


def test_api_adds_an_article_with_tags(served):
    client = Client(served.url, verbose=False)
    client.predict(OTTERS, api_name="/propose_text")

    added = client.predict("Otters of Lake Vell", "", "", "", "", "wildlife, lakes", api_name="/add")
    try:
        assert md_text("Added “Otters of Lake Vell” as otters-of-lake-vell.md.") in added[-1]
        assert served.library.article("otters-of-lake-vell.md").meta.tags == ["wildlife", "lakes"]
        assert served.library.tags()["wildlife"] == 1
    finally:
        served.library.remove("otters-of-lake-vell.md")
