"""What a question asks for, and whether a sentence supplies it: the cheap check that quotes answer."""

from __future__ import annotations

import pytest

from assistant.answer_type import expected_type, has_answer_of_type, is_author_note, is_place


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who wrote the article about North Korean troops?", "author"),
        ("Who is the author of this piece?", "author"),
        ("How much is Russia expected to pay per soldier?", "amount of money"),
        ("What is the total value of the arms sales to Poland?", "amount of money"),
        ("How large is Japan's defense budget?", "amount of money"),
        ("What is the range of the Cheongung II missile?", "distance"),
        ("How many soldiers have died?", "number"),
        ("On what date was the treaty signed?", "exact date"),
        ("When exactly does it take effect?", "exact date"),
        ("When did the summit take place?", "date"),
        ("What is the name of the national security advisor?", "person"),
        ("In which Russian region are the troops deployed?", "place"),
        ("Where is the institute located?", "place"),
        ("Why would arming Ukraine be disproportionate?", ""),
    ],
)
def test_the_kind_of_answer_a_question_asks_for(question, kind):
    assert expected_type(question) == kind


def test_money_needs_a_currency_not_just_a_number():
    q = "How much is Russia expected to pay per soldier?"
    assert has_answer_of_type("amount of money", "Russia is expected to pay $2,000 per soldier per month.", q)
    assert has_answer_of_type("amount of money", "It pledged 300 million euros.", q)
    assert not has_answer_of_type("amount of money", "About 10,000 soldiers were sent in October.", q)


def test_a_range_needs_a_distance():
    q = "What is the range of the missile?"
    assert has_answer_of_type("distance", "It can hit targets 40 km away.", q)
    assert not has_answer_of_type("distance", "It is South Korea's equivalent of the U.S. Patriot III.", q)


def test_an_exact_date_needs_a_day_or_year_not_just_recently():
    q = "On what date was it signed?"
    assert has_answer_of_type("exact date", "It was signed on June 19 in Pyongyang.", q)
    assert has_answer_of_type("exact date", "The treaty was signed in 2024.", q)
    assert not has_answer_of_type("exact date", "It was signed at last month's summit.", q)


def test_a_person_is_a_name_that_is_neither_asked_about_nor_a_place():
    q = "What is the name of South Korea's national security advisor?"
    assert not has_answer_of_type("person", "The advisor said that North Korea and Russia are close.", q)
    assert has_answer_of_type("person", "The advisor, Shin Won-sik, said so.", q)


def test_a_place_is_a_gazetteer_name_not_in_the_question():
    q = "Where is the institute located?"
    assert has_answer_of_type("place", "It is a U.S. Department of Defense institute based in Hawaii.", q)
    assert not has_answer_of_type("place", "The institute publishes reports.", q)
    assert is_place("Ukraine") and is_place("Seoul") and not is_place("Lami Kim")


@pytest.mark.parametrize(
    ("sentence", "note"),
    [
        ("Lami Kim is a professor at the Daniel K. Inouye Asia-Pacific Center for Security Studies.", True),
        ("By Jane Q. Roe", True),
        ("Jane Roe was the paper's Seoul correspondent until 2020, and is now an editor.", True),
        ("Russia is expected to pay $2,000 per soldier.", False),
        ("The professor wrote this.", False),
    ],
)
def test_an_authors_note_or_byline(sentence, note):
    assert is_author_note(sentence) is note
