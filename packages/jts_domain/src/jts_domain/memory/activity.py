"""In-memory activity storage: the same contract as the PostgreSQL one, in dictionaries.

The figures the store aggregates in SQL are computed here with the domain's span-union
calculator, so the service suite holds both to the same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from uuid import UUID

from jts_domain.activity.ingest import NO_TIMER_MESSAGE
from jts_domain.activity.model import (
    ActivityKind,
    ActivityRejection,
    DailyActivity,
    DayFigures,
    Heartbeat,
    PresenceFacts,
    Project,
    RejectionReason,
    TimerActivity,
)
from jts_domain.activity.months import month_of
from jts_domain.activity.ports import IngestBatch, IngestItem, IngestOutcome, TouchedTimer
from jts_domain.activity.spans import (
    covered,
    heartbeat_spans,
    running_windows,
)
from jts_domain.errors import invalid, not_found
from jts_domain.ids import new_id
from jts_domain.memory.activity_figures import beats_of, day_of
from jts_domain.memory.tables import Tables, page
from jts_domain.model import AlertKind, Timer, TimerState
from jts_domain.timeline import durations, open_interval


def _running_at(timer: Timer, at: datetime) -> bool:
    return any(
        i.state is TimerState.RUNNING
        and i.started_at <= at
        and (i.ended_at is None or at < i.ended_at)
        for i in timer.intervals
    )


def _covered(
    spans: Iterable[tuple[datetime, int]], windows: list[tuple[datetime, datetime]]
) -> timedelta:
    return covered(heartbeat_spans(spans), windows)


def _seconds(
    spans: Iterable[tuple[datetime, int]], windows: list[tuple[datetime, datetime]]
) -> float:
    return _covered(spans, windows).total_seconds()


class MemoryActivity:
    """Heartbeats, keys, rejections, summaries, projects and storage months."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    # -- ingest ------------------------------------------------------------------------

    async def ingest(self, batch: IngestBatch) -> IngestOutcome:
        org = batch.organization_id
        timers = [
            t
            for t in self._t.timers.values()
            if t.organization_id == org and t.employee_id == batch.employee_id
        ]
        first_seen: dict[str, UUID | None] = {}
        touched: dict[UUID, Timer] = {}
        for entry in batch.keyed:
            key = (org, entry.client_id)
            if key in self._t.activity_keys:
                continue
            self._t.activity_keys[key] = batch.received_at
            timer = (
                None
                if entry.refusal
                else next((t for t in timers if _running_at(t, entry.item.at)), None)
            )
            first_seen[entry.client_id] = None if timer is None else timer.id
            if timer is None:
                self._reject(batch, entry)
            else:
                self._store(batch, entry, timer)
                touched[timer.id] = timer
        for rejection in batch.unkeyed:
            self._t.activity_rejections[rejection.id] = rejection
        return IngestOutcome(first_seen=first_seen, timers=self._touched(org, touched.values()))

    def _store(self, batch: IngestBatch, entry: IngestItem, timer: Timer) -> None:
        item = entry.item
        self._t.activity_months.add(month_of(item.at))
        self._t.heartbeats[(batch.organization_id, entry.client_id)] = Heartbeat(
            organization_id=batch.organization_id,
            employee_id=batch.employee_id,
            timer_id=timer.id,
            client_id=entry.client_id,
            at=item.at,
            kind=item.kind,
            seconds=item.seconds,
            received_at=batch.received_at,
            app=item.app,
            url=item.url,
            title=item.title,
        )

    def _reject(self, batch: IngestBatch, entry: IngestItem) -> None:
        item = entry.item
        reason, message = (
            (entry.refusal.reason, entry.refusal.message)
            if entry.refusal is not None
            else (RejectionReason.NO_TIMER, NO_TIMER_MESSAGE)
        )
        rejection = ActivityRejection(
            id=new_id(),
            organization_id=batch.organization_id,
            employee_id=batch.employee_id,
            client_id=entry.client_id,
            at=item.at if item.at.tzinfo is not None else None,
            kind=item.kind,
            seconds=item.seconds,
            reason=reason,
            message=message,
            received_at=batch.received_at,
            app=item.app if reason is not RejectionReason.INVALID else None,
            url=item.url if reason is not RejectionReason.INVALID else None,
            title=item.title if reason is not RejectionReason.INVALID else None,
        )
        self._t.activity_rejections[rejection.id] = rejection

    def _touched(self, org: UUID, timers: Iterable[Timer]) -> tuple[TouchedTimer, ...]:
        open_idle = {
            a.timer_id: a.idle_since
            for a in self._t.alerts.values()
            if a.organization_id == org and a.kind is AlertKind.IDLE and a.resolved_at is None
        }
        return tuple(
            TouchedTimer(
                timer_id=t.id,
                employee_id=t.employee_id,
                business_date=t.business_date,
                summarized=(org, t.employee_id, t.business_date) in self._t.activity_summaries,
                open_idle_since=open_idle.get(t.id),
            )
            for t in sorted(timers, key=lambda t: t.id)
        )

    async def rejections(
        self, organization_id: UUID, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[ActivityRejection]:
        rows = [
            r for r in self._t.activity_rejections.values() if r.organization_id == organization_id
        ]
        return page(rows, lambda r: (r.received_at, r.id), after, limit, newest_first=True)

    # -- projects ----------------------------------------------------------------------

    async def add_project(self, project: Project) -> None:
        taken = {
            p.name.lower()
            for p in self._t.projects.values()
            if p.organization_id == project.organization_id
        }
        if project.name.lower() in taken:
            raise invalid("a project of this name exists", field="name")
        self._t.projects[project.id] = project

    async def get_project(self, organization_id: UUID, project_id: UUID) -> Project:
        project = self._t.projects.get(project_id)
        if project is None or project.organization_id != organization_id:
            raise not_found("project", project_id)
        return project

    async def list_projects(self, organization_id: UUID) -> list[Project]:
        rows = [p for p in self._t.projects.values() if p.organization_id == organization_id]
        return sorted(rows, key=lambda p: (p.name, p.id))

    # -- figures -----------------------------------------------------------------------

    async def day_figures(
        self,
        organization_id: UUID,
        employee_ids: Sequence[UUID] | None,
        date_from: date,
        date_to: date,
        until: datetime,
        *,
        project_id: UUID | None = None,
    ) -> list[DayFigures]:
        wanted = None if employee_ids is None else set(employee_ids)
        groups: defaultdict[tuple[date, UUID], list[Timer]] = defaultdict(list)
        for timer in self._t.timers.values():
            if (
                timer.organization_id == organization_id
                and date_from <= timer.business_date <= date_to
                and (wanted is None or timer.employee_id in wanted)
                and (project_id is None or self._project_of(timer) == project_id)
            ):
                groups[(timer.business_date, timer.employee_id)].append(timer)
        return [
            day_of(self._t, day, employee, groups[(day, employee)], until)
            for day, employee in sorted(groups)
        ]

    def _project_of(self, timer: Timer) -> UUID | None:
        task = self._t.tasks.get(timer.task_id)
        return None if task is None else task.project_id

    async def timer_activity(self, organization_id: UUID, timer_id: UUID, until: datetime) -> float:
        timer = self._t.timers.get(timer_id)
        if timer is None or timer.organization_id != organization_id:
            return 0.0
        active = [
            (h.at, h.seconds) for h in beats_of(self._t, timer) if h.kind is ActivityKind.ACTIVE
        ]
        return _seconds(active, running_windows(timer.intervals, until))

    # -- summaries ---------------------------------------------------------------------

    async def save_summaries(self, summaries: Sequence[DailyActivity]) -> None:
        for s in summaries:
            self._t.activity_summaries[(s.organization_id, s.employee_id, s.business_date)] = s

    async def summaries(
        self,
        organization_id: UUID,
        employee_ids: Sequence[UUID] | None,
        date_from: date,
        date_to: date,
    ) -> list[DailyActivity]:
        wanted = None if employee_ids is None else set(employee_ids)
        rows = [
            s
            for (org, employee, day), s in self._t.activity_summaries.items()
            if org == organization_id
            and date_from <= day <= date_to
            and (wanted is None or employee in wanted)
        ]
        return sorted(rows, key=lambda s: (s.business_date, s.employee_id))

    async def unsettled_dates(self, organization_id: UUID, since: date) -> list[date]:
        return sorted(
            {
                day
                for (org, _, day), s in self._t.activity_summaries.items()
                if org == organization_id and day >= since and not s.settled
            }
        )

    # -- timers now --------------------------------------------------------------------

    def _timer_facts(self, timer: Timer) -> TimerActivity:
        beats = beats_of(self._t, timer)
        ends = [h.ends_at for h in beats if h.kind is ActivityKind.ACTIVE]
        current = open_interval(timer.intervals)
        return TimerActivity(
            timer_id=timer.id,
            employee_id=timer.employee_id,
            task_id=timer.task_id,
            state=timer.state.value,
            state_since=current.started_at if current is not None else timer.started_at,
            tracked=bool(beats),
            last_active_end=max(ends) if ends else None,
        )

    async def active_timers(self, organization_id: UUID) -> list[TimerActivity]:
        rows = [
            t
            for t in self._t.timers.values()
            if t.organization_id == organization_id and t.is_active
        ]
        return [self._timer_facts(t) for t in sorted(rows, key=lambda t: (t.started_at, t.id))]

    async def presence_facts(
        self, organization_id: UUID, employee_ids: Sequence[UUID] | None
    ) -> list[PresenceFacts]:
        wanted = None if employee_ids is None else set(employee_ids)
        people = sorted(
            (
                e
                for e in self._t.employees.values()
                if e.organization_id == organization_id
                and e.active
                and (wanted is None or e.id in wanted)
            ),
            key=lambda e: e.id,
        )
        return [self._presence_of(organization_id, e.id, e.department_id) for e in people]

    def _presence_of(self, org: UUID, employee: UUID, department: UUID | None) -> PresenceFacts:
        rows = [
            a
            for a in self._t.attendance.values()
            if a.organization_id == org and a.employee_id == employee
        ]
        open_row = next((a for a in rows if a.is_open), None)
        outs = [a.clock_out_at for a in rows if a.clock_out_at is not None]
        timers = [
            t
            for t in self._t.timers.values()
            if t.organization_id == org and t.employee_id == employee
        ]
        active = next((t for t in timers if t.is_active), None)
        stops = [t.stopped_at for t in timers if t.stopped_at is not None]
        return PresenceFacts(
            employee_id=employee,
            department_id=department,
            clocked_in_at=None if open_row is None else open_row.clock_in_at,
            last_clock_out=max(outs) if outs else None,
            timer=None if active is None else self._timer_facts(active),
            last_stop=max(stops) if stops else None,
        )

    async def running_seconds(
        self, organization_id: UUID, dates: Sequence[date], until: datetime
    ) -> dict[tuple[UUID, date], float]:
        wanted = set(dates)
        totals: defaultdict[tuple[UUID, date], timedelta] = defaultdict(timedelta)
        for t in self._t.timers.values():
            if t.organization_id == organization_id and t.business_date in wanted:
                totals[(t.employee_id, t.business_date)] += durations(t.intervals, until).active
        return {key: spent.total_seconds() for key, spent in totals.items() if spent > timedelta(0)}

    # -- storage months ----------------------------------------------------------------

    async def storage_months(self) -> list[date]:
        return sorted(self._t.activity_months)

    async def create_months(self, months: Sequence[date]) -> None:
        self._t.activity_months.update(months)

    async def drop_months(self, months: Sequence[date]) -> None:
        gone = set(months)
        self._t.activity_months.difference_update(gone)
        self._t.heartbeats = {
            k: h for k, h in self._t.heartbeats.items() if month_of(h.at) not in gone
        }

    async def delete_before(self, organization_id: UUID, cutoff: datetime) -> int:
        old = [
            k for k, h in self._t.heartbeats.items() if k[0] == organization_id and h.at < cutoff
        ]
        for key in old:
            del self._t.heartbeats[key]
        self._t.activity_keys = {
            k: received
            for k, received in self._t.activity_keys.items()
            if k[0] != organization_id or received >= cutoff
        }
        self._t.activity_rejections = {
            i: r
            for i, r in self._t.activity_rejections.items()
            if r.organization_id != organization_id or r.received_at >= cutoff
        }
        return len(old)
