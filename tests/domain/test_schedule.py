"""The job schedule calculator: slots in any IANA timezone, across daylight-saving changes."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from jts_domain.errors import DomainError
from jts_domain.schedule import (
    JOBS,
    SYSTEM_JOBS,
    Daily,
    Every,
    JobName,
    Monthly,
    due_slots,
    latest_slot,
    next_slot,
)
from tests.domain.strategies import timezones

# Hypothesis takes naive bounds and attaches the timezone itself.
instants = st.datetimes(
    min_value=datetime(1990, 1, 1),  # noqa: DTZ001
    max_value=datetime(2037, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
wall_times = st.times().map(lambda t: t.replace(microsecond=0))
schedules = st.one_of(
    st.builds(Daily, wall_times),
    st.builds(Monthly, st.integers(1, 28), wall_times),
    st.builds(Every, st.sampled_from([5, 15, 30, 60, 120, 720])),
)


def _wall(instant: datetime, timezone: str) -> datetime:
    return instant.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


def _span(schedule: object) -> timedelta:
    if isinstance(schedule, Monthly):
        return timedelta(days=70)
    if isinstance(schedule, Every):
        return timedelta(days=2)
    return timedelta(days=10)


@given(schedules, timezones, instants)
def test_slots_are_strictly_increasing_inside_the_window(schedule, timezone, after) -> None:
    until = after + _span(schedule)
    slots = due_slots(schedule, timezone, after, until)
    assert all(a < b for a, b in itertools.pairwise(slots))
    assert all(after < s <= until for s in slots)
    assert all(s.tzinfo is UTC for s in slots)


@given(schedules, timezones, instants)
# Midnight skipped (Buenos Aires, 30 December 2007): the second before reads the day before.
@example(Daily(time(0, 0)), "America/Argentina/Buenos_Aires", datetime(2007, 12, 20, 3, tzinfo=UTC))
def test_each_slot_reads_the_scheduled_wall_time_unless_it_was_skipped(
    schedule, timezone, after
) -> None:
    for slot in due_slots(schedule, timezone, after, after + _span(schedule)):
        wall = _wall(slot, timezone)
        if isinstance(schedule, Every):
            minutes = wall.hour * 60 + wall.minute
            assert (minutes % schedule.minutes, wall.second) == (0, 0)
            continue
        if isinstance(schedule, Monthly):
            assert wall.day == schedule.day
        if wall.time() != schedule.at:
            # Skipped by a gap: the first instant after it, one second earlier reads earlier
            # (on the same date or, for a skipped midnight, the day before).
            scheduled = datetime.combine(wall.date(), schedule.at)
            assert wall > scheduled
            assert _wall(slot - timedelta(seconds=1), timezone) < scheduled


@given(wall_times, timezones, instants)
def test_a_daily_schedule_runs_exactly_once_on_every_local_date(at, timezone, after) -> None:
    until = after + timedelta(days=10)
    slots = due_slots(Daily(at), timezone, after, until)
    dates = [_wall(s, timezone).date() for s in slots]
    assert len(dates) == len(set(dates))
    # Every local date lived entirely inside the window has its slot.
    tz = ZoneInfo(timezone)
    seen: set[date] = set()
    probe = after
    while probe <= until:
        seen.add(probe.astimezone(tz).date())
        probe += timedelta(minutes=15)
    inner = sorted(seen)[1:-1]
    assert set(inner) <= set(dates)


@given(schedules, timezones, instants)
def test_next_slot_is_the_first_due_slot(schedule, timezone, after) -> None:
    far = after + _span(schedule)
    slots = due_slots(schedule, timezone, after, far)
    if slots:
        assert next_slot(schedule, timezone, after) == slots[0]


@given(schedules, timezones, instants, st.integers(0, 5_000_000))
def test_latest_slot_is_the_last_due_slot(schedule, timezone, until, back_minutes) -> None:
    after = until - timedelta(minutes=back_minutes)
    found = latest_slot(schedule, timezone, after, until)
    expected = due_slots(schedule, timezone, max(after, until - timedelta(days=40)), until)
    assert found == (expected[-1] if expected else None)


@pytest.mark.parametrize(
    ("timezone", "dst_days"),
    [
        ("Asia/Kolkata", [date(2026, 3, 8), date(2026, 11, 1)]),
        ("America/New_York", [date(2026, 3, 8), date(2026, 11, 1)]),
    ],
)
def test_the_attendance_job_runs_at_its_own_local_0030_across_dst(timezone, dst_days) -> None:
    schedule = JOBS[JobName.CREATE_DAILY_ATTENDANCE].schedule
    for day in dst_days:
        start = datetime.combine(day - timedelta(days=3), time(0), tzinfo=UTC)
        slots = due_slots(schedule, timezone, start, start + timedelta(days=7))
        assert len(slots) == 7
        assert {_wall(s, timezone).time() for s in slots} == {time(0, 30)}


def test_new_york_0030_moves_in_utc_with_daylight_saving() -> None:
    start = datetime(2026, 3, 6, tzinfo=UTC)
    slots = due_slots(Daily(time(0, 30)), "America/New_York", start, start + timedelta(days=4))
    # 00:30 on 8 March is still EST (the change is at 02:00); EDT from 9 March
    assert [s.hour for s in slots] == [5, 5, 5, 4]


def test_a_time_skipped_by_spring_forward_runs_once_right_after_the_gap() -> None:
    start = datetime(2026, 3, 7, tzinfo=UTC)
    slots = due_slots(Daily(time(2, 30)), "America/New_York", start, start + timedelta(days=3))
    assert [s.isoformat() for s in slots] == [
        "2026-03-07T07:30:00+00:00",
        "2026-03-08T07:00:00+00:00",  # 03:00 EDT, the first instant after 02:00–03:00
        "2026-03-09T06:30:00+00:00",
    ]


def test_a_repeated_time_runs_once_at_its_first_occurrence() -> None:
    start = datetime(2026, 10, 31, tzinfo=UTC)
    slots = due_slots(Daily(time(1, 30)), "America/New_York", start, start + timedelta(days=2))
    assert [s.isoformat() for s in slots] == [
        "2026-10-31T05:30:00+00:00",
        "2026-11-01T05:30:00+00:00",  # 01:30 EDT; 01:30 EST (06:30 UTC) does not run again
    ]


def test_a_date_swallowed_by_a_gap_gets_no_slot() -> None:
    # Samoa moved across the dateline: 29 December 2011 was followed by 31 December.
    start = datetime(2011, 12, 28, tzinfo=UTC)
    slots = due_slots(Daily(time(0, 30)), "Pacific/Apia", start, start + timedelta(days=4))
    dates = [_wall(s, "Pacific/Apia").date() for s in slots]
    assert date(2011, 12, 30) not in dates
    assert len(dates) == len(set(dates))


def test_hourly_runs_on_the_local_hour_in_a_half_hour_zone() -> None:
    start = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    slots = due_slots(Every(60), "Asia/Kolkata", start, start + timedelta(hours=3))
    assert [s.strftime("%H:%M") for s in slots] == ["00:30", "01:30", "02:30"]


def test_the_job_table_is_product_md() -> None:
    assert set(JOBS) == set(JobName)
    described = {name.value: job.schedule.describe() for name, job in JOBS.items()}
    assert described == {
        "create_daily_attendance": "daily at 00:30",
        "generate_daily_planners": "daily at 05:00",
        "sla_monitor": "every hour",
        "auto_stop_timers": "every 5 minutes",
        "refresh_pending_summaries": "every 5 minutes",
        "calculate_daily_scores": "daily at 23:00",
        "cleanup_job_history": "monthly on day 1 at 02:00",
        "detect_idle": "every 2 minutes",
        "check_overtime": "every 30 minutes",
        "summarize_activity": "daily at 00:10",
        "maintain_activity_partitions": "daily at 01:00",
        "jtd_agent": "every 5 minutes",
        "sync_roster": "daily at 06:30",
        "apply_retention": "monthly on day 1 at 03:00",
    }


def test_bad_schedules_and_naive_instants_are_refused() -> None:
    with pytest.raises(DomainError):
        Every(7)
    with pytest.raises(DomainError):
        Monthly(31, time(2, 0))
    with pytest.raises(DomainError):
        due_slots(Every(5), "UTC", datetime(2026, 1, 1), datetime(2026, 1, 2, tzinfo=UTC))  # noqa: DTZ001 -- the naive instant under test


@given(schedules, timezones, instants, st.integers(1, 2 * 24 * 60))
def test_a_short_window_holds_the_slots_a_long_one_has_there(
    schedule, timezone, after, minutes
) -> None:
    """Short windows read only the wall times they span; they miss nothing a window
    read with a day's margin either side finds."""
    until = after + timedelta(minutes=minutes)
    wide = due_slots(schedule, timezone, after - timedelta(days=3), until + timedelta(days=3))
    assert due_slots(schedule, timezone, after, until) == [s for s in wide if after < s <= until]


@pytest.mark.parametrize(
    ("timezone", "after"),
    [
        ("America/New_York", datetime(2026, 11, 1, 5, 58, tzinfo=UTC)),  # fall back at 06:00
        ("America/New_York", datetime(2026, 3, 8, 6, 58, tzinfo=UTC)),  # spring forward
        ("Australia/Lord_Howe", datetime(2026, 4, 4, 14, 55, tzinfo=UTC)),  # 30-minute change
        ("Pacific/Apia", datetime(2011, 12, 30, 9, 0, tzinfo=UTC)),  # a whole day skipped
    ],
)
def test_short_windows_across_a_change_of_offset(timezone, after) -> None:
    for schedule in (Every(5), Every(60), Daily(time(1, 30)), Daily(time(0, 0))):
        until = after + timedelta(hours=3)
        wide = due_slots(schedule, timezone, after - timedelta(days=3), until + timedelta(days=3))
        assert due_slots(schedule, timezone, after, until) == [
            s for s in wide if after < s <= until
        ]


def test_the_backup_is_the_operators_one_job_not_an_organizations() -> None:
    assert "nightly_backup" not in {job.value for job in JobName}
    assert {name.value: job.schedule.describe() for name, job in SYSTEM_JOBS.items()} == {
        "nightly_backup": "daily at 23:30"
    }
