"""Which sentences an answer quotes (assistant.answer.extractive.quoted_runs): the best and those
nearly as good, each with a neighbour that carries on its point, joined into spans of one passage."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assistant.answer.extractive import AnswerSettings, quoted_runs, sentence_places
from footnote.types import Source
from ingest.chunk import chunk_article
from ingest.load import parse_article

SETTINGS = AnswerSettings(min_answerability=0.5, candidates=8, prior_weight=0.0, quote_margin=2.0, context_margin=3.0)


@dataclass
class Sentence:
    passage: str
    order: int
    score: float
    heading: str = ""  # "headline" or "section"


def runs(*sentences: Sentence, settings: AnswerSettings = SETTINGS) -> list[list[tuple[str, int]]]:
    ranked = sorted(sentences, key=lambda s: -s.score)
    found = quoted_runs(ranked, settings, lambda s: s.score, lambda s: (s.passage, s.order), lambda s: s.heading)
    return [[(s.passage, s.order) for s in run] for run in found]


def test_one_clear_answer_is_one_quote():
    assert runs(Sentence("a", 3, 5.0), Sentence("a", 7, 1.0), Sentence("b", 0, 0.5)) == [[("a", 3)]]


def test_sentences_nearly_as_good_are_quoted_too_best_first():
    assert runs(Sentence("a", 3, 5.0), Sentence("b", 1, 4.0), Sentence("c", 2, 2.0)) == [[("a", 3)], [("b", 1)]]


def test_a_neighbour_within_the_context_margin_joins_its_quote():
    # The sentence after the best is 2.5 logits behind: too far to be a quote of its own, near
    # enough to carry on the best one's point; the one before it is 3.5 behind and stays out.
    assert runs(Sentence("a", 3, 5.0), Sentence("a", 4, 2.5), Sentence("a", 2, 1.5)) == [[("a", 3), ("a", 4)]]


def test_a_sentence_within_the_margin_but_not_next_to_a_quote_is_not_taken_in():
    assert runs(Sentence("a", 3, 5.0), Sentence("a", 5, 2.5), Sentence("b", 4, 2.5)) == [[("a", 3)]]


def test_neighbours_that_are_both_quotes_are_one_span_in_reading_order():
    assert runs(Sentence("a", 4, 5.0), Sentence("a", 3, 4.5), Sentence("b", 1, 4.0)) == [
        [("a", 3), ("a", 4)],
        [("b", 1)],
    ]


def test_a_headline_is_quoted_only_when_it_scores_best_and_then_beside_the_best_sentence():
    """An article's headline ("Open borders, broken alliances: what the Sahel exit from ECOWAS
    really changed") does not say which countries left; the lede 2.5 logits behind it does."""
    headline, lede = Sentence("a", 0, 5.0, heading="headline"), Sentence("a", 2, 2.5)
    assert runs(headline, lede, Sentence("b", 1, 0.0)) == [[("a", 0)], [("a", 2)]]
    # A headline that is not the best is not quoted, and the margins run from the best sentence.
    assert runs(Sentence("a", 2, 5.0), Sentence("a", 0, 4.5, heading="headline"), Sentence("b", 1, 3.5)) == [
        [("a", 2)],
        [("b", 1)],
    ]


def test_a_section_heading_is_never_quoted_unless_it_is_all_there_is():
    """ "What the region should do next" is a label, no answer to "What does the piece recommend?"."""
    label = Sentence("a", 0, 5.0, heading="section")
    assert runs(label, Sentence("a", 2, 2.5), Sentence("b", 1, 0.0)) == [[("a", 2)]]
    assert runs(label, Sentence("b", 0, 1.0, heading="section")) == [[("a", 0)]]


def test_the_same_position_in_another_passage_is_not_a_neighbour():
    assert runs(Sentence("a", 3, 5.0), Sentence("b", 4, 2.5)) == [[("a", 3)]]


def test_the_quote_limit_counts_sentences_chosen_on_their_own_merit():
    five = [Sentence(p, 0, 5.0 - i / 10) for i, p in enumerate("abcde")]
    assert runs(*five) == [[("a", 0)], [("b", 0)], [("c", 0)], [("d", 0)]]


@pytest.mark.parametrize("margin", [0.0, 2.0])
def test_no_context_margin_beyond_the_quote_margin_means_sentences_alone(margin):
    settings = AnswerSettings(
        min_answerability=0.5, candidates=8, prior_weight=0.0, quote_margin=2.0, context_margin=margin
    )
    assert runs(Sentence("a", 3, 5.0), Sentence("a", 4, 2.5), settings=settings) == [[("a", 3)]]


ARTICLE = (
    "---\ntitle: Neighbours\n---\n\n"
    "## The deal in full\n"
    "Russia may offer re-entry vehicle technology. It may also offer\nsubmarine technology in return.\n\n"
    "A new paragraph starts here. It goes on here.\n"
)
WIKI = " = The deal in full = \n Russia may offer technology . It may also offer submarines . \n"


def places(name: str, content: str) -> dict[str, int]:
    """Each sentence of the article's one passage, by its place (``sentence_places``)."""
    (passage,) = chunk_article(parse_article(name, content), target_chars=2000)
    source = Source(
        article_id=name,
        title="Neighbours",
        section=passage.section,
        passage_id=passage.id,
        start=passage.start,
        end=passage.end,
        text=passage.text,
        sentences=[(s.start, s.end) for s in passage.sentences],
    )
    spans = source.sentences
    return {content[a:z]: p for (a, z), p in zip(spans, sentence_places(source, spans), strict=True)}


def test_sentences_of_one_paragraph_are_neighbours_across_a_line_break():
    p = places("neighbours.md", ARTICLE)
    assert (
        p["It may also offer\nsubmarine technology in return."] - p["Russia may offer re-entry vehicle technology."]
        == 1
    )
    assert p["It goes on here."] - p["A new paragraph starts here."] == 1


def test_a_paragraph_break_or_a_heading_parts_neighbours():
    p = places("neighbours.md", ARTICLE)
    assert p["A new paragraph starts here."] - p["It may also offer\nsubmarine technology in return."] == 2
    assert p["Russia may offer re-entry vehicle technology."] - p["The deal in full"] == 2


def test_heading_markup_between_sentences_parts_them():
    p = places("wiki.md", WIKI)
    heading = next(k for k in p if "The deal in full" in k)
    first = next(k for k in p if k.startswith("Russia"))
    second = next(k for k in p if k.startswith("It may"))
    assert p[first] - p[heading] == 2
    assert p[second] - p[first] == 1


MEKONG = (
    "---\ntitle: The Mekong accord\n---\n\n# The Mekong accord\n\nThe accord was signed in June. It took eighteen"
    " months.\n\nOperators argue the fund is small.\n\n## Why the accord matters\n\nFisheries feed millions.\n\n"
    "Dr. Sophea Chan, a hydrologist, said the flows matter.\n\nA last paragraph here.\n"
)


def test_a_citation_gives_the_paragraph_its_quote_is_in_not_its_passage_s_first():
    """A passage holds several paragraphs; a quote from its third is cited as the article's third
    paragraph (headings count for nothing, as when the article was indexed)."""
    from assistant.answer.compose import cite

    cited = {}
    for p in chunk_article(parse_article("mekong.md", MEKONG), 800):
        source = Source(
            passage_id=str(p.index), article_id="mekong.md", title="The Mekong accord", start=p.start, end=p.end,
            text=p.text, section=p.section, paragraph=p.paragraph,
        )  # fmt: skip
        for s in p.sentences:
            citation = cite(1, source, s.start, s.end)
            cited[citation.quote] = citation.paragraph
    assert cited == {
        "The Mekong accord": 1,
        "The accord was signed in June.": 1,
        "It took eighteen months.": 1,
        "Operators argue the fund is small.": 2,
        "Why the accord matters": 3,
        "Fisheries feed millions.": 3,
        "Dr. Sophea Chan, a hydrologist, said the flows matter.": 4,
        "A last paragraph here.": 5,
    }


@pytest.mark.parametrize("target", [60, 150, 800])
@pytest.mark.parametrize(
    "text",
    [
        MEKONG,
        "# Title #\n\nPara one. It runs on.\n\nPara two is here, longer than the others are.\n\n## Part #\n\nThree.\n",
        "A Title Line\n\nFirst paragraph of plain text. Another sentence of it.\n\nShort Heading\n\nMore text here.\n",
    ],
    ids=["markdown", "closing-markup", "plain-text"],
)
def test_every_sentence_is_cited_in_the_paragraph_the_whole_article_puts_it_in(text, target):
    """However the article is cut into passages (small ones start mid-paragraph), each sentence's
    paragraph is the one counted over the whole article, headings not counted."""
    from ingest.chunk import is_markdown, paragraph_at
    from ingest.segment import segment

    name = "a.md" if text.startswith(("#", "---")) else "a.txt"
    article = parse_article(name, text)
    paragraphs = [b for b in segment(article.content, article.body_start, is_markdown(name)) if b.kind == "paragraph"]
    checked = 0
    for p in chunk_article(article, target):
        for s in p.sentences:
            holding = [i for i, b in enumerate(paragraphs, 1) if b.start <= s.start < b.end]
            if holding:  # a heading is in no paragraph
                assert paragraph_at(name, p.text, p.start, p.section, p.paragraph, s.start) == holding[0], text[
                    s.start : s.end
                ]
                checked += 1
    assert checked >= 3
