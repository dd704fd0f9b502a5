"""The app in a real browser (Debian's Chromium through Playwright): what a reader sees and clicks.

Each test leaves a full-page screenshot in test-artifacts/. With FOOTNOTE_UPDATE_SCREENSHOT=1 the
seed-question test also refreshes docs/screenshot.png, the picture the README shows.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from footnote.attribution import paste
from tests.app_support import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    HOSTILE_AUTHOR,
    HOSTILE_BODY,
    HOSTILE_TITLE,
    IMG_PAYLOAD,
    LINK_PAYLOAD,
    OTTERS,
    OTTERS_REVISED,
    ROOT,
    SCRIPT_PAYLOAD,
    SEED_QUESTION,
    SEED_QUOTE,
    SEVERAL_QUOTES_QUESTION,
    served_corpus,
    write_article,
)
from tests.conftest import LAMI_KIM
from ui.ask import EXAMPLES
from ui.storage import browser_storage

WAIT_MS = 60_000  # generous: two cores may also be embedding
expect.set_options(timeout=WAIT_MS)
BOTS = "#fn-chat [data-testid='bot']"
# Gradio's status tracker on the sources panel is hidden again once an answer has fully arrived.
ANSWER_DONE = """(before) => {
  const bots = document.querySelectorAll("#fn-chat [data-testid='bot']");
  const tracker = document.querySelector("#fn-sources-panel [data-testid='status-tracker']");
  return bots.length > before && tracker !== null && tracker.classList.contains('hide')
    && !bots[bots.length - 1].innerText.includes('Searching the corpus');
}"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with served_corpus(tmp_path_factory.mktemp("browser")) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def dialogs() -> list[str]:
    return []


@pytest.fixture
def page(browser, served, request, dialogs):
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, permissions=["clipboard-read", "clipboard-write"]
    )
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(served.url)
    page.wait_for_selector("#fn-question textarea")
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()


def ask(page: Page, question: str, quotes: bool = False) -> None:
    """Type a question, press Ask and wait until the answer and its sources have arrived."""
    page.locator(f"#fn-mode [data-testid='{'Quotes' if quotes else 'Answer'}-radio-label']").click()
    before = page.locator(BOTS).count()
    page.fill("#fn-question textarea", question)
    page.click("#fn-ask")
    page.wait_for_function(ANSWER_DONE, arg=before)


def reload(page: Page) -> None:
    page.reload()
    page.wait_for_selector("#fn-question textarea")


def stored_conversation(page: Page, served) -> str | None:
    """The conversation as the browser keeps it (encrypted), to see when a change has been saved."""
    return page.evaluate("key => localStorage.getItem(key)", browser_storage(served.settings)[0])


def wait_until_saved(page: Page, served, before: str | None) -> None:
    key = browser_storage(served.settings)[0]
    page.wait_for_function("([key, before]) => localStorage.getItem(key) !== before", arg=[key, before])


def last_reply(page: Page) -> str:
    return page.locator(BOTS).last.inner_text()


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


# --- asking ---------------------------------------------------------------------------------------


def test_seed_question_is_answered_with_its_source_highlighted(page):
    page.get_by_role("button", name=f"Select example 1: {SEED_QUESTION}").click()
    page.wait_for_function(ANSWER_DONE, arg=0)

    reply = last_reply(page)
    assert SEED_QUOTE in reply and "[1]" in reply
    card = page.locator("#fn-cite-1")
    expect(card).to_have_attribute("open", "")
    expect(card.locator("mark")).to_contain_text(SEED_QUOTE)
    expect(card.locator("mark")).to_be_visible()
    expect(card).to_contain_text("Lami Kim")
    expect(card).to_contain_text("Paragraph")
    if os.environ.get("FOOTNOTE_UPDATE_SCREENSHOT") == "1":
        page.screenshot(path=ROOT / "docs" / "screenshot.png")


def test_choosing_a_citation_opens_its_source(page):
    ask(page, SEVERAL_QUOTES_QUESTION)
    expect(page.locator("#fn-cite-2")).not_to_have_attribute("open", "")

    page.locator("#fn-picker [data-testid='[2]-radio-label']").click()

    second = page.locator("#fn-cite-2")
    expect(second).to_have_attribute("open", "")
    expect(second).to_have_class("fn-source fn-selected")
    expect(second.locator("mark")).to_be_in_viewport()
    expect(page.locator("#fn-cite-1")).not_to_have_attribute("open", "")
    quote = second.locator("mark").inner_text()
    assert " ".join(quote.split()[:6]) in last_reply(page)


def test_a_citation_opens_its_article_in_the_reader_at_the_quote(page, served):
    page.get_by_role("button", name=f"Select example 1: {SEED_QUESTION}").click()
    page.wait_for_function(ANSWER_DONE, arg=0)

    page.locator("#fn-cite-1 .fn-passage").click()

    reader = page.locator("#fn-reader-panel")
    expect(reader).to_be_visible()
    expect(page.locator("#fn-sources-panel")).to_be_hidden()
    expect(reader.locator(".fn-reader-title")).to_contain_text("What North Korea’s Fight in Ukraine")
    expect(reader.locator(".fn-reader-head")).to_contain_text("Lami Kim")
    quote = reader.locator("mark#fn-reader-quote")
    expect(quote).to_contain_text(SEED_QUOTE)
    expect(quote).to_be_in_viewport()
    expect(reader).to_contain_text("These cash flows could strengthen")  # the whole article, not a passage
    page.click("#fn-reader-back")
    expect(page.locator("#fn-sources-panel")).to_be_visible()
    expect(page.locator("#fn-cite-1")).to_be_visible()


def test_check_a_quote_says_it_is_in_the_corpus_exactly_as_written(page):
    sentence = "Russia is expected to pay $2,000 per soldier per month, totaling $20 million each month."
    page.locator("#fn-mode [data-testid='Check a quote-radio-label']").click()
    page.fill("#fn-question textarea", sentence)
    page.click("#fn-ask")
    page.wait_for_function(ANSWER_DONE, arg=0)

    expect(page.locator(BOTS).last).to_contain_text("In the corpus, exactly as written")
    panel = page.locator("#fn-sources-panel")
    expect(panel.locator(".fn-verdict")).to_have_text("In the corpus, exactly as written")
    expect(panel.locator("#fn-cite-1 .fn-passage")).to_have_text(sentence)
    expect(panel.locator("#fn-cite-1")).to_contain_text("Lami Kim")
    page.locator("#fn-cite-1 .fn-read").click()
    expect(page.locator("mark#fn-reader-quote")).to_have_text(sentence)
    expect(page.locator("mark#fn-reader-quote")).to_be_in_viewport()

    before = page.locator(BOTS).count()
    page.fill("#fn-question textarea", sentence.replace("$2,000", "$3,000"))
    page.click("#fn-ask")
    page.wait_for_function(ANSWER_DONE, arg=before)
    expect(page.locator(BOTS).last).to_contain_text("Close: 1 difference")
    expect(page.locator(BOTS).last.locator("del").first).to_have_text("3")
    expect(page.locator(BOTS).last.locator("ins").first).to_have_text("2")
    expect(page.locator("#fn-sources-panel .fn-diff del").first).to_have_text("3")


def test_quotes_mode_copies_a_quote_with_its_attribution(page, served):
    topic = "North Korean soldiers"
    expected = served.app.assistant.quotes(topic).citations[0]

    ask(page, topic, quotes=True)
    button = page.locator("#fn-cite-1 .fn-copy")
    button.click()

    expect(button).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"“{expected.quote}” — {expected.attribution()}"
    assert last_reply(page).count("— Lami Kim") == page.locator(".fn-copy").count()


def test_compare_the_sources_and_copy_a_quote_as_a_chicago_note(page, served):
    question = "Should South Korea send weapons to Ukraine?"
    comparison = served.app.assistant.compare(question)
    assert len(comparison.speaking) == 2  # both seed articles speak to it

    page.locator("#fn-mode [data-testid='Compare the sources-radio-label']").click()
    before = page.locator(BOTS).count()
    page.fill("#fn-question textarea", question)
    page.click("#fn-ask")
    page.wait_for_function(ANSWER_DONE, arg=before)

    blocks = page.locator("#fn-sources-panel .fn-compare-block")
    expect(blocks).to_have_count(len(comparison.speaking))
    reply = last_reply(page)
    for i, said in enumerate(comparison.speaking):
        expect(blocks.nth(i).locator(".fn-compare-title")).to_have_text(said.title)
        assert said.title in reply
    assert ("Not addressing it" in reply) == bool(comparison.silent)

    page.locator("#fn-paste-style input").click()
    page.get_by_role("option", name="Chicago note").click()
    button = page.locator("#fn-cite-1 .fn-copy")
    button.click()

    expect(button).to_have_text("Copied")
    first = comparison.speaking[0].quotes[0]
    assert page.evaluate("navigator.clipboard.readText()") == paste(first.quote, first, "chicago")
    reload(page)  # the style is remembered
    expect(page.locator("#fn-paste-style input")).to_have_value("Chicago note")


def test_an_unanswerable_question_says_so(page):
    ask(page, "What is the capital of France?")

    assert "The corpus does not answer this question" in last_reply(page)
    expect(page.locator("#fn-sources-panel")).to_contain_text("not an answer")
    expect(page.locator("#fn-sources-panel mark")).to_have_count(0)


def test_the_conversation_is_exported_as_markdown(page):
    ask(page, SEED_QUESTION)
    page.click("#fn-export")
    link = page.locator("#fn-exported a").first
    expect(link).to_have_attribute("download", re.compile(r"^footnote-conversation-[0-9-]+\.md$"))

    with page.expect_download() as download:
        link.click()

    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert f"## 1. Question: {SEED_QUESTION}" in text
    assert SEED_QUOTE in text and "[1] Lami Kim" in text


def test_the_conversation_survives_a_reload_with_its_sources(page, served):
    ask(page, SEED_QUESTION)
    before = stored_conversation(page, served)
    ask(page, SEVERAL_QUOTES_QUESTION)
    wait_until_saved(page, served, before)
    replies = page.locator(BOTS).all_inner_texts()

    reload(page)

    expect(page.locator(BOTS)).to_have_count(2)
    assert page.locator(BOTS).all_inner_texts() == replies
    assert SEED_QUOTE in replies[0] and "[1]" in replies[0] and "[2]" in replies[1]
    expect(page.locator("#fn-chat")).to_contain_text(SEED_QUESTION)
    page.locator("#fn-picker [data-testid='[2]-radio-label']").click()
    second = page.locator("#fn-cite-2")
    expect(second).to_have_attribute("open", "")
    assert " ".join(second.locator("mark").inner_text().split()[:6]) in replies[1]
    page.click("#fn-export")
    with page.expect_download() as download:
        page.locator("#fn-exported a").first.click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert f"## 1. Question: {SEED_QUESTION}" in exported and f"## 2. Question: {SEVERAL_QUOTES_QUESTION}" in exported

    page.locator(BOTS).first.click()  # the old turn: its own [1]

    panel = page.locator("#fn-sources-panel")
    expect(panel).to_contain_text(f"Of an earlier answer, to “{SEED_QUESTION}”")
    expect(page.locator("#fn-picker label")).to_have_count(1)
    first = page.locator("#fn-cite-1")
    expect(first).to_have_attribute("open", "")
    expect(first.locator("mark")).to_contain_text(SEED_QUOTE)
    expect(first.locator("mark")).to_be_in_viewport()
    expect(page.locator("#fn-cite-2")).to_have_count(0)


def test_clear_also_forgets_the_stored_conversation(page, served):
    ask(page, SEED_QUESTION)
    before = stored_conversation(page, served)
    assert before is not None  # kept with the answer itself, not in a later step a reload could cut off
    page.click("#fn-clear")
    wait_until_saved(page, served, before)
    expect(page.locator(BOTS)).to_have_count(0)  # the kept value's change event does not redraw it
    reload(page)
    before = stored_conversation(page, served)
    ask(page, "North Korean soldiers", quotes=True)
    wait_until_saved(page, served, before)

    reload(page)

    expect(page.locator(BOTS)).to_have_count(1)
    expect(page.locator("#fn-chat")).not_to_contain_text(SEED_QUESTION)
    expect(page.locator("#fn-chat")).to_contain_text("Quotes on: North Korean soldiers")
    expect(page.locator("#fn-sources-panel .fn-copy").first).to_be_visible()


# --- growing the corpus ---------------------------------------------------------------------------


def test_upload_an_article_ask_about_it_and_remove_it(page, served, tmp_path):
    path = write_article(
        tmp_path / "otters.md",
        "The otters of Lake Vell eat mostly crayfish, according to a 2022 survey by the lake authority.\n",
        title="Otters of Lake Vell",
        author="Ann Example",
        published="2023-04-01",
    )
    open_tab(page, "Corpus")
    page.set_input_files("#fn-upload input[type='file']", str(path))
    expect(page.locator("#fn-meta-title input, #fn-meta-title textarea")).to_have_value("Otters of Lake Vell")
    page.click("#fn-add")
    expect(page.locator("#fn-add-status")).to_contain_text("Added “Otters of Lake Vell” as otters.md")
    expect(page.locator("#fn-table")).to_contain_text("Otters of Lake Vell")

    open_tab(page, "Ask")
    ask(page, "What do the otters of Lake Vell eat?")
    assert "crayfish" in last_reply(page)
    expect(page.locator("#fn-cite-1 mark")).to_contain_text("eat mostly crayfish")
    expect(page.locator("#fn-cite-1")).to_contain_text("Otters of Lake Vell")

    open_tab(page, "Corpus")
    page.locator("#fn-manage input").click()
    page.get_by_role("option", name="Otters of Lake Vell — otters.md").click()
    page.click("#fn-remove")
    expect(page.locator("#fn-confirm-prompt")).to_contain_text("Remove “Otters of Lake Vell” (otters.md)")
    page.click("#fn-confirm-yes")
    expect(page.locator("#fn-manage-status")).to_have_text("Removed otters.md.")
    expect(page.locator("#fn-table")).not_to_contain_text("Otters of Lake Vell")
    assert not (served.settings.corpus_dir / "otters.md").exists()


def test_adding_an_article_under_a_name_already_taken_asks_first(page, served, tmp_path):
    path = write_article(tmp_path / "otters.md", OTTERS, title="Otters of Lake Vell")
    served.library.add(served.library.draft_from_file("otters.md", path.read_bytes()))
    try:
        write_article(path, OTTERS_REVISED, title="Otters of Lake Vell, revised")
        open_tab(page, "Corpus")
        page.set_input_files("#fn-upload input[type='file']", str(path))
        expect(page.locator("#fn-add-status")).to_contain_text(
            "the corpus already has an article named otters.md (“Otters of Lake Vell”)"
        )

        page.click("#fn-add")
        expect(page.locator("#fn-add-status")).to_contain_text(
            "An article named otters.md is already in the corpus: “Otters of Lake Vell”."
        )
        expect(page.locator("#fn-replace-yes")).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(
            path=ARTIFACTS / "test_adding_an_article_under_a_name_already_taken_asks_first-confirm.png", full_page=True
        )
        assert "crayfish" in (served.settings.corpus_dir / "otters.md").read_text(encoding="utf-8")
        page.click("#fn-replace-yes")

        expect(page.locator("#fn-add-status")).to_contain_text("Replaced otters.md (“Otters of Lake Vell”)")
        expect(page.locator("#fn-replace-yes")).to_be_hidden()
        expect(page.locator("#fn-table")).to_contain_text("Otters of Lake Vell, revised")
        assert "perch" in (served.settings.corpus_dir / "otters.md").read_text(encoding="utf-8")
    finally:
        served.library.remove("otters.md")


def test_article_text_and_questions_are_shown_never_run(page, served, dialogs):
    open_tab(page, "Corpus")
    page.get_by_role("tab", name="Paste text").click()
    page.fill("#fn-paste textarea", HOSTILE_BODY)
    page.click("#fn-use-text")
    expect(page.locator("#fn-preview textarea")).to_have_value(HOSTILE_BODY.strip("\n"))
    page.fill("#fn-meta-title input, #fn-meta-title textarea", HOSTILE_TITLE)
    page.fill("#fn-meta-author input, #fn-meta-author textarea", HOSTILE_AUTHOR)
    page.click("#fn-add")
    expect(page.locator("#fn-add-status")).to_contain_text("Added")
    article_id = next(a.id for a in served.library.articles() if a.title == HOSTILE_TITLE)
    try:
        expect(page.locator("#fn-table")).to_contain_text(HOSTILE_TITLE)
        open_tab(page, "Ask")
        ask(page, "Quillmarsh herring", quotes=True)
        ask(page, "Where does the Quillmarsh herring guild post its prices?")
        ask(page, f"What do fishermen say? {IMG_PAYLOAD} {SCRIPT_PAYLOAD} {LINK_PAYLOAD}")

        chat = page.locator("#fn-chat").inner_text()
        panel = page.locator("#fn-sources-panel").inner_text()
        assert LINK_PAYLOAD in chat and HOSTILE_TITLE in chat and HOSTILE_AUTHOR in chat
        assert IMG_PAYLOAD in chat and SCRIPT_PAYLOAD in chat  # the question, shown as typed
        for payload in (SCRIPT_PAYLOAD, IMG_PAYLOAD, LINK_PAYLOAD):
            assert payload in panel
        page.locator("#fn-chat").get_by_text("click", exact=False).first.click()
        expect(page.locator("a[href^='javascript']")).to_have_count(0)
        expect(page.locator("img[src='x']")).to_have_count(0)
        expect(page.locator("#fn-chat script, #fn-sources-panel script, #fn-table script")).to_have_count(0)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert dialogs == []
    finally:
        served.library.remove(article_id)


# --- collections by tag ---------------------------------------------------------------------------


def test_a_tag_picked_in_the_ask_filter_keeps_answers_to_the_tagged_article(page, served, dialogs):
    """Tag an article in the Corpus tab, pick the tag in the Ask tab's filter, and ask a question the
    other article answers too: only the tagged article is cited. A hostile tag is shown as text."""
    yoon = "yoon-at-nato-north-korea-russia.md"
    open_tab(page, "Corpus")
    page.locator("#fn-manage input").click()
    page.get_by_role("option", name=f"— {yoon}").click()
    tags = page.locator("#fn-manage-tags input, #fn-manage-tags textarea")
    expect(tags).to_have_value("")
    tags.fill(f"nato, {IMG_PAYLOAD}")
    page.click("#fn-save-tags")
    try:
        expect(page.locator("#fn-manage-status")).to_have_text(f"Tags of {yoon}: nato, {IMG_PAYLOAD}.")
        expect(page.locator("#fn-table")).to_contain_text(f"nato, {IMG_PAYLOAD}")

        open_tab(page, "Ask")
        page.get_by_role("button", name="Filters: search only some articles").click()
        page.locator("#fn-filter-tags input").click()
        expect(page.get_by_role("option", name=f"{IMG_PAYLOAD} (1)")).to_be_visible()
        page.get_by_role("option", name="nato (1)").click()
        page.locator("#fn-header").click()  # the list closes
        expect(page.locator("#fn-filter-tags")).to_contain_text("nato (1)")
        ask(page, EXAMPLES[1])

        cards = page.locator("#fn-sources-panel .fn-source")
        assert cards.count() >= 1
        for card in cards.all():
            expect(card).to_contain_text(yoon)
        expect(page.locator("#fn-sources-panel")).not_to_contain_text(LAMI_KIM)
        expect(page.locator("#fn-chat-status")).to_have_text("Searched only articles tagged “nato”.")
        expect(page.locator("img[src='x']")).to_have_count(0)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert dialogs == []
    finally:
        served.library.set_tags(yoon, [])
