"""The HTTP roster source against a real local server: what each kind of answer becomes."""

from __future__ import annotations

import socket

import pytest

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.roster_sync.model import Secret
from jts_domain.roster_sync.records import NOT_AN_OBJECT
from jts_jobs.roster_source import HttpRosterSource
from tests.jobs.hr_source import serve_hr_source

TOKEN = Secret("http-source-token-123456")
PAGE = {"employees": [{"externalId": "E-1"}, "not an object"], "roster": [], "next": 7}


async def test_a_page_its_cursor_and_the_urls_own_query() -> None:
    with serve_hr_source({None: PAGE, "7": {"employees": []}}) as hr:
        source = HttpRosterSource(f"{hr.url}?tenant=acme", TOKEN, timeout_s=5)
        first = await source.fetch(None, 100)
        last = await source.fetch(first.next_cursor, 100)
    assert first.employees == ({"externalId": "E-1"}, {NOT_AN_OBJECT: True})
    assert (first.next_cursor, last.next_cursor, last.roster) == ("7", None, ())
    assert [q for _, q in hr.requests] == [
        {"tenant": ["acme"], "limit": ["100"]},
        {"tenant": ["acme"], "limit": ["100"], "cursor": ["7"]},
    ]


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (401, None, "refused the token (401)"),
        (403, None, "refused the token (403)"),
        (404, b"{}", "answered 404"),
        (200, b"<html>", "did not answer JSON"),
        (200, b"[1, 2]", "did not answer a JSON object"),
        (200, b'{"employees": {"a": 1}}', "answered employees that is not a list"),
    ],
)
async def test_answers_that_are_no_page_fail_as_validation(
    status: int, body: bytes | None, expected: str
) -> None:
    with serve_hr_source({None: PAGE}) as hr:
        hr.status, hr.raw_body = status, body or b"{}"
        with pytest.raises(DomainError) as caught:
            await HttpRosterSource(hr.url, TOKEN, timeout_s=5).fetch(None, 100)
    assert caught.value.code is ErrorCode.VALIDATION_ERROR
    assert expected in caught.value.message
    assert TOKEN.reveal() not in caught.value.message


@pytest.mark.parametrize("status", [500, 503, 429])
async def test_a_busy_or_failing_source_is_a_connection_error(status: int) -> None:
    with serve_hr_source({None: PAGE}) as hr:
        hr.status = status
        with pytest.raises(ConnectionError, match=f"answered {status}"):
            await HttpRosterSource(hr.url, TOKEN, timeout_s=5).fetch(None, 100)


async def test_an_unreachable_source_is_a_connection_error() -> None:
    with socket.socket() as sock:  # a port nobody listens on once it is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    source = HttpRosterSource(f"http://127.0.0.1:{port}/roster?key=secret", TOKEN, timeout_s=5)
    with pytest.raises(ConnectionError) as caught:
        await source.fetch(None, 100)
    assert "secret" not in str(caught.value)
    assert caught.value.__cause__ is None  # nothing of the client's error (URL, headers) kept
