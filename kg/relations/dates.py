"""Event dates: the day of a relation's event, or no date rather than a wrong one.

``event_date(cue, doc_date)`` finds the time expressions that belong to a cue
(a verb, an event noun, or the light verb of "imposed an embargo") and reads
them against the document date:

* a day-precise expression gives that day ("on September 27", "on Thursday",
  "on the 7th", "yesterday");
* an expression that is not precise to a day and does not contain the
  document's day gives ``None`` ("in 2019", "last year's summit", "in March"
  in an October article, "previously", "in the past", "years ago");
* an expression that contains the document's day ("this week", "in 2023" in a
  2023 article) or no expression at all gives the document date.

Which expressions belong to the cue: first those of the cue's own phrase
(premodifiers and prepositional phrases of an event noun, "Russia's 2022
invasion", "the August 2008 war", "the war that began in 2020"), then those of
the verbs it hangs from up to the clause head ("held talks on the 17th"). A
date inside another event's phrase ("restored ties after the 2019 break") or
another clause is not the cue's. An ordinal is a day only when it stands alone
as a time adjunct ("on the 7th"), never when it numbers a noun ("the 21st
member", "its 31st summit").

:func:`time_of` classifies one expression; :func:`resolve_date` (kept for its
callers) is its day-precise part.

>>> resolve_date("on the 7th", "2020-10-08"), resolve_date("Thursday", "2022-02-25")
('2020-10-07', '2022-02-24')
>>> resolve_date("September 27", "2020-10-08"), resolve_date("in 1999", "2020-10-08")
('2020-09-27', None)
>>> time_of("last year's", "2023-03-11"), time_of("in March", "2023-10-02"), time_of("in March", "2023-03-20")
(Time(kind='other', day=None), Time(kind='other', day=None), Time(kind='current', day='2023-03-20'))
>>> time_of("three days ago", "2023-03-11"), time_of("years ago", "2023-03-11").kind
(Time(kind='day', day='2023-03-08'), 'other')
>>> time_of("for two years", "2023-03-11").kind, time_of("the 7th of May", "2023-03-11").day
('none', '2022-05-07')
"""

from __future__ import annotations

import re
from datetime import date as Date
from datetime import timedelta
from functools import lru_cache
from typing import NamedTuple

from spacy.attrs import LOWER, POS
from spacy.symbols import NUM

from kg.relations.perdoc import column, entities, memo as per_doc, sentence_bounds

__all__ = ["Time", "event_date", "resolve_date", "time_of"]


class Time(NamedTuple):
    """What a time expression says about an event: ``kind`` is ``day`` (``day`` is that
    day), ``current`` (a period that contains the document's day: ``day`` is the
    document date), ``other`` (not precise to a day and not the document's day:
    no date) or ``none`` (not a point in time: "for two years", "annual")."""

    kind: str
    day: str | None = None


_NONE = Time("none")
_OTHER = Time("other")

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_SEASONS = {"spring": (3, 4, 5), "summer": (6, 7, 8), "autumn": (9, 10, 11), "fall": (9, 10, 11), "winter": (12, 1, 2)}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10}
_MONTH = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_UNIT = r"(?:minute|hour|day|week|weekend|fortnight|month|year|decade|century|quarter|term|spring|summer|autumn|fall|winter)s?"
_PART = r"(?:morning|afternoon|evening|night|midnight|noon)"

_LEADING = re.compile(r"^(?:(?:on|since|by|from|until|till|in|at|of|during|over|for|within|as of|between|"
                      r"before|after|around|about|through|throughout)\s+)+", re.I)
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)$")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_DAY = re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:\b|$)(?:,?\s+(\d{4})\b)?")
_YEAR = re.compile(r"(?<![\d-])(1[89]\d\d|2[01]\d\d)(?!\d)")
_CURRENT_DAY = re.compile(r"^(?:today|tonight|now|currently|presently|at present|this " + _PART
                          + r"|(?:earlier|later) (?:today|in the day|on|this " + _PART + r"))$")
_EARLY_LATE = re.compile(r"^(?:earlier|later|early|late|mid)[\s-](?:on |in )?(?=\S)")
_OF_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)? of (this|last|next|the same) month$")
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[/.]\d{1,2}(?:[/.]\d{1,4})?\b")
_NARRATIVE = re.compile(r"\b(?:same|that|following|next|previous|preceding) (?:day|" + _PART + r"|week|month|year)\b"
                        r"|\bday (?:before|after)\b(?! (?:yesterday|tomorrow))|^(?:day|week|month|year)$")
_AGO = re.compile(r"^(?:(\d+|" + "|".join(_NUMBERS) + r"|a few|few|several|some|many|\w+)\s+)?(" + _UNIT + r")\s+ago$|^(?:long )?ago$")
_PAST_VAGUE = re.compile(
    r"^(?:recently|previously|formerly|once|historically|in the past|past|the past|long ago|earlier on|before)$"
    r"|\b(?:last|previous|past|preceding|recent|earlier|later|next|coming|prior)\s+(?:\w+\s+)?" + _UNIT + r"\b"
    r"|\b(?:earlier|later) (?:this|that|in the) " + _UNIT + r"\b"
    r"|\b(?:1[89]|20)\d0s\b|\bcentury\b")
_THIS = re.compile(r"^(?:this|the current|the present) (?:week|weekend|month|year|spring|summer|autumn|fall|winter|quarter)$")
_WEEKDAY_ORDINAL = re.compile(r"^(?:" + "|".join(_WEEKDAYS) + r"),? (?:the )?(\d{1,2}(?:st|nd|rd|th))$")
_WEEKDAY = re.compile(r"^(?:(last|this|past|next|early|late|on)\s+)?(" + "|".join(_WEEKDAYS) + r")(?:'s)?(?:\s+" + _PART + r")?$")
_DURATION = re.compile(r"^(?:\d+|" + "|".join(_NUMBERS) + r"|a few|few|several|some|many|the|two-|three-)[\s-]*"
                       + _UNIT + r"(?:[\s-]+(?:long|old))?$|^(?:days|weeks|months|years|decades)$")


def _base(doc_date: str | None) -> Date | None:
    if not doc_date:
        return None
    try:
        return Date.fromisoformat(doc_date)
    except ValueError:
        return None


def _normal(text: str) -> str:
    phrase = re.sub(r"\s+", " ", text.replace("\u2019", "'").strip().lower())
    phrase = re.sub(r"'s?$", "", phrase).strip(" ,.;:")
    phrase = _LEADING.sub("", phrase)
    return re.sub(r"^(?:the|a)\s+", "", phrase).strip()


def _day_in_past(base: Date, month: int, day: int) -> Date | None:
    """``month``/``day`` of the document's year, or of the year before if that is after the document date."""
    try:
        result = Date(base.year, month, day)
    except ValueError:
        try:
            result = Date(base.year - 1, month, day)  # 29 February
        except ValueError:
            return None
        return result
    if result > base:
        try:
            return result.replace(year=result.year - 1)
        except ValueError:
            return None
    return result


@lru_cache(maxsize=1)
def _parser():
    """One dateparser parser, built once (building settings on every call is what makes dateparser slow)."""
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month"]})


def _dateparser_day(phrase: str, base: Date | None) -> Date | None:
    data = _parser().get_date_data(phrase)
    if data is None or data.date_obj is None or data.period != "day":
        return None
    result = data.date_obj.date()
    if _YEAR.search(phrase):
        return result
    return _day_in_past(base, result.month, result.day) if base else None


def time_of(text: str, doc_date: str | None) -> Time:
    """What the time expression ``text`` says about an event reported on ``doc_date``.

    A bare ordinal ("the 7th") is read as a day of the month here; whether it is
    one in a sentence is for :func:`event_date` to say.

    >>> [time_of(t, "2023-10-11").day for t in ("on Saturday", "Monday night", "yesterday", "Oct. 9, 2023", "Monday the 9th")]
    ['2023-10-07', '2023-10-09', '2023-10-10', '2023-10-09', '2023-10-09']
    >>> [time_of(t, "2023-10-11").kind for t in ("2022", "the 1990s", "earlier this year", "this week", "the same day")]
    ['other', 'other', 'other', 'current', 'other']
    """
    base = _base(doc_date)
    raw = re.sub(r"\s+", " ", text.replace("\u2019", "'").strip().lower())
    since = raw.startswith("since ")
    phrase = _normal(text)
    if not phrase:
        return _NONE
    if _CURRENT_DAY.match(phrase):
        return Time("day", doc_date if base else None)
    relative = {"yesterday": -1, "day before yesterday": -2, "tomorrow": 1, "day after tomorrow": 2}
    if phrase in relative:
        return Time("day", (base + timedelta(days=relative[phrase])).isoformat()) if base else _OTHER
    of_month = _OF_MONTH.match(phrase)
    if of_month:  # "the 19th of this month"
        if not base or of_month.group(2) == "the same":
            return _OTHER
        first = base.replace(day=1)
        if of_month.group(2) == "last":
            first = (first - timedelta(days=1)).replace(day=1)
        elif of_month.group(2) == "next":
            first = (first + timedelta(days=31)).replace(day=1)
        try:
            return Time("day", first.replace(day=int(of_month.group(1))).isoformat())
        except ValueError:
            return _NONE
    if _NARRATIVE.search(phrase):
        return _OTHER
    ago = _AGO.match(phrase)
    if ago:
        count, unit = ago.group(1), ago.group(2) or ""
        if unit.startswith("day") and base:
            n = int(count) if count and count.isdigit() else _NUMBERS.get(count or "a")
            return Time("day", (base - timedelta(days=n)).isoformat()) if n else _OTHER
        return _OTHER
    trimmed = _EARLY_LATE.sub("", phrase)  # "late on Friday", "early Monday", "mid-June"
    if trimmed != phrase and not _PAST_VAGUE.search(phrase):
        return time_of(("since " if since else "") + trimmed, doc_date)
    weekday_ordinal = _WEEKDAY_ORDINAL.match(phrase)
    if weekday_ordinal:  # "Thursday the 19th": the ordinal says which Thursday
        return time_of(weekday_ordinal.group(1), doc_date)
    weekday = _WEEKDAY.match(phrase)
    if weekday:
        if not base:
            return _OTHER
        which, name = weekday.group(1), weekday.group(2)
        back = (base.weekday() - _WEEKDAYS.index(name)) % 7
        if which == "next":
            back = back - 7 if back else -7
        elif which in ("last", "past") and back == 0:
            back = 7
        return Time("day", (base - timedelta(days=back)).isoformat())
    ordinal = _ORDINAL.match(phrase)
    if ordinal:
        if not base:
            return _OTHER
        day = int(ordinal.group(1))
        month = base if day <= base.day else (base.replace(day=1) - timedelta(days=1))
        try:
            return Time("day", month.replace(day=day).isoformat())
        except ValueError:
            return _NONE
    iso = _ISO.search(phrase)
    if iso:
        try:
            return Time("day", Date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3))).isoformat())
        except ValueError:
            return _NONE
    for pattern, m_group, d_group in ((_MONTH_DAY, 1, 2), (_DAY_MONTH, 2, 1)):
        found = pattern.search(phrase)
        if found and 1 <= int(found.group(d_group)) <= 31:
            month, day, year = _MONTHS[found.group(m_group)], int(found.group(d_group)), found.group(3)
            try:
                if year:
                    return Time("day", Date(int(year), month, day).isoformat())
                result = _day_in_past(base, month, day) if base else None
            except ValueError:
                return _NONE
            return Time("day", result.isoformat()) if result else _OTHER
    if _PAST_VAGUE.search(phrase):
        return _OTHER
    if _THIS.match(phrase):
        return Time("current", doc_date) if base else _OTHER
    if _DURATION.match(phrase):
        return _NONE
    years = sorted({int(y) for y in _YEAR.findall(phrase)})
    words = re.findall(r"[a-z]+", phrase)
    months = [_MONTHS[w] for w in words if w in _MONTHS]
    seasons = [_SEASONS[w] for w in words if w in _SEASONS]
    if years or months or seasons:
        if not base:
            return _OTHER
        if since:
            return _OTHER  # "since 2019": the event began then
        if years and not (years[0] <= base.year <= years[-1]):
            return _OTHER
        if months and not years and re.search(r"\b(?:last|next|previous|past)\b", phrase):
            return _OTHER
        if months and base.month not in months:
            return _OTHER
        if seasons and not any(base.month in s for s in seasons):
            return _OTHER
        return Time("current", doc_date)
    if re.search(r"\b" + _MONTH + r"(?:\b|$)", phrase) or _NUMERIC_DATE.search(phrase):  # only what looks like a date
        result = _dateparser_day(phrase, base)
        if result:
            return Time("day", result.isoformat())
    return _NONE


def resolve_date(text: str, doc_date: str | None) -> str | None:
    """``YYYY-MM-DD`` of a date expression, or ``None`` if it is not precise to a day."""
    if not _base(doc_date):
        return None
    time = time_of(text, doc_date)
    return time.day if time.kind == "day" else None


# -- which expressions belong to a cue ------------------------------------------------
_CLAUSE = frozenset({"ROOT", "ccomp", "conj", "advcl", "relcl", "acl", "parataxis", "csubj"})
_ANTERIOR = frozenset({"after", "before", "since", "following", "until", "till", "prior", "over", "for", "despite",
                       "amid", "amidst", "ahead"})
_PREMOD = frozenset({"nummod", "compound", "nmod", "poss", "amod", "npadvmod", "quantmod"})
_NOMINAL = frozenset({"NOUN", "PROPN", "PRON", "NUM"})
_TIME_NOUNS = frozenset({"morning", "afternoon", "evening", "night", "hour", "day", "week", "weekend", "month",
                         "year", "beginning", "start", "end", "middle", "dawn", "midnight", "noon", "eve", "time",
                         "period", "spring", "summer", "autumn", "fall", "winter", "decade", "century", "past"})
_EVENT_NOUNS = frozenset("""
war warfare invasion annexation attack strike airstrike clash skirmish conflict fighting battle offensive incursion
raid bombing shelling assault hostility aggression break rupture split rift breakup summit meeting talk negotiation
visit trip call conference session round dialogue consultation conversation deal agreement accord pact treaty
alliance ceasefire truce sanction embargo ban blockade boycott election referendum vote coup revolution uprising
protest crisis dispute row standoff spat withdrawal deployment exercise drill accession membership independence
normalisation normalization recognition expulsion rapprochement mediation ultimatum massacre genocide occupation
intervention operation campaign incident crackdown siege blast explosion shooting killing arrest detention
""".split())
_NOT_EVENTS = frozenset({"nation", "region", "union", "million", "billion", "population", "religion", "position",
                         "administration", "government", "parliament", "department", "organisation", "organization",
                         "opinion", "station", "delegation", "federation", "coalition", "commission", "institution",
                         "minister", "ministry", "element", "segment"})
_ADVERBS = frozenset({"previously", "formerly", "recently", "historically"})
#: the words that may be a time expression on their own (besides numbers and ordinals): see _expressions
_WORDS = _ADVERBS | {"once", "past", "ago"}
_DAY_PREPS = frozenset({"on", "by", "since", "until", "till", "from", "before", "after", "as", "of"})


def _nominal(token) -> bool:
    return token.pos_ in _NOMINAL


def _event_noun(token) -> bool:
    lemma = token.lemma_.lower()
    if lemma in _EVENT_NOUNS or token.lower_ in _EVENT_NOUNS:
        return True
    return token.pos_ == "NOUN" and lemma not in _NOT_EVENTS and lemma.endswith(("tion", "sion", "ment"))


def _owners(cue) -> list:
    """The cue and the words it hangs from, nearest first, up to its clause head.

    Not past another nominal ("talks on the war": the talks' time is not the war's), a
    temporal or causal preposition ("after the break", "over the invasion": an earlier
    event) or a clause boundary.
    """
    path = [cue]
    token = cue
    while token.dep_ not in _CLAUSE or (token.dep_ == "conj" and _nominal(token) and _nominal(token.head)):
        head = token.head
        if head.i == token.i:
            break
        if token.dep_ == "conj":  # "talks and a summit on Monday": the first conjunct's governor
            token = head
            continue
        if token.pos_ in ("ADP", "SCONJ") and token.lower_ in _ANTERIOR:
            break
        if _nominal(head) and (_nominal(token) or token.pos_ in ("ADP", "SCONJ")):
            break
        path.append(head)
        token = head
    return path


def _day_ordinal(token) -> bool:
    """Whether the ordinal ``token`` ("7th") stands alone as a day: "on the 7th", "the 17th", not "the 21st member"."""
    if token.dep_ in ("amod", "nummod", "compound", "nmod", "quantmod"):
        return False
    if any(c.pos_ in ("NOUN", "PROPN") and c.dep_ not in ("npadvmod",) for c in token.children):
        return False
    if token.i == 0 or token.doc[token.i - 1].lower_ != "the":
        return False
    if token.dep_ == "pobj":
        return token.head.lower_ in _DAY_PREPS
    return token.dep_ in ("npadvmod", "advmod", "tmod", "ROOT")


#: What is read once per document (:func:`kg.relations.perdoc.memo`): its DATE and TIME entities by
#: sentence start (``Span.ents`` builds the document's whole entity tuple on every call, which made
#: dating every relation quadratic), each sentence's time expressions, and each cue's date (one cue
#: gives many relations, one per pair of actors).


def _time_ents(sent) -> list:
    doc = sent.doc
    memo = per_doc(doc)
    by_sentence = memo.get("time_ents")
    if by_sentence is None:
        by_sentence = memo["time_ents"] = {}
        times = {doc.vocab.strings[label] for label in ("DATE", "TIME")}
        for start, end, label, _ in entities(doc):
            if label in times:
                by_sentence.setdefault(sentence_bounds(doc, start)[0], []).append((start, end))
    return [doc[start:end] for start, end in by_sentence.get(sent.start, ())]


def _sentence_expressions(token) -> list[tuple[str, object, frozenset[int]]]:
    """:func:`_expressions` of the sentence of ``token``, read once."""
    doc = token.doc
    start, end = sentence_bounds(doc, token.i)
    key = ("expressions", start)
    memo = per_doc(doc)
    if key not in memo:
        memo[key] = [(text, root.i, frozenset(indices)) for text, root, indices in _expressions(doc[start:end])]
    return [(text, doc[root], indices) for text, root, indices in memo[key]]


def _expressions(sent):
    """(text, root token, token indices) of the time expressions of a sentence."""
    taken: set[int] = set()
    doc = sent.doc
    pieces = []
    for ent in _time_ents(sent):
        start = ent.start  # "on Feb. 26, days after ...": two expressions taken for one
        for token in ent:
            following = doc[token.i + 1] if token.i + 1 < ent.end else None
            if token.text == "," and following is not None and not _YEAR.fullmatch(following.text):
                pieces.append(doc[start:token.i])
                start = token.i + 1
        pieces.append(doc[start:ent.end])
    for ent in pieces:
        if not len(ent):
            continue
        indices = set(range(ent.start, ent.end))
        taken |= indices
        start = ent.start
        text = ent.text
        if start > sent.start and doc[start - 1].lower_ in ("earlier", "later", "since"):
            text = doc[start - 1].lower_ + " " + text  # "earlier this year" with "earlier" outside the entity
            start -= 1
        root = ent.root
        words = [t for t in ent if not t.is_punct and t.lower_ not in ("the", "of")]
        if len(words) == 1 and _ORDINAL.match(words[0].lower_) and not _day_ordinal(words[0]):
            continue  # "the 31st summit" taken for a date
        if root.head.lower_ == "since" and root.head.i not in indices:
            text = "since " + text
        yield text, root, indices
    strings = doc.vocab.strings
    lowers, poses = column(doc, LOWER), column(doc, POS)
    for i in range(sent.start, sent.end):
        if i in taken:
            continue
        lower = strings[lowers[i]]
        if not (lower[:1].isdigit() or poses[i] == NUM or lower in _WORDS):
            continue  # none of the expressions below: no Token made
        token = doc[i]
        if lower[:1].isdigit() and _ORDINAL.match(lower) and _day_ordinal(token):
            yield "the " + lower, token, {token.i}
        elif token.pos_ == "NUM" and _YEAR.fullmatch(lower) and token.dep_ in ("nummod", "compound", "nmod", "amod", "pobj"):
            yield lower, token, {token.i}  # "the 2020 war" taken for an EVENT entity
        elif lower in _ADVERBS and token.pos_ == "ADV":
            yield lower, token, {token.i}
        elif lower == "once" and token.pos_ == "ADV" and token.dep_ == "advmod" and token.i < token.head.i:
            yield lower, token, {token.i}
        elif lower == "past" and token.dep_ == "pobj" and token.head.lower_ == "in" and not any(c.dep_ != "det" for c in token.children):
            yield "in the past", token, {token.i}
        elif lower == "ago" and not any(c.i in taken for c in token.subtree):
            yield " ".join(t.lower_ for t in token.subtree), token, {t.i for t in token.subtree}


def _anchor(root, indices: set[int], owners: set[int]):
    """The word a time expression modifies: through prepositions, names, time nouns ("the
    early hours of Monday") and nouns that are not events, up to a verb, an event noun,
    an owner of the cue or the noun it premodifies ("the 2019 break")."""
    token = root
    while True:
        head = token.head
        if head.i == token.i:
            return None
        if head.i in indices:
            token = head
            continue
        if head.i in owners:
            return head
        if token.dep_ in _PREMOD and _nominal(head) and head.lemma_.lower() not in _TIME_NOUNS:
            return head
        if head.pos_ in ("ADP", "SCONJ", "ADV", "PART", "DET") or head.dep_ == "prep" or head.lower_ == "ago":
            token = head
            continue
        if head.pos_ in ("PROPN", "PRON", "NUM") or head.pos_ == "NOUN" and (
                head.lemma_.lower() in _TIME_NOUNS or not _event_noun(head)):
            token = head
            continue
        return head


def _clause_verbs(head) -> frozenset[int]:
    """Verbs of the clause of ``head`` (through coordinated verbs to the first) that are
    neither inside a noun phrase ("the deal, signed late on Saturday") nor an earlier event
    ("after taking office on Aug. 7", "hours after it said")."""
    top = head
    while top.dep_ == "conj" and top.pos_ in ("VERB", "AUX") and top.head.i != top.i:
        top = top.head
        while top.dep_ not in _CLAUSE and top.head.i != top.i:
            top = top.head
    memo = per_doc(top.doc)
    key = ("clause verbs", top.i)
    if key not in memo:
        memo[key] = frozenset(_verbs_below(top))
    return memo[key]


def _verbs_below(top) -> set[int]:
    """:func:`_clause_verbs` of the clause headed by ``top``."""
    verbs = set()
    for token in top.subtree:
        if token.pos_ not in ("VERB", "AUX") or token.i == top.i:
            continue
        t, ok = token, True
        while t.i != top.i and ok:
            ok = not (_nominal(t) or t.lower_ in _ANTERIOR and t.pos_ in ("ADP", "SCONJ")
                      or any(c.dep_ == "mark" and c.lower_ in _ANTERIOR for c in t.children))
            t = t.head
        if ok:
            verbs.add(token.i)
    return verbs


def event_date(cue, doc_date: str | None) -> str | None:
    """``YYYY-MM-DD`` of the event signalled by the spaCy Token ``cue``, or ``None`` (:func:`_event_date`, once per cue)."""
    key = ("date", cue.i, doc_date)
    memo = per_doc(cue.doc)
    if key not in memo:
        memo[key] = _event_date(cue, doc_date)
    return memo[key]


def _event_date(cue, doc_date: str | None) -> str | None:
    """``YYYY-MM-DD`` of the event signalled by the spaCy Token ``cue``, or ``None``.

    The cue's own time expressions decide (the nearest first: the cue's phrase, then the
    verbs up to its clause head): a day gives that day; one not precise to a day that is
    not the document's day gives ``None``; none, or only ones that contain the document's
    day, give ``doc_date``. A day of a coordinated verb ("condemned X on Saturday and
    urged Y"), of a verb the cue governs ("urged Y on the 7th to negotiate", where the
    parser may attach the date to "negotiate") or of its object noun ("held talks on the
    17th") is used when the cue has no time of its own; last, as before, a day of another
    verb of the clause that is not an earlier event.
    """
    expressions = [(text, root, indices) for text, root, indices in _sentence_expressions(cue) if cue.i not in indices]
    if not expressions:
        return doc_date  # most sentences say no time: the document's date, without reading the clause
    owners = _owners(cue)
    rank = {t.i: n for n, t in enumerate(owners)}
    secondary: set[int] = set()
    if cue.pos_ in ("VERB", "AUX"):
        secondary |= {c.i for c in cue.conjuncts if c.pos_ in ("VERB", "AUX")}
    for owner in owners:
        if owner.pos_ in ("VERB", "AUX"):
            secondary |= {c.i for c in owner.children if c.dep_ == "xcomp"}
            # "held talks on the 17th": the parser may attach the day to the object
            secondary |= {c.i for c in owner.children if c.dep_ in ("dobj", "attr") and c.pos_ == "NOUN"}
    secondary -= set(rank)
    clause: set[int] | None = None  # the other verbs of the clause, read when an expression is on none of the above
    found: dict[int, list[Time]] = {}
    late = len(owners)
    for text, root, indices in expressions:
        anchor = _anchor(root, indices, set(rank) | secondary)
        if anchor is None:
            continue
        if anchor.i not in rank and anchor.dep_ in ("acl", "relcl") and anchor.head.i in rank and _nominal(anchor.head):
            anchor = anchor.head  # "the war that began in 2020", "an embargo imposed in 2019"
        if anchor.i in rank:
            found.setdefault(rank[anchor.i], []).append(time_of(text, doc_date))
        else:
            if clause is None:
                clause = _clause_verbs(owners[-1]) - set(rank) - secondary
            if anchor.i in secondary or anchor.i in clause:
                time = time_of(text, doc_date)
                if time.kind == "day":
                    found.setdefault(late if anchor.i in secondary else late + 1, []).append(time)
    current = False
    for n in sorted(found):
        kinds = {t.kind: t for t in found[n]}
        if "day" in kinds:
            return kinds["day"].day
        if current:
            continue  # "this year's summit ... on Monday": a day may still refine it
        if "other" in kinds:
            return None
        current = "current" in kinds
    return doc_date
