"""Business dates, local day bounds and shift windows in IANA timezones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.shifts import (
    ShiftWindow,
    business_date,
    capacity_minutes,
    is_late,
    local_day_bounds,
    local_instant,
    shift_window,
)
from tests.domain.strategies import (
    instants,
    local_dates,
    one_hour_dst_timezones,
    spans,
    timezones,
    wall_times,
)

US = timedelta(microseconds=1)
HOUR = timedelta(hours=1)


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _wall_exists(day: date, at: time, timezone: str) -> bool:
    """Whether the local clock reads ``at`` on ``day`` at some instant (not in a DST gap)."""
    local = local_instant(day, at, timezone).astimezone(ZoneInfo(timezone))
    return (local.date(), local.time()) == (day, at)


def _nominal_minutes(start: time, end: time) -> int:
    """Minutes the wall clock advances from start to end, crossing midnight when end <= start."""
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return minutes if minutes > 0 else minutes + 24 * 60


# --- business dates and local days -------------------------------------------------------


@given(instants, timezones)
def test_an_instant_lies_within_the_bounds_of_its_business_date(instant, timezone):
    start, end = local_day_bounds(business_date(instant, timezone), timezone)
    assert start <= instant < end


@given(local_dates, timezones)
def test_the_bounds_of_a_day_are_exactly_the_instants_of_that_date(day, timezone):
    start, end = local_day_bounds(day, timezone)
    assert start <= end
    assume(start < end)  # only a day a timezone skipped outright is empty
    assert business_date(start, timezone) == day
    assert business_date(end - US, timezone) == day
    assert business_date(start - US, timezone) < day
    assert business_date(end, timezone) > day


@given(local_dates, timezones)
def test_consecutive_days_tile_time(day, timezone):
    assert (
        local_day_bounds(day, timezone)[1] == local_day_bounds(day + timedelta(days=1), timezone)[0]
    )


@given(local_dates, one_hour_dst_timezones)
def test_a_day_lasts_24_hours_less_the_daylight_saving_shift(day, timezone):
    """A spring-forward day is 23 hours long, a fall-back day 25, every other day 24."""
    start, end = local_day_bounds(day, timezone)
    tz = ZoneInfo(timezone)
    shift = (end - US).astimezone(tz).utcoffset() - (start - US).astimezone(tz).utcoffset()
    assert end - start == timedelta(hours=24) - shift
    assert end - start in {23 * HOUR, 24 * HOUR, 25 * HOUR}


def test_new_york_daylight_saving_days():
    """Spring forward, Sunday 8 March 2026: midnight EST (05:00Z) to midnight EDT (04:00Z next
    day) = 23 h. Fall back, Sunday 1 November 2026: midnight EDT (04:00Z) to midnight EST
    (05:00Z next day) = 25 h."""
    assert local_day_bounds(date(2026, 3, 8), "America/New_York") == (
        _utc(2026, 3, 8, 5),
        _utc(2026, 3, 9, 4),
    )
    assert local_day_bounds(date(2026, 11, 1), "America/New_York") == (
        _utc(2026, 11, 1, 4),
        _utc(2026, 11, 2, 5),
    )


def test_a_day_whose_midnight_does_not_exist_starts_when_the_clock_jumps():
    """Santiago springs forward at midnight on Sunday 6 September 2026: 00:00 -04 (04:00Z)
    becomes 01:00 -03. The day starts at that instant and ends at next midnight -03
    (03:00Z on the 7th): 23 h."""
    start, end = local_day_bounds(date(2026, 9, 6), "America/Santiago")
    assert (start, end) == (_utc(2026, 9, 6, 4), _utc(2026, 9, 7, 3))
    assert business_date(start - US, "America/Santiago") == date(2026, 9, 5)


def test_a_gap_straddling_midnight_starts_the_day_at_the_jump():
    """Toronto, 31 March 1919: at 23:30 EST (-5, 04:30Z) the clocks jumped to 00:30 EDT (-4).
    Midnight never happened; the 31st starts at 04:30Z (not 04:00Z or 05:00Z, which are
    midnight read with either offset) and ends at midnight EDT (04:00Z on 1 April): 23.5 h."""
    start, end = local_day_bounds(date(1919, 3, 31), "America/Toronto")
    assert (start, end) == (_utc(1919, 3, 31, 4, 30), _utc(1919, 4, 1, 4))
    assert business_date(start - US, "America/Toronto") == date(1919, 3, 30)


def test_business_date_in_kolkata():
    """19:00Z is 00:30 IST (+05:30) on the next date; 18:29Z is still 23:59 the same date."""
    assert business_date(_utc(2026, 3, 1, 19, 0), "Asia/Kolkata") == date(2026, 3, 2)
    assert business_date(_utc(2026, 3, 1, 18, 29), "Asia/Kolkata") == date(2026, 3, 1)


# --- shift windows ---------------------------------------------------------------------------


@given(local_dates, wall_times, wall_times, timezones)
def test_a_shift_window_never_runs_backwards(day, start_time, end_time, timezone):
    window = shift_window(day, start_time, end_time, timezone)
    assert window.start <= window.end
    assert window.minutes >= 0


@given(local_dates, wall_times, wall_times, timezones)
def test_a_shift_starts_at_its_wall_time_on_its_date(day, start_time, end_time, timezone):
    assume(_wall_exists(day, start_time, timezone))
    start = shift_window(day, start_time, end_time, timezone).start.astimezone(ZoneInfo(timezone))
    assert (start.date(), start.time()) == (day, start_time)


@given(local_dates, wall_times, wall_times, one_hour_dst_timezones)
def test_a_shift_ends_the_next_day_exactly_when_it_crosses_midnight(
    day, start_time, end_time, timezone
):
    window = shift_window(day, start_time, end_time, timezone)
    end_date = window.end.astimezone(ZoneInfo(timezone)).date()
    crosses = end_time <= start_time
    assume(_wall_exists(end_date, end_time, timezone))
    assert end_date == (day + timedelta(days=1) if crosses else day)


@given(local_dates, wall_times, wall_times)
def test_in_utc_a_shift_lasts_its_nominal_minutes(day, start_time, end_time):
    assert shift_window(day, start_time, end_time, "UTC").minutes == _nominal_minutes(
        start_time, end_time
    )


@given(local_dates, wall_times, wall_times, one_hour_dst_timezones)
def test_daylight_saving_changes_a_shift_by_at_most_an_hour(day, start_time, end_time, timezone):
    nominal = _nominal_minutes(start_time, end_time)
    minutes = shift_window(day, start_time, end_time, timezone).minutes
    assert nominal - 60 <= minutes <= nominal + 60
    if nominal > 60:
        assert minutes > 0


@given(instants, spans, spans, spans)
def test_contains_is_the_window_widened_by_lead_and_grace(start, width, lead, grace):
    window = ShiftWindow(start=start, end=start + width)
    assert window.contains(start)
    assert window.contains(start + width)
    assert not window.contains(start - US)
    assert not window.contains(start + width + US)
    assert window.contains(start - lead, lead=lead)
    assert window.contains(start + width + grace, grace=grace)
    assert not window.contains(start - lead - US, lead=lead, grace=grace)
    assert not window.contains(start + width + grace + US, lead=lead, grace=grace)


@given(instants, spans, st.integers(0, 24 * 60))
def test_capacity_is_the_shift_less_its_break_never_negative(start, width, break_minutes):
    window = ShiftWindow(start=start, end=start + width)
    capacity = capacity_minutes(window, break_minutes)
    assert capacity == max(0, window.minutes - break_minutes)
    assert 0 <= capacity <= window.minutes


@given(instants, st.integers(0, 60), spans)
def test_late_means_after_start_plus_grace(start, grace, offset):
    window = ShiftWindow(start=start, end=start + timedelta(hours=8))
    deadline = start + timedelta(minutes=grace)
    assert not is_late(deadline, window, grace)
    assert not is_late(deadline - offset, window, grace)
    assert is_late(deadline + US, window, grace)
    assert is_late(deadline + US + offset, window, grace)


def test_an_overnight_shift_in_kolkata():
    """22:00-06:00 on 2 March 2026 in Asia/Kolkata (+05:30, no DST): 22:00 IST is 16:30Z on
    the 2nd, 06:00 IST on the 3rd is 00:30Z on the 3rd; 8 h = 480 min, less a 30-min break
    = 450. It belongs to the 2nd, although 05:00 IST on the 3rd (23:30Z on the 2nd) has
    business date the 3rd."""
    window = shift_window(date(2026, 3, 2), time(22), time(6), "Asia/Kolkata")
    assert window == ShiftWindow(start=_utc(2026, 3, 2, 16, 30), end=_utc(2026, 3, 3, 0, 30))
    assert window.minutes == 480
    assert capacity_minutes(window, 30) == 450
    assert window.contains(_utc(2026, 3, 2, 23, 30))
    assert business_date(_utc(2026, 3, 2, 23, 30), "Asia/Kolkata") == date(2026, 3, 3)
    # 15 minutes lead: 21:45 IST (16:15Z) may start a timer, 21:44 may not.
    lead = timedelta(minutes=15)
    assert window.contains(_utc(2026, 3, 2, 16, 15), lead=lead)
    assert not window.contains(_utc(2026, 3, 2, 16, 14), lead=lead)
    # Clock-in at 22:10 IST (16:40Z) is on time with 10 min grace; 22:11 is late.
    assert not is_late(_utc(2026, 3, 2, 16, 40), window, 10)
    assert is_late(_utc(2026, 3, 2, 16, 41), window, 10)


def test_an_overnight_shift_across_the_new_york_spring_forward():
    """20:00 Sat 7 March 2026 to 08:00 Sun 8 March: 20:00 EST (-5) = 01:00Z; at 02:00 the
    clocks jump to 03:00 EDT; 08:00 EDT (-4) = 12:00Z. 12 wall hours, 11 real: 660 min."""
    window = shift_window(date(2026, 3, 7), time(20), time(8), "America/New_York")
    assert window == ShiftWindow(start=_utc(2026, 3, 8, 1), end=_utc(2026, 3, 8, 12))
    assert window.minutes == 660


def test_an_overnight_shift_across_the_new_york_fall_back():
    """22:00 Sat 31 October 2026 to 06:00 Sun 1 November: 22:00 EDT (-4) = 02:00Z; at 02:00
    the clocks go back to 01:00 EST; 06:00 EST (-5) = 11:00Z. 8 wall hours, 9 real: 540."""
    window = shift_window(date(2026, 10, 31), time(22), time(6), "America/New_York")
    assert window == ShiftWindow(start=_utc(2026, 11, 1, 2), end=_utc(2026, 11, 1, 11))
    assert window.minutes == 540


def test_wall_times_in_a_gap_or_a_fold_resolve_with_fold_zero():
    """02:30 does not exist on 8 March 2026 in New York: read with the offset before the gap
    (EST, -5) it is 07:30Z, i.e. 03:30 EDT. 01:30 happens twice on 1 November: the first
    time (EDT, -4) is 05:30Z. A shift 02:30-03:00 that day lies in the gap: it is empty."""
    assert local_instant(date(2026, 3, 8), time(2, 30), "America/New_York") == _utc(
        2026, 3, 8, 7, 30
    )
    assert local_instant(date(2026, 11, 1), time(1, 30), "America/New_York") == _utc(
        2026, 11, 1, 5, 30
    )
    assert shift_window(date(2026, 3, 8), time(2, 30), time(3), "America/New_York").minutes == 0


def test_an_unknown_timezone_is_a_validation_error():
    with pytest.raises(DomainError) as caught:
        business_date(_utc(2026, 3, 2), "Mars/Olympus_Mons")
    assert caught.value.code is ErrorCode.VALIDATION_ERROR


def test_a_naive_instant_is_a_validation_error():
    with pytest.raises(DomainError) as caught:
        business_date(datetime(2026, 3, 2, 9), "Asia/Kolkata")  # noqa: DTZ001 -- the bad input
    assert caught.value.code is ErrorCode.VALIDATION_ERROR
