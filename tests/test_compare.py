"""Compare and timeline: what each article says, side by side in order of publication, and a topic's
quotes through time (real index, real answer model)."""

from __future__ import annotations

import pytest

from assistant.chain import Assistant
from tests.app_support import write_article

DAM_2023 = (
    "The Vell dam holds 40 million cubic metres of water, the regional water authority said in its 2023 report. "
    "Farmers downstream rely on its spring releases.\n"
)
DAM_2025 = (
    "After its extension, the Vell dam holds 55 million cubic metres of water, the authority's 2025 survey found. "
    "The extension took two years and cost the region dearly.\n"
)
DAM_UNDATED = "Engineers who inspected the Vell dam describe its concrete as sound and its spillway as well kept.\n"
QUESTION = "How much water does the Vell dam hold?"


@pytest.fixture
def assistant(library, settings) -> Assistant:
    corpus = library.corpus_dir
    write_article(corpus / "dam-2025.md", DAM_2025, title="The Vell dam after its extension", published="2025-02-10")
    write_article(corpus / "dam-2023.md", DAM_2023, title="Water in the Vell dam", published="2023-04-01")
    write_article(corpus / "dam-inspection.md", DAM_UNDATED, title="Inspecting the Vell dam")
    assert library.sync().ok
    return Assistant(library.index, settings)


def test_articles_that_answer_are_side_by_side_in_order_of_publication(assistant):
    result = assistant.compare(QUESTION)
    speaking = [a.article_id for a in result.speaking]
    assert speaking[:2] == ["dam-2023.md", "dam-2025.md"]
    assert "40 million cubic metres" in result.speaking[0].quotes[0].quote
    assert "55 million cubic metres" in result.speaking[1].quotes[0].quote
    assert not {a.article_id for a in result.silent} & {"dam-2023.md", "dam-2025.md"}


def test_different_figures_on_the_same_point_are_shown_together(assistant):
    result = assistant.compare(QUESTION)
    pairs = {(p.first.article_id, p.second.article_id): p.differs for p in result.same_points}
    assert pairs.get(("dam-2023.md", "dam-2025.md")) is True


def test_every_compared_quote_is_verbatim_at_its_span(assistant, library):
    result = assistant.compare(QUESTION)
    for article in result.speaking:
        content = library.article(article.article_id).content
        assert article.quotes and all(content[c.start : c.end] == c.quote for c in article.quotes)


def test_the_comparison_exports_as_markdown_with_attributions(assistant):
    text = assistant.compare(QUESTION).markdown()
    assert text.startswith(f"# What the articles say: {QUESTION}\n")
    assert text.index("## Water in the Vell dam") < text.index("## The Vell dam after its extension")
    assert "> — [" not in text and "— *Water in the Vell dam*" in text
    assert "## On the same point" in text and "(different figures)" in text


def test_a_question_no_article_answers_lists_them_as_not_addressing_it(assistant):
    result = assistant.compare("What is the recipe for kimchi jjigae?")
    assert result.speaking == [] and result.silent and not result.notice
    assert "## Not addressing it" in result.markdown()


def test_the_timeline_runs_in_order_of_publication_undated_last(assistant, library):
    quotes = assistant.timeline("the Vell dam's water and condition", count=6)
    dated = [q.published for q in quotes if q.published]
    assert dated == sorted(dated) and {"2023-04-01", "2025-02-10"} <= set(dated)
    firsts = [bool(q.published) for q in quotes]
    assert firsts == sorted(firsts, reverse=True)  # every dated quote before every undated one
    assert all(library.article(q.article_id).content[q.start : q.end] == q.quote for q in quotes)


def test_a_topic_no_article_mentions_is_compared_and_timed_as_such(assistant):
    """Each article's best sentences would be about something else, shown as what it says."""
    topic = "What did the European Central Bank decide on rates?"
    comparison = assistant.compare(topic)
    assert comparison.notice == "No article mentions “European Central Bank”."
    assert not comparison.speaking and not comparison.silent and not comparison.same_points
    assert "*No article mentions “European Central Bank”.*" in comparison.markdown()
    assert assistant.timeline(topic) == []
    assert assistant.unmentioned(topic) == comparison.notice
