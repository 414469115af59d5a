"""What exports need from the store: the rows of a scope, a batch at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from jts_domain.exports.model import ExportRow, ExportScope


class ExportQueries(Protocol):
    """Set-based reads of export rows (cells as :mod:`jts_domain.exports.model` says)."""

    def rows(self, scope: ExportScope, *, batch_size: int) -> AsyncIterator[Sequence[ExportRow]]:
        """The scope's rows in their documented order, in batches of at most
        ``batch_size``; the store reads them from a server-side cursor, so memory does not
        grow with the number of rows."""
        ...
