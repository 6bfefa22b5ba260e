#!/usr/bin/env python3
"""Convert a CAMEO verb dictionary in the PETRARCH format into ``kg/data/cameo_verbs.csv``.

    python scripts/cameo_verbs.py kg/data/sources/petrarch2_CAMEO.2.0.txt -o kg/data/cameo_verbs.csv \
        --synsets kg/data/cameo_synsets.csv
    python scripts/cameo_verbs.py kg/data/sources/petrarch2_CAMEO.2.0.txt --summary

The parser is written for ir-kg from the documented format (PETRARCH-2 ``docs/source/dictionaries.rst``
and the TABARI manual); no code of the PETRARCH project is used.  What the dictionary holds:

* synonym sets: a line ``&NAME`` followed by ``+WORD`` / ``+MULTI_WORD_PHRASE`` lines (a final ``_``
  means "no plural");
* verb blocks: a header ``--- HEADWORD [code] ---``, then verb lines ``VERB {irregular forms} [code]``
  (``+LASH_OUT`` marks the verb word of a multi-word verb with ``+``), then pattern lines
  ``- <before verb> * <after verb> [code] # verb(s) the pattern was found with``;
* transformations (``~ a (a b ATTACK) SAY = a b 015``), which relate two verbs and are not rows here.

One CSV row per (lemma, pattern, synonym-set member): bare verbs (``kind=verb``, the code the isolated
verb gets) and patterns (``kind=pattern``).  Columns:

``lemma``        the verb's base form (verb forms and comment forms such as ``STEPPED_UP`` resolved);
``particle``     the phrasal particle ("out" of ``+LASH_OUT``, "off" of ``- * OFF (FOR)``);
``preposition``  the preposition that introduces the target: ``(AGAINST)``, ``(WITH +)``, ``ON +``;
                 empty when the target is the direct object (or the subject, see ``target_slot``);
``object``       the head noun lemma of the required object (last word of ``{...}``, synonym sets
                 expanded), "protest" of ``- * PROTEST``;
``cameo``        the event code (``[042:043]`` gives 042; ``---`` = the phrase codes no event);
``reverse_cameo``  the code after ``:`` (an event from the target to the source);
``object_phrase``  the whole object noun phrase, lower case;
``complement``   other required words: prepositional phrases with a noun ("to border"), further nouns;
                 ``^`` stands for "any noun phrase", ``+``/``$`` for the target/source;
``before_verb``  required words before the verb (a subject noun, an adverb, an auxiliary);
``target_slot``  ``dobj`` | ``prep`` | ``subject`` (``+`` before ``*``);
``source_slot``  ``subject`` unless a ``$`` says otherwise (``prep:from``, ``dobj``);
``synsets``      the synonym sets expanded into this row;
``lemma_from``   ``verb`` (a verb line), ``comment`` (the verb named in the pattern's comment) or
                 ``block`` (no verb named: every verb of the block, as PETRARCH applies it);
``block``        the block headword; ``kind``; ``flag`` (curation hints, see ``FLAGS``);
``pattern``      the original text (comment removed, spaces squeezed); ``source``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

SOURCE_LABEL = "petrarch2 CAMEO.2.0"
ROOT = Path(__file__).resolve().parent.parent

COLUMNS = [
    "lemma", "particle", "preposition", "object", "cameo", "reverse_cameo", "object_phrase", "complement",
    "before_verb", "target_slot", "source_slot", "synsets", "lemma_from", "block", "kind", "flag", "pattern",
    "source",
]

# Words that, right after the verb, make a phrasal verb ("set OUT views", "put UP resistance").
PARTICLES = {"up", "down", "out", "off", "back", "away", "forward", "aside", "apart", "together", "ahead",
             "around", "over"}
# ... of which these are prepositions when a noun follows ("* OVER MEETING OF +": protest over a meeting).
PARTICLE_OR_PREPOSITION = {"around", "over"}
# Bare words read as prepositions in old (TABARI-style) patterns without parentheses: "* ATTACK ON +".
PREPOSITIONS = {"about", "across", "after", "against", "along", "among", "around", "as", "at", "before",
                "behind", "between", "by", "for", "from", "in", "inside", "into", "near", "of", "off", "on",
                "onto", "over", "since", "through", "to", "toward", "towards", "under", "until", "upon", "with",
                "within", "without"}
RECIPROCAL = {"each other", "one another"}
# A synonym set heading the object is expanded into one row per member when it has at most this many
# members; the long inventories (&WEAPON, &CURRENCY, &AIRCRAFT, &WMD: model and currency names) stay
# as "&weapon" in ``object`` and are resolved by ``cameo_synsets.csv``.
EXPAND_MAX = 20

# Curation hints (ir-kg's own judgement, not from the source).  A bare use of these verbs (no object,
# preposition or particle required) is too general to be a relation cue.
GENERAL_VERBS = {"be", "have", "make", "take", "get", "see", "give", "go", "come", "put", "set", "do", "say",
                 "keep", "hold", "bring", "show", "find", "know", "look", "seem", "appear", "run", "turn", "let",
                 "leave", "move", "reach", "place", "use", "carry", "stand", "remain", "continue", "begin",
                 "start", "end", "open", "close", "call", "receive", "become", "raise", "draw", "pass",
                 "follow", "lay", "stay", "work", "deal", "play", "hear", "tell", "feel", "consider", "want",
                 "involve", "offer", "extend", "form", "build", "seek", "try"}
# Verbs whose main sense in news is not the CAMEO one (bare use): note shown in ``flag`` and the summary.
OTHER_SENSE = {
    "fire": "dismiss from a post", "charge": "legal charge / price", "strike": "labour strike, strike a deal",
    "blast": "criticise", "slam": "criticise", "hit": "affect (hit by sanctions)", "pound": "currency",
    "target": "aim at (policy)", "engage": "engage in talks", "storm": "weather", "shoot": "film / photo",
    "ram": "ram through a bill", "raid": "police search", "smash": "records", "battle": "illness, elections",
    "fight": "fight corruption / elections", "attack": "criticise (verbal)", "hammer": "criticise",
    "torpedo": "derail a plan", "rock": "shake (markets)", "bomb": "fail", "claim": "assert",
    "press": "urge (appeal), media", "push": "lobby", "lobby": "domestic lobbying", "ask": "question",
    "call": "telephone / name", "question": "doubt", "warn": "predict (warn of a slowdown)",
    "threaten": "endanger (threaten jobs)", "cut": "reduce (budget, rates)", "break": "news / records",
    "freeze": "weather, prices", "recall": "remember, product recall", "expel": "students, party members",
    "suspend": "officials, players", "withdraw": "money, candidacy", "block": "veto (vote)",
    "boycott": "goods, elections", "host": "events", "welcome": "greeting", "back": "adverb",
    "deploy": "software", "mobilize": "voters", "mobilise": "voters", "move": "motion", "post": "online",
    "station": "noun", "dispatch": "report", "arm": "noun", "ban": "domestic ban", "deny": "reject a claim",
    "die": "intransitive: the subject is the victim", "explode": "intransitive: a bomb explodes",
    "launch": "products, campaigns", "seize": "police seizures (drugs, assets)",
    "capture": "market, votes", "occupy": "occupy a post; protesters occupy a square",
}

PLURAL_KEEP = {"arms", "news", "means", "series", "species", "headquarters", "politics", "economics", "gas",
               "status", "consensus", "physics", "tactics", "thanks", "whereabouts", "troops_"}
PLURAL_IRREGULAR = {"crises": "crisis", "analyses": "analysis", "theses": "thesis", "men": "man",
                    "women": "woman", "children": "child", "feet": "foot", "mice": "mouse", "lives": "life",
                    "wives": "wife", "thieves": "thief", "police": "police", "people": "people",
                    "personnel": "personnel", "atrocities": "atrocity", "allies": "ally"}


def singular(word: str) -> str:
    """A conservative singular of an English noun ("sanctions" -> "sanction", "ties" -> "tie")."""
    w = word.lower()
    if w in PLURAL_IRREGULAR:
        return PLURAL_IRREGULAR[w]
    if w in PLURAL_KEEP or len(w) <= 3 or not w.isascii():
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is", "ous", "'s")):
        return w[:-1]
    return w


def regular_forms(stem: str) -> list[str]:
    """The regular forms of an English verb in upper case (-s, -ed, -ing), as the format documents."""
    forms = [stem]
    if stem.endswith(("S", "X", "Z", "SH", "CH")):
        forms.append(stem + "ES")
    elif stem.endswith("Y") and len(stem) > 1 and stem[-2] not in "AEIOU":
        forms.append(stem[:-1] + "IES")
    else:
        forms.append(stem + "S")
    if stem.endswith("E"):
        forms.append(stem + "D")
    elif stem.endswith("Y") and len(stem) > 1 and stem[-2] not in "AEIOU":
        forms.append(stem[:-1] + "IED")
    else:
        forms.append(stem + "ED")
    if stem.endswith("E") and len(stem) > 2 and stem[-2] not in "AEIOU":
        forms.append(stem[:-1] + "ING")
    else:
        forms.append(stem + "ING")
    return forms


# ---------------------------------------------------------------------------------------------------
# Reading the file


@dataclass
class Verb:
    lemma: str  # lower case
    particle: str  # words after the verb in a multi-word verb ("out"), lower case
    before: str  # words before the verb in a multi-word verb ("wire" of WIRE_+TAP)
    code: str | None  # own code of the isolated verb, or None (the block's)
    forms: set[str]  # upper-case forms, multi-word ones joined with "_" ("ASKED_FOR")
    text: str
    lineno: int
    explicit_forms: bool = False  # forms given in {...} (an empty {} says the entry is itself a form)


@dataclass
class Pattern:
    before: str
    after: str
    code: str
    comment: str
    text: str
    lineno: int


@dataclass
class Block:
    headword: str
    code: str
    lineno: int
    verbs: list[Verb] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)


@dataclass
class Dictionary:
    synsets: dict[str, list[str]]
    blocks: list[Block]
    transformations: list[str]
    problems: list[tuple[int, str, str]]


HEADER = re.compile(r"^---\s+(\S+)\s*\[([^\]]*)\]")
CODE = re.compile(r"\[([^\[\]]*)\]\s*$")
CODE_VALUE = re.compile(r"^(---|\d{2,4})?(?::(---|\d{2,4})?)?$")


def _strip_comment(line: str) -> tuple[str, str]:
    body, _, comment = line.partition("#")
    return body.rstrip(), comment.strip()


def _verb_line(text: str, lineno: int, problems) -> Verb | None:
    body, _ = _strip_comment(text)
    code = None
    m = re.search(r"\[([^\]]*)\]\s*$", body)
    if m:
        code = m.group(1).strip()
        body = body[: m.start()]
    irregular: list[str] = []
    if "{" in body:
        body, _, rest = body.partition("{")
        irregular = rest.replace("}", " ").split()
    words = body.split()
    if not words:
        return None
    if len(words) > 1:
        problems.append((lineno, text, "verb line with several words (first taken)"))
    entry = words[0]

    def split_compound(word: str) -> tuple[str, str, str]:
        if "_" not in word:
            return "", word.lstrip("+"), ""
        parts = word.split("_")
        marked = [i for i, p in enumerate(parts) if p.startswith("+")]
        i = marked[0] if marked else 0
        return " ".join(parts[:i]), parts[i].lstrip("+"), " ".join(parts[i + 1:])

    before, stem, after = split_compound(entry)
    forms = {entry.replace("+", "")}
    if irregular:
        forms |= {f.replace("+", "") for f in irregular}
    else:
        front = before.replace(" ", "_") + "_" if before else ""
        back = "_" + after.replace(" ", "_") if after else ""
        forms |= {front + f + back for f in regular_forms(stem)}
    if code is not None and not CODE_VALUE.match(code):
        problems.append((lineno, text, f"unreadable verb code [{code}]"))
        code = None
    return Verb(stem.lower(), after.lower(), before.lower(), code, forms, " ".join(text.split("#")[0].split()),
                lineno, "{" in text.split("#")[0])


def resolve_inflected(blocks: list[Block], problems) -> None:
    """Entries that are themselves inflected forms (``+KILLED_AND {}``, ``TOURING``) get the lemma of the
    verb whose form they are, when that verb has its own line."""
    forms_of: dict[str, set[str]] = defaultdict(set)
    lemmas = {v.lemma for b in blocks for v in b.verbs}
    for b in blocks:
        for v in b.verbs:
            for f in v.forms:
                word = f.split("_")[0] if not v.before else ""
                if word and word.lower() != v.lemma:
                    forms_of[word].add(v.lemma)
    for b in blocks:
        for v in b.verbs:
            up = v.lemma.upper()
            inflected = (v.explicit_forms and not (v.forms - {v.text.split()[0].replace("+", "")})) \
                or up.endswith(("ED", "ING"))
            if not inflected:
                continue
            bases = sorted(forms_of.get(up, set()) - {v.lemma})
            if not bases:
                bases = sorted({c.lower() for c in _candidates(up)[1:] if c.lower() in lemmas and "_" not in c})
            if bases:
                problems.append((v.lineno, v.text, f"inflected entry {v.lemma!r} read as lemma {bases[0]!r}"))
                v.lemma = bases[0]


def parse_dictionary(text: str) -> Dictionary:
    synsets: dict[str, list[str]] = {}
    blocks: list[Block] = []
    transformations: list[str] = []
    problems: list[tuple[int, str, str]] = []
    section = "synsets"
    current_set: str | None = None
    block: Block | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.replace("\t", " ").rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            if "VERB PATTERNS" in stripped:
                section = "verbs"
            continue
        if stripped.startswith("<!"):  # PETRARCH stops reading patterns here
            section = "ignored"
            continue
        if section == "ignored":
            continue
        if line.startswith("---"):
            section = "verbs"
            m = HEADER.match(line)
            if not m:
                problems.append((lineno, raw, "unreadable block header"))
                continue
            code = m.group(2).strip() or "---"
            if not CODE_VALUE.match(code):
                problems.append((lineno, raw, f"unreadable block code [{code}]"))
                code = "---"
            block = Block(m.group(1), code, lineno)
            blocks.append(block)
            continue
        if line.startswith("~"):
            transformations.append(" ".join(_strip_comment(line)[0].split()))
            continue
        if section == "synsets":
            if line.startswith("&"):
                current_set = stripped.split()[0]
                synsets.setdefault(current_set, [])
            elif line.startswith("+") and current_set:
                word = _strip_comment(stripped)[0][1:].strip()
                if word:
                    synsets[current_set].append(word)
            else:
                problems.append((lineno, raw, "line outside a synonym set"))
            continue
        if block is None:
            problems.append((lineno, raw, "line before the first verb block"))
            continue
        if line.startswith("-"):
            body, comment = _strip_comment(line[1:])
            m = CODE.search(body)
            if not m:
                problems.append((lineno, raw, "pattern without a [code]"))
                continue
            code = m.group(1).strip()
            body = body[: m.start()]
            cleaned = re.sub(r"[^\w:-]", "", code)  # "[080!]": stray punctuation
            if code and not CODE_VALUE.match(code) and CODE_VALUE.match(cleaned):
                problems.append((lineno, raw, f"pattern code [{code}] read as [{cleaned}]"))
                code = cleaned
            if not CODE_VALUE.match(code) or not code:
                problems.append((lineno, raw, f"unreadable pattern code [{code}]"))
                continue
            if body.count("*") != 1:
                problems.append((lineno, raw, "pattern without exactly one '*'"))
                continue
            before, _, after = body.partition("*")
            text_ = "- " + " ".join(body.split()) + f" [{code}]"
            block.patterns.append(Pattern(before.strip(), after.strip(), code, comment, text_, lineno))
            continue
        verb = _verb_line(line, lineno, problems)
        if verb:
            block.verbs.append(verb)
    resolve_inflected(blocks, problems)
    return Dictionary(synsets, blocks, transformations, problems)


# ---------------------------------------------------------------------------------------------------
# Reading a pattern


@dataclass
class Item:
    kind: str  # "np" (words), "pp" (preposition + items), "marker" ($ + ^ %)
    words: list[str] = field(default_factory=list)  # np words / the marker
    prep: str = ""
    items: list["Item"] = field(default_factory=list)  # inside a pp


MARKERS = {"$", "+", "^", "%"}


def _tokens(side: str) -> list[str]:
    return re.findall(r"[(){}]|[^\s(){}]+", side)


def parse_side(side: str) -> tuple[list[Item], list[str]]:
    """Items of one side of ``*``: noun phrases, prepositional phrases, markers; and problems."""
    problems: list[str] = []
    out: list[Item] = []
    stack: list[Item] = []  # open pp
    brace: list[str] | None = None

    def emit(item: Item):
        if item.kind == "np":  # WORLD_BANK, {HARSH_RIPOSTES}: "_" joins the words of a phrase
            item.words = [x for w in item.words for x in ([w] if w.startswith("&") else w.split("_")) if x]
        (stack[-1].items if stack else out).append(item)

    for tok in _tokens(side):
        if tok == "{":
            if brace is not None:
                problems.append("nested '{'")
            brace = []
        elif tok == "}":
            if brace is None:
                problems.append("'}' without '{'")
                continue
            emit(Item("np", brace))
            brace = None
        elif tok == "(":
            if stack:
                problems.append("nested '('")
            stack.append(Item("pp"))
        elif tok == ")":
            if brace is not None:
                problems.append("')' inside '{...}'")
                emit(Item("np", brace))
                brace = None
            if not stack:
                problems.append("')' without '('")
                continue
            pp = stack.pop()
            emit(pp)
        elif brace is not None:
            brace.append(tok)
        elif stack and not stack[-1].prep and not stack[-1].items:
            stack[-1].prep = tok
        elif tok in MARKERS:
            emit(Item("marker", [tok]))
        else:
            emit(Item("np", [tok]))
    if brace is not None:
        problems.append("'{' not closed")
        emit(Item("np", brace))
    while stack:
        problems.append("'(' not closed")
        pp = stack.pop()
        emit(pp)
    return out, problems


def synset_members(name: str, synsets: dict[str, list[str]]) -> list[str] | None:
    """Members of a synonym set in lower case, "_" read as a space, a final "_" (no plural) dropped."""
    members = synsets.get(name.upper()) or synsets.get(name.upper() + "_") or synsets.get(name.upper().rstrip("_"))
    if members is None:
        return None
    return [" ".join(m.rstrip("_").lower().replace("_", " ").split()) for m in members]


def _head(words: list[str]) -> int:
    """Index of the head noun of a noun phrase: the last word, or the word before "of"."""
    if "of" in words[1:]:
        return words.index("of") - 1
    return len(words) - 1


@dataclass
class Reading:
    particle: str = ""
    preposition: str = ""
    object: str = ""
    object_words: list[str] = field(default_factory=list)
    complement: list[str] = field(default_factory=list)
    before_verb: str = ""
    target_slot: str = ""
    source_slot: str = "subject"
    synsets: list[str] = field(default_factory=list)

    @property
    def object_phrase(self) -> str:
        return " ".join(self.object_words)


def _render(items: list[Item]) -> str:
    parts = []
    for it in items:
        if it.kind == "pp":
            parts.append(" ".join([it.prep.lower()] + [_render([x]) for x in it.items]).strip())
        else:
            parts.append(" ".join(w.lower().rstrip("_") if w.startswith("&") else w.lower() for w in it.words))
    return " ".join(p for p in parts if p)


def read_pattern(pattern: Pattern, synsets) -> tuple[list[Reading], list[str]]:
    """The readings of a pattern and parse problems.

    A synonym set that is the head of the object is expanded, one reading per member (the object
    column is then a plain noun); elsewhere (a modifier, a complement, before the verb) it stays as
    ``&name``, resolved by ``cameo_synsets.csv``."""
    before, p1 = parse_side(pattern.before)
    after, p2 = parse_side(pattern.after)
    b_items, a_items = before, []
    for it in after:  # "* EACH OTHER": one reciprocal phrase, not an object "each"
        if a_items and it.kind == "np" and a_items[-1].kind == "np" \
                and " ".join(a_items[-1].words + it.words).lower() in RECIPROCAL:
            a_items[-1] = Item("np", a_items[-1].words + it.words)
        else:
            a_items.append(it)
    r = Reading()
    if any(i.kind == "marker" and i.words == ["+"] for i in b_items):
        r.target_slot = "subject"
    if any(i.kind == "marker" and i.words == ["$"] for i in b_items):
        r.source_slot = "subject"
    r.before_verb = _render([i for i in b_items if not (i.kind == "marker" and i.words[0] in "$+")])
    pending_prep = ""  # an old-style bare preposition waiting for its object
    for n, it in enumerate(a_items):
        word = it.words[0].lower() if it.kind == "np" and len(it.words) == 1 else ""
        if word in PARTICLES and n == 0 and not (word in PARTICLE_OR_PREPOSITION and len(a_items) > 1
                                                 and a_items[1].kind == "np"):
            r.particle = word
            continue
        if word in PREPOSITIONS and not pending_prep:
            pending_prep = word
            if n == len(a_items) - 1 and not r.preposition:  # "* CASE AGAINST": the target follows
                r.preposition = pending_prep
            continue
        if it.kind == "marker":
            m = it.words[0]
            if m == "+":
                if pending_prep and not r.preposition:
                    r.preposition = pending_prep
                elif not pending_prep:
                    r.target_slot = r.target_slot or "dobj"
                else:
                    r.complement.append(f"{pending_prep} +")
            elif m == "$":
                r.source_slot = f"prep:{pending_prep}" if pending_prep else "dobj"
            else:
                r.complement.append(f"{pending_prep} {m}".strip())
            pending_prep = ""
            continue
        if it.kind == "pp":
            if pending_prep:
                r.complement.append(pending_prep)
                pending_prep = ""
            inner_markers = [x.words[0] for x in it.items if x.kind == "marker"]
            nouns = [x for x in it.items if x.kind == "np"]
            if "$" in inner_markers:
                r.source_slot = f"prep:{it.prep.lower()}"
            if not it.items or "+" in inner_markers:
                if not r.preposition:
                    r.preposition = it.prep.lower()
                    if nouns or inner_markers != ["+"] and it.items:
                        r.complement.append(_render([it]))
                else:
                    r.complement.append(_render([it]) or it.prep.lower())
            elif not (inner_markers == ["$"] and not nouns):
                r.complement.append(_render([it]))
            continue
        phrase = _render([it])  # a noun phrase
        if pending_prep:
            r.complement.append(f"{pending_prep} {phrase}")
            pending_prep = ""
        elif phrase in RECIPROCAL:
            r.complement.append(phrase)
        elif not r.object_words:
            r.object_words = phrase.split()
        else:
            r.complement.append(phrase)
    if pending_prep and pending_prep != r.preposition:
        r.complement.append(pending_prep)
    if not r.target_slot:
        r.target_slot = "prep" if r.preposition else "dobj"
    elif r.preposition and r.target_slot == "dobj":
        r.target_slot = "prep"
    problems = p1 + p2
    readings = [r]
    if r.object_words:
        h = _head(r.object_words)
        head = r.object_words[h]
        members = synset_members(head, synsets) if head.startswith("&") else None
        if head.startswith("&") and members is None:
            problems.append(f"undefined synonym set {head.upper()}")
        if members is not None and len(members) <= EXPAND_MAX:
            readings = []
            for m in members:
                words = r.object_words[:h] + m.split() + r.object_words[h + 1:]
                x = Reading(**{**r.__dict__, "object_words": words, "complement": list(r.complement)})
                x.object = singular(m.split()[_head(m.split())])
                readings.append(x)
        else:
            r.object = head.rstrip("_") if head.startswith("&") else singular(head)
    text = re.sub(r"[{}()]", " ", pattern.before + " " + pattern.after)
    used = sorted({w.lower().rstrip("_") for w in text.split() if w.startswith("&")})
    for x in readings:
        x.synsets = used
    return readings, problems


def synset_rows(dictionary: "Dictionary") -> list[dict]:
    """One row per (synonym set, member), for the sets that patterns keep as ``&name``."""
    rows = []
    for name in sorted(dictionary.synsets):
        for member in sorted(set(synset_members(name, dictionary.synsets) or [])):
            rows.append({"synset": name.lower().rstrip("_"), "member": member,
                         "head": singular(member.split()[_head(member.split())]), "source": SOURCE_LABEL})
    return rows


# ---------------------------------------------------------------------------------------------------
# Rows


def _split_code(code: str) -> tuple[str, str]:
    primary, _, reverse = code.partition(":")
    return primary.strip(), reverse.strip()


def _candidates(word: str) -> list[str]:
    """A comment word and the base forms it may be an inflection of ("STEPPED_UP" -> "STEP_UP", ...)."""
    out = [word]
    head, sep, tail = word.partition("_")
    for suffix, repl in (("IES", "Y"), ("IED", "Y"), ("ING", ""), ("ING", "E"), ("ED", ""), ("ED", "E"),
                         ("ES", ""), ("S", ""), ("D", "")):
        if head.endswith(suffix) and len(head) > len(suffix) + 2:
            base = head[: -len(suffix)] + repl
            out.append(base + sep + tail)
            if len(base) > 2 and base[-1] == base[-2]:  # STEPPED -> STEP
                out.append(base[:-1] + sep + tail)
    if sep:
        out.append(head)
    return out


def _verb_keys(verb: Verb) -> set[str]:
    keys = set(verb.forms)
    if not verb.before:
        keys |= {f.split("_")[0] for f in verb.forms}
    return keys | {k.replace("-", "_") for k in keys}


def _comment_verbs(verbs: list[Verb], comment: str, first_only: bool = True) -> list[Verb]:
    """Verbs named in a pattern's comment ("STEP_UP , STEPPED_UP", "RUSH"); forms resolved to their verb."""
    found: list[Verb] = []
    for part in comment.split(","):
        words = part.split()
        if not words:
            continue
        word = words[0].upper().strip(".;:")
        for c in _candidates(word):
            matches = [v for v in verbs if c in _verb_keys(v)]
            if matches:
                for v in matches[:1] if first_only else matches:
                    if all((v.lemma, v.particle, v.before) != (f.lemma, f.particle, f.before) for f in found):
                        found.append(v)
                break
    return found


def _comment_word(comment: str) -> str:
    """The first word of a comment when it looks like a verb (letters only, no date nor coder initials)."""
    part = comment.split(",")[0]
    words = part.split()
    if not words or re.search(r"\d", part) or not re.fullmatch(r"[A-Z]{4,}", words[0]):
        return ""
    return words[0]


def flags_for(row: dict) -> str:
    flags = []
    bare = not (row["object"] or row["preposition"] or row["particle"] or row["complement"] or row["before_verb"])
    if row["cameo"] == "---":
        flags.append("null-code")
    if not row["cameo"] and row["reverse_cameo"]:
        flags.append("reverse-only")
    if row["target_slot"] == "subject":
        flags.append("target-is-subject")
    if bare and row["lemma"] in GENERAL_VERBS:
        flags.append("general-verb")
    if bare and row["lemma"] in OTHER_SENSE:
        flags.append("other-sense")
    if row["lemma_from"] == "block":
        flags.append("block-expanded")
    return " ".join(flags)


def build_rows(dictionary: Dictionary) -> tuple[list[dict], list[tuple[int, str, str]]]:
    rows: list[dict] = []
    problems = list(dictionary.problems)
    seen = set()

    def add(row: dict, note: str = ""):
        row["source"] = SOURCE_LABEL
        row["flag"] = " ".join(f for f in (flags_for(row), note) if f)
        key = tuple(row[c] for c in COLUMNS)
        if key not in seen:
            seen.add(key)
            rows.append(row)

    all_verbs = [v for b in dictionary.blocks for v in b.verbs]
    for block in dictionary.blocks:
        for verb in block.verbs:
            code = verb.code if verb.code is not None else block.code
            cameo, reverse = _split_code(code)
            add({"lemma": verb.lemma, "particle": verb.particle, "preposition": "", "object": "",
                 "cameo": cameo, "reverse_cameo": reverse, "object_phrase": "", "complement": "",
                 "before_verb": verb.before, "target_slot": "dobj", "source_slot": "subject", "synsets": "",
                 "lemma_from": "verb", "block": block.headword.lower(), "kind": "verb", "pattern": verb.text})
        for pattern in block.patterns:
            verbs = _comment_verbs(block.verbs, pattern.comment)
            lemma_from, note = "comment", ""
            if not verbs:  # named verb not in this block: another block's verb, or no verb line at all
                verbs = _comment_verbs(all_verbs, pattern.comment, first_only=False)
                note = "comment-verb-of-other-block"
            if not verbs and _comment_word(pattern.comment):
                word = _comment_word(pattern.comment)
                verbs = [Verb(word.lower(), "", "", None, set(), "", pattern.lineno)]
                note = "comment-verb-not-in-dictionary"
                problems.append((pattern.lineno, pattern.text, f"comment names {word}, which has no verb line; "
                                 f"row lemma {word.lower()}"))
            if not verbs:
                verbs, lemma_from, note = block.verbs, "block", ""
            if not verbs:
                problems.append((pattern.lineno, pattern.text, "pattern in a block without verbs"))
                continue
            readings, trouble = read_pattern(pattern, dictionary.synsets)
            for t in trouble:
                problems.append((pattern.lineno, pattern.text, t))
            cameo, reverse = _split_code(pattern.code)
            for verb in verbs:
                for r in readings:
                    particle = " ".join(p for p in (verb.particle, r.particle) if p)
                    before = " ".join(p for p in (verb.before, r.before_verb) if p)
                    add({"lemma": verb.lemma, "particle": particle, "preposition": r.preposition,
                         "object": r.object, "cameo": cameo, "reverse_cameo": reverse,
                         "object_phrase": r.object_phrase, "complement": "; ".join(r.complement),
                         "before_verb": before, "target_slot": r.target_slot, "source_slot": r.source_slot,
                         "synsets": " ".join(r.synsets), "lemma_from": lemma_from,
                         "block": block.headword.lower(), "kind": "pattern", "pattern": pattern.text},
                        note)
    rows.sort(key=lambda r: tuple(r[c] for c in COLUMNS))
    return rows, problems


SYNSET_COLUMNS = ["synset", "member", "head", "source"]


def to_csv(rows: list[dict], columns: list[str] = COLUMNS) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def convert(text: str) -> tuple[str, str]:
    """The two CSV texts made from a dictionary: verb rows and synonym-set members."""
    dictionary = parse_dictionary(text)
    rows, _ = build_rows(dictionary)
    return to_csv(rows), to_csv(synset_rows(dictionary), SYNSET_COLUMNS)


# ---------------------------------------------------------------------------------------------------
# Curation summary

CAMEO_ROOTS = {
    "01": "make public statement", "02": "appeal", "03": "express intent to cooperate", "04": "consult",
    "05": "engage in diplomatic cooperation", "06": "engage in material cooperation", "07": "provide aid",
    "08": "yield", "09": "investigate", "10": "demand", "11": "disapprove", "12": "reject", "13": "threaten",
    "14": "protest", "15": "exhibit force posture", "16": "reduce relations", "17": "coerce", "18": "assault",
    "19": "fight", "20": "use unconventional mass violence",
}
RELATION_WORDS = {"relation", "tie", "relationship"}


def row_code(row: dict) -> str:
    code = row["cameo"] if row["cameo"] not in ("", "---") else row["reverse_cameo"]
    return "" if code in ("", "---") else code


def predicate_codes() -> dict[str, str]:
    """Predicate -> ir:defaultCameoCode, from the ontology (``kg.vocab``)."""
    try:
        from kg.vocab import load_vocabulary
        return {name: p.cameo for name, p in load_vocabulary().items() if p.cameo}
    except Exception:  # outside an install: read the Turtle text
        text = (ROOT / "ontology" / "ir.ttl").read_text(encoding="utf-8")
        out = {}
        for m in re.finditer(r"^ir:(\w+)\s*\n((?:[ \t].*\n)+)", text, re.M):
            c = re.search(r'ir:defaultCameoCode\s+"(\d+)"', m.group(2))
            if c:
                out[m.group(1)] = c.group(1)
        return out


def predicates_for(row: dict, codes: dict[str, str]) -> list[str]:
    """The ir-kg predicate(s) a row would feed: longest ontology code that prefixes the row's code.

    Several predicates with one code are told apart: 045 mediates, else talksWith; 054 or an object
    "relation"/"tie" restoreRelationsWith, else supports; a reciprocal code (190:190) or "with" /
    "between" conflictWith, else attacks.  Root 18 (assault) goes to attacks, as a flagged extension."""
    code = row_code(row)
    if not code:
        return []
    best = max((len(c) for c in codes.values() if code.startswith(c)), default=0)
    names = sorted(n for n, c in codes.items() if len(c) == best and code.startswith(c)) if best else []
    if not names and code.startswith("18") and "attacks" in codes:
        names = ["attacks"]
    if len(names) > 1:
        s = set(names)
        if {"talksWith", "mediates"} <= s:
            names = ["mediates"] if code.startswith("045") else ["talksWith"]
        elif {"supports", "restoreRelationsWith"} <= s:
            names = ["restoreRelationsWith"] if code.startswith("054") or row["object"] in RELATION_WORDS \
                else ["supports"]
        elif {"attacks", "conflictWith"} <= s:
            reciprocal = row["cameo"] and row["cameo"] == row["reverse_cameo"]
            names = ["conflictWith"] if reciprocal or row["preposition"] in ("with", "between") else ["attacks"]
    return names


def load_cues(path: Path) -> dict[str, dict]:
    """Per predicate: verbs, verb_preps, verb_objects, nouns, preps of the cue lexicon."""
    out: dict[str, dict] = defaultdict(lambda: {"verbs": set(), "verb_preps": defaultdict(set),
                                                "verb_objects": defaultdict(set), "nouns": set(), "preps": set()})
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        cue = json.loads(line)
        d = out[cue["predicate"]]
        d["verbs"] |= set(cue.get("verbs", []))
        d["nouns"] |= set(cue.get("nouns", []))
        d["preps"] |= set(cue.get("preps", []))
        for v, ps in cue.get("verb_preps", {}).items():
            d["verb_preps"][v] |= set(ps)
        for v, os_ in cue.get("verb_objects", {}).items():
            d["verb_objects"][v] |= set(os_)
    return out


def load_light_verbs(path: Path) -> set[str]:
    if not path.exists():
        return set()
    with path.open(encoding="utf-8") as f:
        return {r["lemma"] for r in csv.DictReader(f) if r.get("lemma")}


def novelty(row: dict, cues: dict, light: set[str]) -> str:
    """"" if the cue lexicon covers the row already, else what is new: "lemma" or "phrase"."""
    verbs = cues["verbs"]
    lemma = row["lemma"]
    noun_ok = row["object"] in cues["nouns"] or any(row["object"] in o for o in cues["verb_objects"].values()) \
        if row["object"] else False
    if lemma in light and noun_ok:
        return ""
    if lemma not in verbs:
        return "lemma"
    if row["object"] and row["object"] not in cues["verb_objects"].get(lemma, set()) \
            and not (cues["verb_objects"].get(lemma) is None and row["object"] in cues["nouns"]):
        return "phrase"
    prep = row["preposition"]
    if prep and prep not in cues["verb_preps"].get(lemma, set()) and prep not in cues["preps"]:
        return "phrase"
    if row["particle"] and row["particle"] not in cues["verb_preps"].get(lemma, set()):
        return "phrase"
    return ""


def phrase_of(row: dict) -> str:
    parts = [row["before_verb"], row["lemma"], row["particle"]]
    if row["object_phrase"]:
        parts.append(row["object_phrase"])
    if row["preposition"]:
        parts.append(row["preposition"] + " X")
    elif row["target_slot"] == "dobj" and not row["object_phrase"]:
        parts.append("X")
    if row["complement"]:
        parts.append(f"[{row['complement']}]")
    return " ".join(p for p in parts if p)


def summary(rows: list[dict], problems, dictionary: Dictionary, cues_path: Path, light_path: Path,
            top: int = 40) -> str:
    out = []
    w = out.append
    n_patterns = sum(len(b.patterns) for b in dictionary.blocks)
    n_verbs = sum(len(b.verbs) for b in dictionary.blocks)
    w(f"# {SOURCE_LABEL}: {len(dictionary.synsets)} synonym sets, {len(dictionary.blocks)} verb blocks, "
      f"{n_verbs} verb lines, {n_patterns} pattern lines, {len(dictionary.transformations)} transformations "
      f"(not converted); {len(rows)} rows; {len(problems)} parse notes")
    w("")
    w("## Per CAMEO root (rows with a code; null-code rows left out)")
    w("root  name                               lemmas  patterns  rows  bare-verbs")
    by_root: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        c = row_code(r)
        if c:
            by_root[c[:2]].append(r)
    for root in sorted(CAMEO_ROOTS):
        rs = by_root.get(root, [])
        lemmas = {r["lemma"] for r in rs}
        pats = {r["pattern"] for r in rs if r["kind"] == "pattern"}
        verbs = {r["lemma"] for r in rs if r["kind"] == "verb"}
        w(f"{root}    {CAMEO_ROOTS[root]:<34} {len(lemmas):>6}  {len(pats):>8}  {len(rs):>4}  {len(verbs):>10}")
    others = sorted(set(by_root) - set(CAMEO_ROOTS))
    if others:
        w(f"other roots: {others}")
    nulls = [r for r in rows if r["cameo"] == "---" and not r["reverse_cameo"]]
    w(f"null-code rows (phrases that code no event): {len(nulls)}")
    w("")

    codes = predicate_codes()
    cues = load_cues(cues_path)
    light = load_light_verbs(light_path)
    w("## Candidate additions per ir-kg predicate (not yet in kg/data/cues.jsonl)")
    w("Ranked by the patterns that name the verb (a coded bare verb counts 3), then the block's patterns "
      "(n+m below); root 18 (assault) is listed under attacks; flags: "
      "general-verb / other-sense = drop or restrict, block-expanded = lemma only by block membership, "
      "target-is-subject / reverse-only = direction differs.")
    for pred in sorted(codes, key=lambda p: (codes[p], p)):
        mine = [r for r in rows if pred in predicates_for(r, codes) and r["cameo"] != "---"]
        if not mine:
            continue
        c = cues[pred]
        new = [(r, novelty(r, c, light)) for r in mine]
        new_lemma = defaultdict(list)
        new_phrase = defaultdict(list)
        for r, kind in new:
            if kind == "lemma":
                new_lemma[r["lemma"]].append(r)
            elif kind == "phrase":
                new_phrase[r["lemma"]].append(r)
        w("")
        w(f"### {pred} (ir:defaultCameoCode {codes[pred]}): {len({r['lemma'] for r in mine})} lemmas, "
          f"{len(mine)} rows; new lemmas {len(new_lemma)}, known lemmas with new phrases {len(new_phrase)}")

        def lemma_flags(rs: list[dict]) -> str:
            f = set()
            bare = [r for r in rs if r["kind"] == "verb"]
            if rs[0]["lemma"] in GENERAL_VERBS:
                f.add("general-verb" + ("" if bare else " (phrases only)"))
            if rs[0]["lemma"] in OTHER_SENSE:
                f.add(f"other-sense: {OTHER_SENSE[rs[0]['lemma']]}")
            if all(r["lemma_from"] == "block" for r in rs):
                f.add("block-expanded")
            if all("target-is-subject" in r["flag"] or "reverse-only" in r["flag"] for r in rs):
                f.add("direction")
            return "; ".join(sorted(f))

        def weight(rs: list[dict]) -> tuple:
            bare = any(r["kind"] == "verb" for r in rs)
            attested = {r["pattern"] for r in rs if r["lemma_from"] == "comment"}
            block = {r["pattern"] for r in rs if r["lemma_from"] == "block"}
            return (-(len(attested) + 3 * bare), -len(block))

        ranked = sorted(new_lemma.items(), key=lambda kv: (weight(kv[1]), kv[0]))
        w("new lemmas (patterns named with the verb + block patterns, codes, examples, flags):")
        for lemma, rs in ranked[:top]:
            codes_ = ",".join(sorted({row_code(r) for r in rs}))
            if len(codes_) > 24:
                codes_ = codes_[:22] + ".."
            bare = [r for r in rs if r["kind"] == "verb"]
            attested = {r["pattern"] for r in rs if r["lemma_from"] == "comment"}
            block = {r["pattern"] for r in rs if r["lemma_from"] == "block"}
            examples = sorted({phrase_of(r) for r in rs if r["kind"] == "pattern" and r["lemma_from"] == "comment"},
                              key=lambda x: (len(x), x))
            examples += sorted({phrase_of(r) for r in rs if r["kind"] == "pattern" and r["lemma_from"] == "block"},
                               key=lambda x: (len(x), x))
            ex = ("bare verb " + "/".join(sorted({phrase_of(r) + " " + row_code(r) for r in bare})) + "; "
                  if bare else "") + " | ".join(examples[:4])
            fl = lemma_flags(rs)
            w(f"  {lemma:<14} {len(attested):>3}+{len(block):<3} {codes_:<24} {ex}" + (f"  [{fl}]" if fl else ""))
        if len(ranked) > top:
            w(f"  ... and {len(ranked) - top} more: " + ", ".join(l for l, _ in ranked[top:]))
        ranked = sorted(new_phrase.items(), key=lambda kv: (weight(kv[1]), kv[0]))
        if ranked:
            w("new phrases of lemmas the lexicon has:")
        for lemma, rs in ranked[:top]:
            examples = sorted({phrase_of(r) + " " + row_code(r) for r in rs},
                              key=lambda x: (x.count("[") , len(x), x))
            w(f"  {lemma:<14} {len(examples):>3}  " + " | ".join(examples[:8]) + (" ..." if len(examples) > 8 else ""))
    w("")
    w("## Parse notes (lines read with a fallback or skipped)")
    for lineno, text, why in problems:
        w(f"  line {lineno}: {why}: {text.strip()}")
    w("## Transformations (not converted)")
    for t in dictionary.transformations:
        w(f"  {t}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", type=Path, help="the PETRARCH verb dictionary (CAMEO.2.0.txt)")
    ap.add_argument("-o", "--output", type=Path, help="CSV to write (default: standard output)")
    ap.add_argument("--synsets", type=Path, help="also write the synonym-set members (cameo_synsets.csv)")
    ap.add_argument("--summary", action="store_true", help="print the curation summary instead of the CSV")
    ap.add_argument("--cues", type=Path, default=ROOT / "kg" / "data" / "cues.jsonl")
    ap.add_argument("--light-verbs", type=Path, default=ROOT / "kg" / "data" / "light_verbs.csv")
    ap.add_argument("--top", type=int, default=40, help="lemmas listed per predicate in the summary")
    args = ap.parse_args(argv)
    text = args.source.read_text(encoding="ascii", errors="replace")
    dictionary = parse_dictionary(text)
    rows, problems = build_rows(dictionary)
    if args.summary:
        sys.stdout.write(summary(rows, problems, dictionary, args.cues, args.light_verbs, args.top))
        if not args.output:
            return 0
    if args.synsets:
        args.synsets.write_text(to_csv(synset_rows(dictionary), SYNSET_COLUMNS), encoding="utf-8")
    data = to_csv(rows)
    if args.output:
        args.output.write_text(data, encoding="utf-8")
    else:
        sys.stdout.write(data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
