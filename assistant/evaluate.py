"""`assistant eval`: index a folder into a throw-away store, answer a question set, score the run.

The run file is the FORMATS.md one, so the same file can be scored by ../shared/eval/score.py and
compared with the textbook baseline line by line.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from assistant.chain import Assistant
from assistant.metrics import score_run
from footnote.settings import Settings
from footnote.types import Answer
from ingest.index import Index
from ingest.load import corpus_files


def load_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_corpus(corpus_dir: Path) -> dict[str, str]:
    """Each file's content exactly as read from disk: the offsets' frame of reference."""
    return {p.relative_to(corpus_dir).as_posix(): p.read_text(encoding="utf-8") for p in corpus_files(corpus_dir)}


def run_record(qid: str, answer: Answer, latency_ms: float) -> dict:
    return {
        "id": qid,
        "passages": [
            {"source": s.article_id, "start": s.start, "end": s.end, "score": round(s.score, 6)} for s in answer.sources
        ],
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [
            {"n": c.n, "source": c.article_id, "start": c.start, "end": c.end, "quote": c.quote}
            for c in answer.citations
        ],
        "latency_ms": round(latency_ms, 2),
    }


def answer_questions(
    assistant: Assistant, questions: list[dict], progress: Callable | None = None, workers: int = 1
) -> list[dict]:
    """One run record per question, in order. A follow-up is asked with its conversation (the
    earlier questions, as ``history``); the assistant keeps no other state between questions.

    ``workers`` > 1 asks that many questions at once (the assistant is thread-safe): a whole set
    is checked sooner, but each latency then includes waiting for the others, so runs whose
    latencies are reported use one."""

    def one(q: dict) -> dict:
        t0 = time.perf_counter()
        answer = assistant.ask(q["question"], list(q.get("history", [])))
        record = run_record(q["id"], answer, 1000 * (time.perf_counter() - t0))
        if progress:
            progress()
        return record

    if workers <= 1:
        return [one(q) for q in questions]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, questions))


def evaluate(corpus_dir: Path, questions_file: Path, run_out: Path, settings: Settings, show_bar: bool = True) -> dict:
    questions = load_jsonl(questions_file)
    with tempfile.TemporaryDirectory(prefix="footnote-eval-") as tmp:
        eval_settings = settings.model_copy(update={"chroma_host": "", "collection": "eval"})
        index = Index(eval_settings, index_dir=Path(tmp))
        t0 = time.perf_counter()
        report = index.sync(corpus_dir, show_bar=show_bar)
        index_seconds = time.perf_counter() - t0
        if report.errors:
            raise RuntimeError("; ".join(str(e) for e in report.errors))
        assistant = Assistant(index, eval_settings)
        if questions:
            assistant.ask(questions[0]["question"])  # warm-up: latencies are warm, per FORMATS.md
        from tqdm import tqdm

        with tqdm(total=len(questions), desc="Answering", disable=not show_bar) as bar:
            records = answer_questions(assistant, questions, progress=lambda: bar.update(1))
        del assistant, index
    run_out.parent.mkdir(parents=True, exist_ok=True)
    with open(run_out, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    metrics = score_run(read_corpus(corpus_dir), questions, records)
    metrics["index_seconds"] = round(index_seconds, 2)
    metrics["passages"] = report.passages_embedded
    return metrics
