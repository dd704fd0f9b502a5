"""SQuAD articles the answer model never trained on, as a FORMATS.md corpus and question file.

Each held-out article (tools.train_answer_model.VALIDATION or TEST) becomes one Markdown file: its
title as a heading, then its paragraphs in order. Each question's evidence is its shortest
annotated answer, located at its offset in that file; SQuAD 2.0's questions without an answer
stay unanswerable. `make bench` scores the TEST articles; the VALIDATION articles are where the
answerability threshold is fitted (tools/fit_answerer.py).

    python -m tools.squad_eval OUT_DIR [--split test|validation]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tools.paths import shared_dir
from tools.train_answer_model import TEST, VALIDATION


def build(out_dir: Path, articles: tuple[str, ...], shared: Path | None = None) -> tuple[Path, Path]:
    """Write OUT_DIR/corpus/*.md and OUT_DIR/questions.jsonl; return both paths."""
    shared = shared or shared_dir()
    rows = [
        json.loads(line) for line in (shared / "train" / "squad_train.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    corpus = out_dir / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    questions = []
    for article in articles:
        mine = [r for r in rows if r["article"] == article]
        title = article.replace("_", " ")
        text = f"# {title}\n\n"
        offsets: dict[str, int] = {}
        for r in mine:
            if r["context"] not in offsets:
                offsets[r["context"]] = len(text)
                text += r["context"].strip() + "\n\n"
        name = f"{article.lower()}.md"
        (corpus / name).write_text(text, encoding="utf-8")
        for r in mine:
            q = {"id": r["id"], "question": r["question"], "answerable": r["answerable"], "evidence": []}
            if r["answerable"]:
                answer = min(r["answers"], key=len)
                at = r["context"].strip().find(answer)
                if at < 0:
                    continue
                start = offsets[r["context"]] + at
                assert text[start : start + len(answer)] == answer
                q["evidence"] = [{"source": name, "text": answer, "start": start, "end": start + len(answer)}]
            questions.append(q)
    path = out_dir / "questions.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for q in questions:
            f.write(json.dumps(q, ensure_ascii=False) + "\n")
    return corpus, path


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", type=Path)
    p.add_argument("--split", choices=("test", "validation"), default="test")
    args = p.parse_args(argv)
    corpus, questions = build(args.out, TEST if args.split == "test" else VALIDATION)
    print(corpus, questions)


if __name__ == "__main__":
    main()
