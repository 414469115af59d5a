"""Jobs to do: JTD's master data (seeded from the domain's catalog), tenant settings, jobs
and their history, and the outbox consumers' positions.

Revision ID: 0010_jobs_to_do
Revises: 0003_audit_log
Create Date: 2026-12-02 04:32:03+00:00

The master rows come from ``jts_domain.jtd.catalog.CATALOG`` (the one definition of the
flows), projected on the columns this revision creates; a later change of the catalog
needs a revision that re-syncs them (tests/store checks the tables equal the catalog).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from jts_domain.jtd.catalog import CATALOG
from jts_store.jtd.master_rows import MASTER_TABLES, catalog_rows

revision: str = "0010_jobs_to_do"
down_revision: str | None = "0003_audit_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


class Xid8(sa.types.UserDefinedType[int]):
    """PostgreSQL's 64-bit transaction id, kept here so the migration never changes."""

    cache_ok = True

    def get_col_spec(self) -> str:
        return "xid8"


def upgrade() -> None:
    op.create_table(
        "jtd_channels",
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("cost_minor", sa.Integer(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("rate_limit_per_minute", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_jtd_channels")),
    )
    op.create_table(
        "jtd_event_types",
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("channels", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("scheduling", sa.Boolean(), nullable=False),
        sa.Column("agent_target", sa.Text(), nullable=False),
        sa.Column("cancel_status", sa.Text(), nullable=False),
        sa.Column("reschedule_status", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_jtd_event_types")),
    )
    op.create_table(
        "outbox_consumers",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "txid",
            Xid8(),
            server_default=sa.text("'0'::xid8"),
            nullable=False,
        ),
        sa.Column("last_id", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_outbox_consumers")),
    )
    op.create_table(
        "system_actors",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("actor_type", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "actor_type IN ('USER', 'AGENT', 'SYSTEM', 'WEBHOOK')",
            name=op.f("ck_system_actors_actor_type"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_system_actors")),
        sa.UniqueConstraint("code", name=op.f("uq_system_actors_code")),
    )
    op.create_table(
        "jtd_settings",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("agent_enabled", sa.Boolean(), nullable=False),
        sa.Column("agent_event_types", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("channels_enabled", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("daily_limit", sa.Integer(), nullable=False),
        sa.Column("monthly_limit", sa.Integer(), nullable=False),
        sa.Column("quiet_hours_start", sa.Time(), nullable=False),
        sa.Column("quiet_hours_end", sa.Time(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_jtd_settings_organization_id_organizations"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_jtd_settings")),
    )
    op.create_table(
        "jtd_source_types",
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("channels", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("default_priority", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_type"],
            ["jtd_event_types.code"],
            name=op.f("fk_jtd_source_types_event_type_jtd_event_types"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_jtd_source_types")),
    )
    op.create_table(
        "jtd_statuses",
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("status_type", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status_type IN ('initial', 'progress', 'success', 'failure', 'terminal')",
            name=op.f("ck_jtd_statuses_status_type"),
        ),
        sa.ForeignKeyConstraint(
            ["event_type"],
            ["jtd_event_types.code"],
            name=op.f("fk_jtd_statuses_event_type_jtd_event_types"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("event_type", "code", name=op.f("pk_jtd_statuses")),
    )
    op.create_table(
        "jtd_source_settings",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("source_type", sa.Text(), nullable=False),
        sa.Column("channels", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("auto_execute", sa.Boolean(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=True),
        sa.Column("delay_seconds", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "delay_seconds IS NULL OR delay_seconds >= 0",
            name=op.f("ck_jtd_source_settings_delay_positive"),
        ),
        sa.CheckConstraint(
            "priority IS NULL OR priority BETWEEN 1 AND 10",
            name=op.f("ck_jtd_source_settings_priority_range"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_jtd_source_settings_organization_id_organizations"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["source_type"],
            ["jtd_source_types.code"],
            name=op.f("fk_jtd_source_settings_source_type_jtd_source_types"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint(
            "organization_id", "source_type", name=op.f("pk_jtd_source_settings")
        ),
    )
    op.create_table(
        "jtd_status_flows",
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("from_status", sa.Text(), nullable=False),
        sa.Column("to_status", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_type", "from_status"],
            ["jtd_statuses.event_type", "jtd_statuses.code"],
            name="fk_jtd_status_flows_from_status_jtd_statuses",
        ),
        sa.ForeignKeyConstraint(
            ["event_type", "to_status"],
            ["jtd_statuses.event_type", "jtd_statuses.code"],
            name="fk_jtd_status_flows_to_status_jtd_statuses",
        ),
        sa.PrimaryKeyConstraint(
            "event_type", "from_status", "to_status", name=op.f("pk_jtd_status_flows")
        ),
    )
    op.create_table(
        "jobs_to_do",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("source_type", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=True),
        sa.Column("recipient_employee_id", sa.Uuid(), nullable=True),
        sa.Column("recipient_address", sa.Text(), nullable=True),
        sa.Column("recipient_name", sa.Text(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_live", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("cost_minor", sa.Integer(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("performed_by_type", sa.Text(), nullable=False),
        sa.Column("performed_by_id", sa.Uuid(), nullable=True),
        sa.Column("performed_by_name", sa.Text(), nullable=False),
        sa.Column("valid_transition", sa.Boolean(), nullable=False),
        sa.Column("idempotency_key", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "performed_by_type IN ('USER', 'AGENT', 'SYSTEM', 'WEBHOOK')",
            name=op.f("ck_jobs_to_do_performed_by_type"),
        ),
        sa.CheckConstraint("priority BETWEEN 1 AND 10", name=op.f("ck_jobs_to_do_priority_range")),
        sa.CheckConstraint(
            "recipient_employee_id IS NOT NULL OR recipient_address IS NOT NULL",
            name=op.f("ck_jobs_to_do_has_recipient"),
        ),
        sa.ForeignKeyConstraint(
            ["channel"],
            ["jtd_channels.code"],
            name=op.f("fk_jobs_to_do_channel_jtd_channels"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["event_type", "status"],
            ["jtd_statuses.event_type", "jtd_statuses.code"],
            name="fk_jobs_to_do_status_jtd_statuses",
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["event_type"],
            ["jtd_event_types.code"],
            name=op.f("fk_jobs_to_do_event_type_jtd_event_types"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_jobs_to_do_organization_id_organizations"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["recipient_employee_id"],
            ["employees.id"],
            name=op.f("fk_jobs_to_do_recipient_employee_id_employees"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["source_type"],
            ["jtd_source_types.code"],
            name=op.f("fk_jobs_to_do_source_type_jtd_source_types"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs_to_do")),
        sa.UniqueConstraint(
            "organization_id",
            "idempotency_key",
            name=op.f("uq_jobs_to_do_organization_id_idempotency_key"),
        ),
    )
    op.create_index(
        "ix_jobs_to_do_organization_id_recipient_scheduled_at",
        "jobs_to_do",
        ["organization_id", "recipient_employee_id", "scheduled_at"],
        unique=False,
    )
    op.create_index(
        "ix_jobs_to_do_organization_id_scheduled_at_id",
        "jobs_to_do",
        ["organization_id", "scheduled_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_jobs_to_do_scheduled_at_id", "jobs_to_do", ["scheduled_at", "id"], unique=False
    )
    op.create_table(
        "job_to_do_history",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("from_status", sa.Text(), nullable=False),
        sa.Column("to_status", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds_in_previous", sa.Double(), nullable=False),
        sa.Column("actor_type", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_name", sa.Text(), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "actor_type IN ('USER', 'AGENT', 'SYSTEM', 'WEBHOOK')",
            name=op.f("ck_job_to_do_history_actor_type"),
        ),
        sa.CheckConstraint(
            "ended_at >= started_at", name=op.f("ck_job_to_do_history_ended_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["jobs_to_do.id"],
            name=op.f("fk_job_to_do_history_job_id_jobs_to_do"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_job_to_do_history_organization_id_organizations"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_to_do_history")),
    )
    op.create_index(
        "ix_job_to_do_history_job_id_ended_at_id",
        "job_to_do_history",
        ["job_id", "ended_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_job_to_do_history_organization_id_actor_type_ended_at_id",
        "job_to_do_history",
        ["organization_id", "actor_type", "ended_at", "id"],
        unique=False,
    )

    _seed_master_data()
    _job_names(_JOBS_WITH_AGENT)
    # Jobs are made from events committed from now on, not from the outbox's history.
    op.execute(
        sa.text(
            "INSERT INTO outbox_consumers (name, txid, last_id) "
            "SELECT 'jtd.jobs_from_events', coalesce(max(txid), '0'::xid8), coalesce(max(id), 0) "
            "FROM outbox WHERE txid < pg_snapshot_xmin(pg_current_snapshot())"
        )
    )


def downgrade() -> None:
    for table in _JOB_TABLES:
        op.execute(sa.text(f"DELETE FROM {table} WHERE job = 'jtd_agent'"))  # noqa: S608
    _job_names(_JOBS_BEFORE)
    op.drop_index(
        "ix_job_to_do_history_organization_id_actor_type_ended_at_id",
        table_name="job_to_do_history",
    )
    op.drop_index("ix_job_to_do_history_job_id_ended_at_id", table_name="job_to_do_history")
    op.drop_table("job_to_do_history")
    op.drop_index("ix_jobs_to_do_scheduled_at_id", table_name="jobs_to_do")
    op.drop_index("ix_jobs_to_do_organization_id_scheduled_at_id", table_name="jobs_to_do")
    op.drop_index("ix_jobs_to_do_organization_id_recipient_scheduled_at", table_name="jobs_to_do")
    op.drop_table("jobs_to_do")
    op.drop_table("jtd_status_flows")
    op.drop_table("jtd_source_settings")
    op.drop_table("jtd_statuses")
    op.drop_table("jtd_source_types")
    op.drop_table("jtd_settings")
    op.drop_table("system_actors")
    op.drop_table("outbox_consumers")
    op.drop_table("jtd_event_types")
    op.drop_table("jtd_channels")


_JSON = postgresql.JSONB(astext_type=sa.Text())

#: The master tables' columns as this revision creates them.
_MASTER_COLUMNS: dict[str, tuple[tuple[str, sa.types.TypeEngine], ...]] = {
    "system_actors": (
        ("id", sa.Uuid()),
        ("code", sa.Text()),
        ("name", sa.Text()),
        ("actor_type", sa.Text()),
    ),
    "jtd_channels": (
        ("code", sa.Text()),
        ("name", sa.Text()),
        ("provider", sa.Text()),
        ("cost_minor", sa.Integer()),
        ("currency", sa.Text()),
        ("rate_limit_per_minute", sa.Integer()),
        ("position", sa.Integer()),
    ),
    "jtd_event_types": (
        ("code", sa.Text()),
        ("name", sa.Text()),
        ("category", sa.Text()),
        ("channels", _JSON),
        ("scheduling", sa.Boolean()),
        ("agent_target", sa.Text()),
        ("cancel_status", sa.Text()),
        ("reschedule_status", sa.Text()),
        ("position", sa.Integer()),
    ),
    "jtd_statuses": (
        ("event_type", sa.Text()),
        ("code", sa.Text()),
        ("name", sa.Text()),
        ("status_type", sa.Text()),
        ("position", sa.Integer()),
    ),
    "jtd_status_flows": (
        ("event_type", sa.Text()),
        ("from_status", sa.Text()),
        ("to_status", sa.Text()),
    ),
    "jtd_source_types": (
        ("code", sa.Text()),
        ("name", sa.Text()),
        ("event_type", sa.Text()),
        ("channels", _JSON),
        ("default_priority", sa.Integer()),
        ("position", sa.Integer()),
    ),
}


def _seed_master_data() -> None:
    rows = catalog_rows(CATALOG)
    for name in MASTER_TABLES:
        columns = _MASTER_COLUMNS[name]
        table = sa.table(name, *(sa.column(column, kind) for column, kind in columns))
        op.bulk_insert(table, [{c: row[c] for c, _ in columns} for row in rows[name]])


# The scheduled jobs, written out so the migration never changes with the code.
_JOBS_BEFORE = (
    "create_daily_attendance",
    "generate_daily_planners",
    "sla_monitor",
    "auto_stop_timers",
    "refresh_pending_summaries",
    "calculate_daily_scores",
    "nightly_backup",
    "cleanup_job_history",
)
_JOBS_WITH_AGENT = (*_JOBS_BEFORE, "jtd_agent")
_JOB_TABLES = ("job_controls", "job_executions")


def _job_names(names: tuple[str, ...]) -> None:
    """The execution log and job controls accept these job names."""
    allowed = ", ".join(f"'{name}'" for name in names)
    for table in _JOB_TABLES:
        op.drop_constraint(op.f(f"ck_{table}_job"), table, type_="check")
        op.create_check_constraint(op.f(f"ck_{table}_job"), table, f"job IN ({allowed})")
