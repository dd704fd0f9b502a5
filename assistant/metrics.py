"""The metrics of ../shared/eval/FORMATS.md, computed from a run file's records.

They must agree with the reference scorer to the last digit, so the definitions follow FORMATS.md
literally (spans, budgets, normalisation) rather than anything more lenient.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping

KS = (1, 3, 5)
BUDGETS = (1000, 2000, 4000)

Gold = list[tuple[str, int, int]]


def normalise(text: str) -> str:
    for a, b in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(a, b)
    return " ".join(text.lower().split())


def gold_spans(question: dict, corpus: Mapping[str, str]) -> Gold:
    spans = []
    for ev in question["evidence"]:
        if "start" in ev:
            spans.append((ev["source"], ev["start"], ev["end"]))
            continue
        at = corpus[ev["source"]].find(ev["text"])
        if at < 0:
            raise ValueError(f"{question['id']}: evidence not in {ev['source']}: {ev['text']!r}")
        spans.append((ev["source"], at, at + len(ev["text"])))
    return spans


def hit_at(passages: Gold, gold: Gold, k: int) -> bool:
    top = passages[:k]
    for source in {g[0] for g in gold}:
        if all(any(s == source and a <= gs and ge <= z for s, a, z in top) for s2, gs, ge in gold if s2 == source):
            return True
    return False


def recall_within(passages: Gold, gold: Gold, budget: int) -> float:
    left, covered = budget, set()
    for s, a, z in passages:
        if left <= 0:
            break
        z = min(z, a + left)
        left -= z - a
        for s2, gs, ge in gold:
            if s2 == s:
                covered.update((s, i) for i in range(max(a, gs), min(z, ge)))
    return len(covered) / sum(ge - gs for _, gs, ge in gold)


def reciprocal_rank(passages: Gold, gold: Gold) -> float:
    for rank, (s, a, z) in enumerate(passages, 1):
        if any(s == s2 and a < ge and gs < z for s2, gs, ge in gold):
            return 1 / rank
    return 0.0


def answer_hit(record: dict, question: dict) -> bool:
    quotes: dict[str, list[str]] = {}
    for c in record.get("citations", []):
        quotes.setdefault(c["source"], []).append(normalise(c.get("quote", "")))
    for source in {e["source"] for e in question["evidence"]}:
        needed = [e for e in question["evidence"] if e["source"] == source]
        if all(any(normalise(e["text"]) in q for q in quotes.get(source, [])) for e in needed):
            return True
    return False


def score_run(corpus: Mapping[str, str], questions: list[dict], records: list[dict]) -> dict:
    runs = {r["id"]: r for r in records}
    answerable = [q for q in questions if q["answerable"]]
    res = {f"hit@{k}": 0.0 for k in KS} | {f"recall@{b}c": 0.0 for b in BUDGETS} | {"mrr": 0.0}
    has_answers = any("answer" in r or "abstained" in r for r in runs.values())
    hits = abstained_right = abstained = cites = exact = 0
    latencies = []
    for q in questions:
        r = runs.get(q["id"], {"passages": []})
        if has_answers:
            abst = bool(r.get("abstained"))
            abstained += abst
            abstained_right += abst and not q["answerable"]
            for c in r.get("citations", []):
                cites += 1
                exact += corpus.get(c["source"], "")[c["start"] : c["end"]] == c.get("quote")
            if "latency_ms" in r:
                latencies.append(r["latency_ms"])
        if not q["answerable"]:
            continue
        passages = [(p["source"], p["start"], p["end"]) for p in r["passages"]]
        gold = gold_spans(q, corpus)
        for k in KS:
            res[f"hit@{k}"] += hit_at(passages, gold, k)
        for b in BUDGETS:
            res[f"recall@{b}c"] += recall_within(passages, gold, b)
        res["mrr"] += reciprocal_rank(passages, gold)
        if has_answers:
            hits += answer_hit(r, q)
    n = max(len(answerable), 1)
    out: dict = {k: round(v / n, 4) for k, v in res.items()}
    out["questions"] = len(answerable)
    out["missing"] = sum(q["id"] not in runs for q in questions)
    if has_answers:
        unanswerable = len(questions) - len(answerable)
        out["answer_hit"] = round(hits / n, 4)
        out["abstain_precision"] = round(abstained_right / abstained, 4) if abstained else None
        out["abstain_recall"] = round(abstained_right / unanswerable, 4) if unanswerable else None
        out["quote_exact"] = round(exact / cites, 4) if cites else None
        out["citations"] = cites
        if latencies:
            latencies.sort()
            out["latency_p50_ms"] = round(statistics.median(latencies), 1)
            out["latency_p95_ms"] = round(latencies[int(0.95 * (len(latencies) - 1))], 1)
    return out
