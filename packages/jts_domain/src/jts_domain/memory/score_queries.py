"""The in-memory twin of the store's set-based score queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from jts_domain import shifts, timeline
from jts_domain.memory.repositories import MemoryAttendance
from jts_domain.memory.tables import Tables
from jts_domain.memory.timers import stored_score
from jts_domain.model import (
    Employee,
    ScoreInputs,
    Task,
    TaskStatus,
)
from jts_domain.model.scores import ScoreDay

#: The longest reliability window :meth:`MemoryScoreQueries.score_days` reads (as the
#: store's, whose query holds a window's days in the bits of a bigint).
MAX_RELIABILITY_DAYS = 64


class MemoryScoreQueries:
    """Computes :class:`ScoreInputs` for an organization's day, as the SQL does."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def score_inputs(
        self, organization_id: UUID, business_date: date, timezone: str
    ) -> list[ScoreInputs]:
        employees = sorted(
            (
                e
                for e in self._t.employees.values()
                if e.organization_id == organization_id and e.active
            ),
            key=lambda e: e.id,
        )
        tasks = [
            t
            for t in self._t.tasks.values()
            if t.organization_id == organization_id and t.status is not TaskStatus.CANCELLED
        ]
        return [self._inputs(e, tasks, business_date, timezone) for e in employees]

    async def score_days(
        self, organization_id: UUID, business_date: date, timezone: str, *, reliability_from: date
    ) -> list[ScoreDay]:
        if not 0 <= (business_date - reliability_from).days < MAX_RELIABILITY_DAYS:
            msg = f"a reliability window spans 1 to {MAX_RELIABILITY_DAYS} days"
            raise ValueError(msg)
        attendance = MemoryAttendance(self._t)
        punctuality = await attendance.punctuality(organization_id, reliability_from, business_date)
        days = []
        for inputs in await self.score_inputs(organization_id, business_date, timezone):
            punctual, rostered = punctuality.get(inputs.employee_id, (0, 0))
            stored = self._t.scores.get((inputs.employee_id, business_date))
            if stored is not None and stored.organization_id != organization_id:
                stored = None
            days.append(
                ScoreDay(
                    inputs=inputs,
                    punctual_days=punctual,
                    rostered_days=rostered,
                    stored=None if stored is None else stored_score(stored),
                )
            )
        return days

    def _inputs(
        self, employee: Employee, tasks: list[Task], day: date, timezone: str
    ) -> ScoreInputs:
        def on_day(instant: datetime | None) -> bool:
            return instant is not None and shifts.business_date(instant, timezone) == day

        own = [t for t in tasks if t.assignee_id == employee.id]
        relevant = [t for t in own if t.planned_date == day or on_day(t.due_at)]
        completed = [t for t in relevant if t.status is TaskStatus.COMPLETED]
        on_time = [
            t
            for t in completed
            if t.due_at is None or (t.completed_at is not None and t.completed_at <= t.due_at)
        ]
        with_sla = [
            t
            for t in own
            if t.sla_deadline is not None
            and (
                on_day(t.sla_deadline)
                or (t.status is TaskStatus.COMPLETED and on_day(t.completed_at))
            )
        ]
        sla_met = [
            t
            for t in with_sla
            if t.status is TaskStatus.COMPLETED
            and t.completed_at is not None
            and t.sla_deadline is not None
            and t.completed_at <= t.sla_deadline
        ]
        approved = [t for t in own if on_day(t.approved_at) and t.quality_rating is not None]
        rostered, capacity = self._capacity(employee.id, day, timezone)
        return ScoreInputs(
            employee_id=employee.id,
            business_date=day,
            relevant_tasks=len(relevant),
            completed_tasks=len(completed),
            completed_on_time=len(on_time),
            rostered=rostered,
            capacity_minutes=capacity,
            active_seconds=self._active_seconds(employee.id, day),
            sla_tasks=len(with_sla),
            sla_met=len(sla_met),
            approved_tasks=len(approved),
            quality_sum=sum(t.quality_rating or 0 for t in approved),
        )

    def _capacity(self, employee_id: UUID, day: date, timezone: str) -> tuple[bool, int]:
        entry = self._t.roster.get((employee_id, day))
        if entry is None:
            return False, 0
        shift = self._t.shift_templates[entry.shift_template_id]
        window = shifts.shift_window(day, shift.start_time, shift.end_time, timezone)
        return True, shifts.capacity_minutes(window, shift.break_minutes)

    def _active_seconds(self, employee_id: UUID, day: date) -> float:
        """Ended RUNNING time of the employee's timers that count toward the date."""
        total = timedelta(0)
        for timer in self._t.timers.values():
            if timer.employee_id == employee_id and timer.business_date == day:
                total += timeline.ended_running_time(timer.intervals)
        return total.total_seconds()
