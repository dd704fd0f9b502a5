"""Collections by tag: tags in front matter, in the index, in the search and on the command lines
(real model, real Chroma, real files; the command lines run as a user runs them)."""

from __future__ import annotations

import json
import shutil

import pytest

from assistant.chain import Assistant
from assistant.retriever import Filters, HybridRetriever
from footnote.types import ArticleMeta, RefusalReason
from ingest.errors import IngestError
from ingest.frontmatter import render_article, with_tags
from ingest.load import parse_article
from tests.conftest import LAMI_KIM, REPO, SEEDS

YOON = "yoon-at-nato-north-korea-russia.md"
NATO_QUESTION = "What should Yoon do at the NATO summit?"
HAWKS = "The Hawk Question\nSeoul keeps 300 Hawk batteries in reserve for a rainy day.\n"


def tag_front_matter(text: str, line: str) -> str:
    """The corpus file with one more front matter line (its front matter closes with '---' and a blank line)."""
    return text.replace("\n---\n\n", f"\n{line}\n---\n\n", 1)


def sources_of(answer) -> set[str]:
    return {s.article_id for s in answer.sources}


# --- front matter ---------------------------------------------------------------------------------
def test_untagged_files_are_byte_identical_after_a_round_trip():
    for path in sorted((REPO / "corpus").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        article = parse_article(path.name, text)
        assert article.meta.tags == []
        assert render_article(article.meta, article.body.lstrip("\n")) == text
        assert with_tags(text, path.name, []) == text
        tagged = with_tags(text, path.name, ["korea"])
        assert tagged != text and with_tags(tagged, path.name, []) == text


def test_tags_round_trip_through_front_matter():
    meta = ArticleMeta(title="On Deterrence", author="A. Writer", tags=["Defence", "South Korea"])
    text = render_article(meta, "Body sentence.")
    assert text == (
        "---\ntitle: On Deterrence\nauthor: A. Writer\npublished: ''\npublisher: ''\nurl: ''\n"
        "tags:\n- Defence\n- South Korea\n---\n\nBody sentence."
    )
    assert parse_article("a.md", text).meta == meta
    assert "tags" not in render_article(meta.model_copy(update={"tags": []}), "Body sentence.")


def test_with_tags_keeps_the_body_and_every_other_field():
    text = "---\ntitle: T\npublished: 2024-11-07\nseed: x.txt\n---\nBody, no blank line before it.\n"
    tagged = with_tags(text, "a.md", ["nato", " Nato ", "Ukraine"])
    fields = "title: T\npublished: 2024-11-07\nseed: x.txt\n"
    assert tagged == f"---\n{fields}tags:\n- nato\n- Ukraine\n---\nBody, no blank line before it.\n"
    assert with_tags(tagged, "a.md", []) == text
    bare = "Just a body.\n"
    assert with_tags(bare, "b.md", ["x"]) == "---\ntags:\n- x\n---\n\nJust a body.\n"
    assert with_tags(with_tags(bare, "b.md", ["x"]), "b.md", []) == bare


@pytest.mark.parametrize(
    ("line", "tags"),
    [
        ("tags: ' Defence ,  South   Korea, defence,,'", ["Defence", "South Korea"]),
        ("tags:\n- '  NATO '\n- nato\n- Ukraine", ["NATO", "Ukraine"]),
        ("tags: []", []),
        ("tags:", []),
    ],
)
def test_tags_are_tidied_and_keep_the_case_written(line, tags):
    assert parse_article("a.md", f"---\ntitle: T\n{line}\n---\n\nBody.\n").meta.tags == tags


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("tags: [2024]", "got int 2024"),
        ("tags: [defence, null]", "got NoneType"),
        ("tags: true", "got bool"),
        ("tags: {a: 1}", "got dict"),
        ("tags: ['a|b']", "'|'"),
        ("tags: ['a, b']", "comma"),
    ],
)
def test_bad_tags_are_refused_naming_the_file(line, problem):
    with pytest.raises(IngestError) as info:
        parse_article("bad.md", f"---\ntitle: T\n{line}\n---\n\nBody.\n")
    assert info.value.source == "bad.md"
    assert "tags" in info.value.problem and problem in info.value.problem
    assert str(info.value).startswith("bad.md: ")


# --- the index and the search ----------------------------------------------------------------------
def test_set_tags_rewrites_only_the_front_matter_and_reindexes(library):
    path = library.corpus_dir / LAMI_KIM
    before = path.read_bytes()
    body = library.article(LAMI_KIM).body

    article = library.set_tags(LAMI_KIM, ["Korea", "defence", "KOREA"])
    after = path.read_text(encoding="utf-8")
    assert article.content == after and article.body == body
    assert "\ntags:\n- Korea\n- defence\n---\n" in after

    assert {a.id: a.tags for a in library.articles()} == {LAMI_KIM: ("Korea", "defence"), YOON: ()}
    stored = {meta["tags"] for _, _, meta in library.index.store.all_passages() if meta["article_id"] == LAMI_KIM}
    assert stored == {"|Korea|defence|"}
    assert library.index.search_index.snapshot().article_meta[LAMI_KIM]["tags"] == ("Korea", "defence")
    report = library.sync()
    assert sorted(report.unchanged) == [LAMI_KIM, YOON] and report.passages_embedded == 0

    library.set_tags(LAMI_KIM, [])
    assert path.read_bytes() == before
    assert library.tags() == {}


def test_tags_are_counted_case_insensitively(library):
    library.set_tags(LAMI_KIM, ["korea", "Defence"])
    library.set_tags(YOON, ["Korea", "NATO"])
    counts = library.tags()
    assert counts == {"Defence": 1, "korea": 2, "NATO": 1}
    assert list(counts) == ["Defence", "korea", "NATO"]


def test_the_tag_filter_works_in_the_search_and_follows_tag_edits(library, settings):
    assistant = Assistant(library.index, settings)
    assert YOON in sources_of(assistant.ask(NATO_QUESTION))

    library.set_tags(LAMI_KIM, ["korea"])
    scoped = assistant.ask(NATO_QUESTION, filters=Filters(tags=("KOREA",)))
    assert scoped.sources and sources_of(scoped) == {LAMI_KIM}
    assert all(c.article_id == LAMI_KIM for c in scoped.citations)
    quotes = assistant.quotes("North Korea and Russia", filters=Filters(tags=("korea",)), count=3)
    assert quotes.citations and {c.article_id for c in quotes.citations} == {LAMI_KIM}

    library.set_tags(LAMI_KIM, [])
    library.set_tags(YOON, ["Korea"])
    moved = assistant.ask(NATO_QUESTION, filters=Filters(tags=("korea",)))
    assert moved.sources and sources_of(moved) == {YOON}

    library.set_tags(LAMI_KIM, ["defence"])
    articles = library.index.search_index.snapshot().article_meta
    either = Filters(tags=("defence", "korea"))
    assert {aid for aid, meta in articles.items() if either.admits(aid, meta)} == {LAMI_KIM, YOON}
    with_author = assistant.ask(NATO_QUESTION, filters=Filters(author="Lami Kim", tags=("korea",)))
    assert with_author.abstained and not with_author.sources

    assert Filters(tags=("no-such-tag", "Defence")).unknown_tags(articles) == ["no-such-tag"]
    nothing = assistant.ask(NATO_QUESTION, filters=Filters(tags=("no-such-tag",)))
    assert nothing.abstained and nothing.refusal_reason == RefusalReason.NOTHING_FOUND and not nothing.sources


def test_editing_tags_by_hand_reindexes_at_the_next_sync(library):
    path = library.corpus_dir / LAMI_KIM
    path.write_text(tag_front_matter(path.read_text(encoding="utf-8"), "tags: nato, Korea"), encoding="utf-8")
    report = library.sync()
    assert report.updated == [LAMI_KIM] and report.unchanged == [YOON]
    assert {a.id: a.tags for a in library.articles()}[LAMI_KIM] == ("nato", "Korea")
    retrieval = HybridRetriever(index=library.index).retrieve(NATO_QUESTION, Filters(tags=("NATO",)))
    assert retrieval.sources and {s.article_id for s in retrieval.sources} == {LAMI_KIM}


def test_a_file_with_bad_tags_fails_sync_by_name_and_keeps_its_passages(library):
    path = library.corpus_dir / LAMI_KIM
    path.write_text(tag_front_matter(path.read_text(encoding="utf-8"), "tags: [2024]"), encoding="utf-8")
    before = len([1 for _, _, m in library.index.store.all_passages() if m["article_id"] == LAMI_KIM])
    report = library.sync()
    assert [e.source for e in report.errors] == [LAMI_KIM]
    assert "tags" in report.errors[0].problem
    assert len([1 for _, _, m in library.index.store.all_passages() if m["article_id"] == LAMI_KIM]) == before


def test_add_with_tags_joins_the_files_own(library):
    draft = library.draft_from_file(
        "hawks.md", b"---\ntitle: The Hawk Question\ntags: [air defence]\n---\n\n" + HAWKS.split("\n", 1)[1].encode()
    )
    article = library.add(draft, tags=["Korea", "Air  Defence"])
    assert article.meta.tags == ["air defence", "Korea"]
    assert "\ntags:\n- air defence\n- Korea\n---\n" in (library.corpus_dir / "hawks.md").read_text(encoding="utf-8")
    assert library.tags() == {"air defence": 1, "Korea": 1}
    assistant = Assistant(library.index, library.settings)
    answer = assistant.ask("How many Hawk batteries does Seoul keep?", filters=Filters(tags=("korea",)))
    assert sources_of(answer) == {"hawks.md"}


def test_a_failed_tag_edit_changes_nothing(library):
    path = library.corpus_dir / LAMI_KIM
    before = path.read_bytes()
    with pytest.raises(IngestError) as info:
        library.set_tags(LAMI_KIM, ["a|b"])
    assert info.value.source == LAMI_KIM and "'|'" in info.value.problem
    assert path.read_bytes() == before

    def interrupted(fraction: float, message: str) -> None:
        raise KeyboardInterrupt  # the user stops it while the article is being embedded

    with pytest.raises(KeyboardInterrupt):
        library.set_tags(LAMI_KIM, ["korea"], progress=interrupted)
    assert path.read_bytes() == before
    assert library.tags() == {}
    assert library.sync().passages_embedded == 0

    shutil.copy(SEEDS / "004_6fcc1978263b4a78.txt", library.corpus_dir / "nato.txt")
    library.sync()
    with pytest.raises(IngestError) as info:
        library.set_tags("nato.txt", ["nato"])
    assert "no front matter" in info.value.problem


# --- the command lines -----------------------------------------------------------------------------
def test_tag_command_lines(run, tmp_path):
    assert run("ingest", "sync").returncode == 0
    hawks = tmp_path / "hawks.txt"
    hawks.write_text(HAWKS, encoding="utf-8")
    added = run("ingest", "add", str(hawks), "--tag", "Korea", "--tag", "air defence")
    assert added.returncode == 0, added.stderr
    assert "added hawks.md: The Hawk Question [tags: Korea, air defence]" in added.stdout
    assert "\ntags:\n- Korea\n- air defence\n---\n" in (run.corpus / "hawks.md").read_text(encoding="utf-8")

    tagged = run("ingest", "tag", "north-korea-in-ukraine-south-korea-response", "--add", "korea", "--add", "Ukraine")
    assert tagged.returncode == 0, tagged.stderr
    assert tagged.stdout == f"{LAMI_KIM}: korea, Ukraine\n"
    untagged = run("ingest", "tag", LAMI_KIM, "--remove", "UKRAINE")
    assert untagged.stdout == f"{LAMI_KIM}: korea\n"
    missing = run("ingest", "tag", "no-such-article", "--add", "x")
    assert missing.returncode == 1 and "no-such-article: no such article" in missing.stderr

    assert run("ingest", "tags").stdout == "air defence\t1 article\nKorea\t2 articles\n"
    listed = run("ingest", "list", "--tag", "KOREA").stdout.splitlines()
    assert [line.split("\t")[0] for line in listed] == ["hawks.md", LAMI_KIM]
    assert listed[0].endswith("\ttags: Korea, air defence")
    assert YOON in run("ingest", "list").stdout
    nowhere = run("ingest", "list", "--tag", "nope")
    assert nowhere.returncode == 2 and nowhere.stdout == ""
    assert "error: no articles with tag 'nope'; tags in the corpus: air defence, Korea" in nowhere.stderr
    some = run("ingest", "list", "--tag", "nope", "--tag", "Air Defence")
    assert some.returncode == 0 and "warning: no articles with tag 'nope'" in some.stderr
    assert [line.split("\t")[0] for line in some.stdout.splitlines()] == ["hawks.md"]

    asked = run("assistant", "ask", NATO_QUESTION, "--tag", "korea", "--json")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["sources"] and {s["article_id"] for s in answer["sources"]} <= {"hawks.md", LAMI_KIM}
    quoted = run("assistant", "quote", "Hawk batteries", "--tag", "air defence", "--count", "2", "--json")
    assert {c["article_id"] for c in json.loads(quoted.stdout)["citations"]} == {"hawks.md"}

    unknown = run("assistant", "ask", NATO_QUESTION, "--tag", "nope")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert "error: no articles with tag 'nope'; tags in the corpus: air defence, Korea" in unknown.stderr
    partly = run("assistant", "quote", "Hawk batteries", "--tag", "nope", "--tag", "Air Defence", "--json")
    assert partly.returncode == 0 and "warning: no articles with tag 'nope'" in partly.stderr
