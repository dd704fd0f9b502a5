"""Check a generated answer against the passages it was written from, before anyone sees it.

The model was given passages numbered [1]..[k]. Its answer is split into sentences (quotations
kept whole, Markdown line prefixes such as bullets kept as layout) and every sentence is checked:

* Citations: ``[n]`` (also ``[1, 2]``, ``[1-3]``, ``[Passage 2]``) that point to no passage are
  removed. Each valid ``[n]`` becomes a numbered Citation of a verbatim span of that passage:
  the quotation's exact span when the sentence quotes the passage, otherwise the passage sentence
  that best supports the generated sentence (embedding cosine plus word overlap). Citations are
  renumbered 1..m in order of first use and the markers in the text rewritten to match, so
  every ``Citation.quote == article content[start:end]``.
* Quotations: text in straight ``"…"`` or curly ``“…”`` quotation marks must appear verbatim in
  a cited passage. Only typography is forgiven (straight/curly apostrophes and quotation marks,
  dashes, runs of spaces, an ellipsis for an omission, a full stop inside the closing mark); the
  quoted words are then rewritten to the article's exact characters. A quotation that is not
  found loses its quotation marks, so a misquote is never presented as a quote.
* Support: each cited sentence is scored against its cited passages with what runs offline:
  ``score = 0.5 * cosine + 0.5 * overlap`` (cosine: best of the passages' sentences and whole
  passages, all-MiniLM-L6-v2; overlap: share of the sentence's content words, stemmed, found in
  two adjacent sentences of each cited passage). A number in the sentence (``$2,000``,
  ``13 percent``, ``1973``) that is not in a cited passage makes the sentence unsupported
  whatever the score. Passage sentences that read as instructions to a language model ("ignore
  previous instructions …") never count as support, and a sentence that echoes one is marked.
  The threshold, 0.55, was set on 18 supported paraphrases and 14 false claims about the corpus
  articles: paraphrases scored 0.62-0.96; 11 false claims were caught (scores 0.28-0.51, or a
  number); some of both are a test in tests/test_llm.py. What it cannot see: a false claim made
  of the passage's own words (a contradiction, "a majority supported …" against "only 13 percent
  supported …"; an invented event about the passage's people) scored 0.56-0.65, like a
  paraphrase, and passes unless a number gives it away: there is no offline entailment model.

Marking (always visible in the answer text): a sentence that fails a check keeps its place and
is followed by one marker, ``⚠ *(reason; reason)*``, with these reasons:

* ``no citation`` — a claim without a valid ``[n]``;
* ``not verbatim in [n]`` — a quotation not found in the cited passage (its quotation marks
  are removed);
* ``not supported by [n]`` — the score is below the threshold;
* ``2,000 not in [n]`` — a number the cited passage does not contain;
* ``repeats an instruction found inside an article`` — it says what a planted instruction said.

A partial or final answer's text splits back into the same sentences (a marker closes its
sentence), so front ends can tell marked sentences apart with ``split_sentences``.

Headings, lead-ins ending with a colon and the refusal phrase are layout, not claims, and are
left alone. ``Verified.notice()`` sums up what was marked or removed in one line.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from assistant.answer.claims import (
    CITATION_MARKER,
    MARK,
    NUMBER,
    QUOTATION,
    WORD,
    content_stems,
    is_instruction,
    numbers,
    passage_numbers,
    quote_pattern,
    split_sentences,
)
from assistant.answer.compose import REFUSAL, cite
from footnote.types import Citation, Source

# ----------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class Thresholds:
    meaning_weight: float = 0.5  # score = weight * cosine + (1 - weight) * overlap
    min_support: float = 0.55
    # A sentence this close to an instruction sentence of a passage is taken to be following it.
    echo_cosine: float = 0.7
    echo_overlap: float = 0.6


@dataclass
class SentenceCheck:
    original: str  # the sentence as generated
    text: str  # as shown: markers renumbered, quotations fixed, marker appended when it failed
    status: str  # "supported", "unsupported", "misquote", "uncited" or "layout"
    passages: list[int] = field(default_factory=list)  # valid passage numbers it cited
    removed: list[int] = field(default_factory=list)  # passage numbers that do not exist
    citations: list[int] = field(default_factory=list)  # citation numbers in the shown text
    score: float = 0.0
    cosine: float = 0.0
    overlap: float = 0.0
    missing_numbers: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


@dataclass
class Verified:
    text: str
    citations: list[Citation]
    sentences: list[SentenceCheck]

    @property
    def removed(self) -> list[int]:
        return [n for s in self.sentences for n in s.removed]

    def count(self, status: str) -> int:
        return sum(s.status == status for s in self.sentences)

    def notice(self) -> str:
        """One line on what checking changed; empty when every sentence passed."""
        parts = []
        unsupported = sum(s.status in ("unsupported", "uncited") for s in self.sentences)
        if unsupported:
            parts.append(f"{_plural(unsupported, 'sentence')} not supported by the passages")
        if self.count("misquote"):
            parts.append(f"{_plural(self.count('misquote'), 'quotation')} not verbatim")
        if self.removed:
            parts.append(f"{_plural(len(self.removed), 'citation')} to a passage that does not exist removed")
        if not parts:
            return ""
        return f"Checked against the passages: {', '.join(parts)} (marked {MARK} in the answer)."


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass
class _PassageSentence:
    start: int  # offsets into the article
    end: int
    text: str
    instruction: bool
    stems: set[str]


class Verifier:
    """Checks generated text against the passages [1]..[k] it was written from.

    ``verify`` is a pure function of the text: verifying a longer prefix of a streamed reply
    gives the same result for the sentences already seen. Embeddings of passages and of checked
    sentences are cached, so re-verifying a growing reply costs little.
    """

    def __init__(self, sources: list[Source], embed: Callable[[list[str]], np.ndarray], thresholds=None):
        self.sources = list(sources)
        self.embed = embed
        self.thresholds = thresholds or Thresholds()
        self._sentences: list[list[_PassageSentence]] = []
        for s in self.sources:
            spans = [(a, z) for a, z in (s.sentences or [(s.start, s.end)]) if s.start <= a < z <= s.end]
            spans = spans or [(s.start, s.end)]
            sents = []
            for a, z in spans:
                text = s.text[a - s.start : z - s.start]
                sents.append(_PassageSentence(a, z, text, is_instruction(text), content_stems(text)))
            self._sentences.append(sents)
        evidence = [[p for p in sents if not p.instruction] for sents in self._sentences]
        self._evidence_text = [" ".join(p.text for p in sents) for sents in evidence]
        # word overlap is measured against two adjacent sentences at most: a whole long passage
        # holds enough common words to "support" almost any sentence on its topic
        self._windows = [_windows([p.stems for p in sents]) for sents in evidence]
        self._numbers = [passage_numbers(t) for t in self._evidence_text]
        texts = [p.text for sents in self._sentences for p in sents] + [t or " " for t in self._evidence_text]
        vectors = embed(texts) if texts else np.zeros((0, 1), dtype=np.float32)
        count = sum(len(x) for x in self._sentences)
        self._sentence_vectors, self._passage_vectors = [], vectors[count:]
        pos = 0
        for sents in self._sentences:
            self._sentence_vectors.append(vectors[pos : pos + len(sents)])
            pos += len(sents)
        self._claim_vectors: dict[str, np.ndarray] = {}

    # -- public

    def verify(self, text: str) -> Verified:
        spans = split_sentences(text)
        claims = [_claim_text(text[a:z]) for a, z in spans]
        self._embed_claims([c for c in claims if c])
        state = _Numbering()
        pieces, checks, pos = [], [], 0
        for (a, z), claim in zip(spans, claims, strict=True):
            pieces.append(text[pos:a])
            heading = text[text.rfind("\n", 0, a) + 1 : a].lstrip().startswith("#")
            check = self._check(text[a:z], claim, state, heading)
            checks.append(check)
            pieces.append(check.text)
            pos = z
        pieces.append(text[pos:])
        shown = "".join(pieces).strip()
        return Verified(text=shown, citations=state.citations, sentences=checks)

    # -- one sentence

    def _check(self, sentence: str, claim: str, state: _Numbering, heading: bool = False) -> SentenceCheck:
        cited, removed = self._markers(sentence)
        check = SentenceCheck(original=sentence, text=sentence, status="supported", passages=cited, removed=removed)
        if not cited and (heading or _is_layout(claim) or _BOLD_LINE.fullmatch(sentence.strip())):
            check.status = "layout"
            check.text = _replace_markers(sentence, {})
            return check
        quotes = self._quotes(sentence, cited)
        span_for: dict[int, tuple[int, int]] = {}
        for _, _, found in quotes:
            if found and found[0] not in span_for:
                span_for[found[0]] = (found[1], found[2])
        vector = self._claim_vectors.get(claim)
        stems = content_stems(claim)
        for n in cited:
            a, z = span_for.get(n) or self._best_sentence(n, vector, stems)
            check.citations.append(state.number(self.sources[n - 1], a, z))
        mapping = dict(zip(cited, check.citations, strict=True))
        shown = _replace_markers(_fix_quotes(sentence, quotes), mapping)
        refs = "".join(f"[{c}]" for c in dict.fromkeys(check.citations))
        if not cited:
            check.status = "uncited"
            check.reasons.append("no citation")
        else:
            self._score(check, claim, vector, stems)
        bad = [q for q, _, found in quotes if not found]
        if bad:
            check.status = "misquote"
            check.reasons.insert(0, f"not verbatim in {refs}" if refs else "quotation without a citation")
        if check.reasons:
            shown = f"{shown} {MARK} *({'; '.join(check.reasons)})*"
        check.text = shown
        return check

    def _score(self, check: SentenceCheck, claim: str, vector, stems: set[str]) -> None:
        refs = "".join(f"[{c}]" for c in dict.fromkeys(check.citations))
        cited = check.passages
        available = set().union(*(self._numbers[n - 1] for n in cited))
        check.missing_numbers = [x for x in numbers(claim) if x not in available]
        best = [max(self._windows[n - 1], key=lambda w: len(stems & w), default=set()) for n in cited]
        union = set().union(*best)
        check.overlap = len(stems & union) / len(stems) if stems else 0.0
        check.cosine = max(self._cosine(n, vector) for n in cited) if vector is not None else 0.0
        w = self.thresholds.meaning_weight
        check.score = w * check.cosine + (1 - w) * check.overlap
        if check.score < self.thresholds.min_support:
            check.status = "unsupported"
            check.reasons.append(f"not supported by {refs}")
        if check.missing_numbers:
            check.status = "unsupported"
            shown = ", ".join(_show_number(x, claim) for x in check.missing_numbers)
            check.reasons.append(f"{shown} not in {refs}")
        if self._echoes_instruction(vector, stems):
            check.status = "unsupported"
            check.reasons.append("repeats an instruction found inside an article")

    def _echoes_instruction(self, vector, stems: set[str]) -> bool:
        """Does the sentence say what an instruction planted in a passage told the model to say?"""
        for sents, vectors in zip(self._sentences, self._sentence_vectors, strict=True):
            for p, v in zip(sents, vectors, strict=True):
                if not p.instruction or not stems:
                    continue
                cos = float(v @ vector) if vector is not None else 0.0
                overlap = len(stems & p.stems) / len(stems)
                if cos >= self.thresholds.echo_cosine or overlap >= self.thresholds.echo_overlap:
                    return True
        return False

    def _cosine(self, n: int, vector) -> float:
        sents = self._sentences[n - 1]
        values = [
            float(v @ vector) for p, v in zip(sents, self._sentence_vectors[n - 1], strict=True) if not p.instruction
        ]
        if self._evidence_text[n - 1]:
            values.append(float(self._passage_vectors[n - 1] @ vector))
        return max(values, default=0.0)

    def _best_sentence(self, n: int, vector, stems: set[str]) -> tuple[int, int]:
        sents = self._sentences[n - 1]
        w = self.thresholds.meaning_weight
        best, best_score = None, -1e9
        for p, v in zip(sents, self._sentence_vectors[n - 1], strict=True):
            cos = float(v @ vector) if vector is not None else 0.0
            overlap = len(stems & p.stems) / len(stems) if stems else 0.0
            score = w * cos + (1 - w) * overlap - (1.0 if p.instruction else 0.0)
            if score > best_score:
                best, best_score = p, score
        return (best.start, best.end) if best else (self.sources[n - 1].start, self.sources[n - 1].end)

    def _markers(self, sentence: str) -> tuple[list[int], list[int]]:
        cited, removed = [], []
        for m in CITATION_MARKER.finditer(sentence):
            for n in _marker_numbers(m.group(1)):
                bucket = cited if 1 <= n <= len(self.sources) else removed
                if n not in bucket:
                    bucket.append(n)
        return cited, removed

    def _quotes(self, sentence: str, cited: list[int]) -> list[tuple[str, str, tuple[int, int, int] | None]]:
        """Each quotation: (as written, exact article text or "", (passage, start, end) or None)."""
        out = []
        for m in QUOTATION.finditer(sentence):
            quote = m.group(1) or m.group(2)
            pattern = quote_pattern(quote)
            found = None
            for n in cited if pattern else []:
                s = self.sources[n - 1]
                hit = pattern.search(s.text)
                if hit:
                    found = (n, s.start + hit.start(), s.start + hit.end())
                    out.append((quote, hit.group(), found))
                    break
            if not found:
                out.append((quote, "", None))
        return out

    def _embed_claims(self, claims: list[str]) -> None:
        todo = list(dict.fromkeys(c for c in claims if c not in self._claim_vectors))
        if todo:
            for claim, vector in zip(todo, self.embed(todo), strict=True):
                self._claim_vectors[claim] = vector


def _windows(sentences: list[set[str]]) -> list[set[str]]:
    if len(sentences) < 2:
        return list(sentences)
    return [a | b for a, b in itertools.pairwise(sentences)]


class _Numbering:
    """Citation numbers 1..m in order of first use; one number per quoted span."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self._by_span: dict[tuple[str, int, int], int] = {}

    def number(self, source: Source, start: int, end: int) -> int:
        key = (source.article_id, start, end)
        if key not in self._by_span:
            self._by_span[key] = len(self.citations) + 1
            self.citations.append(cite(len(self.citations) + 1, source, start, end))
        return self._by_span[key]


def _marker_numbers(body: str) -> list[int]:
    out: list[int] = []
    body = re.sub(r"(?i)passages?", "", body)
    for part in re.split(r"\s*(?:[,;]|and)\s*", body):
        m = re.fullmatch(r"\s*(\d+)\s*(?:[–-]\s*(\d+))?\s*", part)
        if not m:
            continue
        a = int(m.group(1))
        z = int(m.group(2)) if m.group(2) else a
        if z - a > 20:
            z = a
        out.extend(range(a, z + 1))
    return out


def _replace_markers(sentence: str, mapping: dict[int, int]) -> str:
    def repl(m: re.Match) -> str:
        lead = m.group(1)
        nums = [mapping[n] for n in _marker_numbers(m.group(2)) if n in mapping]
        return lead + "".join(f"[{c}]" for c in dict.fromkeys(nums)) if nums else ""

    return re.sub(r"(\s*)" + CITATION_MARKER.pattern, repl, sentence, flags=re.IGNORECASE).strip()


def _fix_quotes(sentence: str, quotes: list[tuple[str, str, tuple | None]]) -> str:
    """Verbatim quotations get the article's exact characters; misquotes lose their quotation marks.

    ``quotes`` are the results of ``QUOTATION`` over the same sentence, in order.
    """
    results = iter(quotes)

    def repl(m: re.Match) -> str:
        quote = m.group(1) or m.group(2)
        _, exact, found = next(results)
        if not found:
            return quote
        keep = quote.strip()[len(quote.strip().rstrip(".,;:")) :]  # a full stop inside the marks goes outside
        return f"{m.group()[0]}{exact}{m.group()[-1]}{keep}"

    return QUOTATION.sub(repl, sentence)


_BOLD_LINE = re.compile(r"\*\*[^*]+\*\*:?")


def _claim_text(sentence: str) -> str:
    text = CITATION_MARKER.sub(" ", sentence)
    text = re.sub(r"[*_`#>]", "", text)
    return " ".join(text.split())


def _is_layout(claim: str) -> bool:
    """Not a claim: empty, a lead-in ending with a colon, or the refusal phrase."""
    if not WORD.search(claim) and not numbers(claim):
        return True
    return claim.endswith(":") or REFUSAL.rstrip(".").lower() in claim.replace("’", "'").lower()


_SHOWN_NUMBER = re.compile(
    r"[$€£]?" + NUMBER.pattern + r"(?:\s?%|\s(?:percent|per cent|thousand|million|billion|trillion)\b)?"
)


def _show_number(value: str, claim: str) -> str:
    """The number as the sentence wrote it ("$2,000" for "2000", "13 percent" for "13")."""
    for m in _SHOWN_NUMBER.finditer(claim):
        if numbers(m.group()) == [value]:
            return m.group()
    return value
