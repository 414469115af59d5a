"""The daily score: five metrics, weighted over the defined ones only, with its breakdown.

Arithmetic is :mod:`decimal` at 60 significant digits — exact for every sum and product of
the inputs, and far closer than any rounding boundary for the few divisions (a ratio of
small integers can only sit *on* a boundary exactly, never within 10⁻⁴⁰ of one) — and
rounded once per shown number, half up: numerators, denominators, values and
contributions to 4 decimals, the score to 2. Each contribution is computed from the value
*as shown*, so a person can redo the sum from the breakdown:
``score = round(100 × Σ weight·value ÷ Σ weight, 2)`` over the defined metrics.
The shown contributions add up to the score within their rounding (±0.0003).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

from jts_domain.errors import invalid
from jts_domain.model.measures import ScoreInputs, ScoreMetric, ScoreMetricName
from jts_domain.model.organization import ScoreWeights

VALUE_PLACES = 4
"""Decimal places of numerators, denominators, values and contributions."""
SCORE_PLACES = 2
"""Decimal places of the score and of reliability."""

_EXACT = Context(prec=60, rounding=ROUND_HALF_UP)
_ONE = Decimal(1)
_ZERO = Decimal(0)
_QUANTUM = {places: _ONE.scaleb(-places) for places in (VALUE_PLACES, SCORE_PLACES)}
_SECONDS_PER_MINUTE = Decimal(60)


@dataclass(frozen=True)
class ScoreResult:
    """A score (None when no metric is defined) and its five-line breakdown."""

    score: Decimal | None
    metrics: tuple[ScoreMetric, ...]


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round half up (away from zero) to ``places`` decimals.

    >>> round_half_up(Decimal(2) / Decimal(3), 4), round_half_up(Decimal("-0.125"), 2)
    (Decimal('0.6667'), Decimal('-0.13'))
    """
    quantum = _QUANTUM.get(places) or _ONE.scaleb(-places)
    return value.quantize(quantum, rounding=ROUND_HALF_UP, context=_EXACT)


@dataclass(frozen=True, slots=True)
class _Ratio:
    numerator: Decimal
    denominator: Decimal
    defined: bool
    cap_at_one: bool = False

    def value(self) -> Decimal | None:
        if not self.defined:
            return None
        ratio = _EXACT.divide(self.numerator, self.denominator)
        return round_half_up(min(ratio, _ONE) if self.cap_at_one else ratio, VALUE_PLACES)


def _check_inputs(inputs: ScoreInputs) -> None:
    """Reject inputs that cannot come from real tasks (a part larger than its whole)."""
    ranges = {  # name: (value, least, most)
        "completed_tasks": (inputs.completed_tasks, 0, inputs.relevant_tasks),
        "completed_on_time": (inputs.completed_on_time, 0, inputs.completed_tasks),
        "sla_met": (inputs.sla_met, 0, inputs.sla_tasks),
        # every approved task has a rating from 1 to 5
        "quality_sum": (inputs.quality_sum, inputs.approved_tasks, 5 * inputs.approved_tasks),
    }
    for name, (value, least, most) in ranges.items():
        if not 0 <= least <= value <= most:
            raise invalid(
                f"score input {name} is out of range", **{name: value, "min": least, "max": most}
            )
    if inputs.capacity_minutes < 0:
        raise invalid("capacity cannot be negative", capacity_minutes=inputs.capacity_minutes)
    if not (math.isfinite(inputs.active_seconds) and inputs.active_seconds >= 0):
        raise invalid("active time must be a non-negative number", active=inputs.active_seconds)


def _ratios(inputs: ScoreInputs) -> dict[ScoreMetricName, _Ratio]:
    def count(numerator: int, denominator: int) -> _Ratio:
        return _Ratio(Decimal(numerator), Decimal(denominator), denominator > 0)

    active_minutes = _EXACT.divide(Decimal(inputs.active_seconds), _SECONDS_PER_MINUTE)
    return {
        ScoreMetricName.COMPLETION: count(inputs.completed_tasks, inputs.relevant_tasks),
        ScoreMetricName.TIMELINESS: count(inputs.completed_on_time, inputs.completed_tasks),
        ScoreMetricName.UTILIZATION: _Ratio(
            active_minutes,
            Decimal(inputs.capacity_minutes),
            inputs.rostered and inputs.capacity_minutes > 0,
            cap_at_one=True,
        ),
        ScoreMetricName.SLA: count(inputs.sla_met, inputs.sla_tasks),
        ScoreMetricName.QUALITY: count(inputs.quality_sum, 5 * inputs.approved_tasks),
    }


_WEIGHT_OF: dict[ScoreMetricName, Callable[[ScoreWeights], Decimal]] = {
    ScoreMetricName.COMPLETION: lambda w: w.completion,
    ScoreMetricName.TIMELINESS: lambda w: w.timeliness,
    ScoreMetricName.UTILIZATION: lambda w: w.utilization,
    ScoreMetricName.SLA: lambda w: w.sla,
    ScoreMetricName.QUALITY: lambda w: w.quality,
}


def metric_weight(weights: ScoreWeights, name: ScoreMetricName) -> Decimal:
    """The weight of one metric; ``DomainError(VALIDATION_ERROR)`` if negative or not finite."""
    weight = _WEIGHT_OF[name](weights)
    if not (weight.is_finite() and weight >= 0):
        raise invalid(f"the weight of {name} must be a non-negative number", weight=str(weight))
    return weight


def score_day(inputs: ScoreInputs, weights: ScoreWeights) -> ScoreResult:
    """Score one employee's day from its inputs (see PRODUCT.md, "Daily score").

    Metrics: completion = completed ÷ relevant; timeliness = on time ÷ completed;
    utilization = min(1, active minutes ÷ capacity minutes), when rostered with capacity;
    sla = met ÷ SLA tasks; quality = Σ rating ÷ (5 × approved), i.e. mean rating ÷ 5.
    A metric whose denominator is zero is undefined: value None, contribution 0, and its
    weight is left out of Σ weight. The score is None when no defined metric has weight.
    Raises ``DomainError(VALIDATION_ERROR)`` for impossible inputs or negative weights.

    >>> from datetime import date
    >>> from uuid import UUID
    >>> inputs = ScoreInputs(employee_id=UUID(int=1), business_date=date(2026, 3, 2),
    ...                      relevant_tasks=2, completed_tasks=2, completed_on_time=1)
    >>> result = score_day(inputs, ScoreWeights())
    >>> result.score, [str(m.contribution) for m in result.metrics]
    (Decimal('80.00'), ['60.0000', '20.0000', '0.0000', '0.0000', '0.0000'])
    """
    _check_inputs(inputs)
    ratios = _ratios(inputs)
    values = {name: ratio.value() for name, ratio in ratios.items()}
    weight = {name: metric_weight(weights, name) for name in ScoreMetricName}
    exact: dict[ScoreMetricName, Decimal] = {}
    score: Decimal | None = None
    with localcontext(_EXACT):
        defined = {n: v for n, v in values.items() if v is not None}
        total_weight = sum((weight[n] for n in defined), _ZERO)
        if total_weight > 0:
            for name, value in defined.items():
                exact[name] = 100 * weight[name] * value / total_weight
            # One division of an exact sum: a score that lands on a half cent rounds up,
            # where summing the divided contributions could fall a hair below it.
            total = 100 * sum((weight[n] * v for n, v in defined.items()), _ZERO) / total_weight
            score = round_half_up(total, SCORE_PLACES)
    metrics = tuple(
        ScoreMetric(
            name=name,
            numerator=round_half_up(ratios[name].numerator, VALUE_PLACES),
            denominator=round_half_up(ratios[name].denominator, VALUE_PLACES),
            value=values[name],
            weight=weight[name],
            contribution=round_half_up(exact.get(name, _ZERO), VALUE_PLACES),
        )
        for name in ScoreMetricName
    )
    return ScoreResult(score=score, metrics=metrics)


def reliability(punctual_days: int, rostered_days: int) -> Decimal | None:
    """Punctual days as a percentage of rostered days (2 decimals); None with no rostered day.

    >>> reliability(2, 3), reliability(0, 0)
    (Decimal('66.67'), None)
    """
    if not 0 <= punctual_days <= rostered_days:
        raise invalid(
            "punctual days must be between 0 and the rostered days",
            punctual_days=punctual_days,
            rostered_days=rostered_days,
        )
    if rostered_days == 0:
        return None
    return round_half_up(_EXACT.divide(Decimal(100 * punctual_days), rostered_days), SCORE_PLACES)
