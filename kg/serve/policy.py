"""What ``kg serve`` lets through to Oxigraph: read-only queries that call no other endpoint; its limits.

The SPARQL process (:mod:`kg.serve.worker`) runs queries only (an update sent
as ``query=`` is a syntax error there), on a store opened read-only; but
Oxigraph does run ``SERVICE`` clauses, i.e. it sends HTTP requests to any URL
a query names. :func:`nesting_refusal` refuses queries nesting deeper than
:data:`MAX_NESTING` brackets (Oxigraph's parser recurses a level a bracket).
:func:`refusal` finds ``SERVICE`` (and, for a clear message, an update
operation such as ``LOAD``) in the query text the way Oxigraph's parser
would see it, erring on the side of refusing:

- comments, string literals (``'…'``, ``"…"``, ``'''…'''``, ``\"\"\"…\"\"\"``) and IRIs
  (``<…>``) are not code. ``<`` is ambiguous (an IRI or "less than": Oxigraph
  reads ``FILTER(?o<'x> …')`` as a comparison with a string), so every reading
  is followed and a keyword counts when it is code in any of them;
- Oxigraph needs no space around keywords (``1SERVICE<…>``, ``SERVICEex:x``
  and ``service:x {…}`` all call a service), so a ``service`` that is code is
  refused unless it is inside a variable (``?service``), the local part of a
  prefixed name (``ex:service``), or the prefix of a name that is not
  followed by ``{`` (``service:x ?p ?o``);
- ``\\u0053ERVICE``: Oxigraph 0.5 does not decode escapes outside strings, but
  SPARQL allows it, so the decoded text is checked too.

The price of erring that way: a few odd but legal queries are refused, e.g.
``GRAPH service:g { … }`` (a prefix named ``service`` before ``{``), a
language tag ``@service``, an IRI with ``#`` followed on its line by a long
string (``\"\"\"``) that holds ``SERVICE`` on the next line. A query with more
than 1,000 occurrences of the word is refused without looking further.
"""

from __future__ import annotations

import bisect
import heapq
import ipaddress
import re
import socket
from dataclasses import dataclass, field, replace

__all__ = ["MAX_NESTING", "ServeSettings", "check_host", "is_loopback", "loopback_name", "nesting_depth", "nesting_refusal",
           "refusal", "refuses_update", "uses_keyword", "visible_code"]

_MB = 1024 * 1024

_SPECIAL = re.compile(r"""[\\#'"<]""")
_IRIREF = re.compile(r"""<[^<>"{}|^`\\\x00-\x20]*>""")
_STRINGS = (
    ("'''", re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''", re.S)),
    ('"""', re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""', re.S)),
    ("'", re.compile(r"'(?:[^'\\\n\r]|\\.)*'", re.S)),
    ('"', re.compile(r'"(?:[^"\\\n\r]|\\.)*"', re.S)),
)
_LINE_BREAK = re.compile(r"[\n\r]")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: Before a keyword (matched on the text before it, reversed): it ends a variable's name
#: (``?service``), or a prefixed name's local part (``ex:service``, whose first character
#: cannot be ``.`` or ``-``: ``ex:.SERVICE`` is ``ex:`` then the keyword).
_IN_VARIABLE = re.compile(r"\w*[?$]")
_IN_LOCAL_NAME = re.compile(r"(?:(?:[\w.\-:%]|.\\)*(?:[\w:%]|.\\))?:", re.S)
#: After a keyword: it begins a prefixed name (``service:x``), which is then followed by …
_PREFIX_OF_NAME = re.compile(r"[\w.\-]*:(?:[\w.\-:%]|\\.)*\s*", re.S)
_WINDOW = 512
#: More occurrences than this of a keyword: refused without a look at each.
_MAX_OCCURRENCES = 1000
#: Update operations, refused by name when sent as a query (Oxigraph would answer a syntax error).
UPDATES = ("LOAD", "INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s*[\w.\-]*:|BASE)\s*)*([A-Za-z]+)", re.I)


def _readings(text: str, spans: list | None = None) -> tuple[bytearray, bytearray, bytearray]:
    """Three masks over ``text``, one byte a character, following every reading of ``<``:
    code in some reading; inside an IRI in some reading; inside a string or comment in some reading.
    The ``(start, end)`` of each IRI (they cannot overlap: an IRI holds no ``<``) go into ``spans``."""
    n = len(text)
    breaks = [m.start() for m in _LINE_BREAK.finditer(text)]
    code = bytearray(n)
    in_iri = bytearray(n)
    in_literal = bytearray(n)
    agenda, seen = [0], {0}
    while agenda:
        start = heapq.heappop(agenda)
        found = _SPECIAL.search(text, start)
        stop = found.start() if found else n
        code[start:stop] = b"\x01" * (stop - start)
        if not found:
            continue
        at, char, resume = stop, text[stop], []
        if char == "\\":  # an escape in a local name (ex:a\.b): two characters of code
            code[at:at + 2] = b"\x01" * len(code[at:at + 2])
            resume.append(at + 2)
        elif char == "#":
            line = bisect.bisect_left(breaks, at)
            end = breaks[line] if line < len(breaks) else n
            in_literal[at:end] = b"\x01" * (end - at)
            resume.append(end)
        elif char == "<":
            code[at] = 1
            iri = _IRIREF.match(text, at)
            if iri:  # an IRI, or "less than" followed by code: both are followed
                in_iri[at:iri.end()] = b"\x01" * (iri.end() - at)
                if spans is not None:
                    spans.append((at, iri.end()))
                resume.append(iri.end())
            resume.append(at + 1)
        else:
            for opening, pattern in _STRINGS:
                if text.startswith(opening, at):
                    literal = pattern.match(text, at)
                    # an unterminated string is a syntax error: reading on as code errs on the safe side
                    end = literal.end() if literal else at + len(opening)
                    in_literal[at:end] = b"\x01" * (end - at)
                    resume.append(end)
                    break
        for position in resume:
            if position < n and position not in seen:
                seen.add(position)
                heapq.heappush(agenda, position)
    return code, in_iri, in_literal


def visible_code(text: str) -> str:
    """``text`` with comments, string literals and IRIs blanked out (in every reading of ``<``).

    >>> visible_code('SELECT * { ?s <http://x/#a> "SERVICE" } # SERVICE').split()
    ['SELECT', '*', '{', '?s', '}']
    """
    n = len(text)
    code, in_iri, _ = _readings(text)
    keep = (int.from_bytes(code, "big") & ~int.from_bytes(in_iri, "big")).to_bytes(n, "big") if n else b""
    pieces, last = [], 0
    for run in re.finditer(rb"\x01+", keep):
        pieces += [" " * (run.start() - last), text[run.start():run.end()]]
        last = run.end()
    pieces.append(" " * (n - last))
    return "".join(pieces)


#: Deepest nesting of parentheses and braces let through to Oxigraph (which recurses once a level,
#: and ends its process on a stack overflow: 5,000 levels did). ir-kg's own queries nest 5 deep.
MAX_NESTING = 256


def nesting_depth(text: str) -> int:
    """How deep parentheses, brackets and braces nest in ``text``, outside strings, IRIs and comments: at most.

    Every reading of ``<`` is followed (:func:`visible_code`), so that no query nests deeper for
    Oxigraph than this says: an opening bracket counts when it is code in some reading; a closing
    one only when no reading puts it in a string or comment. What may be an IRI or code (``<…>``
    after a variable is "less than") counts as code for how deep it goes inside, and for what it
    leaves open (``<?b&&((1>``), never for what it closes: an IRI such as
    ``<http://x/Georgia_(country)>`` adds nothing.

    >>> nesting_depth("SELECT * { ?s ?p ?o FILTER((?o > 1)) }"), nesting_depth("ASK { ?s ?p '(((' } # (((")
    (3, 1)
    >>> nesting_depth("ASK { VALUES ?x { " + "<http://x/a_(b)> " * 300 + "} }")
    3
    """
    n = len(text)
    if not n:
        return 0
    spans: list[tuple[int, int]] = []
    code, _, in_literal = _readings(text, spans)
    opens = int.from_bytes(code, "big").to_bytes(n, "big")
    closes = (int.from_bytes(code, "big") & ~int.from_bytes(in_literal, "big")).to_bytes(n, "big")
    spans.sort()
    starts = [start for start, _ in spans]
    depth = deepest = 0
    open_span, local, peak = None, 0, 0  # the IRI-or-code span the walk is in: its own depth and deepest point
    for match in re.finditer(r"[(){}\[\]]", text):
        at, char = match.start(), match.group()
        if open_span is not None and at >= open_span[1]:
            depth, open_span = depth + max(0, local), None
        if open_span is None:
            index = bisect.bisect_right(starts, at) - 1
            if index >= 0 and spans[index][0] <= at < spans[index][1]:
                open_span, local, peak = spans[index], 0, 0
        if open_span is not None:
            local += 1 if char in "({[" else -1
            peak = max(peak, local)
            deepest = max(deepest, depth + peak)
        elif char in "({[" and opens[at]:
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")}]" and closes[at] and depth:
            depth -= 1
    return deepest


def nesting_refusal(text: str, limit: int = MAX_NESTING) -> str | None:
    """Why ``text`` nests too deep to be run, or ``None``.

    >>> nesting_refusal("SELECT * WHERE { FILTER(" + "(" * 300 + "1" + ")" * 300 + ") }")
    'the query nests 302 levels deep (parentheses, brackets and braces); at most 256 are allowed'
    """
    if text.count("(") + text.count("{") + text.count("[") <= limit:
        return None  # no deeper than the brackets it has: the scan is for the rest
    depth = nesting_depth(text)
    if depth > limit:
        return f"the query nests {depth} levels deep (parentheses, brackets and braces); at most {limit} are allowed"
    return None


def _decoded(text: str) -> str:
    """``text`` with SPARQL's codepoint escapes (``\\u0053``, ``\\U00000053``) decoded."""
    def char(match: re.Match) -> str:
        point = int(match.group(1) or match.group(2), 16)
        return chr(point) if point < 0x110000 else ""
    return _CODEPOINT.sub(char, text)


def uses_keyword(text: str, keyword: str) -> bool:
    """Whether Oxigraph could read ``keyword`` (``SERVICE``) as a keyword of ``text``.

    >>> [uses_keyword(q, "SERVICE") for q in (
    ...     "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }",
    ...     "SELECT * { ?s ?p ?o .SERVICE<http://x/>{?a ?b ?c} }",
    ...     "SELECT * { ?service ex:service service:x }",
    ...     "SELECT * { ?s ?p 'SERVICE <http://x/> {}' } # SERVICE",
    ...     "SELECT * { service:x { ?s ?p ?o } }",
    ... )]
    [True, True, False, False, True]
    """
    texts = [text, _decoded(text)] if ("\\u" in text or "\\U" in text) else [text]
    pattern = re.compile(re.escape(keyword), re.I)
    for raw in texts:
        if not pattern.search(raw):
            continue
        visible = visible_code(raw)
        for number, match in enumerate(pattern.finditer(visible)):
            if number >= _MAX_OCCURRENCES:
                return True
            start, end = match.span()
            if visible[start:end] != raw[start:end]:
                continue  # not code in any reading
            before = raw[max(0, start - _WINDOW):start][::-1]
            if _IN_VARIABLE.match(before) or _IN_LOCAL_NAME.match(before):
                continue
            name = _PREFIX_OF_NAME.match(raw, end)
            if name and name.end() < len(raw) and raw[name.end()] not in "{#":
                continue  # service:x ?p ?o — a name; service:x { … } calls the service :x
            return True
    return False


def refusal(sparql: str) -> str | None:
    """Why ``kg serve`` refuses ``sparql`` (sent as a query), or ``None`` when it does not.

    >>> refusal("SELECT * WHERE { ?s ?p ?o }") is None
    True
    >>> refusal("LOAD <http://example.org/data.ttl>")
    'kg serve is read-only: SPARQL Update (LOAD) is refused'
    >>> refusal("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    'kg serve does not query other endpoints: SERVICE is refused'
    """
    first = _PROLOGUE.match(visible_code(sparql))
    if first and first.group(1).upper() in UPDATES:
        return f"kg serve is read-only: SPARQL Update ({first.group(1).upper()}) is refused"
    if uses_keyword(sparql, "SERVICE"):
        return "kg serve does not query other endpoints: SERVICE is refused"
    return None


@dataclass(frozen=True)
class ServeSettings:
    """Limits of ``kg serve`` (CLI: ``--timeout``, ``--max-result-mb``, ``--max-request-kb``,
    ``--max-concurrent``, ``--token`` or ``$KG_SERVE_TOKEN``).

    >>> ServeSettings().deadline, ServeSettings(timeout=60).deadline
    (33.0, 66.0)
    >>> "secret" in repr(ServeSettings(token="secret"))
    False
    """

    timeout: int = 30
    max_result_bytes: int = 64 * _MB
    max_request_bytes: int = 1 * _MB
    max_concurrent: int = 16
    queue_timeout: float = 5.0
    client_timeout: float = 30.0
    max_connections: int = 128
    #: With every connection taken, one still sending its request after this many seconds makes room.
    evict_after: float = 1.0
    token: str | None = field(default=None, repr=False)

    @property
    def deadline(self) -> float:
        """Seconds after which the front gives up on a query Oxigraph has not stopped."""
        return self.timeout + max(2.0, self.timeout / 10)

    def replace(self, **changes) -> "ServeSettings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` names is a loopback address.

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("0.0.0.0"), is_loopback("10.1.2.3")
    (True, True, False, False)
    """
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


def check_host(host: str, token: str | None) -> None:
    """Raise ``ValueError`` unless ``host`` is a loopback address or a token is set.

    >>> check_host("127.0.0.1", None); check_host("0.0.0.0", "s3cret")
    >>> check_host("0.0.0.0", None)
    Traceback (most recent call last):
    ...
    ValueError: kg serve listens on a non-loopback address ('0.0.0.0') only with a token: set --token or KG_SERVE_TOKEN
    """
    if not is_loopback(host) and not token:
        raise ValueError(f"kg serve listens on a non-loopback address ({host!r}) only with a token: set --token or KG_SERVE_TOKEN")


def refuses_update(method: str, content_type: str, fields: dict) -> bool:
    """Whether a request to ``/sparql`` is a SPARQL Update by its form (which ``kg serve`` refuses).

    >>> refuses_update("POST", "application/sparql-update", {}), refuses_update("GET", "", {"update": ["x"]})
    (True, True)
    >>> refuses_update("POST", "application/x-www-form-urlencoded", {"query": ["ASK {}"]})
    False
    """
    return content_type == "application/sparql-update" or "update" in fields


def loopback_name(host_header: str | None) -> bool:
    """Whether a request's ``Host`` names this machine (``localhost``, ``127.x.y.z``, ``[::1]``; any port).

    A page on another site that rebinds its DNS name to 127.0.0.1 sends its own
    name: a loopback server answering only loopback names is out of its reach.
    No ``Host`` at all (HTTP/1.0 clients, not browsers) is let through.

    >>> [loopback_name(h) for h in ("127.0.0.1:7878", "localhost", "[::1]:80", None, "evil.example:7878", "127.0.0.1.evil.example")]
    [True, True, True, True, False, False]
    """
    if not host_header:
        return True
    host = host_header.strip().lower()
    if host.startswith("["):
        host = host[1:host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    if host in ("localhost", "localhost.") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
