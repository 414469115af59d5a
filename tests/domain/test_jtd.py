"""Jobs to do in the domain: soft-enforced moves, the flows as data, the channel of a
job and the agent's way through a flow, checked for any input Hypothesis finds."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from jts_domain.ids import new_id
from jts_domain.jtd.catalog import AGENT, ARROW, CATALOG, FLOW_CHAINS, SYSTEM, chain_edges
from jts_domain.jtd.master import StatusType
from jts_domain.jtd.model import JobToDo, JtdSettings, Recipient, SourceSettings
from jts_domain.jtd.rules import (
    MOVE_STEP,
    agent_scope,
    agent_steps,
    apply_move,
    choose_channel,
)
from tests.domain.strategies import job_moves, jtd_tenants

CREATED = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)
ORG = new_id()


def _job(event_type: str, source_type: str = "system") -> JobToDo:
    definition = CATALOG.event_type(event_type)
    return JobToDo(
        id=new_id(),
        organization_id=ORG,
        event_type=event_type,
        source_type=source_type,
        status=definition.initial_status,
        channel="inapp",
        recipient=Recipient(address="a@example.test"),
        subject="s",
        priority=5,
        scheduled_at=CREATED,
        performed_by=SYSTEM,
        created_at=CREATED,
        status_changed_at=CREATED,
    )


@given(job_moves())
def test_history_durations_and_validity_follow_the_moves(
    case: tuple[str, list[tuple[str, timedelta]]],
) -> None:
    """For any sequence of moves: one history row per move, seconds that add up to the
    time since creation, and the validity flag exactly the flow's membership."""
    event_type, moves = case
    job = _job(event_type)
    flows = CATALOG.event_type(event_type).flows
    now, history = CREATED, []
    for status, gap in moves:
        now += gap
        before = job.status
        change = apply_move(CATALOG, job, status, actor=AGENT, at=now)
        history.append(change)
        assert change.valid is ((before, status) in flows)
        assert job.valid_transition is change.valid
        assert (job.status, job.performed_by) == (status, AGENT)
        now = max(now, change.ended_at)
    assert len(history) == len(moves)
    total = sum((timedelta(seconds=c.seconds_in_previous) for c in history), timedelta())
    assert abs(total - (job.status_changed_at - CREATED)) <= timedelta(microseconds=len(moves))
    for earlier, later in itertools.pairwise(history):
        assert later.started_at == earlier.ended_at
        assert later.ended_at - earlier.ended_at >= MOVE_STEP


def test_every_flow_is_its_chains_and_every_status_is_reachable() -> None:
    for code, definition in CATALOG.event_types.items():
        assert definition.flows == chain_edges(FLOW_CHAINS[code])
        statuses = {s.code for s in definition.statuses}
        assert {s for move in definition.flows for s in move} <= statuses
        initial = definition.initial_status
        assert [s.type for s in definition.statuses].count(StatusType.INITIAL) == 1
        for status in statuses - {initial}:
            assert definition.path(initial, status) is not None, (code, status)
        assert definition.has_status(definition.agent_target)
        assert definition.has_status(definition.cancel_status)
        main = [s.strip() for s in FLOW_CHAINS[code][0].split("→")]
        assert definition.is_finished(main[-1])
        for status in definition.statuses:
            if status.type is StatusType.TERMINAL:
                assert definition.is_finished(status.code), (code, status.code)


def test_the_seed_flows_of_notification_appointment_and_task() -> None:
    """Seed 002 §8.3, move by move."""
    assert {
        ("created", "pending"), ("pending", "queued"), ("queued", "executing"),
        ("executing", "sent"), ("sent", "delivered"), ("delivered", "read"),
        ("executing", "failed"), ("failed", "pending"),
    } <= CATALOG.event_type("notification").flows  # fmt: skip
    assert {
        ("created", "scheduled"), ("scheduled", "reminded"), ("reminded", "confirmed"),
        ("confirmed", "in_progress"), ("in_progress", "completed"),
        ("scheduled", "rescheduled"), ("confirmed", "no_show"),
    } <= CATALOG.event_type("appointment").flows  # fmt: skip
    assert {
        ("created", "pending"), ("pending", "assigned"), ("assigned", "in_progress"),
        ("in_progress", "completed"), ("assigned", "cancelled"), ("in_progress", "blocked"),
        ("blocked", "in_progress"),
    } <= CATALOG.event_type("task").flows  # fmt: skip


@given(st.sampled_from(sorted(CATALOG.event_types)), st.data())
def test_the_agent_takes_the_shortest_valid_way_to_its_target(
    event_type: str, data: st.DataObject
) -> None:
    definition = CATALOG.event_type(event_type)
    job = _job(event_type)
    job.status = data.draw(st.sampled_from([s.code for s in definition.statuses]))
    settings = JtdSettings(
        organization_id=ORG, agent_enabled=True, agent_event_types=frozenset({event_type})
    )
    scope = agent_scope(CATALOG, settings, {})
    assert scope is not None
    steps = agent_steps(CATALOG, job)
    if scope.covers(job):
        assert steps
        assert steps[-1] == definition.agent_target
        assert definition.status(job.status).type in {StatusType.INITIAL, StatusType.PROGRESS}
        at = CREATED
        for status in steps:
            change = apply_move(CATALOG, job, status, actor=AGENT, at=at)
            assert change.valid
        assert not scope.covers(job)
    off = agent_scope(CATALOG, JtdSettings(organization_id=ORG), {})
    assert off is None


@given(
    jtd_tenants(),
    st.sampled_from(sorted(CATALOG.source_types)),
    st.sampled_from(sorted(CATALOG.event_types)),
)
def test_a_job_gets_the_first_candidate_channel_that_is_on_and_allowed(
    tenant: tuple[dict[str, bool], tuple[str, ...] | None], source: str, event_type: str
) -> None:
    enabled, override_channels = tenant
    settings = JtdSettings(organization_id=ORG, channels_enabled=enabled)
    override = (
        None
        if override_channels is None
        else SourceSettings(organization_id=ORG, source_type=source, channels=override_channels)
    )
    chosen = choose_channel(
        CATALOG, event_type=event_type, source_type=source, settings=settings, override=override
    )
    allowed = CATALOG.event_type(event_type).channels
    defaults = CATALOG.source_type(source).channels
    if override_channels is not None:
        candidates = list(override_channels)
    elif defaults:
        candidates = list(defaults)
    else:  # a source without defaults (manual): the tenant's own, in the catalog's order
        candidates = [code for code in CATALOG.channels if enabled[code]]
    fitting = [c for c in candidates if c in allowed and enabled[c]]
    assert chosen == (fitting[0] if fitting else None)
    if chosen is not None:
        assert enabled[chosen]
        assert chosen in allowed


def test_the_readme_writes_out_every_flow() -> None:
    """The README's "Jobs to do" section prints each type's chains as the catalog has them."""
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Jobs to do", 1)[1].split("\n## ", 1)[0]
    for code, chains in FLOW_CHAINS.items():
        block = section.split(f"\n{code}  (", 1)[1].split("\n\n", 1)[0]
        listed = [line.strip() for line in block.splitlines()[1:] if ARROW in line]
        assert listed[: len(chains)] == list(chains), code
