"""Which words of a question are names to look for in the corpus (assistant/answer/mentions.py)."""

import pytest

from assistant.answer.mentions import names, whole_name
from footnote.text import stem_words
from ingest.search_index import unaccented, word_forms

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Why did Brazil stop sharing H5N1 samples with the WHO in 2007?", ["Brazil"]),
        ("How did the Moscow-Pyongyang pact change Korea’s plans?", ["Moscow", "Pyongyang", "Korea"]),
        ("What did Biden say? And Jean De Rely’s work?", ["Biden", "Jean", "De", "Rely"]),
        ("And Brazil?", ["Brazil"]),
        # a name after a title: articles call people by office alone, transcripts never name the speaker
        ("What did Prime Minister Fumio Kishida tell President Lula about Brazil?", ["Prime", "President", "Brazil"]),
        # honorifics are dropped as often as kept: neither they nor the name after them
        ("What did Dr Tedros and Mr. Biden say about 'Brazil'?", ["Brazil"]),
        # any alphabet's letters
        ("What did Erdoğan say about Ørsted?", ["Erdoğan", "Ørsted"]),
    ],
)
def test_capitalised_words_are_names(question, expected):
    assert names(question) == expected


@pytest.mark.parametrize(
    "question",
    [
        "Brazilian exports: what happened?",  # the question's first word: capitalised because it is first
        "What did the BoJ, the U.K. and the ROK decide?",  # abbreviations: articles often spell them out
        "What does UserDatagram guarantee?",  # capitals inside: a typing of something else
        "When in March did the Americans and the British agree?",  # months; "U.S." and "U.K." in articles
        "what did brazil do?",  # typed in lower case: no name to go by
        "What did O'Brien say?",  # an apostrophe inside: left out
        "What Is It?",  # function words in title case
    ],
)
def test_what_is_not_a_name_to_look_for(question):
    assert names(question) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nigerian", "Nigeria"),
        ("Ukrainian", "Ukraine"),
        ("Iran", "Iranian"),
        ("Lebanese", "Lebanon"),
        ("Israeli", "Israel"),
        ("Chinese", "China"),
        ("Japanese", "Japan"),
        ("Afghan", "Afghanistan"),
        ("Houthi", "Houthis"),
    ],
)
def test_forms_of_a_name_are_the_same_name(a, b):
    assert word_forms(*stem_words([a.lower(), b.lower()]))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Indus", "industry"),
        ("Portugal", "port"),
        ("Reserve", "research"),
        ("Penang", "penalty"),
        ("Hormuz", "hormone"),
        ("Frontex", "frontline"),
    ],
)
def test_a_shared_beginning_is_not_a_form_of_a_name(a, b):
    assert not word_forms(*stem_words([a.lower(), b.lower()]))


def test_names_are_compared_without_accents():
    assert unaccented("René Goulaine de Laudonnière, Alès, Keïta") == "Rene Goulaine de Laudonniere, Ales, Keita"
    assert unaccented("Ørsted, Łódź, Straße") == "Orsted, Lodz, Strasse"


def test_only_the_accents_of_latin_letters_are_dropped():
    """Hangul syllables and kana voicing marks are part of the letter: 김정은 is not 김정일 less an edit."""
    assert unaccented("김정은, ガザ") == "김정은, ガザ"


@pytest.mark.parametrize(
    ("question", "word", "said"),
    [
        ("What did the European Central Bank decide in March?", "Central", "European Central Bank"),
        ("What do the Federal Reserve minutes say?", "Reserve", "Federal Reserve"),
        ("What did the Bank of England say? And the Reserve Bank of India?", "India", "Reserve Bank of India"),
        ("Why did Portugal's ports stop Niger-bound containers?", "Portugal", "Portugal"),
        ("How did the Indus commission respond?", "Indus", "Indus"),
        ("Did France and Germany agree on it?", "Germany", "Germany"),  # two names, not one
        ("How did the Bank of England and the European Central Bank decide?", "Central", "European Central Bank"),
        ("Did Lagarde speak. Then Powell?", "Powell", "Powell"),  # a full stop ends a name
        ("What do the U.S. Federal Reserve minutes say?", "Reserve", "U.S. Federal Reserve"),  # an initialism's doesn't
        ("Why did Rolls-Royce cut jobs?", "Royce", "Rolls-Royce"),
        ("What about the Ministry for the Environment?", "Environment", "Ministry for the Environment"),
    ],
)
def test_a_refusal_names_the_whole_name_the_missing_word_is_part_of(question, word, said):
    """A notice saying no article mentions “Central” would leave the reader guessing: it names what they
    asked about."""
    assert whole_name(question, word) == said
