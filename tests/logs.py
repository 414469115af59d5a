"""Reading the JSON log lines of a process that may still be writing them."""

from __future__ import annotations

import json
from typing import Any


def json_records(text: str) -> list[dict[str, Any]]:
    """The JSON records of a log's text, one per line; a last line not ended yet (the
    process is writing it) is left for a later read.

    >>> json_records('{"event": "a"}\\nplain text\\n{"event": "b"}\\n{"ev')
    [{'event': 'a'}, {'event': 'b'}]
    """
    complete = text[: text.rfind("\n") + 1]
    return [json.loads(line) for line in complete.splitlines() if line.startswith("{")]
