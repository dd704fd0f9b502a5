"""`make bench`: Footnote against the textbook LangChain pipeline, side by side, on one machine.

For each question set it indexes the corpus with the project (in this process, the app's default
settings), answers every question warm, and runs ../shared/bench/baseline_langchain.py as a
subprocess (same Python) in its 1000/200 and 400/0 configurations. Every run file is scored by
assistant.metrics (the FORMATS.md metrics, identical to ../shared/eval/score.py). First it runs
tools.bench_startup (start-up times beside `import torch`, the ONNX engines against torch, the
install's size), and it writes docs/benchmarks.md with the numbers and the commands behind them.

    python -m tools.bench [--shared ../shared] [--out docs/benchmarks.md] [--no-baseline]
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

from tools.paths import REPO, shared_dir
from tools.train_answer_model import SEED_HELD_OUT

BASELINE_CONFIGS = ((1000, 200), (400, 0))
BASELINE_K = 10
METRICS = ("recall@1000c", "recall@2000c", "recall@4000c", "mrr", "hit@1", "hit@5")
MANIFEST = REPO / "tests" / "data" / "questions" / "manifest.json"
POLICY = REPO / "tests" / "data" / "policy-blind-s14"  # other articles, blind questions (its README)
POLICY_DEV = REPO / "tests" / "data" / "policy-dev-s15"  # the answer-kind check was designed on it
NEWS = REPO / "tests" / "data" / "news-blind-s15"  # news reports and analyses (its README)
# Written blind in session 16, after its checks (assistant/answer/mentions.py, the "which two …" kind)
# were designed looking at the answers on the three sets above: the sets held out of that design.
POLICY_S16 = REPO / "tests" / "data" / "policy-blind-s16"
NEWS_S16 = REPO / "tests" / "data" / "news-blind-s16"
COMPARE_REV = "9eb5aed"  # the last rule-based answerer, run side by side


@dataclass
class Dataset:
    name: str
    corpus: Path
    questions: Path
    blind: bool = False  # written by someone who never saw the system's answers


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
    questions: list = field(default_factory=list, repr=False)
    records: list = field(default_factory=list, repr=False)
    corpus: dict = field(default_factory=dict, repr=False)

    @property
    def chars_per_s(self) -> float:
        return self.chars / self.index_s if self.index_s else 0.0


def datasets(shared: Path, work: Path) -> list[Dataset]:
    """chunking_eval, the SQuAD articles held out of the answer model's training, the blind sets on
    policy and news articles the project was never built on (tests/data/policy-blind-s14,
    policy-dev-s15, news-blind-s15), and every
    question set on the seeds listed in tests/data/questions/manifest.json."""
    from tools.squad_eval import TEST, build

    squad_corpus, squad_questions = build(work / "squad_test", TEST, shared)
    out = [
        Dataset(
            "chunking_eval",
            shared / "bench" / "chunking_eval" / "corpus",
            shared / "bench" / "chunking_eval" / "questions.jsonl",
        ),
        Dataset("squad_heldout", squad_corpus, squad_questions),
        Dataset(POLICY.name, POLICY / "corpus", POLICY / "questions.jsonl", blind=True),
        Dataset(POLICY_DEV.name, POLICY_DEV / "corpus", POLICY_DEV / "questions.jsonl", blind=True),
        Dataset(NEWS.name, NEWS / "corpus", NEWS / "questions.jsonl", blind=True),
        Dataset(POLICY_S16.name, POLICY_S16 / "corpus", POLICY_S16 / "questions.jsonl", blind=True),
        Dataset(NEWS_S16.name, NEWS_S16 / "corpus", NEWS_S16 / "questions.jsonl", blind=True),
    ]
    for entry in question_sets():
        path = (shared if entry.get("shared") else REPO) / entry["file"]
        out.append(Dataset(entry["name"], shared / "seeds", path, entry.get("blind", False)))
    return out


def question_sets() -> list[dict]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))["sets"]


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
        questions=questions,
        records=records,
        corpus=corpus,
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


# --- the project at an earlier commit ------------------------------------------------------------
def checkout(rev: str, where: Path) -> Path:
    """A work tree of ``rev`` (a commit of this repository) in ``where``, for running it side by side."""
    tree = where / f"footnote-{rev}"
    if not tree.exists():
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), rev], check=True)
    return tree


def run_at_rev(ds: Dataset, tree: Path, rev: str, run_out: Path) -> Result:
    """The question set answered by the project as it was at ``rev`` (its own `assistant eval`, in a
    subprocess with that tree first on the path), scored by today's metrics."""
    from assistant.evaluate import load_jsonl, read_corpus
    from assistant.metrics import score_run

    cmd = [sys.executable, "-m", "assistant", "eval", "--corpus", str(ds.corpus), "--questions", str(ds.questions)]
    cmd += ["--run-out", str(run_out)]
    env = {**os.environ, "PYTHONPATH": str(tree), "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    load = os.getloadavg()[0]
    proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"{rev} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    corpus = read_corpus(ds.corpus)
    records = load_jsonl(run_out)
    return Result(
        system=f"Footnote {rev} (rules)",
        metrics=score_run(corpus, load_jsonl(ds.questions), records),
        index_s=summary.get("index_seconds", 0.0),
        chars=sum(len(c) for c in corpus.values()),
        passages=summary.get("passages", 0),
        answer_ms=[r["latency_ms"] for r in records],
        load=load,
        questions=load_jsonl(ds.questions),
        records=records,
        corpus=corpus,
    )


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


ANSWER_METRICS = ("answer_hit", "abstain_precision", "abstain_recall", "quote_exact")
# Sets the textbook pipeline also runs on (it has no answers; the seed sets share one corpus and
# are pooled into one question file for it).
RETRIEVAL_SETS = (
    "chunking_eval",
    "squad_heldout",
    POLICY.name,
    POLICY_DEV.name,
    NEWS.name,
    POLICY_S16.name,
    NEWS_S16.name,
    "seeds (all sets pooled)",
)


def pooled(results: list[Result]) -> dict:
    """Answer metrics over several runs' questions together, as if they were one set."""
    from assistant.metrics import score_run

    questions = [q | {"id": f"{i}:{q['id']}"} for i, r in enumerate(results) for q in r.questions]
    records = [x | {"id": f"{i}:{x['id']}"} for i, r in enumerate(results) for x in r.records]
    corpus = {k: v for r in results for k, v in r.corpus.items()}
    return score_run(corpus, questions, records)


def render(info: dict, results: dict[str, list[Result]], settings, argv: list[str]) -> str:
    lines = [
        "## Answers and retrieval: Footnote, the rule-based Footnote it replaced, the textbook pipeline",
        "",
        "Generated by `make bench` (`python -m tools.bench`); do not edit this section by hand.",
        "Footnote runs with its default settings, the ones the app uses; nothing is tuned per corpus",
        "or question set. Metrics are those of `../shared/eval/FORMATS.md`, computed by",
        "`assistant/metrics.py` (identical to `../shared/eval/score.py`). The rule-based answerer is",
        f"the project at {COMPARE_REV}, run in the same process tree on the same machine (its own",
        "`assistant eval`, which indexes with its own chunking). Latencies are warm, in one process.",
        "`load` is the 1-minute load average when a run started: on 2 cores other work changes timings.",
        "Footnote's retrieval metrics score the passages its answer shows, in their order: retrieval's",
        "top passages re-ranked by the answer model's reading (`rerank_weight`, docs/retrieval.md);",
        "`retrieval alone` latency is the hybrid search before that.",
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
            for name in (
                "passage_chars",
                "top_k",
                "dense_weight",
                "context_weight",
                "max_quotes",
                "answer_candidates",
                "min_answerability",
                "quote_margin",
                "context_margin",
                "rerank_weight",
            )
            if hasattr(settings, name)
        ),
        "",
        "### Answers",
        "",
        "answer_hit / abstain precision / abstain recall / quote_exact; answer latency p50 / p95 (ms).",
        "",
        "| question set | answerable | Footnote | latency | rules (" + COMPARE_REV + ") | latency |",
        "|---|---|---|---|---|---|",
    ]

    def cells(m: dict) -> str:
        return " / ".join(_f(m.get(k)) for k in ANSWER_METRICS)

    def lat(r: Result) -> str:
        return f"{_p(r.answer_ms, 0.5):.0f} / {_p(r.answer_ms, 0.95):.0f}" if r.answer_ms else "–"

    for name, rows in results.items():
        ours = rows[0]
        old = next((r for r in rows if r.system.endswith("(rules)")), None)
        lines.append(
            f"| {name} | {ours.metrics.get('questions', 0)} | {cells(ours.metrics)} | {lat(ours)} | "
            + (f"{cells(old.metrics)} | {lat(old)} |" if old else "– | – |")
        )
    blind = [rows for name, rows in results.items() if name in SEED_HELD_OUT]
    if blind:
        ours = pooled([rows[0] for rows in blind])
        olds = [next((r for r in rows if r.system.endswith("(rules)")), None) for rows in blind]
        old = pooled([r for r in olds if r]) if all(olds) else {}
        lines.append(
            f"| **held-out blind seed sets, pooled** | {ours['questions']} | **{cells(ours)}** | | {cells(old)} | |"
        )
        lines += [
            "",
            "Held-out blind seed sets: " + ", ".join(sorted(SEED_HELD_OUT)) + ". The answer model's second",
            "training stage read the other seed sets' questions (docs/answer-model.md), so on those",
            "Footnote's numbers are in-sample; the rule-based answerer was designed on all of them.",
        ]
    other = [rows for name, rows in results.items() if name in (POLICY_S16.name, NEWS_S16.name)]
    if other:
        ours = pooled([rows[0] for rows in other])
        olds = [next((r for r in rows if r.system.endswith("(rules)")), None) for rows in other]
        old = pooled([r for r in olds if r]) if all(olds) else {}
        lines += [
            "",
            "| held out, on articles the project was never built on | answerable | Footnote | | rules | |",
            "|---|---|---|---|---|---|",
            f"| **{POLICY_S16.name} and {NEWS_S16.name}, pooled** | {ours['questions']} | **{cells(ours)}** | | "
            f"{cells(old)} | |",
            "",
            f"{POLICY.name}, {POLICY_DEV.name} and {NEWS.name} are not pooled with them: the checks of",
            "session 16 (docs/answering.md) were designed looking at their answers.",
        ]
    lines += ["", "### Retrieval", ""]
    for name, rows in results.items():
        if name not in RETRIEVAL_SETS:
            continue
        ours = rows[0]
        lines += [f"#### {name}", "", f"{ours.metrics.get('questions', 0)} answerable questions.", ""]
        head = " | ".join(["| system", *METRICS, "passages", "index s", "chars/s", "query p50 ms", "load |"])
        lines += [head, "|" + "---|" * (len(METRICS) + 6)]
        for r in rows:
            lines.append(
                f"| {r.system} | "
                + " | ".join(_f(r.metrics.get(m)) for m in METRICS)
                + f" | {r.passages} | {r.index_s:.1f} | {r.chars_per_s:,.0f} | {_f(_p(r.retrieval_ms, 0.5), 1)}"
                + f" | {r.load:.1f} |"
            )
        lines.append("")
        for base in rows[1:]:
            ratio = base.index_s / ours.index_s if ours.index_s else float("nan")
            deltas = ", ".join(f"{m} {ours.metrics[m] - base.metrics[m]:+.3f}" for m in METRICS)
            lines.append(f"- vs {base.system}: {deltas}; indexing {ratio:.2f}× as fast.")
        lines += [
            "",
            "| Footnote latency (ms) | p50 | p95 |",
            "|---|---|---|",
            f"| retrieval alone | {_p(ours.retrieval_ms, 0.5):.1f} | {_p(ours.retrieval_ms, 0.95):.1f} |",
            f"| retrieval + answer | {_p(ours.answer_ms, 0.5):.1f} | {_p(ours.answer_ms, 0.95):.1f} |",
            "",
        ]
    lines += [
        "### Reproduce",
        "",
        "```",
        "make bench            # or: .venv/bin/python -m tools.bench " + " ".join(argv),
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


def pooled_seed_questions(sets: list[Dataset], out: Path) -> Dataset:
    """All seed question sets as one file (ids prefixed by set), for the textbook pipeline."""
    from assistant.evaluate import load_jsonl

    records = [q | {"id": f"{ds.name}:{q['id']}"} for ds in sets for q in load_jsonl(ds.questions)]
    _write_jsonl(out, records)
    return Dataset("seeds (all sets pooled)", sets[0].corpus, out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=None, help="the shared folder (default: ../shared)")
    parser.add_argument("--out", type=Path, default=None, help="default: docs/benchmarks.md (its retrieval section)")
    parser.add_argument("--runs", type=Path, default=None, help="keep the run files here (default: a temp dir)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the LangChain baseline")
    parser.add_argument("--compare", default=COMPARE_REV, help="also run the project at this commit ('' to skip)")
    parser.add_argument("--only", default="", help="comma-separated dataset names")
    parser.add_argument("--no-startup", action="store_true", help="skip start-up and install (tools.bench_startup)")
    args = parser.parse_args(argv)
    args.shared = args.shared or shared_dir()
    argv = argv if argv is not None else sys.argv[1:]

    from footnote.settings import Settings
    from ingest.embed import embedder_for
    from tools.report import BENCHMARKS, write_section

    args.out = args.out or BENCHMARKS
    settings = Settings()
    info = machine()
    runs = args.runs or Path(tempfile.mkdtemp(prefix="footnote-bench-runs-"))
    runs.mkdir(parents=True, exist_ok=True)
    script = args.shared / "bench" / "baseline_langchain.py"
    every = datasets(args.shared, runs)
    seeds = [d for d in every if d.corpus == args.shared / "seeds"]
    every.append(pooled_seed_questions(seeds, runs / "seeds-pooled-questions.jsonl"))
    chosen = [d for d in every if not args.only or d.name in args.only.split(",")]
    tree = checkout(args.compare, runs) if args.compare else None

    # Start-up first, before this process has warmed any cache it could share.
    if not args.no_startup:
        print("start-up and install ...", file=sys.stderr, flush=True)
        from tools import bench_startup

        bench_startup.main(["--shared", str(args.shared)])
    embedder = embedder_for(settings)
    results: dict[str, list[Result]] = {}
    for ds in chosen:
        print(f"{ds.name}: Footnote ...", file=sys.stderr, flush=True)
        rows = [run_project(ds, settings, embedder, runs / f"{ds.name}-footnote.jsonl")]
        if tree is not None and ds.name != RETRIEVAL_SETS[-1]:
            print(f"{ds.name}: Footnote {args.compare} ...", file=sys.stderr, flush=True)
            rows.append(run_at_rev(ds, tree, args.compare, runs / f"{ds.name}-{args.compare}.jsonl"))
        if not args.no_baseline and ds.name in RETRIEVAL_SETS:
            for size, overlap in BASELINE_CONFIGS:
                print(f"{ds.name}: LangChain {size}/{overlap} ...", file=sys.stderr, flush=True)
                rows.append(
                    run_baseline(ds, script, size, overlap, runs / f"{ds.name}-langchain-{size}-{overlap}.jsonl")
                )
        results[ds.name] = rows
        for r in rows:
            shown = {m: r.metrics.get(m) for m in (*METRICS, *ANSWER_METRICS)}
            print(f"  {r.system}: {json.dumps(shown)} index {r.index_s:.1f}s", file=sys.stderr, flush=True)
    write_section("retrieval", render(info, results, settings, argv), args.out)
    print(f"wrote {args.out} (run files in {runs})", file=sys.stderr)


if __name__ == "__main__":
    main()
