"""Properties of the operations rules: the retention day rule and the export cell texts."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jts_domain.errors import DomainError
from jts_domain.exports.model import local_iso, plain_number, seconds_text
from jts_domain.retention.rules import cutoff, expired
from jts_domain.roster_sync.records import RowRejectedError, employee_record
from jts_domain.shifts import zone
from tests.domain.strategies import (
    decimals,
    durations_micro,
    instants,
    local_dates,
    retention_days,
    timezones,
)


@given(local_dates, local_dates, retention_days)
def test_a_record_expires_once_it_is_more_than_the_period_old(day, today, keep) -> None:
    assert expired(day, today, keep) == ((today - day).days > keep)


@given(local_dates, retention_days)
def test_the_cutoff_day_is_kept_and_the_day_before_it_goes(today, keep) -> None:
    first_kept = cutoff(today, keep)
    assert not expired(first_kept, today, keep)
    assert expired(first_kept - timedelta(days=1), today, keep)
    assert not expired(today, today, keep)


@pytest.mark.parametrize("keep", [0, -1, 3651])
def test_a_period_out_of_bounds_is_refused(keep: int) -> None:
    with pytest.raises(DomainError):
        cutoff(datetime(2026, 1, 1).date(), keep)  # noqa: DTZ001 -- a date, no instant


@given(instants, timezones)
def test_an_exported_instant_reads_back_as_the_same_second(instant, timezone) -> None:
    text = local_iso(instant, timezone)
    assert text is not None
    read = datetime.fromisoformat(text)
    assert read == instant.replace(microsecond=0)
    assert read.utcoffset() == instant.astimezone(zone(timezone)).utcoffset()


@given(durations_micro)
def test_exported_seconds_are_exact(duration) -> None:
    text = seconds_text(duration)
    assert Decimal(text) * 10**6 == duration // timedelta(microseconds=1)
    assert "e" not in text.lower()
    assert not ("." in text and text.endswith("0"))


@given(decimals)
def test_an_exported_number_is_the_number_without_trailing_zeros(number) -> None:
    text = plain_number(number)
    assert text is not None
    assert Decimal(text) == number
    assert "e" not in text.lower()
    assert not ("." in text and text.endswith("0"))


@given(st.text(min_size=1, max_size=20), st.sampled_from(["\x00", "\x07", "\n", "\ud800"]))
def test_a_name_with_control_characters_or_surrogates_is_refused(name, bad) -> None:
    fields = {"externalId": "E-1", "email": "a@b.example", "name": f"{name}a{bad}x"}
    with pytest.raises(RowRejectedError):
        employee_record(fields)


@given(st.integers(min_value=0, max_value=10**12), st.text(alphabet=" \t", max_size=3))
def test_an_external_id_is_its_digits_or_its_text_stripped(number, padding) -> None:
    base = {"email": "a@b.example", "name": "A"}
    assert employee_record(base | {"externalId": number}).external_id == str(number)
    padded = f"{padding}X-{number}{padding}"
    assert employee_record(base | {"externalId": padded}).external_id == f"X-{number}"
