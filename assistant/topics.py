"""Questions that ask what the articles say about a topic rather than for a fact: "What does the
article say about drones?", "Does the Penang article bring up Thailand at all?", "Tell me about
the poll", "Frontex - any mention?".

The answer model learned from SQuAD to find the sentence that answers a question, so it scores
such a question low against every sentence: nothing in "…advanced weaponry such as drones…"
answers "what does it say about drones" the way "in October 1973" answers "when". Read by the
model alone, "What does the article say about drones?" was refused (answerability 0.20), "What
does the NATO piece say about Japan?" was answered with the piece's opening sentence, which does
not mention Japan, and "Does the Teesta article mention arsenic contamination?" was answered with
sentences about groundwater. Issue 13 asks that broad questions be refused only when nothing
relevant is found, and for these what is relevant is plain to see: the sentences that mention the
topic.

So the question's form is recognised: what the writing (an article, its author, the articles,
"it") says, writes, argues or reports about something; whether it mentions, discusses or covers
something; whether something is mentioned; "tell me about", "anything on", "what about" (when
the chat has no earlier question). A sentence is about the topic when it holds every content word
of one alternative of it ("X or Y"), at least one in the sentence itself and the rest there or in
the headings above it ("public opinion in South Korea" is about South Korea when the article's
title says so).
The answerer (assistant/answer/extractive.py) quotes the best such sentences by the model's own
ranking; says that no article mentions the topic when each of its items holds a name the corpus
never uses or only words it never uses; and otherwise leaves the decision to the model. A
question whose speaker is someone in an article ("What did Japan's prime minister say about …?")
asks for a fact, and is not a topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from footnote.text import QUESTION_WORDS, stem_words, words

# What a question calls the writing it asks about: "the NATO piece", "both articles", "the author".
_WRITING = (
    r"article|articles|piece|pieces|author|authors|essay|essays|report|reports|analysis|analyses|paper|papers"
    r"|text|texts|corpus|commentary|column|story|stories|document|documents|writer|writers|op-ed|source|sources"
    r"|coverage|it|they"
)
_WRITING_WORD = re.compile(rf"^(?:{_WRITING})(?:['’]s)?$")
_SAY = (
    r"(?:say|says|said|write|writes|wrote|written|argue|argues|argued|report|reports|reported|note|notes|noted"
    r"|claim|claims|claimed|think|thinks|tell\s+us|have\s+to\s+say|has\s+to\s+say)"
)
_MENTION = (
    r"(?:mention|mentions|mentioned|discuss|discusses|discussed|cover|covers|covered|address|addresses"
    r"|addressed|talk\s+about|talks\s+about|bring\s+up|brings\s+up|get\s+into|gets\s+into|touch\s+on|touches\s+on"
    r"|deal\s+with|deals\s+with|refer\s+to|refers\s+to|say\s+anything\s+about|says\s+anything\s+about)"
)
_ABOUT = r"(?:about|on|regarding|concerning)"
_FORMS = (
    # "What does the NATO piece say about Japan?", "What is said about the poll?", "What do the two
    # articles have to say about satellites?"
    re.compile(
        rf"^(?:what|how)\s+(?:does|do|did|is|are|was|were)\s+(?P<subject>.*?)\s*{_SAY}\s+{_ABOUT}\s+(?P<topic>.+)$"
    ),
    # "Summarise what the Teesta article says about groundwater", "Give me the gist of what's said
    # about packaging partners", "I'd like to know what's written on sanctions"
    re.compile(
        rf"^(?:summari[sz]e|give\s+me\s+the\s+gist\s+of|i['’]d\s+like\s+to\s+know|i\s+want\s+to\s+know|tell\s+me)"
        rf"\s+what(?:['’]s|\s+is|\s+was)?\s+(?P<subject>.*?)\s*{_SAY}\s+{_ABOUT}\s+(?P<topic>.+)$"
    ),
    # "What's said about Japan?", "What's in there on GISAID?"
    re.compile(rf"^what['’]s\s+(?:said|written|reported|in\s+there|there)\s+{_ABOUT}\s+(?P<topic>.+)$"),
    # "Does the Penang article bring up Thailand at all?", "Do the articles mention China?"
    re.compile(rf"^(?:does|do|did)\s+(?P<subject>.+?)\s+{_MENTION}\s+(?P<topic>.+)$"),
    # "How does the Pozzallo article deal with tourism?"
    re.compile(
        r"^how\s+(?:does|do|did)\s+(?P<subject>.+?)\s+(?:deal\s+with|treat|handle|cover|discuss)\s+(?P<topic>.+)$"
    ),
    # "Is Japan mentioned in the WHO article?", "Are sanctions discussed anywhere?"
    re.compile(r"^(?:is|are|was|were)\s+(?P<topic>.+?)\s+(?:mentioned|discussed|covered|addressed|brought\s+up)\b.*$"),
    # "Frontex - any mention?", "high-bandwidth memory - mentioned anywhere?", "The Baltic states —
    # covered anywhere in the NATO article?"
    re.compile(r"^(?P<topic>.+?)\s*[-–—:]\s*(?:any\s+mention|mentioned|covered|discussed|anything)\b.*$"),
    # "Tell me about the poll", "Tell me more about Japan's role"
    re.compile(rf"^(?:can\s+you\s+|could\s+you\s+|please\s+)?tell\s+me\s+(?:more\s+)?{_ABOUT}\s+(?P<topic>.+)$"),
    # "Anything about drones?", "Is there anything on Japan?", "Is anything said about sanctions?"
    re.compile(rf"^(?:is\s+there\s+|is\s+)?anything\s+(?:said\s+|written\s+)?{_ABOUT}\s+(?P<topic>.+)$"),
)
# "What about Denmark?" opens a topic only when nothing came before; after a question it asks that
# question again of something else, which the follow-up search (assistant/followup.py) handles.
_WHAT_ABOUT = re.compile(r"^(?:what|how)\s+about\s+(?P<topic>.+)$")
_LEAD = re.compile(r"^(?:and|so|now|ok|okay|also|please)\b[\s,]*")
# Where the topic is looked for, not what it is: "Thailand at all", "TSMC in the chip story".
_WHERE = re.compile(
    rf"\s+(?:(?:in|from|per|within|according\s+to|across)\s+(?:[\w'’-]+\s+){{0,5}}?(?:{_WRITING}|discussion|there)"
    r"|at\s+all|anywhere|in\s+there|in\s+any\s+of\s+them|,?\s*please)$"
)
_DETERMINERS = frozenset(("the", "this", "that", "these", "those", "each", "both", "either", "any", "all", "of", "two"))
_OR = re.compile(r"\s*(?:\bor\b|/)\s*")
_ITEMS = re.compile(r"\s*(?:,|;|\band\b|\bor\b|&|/)\s*")
# "What about Japan — who represented Tokyo?" asks a fact about the topic: the model reads it.
_ASKS_AFTER = re.compile(r"\s[-–—:,;]\s*(?:how|what|why|whether|when|where|who|whom|which)\b")
_NAME = re.compile(r"\b[A-Z][\w'’-]*")
_ABBREVIATION = re.compile(r"^(?:[A-Z0-9]{2,}s?|[A-Z]\.(?:[A-Z]\.)+)(?:['’]s)?$")
# "say about how the war might end" asks a question of its own: the model reads it as one.
_ASKS = re.compile(r"^(?:how|what|why|whether|when|where|who|whom|which|if)\b")


@dataclass(frozen=True)
class Topic:
    """What a question asks the articles about: its words as typed; its alternatives ("COVAX or
    Gavi" has two), each as stems, any of which a sentence may mention; and its items ("Washington,
    Tokyo and Seoul" has three), each of which an article would have to name for the topic to be
    there at all."""

    text: str
    items: tuple[str, ...]
    parts: tuple[frozenset[str], ...]

    def mentioned_in(self, text: str, headings: str = "") -> bool:
        """Whether ``text``, with the headings above it, holds every word of some part of the
        topic, at least one of them in ``text`` itself."""
        own = set(stem_words(words(text)))
        held = own | set(stem_words(words(headings)))
        return any(part <= held and part & own for part in self.parts)


def topic_of(question: str, history: bool = False) -> Topic | None:
    """The topic a question asks the articles about, or None when it asks for something else.
    ``history``: whether earlier questions came before it in the chat."""
    text = " ".join(question.split()).split("?")[0].rstrip(" .!")  # "… with? What exactly …": the first question
    lower = _LEAD.sub("", text.lower())
    text = text[len(text) - len(lower) :]
    forms = _FORMS if history else (*_FORMS, _WHAT_ABOUT)
    for form in forms:
        m = form.match(lower)
        if not m:
            continue
        subject = [w for w in (m.groupdict().get("subject") or "").split() if w not in _DETERMINERS]
        if subject and not _WRITING_WORD.match(subject[-1]):
            return None  # "What did Japan's prime minister say about …" asks what someone said: a fact
        topic = m["topic"]
        while (where := _WHERE.search(topic)) is not None and where.start() > 0:
            topic = topic[: where.start()]
        topic = topic.rstrip(" ,;:-–—")
        if _ASKS.match(topic) or _ASKS_AFTER.search(topic):
            return None
        typed = text[m.start("topic") : m.start("topic") + len(topic)]
        parts = [frozenset(content_stems(p)) for p in _OR.split(typed)]
        if not all(parts):
            return None
        return Topic(typed, tuple(p for p in _ITEMS.split(typed) if content_stems(p)), tuple(parts))
    return None


def names(text: str) -> list[str]:
    """The capitalised words of a topic as typed: the names in it ("the Indus Waters Treaty").
    Abbreviations are left out: "ROK", "POWs" and "U.K." are often what an article spells out
    ("South Korea", "prisoners of war", "Britain"), so no article naming them is no sign that none
    mentions what they stand for."""
    return [w for w in _NAME.findall(text) if not _ABBREVIATION.match(w)]


def content_stems(text: str) -> list[str]:
    """The stems of a text's words that carry content (not "what", "the", "does")."""
    return [s for s in stem_words(words(text)) if s not in QUESTION_WORDS]
