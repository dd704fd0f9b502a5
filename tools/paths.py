"""Where the workspace's shared folder (seeds, evaluation questions, benchmark) is.

It sits beside the repository (``../shared``). A clone made elsewhere (CI clones into a
temporary directory) finds it beside the repository it was cloned from, through the clone's
``origin``; ``FOOTNOTE_SHARED_DIR`` overrides both.
"""

from __future__ import annotations

import os
import subprocess
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=4)
def shared_dir(repo: Path = REPO) -> Path:
    if os.environ.get("FOOTNOTE_SHARED_DIR"):
        return Path(os.environ["FOOTNOTE_SHARED_DIR"])
    beside = repo.parent / "shared"
    if beside.is_dir():
        return beside
    origin = _origin_path(repo)
    if origin is not None and (origin.parent / "shared").is_dir():
        return origin.parent / "shared"
    return beside  # absent: callers fail naming the path they looked for


def _origin_path(repo: Path) -> Path | None:
    try:
        url = subprocess.run(
            ["git", "-C", str(repo), "config", "--get", "remote.origin.url"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        return None
    url = url.removeprefix("file://")
    if not url or "://" in url or url.startswith("git@"):
        return None
    path = Path(url)
    return (path if path.is_absolute() else repo / path).resolve()
