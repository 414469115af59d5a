"""The daily score: five metrics, weighted over the defined ones only, with its breakdown.

Arithmetic is :mod:`decimal` at 60 significant digits — exact for every sum and product of
the inputs, and far closer than any rounding boundary for the few divisions (a ratio of
small integers can only sit *on* a boundary exactly, never within 10⁻⁴⁰ of one) — and
rounded once per shown number, half up: numerators, denominators, values and
contributions to 4 decimals, the score to 2. Each contribution is computed from the value
*as shown*, so a person can redo the sum from the breakdown:
``score = round(100 × Σ weight·value ÷ Σ weight, 2)`` over the defined metrics.
The shown contributions add up to the score within their rounding (±0.0003).

A :class:`DayScorer` scores a whole organization's day: it checks the weights once and
works out what recurs between employees (a count such as 2 of 3, a set of defined
metrics' total weight) once; :func:`score_day` is one employee's day on a fresh scorer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal

from jts_domain.errors import invalid
from jts_domain.model.organization import ScoreWeights
from jts_domain.model.scores import ScoreInputs, ScoreMetric, ScoreMetricName

VALUE_PLACES = 4
"""Decimal places of numerators, denominators, values and contributions."""
SCORE_PLACES = 2
"""Decimal places of the score and of reliability."""

_EXACT = Context(prec=60, rounding=ROUND_HALF_UP)
_ONE = Decimal(1)
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_QUANTUM = {places: _ONE.scaleb(-places) for places in (VALUE_PLACES, SCORE_PLACES)}
_SECONDS_PER_MINUTE = Decimal(60)


@dataclass(frozen=True, slots=True)
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


def _check_inputs(inputs: ScoreInputs) -> None:
    """Reject inputs that cannot come from real tasks (a part larger than its whole)."""
    i = inputs
    if (
        0 <= i.completed_on_time <= i.completed_tasks <= i.relevant_tasks
        and 0 <= i.sla_met <= i.sla_tasks
        and 0 <= i.approved_tasks <= i.quality_sum <= 5 * i.approved_tasks
        and i.capacity_minutes >= 0
        and 0 <= i.active_seconds < math.inf
    ):
        return
    _explain_bad_inputs(inputs)


def _explain_bad_inputs(inputs: ScoreInputs) -> None:
    """Raise the VALIDATION_ERROR naming the first input out of its range."""
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
    raise invalid("active time must be a non-negative number", active=inputs.active_seconds)


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


_NAMES = tuple(ScoreMetricName)
_COMPLETION, _TIMELINESS, _UTILIZATION, _SLA, _QUALITY = range(len(_NAMES))
_NO_CONTRIBUTION = round_half_up(_ZERO, VALUE_PLACES)


def _shown(value: Decimal) -> Decimal:
    return value.quantize(_QUANTUM[VALUE_PLACES], rounding=ROUND_HALF_UP, context=_EXACT)


def _line(
    index: int,
    weight: Decimal,
    numerator: Decimal,
    denominator: Decimal,
    *,
    ratio: Decimal | None,
    total_weight: Decimal,
) -> tuple[ScoreMetric, Decimal]:
    """A breakdown line as shown when the defined metrics' weights add up to
    ``total_weight``, and its exact ``weight × value`` (0 when undefined).
    ``denominator`` comes as shown already (a whole count, see ``DayScorer._shown_count``)."""
    value = None if ratio is None else _shown(ratio)
    weighted = _ZERO if value is None else _EXACT.multiply(weight, value)
    contribution = _NO_CONTRIBUTION
    if value is not None and total_weight > 0:
        contribution = _shown(_EXACT.divide(_EXACT.multiply(_HUNDRED, weighted), total_weight))
    metric = ScoreMetric(
        name=_NAMES[index],
        numerator=_shown(numerator),
        denominator=denominator,
        value=value,
        weight=weight,
        contribution=contribution,
    )
    return metric, weighted


_Count = tuple[int, int, int, int]  # metric, numerator, denominator, defined metrics


class DayScorer:
    """Scores employees' days with one set of weights (see PRODUCT.md, "Daily score").

    Metrics: completion = completed ÷ relevant; timeliness = on time ÷ completed;
    utilization = min(1, active minutes ÷ capacity minutes), when rostered with capacity;
    sla = met ÷ SLA tasks; quality = Σ rating ÷ (5 × approved), i.e. mean rating ÷ 5.
    A metric whose denominator is zero is undefined: value None, contribution 0, and its
    weight is left out of Σ weight. The score is None when no defined metric has weight.

    The weights are checked when the scorer is made (``DomainError(VALIDATION_ERROR)``
    for a negative one). The count metrics' breakdown lines and the total weight of each
    set of defined metrics (and whole counts as shown) are kept once worked out: they recur
    from employee to employee, and every line is immutable. A scorer belongs to one
    calculation; what it keeps is bounded by the distinct counts it meets.
    """

    __slots__ = ("_count_lines", "_reliability", "_shown_counts", "_total_weights", "_weights")

    def __init__(self, weights: ScoreWeights) -> None:
        self._weights = tuple(metric_weight(weights, name) for name in _NAMES)
        self._total_weights: dict[int, Decimal] = {}
        self._count_lines: dict[_Count, tuple[ScoreMetric, Decimal]] = {}
        self._reliability: dict[tuple[int, int], Decimal | None] = {}
        self._shown_counts: dict[int, Decimal] = {}

    def score(self, inputs: ScoreInputs) -> ScoreResult:
        """Score one employee's day; ``DomainError(VALIDATION_ERROR)`` for impossible inputs."""
        _check_inputs(inputs)
        rostered = inputs.rostered and inputs.capacity_minutes > 0
        defined = (
            (inputs.relevant_tasks > 0) << _COMPLETION
            | (inputs.completed_tasks > 0) << _TIMELINESS
            | rostered << _UTILIZATION
            | (inputs.sla_tasks > 0) << _SLA
            | (inputs.approved_tasks > 0) << _QUALITY
        )
        total_weight = self._total_weight(defined)
        completion = self._count(
            _COMPLETION, inputs.completed_tasks, inputs.relevant_tasks, defined
        )
        timeliness = self._count(
            _TIMELINESS, inputs.completed_on_time, inputs.completed_tasks, defined
        )
        sla = self._count(_SLA, inputs.sla_met, inputs.sla_tasks, defined)
        quality = self._count(_QUALITY, inputs.quality_sum, 5 * inputs.approved_tasks, defined)
        utilization = self._utilization(inputs, rostered, total_weight)
        weighted = (completion[1], timeliness[1], utilization[1], sla[1], quality[1])
        metrics = (completion[0], timeliness[0], utilization[0], sla[0], quality[0])
        if not total_weight > 0:
            return ScoreResult(score=None, metrics=metrics)
        # One division of an exact sum: a score that lands on a half cent rounds up,
        # where summing the divided contributions could fall a hair below it.
        exact_sum = _ZERO
        for part in weighted:
            exact_sum = _EXACT.add(exact_sum, part)
        total = _EXACT.divide(_EXACT.multiply(_HUNDRED, exact_sum), total_weight)
        return ScoreResult(score=round_half_up(total, SCORE_PLACES), metrics=metrics)

    def reliability(self, punctual_days: int, rostered_days: int) -> Decimal | None:
        """:func:`reliability`, kept per pair of counts."""
        key = (punctual_days, rostered_days)
        if key not in self._reliability:
            self._reliability[key] = reliability(punctual_days, rostered_days)
        return self._reliability[key]

    def _total_weight(self, defined: int) -> Decimal:
        total = self._total_weights.get(defined)
        if total is None:
            total = _ZERO
            for index, weight in enumerate(self._weights):
                if defined >> index & 1:
                    total = _EXACT.add(total, weight)
            self._total_weights[defined] = total
        return total

    def _count(
        self, index: int, numerator: int, denominator: int, defined: int
    ) -> tuple[ScoreMetric, Decimal]:
        """A count metric's line and its exact ``weight × value`` (0 when undefined)."""
        key = (index, numerator, denominator, defined)
        found = self._count_lines.get(key)
        if found is None:
            ratio = (
                _EXACT.divide(Decimal(numerator), Decimal(denominator)) if denominator > 0 else None
            )
            found = _line(
                index,
                self._weights[index],
                Decimal(numerator),
                self._shown_count(denominator),
                ratio=ratio,
                total_weight=self._total_weight(defined),
            )
            self._count_lines[key] = found
        return found

    def _utilization(
        self, inputs: ScoreInputs, rostered: bool, total_weight: Decimal
    ) -> tuple[ScoreMetric, Decimal]:
        minutes = _EXACT.divide(Decimal(inputs.active_seconds), _SECONDS_PER_MINUTE)
        capacity = inputs.capacity_minutes
        ratio = min(_EXACT.divide(minutes, capacity), _ONE) if rostered else None
        weight = self._weights[_UTILIZATION]
        shown_capacity = self._shown_count(capacity)
        return _line(
            _UTILIZATION, weight, minutes, shown_capacity, ratio=ratio, total_weight=total_weight
        )

    def _shown_count(self, count: int) -> Decimal:
        """A whole count as a breakdown shows it (``3.0000``), kept once worked out."""
        shown = self._shown_counts.get(count)
        if shown is None:
            shown = self._shown_counts[count] = _shown(Decimal(count))
        return shown


def score_day(inputs: ScoreInputs, weights: ScoreWeights) -> ScoreResult:
    """Score one employee's day from its inputs (see :class:`DayScorer`).

    Raises ``DomainError(VALIDATION_ERROR)`` for impossible inputs or negative weights.

    >>> from datetime import date
    >>> from uuid import UUID
    >>> inputs = ScoreInputs(employee_id=UUID(int=1), business_date=date(2026, 3, 2),
    ...                      relevant_tasks=2, completed_tasks=2, completed_on_time=1)
    >>> result = score_day(inputs, ScoreWeights())
    >>> result.score, [str(m.contribution) for m in result.metrics]
    (Decimal('80.00'), ['60.0000', '20.0000', '0.0000', '0.0000', '0.0000'])
    """
    return DayScorer(weights).score(inputs)


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
