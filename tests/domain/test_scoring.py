"""The daily score: weighted over the defined metrics only, with an explainable breakdown."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from uuid import UUID

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.model import ScoreInputs, ScoreMetricName, ScoreWeights
from jts_domain.scoring import DayScorer, reliability, score_day
from tests.domain.strategies import score_inputs, score_weights

ORDER = [
    ScoreMetricName.COMPLETION,
    ScoreMetricName.TIMELINESS,
    ScoreMetricName.UTILIZATION,
    ScoreMetricName.SLA,
    ScoreMetricName.QUALITY,
]
FIELD = {name: name.value for name in ScoreMetricName}  # ScoreWeights field of each metric

# How to make one metric undefined, and which metrics that takes with it: timeliness cannot
# go without completion (no relevant task means no completed one).
UNDEFINE = {
    "completion": (
        {"relevant_tasks": 0, "completed_tasks": 0, "completed_on_time": 0},
        {ScoreMetricName.COMPLETION, ScoreMetricName.TIMELINESS},
    ),
    "utilization": ({"rostered": False}, {ScoreMetricName.UTILIZATION}),
    "sla": ({"sla_tasks": 0, "sla_met": 0}, {ScoreMetricName.SLA}),
    "quality": ({"approved_tasks": 0, "quality_sum": 0}, {ScoreMetricName.QUALITY}),
}


def _inputs(**fields: object) -> ScoreInputs:
    return ScoreInputs(employee_id=UUID(int=1), business_date=date(2026, 3, 2), **fields)


def _defined(inputs: ScoreInputs) -> set[ScoreMetricName]:
    """Which metrics PRODUCT.md defines for these inputs (read from the inputs, not the result)."""
    conditions = {
        ScoreMetricName.COMPLETION: inputs.relevant_tasks > 0,
        ScoreMetricName.TIMELINESS: inputs.completed_tasks > 0,
        ScoreMetricName.UTILIZATION: inputs.rostered and inputs.capacity_minutes > 0,
        ScoreMetricName.SLA: inputs.sla_tasks > 0,
        ScoreMetricName.QUALITY: inputs.approved_tasks > 0,
    }
    return {name for name, defined in conditions.items() if defined}


def _with_weights(weights: ScoreWeights, changes: dict[ScoreMetricName, Decimal]) -> ScoreWeights:
    return dataclasses.replace(weights, **{FIELD[name]: w for name, w in changes.items()})


@given(score_inputs(), score_weights())
def test_score_is_between_0_and_100_and_none_only_when_nothing_is_defined(inputs, weights):
    result = score_day(inputs, weights)
    if _defined(inputs):
        assert result.score is not None
        assert Decimal(0) <= result.score <= Decimal(100)
        assert result.score == result.score.quantize(Decimal("0.01"))
    else:
        assert result.score is None


@given(score_inputs(), score_weights(positive=False))
def test_the_breakdown_lists_all_five_metrics_and_explains_the_score(inputs, weights):
    """score = round_half_up(100 × Σ w·value ÷ Σ w) over the defined lines of the breakdown."""
    result = score_day(inputs, weights)
    assert [m.name for m in result.metrics] == ORDER
    defined = _defined(inputs)
    for metric in result.metrics:
        assert metric.weight == getattr(weights, FIELD[metric.name])
        if metric.name in defined:
            assert metric.value is not None
            assert Decimal(0) <= metric.value <= Decimal(1)
            assert metric.contribution >= 0
        else:
            assert metric.value is None
            assert metric.contribution == 0
    lines = [m for m in result.metrics if m.value is not None]
    total_weight = sum((m.weight for m in lines), Decimal(0))
    if total_weight == 0:
        assert result.score is None
        return
    with localcontext() as exact:
        exact.prec = 60
        expected = 100 * sum(m.weight * m.value for m in lines) / total_weight
    assert result.score == expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    shown = sum((m.contribution for m in result.metrics), Decimal(0))
    assert abs(shown - result.score) <= Decimal("0.0053")


@given(score_inputs(), score_weights())
def test_values_are_their_ratios_rounded_to_four_places(inputs, weights):
    for metric in score_day(inputs, weights).metrics:
        if metric.value is None:
            continue
        with localcontext() as exact:
            exact.prec = 60
            ratio = metric.numerator / metric.denominator
        if metric.name is ScoreMetricName.UTILIZATION:
            ratio = min(ratio, Decimal(1))
        assert abs(metric.value - ratio) <= Decimal("0.00005") + Decimal("0.0001")


@given(score_inputs(), score_weights(), score_weights())
def test_the_weight_of_an_undefined_metric_changes_nothing(inputs, weights, other):
    undefined = set(ORDER) - _defined(inputs)
    changed = _with_weights(weights, {n: getattr(other, FIELD[n]) for n in undefined})
    first, second = score_day(inputs, weights), score_day(inputs, changed)
    assert first.score == second.score
    assert [m.contribution for m in first.metrics] == [m.contribution for m in second.metrics]


@given(score_inputs(), score_weights(), st.sampled_from(sorted(UNDEFINE)))
def test_an_undefined_metric_is_left_out_not_counted_as_zero(inputs, weights, which):
    """Making a metric undefined scores exactly like keeping it with no weight at all."""
    changes, gone = UNDEFINE[which]
    without = score_day(dataclasses.replace(inputs, **changes), weights)
    weightless = score_day(inputs, _with_weights(weights, dict.fromkeys(gone, Decimal(0))))
    assert without.score == weightless.score


@st.composite
def one_more_completed_on_time(draw: st.DrawFn) -> tuple[ScoreInputs, ScoreInputs]:
    """An open relevant task gets completed by its due time (and by its SLA if it has one).

    Completion and timeliness gain a task; SLA gains a met task if the task has one, either
    already counted (its deadline falls that day) or newly counted (completed that day);
    the work may add timer time. Review-free: quality is untouched.
    """
    before = draw(score_inputs())
    assume(before.completed_tasks < before.relevant_tasks)
    sla = draw(st.sampled_from(["none", "counted", "new"]))
    if sla == "counted":
        assume(before.sla_met < before.sla_tasks)
    after = dataclasses.replace(
        before,
        completed_tasks=before.completed_tasks + 1,
        completed_on_time=before.completed_on_time + 1,
        sla_tasks=before.sla_tasks + (sla == "new"),
        sla_met=before.sla_met + (sla != "none"),
        active_seconds=before.active_seconds + draw(st.floats(0, 4 * 3600, allow_nan=False)),
    )
    return before, after


@given(one_more_completed_on_time(), score_weights())
def test_completing_one_more_task_on_time_never_lowers_the_score(change, weights):
    before, after = change
    old, new = score_day(before, weights).score, score_day(after, weights).score
    assert old is not None
    assert new is not None
    assert new >= old


@given(
    score_inputs(),
    score_weights(),
    st.decimals(min_value=Decimal("0.1"), max_value=Decimal(50), places=1),
)
def test_scaling_every_weight_changes_nothing_but_the_weights(inputs, weights, k):
    scaled = ScoreWeights(
        **{f.name: getattr(weights, f.name) * k for f in dataclasses.fields(weights)}
    )
    first, second = score_day(inputs, weights), score_day(inputs, scaled)
    assert first.score == second.score
    assert [(m.value, m.contribution) for m in first.metrics] == [
        (m.value, m.contribution) for m in second.metrics
    ]


@given(score_inputs(), score_weights(positive=False))
def test_the_same_inputs_give_the_same_result(inputs, weights):
    assert score_day(inputs, weights) == score_day(dataclasses.replace(inputs), weights)


@given(st.lists(score_inputs(), max_size=12), score_weights(positive=False))
def test_one_scorer_for_many_days_scores_each_as_a_fresh_one_would(days, weights):
    """What a scorer keeps from one employee (count lines, total weights) never changes
    another's result: a whole day scored on one scorer equals each scored alone."""
    scorer = DayScorer(weights)
    assert [scorer.score(inputs) for inputs in days] == [score_day(i, weights) for i in days]


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=12))
def test_a_scorers_reliability_is_the_calculators(days):
    scorer = DayScorer(ScoreWeights())
    pairs = [tuple(sorted(pair)) for pair in days]
    assert [scorer.reliability(*p) for p in pairs] == [reliability(*p) for p in pairs]


def test_a_scorer_checks_its_weights_once_made():
    with pytest.raises(DomainError) as caught:
        DayScorer(ScoreWeights(quality=Decimal("-0.1")))
    assert caught.value.code is ErrorCode.VALIDATION_ERROR


def test_a_full_day_worked_out():
    """Default weights 0.30 / 0.20 / 0.20 / 0.20 / 0.10 (Σ = 1.00), all five metrics defined:

    completion  3 of 4 completed        = 0.7500 → 100 × 0.30 × 0.7500 = 22.5000
    timeliness  2 of 3 on time          = 0.6667 → 100 × 0.20 × 0.6667 = 13.3340
    utilization 240 of 480 min          = 0.5000 → 100 × 0.20 × 0.5000 = 10.0000
    sla         1 of 2 met              = 0.5000 → 100 × 0.20 × 0.5000 = 10.0000
    quality     ratings 4 + 4 of 2 × 5  = 0.8000 → 100 × 0.10 × 0.8000 =  8.0000
    score = 63.8340 → 63.83
    """
    inputs = _inputs(
        relevant_tasks=4,
        completed_tasks=3,
        completed_on_time=2,
        rostered=True,
        capacity_minutes=480,
        active_seconds=240 * 60.0,
        sla_tasks=2,
        sla_met=1,
        approved_tasks=2,
        quality_sum=8,
    )
    result = score_day(inputs, ScoreWeights())
    assert [
        (m.name.value, m.numerator, m.denominator, m.value, m.weight, m.contribution)
        for m in result.metrics
    ] == [
        ("completion", 3, 4, Decimal("0.75"), Decimal("0.30"), Decimal("22.5")),
        ("timeliness", 2, 3, Decimal("0.6667"), Decimal("0.20"), Decimal("13.334")),
        ("utilization", 240, 480, Decimal("0.5"), Decimal("0.20"), Decimal("10")),
        ("sla", 1, 2, Decimal("0.5"), Decimal("0.20"), Decimal("10")),
        ("quality", 8, 10, Decimal("0.8"), Decimal("0.10"), Decimal("8")),
    ]
    assert result.score == Decimal("63.83")


def test_only_some_metrics_defined_renormalizes():
    """4 relevant tasks, none completed (completion 0/4 = 0, defined; timeliness undefined),
    not rostered (utilization undefined), 3 of 4 SLA tasks met (0.75), nothing approved.

    Σ w over the defined = 0.30 + 0.20 = 0.50.
    completion 100 × 0.30 × 0 ÷ 0.50 = 0;  sla 100 × 0.20 × 0.75 ÷ 0.50 = 30.  Score 30.00.
    Counting the three undefined metrics as zero would have given 100 × 0.20 × 0.75 = 15.
    """
    inputs = _inputs(relevant_tasks=4, sla_tasks=4, sla_met=3)
    result = score_day(inputs, ScoreWeights())
    assert [m.value for m in result.metrics] == [Decimal(0), None, None, Decimal("0.75"), None]
    assert [m.contribution for m in result.metrics] == [0, 0, 0, Decimal(30), 0]
    assert result.score == Decimal("30.00")


def test_utilization_is_capped_at_one_and_needs_a_roster():
    """600 active minutes on a 480-minute shift is 100 % utilization, not 125 %; with only
    utilization defined the score is 100. Not rostered: nothing defined, no score."""
    busy = _inputs(rostered=True, capacity_minutes=480, active_seconds=600 * 60.0)
    result = score_day(busy, ScoreWeights())
    assert result.metrics[2].value == Decimal(1)
    assert result.score == Decimal(100)
    assert score_day(dataclasses.replace(busy, rostered=False), ScoreWeights()).score is None


def test_a_day_with_nothing_to_score_has_no_score_not_zero():
    result = score_day(_inputs(), ScoreWeights())
    assert result.score is None
    assert all(m.value is None and m.contribution == 0 for m in result.metrics)


@pytest.mark.parametrize(
    "fields",
    [
        {"relevant_tasks": 2, "completed_tasks": 3},
        {"completed_tasks": 1, "relevant_tasks": 1, "completed_on_time": 2},
        {"sla_tasks": 1, "sla_met": 2},
        {"approved_tasks": 1, "quality_sum": 6},
        {"approved_tasks": 2, "quality_sum": 1},
        {"relevant_tasks": -1},
        {"rostered": True, "capacity_minutes": 480, "active_seconds": -1.0},
    ],
)
def test_impossible_inputs_are_validation_errors(fields):
    with pytest.raises(DomainError) as caught:
        score_day(_inputs(**fields), ScoreWeights())
    assert caught.value.code is ErrorCode.VALIDATION_ERROR


def test_a_negative_weight_is_a_validation_error():
    with pytest.raises(DomainError) as caught:
        score_day(_inputs(relevant_tasks=1), ScoreWeights(sla=Decimal("-0.1")))
    assert caught.value.code is ErrorCode.VALIDATION_ERROR


@given(st.integers(0, 30), st.integers(0, 30))
def test_reliability_is_a_percentage_of_rostered_days(a, b):
    punctual, rostered = sorted((a, b))
    value = reliability(punctual, rostered)
    if rostered == 0:
        assert value is None
        return
    assert value is not None
    assert Decimal(0) <= value <= Decimal(100)
    if punctual < rostered:
        more = reliability(punctual + 1, rostered)
        assert more is not None
        assert more > value


def test_reliability_examples():
    """29 of 30 = 96.666… → 96.67; 2 of 3 = 66.67; 1 of 8 = 12.5 → 12.50; none rostered → None."""
    assert reliability(29, 30) == Decimal("96.67")
    assert reliability(2, 3) == Decimal("66.67")
    assert reliability(1, 8) == Decimal("12.50")
    assert reliability(0, 0) is None
    with pytest.raises(DomainError):
        reliability(4, 3)
