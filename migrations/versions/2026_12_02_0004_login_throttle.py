"""Sign-in attempts per address (the per-account throttle, shared by every API replica),
and the operator's execution log of system-wide jobs (the nightly backup), which belongs
to no organization.

The backup used to run per organization: its runs and pause switches in the tenants'
``job_executions`` and ``job_controls`` are deleted (they named server paths); a
downgrade cannot bring them back.

Revision ID: 0004_login_throttle
Revises: 0005_access_epoch
Create Date: 2026-12-02 05:01:45+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_login_throttle"
down_revision: str | None = "0005_access_epoch"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_attempts",
        sa.Column("email_key", sa.Text(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("failures >= 0", name=op.f("ck_login_attempts_failures_not_negative")),
        sa.PrimaryKeyConstraint("email_key", name=op.f("pk_login_attempts")),
    )
    op.create_table(
        "system_job_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("job", sa.Text(), nullable=False),
        sa.Column("slot", sa.DateTime(timezone=True), nullable=True),
        sa.Column("trigger", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("success", sa.Boolean(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("result", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.CheckConstraint("job IN ('nightly_backup')", name=op.f("ck_system_job_runs_job")),
        sa.CheckConstraint(
            "trigger IN ('SCHEDULE', 'CATCH_UP', 'MANUAL')", name=op.f("ck_system_job_runs_trigger")
        ),
        sa.CheckConstraint("attempts >= 1", name=op.f("ck_system_job_runs_attempts_positive")),
        sa.CheckConstraint(
            "finished_at IS NULL OR finished_at >= started_at",
            name=op.f("ck_system_job_runs_finished_after_start"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_system_job_runs")),
        sa.UniqueConstraint("job", "slot", name=op.f("uq_system_job_runs_job_slot")),
    )
    op.create_index(
        "ix_system_job_runs_job_started_at_id",
        "system_job_runs",
        ["job", "started_at", "id"],
        unique=False,
    )
    op.execute("DELETE FROM job_executions WHERE job = 'nightly_backup'")
    op.execute("DELETE FROM job_controls WHERE job = 'nightly_backup'")


def downgrade() -> None:
    op.drop_index("ix_system_job_runs_job_started_at_id", table_name="system_job_runs")
    op.drop_table("system_job_runs")
    op.drop_table("login_attempts")
