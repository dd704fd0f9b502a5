"""The shipped answer model, on SQuAD articles it never trained on (read from ../shared at test time).

A fixed, seeded sample of the TEST articles' questions: for an answerable question the sentence
holding the answer should rank first among its paragraph's sentences; for a question without an
answer the best sentence's probability should fall below the answerer's threshold.
"""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from assistant.scorer import MODEL_DIR, Candidate, load_scorer
from footnote.settings import Settings, bundled_model_dir
from tests.conftest import SHARED
from tools.train_answer_model import TEST, TRAIN_EXCLUDED, candidates_of

SAMPLE = 60  # of each kind


@pytest.fixture(scope="module")
def scorer():
    return load_scorer(bundled_model_dir(), Settings().cache_dir)


@pytest.fixture(scope="module")
def held_out() -> dict[str, list[dict]]:
    rows = [json.loads(line) for line in (SHARED / "train" / "squad_train.jsonl").open(encoding="utf-8")]
    rows = [r for r in rows if r["article"] in TEST]
    rng = random.Random(7)
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    return {"answerable": rng.sample(answerable, SAMPLE), "unanswerable": rng.sample(unanswerable, SAMPLE)}


def test_the_test_articles_were_held_out_of_training():
    config = json.loads((MODEL_DIR / "config.json").read_text(encoding="utf-8"))
    assert set(config["test_articles"]) == set(TEST)
    assert set(TEST) <= TRAIN_EXCLUDED


def test_the_evidence_sentence_ranks_first_for_most_held_out_questions(scorer, held_out):
    first = total = 0
    for r in held_out["answerable"]:
        cands = candidates_of(r["article"].replace("_", " "), r["context"])
        holding = [i for i, c in enumerate(cands) if any(a in c.text for a in r["answers"])]
        if not holding or len(cands) < 2:
            continue
        total += 1
        first += int(np.argmax(scorer.logits(r["question"], cands))) in holding
    assert total >= SAMPLE * 0.8
    assert first / total >= 0.7, (first, total)  # measured: 44 of 59


def test_unanswerable_questions_get_low_answerability(scorer, held_out):
    """The best sentence of a paragraph that does not answer scores lower than one that does:
    measured on this sample, medians 0.25 and 0.47, and an answerable question's best beats an
    unanswerable one's in two pairs of three (SQuAD 2.0's near misses are hard; docs/answer-model.md)."""
    best = {
        kind: np.array(
            [
                float(
                    scorer.probabilities(
                        r["question"], candidates_of(r["article"].replace("_", " "), r["context"])
                    ).max()
                )
                for r in rows
            ]
        )
        for kind, rows in held_out.items()
    }
    a, u = best["answerable"], best["unanswerable"]
    assert np.median(u) < 0.35 < np.median(a)
    assert (a[:, None] > u[None, :]).mean() >= 0.6


def test_scores_are_the_same_whatever_the_batch(scorer):
    question = "What did the 1973 embargo do to oil prices?"
    cands = [
        Candidate("By the end of the embargo in March 1974, the price of oil had risen to nearly $12."),
        Candidate("The embargo was a response to American involvement in the Yom Kippur War.", "1973 oil crisis"),
        Candidate("It caused an oil crisis.", "1973 oil crisis", "The embargo was lifted in March 1974."),
    ]
    together = scorer.logits(question, cands)
    alone = np.array([scorer.logits(question, [c])[0] for c in cands])
    assert np.allclose(together, alone, atol=1e-4)
    assert int(np.argmax(together)) == 0
