"""A watched corpus folder indexes itself (ingest/watch.py): real files changed on disk, a real watcher
thread, a real index and the real assistant answering from it.

Waits poll for the awaited state with a generous deadline: they wait for an event, they do not
measure how fast it comes. The settle time is shortened so the suite does not idle.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant.chain import Assistant
from footnote.types import content_hash
from ingest.index import SyncReport
from ingest.watch import CorpusWatcher, watched
from tests.conftest import LAMI_KIM, REPO

SETTLE = 0.5
DEADLINE = 90.0  # seconds: a wait for an event on a busy machine, not a speed limit

HAWKS = (
    "---\ntitle: The Hawk Question\nauthor: Test Author\n---\n\n"
    "Seoul keeps 300 Hawk batteries in reserve for a rainy day.\n"
)
HAWKS_QUESTION = "How many Hawk batteries does Seoul keep in reserve?"
SOLDIER_QUESTION = "How much is Russia expected to pay North Korea for each soldier it sends?"


def wait_for(condition, what: str, deadline: float = DEADLINE):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"waited {deadline:.0f} s for {what}")


def indexed(index) -> set[str]:
    """The articles a question can find: those in the search snapshot."""
    return set(index.search_index.snapshot().article_ids)


def stored_ids(index) -> set[str]:
    return {meta["article_id"] for _, _, meta in index.store.all_passages()}


def cited(answer) -> set[str]:
    return {c.article_id for c in answer.citations}


class Reports(list):
    """Every SyncReport the watcher hands its callback, in order (appended from its thread)."""

    def mentioning(self, article_id: str) -> list[SyncReport]:
        return [r for r in list(self) if article_id in (*r.added, *r.updated, *r.removed)]


@pytest.fixture
def reports() -> Reports:
    return Reports()


@pytest.fixture
def watcher(library, reports):
    """A watcher on the library's corpus copy, started and past its first sync."""
    w = CorpusWatcher(library.index, library.corpus_dir, settle=SETTLE, on_sync=reports.append)
    w.start()
    wait_for(lambda: w.syncs >= 1, "the first sync")
    yield w
    w.stop()
    assert not w.running


@pytest.fixture
def assistant(library, settings):
    return Assistant(library.index, settings)


def test_a_new_file_is_answered_without_a_restart(library, watcher, assistant):
    assert "hawks.md" not in cited(assistant.ask(HAWKS_QUESTION))
    (library.corpus_dir / "hawks.md").write_text(HAWKS, encoding="utf-8")
    wait_for(lambda: "hawks.md" in indexed(library.index), "hawks.md to be indexed")
    answer = assistant.ask(HAWKS_QUESTION)
    assert any(c.article_id == "hawks.md" and "300 Hawk batteries" in c.quote for c in answer.citations)


def test_an_edited_file_is_answered_from_its_new_text(library, watcher, assistant):
    path = library.corpus_dir / LAMI_KIM
    edited = path.read_text(encoding="utf-8") + "\nSeoul also keeps 4,200 tonnes of emergency rice in Busan.\n"
    path.write_text(edited, encoding="utf-8")
    wait_for(lambda: watcher.last_report and LAMI_KIM in watcher.last_report.updated, "the edit to be synced")
    hashes = {
        meta["content_hash"] for _, _, meta in library.index.store.all_passages() if meta["article_id"] == LAMI_KIM
    }
    assert hashes == {content_hash(edited)}  # no passage of the old text is left
    answer = assistant.ask("How many tonnes of emergency rice does Seoul keep in Busan?")
    assert any(c.article_id == LAMI_KIM and "4,200 tonnes" in c.quote for c in answer.citations)


def test_a_deleted_file_is_no_longer_answered(library, watcher, assistant):
    assert LAMI_KIM in cited(assistant.ask(SOLDIER_QUESTION))
    (library.corpus_dir / LAMI_KIM).unlink()
    wait_for(lambda: LAMI_KIM not in indexed(library.index), "the deleted article to leave the index")
    assert LAMI_KIM not in stored_ids(library.index)
    answer = assistant.ask(SOLDIER_QUESTION)
    assert LAMI_KIM not in cited(answer) and all(s.article_id != LAMI_KIM for s in answer.sources)


def test_a_renamed_file_is_removed_and_added_in_one_sync(library, watcher, reports, assistant):
    (library.corpus_dir / LAMI_KIM).rename(library.corpus_dir / "lami-kim.md")
    wait_for(lambda: reports.mentioning("lami-kim.md"), "the renamed file to be synced")
    [report] = reports.mentioning(LAMI_KIM)
    assert report.added == ["lami-kim.md"] and report.removed == [LAMI_KIM]
    assert indexed(library.index) == stored_ids(library.index) == {"lami-kim.md", "yoon-at-nato-north-korea-russia.md"}
    assert cited(assistant.ask(SOLDIER_QUESTION)) == {"lami-kim.md"}


def test_a_file_written_in_chunks_is_indexed_once_complete(library, reports):
    """Chunks arrive with pauses shorter than the settle time; the first alone is a broken article
    (front matter never closed), so reading it early would show as an error or a second sync."""
    chunks = [
        "---\ntitle: Written Slowly\n",
        "author: A. Writer\n---\n\n",
        "The first paragraph names the Corvid Accord of 2031.\n\n",
        "The second paragraph says the Corvid Accord was signed in Reykjavik.\n\n",
        "The last paragraph says the Corvid Accord lasted eleven years.\n",
    ]
    watcher = CorpusWatcher(library.index, library.corpus_dir, settle=1.5, on_sync=reports.append)
    with watcher:
        wait_for(lambda: watcher.syncs >= 1, "the first sync")
        path = library.corpus_dir / "slow.md"
        with path.open("w", encoding="utf-8") as f:
            for chunk in chunks:
                f.write(chunk)
                f.flush()
                time.sleep(0.4)
        wait_for(lambda: "slow.md" in indexed(library.index), "slow.md to be indexed")
    assert not watcher.running
    [report] = reports.mentioning("slow.md")
    assert report.added == ["slow.md"]
    assert not any(r.errors for r in reports)
    assert library.index.store.indexed_articles()["slow.md"].content_hash == content_hash("".join(chunks))
    texts = " ".join(t for _, t, meta in library.index.store.all_passages() if meta["article_id"] == "slow.md")
    assert "lasted eleven years" in texts


def test_a_burst_of_changes_is_one_sync(library, watcher, reports):
    before = watcher.syncs
    for n in range(3):
        (library.corpus_dir / f"burst-{n}.md").write_text(HAWKS.replace("300", str(300 + n)), encoding="utf-8")
    path = library.corpus_dir / "yoon-at-nato-north-korea-russia.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence about the summit.\n", encoding="utf-8")
    (library.corpus_dir / LAMI_KIM).unlink()
    wait_for(lambda: watcher.syncs > before, "the burst to be synced")
    time.sleep(SETTLE * 3)  # would a second sync follow? (nothing changes any more: there must be none)
    assert watcher.syncs == before + 1
    report = reports[-1]
    assert report.added == ["burst-0.md", "burst-1.md", "burst-2.md"]
    assert report.updated == ["yoon-at-nato-north-korea-russia.md"] and report.removed == [LAMI_KIM]


def test_bad_files_are_reported_by_name_and_the_watcher_keeps_working(library, watcher):
    (library.corpus_dir / "empty.md").write_text("", encoding="utf-8")
    (library.corpus_dir / "binary.md").write_bytes(bytes(range(256)) * 8)
    (library.corpus_dir / "broken.md").write_text("---\nauthor: [x\n---\ntext\n", encoding="utf-8")
    wait_for(lambda: len(watcher.problems()) >= 3, "three problems")
    problems = {p.file: p.problem for p in watcher.problems()}
    assert problems["empty.md"] == "file is empty"
    assert "binary" in problems["binary.md"]
    assert problems["broken.md"].startswith("malformed YAML front matter")
    assert str(watcher.problems()[0]).startswith(f"{watcher.problems()[0].file}: ")

    (library.corpus_dir / "hawks.md").write_text(HAWKS, encoding="utf-8")
    # the sync's report is recorded just after its passages become searchable: wait for both
    wait_for(lambda: "hawks.md" in indexed(library.index), "a good file to be indexed after the bad ones")
    wait_for(lambda: "hawks.md" in watcher.last_report.added, "that sync to be reported")
    assert watcher.running
    assert len(watcher.problems()) == 3  # still broken: reported once, not at every sync
    assert {e.source for e in watcher.last_report.errors} == {"empty.md", "binary.md", "broken.md"}

    (library.corpus_dir / "broken.md").write_text("---\nauthor: X\n---\nNow the text is fine.\n", encoding="utf-8")
    wait_for(lambda: "broken.md" in indexed(library.index), "the repaired file to be indexed")
    wait_for(lambda: "broken.md" in watcher.last_report.added, "that sync to be reported")
    assert {e.source for e in watcher.last_report.errors} == {"empty.md", "binary.md"}


def test_hidden_and_editor_files_start_no_sync(library, watcher, caplog):
    folder = library.corpus_dir
    for name in ("README.md", "notes.pdf", "x.md~", "#x.md#", "~$x.md", "x.md.swp", "x.md.tmp", "x.md.part", "4913"):
        assert not watched(folder / name, folder), name
    assert not watched(folder / ".hidden.md", folder) and not watched(folder / ".git" / "a.md", folder)
    assert watched(folder / "a.md", folder) and watched(folder / "sub" / "b.txt", folder)
    assert watched(folder / "gone-folder", folder, deleted=True)

    caplog.set_level(logging.INFO, logger="ingest.watch")
    (folder / ".hawks.md.swp").write_text("swap", encoding="utf-8")
    (folder / "hawks.md~").write_text(HAWKS, encoding="utf-8")
    (folder / ".git").mkdir()
    (folder / ".git" / "index.md").write_text(HAWKS, encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    (folder / "hawks.md").write_text(HAWKS, encoding="utf-8")  # after the ignored ones: it ends the wait
    wait_for(lambda: "hawks.md" in indexed(library.index), "hawks.md to be indexed")
    changed = [r.getMessage() for r in caplog.records if r.getMessage().startswith("changed in ")]
    assert changed == [f"changed in {folder}: hawks.md"]


def test_questions_are_answered_while_the_watcher_indexes(library, watcher, assistant):
    """A reader asks all the time while files come and go: every answer is whole, none fails."""
    failures: list[BaseException] = []
    answers = []
    done = threading.Event()

    def ask_until_done() -> None:
        while not done.is_set():
            try:
                answers.append(assistant.ask(SOLDIER_QUESTION))
            except BaseException as exc:
                failures.append(exc)

    reader = threading.Thread(target=ask_until_done)
    reader.start()
    try:
        for n in range(3):
            path = library.corpus_dir / f"hawks-{n}.md"
            path.write_text(HAWKS, encoding="utf-8")
            wait_for(lambda p=path: p.name in indexed(library.index), f"{path.name} to be indexed")
            path.unlink()
            wait_for(lambda p=path: p.name not in indexed(library.index), f"{path.name} to be removed")
    finally:
        done.set()
        reader.join()
    assert not failures
    assert answers and all(cited(a) == {LAMI_KIM} for a in answers)


def test_stop_finishes_the_sync_in_progress_and_start_catches_up(library, reports):
    watcher = CorpusWatcher(library.index, library.corpus_dir, settle=SETTLE, on_sync=reports.append)
    watcher.start()
    wait_for(lambda: watcher.syncs >= 1, "the first sync")
    long = "---\ntitle: A Long Article\n---\n\n" + "\n\n".join(
        f"Paragraph {n} reports that the harbour of Vell saw {n * 7} ships in week {n}." for n in range(400)
    )
    (library.corpus_dir / "long.md").write_text(long, encoding="utf-8")
    wait_for(library.index.write_lock.locked, "the watcher to start syncing long.md")
    watcher.stop()
    assert not watcher.running
    state = library.index.store.indexed_articles()["long.md"]
    assert state.complete and state.content_hash == content_hash(long)  # finished, not cut short
    assert "long.md" in indexed(library.index)
    watcher.stop()  # stopping twice is harmless

    (library.corpus_dir / "hawks.md").write_text(HAWKS, encoding="utf-8")  # while nothing watches
    with watcher:  # started again: its first sync finds what changed meanwhile
        assert watcher.running
        wait_for(lambda: "hawks.md" in indexed(library.index), "hawks.md to be indexed after a restart")
    assert not watcher.running


def test_cli_watch_prints_what_it_indexes_until_ctrl_c(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    env = os.environ | {"FOOTNOTE_CORPUS_DIR": str(corpus), "FOOTNOTE_INDEX_DIR": str(tmp_path / "index")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingest", "watch", "--settle", str(SETTLE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    out: list[str] = []
    err: list[str] = []
    readers = [
        threading.Thread(target=lambda s=stream, into=into: into.extend(s), daemon=True)
        for stream, into in ((proc.stdout, out), (proc.stderr, err))
    ]
    for r in readers:
        r.start()

    def printed(text: str, lines: list[str] = out) -> bool:
        return any(text in line for line in list(lines))

    try:
        wait_for(lambda: printed("2 added, 0 updated"), "the first sync to be printed")
        (corpus / "hawks.md").write_text(HAWKS, encoding="utf-8")
        wait_for(lambda: printed(" added hawks.md"), "hawks.md to be printed as added")
        (corpus / "empty.md").write_text("", encoding="utf-8")
        wait_for(lambda: printed("error: empty.md: file is empty", err), "the bad file to be printed")
        (corpus / "hawks.md").rename(corpus / "hawks-2.md")
        wait_for(lambda: printed(" removed hawks.md"), "the rename to be printed")
        assert printed(" added hawks-2.md")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=DEADLINE) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    for r in readers:
        r.join(timeout=DEADLINE)
    assert printed(f"watching {corpus}") and printed("stopped watching")
    assert sum("error: empty.md" in line for line in err) == 1  # once, though later syncs see it again
    assert Path(corpus / "hawks-2.md").exists()
