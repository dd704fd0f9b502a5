"""Questions that ask what the articles say about a topic (assistant/topics.py): which questions
are such requests, what their topic is, and which sentences are about it. No model is loaded."""

import pytest

from assistant.topics import names, topic_of


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("What does the article say about drones?", "drones"),
        ("What does the NATO piece say about Japan?", "Japan"),
        ("what do the two articles say about satellites", "satellites"),
        ("What is said about the poll?", "the poll"),
        ("Tell me about the poll.", "the poll"),
        ("Can you tell me more about Japan's role?", "Japan's role"),
        ("And what does it say about Kim Jong Un?", "Kim Jong Un"),
        ("Is there anything about drones and satellites?", "drones and satellites"),
        ("What does the author write about sanctions?", "sanctions"),
        # The chain reads "What does Lami Kim say about …" without the name (assistant/authors.py).
        ("What does say about public opinion?", "public opinion"),
        ("Summarise what the water-sharing article says about the Siliguri Corridor", "the Siliguri Corridor"),
        ("Give me the gist of what's said about validated packaging partners", "validated packaging partners"),
        ("What's in there on COVAX or Gavi?", "COVAX or Gavi"),
        # Whether the writing covers it; where it is looked for is not part of the topic.
        ("Does the Penang article bring up Thailand at all?", "Thailand"),
        ("Do the articles mention China?", "China"),
        ("How does the Pozzallo article deal with tourism?", "tourism"),
        ("Is Japan mentioned in the WHO article?", "Japan"),
        ("Is Taiwan mentioned anywhere in either article?", "Taiwan"),
        ("Anything on TSMC in the chip story?", "TSMC"),
        ("Frontex - any mention?", "Frontex"),
        ("The Baltic states — covered anywhere in the NATO article?", "The Baltic states"),
        ("What about Denmark?", "Denmark"),
    ],
)
def test_a_request_for_what_the_articles_say_has_a_topic(question, topic):
    found = topic_of(question)
    assert found is not None and found.text == topic


def test_what_about_opens_a_topic_only_when_nothing_came_before():
    """After a question, "What about Denmark?" asks that question of Denmark: a follow-up."""
    assert topic_of("What about Denmark?", history=True) is None
    assert topic_of("Does the article mention Denmark?", history=True).text == "Denmark"


@pytest.mark.parametrize(
    "question",
    [
        # What someone in the article said is a fact to find, not a topic.
        "What did Japan's prime minister say about North Korea-Russia ties at the NATO summit?",
        "What did the NATO summit's final communiqué say about North Korea?",
        "What did the US president say about South Korea sending weapons to Ukraine?",
        # "about how …" asks a question of its own.
        "What does each article say about how the Ukraine war might end?",
        "What about Japan — who represented Tokyo at those meetings?",
        # Whether a person did something is a fact too.
        "Did Yoon mention Ukraine?",
        "How does South Korea deal with Russia?",
        "Is South Korea sending weapons to Ukraine?",
        "How many troops has North Korea sent?",
        "Why does Russia need North Korean soldiers?",
        "What are South Korea's options?",
    ],
)
def test_other_questions_have_no_topic(question):
    assert topic_of(question) is None


def test_a_second_question_after_the_first_is_not_part_of_the_topic():
    topic = topic_of("Do both articles bring up satellites? What exactly does each one mention?")
    assert topic.text == "satellites"


def test_abbreviations_are_not_names():
    """An article may spell out what they stand for ("South Korea", "prisoners of war")."""
    assert names("US–Japan–ROK coordination") == ["Japan"]
    assert names("North Korean POWs and the EU–Turkey deal") == ["North", "Korean", "Turkey"]


def test_a_trailing_please_is_not_part_of_the_topic():
    assert topic_of("What does the article say about drones, please?").text == "drones"


def test_the_names_in_a_topic_are_its_capitalised_words():
    topic = topic_of("What do the articles say about the Indus Waters Treaty and water in Asia?")
    assert topic.items == ("the Indus Waters Treaty", "water in Asia")
    assert [names(p) for p in topic.items] == [["Indus", "Waters", "Treaty"], ["Asia"]]


def test_a_sentence_is_about_the_topic_when_it_holds_every_word_of_a_part():
    topic = topic_of("What does it say about public opinion in South Korea?")
    assert topic.mentioned_in("Public opinion in South Korea is overwhelmingly against such a move.")
    assert not topic.mentioned_in("Public opinion is overwhelmingly against such a move.")
    assert not topic.mentioned_in("South Korea has sent shells to the United States.")


def test_the_headings_above_a_sentence_count_but_not_alone():
    topic = topic_of("What does it say about public opinion in South Korea?")
    title = "What North Korea's Fight in Ukraine Means for South Korea"
    assert topic.mentioned_in("Public opinion is overwhelmingly against such a move.", title)
    assert not topic.mentioned_in("Seoul has been cautious.", f"{title} › Public opinion")


def test_a_list_is_one_topic_and_either_alternative_will_do():
    listed = topic_of("Does either article bring up coordination between Washington, Tokyo and Seoul?")
    assert listed.items == ("coordination between Washington", "Tokyo", "Seoul") and len(listed.parts) == 1
    assert not listed.mentioned_in("Seoul has been cautious.")
    topic = topic_of("Anything about drones or satellites?")
    assert topic.mentioned_in("It could field a space satellite system.")
    assert topic.mentioned_in("Soldiers will see drones used at scale.")
    assert not topic.mentioned_in("Soldiers will see modern warfare.")
