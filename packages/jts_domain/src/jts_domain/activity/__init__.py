"""Activity tracking (seed 003): heartbeats while a timer runs, exactly-once offline
uploads, productivity, idle and overtime alerts, presence.

* :mod:`~jts_domain.activity.model` — the records;
* :mod:`~jts_domain.activity.spans` — the span-union calculator;
* :mod:`~jts_domain.activity.intake`, :mod:`~jts_domain.activity.rules`,
  :mod:`~jts_domain.activity.months` — the rules, as pure functions;
* :mod:`~jts_domain.activity.ports` — ``uow.activity``, the repository;
* the use cases: :mod:`~jts_domain.activity.ingest` (record and upload),
  :mod:`~jts_domain.activity.reads` (summaries, reports, presence, rejections),
  :mod:`~jts_domain.activity.projects`, :mod:`~jts_domain.activity.watch` (idle and
  overtime), :mod:`~jts_domain.activity.summaries`, :mod:`~jts_domain.activity.storage`
  (month maintenance).
"""

from jts_domain.activity.model import (
    ActivityItem,
    ActivityKind,
    ActivityRejection,
    ActivityResult,
    ActivityStatus,
    ActivityUpload,
    AppSeconds,
    DailyActivity,
    DayFigures,
    Heartbeat,
    Presence,
    PresenceFacts,
    PresenceState,
    Project,
    RejectionReason,
    TaskSeconds,
    TimerActivity,
)

__all__ = [
    "ActivityItem",
    "ActivityKind",
    "ActivityRejection",
    "ActivityResult",
    "ActivityStatus",
    "ActivityUpload",
    "AppSeconds",
    "DailyActivity",
    "DayFigures",
    "Heartbeat",
    "Presence",
    "PresenceFacts",
    "PresenceState",
    "Project",
    "RejectionReason",
    "TaskSeconds",
    "TimerActivity",
]
