"""Follow-up questions without an LLM: decide whether a question leans on the conversation.

"And how much in total per month?" means nothing alone. When a question refers back (pronouns,
"in return", a leading "and") or carries too few words of its own, the earlier question is
searched with it. A self-contained question is searched alone, so a topic change is not
dragged back to the old topic.
"""

from __future__ import annotations

import re

from footnote.text import FUNCTION_WORDS

_REFERS_BACK = re.compile(
    r"\b(it|its|it's|they|them|their|theirs|this|that|these|those|there|he|him|his|she|her|"
    r"such|same|former|latter|in return|in total|instead|else|other|another|also|then)\b",
    re.IGNORECASE,
)
_LEADS_ON = re.compile(r"^\s*(and|but|so|or|also|what about|how about|why|why not|how so|then)\b", re.IGNORECASE)
_CONTENT = re.compile(r"[A-Za-z0-9$%][\w$%,.'’-]*")


def refers_back(question: str) -> bool:
    content = [w for w in _CONTENT.findall(question.lower()) if w not in FUNCTION_WORDS]
    return bool(_REFERS_BACK.search(question) or _LEADS_ON.search(question) or len(content) < 2)


def search_query(question: str, history: list[str]) -> str:
    """The text to retrieve with: the question, plus the last earlier question when it refers back."""
    earlier = [h.strip() for h in history if h and h.strip()]
    if not earlier or not refers_back(question):
        return question
    return f"{earlier[-1]} {question}"
