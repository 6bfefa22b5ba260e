"""SHACL validation of ir-kg data with ``ontology/shapes.ttl`` (pyshacl).

The shapes file does not list the relation predicates: :func:`shapes_graph`
adds them (``sh:in`` on a statement's ``rdf:predicate``) from the ontology in
use, so a predicate added to the ontology is valid at once.

>>> from rdflib import Graph, Literal
>>> from kg.vocab import IR, IRR
>>> from rdflib.namespace import RDF, RDFS
>>> data = Graph()
>>> _ = data.add((IRR.ARM, RDF.type, IR.State)).add((IRR.ARM, RDFS.label, Literal("Armenia", lang="en")))
>>> validate_graph(data).conforms
False
>>> _ = data.add((IRR.ARM, IR.iso3, Literal("ARM")))
>>> validate_graph(data).conforms
True
>>> from rdflib.collection import Collection
>>> shapes = shapes_graph()
>>> listed = next(shapes.objects(predicate_shape(shapes), SH["in"]))
>>> sorted(str(p).rsplit("#")[1] for p in Collection(shapes, listed)) == sorted(load_vocabulary())
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from kg.vocab import IR, load_vocabulary, ontology_path

__all__ = ["Problem", "ValidationReport", "predicate_shape", "shapes_graph", "store_to_rdflib", "validate_graph"]


@dataclass(frozen=True)
class Problem:
    """One SHACL result: the node, the property path, the offending value and the message."""

    severity: str
    focus: str
    path: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.focus} {self.path}" if self.path else self.focus
        value = f" (value: {self.value})" if self.value is not None else ""
        return f"{self.severity}: {where}: {self.message}{value}"


@dataclass
class ValidationReport:
    conforms: bool
    problems: list[Problem] = field(default_factory=list)

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "Violation"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "Violation"]

    def text(self, limit: int = 50) -> str:
        """A readable report: a summary line, then up to ``limit`` problems, violations first."""
        head = "conforms" if self.conforms else "does not conform"
        lines = [f"{head}: {len(self.violations)} violations, {len(self.warnings)} warnings"]
        ordered = self.violations + self.warnings
        lines += [f"  {p}" for p in ordered[:limit]]
        if len(ordered) > limit:
            lines.append(f"  ... and {len(ordered) - limit} more")
        return "\n".join(lines)


def predicate_shape(shapes: Graph):
    """The property shape of a statement's ``rdf:predicate`` in ``shapes``."""
    for shape in sorted(shapes.subjects(SH.targetClass, IR.Statement)):
        for prop in shapes.objects(shape, SH.property):
            if (prop, SH.path, RDF.predicate) in shapes and (prop, SH.maxCount, None) in shapes:
                return prop
    raise LookupError("the shapes have no property shape for the rdf:predicate of an ir:Statement")


def shapes_graph(ontology=None) -> Graph:
    """``ontology/shapes.ttl``, a statement's ``rdf:predicate`` limited to the predicates of ``ontology`` (default: the one in use)."""
    shapes = Graph().parse(ontology_path("shapes.ttl"), format="turtle")
    prop = predicate_shape(shapes)
    shapes.remove((prop, SH["in"], None))
    listed = BNode()
    Collection(shapes, listed, [p.iri for p in load_vocabulary(ontology).values()])
    shapes.add((prop, SH["in"], listed))
    return shapes


def _short(graph: Graph, term) -> str | None:
    if term is None:
        return None
    try:
        return graph.namespace_manager.normalizeUri(term) if not hasattr(term, "language") else term.n3()
    except Exception:  # noqa: BLE001 - a term without a usable prefix is shown whole
        return term.n3()


def validate_graph(data: Graph, ontology=None) -> ValidationReport:
    """Validate ``data`` against the SHACL shapes of ``ontology`` (default: the one in use); warnings do not fail it."""
    import pyshacl

    from kg.rdf.convert import bind_prefixes

    conforms, results, text = pyshacl.validate(data, shacl_graph=shapes_graph(ontology), allow_warnings=True)
    if not isinstance(results, Graph):
        raise RuntimeError(f"SHACL validation could not run: {text.strip()}")
    bind_prefixes(results)
    problems = []
    report = next(results.subjects(RDF.type, SH.ValidationReport))
    for result in results.objects(report, SH.result):  # top-level results, not their sh:detail
        severity = results.value(result, SH.resultSeverity)
        problems.append(
            Problem(
                severity=str(severity).rsplit("#", 1)[-1],
                focus=_short(results, results.value(result, SH.focusNode)),
                path=_short(results, results.value(result, SH.resultPath)),
                value=_short(results, results.value(result, SH.value)),
                message=str(results.value(result, SH.resultMessage) or "constraint not met"),
            )
        )
    problems.sort(key=lambda p: (p.severity != "Violation", p.focus, p.path or "", p.message))
    return ValidationReport(bool(conforms), problems)


def store_to_rdflib(store) -> Graph:
    """The store's default graph as an rdflib graph (dumped by Oxigraph, parsed as N-Triples)."""
    import pyoxigraph as ox

    from kg.rdf.convert import bind_prefixes

    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return bind_prefixes(Graph().parse(data=data.decode("utf-8"), format="nt"))
