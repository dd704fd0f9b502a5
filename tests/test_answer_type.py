"""What a question asks for, and whether a sentence supplies it: the cheap check that quotes answer."""

from __future__ import annotations

import pytest

from assistant.answer_type import (
    acting_country,
    asked_outcome,
    asks_affiliation,
    expected_type,
    has_answer_of_type,
    is_author_note,
    speaker,
)
from assistant.places import country_mentions, country_of, is_nationality, is_place, standard_names


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who wrote the article about North Korean troops?", "author"),
        ("Who is the author of this piece?", "author"),
        ("How much is Russia expected to pay per soldier?", "amount of money"),
        ("What is the total value of the arms sales to Poland?", "amount of money"),
        ("How large is Japan's defense budget?", "amount of money"),
        ("What is the range of the Cheongung II missile?", "distance"),
        ("How many soldiers have died?", "count"),
        ("How long has the war lasted?", "duration"),
        ("How long is that arrangement supposed to last?", "duration"),
        ("What is President Yoon's current approval rating?", "percentage"),
        ("What share of South Koreans opposed it?", "percentage"),
        ("By how many percentage points did opponents outnumber supporters?", "percentage"),
        ("What effect have the shipments had on how long the fighting lasts?", ""),
        ("By how much did the U.K. cut its supplies?", "number"),
        ("Has the bill passed yet, and when would it take effect?", "date"),
        ("And when did those payments start?", "date"),
        ("Where did Kim Jong Un and Putin hold their summit last month?", "venue"),
        ("where was the kim-putin summit held", "venue"),
        ("Who does the article describe as North Korea's protector?", "actor"),
        ("Ultimately, whom is the strategy supposed to deter?", "actor"),
        ("Who is South Korea's defense minister?", "person"),
        ("Which Democratic Party lawmaker sponsored the bill?", "person"),
        ("Which analysts have floated an armistice-style deal?", "person"),
        ("In which specific Russian province are the troops?", "local place"),
        ("Besides Poland, which European countries buy Korean arms?", "place"),
        ("In what year was the armistice signed?", "exact date"),
        ("What is the purpose of the budget?", ""),
        ("What were the exact dates of the summit?", "exact date"),
        ("Which self-propelled howitzer model would South Korea provide?", "model name"),
        ("What makes South Korean tanks attractive to buyers?", ""),
        ("What's the name of the South Korean intelligence agency behind the estimate?", "organisation"),
        ("How far can the missile fly?", "distance"),
        ("What did Yoon say would determine how far Seoul shifts its support?", ""),
        ("On what date was the treaty signed?", "exact date"),
        ("When exactly does it take effect?", "exact date"),
        ("When did the summit take place?", "date"),
        ("What is the name of the national security advisor?", "person"),
        ("In which Russian region are the troops deployed?", "local place"),
        ("Which city hosted the summit?", "local place"),
        ("In which country was the summit held?", "place"),
        ("Which polling organization ran the survey?", "organisation"),
        ("What is the name of the think tank she works for?", "organisation"),
        ("Where is the institute located?", "place"),
        ("Why would arming Ukraine be disproportionate?", ""),
        ("And what would they cost?", "amount of money"),
        ("Give the full name of the center where the author of the troops article teaches.", "author"),
        ("Does the author of the troops piece think the fallout is overblown?", ""),
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


def test_who_may_be_answered_by_an_office_or_a_body_instead_of_a_name():
    q = "Who is the source for the estimate of what Moscow pays Pyongyang?"
    assert has_answer_of_type("person", "According to South Korea’s intelligence agency, it pays $2,000.", q)
    q = "Who in the South Korean government suggested tying aid to Russia's conduct?"
    assert has_answer_of_type("actor", "South Korea’s national security advisor has suggested it.", q)
    q = "Which official in Yoon's office spoke of step-by-step scenarios?"
    assert not has_answer_of_type("person", "An official in Yoon's office spoke of step-by-step scenarios.", q)


def test_a_person_is_not_a_body_a_law_or_a_war():
    q = "Which Democratic Party lawmaker sponsored the bill?"
    assert not has_answer_of_type("person", "The Democratic Party proposed it in the National Assembly.", q)
    assert not has_answer_of_type("person", "It would violate the Foreign Trade Act.", q)
    assert has_answer_of_type("person", "The bill was sponsored by Lee Jae-myung, the party leader.", q)


def test_who_may_be_answered_by_a_country_or_an_organisation():
    q = "Who does the NATO article describe as North Korea's protector?"
    assert has_answer_of_type("actor", "It points to the emergence of Russia as a protector of North Korea.", q)
    assert has_answer_of_type("actor", "The European Union has become its protector.", q)
    assert has_answer_of_type("actor", "Russia’s role as protector of North Korea is new.", q)
    assert not has_answer_of_type("actor", "Most importantly, it acts as a protector of North Korea.", q)
    assert not has_answer_of_type("actor", "It describes a protector of North Korea.", q)


def test_a_count_is_not_a_sum_a_share_an_ordinal_or_a_year():
    q = "How many demining vehicles has Seoul delivered?"
    for sentence in (
        "Contributions total $394 million so far this year.",
        "Only 13 percent supported it, while 82% opposed it.",
        "They marked the 75th anniversary of NATO.",
        "It joined the 1973 Yom Kippur War.",
    ):
        assert not has_answer_of_type("count", sentence, q), sentence
    assert has_answer_of_type("count", "Seoul has delivered 12 demining vehicles.", q)
    assert has_answer_of_type("count", "Seoul has delivered three demining vehicles.", q)


def test_a_venue_is_a_place_the_meeting_is_said_to_be_in_or_at():
    q = "Where did Kim Jong Un and Putin hold their summit last month?"
    mentions_a_place = "Last month’s summit between Kim Jong Un and Putin tied the war in Ukraine to Korea."
    assert not has_answer_of_type("venue", mentions_a_place, q)
    assert has_answer_of_type("venue", "Their summit in Pyongyang last month produced a treaty.", q)
    assert has_answer_of_type("venue", "They met at Vostochny Cosmodrome in Russia.", q)
    q = "Where were the NATO meetings Yoon took part in held?"
    assert has_answer_of_type("venue", "Yoon joined NATO meetings this week in Washington DC.", q)


def test_a_duration_needs_a_span_of_time_not_any_number():
    q = "How long is that arrangement supposed to last?"
    assert not has_answer_of_type("duration", "Russia pays $2,000 per soldier per month, $20 million in all.", q)
    assert has_answer_of_type("duration", "After two-and-a-half years of support, stocks are low.", q)
    assert has_answer_of_type("duration", "It has not fought a large-scale war in over seven decades.", q)
    q = "How long has it been since North Korea last fought a large-scale war?"
    assert has_answer_of_type("duration", "For the first time since the Korean War in the 1950s, it is fighting.", q)


def test_a_number_written_differently_in_the_question_is_still_the_questions():
    q = "how many 155mm shells has south korea supplied"
    assert not has_answer_of_type("count", "South Korea has supplied 155-mm artillery shells.", q)
    assert has_answer_of_type("count", "South Korea has supplied 500,000 155-mm artillery shells.", q)


def test_a_percentage_needs_a_share_not_any_number():
    q = "What is President Yoon's current approval rating?"
    assert not has_answer_of_type("percentage", "Yoon attended the 75th anniversary of NATO.", q)
    assert has_answer_of_type("percentage", "His approval rating fell to 19 percent.", q)
    assert has_answer_of_type("percentage", "A majority disapprove of him.", q)


@pytest.mark.parametrize(
    ("question", "who"),
    [
        ("What did Japan's prime minister say about North Korea-Russia ties?", "Japan's prime minister"),
        ("How did the Kremlin respond to Yoon's remarks?", "the Kremlin"),
        ("What weapons has Zelensky specifically asked South Korea to provide?", "Zelensky"),
        ("How much money has the United States spent on aid?", ""),  # "States" is not a verb
        ("What does the NATO summit article say should become a priority?", ""),  # the article's own view
        ("At what point did he say Seoul might go further?", ""),  # someone the conversation named
        ("What happened at the summit?", ""),
        ("What concrete aid package did Yoon actually announce for Ukraine?", "Yoon"),
        ("How did President Yoon describe Seoul's reaction to the cooperation?", ""),  # a reaction, not a verb
    ],
)
def test_whose_words_a_question_asks_for(question, who):
    assert speaker(question) == who


@pytest.mark.parametrize(
    ("name", "iso"),
    [
        ("Britain", "GB"),
        ("U.K.", "GB"),
        ("London", "GB"),
        ("the U.S.", "US"),
        ("Washington", "US"),
        ("Pentagon", "US"),
        ("Kremlin", "RU"),
        ("Kyiv", "UA"),
        ("Pyongyang", "KP"),
        ("North Korea’s", "KP"),
        ("NATO", None),
        ("Lami Kim", None),
        ("Korea", None),
    ],
)
def test_the_country_a_name_stands_for(name, iso):
    assert country_of(name) == iso


def test_country_mentions_find_every_way_a_text_names_a_country():
    text = "Britain cut its aid to Kyiv, while South Korean President Yoon met the U.S. and North Korea’s envoys."
    assert country_mentions(text) == (("GB", "Britain"), ("UA", "Kyiv"), ("US", "U.S."), ("KP", "North Korea"))


def test_a_place_is_a_gazetteer_name_not_in_the_question():
    q = "Where is the institute located?"
    assert has_answer_of_type("place", "It is a U.S. Department of Defense institute based in Hawaii.", q)
    assert not has_answer_of_type("place", "The institute publishes reports.", q)
    assert is_place("Ukraine") and is_place("Seoul") and not is_place("Lami Kim")


def test_a_number_the_question_already_holds_is_not_an_answer():
    q = "How many 155-mm artillery shells has South Korea supplied?"
    assert not has_answer_of_type("number", "South Korea has supplied Ukraine with 155-mm artillery shells.", q)
    assert has_answer_of_type("number", "South Korea has supplied 500,000 of its 155-mm shells.", q)
    assert not has_answer_of_type("amount of money", "It pays $2,000 a month.", "Why does it pay $2,000 a month?")
    q = "What did it give last year, before the $394 million given this year?"
    assert not has_answer_of_type("amount of money", "Contributions total $394 million so far this year.", q)
    assert has_answer_of_type("amount of money", "Last year it gave $250 million.", q)


def test_a_region_or_city_is_not_answered_by_a_country():
    q = "In which Russian region are the North Korean troops deployed?"
    assert not has_answer_of_type("local place", "The troops were sent to Russia and may fight in Ukraine.", q)
    assert has_answer_of_type("local place", "The troops were sent to Kursk, near the border with Ukraine.", q)


def test_an_organisation_is_a_name_that_is_not_a_place_or_a_nationality():
    q = "Which polling organization carried out the survey?"
    assert not has_answer_of_type("organisation", "In a recent poll, only 13 percent supported it.", q)
    assert not has_answer_of_type("organisation", "In a recent poll, most South Koreans and Americans opposed it.", q)
    assert has_answer_of_type("organisation", "In a recent Gallup Korea poll, only 13 percent supported it.", q)
    assert has_answer_of_type("organisation", "A poll by the KINU found that 82 percent opposed it.", q)


@pytest.mark.parametrize(
    ("word", "nationality"),
    [
        ("Korean", True),
        ("Russian", True),
        ("Ukrainian", True),
        ("Chinese", True),
        ("American", True),
        ("Sullivan", False),
        ("Morgan", False),
        ("Korea", False),
        ("Japan", False),
    ],
)
def test_nationality_adjectives_are_told_from_names_that_end_alike(word, nationality):
    assert is_nationality(word) is nationality


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


def test_a_count_counts_what_the_question_counts():
    q = "Roughly how many nuclear warheads is North Korea estimated to have?"
    assert not has_answer_of_type("count", "The council cannot enforce a dozen resolutions on North Korea.", q)
    assert has_answer_of_type("count", "North Korea may have about 50 nuclear warheads.", q)
    q = "How many UN Security Council resolutions condemning North Korea have stalled?"
    assert has_answer_of_type("count", "The council cannot enforce a dozen resolutions on North Korea.", q)
    q = "How many people were surveyed?"  # no plain plural: any count will do
    assert has_answer_of_type("count", "The poll asked 1,002 adults.", q)


def test_a_calibre_is_not_a_count_and_a_year_or_a_span_of_time_is_no_size():
    q = "How many artillery shells has North Korea shipped to Russia?"
    assert not has_answer_of_type("count", "Seoul sent 155-mm artillery shells through the United States.", q)
    q = "How large is North Korea's standing army overall?"
    for sentence in (
        "For the first time since the Korean War in the 1950s, it is gaining combat experience.",
        "It has not been involved in a large-scale war in over seven decades.",
    ):
        assert not has_answer_of_type("number", sentence, q), sentence
    assert has_answer_of_type("number", "Its army numbers about 1.2 million soldiers.", q)
    q = "What size of artillery round has Seoul been routing to Kyiv?"
    assert has_answer_of_type("number", "Seoul sent 155-mm artillery shells through the United States.", q)
    q = "How old was NATO when Yoon attended?"
    assert has_answer_of_type("number", "NATO was founded 75 years ago.", q)


def test_a_capital_standing_for_its_government_is_no_place_where_something_happened():
    q = "In which specific Russian province have the troops been deployed?"
    assert not has_answer_of_type("local place", "To this end, Seoul can expand upon its phased approach.", q)
    assert has_answer_of_type("local place", "The troops were deployed near Kursk in August.", q)


@pytest.mark.parametrize(
    ("question", "country"),
    [
        ("How much aid has Japan given Ukraine this year?", "Japan"),
        ("By how much did the U.K. cut its arms supplies?", "U.K."),
        ("has japan agreed to send weapons to ukraine", "japan"),
        ("What is Japan's position on sending weapons?", "Japan"),
        ("How did the Kremlin respond to Yoon?", "Kremlin"),
        ("Does the article say what Japan pledged to Ukraine?", "Japan"),  # the question inside the question
        ("How does Lami Kim describe the response?", ""),  # a person, not a country
        ("What does the article say about Japan?", ""),  # Japan is what it is about, not who acts
        ("Which country has sent troops?", ""),
    ],
)
def test_the_country_that_acts_in_a_question(question, country):
    assert acting_country(question) == country


@pytest.mark.parametrize(
    ("question", "outcome"),
    [
        ("Did the Democratic Party's bill requiring Assembly approval pass?", "pass"),
        ("Has it passed yet, and when would it take effect?", "passed"),
        ("Has the treaty been ratified?", "ratified"),
        ("What does the bill require?", ""),
        ("Who proposed the bill?", ""),
    ],
)
def test_the_outcome_a_yes_no_question_asks_about(question, outcome):
    assert asked_outcome(question) == outcome


def test_where_someone_works_is_a_question_about_their_post():
    assert asks_affiliation("Where does Lami Kim work?")
    assert asks_affiliation("Which center employs her?")
    assert not asks_affiliation("What does Lami Kim propose?")


def test_a_search_also_uses_the_standard_name_of_a_country_called_otherwise():
    assert standard_names("What effect have Pyongyang's shipments to Moscow had?") == ["North Korea", "Russia"]
    assert standard_names("before the rapprochement, what were moscow-pyongyang ties like") == ["Russia", "North Korea"]
    assert standard_names("How did the Kremlin respond?") == ["Russia"]
    assert standard_names("What did North Korea send to Russia?") == []
