"""Keep the index in step with the corpus folder while a process runs: a watched folder.

Whatever changes the folder (an editor, a sync tool, ``git pull``, the app's own Corpus tab), the watcher
notices it (``watchfiles``: inotify, FSEvents or polling) and runs the project's one sync,
``Index.sync``, so a watched folder and ``python -m ingest sync`` can never disagree.

- **Settle, then sync once.** Every changed path is kept pending until its size and modification
  time have stayed the same, with no new event, for ``settle`` seconds. Only when every pending path
  has settled does one sync run: a burst of changes (a ``git pull``, a copy of fifty files) is one
  sync, and a file still being written (in chunks, over a slow link) is not read until it is complete.
- **Only what can be an article.** Hidden files and folders (a leading dot: ``.git``, editors'
  ``.name.swp``, the ``.name.tmp`` that ``write_atomic`` renames into place), editor backups and
  temporary files (``name~``, ``#name#``, ``~$name``, ``*.tmp``, ``*.part``…), README.md and files that
  are not ``.md``/``.markdown``/``.txt`` start no sync. Folders do (articles may live in sub-folders).
- **Never a crash.** A file sync refuses (empty, binary, malformed front matter…) is logged and kept in
  ``problems()`` with its name and the problem, once while it stays broken; a failed sync or a failed
  watch is reported the same way and the watcher carries on (a failed watch restarts and resyncs).
- **Thread-safe.** Syncing takes ``Index.write_lock`` like every other writer (``Library.add``,
  ``remove``) and ends with the lexical snapshot's swap, so questions answered meanwhile read the old
  snapshot or the new one, never a half-synced index, and never wait.

``CorpusWatcher(index, folder).start()`` is all a front end needs; ``on_sync`` is called (in the
watcher's thread) with each ``SyncReport``, e.g. to refresh a list of articles. ``python -m ingest
watch`` runs the same from the command line.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from ingest.errors import IngestError
from ingest.index import Index, SyncReport
from ingest.load import CORPUS_SUFFIXES

log = logging.getLogger(__name__)

OnSync = Callable[[SyncReport], None]
_Signature = tuple[int, int] | None  # (size, mtime in ns); None when the path is gone

# Editors' and downloaders' scratch files, by the end of their name (hidden ones are skipped anyway).
_SCRATCH_SUFFIXES = (
    "~",
    "#",
    ".tmp",
    ".temp",
    ".swp",
    ".swo",
    ".swx",
    ".bak",
    ".orig",
    ".part",
    ".partial",
    ".crdownload",
    ".download",
    ".kate-swp",
)


@dataclass(frozen=True)
class Problem:
    """A file (or the folder itself) the watcher could not index, and why, said plainly."""

    file: str  # the article id (path relative to the corpus folder), or the folder for a failed sync
    problem: str
    at: float  # time.time() when it was first reported

    def __str__(self) -> str:
        return f"{self.file}: {self.problem}"


def is_scratch(name: str) -> bool:
    """An editor's backup, swap or lock file, or a download in progress, by its name."""
    lower = name.lower()
    return lower.startswith((".", "~", "#")) or lower.endswith(_SCRATCH_SUFFIXES) or lower == "4913"  # vim's probe


def watched(path: Path, folder: Path, deleted: bool = False) -> bool:
    """Whether a change to ``path`` can change the corpus, so that it should lead to a sync."""
    try:
        parts = path.relative_to(folder).parts
    except ValueError:
        return False
    if not parts:
        return True  # the folder itself (removed, replaced): sync says what became of it
    if any(part.startswith(".") for part in parts) or is_scratch(parts[-1]):
        return False
    if path.suffix.lower() in CORPUS_SUFFIXES:
        return parts[-1].lower() != "readme.md"
    return deleted or path.is_dir()  # a folder of articles added, moved or removed


def _signature(path: str) -> _Signature:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


class CorpusWatcher:
    """Watches a corpus folder in a background thread and syncs ``index`` with it after changes."""

    def __init__(
        self,
        index: Index,
        folder: Path | str,
        *,
        settle: float = 1.0,
        on_sync: OnSync | None = None,
        initial_sync: bool = True,
        poll: float = 0.2,
        force_polling: bool | None = None,
        keep_problems: int = 100,
    ):
        """``settle``: seconds a changed file must stay unchanged before it is read. ``initial_sync``:
        sync once as soon as the folder is watched, so that nothing changed before ``start`` is missed.
        ``poll``: how often pending files are checked. ``force_polling``: poll the folder instead of
        using OS notifications (network drives; None lets watchfiles decide, WATCHFILES_FORCE_POLLING)."""
        self.index = index
        self.folder = Path(folder)
        self.settle = settle
        self.on_sync = on_sync
        self.initial_sync = initial_sync
        self.poll = poll
        self.force_polling = force_polling
        self.syncs = 0  # syncs run so far (initial one included)
        self._problems: deque[Problem] = deque(maxlen=keep_problems)
        self._current: set[tuple[str, str]] = set()  # the problems of the latest sync
        self._last_report: SyncReport | None = None
        self._lock = threading.Lock()  # guards the fields above against readers in other threads
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._started = threading.Event()
        self._failure = ""  # the watch's latest failure, reported once

    # --- control ----------------------------------------------------------------------------------
    def start(self, timeout: float = 30.0) -> CorpusWatcher:
        """Start watching; returns once the folder is watched, so later changes cannot be missed."""
        if self.running:
            return self
        self.folder.mkdir(parents=True, exist_ok=True)
        self._stop = threading.Event()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, name="footnote-corpus-watcher", daemon=True)
        self._thread.start()
        self._started.wait(timeout)
        return self

    def stop(self, timeout: float | None = None) -> None:
        """Stop watching. A sync in progress is finished first (never left half done)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> CorpusWatcher:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- what happened ----------------------------------------------------------------------------
    def problems(self) -> list[Problem]:
        """Recent problems, oldest first; one entry per problem for as long as it persists."""
        with self._lock:
            return list(self._problems)

    @property
    def last_report(self) -> SyncReport | None:
        with self._lock:
            return self._last_report

    # --- the watcher's thread ---------------------------------------------------------------------
    def _run(self) -> None:
        resync = self.initial_sync
        while not self._stop.is_set():
            try:
                self._watch(resync)
                return  # stopped
            except Exception as exc:  # the folder is gone, the OS refused a watch…: report, retry
                problem = f"cannot watch the folder ({exc}); retrying"
                if problem != self._failure:
                    log.warning("%s: %s", self.folder, problem)
                    self._failure = problem
                    with self._lock:
                        self._problems.append(Problem(str(self.folder), problem, time.time()))
                self._started.set()
                resync = True  # what changed while nothing watched is found by a full sync
                self._stop.wait(1.0)

    def _watch(self, resync: bool) -> None:
        pending: dict[str, tuple[_Signature, float]] = {}  # path -> (last signature, when it last changed)
        root = self.folder.resolve()  # events name absolute paths under the resolved folder
        changes_seen = watchfiles.watch(
            root,
            watch_filter=lambda change, path: watched(Path(path), root, change == watchfiles.Change.deleted),
            debounce=max(int(self.poll * 1000), 50),
            step=50,
            stop_event=self._stop,
            rust_timeout=max(int(self.poll * 1000), 1),
            yield_on_timeout=True,
            raise_interrupt=False,
            force_polling=self.force_polling,
        )
        for changes in changes_seen:  # at least every ``poll`` seconds, until stopped
            if not self.folder.is_dir():  # removed or replaced: watch it again once it is back
                raise IngestError(self.folder, "the corpus folder does not exist")
            self._failure = ""
            self._started.set()
            now = time.monotonic()
            for _, path in changes:
                pending[path] = (_signature(path), now)
            if resync:
                resync = False
                self._sync([])
                continue
            for path, (signature, _) in list(pending.items()):
                current = _signature(path)
                if current != signature:
                    pending[path] = (current, now)
            if pending and all(now - since >= self.settle for _, since in pending.values()):
                paths = sorted(pending)
                pending.clear()
                self._sync([os.path.relpath(p, root) for p in paths])

    def _sync(self, paths: list[str]) -> None:
        if paths:
            log.info("changed in %s: %s%s", self.folder, ", ".join(paths[:5]), " …" if len(paths) > 5 else "")
        try:
            report = self.index.sync(self.folder)
        except IngestError as exc:  # the folder vanished: reported; watching resumes when it is back
            report = SyncReport(errors=[exc])
        except Exception as exc:  # the store failed: reported; the next change retries
            log.exception("syncing %s failed", self.folder)
            report = SyncReport(errors=[IngestError(self.folder, f"sync failed: {exc}")])
        self._record(report)
        if report.added or report.updated or report.removed:
            log.info("synced %s: %s", self.folder, report.summary())
        if self.on_sync is not None:
            try:
                self.on_sync(report)
            except Exception:  # a front end's refresh must not stop the watcher
                log.exception("the on_sync callback failed")

    def _record(self, report: SyncReport) -> None:
        now = time.time()
        current = {(e.source, e.problem) for e in report.errors}
        with self._lock:
            new = current - self._current
            for error in report.errors:
                if (error.source, error.problem) in new:
                    self._problems.append(Problem(error.source, error.problem, now))
                    log.warning("not indexed: %s: %s", error.source, error.problem)
            self._current = current
            self._last_report = report
            self.syncs += 1
