"""Language identification: accuracy and speed of langdetect, py3langid and lingua on short news texts.

The texts are ``tests/data/languages/LANG.txt``: 20 one-sentence news items in each of ten
languages, written for ir-kg. Each library sees every text once to load its model, then the
timed pass; a text counts as right when the library names its language, as unknown when
it names none (py3langid under ir-kg's probability floor, lingua when unsure).

    python scripts/language_id.py            # a table; --json for the figures
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "languages"


def load_texts(folder: Path = DATA) -> list[tuple[str, str]]:
    """``(language, text)`` pairs, one a line of each ``LANG.txt``."""
    pairs = []
    for path in sorted(folder.glob("*.txt")):
        pairs += [(path.stem, line.strip()) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return pairs


def _langdetect():
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    def run(text):
        DetectorFactory.seed = 0
        try:
            return detect(text)
        except LangDetectException:
            return None

    return run


def _py3langid_raw():
    import py3langid

    return lambda text: py3langid.classify(text)[0]


def _py3langid_kg():
    from kg.ingest.language import detect_language

    return lambda text: detect_language(text)


def _lingua(low: bool):
    from lingua import LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_all_languages()
    detector = (builder.with_low_accuracy_mode() if low else builder).build()

    def run(text):
        language = detector.detect_language_of(text)
        return language.iso_code_639_1.name.lower() if language is not None else None

    return run


CANDIDATES = {
    "langdetect 1.0.9 (seeded)": _langdetect,
    "py3langid (bare classify)": _py3langid_raw,
    "py3langid as ir-kg uses it": _py3langid_kg,
    "lingua, high accuracy": lambda: _lingua(False),
    "lingua, low accuracy": lambda: _lingua(True),
}


def measure(name: str, factory, pairs) -> dict:
    start = time.perf_counter()
    detect = factory()
    detect(pairs[0][1])
    load = time.perf_counter() - start
    for _, text in pairs:  # warm caches (lingua loads each language's model on first use)
        detect(text)
    start = time.perf_counter()
    answers = [detect(text) for _, text in pairs]
    elapsed = time.perf_counter() - start
    right = sum(a == lang for a, (lang, _) in zip(answers, pairs))
    unknown = sum(a is None for a in answers)
    wrong = [(lang, a) for a, (lang, _) in zip(answers, pairs) if a is not None and a != lang]
    again = [detect(text) for _, text in pairs]
    return {"library": name, "texts": len(pairs), "right": right, "accuracy": right / len(pairs),
            "unknown": unknown, "wrong": len(wrong), "confusions": sorted({f"{l}->{a}" for l, a in wrong}),
            "ms_per_text": 1000 * elapsed / len(pairs), "load_s": load, "deterministic": again == answers}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", action="append", help="run only candidates whose name contains this")
    args = parser.parse_args(argv)
    pairs = load_texts()
    rows = []
    for name, factory in CANDIDATES.items():
        if args.only and not any(o in name for o in args.only):
            continue
        try:
            rows.append(measure(name, factory, pairs))
        except ImportError as error:  # langdetect and lingua are not ir-kg dependencies
            print(f"{name}: not installed ({error.name}); pip install langdetect lingua-language-detector")
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{len(pairs)} texts, {len({l for l, _ in pairs})} languages")
    print(f"{'library':30} {'right':>6} {'acc':>6} {'unknown':>8} {'wrong':>6} {'ms/text':>8} {'load s':>7}  same twice")
    for r in rows:
        print(f"{r['library']:30} {r['right']:6d} {r['accuracy']:6.3f} {r['unknown']:8d} {r['wrong']:6d} "
              f"{r['ms_per_text']:8.3f} {r['load_s']:7.2f}  {r['deterministic']}")
        if r["confusions"]:
            print(f"{'':30} wrong: {', '.join(r['confusions'])}")


if __name__ == "__main__":
    main()
