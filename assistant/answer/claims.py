"""Reading a generated answer as text: its sentences, the numbers and content words it states, its
quotations, and the article sentences that are really instructions to a language model.

Pure functions on strings, shared by the verifier (assistant/answer/verify.py) and by front ends
that split a checked answer back into its sentences (``split_sentences``: a ``MARK`` closes the
sentence it follows). Generated text is not article text: bullets, headings and ``[n]`` markers are
layout here, which is why this splitter is not ingest's.
"""

from __future__ import annotations

import re

from bm25s.stopwords import STOPWORDS_EN

from footnote.text import stem_words

MARK = "⚠"


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# ----------------------------------------------------------------------------- sentence splitting

_LINE_PREFIX = re.compile(r"[ \t]*(?:[-*+•]|\d{1,3}[.)]|#{1,6}|>)[ \t]+")
_TERMINATORS = ".!?…"
_CLOSING = "”’)]*_"
CITATION_MARKER = re.compile(
    r"\[\s*(?:passages?\s*)?(\d+(?:\s*(?:[,;–-]|and)\s*(?:passages?\s*)?\d+)*)\s*\]", re.IGNORECASE
)
_TRAILING_MARKERS = re.compile(r"(?:[ \t]*" + CITATION_MARKER.pattern + r")*", re.IGNORECASE)
_SHOWN_MARK = re.compile(MARK + r" \*\([^)\n]*\)\*")
_ABBREVIATIONS = _wordset(
    "mr mrs ms dr prof st sr jr vs etc e.g i.e u.s u.n u.k e.u no jan feb mar apr jun jul aug sep sept oct nov dec "
    "gen col lt sgt rep sen gov pres inc ltd co corp approx fig"
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of generated text; what lies between them is layout.

    A sentence ends at a terminator outside quotation marks (with any closing marks and ``[n]``
    markers that follow it) when whitespace follows, or at the end of a line. Bullets, numbered
    items, heading hashes and block quotes at the start of a line are layout, not sentence text.
    """
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    start: int | None = None
    in_curly = in_straight = False
    line_start = True
    while i < n:
        ch = text[i]
        if ch == "\n":
            if start is not None:
                spans.append((start, _rstrip(text, start, i)))
                start = None
            in_curly = in_straight = False
            line_start = True
            i += 1
            continue
        if start is None:
            if ch.isspace():
                i += 1
                continue
            if line_start:
                m = _LINE_PREFIX.match(text, i)
                line_start = False
                if m and m.end() < n and text[m.end()] != "\n":
                    i = m.end()
                    continue
            start = i
        line_start = False
        marked = _SHOWN_MARK.match(text, i) if ch == MARK else None
        if marked:  # a checked answer's marker closes its sentence, so shown text splits the same way
            spans.append((start, marked.end()))
            start, i = None, marked.end()
            continue
        if ch == "“":
            in_curly = True
        elif ch == "”":
            in_curly = False
        elif ch == '"':
            in_straight = not in_straight
        elif ch in _TERMINATORS and not _is_abbreviation(text, start, i):
            k = i + 1
            while k < n and text[k] in _TERMINATORS:
                k += 1
            while k < n and (text[k] in _CLOSING or text[k] == '"'):
                if text[k] == "”":
                    in_curly = False
                elif text[k] == '"':
                    if not in_straight:
                        break
                    in_straight = False
                k += 1
            if not (in_curly or in_straight):
                k = _TRAILING_MARKERS.match(text, k).end()
                if k >= n or text[k].isspace():
                    spans.append((start, k))
                    start = None
                    i = k
                    continue
            i = k
            continue
        i += 1
    if start is not None:
        end = _rstrip(text, start, n)
        if end > start:
            spans.append((start, end))
    return spans


def complete_prefix(text: str) -> int:
    """How much of a reply still being streamed consists of finished sentences.

    The last sentence may still grow, and a sentence followed only by the start of a ``[n]``
    marker may still receive it, so both wait for more text.
    """
    spans = split_sentences(text)
    if not spans:
        return 0
    done = spans[:-1]
    last_start = spans[-1][0]
    if text[last_start] == "[" and done:
        done = done[:-1]
    return done[-1][1] if done else 0


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _is_abbreviation(text: str, start: int, i: int) -> bool:
    if text[i] != ".":
        return False
    if i + 1 < len(text) and (text[i + 1].isalnum() or text[i + 1] in "-,"):
        return True  # 2.5, U.S.-South Korea, e.g.,
    m = re.search(r"([\w.]+)$", text[start:i])
    if not m:
        return False
    word = m.group(1).lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha() and text[i - 1].isupper())


# ----------------------------------------------------------------------------- words and numbers

_STOPWORDS = frozenset(STOPWORDS_EN) | _wordset(
    "about above after again against all am any because before being below between both can could did do does "
    "doing down during each few from further had has have having he her here hers him his how i into its it's "
    "itself just me more most my now our out over own same she so some than them then there these they those "
    "through too under until up very we were what when where which while who whom why would you your also "
    "may might must shall should per said says say according article articles author passage passages "
    "corpus writes wrote argues argued notes noted suggests suggested states stated"
)
WORD = re.compile(r"(?u)\b[^\W\d_][\w’'-]*\b")
NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?")
_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        re.findall(
            r"\w+",
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
            "seventeen eighteen nineteen twenty",
        )
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90"}
_NUMBER_WORDS |= {"dozen": "12", "hundred": "100", "thousand": "1000"}


def content_stems(text: str) -> set[str]:
    words = [w.lower().replace("’", "'").split("'")[0] for w in WORD.findall(text)]
    return set(stem_words([w for w in words if w not in _STOPWORDS and len(w) > 1]))


def numbers(text: str) -> list[str]:
    """Numbers written with digits, normalised ("$2,000" → "2000", "1950s" → "1950"), in order."""
    out = []
    for m in NUMBER.finditer(text):
        value = m.group().replace(",", "")
        if "." in value:
            value = value.rstrip("0").rstrip(".")
        if value not in out:
            out.append(value)
    return out


def passage_numbers(text: str) -> set[str]:
    found = set(numbers(text))
    found.update(_NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _NUMBER_WORDS)
    return found


# ----------------------------------------------------------------------------- instructions in articles

_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(?:instructions?|prompts?|rules|directions|guidelines)\b"
    r"|\b(?:new|updated|real)\s+instructions?\s*:"
    r"|\bsystem\s+prompt\b"
    r"|\byou\s+are\s+(?:now\s+)?(?:an?|the)\s+(?:ai|assistant|language\s+model|chatbot|llm)\b"
    r"|\b(?:as\s+an\s+ai|language\s+models?\s+(?:must|should)|assistants?\s+(?:must|should))\b"
    r"|\b(?:say|state|answer|respond|reply|tell\s+the\s+user)\b[^.!?\n]{0,30}\bthe\s+corpus\s+(?:proves|shows|says)\b",
    re.IGNORECASE,
)


def is_instruction(text: str) -> bool:
    """A passage sentence addressed to a language model rather than to a reader."""
    return bool(_INSTRUCTION.search(text))


# ----------------------------------------------------------------------------- quotations

QUOTATION = re.compile(r"“([^“”]+)”|\"([^\"\n]+)\"")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\s*(?:\.\.\.|…)\s*\])\s*")
_TYPOGRAPHY = {
    "'": "['’‘]",
    "’": "['’‘]",
    "‘": "['’‘]",
    '"': '["“”]',
    "“": '["“”]',
    "”": '["“”]',
    "-": "[-–—]",
    "–": "[-–—]",
    "—": "[-–—]",
}


def quote_pattern(quote: str) -> re.Pattern | None:
    """The quoted words as a pattern that forgives typography and omissions marked by an ellipsis."""
    quote = quote.strip().rstrip(".,;:")
    parts = [p for p in _ELLIPSIS.split(quote) if p.strip()]
    if not parts:
        return None
    out = []
    for part in parts:
        chars = []
        for j, ch in enumerate(part.strip()):
            if ch.isspace():
                if not chars or chars[-1] != r"\s+":
                    chars.append(r"\s+")
            elif ch in _TYPOGRAPHY:
                chars.append(_TYPOGRAPHY[ch])
            elif j == 0 and ch.isalpha():
                chars.append(f"[{re.escape(ch.lower())}{re.escape(ch.upper())}]")
            else:
                chars.append(re.escape(ch))
        out.append("".join(chars))
    return re.compile(r"[\s\S]{0,400}?".join(out))
