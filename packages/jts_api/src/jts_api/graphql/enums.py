"""The domain's enums as GraphQL enums (the same names and values)."""

from __future__ import annotations

import strawberry

from jts_domain import model

Role = strawberry.enum(model.Role, name="Role")
JobCategory = strawberry.enum(model.JobCategory, name="JobCategory")
AttendanceStatus = strawberry.enum(model.AttendanceStatus, name="AttendanceStatus")
TaskStatus = strawberry.enum(model.TaskStatus, name="TaskStatus")
TaskPriority = strawberry.enum(model.TaskPriority, name="TaskPriority")
TaskSource = strawberry.enum(model.TaskSource, name="TaskSource")
SlaStatus = strawberry.enum(model.SlaStatus, name="SlaStatus")
ActorType = strawberry.enum(model.ActorType, name="ActorType")
Environment = strawberry.enum(model.Environment, name="Environment")
TimerState = strawberry.enum(model.TimerState, name="TimerState")
StopReason = strawberry.enum(model.StopReason, name="StopReason")
StartCheck = strawberry.enum(model.StartCheck, name="StartCheck")
