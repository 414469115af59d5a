"""The domain's enums as GraphQL enums (the same names and values)."""

from __future__ import annotations

import strawberry

from jts_domain import model

Role = strawberry.enum(model.Role, name="Role")
JobCategory = strawberry.enum(model.JobCategory, name="JobCategory")
AttendanceStatus = strawberry.enum(model.AttendanceStatus, name="AttendanceStatus")
