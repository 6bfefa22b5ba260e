"""Plain English is told without loading the language model; other languages still go to it."""

from kg.ingest import language

ENGLISH = ("The foreign ministers of the two countries met on Tuesday and said that the talks had been useful, "
           "but they did not agree on the border, which has been closed for a year by the army of the north.")
DUTCH = ("De ministers van de twee landen kwamen op dinsdag bijeen en zeiden dat het overleg nuttig was, maar zij "
         "waren het niet eens over de grens, die al een jaar is gesloten door het leger van het noorden.")


def test_plain_english_needs_no_model():
    language._identifier.cache_clear()
    assert language.detect_language(ENGLISH) == "en"
    assert language._identifier.cache_info().currsize == 0


def test_a_dutch_text_with_in_is_was_goes_to_the_model():
    share, words = language.english_share(language.language_sample(DUTCH))
    assert words >= language.ENGLISH_WORDS and share < language.ENGLISH_SHARE
    assert language.detect_language(DUTCH) == "nl"


def test_a_short_english_line_still_asks_the_model():
    short = "Ministers of both countries met and agreed a truce on Tuesday."
    assert language.english_share(language.language_sample(short))[1] < language.ENGLISH_WORDS
    assert language.detect_language(short) == "en"
