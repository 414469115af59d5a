"""What a backup archive holds, as its ``manifest.json`` says."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jts_store.backup.errors import BackupError

#: Bumped when the archive's layout or the export's canonical form changes.
FORMAT_VERSION = 1

MANIFEST_FILE = "manifest.json"
DUMP_FILE = "database.dump"


def table_file(table: str) -> str:
    """Where a table's JSON export sits inside the archive."""
    return f"tables/{table}.json"


@dataclass(frozen=True, slots=True)
class TableEntry:
    """One table's JSON export: its row count and the SHA-256 of the export file."""

    rows: int
    sha256: str


@dataclass(frozen=True, slots=True)
class DumpEntry:
    """The ``pg_dump`` file (custom format): its size and SHA-256."""

    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """The facts a restore checks an archive and a restored database against."""

    created_at: datetime
    database: str
    server_version: str
    schema_revision: str | None
    dump: DumpEntry
    tables: dict[str, TableEntry]
    excluded_columns: dict[str, list[str]] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        """The manifest file's content."""
        document = {
            "format_version": self.format_version,
            "created_at": self.created_at.isoformat(),
            "database": self.database,
            "server_version": self.server_version,
            "schema_revision": self.schema_revision,
            "dump": {"file": DUMP_FILE, "size": self.dump.size, "sha256": self.dump.sha256},
            "tables": {
                name: {"file": table_file(name), "rows": entry.rows, "sha256": entry.sha256}
                for name, entry in self.tables.items()
            },
            "excluded_columns": self.excluded_columns,
        }
        return json.dumps(document, indent=2).encode() + b"\n"

    @classmethod
    def from_json(cls, content: bytes) -> Manifest:
        """Read a manifest file; a :class:`BackupError` when it is not one this code reads."""
        try:
            document: dict[str, Any] = json.loads(content)
            version = document["format_version"]
            if version != FORMAT_VERSION:
                raise BackupError(f"unsupported backup format version {version!r}")
            return cls(
                format_version=version,
                created_at=datetime.fromisoformat(document["created_at"]),
                database=document["database"],
                server_version=document["server_version"],
                schema_revision=document["schema_revision"],
                dump=DumpEntry(size=document["dump"]["size"], sha256=document["dump"]["sha256"]),
                tables={
                    name: TableEntry(rows=entry["rows"], sha256=entry["sha256"])
                    for name, entry in document["tables"].items()
                },
                excluded_columns=document.get("excluded_columns", {}),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(f"the manifest is unreadable: {error!r}") from error
