"""Activity tracking: heartbeats by month, their keys, rejections, daily summaries,
projects (and tasks' project), alerts of kinds IDLE and OVERTIME with resolution.

``heartbeats`` is partitioned by month on ``at`` with no partition made here and no
default partition: the month storage is made ahead by ``maintain_activity_partitions``
and, when missing, by the ingest before it writes (``jts_store.activity.partitions``).
Alerts lose their one unique (task, kind) constraint for a partial unique index per
kind of occasion. (The idle and overtime settings' new defaults are 0030_administration's.)

Revision ID: 0020_activity
Revises: 0030_administration
Create Date: 2026-12-02 04:35:15.931749+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0020_activity"
down_revision: str | None = "0030_administration"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_ALERT_CHECKS = {
    "kind": "kind IN ('SLA_AT_RISK', 'SLA_BREACHED', 'IDLE', 'OVERTIME')",
    "sla_status": "sla_status IS NULL OR sla_status IN ('ON_TIME', 'AT_RISK', 'BREACHED', 'MET')",
    "resolved_by_type": "resolved_by_type IS NULL"
    " OR resolved_by_type IN ('USER', 'AGENT', 'SYSTEM', 'WEBHOOK')",
    "sla_names_task": "kind NOT IN ('SLA_AT_RISK', 'SLA_BREACHED')"
    " OR (task_id IS NOT NULL AND sla_status IS NOT NULL)",
    "idle_names_spell": "kind <> 'IDLE' OR (timer_id IS NOT NULL AND idle_since IS NOT NULL)",
    "overtime_names_day": "kind <> 'OVERTIME'"
    " OR (employee_id IS NOT NULL AND business_date IS NOT NULL)",
    "resolved_by_someone": "(resolved_at IS NULL) = (resolved_by_type IS NULL)",
}
_OLD_ALERT_CHECKS = {
    "kind": "kind IN ('SLA_AT_RISK', 'SLA_BREACHED')",
    "sla_status": "sla_status IN ('ON_TIME', 'AT_RISK', 'BREACHED', 'MET')",
}


_OLD_JOBS = (
    "create_daily_attendance",
    "generate_daily_planners",
    "sla_monitor",
    "auto_stop_timers",
    "refresh_pending_summaries",
    "calculate_daily_scores",
    "nightly_backup",
    "cleanup_job_history",
    "jtd_agent",
)
_NEW_JOBS = ("detect_idle", "check_overtime", "summarize_activity", "maintain_activity_partitions")
_JOB_TABLES = ("job_controls", "job_executions")


def _job_checks(jobs: Sequence[str]) -> None:
    """The job-name CHECK of the job tables, allowing exactly ``jobs``."""
    allowed = ", ".join(f"'{job}'" for job in jobs)
    for table in _JOB_TABLES:
        op.drop_constraint(op.f(f"ck_{table}_job"), table, type_="check")
        op.create_check_constraint(op.f(f"ck_{table}_job"), table, f"job IN ({allowed})")


def upgrade() -> None:
    _job_checks((*_OLD_JOBS, *_NEW_JOBS))
    _create_activity_tables()
    _create_projects()
    _upgrade_alerts()
    _upgrade_tasks_and_timers()


def _create_activity_tables() -> None:
    op.create_table(
        "activity_keys",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "client_id", name=op.f("pk_activity_keys")),
    )
    op.create_table(
        "heartbeats",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_id", sa.Text(), nullable=False),
        sa.Column("timer_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("app", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('ACTIVE', 'IDLE')", name=op.f("ck_heartbeats_kind")),
        sa.CheckConstraint("seconds BETWEEN 1 AND 600", name=op.f("ck_heartbeats_seconds_range")),
        postgresql_partition_by="RANGE (at)",
    )
    op.create_index(
        "ix_heartbeats_organization_id_employee_id_at",
        "heartbeats",
        ["organization_id", "employee_id", "at"],
        unique=False,
    )
    op.create_table(
        "activity_daily",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("active_seconds", sa.Double(), nullable=False),
        sa.Column("timer_seconds", sa.Double(), nullable=False),
        sa.Column("idle_seconds", sa.Double(), nullable=False),
        sa.Column("heartbeats", sa.Integer(), nullable=False),
        sa.Column("productivity", sa.Numeric(), nullable=True),
        sa.Column("by_task", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("top_apps", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("settled", sa.Boolean(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "active_seconds <= timer_seconds", name=op.f("ck_activity_daily_active_within_timer")
        ),
        sa.CheckConstraint(
            "productivity IS NULL OR productivity BETWEEN 0 AND 100",
            name=op.f("ck_activity_daily_productivity_range"),
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_activity_daily_employee_id_employees"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_activity_daily_organization_id_organizations"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint(
            "organization_id", "employee_id", "business_date", name=op.f("pk_activity_daily")
        ),
    )
    op.create_table(
        "activity_rejections",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=True),
        sa.Column("app", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IS NULL OR kind IN ('ACTIVE', 'IDLE')", name=op.f("ck_activity_rejections_kind")
        ),
        sa.CheckConstraint(
            "reason IN ('TOO_OLD', 'IN_FUTURE', 'NO_TIMER', 'INVALID')",
            name=op.f("ck_activity_rejections_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_activity_rejections_employee_id_employees"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_activity_rejections_organization_id_organizations"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_rejections")),
    )
    op.create_index(
        op.f("ix_activity_rejections_employee_id"),
        "activity_rejections",
        ["employee_id"],
        unique=False,
    )
    op.create_index(
        "ix_activity_rejections_organization_id_received_at_id",
        "activity_rejections",
        ["organization_id", "received_at", "id"],
        unique=False,
    )


def _create_projects() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["employees.id"],
            name=op.f("fk_projects_created_by_employees"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_projects_organization_id_organizations"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
    )
    op.create_index(
        op.f("ix_projects_organization_id"), "projects", ["organization_id"], unique=False
    )
    op.create_index(
        "ux_projects_organization_id_lower_name",
        "projects",
        ["organization_id", sa.literal_column("lower(name)")],
        unique=True,
    )


def _upgrade_alerts() -> None:
    op.add_column("alerts", sa.Column("timer_id", sa.Uuid(), nullable=True))
    op.add_column("alerts", sa.Column("idle_since", sa.DateTime(timezone=True), nullable=True))
    op.add_column("alerts", sa.Column("business_date", sa.Date(), nullable=True))
    op.add_column("alerts", sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("alerts", sa.Column("resolved_by_type", sa.Text(), nullable=True))
    op.add_column("alerts", sa.Column("resolved_by_id", sa.Uuid(), nullable=True))
    op.add_column("alerts", sa.Column("resolved_by_name", sa.Text(), nullable=True))
    op.alter_column("alerts", "task_id", existing_type=sa.UUID(), nullable=True)
    op.alter_column("alerts", "sla_status", existing_type=sa.TEXT(), nullable=True)
    op.drop_constraint(op.f("uq_alerts_task_id_kind"), "alerts", type_="unique")
    for name in _OLD_ALERT_CHECKS:
        op.drop_constraint(op.f(f"ck_alerts_{name}"), "alerts", type_="check")
    for name, condition in _ALERT_CHECKS.items():
        op.create_check_constraint(op.f(f"ck_alerts_{name}"), "alerts", condition)
    op.create_index(
        "ix_alerts_open_idle",
        "alerts",
        ["timer_id"],
        unique=False,
        postgresql_where=sa.text("kind = 'IDLE' AND resolved_at IS NULL"),
    )
    op.create_index(
        "ux_alerts_idle_spell",
        "alerts",
        ["timer_id", "idle_since"],
        unique=True,
        postgresql_where=sa.text("kind = 'IDLE'"),
    )
    op.create_index(
        "ux_alerts_overtime_day",
        "alerts",
        ["employee_id", "business_date"],
        unique=True,
        postgresql_where=sa.text("kind = 'OVERTIME'"),
    )
    op.create_index(
        "ux_alerts_sla_once",
        "alerts",
        ["task_id", "kind"],
        unique=True,
        postgresql_where=sa.text("kind IN ('SLA_AT_RISK', 'SLA_BREACHED')"),
    )


def _upgrade_tasks_and_timers() -> None:
    op.add_column("tasks", sa.Column("project_id", sa.Uuid(), nullable=True))
    op.create_index(
        "ix_tasks_organization_id_project_id",
        "tasks",
        ["organization_id", "project_id"],
        unique=False,
    )
    op.create_foreign_key(
        op.f("fk_tasks_project_id_projects"),
        "tasks",
        "projects",
        ["project_id"],
        ["id"],
        initially="DEFERRED",
        deferrable=True,
    )
    op.create_index(
        "ix_timers_organization_id_employee_id_stopped_at",
        "timers",
        ["organization_id", "employee_id", "stopped_at"],
        unique=False,
    )


def downgrade() -> None:
    jobs = list(_NEW_JOBS)
    op.execute(sa.text("DELETE FROM job_controls WHERE job = ANY(:jobs)").bindparams(jobs=jobs))
    op.execute(sa.text("DELETE FROM job_executions WHERE job = ANY(:jobs)").bindparams(jobs=jobs))
    _job_checks(_OLD_JOBS)
    op.drop_index("ix_timers_organization_id_employee_id_stopped_at", table_name="timers")
    op.drop_constraint(op.f("fk_tasks_project_id_projects"), "tasks", type_="foreignkey")
    op.drop_index("ix_tasks_organization_id_project_id", table_name="tasks")
    op.drop_column("tasks", "project_id")
    op.execute("DELETE FROM alerts WHERE kind IN ('IDLE', 'OVERTIME')")
    for name in _ALERT_CHECKS:
        op.drop_constraint(op.f(f"ck_alerts_{name}"), "alerts", type_="check")
    for name, condition in _OLD_ALERT_CHECKS.items():
        op.create_check_constraint(op.f(f"ck_alerts_{name}"), "alerts", condition)
    op.drop_index(
        "ux_alerts_sla_once",
        table_name="alerts",
        postgresql_where=sa.text("kind IN ('SLA_AT_RISK', 'SLA_BREACHED')"),
    )
    op.drop_index(
        "ux_alerts_overtime_day", table_name="alerts", postgresql_where=sa.text("kind = 'OVERTIME'")
    )
    op.drop_index(
        "ux_alerts_idle_spell", table_name="alerts", postgresql_where=sa.text("kind = 'IDLE'")
    )
    op.drop_index(
        "ix_alerts_open_idle",
        table_name="alerts",
        postgresql_where=sa.text("kind = 'IDLE' AND resolved_at IS NULL"),
    )
    op.create_unique_constraint(
        op.f("uq_alerts_task_id_kind"),
        "alerts",
        ["task_id", "kind"],
        postgresql_nulls_not_distinct=False,
    )
    op.alter_column("alerts", "sla_status", existing_type=sa.TEXT(), nullable=False)
    op.alter_column("alerts", "task_id", existing_type=sa.UUID(), nullable=False)
    op.drop_column("alerts", "resolved_by_name")
    op.drop_column("alerts", "resolved_by_id")
    op.drop_column("alerts", "resolved_by_type")
    op.drop_column("alerts", "resolved_at")
    op.drop_column("alerts", "business_date")
    op.drop_column("alerts", "idle_since")
    op.drop_column("alerts", "timer_id")
    op.drop_index("ux_projects_organization_id_lower_name", table_name="projects")
    op.drop_index(op.f("ix_projects_organization_id"), table_name="projects")
    op.drop_table("projects")
    op.drop_index(
        "ix_activity_rejections_organization_id_received_at_id", table_name="activity_rejections"
    )
    op.drop_index(op.f("ix_activity_rejections_employee_id"), table_name="activity_rejections")
    op.drop_table("activity_rejections")
    op.drop_table("activity_daily")
    op.drop_table("heartbeats")
    op.drop_table("activity_keys")
