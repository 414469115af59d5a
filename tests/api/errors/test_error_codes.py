"""Every error code the setup and attendance mutations can answer, each checked to have
changed nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from tests.api.harness import ApiServer, Gql, make_gql, register, serve, unique_email
from tests.api.team import (
    ASSIGN_ROSTER,
    ATTENDANCE,
    CREATE_EMPLOYEE,
    CREATE_SHIFT,
    CREATE_STORE,
    Team,
)

Rows = Callable[[str, str], int]

ME = "{ me { id } }"


def _employee_input(email: str, **fields: object) -> dict[str, object]:
    return {"input": {"email": email, "name": "Pat", "password": "password 123", **fields}}


def _store_input(**fields: object) -> dict[str, object]:
    return {"input": {"name": "Depot", "latitude": 12.97, "longitude": 77.59, **fields}}


def test_unauthenticated_mutations_change_nothing(gql: Gql, world: Team, rows: Rows) -> None:
    email = unique_email("pat")
    org = world.organization_id
    before = rows("employees", org)
    for token in (None, "not-a-token", world.token("admin")[:-3] + "abc"):
        result = gql(CREATE_EMPLOYEE, _employee_input(email), token)
        assert result.codes == ["UNAUTHENTICATED"]
        assert result.data is None
    assert rows("employees", org) == before
    # the address is still free: nothing was created under it
    gql(CREATE_EMPLOYEE, _employee_input(email), world.token("admin")).ok()
    assert rows("employees", org) == before + 1


def test_anonymous_documents_may_only_register_or_sign_in(gql: Gql) -> None:
    mixed = """
      mutation { login(email: "a@example.test", password: "whatever1") { token }
                 ...Sneaky }
      fragment Sneaky on Mutation {
        createStore(input: {name: "x", latitude: 1, longitude: 1}) { id }
      }
    """
    result = gql(mixed)
    assert result.codes == ["UNAUTHENTICATED"]
    assert result.data is None


def test_an_expired_token_is_refused(gql: Gql, api: ApiServer) -> None:
    account = register(gql)
    assert api.clock is not None
    assert gql(ME, token=account.token).ok()["me"]["id"] == account.employee_id
    api.clock.advance(hours=12, minutes=1)
    result = gql(ME, token=account.token)
    assert result.codes == ["UNAUTHENTICATED"]
    assert "expired" in result.errors[0]["message"]


def test_forbidden_changes_nothing(gql: Gql, world: Team, rows: Rows) -> None:
    org = world.organization_id
    stores, roster = rows("stores", org), rows("roster_entries", org)
    for who in ("employee", "manager"):
        result = gql(CREATE_STORE, _store_input(), world.token(who))
        assert result.codes == ["FORBIDDEN"]
        assert result.errors[0]["extensions"]["details"] == {"permission": "org.manage"}
    tomorrow = world.today + timedelta(days=1)
    result = gql(
        ASSIGN_ROSTER,
        {
            "input": {
                "employeeId": world.id("employee"),
                "date": tomorrow.isoformat(),
                "shiftTemplateId": world.shift_id,
                "storeId": world.store_id,
            }
        },
        world.token("employee"),
    )
    assert result.codes == ["FORBIDDEN"]
    email = unique_email("pat")
    assert gql(CREATE_EMPLOYEE, _employee_input(email), world.token("manager")).codes == [
        "FORBIDDEN"
    ]
    assert (rows("stores", org), rows("roster_entries", org)) == (stores, roster)
    gql(CREATE_EMPLOYEE, _employee_input(email), world.token("admin")).ok()


def test_another_tenants_ids_are_not_found_and_change_nothing(
    gql: Gql, world: Team, rows: Rows
) -> None:
    intruder = register(gql)
    mine, theirs = intruder.organization_id, world.organization_id
    before = {org: (rows("employees", org), rows("roster_entries", org)) for org in (mine, theirs)}
    own_store = gql(CREATE_STORE, _store_input(), intruder.token).ok()["createStore"]
    own_shift = gql(
        CREATE_SHIFT,
        {"input": {"name": "Early", "startTime": "06:00", "endTime": "14:00"}},
        intruder.token,
    ).ok()["createShiftTemplate"]
    roster = {
        "employeeId": world.id("employee"),
        "date": world.today.isoformat(),
        "shiftTemplateId": own_shift["id"],
        "storeId": own_store["id"],
    }
    attempts = [
        gql(ASSIGN_ROSTER, {"input": roster}, intruder.token),
        gql(
            CREATE_EMPLOYEE,
            _employee_input(unique_email("pat"), departmentId=world.department_id),
            intruder.token,
        ),
        gql(
            ATTENDANCE,
            {"date": world.today.isoformat(), "employeeId": world.id("employee")},
            intruder.token,
        ),
    ]
    for result in attempts:
        assert result.codes == ["NOT_FOUND"], result.errors
    after = {org: (rows("employees", org), rows("roster_entries", org)) for org in (mine, theirs)}
    assert after == before


@pytest.mark.parametrize(
    ("operation", "variables"),
    [
        (CREATE_STORE, _store_input(latitude=91)),
        (CREATE_STORE, _store_input(radiusMeters=-5)),
        (CREATE_STORE, _store_input(name="   ")),
        (CREATE_STORE, {"input": {"name": "No point"}}),  # missing fields: coercion
        (
            CREATE_SHIFT,
            {
                "input": {
                    "name": "Short",
                    "startTime": "09:00",
                    "endTime": "10:00",
                    "breakMinutes": 60,
                }
            },
        ),
        (CREATE_SHIFT, {"input": {"name": "Bad", "startTime": "25:00", "endTime": "10:00"}}),
        (CREATE_EMPLOYEE, _employee_input("not-an-address")),
        (CREATE_EMPLOYEE, _employee_input(unique_email("pat"), password="short")),
        (CREATE_EMPLOYEE, _employee_input(unique_email("pat"), role="KING")),
        (CREATE_EMPLOYEE, _employee_input(unique_email("pat"), departmentId="42")),
    ],
)
def test_bad_input_is_a_validation_error_and_changes_nothing(
    gql: Gql, world: Team, rows: Rows, operation: str, variables: dict[str, object]
) -> None:
    org = world.organization_id
    tables = ("stores", "shift_templates", "employees")
    before = [rows(table, org) for table in tables]
    result = gql(operation, variables, world.token("admin"))
    assert set(result.codes) == {"VALIDATION_ERROR"}, result.errors
    assert result.errors[0]["message"]
    assert result.data is None
    assert [rows(table, org) for table in tables] == before


def test_a_registered_email_cannot_be_reused(gql: Gql, world: Team, rows: Rows) -> None:
    org = world.organization_id
    before = rows("employees", org)
    result = gql(
        CREATE_EMPLOYEE, _employee_input(world.email("employee").upper()), world.token("admin")
    )
    assert result.codes == ["VALIDATION_ERROR"]
    assert rows("employees", org) == before


def test_mutations_beyond_the_rate_are_refused_and_change_nothing(
    database_url: str, rows: Rows
) -> None:
    with (
        serve(database_url, rate_limit_per_minute=2, rate_limit_burst=3) as server,
        make_gql(server) as gql,
    ):
        admin = register(gql)  # spends the address's bucket, not the admin's
        emails = [unique_email("pat") for _ in range(4)]
        for email in emails[:3]:
            gql(CREATE_EMPLOYEE, _employee_input(email), admin.token).ok()
        limited = gql(CREATE_EMPLOYEE, _employee_input(emails[3]), admin.token)
        assert limited.codes == ["RATE_LIMITED"]
        assert limited.errors[0]["extensions"]["details"]["retryAfterSeconds"] == 30.0
        assert rows("employees", admin.organization_id) == 4
        # queries are not limited
        assert gql(ME, token=admin.token).ok()["me"]["id"] == admin.employee_id
        server.manual_clock.advance(seconds=30)
        gql(CREATE_EMPLOYEE, _employee_input(emails[3]), admin.token).ok()
        assert rows("employees", admin.organization_id) == 5


def test_variables_that_do_not_coerce_are_validation_errors(gql: Gql, world: Team) -> None:
    bad_date = gql(ATTENDANCE, {"date": "2026-02-30"}, world.token("employee"))
    bad_time = gql(
        CREATE_SHIFT,
        {"input": {"name": "Odd", "startTime": "nine", "endTime": "17:00"}},
        world.token("admin"),
    )
    for result in (bad_date, bad_time):
        assert set(result.codes) == {"VALIDATION_ERROR"}, result.errors
        assert result.errors[0]["message"].startswith("Variable '$")
