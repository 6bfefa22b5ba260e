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

__all__ = ["detect_language", "language_sample", "MIN_LETTERS", "MIN_PROBABILITY"]

#: fewer letters than this in the sample: too short to tell
MIN_LETTERS = 40
#: py3langid's normalised probability under which the language is not told
MIN_PROBABILITY = 0.5
MAX_WORD = 40
SAMPLE_CHARS = 1000
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


def detect_language(text: str, min_probability: float = MIN_PROBABILITY) -> str | None:
    """ISO 639-1 code of the text's language, or ``None`` when it cannot be told (too few words, unsure)."""
    sample = language_sample(text)
    if sum(c.isalpha() for c in sample) < MIN_LETTERS:
        return None
    language, probability = _identifier().classify(sample)
    return language if probability >= min_probability else None
