"""The domain's enums as GraphQL enums (the same names and values).

The domain classes themselves are registered with Strawberry, so resolvers and types
use the very enums the use cases take and return.
"""

from __future__ import annotations

import strawberry

from jts_domain.activity.model import ActivityKind, ActivityStatus, PresenceState, RejectionReason
from jts_domain.jtd.recurrence import Frequency, Weekday
from jts_domain.model import (
    ActorType,
    AlertKind,
    AttendanceStatus,
    Environment,
    JobCategory,
    JobTrigger,
    Role,
    ScoreMetricName,
    SlaStatus,
    StartCheck,
    StopReason,
    TaskPriority,
    TaskSource,
    TaskStatus,
    TimerState,
    WorkloadLevel,
)
from jts_domain.roster_sync.model import RowKind, RowStatus

# Resolvers and types import the enums from here, the module that registers them.
__all__ = [
    "GRAPHQL_ENUMS",
    "ActivityKind",
    "ActivityStatus",
    "ActorType",
    "AlertKind",
    "AttendanceStatus",
    "Environment",
    "Frequency",
    "JobCategory",
    "JobTrigger",
    "PresenceState",
    "RejectionReason",
    "Role",
    "RowKind",
    "RowStatus",
    "ScoreMetricName",
    "SlaStatus",
    "StartCheck",
    "StopReason",
    "TaskPriority",
    "TaskSource",
    "TaskStatus",
    "TimerState",
    "Weekday",
    "WorkloadLevel",
]

#: Registered once, by the very classes the use cases take and return.
GRAPHQL_ENUMS = (
    ActorType,
    AlertKind,
    AttendanceStatus,
    Environment,
    JobCategory,
    JobTrigger,
    Role,
    ScoreMetricName,
    SlaStatus,
    StartCheck,
    StopReason,
    TaskPriority,
    TaskSource,
    TaskStatus,
    TimerState,
    WorkloadLevel,
    ActivityKind,
    ActivityStatus,
    PresenceState,
    RejectionReason,
    # jobs to do
    Frequency,
    Weekday,
    # operations
    RowKind,
    RowStatus,
)
for _enum in GRAPHQL_ENUMS:
    strawberry.enum(_enum)
