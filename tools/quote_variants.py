"""Quotes and their alterations for `tools.bench_check`: the measured ways a quote is changed.

Each base quote is one sentence of an article, a few sentences across a paragraph break, or a long
stretch (2,000 to 3,500 characters), then altered in a measured way, seeded:

- exact: the text as it is (expected: exact);
- normalised: straight and curly quotes and apostrophes swapped, dashes swapped (—, –, --, -), line
  breaks and spaces changed, "…" written "..." (exact);
- word_changed: one word replaced by another word of the same article (close);
- clause_dropped: a clause left out, between two commas or from a conjunction to the next comma or
  stop, at most 40% of the words (close);
- ellipsis: two parts of one article, some sentences apart, joined by "…" or "..." (close);
- paraphrased: clauses swapped around a comma or a conjunction, nine in ten words of a synonym table
  replaced and three in ten function words reworded; kept only when at most 60% of the words still
  line up with the original (not_found);
- other_text: sentences of SQuAD paragraphs (../shared/train) that are not in the corpus (not_found).

Kept apart from the benchmark runner so the alterations (what is measured) can be read, and changed,
without the scoring and the report around them. Every function takes the random generator it draws
from, so one seed gives the same quotes.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from tools.paths import shared_dir

SHARED = shared_dir()
LENGTHS = ("sentence", "paragraphs", "long")
LONG = (2000, 3500)  # characters of a long quote


# --- the articles, as sentences ---------------------------------------------------------------------


@dataclass
class Doc:
    id: str
    content: str
    sentences: list[tuple[int, int]]  # spans of the article's sentences, in order (headings excluded)
    words: list[str]  # the article's words, to draw replacements from

    def breaks_between(self, i: int, j: int) -> bool:
        """Whether a paragraph break lies between sentence i and sentence j."""
        return "\n" in self.content[self.sentences[i][1] : self.sentences[j][0]]


def load_docs(corpus: Path) -> dict[str, Doc]:
    from footnote.settings import Settings
    from ingest.chunk import chunk_article
    from ingest.load import corpus_files, load_article

    settings = Settings()
    docs = {}
    for path in corpus_files(corpus):
        article = load_article(path, corpus, settings.max_file_bytes)
        spans = []
        for p in chunk_article(article, settings.passage_chars):
            for s in p.sentences:
                text = article.content[s.start : s.end]
                if len(text.split()) >= 4:  # headings and fragments are not what people quote
                    spans.append((s.start, s.end))
        words = re.findall(r"[A-Za-z]{4,}", article.body)
        docs[article.id] = Doc(article.id, article.content, spans, sorted(set(words)))
    return docs


def sentence_at(doc: Doc, pos: int) -> int:
    for i, (a, z) in enumerate(doc.sentences):
        if z > pos:
            return i if a <= pos else max(i - 1, 0)
    return len(doc.sentences) - 1


# --- base quotes and their alterations ----------------------------------------------------------


@dataclass
class Base:
    doc: Doc
    start: int
    end: int
    length: str
    first: int  # index of its first sentence
    last: int

    @property
    def text(self) -> str:
        return self.doc.content[self.start : self.end]


def bases_for(doc: Doc, first: int, length: str) -> Base | None:
    """A quote of the given length class starting at sentence ``first``."""
    s = doc.sentences
    if first >= len(s):
        return None
    if length == "sentence":
        return Base(doc, *s[first], length, first, first)
    last = first
    if length == "paragraphs":
        while last + 1 < len(s) and not doc.breaks_between(first, last) and last - first < 6:
            last += 1
        if not doc.breaks_between(first, last) or s[last][1] - s[first][0] > 1500:
            return None
        return Base(doc, s[first][0], s[last][1], length, first, last)
    while last + 1 < len(s) and s[last][1] - s[first][0] < LONG[0]:
        last += 1
    size = s[last][1] - s[first][0]
    if not LONG[0] <= size <= LONG[1]:
        return None
    return Base(doc, s[first][0], s[last][1], length, first, last)


_QUOTES = {"'": "’", "’": "'", "‘": "'", '"': "“", "“": '"', "”": '"'}
_DASHES = {"—": " -- ", "–": "-", "-": "–", "…": "..."}


def normalised(text: str, rng: random.Random) -> str:
    out = []
    for i, ch in enumerate(text):
        if ch == '"':
            out.append("“" if i == 0 or text[i - 1].isspace() else "”")
        elif ch in _QUOTES:
            out.append(_QUOTES[ch])
        elif ch in _DASHES:
            out.append(_DASHES[ch])
        elif ch == "\n":
            out.append(" ")
        elif ch == " " and rng.random() < 0.1:
            out.append(rng.choice(["  ", "\n", " \t"]))
        else:
            out.append(ch)
    return "  " + "".join(out) + "\n"


_WORD = re.compile(r"[A-Za-z]{3,}")


def word_changed(text: str, doc: Doc, rng: random.Random) -> str | None:
    words = list(_WORD.finditer(text))
    if len(words) < 4 or not doc.words:
        return None
    m = rng.choice(words)
    new = rng.choice(doc.words)
    for _ in range(20):
        if new.lower() != m.group().lower():
            break
        new = rng.choice(doc.words)
    new = new.lower()
    if m.group()[0].isupper():
        new = new.capitalize()
    return text[: m.start()] + new + text[m.end() :]


_CONJUNCTION = re.compile(r"\s(?:and|but|which|while|because|although|who|where|as)\s", re.IGNORECASE)


def clause_dropped(text: str, rng: random.Random) -> str | None:
    """Leave out one clause: between two commas, or from a conjunction to the next comma or stop."""
    n = len(text.split())
    options = []
    commas = [m.start() for m in re.finditer(r",\s", text)]
    options += list(itertools.pairwise(commas))  # ", clause" up to the next comma
    for m in _CONJUNCTION.finditer(text):
        stop = re.compile(r"[,.;:!?]").search(text, m.end())
        if stop:
            options.append((m.start(), stop.start()))
    # a clause inside the quote: dropping its last words would leave a shorter quote, still exact
    options = [
        (a, z)
        for a, z in options
        if 2 <= len(text[a:z].split()) <= max(3, min(15, 0.4 * n)) and len(text[z:].split()) >= 2
    ]
    if not options or n < 6:
        return None
    a, z = rng.choice(options)
    return text[:a] + text[z:]


def ellipsis(base: Base, rng: random.Random) -> tuple[str, list[tuple[int, int]]] | None:
    """Two parts of one article joined by an ellipsis, with their spans."""
    doc, s = base.doc, base.doc.sentences
    if base.length == "sentence":
        later = base.first + rng.randint(2, 4)
        if later >= len(s):
            return None
        parts = [s[base.first], s[later]]
    else:
        a, z = base.start, base.end
        cut1 = doc.content.rfind(" ", a, a + int(0.4 * (z - a)))
        cut2 = doc.content.find(" ", z - int(0.4 * (z - a)), z)
        if cut1 <= a or cut2 < 0:
            return None
        parts = [(a, cut1), (cut2 + 1, z)]
    if any(len(doc.content[x:y].split()) < 4 for x, y in parts):
        return None
    joiner = rng.choice([" … ", " ... ", "… ", " …"])
    return joiner.join(doc.content[x:y].strip() for x, y in parts), parts


SYNONYMS = {
    "said": "stated", "says": "states", "say": "state", "important": "significant", "significant": "notable",
    "increase": "rise", "increased": "grew", "increases": "rises", "decrease": "decline", "decreased": "fell",
    "large": "big", "small": "little", "many": "numerous", "help": "assist", "helps": "assists",
    "use": "employ", "used": "employed", "using": "employing", "show": "demonstrate", "showed": "demonstrated",
    "shows": "demonstrates", "also": "additionally", "however": "nevertheless", "because": "since",
    "but": "yet", "begin": "start", "began": "started", "first": "initial", "new": "fresh", "make": "create",
    "made": "created", "makes": "creates", "people": "individuals", "country": "nation", "nation": "country",
    "government": "administration", "major": "key", "result": "outcome", "results": "outcomes",
    "effect": "impact", "effects": "impacts", "provide": "supply", "provided": "supplied",
    "provides": "supplies", "approximately": "roughly", "about": "around", "total": "overall",
    "between": "among", "during": "throughout", "before": "prior to", "after": "following",
    "against": "versus", "within": "inside", "without": "lacking", "could": "might", "would": "might",
    "should": "ought to", "will": "shall", "can": "may", "very": "highly", "often": "frequently",
    "still": "yet", "only": "merely", "both": "each of", "each": "every", "other": "additional",
    "different": "distinct", "similar": "comparable", "high": "elevated", "higher": "greater", "low": "reduced",
    "lower": "smaller", "level": "degree", "levels": "degrees", "number": "count", "part": "portion",
    "support": "backing", "military": "armed", "war": "conflict", "weapons": "arms", "threat": "danger",
    "attack": "assault", "security": "safety", "economic": "financial", "policy": "strategy",
    "president": "leader", "officials": "authorities", "agreement": "accord", "relationship": "relation",
    "development": "growth", "expected": "anticipated", "likely": "probable", "possible": "feasible",
    "difficult": "hard", "critical": "crucial", "clear": "evident", "recent": "latest", "current": "present",
    "previous": "prior", "further": "more", "ability": "capacity", "build": "construct", "built": "constructed",
    "game": "title", "released": "issued", "series": "franchise", "story": "narrative", "character": "figure",
    "characters": "figures", "team": "squad", "city": "town", "area": "region", "received": "got",
    "known": "recognised", "called": "named", "including": "comprising", "company": "firm",
    "companies": "firms", "income": "earnings", "revenue": "turnover", "revenues": "receipts", "tax": "levy",
    "cost": "expense", "costs": "expenses", "value": "worth", "assets": "holdings", "period": "interval",
    "ended": "closed", "operating": "operational", "financial": "fiscal", "shares": "stakes",
    "stock": "equity", "cash": "money", "debt": "borrowings", "loss": "deficit", "losses": "deficits",
    "patients": "subjects", "study": "research", "studies": "investigations", "genes": "loci",
    "expression": "activity", "protein": "polypeptide", "proteins": "polypeptides", "analysis": "examination",
    "data": "information", "method": "approach", "methods": "approaches", "observed": "noticed",
    "found": "discovered", "identified": "detected", "suggest": "indicate", "suggests": "indicates",
    "associated": "linked", "treatment": "therapy", "disease": "illness", "risk": "hazard", "role": "function",
    "theme": "template", "product": "item", "products": "items", "image": "picture", "page": "screen",
    "pages": "screens", "settings": "options", "click": "press", "select": "choose", "want": "wish",
    "need": "require", "information": "details", "question": "query", "answer": "reply",
    "example": "instance", "world": "globe", "children": "kids", "families": "households", "jobs": "positions",
    "workers": "employees", "pay": "compensate", "money": "funds", "fight": "battle", "bill": "legislation",
    "law": "statute", "tonight": "this evening", "job": "position", "home": "house", "time": "moment",
    "way": "manner", "work": "labour", "get": "obtain", "give": "grant", "take": "seize", "see": "observe",
    "know": "realise",
    "think": "believe", "just": "simply", "even": "indeed", "now": "today", "more": "additional",
}  # fmt: skip
FUNCTION_SWAPS = {
    "most": "the majority of", "some": "certain", "all": "every one of", "any": "whatever", "into": "towards",
    "from": "out of", "with": "alongside", "for": "on behalf of", "on": "upon", "by": "through",
    "as": "being", "that": "which", "this": "the present", "these": "such", "those": "such",
    "is": "remains", "are": "remain", "was": "had been", "were": "had been", "has": "possesses",
    "have": "possess", "had": "held", "been": "existed", "not": "never", "there": "therein",
    "in": "inside", "at": "near", "to": "toward", "of": "belonging to", "and": "plus", "or": "alternatively",
    "a": "one", "an": "one", "the": "this",
}  # fmt: skip


def _swap(word: str, rng: random.Random) -> str:
    """A synonym for most content words of the table, for some function words."""
    low = word.lower()
    if low in SYNONYMS and rng.random() < 0.9:
        return SYNONYMS[low]
    if low in FUNCTION_SWAPS and rng.random() < 0.3:
        return FUNCTION_SWAPS[low]
    return word


_SPLIT = re.compile(r",\s|\s(?:and|because|while|in|for|with|to|after|before|when)\s")


def paraphrased(text: str, rng: random.Random) -> str | None:
    """Clauses swapped, words replaced from the synonym table; None when too little changed."""
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    out = []
    for sentence in sentences:
        body = sentence.rstrip(".!?")
        end = sentence[len(body) :]
        cuts = [m for m in _SPLIT.finditer(body) if 0.25 < m.start() / max(len(body), 1) < 0.75]
        if cuts:
            m = rng.choice(cuts)
            left, joint, right = body[: m.start()], body[m.start() : m.end()], body[m.end() :]
            joint = joint.strip(" ,") or ","
            body = f"{right[:1].upper()}{right[1:]}, {joint} {left[:1].lower()}{left[1:]}"
        words = [_swap(w, rng) for w in body.split()]
        out.append(" ".join(words) + end)
    result = " ".join(out)
    before, after = re.findall(r"\w+", text.lower()), re.findall(r"\w+", result.lower())
    if SequenceMatcher(None, before, after, autojunk=False).ratio() > 0.6:
        return None
    return result


def other_texts(rng: random.Random, count: int) -> dict[str, list[str]]:
    """Sentences, short passages and long stretches of SQuAD paragraphs, by length class."""
    contexts = []
    for line in (SHARED / "train" / "squad_train.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            if not contexts or contexts[-1][1] != record["context"]:
                contexts.append((record["article"], record["context"]))
    out: dict[str, list[str]] = {length: [] for length in LENGTHS}
    for _ in range(count):
        i = rng.randrange(len(contexts))
        sentences = re.split(r"(?<=[.!?])\s+", contexts[i][1])
        k = rng.randrange(len(sentences))
        out["sentence"].append(sentences[k])
        out["paragraphs"].append(" ".join(sentences[k : k + 3]) + "\n\n" + contexts[min(i + 1, len(contexts) - 1)][1])
        stretch = contexts[i][1]
        j = i + 1
        while len(stretch) < LONG[0] and j < len(contexts):
            stretch += "\n\n" + contexts[j][1]
            j += 1
        out["long"].append(stretch[: LONG[1]].rsplit(" ", 1)[0])
    return out
