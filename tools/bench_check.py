"""`python -m tools.bench_check`: how well "check a quote" tells exact, close and absent quotes apart.

Quotes are drawn from two corpora: chunking_eval (../shared/bench/chunking_eval: its questions'
evidence excerpts, and stretches around them) and the seed articles (the project's corpus/, which
holds ../shared/seeds as Markdown; the seed questions' evidence, and sentences of the articles).
Each is one sentence, a few sentences across a paragraph break, or a long stretch, then altered in
a measured way, seeded: exact, normalised, word_changed, clause_dropped, ellipsis (expected: exact,
exact, close, close, close), paraphrased and other_text (not_found). tools/quote_variants.py says
exactly how each alteration is made; this module builds the cases, runs them and writes the report.

A verdict counts as right only where it says: exact and close must point at the quote's origin (a
match in the same article overlapping it; for an ellipsis, every part at its own origin; an exact
match elsewhere with the very same words also counts). Each corpus is indexed by the project
(``ingest.index.Index``, in a temporary folder) and every check goes through
``assistant.check.check_quote`` as the CLI and the app call it. The check latency is measured warm,
one quote at a time, in this process; a last run times the checks on the 5,000-article corpus of
``tools.bench_scale`` (its check index built from the files, without embeddings).

    python -m tools.bench_check [--seed 7] [--per-length 60] [--no-write] [--direct] [--dump cases.jsonl]
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import typer

from tools.paths import REPO
from tools.quote_variants import (
    LENGTHS,
    SHARED,
    Doc,
    bases_for,
    clause_dropped,
    ellipsis,
    load_docs,
    normalised,
    other_texts,
    paraphrased,
    sentence_at,
    word_changed,
)

CHUNKING = SHARED / "bench" / "chunking_eval"
SECTION = "check"

EXACT, CLOSE, NOT_FOUND = "exact", "close", "not_found"
CATEGORIES = {
    "exact": EXACT,
    "normalised": EXACT,
    "word_changed": CLOSE,
    "clause_dropped": CLOSE,
    "ellipsis": CLOSE,
    "paraphrased": NOT_FOUND,
    "other_text": NOT_FOUND,
}

app = typer.Typer(add_completion=False)


# --- the cases: quotes with their expected verdicts -----------------------------------------------


@dataclass
class Case:
    dataset: str
    category: str
    length: str
    text: str
    origins: list[tuple[str, int, int]]  # (article, start, end) of each part
    expected: str = ""
    verdict: str = ""
    located: bool = False
    ms: float = 0.0
    matches: list = field(default_factory=list)
    measured: dict | None = None  # what the verdict rules read (assistant.check.CheckIndex.measure)

    @property
    def right(self) -> bool:
        return self.verdict == self.expected and (self.expected == NOT_FOUND or self.located)


class Presence:
    """Whether a text's normalised words occur in the corpus (to keep the alterations honest)."""

    def __init__(self, docs: dict[str, Doc]):
        from assistant.check import tokenize

        self._tokenize = tokenize
        self.text = "\x00".join(" " + " ".join(tokenize(d.content).values) + " " for d in docs.values())

    def __contains__(self, quote: str) -> bool:
        return " " + " ".join(self._tokenize(quote).values) + " " in self.text


def make_cases(name: str, docs: dict[str, Doc], starts: list[tuple[str, int]], rng: random.Random, per_length: int):
    """Cases from quote starts (article, character offset), per_length bases per length class."""
    presence = Presence(docs)
    others = other_texts(rng, per_length * 3)
    cases: list[Case] = []
    for length in LENGTHS:
        pool = starts[:]
        rng.shuffle(pool)
        made = 0
        for aid, pos in pool:
            if made == per_length:
                break
            doc = docs[aid]
            base = bases_for(doc, sentence_at(doc, pos), length)
            if base is None:
                continue
            made += 1
            origin = [(aid, base.start, base.end)]
            add = cases.append
            add(Case(name, "exact", length, base.text, origin))
            add(Case(name, "normalised", length, normalised(base.text, rng), origin))
            for category, altered in (
                ("word_changed", word_changed(base.text, doc, rng)),
                ("clause_dropped", clause_dropped(base.text, rng)),
                ("paraphrased", paraphrased(base.text, rng)),
            ):
                if altered and altered not in presence:
                    add(Case(name, category, length, altered, origin))
            joined = ellipsis(base, rng)
            if joined:
                add(Case(name, "ellipsis", length, joined[0], [(aid, a, z) for a, z in joined[1]]))
        for text in others[length]:
            if sum(c.category == "other_text" and c.length == length for c in cases) == per_length:
                break
            if text not in presence:
                cases.append(Case(name, "other_text", length, text, []))
    for c in cases:
        c.expected = CATEGORIES[c.category]
    return cases


# --- running and scoring --------------------------------------------------------------------------


def _overlaps(match: dict, origin: tuple[str, int, int]) -> bool:
    aid, a, z = origin
    return match["article_id"] == aid and match["start"] < z and a < match["end"]


def run_cases(cases: list[Case], check, current) -> None:
    from assistant.check import tokenize

    check(cases[0].text)  # warm
    for c in cases:
        c.measured = current().measure(c.text)
        t = time.perf_counter()
        result = check(c.text)
        c.ms = 1000 * (time.perf_counter() - t)
        c.verdict = result.verdict.value
        c.matches = [m.public() | {"similarity": m.similarity} for m in result.matches]
        if c.verdict == EXACT:
            words = tokenize(c.text).values
            c.located = any(
                any(_overlaps(m, o) for o in c.origins) or tokenize(m["text"]).values == words for m in c.matches
            )
        elif c.verdict == CLOSE:
            if c.category == "ellipsis" and len(c.matches) == len(c.origins):
                c.located = all(_overlaps(m, o) for m, o in zip(c.matches, c.origins, strict=True))
            else:
                c.located = any(_overlaps(m, o) for m in c.matches for o in c.origins) and len(c.origins) == 1


def verdict_table(cases: list[Case]) -> list[str]:
    rows = ["| verdict | expected | returned | right | precision | recall |", "|---|---|---|---|---|---|"]
    for v in (EXACT, CLOSE, NOT_FOUND):
        expected = sum(c.expected == v for c in cases)
        returned = sum(c.verdict == v for c in cases)
        right = sum(c.verdict == v and c.right for c in cases)
        p = f"{right / returned:.3f}" if returned else "–"
        r = f"{right / expected:.3f}" if expected else "–"
        rows.append(f"| `{v}` | {expected} | {returned} | {right} | {p} | {r} |")
    total_right = sum(c.right for c in cases)
    rows.append(f"| all | {len(cases)} | {len(cases)} | {total_right} | {total_right / max(len(cases), 1):.3f} | |")
    return rows


def category_table(cases: list[Case]) -> list[str]:
    rows = [
        "| category | expected | quotes | recall | precision | exact | close | not_found | wrong place |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for category, expected in CATEGORIES.items():
        mine = [c for c in cases if c.category == category]
        if not mine:
            continue
        said = Counter(c.verdict for c in mine)
        right = sum(c.right for c in mine)
        misplaced = sum(c.verdict == c.expected and not c.right for c in mine)
        # precision within the category: of the quotes given its expected verdict, the share at the right place
        given = said[expected]
        p = f"{right / given:.3f}" if given else "–"
        rows.append(
            f"| {category} | `{expected}` | {len(mine)} | {right / len(mine):.3f} | {p} | {said[EXACT]} | "
            f"{said[CLOSE]} | {said[NOT_FOUND]} | {misplaced} |"
        )
    return rows


def margin_table(cases: list[Case]) -> list[str]:
    """What the rules read, per category: how far each sits from the thresholds."""
    rows = [
        "| category | coverage min / median / max | precision min / median / max | differences per word, max |",
        "|---|---|---|---|",
    ]
    for category in CATEGORIES:
        measured = [c.measured for c in cases if c.category == category and c.measured]
        if category == "ellipsis" or not measured:
            continue

        def spread(name: str, measured=measured) -> str:
            values = sorted(m[name] for m in measured)
            return f"{values[0]:.2f} / {statistics.median(values):.2f} / {values[-1]:.2f}"

        per_word = max(m["groups"] / m["words"] for m in measured)
        rows.append(f"| {category} | {spread('coverage')} | {spread('precision')} | {per_word:.3f} |")
    return rows


def closest_line(cases: list[Case]) -> str:
    para = [c for c in cases if c.category == "paraphrased" and c.verdict == NOT_FOUND]
    near = sum(any(_overlaps(m, o) for m in c.matches for o in c.origins) for c in para)
    return (
        f"For {near} of {len(para)} paraphrases found not to be quotes, the closest passages shown include "
        "the passage paraphrased."
    )


def length_line(cases: list[Case]) -> str:
    parts = []
    for length in LENGTHS:
        mine = [c for c in cases if c.length == length]
        if mine:
            chars = statistics.median(len(c.text) for c in mine)
            parts.append(f"{length} {sum(c.right for c in mine)}/{len(mine)} right (median {chars:,.0f} chars)")
    return "By length: " + "; ".join(parts) + "."


def latency(cases: list[Case]) -> tuple[float, float]:
    ms = sorted(c.ms for c in cases)
    return statistics.median(ms), ms[min(len(ms) - 1, int(0.95 * len(ms)))]


# --- the corpora ----------------------------------------------------------------------------------


def chunking_starts(docs: dict[str, Doc]) -> list[tuple[str, int]]:
    out = []
    for line in (CHUNKING / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            for ev in json.loads(line)["evidence"]:
                if ev["source"] in docs:
                    start = ev.get("start")
                    if start is None:
                        start = docs[ev["source"]].content.find(ev["text"])
                    out.append((ev["source"], start))
    return sorted(set(out))


def seed_starts(docs: dict[str, Doc], rng: random.Random) -> list[tuple[str, int]]:
    """The seed questions' evidence, found in the corpus's Markdown copies, and the articles' sentences."""
    out = []
    for line in (SHARED / "eval" / "seed_questions.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            for ev in json.loads(line)["evidence"]:
                for doc in docs.values():
                    at = doc.content.find(ev["text"])
                    if at >= 0:
                        out.append((doc.id, at))
    out += [(doc.id, a) for doc in docs.values() for a, _ in doc.sentences]
    return sorted(set(out))


def indexed_checker(corpus: Path, tmp: Path):
    """check(text) through the product path: a real Index synced from ``corpus``."""
    from assistant.check import check_quote, checker_for
    from footnote.settings import Settings
    from ingest.index import Index

    settings = Settings(corpus_dir=corpus, index_dir=tmp, collection="check-bench", chroma_host="")
    index = Index(settings)
    t = time.perf_counter()
    report = index.sync(corpus)
    if report.errors:
        raise RuntimeError("; ".join(str(e) for e in report.errors))
    print(f"  indexed {corpus.name} in {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    t = time.perf_counter()
    check_quote(index, "warm up the check index", corpus)
    build_s = time.perf_counter() - t
    return (lambda text: check_quote(index, text, corpus)), (lambda: checker_for(index, corpus).current()), build_s


def direct_checker(corpus: Path):
    """A check index built straight from the files (no embeddings): (index, seconds to read the
    files, seconds to build the index, characters, articles)."""
    from assistant.check import CheckIndex, article_text
    from footnote.settings import Settings
    from ingest.load import corpus_files, load_article

    t = time.perf_counter()
    settings = Settings()
    articles = [article_text(load_article(p, corpus, settings.max_file_bytes)) for p in corpus_files(corpus)]
    read_s = time.perf_counter() - t
    t = time.perf_counter()
    index = CheckIndex(articles)
    return index, read_s, time.perf_counter() - t, sum(len(a.content) for a in articles), len(articles)


def scale_run(cases: list[Case], size: int) -> dict:
    from tools.bench_scale import build_corpus

    with tempfile.TemporaryDirectory(prefix="footnote-check-scale-") as tmp:
        corpus = Path(tmp) / "corpus"
        build_corpus(corpus, size)
        built, read_s, build_s, chars, n = direct_checker(corpus)
        check = built.check
        check(cases[0].text)
        ms = []
        for c in cases:
            t = time.perf_counter()
            check(c.text)
            ms.append(1000 * (time.perf_counter() - t))
    ms.sort()
    return {
        "articles": n,
        "mb": chars / 1e6,
        "build_s": build_s,
        "read_s": read_s,
        "p50": statistics.median(ms),
        "p95": ms[int(0.95 * (len(ms) - 1))],
        "checks": len(ms),
    }


# --- the report -----------------------------------------------------------------------------------


def render(results: dict[str, tuple[list[Case], float]], scale: dict | None, args: str) -> str:
    from assistant.check import verdict as rules

    everything = [c for cases, _ in results.values() for c in cases]
    today = dt.date.today().isoformat()
    lines = [
        "## Check a quote",
        "",
        f"Measured {today} on {platform.machine()}, {os.cpu_count()} cores; `make bench-check` "
        f"(`python -m tools.bench_check{args}`). Quotes drawn from each corpus, altered in measured ways "
        "(tools/quote_variants.py says exactly how), seeded; every check through `assistant.check.check_quote` on "
        "a real index of the corpus. A verdict is right only at the right place (exact and close matches must "
        "overlap the quote's origin; an ellipsis, each part its own).",
        "",
        "Verdict rules (assistant/check/verdict.py), chosen on the chunking_eval quotes and confirmed on the seed "
        f"quotes: `exact` when every token lines up; `close` when at least {rules.MIN_COVERAGE:.0%} of the "
        f"quote's words line up in order with a stretch of one article, at least {rules.MIN_PRECISION:.0%} of "
        f"that stretch's words are the quote's, and the quote differs in at most max({rules.MIN_GROUPS_ALLOWED}, "
        f"{rules.MAX_GROUPS_PER_WORD} × words) places (or every part of an ellipsis-joined quote passes that, "
        "in order, in one article); otherwise `not_found`.",
        "",
    ]
    for name, (cases, build_s) in results.items():
        p50, p95 = latency(cases)
        lines += [
            f"### {name}",
            "",
            f"{len(cases)} quotes; check latency p50 **{p50:.1f} ms**, p95 {p95:.1f} ms (warm, one at a time); "
            f"check index built in {build_s:.2f} s after indexing.",
            "",
            *verdict_table(cases),
            "",
            *category_table(cases),
            "",
            length_line(cases),
            closest_line(cases),
            "",
            "What the verdict rules read (the best place of the whole quote; ellipsis-joined quotes are "
            "checked part by part):",
            "",
            *margin_table(cases),
            "",
        ]
    if len(results) > 1:
        p50, _ = latency(everything)
        lines += ["### Both corpora", "", f"{len(everything)} quotes; median check latency {p50:.1f} ms.", ""]
        lines += [*verdict_table(everything), "", *category_table(everything), ""]
    if scale:
        lines += [
            "### At 5,000 articles",
            "",
            f"The same chunking_eval quotes checked against the {scale['articles']:,}-article corpus of `make "
            f"bench-scale` ({scale['mb']:.1f} MB; files read in {scale['read_s']:.1f} s, check index built in "
            f"{scale['build_s']:.1f} s): "
            f"check latency p50 **{scale['p50']:.1f} ms**, p95 {scale['p95']:.1f} ms over {scale['checks']} checks.",
            "",
        ]
    lines += [
        "Limits of this measurement: the paraphrases are systematic rewrites kept only when at most 60% of "
        "their words still line up with the original, so rewordings that keep 60-70% of the words in order "
        "(close by the rules when they differ in few places) are not measured; the one-word changes draw the "
        "new word from the same article, and no category changes capitals (a quote typed in other case is "
        "`close`, tests/test_check.py); the seed quotes come from two articles of about 120 sentences, so "
        "their base quotes overlap across length classes.",
        "",
        "Reproduce: `make bench-check`; `--dump FILE` writes every quote with its verdict and matches.",
    ]
    return "\n".join(lines)


@app.command()
def main(
    seed: int = typer.Option(7, help="random seed of the quotes and alterations"),
    per_length: int = typer.Option(60, help="base quotes per length class and corpus"),
    write: bool = typer.Option(True, help="write docs/benchmarks.md (its check section)"),
    direct: bool = typer.Option(False, help="build the check index from the files, without indexing (quick)"),
    scale: bool = typer.Option(True, help="also time the checks at 5,000 articles"),
    only: str = typer.Option("", help="chunking_eval or seeds"),
    dump: Path = typer.Option(None, help="write every case as JSONL here"),
) -> None:
    """Verdict precision and recall of `check` per alteration, and its latency."""
    corpora = {"chunking_eval": CHUNKING / "corpus", "seeds": REPO / "corpus"}
    results: dict[str, tuple[list[Case], float]] = {}
    for name, corpus in corpora.items():
        if only and name != only:
            continue
        rng = random.Random(f"{seed}:{name}")
        docs = load_docs(corpus)
        starts = chunking_starts(docs) if name == "chunking_eval" else seed_starts(docs, rng)
        cases = make_cases(name, docs, starts, rng, per_length)
        print(f"{name}: {len(cases)} quotes", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(prefix="footnote-check-bench-") as tmp:
            if direct:
                built, _, build_s, _, _ = direct_checker(corpus)
                check, current = built.check, lambda built=built: built
            else:
                check, current, build_s = indexed_checker(corpus, Path(tmp))
            run_cases(cases, check, current)
        results[name] = (cases, build_s)
        right = sum(c.right for c in cases)
        print(f"  {right}/{len(cases)} right, p50 {latency(cases)[0]:.1f} ms", file=sys.stderr, flush=True)
    scaled = None
    if scale and "chunking_eval" in results:
        print("5,000 articles ...", file=sys.stderr, flush=True)
        scaled = scale_run(results["chunking_eval"][0], 5000)
    if dump:
        with dump.open("w", encoding="utf-8") as f:
            for cases, _ in results.values():
                for c in cases:
                    f.write(json.dumps(asdict(c), ensure_ascii=False) + "\n")
    flags = "" if seed == 7 else f" --seed {seed}"
    flags += "" if per_length == 60 else f" --per-length {per_length}"
    text = render(results, scaled, flags)
    print(text)
    if write and not only and not direct:
        from tools.report import write_section

        write_section(SECTION, text)


if __name__ == "__main__":
    app()
