"""One error type for every file the ingest refuses, so callers can report and carry on."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """A file that cannot be ingested, with the file named and the problem said plainly."""

    def __init__(self, source: str | Path, problem: str):
        self.source = str(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")


class NameTaken(IngestError):
    """A file name an article already has: adding would overwrite that article unless asked to."""
