"""Article extraction quality: today's visible-text reader against the article reader, on saved pages.

Each page of ``tests/data/pages`` (20 article pages written for ir-kg in six site layouts:
navigation, cookie notices, related and most-read lists, teasers, newsletter and paywall
boxes, comment threads, author boxes, footers) has a ``.json`` beside it with the article's
paragraphs and metadata. For each reader the script prints

- boilerplate lines removed: of the page's visible text lines (what a browser shows, one line
  per block) that are not article text nor its headline, the share absent from the output;
- article sentences kept: of the article's sentences, the share found whole in the output;
- metadata: how many pages got the right title, date, author, site name and URL.

    python scripts/article_quality.py            # --pages DIR, --json, --each (one row a page)
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from kg.ingest.article import article_fields
from kg.ingest.html import html_to_document_fields

PAGES = Path(__file__).resolve().parent.parent / "tests" / "data" / "pages"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def _old_reader(markup: str) -> dict:
    fields = html_to_document_fields(markup)
    return {**fields, "author": None, "source": None}


READERS = {
    "today (html.parser, visible text)": _old_reader,
    "article (trafilatura)": article_fields,
    "article, fast mode (web archives)": lambda markup: article_fields(markup, fast=True),
}


def score_page(markup: str, gold: dict, fields: dict) -> dict:
    """Counts for one page and one reader's fields."""
    visible = [_norm(line) for line in html_to_document_fields(markup)["text"].splitlines() if line.strip()]
    article = _norm(" ".join(gold["paragraphs"]))
    headline = _norm(gold["title"])
    boilerplate = [line for line in visible if line not in article and line != headline]
    output = _norm(fields["text"])
    lines = {_norm(line) for line in fields["text"].splitlines() if line.strip()}
    kept_boilerplate = [line for line in boilerplate if line in lines or (len(line) >= 25 and line in output)]
    sentences = [_norm(s) for p in gold["paragraphs"] for s in _SENTENCE.split(p)]
    kept = [s for s in sentences if s in output]
    metadata = {
        "title": _norm(fields.get("title") or "") == headline,
        "date": fields.get("date") == gold["date"],
        "author": _norm(fields.get("author") or "") == _norm(gold["author"]),
        "site": _norm(fields.get("source") or "") == _norm(gold["site"]),
        "url": gold["url"] is None or fields.get("url") == gold["url"],
    }
    return {"boilerplate": len(boilerplate), "boilerplate_removed": len(boilerplate) - len(kept_boilerplate),
            "sentences": len(sentences), "sentences_kept": len(kept), "metadata": metadata,
            "left_in": [line for line in kept_boilerplate][:5], "lost": [s for s in sentences if s not in output][:5]}


def measure(folder: Path = PAGES) -> dict:
    results = {}
    pages = sorted(folder.glob("*.html"))
    for name, reader in READERS.items():
        rows = []
        for page in pages:
            markup = page.read_text(encoding="utf-8")
            gold = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
            started = time.perf_counter()
            fields = reader(markup)
            elapsed = time.perf_counter() - started
            row = score_page(markup, gold, fields)
            row.update(page=page.name, layout=gold.get("layout"), ms=1000 * elapsed)
            rows.append(row)
        total = lambda key: sum(r[key] for r in rows)  # noqa: E731
        results[name] = {
            "pages": len(rows),
            "boilerplate_lines": total("boilerplate"),
            "boilerplate_removed": total("boilerplate_removed") / max(total("boilerplate"), 1),
            "article_sentences": total("sentences"),
            "sentences_kept": total("sentences_kept") / max(total("sentences"), 1),
            "metadata": {k: sum(r["metadata"][k] for r in rows) for k in rows[0]["metadata"]} if rows else {},
            "ms_per_page": total("ms") / max(len(rows), 1),
            "rows": rows,
        }
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=PAGES)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--each", action="store_true", help="one row a page, with what was left in or lost")
    args = parser.parse_args(argv)
    article_fields("<p>warm-up</p>")
    results = measure(args.pages)
    if args.json:
        print(json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "rows" or args.each} for k, v in results.items()}, indent=2))
        return
    n = next(iter(results.values()))["pages"]
    print(f"{n} pages ({args.pages})")
    print(f"{'reader':36} {'boilerplate removed':>20} {'sentences kept':>15} {'title date author site url':>27} {'ms/page':>8}")
    for name, r in results.items():
        m = r["metadata"]
        meta = " ".join(f"{m[k]:>2d}" for k in ("title", "date", "author", "site", "url"))
        print(f"{name:36} {r['boilerplate_removed']:>8.1%} of {r['boilerplate_lines']:>5,} "
              f"{r['sentences_kept']:>7.1%} of {r['article_sentences']:>3} {meta:>27} {r['ms_per_page']:>8.2f}")
        if args.each:
            for row in r["rows"]:
                print(f"  {row['page']:42} {row['layout']:2} removed {row['boilerplate_removed']:3}/{row['boilerplate']:3} "
                      f"kept {row['sentences_kept']:2}/{row['sentences']:2}  {row['left_in']} {row['lost']}")


if __name__ == "__main__":
    main()
