"""The kind of answer a question asks for (assistant/answer/kinds.py), and whether a quote holds
one: what lets the answerer refuse "Which company is building the modules?" when the best sentence
about the modules names none. No model is loaded."""

import pytest

from assistant.answer.kinds import Kind, asked, holds, missing, names_in


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many soldiers were killed in the January attack?", Kind.NUMBER),
        ("how much rice did bulog release from its reserves", Kind.NUMBER),
        ("germany offshore wind auction august how many bids", Kind.NUMBER),
        ("What was Indonesia's headline inflation rate in January?", Kind.NUMBER),
        ("whats the fine for a first offence", Kind.NUMBER),
        ("What strike price per megawatt-hour will Germany guarantee?", Kind.NUMBER),
        ("How big is the exclusive economic zone?", Kind.NUMBER),
        ("When exactly did the withdrawal take effect?", Kind.DATE),
        ("ok and when would they realistically start delivering power?", Kind.DATE),
        ("In what year was the treaty signed?", Kind.DATE),
        ("During what hours does outdoor work have to stop?", Kind.DATE),
        ("who's the cheif economist at the institute?", Kind.NAME),
        ("Which countries left ECOWAS?", Kind.NAME),
        ("Which Bank Indonesia board member voted for the increase?", Kind.NAME),
        ("which three companies hold exploration licences", Kind.NAME),
        ("What's the name of the drivers' union?", Kind.NAME),
        ("and who are the chosen partners he mentioned?", Kind.NAME),
        # a kind of thing named by a name: one is picked out by its name
        ("Which Tokyo brokerage made the estimate?", Kind.NAME),
        ("which Lloyd's syndicate does she work for", Kind.NAME),
    ],
)
def test_a_question_that_begins_by_asking_for_a_detail_asks_for_its_kind(question, kind):
    assert kind in asked(question)


@pytest.mark.parametrize(
    "question",
    [
        # Asking what someone said, why, how, or what happens is not asking for a detail of a kind.
        "What did Japan's prime minister say about the summit?",
        "Why didn't the bank raise rates?",
        "What approach does the minister want other Pacific states to take?",
        "What is Germany switching to after the failed round?",
        "What happens when the canal runs short of water?",
        "Does the article say anything about drones?",
        "Was the vote unanimous?",
        # a plain "which …" is as often answered by a description: "the most isolated areas",
        # "inflation and rising wages"
        "Which areas were least vulnerable to the disease?",
        "Which two factors explain the rise?",
    ],
)
def test_other_questions_ask_for_no_kind(question):
    assert asked(question) == set()


def test_a_number_is_digits_or_a_number_word_the_question_does_not_hold():
    question = "How much has the 0.5% import levy collected so far?"
    assert not holds(Kind.NUMBER, "In March it introduced a 0.5% levy on imports.", question)
    assert holds(Kind.NUMBER, "It raised 3.4 million euros.", question)
    assert holds(Kind.NUMBER, "The round drew not a single bid.", "How many bids did the round draw?")
    assert holds(Kind.NUMBER, "It was the fourth meeting in a row.", "How many meetings in a row?")


def test_a_date_is_a_year_a_month_or_a_span_of_time():
    question = "When did Senegal leave ECOWAS?"
    assert holds(Kind.DATE, "The withdrawal took effect on January 29, 2025.", question)
    assert holds(Kind.DATE, "They left last spring.", question)
    assert not holds(Kind.DATE, "Open borders, broken alliances: what the Sahel exit from ECOWAS changed", question)


def test_a_name_is_a_capitalised_word_that_is_not_a_function_word_or_in_the_question():
    question = "Who carried out the September poll of 2,000 adults?"
    assert not holds(Kind.NAME, "In a poll of 2,000 adults carried out in September, 71% supported it.", question)
    assert not holds(Kind.NAME, "The poll was carried out in September.", question)
    assert holds(Kind.NAME, "The poll, by Forsa for the ministry, found 71% in favour.", question)
    # not a month, not another form of the question's own names
    assert not holds(Kind.NAME, "Korea’s and Korean officials met in September.", "Who in Korea met?")
    assert names_in("Officials in Seoul-Moscow talks met in March.", "Who met?") == ["Officials", "Seoul", "Moscow"]
    assert names_in("A Korea-based firm won the contract.", "Which Korea firm won?") == []  # "based" is no name
    # only the question's names have forms: "WhatsApp" is not a form of "what"
    assert names_in("Protesters organise on WhatsApp.", "What app do protesters use?") == ["WhatsApp"]


def test_missing_names_the_kind_only_when_no_quote_holds_one():
    question = "Which company is building the prefabricated modules?"
    unnamed = "Prefabricated modules are being installed at the reception centre."
    assert missing(question, [unnamed]) is Kind.NAME
    assert missing(question, [unnamed, "Italcantieri won the contract for the modules."]) is None
    assert missing("Why were modules used?", [unnamed]) is None
    assert Kind.NAME.missing.startswith("None of the passages found")
