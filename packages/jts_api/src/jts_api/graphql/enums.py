"""The domain's enums as GraphQL enums (the same names and values).

The domain classes themselves are registered with Strawberry, so resolvers and types
use the very enums the use cases take and return.
"""

from __future__ import annotations

import strawberry

from jts_domain.model import AttendanceStatus, JobCategory, Role

for _enum in (Role, JobCategory, AttendanceStatus):
    strawberry.enum(_enum)

__all__ = ["AttendanceStatus", "JobCategory", "Role"]
