"""Fit the answerer's answerability and settings: read each question once, sweep offline.

`read`: for every question of a set, retrieve as the app does, let the answer model read up to
``--candidates`` sentences, and keep each candidate's first-stage rank, logit and text, and the
question's answerability signals (assistant.answer.extractive.FEATURES). `fit`: on the validation set only
(the SQuAD articles held out of training for it, tools/squad_eval.py --split validation), fit the
logistic regression from signals to P(answerable) and write assistant/answer_model/answerability.json,
then print answer_hit and abstention for any settings on every set read, without reading again.

`rerank`: the passage order the answerer shows (assistant.answer.extractive.reranked) for each
``rerank_weight``, scored as retrieval on every set read (docs/retrieval.md).

    python -m tools.fit_answerer read OUT.json NAME CORPUS QUESTIONS [NAME CORPUS QUESTIONS ...]
    python -m tools.fit_answerer fit OUT.json --validation squad_validation
    python -m tools.fit_answerer rerank OUT.json --weights 0,0.3,0.5,1,2
    python -m tools.fit_answerer refit  # what `make train` runs: read the standard sets, fit, write
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.answer.extractive import (
    FEATURES,
    MODEL_DIR,
    Answerability,
    AnswerSettings,
    ExtractiveAnswerer,
    ScoredSentence,
    about_topic,
    quoted_runs,
    reranked,
)
from assistant.answer.kinds import missing
from assistant.chain import Ask, Assistant, prepare
from assistant.evaluate import load_jsonl, read_corpus
from assistant.metrics import gold_spans, hit_at, normalise, recall_within, reciprocal_rank
from assistant.retriever import Retrieval
from assistant.topics import topic_of
from footnote.settings import Settings
from footnote.types import Source
from ingest.index import Index


def read_set(assistant: Assistant, questions: list[dict], depth: int) -> list[dict]:
    """Per question: answerable, evidence, and its ``depth`` best first-stage candidates (first-stage
    rank and score, cosine, the coverage signal of its passage, logit, source, text), so that
    settings which change which sentences the model reads or how they are ranked can be swept
    offline (`view`)."""
    reader: ExtractiveAnswerer = assistant.reader
    settings = replace(reader.settings, candidates=depth, prior_weight=0.0)
    answerer = ExtractiveAnswerer(reader.index, settings, scorer=reader.scorer, answerability=reader.answerability)
    out = []
    for q in questions:
        ask, retrieval, _ = assistant.retrieve(prepare(Ask(q["question"], list(q.get("history", [])))))
        cands = answerer.candidates(retrieval)
        rank = {(s.source.passage_id, s.start): i for i, s in enumerate(cands)}
        reading = answerer.read(ask.question, retrieval)
        topic = topic_of(assistant.wording(ask), history=bool(ask.history))
        about = {id(s) for s in about_topic(topic, reading.sentences)} if topic else set()
        out.append(
            {
                "id": q["id"],
                "question": q["question"],
                "answerable": q["answerable"],
                "evidence": q["evidence"],
                "features": reading.features,
                "nowhere": bool(topic and not about and answerer.nowhere(topic)),  # no article mentions it
                "unmentioned": bool(answerer.unmentioned(assistant.wording(ask))),  # it names what no article does
                "passages": [[p.passage_id, p.article_id, p.start, p.end, p.score] for p in retrieval.sources],
                "candidates": [
                    {
                        "rank": rank[(s.source.passage_id, s.start)],
                        "first_stage": s.first_stage,
                        "cosine": s.cosine,
                        "coverage": answerer.features(retrieval, [s])["coverage"],
                        "passage": s.source.passage_id,
                        "order": s.order,
                        "heading": s.heading,
                        "logit": s.logit,
                        "source": s.source.article_id,
                        "text": s.text,
                        "about": id(s) in about,
                    }
                    for s in reading.sentences
                ],
            }
        )
    return out


def view(r: dict, depth: int, prior: float) -> tuple[dict, list[dict]]:
    """A read question as the answerer with ``candidates=depth`` and ``prior_weight=prior`` sees it:
    its answerability signals and its candidates best first (ExtractiveAnswerer.read)."""
    cands = [c for c in r["candidates"] if c["rank"] < depth]
    if not cands:
        return {}, []
    cands = [c | {"score": c["logit"] + prior * c["first_stage"]} for c in cands]
    ranked = sorted(cands, key=lambda c: -c["score"])
    logits = sorted((c["logit"] for c in cands), reverse=True)
    features = {
        "best_logit": logits[0],
        "mean_top3": float(np.mean(logits[:3])),
        "coverage": ranked[0]["coverage"],
        "unknown": r["features"]["unknown"],
        "cosine": max(c["cosine"] for c in cands),
    }
    return features, ranked


def hit(chosen: list[dict], evidence: list[dict]) -> bool:
    for source in {e["source"] for e in evidence}:
        quotes = [normalise(c["text"]) for c in chosen if c["source"] == source]
        if all(any(normalise(e["text"]) in q for q in quotes) for e in evidence if e["source"] == source):
            return True
    return False


def chosen_for(r: dict, s: AnswerSettings, answerability: Answerability) -> list[dict] | None:
    """The quotes the answerer would give (source and text; a run of sentences joined by a space,
    which is the article's text up to whitespace), or None for a refusal."""
    features, ranked = view(r, s.candidates, s.prior_weight)
    about = [c for c in ranked if c.get("about")]  # a question about a topic (assistant/topics.py)
    if about:
        ranked = about
    elif (
        r.get("nowhere")
        or r.get("unmentioned")
        or not ranked
        or answerability.probability(features) < s.min_answerability
    ):
        return None
    runs = quoted_runs(
        ranked, s, lambda c: c["score"], lambda c: (c["passage"], c["order"]), lambda c: c.get("heading", False)
    )
    chosen = [{"source": run[0]["source"], "text": " ".join(c["text"] for c in run)} for run in runs]
    if not about and missing(r["question"], [c["text"] for c in chosen]):  # no quote holds the kind asked for
        return None
    return chosen


def score(records: list[dict], s: AnswerSettings, answerability: Answerability) -> dict:
    """answer_hit, abstain precision and recall of the answerer with settings ``s``."""
    hits = abstained = right = unanswerable = answerable = 0
    for r in records:
        chosen = chosen_for(r, s, answerability)
        refuse = chosen is None
        abstained += refuse
        if r["answerable"]:
            answerable += 1
            hits += not refuse and hit(chosen, r["evidence"])
        else:
            unanswerable += 1
            right += refuse
    return {
        "answer_hit": round(hits / max(answerable, 1), 3),
        "abstain_precision": round(right / abstained, 3) if abstained else 1.0,
        "abstain_recall": round(right / unanswerable, 3) if unanswerable else 1.0,
    }


def fit_logistic(records: list[dict], depth: int, prior: float, l2: float = 1e-2) -> Answerability:
    """P(answerable | signals) by Newton's method on the log-likelihood, lightly regularised."""
    views = [view(r, depth, prior)[0] for r in records]
    x = np.array([[v[f] for f in FEATURES] for v in views if v], dtype=float)
    y = np.array([float(r["answerable"]) for r, v in zip(records, views, strict=True) if v])
    x = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        grad = x.T @ (p - y) + l2 * np.r_[w[:-1], 0]
        hess = x.T @ (x * (p * (1 - p))[:, None]) + l2 * np.diag(np.r_[np.ones(len(w) - 1), 0])
        w -= np.linalg.solve(hess, grad)
    return Answerability(tuple(float(v) for v in w[:-1]), float(w[-1]))


KEEP_ANSWERS = 0.9  # refusals may cost at most a tenth of the answers found
DEPTHS = (8, 12, 16)  # candidates the model reads, swept and printed
# The most the answerer may read: the model reads about 65 pairs a second per core, so 8 candidates
# keep a warm answer's p50 within 150 ms (docs/answering.md); deeper readings are printed, not chosen.
MAX_DEPTH = 8
PRIORS = (0.0, 0.5, 1.0, 2.0, 4.0)  # weight of the first-stage score beside the model's logit


def threshold(records: list[dict], settings: AnswerSettings, model: Answerability) -> float:
    """The most refusals of unanswerable questions (balanced accuracy) that costs at most a tenth of
    the answers found when nothing is refused. The model separates SQuAD's near misses only
    weakly (docs/answering.md), so unconstrained objectives land at an extreme: refusing almost
    nothing, or half of what is answerable."""
    ceiling = score(records, replace(settings, min_answerability=0.0), model)["answer_hit"]
    best, best_t = -1.0, 0.0
    for t in np.arange(0.05, 0.96, 0.01):
        m = score(records, replace(settings, min_answerability=float(t)), model)
        value = (m["answer_hit"] + m["abstain_recall"]) / 2
        if m["answer_hit"] >= KEEP_ANSWERS * ceiling and value > best:
            best, best_t = value, float(t)
    return round(best_t, 2)


def fit(path: Path, validation: str, mix: list[str], margin: float, max_quotes: int) -> None:
    """For each depth and prior weight: the regression and threshold on ``validation``; keep the pair
    with the best mean answer_hit over the ``mix`` sets (the threshold already trades answers for
    refusals), and write it to assistant/answer_model/answerability.json."""
    data = json.loads(path.read_text())
    if any("order" not in c for records in data.values() for r in records for c in r["candidates"]):
        raise SystemExit(f"{path}: read before quotes could join neighbouring sentences; read it again")
    best = None
    for depth in DEPTHS:
        for prior in PRIORS:
            settings = AnswerSettings(
                min_answerability=0.0, quote_margin=margin, max_quotes=max_quotes, candidates=depth, prior_weight=prior
            )
            model = fit_logistic(data[validation], depth, prior)
            settings = replace(settings, min_answerability=threshold(data[validation], settings, model))
            metrics = {name: score(data[name], settings, model) for name in data}
            mean = float(np.mean([metrics[name]["answer_hit"] for name in mix]))
            print(
                f"candidates {depth:2d} prior {prior:.1f} t {settings.min_answerability:.2f}: mix {mean:.3f}  "
                + "  ".join(
                    f"{n} {m['answer_hit']:.3f}/{m['abstain_precision']:.3f}/{m['abstain_recall']:.3f}"
                    for n, m in metrics.items()
                ),
                flush=True,
            )
            if depth <= MAX_DEPTH and (best is None or mean > best[0]):
                best = (mean, settings, model, metrics)
    _, settings, model, metrics = best
    out = {
        "features": list(FEATURES),
        "weights": list(model.weights),
        "bias": model.bias,
        "fitted_on": validation,
        "min_answerability": settings.min_answerability,
        "candidates": settings.candidates,
        "prior_weight": settings.prior_weight,
        "chosen_on": mix,
        "questions": len(data[validation]),
    }
    (MODEL_DIR / "answerability.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out))
    for name, m in metrics.items():
        print(f"{name:28s} {len(data[name]):5d} {m}")


def shown_passages(r: dict, depth: int, weight: float) -> list[tuple[str, int, int]]:
    """A read question's passages (article, start, end) in the order the answerer with
    ``candidates=depth`` and ``rerank_weight=weight`` shows them (``reranked`` itself)."""
    sources = {
        pid: Source(article_id=article, title="", passage_id=pid, start=start, end=end, text="", score=score)
        for pid, article, start, end, score in r["passages"]
    }
    read = [
        ScoredSentence(sources[c["passage"]], 0, 0, c["text"], logit=c["logit"])
        for c in r["candidates"]
        if c["rank"] < depth and c["passage"] in sources
    ]
    order = reranked(Retrieval("", np.zeros(1), list(sources.values())), read, weight).sources
    return [(s.article_id, s.start, s.end) for s in order]


def rerank_sweep(path: Path, weights: list[float], depth: int) -> None:
    """Retrieval metrics of the answer's passages for each ``rerank_weight`` on every set read."""
    data = json.loads(path.read_text())
    with tempfile.TemporaryDirectory(prefix="footnote-rerank-") as tmp:
        corpora = {name: read_corpus(corpus) for name, corpus, _ in standard_sets(Path(tmp)) if name in data}
    for weight in weights:
        cells = []
        for name, records in data.items():
            if name not in corpora:
                continue
            answerable = [r for r in records if r["answerable"]]
            rows = [(shown_passages(r, depth, weight), gold_spans(r, corpora[name])) for r in answerable]
            mrr = np.mean([reciprocal_rank(p, g) for p, g in rows])
            hit1, hit5 = (np.mean([hit_at(p, g, k) for p, g in rows]) for k in (1, 5))
            recall = np.mean([recall_within(p, g, 2000) for p, g in rows])
            cells.append(f"{name} {mrr:.3f} / {hit1:.3f} / {hit5:.3f} / {recall:.3f}")
        print(f"rerank_weight {weight:.1f}: " + "  ".join(cells), flush=True)


def read_sets(out: Path, triples: list[tuple[str, Path, Path]], depth: int) -> None:
    """Index each corpus in a temp dir and read its questions into OUT (one entry per set)."""
    result = json.loads(out.read_text()) if out.exists() else {}
    for name, corpus, questions in triples:
        with tempfile.TemporaryDirectory(prefix="footnote-fit-") as tmp:
            settings = Settings(corpus_dir=corpus, index_dir=Path(tmp), collection="fit")
            index = Index(settings, index_dir=Path(tmp))
            index.sync(corpus, show_bar=False)
            assistant = Assistant(index, settings)
            result[name] = read_set(assistant, load_jsonl(questions), depth)
            print(name, len(result[name]), flush=True)
        out.write_text(json.dumps(result))


def standard_sets(work: Path) -> list[tuple[str, Path, Path]]:
    """What `make train` fits on: the SQuAD validation articles (tools/squad_eval.py), chunking_eval,
    and the seed question sets the model trained on in its second stage ("seeds"); the held-out
    blind seed sets are read too, to be printed, never chosen on."""
    from tools.paths import REPO, shared_dir
    from tools.squad_eval import build
    from tools.train_answer_model import SEED_HELD_OUT, VALIDATION

    shared = shared_dir()
    squad_corpus, squad_questions = build(work / "squad_validation", VALIDATION)
    manifest = json.loads((REPO / "tests" / "data" / "questions" / "manifest.json").read_text(encoding="utf-8"))
    pools: dict[str, list[dict]] = {"seeds": [], "seeds_held_out": []}
    for entry in manifest["sets"]:
        path = (shared if entry.get("shared") else REPO) / entry["file"]
        pool = pools["seeds_held_out" if entry["name"] in SEED_HELD_OUT else "seeds"]
        pool += [q | {"id": f"{entry['name']}:{q['id']}"} for q in load_jsonl(path)]
    for name, questions in pools.items():
        (work / f"{name}.jsonl").write_text(
            "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8"
        )
    chunking = shared / "bench" / "chunking_eval"
    return [
        ("squad_validation", squad_corpus, squad_questions),
        ("chunking_eval", chunking / "corpus", chunking / "questions.jsonl"),
        ("seeds", shared / "seeds", work / "seeds.jsonl"),
        ("seeds_held_out", shared / "seeds", work / "seeds_held_out.jsonl"),
    ]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("read")
    r.add_argument("out", type=Path)
    r.add_argument("sets", nargs="+", help="NAME CORPUS QUESTIONS triples")
    r.add_argument("--candidates", type=int, default=max(DEPTHS))
    f = sub.add_parser("fit")
    f.add_argument("out", type=Path)
    f.add_argument("--validation", default="squad_validation")
    f.add_argument("--mix", default="squad_validation,chunking_eval,seeds", help="sets the settings are chosen on")
    f.add_argument("--margin", type=float, default=AnswerSettings(min_answerability=0.5).quote_margin)
    f.add_argument("--max-quotes", type=int, default=AnswerSettings(min_answerability=0.5).max_quotes)
    k = sub.add_parser("rerank", help="MRR / hit@1 / hit@5 / recall@2000c of the shown passages per weight")
    k.add_argument("out", type=Path)
    k.add_argument("--weights", default="0,0.3,0.5,0.7,1,1.5,2")
    k.add_argument("--candidates", type=int, default=None, help="default: the shipped number")
    a = sub.add_parser("refit", help="read the standard sets (standard_sets), then fit: what `make train` runs")
    a.add_argument("--out", type=Path, default=None, help="the reading (default: FOOTNOTE_CACHE_DIR/fit-reading.json)")
    args = p.parse_args(argv)
    if args.command == "fit":
        fit(args.out, args.validation, args.mix.split(","), args.margin, args.max_quotes)
    elif args.command == "rerank":
        depth = args.candidates or AnswerSettings(min_answerability=0.5).candidates
        rerank_sweep(args.out, [float(w) for w in args.weights.split(",")], depth)
    elif args.command == "read":
        triples = [(n, Path(c), Path(q)) for n, c, q in (args.sets[i : i + 3] for i in range(0, len(args.sets), 3))]
        read_sets(args.out, triples, args.candidates)
    else:
        out = args.out or Settings().cache_dir / "fit-reading.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory(prefix="footnote-refit-") as tmp:
            read_sets(out, standard_sets(Path(tmp)), max(DEPTHS))
            defaults = AnswerSettings(min_answerability=0.5)
            fit(
                out,
                "squad_validation",
                ["squad_validation", "chunking_eval", "seeds"],
                defaults.quote_margin,
                defaults.max_quotes,
            )


if __name__ == "__main__":
    main()
