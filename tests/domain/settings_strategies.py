"""Hypothesis strategies for organization settings and edits of them (valid ones)."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from jts_domain.administration.changes import KEEP
from jts_domain.administration.settings import (
    MINUTE_RANGES,
    SettingsEdit,
    ThresholdsEdit,
    WeightsEdit,
)
from jts_domain.model import OrganizationSettings, ScoreWeights, WorkloadThresholds
from tests.domain.strategies import ONE_HOUR_DST_TIMEZONES

WEIGHT_NAMES = ("completion", "timeliness", "utilization", "sla", "quality")
DIMENSIONS = ("pending", "urgent", "overdue")

#: Weights as an admin types them: up to two decimals, 0 to 100.
weights = st.integers(0, 10_000).map(lambda cents: Decimal(cents) / 100)
bounds = st.lists(st.integers(0, 100), min_size=3, max_size=3).map(lambda b: tuple(sorted(b)))
local_times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
radii = st.integers(1, 100_000).map(float)


def _scalars() -> dict[str, st.SearchStrategy[Any]]:
    values: dict[str, st.SearchStrategy[Any]] = {
        name: st.integers(low, high) for name, (low, high) in MINUTE_RANGES.items()
    }
    values.update(
        timezone=st.sampled_from(ONE_HOUR_DST_TIMEZONES),
        geofence_radius_meters=radii,
        idle_auto_pause=st.booleans(),
        quiet_hours_start=local_times,
        quiet_hours_end=local_times,
    )
    return values


SCALARS = _scalars()


@st.composite
def score_weights(draw: st.DrawFn) -> ScoreWeights:
    """Weights with a positive sum."""
    values = {name: draw(weights) for name in WEIGHT_NAMES}
    if sum(values.values()) == 0:
        values[draw(st.sampled_from(WEIGHT_NAMES))] = Decimal(1)
    return ScoreWeights(**values)


@st.composite
def organization_settings(draw: st.DrawFn) -> OrganizationSettings:
    """Any valid settings."""
    return OrganizationSettings(
        score_weights=draw(score_weights()),
        workload=WorkloadThresholds(**{d: draw(bounds) for d in DIMENSIONS}),
        **{name: draw(strategy) for name, strategy in SCALARS.items()},
    )


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.just(KEEP) | strategy


@st.composite
def settings_edits(draw: st.DrawFn) -> SettingsEdit:
    """Edits naming some settings with valid values (weights may then sum to 0: the
    edit is checked as a whole)."""
    return SettingsEdit(
        score_weights=WeightsEdit(**{n: draw(_maybe(weights)) for n in WEIGHT_NAMES}),
        workload=ThresholdsEdit(**{d: draw(_maybe(bounds)) for d in DIMENSIONS}),
        **{name: draw(_maybe(strategy)) for name, strategy in SCALARS.items()},
    )
