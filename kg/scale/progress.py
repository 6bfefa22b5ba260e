"""Progress of a long build: documents/s and ETA.

On a terminal, a rich progress bar on standard error; otherwise (a log file,
CI, a pipe) one plain line every ``interval`` seconds and one at the end,
handed to ``write`` (the CLI passes a function printing to standard error;
the default is ``logging``). The line at the end is written only when the
counts changed since the last one, so a build never ends on the same line twice.

>>> lines = []
>>> with BuildProgress(10, terminal=False, write=lines.append, interval=0) as progress:
...     progress.advance(added=4)
...     progress.advance(skipped=6)
>>> lines[-1].startswith("10/10 documents (4 added, 6 already stored)")
True
"""

from __future__ import annotations

import logging
import time
from typing import Callable

__all__ = ["BuildProgress", "format_duration"]

log = logging.getLogger(__name__)


def format_duration(seconds: float | None) -> str:
    """``1h02m``, ``4m05s`` or ``12s``.

    >>> format_duration(3725), format_duration(245), format_duration(12.4), format_duration(None)
    ('1h02m', '4m05s', '12s', '?')
    """
    if seconds is None:
        return "?"
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class BuildProgress:
    """Counts documents added and skipped; shows a bar or writes lines (see the module docstring).

    ``total`` may be ``None`` (standard input): no ETA then. ``terminal``
    forces the bar on or off; by default it is on when standard error is a
    terminal.
    """

    def __init__(
        self,
        total: int | None,
        *,
        terminal: bool | None = None,
        write: Callable[[str], None] | None = None,
        interval: float = 10.0,
        label: str = "building",
    ) -> None:
        self.total = total
        self.added = 0
        self.skipped = 0
        self.interval = interval
        self.label = label
        self._write = write or log.warning
        self._terminal = terminal
        self._bar = None
        self._task = None
        self._start = 0.0
        self._last = 0.0
        self._written: tuple[int, int] | None = None  # (added, skipped) of the last line written

    @property
    def done(self) -> int:
        return self.added + self.skipped

    def __enter__(self) -> "BuildProgress":
        self._start = self._last = time.monotonic()
        if self._terminal is None:
            from rich.console import Console

            self._terminal = Console(stderr=True).is_terminal
        if self._terminal:
            self._bar = _rich_progress()
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total)
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
        elif self._written != (self.added, self.skipped):
            self._line()

    def advance(self, added: int = 0, skipped: int = 0) -> None:
        self.added += added
        self.skipped += skipped
        if self.total is not None and self.done > self.total:  # the count was an estimate
            self.total = self.done
            if self._bar is not None:
                self._bar.update(self._task, total=self.total)
        if self._bar is not None:
            self._bar.update(self._task, advance=added + skipped)
            return
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            self._line()

    def rate(self) -> float:
        """Documents added per second so far (skipped ones cost nothing)."""
        elapsed = time.monotonic() - self._start
        return self.added / elapsed if elapsed > 0 else 0.0

    def _line(self) -> None:
        self._written = (self.added, self.skipped)
        rate = self.rate()
        total = f"/{self.total:,}" if self.total is not None else ""
        eta = None
        if self.total is not None and rate > 0:
            eta = (self.total - self.done) / rate
        self._write(
            f"{self.done:,}{total} documents ({self.added:,} added, {self.skipped:,} already stored), "
            f"{rate:.1f} docs/s, elapsed {format_duration(time.monotonic() - self._start)}"
            + (f", ETA {format_duration(eta)}" if self.total is not None else "")
        )


def _rich_progress():
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            return Text(f"{task.speed:.1f} docs/s" if task.speed else "- docs/s")

    from rich.console import Console

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        Rate(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )
