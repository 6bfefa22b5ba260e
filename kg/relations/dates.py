"""Resolve date expressions against the document date.

Weekdays ("on Thursday") and bare ordinals ("on the 7th") are read as the
most recent such day on or before the document date; everything else is
parsed by dateparser, preferring the past. Only expressions precise to the
day are used; others fall back to the document date.

>>> resolve_date("on the 7th", "2020-10-08"), resolve_date("Thursday", "2022-02-25")
('2020-10-07', '2022-02-24')
>>> resolve_date("September 27", "2020-10-08"), resolve_date("in 1999", "2020-10-08")
('2020-09-27', None)
"""

from __future__ import annotations

import re
from datetime import date as Date
from datetime import datetime, timedelta

__all__ = ["resolve_date"]

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_ORDINAL = re.compile(r"^(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)$")
_LEADING = re.compile(r"^(?:on|since|by|from|until|in|at|of)\s+", re.I)


def resolve_date(text: str, doc_date: str | None) -> str | None:
    """``YYYY-MM-DD`` of a date expression, or ``None`` if it is not precise to a day."""
    if not doc_date:
        return None
    try:
        base = Date.fromisoformat(doc_date)
    except ValueError:
        return None
    phrase = _LEADING.sub("", text.strip().lower()).strip()
    if phrase in _WEEKDAYS:
        back = (base.weekday() - _WEEKDAYS.index(phrase)) % 7
        return (base - timedelta(days=back)).isoformat()
    ordinal = _ORDINAL.match(phrase)
    if ordinal:
        day = int(ordinal.group(1))
        month = base if day <= base.day else (base.replace(day=1) - timedelta(days=1))
        try:
            return month.replace(day=day).isoformat()
        except ValueError:
            return None
    import dateparser

    parsed = dateparser.parse(
        phrase,
        languages=["en"],
        settings={
            "RELATIVE_BASE": datetime(base.year, base.month, base.day),
            "PREFER_DATES_FROM": "past",
            "REQUIRE_PARTS": ["day"],
        },
    )
    if parsed is None:
        return None
    result = parsed.date()
    if result > base and not re.search(r"\d{4}", phrase):
        try:
            result = result.replace(year=result.year - 1)
        except ValueError:
            return None
    return result.isoformat()
