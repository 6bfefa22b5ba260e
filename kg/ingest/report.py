"""Report input problems as they come, keeping only their counts.

An input of millions of bad lines must not fill memory with its error list:
each :class:`~kg.ingest.files.IngestError` is written when it is met — one
line ``kg: error: FILE:LINE: reason`` (or ``kg: warning: …``) to ``echo``
and, when a stream is given, one JSON line to it (the ``--errors`` report) —
and then dropped.

>>> import io
>>> from kg.ingest.files import IngestError
>>> lines, stream = [], io.StringIO()
>>> report = IngestReport(lines.append, stream)
>>> report(IngestError("a.jsonl", 2, "invalid JSON: Expecting value"))
>>> report(IngestError("b.txt", 1, "1 NUL byte removed", skipped=False))
>>> lines, report.skipped, report.warnings
(['kg: error: a.jsonl:2: invalid JSON: Expecting value', 'kg: warning: b.txt:1: 1 NUL byte removed'], 1, 1)
>>> stream.getvalue().splitlines()[0]
'{"kind": "error", "path": "a.jsonl", "line": 2, "message": "invalid JSON: Expecting value"}'
"""

from __future__ import annotations

import json
from typing import IO, Callable

__all__ = ["IngestReport"]


class IngestReport:
    """Writes each problem to ``echo`` (and as JSON to ``stream``) and counts it; keeps nothing else."""

    def __init__(self, echo: Callable[[str], object] | None = None, stream: IO[str] | None = None) -> None:
        self.echo = echo
        self.stream = stream
        self.skipped = 0
        self.warnings = 0

    def __call__(self, error) -> None:
        if error.skipped:
            self.skipped += 1
        else:
            self.warnings += 1
        if self.echo is not None:
            self.echo(f"kg: {'error' if error.skipped else 'warning'}: {error}")
        if self.stream is not None:
            self.stream.write(json.dumps(error.to_dict(), ensure_ascii=False) + "\n")
