"""The import direction: footnote ← ingest ← assistant ← ui (the web app) ← app.py; tools (training,
benchmarks) may import the product, never the other way round. docs/architecture.md draws it."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import REPO

# package → what it must never import
FORBIDDEN = {
    "footnote": {"ingest", "assistant", "ui", "app", "tools"},
    "ingest": {"assistant", "ui", "app", "tools"},
    "assistant": {"ui", "app", "tools"},
    "ui": {"app", "tools"},
}


def imported_packages(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_run_one_way(package):
    files = sorted((REPO / package).rglob("*.py"))
    assert files
    wrong = {f.relative_to(REPO).as_posix(): imported_packages(f) & FORBIDDEN[package] for f in files}
    assert not {k: v for k, v in wrong.items() if v}


def test_the_app_does_not_import_the_tooling():
    assert "tools" not in imported_packages(REPO / "app.py")
