"""Name normalisation: ASCII folding, slugs and lookup keys.

>>> slugify("Félix Tshisekedi")
'felix-tshisekedi'
>>> slugify("Ferdinand Marcos Jr.")
'ferdinand-marcos-jr'
>>> name_key("  the Collective Security Treaty Organization ")
'collective security treaty organization'
"""

from __future__ import annotations

import re

from unidecode import unidecode

__all__ = ["fold", "slugify", "name_key", "strip_article", "split_multi"]

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ARTICLE = re.compile(r"^(?:the|The|THE)\s+")


def fold(text: str) -> str:
    """ASCII-fold ``text`` (accents and ligatures; ``Çavuşoğlu`` -> ``Cavusoglu``)."""
    return unidecode(text)


def slugify(text: str) -> str:
    """Lower-case ASCII hyphen slug, the id form of persons, regions and groups."""
    return _NON_ALNUM.sub("-", fold(text).lower().replace("'", "").replace("\u2019", "")).strip("-")


def strip_article(text: str) -> str:
    return _ARTICLE.sub("", text.strip())


def name_key(text: str) -> str:
    """Case-, accent-, punctuation- and article-insensitive key of a name."""
    folded = fold(strip_article(text)).lower().replace("'", "").replace("\u2019", "")
    return " ".join(_NON_ALNUM.sub(" ", folded).split())


def split_multi(cell: str | None) -> list[str]:
    """Split a ``|``-separated table cell.

    >>> split_multi("UK| Britain |")
    ['UK', 'Britain']
    """
    return [part.strip() for part in (cell or "").split("|") if part.strip()]
