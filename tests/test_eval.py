"""`assistant eval` writes a FORMATS.md run file whose numbers agree with the reference scorer."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import SEED_QUESTIONS, SEEDS, SHARED


def test_eval_on_the_seeds_agrees_with_the_reference_scorer(tmp_path):
    run = tmp_path / "run.jsonl"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant",
            "eval",
            "--corpus",
            str(SEEDS),
            "--questions",
            str(SEED_QUESTIONS),
            "--run-out",
            str(run),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    ours = json.loads(out.stdout.strip().splitlines()[-1])
    reference = json.loads(
        subprocess.run(
            [sys.executable, str(SHARED / "eval" / "score.py"), str(SEEDS), str(SEED_QUESTIONS), str(run)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    for key, value in reference.items():
        assert ours[key] == value, key
    assert ours["quote_exact"] == 1.0
    records = [json.loads(line) for line in run.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [json.loads(q)["id"] for q in SEED_QUESTIONS.read_text().splitlines() if q]
    assert not (tmp_path / ".index").exists(), "eval must never touch the user's index"
