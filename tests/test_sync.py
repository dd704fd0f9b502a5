"""`sync` makes the index match corpus/ exactly and embeds only what changed (real Chroma, real model)."""

from __future__ import annotations

import shutil

from assistant.chain import Assistant
from tests.conftest import LAMI_KIM, POLICY, REPO


def passage_articles(index) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, _, meta in index.store.all_passages():
        counts[meta["article_id"]] = counts.get(meta["article_id"], 0) + 1
    return counts


def test_first_sync_indexes_every_article(library):
    assert set(passage_articles(library.index)) == {p.name for p in (REPO / "corpus").glob("*.md")}
    assert len(library.index.search_index) == library.index.store.count()


def test_second_sync_embeds_nothing(library):
    report = library.sync()
    assert report.passages_embedded == 0
    assert not report.added and not report.updated and not report.removed
    assert len(report.unchanged) == 2


def test_a_copy_of_an_indexed_article_under_another_name_is_refused_by_name(library):
    """The same text in two files (a download saved twice, a copy kept "just in case") would answer
    every question twice over, as two articles; the copy is reported and not indexed, like any
    file that cannot be, and the article keeps its passages."""
    before = passage_articles(library.index)
    text = (library.corpus_dir / LAMI_KIM).read_text(encoding="utf-8")
    (library.corpus_dir / "a-copy.md").write_text(text.replace("\n\n", "\n \n"), encoding="utf-8")  # spacing aside
    report = library.sync()
    problem = f"same text as {LAMI_KIM}, which is indexed; this copy is not"
    assert [str(e) for e in report.errors] == [f"a-copy.md: {problem}"]
    assert not report.added and not report.ok
    assert passage_articles(library.index) == before
    (library.corpus_dir / "a-copy.md").write_text(text + "\nA note the copy adds.\n", encoding="utf-8")
    assert library.sync().added == ["a-copy.md"]  # no longer the same text: an article of its own
    held = passage_articles(library.index)["a-copy.md"]
    (library.corpus_dir / "a-copy.md").write_text(text, encoding="utf-8")  # edited back into a copy
    report = library.sync()
    assert [e.source for e in report.errors] == ["a-copy.md"] and not report.removed
    assert passage_articles(library.index)["a-copy.md"] == held  # refused like a bad file: as it was


def test_of_two_new_files_with_one_text_the_first_by_name_is_indexed(library):
    text = "---\ntitle: Herons\n---\nHerons of the Vell estuary nest in March.\n"
    for name in ("b-herons.md", "a-herons.md"):
        (library.corpus_dir / name).write_text(text, encoding="utf-8")
    report = library.sync()
    assert report.added == ["a-herons.md"]
    assert [str(e) for e in report.errors] == [
        "b-herons.md: same text as a-herons.md, which is indexed; this copy is not"
    ]


def test_editing_one_article_reembeds_that_article_only(library):
    path = library.corpus_dir / LAMI_KIM
    path.write_text(path.read_text(encoding="utf-8") + "\nA new closing sentence about Seoul.\n", encoding="utf-8")
    report = library.sync()
    assert report.updated == [LAMI_KIM]
    assert report.unchanged == ["yoon-at-nato-north-korea-russia.md"]
    assert report.passages_embedded == passage_articles(library.index)[LAMI_KIM]
    texts = [text for _, text, meta in library.index.store.all_passages() if meta["article_id"] == LAMI_KIM]
    assert any("A new closing sentence about Seoul." in t for t in texts)
    assert {
        meta["content_hash"] for _, _, meta in library.index.store.all_passages() if meta["article_id"] == LAMI_KIM
    } == {library.article(LAMI_KIM).content_hash}


def test_deleting_a_file_removes_its_passages(library):
    (library.corpus_dir / LAMI_KIM).unlink()
    report = library.sync()
    assert report.removed == [LAMI_KIM]
    assert LAMI_KIM not in passage_articles(library.index)
    assert all(aid != LAMI_KIM for aid in library.index.search_index.article_ids)


def test_new_file_is_added_and_answerable(library, settings):
    shutil.copy(POLICY / "corpus" / "who-pandemic-agreement.md", library.corpus_dir / "who.md")
    report = library.sync()
    assert report.added == ["who.md"] and report.ok
    assert "who.md" in passage_articles(library.index)
    answer = Assistant(library.index, settings).ask("How many countries abstained on the Pandemic Agreement?")
    assert any("11 abstentions" in c.quote and c.article_id == "who.md" for c in answer.citations), answer.text


def test_half_indexed_article_is_repaired(library):
    """A crash between Chroma writes leaves some passages of an article (and the generation token
    the writer changed on its way in, ingest/saved.py): the next sync redoes it."""
    ids = [pid for pid, _, meta in library.index.store.all_passages() if meta["article_id"] == LAMI_KIM]
    library.index.search_index.saved.bump()
    library.index.store.collection.delete(ids=ids[: len(ids) // 2])
    report = library.sync()
    assert report.updated == [LAMI_KIM]
    assert passage_articles(library.index)[LAMI_KIM] == len(ids)


def test_a_broken_file_is_reported_and_keeps_its_old_passages(library):
    path = library.corpus_dir / LAMI_KIM
    before = passage_articles(library.index)[LAMI_KIM]
    path.write_text("---\ntitle: [unclosed\n---\nBody text here.\n", encoding="utf-8")
    report = library.sync()
    assert [e.source for e in report.errors] == [LAMI_KIM]
    assert "YAML" in report.errors[0].problem
    assert passage_articles(library.index)[LAMI_KIM] == before
