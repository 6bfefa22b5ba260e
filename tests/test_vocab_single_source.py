"""One source of truth for the vocabulary: ``ontology/ir.ttl`` (or the ontology in use).

Code outside the relation extractor names no event predicate; the SHACL shapes,
the closed ``IR`` namespace, ``kg query``'s prefixes and the benchmark take
the predicates from the ontology; an alternative ontology (a copy with one
more predicate) works through conversion, the store, validation, queries and
the HTML page.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from typer.testing import CliRunner

import kg as kg_package
from kg.cli import app
from kg.graph import KnowledgeGraph
from kg.rdf.convert import PREFIXES, prefixes, to_rdflib
from kg.rdf.store import open_store, write_graph
from kg.rdf.validate import predicate_shape, shapes_graph, validate_graph
from kg.vocab import (
    IR,
    IRDOC,
    IRR,
    IRS,
    ONTOLOGY_ENV,
    UnknownTerm,
    active_ontology,
    load_ontology,
    load_vocabulary,
    ontology_path,
    use_ontology,
)

PACKAGE = Path(kg_package.__file__).parent
#: Folders whose files the relation engineer keeps free of event predicates (tests of their own).
RELATION_FOLDERS = ("relations", "nlp")
#: The structural predicates that only the reference-fact modules may name in code.
REFERENCE_ONLY = ("memberOf", "neighbourOf", "leaderOf", "officialOf")
runner = CliRunner()

NEW_PREDICATE = "testPartnerOf"
EXTRA = f"""

# ---- added by tests/test_vocab_single_source.py -------------------------------
ir:{NEW_PREDICATE}
    a owl:ObjectProperty , owl:SymmetricProperty ;
    rdfs:subPropertyOf ir:relatedTo ;
    rdfs:label "test partner of"@en ;
    skos:definition "A throw-away predicate of a test ontology: the two actors are test partners."@en ;
    rdfs:domain ir:Actor ;
    rdfs:range ir:Actor ;
    ir:directed false ;
    ir:polarity "cooperative" ;
    ir:defaultCameoCode "04" ;
    ir:defaultGoldstein 1.0 ;
    ir:ploverCategory "CONSULT" .

<https://ir-kg.org/ontology> sh:declare [ sh:prefix "ex" ; sh:namespace "https://example.org/test#"^^xsd:anyURI ] .
"""


def _python_files(*, skip: tuple[str, ...]) -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] not in skip)


def _event_predicates() -> list[str]:
    return sorted(name for name, p in load_vocabulary(ontology_path()).items() if p.cameo)


@pytest.fixture()
def copy(tmp_path) -> Path:
    """A copy of the ontology with one more (symmetric) predicate and one more prefix."""
    path = tmp_path / "ir-copy.ttl"
    path.write_text(ontology_path().read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def packaged_ontology(monkeypatch):
    monkeypatch.delenv(ONTOLOGY_ENV, raising=False)


# -- no second list of predicates in code ---------------------------------------


def test_vocab_single_source_no_event_predicate_named_in_the_package():
    events = _event_predicates()
    assert len(events) >= 14, events  # the table of DESIGN.md and the ones added since
    word = re.compile(r"\b(" + "|".join(events) + r")\b")
    found = []
    for path in _python_files(skip=()):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if match := word.search(line):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{number}: {match.group(1)}: {line.strip()}")
    assert not found, "event predicates named in code (take them from kg.vocab):\n" + "\n".join(found)


def _code_names(path: Path) -> list[tuple[int, str]]:
    """(line, text) of the identifiers, attributes and string constants of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            names.append((node.lineno, node.value))
        elif isinstance(node, ast.Attribute):
            names.append((node.lineno, node.attr))
        elif isinstance(node, ast.Name):
            names.append((node.lineno, node.id))
    return names


def _structural_names_in_code(paths) -> list[str]:
    word = re.compile(r"\b(" + "|".join(REFERENCE_ONLY) + r")\b")
    return [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {text!r}"
        for path in paths
        for line, text in _code_names(path)
        if word.search(text)
    ]


def test_vocab_single_source_structural_predicates_named_only_by_reference_modules():
    paths = [p for p in _python_files(skip=(*RELATION_FOLDERS, "reference")) if p != PACKAGE / "resolve" / "terms.py"]
    found = _structural_names_in_code(paths)
    assert not found, "structural predicates named in code outside kg/reference:\n" + "\n".join(found)


def test_vocab_single_source_resolver_names_no_structural_predicate():
    assert not _structural_names_in_code([PACKAGE / "resolve" / "terms.py"])


def test_vocab_single_source_the_scan_finds_what_it_looks_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""Doc: memberOf is fine here."""\nROLES = ("leaderOf",)\n', encoding="utf-8")
    assert sorted(_code_names(sample)) == [(2, "ROLES"), (2, "leaderOf")]  # the docstring is left out


def test_vocab_single_source_shapes_file_lists_no_predicate():
    text = ontology_path("shapes.ttl").read_text(encoding="utf-8")
    named = sorted({name for name in load_vocabulary() if re.search(rf"\bir:{name}\b", text)})
    assert named == []


def test_vocab_single_source_shapes_take_the_predicates_of_the_ontology(copy):
    for ontology in (None, copy):
        shapes = shapes_graph(ontology)
        listed = next(shapes.objects(predicate_shape(shapes), SH["in"]))
        assert sorted(Collection(shapes, listed)) == sorted(p.iri for p in load_vocabulary(ontology).values())
    assert IR._NS[NEW_PREDICATE] in set(Collection(shapes, listed))


# -- the closed IR namespace -----------------------------------------------------


def test_vocab_closed_namespace_rejects_unknown_terms():
    with pytest.raises(AttributeError, match="memberOff"):
        IR.memberOff
    with pytest.raises(KeyError):
        IR["memberOff"]
    with pytest.raises(UnknownTerm, match="not declared in the ontology in use"):
        IR.signsAgreementWth
    assert not hasattr(IR, "signsAgreementWth")
    assert "memberOff" not in IR and IR._NS["memberOff"] not in IR
    assert IR.memberOf == URIRef("https://ir-kg.org/ontology#memberOf") == IR["memberOf"]


def test_vocab_closed_namespace_terms_are_the_ontology_declarations():
    graph = Graph().parse(ontology_path(), format="turtle")
    declared = {
        str(s).removeprefix(str(IR._NS))
        for s in graph.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(str(IR._NS))
    }
    assert set(dir(IR)) == declared
    assert set(load_vocabulary()) <= declared
    assert {"Statement", "State", "Asserted", "modality", "relatedTo", "polarity"} <= declared


def test_vocab_closed_namespace_terms_used_in_code_are_declared():
    used = set()
    for path in sorted(PACKAGE.rglob("*.py")) + sorted(Path(__file__).parent.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        used |= {(path.name, name) for name in re.findall(r"\bIR\.([A-Za-z]\w*)", text)}
        used |= {(path.name, name) for name in re.findall(r"\bIR\[\"(\w+)\"\]", text)}
    unknown = sorted((file, name) for file, name in used if name not in IR and name not in ("memberOff", "signsAgreementWth"))
    assert not unknown, f"IR terms that ir.ttl does not declare: {unknown}"


def test_vocab_closed_namespace_follows_the_ontology_in_use(copy):
    assert not hasattr(IR, NEW_PREDICATE)
    with use_ontology(copy) as path:
        assert os.environ[ONTOLOGY_ENV] == str(path) and active_ontology() == path
        assert str(IR[NEW_PREDICATE]).endswith("#" + NEW_PREDICATE) and NEW_PREDICATE in load_vocabulary()
        assert load_vocabulary()[NEW_PREDICATE].symmetric
    assert ONTOLOGY_ENV not in os.environ
    assert not hasattr(IR, NEW_PREDICATE) and NEW_PREDICATE not in load_vocabulary()


def test_vocab_environment_variable_chooses_the_ontology(copy, monkeypatch):
    monkeypatch.setenv(ONTOLOGY_ENV, str(copy))
    assert NEW_PREDICATE in load_vocabulary() and NEW_PREDICATE in IR
    assert kg_package.Settings().ontology == str(copy)


def test_vocab_missing_or_empty_ontology_fails_with_its_name(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere.ttl"):
        load_ontology(tmp_path / "nowhere.ttl")
    empty = tmp_path / "empty.ttl"
    empty.write_text("@prefix ir: <https://ir-kg.org/ontology#> .\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no relation predicates"):
        load_vocabulary(empty)
    result = runner.invoke(app, ["--ontology", str(tmp_path / "nowhere.ttl"), "stats", str(tmp_path)])
    assert result.exit_code == 2 and "nowhere.ttl" in result.output


def test_vocab_prefixes_agree_with_the_ontology(copy):
    declared = load_ontology().prefixes
    assert declared == {"ir": str(IR), "irr": str(IRR), "irs": str(IRS), "irdoc": str(IRDOC)}
    assert all(PREFIXES[p] == ns for p, ns in declared.items())
    assert prefixes(copy)["ex"] == "https://example.org/test#" and "ex" not in prefixes()


# -- an alternative ontology end to end --------------------------------------------


def _run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_vocab_alternative_ontology_end_to_end(copy, tmp_path):
    rows = [("d1", "2021-03-01", "ARM", NEW_PREDICATE, "GEO"), ("d1", "2021-03-01", "ARM", "memberOf", "CSTO")]
    assert KnowledgeGraph.from_rows(rows).graph.number_of_edges() == 1  # the packaged ontology has no such predicate

    with use_ontology(copy):
        graph = KnowledgeGraph.from_rows(rows)
        assert graph.edge("GEO", NEW_PREDICATE, "ARM")["support"] == 1
        rdf = to_rdflib(graph)
        assert (IRR.GEO, IR[NEW_PREDICATE], IRR.ARM) in rdf and (IRR.ARM, IR[NEW_PREDICATE], IRR.GEO) in rdf
        assert validate_graph(rdf).conforms
        store = tmp_path / "store"
        write_graph(open_store(store), graph)
    assert not validate_graph(rdf).conforms  # the packaged ontology does not know the predicate

    checked = _run("--ontology", copy, "validate", store)
    assert checked.exit_code == 0, checked.output
    assert ONTOLOGY_ENV not in os.environ
    unchecked = _run("validate", store)
    assert unchecked.exit_code == 1 and f"ir:{NEW_PREDICATE}" in unchecked.output

    select = f"SELECT ?x WHERE {{ ?x ir:{NEW_PREDICATE} irr:ARM . FILTER(?x != ex:nothing) }}"
    answered = _run("--ontology", copy, "query", store, select, "--format", "csv")
    assert answered.exit_code == 0, answered.output
    assert "https://ir-kg.org/resource/GEO" in answered.output
    assert _run("query", store, select).exit_code != 0  # ex: is declared by the copy only
    named = _run("--ontology", copy, "query", store, "--name", "edge-documents", "--format", "csv",
                 "--param", "s=ARM", "--param", f"p={NEW_PREDICATE}", "--param", "o=GEO")
    assert named.exit_code == 0 and "irdoc" not in named.output and "/doc/d1" in named.output, named.output
    assert _run("query", store, "--name", "edge-documents", "--param", f"p={NEW_PREDICATE}").exit_code != 0

    page = tmp_path / "page.html"
    drawn = _run("--ontology", copy, "viz", store, "-o", page)
    assert drawn.exit_code == 0, drawn.output
    html = page.read_text(encoding="utf-8")
    assert "test partner of" in html and "cooperative" in html


def test_vocab_a_new_symmetric_predicate_needs_the_ontology_and_one_cue_line(copy, tmp_path):
    """Adding a predicate is one entry in the ontology and one cue class in the cue data: it is then extracted
    once per pair, stored, queried, validated and drawn, with no Python change."""
    import json
    import shutil

    from kg.nlp import Pipeline, build_nlp
    from kg.records import Document
    from kg.settings import Settings

    data = tmp_path / "data"
    shutil.copytree(PACKAGE / "data", data)
    cue = {"class": "partner", "predicate": NEW_PREDICATE, "verbs": ["partner"], "verb_preps": {"partner": ["with"]},
           "nouns": ["partnership"], "preps": ["with", "between"], "reciprocal_verbs": ["partner"],
           "examples": [{"text": "Chile partnered with Peru.", "expect": ["CHL", NEW_PREDICATE, "PER", "asserted"]},
                        {"text": "Chile and Peru partnered in 2020.", "expect": ["CHL", NEW_PREDICATE, "PER", "asserted"]}]}
    with open(data / "cues.jsonl", "a", encoding="utf-8") as stream:
        stream.write(json.dumps(cue) + "\n")

    with use_ontology(copy):
        pipeline = Pipeline(Settings(), build_nlp(data_dir=str(data)))
        text = "Chile partnered with Peru on Monday. Chile and Peru partnered again, and the partnership between Chile and Peru grew."
        extraction = pipeline.extract(Document("t", text, "2024-05-06"))
        found = [r for r in extraction.relations if r.predicate == NEW_PREDICATE]
        assert [(r.subject, r.object) for r in found] == [("CHL", "PER")], found  # once per pair, not once each way
        graph = KnowledgeGraph.from_extractions([extraction])
        store_path = tmp_path / "partner.store"
        write_graph(open_store(store_path), graph)
        html = graph.to_html()
    assert "test partner of" in html
    checked = _run("--ontology", copy, "validate", store_path)
    assert checked.exit_code == 0, checked.output
    answered = _run("--ontology", copy, "query", store_path, f"SELECT ?x WHERE {{ ?x ir:{NEW_PREDICATE} irr:PER }}", "--format", "csv")
    assert answered.exit_code == 0 and "https://ir-kg.org/resource/CHL" in answered.output, answered.output
