"""A question asked from a terminal loads only what answering needs: no torch, no
sentence-transformers, no Gradio, no HTML/PDF/DOCX loaders, and neither Chroma nor LangChain while
the saved search snapshot vouches for the index. Importing those took seconds of a one-off ``ask``
whose answer takes milliseconds; the ONNX Runtime path gives the same vectors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.scorer import load_scorer
from footnote.settings import Settings
from tests.conftest import REPO

HEAVY = (
    "torch",
    "sentence_transformers",
    "transformers",
    "gradio",
    "trafilatura",
    "pypdf",
    "docx",
    "bs4",
    "chromadb",
    "langchain_core",
)

# Runs the real CLI in a fresh interpreter, then reports which heavy modules it imported.
PROBE = """
import json, runpy, sys
args, heavy = json.loads(sys.argv[1]), json.loads(sys.argv[2])
sys.argv = ["assistant", *args]
try:
    runpy.run_module("assistant", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print("\\nLOADED " + json.dumps({"code": code, "heavy": [m for m in heavy if m in sys.modules]}))
"""


@pytest.fixture
def cli(library, settings):
    """The CLI over an indexed copy of corpus/, with the ONNX exports already in the cache (built
    here, once, as `make index` builds them), so the subprocess finds a ready index."""
    library.index.embedder.onnx()
    load_scorer(settings.model_path(), settings.cache_dir)
    env = os.environ | {"FOOTNOTE_CORPUS_DIR": str(settings.corpus_dir), "FOOTNOTE_INDEX_DIR": str(settings.index_dir)}

    def run(*args: str) -> tuple[dict, str]:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, json.dumps(list(args)), json.dumps(HEAVY)],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
        )
        out, _, loaded = done.stdout.rpartition("\nLOADED ")
        assert loaded, done.stderr
        return json.loads(loaded), out

    return run


def test_asking_from_the_command_line_imports_no_torch_and_no_gradio(cli):
    loaded, out = cli("ask", "How much is Russia expected to pay North Korea per soldier?", "--json")
    assert loaded == {"code": 0, "heavy": []}
    answer = json.loads(out)
    assert any("$2,000 per soldier per month" in c["quote"] for c in answer["citations"])


def test_quotes_from_the_command_line_import_no_torch_either(cli):
    loaded, out = cli("quote", "South Korean public opinion on arming Ukraine", "--count", "2")
    assert loaded == {"code": 0, "heavy": []}
    assert out.count("\n    — ") == 2  # two quotes, each with its attribution


def test_the_onnx_question_encoder_gives_sentence_transformers_vectors(embedder):
    questions = [
        "How much is Russia expected to pay North Korea per soldier?",
        "seoul",
        "What are South Korea's options? " * 40,  # past the 128 word pieces both engines cut at
        "Was schlägt Seoul vor — und warum?",
    ]
    got = embedder.embed(questions)
    assert embedder.onnx() is not None  # four texts: a question's path, on ONNX Runtime
    want = embedder.embed_torch(questions)
    assert np.min(np.sum(got * want, axis=1)) >= 0.9999


def test_without_a_cache_folder_everything_runs_on_torch():
    from ingest.embed import Embedder

    settings = Settings()
    embedder = Embedder(settings.model_path(), cache_dir=None)
    assert embedder.onnx() is None
    vector = embedder.embed(["Seoul"])[0]
    assert vector.shape == (384,) and abs(float(vector @ vector) - 1) < 1e-5


def test_one_console_script_runs_every_command(cli, settings):
    footnote = Path(sys.executable).with_name("footnote")
    env = os.environ | {"FOOTNOTE_CORPUS_DIR": str(settings.corpus_dir), "FOOTNOTE_INDEX_DIR": str(settings.index_dir)}
    shown = subprocess.run([footnote, "--help"], capture_output=True, text=True, env=env, cwd=REPO).stdout
    for command in ("ask", "quote", "check", "eval", "add", "sync", "list", "remove", "watch", "serve"):
        assert f"│ {command} " in shown
    asked = subprocess.run(
        [footnote, "ask", "How much is Russia expected to pay North Korea per soldier?"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert asked.returncode == 0 and "$2,000 per soldier per month" in asked.stdout
    listed = subprocess.run([footnote, "list"], capture_output=True, text=True, env=env, cwd=REPO)
    assert "north-korea-in-ukraine-south-korea-response.md" in listed.stdout


def test_the_console_script_loads_gradio_only_to_serve():
    done = subprocess.run(
        [sys.executable, "-c", "import sys, app; app.cli; print('gradio' in sys.modules, 'torch' in sys.modules)"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.stdout.split() == ["False", "False"], done.stderr


def test_serving_does_not_make_gradio_rewrite_its_type_stubs():
    """ui/__init__.py: Gradio regenerates its components' .pyi stubs on every import (1.5 s of the
    app's start-up); with ui imported first it leaves them alone, and components work as before."""
    import gradio as gr_installed

    stubs = Path(gr_installed.__file__).parent / "components"
    before = {p.name: p.stat().st_mtime_ns for p in stubs.glob("*.pyi")}
    code = (
        "import ui, gradio as gr, gradio.component_meta as meta; "
        "print(meta.create_or_modify_pyi is ui._no_stubs, gr.Textbox(value='x').value)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.stdout.split() == ["True", "x"], done.stderr
    assert {p.name: p.stat().st_mtime_ns for p in stubs.glob("*.pyi")} == before


BLAS_PROBE = """
import json, sys
import numpy as np
from threadpoolctl import threadpool_info
from ingest import runtime

def blas():
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

before = blas()
runtime.session(sys.argv[1], 2)
print(json.dumps({"before": before, "after": blas()}))
"""


def test_numpy_blas_keeps_to_one_thread_once_a_model_runs(embedder):
    """OpenBLAS's idle threads spin on the cores ONNX Runtime needs next (ingest/runtime.py,
    ``one_blas_thread``): a process that loads a model session leaves numpy one BLAS thread."""
    path = embedder.onnx().path
    done = subprocess.run(
        [sys.executable, "-c", BLAS_PROBE, str(path)], capture_output=True, text=True, cwd=REPO, check=True
    )
    threads = json.loads(done.stdout.strip().splitlines()[-1])
    assert threads["before"], "numpy loaded no BLAS library threadpoolctl can see"
    if (os.cpu_count() or 1) > 1:
        assert max(threads["before"]) > 1  # the default this changes
    assert threads["after"] == [1] * len(threads["before"])
