"""`python -m tools.loadtest`: concurrent clients ask through the app's API while articles are added.

It serves its own app, on a temporary copy of corpus/ and loopback: nothing needs to be running.

Bounded by construction: a fixed number of clients, questions and additions, all on loopback.
Every answer's citations are checked against the corpus files on disk (quote == content[start:end]).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import typer

from tools.paths import REPO, shared_dir
from tools.report import write_section

QUESTION_FILES = (
    shared_dir() / "eval" / "seed_questions.jsonl",
    REPO / "tests" / "data" / "questions" / "seeds-dev-extra.jsonl",
)

app = typer.Typer(add_completion=False)


@dataclass
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    answers: int = 0
    citations: int = 0
    added: int = 0

    def p(self, pct: int) -> float:
        values = sorted(self.latencies_ms)
        if not values:
            return 0.0
        return statistics.median(values) if pct == 50 else values[int(pct / 100 * (len(values) - 1))]


def questions() -> list[str]:
    out = []
    for path in QUESTION_FILES:  # a missing file fails here: a load test on fewer questions would mislead
        out += [json.loads(line)["question"] for line in path.read_text("utf-8").splitlines() if line.strip()]
    return out


def check_citations(answer: dict, corpus_dir: Path) -> list[str]:
    problems = []
    for c in answer.get("citations", []):
        path = corpus_dir / c["article_id"]
        if not path.exists():  # removed since: the answer was right when given
            continue
        content = path.read_text(encoding="utf-8")
        if content[c["start"] : c["end"]] != c["quote"]:
            problems.append(f"citation [{c['n']}] of {c['article_id']} is not verbatim at {c['start']}:{c['end']}")
    return problems


def run_load(url: str, corpus_dir: Path, clients: int = 8, per_client: int = 10, additions: int = 3) -> LoadResult:
    """Ask ``clients × per_client`` questions in parallel while ``additions`` articles are added and removed."""
    from gradio_client import Client

    result = LoadResult()
    lock = threading.Lock()
    pool = questions()

    def asker(k: int) -> None:
        client = Client(url, verbose=False)
        for i in range(per_client):
            question = pool[(k * per_client + i) % len(pool)]
            t0 = time.perf_counter()
            try:
                answer = client.predict(question, [], api_name="/answer_data")
                problems = [answer["error"]] if "error" in answer else check_citations(answer, corpus_dir)
            except Exception as exc:  # any failure is a finding, reported with the question
                answer, problems = {}, [f"{type(exc).__name__}: {exc}"]
            elapsed = 1000 * (time.perf_counter() - t0)
            with lock:
                result.latencies_ms.append(elapsed)
                result.answers += 1
                result.citations += len(answer.get("citations", []))
                result.errors += [f"{question!r}: {p}" for p in problems]

    def adder() -> None:
        client = Client(url, verbose=False)
        for i in range(additions):
            text = (
                f"Load test dispatch {i}\n\nThe load test harbour of Vexmoor{i} ships {100 + i} crates of tin "
                f"every week to the inland markets.\n\nIts mayor says the tin trade of Vexmoor{i} doubled.\n"
            )
            try:
                client.predict(text, api_name="/propose_text")
                client.predict(f"Vexmoor {i}", "Load Tester", "", "", "", api_name="/add")
                with lock:
                    result.added += 1
            except Exception as exc:
                with lock:
                    result.errors.append(f"adding article {i}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=asker, args=(k,)) for k in range(clients)] + [threading.Thread(target=adder)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@app.command()
def main(clients: int = 8, per_client: int = 10, additions: int = 3) -> None:
    """Start the app on a copy of corpus/, run the load, write the load section of docs/benchmarks.md."""
    work = Path(tempfile.mkdtemp(prefix="footnote-load-"))
    corpus = work / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    port = free_port()
    env = os.environ | {
        "FOOTNOTE_CORPUS_DIR": str(corpus),
        "FOOTNOTE_INDEX_DIR": str(work / "index"),
        "FOOTNOTE_PORT": str(port),
    }
    server = subprocess.Popen([sys.executable, str(REPO / "app.py")], env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(url, server)
        result = run_load(url, corpus, clients, per_client, additions)
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)
    summary = (
        f"{result.answers} answers, {result.citations} citations checked, {result.added} articles added, "
        f"{len(result.errors)} errors; latency p50 {result.p(50):.0f} ms, p95 {result.p(95):.0f} ms"
    )
    typer.echo(summary)
    for error in result.errors[:20]:
        typer.echo(f"error: {error}", err=True)
    write_section(
        "load",
        "\n".join(
            [
                "## Load",
                "",
                f"Measured {time.strftime('%Y-%m-%d')} with `make loadtest` (`python -m tools.loadtest`): "
                f"{clients} concurrent API clients (gradio_client, `/answer_data`) asking {per_client} questions "
                f"each from the seed and extra question sets, while a ninth client adds {additions} articles "
                "through the same app. Every citation is checked against the corpus file on disk.",
                "",
                "| clients | answers | citations checked | articles added | errors | p50 (ms) | p95 (ms) |",
                "|---|---|---|---|---|---|---|",
                f"| {clients} | {result.answers} | {result.citations} | {result.added} | {len(result.errors)} | "
                f"{result.p(50):.0f} | {result.p(95):.0f} |",
            ]
        ),
    )
    if result.errors:
        raise typer.Exit(1)


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 300) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the app exited before serving")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the app did not answer at {url}")


if __name__ == "__main__":
    app()
