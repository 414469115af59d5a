"""The ports: what the use cases need from the outside world, as Protocols.

Every repository method takes the organization id first: no read or write ever crosses
tenants, and an id from another organization is simply not found. ``get`` methods raise
``DomainError(NOT_FOUND)``; ``find`` methods return None. ``update`` methods check the
record's ``version`` against the stored one, raise ``DomainError(CONFLICT)`` when it is
stale, and bump it on the record they were given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

from jts_domain.activity.ports import ActivityRepository
from jts_domain.administration.ports import (
    EmployeeDirectory,
    OrganizationSetup,
    PendingSummaryRepository,
)
from jts_domain.delivery.ports import DeliveryRepository
from jts_domain.exports.ports import ExportQueries
from jts_domain.jtd.ports import JtdRepository
from jts_domain.login_throttle import LoginAttempts
from jts_domain.model import (
    Actor,
    Alert,
    AlertKind,
    Attendance,
    AuditEntry,
    DailyScore,
    Department,
    DomainEvent,
    Employee,
    JobControl,
    JobExecution,
    JobRunTotals,
    Organization,
    RosterEntry,
    ScoreInputs,
    ShiftTemplate,
    SlaStatus,
    StatusChange,
    Store,
    SystemJobRun,
    Task,
    TaskStatus,
    TaskTemplate,
    Timer,
)
from jts_domain.model.scores import ScoreDay, StoredScore
from jts_domain.retention.ports import RetentionRepository
from jts_domain.roster_sync.ports import RosterSourceRepository, RosterSyncRepository
from jts_domain.schedule import JobName, SystemJobName
from jts_domain.webhooks.ports import WebhookRepository
from jts_domain.work.aggregate import TaskWork
from jts_domain.work.loaded import LoadedWork


class Clock(Protocol):
    """The one source of the current time (timezone-aware, UTC)."""

    def now(self) -> datetime:
        """The current instant, in UTC."""
        ...


class EventPublisher(Protocol):
    """Announces committed events to live subscribers (after the outbox row exists)."""

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        """Deliver events that were committed; called after commit only."""
        ...


class PasswordHasher(Protocol):
    """Turns passwords into stored hashes and checks them (the API supplies argon2).

    Both methods are async so that an adapter can run the deliberately slow hash away
    from the event loop.
    """

    async def hash(self, password: str) -> str:
        """A salted hash of the password, safe to store."""
        ...

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether the password matches the hash.

        With no hash (an unknown e-mail) it spends the same effort and answers False, so
        the answer time does not tell which e-mail addresses exist.
        """
        ...


class OrganizationRepository(Protocol):
    """Tenants."""

    async def add(self, organization: Organization) -> None: ...
    async def get(self, organization_id: UUID) -> Organization: ...
    async def list_all(self) -> list[Organization]: ...


class EmployeeRepository(Protocol):
    """People; e-mail addresses are unique across all organizations."""

    async def add(self, employee: Employee) -> None: ...
    async def get(self, organization_id: UUID, employee_id: UUID) -> Employee: ...
    async def get_many(self, organization_id: UUID, employee_ids: Sequence[UUID]) -> list[Employee]:
        """The organization's employees among the ids, by id (unknown ids are skipped)."""
        ...

    async def find_by_email(self, email: str) -> Employee | None: ...
    async def list_active(
        self, organization_id: UUID, *, department_id: UUID | None = None
    ) -> list[Employee]:
        """Active employees, by id; of one department when given."""
        ...

    async def update_access(self, employee: Employee, *, read_epoch: int) -> None:
        """Store the employee's role, active flag and access epoch.

        CONFLICT when the stored epoch is no longer ``read_epoch`` (another change of
        their access committed since they were read): nothing is written then.
        """
        ...

    async def lock_active_admins(self, organization_id: UUID) -> set[UUID]:
        """The ids of the organization's active admins, locked until the unit of work
        ends, so that concurrent demotions and deactivations see each other."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Credentials:
    """An employee and their stored password hash (None when no password was set)."""

    employee: Employee
    password_hash: str | None


class CredentialRepository(Protocol):
    """Password hashes of employees, kept apart from the :class:`Employee` record."""

    async def set_password_hash(
        self, organization_id: UUID, employee_id: UUID, password_hash: str
    ) -> None:
        """Store the employee's hash; NOT_FOUND when the employee is not of the organization."""
        ...

    async def find_by_email(self, email: str) -> Credentials | None:
        """The credentials of the e-mail address (compared lower-case), across tenants."""
        ...


class DepartmentRepository(Protocol):
    """Departments."""

    async def add(self, department: Department) -> None: ...
    async def get(self, organization_id: UUID, department_id: UUID) -> Department: ...
    async def list_all(self, organization_id: UUID) -> list[Department]: ...


class StoreRepository(Protocol):
    """Stores (places with a geofence)."""

    async def add(self, store: Store) -> None: ...
    async def get(self, organization_id: UUID, store_id: UUID) -> Store: ...
    async def list_all(self, organization_id: UUID) -> list[Store]: ...


class ShiftTemplateRepository(Protocol):
    """Shift templates."""

    async def add(self, template: ShiftTemplate) -> None: ...
    async def get(self, organization_id: UUID, template_id: UUID) -> ShiftTemplate: ...
    async def list_all(self, organization_id: UUID) -> list[ShiftTemplate]: ...


class RosterRepository(Protocol):
    """Roster entries: at most one per employee and business date."""

    async def add(self, entry: RosterEntry) -> None: ...
    async def update(self, entry: RosterEntry) -> None: ...
    async def find(
        self, organization_id: UUID, employee_id: UUID, business_date: date
    ) -> RosterEntry | None: ...
    async def list_for_date(self, organization_id: UUID, business_date: date) -> list[RosterEntry]:
        """Every entry of the date, ordered by employee id."""
        ...


class AttendanceRepository(Protocol):
    """Attendance rows: one per employee and business date."""

    async def add(self, attendance: Attendance) -> None: ...
    async def update(self, attendance: Attendance) -> None: ...
    async def find(
        self, organization_id: UUID, employee_id: UUID, business_date: date
    ) -> Attendance | None: ...
    async def find_open(self, organization_id: UUID, employee_id: UUID) -> Attendance | None:
        """The employee's attendance that is clocked in and not out, if any."""
        ...

    async def add_missing(self, rows: Sequence[Attendance]) -> int:
        """Insert the rows whose employee and date have none yet; return how many were new."""
        ...

    async def list_for_date(self, organization_id: UUID, business_date: date) -> list[Attendance]:
        """Every row of the date, ordered by employee id."""
        ...

    async def punctuality(
        self, organization_id: UUID, date_from: date, date_to: date
    ) -> dict[UUID, tuple[int, int]]:
        """Per employee: (punctual days, rostered days) between the dates, inclusive.

        A rostered day is a date with a roster entry; it is punctual when the employee's
        attendance that day is PRESENT.
        """
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskReach:
    """The tasks a caller may see: those of ``department_ids``, those without a department
    when ``departmentless``, and those assigned to or created by ``employee_id``."""

    department_ids: frozenset[UUID] = frozenset()
    departmentless: bool = False
    employee_id: UUID | None = None

    def covers(self, task: Task) -> bool:
        """Whether the task is within reach."""
        if task.department_id is None:
            in_department = self.departmentless
        else:
            in_department = task.department_id in self.department_ids
        return in_department or (
            self.employee_id is not None and self.employee_id in (task.assignee_id, task.created_by)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskFilter:
    """Filters of a task listing; None means any (``reach`` None: the whole organization)."""

    assignee_id: UUID | None = None
    department_id: UUID | None = None
    statuses: frozenset[TaskStatus] | None = None
    planned_date: date | None = None
    reach: TaskReach | None = None


class TaskRepository(Protocol):
    """Tasks and their status history."""

    async def add(self, task: Task) -> None: ...
    async def get(self, organization_id: UUID, task_id: UUID) -> Task: ...
    async def get_many(self, organization_id: UUID, task_ids: Sequence[UUID]) -> list[Task]:
        """The organization's tasks among the ids, by id (unknown ids are skipped)."""
        ...

    async def update(self, task: Task) -> None: ...
    async def add_history(self, change: StatusChange) -> None: ...
    async def history(self, organization_id: UUID, task_id: UUID) -> list[StatusChange]:
        """The task's status changes, oldest first."""
        ...

    async def histories(
        self, organization_id: UUID, task_ids: Sequence[UUID]
    ) -> dict[UUID, list[StatusChange]]:
        """The status changes of each of the tasks, oldest first, in one read (a task of
        another organization, or without history, is left out)."""
        ...

    async def search(
        self,
        organization_id: UUID,
        task_filter: TaskFilter,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[Task]:
        """Tasks ordered by (created_at, id), strictly after the cursor when given."""
        ...

    async def list_open(
        self, organization_id: UUID, *, assignee_id: UUID | None = None
    ) -> list[Task]:
        """Open tasks (neither completed nor cancelled), ordered by (created_at, id)."""
        ...

    async def list_unassigned(
        self, organization_id: UUID, department_id: UUID, business_date: date
    ) -> list[Task]:
        """PENDING tasks of the department without assignee, planned for the date or undated."""
        ...

    async def for_planner(
        self, organization_id: UUID, employee_id: UUID, business_date: date, timezone: str
    ) -> list[Task]:
        """The employee's planner candidates for a business date, in one query.

        Open tasks assigned to the employee whose plan date
        (:func:`jts_domain.planner.plan_date`: planned date, else local due date, else
        local creation date, read in ``timezone``) is on or before the date.
        """
        ...

    async def set_sla_statuses(
        self, organization_id: UUID, changes: Sequence[tuple[UUID, int, SlaStatus]]
    ) -> set[UUID]:
        """Store each (task id, version read, new SLA status) in one go, bumping versions.

        A task whose version moved on since it was read is left alone (a person's change
        wins); the ids of the tasks written are returned.
        """
        ...

    async def find_generated(
        self, organization_id: UUID, template_id: UUID, employee_id: UUID, business_date: date
    ) -> Task | None:
        """The task a template already generated for the employee and date, if any.

        Matched on ``template_id``, ``generated_for`` and ``planned_date``, so a generated
        task that was later declined or reassigned is still found (never generated twice).
        """
        ...


class TimerRepository(Protocol):
    """Timers; at most one non-stopped timer per employee, guarded by the store too.

    ``add`` raises ``DomainError(TIMER_ALREADY_RUNNING)`` when the employee already has
    a non-stopped timer, even if another transaction added it concurrently.
    """

    async def add(self, timer: Timer) -> None: ...
    async def get(self, organization_id: UUID, timer_id: UUID) -> Timer: ...
    async def update(self, timer: Timer) -> None: ...
    async def find_active(self, organization_id: UUID, employee_id: UUID) -> Timer | None: ...
    async def list_for_task(self, organization_id: UUID, task_id: UUID) -> list[Timer]:
        """Every timer of the task, oldest first."""
        ...

    async def list_active(self, organization_id: UUID) -> list[Timer]:
        """Every non-stopped timer of the organization, oldest first."""
        ...

    async def find_active_for_tasks(
        self, organization_id: UUID, task_ids: Sequence[UUID]
    ) -> dict[UUID, Timer]:
        """The non-stopped timer of each of the tasks that has one, in one read."""
        ...

    async def list_for_employee(
        self,
        organization_id: UUID,
        employee_id: UUID,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[Timer]:
        """The employee's timers, newest first, strictly after the cursor when given."""
        ...


class WorkRepository(Protocol):
    """The task-and-timer aggregate, read whole in one go and saved by what changed.

    Each ``for_*`` read returns the aggregate (the task, its non-stopped timer, the active
    time of its stopped timers) with the organization's settings and, for an ``acting``
    employee, their standing and their start conditions at ``at`` (clocked in, their roster
    shifts of the local days around ``at``, their non-stopped timer on any task).
    """

    async def for_task(
        self, organization_id: UUID, task_id: UUID, *, acting: UUID | None, at: datetime
    ) -> LoadedWork:
        """The work of a task; NOT_FOUND when the organization has no such task."""
        ...

    async def for_timer(
        self, organization_id: UUID, timer_id: UUID, *, acting: UUID | None, at: datetime
    ) -> LoadedWork:
        """The work of a timer's task, with that timer as ``asked``; NOT_FOUND when the
        organization has no such timer."""
        ...

    async def for_employee(
        self, organization_id: UUID, employee_id: UUID, *, acting: UUID | None, at: datetime
    ) -> LoadedWork | None:
        """The work of the employee's non-stopped timer; None when they have none."""
        ...

    async def save(self, work: TaskWork) -> None:
        """Write the aggregate: a created task, or the task's changed fields (CONFLICT when
        its version moved on since it was read); a new timer with its intervals, or the
        changed timer (its state, stop, and the intervals it closed and opened); the
        history rows of ``work.changes``. Audit entries and events are the caller's
        (:func:`jts_domain.work.recording.save_work`)."""
        ...


class TaskTemplateRepository(Protocol):
    """Templates of the tasks a roster generates."""

    async def add(self, template: TaskTemplate) -> None: ...
    async def list_all(self, organization_id: UUID) -> list[TaskTemplate]: ...


class DailyScoreRepository(Protocol):
    """Daily scores: one per employee and business date."""

    async def upsert_many(self, scores: Sequence[DailyScore]) -> list[StoredScore]:
        """Insert each score, or update its employee and date's stored score in place.

        In place: the stored id is kept, and so is ``calculated_at`` when what the score
        shows (score, breakdown, reliability) did not change. A later score of the same
        employee and date wins. Returns the scores stored otherwise than they were given:
        with another id (one was stored already) or an earlier ``calculated_at``.
        """
        ...

    def fingerprint(self, score: DailyScore) -> str:
        """The digest this store keeps of what a score shows (:class:`StoredScore`)."""
        ...

    async def find(
        self, organization_id: UUID, employee_id: UUID, business_date: date
    ) -> DailyScore | None: ...
    async def list_range(
        self,
        organization_id: UUID,
        employee_ids: Sequence[UUID],
        date_from: date,
        date_to: date,
    ) -> list[DailyScore]:
        """Scores of the employees between the dates (inclusive), by date then employee."""
        ...


class AlertRepository(Protocol):
    """Alerts, raised once per occasion (:attr:`Alert.occasion`), guarded by the store too."""

    async def add_if_new(self, alert: Alert) -> bool:
        """Store the alert unless one of its occasion exists; True if stored."""
        ...

    async def add_many_if_new(self, alerts: Sequence[Alert]) -> list[Alert]:
        """Store each alert unless one of its occasion exists; the stored ones."""
        ...

    async def get(self, organization_id: UUID, alert_id: UUID) -> Alert: ...

    async def resolve(self, alert: Alert) -> bool:
        """Store the alert's resolution unless it was resolved already; True if stored."""
        ...

    async def resolve_idle(
        self, organization_id: UUID, active_until: dict[UUID, datetime], at: datetime, by: Actor
    ) -> list[Alert]:
        """Resolve the unresolved IDLE alerts of the timers whose activity now reaches past
        the spell's start (timer id → end of its latest ACTIVE heartbeat); the resolved."""
        ...

    async def recent(
        self,
        organization_id: UUID,
        *,
        employee_ids: frozenset[UUID] | None = None,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[Alert]:
        """Newest first, by ``(created_at, id)``; only the given employees' when given."""
        ...

    async def kinds_for_tasks(
        self, organization_id: UUID, task_ids: Sequence[UUID]
    ) -> set[tuple[UUID, AlertKind]]:
        """Which (task, kind) SLA alerts already exist among the given tasks."""
        ...


class AuditLogRepository(Protocol):
    """The audit log: append-only."""

    async def add(self, entry: AuditEntry) -> None: ...

    async def add_many(self, entries: Sequence[AuditEntry]) -> None:
        """Append many entries at once (the changes of a batch, as the agent's)."""
        ...

    async def recent(
        self,
        organization_id: UUID,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[AuditEntry]:
        """Newest first, by ``(at, id)``, strictly before the cursor when given."""
        ...


class ScoreQueries(Protocol):
    """Set-based reads for scoring: a whole organization's day in a few statements."""

    async def score_inputs(
        self, organization_id: UUID, business_date: date, timezone: str
    ) -> list[ScoreInputs]:
        """One :class:`ScoreInputs` per active employee, ordered by employee id.

        Relevant tasks: assigned to the employee, planned for the date or due on it
        (read in ``timezone``), not cancelled. Completed on time: completed at or before
        the due time, or with none. SLA tasks: the employee's tasks with an SLA deadline
        that fell on the date, or completed on the date with a deadline; met when
        completed at or before it. Approved tasks: approved on the date with a quality
        rating. Active seconds: the ended RUNNING intervals, whole and unclipped, of the
        employee's timers whose ``business_date`` is the date (the date of the shift the
        timer started in, so an overnight shift's work counts on the date it starts on;
        a still-open interval has no end yet and counts once it ends, so the inputs never
        depend on when they are read). Capacity: the rostered shift's minutes less its
        unpaid break. Cancelled tasks count nowhere.
        """
        ...

    async def score_days(
        self, organization_id: UUID, business_date: date, timezone: str, *, reliability_from: date
    ) -> list[ScoreDay]:
        """Everything a day's calculation reads, one :class:`ScoreDay` per active employee
        (ordered by employee id), in one read: the :meth:`score_inputs`, the punctual and
        rostered days from ``reliability_from`` to the date (as
        ``AttendanceRepository.punctuality`` counts them), and the stored score's
        :class:`StoredScore`. The window spans 1 to 64 days (``ValueError`` otherwise).
        """
        ...


class JobExecutionRepository(Protocol):
    """The execution log of scheduled jobs: one row per run.

    At most one row exists per organization, job and slot (manual runs have no slot), so
    a scheduled slot runs at most once however many workers try.
    """

    async def start(self, execution: JobExecution) -> JobExecution | None:
        """Record a run that starts, or take up again an unfinished one with the same id.

        A new row is stored as given. An unfinished row of the same id (an earlier
        attempt that failed or was cut short) gets ``attempts + 1`` and the new
        ``started_at``, and is returned. None when that run already finished, or when
        another run holds the same organization, job and slot.
        """
        ...

    async def finish(self, execution: JobExecution) -> None:
        """Store the outcome of a run: finished time, success, message, error and result."""
        ...

    async def record_attempt_error(
        self, organization_id: UUID, execution_id: UUID, error: str
    ) -> None:
        """Keep the error of an attempt that will be retried (the run stays unfinished)."""
        ...

    async def get(self, organization_id: UUID, execution_id: UUID) -> JobExecution: ...

    async def page(
        self,
        organization_id: UUID,
        job: JobName | None,
        *,
        after: tuple[datetime, UUID] | None = None,
        limit: int = 50,
    ) -> list[JobExecution]:
        """Runs, of one job or all, newest first by (started_at, id), strictly after the cursor."""
        ...

    async def last_per_job(self, organization_id: UUID) -> dict[JobName, JobExecution]:
        """Each job's most recently started run."""
        ...

    async def last_slots(self, organization_id: UUID) -> dict[JobName, datetime]:
        """Each job's latest slot that has a run (finished or not)."""
        ...

    async def totals(self, organization_id: UUID, since: datetime | None) -> list[JobRunTotals]:
        """Per job, over finished runs started at or after ``since`` (all when None):
        runs, successes, mean and 95th-percentile duration; computed set-based, by job."""
        ...

    async def delete_started_before(self, organization_id: UUID, before: datetime) -> int:
        """Delete the runs started before ``before``; return how many."""
        ...


class JobControlRepository(Protocol):
    """Per organization and job: paused or not (a job without a row is not paused)."""

    async def list_all(self, organization_id: UUID) -> dict[JobName, JobControl]: ...
    async def save(self, control: JobControl) -> None:
        """Insert or replace the control of the organization and job."""
        ...


class JobQueue(Protocol):
    """Where a manual run of a job is queued for a worker (outside any unit of work)."""

    async def enqueue(self, job: JobName, organization_id: UUID, requested_by: UUID | None) -> UUID:
        """Queue a run of ``job`` for the organization now; the id its execution row gets."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxBatch:
    """Committed outbox events a consumer has not seen, whole transactions at a time.

    ``keys`` has one key per event, unique in the outbox (for idempotency keys of what
    the events cause); ``end`` is the opaque position after the batch.
    """

    events: tuple[DomainEvent, ...]
    keys: tuple[str, ...]
    end: str


class OutboxConsumerRepository(Protocol):
    """Durable outbox consumers: a name and the position it has read up to.

    A consumer handles a batch in the transaction that moves its position on, so its
    effects and its position commit together: a restart neither loses nor repeats one.
    """

    async def claim(self, consumer: str, limit: int) -> OutboxBatch | None:
        """Hold the consumer for this transaction and read the committed events after its
        position, in commit order: about ``limit`` of them, never part of a transaction.
        None when there are none, or when another transaction holds the consumer."""
        ...

    async def advance(self, consumer: str, end: str) -> None:
        """Move the consumer's position to ``end`` (a batch's) in this transaction."""
        ...


class LoginAttemptRepository(Protocol):
    """Sign-in attempts counted per address (:mod:`jts_domain.login_throttle`), shared by
    every API replica; not an organization's (an address signs in before one is known)."""

    async def lock(self, email_key: str) -> LoginAttempts:
        """The address's attempts (none counted yet when it has no row), held against
        every other unit of work until this one ends, so no two count the same one."""
        ...

    async def save(self, attempts: LoginAttempts) -> None: ...
    async def clear(self, email_key: str) -> None:
        """Forget the address's attempts (after a successful sign-in)."""
        ...


class SystemJobRunRepository(Protocol):
    """The operator's execution log of system-wide jobs: one row per run, at most one
    per job and slot (manual runs have no slot)."""

    async def start(self, run: SystemJobRun) -> SystemJobRun | None:
        """Record a run that starts, or take up an unfinished one of the same id again
        (``attempts + 1``); None when it finished already, or another run holds its slot."""
        ...

    async def finish(self, run: SystemJobRun) -> None: ...
    async def last_slots(self) -> dict[SystemJobName, datetime]:
        """Each job's latest slot that has a run."""
        ...

    async def recent(self, job: SystemJobName, limit: int = 20) -> list[SystemJobRun]:
        """The job's runs, newest first by (started_at, id)."""
        ...


class UnitOfWork(Protocol):
    """One business transaction: everything it wrote commits together or not at all.

    Use as ``async with uow:``; leaving the block without :meth:`commit` rolls back.
    Events passed to :meth:`emit` are written to the outbox in the same transaction and
    published after commit. The repositories are read-only properties, so an adapter may
    hold any implementation of each (mypy checks both adapters against this Protocol).
    """

    @property
    def organizations(self) -> OrganizationRepository: ...
    @property
    def employees(self) -> EmployeeRepository: ...
    @property
    def credentials(self) -> CredentialRepository: ...
    @property
    def departments(self) -> DepartmentRepository: ...
    @property
    def stores(self) -> StoreRepository: ...
    @property
    def shift_templates(self) -> ShiftTemplateRepository: ...
    @property
    def roster(self) -> RosterRepository: ...
    @property
    def attendance(self) -> AttendanceRepository: ...
    @property
    def tasks(self) -> TaskRepository: ...
    @property
    def timers(self) -> TimerRepository: ...
    @property
    def work(self) -> WorkRepository: ...
    @property
    def task_templates(self) -> TaskTemplateRepository: ...
    @property
    def scores(self) -> DailyScoreRepository: ...
    @property
    def alerts(self) -> AlertRepository: ...
    @property
    def audit(self) -> AuditLogRepository: ...
    @property
    def score_queries(self) -> ScoreQueries: ...
    @property
    def job_executions(self) -> JobExecutionRepository: ...
    @property
    def job_controls(self) -> JobControlRepository: ...
    @property
    def activity(self) -> ActivityRepository: ...
    # jobs to do, and the outbox consumers that create some of them from JTS's events
    @property
    def jtd(self) -> JtdRepository: ...
    @property
    def outbox_consumers(self) -> OutboxConsumerRepository: ...
    # who may sign in how often (every replica's), and the operator's system-wide jobs
    @property
    def login_attempts(self) -> LoginAttemptRepository: ...
    @property
    def system_job_runs(self) -> SystemJobRunRepository: ...
    # running an organization: people as admins see them, setup edits, pending summaries
    @property
    def directory(self) -> EmployeeDirectory: ...
    @property
    def setup(self) -> OrganizationSetup: ...
    @property
    def pending_summaries(self) -> PendingSummaryRepository: ...
    # delivery of jobs to do (attempts, counters, ledger, inboxes, templates) and webhooks
    @property
    def delivery(self) -> DeliveryRepository: ...
    @property
    def webhooks(self) -> WebhookRepository: ...
    # operations: exports, retention, roster sync
    @property
    def exports(self) -> ExportQueries: ...
    @property
    def retention(self) -> RetentionRepository: ...
    @property
    def roster_sources(self) -> RosterSourceRepository: ...
    @property
    def roster_sync(self) -> RosterSyncRepository: ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def emit(self, event: DomainEvent) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work for each use case."""

    def __call__(self) -> UnitOfWork: ...
