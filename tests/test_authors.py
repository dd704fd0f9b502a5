"""Questions that name an author: the name is found from front matter only, and taken out cleanly."""

from __future__ import annotations

import pytest

from assistant.authors import about_their_articles, author_names, named_author, without_name
from assistant.retriever import Filters

CORPUS = {
    "a.md": {"author": "Lami Kim"},
    "b.md": {"author": "Victor Cha, Ellen Kim and Scott Snyder"},
    "c.md": {"author": ""},
    "d.md": {"author": "Reuters"},  # one word: too likely to be a common word, never treated as a name
}


def test_every_author_of_every_article_is_a_name_longest_first():
    assert author_names(CORPUS) == ["Scott Snyder", "Victor Cha", "Ellen Kim", "Lami Kim"]


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("What does Lami Kim say about public opinion?", "Lami Kim"),
        ("what does lami  kim say about public opinion", "Lami Kim"),
        ("What is Victor Cha's view of the alliance?", "Victor Cha"),
        ("What did Kim Jong Un promise Putin?", ""),  # in the text, but no article is by him
        ("What does Kim say about the poll?", ""),  # a surname alone is not a name
    ],
)
def test_a_name_is_found_only_when_an_article_is_by_it(question, name):
    assert named_author(question, author_names(CORPUS)) == name


@pytest.mark.parametrize(
    ("question", "left"),
    [
        ("What does Lami Kim say about public opinion?", "What does say about public opinion?"),
        ("What does the article by Lami Kim say about the poll?", "What does the article say about the poll?"),
        ("What is Lami Kim’s view of the poll?", "What is view of the poll?"),
        ("According to Lami Kim, how much is paid per soldier?", "According to, how much is paid per soldier?"),
        ("Lami Kim: what should Seoul do?", "what should Seoul do?"),
    ],
)
def test_the_name_is_taken_out_with_its_by_and_possessive(question, left):
    assert without_name(question, "Lami Kim") == left


def test_a_name_ending_in_a_full_stop_is_found_and_taken_out():
    names = author_names({"e.md": {"author": "Martin Luther King Jr."}})
    question = "What does Martin Luther King Jr. say about justice?"
    assert named_author(question, names) == "Martin Luther King Jr."
    assert without_name(question, names[0]) == "What does say about justice?"


def test_the_question_is_asked_of_the_authors_articles():
    question = "What does Lami Kim say about public opinion?"
    got = about_their_articles(question, ["Lami Kim on arms?"], None, question, author_names(CORPUS))
    assert got == ("What does say about public opinion?", ["on arms?"], Filters(author="Lami Kim"), "Lami Kim")


def test_a_question_about_the_person_keeps_the_name():
    for question in ("Who is Lami Kim?", "Where does Lami Kim work?"):
        assert about_their_articles(question, [], None, question, author_names(CORPUS)) is None


def test_the_users_own_author_filter_is_kept():
    question = "What does Lami Kim say about public opinion?"
    mine = Filters(author="Victor Cha", tags=("korea",))
    _, _, filters, _ = about_their_articles(question, [], mine, question, author_names(CORPUS))
    assert filters == mine


def test_a_follow_up_naming_the_author_in_the_earlier_question_is_read_without_it():
    earlier, question = "What does Lami Kim say about the poll?", "And what did the government decide?"
    got = about_their_articles(question, [earlier], None, f"{earlier} {question}", ["Lami Kim"])
    assert got is not None and got[:2] == (question, ["What does say about the poll?"])
