"""The command lines as a user runs them: add, list, ask, quote, remove; exit codes say what happened."""

from __future__ import annotations

import json

from tests.conftest import SEEDS


def test_add_list_ask_remove(run, tmp_path):
    article = tmp_path / "hawks.txt"
    article.write_text("The Hawk Question\nSeoul keeps 300 Hawk batteries in reserve for a rainy day.\n", "utf-8")
    added = run("ingest", "add", str(article), "--author", "Test Author", "--published", "2025-01-02")
    assert added.returncode == 0, added.stderr
    assert "added hawks.md" in added.stdout
    stored = (run.corpus / "hawks.md").read_text("utf-8")
    assert stored.startswith("---\ntitle: The Hawk Question\ntitle_derived: true\nauthor: Test Author\n")
    assert "## The Hawk Question\nSeoul keeps 300 Hawk batteries" in stored

    listed = run("ingest", "list")
    assert "hawks.md\tThe Hawk Question\tTest Author, 2025-01-02" in listed.stdout

    # another text under the same name is not written over the article unless asked
    article.write_text("The Hawk Answer\nSeoul keeps 300 Hawk batteries in reserve for a rainy day.\n", "utf-8")
    again = run("ingest", "add", str(article))
    assert again.returncode == 1 and again.stdout == ""
    assert again.stderr.strip() == (
        "error: hawks.md: the corpus already has an article by this name (“The Hawk Question”); "
        "--replace overwrites it, --name adds another"
    )
    assert (run.corpus / "hawks.md").read_text("utf-8") == stored
    replaced = run("ingest", "add", str(article), "--replace", "--author", "Test Author", "--published", "2025-01-02")
    assert replaced.returncode == 0 and replaced.stdout == "replaced hawks.md: The Hawk Answer\n", replaced.stderr

    asked = run("assistant", "ask", "How many Hawk batteries does Seoul keep in reserve?", "--json")
    answer = json.loads(asked.stdout)
    assert any(c["article_id"] == "hawks.md" and "300 Hawk batteries" in c["quote"] for c in answer["citations"])

    removed = run("ingest", "remove", "hawks")
    assert removed.returncode == 0 and not (run.corpus / "hawks.md").exists()
    assert "hawks.md" not in run("ingest", "list").stdout


def test_sync_shows_progress_and_bad_files_fail_with_one_line_each(run):
    (run.corpus / "empty.md").write_text("", "utf-8")
    (run.corpus / "broken.md").write_text("---\nauthor: [x\n---\ntext\n", "utf-8")
    (run.corpus / "unquoted.md").write_text('---\ntitle: "Unclosed\nauthor: A. Writer\ntags: [a]\n---\ntext\n', "utf-8")
    result = run("ingest", "sync")
    assert result.returncode == 1
    assert "Embedding passages" in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert sorted(errors) == [
        "error: broken.md: malformed YAML front matter (line 2): while parsing a flow sequence",
        "error: empty.md: file is empty",
        "error: unquoted.md: malformed YAML front matter (line 2): while scanning a quoted scalar",
    ]


def test_adding_the_same_article_twice_is_refused_naming_the_existing_one(run):
    result = run("ingest", "add", str(SEEDS / "000_7a5f3811124590e6.txt"))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: 000-7a5f3811124590e6.md: same text as the article already in the corpus: "
        "north-korea-in-ukraine-south-korea-response.md"
    )
    assert not (run.corpus / "000-7a5f3811124590e6.md").exists()  # the name add would have written


def test_ask_prints_answer_and_numbered_sources(run):
    result = run("assistant", "ask", "How much is Russia expected to pay North Korea per soldier?")
    assert result.returncode == 0, result.stderr
    assert "$2,000 per soldier per month" in result.stdout
    assert "Sources:\n[1] Lami Kim, “" in result.stdout


def test_quote_prints_quotes_ready_to_paste(run):
    result = run("assistant", "quote", "public opinion on supplying arms", "--count", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("    — ") == 2
    elsewhere = run("assistant", "quote", "What the European Central Bank decided on rates")
    assert elsewhere.returncode == 0 and elsewhere.stdout == "No article mentions “European Central Bank”.\n"


def test_empty_question_exits_with_a_message(run):
    result = run("assistant", "ask", "  ")
    assert result.returncode == 2
    assert "Please type a question." in result.stderr


def test_quotes_print_ready_to_paste_in_the_chosen_style(run):
    assert run("ingest", "sync").returncode == 0
    chicago = run(
        "assistant", "quote", "South Korean public opinion on arming Ukraine", "--count", "1", "--style", "chicago"
    )
    assert chicago.returncode == 0, chicago.stderr
    quote, note = chicago.stdout.strip().split("\n\n")
    assert quote.startswith("“") and quote.endswith("”") and note.startswith("Lami Kim, “What North Korea’s Fight")
    bibtex = run(
        "assistant", "quote", "South Korean public opinion on arming Ukraine", "--count", "1", "--style", "bibtex"
    )
    assert bibtex.stdout.startswith("@online{kim") and "  note = {Quoted: ``" in bibtex.stdout
    wrong = run("assistant", "quote", "opinion", "--style", "apa")
    assert wrong.returncode == 2 and "unknown style 'apa'" in wrong.stderr


def test_compare_and_timeline_from_the_command_line(run):
    assert run("ingest", "sync").returncode == 0
    compared = run("assistant", "compare", "Should South Korea send weapons to Ukraine?", "--json")
    assert compared.returncode == 0, compared.stderr
    result = json.loads(compared.stdout)
    assert "north-korea-in-ukraine-south-korea-response.md" in {a["article_id"] for a in result["speaking"]}
    compared_ids = {a["article_id"] for a in result["speaking"] + result["silent"]}
    assert compared_ids == {p.name for p in run.corpus.glob("*.md")}  # each article: speaking, or said not to
    for article in result["speaking"]:
        content = (run.corpus / article["article_id"]).read_text(encoding="utf-8")
        assert all(content[q["start"] : q["end"]] == q["quote"] for q in article["quotes"])
    markdown = run("assistant", "compare", "Should South Korea send weapons to Ukraine?").stdout
    assert markdown.startswith("# What the articles say: Should South Korea send weapons to Ukraine?")
    timeline = run("assistant", "timeline", "North Korean troops in Russia", "--count", "3")
    assert timeline.returncode == 0 and timeline.stdout.count("\n    — ") == 3
    elsewhere = run("assistant", "timeline", "The European Central Bank on rates")
    assert elsewhere.returncode == 0 and elsewhere.stdout == "No article mentions “European Central Bank”.\n"
