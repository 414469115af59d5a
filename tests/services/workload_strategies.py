"""Hypothesis strategies for pending summaries: the instant a summary is taken at and the
organization's workload thresholds."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import strategies as st

from jts_domain.model import WorkloadThresholds
from jts_domain.shifts import local_day_bounds
from jts_domain.workload import DueWindows
from tests.store.strategies import SmallOrganization

_bound = st.integers(0, 6)

#: Non-decreasing (LOW, MODERATE, HIGH) bounds, small enough that a few tasks cross them.
bounds = st.lists(_bound, min_size=3, max_size=3).map(lambda b: tuple(sorted(b)))

thresholds = st.builds(WorkloadThresholds, pending=bounds, urgent=bounds, overdue=bounds)


def summary_instants(generated: SmallOrganization) -> st.SearchStrategy[datetime]:
    """Whole-second instants around the generated organization's day (its tasks' due
    times fall in the same span), so "overdue" and "due today" go both ways."""
    start = local_day_bounds(generated.day, generated.timezone)[0]
    return st.integers(-30 * 3600, 54 * 3600).map(lambda s: start + timedelta(seconds=s))


def edges(windows: DueWindows) -> st.SearchStrategy[datetime]:
    """Instants at a window's edge (now, the starts and ends of today, this week and this
    month), a second either side or on it: where a comparison off by one would show."""
    points = [windows.now, *windows.today, *windows.week, *windows.month]
    return st.builds(
        lambda point, step: point + timedelta(seconds=step),
        st.sampled_from(points),
        st.sampled_from([-1, 0, 1]),
    )
