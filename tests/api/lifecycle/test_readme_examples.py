"""The README's example GraphQL documents stay valid against the schema it describes."""

from __future__ import annotations

import re

import pytest
from graphql import parse, validate

from jts_api.schema import build_schema
from jts_api.settings import ApiSettings
from tests.conftest import ROOT

_PLACEHOLDER = re.compile(r'"<[^">]+>"')
_OPERATION_START = re.compile(r"\n\s*\n|\n(?=mutation|query|subscription|\{ )")


def _documents() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```graphql\n(.*?)```", readme, re.S)
    inline = re.findall(r"`(subscription \{.*?\})`", readme)
    documents: list[str] = []
    for block in blocks:
        code = "\n".join(line for line in block.splitlines() if not line.startswith("#"))
        documents += [part for part in _OPERATION_START.split(code) if part.strip()]
    return documents + inline


DOCUMENTS = _documents()


def test_the_readme_has_examples_of_every_kind() -> None:
    kinds = {d.strip().split()[0] for d in DOCUMENTS}
    assert {"mutation", "query", "subscription", "{"} <= kinds
    assert len(DOCUMENTS) >= 10


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.strip()[:40])
def test_a_readme_example_is_valid(document: str) -> None:
    schema = build_schema(ApiSettings())
    filled = _PLACEHOLDER.sub('"00000000-0000-0000-0000-000000000000"', document)
    assert validate(schema._schema, parse(filled)) == []
