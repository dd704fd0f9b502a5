"""ONNX Runtime for the models Footnote runs on every question: the question encoder (ingest/embed.py)
and the answer model (assistant/scorer.py).

Why: answering needs two small forward passes, but importing torch and sentence-transformers takes
seconds, most of a one-off ``ask`` from a terminal. Each model is exported once from its torch
reference into the cache folder (``Settings.cache_dir``), under a name hashed from every file it
was built from, so a changed model never loads a stale export; the exporter checks the file against
torch before it is used, and callers fall back to torch when anything here fails.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path


def cached_path(cache_dir: Path, name: str, sources: Iterable[Path]) -> Path:
    """``cache_dir/name-<hash of sources>.onnx``: the export of exactly these files."""
    digest = hashlib.sha256()
    for f in sources:
        digest.update(file_digest(Path(f), Path(cache_dir)).encode())
    return Path(cache_dir) / f"{name}-{digest.hexdigest()[:16]}.onnx"


def file_digest(path: Path, cache_dir: Path) -> str:
    """sha256 of a file's bytes, remembered in ``cache_dir/digests.json`` under its path, size and
    modification time: hashing the 90 MB embedding model on every start would cost a CLI call
    0.15 s, and a file that changes gets a new size or time (and so a new hash)."""
    stat = path.stat()
    key = f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
    memo_path = cache_dir / "digests.json"
    try:
        memo = json.loads(memo_path.read_text())
    except (OSError, ValueError):
        memo = {}
    if key not in memo:
        memo[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = memo_path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(memo, indent=0))
            tmp.replace(memo_path)
        except OSError:
            pass  # a read-only cache: hash every time, as before
    return memo[key]


def session(path: Path, threads: int):
    """An inference session on ``threads`` cores (0: all of them; one inter-op thread: these graphs
    are a chain)."""
    import onnxruntime as ort

    one_blas_thread()

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # the optimiser's notes on shapes are not the user's business
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


@lru_cache(maxsize=1)
def one_blas_thread() -> None:
    """Limit numpy's BLAS (OpenBLAS) to one thread, for the whole process.

    Why: OpenBLAS keeps its worker threads spinning for a while after each matrix product, and
    retrieval runs one (the question against every passage vector) just before the answer model.
    On two cores those spinning threads take the cores ONNX Runtime is about to use: on
    chunking_eval (2,040 passages) a whole answer took 178 ms at p50 with BLAS on its default two
    threads and 121 ms with one, measured interleaved in one process (docs/answering.md,
    "Measurements"). The BLAS work beside the models is that one product, which is memory-bound:
    a fraction of a millisecond here, and at 100,000 passages 14-24 ms on one thread against 16 on
    two. Torch's own thread pool (training, the fallback scorer) is not BLAS's and is not touched."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


def tokenizer(model_dir: str | Path, max_tokens: int):
    """The bundled model's own fast tokenizer (tokenizer.json), truncating and padding as the
    transformers tokenizer does for it."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    tok.enable_truncation(max_tokens, strategy="longest_first")
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    return tok


def feed(encodings) -> dict:
    """A batch of ``tokenizers`` encodings as the BERT graph's three inputs."""
    import numpy as np

    return {
        "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
    }


def export(module, example: tuple, path: Path, output: str, check: Callable[[Path], None]) -> None:
    """Trace a BERT-shaped torch ``module`` (input_ids, attention_mask, token_type_ids → ``output``)
    to ``path``; ``check(tmp_path)`` must pass (raise otherwise) before the file takes its name, so
    a half-written or wrong export is never loaded. Two processes may export at once: each writes
    its own temporary file and the last rename wins with an identical file."""
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    inputs = ("input_ids", "attention_mask", "token_type_ids")
    try:
        with warnings.catch_warnings(), torch.no_grad():  # the tracer's shape notes are about BERT
            warnings.simplefilter("ignore")
            torch.onnx.export(
                module,
                example,
                str(tmp),
                input_names=list(inputs),
                output_names=[output],
                dynamic_axes={**{name: {0: "batch", 1: "tokens"} for name in inputs}, output: {0: "batch"}},
                opset_version=17,
                dynamo=False,
            )
        check(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
