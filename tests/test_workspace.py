"""The shared folder is found beside the repository, or beside the one a clone came from."""

from __future__ import annotations

import subprocess

from tools.paths import shared_dir


def git(*args: str) -> None:
    subprocess.run(["git", *args], check=True, capture_output=True)


def test_a_clone_made_elsewhere_finds_the_shared_folder_beside_its_origin(tmp_path, monkeypatch):
    monkeypatch.delenv("FOOTNOTE_SHARED_DIR", raising=False)
    (tmp_path / "work" / "shared").mkdir(parents=True)
    origin = tmp_path / "work" / "repo"
    git("init", "-q", str(origin))
    git("-C", str(origin), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "x")
    clone = tmp_path / "ci" / "fresh"
    git("clone", "-q", str(origin), str(clone))
    assert shared_dir(origin) == tmp_path / "work" / "shared"
    assert shared_dir(clone) == tmp_path / "work" / "shared"


def test_the_environment_overrides_the_search(tmp_path, monkeypatch):
    monkeypatch.setenv("FOOTNOTE_SHARED_DIR", str(tmp_path / "elsewhere"))
    assert shared_dir(tmp_path / "any" / "repo") == tmp_path / "elsewhere"
