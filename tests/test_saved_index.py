"""A new process answers from the search view saved beside the store (ingest/saved.py), without
opening Chroma, and never from a view that is out of date: every write changes the generation
token, a crashed writer leaves no file vouching for the store, and a damaged file is ignored."""

from __future__ import annotations

import pytest

from assistant.chain import Assistant
from ingest.index import Index
from ingest.library import Library
from ingest.store import PassageStore
from tests.conftest import LAMI_KIM

PAY = "How much is Russia expected to pay North Korea per soldier?"
HARBOUR = b"---\ntitle: The harbour\n---\n\nThe zyxquartz harbour opened in 1921. Ships came daily.\n"


def quotes(answer) -> list[tuple[str, int, int]]:
    return [(c.article_id, c.start, c.end) for c in answer.citations]


def test_a_new_process_answers_from_the_saved_view_without_opening_chroma(library, settings, embedder):
    fresh = Index(settings, embedder=embedder)
    got = Assistant(fresh, settings).ask(PAY)
    assert fresh._store is None, "answering opened Chroma"
    assert quotes(got) == quotes(Assistant(library.index, settings).ask(PAY))
    assert any("$2,000 per soldier per month" in c.quote for c in got.citations)


def test_syncing_an_unchanged_corpus_never_opens_chroma(library, settings, embedder):
    fresh = Library(settings, Index(settings, embedder=embedder))
    report = fresh.sync()
    assert report.ok and len(report.unchanged) == 2 and report.passages_embedded == 0
    assert fresh.articles() == library.articles()
    assert fresh.index._store is None


def test_what_another_process_writes_is_seen_by_the_next(library, settings, embedder):
    before = Index(settings, embedder=embedder)  # loaded from the saved file
    writer = Library(settings, Index(settings, embedder=embedder))
    writer.add(writer.draft_from_file("harbour.md", HARBOUR))
    assert not before.search_index.current(), "a write elsewhere must end what the old view vouches for"
    assert "harbour.md" in before.indexed_articles()  # so it asks Chroma

    after = Index(settings, embedder=embedder)
    assert after._store is None
    assert "harbour.md" in after.search_index.snapshot().article_meta
    assert sorted(after.search_index.ids) == sorted(writer.index.search_index.ids)


def test_a_writer_that_crashed_leaves_no_file_vouching_for_the_store(library, settings, embedder, monkeypatch):
    def crash_after_deleting(self, article, passages, vectors):
        self.delete_article(article.id)
        raise KeyboardInterrupt("killed mid-write")

    monkeypatch.setattr(PassageStore, "put_article", crash_after_deleting)
    path = library.corpus_dir / LAMI_KIM
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        library.sync()
    monkeypatch.undo()

    reader = Index(settings, embedder=embedder)
    assert reader._store is not None, "the saved file still vouched for a half-written store"
    assert LAMI_KIM not in reader.search_index.snapshot().article_meta  # what Chroma holds now
    assert Library(settings, reader).sync().added == [LAMI_KIM]  # and sync repairs it
    repaired = Index(settings, embedder=embedder)
    assert repaired._store is None and LAMI_KIM in repaired.search_index.snapshot().article_meta


def test_a_damaged_file_is_ignored_and_written_again(library, settings, embedder):
    saved = library.index.search_index.saved
    saved.path.write_bytes(b"PK\x03\x04 not really a zip")
    reader = Index(settings, embedder=embedder)
    assert reader._store is not None
    assert sorted(reader.search_index.ids) == sorted(library.index.search_index.ids)
    again = Index(settings, embedder=embedder)
    assert again._store is None
    assert sorted(again.search_index.ids) == sorted(library.index.search_index.ids)


def test_an_index_from_an_older_chunker_is_redone_once(library, settings, embedder):
    """Re-chunking keeps passage ids and spans; the view must still take the new records, or every
    start would see the old chunker and index everything again."""
    older = Index(settings, embedder=embedder)
    older.chunking = "v0:800"  # as an older release wrote it
    assert Library(settings, older).sync().updated == sorted(library.index.indexed_articles())
    current = Library(settings, Index(settings, embedder=embedder))
    assert len(current.sync().updated) == 2
    assert {a.chunking for a in current.index.search_index.indexed_articles().values()} == {library.index.chunking}
    again = Library(settings, Index(settings, embedder=embedder))
    report = again.sync()
    assert len(report.unchanged) == 2 and not report.updated and again.index._store is None
