"""Footnote's answer model: how well one sentence answers a question.

A cross-encoder read as (question, candidate): the candidate is a sentence of an article, then its
heading and the sentence before it as context, so "It began in October" can be judged knowing what
"it" is. It starts from the bundled all-MiniLM-L6-v2 weights; training (tools/train_answer_model.py,
`make train`) fine-tunes the top layers and a one-logit head on SQuAD (CC BY-SA 4.0). Only what
training changed ships with the project (assistant/answer_model/, fp16 safetensors) and is loaded
on top of the bundled weights, offline. docs/answer-model.md has the data, split and curve.
"""

from __future__ import annotations

import json
import threading
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest import runtime

MODEL_DIR = Path(__file__).resolve().parent / "answer_model"
BATCH = 8  # pairs per forward pass: small batches of similar length waste little on padding


@dataclass(frozen=True)
class Candidate:
    """A sentence to score, with the context that helps read it (never part of the quote)."""

    text: str
    heading: str = ""
    previous: str = ""


def candidate_text(candidate: Candidate) -> str:
    """The second segment the model reads: the sentence first, so truncation cuts the context."""
    context = " ".join(x for x in (candidate.heading.strip(), candidate.previous.strip()) if x)
    return f"{candidate.text.strip()} [SEP] {context}" if context else candidate.text.strip()


def build_model(base_dir: str):
    """The cross-encoder's torch module: the bundled BERT encoder and a linear head on [CLS]."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # the base checkpoint's unused pooler is expected, not news
    hf_logging.disable_progress_bar()

    class CrossEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(base_dir, local_files_only=True, add_pooling_layer=False)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            return self.head(hidden[:, 0]).squeeze(-1)

    return CrossEncoder()


def trained_keys(model, top_layers: int) -> list[str]:
    """Names of the parameters training changes: the top ``top_layers`` encoder layers and the head."""
    n = model.encoder.config.num_hidden_layers
    prefixes = [f"encoder.encoder.layer.{i}." for i in range(n - top_layers, n)] + ["head."]
    return [k for k, _ in model.named_parameters() if any(k.startswith(p) for p in prefixes)]


class AnswerScorer:
    """Scores (question, candidate) pairs; thread-safe (torch on a small CPU gains nothing from
    running two batches at once, so calls take turns)."""

    def __init__(self, base_dir: str, model_dir: Path = MODEL_DIR, threads: int | None = None):
        import torch
        from safetensors.torch import load_file
        from transformers import AutoTokenizer

        self.config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self.max_tokens = int(self.config["max_tokens"])
        self.tokenizer = AutoTokenizer.from_pretrained(base_dir, local_files_only=True)
        self.model = build_model(base_dir)
        trained = {k: v.float() for k, v in load_file(str(model_dir / "model.safetensors")).items()}
        missing = set(trained_keys(self.model, int(self.config["top_layers"]))) - set(trained)
        if missing:
            raise ValueError(f"{model_dir}: trained weights lack {sorted(missing)[:3]}")
        self.model.load_state_dict(trained, strict=False)
        self.model.eval()
        self.threads = threads
        self._lock = threading.Lock()
        self._torch = torch

    def logits(self, question: str, candidates: list[Candidate], batch_size: int = 32) -> np.ndarray:
        """One raw score per candidate (higher: answers better). The reference implementation:
        training, the ONNX export's check, and the fallback when ONNX Runtime is unavailable."""
        if not candidates:
            return np.zeros(0, dtype=np.float32)
        torch = self._torch
        texts = [candidate_text(c) for c in candidates]
        out = np.zeros(len(texts), dtype=np.float32)
        with self._lock, torch.inference_mode():
            previous = torch.get_num_threads()
            if self.threads and self.threads != previous:
                torch.set_num_threads(self.threads)
            try:
                for lo in range(0, len(texts), batch_size):
                    batch = self.tokenizer(
                        [question] * len(texts[lo : lo + batch_size]),
                        texts[lo : lo + batch_size],
                        # the longer of the two is cut first: the candidate, unless the question
                        # itself is very long (a pasted paragraph), which only_second cannot cut
                        truncation="longest_first",
                        max_length=self.max_tokens,
                        padding=True,
                        return_tensors="pt",
                    )
                    out[lo : lo + batch_size] = self.model(**batch).numpy()
            finally:
                if torch.get_num_threads() != previous:
                    torch.set_num_threads(previous)
        return out

    def probabilities(self, question: str, candidates: list[Candidate]) -> np.ndarray:
        """The model's probability that each candidate answers the question."""
        return 1.0 / (1.0 + np.exp(-self.logits(question, candidates)))


class OnnxAnswerScorer:
    """The same model on ONNX Runtime with the `tokenizers` library: no torch on the query path, and
    faster on a small CPU (docs/answering.md has the numbers). Built from the torch model by
    ``export_onnx`` and checked against it before use."""

    def __init__(self, base_dir: str, onnx_path: Path, max_tokens: int, threads: int = 2):
        self.session = runtime.session(onnx_path, threads)
        self.tokenizer = runtime.tokenizer(base_dir, max_tokens)  # truncates longest_first, as torch
        self.max_tokens = max_tokens
        self._lock = threading.Lock()

    def logits(self, question: str, candidates: list[Candidate], batch_size: int = BATCH) -> np.ndarray:
        if not candidates:
            return np.zeros(0, dtype=np.float32)
        texts = [candidate_text(c) for c in candidates]
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad less
        out = np.zeros(len(texts), dtype=np.float32)
        with self._lock:
            for lo in range(0, len(order), batch_size):
                idx = order[lo : lo + batch_size]
                feed = runtime.feed(self.tokenizer.encode_batch([(question, texts[i]) for i in idx]))
                out[idx] = self.session.run(["logits"], feed)[0]
        return out

    def probabilities(self, question: str, candidates: list[Candidate]) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(question, candidates)))


PROBE = [
    ("What did the embargo do to oil prices?", Candidate("By March 1974 the price had risen to $12.", "Oil crisis")),
    ("Who leads the country?", Candidate("The president, elected in 2022, leads it.", "", "Elections are held.")),
    ("Why did troops go?", Candidate("They went for money. " * 40, "A heading", "Before. " * 20)),
]


def export_onnx(base_dir: str, model_dir: Path, onnx_path: Path) -> None:
    """Write the torch model (bundled weights + shipped layers) as ONNX, and refuse the file unless
    it gives the torch model's scores (within 1e-4) on probe pairs of every length."""
    reference = AnswerScorer(base_dir, model_dir)
    batch = reference.tokenizer(
        ["a question", "another"], ["a sentence", "and another one"], padding=True, return_tensors="pt"
    )

    def check(tmp: Path) -> None:
        candidate = OnnxAnswerScorer(base_dir, tmp, reference.max_tokens)
        for question, cand in PROBE:
            want = reference.logits(question, [cand, Candidate("Unrelated words here.")])
            got = candidate.logits(question, [cand, Candidate("Unrelated words here.")])
            if not np.allclose(want, got, atol=1e-4):
                raise RuntimeError(f"ONNX export differs from torch: {want} vs {got}")

    example = (batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
    runtime.export(reference.model, example, onnx_path, "logits", check)


def onnx_path_for(base_dir: str, model_dir: Path, cache_dir: Path) -> Path:
    """Where the exported model is cached: named by a hash of everything it is built from."""
    files = (model_dir / "model.safetensors", model_dir / "config.json", Path(base_dir) / "model.safetensors")
    return runtime.cached_path(cache_dir, "answer-model", files)


@lru_cache(maxsize=2)
def load_scorer(base_dir: str, cache_dir: Path, model_dir: Path = MODEL_DIR):
    """One scorer per process, like the embedder: ONNX Runtime when its export (cached, built on
    first use and checked against torch) works, the torch model otherwise."""
    path = onnx_path_for(base_dir, model_dir, cache_dir)
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    try:
        if not path.exists():
            export_onnx(base_dir, model_dir, path)
        return OnnxAnswerScorer(base_dir, path, int(config["max_tokens"]))
    except Exception as exc:
        warnings.warn(f"answer model: ONNX Runtime unavailable ({exc}); using torch", stacklevel=2)
        return AnswerScorer(base_dir, model_dir)
