"""Roster sync over GraphQL: the source setting (its token never answered back) and
``importRoster`` with a result per row."""

from __future__ import annotations

from uuid import uuid4

from tests.api.harness import Gql
from tests.api.team import Team

SOURCE_FIELDS = "url tokenHint updatedAt lastSyncedAt lastSync { created failed }"
SET_SOURCE = f"""
mutation($url: String!, $token: String!) {{
  setRosterSource(url: $url, token: $token) {{ {SOURCE_FIELDS} }}
}}"""
SOURCE = f"{{ rosterSource {{ {SOURCE_FIELDS} }} }}"
REMOVE = "mutation { removeRosterSource }"
IMPORT = """
mutation($csv: String!) {
  importRoster(csv: $csv) {
    created updated unchanged duplicates failed
    results { line kind externalId status reason }
  }
}"""
AUDIT = """
query { auditLog(first: 50) { edges { node { action summary } } } }"""
TOKEN = "source-token-abcdef-0123"


def test_the_source_is_set_shown_without_its_token_and_removed(gql: Gql, world: Team) -> None:
    admin = world.token("admin")
    assert gql(SOURCE, token=admin).ok() == {"rosterSource": None}
    refused = gql(SET_SOURCE, {"url": "ftp://hr.example.test", "token": TOKEN}, token=admin)
    assert refused.codes == ["VALIDATION_ERROR"]
    denied = gql(
        SET_SOURCE, {"url": "https://hr.example.test/r", "token": TOKEN}, world.token("manager")
    )
    assert denied.codes == ["FORBIDDEN"]
    result = gql(SET_SOURCE, {"url": "https://hr.example.test/r", "token": TOKEN}, token=admin)
    source = result.ok()["setRosterSource"]
    assert (source["url"], source["tokenHint"], source["lastSyncedAt"], source["lastSync"]) == (
        "https://hr.example.test/r",
        "…0123",
        None,
        None,
    )
    assert TOKEN not in str(gql(SOURCE, token=admin).body)
    assert TOKEN not in str(gql(AUDIT, token=admin).body)
    assert gql(REMOVE, token=admin).ok() == {"removeRosterSource": True}
    assert gql(SOURCE, token=admin).ok() == {"rosterSource": None}


def test_import_roster_answers_each_row(gql: Gql, world: Team) -> None:
    email = f"imported-{uuid4().hex[:10]}@hr.example.test"
    csv = (
        "kind,externalId,email,name,department,employeeExternalId,date,shift,store\n"
        f"employee,X-1,{email},Imported Person,Sales,,,,\n"
        f"roster,XR-1,,,,X-1,{world.today.isoformat()},Day,MG Road\n"
        "roster,XR-2,,,,X-9,2026-13-01,Day,MG Road\n"
    )
    answer = gql(IMPORT, {"csv": csv}, token=world.token("admin")).ok()["importRoster"]
    assert (answer["created"], answer["failed"]) == (2, 1)
    assert answer["results"] == [
        {"line": 2, "kind": "EMPLOYEE", "externalId": "X-1", "status": "CREATED", "reason": None},
        {"line": 3, "kind": "ROSTER", "externalId": "XR-1", "status": "CREATED", "reason": None},
        {
            "line": 4,
            "kind": "ROSTER",
            "externalId": "XR-2",
            "status": "FAILED",
            "reason": "date '2026-13-01' is not a date (YYYY-MM-DD)",
        },
    ]
    again = gql(IMPORT, {"csv": csv}, token=world.token("admin")).ok()["importRoster"]
    assert (again["created"], again["unchanged"], again["failed"]) == (0, 2, 1)
    assert gql(IMPORT, {"csv": "nothing,here\n"}, token=world.token("admin")).codes == [
        "VALIDATION_ERROR"
    ]
    assert gql(IMPORT, {"csv": csv}, token=world.token("employee")).codes == ["FORBIDDEN"]
