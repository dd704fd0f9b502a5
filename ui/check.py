"""The Ask tab's "Check a quote" mode: the verdict, each match with the article's exact text, the differences.

A pasted quote is checked against the whole corpus (assistant.check). The result becomes a turn of
the conversation like an answer: its matches are numbered citations (each has a span), so the
sources panel shows them as cards and the reader view opens them at the quote. Everything shown,
the user's text as much as the article's, is escaped here; the only markup is built around escaped
text (``<del>`` for the quote's words the article does not have, ``<ins>`` for the article's own).
"""

from __future__ import annotations

from assistant.check import Match, QuoteCheck, Verdict
from footnote.types import Answer, Citation
from ui.render import CHECK, Turn, esc, facts_html, md_text, read_button

NOT_A_MATCH = "not a match"
DIFF_LEGEND = "struck: your words; underlined: the article’s"


def check_turn(check: QuoteCheck) -> Turn:
    """The check as a turn of the conversation: its matches are its numbered citations."""
    citations = [m.citation(n) for n, m in enumerate(check.matches, 1)]
    answer = Answer(question=check.quote, text=verdict_label(check), citations=citations)
    return Turn(check.quote, CHECK, answer, check=check)


def verdict_label(check: QuoteCheck) -> str:
    """The verdict in plain words."""
    if check.verdict == Verdict.EXACT:
        n = len(check.matches)
        return "In the corpus, exactly as written" + (f" ({n} places)" if n > 1 else "")
    if check.verdict == Verdict.CLOSE:
        n = sum(len(m.differences) for m in check.matches)
        label = f"Close: {n} difference{'s' * (n != 1)}"
        if len(check.matches) > 1:
            label += f" ({len(check.matches)} parts of one article joined by an ellipsis)"
        return label
    return "Not in the corpus"


def _pieces(m: Match) -> list[tuple[str, str]]:
    """The article's text at the match, cut at the differences: (kind, text) with kind "", "del" or "ins".

    ``del`` is what the quote has and the article does not; ``ins`` the article's own words there.
    """
    pieces: list[tuple[str, str]] = []
    at = m.start
    for d in sorted(m.differences, key=lambda d: (d.start, d.end)):
        start, end = min(max(d.start, at), m.end), min(max(d.end, at), m.end)
        pieces.append(("", m.text[at - m.start : start - m.start]))
        if d.kind in ("changed", "added") and d.quote:
            pieces.append(("del", d.quote))
        if d.kind in ("changed", "dropped") and end > start:
            pieces.append(("ins", m.text[start - m.start : end - m.start]))
        at = end
    pieces.append(("", m.text[at - m.start :]))
    return [(kind, text) for kind, text in pieces if text]


def differences_html(m: Match) -> str:
    """The article's text with the quote's differences in it, word by word (escaped text only)."""
    return "".join(f"<{kind}>{esc(text)}</{kind}>" if kind else esc(text) for kind, text in _pieces(m))


def differences_markdown(m: Match) -> str:
    """The same for the chat's Markdown: every character of both texts escaped, the tags ours."""
    return "".join(f"<{kind}>{md_text(text)}</{kind}>" if kind else md_text(text) for kind, text in _pieces(m))


def _difference_words(m: Match) -> list[str]:
    """Each difference in words, for the export."""
    said = {
        "changed": lambda d: f"“{d.quote}” where the article has “{d.article}”",
        "added": lambda d: f"“{d.quote}” is not in the article",
        "dropped": lambda d: f"the article also has “{d.article}”",
    }
    return [said.get(d.kind, lambda d: d.kind)(d) for d in m.differences]


# --- the chat -------------------------------------------------------------------------------------


def check_blocks(check: QuoteCheck) -> list[str]:
    """The reply in the chat: the verdict, then each match with its attribution and the article's text."""
    blocks = [f"**{md_text(verdict_label(check))}.**"]
    if check.verdict == Verdict.NOT_FOUND:
        if check.matches:
            blocks.append(f"_The closest passages are beside the chat, marked “{NOT_A_MATCH}”._")
        else:
            blocks.append("No passage of the corpus came near it.")
        return blocks
    for n, m in enumerate(check.matches, 1):
        blocks.append(f"“{md_text(m.text)}” — {md_text(m.attribution)} \\[{n}\\]")
        if m.differences:
            blocks.append(f"Word by word ({md_text(DIFF_LEGEND)}): {differences_markdown(m)}")
    return blocks


def check_markdown(check: QuoteCheck) -> str:
    """The check in the exported conversation."""
    lines = [f"**{verdict_label(check)}.**", ""]
    if check.verdict == Verdict.NOT_FOUND and check.matches:
        lines += ["Closest passages (not a match):", ""]
    for n, m in enumerate(check.matches, 1):
        lines.append(f"[{n}] {m.attribution}. {m.article_id}.")
        lines.append(f"    “{m.text}”" + (f" <{m.url}>" if m.url else ""))
        lines += [f"    - {words}" for words in _difference_words(m)]
    return "\n".join(lines)


# --- the sources panel ----------------------------------------------------------------------------


def check_sources_html(check: QuoteCheck, citations: list[Citation], selected: int | None, which: str = "") -> str:
    """The panel for a check: the verdict as its heading, a card per match (or closest passage)."""
    found = check.verdict != Verdict.NOT_FOUND
    chosen = selected or 1
    cards = "".join(_match_card(n, m, found, n == chosen) for n, m in enumerate(check.matches, 1))
    verdict = esc(verdict_label(check))
    if found:
        return f'<div class="fn-sources fn-check-result"><h3 class="fn-verdict">{verdict}</h3>{which}{cards}</div>'
    if not citations:
        return (
            f'<div class="fn-sources fn-check-result"><h3 class="fn-verdict">{verdict}</h3>{which}'
            "<p class='fn-note'>No passage of the corpus came near it.</p></div>"
        )
    return (
        f'<div class="fn-sources fn-check-result"><h3 class="fn-verdict">{verdict}</h3>{which}'
        f"<p class='fn-note'>These passages came nearest; none of them is a match.</p>{cards}</div>"
    )


def _match_card(n: int, m: Match, found: bool, is_selected: bool) -> str:
    label = f'<span class="fn-n">[{n}]</span>' if found else f'<span class="fn-badge">{NOT_A_MATCH}</span>'
    classes = "fn-source fn-selected" if is_selected and found else "fn-source"
    diff = ""
    if m.differences:
        diff = (
            f'<p class="fn-note">Word by word ({esc(DIFF_LEGEND)}):</p>'
            f'<blockquote class="fn-diff">{differences_html(m)}</blockquote>'
        )
    copy = ""
    if found:
        copy_text = f"“{m.text}” — {m.attribution}"
        copy = f'<button type="button" class="fn-copy" data-copy="{esc(copy_text)}">'
        copy += "Copy quote with attribution</button> "
    return (
        f'<details class="{classes}" id="fn-cite-{n}" open>'
        f'<summary>{label} <span class="fn-title">{esc(m.title)}</span></summary>'
        f'<p class="fn-attribution">{esc(m.attribution)}</p>'
        f"{facts_html(m)}"
        f'<p class="fn-note">{"The article’s exact text:" if found else "The passage:"}</p>'
        f'<blockquote class="fn-passage">{esc(m.text)}</blockquote>'
        f"{diff}{copy}{read_button(n)}"
        "</details>"
    )
