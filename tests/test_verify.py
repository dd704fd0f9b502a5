"""The verifier's checks on generated text, measured without a language model: how an answer is
cut into sentences, which numbers it states, and whether a cited passage supports a sentence."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.answer.claims import complete_prefix, numbers, split_sentences
from assistant.answer.verify import Verifier
from footnote.types import Source

REPO = Path(__file__).resolve().parents[1]
PAY_FACT = "$2,000 per soldier per month"
POLL_FACT = "only 13 percent supported"


def test_sentences_split_outside_quotations_and_keep_their_markers():
    text = "He said “We act. Not now.” [1] Then U.S. aid rose 2.5% [2][3].\n"
    text += "- A bullet without a stop [1]\n### Heading\nLast one"
    assert [text[a:z] for a, z in split_sentences(text)] == [
        "He said “We act. Not now.” [1]",
        "Then U.S. aid rose 2.5% [2][3].",
        "A bullet without a stop [1]",
        "Heading",
        "Last one",
    ]


def test_a_streamed_sentence_waits_for_its_markers():
    assert complete_prefix("First sentence [1]. Second") == len("First sentence [1].")
    assert complete_prefix("First sentence. [") == 0  # the marker may still come
    assert complete_prefix("First sentence. [1] Second") == len("First sentence. [1]")
    assert complete_prefix("Only one sentence so far [1].") == 0


def test_numbers_are_normalised():
    assert numbers("$2,000 per soldier, 13 percent, the 1950s, 75th, 2.50 and [not] 0.5") == [
        "2000",
        "13",
        "1950",
        "75",
        "2.5",
        "0.5",
    ]


SUPPORT_CASES = [
    # (generated sentence, text of the passage it cites, supported?)
    ("Russia is expected to pay North Korea $2,000 per soldier each month.", PAY_FACT, True),
    ("Supplying weapons directly to Ukraine would violate South Korea's Foreign Trade Act.", "Foreign Trade Act", True),
    ("Russia might give North Korea re-entry vehicle and nuclear-powered submarine technology.", "re-entry", True),
    ("Yoon said Seoul would not sit idle and might supply weapons to Ukraine directly.", "sit idle", True),
    ("It is probably too late to get North Korean troops withdrawn from Russia.", "too late", True),
    ("Only 13 percent of South Koreans in a recent poll supported sending arms to Ukraine.", POLL_FACT, True),
    ("South Korea has already sent combat troops to fight in Ukraine.", "sit idle", False),
    ("South Korea's central bank raised interest rates to fight inflation.", PAY_FACT, False),
    ("Kim Jong Un visited Moscow to sign a trade agreement on oil exports.", "Kim Jong Un", False),
    ("NATO decided to admit South Korea as a full member.", "NATO", False),
    ("North Korea has deployed 5,000 soldiers to Ukraine.", "modern warfare", False),
    ("Only 31 percent of South Koreans supported sending arms to Ukraine.", POLL_FACT, False),
]


def _paragraph(needle: str) -> Source:
    """The article paragraph containing ``needle`` as a passage, cut into sentences here, so that this
    test measures the scoring alone, whatever the chunker makes of the articles."""
    for path in sorted((REPO / "corpus").glob("*.md")):
        content = path.read_text(encoding="utf-8")
        at = content.find(needle)
        if at < 0:
            continue
        a = content.rfind("\n", 0, at) + 1
        z = content.find("\n", at) % (len(content) + 1)
        spans, start = [], a
        for m in re.finditer(r"(?<=[.!?”])\s+(?=[A-Z“])", content[a:z]):
            spans.append((start, a + m.start()))
            start = a + m.end()
        spans.append((start, z))
        return Source(
            passage_id="p", article_id=path.name, title=path.stem, start=a, end=z, text=content[a:z], sentences=spans
        )
    raise AssertionError(needle)


def test_support_scores_separate_supported_from_unsupported_sentences(embedder):
    checks = [
        Verifier([_paragraph(needle)], embedder.embed).verify(f"{sentence} [1]").sentences[0]
        for sentence, needle, _ in SUPPORT_CASES
    ]
    got = [(c.original, c.status) for c in checks]
    want = [(f"{s} [1]", "supported" if ok else "unsupported") for s, _, ok in SUPPORT_CASES]
    assert got == want
