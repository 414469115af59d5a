"""Agent mode: the agent actor moves a tenant's due jobs of the auto-executed types
through their flow, up to where delivery or a person takes over.

Decisions where PRODUCT.md is silent:

* The jobs moved are those of the event types the tenant lists, unless the tenant set
  ``autoExecute: false`` for their source; a source set to ``autoExecute: true`` is
  moved whatever its event type. Nothing moves while agent mode is off.
* A due job (scheduled at or before now) goes the shortest way through its flow to its
  type's agent target (``queued`` for messages, ``scheduled`` for appointments and
  visits, ``assigned`` for tasks; see the catalog), every step a valid move made by the
  AGENT actor at the run's instant. A failed job is not the agent's to retry.
* A job someone changed while the agent was deciding keeps that change; the next run
  looks at it again.
* ``agentPlan`` lists the jobs the agent will move within the next
  :data:`PLAN_HORIZON`, soonest first, with the statuses each will go through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from jts_domain.jtd.catalog import AGENT, CATALOG
from jts_domain.jtd.model import JobStatusChange, JobToDo
from jts_domain.jtd.recording import load_tenant, record_moves
from jts_domain.jtd.rules import agent_scope, agent_steps, apply_move
from jts_domain.model import ActorType, Permission
from jts_domain.services.context import Caller, ServiceContext
from jts_domain.services.paging import Cursor, Page, read_page

AGENT_BATCH = 500
MAX_BATCHES = 20
PLAN_HORIZON = timedelta(hours=24)
MAX_PLAN = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentRun:
    """What one agent run did for a tenant."""

    enabled: bool
    jobs_moved: int = 0
    moves: int = 0
    left_to_others: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedAgentMove:
    """A job the agent will move: when, and through which statuses."""

    job: JobToDo
    at: datetime
    statuses: tuple[str, ...]


async def _run_batch(ctx: ServiceContext, organization_id: UUID) -> tuple[AgentRun, int]:
    async with ctx.uow() as uow:
        tenant = await load_tenant(uow, organization_id)
        scope = agent_scope(CATALOG, tenant.settings, tenant.overrides)
        if scope is None:
            return AgentRun(enabled=False), 0
        now = ctx.clock.now()
        due = await uow.jtd.in_scope(organization_id, scope, until=now, limit=AGENT_BATCH)
        changes: list[JobStatusChange] = [
            apply_move(CATALOG, job, status, actor=AGENT, at=now, note="agent")
            for job in due
            for status in agent_steps(CATALOG, job)
        ]
        written = await uow.jtd.update_many(due)
        kept = [change for change in changes if change.job_id in written]
        await record_moves(uow, {job.id: job for job in due}, kept)
        await uow.commit()
    run = AgentRun(
        enabled=True,
        jobs_moved=len(written),
        moves=len(kept),
        left_to_others=len(due) - len(written),
    )
    return run, len(due)


async def run_agent(ctx: ServiceContext, organization_id: UUID) -> AgentRun:
    """The agent's scheduled job for one tenant: batches of due jobs, one unit of work
    each, until none is left (or :data:`MAX_BATCHES` batches)."""
    jobs_moved = moves = left = 0
    for _ in range(MAX_BATCHES):
        run, seen = await _run_batch(ctx, organization_id)
        if not run.enabled:
            return run
        jobs_moved += run.jobs_moved
        moves += run.moves
        left += run.left_to_others
        if seen < AGENT_BATCH:
            break
    return AgentRun(enabled=True, jobs_moved=jobs_moved, moves=moves, left_to_others=left)


async def agent_plan(
    ctx: ServiceContext, caller: Caller, *, first: int = 50
) -> list[PlannedAgentMove]:
    """What the agent will do next (``jtd.read``): empty while agent mode is off."""
    caller.require(Permission.JTD_READ)
    limit = max(1, min(first, MAX_PLAN))
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        tenant = await load_tenant(uow, caller.organization_id)
        scope = agent_scope(CATALOG, tenant.settings, tenant.overrides)
        if scope is None:
            return []
        jobs = await uow.jtd.in_scope(
            caller.organization_id, scope, until=now + PLAN_HORIZON, limit=limit
        )
    return [
        PlannedAgentMove(job=job, at=max(job.scheduled_at, now), statuses=agent_steps(CATALOG, job))
        for job in jobs
    ]


async def agent_activity(
    ctx: ServiceContext, caller: Caller, *, first: int = 50, after: Cursor | None = None
) -> Page[JobStatusChange]:
    """What the agent did (``jtd.read``): its moves, newest first."""
    caller.require(Permission.JTD_READ)
    async with ctx.uow() as uow:

        async def fetch(cursor: Cursor | None, limit: int) -> list[JobStatusChange]:
            return await uow.jtd.changes_by(
                caller.organization_id, ActorType.AGENT, after=cursor, limit=limit
            )

        return await read_page(fetch, first=first, after=after)
