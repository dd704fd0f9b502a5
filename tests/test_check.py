"""Check a quote: exact, close or not found, where, and exactly how; through the library and the CLI.

A real index of a copy of corpus/ (the seed articles as Markdown), built as the other tests build it.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys

import pytest

from assistant.check import QuoteError, Verdict, check_quote, tokenize
from footnote.settings import Settings
from footnote.types import ArticleMeta
from ingest.load import Draft
from tests.conftest import LAMI_KIM, REPO, SEED_QUESTIONS, load_questions

NATO = "yoon-at-nato-north-korea-russia.md"


@pytest.fixture(scope="module")
def lib(tmp_path_factory, embedder):
    """A library over a copy of corpus/, indexed once for the tests that only read it."""
    from ingest.index import Index
    from ingest.library import Library

    tmp = tmp_path_factory.mktemp("check")
    settings = Settings(corpus_dir=tmp / "corpus", index_dir=tmp / "index")
    shutil.copytree(REPO / "corpus", settings.corpus_dir)
    library = Library(settings, Index(settings, embedder=embedder))
    assert library.sync().ok
    return library


def check(library, text: str):
    return check_quote(library.index, text, library.corpus_dir)


def content(library, article_id: str) -> str:
    return library.article(article_id).content


def straight(text: str) -> str:
    return text.replace("“", '"').replace("”", '"').replace("’", "'").replace("—", "--")


def assert_verbatim(library, result) -> None:
    for m in result.matches:
        assert m.text == content(library, m.article_id)[m.start : m.end]
        for d in m.differences:
            assert d.article == content(library, m.article_id)[d.start : d.end]


# --- exact -------------------------------------------------------------------------------------------


def test_straight_quotes_and_a_double_hyphen_still_match_curly_quotes_and_an_em_dash(lib):
    text = content(lib, LAMI_KIM)
    original = "Revising the law to allow for providing weapons to Ukraine would require National Assembly support — a"
    typed = 'Seoul "won\'t sit idle" and is prepared to take countermeasures'
    for quote, found in ((straight(original), original), (typed, "Seoul “won’t sit idle” and is prepared")):
        result = check(lib, quote)
        assert result.verdict == Verdict.EXACT, quote
        [m] = result.matches
        assert m.article_id == LAMI_KIM and m.text.startswith(found)
        assert m.text == text[m.start : m.end] and not m.differences
        assert m.attribution.startswith("Lami Kim, “What North Korea’s Fight in Ukraine Means")
        assert m.similarity == 1.0


def test_enclosing_quotation_marks_and_a_closing_stop_are_the_writers_own(lib):
    result = check(lib, "“Russia is expected to pay $2,000 per soldier per month.”")
    assert result.verdict == Verdict.EXACT
    assert [m.text for m in result.matches] == ["Russia is expected to pay $2,000 per soldier per month"]


def test_a_quote_across_a_paragraph_boundary_is_exact_and_spans_the_break(lib):
    text = content(lib, LAMI_KIM)
    end_of_one = "it hasn’t been involved in a large-scale war in over seven decades."
    start_of_next = "But now, North Korean soldiers in Ukraine will witness modern warfare"
    result = check(lib, f"{end_of_one} {start_of_next}")  # pasted on one line
    assert result.verdict == Verdict.EXACT
    [m] = result.matches
    assert m.text == f"{end_of_one}\n{start_of_next}"
    assert m.start == text.index(end_of_one)


def test_a_quote_across_a_heading_is_exact_without_its_markup_and_close_without_its_words(lib):
    text = content(lib, LAMI_KIM)
    before = "while diminishing South Korea’s edge in conventional forces."
    after = "In response to the escalating military cooperation between Russia and North Korea"
    result = check(lib, f"{before} Seoul’s Response {after}")
    assert result.verdict == Verdict.EXACT
    [m] = result.matches
    assert m.text == f"{before}\n## Seoul’s Response\n{after}"
    assert (m.start, m.end) == (text.index(before), text.index(after) + len(after))
    skipped = check(lib, f"{before} {after}")
    assert skipped.verdict == Verdict.CLOSE
    [d] = skipped.matches[0].differences
    assert (d.kind, d.article) == ("dropped", "Seoul’s Response")


def test_a_long_quote_is_found_whole(lib):
    text = content(lib, LAMI_KIM)
    start = text.index("However, this action poses several problems.")
    end = text.index(".", start + 2500) + 1
    quote = " ".join(text[start:end].split())  # as pasted from a page: one paragraph, single spaces
    assert len(quote) >= 2000
    result = check(lib, quote)
    assert result.verdict == Verdict.EXACT
    assert [(m.start, m.end) for m in result.matches] == [(start, end)]
    assert result.matches[0].section == "Seoul’s Response"


# --- close ------------------------------------------------------------------------------------------


def test_one_word_changed_is_close_and_shows_the_true_word(lib):
    result = check(lib, "Russia is expected to give $2,000 per soldier per month")
    assert result.verdict == Verdict.CLOSE
    [m] = result.matches
    assert m.text == "Russia is expected to pay $2,000 per soldier per month"
    [d] = m.differences
    assert (d.kind, d.quote, d.article) == ("changed", "give", "pay")
    assert content(lib, LAMI_KIM)[d.start : d.end] == "pay"
    assert 0.8 < m.similarity < 1.0


def test_a_dropped_clause_is_close_and_shows_what_was_left_out(lib):
    quote = (
        "North Korean soldiers in Ukraine will witness modern warfare, and those who return will contribute "
        "to North Korea's military planning and preparations."
    )
    result = check(lib, quote)
    assert result.verdict == Verdict.CLOSE
    [m] = result.matches
    assert m.text.startswith("North Korean soldiers in Ukraine will witness modern warfare, including")
    assert m.text.endswith("military planning and preparations.")
    [d] = m.differences
    assert d.kind == "dropped" and d.quote == ""
    assert d.article == ", including the use of advanced weaponry such as drones"


def test_an_added_word_is_close(lib):
    result = check(lib, "Russia is reportedly expected to pay $2,000 per soldier per month")
    assert result.verdict == Verdict.CLOSE
    [d] = result.matches[0].differences
    assert (d.kind, d.quote, d.article, d.start == d.end) == ("added", "reportedly", "", True)


def test_capitals_changed_are_close_and_the_articles_case_is_shown(lib):
    result = check(lib, "russia is expected to pay $2,000 per soldier per month")
    assert result.verdict == Verdict.CLOSE
    [d] = result.matches[0].differences
    assert (d.kind, d.quote, d.article) == ("changed", "russia", "Russia")


def test_an_ellipsis_joining_two_parts_of_one_article_is_close_with_both_spans(lib):
    text = content(lib, LAMI_KIM)
    first = "For the first time since the Korean War in the 1950s, the North Korean military is gaining"
    second = "those who return will contribute to North Korea's military planning and preparations."
    for joiner in (" … ", " ... ", "…"):
        result = check(lib, first + joiner + second)
        assert result.verdict == Verdict.CLOSE
        one, two = result.matches
        assert (one.part, two.part) == (1, 2)
        assert one.text == first and one.start == text.index(first)
        assert two.text == second and two.start > one.end
        assert not one.differences and not two.differences
    assert_verbatim(lib, result)


def test_an_ellipsis_the_article_itself_has_is_part_of_the_text(lib):
    quote = "we will gradually adjust our support strategy in phases … This means we are not ruling out"
    result = check(lib, quote)
    assert result.verdict == Verdict.EXACT
    assert result.matches[0].text == quote


# --- not found --------------------------------------------------------------------------------------


def test_a_paraphrase_is_not_found_and_the_closest_passages_are_shown(lib):
    quote = "Per month, each soldier will receive two thousand dollars from Moscow, South Korean spies believe."
    result = check(lib, quote)
    assert result.verdict == Verdict.NOT_FOUND
    assert 1 <= len(result.matches) <= 3
    assert any("$2,000 per soldier per month" in m.text for m in result.matches)
    assert all(m.similarity < 1 and not m.differences for m in result.matches)
    assert_verbatim(lib, result)


def test_a_sentence_from_another_text_is_not_found(lib):
    result = check(
        lib, "The 1973 oil crisis began in October 1973 when the members of OAPEC proclaimed an oil embargo."
    )
    assert result.verdict == Verdict.NOT_FOUND
    assert all(m.similarity < 0.5 for m in result.matches)


def test_nothing_to_check_is_refused(lib):
    for empty in ("", "   \n ", "…", "— , ."):
        with pytest.raises(QuoteError):
            check(lib, empty)


# --- spans --------------------------------------------------------------------------------------


def quote_set(library) -> list[str]:
    """Every evidence string of the seed questions, every sentence of both articles, sentence pairs,
    and each with one word changed."""
    rng = random.Random(15)
    quotes = [ev["text"] for q in load_questions(SEED_QUESTIONS) for ev in q["evidence"]]
    for aid in (LAMI_KIM, NATO):
        text = content(library, aid)
        body = text[library.article(aid).body_start :]
        sentences = [s for s in re.split(r"(?<=[.!?”])\s+", body) if len(s.split()) >= 4]
        quotes += sentences
        quotes += [f"{a} {b}" for a, b in zip(sentences[::3], sentences[1::3], strict=False)]
        for s in sentences[::2]:
            words = s.split()
            words[rng.randrange(len(words))] = "zebra"
            quotes.append(" ".join(words))
    return quotes


def test_every_match_is_the_articles_text_at_its_span(lib):
    quotes = quote_set(lib)
    assert len(quotes) > 150
    verdicts = set()
    for quote in quotes:
        result = check(lib, quote)
        verdicts.add(result.verdict)
        assert result.matches, quote
        assert_verbatim(lib, result)
        if result.verdict == Verdict.EXACT:
            assert all(tokenize(m.text).values[-3:] == tokenize(quote).values[-3:] for m in result.matches)
    assert verdicts == {Verdict.EXACT, Verdict.CLOSE}


# --- kept in step with the index ----------------------------------------------------------------------


def test_an_added_article_is_checked_and_a_removed_one_is_not(library):
    quote = "Seoul keeps 300 Hawk batteries in reserve for a rainy day."
    assert check(library, quote).verdict == Verdict.NOT_FOUND
    meta = ArticleMeta(title="The Hawk Question", author="Test Author", published="2025-01-02")
    library.add(Draft(body="Some preface.\n\n" + quote + "\n", meta=meta, stem="hawks"))
    result = check(library, quote)
    assert result.verdict == Verdict.EXACT
    [m] = result.matches
    assert m.article_id == "hawks.md"
    assert m.attribution == "Test Author, “The Hawk Question”, 2025-01-02"
    assert_verbatim(library, result)
    library.remove("hawks.md")
    assert all(m.article_id != "hawks.md" for m in check(library, quote).matches)
    assert check(library, quote).verdict == Verdict.NOT_FOUND


def test_an_article_edited_on_disk_but_not_reindexed_is_checked_as_indexed(library):
    """Spans must agree with the citations, which index into the text the index holds."""
    path = library.corpus_dir / LAMI_KIM
    indexed = path.read_text(encoding="utf-8")
    path.write_text("Prepended line that moves every offset.\n" + indexed, encoding="utf-8")
    result = check(library, "Russia is expected to pay $2,000 per soldier per month")
    assert result.verdict == Verdict.EXACT
    [m] = result.matches
    assert indexed[m.start : m.end] == m.text == "Russia is expected to pay $2,000 per soldier per month"


# --- the command line --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("check-cli")
    corpus = tmp / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    env = os.environ | {"FOOTNOTE_CORPUS_DIR": str(corpus), "FOOTNOTE_INDEX_DIR": str(tmp / "index")}

    def run(*args: str, stdin: str | None = None, python: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
        command = [sys.executable, *python, "-m", "assistant", "check", *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp, input=stdin)

    run.tmp = tmp
    return run


def test_cli_exact_exits_0_and_prints_json_with_spans_and_attribution(cli):
    result = cli("Russia is expected to pay $2,000 per soldier per month", "--json", python=("-X", "importtime"))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["verdict"] == "exact"
    [m] = out["matches"]
    assert {"article_id", "start", "end", "text", "attribution", "differences"} <= set(m)
    assert m["article_id"] == LAMI_KIM and m["differences"] == []
    assert m["text"] == "Russia is expected to pay $2,000 per soldier per month"
    assert (cli.tmp / "corpus" / LAMI_KIM).read_text("utf-8")[m["start"] : m["end"]] == m["text"]
    assert m["attribution"].startswith("Lami Kim, “What North Korea")
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line}
    assert "gradio" not in imported


def test_cli_close_exits_1_and_shows_the_difference(cli):
    result = cli("Russia is expected to give $2,000 per soldier per month")
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("close: ")
    assert "“Russia is expected to pay $2,000 per soldier per month”" in result.stdout
    assert "changed: “give” → the article has “pay”" in result.stdout


def test_cli_not_found_exits_1_with_json_closest_passages(cli, tmp_path):
    quote = tmp_path / "quote.txt"
    quote.write_text("The 1973 oil crisis began in October 1973 when OAPEC proclaimed an oil embargo.\n", "utf-8")
    result = cli("--file", str(quote), "--json")
    assert result.returncode == 1, result.stderr
    out = json.loads(result.stdout)
    assert out["verdict"] == "not_found"
    assert all(set(m) >= {"article_id", "start", "end", "text", "attribution", "differences"} for m in out["matches"])


def test_cli_reads_the_quote_from_standard_input(cli):
    result = cli("--file", "-", stdin="Seoul “won’t sit idle”\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("exact: ")


def test_cli_usage_errors_exit_2(cli, tmp_path):
    missing = tmp_path / "no-such-file.txt"
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\xfa not utf-8")
    quote = tmp_path / "quote.txt"
    quote.write_text("Russia is expected to pay", "utf-8")
    for args, message in (
        ((), "no quote given"),
        (("   ",), "Please paste the text to check."),
        (("Russia is expected to pay", "--file", str(quote)), "not both"),
        (("--file", str(missing)), "cannot read"),
        (("--file", str(binary)), "cannot read"),
        (("--no-such-option",), "No such option"),
    ):
        result = cli(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert message in result.stderr, (args, result.stderr)
