"""Daily scores: their inputs, their breakdown, and what a recalculation reads of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID


class ScoreMetricName(StrEnum):
    """The five metrics of the daily score."""

    COMPLETION = "completion"
    TIMELINESS = "timeliness"
    UTILIZATION = "utilization"
    SLA = "sla"
    QUALITY = "quality"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreInputs:
    """Everything the daily score of one employee on one date is computed from.

    The store computes these for a whole organization in a few SQL statements; the
    in-memory adapter computes the same numbers in Python.
    """

    employee_id: UUID
    business_date: date
    relevant_tasks: int = 0
    completed_tasks: int = 0
    completed_on_time: int = 0
    rostered: bool = False
    capacity_minutes: int = 0
    active_seconds: float = 0.0
    sla_tasks: int = 0
    sla_met: int = 0
    approved_tasks: int = 0
    quality_sum: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreMetric:
    """One line of a score's breakdown: why the score is what it is.

    ``value`` is None when the metric is undefined (its denominator is zero); an
    undefined metric has no weight in the score and contributes nothing.
    """

    name: ScoreMetricName
    numerator: Decimal
    denominator: Decimal
    value: Decimal | None
    weight: Decimal
    contribution: Decimal


@dataclass(slots=True, kw_only=True)
class DailyScore:
    """An employee's score for a business date (one per employee and date)."""

    id: UUID
    organization_id: UUID
    employee_id: UUID
    business_date: date
    score: Decimal | None
    metrics: tuple[ScoreMetric, ...]
    reliability: Decimal | None
    calculated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredScore:
    """What a recalculation needs of a stored score, short of the score itself.

    ``fingerprint`` digests what the score shows (score, breakdown, reliability) the way
    its repository does (``DailyScoreRepository.fingerprint``): equal fingerprints, equal
    contents, so nothing else has to be read back to tell an unchanged score.
    """

    employee_id: UUID
    business_date: date
    id: UUID
    calculated_at: datetime
    fingerprint: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreDay:
    """One employee's date as its calculation reads it: the score's inputs, the punctual
    and rostered days of the reliability window, and the score stored for it, if any."""

    inputs: ScoreInputs
    punctual_days: int
    rostered_days: int
    stored: StoredScore | None
