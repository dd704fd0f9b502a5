"""The conversation kept in the browser (localStorage), so a reload or a restart does not lose it."""

from __future__ import annotations

import hashlib
from typing import Any

from assistant.check import QuoteCheck
from footnote.settings import Settings
from footnote.types import Answer
from ui.render import ANSWER, CHECK, CLOSEST_SHOWN, COMPARE, QUOTES, TIMELINE, Turn

# What the browser keeps of the conversation; a stored value of another format is not read.
STORAGE_FORMAT = 1
MAX_STORED_TURNS = 200  # a few kB each: well inside the 5 MB a browser gives a site's localStorage


def stored_conversation(turns: list[Turn]) -> dict:
    """What the browser keeps: each turn as it was answered, enough to redraw it, its sources, its export.

    Citations carry their quote and passage, so a reloaded turn shows the sources it was answered
    from, with the same numbers, even if the corpus has changed since. A cleared conversation is
    stored as one with no turns, never as None: the browser skips writing an empty value and would
    keep the old conversation.
    """
    return {"format": STORAGE_FORMAT, "turns": [_stored_turn(t) for t in turns[-MAX_STORED_TURNS:]]}


def _stored_turn(turn: Turn) -> dict:
    """Retrieved passages are dropped except those a refusal shows: they are most of the weight."""
    answer = turn.answer
    shown = [] if answer.citations else [s.model_copy(update={"sentences": []}) for s in answer.sources[:CLOSEST_SHOWN]]
    if turn.check is not None:  # the check itself: the turn is redrawn from it (ui/check.py)
        return {"question": turn.question, "mode": turn.mode, "check": turn.check.model_dump(mode="json")}
    if turn.comparison is not None:  # likewise the comparison, its quotes already numbered (ui/compare.py)
        from ui.compare import comparison_data

        return {"question": turn.question, "mode": turn.mode, "comparison": comparison_data(turn.comparison)}
    kept = answer.model_copy(update={"sources": shown})
    return {"question": turn.question, "mode": turn.mode, "answer": kept.model_dump(mode="json")}


def restored_turns(stored: Any) -> list[Turn]:
    """The turns a browser sent back, of every mode; what is not a conversation we wrote gives none.

    A stored value of another format, or whose turns are not all objects, was not written by this
    app (or was edited by hand): none of it is read. A turn object that cannot be read (a mode this
    version does not know, a broken answer) is skipped and the others kept: each turn numbers its
    own citations, so leaving one out misnumbers nothing.
    """
    if not isinstance(stored, dict) or stored.get("format") != STORAGE_FORMAT:
        return []
    items = stored.get("turns")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        return []
    turns = []
    for item in items[-MAX_STORED_TURNS:]:
        try:
            turns.append(_restored_turn(item))
        except (TypeError, KeyError, ValueError, AttributeError):  # pydantic's ValidationError is a ValueError
            continue
    return turns


def _restored_turn(item: dict) -> Turn:
    question, mode = item["question"], item["mode"]
    if not isinstance(question, str) or mode not in (ANSWER, QUOTES, CHECK, COMPARE, TIMELINE):
        raise ValueError("not a turn")
    if mode == CHECK:
        from ui.check import check_turn

        return check_turn(QuoteCheck.model_validate(item["check"]))
    if mode == COMPARE:
        from ui.compare import compare_turn, comparison_from_data

        return compare_turn(comparison_from_data(item["comparison"]))
    return Turn(question, mode, Answer.model_validate(item["answer"]))


def browser_storage(settings: Settings) -> tuple[str, str]:
    """The localStorage key and the secret Gradio encrypts the stored conversation with.

    localStorage is per origin (host and port), so two apps on different ports never mix; the key
    also names the corpus and index, so another corpus served later at the same address does not
    show this one's conversation. Both are derived rather than random so that a restarted app
    still reads what the browser kept. The secret keeps the conversation from lying in the
    browser's files as plain text; it hides nothing from someone who can open the app.
    """
    store = f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else settings.index_dir.resolve()
    identity = f"{settings.corpus_dir.resolve()}|{store}|{settings.collection}"
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()
    return f"footnote-conversation-{digest[:16]}", digest[16:48]
