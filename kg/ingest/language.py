"""Which language a document is in (py3langid: deterministic, about 1 ms a document).

py3langid is langid.py's naive Bayes model over byte n-grams (97 languages)
with a faster, maintained code base; the same text always gets the same
answer. The text it is shown is a sample of the document's words: tokens
between spaces of at most :data:`MAX_WORD` characters, up to
:data:`SAMPLE_CHARS` characters in all. A run of 100,000 letters without a
space, a base64 blob or a table of numbers is no word, so a document made of
them has no language that can be told (``None``) and is never skipped as
another language. An answer whose probability is under
:data:`MIN_PROBABILITY` is no answer either.

English, the language of most input, is told without the model when its
commonest function words ("the", "of", "and", "was", ...) make up at least
:data:`ENGLISH_SHARE` of a sample of :data:`ENGLISH_WORDS` words or more:
English news runs at 0.2-0.45, other languages, even Dutch or Afrikaans
with their "in", "is", "was", stay under 0.1. The model (0.4 s to load, a
millisecond a document) is then loaded only for a document that is not
plainly English.

>>> detect_language("Russland und die Ukraine haben am Montag in Istanbul Gespräche geführt, hieß es aus Kiew.")
'de'
>>> detect_language("Egypt and Sudan urged the Security Council to act on the dam dispute with Ethiopia.")
'en'
>>> detect_language("x" * 100_000 + " Chad and Sudan met."), detect_language("NATO 2024")
(None, None)
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["detect_language", "english_share", "language_sample", "ENGLISH_SHARE", "MIN_LETTERS", "MIN_PROBABILITY"]

#: fewer letters than this in the sample: too short to tell
MIN_LETTERS = 40
#: py3langid's normalised probability under which the language is not told
MIN_PROBABILITY = 0.5
MAX_WORD = 40
SAMPLE_CHARS = 1000
#: share of English function words from which a sample of at least ENGLISH_WORDS words is English
ENGLISH_SHARE = 0.2
ENGLISH_WORDS = 20
_ENGLISH = frozenset(
    "the of and to that is was for with on as by it from at have has had be been this which are were said its their his "
    "an will would not but they he who after than".split()
)
_EDGES = "\"'()[]{}.,;:!?“”‘’«»"
# a token between spaces, at most MAX_WORD characters, with a letter in it
_WORD = re.compile(r"(?<!\S)(?=\S{0,%d}[^\W\d_])\S{1,%d}(?!\S)" % (MAX_WORD - 1, MAX_WORD))


def language_sample(text: str, size: int = SAMPLE_CHARS) -> str:
    """The first words of ``text`` (tokens between spaces of at most ``MAX_WORD`` characters), about ``size`` characters.

    >>> language_sample("a" * 500 + " Iran and Iraq met " + "b" * 50)
    'Iran and Iraq met'
    """
    words, length = [], 0
    for match in _WORD.finditer(text):
        words.append(match.group())
        length += match.end() - match.start() + 1
        if length >= size:
            break
    return " ".join(words)


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


def english_share(sample: str) -> tuple[float, int]:
    """Share of English function words among the words of ``sample``, and the number of words.

    >>> english_share("The talks were held in Doha, and a deal was signed by the two sides.")
    (0.4, 15)
    >>> english_share("Die Gespräche fanden in Doha statt, und ein Abkommen wurde unterzeichnet.")[0]
    0.0
    """
    words = [w.strip(_EDGES).lower() for w in sample.split()]
    return (sum(w in _ENGLISH for w in words) / len(words) if words else 0.0), len(words)


def detect_language(text: str, min_probability: float = MIN_PROBABILITY) -> str | None:
    """ISO 639-1 code of the text's language, or ``None`` when it cannot be told (too few words, unsure)."""
    sample = language_sample(text)
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return None
    share, words = english_share(sample)
    if share >= ENGLISH_SHARE and words >= ENGLISH_WORDS:
        return "en"  # plainly English (see the module): the model is not needed
    language, probability = _identifier().classify(sample)
    return language if probability >= min_probability else None
