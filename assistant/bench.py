"""`make bench`: Footnote against the textbook LangChain pipeline, side by side, on one machine.

For each question set it indexes the corpus with the project (in this process, the app's default
settings), answers every question warm, and runs ../shared/bench/baseline_langchain.py as a
subprocess (same Python) in its 1000/200 and 400/0 configurations. Every run file is scored by
assistant.metrics (the FORMATS.md metrics, identical to ../shared/eval/score.py). It also times
the app's cold start, and writes docs/benchmarks.md with the numbers and the commands behind them.

    python -m assistant.bench [--shared ../shared] [--out docs/benchmarks.md] [--no-baseline]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from assistant.workspace import shared_dir

REPO = Path(__file__).resolve().parents[1]
BASELINE_CONFIGS = ((1000, 200), (400, 0))
BASELINE_K = 10
METRICS = ("recall@1000c", "recall@2000c", "recall@4000c", "mrr", "hit@1", "hit@5")
COLD_QUESTION = "What could South Korea supply to Ukraine?"


@dataclass
class Dataset:
    name: str
    corpus: Path
    questions: Path


@dataclass
class Result:
    system: str
    metrics: dict
    index_s: float
    chars: int
    passages: int
    retrieval_ms: list[float] = field(default_factory=list)
    answer_ms: list[float] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    load: float = 0.0  # 1-minute load average when the run started: other work on the machine

    @property
    def chars_per_s(self) -> float:
        return self.chars / self.index_s if self.index_s else 0.0


def datasets(shared: Path) -> list[Dataset]:
    out = [
        Dataset(
            "chunking_eval",
            shared / "bench" / "chunking_eval" / "corpus",
            shared / "bench" / "chunking_eval" / "questions.jsonl",
        ),
        Dataset("seeds", shared / "seeds", shared / "eval" / "seed_questions.jsonl"),
    ]
    data = REPO / "tests" / "data"
    out.append(Dataset("seeds+extra", shared / "seeds", data / "extra_questions.jsonl"))
    # Written blind, one set per round of changes to the answerer, each scored once when its
    # round ended and development data after (docs/answering.md), oldest first.
    names = ("holdout", "confirm", "verify", "final", "check", "sealed", "reserve", "spare", "later", "next", "last")
    for name in (*names, "closing", "coda", "encore", "finale", "epilogue"):
        out.append(Dataset(f"seeds+{name}", shared / "seeds", data / f"{name}_questions.jsonl"))
    return out


# --- the project ---------------------------------------------------------------------------------
def run_project(ds: Dataset, settings, embedder, run_out: Path) -> Result:
    from assistant.chain import Assistant
    from assistant.evaluate import load_jsonl, read_corpus, run_record
    from assistant.followup import search_query
    from assistant.metrics import score_run
    from ingest.index import Index

    questions = load_jsonl(ds.questions)
    corpus = read_corpus(ds.corpus)
    load = os.getloadavg()[0]
    reset_peak_rss()
    with tempfile.TemporaryDirectory(prefix="footnote-bench-") as tmp:
        eval_settings = settings.model_copy(update={"chroma_host": "", "collection": "bench"})
        index = Index(eval_settings, index_dir=Path(tmp), embedder=embedder)
        t0 = time.perf_counter()
        report = index.sync(ds.corpus)
        index_s = time.perf_counter() - t0
        if report.errors:
            raise RuntimeError("; ".join(str(e) for e in report.errors))
        assistant = Assistant(index, eval_settings)
        assistant.ask(questions[0]["question"])  # warm-up
        records, retrieval_ms, answer_ms = [], [], []
        for q in questions:
            history: list[str] = []
            for earlier in q.get("history", []):
                assistant.ask(earlier, history)
                history.append(earlier)
            query = search_query(q["question"], history)
            t = time.perf_counter()
            assistant.retriever.retrieve(query)
            retrieval_ms.append(1000 * (time.perf_counter() - t))
            t = time.perf_counter()
            answer = assistant.ask(q["question"], history)
            answer_ms.append(1000 * (time.perf_counter() - t))
            records.append(run_record(q["id"], answer, answer_ms[-1]))
        del assistant, index
    _write_jsonl(run_out, records)
    return Result(
        system="Footnote",
        metrics=score_run(corpus, questions, records),
        index_s=index_s,
        chars=sum(len(c) for c in corpus.values()),
        passages=report.passages_embedded,
        retrieval_ms=retrieval_ms,
        answer_ms=answer_ms,
        peak_rss_mb=peak_rss_mb(),
        load=load,
    )


def reset_peak_rss() -> None:
    """Start a new high-water mark for this process (Linux; elsewhere the peak is since start)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mb(pid: int | str = "self") -> float:
    """Peak resident memory of a process since start or since reset_peak_rss (VmHWM)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if pid == "self" else 0.0


# --- the textbook baseline ------------------------------------------------------------------------
def run_baseline(ds: Dataset, script: Path, size: int, overlap: int, run_out: Path) -> Result:
    from assistant.evaluate import load_jsonl, read_corpus
    from assistant.metrics import score_run

    cmd = [sys.executable, str(script), str(ds.corpus), str(ds.questions), str(run_out), str(size), str(overlap)]
    cmd.append(str(BASELINE_K))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    load = os.getloadavg()[0]
    peak = 0.0
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, env=env)
        while proc.poll() is None:  # the child's high-water mark, read until it exits
            peak = max(peak, peak_rss_mb(proc.pid))
            time.sleep(0.2)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode:
        raise RuntimeError(f"baseline failed ({proc.returncode}): {stderr[-2000:]}")
    summary = json.loads(stdout.strip().splitlines()[-1])
    corpus = read_corpus(ds.corpus)
    records = load_jsonl(run_out)
    return Result(
        system=f"LangChain {size}/{overlap}",
        metrics=score_run(corpus, load_jsonl(ds.questions), records),
        index_s=summary["ingest_s"],
        chars=sum(len(c) for c in corpus.values()),
        passages=summary["chunks"],
        retrieval_ms=[summary["query_p50_ms"]],
        peak_rss_mb=peak,
        load=load,
    )


# --- cold start -----------------------------------------------------------------------------------
_COLD = r"""
import sys, time, tempfile
from pathlib import Path
t_parent = float(sys.argv[1]); marks = {"interpreter": time.time() - t_parent}
import app  # the web app's whole import graph (gradio included), as `python app.py` loads it
from footnote.settings import Settings
from assistant.chain import Assistant
from ingest.index import Index
marks["imports"] = time.time() - t_parent
with tempfile.TemporaryDirectory() as tmp:
    settings = Settings(corpus_dir=Path(sys.argv[2]), index_dir=Path(tmp))
    index = Index(settings)
    marks["model"] = time.time() - t_parent
    assert index.sync(settings.corpus_dir).ok
    marks["index"] = time.time() - t_parent
    answer = Assistant(index, settings).ask(sys.argv[3])
    marks["first_answer"] = time.time() - t_parent
    marks["cited"] = len(answer.citations)
print("COLD " + repr(marks))
"""


def cold_start(seeds: Path) -> dict:
    t0 = time.time()
    proc = subprocess.run(
        [sys.executable, "-c", _COLD, repr(t0), str(seeds), COLD_QUESTION],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    wall = time.time() - t0
    line = next((x for x in proc.stdout.splitlines() if x.startswith("COLD ")), None)
    if proc.returncode or line is None:
        raise RuntimeError(f"cold start failed: {proc.stderr[-2000:]}")
    import ast

    marks = ast.literal_eval(line[5:])
    marks["process_exit"] = wall
    return marks


# --- the report -----------------------------------------------------------------------------------
def machine() -> dict:
    import chromadb
    import sentence_transformers
    import torch

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO)
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], capture_output=True, text=True, cwd=REPO
        ).stdout.strip()
        rev = commit.stdout.strip() + (" + uncommitted changes" if dirty else "")
    except OSError:
        rev = "unknown"
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram": f"{ram_gb:.0f} GB",
        "python": platform.python_version(),
        "torch": f"{torch.__version__} ({torch.get_num_threads()} threads)",
        "sentence-transformers": sentence_transformers.__version__,
        "chromadb": chromadb.__version__,
        "os": platform.platform(),
        "commit": rev,
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[int(q * (len(values) - 1))] if q != 0.5 else statistics.median(values)


def _f(x, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and x != x):
        return "–"
    return f"{x:.{digits}f}" if isinstance(x, float) else str(x)


def render(info: dict, results: dict[str, list[Result]], cold: dict | None, settings, argv: list[str]) -> str:
    lines = [
        "## Retrieval and answers: Footnote vs the textbook pipeline",
        "",
        "Generated by `make bench` (`python -m assistant.bench`); do not edit this section by hand.",
        "Footnote runs with its default settings, the ones the app uses; nothing is tuned per corpus",
        "or question set. Metrics are those of `../shared/eval/FORMATS.md`, computed by",
        "`assistant/metrics.py` (identical to `../shared/eval/score.py`). Latencies are warm, measured",
        "in one process; the baseline's query latency is its own (similarity search only). Index time",
        "is Footnote's whole sync (load, chunk, embed, store, search view) against the baseline's",
        "`Chroma.from_documents` (embed and store). Peak RSS is each system's process high-water mark",
        "(Footnote: the bench process, model included). `load` is the 1-minute load average when the",
        "run started: the machine is shared, and on 2 cores other work changes every timing.",
        "",
        "### Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in info.items()],
        "",
        "Footnote settings: "
        + ", ".join(
            f"`{name}={getattr(settings, name)}`"
            for name in ("passage_chars", "top_k", "dense_weight", "context_weight", "embed_batch_size")
            if hasattr(settings, name)
        ),
        "",
    ]
    for name, rows in results.items():
        ours = rows[0]
        lines += [f"### {name}", "", f"{ours.metrics.get('questions', 0)} answerable questions.", ""]
        head = " | ".join(
            ["| system", *METRICS, "passages", "index s", "chars/s", "query p50 ms", "peak RSS MB", "load |"]
        )
        lines += [head, "|" + "---|" * (len(METRICS) + 7)]
        for r in rows:
            cells = [_f(r.metrics.get(m)) for m in METRICS]
            lines.append(
                f"| {r.system} | "
                + " | ".join(cells)
                + f" | {r.passages} | {r.index_s:.1f} | {r.chars_per_s:,.0f} | {_f(_p(r.retrieval_ms, 0.5), 1)}"
                + f" | {r.peak_rss_mb:,.0f} | {r.load:.1f} |"
            )
        lines.append("")
        for base in rows[1:]:
            ratio = base.index_s / ours.index_s if ours.index_s else float("nan")
            deltas = ", ".join(f"{m} {ours.metrics[m] - base.metrics[m]:+.3f}" for m in METRICS[:4])
            lines.append(f"- vs {base.system}: {deltas}; indexing {ratio:.2f}× faster.")
        lines += [
            "",
            "| Footnote latency (ms) | p50 | p95 |",
            "|---|---|---|",
            f"| retrieval alone | {_p(ours.retrieval_ms, 0.5):.1f} | {_p(ours.retrieval_ms, 0.95):.1f} |",
            f"| retrieval + extractive answer | {_p(ours.answer_ms, 0.5):.1f} | {_p(ours.answer_ms, 0.95):.1f} |",
            "",
            "Footnote answers: "
            + ", ".join(
                f"{k} {_f(ours.metrics.get(k))}"
                for k in ("answer_hit", "abstain_precision", "abstain_recall", "quote_exact")
                if k in ours.metrics
            ),
            "",
        ]
    if cold:
        lines += [
            "### App cold start",
            "",
            "A fresh process imports the app (app.py and all it imports), loads the model, indexes the two",
            "seed articles into an empty temporary index and answers one question; seconds since the parent",
            "started it (cumulative):",
            "",
            "| step | s |",
            "|---|---|",
            *[f"| {k} | {v:.2f} |" for k, v in cold.items() if isinstance(v, float)],
            "",
        ]
    lines += [
        "### Reproduce",
        "",
        "```",
        "make bench            # or: .venv/bin/python -m assistant.bench " + " ".join(argv),
        "# one system alone:",
        ".venv/bin/python -m assistant eval --corpus ../shared/bench/chunking_eval/corpus \\",
        "    --questions ../shared/bench/chunking_eval/questions.jsonl --run-out /tmp/footnote.jsonl",
        "HF_HUB_OFFLINE=1 .venv/bin/python ../shared/bench/baseline_langchain.py \\",
        "    ../shared/bench/chunking_eval/corpus ../shared/bench/chunking_eval/questions.jsonl \\",
        "    /tmp/baseline.jsonl 1000 200 10",
        "python ../shared/eval/score.py ../shared/bench/chunking_eval/corpus \\",
        "    ../shared/bench/chunking_eval/questions.jsonl /tmp/footnote.jsonl",
        "```",
        "",
    ]
    return "\n".join(lines)


def _write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m assistant.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=None, help="the shared folder (default: ../shared)")
    parser.add_argument("--out", type=Path, default=None, help="default: docs/benchmarks.md (its retrieval section)")
    parser.add_argument("--runs", type=Path, default=None, help="keep the run files here (default: a temp dir)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the LangChain baseline")
    parser.add_argument("--only", default="", help="comma-separated dataset names (chunking_eval,seeds,seeds+extra)")
    args = parser.parse_args(argv)
    args.shared = args.shared or shared_dir()
    argv = argv if argv is not None else sys.argv[1:]

    from assistant.report import BENCHMARKS, write_section
    from footnote.settings import Settings
    from ingest.embed import embedder_for

    args.out = args.out or BENCHMARKS
    settings = Settings()
    info = machine()
    runs = args.runs or Path(tempfile.mkdtemp(prefix="footnote-bench-runs-"))
    script = args.shared / "bench" / "baseline_langchain.py"
    chosen = [d for d in datasets(args.shared) if not args.only or d.name in args.only.split(",")]

    # Cold start first, before this process has warmed any cache it could share.
    print("cold start ...", file=sys.stderr, flush=True)
    cold = cold_start(args.shared / "seeds")
    embedder = embedder_for(settings)
    results: dict[str, list[Result]] = {}
    for ds in chosen:
        print(f"{ds.name}: Footnote ...", file=sys.stderr, flush=True)
        rows = [run_project(ds, settings, embedder, runs / f"{ds.name}-footnote.jsonl")]
        if not args.no_baseline:
            for size, overlap in BASELINE_CONFIGS:
                print(f"{ds.name}: LangChain {size}/{overlap} ...", file=sys.stderr, flush=True)
                rows.append(
                    run_baseline(ds, script, size, overlap, runs / f"{ds.name}-langchain-{size}-{overlap}.jsonl")
                )
        results[ds.name] = rows
        for r in rows:
            print(
                f"  {r.system}: {json.dumps({m: r.metrics.get(m) for m in METRICS})} index {r.index_s:.1f}s",
                file=sys.stderr,
            )
    write_section("retrieval", render(info, results, cold, settings, argv), args.out)
    print(f"wrote {args.out} (run files in {runs})", file=sys.stderr)


if __name__ == "__main__":
    main()
