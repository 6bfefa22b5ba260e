"""Readers of news as it arrives: article pages, feeds, web archives; language; repeated pages."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
from pathlib import Path

import pytest

from kg.ingest import IngestError, clean_text, read_path, screen
from kg.ingest.article import article_fields
from kg.ingest.language import detect_language
from kg.records import Document

PAGES = Path(__file__).parent / "data" / "pages"
LANGUAGES = Path(__file__).parent / "data" / "languages"

CHROME = """<!DOCTYPE html><html><head><title>{title} | Harbour Times</title>
<meta property="og:site_name" content="Harbour Times"><meta property="article:published_time" content="{date}T06:30:00Z">
<meta name="author" content="Rosa Lind"><link rel="canonical" href="{url}"></head><body>
<div class="cookie-notice"><p>This website uses cookies to remember your settings and to count visitors. Accept or refuse them.</p></div>
<header><nav><ul><li><a href="/">Front page</a></li><li><a href="/world">World</a></li><li><a href="/markets">Markets</a></li></ul></nav></header>
<main><article><h1>{title}</h1>{body}</article>
<aside><h2>Related stories</h2><ul><li><a href="/x">Harbour cranes to be replaced next spring</a></li>
<li><a href="/y">Ferry timetable changes for the holidays</a></li></ul></aside>
<section id="comments"><h3>Comments</h3><div class="comment"><p>Typical politicians, always talking and never doing anything useful.</p></div></section></main>
<footer><p>Harbour Times, 4 Quay Road. All rights reserved.</p></footer></body></html>"""

ARTICLE = [
    "Peru and Ecuador agreed on Wednesday to clear mines left along their border since the conflict of 1995.",
    "The defence ministers signed the plan in Tumbes after a meeting of three hours, officials said.",
    "Engineers from both armies will work together, and the first areas are to be cleared before the rainy season.",
]


def _page(title: str = "Peru and Ecuador agree to clear border mines", url: str = "https://harbour.example/world/mines",
          date: str = "2024-05-08", paragraphs=ARTICLE) -> str:
    return CHROME.format(title=title, url=url, date=date, body="".join(f"<p>{p}</p>" for p in paragraphs))


def _documents(items) -> list[Document]:
    return [i for i in items if isinstance(i, Document)]


def _errors(items) -> list[str]:
    return [str(i) for i in items if isinstance(i, IngestError)]


# -- article pages ------------------------------------------------------------


def test_article_keeps_the_article_and_its_metadata_and_drops_the_chrome():
    fields = article_fields(_page())
    assert all(sentence in fields["text"] for sentence in ARTICLE)
    for chrome in ("cookies", "Front page", "Related stories", "Harbour cranes", "Typical politicians", "Quay Road"):
        assert chrome not in fields["text"], chrome
    assert fields["title"] == "Peru and Ecuador agree to clear border mines"
    assert (fields["date"], fields["author"], fields["source"]) == ("2024-05-08", "Rosa Lind", "Harbour Times")
    assert fields["url"] == "https://harbour.example/world/mines"


def test_article_without_an_article_falls_back_to_the_visible_text():
    fields = article_fields("<ul><li>Chad</li><li>Sudan</li></ul>")
    assert fields["text"] == "Chad\n\nSudan"


def test_read_path_html_page_is_a_document_with_url_title_site_and_date(tmp_path):
    (tmp_path / "mines.html").write_text(_page(), encoding="utf-8")
    (document,) = _documents(read_path(tmp_path / "mines.html"))
    assert document.id == "mines"
    assert (document.url, document.source, document.date) == ("https://harbour.example/world/mines", "Harbour Times", "2024-05-08")
    assert ARTICLE[2] in document.text and "Typical politicians" not in document.text


def test_saved_pages_lose_their_boilerplate_and_keep_their_sentences():
    """The 20 saved pages (tests/data/pages): what scripts/article_quality.py measures, as a floor."""
    from kg.ingest.html import html_to_document_fields

    boilerplate = removed = sentences = kept = dates = 0
    for page in sorted(PAGES.glob("*.html")):
        markup = page.read_text(encoding="utf-8")
        gold = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        text = article_fields(markup)["text"]
        dates += article_fields(markup)["date"] == gold["date"]
        article = " ".join(gold["paragraphs"])
        lines = [l.strip() for l in html_to_document_fields(markup)["text"].splitlines() if len(l.strip()) >= 25]
        chrome = [l for l in lines if l not in article and l != gold["title"]]
        boilerplate += len(chrome)
        removed += sum(l not in text for l in chrome)
        parts = [s for p in gold["paragraphs"] for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", p)]
        sentences += len(parts)
        kept += sum(s in text for s in parts)
    assert sentences >= 100 and boilerplate >= 150
    assert kept / sentences >= 0.97, (kept, sentences)
    assert removed / boilerplate >= 0.85, (removed, boilerplate)
    assert dates >= 18


# -- feeds --------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Andes Desk</title><link>https://andes.example/</link>
<item><title>Bolivia and Chile resume talks on water</title><link>https://andes.example/silala</link>
<guid>silala-1</guid><pubDate>Mon, 06 May 2024 09:00:00 GMT</pubDate>
<description>&lt;p&gt;Bolivia and Chile resumed talks on the &lt;b&gt;Silala&lt;/b&gt; waters in La Paz.&lt;/p&gt;</description></item>
<item><title>Peru recalls envoy</title><link>https://andes.example/envoy</link><guid>envoy-1</guid>
<pubDate>Tue, 07 May 2024 10:00:00 GMT</pubDate><description>Peru recalled its ambassador from Mexico City.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Gulf Briefing</title><id>urn:gulf</id><updated>2024-05-09T00:00:00Z</updated>
<entry><title>Qatar hosts mediators</title><id>urn:gulf:1</id><link href="https://gulf.example/mediators"/>
<updated>2024-05-09T08:00:00Z</updated><summary>A short summary.</summary>
<content type="html">&lt;p&gt;Qatar hosted mediators from Egypt and the United States in Doha on Thursday.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</content></entry>
</feed>"""


def test_feeds_give_one_document_per_item_with_link_date_and_feed_title(tmp_path):
    (tmp_path / "andes.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "gulf.atom").write_text(ATOM, encoding="utf-8")
    (tmp_path / "notes.xml").write_text("<notes><note>Buy milk</note></notes>", encoding="utf-8")
    items = list(read_path(tmp_path))
    documents = _documents(items)
    assert [(d.url, d.date, d.source) for d in documents] == [
        ("https://andes.example/silala", "2024-05-06", "Andes Desk"),
        ("https://andes.example/envoy", "2024-05-07", "Andes Desk"),
        ("https://gulf.example/mediators", "2024-05-09", "Gulf Briefing"),
    ]
    assert documents[0].text == "Bolivia and Chile resume talks on water\n\nBolivia and Chile resumed talks on the Silala waters in La Paz."
    assert documents[2].text.endswith("in Doha on Thursday.") and "alert" not in documents[2].text
    assert documents[0].title == "Bolivia and Chile resume talks on water"
    assert len({d.id for d in documents}) == 3 and documents[0].origin == (str(tmp_path / "andes.rss"), 1)
    assert _errors(items) == [f"{tmp_path / 'notes.xml'}: not an RSS or Atom feed, skipped"]


def test_a_damaged_feed_keeps_its_items_and_warns(tmp_path):
    (tmp_path / "cut.rss").write_text(RSS.replace("</channel></rss>", "<item><title>Half"), encoding="utf-8")
    items = list(read_path(tmp_path / "cut.rss"))
    assert len(_documents(items)) == 2
    warning, half = [i for i in items if isinstance(i, IngestError)]
    assert not warning.skipped and "damaged feed" in warning.message
    assert half.skipped and (half.line, half.message) == (3, "feed item without title or text, skipped")


# -- web archives -------------------------------------------------------------


def _warc(path: Path, pages: list[tuple[str, str]], *, compress: bool = True, extra: bool = True) -> None:
    """A WARC as crawlers write it: a request and a response a page, plus an image, a 404 and a redirect."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def http(status: str, kind: str) -> StatusAndHeaders:
        return StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")

    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test crawler"}))
        for url, markup in pages:
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "harbour.example")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(markup.encode("utf-8")), http_headers=http("200 OK", "text/html; charset=utf-8"),
                warc_headers_dict={"WARC-Date": "2024-06-01T12:00:00Z"}))
        if extra:
            writer.write_record(writer.create_warc_record("https://harbour.example/logo.png", "response",
                                                          payload=io.BytesIO(b"\x89PNG\r\n"), http_headers=http("200 OK", "image/png")))
            writer.write_record(writer.create_warc_record("https://harbour.example/gone", "response",
                                                          payload=io.BytesIO(b"<p>Not found</p>"), http_headers=http("404 Not Found", "text/html")))


SECOND = [
    "Kenya and Tanzania opened a new border post at Namanga on Friday to speed up trade between the two countries.",
    "Lorry drivers had waited for days at the old post, and traders said the delays cost them dearly.",
]


@pytest.mark.parametrize("name, compress", [("crawl.warc.gz", True), ("crawl.warc", False)])
def test_warc_html_responses_become_documents_and_other_records_are_counted(tmp_path, name, compress):
    undated = _page(title="Kenya and Tanzania open border post", url="https://harbour.example/namanga",
                    paragraphs=SECOND).replace('<meta property="article:published_time" content="2024-05-08T06:30:00Z">', "")
    _warc(tmp_path / name, [("https://harbour.example/world/mines", _page()), ("https://harbour.example/namanga", undated)],
          compress=compress)
    items = list(read_path(tmp_path / name))
    first, second = _documents(items)
    assert first.url == "https://harbour.example/world/mines" and first.date == "2024-05-08"  # the page's own date
    assert second.date == "2024-06-01"  # no date in the page: the record's
    assert second.source == "Harbour Times" and SECOND[1] in second.text and "Ferry timetable" not in second.text
    assert first.origin[0] == str(tmp_path / name)
    assert _errors(items) == [f"{tmp_path / name}: 5 records of 7 passed over: 1 HTTP 404 response, "
                              f"1 non-HTML response (image/png 1), 2 request records, 1 warcinfo record"]
    assert not [i for i in items if isinstance(i, IngestError) and i.skipped]


def test_warc_compressed_whole_rather_than_record_by_record_is_read(tmp_path):
    _warc(tmp_path / "plain.warc", [("https://harbour.example/world/mines", _page())], compress=False)
    (tmp_path / "whole.warc.gz").write_bytes(gzip.compress((tmp_path / "plain.warc").read_bytes()))
    items = list(read_path(tmp_path / "whole.warc.gz"))
    assert [d.url for d in _documents(items)] == ["https://harbour.example/world/mines"]
    assert not [i for i in items if isinstance(i, IngestError) and i.skipped]


def test_warc_in_a_folder_is_found_and_streamed(tmp_path):
    from kg.ingest import folder_files
    from kg.scale.inputs import count_inputs, stream_inputs

    _warc(tmp_path / "a.warc.gz", [("https://harbour.example/world/mines", _page())], extra=False)
    assert list(folder_files(tmp_path)) == [tmp_path / "a.warc.gz"]
    (document,) = _documents(stream_inputs([str(tmp_path)]))
    assert document.url == "https://harbour.example/world/mines"
    assert count_inputs([str(tmp_path)]) is None  # pages of an archive are not counted ahead


def test_a_damaged_warc_keeps_the_records_before_the_damage(tmp_path):
    good = tmp_path / "good.warc.gz"
    _warc(good, [("https://harbour.example/world/mines", _page()), ("https://harbour.example/namanga", _page(paragraphs=SECOND))],
          extra=False)
    raw = good.read_bytes()
    for cut in (50, 300, 600):  # inside the second page's body
        (tmp_path / "cut.warc.gz").write_bytes(raw[: len(raw) - cut])
        items = list(read_path(tmp_path / "cut.warc.gz"))
        assert [d.url for d in _documents(items)] == ["https://harbour.example/world/mines"], cut
        (error,) = [i for i in items if isinstance(i, IngestError) and i.skipped]
        assert "web archive ends inside record" in error.message or "damaged web archive" in error.message, error
    (tmp_path / "junk.warc.gz").write_bytes(gzip.compress(b"\x00\x01 no archive \xff" * 50))
    (error,) = read_path(tmp_path / "junk.warc.gz")
    assert error.skipped and error.message.startswith("not a readable web archive"), error
    (tmp_path / "text.warc").write_text("this is no archive at all\n" * 10)
    (error,) = read_path(tmp_path / "text.warc")
    assert error.skipped and error.message.startswith("not a readable web archive"), error


# -- language -----------------------------------------------------------------


def _language_texts() -> list[tuple[str, str]]:
    return [(p.stem, line) for p in sorted(LANGUAGES.glob("*.txt")) for line in p.read_text(encoding="utf-8").splitlines() if line]


def test_language_is_told_right_on_200_short_news_texts_in_ten_languages():
    pairs = _language_texts()
    assert len(pairs) == 200 and len({lang for lang, _ in pairs}) == 10
    answers = [detect_language(text) for _, text in pairs]
    right = sum(a == lang for a, (lang, _) in zip(answers, pairs))
    assert right >= 196, [(lang, a) for a, (lang, _) in zip(answers, pairs) if a != lang]
    assert answers == [detect_language(text) for _, text in pairs]  # deterministic


@pytest.mark.parametrize("text", [
    "x" * 100_000 + " Chad and Sudan met.",  # a 100k-character token first: no words to tell a language by
    "QmFzZTY0IGlzIG5vdCBhIGxhbmd1YWdl" * 500,
    "12 345 6789 " * 200,
], ids=["100k-token", "base64", "numbers"])
def test_a_text_whose_language_cannot_be_told_is_kept(text):
    assert detect_language(text) is None
    items = list(screen([Document("odd", text)]))
    assert _documents(items) and not [i for i in items if isinstance(i, IngestError) and i.skipped]


def test_words_after_a_long_token_still_tell_the_language():
    german = " Die Regierung in Berlin hat am Montag neue Gespräche mit Warschau über die Grenze angekündigt."
    assert detect_language("y" * 100_000 + german * 3) == "de"


# -- repeated pages -----------------------------------------------------------


def test_pages_with_a_url_or_text_seen_before_are_skipped_and_reported():
    text = "Peru and Ecuador agreed to clear mines along their border, officials said on Wednesday."
    items = list(screen([
        Document("a", text, url="https://a.example/1"),
        Document("b", text + " More.", url="https://a.example/1"),  # the same URL, crawled again
        Document("c", text, url="https://mirror.example/9"),  # the same text elsewhere
        Document("d", "Kenya and Tanzania opened a border post at Namanga to speed up trade.", url="https://a.example/2"),
        Document("a", text, url="https://a.example/1"),  # an exact repeat, reported as before
    ]))
    assert [d.id for d in _documents(items)] == ["a", "d"]
    assert _errors(items) == [
        "b: document 'b' has the same URL as 'a', skipped",
        "c: document 'c' has the same text as 'a', skipped",
        "a: document 'a' repeated, skipped",
    ]
    assert all(i.skipped for i in items if isinstance(i, IngestError))


# -- kg build on a mixed folder -----------------------------------------------

WIRE = [
    ("https://wire.example/gas", "Turkey and Azerbaijan sign gas deal", [
        "Turkey and Azerbaijan signed a deal on Tuesday to extend gas deliveries through the southern corridor until 2035.",
        "The energy ministers met in Baku and said the pipeline would carry more gas from next year.",
    ]),
    ("https://wire.example/talks", "Ghana mediates between Togo and Benin", [
        "Ghana offered on Monday to mediate between Togo and Benin after a dispute over fishing rights in the Gulf of Guinea.",
        "The foreign ministers of the three countries are to meet in Accra next week, officials said.",
    ]),
]


def _wire_page(title: str, paragraphs: list[str], url: str) -> str:
    return (f'<html><head><title>{title}</title><meta property="og:site_name" content="Lagoon Wire">'
            f'<meta property="article:published_time" content="2024-04-02T08:00:00Z"></head><body>'
            f'<nav><a href="/">Home</a> <a href="/africa">Africa</a> <a href="/europe">Europe</a></nav>'
            f'<article><h1>{title}</h1>{"".join(f"<p>{p}</p>" for p in paragraphs)}</article>'
            f'<footer>Lagoon Wire. Newsletter, podcasts and more.</footer></body></html>')


def _mixed_folder(folder: Path) -> Path:
    folder.mkdir()
    (folder / "mines.html").write_text(_page(), encoding="utf-8")
    (folder / "post.html").write_text(_page(title="Kenya and Tanzania open border post", url="https://harbour.example/namanga",
                                            paragraphs=SECOND), encoding="utf-8")
    (folder / "andes.rss").write_text(RSS, encoding="utf-8")
    pages = [(url, _wire_page(title, paragraphs, url)) for url, title, paragraphs in WIRE]
    pages.append(("https://harbour.example/world/mines", _page()))  # also saved as mines.html: a repeat
    _warc(folder / "crawl.warc.gz", pages)
    lines = [{"id": "desk-1", "text": "Egypt and Sudan urged Ethiopia to resume talks on the Nile dam.", "source": "Desk Feed",
              "date": "2024-03-01", "url": "https://desk.example/nile", "title": "Nile talks"},
             {"id": "desk-2", "text": "Chile and Peru held talks on trade in Lima on Friday.", "source": "Desk Feed"}]
    (folder / "desk.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return folder


_BY_SOURCE = ("SELECT ?source (COUNT(?doc) AS ?n) WHERE { ?doc a ir:Document . OPTIONAL { ?doc dcterms:source ?s } "
              "BIND(COALESCE(?s, 'none') AS ?source) } GROUP BY ?source ORDER BY ?source")


def _by_source(runner, app, store: Path) -> dict[str, int]:
    result = runner.invoke(app, ["query", str(store), _BY_SOURCE, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["results"]["bindings"]
    return {row["source"]["value"]: int(row["n"]["value"]) for row in rows}


@pytest.mark.model
def test_cli_build_from_a_mixed_folder_counts_documents_by_source(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    runner = CliRunner()
    folder = _mixed_folder(tmp_path / "news")
    store, errors = tmp_path / "kg.store", tmp_path / "errors.jsonl"
    result = runner.invoke(app, ["build", str(folder), "--store", str(store), "--processes", "2", "--partition-size", "2",
                                 "--no-progress", "--errors", str(errors)])
    assert result.exit_code == 1, result.output  # one page skipped: the crawled copy of mines.html
    assert "8 documents added" in result.stdout, result.stdout  # 2 pages, 2 feed items, 2 archived pages, 2 lines
    assert _by_source(runner, app, store) == {"Andes Desk": 2, "Desk Feed": 2, "Harbour Times": 2, "Lagoon Wire": 2}
    reports = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    crawled = "page-" + hashlib.sha1(b"https://harbour.example/world/mines").hexdigest()[:12]
    # files are read in name order: the archive before mines.html, which repeats one of its pages
    assert [r["message"] for r in reports if r["kind"] == "error"] == [f"document 'mines' has the same URL as {crawled!r}, skipped"]
    assert any("records of" in r["message"] and r["kind"] == "warning" for r in reports)
    # every reader's metadata reached the RDF: url, title, site and date of each page
    query = ("SELECT ?url ?title ?date WHERE { ?doc a ir:Document ; ir:url ?url ; dcterms:title ?title ; dcterms:date ?date ; "
             "dcterms:source 'Lagoon Wire' } ORDER BY ?url")
    rows = json.loads(runner.invoke(app, ["query", str(store), query, "--format", "json"]).stdout)["results"]["bindings"]
    assert [(r["url"]["value"], r["title"]["value"], r["date"]["value"]) for r in rows] == [
        ("https://wire.example/gas", "Turkey and Azerbaijan sign gas deal", "2024-04-02"),
        ("https://wire.example/talks", "Ghana mediates between Togo and Benin", "2024-04-02"),
    ]


@pytest.mark.model
@pytest.mark.slow
def test_cli_build_of_a_warc_on_dask_stores_the_documents_of_a_local_build(tmp_path):
    pytest.importorskip("dask.distributed")
    from typer.testing import CliRunner

    from kg.cli import app

    runner = CliRunner()
    pages = [(url, _wire_page(title, paragraphs, url)) for url, title, paragraphs in WIRE]
    _warc(tmp_path / "crawl.warc.gz", pages + [("https://harbour.example/namanga", _page(paragraphs=SECOND))])
    counts = {}
    for name, options in (("local", ["--processes", "1"]), ("dask", ["--dask", "local", "--processes", "1", "--partition-size", "2"])):
        store = tmp_path / f"{name}.store"
        result = runner.invoke(app, ["build", str(tmp_path / "crawl.warc.gz"), "--store", str(store), "--no-progress", *options])
        assert result.exit_code == 0, result.output
        counts[name] = _by_source(runner, app, store)
    assert counts["local"] == counts["dask"] == {"Harbour Times": 1, "Lagoon Wire": 2}


def test_bench_warc_holds_the_synthetic_documents_as_pages(tmp_path):
    """``kg bench scale --warc`` builds the JSON Lines run's texts: each page gives back its document."""
    from kg.scale.bench import synthetic_documents, write_synthetic_warc

    words = write_synthetic_warc(tmp_path / "synthetic.warc.gz", 30)
    originals = list(synthetic_documents(30))
    items = list(read_path(tmp_path / "synthetic.warc.gz"))
    pages = _documents(items)
    assert words == sum(len(d.text.split()) for d in originals) and len(pages) == 30
    for page, original in zip(pages, originals):
        lines = [line.strip() for line in clean_text(original.text).splitlines() if line.strip()]  # as JSON Lines reads it
        assert [line for line in lines if line not in page.text] == [], page.url
        assert page.text.startswith(original.title) and page.date == original.date and page.source == "The Example Wire"
    assert _errors(items) == [f"{tmp_path / 'synthetic.warc.gz'}: 33 records of 63 passed over: "
                              "3 non-HTML responses (image/jpeg 3), 30 request records"]


def test_graph_page_evidence_names_the_site_and_publication_date_of_its_page():
    from kg.graph import KnowledgeGraph
    from kg.graph.knowledge import DocumentInfo, Provenance
    from kg.viz import to_html

    kg = KnowledgeGraph(entries={})
    kg.add_document(DocumentInfo("page-1", "hash", date="2024-05-08", title="Peru and Ecuador agree to clear border mines",
                                 url="https://harbour.example/world/mines", source="Harbour Times"))
    kg.add_evidence("PER", "talksWith", "ECU", "asserted",
                    Provenance(doc="page-1", sentence="Peru and Ecuador agreed on Wednesday.", date="2024-05-07"))
    page = to_html(kg)
    # the page's script writes "Harbour Times · page-1 · 2024-05-07 · published 2024-05-08" (tests/test_viz_page.py)
    assert '["page-1","Peru and Ecuador agree to clear border mines","https://harbour.example/world/mines",' \
           '"Harbour Times","2024-05-08"]' in page
