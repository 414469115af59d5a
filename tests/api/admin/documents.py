"""The GraphQL documents of the administration API tests, and reading the audit log."""

from __future__ import annotations

from typing import Any

from tests.api.harness import Gql

SETTINGS_FIELDS = """
  timezone lateGraceMinutes geofenceRadiusMeters slaWarningMinutes shiftLeadMinutes
  autoStopGraceMinutes idleMinutes idleAutoPause overtimeMinutes activityRetentionMonths
  activityLateDays quietHoursStart quietHoursEnd
  scoreWeights { completion timeliness utilization sla quality }
  workloadThresholds { pending urgent overdue }
"""
ORGANIZATION = f"{{ organization {{ id name createdAt settings {{ {SETTINGS_FIELDS} }} }} }}"
UPDATE_SETTINGS = f"""
mutation($input: UpdateOrganizationSettingsInput!) {{
  updateOrganizationSettings(input: $input) {{ id settings {{ {SETTINGS_FIELDS} }} }}
}}"""

EMPLOYEE_FIELDS = "id name email role departmentId storeId jobCategory active"
EMPLOYEES = f"""
query($filter: EmployeeFilterInput, $first: Int, $after: String) {{
  employees(filter: $filter, first: $first, after: $after) {{
    edges {{ cursor node {{ {EMPLOYEE_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }}
  }}
}}"""
EMPLOYEE = f"query($id: ID!) {{ employee(id: $id) {{ {EMPLOYEE_FIELDS} }} }}"
UPDATE_EMPLOYEE = f"""
mutation($id: ID!, $input: UpdateEmployeeInput!) {{
  updateEmployee(id: $id, input: $input) {{ {EMPLOYEE_FIELDS} }}
}}"""

PLACES = """
{ departments { id name managerId } stores { id name latitude longitude radiusMeters }
  shiftTemplates { id name startTime endTime breakMinutes } }
"""
UPDATE_DEPARTMENT = """
mutation($id: ID!, $input: UpdateDepartmentInput!) {
  updateDepartment(id: $id, input: $input) { id name managerId }
}"""
UPDATE_STORE = """
mutation($id: ID!, $input: UpdateStoreInput!) {
  updateStore(id: $id, input: $input) { id name latitude longitude radiusMeters }
}"""
UPDATE_SHIFT = """
mutation($id: ID!, $input: UpdateShiftTemplateInput!) {
  updateShiftTemplate(id: $id, input: $input) { id name startTime endTime breakMinutes }
}"""

ROSTER = """
query($from: Date!, $to: Date!, $departmentId: ID, $employeeId: ID) {
  roster(from: $from, to: $to, departmentId: $departmentId, employeeId: $employeeId) {
    id employeeId date shiftTemplateId storeId
  }
}"""
REMOVE_ROSTER_ENTRY = """
mutation($id: ID!) { removeRosterEntry(id: $id) { id employeeId date } }
"""

TEMPLATE_FIELDS = """
  id departmentId shiftTemplateId jobCategory title estimatedMinutes priority
  dueOffsetMinutes slaMinutes requiresReview archivedAt
"""
TASK_TEMPLATES = f"""
query($includeArchived: Boolean! = false) {{
  taskTemplates(includeArchived: $includeArchived) {{ {TEMPLATE_FIELDS} }}
}}"""
CREATE_TEMPLATE = f"""
mutation($input: CreateTaskTemplateInput!) {{
  createTaskTemplate(input: $input) {{ {TEMPLATE_FIELDS} }}
}}"""
UPDATE_TEMPLATE = f"""
mutation($id: ID!, $input: UpdateTaskTemplateInput!) {{
  updateTaskTemplate(id: $id, input: $input) {{ {TEMPLATE_FIELDS} }}
}}"""
ARCHIVE_TEMPLATE = f"""
mutation($id: ID!) {{ archiveTaskTemplate(id: $id) {{ {TEMPLATE_FIELDS} }} }}
"""

TASK_FIELDS = """
  id version title description priority plannedDate dueAt slaDeadline estimatedMinutes
  departmentId storeId jobCategory environment status
"""
CREATE_TASK = f"""
mutation($input: CreateTaskInput!) {{ createTask(input: $input) {{ {TASK_FIELDS} }} }}
"""
TASK = f"query($id: ID!) {{ task(id: $id) {{ {TASK_FIELDS} }} }}"
UPDATE_TASK = f"""
mutation($id: ID!, $version: Int!, $input: UpdateTaskInput!) {{
  updateTask(id: $id, version: $version, input: $input) {{ {TASK_FIELDS} }}
}}"""

WORKLOAD_FIELDS = """
  employeeId level pending urgent overdue pendingLevel urgentLevel overdueLevel
  byPriority { low medium high urgent } dueToday dueThisWeek dueThisMonth computedAt
  employee { id name }
"""
WORKLOAD = f"query($employeeId: ID) {{ workload(employeeId: $employeeId) {{ {WORKLOAD_FIELDS} }} }}"
TEAM_WORKLOAD = f"""
query($departmentId: ID!) {{ teamWorkload(departmentId: $departmentId) {{ {WORKLOAD_FIELDS} }} }}
"""

AUDIT_LOG = """
{ auditLog(first: 50) { edges { node { action entityType entityId summary actor { id } } } } }
"""


def audit(gql: Gql, admin_token: str, action: str) -> list[dict[str, Any]]:
    """The organization's audit entries of one action, newest first."""
    edges = gql(AUDIT_LOG, token=admin_token).ok()["auditLog"]["edges"]
    return [e["node"] for e in edges if e["node"]["action"] == action]


def codes_and_fields(result: Any) -> list[tuple[str | None, str | None]]:
    """``(extensions.code, extensions.details.field)`` of each error of a result."""
    out = []
    for error in result.errors:
        extensions = error.get("extensions") or {}
        out.append((extensions.get("code"), (extensions.get("details") or {}).get("field")))
    return out
