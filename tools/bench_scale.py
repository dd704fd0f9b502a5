"""`python -m tools.bench_scale`: index time, disk, memory and query latency at 100, 1,000 and 5,000 articles.

The articles are cut from the public chunking benchmark's corpora and the seeds at paragraph
boundaries (at least 1,500 characters each); past what that yields, further articles recombine
paragraphs of different articles, so every article is distinct text. Each size runs in its own
process so its peak memory is its own.
"""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import typer

from tools.paths import shared_dir
from tools.report import write_section

SHARED = shared_dir()
ARTICLE_CHARS = 1500
SIZES = (100, 1000, 5000)

app = typer.Typer(add_completion=False)


def paragraphs(folders: list[Path]) -> list[list[str]]:
    """The source texts as lists of paragraphs, one list per source file."""
    out = []
    for folder in folders:
        for path in sorted(folder.iterdir()):
            text = path.read_text(encoding="utf-8")
            out.append([p.strip() for p in text.split("\n") if len(p.strip()) > 40])
    return out


def build_corpus(target: Path, n: int, seed: int = 7) -> int:
    sources = paragraphs([SHARED / "bench" / "chunking_eval" / "corpus", SHARED / "seeds"])
    articles: list[list[str]] = []
    for paras in sources:
        current: list[str] = []
        for p in paras:
            current.append(p)
            if sum(map(len, current)) >= ARTICLE_CHARS:
                articles.append(current)
                current = []
        if current:
            articles.append(current)
    rng = random.Random(seed)
    pool = [p for a in articles for p in a]
    while len(articles) < n:
        picked: list[str] = []
        while sum(map(len, picked)) < ARTICLE_CHARS:
            picked.append(rng.choice(pool))
        articles.append(picked)
    target.mkdir(parents=True)
    chars = 0
    for i, paras in enumerate(articles[:n]):
        body = "\n\n".join(paras)
        chars += len(body)
        (target / f"article-{i:05}.md").write_text(f"---\ntitle: Article {i}\n---\n\n{body}\n", encoding="utf-8")
    return chars


def queries() -> list[str]:
    lines = (SHARED / "eval" / "seed_questions.jsonl").read_text(encoding="utf-8").splitlines()
    lines += (SHARED / "bench" / "chunking_eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()[:60]
    return [json.loads(line)["question"] for line in lines if line.strip()]


@app.command()
def measure(size: int, workdir: Path) -> None:
    """One size, in this process: build, index, query; prints one JSON line."""
    from assistant.chain import Assistant
    from footnote.settings import Settings
    from ingest.index import Index

    corpus, index_dir = workdir / "corpus", workdir / "index"
    chars = build_corpus(corpus, size)
    settings = Settings(corpus_dir=corpus, index_dir=index_dir)
    index = Index(settings)
    t0 = time.perf_counter()
    report = index.sync(corpus)
    index_s = time.perf_counter() - t0
    assistant = Assistant(index, settings)
    qs = queries()
    assistant.ask(qs[0])
    retrieval_ms, answer_ms = [], []
    for q in qs:
        t = time.perf_counter()
        assistant.retriever.retrieve(q)
        retrieval_ms.append(1000 * (time.perf_counter() - t))
        t = time.perf_counter()
        assistant.ask(q)
        answer_ms.append(1000 * (time.perf_counter() - t))
    disk = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
    print(
        json.dumps(
            {
                "articles": size,
                "chars": chars,
                "passages": report.passages_embedded,
                "index_s": round(index_s, 1),
                "disk_mb": round(disk / 1e6, 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "retrieve_p50": _p(retrieval_ms, 50),
                "retrieve_p95": _p(retrieval_ms, 95),
                "answer_p50": _p(answer_ms, 50),
                "answer_p95": _p(answer_ms, 95),
                "queries": len(qs),
            }
        )
    )


def _p(values: list[float], pct: int) -> float:
    values = sorted(values)
    if pct == 50:
        return round(statistics.median(values), 1)
    return round(values[int(pct / 100 * (len(values) - 1))], 1)


@app.command()
def run(sizes: str = ",".join(map(str, SIZES))) -> None:
    """Every size in its own process; writes the scale section of docs/benchmarks.md."""
    rows = []
    for size in (int(s) for s in sizes.split(",")):
        work = Path(tempfile.mkdtemp(prefix=f"footnote-scale-{size}-"))
        try:
            out = subprocess.run(
                [sys.executable, "-m", "tools.bench_scale", "measure", str(size), str(work)],
                capture_output=True,
                text=True,
                check=True,
                env=os.environ | {"TQDM_DISABLE": "1"},
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        typer.echo(json.dumps(rows[-1]))
    base = rows[0]
    lines = [
        "## Scale",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores; "
        "`make bench-scale` (`python -m tools.bench_scale run`). Articles of at least "
        f"{ARTICLE_CHARS:,} characters (whole paragraphs; {rows[-1]['chars'] / rows[-1]['articles']:,.0f} on average) "
        "cut from the chunking benchmark corpora and the seeds; "
        f"{len(queries())} queries (seed questions and the first 60 benchmark questions), warm, one process.",
        "",
        "| articles | text (MB) | passages | index time (s) | index on disk (MB) | peak memory (MB) | "
        "retrieval p50 / p95 (ms) | answer p50 / p95 (ms) | answer p50 vs 100 articles |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['articles']:,} | {r['chars'] / 1e6:.1f} | {r['passages']:,} | {r['index_s']} | {r['disk_mb']} | "
            f"{r['peak_rss_mb']:,} | {r['retrieve_p50']} / {r['retrieve_p95']} | "
            f"{r['answer_p50']} / {r['answer_p95']} | "
            f"{r['answer_p50'] / base['answer_p50']:.2f}× |"
        )
    write_section("scale", "\n".join(lines))


if __name__ == "__main__":
    app()
