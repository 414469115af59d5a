"""Progress of long commands, on standard error: a bar on a terminal, plain lines
otherwise (a log, a pipe, CI), so what a command prints on standard output stays clean.

Plain lines read ``export: 20000 rows`` (at most about ten of them for a known total,
one each ``every`` units for an unknown one, and one per step), then
``export: done, 200000 rows``.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import IO, Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

#: Plain lines for a total unknown in advance: one per this many units.
PLAIN_EVERY = 50_000


class ProgressReport:
    """``with ProgressReport("export", unit="rows") as progress: progress.advance(n)``."""

    def __init__(
        self,
        label: str,
        *,
        total: int | None = None,
        unit: str = "rows",
        stream: IO[str] | None = None,
        every: int | None = None,
    ) -> None:
        self.label, self.total, self.unit = label, total, unit
        self.stream = stream or sys.stderr
        self.done = 0
        self._every = every or (max(1, total // 10) if total else PLAIN_EVERY)
        self._next_line = self._every
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Self:
        if self.stream.isatty():
            columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn()]
            count = MofNCompleteColumn() if self.total else TextColumn("{task.completed}")
            columns += [count, TextColumn(self.unit), TimeElapsedColumn()]
            self._bar = Progress(*columns, console=Console(file=self.stream), transient=False)
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total)
        return self

    def advance(self, amount: int = 1) -> None:
        """Count ``amount`` more units done."""
        self.done += amount
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=self.done)
            return
        if self.done >= self._next_line:
            self._line(f"{self.done} {self.unit}")
            while self._next_line <= self.done:
                self._next_line += self._every

    def step(self, description: str) -> None:
        """One step of work done (``description`` says which)."""
        self.done += 1
        if self._bar is not None and self._task is not None:
            self._bar.update(
                self._task, completed=self.done, description=f"{self.label}: {description}"
            )
            return
        of = f"/{self.total}" if self.total else ""
        self._line(f"{self.done}{of} {description}")

    def _line(self, text: str) -> None:
        print(f"{self.label}: {text}", file=self.stream, flush=True)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
        if exc_type is None:
            self._line(f"done, {self.done} {self.unit}")
