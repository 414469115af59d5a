"""The domain's enums as GraphQL enums (the same names and values).

The domain classes themselves are registered with Strawberry, so resolvers and types
use the very enums the use cases take and return.
"""

from __future__ import annotations

import strawberry

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

for _enum in (
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
):
    strawberry.enum(_enum)

__all__ = [
    "ActorType",
    "AlertKind",
    "AttendanceStatus",
    "Environment",
    "JobCategory",
    "JobTrigger",
    "Role",
    "ScoreMetricName",
    "SlaStatus",
    "StartCheck",
    "StopReason",
    "TaskPriority",
    "TaskSource",
    "TaskStatus",
    "TimerState",
    "WorkloadLevel",
]
